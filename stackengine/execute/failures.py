"""Where in the template a failed deploy went wrong.

A resource's failure reaches the user as CloudFormation words it, in an event ("Properties
validation failed for resource Queue with message: [#/DelaySeconds: ...]"). After a failed
create or update, `located_failures` turns the causes of the last operation into lines that
name the template file, line and column and the template path: the resource, and the property
when the reason names one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Collection, Iterable

from stackengine.diagnostics import PathPart, format_path
from stackengine.execute.operations import CANCELLED
from stackengine.state.base import StackEvent

_PROPERTY = re.compile(r"\[#/([^:\]]+):")  # "[#/Tags/0/Key: ..." in a validation message


@dataclass(frozen=True)
class LocatedFailure:
    path: tuple[PathPart, ...]  # Resources.<LogicalId>[.Properties...]
    reason: str
    line: int | None = None
    column: int | None = None

    def format(self, file: str) -> str:
        where = f"{file}:{self.line}:{self.column}: " if self.line is not None else f"{file}: "
        return f"{where}{format_path(self.path)}: {self.reason}"


def last_operation_causes(events: Iterable[StackEvent], stack_name: str,
                          statuses: Collection[str] = ("CREATE_FAILED", "UPDATE_FAILED")
                          ) -> list[StackEvent]:
    """The resource failures (events of `statuses`) of the stack's last operation, oldest first,
    without the calls that were only cancelled because of them (`events` newest first, as
    `describe-stack-events` lists them)."""
    causes: list[StackEvent] = []
    for event in events:
        if event.logical_id == stack_name and event.reason == "User Initiated":
            break
        if (event.logical_id != stack_name and event.status in statuses and event.reason
                and event.reason not in CANCELLED.values()):
            causes.append(event)
    return list(reversed(causes))


def failure_path(event: StackEvent) -> tuple[PathPart, ...]:
    """The template path a failure points at: the property a validation message names, else
    the resource."""
    path: tuple[PathPart, ...] = ("Resources", event.logical_id)
    match = _PROPERTY.search(event.reason or "")
    if match is None:
        return path
    parts: list[PathPart] = [int(p) if p.isdigit() else p for p in match.group(1).split("/")]
    return path + ("Properties", *parts)


def located_failures(events: Iterable[StackEvent], stack_name: str,
                     template: Any) -> list[LocatedFailure]:
    """The causes of the last operation, each with the position of its path in `template` (the
    decoded, marked template; positions of the deepest part that exists in it)."""
    from stackengine.template.marks import locate

    out = []
    for event in last_operation_causes(events, stack_name):
        path = failure_path(event)
        # A resource is pointed at by its name; a property by its value.
        line, column = locate(template, path, key=len(path) == 2) or (None, None)
        out.append(LocatedFailure(path, event.reason or "", line, column))
    return out
