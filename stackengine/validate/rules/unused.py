"""Declared but never used: parameters, mappings, conditions (legal, almost always a mistake)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Mapping

from stackengine.diagnostics import Diagnostic, Severity
from stackengine.intrinsics.references import find_references

if TYPE_CHECKING:
    from stackengine.validate.context import TemplateContext

Json = Any
UNUSED_PARAMETER = "W2010"
UNUSED_MAPPING = "W7010"
UNUSED_CONDITION = "W8010"
_NOT_USES = ("Parameters", "Metadata", "Description")


def check(tc: TemplateContext) -> Iterator[Diagnostic]:
    # The source counts too: a transform (SAM Globals, ForEach) may consume a reference.
    bodies = [{k: v for k, v in t.items() if k not in _NOT_USES}
              for t in (tc.source, tc.template) if isinstance(t, Mapping)]
    refs: set[str] = set()
    for body in bodies:
        refs.update(r.target for r in find_references(body))
    maps, map_dynamic, conds = _names_used(bodies)
    for section, used, code, what in (("Parameters", refs, UNUSED_PARAMETER, "parameter"),
                                      ("Mappings", maps, UNUSED_MAPPING, "mapping"),
                                      ("Conditions", conds, UNUSED_CONDITION, "condition")):
        declared = tc.source.get(section) if isinstance(tc.source, Mapping) else None
        if not isinstance(declared, Mapping) or (section == "Mappings" and map_dynamic):
            continue
        for name in declared:
            if name not in used and name not in (refs if section == "Parameters" else ()):
                yield Diagnostic(code, f"{what} {name!r} is declared but never used", (section, name),
                                 severity=Severity.WARNING)


def _names_used(bodies: list[Json]) -> tuple[set[str], bool, set[str]]:
    maps: set[str] = set()
    conds: set[str] = set()
    dynamic = False
    stack = list(bodies)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "Fn::FindInMap" and isinstance(value, list) and value:
                    if isinstance(value[0], str):
                        maps.add(value[0])
                    else:
                        dynamic = True
                elif key == "Fn::If" and isinstance(value, list) and value and isinstance(value[0], str):
                    conds.add(value[0])
                elif key == "Condition" and isinstance(value, str):
                    conds.add(value)
                elif key == "Fn::ValueOf" or key == "Fn::ValueOfAll":
                    pass
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return maps, dynamic, conds
