"""Resource properties against the registry schemas, aware of intrinsic functions.

A purpose-built checker over the subset of JSON Schema the registry schemas use (type, enum,
const, pattern, lengths, ranges, items, properties, required, additionalProperties,
patternProperties, $ref, oneOf/anyOf/allOf, dependencies/dependentRequired). It is much faster
than a general validator and understands what CloudFormation does with values:

- values are already evaluated for one condition scenario; what only deployment knows is an
  `Unknown` holding the residual expression. An Unknown is checked only for its shape: a `Ref`
  to a List parameter where a string is expected is wrong, a `Ref` to a Number parameter where an
  integer is expected is fine.
- CloudFormation converts scalars: "5" is a fine integer, "true" a fine boolean, 5 a fine string.
- A schema pattern Python's `re` cannot compile is skipped, never a crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

from stackengine.coercion import is_boolean, is_integer, is_number, is_string
from stackengine.diagnostics import Diagnostic, Severity, TemplatePath
from stackengine.specs import ResourceSchema, _close_matches
from stackengine.values import Unknown, contains_unknown

Json = Any
Node = Mapping[str, Any]

# Rule ids (described in validate.rules).
TYPE = "E3012"
REQUIRED = "E3013"
UNKNOWN_PROPERTY = "E3014"
READ_ONLY = "E3015"
ENUM = "E3016"
PATTERN = "E3017"
LENGTH = "E3018"
RANGE = "E3019"
COMBINATION = "E3020"
DEPENDENCY = "E3021"
ENUM_CASE = "W3016"
UNIQUE = "E3037"
FORMAT = "E3042"

# `format` values of the registry schemas (cfn-lint's extensions) that name AWS resource IDs,
# with the shape every such ID has. A literal that does not fit cannot name an existing resource.
_HEX_ID = r"(([0-9A-Fa-f]{8})|([0-9A-Fa-f]{17}))$"
ID_FORMATS: dict[str, re.Pattern[str]] = {
    "AWS::EC2::VPC.Id": re.compile(r"^vpc-" + _HEX_ID),
    "AWS::EC2::Subnet.Id": re.compile(r"^subnet-" + _HEX_ID),
    "AWS::EC2::Subnet.Ids": re.compile(r"^subnet-" + _HEX_ID),
    "AWS::EC2::SecurityGroup.Id": re.compile(r"^sg-" + _HEX_ID),
    "AWS::EC2::SecurityGroup.Ids": re.compile(r"^sg-" + _HEX_ID),
    "AWS::EC2::Image.Id": re.compile(r"^ami-([0-9a-z]{8}|[0-9a-z]{17})$"),
}

LIST_FUNCTIONS = frozenset({"Fn::Split", "Fn::Cidr", "Fn::GetAZs"})
STRING_FUNCTIONS = frozenset({"Fn::Join", "Fn::Sub", "Fn::Base64"})
_MAX_DEPTH = 40
_pattern_cache: dict[str, re.Pattern[str] | None] = {}


def _compile(pattern: str) -> re.Pattern[str] | None:
    if pattern not in _pattern_cache:
        try:
            _pattern_cache[pattern] = re.compile(pattern)
        except (re.error, OverflowError, RecursionError):
            _pattern_cache[pattern] = None  # ECMA syntax Python lacks: skip the check
    return _pattern_cache[pattern]


def is_list_type(parameter_type: str) -> bool:
    return parameter_type.startswith("List<") or "CommaDelimitedList" in parameter_type or \
        parameter_type.startswith("AWS::SSM::Parameter::Value<List<")


@dataclass
class ValueShape:
    """What an Unknown is known to be: "list", "scalar" or None (anything)."""

    kind: str | None


GetAttShape = Callable[[str, str], "str | None"]
"""(logical ID, attribute) → "list", "scalar" or None, from the target type's schema."""


