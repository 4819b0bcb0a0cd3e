"""The state one SAM transform run shares between resource translators."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stackengine.transform.sam.common import Json, SamError
from stackengine.transform.sam.lookups import Lookups


@dataclass
class SamContext:
    template: dict[str, Json]
    """The input template after Globals were merged (plain values, resources still SAM)."""
    lookups: Lookups
    region: str = "us-east-1"
    account_id: str = "123456789012"
    partition: str = "aws"
    stack_name: str = "stack"
    parameter_values: dict[str, Json] = field(default_factory=dict)
    """Parameter values known at transform time (given values, else defaults): SAM resolves a few
    properties (CodeUri, AutoPublishAlias, ...) with them."""
    output: dict[str, dict[str, Json]] = field(default_factory=dict)
    """Generated CloudFormation resources by logical ID."""
    refs: dict[tuple[str, str], Json] = field(default_factory=dict)
    """`MyFunction.Alias` style references: (logical id, property) → the value Ref resolves to."""
    getatt_refs: dict[tuple[str, str], Json] = field(default_factory=dict)
    """`!GetAtt MyStateMachine.Name` style references SAM resolves itself."""
    ref_renames: dict[str, str] = field(default_factory=dict)
    """Logical IDs replaced by a generated ID (a layer → its hashed LayerVersion)."""
    feature_toggles: dict[str, bool] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def resources(self) -> dict[str, Json]:
        resources: dict[str, Json] = self.template.get("Resources") or {}
        return resources

    def type_of(self, logical_id: Json) -> str | None:
        if not isinstance(logical_id, str):
            return None
        res = self.resources.get(logical_id)
        if isinstance(res, dict) and isinstance(res.get("Type"), str):
            return res["Type"]
        return None

    def add(self, logical_id: str, resource: dict[str, Json]) -> None:
        existing_input = self.resources.get(logical_id)
        if isinstance(existing_input, dict) and not str(existing_input.get("Type", "")).startswith("AWS::Serverless::"):
            raise SamError(f"Resource with id [{logical_id}] is invalid. A resource with this logical ID is "
                           "already defined in the template; SAM needs it for a generated resource.",
                           ("Resources", logical_id))
        if logical_id in self.output and self.output[logical_id] is not resource:
            existing = self.output[logical_id]
            if existing.get("Type") != resource.get("Type"):
                raise SamError(f"Resource with id [{logical_id}] is invalid. A resource with this "
                               "logical ID already exists in the template.", ("Resources", logical_id))
        self.output[logical_id] = resource

    def conditions(self) -> dict[str, Json]:
        conditions: dict[str, Json] = self.template.setdefault("Conditions", {})
        return conditions
