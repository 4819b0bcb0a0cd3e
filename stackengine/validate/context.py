"""What every check of one template can read: the template before and after transforms, the
parameters (known or unknown), the condition model and the schema registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from stackengine.intrinsics.evaluate import EvalContext, StackInfo
from stackengine.specs import SchemaRegistry
from stackengine.template.model import ParameterValue
from stackengine.validate.branches import ConditionModel
from stackengine.values import Unknown

Json = Any


@dataclass(frozen=True)
class ValidationStack(StackInfo):
    """The stack's name, ID and notification ARNs are chosen at deploy time: unknown here (a
    FindInMap keyed by the stack name must not fail on a made-up name)."""

    def pseudo(self, name: str) -> Json:
        if name in ("AWS::StackName", "AWS::StackId", "AWS::NotificationARNs"):
            return Unknown({"Ref": name})
        return super().pseudo(name)


@dataclass(frozen=True)
class ValidateOptions:
    regions: tuple[str, ...] = ("us-east-1",)
    parameters: Mapping[str, str] = field(default_factory=dict)
    """Values given on the command line; every other parameter is an unknown value."""
    account_id: str = "123456789012"
    ignore: frozenset[str] = frozenset()
    max_scenarios: int | None = None
    """Override of branches.MAX_SCENARIOS (tests use it to show the bound)."""


@dataclass
class TemplateContext:
    file: str
    source: Mapping[str, Json]
    """The template as written (marked)."""
    template: Mapping[str, Json]
    """After transforms: what CloudFormation validates."""
    options: ValidateOptions
    registry: SchemaRegistry
    parameters: dict[str, ParameterValue]
    parameter_types: dict[str, str]
    parameter_choices: dict[str, tuple[str, ...]]
    """Values a parameter without a given value can take that the template names: its Default and
    AllowedValues."""
    base: EvalContext
    conditions: ConditionModel
    sam: bool = False

    @property
    def resources(self) -> Mapping[str, Json]:
        section = self.template.get("Resources")
        return section if isinstance(section, Mapping) else {}

    def resource_types(self) -> dict[str, str]:
        return {lid: r["Type"] for lid, r in self.resources.items()
                if isinstance(r, Mapping) and isinstance(r.get("Type"), str)}