def unknown_shape(value: Unknown, parameter_types: Mapping[str, str],
                  getatt_shape: GetAttShape | None = None) -> str | None:
    expr = value.expr
    if not isinstance(expr, dict) or len(expr) != 1:
        return None
    key, arg = next(iter(expr.items()))
    if key == "Ref" and isinstance(arg, str):
        ptype = parameter_types.get(arg)
        if ptype is not None:
            return "list" if is_list_type(ptype) else "scalar"
        return None if arg.startswith("AWS::") else "scalar"  # a resource's Ref is its ID
    if key in LIST_FUNCTIONS:
        return "list"
    if key in STRING_FUNCTIONS:
        return "scalar"
    if key == "Fn::GetAtt" and getatt_shape is not None and isinstance(arg, list) and len(arg) == 2 \
            and isinstance(arg[0], str) and isinstance(arg[1], str):
        return getatt_shape(arg[0], arg[1])
    return None


def _type_name(value: Json) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "null"


def _matches_type(value: Json, expected: str) -> bool:
    """CloudFormation's conversions: scalars become strings, numeric strings numbers, ..."""
    if expected == "string":
        return is_string(value)
    if expected == "integer":
        return is_integer(value)
    if expected == "number":
        return is_number(value)
    if expected == "boolean":
        return is_boolean(value)
    if expected == "object":
        return isinstance(value, dict)
    if expected == "array":
        return isinstance(value, list)
    if expected == "null":
        return value is None
    return True


def _as_number(value: Json) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and is_number(value):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _as_text(value: Json) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


