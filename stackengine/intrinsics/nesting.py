"""Which intrinsic functions CloudFormation accepts inside which, as data.

Only rules the documentation states consistently are enforced (the lists on some function pages
leave out combinations the same docs use in their examples, e.g. Fn::Select over Fn::Cidr); with
`AWS::LanguageExtensions` CloudFormation accepts more, so these checks are relaxed there.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from stackengine.diagnostics import PathPart

Json = Any
Slot = tuple[tuple[PathPart, ...], Json, frozenset[str], str]
"""(sub-path of the argument, its value, functions allowed there, what the argument is)."""

_FINDINMAP_KEY = frozenset({"Ref", "Fn::FindInMap"})
_SELECT_INDEX = frozenset({"Ref", "Fn::FindInMap"})
_GETAZS = frozenset({"Ref"})
_GETATT_NAME = frozenset({"Ref"})


def _findinmap(arg: Json) -> Iterator[Slot]:
    if isinstance(arg, list):
        for index, what in enumerate(("MapName", "TopLevelKey", "SecondLevelKey")):
            if index < len(arg):
                yield (index,), arg[index], _FINDINMAP_KEY, f"the {what} of Fn::FindInMap"


def _getazs(arg: Json) -> Iterator[Slot]:
    yield (), arg, _GETAZS, "the region of Fn::GetAZs"


def _select(arg: Json) -> Iterator[Slot]:
    if isinstance(arg, list) and arg:
        yield (0,), arg[0], _SELECT_INDEX, "the index of Fn::Select"


def _getatt(arg: Json) -> Iterator[Slot]:
    if isinstance(arg, list) and len(arg) == 2:
        yield (1,), arg[1], _GETATT_NAME, "the attribute name of Fn::GetAtt"


SLOTS: dict[str, Callable[[Json], Iterator[Slot]]] = {
    "Fn::FindInMap": _findinmap,
    "Fn::GetAZs": _getazs,
    "Fn::Select": _select,
    "Fn::GetAtt": _getatt,
}


def misplaced_functions(name: str, arg: Json) -> Iterator[tuple[tuple[PathPart, ...], str]]:
    """(sub-path, message) for every function used where `name` does not accept it."""
    slots = SLOTS.get(name)
    if slots is None:
        return
    for subpath, value, allowed, what in slots(arg):
        if isinstance(value, dict) and len(value) == 1:
            inner = next(iter(value))
            if (inner == "Ref" or inner.startswith("Fn::")) and inner not in allowed:
                accepted = " or ".join(sorted(allowed))
                yield subpath + (inner,), (f"{inner} cannot be used in {what}; CloudFormation accepts "
                                           f"only {accepted} there")
