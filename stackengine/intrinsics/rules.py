"""The Rules section: assertions about parameter values, checked before anything is deployed."""

from __future__ import annotations

from typing import Any, Mapping

from stackengine.diagnostics import DiagnosticSink, Severity
from stackengine.intrinsics.evaluate import EvalContext, Evaluator, Scope
from stackengine.values import Unknown

Json = Any


def check_rules(rules: Json, ctx: EvalContext, sink: DiagnosticSink) -> None:
    """Evaluate every rule; a failed assertion is an error carrying its AssertDescription.

    Assertions that need the account's contents (Fn::RefAll, Fn::ValueOf ...) cannot be decided
    offline: they are reported as skipped (info), never guessed.
    """
    if rules is None:
        return
    if not isinstance(rules, Mapping):
        sink.add("E1040", "the Rules section must be a mapping of rule names to rules", ("Rules",))
        return
    evaluator = Evaluator(ctx, sink, Scope.RULE)
    for name, rule in rules.items():
        path = ("Rules", name)
        if not isinstance(rule, Mapping) or not set(rule) <= {"RuleCondition", "Assertions"}:
            sink.add("E1040", f"rule {name!r} must be a mapping with Assertions and an optional "
                     "RuleCondition", path)
            continue
        if "RuleCondition" in rule:
            applies = evaluator.resolve(rule["RuleCondition"], path + ("RuleCondition",))
            if isinstance(applies, Unknown):
                sink.add("I1041", f"rule {name!r} was not checked: its RuleCondition depends on the "
                         "account's contents, which are not known offline", path, Severity.INFO)
                continue
            if not isinstance(applies, bool):
                sink.add("E1040", f"the RuleCondition of rule {name!r} must be a condition", path)
                continue
            if not applies:
                continue
        assertions = rule.get("Assertions")
        if not isinstance(assertions, list) or not assertions:
            sink.add("E1040", f"rule {name!r} needs a non-empty list of Assertions", path + ("Assertions",))
            continue
        for index, assertion in enumerate(assertions):
            where = path + ("Assertions", index)
            if not isinstance(assertion, Mapping) or "Assert" not in assertion:
                sink.add("E1040", "an assertion is a mapping with Assert and an optional "
                         "AssertDescription", where)
                continue
            outcome = evaluator.resolve(assertion["Assert"], where + ("Assert",))
            if isinstance(outcome, Unknown):
                sink.add("I1041", f"an assertion of rule {name!r} was not checked: it depends on the "
                         "account's contents, which are not known offline", where, Severity.INFO)
            elif not isinstance(outcome, bool):
                sink.add("E1040", "an Assert must evaluate to true or false", where + ("Assert",))
            elif not outcome:
                description = assertion.get("AssertDescription")
                message = (str(description) if description else "assertion failed")
                sink.add("E1042", f"rule {name!r} failed: {message}", where)
