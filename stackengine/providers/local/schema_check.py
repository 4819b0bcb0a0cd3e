"""Resource properties checked against the registry schema, as CloudFormation's handlers check them.

jsonschema does the work (types, required, enum, pattern, lengths, ranges, additionalProperties,
oneOf/anyOf/dependencies). Two CloudFormation habits are taught to it:
- scalars are coerced: `"5"` is a valid integer, `5` a valid string, `"true"` a valid boolean,
  because CloudFormation stringifies template scalars before handlers see them;
- some registry patterns are Java regexes Python cannot compile (`\\p{L}`...): those patterns are
  skipped rather than failing the deploy.
Problems come back as `SchemaProblem(path, message)` — all of them, not only the first — with a
"did you mean" for unknown property names and an error for read-only properties that were set.
"""

from __future__ import annotations

import copy
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from stackengine.diagnostics import PathPart, format_path
from stackengine.coercion import (as_number, as_text, is_boolean, is_integer,
                                                 is_number, is_string)

if TYPE_CHECKING:
    import jsonschema  # type: ignore[import-untyped]

# jsonschema and what it imports take about 40 ms to import, so it is imported when the first
# properties are checked, not with this module: the provider imports this module for every
# command, and most commands (delete, describe, a deploy with nothing to change) check none.

Json = Any


@dataclass(frozen=True)
class SchemaProblem:
    path: tuple[PathPart, ...]
    message: str

    def __str__(self) -> str:
        where = format_path(self.path) if self.path else "Properties"
        return f"{where}: {self.message}"




