"""The Conditions section: each named condition evaluated once, cycles reported with their path."""

from __future__ import annotations

from typing import Any, Mapping

from stackengine.diagnostics import DiagnosticSink, TemplatePath
from stackengine.intrinsics.evaluate import EvalContext, Evaluator, Scope
from stackengine.intrinsics.functions import CONDITION_FUNCTIONS
from stackengine.values import Unknown, to_template

Json = Any


class ConditionTable:
    """Lazily evaluates named conditions. Attach it to an EvalContext via `bind`."""

    def __init__(self, conditions: Mapping[str, Json], sink: DiagnosticSink) -> None:
        self.conditions = conditions if isinstance(conditions, Mapping) else {}
        self.sink = sink
        self.values: dict[str, bool] = {}
        self._active: list[str] = []
        self._ctx: EvalContext | None = None

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.conditions)

    def bind(self, ctx: EvalContext) -> None:
        self._ctx = ctx

    def __call__(self, name: str, path: TemplatePath) -> bool:
        if name in self.values:
            return self.values[name]
        if name in self._active:
            cycle = self._active[self._active.index(name):] + [name]
            self.sink.add("E1033", "conditions refer to each other in a cycle: " + " -> ".join(cycle),
                          ("Conditions", name))
            self.values[name] = False
            return False
        assert self._ctx is not None, "ConditionTable used before bind()"
        self._active.append(name)
        try:
            definition = self.conditions[name]
            where: TemplatePath = ("Conditions", name)
            value: Json = None
            if (isinstance(definition, dict) and len(definition) == 1
                    and next(iter(definition)) in CONDITION_FUNCTIONS):
                errors_before = sum(d.is_error for d in self.sink.items)
                value = Evaluator(self._ctx, self.sink, Scope.CONDITION).resolve(definition, where)
                if isinstance(value, Unknown) and sum(d.is_error for d in self.sink.items) == errors_before:
                    # Never silently false: a condition is decided before anything is deployed.
                    residual = f" ({to_template(value)})" if value.expr is not None else ""
                    self.sink.add("E1035", f"condition {name!r} cannot be decided before deployment"
                                  f"{residual}; conditions can use only parameters, pseudo "
                                  "parameters, mappings and other conditions", where)
            else:
                self.sink.add("E1034", f"condition {name!r} must be Fn::Equals, Fn::And, Fn::Or, Fn::Not "
                              "or {Condition: Name}", where)
            result = value if isinstance(value, bool) else False
            self.values[name] = result
            return result
        finally:
            self._active.pop()

    def evaluate_all(self) -> dict[str, bool]:
        for name in self.conditions:
            self(name, ("Conditions", name))
        return dict(self.values)
