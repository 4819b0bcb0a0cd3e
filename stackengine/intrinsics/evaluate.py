"""The evaluator: `Evaluator(ctx, sink).resolve(value, path)` folds everything that parameters,
pseudo parameters, mappings and conditions decide, and keeps what only deployment can decide
(a resource's Ref or GetAtt) as `Unknown` residual expressions.

Problems are added to the diagnostic sink with the template path where they occur, so one pass
reports every problem; the failing expression evaluates to an Unknown so evaluation goes on.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from stackengine.diagnostics import DiagnosticSink, PathPart, Severity, TemplatePath
from stackengine.template.model import ParameterValue
from stackengine.values import NO_VALUE, Unknown

Json = Any
ResourceLookup = Callable[[str, "str | None"], Json]
"""(logical_id, attribute or None for Ref) → the deployed value; raise KeyError when unknown."""


class Scope(enum.Enum):
    """Where a value sits decides which functions it may use."""

    CONDITION = "Conditions"
    RESOURCE = "Resources"
    OUTPUT = "Outputs"
    RULE = "Rules"


@dataclass(frozen=True)
class StackInfo:
    """The pseudo parameters' sources."""

    stack_name: str = "stack"
    region: str = "us-east-1"
    account_id: str = "123456789012"
    stack_id: str | None = None
    notification_arns: tuple[str, ...] = ()

    @property
    def partition(self) -> str:
        from stackengine.regions import partition_for_region

        return partition_for_region(self.region)

    @property
    def url_suffix(self) -> str:
        from stackengine.regions import url_suffix

        return url_suffix(self.partition)

    @property
    def effective_stack_id(self) -> str:
        """The stack's ARN; before deployment, a deterministic stand-in with CloudFormation's shape."""
        if self.stack_id:
            return self.stack_id
        ident = uuid.uuid5(uuid.NAMESPACE_URL, f"{self.account_id}/{self.region}/{self.stack_name}")
        return (f"arn:{self.partition}:cloudformation:{self.region}:{self.account_id}:"
                f"stack/{self.stack_name}/{ident}")

    def pseudo(self, name: str) -> Json:
        table: dict[str, Callable[[], Json]] = {
            "AWS::AccountId": lambda: self.account_id,
            "AWS::Region": lambda: self.region,
            "AWS::StackName": lambda: self.stack_name,
            "AWS::StackId": lambda: self.effective_stack_id,
            "AWS::Partition": lambda: self.partition,
            "AWS::URLSuffix": lambda: self.url_suffix,
            "AWS::NotificationARNs": lambda: list(self.notification_arns),
            "AWS::NoValue": lambda: NO_VALUE,
        }
        return table[name]()


@dataclass(frozen=True)
class EvalContext:
    stack: StackInfo = field(default_factory=StackInfo)
    parameters: Mapping[str, ParameterValue] = field(default_factory=dict)
    mappings: Mapping[str, Json] = field(default_factory=dict)
    condition_values: Callable[[str, TemplatePath], bool] | None = None
    """Evaluates a named condition (memoised by the caller); None when no condition is known."""
    condition_names: frozenset[str] = frozenset()
    resources: Mapping[str, str] = field(default_factory=dict)
    """Logical ID → type of every resource that will exist."""
    inactive_resources: Mapping[str, str] = field(default_factory=dict)
    """Logical ID → the false condition of resources that will not exist."""
    language_extensions: bool = False
    resource_value: ResourceLookup | None = None
    import_value: Callable[[str], Json] | None = None
    """Export name → value; raise KeyError when no such export. None: keep imports symbolic."""
    stack_output: Callable[[str, str, "str | None"], Json] | None = None
    mask_no_echo: bool = False
    """Evaluate NoEcho parameters as `****`: for output shown to people."""


_TABLES: tuple[Mapping[str, Any], Mapping[str, Any], Callable[..., Any]] | None = None


def _tables() -> tuple[Mapping[str, Any], Mapping[str, Any], Callable[..., Any]]:
    """The function registry and the nesting rules. Those modules import this one, so they are
    imported on first use; keeping them here spares `resolve` an import statement per value."""
    global _TABLES
    if _TABLES is None:
        from stackengine.intrinsics.functions import FUNCTIONS
        from stackengine.intrinsics.nesting import SLOTS, misplaced_functions

        _TABLES = (FUNCTIONS, SLOTS, misplaced_functions)
    return _TABLES


class Evaluator:
    def __init__(self, ctx: EvalContext, sink: DiagnosticSink | None = None,
                 scope: Scope = Scope.RESOURCE) -> None:
        self.ctx = ctx
        self.sink = sink if sink is not None else DiagnosticSink()
        self.scope = scope

    # -- reporting ---------------------------------------------------------------------------
    def error(self, code: str, message: str, path: TemplatePath, expr: Json = None) -> Unknown:
        self.sink.add(code, message, path)
        return Unknown(expr)

    def warn(self, code: str, message: str, path: TemplatePath) -> None:
        self.sink.add(code, message, path, Severity.WARNING)

    def in_scope(self, scope: Scope) -> Evaluator:
        return self if scope is self.scope else Evaluator(self.ctx, self.sink, scope)

    # -- evaluation --------------------------------------------------------------------------
    def resolve(self, value: Json, path: TemplatePath = ()) -> Json:
        if isinstance(value, dict):
            if len(value) == 1:
                key = next(iter(value))
                functions, nesting_rules, misplaced_functions = _tables()
                function = functions.get(key)
                if function is not None:
                    if key in nesting_rules and not self.ctx.language_extensions:
                        misplaced = list(misplaced_functions(key, value[key]))
                        for subpath, message in misplaced:
                            self.error("E1050", message, path + (key,) + subpath)
                        if misplaced:
                            return Unknown(value)
                    return function(self, value[key], path + (key,))
                if key.startswith("Fn::") and not key.startswith("Fn::ForEach::"):
                    return self.error("E1001", f"{key} is not an intrinsic function CloudFormation "
                                      "knows", path + (key,), value)
            out: dict[str, Json] = {}
            for key, item in value.items():
                resolved = self.resolve(item, path + (key,))
                if resolved is not NO_VALUE:
                    out[key] = resolved
            return out
        if isinstance(value, list):
            items = []
            for index, item in enumerate(value):
                resolved = self.resolve(item, path + (index,))
                if resolved is not NO_VALUE:
                    items.append(resolved)
            return items
        return value

    def condition(self, name: Json, path: TemplatePath) -> bool | None:
        """The value of a named condition, or None (after reporting) if it is not declared."""
        if not isinstance(name, str):
            self.error("E1002", "a condition name must be a string", path)
            return None
        if name not in self.ctx.condition_names or self.ctx.condition_values is None:
            self.error("E1002", f"condition {name!r} is not declared in the Conditions section",
                       path)
            return None
        return self.ctx.condition_values(name, path)


def join_path(path: TemplatePath, *parts: PathPart) -> TemplatePath:
    return path + parts
