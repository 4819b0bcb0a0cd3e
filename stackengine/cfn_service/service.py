"""A provider that runs CloudFormation's own resource types and hands every other type on.

On AWS, `AWS::CloudFormation::Stack` and `AWS::CloudFormation::StackSet` have no resource
provider: CloudFormation itself runs them, by creating stacks. `CloudFormationService` plays that
part for the local target: it wraps the real provider, sends those types to their handler (which
deploys stacks through `StackOperations`) and delegates everything else, attributes included, to
the provider it wraps.
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol

from stackengine.cfn_service.nested import NestedStacks
from stackengine.cfn_service.sources import TemplateSources
from stackengine.cfn_service.stacks import StackOperations
from stackengine.cfn_service.stacksets import AccountStoreStackSets, StackSets
from stackengine.providers.base import Provider, ResourceResult, StackRef

Json = Any


class Handler(Protocol):
    def create(self, stack: StackRef, logical_id: str, properties: Mapping[str, Json],
               token: str) -> ResourceResult: ...

    def update(self, stack: StackRef, logical_id: str, physical_id: str,
               old: Mapping[str, Json], new: Mapping[str, Json], token: str) -> ResourceResult: ...

    def delete(self, stack: StackRef, logical_id: str, physical_id: str, token: str) -> None: ...

    def read(self, physical_id: str) -> ResourceResult | None: ...


class CloudFormationService:
    """`Provider` for the local target: CloudFormation-run types here, the rest to `inner`."""

    def __init__(self, inner: Provider, stacks: StackOperations) -> None:
        self.inner = inner
        store = inner.store  # type: ignore[attr-defined]  # the emulated account
        sources = TemplateSources(
            lambda bucket, key: (lambda o: o.body if o is not None else None)(
                store.get_object(bucket, key)),
            lambda bucket: store.find_by_name("AWS::S3::Bucket", "global", bucket) is not None)
        self.handlers: dict[str, Handler] = {
            "AWS::CloudFormation::Stack": NestedStacks(stacks, sources),
            "AWS::CloudFormation::StackSet": StackSets(stacks, sources,
                                                       AccountStoreStackSets(store)),
        }

    def __getattr__(self, name: str) -> Any:
        # Everything else the engine may ask the provider (custom_attribute, ssm_lookup, ...).
        return getattr(self.inner, name)

    def create(self, stack: StackRef, type_name: str, logical_id: str,
               properties: Mapping[str, Json], token: str) -> ResourceResult:
        handler = self.handlers.get(type_name)
        if handler is None:
            return self.inner.create(stack, type_name, logical_id, properties, token)
        return handler.create(stack, logical_id, self._resolved(stack, properties), token)

    def update(self, stack: StackRef, type_name: str, logical_id: str, physical_id: str,
               old: Mapping[str, Json], new: Mapping[str, Json], token: str) -> ResourceResult:
        handler = self.handlers.get(type_name)
        if handler is None:
            return self.inner.update(stack, type_name, logical_id, physical_id, old, new, token)
        return handler.update(stack, logical_id, physical_id, old, self._resolved(stack, new),
                              token)

    def delete(self, stack: StackRef, type_name: str, logical_id: str, physical_id: str,
               token: str, *, snapshot: bool = False) -> None:
        handler = self.handlers.get(type_name)
        if handler is None:
            self.inner.delete(stack, type_name, logical_id, physical_id, token, snapshot=snapshot)
            return
        handler.delete(stack, logical_id, physical_id, token)

    def read(self, type_name: str, physical_id: str) -> ResourceResult | None:
        handler = self.handlers.get(type_name)
        if handler is None:
            return self.inner.read(type_name, physical_id)
        return handler.read(physical_id)

    def _resolved(self, stack: StackRef, properties: Mapping[str, Json]) -> Mapping[str, Json]:
        """`{{resolve:ssm:...}}` and the like, from the emulated account, as the local provider
        resolves them for every other type. A stack set's TemplateBody is left as written: its
        references are resolved in each instance's own account."""
        from stackengine.providers.local.dynamic_refs import resolve_dynamic_references
        from stackengine.providers.local.provider import public_parameter

        rest = {k: v for k, v in properties.items() if k != "TemplateBody"}
        resolved = resolve_dynamic_references(rest, self.inner.store,  # type: ignore[attr-defined]
                                              stack, public_parameter)
        if "TemplateBody" in properties:
            resolved["TemplateBody"] = properties["TemplateBody"]
        return dict(resolved)

    def supports_snapshot(self, type_name: str) -> bool:
        return type_name not in self.handlers and bool(self.inner.supports_snapshot(type_name))


def run_by_cloudformation(provider: Provider, stacks: StackOperations) -> Provider:
    """`provider` with CloudFormation's own types run as CloudFormation runs them, when it is an
    emulated account (one with S3 objects to read templates from); any other provider, such as a
    test double, is used as it is."""
    store = getattr(provider, "store", None)
    if store is None or not callable(getattr(store, "get_object", None)):
        return provider
    return CloudFormationService(provider, stacks)
