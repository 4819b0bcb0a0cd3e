"""JSON values, values known only after deployment, and canonical JSON for hashing and diffing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

Json = Any


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value known only once resources exist (a resource's Ref or GetAtt, or anything computed
    from one). `expr` is the residual intrinsic expression that computes it, e.g.
    `{"Fn::Join": ["-", [{"Ref": "Bucket"}, "logs"]]}`."""

    expr: Json

    def __hash__(self) -> int:  # expressions are dicts; identity is enough for a marker
        return id(self)


class _NoValue:
    """`Ref: AWS::NoValue`: removes the property or list item it stands in."""

    _instance: _NoValue | None = None

    def __new__(cls) -> _NoValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = _NoValue()


def contains_unknown(value: Json) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Unknown):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def to_template(value: Json) -> Json:
    """Replace every Unknown by its residual expression: the value as a template would write it."""
    if isinstance(value, Unknown):
        return to_template(value.expr)
    if isinstance(value, dict):
        return {k: to_template(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_template(v) for v in value]
    return value


def canonical_json(value: Json) -> str:
    """Deterministic JSON: sorted keys, no insignificant whitespace, Unknowns as their expressions."""
    return json.dumps(to_template(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def value_hash(value: Json) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def as_string(value: Json) -> str | None:
    """How CloudFormation turns a scalar into a string (for Join, Sub, Equals ...); None if it is
    not a scalar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int)):
        return str(value)
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(value)
    return None
