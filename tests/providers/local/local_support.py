"""Shared values and helpers of the local provider tests."""

from __future__ import annotations

import threading

from stackengine.providers.base import StackRef

STACK = StackRef("mystack", "arn:aws:cloudformation:us-east-1:123456789012:stack/mystack/"
                 "1d7e4c10-0000-11ee-8c99-0242ac120002")
OTHER_STACK = StackRef("other", "arn:aws:cloudformation:us-east-1:123456789012:stack/other/"
                       "2d7e4c10-0000-11ee-8c99-0242ac120002")
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


class FakeTime:
    """A clock for the provider's `clock=`/`sleep=` (and the engine's `clock=`) that moves only when
    someone sleeps: with `--latency` a call "takes" its time without the test waiting. Thread-safe,
    as calls with latency run in worker threads."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def time(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


class Tokens:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"tok-{self.n}"


def make_role(provider, token, stack=STACK, logical_id="Role", **props):
    return provider.create(stack, "AWS::IAM::Role", logical_id,
                           {"AssumeRolePolicyDocument": TRUST, **props}, token())


def make_function(provider, token, stack=STACK, logical_id="Fn", **props):
    role = make_role(provider, token, stack, logical_id + "Role")
    base = {"Role": role.attributes["Arn"], "Runtime": "python3.12", "Handler": "index.handler",
            "Code": {"ZipFile": "def handler(e, c): pass"}}
    base.update(props)
    return provider.create(stack, "AWS::Lambda::Function", logical_id, base, token())
