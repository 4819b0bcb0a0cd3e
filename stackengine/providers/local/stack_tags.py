"""The tags CloudFormation puts on a stack's resources besides their own.

A stack's tags propagate to every resource whose type takes tags, and CloudFormation adds
`aws:cloudformation:stack-name`, `stack-id` and `logical-id` to those whose schema allows its
system tags. The emulated account keeps a resource's properties as the service would hold them,
so these tags are merged into its tag property; a key the resource sets itself wins.
"""

from __future__ import annotations

from typing import Any, Mapping

from stackengine.providers.base import StackRef

Json = Any


def _system_tags_allowed(schema: Any) -> bool:
    tagging = schema.raw.get("tagging")
    return not isinstance(tagging, Mapping) or tagging.get("cloudFormationSystemTags", True) is not False


def _tag_fields(schema: Any, name: str) -> tuple[str, str]:
    """The key and value field names of the type's tag list items (`Key`/`Value` mostly)."""
    items = schema.property_schema((name, 0))
    fields = set(items.get("properties", {})) if isinstance(items, Mapping) else set()
    return ("key", "value") if {"key", "value"} <= fields else ("Key", "Value")


def with_stack_tags(schema: Any, properties: Mapping[str, Json], stack: StackRef,
                    logical_id: str) -> dict[str, Json]:
    """`properties` with the stack's tags (and CloudFormation's) on the type's tag property."""
    path = getattr(schema, "tag_property", None) if schema is not None else None
    tags = dict(stack.tags)
    if stack.cloudformation and stack.stack_id and _system_tags_allowed(schema):
        tags.update({"aws:cloudformation:stack-name": stack.stack_name,
                     "aws:cloudformation:stack-id": stack.stack_id,
                     "aws:cloudformation:logical-id": logical_id})
    if not path or len(path) != 1 or not tags:
        return dict(properties)
    name = str(path[0])
    own = properties.get(name)
    declared = schema.property_schema((name,))
    kind = declared.get("type") if isinstance(declared, Mapping) else None
    if kind == "array" or isinstance(own, list):
        key, value = _tag_fields(schema, name)
        own_tags = list(own) if isinstance(own, list) else []
        taken = {t.get(key) for t in own_tags if isinstance(t, Mapping)}
        merged: Json = own_tags + [{key: k, value: v} for k, v in sorted(tags.items())
                                   if k not in taken]
    elif kind == "object" or isinstance(own, Mapping):
        merged = {**tags, **(own if isinstance(own, Mapping) else {})}
    else:
        return dict(properties)
    return {**properties, name: merged}
