"""Shared pieces of the SAM transform: the error type, intrinsic helpers, property checks, tags."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

Json = Any
Path = tuple[Any, ...]


class SamError(Exception):
    """An invalid SAM construct: a message and the template path it is about."""

    def __init__(self, message: str, path: Sequence[Any] = (), code: str = "E6001") -> None:
        super().__init__(message)
        self.message = message
        self.path = tuple(path)
        self.code = code


def fail(message: str, path: Sequence[Any] = (), code: str = "E6001") -> SamError:
    return SamError(message, path, code)


# --- intrinsic functions ------------------------------------------------------------------------

INTRINSIC_KEYS = frozenset({
    "Ref", "Condition", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::If", "Fn::Select", "Fn::Split",
    "Fn::FindInMap", "Fn::ImportValue", "Fn::Base64", "Fn::GetAZs", "Fn::Equals", "Fn::Not",
    "Fn::And", "Fn::Or", "Fn::Cidr", "Fn::Transform", "Fn::Length", "Fn::ToJsonString",
})


def is_intrinsic(value: Json) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return key in INTRINSIC_KEYS or (isinstance(key, str) and key.startswith("Fn::"))


def ref(logical_id: str) -> dict[str, Any]:
    return {"Ref": logical_id}


def getatt(logical_id: str, attribute: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, attribute]}


def sub(text: str, variables: Mapping[str, Json] | None = None) -> dict[str, Any]:
    return {"Fn::Sub": [text, dict(variables)] if variables is not None else text}


def plain(value: Json) -> Json:
    """A deep copy as plain dicts/lists (drops position marks; output must not share nodes)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def deep_copy(value: Json) -> Json:
    return copy.deepcopy(value)


# --- property checks ---------------------------------------------------------------------------

TYPE_NAMES: dict[type, str] = {str: "string", int: "integer", bool: "boolean", dict: "map",
                                list: "list", float: "number"}


@dataclass(frozen=True)
class Prop:
    """What one SAM property accepts: python types, and whether an intrinsic may stand in."""

    types: tuple[type, ...] = ()
    intrinsic: bool = True
    required: bool = False

    def accepts(self, value: Json) -> bool:
        if not self.types:
            return True
        if self.intrinsic and is_intrinsic(value):
            return True
        if bool in self.types and isinstance(value, bool):
            return True
        if isinstance(value, bool):
            return False
        if float in self.types and isinstance(value, (int, float)):
            return True
        return isinstance(value, self.types)


ANY = Prop()
STR = Prop((str,))
INT = Prop((int,))
BOOL = Prop((bool,))
DICT = Prop((dict,))
LIST = Prop((list,))
STR_OR_DICT = Prop((str, dict))
STR_OR_LIST = Prop((str, list))
NUM = Prop((int, float))
INT_OR_STR = Prop((int, str))
SCALAR = Prop((str, int, float, bool))


def check_properties(kind: str, logical_id: str, properties: Json, schema: Mapping[str, Prop],
                     path: Path, *, event: str | None = None) -> None:
    """Reject unknown properties, wrong types and missing required ones, as the reference does."""
    who = f"Event with id [{event}]" if event else f"Resource with id [{logical_id}]"
    if not isinstance(properties, dict):
        raise fail(f"{who} is invalid. Properties must be a map, not {type_name(properties)}.", path)
    for name, value in properties.items():
        spec = schema.get(name)
        if spec is None:
            raise fail(f"{who} is invalid. property {name} not defined for resource of type {kind}",
                       path + (name,))
        if value is None and not spec.required:
            continue
        if not spec.accepts(value):
            wanted = " or ".join(TYPE_NAMES.get(t, t.__name__) for t in spec.types)
            raise fail(f"{who} is invalid. Property '{name}' should be a {wanted}.", path + (name,))
    for name, spec in schema.items():
        if spec.required and properties.get(name) is None:
            raise fail(f"{who} is invalid. Missing required property '{name}'.", path)


def type_name(value: Json) -> str:
    if value is None:
        return "null"
    return TYPE_NAMES.get(type(value), type(value).__name__)


# --- tags ----------------------------------------------------------------------------------------

SAM_TAG = {"Key": "lambda:createdBy", "Value": "SAM"}


def tag_list(tags: Json, *, sam_tag: bool = True, path: Path = ()) -> list[dict[str, Json]]:
    out: list[dict[str, Json]] = [dict(SAM_TAG)] if sam_tag else []
    if tags is None:
        return out
    if not isinstance(tags, dict) or is_intrinsic(tags):
        raise fail("'Tags' must be a map of strings.", path)
    for key, value in tags.items():
        if key == "lambda:createdBy" and sam_tag:
            raise fail("lambda:createdBy is a reserved Tag key name and cannot be set on your resource."
                       " Please change the tag key in the input.", path)
        out.append({"Key": key, "Value": plain(value)})
    return out


# --- resource attribute passing -----------------------------------------------------------------

PASS_ATTRIBUTES = ("Condition", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata",
                   "UpdatePolicy", "IgnoreDeletion")


def resource(type_: str, properties: Mapping[str, Json] | None = None, *,
             condition: Json = None, **attributes: Json) -> dict[str, Json]:
    """A CloudFormation resource; None-valued properties are dropped."""
    out: dict[str, Json] = {"Type": type_}
    props = {k: v for k, v in (properties or {}).items() if v is not None}
    out["Properties"] = props
    if condition is not None:
        out["Condition"] = condition
    for key, value in attributes.items():
        if value is not None:
            out[key] = value
    return out


def attributes_of(res: Mapping[str, Json], *names: str) -> dict[str, Json]:
    """The resource attributes (DependsOn, DeletionPolicy, ...) among `names` that `res` sets."""
    return {name: res[name] for name in names if name in res}


def first_not_none(*values: Json) -> Json:
    for value in values:
        if value is not None:
            return value
    return None


def as_list(value: Json) -> list[Json]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


Registry = dict[str, Callable[..., Any]]


def iter_items(mapping: Json) -> Iterable[tuple[str, Json]]:
    return mapping.items() if isinstance(mapping, dict) else ()