def _numeric(original: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    def check(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
        yield from original(validator, bound, as_number(instance), schema)
    return check


def _textual(original: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    def check(validator: Any, bound: Any, instance: Any, schema: Any) -> Iterator[Any]:
        yield from original(validator, bound, as_text(instance), schema)
    return check


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    instance = as_text(instance)
    if not isinstance(instance, str):
        return
    try:
        compiled = re.compile(pattern)
    except re.error:
        return  # a Java-only regex: skip rather than refuse a valid value
    if not compiled.search(instance):
        yield _validation_error(f"{instance!r} does not match {pattern!r}")


def _enum(validator: Any, enums: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if instance in enums or as_text(instance) in enums or as_number(instance) in enums:
        return
    if isinstance(instance, str) and instance.lower() in ("true", "false") and \
            (instance.lower() == "true") in enums:
        return
    yield _validation_error(f"{instance!r} is not one of {list(enums)!r}")


def _pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not isinstance(instance, Mapping):
        return
    for pattern, subschema in patterns.items():
        try:
            compiled = re.compile(pattern)
        except re.error:
            continue  # a Java-only regex (e.g. \\p{L}): skip, as for "pattern"
        for key, value in instance.items():
            if compiled.search(key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator: Any, extra: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not isinstance(instance, Mapping):
        return
    known = schema.get("properties", {})
    patterns = []
    for pattern in schema.get("patternProperties", {}):
        try:
            patterns.append(re.compile(pattern))
        except re.error:
            return  # a pattern Python cannot read might match any key: do not call keys extra
    extras = [k for k in instance if k not in known and not any(p.search(k) for p in patterns)]
    if isinstance(extra, Mapping):
        for key in extras:
            yield from validator.descend(instance[key], extra, path=key)
    elif extra is False and extras:
        listed = ", ".join(repr(k) for k in sorted(extras))
        yield _validation_error(f"Additional properties are not allowed ({listed} unexpected)")


def _validation_error(message: str) -> jsonschema.ValidationError:
    from jsonschema import ValidationError

    return ValidationError(message)


_VALIDATOR_CLASS: Any = None


def _validator_class() -> Any:
    """Draft 7 taught CloudFormation's coercions and Java-regex tolerance (made on first use)."""
    global _VALIDATOR_CLASS
    if _VALIDATOR_CLASS is None:
        from jsonschema import Draft7Validator, validators

        base = Draft7Validator.VALIDATORS
        type_checker = Draft7Validator.TYPE_CHECKER.redefine_many({
            "integer": lambda _checker, value: is_integer(value),
            "number": lambda _checker, value: is_number(value),
            "boolean": lambda _checker, value: is_boolean(value),
            "string": lambda _checker, value: is_string(value)})
        _VALIDATOR_CLASS = validators.extend(
            Draft7Validator,
            validators={
                "minimum": _numeric(base["minimum"]), "maximum": _numeric(base["maximum"]),
                "exclusiveMinimum": _numeric(base["exclusiveMinimum"]),
                "exclusiveMaximum": _numeric(base["exclusiveMaximum"]),
                "multipleOf": _numeric(base["multipleOf"]),
                "minLength": _textual(base["minLength"]), "maxLength": _textual(base["maxLength"]),
                "pattern": _pattern, "enum": _enum, "format": lambda *a: iter(()),
                "patternProperties": _pattern_properties,
                "additionalProperties": _additional_properties,
            },
            type_checker=type_checker,
        )
    return _VALIDATOR_CLASS


_VALIDATORS: dict[str, Any] = {}
_VALIDATORS_LOCK = threading.Lock()


def _validator(schema: Any) -> Any:
    """One compiled validator per type (schemas are immutable, so caching by type is safe)."""
    found = _VALIDATORS.get(schema.type_name)
    if found is None:
        raw = copy.deepcopy(dict(schema.raw))
        for key in ("$schema", "$id", "id"):
            raw.pop(key, None)
        found = _validator_class()(_inline_definitions(raw))
        with _VALIDATORS_LOCK:
            _VALIDATORS[schema.type_name] = found
    return found


_QUICK: dict[str, Callable[[Json], bool]] = {}


def _quick_check(schema: Any) -> Callable[[Json], bool]:
    """The compiled "certainly valid" check for the type (see fast_schema), cached per type."""
    found = _QUICK.get(schema.type_name)
    if found is None:
        from stackengine.providers.local.fast_schema import compile_check

        found = compile_check(dict(schema.raw))
        with _VALIDATORS_LOCK:
            _QUICK[schema.type_name] = found
    return found


def _inline_definitions(raw: dict[str, Json]) -> dict[str, Json]:
    """`raw` with each `{"$ref": "#/definitions/X"}` replaced by definition X itself (shared,
    not copied), except inside X's own expansion (recursive types keep their `$ref`): resolving
    a reference is most of jsonschema's work on registry schemas, and this does it once."""
    definitions = raw.get("definitions")
    if not isinstance(definitions, dict):
        return raw
    done: dict[str, Json] = {}

    def expand(node: Json, active: frozenset[str]) -> Json:
        if isinstance(node, list):
            return [expand(item, active) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            name = ref[len("#/definitions/"):]
            if name in definitions and "/" not in name and name not in active:
                if name not in done:
                    done[name] = expand(definitions[name], active | {name})
                return done[name]
            return node
        return {key: (value if key in ("enum", "const", "required") else expand(value, active))
                for key, value in node.items()}

    inlined = expand({k: v for k, v in raw.items() if k != "definitions"}, frozenset())
    inlined["definitions"] = definitions  # what stays a `$ref` (recursion) resolves here
    return dict(inlined)


def _error_path(error: jsonschema.ValidationError) -> tuple[PathPart, ...]:
    return tuple(error.absolute_path)


def _describe(error: jsonschema.ValidationError, schema: Any) -> list[SchemaProblem]:
    path = _error_path(error)
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
        patterns = error.schema.get("patternProperties", {}) if isinstance(error.schema, Mapping) else {}
        problems = []
        for key in error.instance:
            if key in allowed or any(re.search(p, key) for p in patterns if _compiles(p)):
                continue
            message = f"extraneous key [{key}] is not permitted"
            from stackengine.specs import _close_matches  # the registry's matching, shared

            near = _close_matches(key, list(allowed), 3)
            if near:
                message += "; did you mean " + " or ".join(near) + "?"
            problems.append(SchemaProblem(path + (key,), message))
        return problems
    if error.validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        return [SchemaProblem(path, f"required key [{m}] not found") for m in missing] or \
            [SchemaProblem(path, error.message)]
    if error.validator in ("oneOf", "anyOf"):
        deepest = _best(error)
        if deepest is not None and deepest is not error:
            return _describe(deepest, schema)
        return [SchemaProblem(path, f"failed validation constraint for keyword [{error.validator}]")]
    if error.validator == "type":
        return [SchemaProblem(path, f"expected type: {_type_name(error.validator_value)}, "
                                    f"found: {_json_type(error.instance)}")]
    return [SchemaProblem(path, error.message)]


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def _best(error: jsonschema.ValidationError) -> jsonschema.ValidationError | None:
    if not error.context:
        return None
    from jsonschema.exceptions import best_match

    return best_match(error.context)


def _type_name(value: Any) -> str:
    names = value if isinstance(value, list) else [value]
    return " or ".join({"object": "JSONObject", "array": "JSONArray"}.get(n, n.capitalize())
                       for n in names)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, (int, float)):
        return "Number"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "JSONArray"
    if isinstance(value, dict):
        return "JSONObject"
    return "Null"


def _has_path(properties: Mapping[str, Json], path: tuple[str, ...]) -> bool:
    node: Any = properties
    for part in path:
        if isinstance(node, list):
            return any(isinstance(item, Mapping) and _has_path(item, path[path.index(part):])
                       for item in node)
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


def check_properties(schema: Any, properties: Mapping[str, Json]) -> list[SchemaProblem]:
    """Every problem with `properties` under the type's registry schema; [] when they are valid."""
    problems: list[SchemaProblem] = []
    # Read-only properties are outputs; the registry lists them in `properties` too, so the
    # schema itself would accept them.
    for path in sorted(schema.read_only):
        if _has_path(properties, path):
            problems.append(SchemaProblem(tuple(path), "read-only property cannot be set"))
    if not problems and _quick_check(schema)(dict(properties)):
        return problems  # certainly valid: the full walk would find nothing
    validator = _validator(schema)
    for error in sorted(validator.iter_errors(dict(properties)), key=lambda e: list(map(str, e.absolute_path))):
        problems.extend(_describe(error, schema))
    seen: set[tuple[tuple[PathPart, ...], str]] = set()
    unique = []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            unique.append(p)
    return unique


def format_problems(logical_id: str, problems: list[SchemaProblem]) -> str:
    """CloudFormation's wording: `Properties validation failed for resource X with message: ...`."""
    listed = "; ".join(f"#/{'/'.join(map(str, p.path))}: {p.message}" if p.path else f"#: {p.message}"
                       for p in problems)
    return f"Properties validation failed for resource {logical_id} with message: [{listed}]"
