"""Filled parameter values that satisfy the template's Rules, where some choice does.

`template.fill` picks stand-ins (Default, first AllowedValue, type-valid value) and can re-choose
them when told which assertions fail; this module is the teller: it evaluates the Rules section as
a deploy would (`check_rules`) for a set of string values.
"""

from __future__ import annotations

from typing import Any, Mapping

from stackengine.diagnostics import DiagnosticSink, TemplatePath
from stackengine.intrinsics.evaluate import EvalContext, StackInfo
from stackengine.intrinsics.rules import check_rules
from stackengine.template.fill import fill_parameters, satisfy_rules
from stackengine.template.parameters import resolve_parameters

Json = Any


def failing_assertions(template: Mapping[str, Json], values: Mapping[str, str],
                       stack: StackInfo = StackInfo()) -> list[TemplatePath]:
    """Paths (`Rules.<name>.Assertions.<i>`) of the assertions that fail for `values`."""
    rules = template.get("Rules")
    if not isinstance(rules, Mapping):
        return []
    parameters, _ = resolve_parameters(template.get("Parameters"), values)
    sink = DiagnosticSink()
    check_rules(rules, EvalContext(stack=stack, parameters=parameters,
                                   mappings=template.get("Mappings") or {}), sink)
    return [d.path for d in sink.items if d.code == "E1042"]


def fill_parameters_for_rules(template: Json, given: Mapping[str, str],
                              stack: StackInfo = StackInfo()) -> dict[str, str]:
    """`fill_parameters`, then re-chosen where the Rules refuse the first choices; `given` values
    are kept as they are."""
    if not isinstance(template, Mapping):
        return dict(given)
    declared = template.get("Parameters")
    values = fill_parameters(declared, given)
    rules = template.get("Rules")
    if not isinstance(rules, Mapping):
        return values
    return satisfy_rules(declared, rules, values, frozenset(given),
                         lambda trial: failing_assertions(template, trial, stack))