class SchemaChecker:
    """Checks evaluated property values of one resource type against its registry schema."""

    def __init__(self, schema: ResourceSchema, parameter_types: Mapping[str, str],
                 parameter_choices: Mapping[str, tuple[str, ...]] | None = None,
                 getatt_shape: GetAttShape | None = None) -> None:
        self.schema = schema
        self.getatt_shape = getatt_shape
        self.parameter_types = parameter_types
        self.parameter_choices = parameter_choices or {}
        raw = schema.raw
        self.root: Node = {
            "type": "object",
            "properties": raw.get("properties", {}),
            "required": list(raw.get("required", ())),
            "additionalProperties": raw.get("additionalProperties", True),
            **{k: raw[k] for k in ("oneOf", "anyOf", "allOf", "dependencies", "dependentRequired",
                                   "patternProperties") if k in raw},
        }
        self.read_only = frozenset(p[0] for p in schema.read_only if len(p) == 1)

    def deref(self, node: Node) -> Node:
        seen = 0
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and seen < 20:
            try:
                target = self.schema.resolve_ref(node["$ref"])
            except (KeyError, ValueError):
                return {}
            extra = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **extra} if extra else target
            seen += 1
        return node if isinstance(node, Mapping) else {}

    # -- entry points -----------------------------------------------------------------------
    def check_property(self, name: str, value: Json, path: TemplatePath) -> list[Diagnostic]:
        """One top-level property's value, in depth."""
        props = self.root.get("properties", {})
        if name not in props:
            return []
        out: list[Diagnostic] = []
        self._check(value, self.deref(props[name]), path, out, 0)
        return out

    def check_value(self, value: Json, node: Node, path: TemplatePath, *, shallow: bool = False) -> list[Diagnostic]:
        """`value` against `node`; `shallow` checks a mapping or list itself (keys, required, counts)
        but not its members, which the caller checked one by one."""
        out: list[Diagnostic] = []
        if not shallow:
            self._check(value, node, path, out, 0)
        elif isinstance(value, dict):
            self._check_object(value, node, path, out, 0, shallow=True)
        elif isinstance(value, list):
            self._check_array(value, {k: v for k, v in node.items() if k != "items"}, path, out, 0)
        return out

    def child_schema(self, node: Node, key: str | int) -> Node:
        """The schema of one member of a mapping (by key) or list (by index); {} when free-form."""
        if isinstance(key, int):
            items = node.get("items")
            return self.deref(items) if isinstance(items, Mapping) else {}
        props = node.get("properties")
        if isinstance(props, Mapping) and key in props:
            return self.deref(props[key])
        patterns = node.get("patternProperties")
        if isinstance(patterns, Mapping):
            for pattern, sub in patterns.items():
                rx = _compile(pattern)
                if rx is None or rx.search(key):
                    return self.deref(sub)
        additional = node.get("additionalProperties")
        return self.deref(additional) if isinstance(additional, Mapping) else {}

    def property_node(self, name: str) -> Node:
        props = self.root.get("properties", {})
        return self.deref(props[name]) if name in props else {}

    def check_object(self, properties: Mapping[str, Json], path: TemplatePath) -> list[Diagnostic]:
        """The Properties mapping as a whole: unknown/read-only/required and combinations, without
        descending into the values (those are checked per property)."""
        out: list[Diagnostic] = []
        for name in properties:
            if name in self.read_only:
                out.append(Diagnostic(READ_ONLY, f"{name} is a read-only property of {self.schema.type_name}; "
                                      "it is returned by Fn::GetAtt, not set", path + (name,)))
        self._check_object(properties, self.root, path, out, 0, shallow=True)
        return out

    # -- the checker ------------------------------------------------------------------------
    def _check(self, value: Json, node: Node, path: TemplatePath, out: list[Diagnostic], depth: int) -> None:
        if depth > _MAX_DEPTH or not node:
            return
        if isinstance(value, Unknown):
            self._check_unknown(value, node, path, out)
            return
        types = node.get("type")
        if types is not None:
            names = [types] if isinstance(types, str) else list(types)
            if not any(_matches_type(value, t) for t in names):
                out.append(Diagnostic(TYPE, f"expected {' or '.join(names)}, got {_type_name(value)}", path))
                return
        if isinstance(value, dict):
            self._check_object(value, node, path, out, depth, shallow=False)
        elif isinstance(value, list):
            self._check_array(value, node, path, out, depth)
        else:
            self._check_scalar(value, node, path, out)
        self._check_combinations(value, node, path, out, depth)

    def _check_unknown(self, value: Unknown, node: Node, path: TemplatePath, out: list[Diagnostic]) -> None:
        shape = unknown_shape(value, self.parameter_types, self.getatt_shape)
        if shape is None:
            return
        types = node.get("type")
        names = set([types] if isinstance(types, str) else list(types or ()))
        if not names:
            return
        what = _describe_expr(value.expr)
        if shape == "scalar" and not names <= {"array", "object"}:
            self._check_choices(value, node, path, out)
        if shape == "list" and "array" not in names and "object" not in names:
            out.append(Diagnostic(TYPE, f"expected {' or '.join(sorted(names))}, but {what} is a list", path))
        elif shape == "scalar" and names <= {"array", "object"}:
            out.append(Diagnostic(TYPE, f"expected {' or '.join(sorted(names))}, but {what} is a single value",
                                  path))

    def _check_choices(self, value: Unknown, node: Node, path: TemplatePath, out: list[Diagnostic]) -> None:
        """A `Ref` to a parameter whose Default / AllowedValues are known: each of those values can
        reach the property, so each must be acceptable there."""
        name = value.expr.get("Ref") if isinstance(value.expr, dict) else None
        for choice in self.parameter_choices.get(name, ()) if isinstance(name, str) else ():
            trial: list[Diagnostic] = []
            types = node.get("type")
            names = [types] if isinstance(types, str) else list(types or ())
            if names and not any(_matches_type(choice, t) for t in names):
                trial.append(Diagnostic(TYPE, f"expected {' or '.join(names)}", path))
            else:
                self._check_scalar(choice, node, path, trial)
            for d in trial:
                if d.is_error:
                    out.append(Diagnostic(d.code, f"parameter {name} can be {choice!r} (its Default or "
                                          f"AllowedValues), which is not valid here: {d.message}", path))
                    return

    def _check_object(self, value: Mapping[str, Json], node: Node, path: TemplatePath,
                      out: list[Diagnostic], depth: int, *, shallow: bool) -> None:
        props = node.get("properties")
        props = props if isinstance(props, Mapping) else {}
        patterns = node.get("patternProperties")
        patterns = patterns if isinstance(patterns, Mapping) else {}
        additional = node.get("additionalProperties", True)
        for key, item in value.items():
            sub = props.get(key)
            if sub is None:
                matched = [p for p in patterns if (rx := _compile(p)) is None or rx.search(key)]
                if matched:
                    sub = patterns[matched[0]]
                elif additional is False:
                    hint = _close_matches(key, props, 1)
                    suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
                    where = f"of {self.schema.type_name}" if node is self.root else "here"
                    out.append(Diagnostic(UNKNOWN_PROPERTY, f"{key!r} is not a property {where}"
                                          + suggestion, path + (key,)))
                    continue
                elif isinstance(additional, Mapping):
                    sub = additional
            if sub is not None and not shallow:
                self._check(item, self.deref(sub), path + (key,), out, depth + 1)
        required = node.get("required")
        if isinstance(required, list):
            for name in required:
                if name not in value:
                    out.append(Diagnostic(REQUIRED, f"required property {name!r} is missing", path))
        for key in ("dependencies", "dependentRequired"):
            deps = node.get(key)
            if isinstance(deps, Mapping):
                for name, needs in deps.items():
                    if name in value and isinstance(needs, list):
                        missing = [n for n in needs if n not in value]
                        if missing:
                            out.append(Diagnostic(DEPENDENCY, f"{name} needs {', '.join(missing)} as well",
                                                  path + (name,)))
        for key in ("minProperties", "maxProperties"):
            bound = node.get(key)
            if isinstance(bound, int) and ((key == "minProperties" and len(value) < bound)
                                           or (key == "maxProperties" and len(value) > bound)):
                out.append(Diagnostic(LENGTH, f"{len(value)} entries; {key} is {bound}", path))
        if shallow:
            self._check_combinations(value, node, path, out, depth)

    def _check_array(self, value: list[Json], node: Node, path: TemplatePath, out: list[Diagnostic],
                     depth: int) -> None:
        low, high = node.get("minItems"), node.get("maxItems")
        if isinstance(low, int) and len(value) < low:
            out.append(Diagnostic(LENGTH, f"the list has {len(value)} items; at least {low} needed", path))
        if isinstance(high, int) and len(value) > high:
            out.append(Diagnostic(LENGTH, f"the list has {len(value)} items; at most {high} allowed", path))
        if node.get("uniqueItems") is True and len(value) > 1:
            from stackengine.values import canonical_json

            seen: set[str] = set()
            for index, item in enumerate(value):
                key = canonical_json(item)
                if key in seen:
                    out.append(Diagnostic(UNIQUE, f"item {index} repeats an earlier item; the items must be unique",
                                          path + (index,)))
                    break
                seen.add(key)
        items = node.get("items")
        if isinstance(items, Mapping):
            sub = self.deref(items)
            for index, item in enumerate(value):
                self._check(item, sub, path + (index,), out, depth + 1)

    def _check_scalar(self, value: Json, node: Node, path: TemplatePath, out: list[Diagnostic]) -> None:
        if isinstance(value, str) and "{{resolve:" in value:
            return  # a dynamic reference: its value comes from SSM / Secrets Manager at deploy time
        text = _as_text(value)
        enum = node.get("enum")
        if "const" in node and not isinstance(enum, list):
            enum = [node["const"]]
        if isinstance(enum, list) and enum and text is not None:
            options = [_as_text(e) for e in enum]
            if text not in options:
                folded = {o.lower() for o in options if o is not None}
                shown = ", ".join(str(o) for o in options[:12]) + (", ..." if len(options) > 12 else "")
                if text.lower() in folded:
                    out.append(Diagnostic(ENUM_CASE, f"{text!r} differs only in case from an allowed value "
                                          f"({shown})", path, severity=Severity.WARNING))
                else:
                    out.append(Diagnostic(ENUM, f"{text!r} is not one of {shown}", path))
                return
        if isinstance(value, str):
            shape = ID_FORMATS.get(node.get("format", ""))
            if shape is not None and not shape.match(value):
                out.append(Diagnostic(FORMAT, f"{_short(value)!r} is not a well-formed {node['format'].rsplit('.', 1)[0]} "
                                      "ID", path))
            pattern = node.get("pattern")
            if isinstance(pattern, str):
                rx = _compile(pattern)
                if rx is not None and not rx.search(value):
                    out.append(Diagnostic(PATTERN, f"{_short(value)!r} does not match the pattern {pattern}", path))
            low, high = node.get("minLength"), node.get("maxLength")
            if isinstance(low, int) and len(value) < low:
                out.append(Diagnostic(LENGTH, f"{_short(value)!r} is {len(value)} characters; at least {low} "
                                      "needed", path))
            if isinstance(high, int) and len(value) > high:
                out.append(Diagnostic(LENGTH, f"{_short(value)!r} is {len(value)} characters; at most {high} "
                                      "allowed", path))
        number = _as_number(value)
        if number is not None:
            for key, bad, word in (("minimum", lambda n, b: n < b, "at least"),
                                   ("maximum", lambda n, b: n > b, "at most"),
                                   ("exclusiveMinimum", lambda n, b: n <= b, "more than"),
                                   ("exclusiveMaximum", lambda n, b: n >= b, "less than")):
                bound = node.get(key)
                if isinstance(bound, (int, float)) and not isinstance(bound, bool) and bad(number, bound):
                    out.append(Diagnostic(RANGE, f"{value} is out of range: must be {word} {bound}", path))

    def _check_combinations(self, value: Json, node: Node, path: TemplatePath, out: list[Diagnostic],
                            depth: int) -> None:
        if any(d.path == path and d.is_error for d in out[-3:]):
            return  # the value is already wrong here; "matches no alternative" would only repeat it
        all_of = node.get("allOf")
        if isinstance(all_of, list):
            for sub in all_of:
                if isinstance(sub, Mapping):
                    self._check(value, self.deref(sub), path, out, depth + 1)
        for key in ("anyOf", "oneOf"):
            options = node.get(key)
            if not isinstance(options, list) or not options:
                continue
            passing = 0
            best: list[Diagnostic] | None = None
            for sub in options:
                if not isinstance(sub, Mapping):
                    continue
                trial: list[Diagnostic] = []
                self._check(value, self.deref(sub), path, trial, depth + 1)
                errors = [d for d in trial if d.is_error]
                if not errors:
                    passing += 1
                elif best is None or len(errors) < len(best):
                    best = errors
            if passing == 0 and best is not None:
                detail = best[0].message
                out.append(Diagnostic(COMBINATION, f"matches none of the {len(options)} allowed forms "
                                      f"({key}); closest: {detail}", path))
            elif key == "oneOf" and passing > 1 and not contains_unknown(value) and \
                    _distinguishes_by_required(options):
                out.append(Diagnostic(COMBINATION, f"matches {passing} of the mutually exclusive forms "
                                      "(oneOf); set only one of them", path))


def _distinguishes_by_required(options: list[Any]) -> bool:
    """oneOf alternatives told apart by which properties are present (the common registry idiom):
    only then is matching several of them a mistake worth reporting."""
    return all(isinstance(o, Mapping) and "required" in o for o in options)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _describe_expr(expr: Json) -> str:
    if isinstance(expr, dict) and len(expr) == 1:
        key, arg = next(iter(expr.items()))
        if key == "Ref":
            return f"Ref {arg}"
        return key
    return "the value"


CheckerFactory = Callable[[ResourceSchema, Mapping[str, str]], SchemaChecker]


def iter_errors(diagnostics: list[Diagnostic]) -> Iterator[Diagnostic]:
    return (d for d in diagnostics if d.is_error)
