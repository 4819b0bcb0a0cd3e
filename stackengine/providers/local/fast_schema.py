"""A quick "certainly valid" verdict on resource properties, compiled once per registry schema.

jsonschema explains every problem well but walks a schema slowly; most properties are valid, and
for them the explanation is never needed. `compile_check(schema)` turns a schema into nested
closures that answer True only when the properties are valid under the same rules as
`schema_check`'s validator (CloudFormation's scalar coercion, Java-only patterns skipped,
`format` ignored). Anything else, including every keyword not implemented here, answers False,
and the caller then runs the full check, which finds and words the problems.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Mapping

from stackengine.coercion import (as_number, as_text, is_boolean, is_integer,
                                                 is_number, is_string)

Json = Any
Check = Callable[[Json], bool]

_TYPES: dict[str, Callable[[Json], bool]] = {
    "integer": lambda v: is_integer(v), "number": lambda v: is_number(v),
    "boolean": lambda v: is_boolean(v), "string": lambda v: is_string(v),
    "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}
# Draft 7 keywords that constrain a value; the rest of a schema node is annotation.
_VALIDATION = frozenset({
    "$ref", "additionalItems", "additionalProperties", "allOf", "anyOf", "const", "contains",
    "dependencies", "enum", "exclusiveMaximum", "exclusiveMinimum", "if", "items", "maxItems",
    "maxLength", "maxProperties", "maximum", "minItems", "minLength", "minProperties", "minimum",
    "multipleOf", "not", "oneOf", "pattern", "patternProperties", "properties", "propertyNames",
    "required", "type", "uniqueItems",
})


def _never(_value: Json) -> bool:
    return False


def _always(_value: Json) -> bool:
    return True


class _Compiler:
    def __init__(self, root: Mapping[str, Json]) -> None:
        self.definitions = root.get("definitions") or {}
        self.refs: dict[str, Check] = {}

    def compile(self, node: Json) -> tuple[Check, bool]:
        """(check, exact): `exact` when check(v) is False exactly when v is invalid."""
        if node is True or node == {}:
            return _always, True
        if node is False:
            return _never, True
        if not isinstance(node, Mapping):
            return _never, False
        if "$ref" in node:  # draft 7: a reference ignores its siblings
            return self._ref(node["$ref"])
        checks: list[Check] = []
        exact = True
        for keyword, value in node.items():
            if keyword not in _VALIDATION or keyword == "format":
                continue
            made = getattr(self, "_" + keyword, None)
            if made is None:
                return _never, False
            check, sub_exact = made(value, node)
            exact = exact and sub_exact
            checks.append(check)
        if not checks:
            return _always, exact
        if len(checks) == 1:
            return checks[0], exact
        return (lambda v: all(c(v) for c in checks)), exact

    def _ref(self, ref: Json) -> tuple[Check, bool]:
        if not isinstance(ref, str) or not ref.startswith("#/definitions/"):
            return _never, False
        name = ref[len("#/definitions/"):]
        if name not in self.definitions:
            return _never, False
        if name not in self.refs:
            self.refs[name] = _never  # recursion: a placeholder until compiled
            self.refs[name] = self.compile(self.definitions[name])[0]
        return (lambda v: self.refs[name](v)), False  # recursive: not known exact here

    # -- keywords (each returns a check for the whole value and whether it is exact) --------

    def _type(self, value: Json, _node: Any) -> tuple[Check, bool]:
        names = value if isinstance(value, list) else [value]
        tests = [_TYPES[n] for n in names if n in _TYPES]
        if len(tests) != len(names):
            return _never, False
        return (lambda v: any(t(v) for t in tests)), True

    def _properties(self, value: Json, _node: Any) -> tuple[Check, bool]:
        compiled = {k: self.compile(s) for k, s in value.items()}
        exact = all(e for _, e in compiled.values())
        checks = {k: c for k, (c, _) in compiled.items()}

        def check(v: Json) -> bool:
            if not isinstance(v, dict):
                return True
            for key, item in v.items():
                sub = checks.get(key)
                if sub is not None and not sub(item):
                    return False
            return True
        return check, exact

    def _required(self, value: Json, _node: Any) -> tuple[Check, bool]:
        names = list(value)
        return (lambda v: not isinstance(v, dict) or all(n in v for n in names)), True

    def _additionalProperties(self, value: Json, node: Mapping[str, Json]) -> tuple[Check, bool]:
        known = set(node.get("properties", {}))
        patterns = []
        for pattern in node.get("patternProperties", {}):
            try:
                patterns.append(re.compile(pattern))
            except re.error:
                return _always, True  # as the full check: an unreadable pattern might match any key
        if value is False:
            return (lambda v: not isinstance(v, dict) or all(
                k in known or any(p.search(k) for p in patterns) for k in v)), True
        sub, exact = self.compile(value)
        return (lambda v: not isinstance(v, dict) or all(
            sub(item) for k, item in v.items()
            if k not in known and not any(p.search(k) for p in patterns))), exact

    def _patternProperties(self, value: Json, _node: Any) -> tuple[Check, bool]:
        pairs = []
        exact = True
        for pattern, schema in value.items():
            try:
                compiled = re.compile(pattern)
            except re.error:
                continue
            sub, sub_exact = self.compile(schema)
            exact = exact and sub_exact
            pairs.append((compiled, sub))
        return (lambda v: not isinstance(v, dict) or all(
            sub(item) for k, item in v.items() for p, sub in pairs if p.search(k))), exact

    def _items(self, value: Json, _node: Any) -> tuple[Check, bool]:
        if isinstance(value, list):
            return _never, False  # tuple validation: not used by the registry
        sub, exact = self.compile(value)
        return (lambda v: not isinstance(v, list) or all(sub(item) for item in v)), exact

    def _minItems(self, value: Json, _node: Any) -> tuple[Check, bool]:
        return (lambda v: not isinstance(v, list) or len(v) >= value), True

    def _maxItems(self, value: Json, _node: Any) -> tuple[Check, bool]:
        return (lambda v: not isinstance(v, list) or len(v) <= value), True

    def _uniqueItems(self, value: Json, _node: Any) -> tuple[Check, bool]:
        if not value:
            return _always, True

        def check(v: Json) -> bool:
            if not isinstance(v, list):
                return True
            keys = [_canonical(item) for item in v]
            # A list holding floats goes to the full check, whose equality rules (1 == 1.0)
            # decide; JSON text tells every other pair apart as they do (True != 1).
            return None not in keys and len(set(keys)) == len(keys)
        return check, False

    def _enum(self, value: Json, _node: Any) -> tuple[Check, bool]:
        options = list(value)

        def check(v: Json) -> bool:
            if v in options or as_text(v) in options or as_number(v) in options:
                return True
            return isinstance(v, str) and v.lower() in ("true", "false") and \
                (v.lower() == "true") in options
        return check, True

    def _pattern(self, value: Json, _node: Any) -> tuple[Check, bool]:
        try:
            compiled = re.compile(value)
        except re.error:
            return _always, True  # a Java-only regex is skipped, as the full check does

        def check(v: Json) -> bool:
            text = as_text(v)
            return not isinstance(text, str) or compiled.search(text) is not None
        return check, True

    def _length(self, value: Json, ok: Callable[[int, Json], bool]) -> tuple[Check, bool]:
        def check(v: Json) -> bool:
            text = as_text(v)
            return not isinstance(text, str) or ok(len(text), value)
        return check, True

    def _minLength(self, value: Json, _node: Any) -> tuple[Check, bool]:
        return self._length(value, lambda n, limit: n >= limit)

    def _maxLength(self, value: Json, _node: Any) -> tuple[Check, bool]:
        return self._length(value, lambda n, limit: n <= limit)

    def _bound(self, ok: Callable[[Any], bool]) -> tuple[Check, bool]:
        def check(v: Json) -> bool:
            if not is_number(v):
                return True
            number = as_number(v)
            return isinstance(number, (int, float)) and ok(number)
        return check, True

    def _minimum(self, value: Json, _node: Any) -> tuple[Check, bool]:
        return self._bound(lambda n: n >= value)

    def _maximum(self, value: Json, _node: Any) -> tuple[Check, bool]:
        return self._bound(lambda n: n <= value)

    def _exclusiveMinimum(self, value: Json, _node: Any) -> tuple[Check, bool]:
        return self._bound(lambda n: n > value)

    def _exclusiveMaximum(self, value: Json, _node: Any) -> tuple[Check, bool]:
        return self._bound(lambda n: n < value)

    def _combine(self, value: Json, rule: Callable[[list[bool]], bool],
                 needs_exact: bool) -> tuple[Check, bool]:
        if not isinstance(value, list):
            return _never, False
        compiled = [self.compile(s) for s in value]
        exact = all(e for _, e in compiled)
        if needs_exact and not exact:
            return _never, False
        checks = [c for c, _ in compiled]
        return (lambda v: rule([c(v) for c in checks])), exact

    def _allOf(self, value: Json, _node: Any) -> tuple[Check, bool]:
        return self._combine(value, all, needs_exact=False)

    def _anyOf(self, value: Json, _node: Any) -> tuple[Check, bool]:
        return self._combine(value, any, needs_exact=False)

    def _oneOf(self, value: Json, _node: Any) -> tuple[Check, bool]:
        # "exactly one" needs every verdict exact: a branch wrongly called invalid could hide
        # a second valid one.
        return self._combine(value, lambda results: results.count(True) == 1, needs_exact=True)

    def _dependencies(self, value: Json, _node: Any) -> tuple[Check, bool]:
        rules: list[tuple[str, Check]] = []
        exact = True
        for name, dependency in value.items():
            if isinstance(dependency, list):
                rules.append((name, _requires(list(dependency))))
            else:
                sub, sub_exact = self.compile(dependency)
                exact = exact and sub_exact
                rules.append((name, sub))
        return (lambda v: not isinstance(v, dict) or all(
            rule(v) for name, rule in rules if name in v)), exact


def _requires(names: list[str]) -> Check:
    return lambda v: all(n in v for n in names)


def _canonical(item: Json) -> str | None:
    def has_float(node: Json) -> bool:
        if isinstance(node, float):
            return True
        if isinstance(node, dict):
            return any(has_float(x) for x in node.values())
        if isinstance(node, list):
            return any(has_float(x) for x in node)
        return False
    if has_float(item):
        return None
    return json.dumps(item, sort_keys=True, default=repr)


def compile_check(raw: Mapping[str, Json]) -> Check:
    """The quick check for one registry schema (its properties object as a whole)."""
    return _Compiler(raw).compile(raw)[0]
