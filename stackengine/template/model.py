"""The processed template as the engine sees it: frozen values, each keeping its template path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from stackengine.diagnostics import TemplatePath

Json = Any

DELETION_POLICIES = ("Delete", "Retain", "Snapshot", "RetainExceptOnCreate")


@dataclass(frozen=True)
class ParameterValue:
    """A parameter's final value. `value` is what Ref returns: a string, or a list of strings for
    list types. `no_echo` values are shown as `****` wherever they are printed or stored for display."""

    name: str
    type: str
    value: Json
    no_echo: bool = False
    resolved_value: Json = None
    """For SSM parameter types: the value read from SSM (`value` is then the SSM parameter name)."""

    @property
    def display(self) -> Json:
        return "****" if self.no_echo else self.value

    @property
    def effective(self) -> Json:
        return self.resolved_value if self.resolved_value is not None else self.value


@dataclass(frozen=True)
class ResourceDecl:
    """One resource after conditions, parameters, pseudo parameters and mappings were applied.

    `properties` may still hold references to other resources' values, kept as intrinsics
    (`{"Ref": X}`, `{"Fn::GetAtt": [X, Attr]}`, and `Fn::Sub` / `Fn::Join` / ... around them);
    `ProcessedTemplate.resolve_late` replaces them once those values are known.
    """

    logical_id: str
    type: str
    properties: Mapping[str, Json] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    condition: str | None = None
    deletion_policy: str = "Delete"
    update_replace_policy: str = "Delete"
    metadata: Mapping[str, Json] | None = None
    creation_policy: Mapping[str, Json] | None = None
    update_policy: Mapping[str, Json] | None = None

    @property
    def path(self) -> TemplatePath:
        return ("Resources", self.logical_id)


@dataclass(frozen=True)
class OutputDecl:
    name: str
    value: Json
    description: str | None = None
    export_name: Json = None
    condition: str | None = None

    @property
    def path(self) -> TemplatePath:
        return ("Outputs", self.name)
