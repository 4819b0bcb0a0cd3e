"""Custom names: within the type's length limit (uniqueness itself is the store's unique index)."""

from __future__ import annotations

from stackengine.providers.local.formats import load_formats
from stackengine.providers.local.rules.base import RuleContext, fail, on_write


def custom_name_length(ctx: RuleContext) -> None:
    fmt = load_formats().get(ctx.type_name)
    rule = fmt.name if fmt else None
    if rule is None or not rule.property:
        return
    name = ctx.properties.get(rule.property)
    if isinstance(name, str) and len(name) > rule.max_length:
        fail(f"{rule.property} {name!r} is too long: at most {rule.max_length} characters are allowed",
             "InvalidRequest")


for _type_name, _fmt in load_formats().items():
    if _fmt.name is not None and _fmt.name.property:
        on_write(_type_name)(custom_name_length)
