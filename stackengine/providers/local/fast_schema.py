"""A quick "certainly valid" verdict on resource properties, compiled once per registry schema.

jsonschema explains every problem well but walks a schema slowly; most properties are valid, and
for them the explanation is never needed. `compile_check(schema)` turns a schema into nested
closures that answer True only when the properties are valid under the same rules as
`schema_check`'s validator (CloudFormation's scalar coercion, Java-only patterns skipped,
`format` ignored). Anything else, including every keyword not implemented here, answers False,
and the caller then runs the full check, which finds and words the problems.
"""

from __future__ import annotations

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
        self.refs: dict[str, tuple[Check, bool]] = {}
        self.compiling: set[str] = set()  # definitions being compiled: a reference back recurses

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
        if name in self.compiling:  # recursive: look the check up when it runs
            return (lambda v: self.refs[name][0](v)), False
        if name not in self.refs:
            self.compiling.add(name)
            try:
                self.refs[name] = self.compile(self.definitions[name])
            finally:
                self.compiling.discard(name)
        return self.refs[name]

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
            keys = {_identity(item) for item in v}
            return len(keys) == len(v)
        return check, True

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

    def _if(self, value: Json, node: Mapping[str, Json]) -> tuple[Check, bool]:
        # Draft 7: when `if` holds, `then` must; otherwise `else` must (absent ones hold).
        condition, exact = self.compile(value)
        if not exact:
            return _never, False
        then, then_exact = self.compile(node.get("then", True))
        otherwise, else_exact = self.compile(node.get("else", True))
        return (lambda v: then(v) if condition(v) else otherwise(v)), then_exact and else_exact

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


def _identity(item: Json) -> Any:
    """A hashable key equal for two items exactly when jsonschema's uniqueness calls them equal:
    1 and 1.0 alike, True and 1 apart, objects and arrays compared member by member."""
    if isinstance(item, bool):
        return ("bool", item)
    if isinstance(item, (int, float)):
        return ("number", item)  # 1 == 1.0 and hash(1) == hash(1.0)
    if isinstance(item, dict):
        return ("object", frozenset((k, _identity(v)) for k, v in item.items()))
    if isinstance(item, list):
        return ("array", tuple(_identity(v) for v in item))
    return (type(item).__name__, item)


def compile_check(raw: Mapping[str, Json]) -> Check:
    """The quick check for one registry schema (its properties object as a whole)."""
    return _Compiler(raw).compile(raw)[0]
