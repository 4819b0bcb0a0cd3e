"""SQS (and SNS FIFO topics): FIFO names end in `.fifo`; names use AWS's characters and length."""

from __future__ import annotations

import re

from stackengine.providers.local.naming import is_true
from stackengine.providers.local.rules.base import RuleContext, fail, on_write

_QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_FIFO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,75}\.fifo$")
_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_FIFO_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,251}\.fifo$")


@on_write("AWS::SQS::Queue")
def queue_name(ctx: RuleContext) -> None:
    name = ctx.properties.get("QueueName")
    fifo = is_true(ctx.properties.get("FifoQueue"))
    if not isinstance(name, str):
        return
    if fifo and not _FIFO_NAME.match(name):
        fail("The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
             "underscores, must end with .fifo suffix and be 1 to 80 in length.", "InvalidRequest")
    if not fifo and name.endswith(".fifo"):
        fail(f"Queue name {name} ends with .fifo but FifoQueue is not set to true "
             "(only FIFO queues can have names ending in .fifo).", "InvalidRequest")
    if not fifo and not _QUEUE_NAME.match(name):
        fail("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
             "InvalidRequest")


@on_write("AWS::SQS::Queue")
def fifo_only_attributes(ctx: RuleContext) -> None:
    if is_true(ctx.properties.get("ContentBasedDeduplication")) and \
            not is_true(ctx.properties.get("FifoQueue")):
        fail("Unknown Attribute ContentBasedDeduplication. (only FIFO queues support it)",
             "InvalidRequest")


@on_write("AWS::SNS::Topic")
def topic_name(ctx: RuleContext) -> None:
    name = ctx.properties.get("TopicName")
    if not isinstance(name, str):
        return
    fifo = is_true(ctx.properties.get("FifoTopic"))
    pattern = _FIFO_TOPIC if fifo else _TOPIC_NAME
    if not pattern.match(name):
        fail("Invalid parameter: Topic Name" + (" (FIFO topic names must end with .fifo)" if fifo else ""),
             "InvalidRequest")
