"""Static discovery of what a value refers to: Ref, Fn::GetAtt and Fn::Sub variables.

Used for the dependency graph and for reference checks; pure and cheap (no evaluation).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any, Iterator

from stackengine.diagnostics import PathPart, TemplatePath

PSEUDO_PARAMETERS = frozenset({
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
    "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
})

# ${Name}, ${Name.Attr}; ${!Literal} is an escape and refers to nothing.
SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class RefKind(enum.Enum):
    REF = "Ref"
    GETATT = "GetAtt"
    SUB = "Sub"


@dataclass(frozen=True, slots=True)
class Reference:
    """One reference found in a value: `target` is the logical name (resource, parameter or
    pseudo parameter); `attribute` is set for GetAtt and `${X.Attr}`; `path` is where it was written."""

    target: str
    kind: RefKind
    path: TemplatePath
    attribute: str | None = None


def sub_variables(template: str) -> Iterator[str]:
    """Variable names used in an Fn::Sub string, in order (escapes `${!x}` excluded)."""
    for match in SUB_VARIABLE.finditer(template):
        yield match.group(1).strip()


def find_references(value: Any, path: TemplatePath = ()) -> Iterator[Reference]:
    """Every Ref / GetAtt / Sub reference inside `value` (depth-first, in document order)."""
    stack: list[tuple[Any, TemplatePath]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            if len(item) == 1:
                key, arg = next(iter(item.items()))
                if key == "Ref" and isinstance(arg, str):
                    yield Reference(arg, RefKind.REF, where + ("Ref",))
                    continue
                if key == "Fn::GetAtt":
                    target = _getatt_target(arg)
                    if target is not None:
                        yield Reference(target[0], RefKind.GETATT, where + ("Fn::GetAtt",), target[1])
                    if isinstance(arg, list) and len(arg) == 2 and not isinstance(arg[1], str):
                        stack.append((arg[1], where + ("Fn::GetAtt", 1)))
                    continue
                if key == "Fn::Sub":
                    yield from _sub_references(arg, where + ("Fn::Sub",))
                    if isinstance(arg, list) and len(arg) == 2:
                        stack.append((arg[1], where + ("Fn::Sub", 1)))
                    continue
            for key, child in reversed(list(item.items())):
                stack.append((child, where + (key,)))
        elif isinstance(item, list):
            for index in range(len(item) - 1, -1, -1):
                stack.append((item[index], where + (index,)))


def _getatt_target(arg: Any) -> tuple[str, str | None] | None:
    if isinstance(arg, list) and arg and isinstance(arg[0], str):
        attribute = arg[1] if len(arg) > 1 and isinstance(arg[1], str) else None
        return arg[0], attribute
    if isinstance(arg, str) and "." in arg:
        resource, _, attribute = arg.partition(".")
        return resource, attribute
    return None


def _sub_references(arg: Any, where: TemplatePath) -> Iterator[Reference]:
    local: Any = {}
    if isinstance(arg, str):
        template = arg
        template_path: tuple[PathPart, ...] = where
    elif isinstance(arg, list) and arg and isinstance(arg[0], str):
        template = arg[0]
        local = arg[1] if len(arg) > 1 and isinstance(arg[1], dict) else {}
        template_path = where + (0,)
    else:
        return
    for name in sub_variables(template):
        if name in local:
            continue
        resource, dot, attribute = name.partition(".")
        if dot and resource not in PSEUDO_PARAMETERS:
            yield Reference(resource, RefKind.SUB, template_path, attribute)
        else:
            yield Reference(name, RefKind.SUB, template_path)
