"""Property values in the types the resource schema declares, before they go to Cloud Control.

Template values are often strings where a schema wants numbers or booleans (every `Ref` to a
Number parameter is a string). CloudFormation converts them before calling a resource handler;
Cloud Control validates DesiredState against the schema as sent and rejects `"600"` for an
integer. So the aws provider converts what is unambiguous: "600" → 600 for integer/number,
"true"/"false" → booleans, and numbers/booleans → strings where a string is wanted. Anything
else is sent as is and the service's validation message reaches the user.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

Json = Any
_INT = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def coerce(schema: Any, properties: Mapping[str, Json]) -> dict[str, Json]:
    """`properties` with scalars converted to the schema's types (schema None: unchanged)."""
    if schema is None:
        return dict(properties)
    return {key: _value(schema, (key,), value) for key, value in properties.items()}


def _value(schema: Any, path: tuple[str | int, ...], value: Json) -> Json:
    if isinstance(value, Mapping):
        return {k: _value(schema, path + (k,), v) for k, v in value.items()}
    if isinstance(value, list):
        return [_value(schema, path + (i,), v) for i, v in enumerate(value)]
    sub = schema.property_schema(path)
    if not isinstance(sub, Mapping):
        return value
    return _scalar(_types(sub.get("type")), value)


def _types(declared: Json) -> Sequence[str]:
    if isinstance(declared, str):
        return (declared,)
    if isinstance(declared, list):
        return tuple(t for t in declared if isinstance(t, str))
    return ()


def _scalar(types: Sequence[str], value: Json) -> Json:
    if not types:
        return value
    if isinstance(value, str):
        if "string" in types:
            return value
        if "integer" in types and _INT.match(value):
            return int(value)
        if "number" in types and _NUMBER.match(value):
            return int(value) if _INT.match(value) else float(value)
        if "boolean" in types and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return value
    if isinstance(value, bool):
        if "boolean" in types:
            return value
        return "true" if value and "string" in types else ("false" if "string" in types else value)
    if isinstance(value, (int, float)):
        if "integer" in types or "number" in types:
            return value
        if "string" in types:
            return str(value)
    return value
