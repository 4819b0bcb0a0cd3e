"""Stand-in parameter values for smoke tests (`--fill-parameters`): every parameter without a
value gets its Default, else its first AllowedValue, else a value valid for its type and
constraints. SSM-typed parameters get a type-valid value through `sample_ssm_lookup`."""

from __future__ import annotations

import re
from typing import Any, Mapping

from stackengine.template.parameters import _EXAMPLES, PARAMETER_TYPES, compile_java_regex
from stackengine.template.regex_sample import sample
from stackengine.values import as_string

Json = Any

_STRING_CANDIDATES = ("example", "example1", "a", "1", "Example1", "10.0.0.0/16", "0.0.0.0/0",
                      "t3.micro", "example@example.com", "arn:aws:iam::123456789012:role/example",
                      "10.0.0.1", "us-east-1a", "1.0.0", "https://example.com")


def _member_candidates(element: str) -> list[str]:
    if element == "Number":
        return ["1", "2", "10", "100", "1024", "0"]
    if element in _EXAMPLES:
        return [_EXAMPLES[element]]
    if element == "AWS::EC2::KeyPair::KeyName":
        return ["example-key"]
    if element == "AWS::EC2::SecurityGroup::GroupName":
        return ["example-sg"]
    return list(_STRING_CANDIDATES)


def _fits(value: str, spec: Mapping[str, Json]) -> bool:
    pattern = spec.get("AllowedPattern")
    if isinstance(pattern, str):
        try:
            if not compile_java_regex(pattern).fullmatch(value):
                return False
        except re.error:
            return False
    for key, test in (("MinLength", lambda n: len(value) >= n), ("MaxLength", lambda n: len(value) <= n)):
        limit = spec.get(key)
        if limit is not None and str(limit).isdigit() and not test(int(limit)):
            return False
    for key, test in (("MinValue", lambda n: float(value) >= n), ("MaxValue", lambda n: float(value) <= n)):
        limit = spec.get(key)
        if limit is not None:
            try:
                if not test(float(limit)):
                    return False
            except ValueError:
                return False
    return True


def fill_value(spec: Mapping[str, Json]) -> str | None:
    """A value for one parameter definition, or None when nothing fitting was found."""
    if "Default" in spec:
        return None
    allowed = spec.get("AllowedValues")
    if isinstance(allowed, list) and allowed:
        return as_string(allowed[0]) or str(allowed[0])
    kind = PARAMETER_TYPES.get(str(spec.get("Type")))
    if kind is None:
        return None
    if kind.ssm:
        return "/stackengine/filled/parameter"
    candidates = _member_candidates(kind.element)
    if kind.element == "Number":
        low = spec.get("MinValue")
        if low is not None:
            candidates.insert(0, str(low))
    if kind.element == "String":
        length = spec.get("MinLength")
        if length is not None and str(length).isdigit():
            candidates.append("a" * int(length))
    pattern = spec.get("AllowedPattern")
    if isinstance(pattern, str):
        length = spec.get("MinLength")
        try:
            pattern = compile_java_regex(pattern).pattern
        except re.error:
            pass
        generated = sample(pattern, min_length=int(str(length)) if str(length).isdigit() else 0)
        if generated is not None:
            candidates.insert(0, generated)
    member = next((c for c in candidates if _fits(c, spec)), candidates[0])
    # Lists get four members: templates often Fn::Select the first few (one per AZ).
    return ",".join([member] * 4) if kind.is_list else member


def fill_parameters(declared: Json, given: Mapping[str, str]) -> dict[str, str]:
    """`given` plus a stand-in value for every declared parameter that has none."""
    values = dict(given)
    if not isinstance(declared, Mapping):
        return values
    for name, spec in declared.items():
        if name in values or not isinstance(spec, Mapping):
            continue
        value = fill_value(spec)
        if value is not None:
            values[str(name)] = value
    return values


def sample_ssm_lookup(declared: Json) -> Any:
    """An SSM look-up answering every SSM-typed parameter with a value valid for its type."""
    samples: dict[str, str] = {}
    if isinstance(declared, Mapping):
        for spec in declared.values():
            if not isinstance(spec, Mapping):
                continue
            kind = PARAMETER_TYPES.get(str(spec.get("Type")))
            if kind is not None and kind.ssm:
                for name in (spec.get("Default"), "/stackengine/filled/parameter"):
                    if isinstance(name, str):
                        samples[name] = _member_candidates(kind.element)[0]

    def lookup(name: str) -> str | None:
        return samples.get(name)

    return lookup
