"""The rule context and the registries that per-type rules register into, by type name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from stackengine.providers.base import ProviderError, StackRef
from stackengine.providers.local.store import AccountStore, StoredResource

Json = Any


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule may look at. `old` and `physical_id` are set on update and delete."""

    store: AccountStore
    stack: StackRef
    type_name: str
    logical_id: str
    properties: Mapping[str, Json]
    operation: str  # "create" | "update" | "delete"
    old: Mapping[str, Json] = field(default_factory=dict)
    physical_id: str | None = None

    @property
    def account_id(self) -> str:
        return self.stack.account_id

    @property
    def region(self) -> str:
        return self.stack.region

    def find(self, type_names: tuple[str, ...] | str, physical_id: str) -> StoredResource | None:
        names = (type_names,) if isinstance(type_names, str) else type_names
        return self.store.find_physical_id(self.account_id, self.region, names, physical_id)


Rule = Callable[[RuleContext], None]
Derive = Callable[[RuleContext], dict[str, Json]]

# type name -> rules run before create and update (the resource's new properties)
WRITE_RULES: dict[str, list[Rule]] = {}
# type name -> rules run before delete
DELETE_RULES: dict[str, list[Rule]] = {}
# type name -> functions adding template variables for formats.json (e.g. a Lambda version number)
DERIVE: dict[str, Derive] = {}


def on_write(*type_names: str) -> Callable[[Rule], Rule]:
    def register(rule: Rule) -> Rule:
        for t in type_names:
            WRITE_RULES.setdefault(t, []).append(rule)
        return rule
    return register


def on_delete(*type_names: str) -> Callable[[Rule], Rule]:
    def register(rule: Rule) -> Rule:
        for t in type_names:
            DELETE_RULES.setdefault(t, []).append(rule)
        return rule
    return register


def derive(*type_names: str) -> Callable[[Derive], Derive]:
    def register(fn: Derive) -> Derive:
        for t in type_names:
            DERIVE[t] = fn
        return fn
    return register


def fail(message: str, code: str = "InvalidRequest") -> None:
    raise ProviderError(message, code)


def service_error(message: str, service: str, status: int, error_code: str,
                  handler_code: str = "InvalidRequest") -> ProviderError:
    """An error worded like a CloudFormation resource handler relaying a service error."""
    return ProviderError(f"{message} (Service: {service}, Status Code: {status}, "
                         f"Error Code: {error_code})", handler_code)


def as_list(value: Json) -> list[Json]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
