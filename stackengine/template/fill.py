"""Stand-in parameter values for smoke tests (`--fill-parameters`): every parameter without a
value gets its Default, else its first AllowedValue, else a value valid for its type and
constraints. SSM-typed parameters get a type-valid value through `sample_ssm_lookup`.

Those first choices can break the template's Rules (two Yes/No switches both defaulting to No,
with a rule that one must be Yes). `satisfy_rules` then re-chooses, among the values each parameter
could take, for the parameters a failing assertion names. Evaluating an assertion needs the
intrinsics, a layer above this one, so the caller passes the check in."""

from __future__ import annotations

import itertools
import re
from typing import Any, Callable, Iterator, Mapping, Sequence

from stackengine.diagnostics import TemplatePath

from stackengine.template.parameters import _EXAMPLES, PARAMETER_TYPES, compile_java_regex
from stackengine.template.regex_sample import sample, sample_alternatives
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


# Values -> the template paths of the Rules assertions that fail for them.
FailingAssertions = Callable[[Mapping[str, str]], Sequence[TemplatePath]]

RULE_SEARCH_BUDGET = 256  # rule checks per fill: enough for a few switches, bounded for big lists


def _referenced_parameters(node: Json) -> Iterator[str]:
    """Parameter names an assertion reads: `Ref` and the first argument of `Fn::ValueOf`."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                yield value
            elif key == "Fn::ValueOf" and isinstance(value, list) and value and isinstance(value[0], str):
                yield value[0]
            yield from _referenced_parameters(value)
    elif isinstance(node, list):
        for item in node:
            yield from _referenced_parameters(item)


def rule_parameters(rules: Json, path: TemplatePath) -> list[str]:
    """The parameters named by the assertion at `path` (`Rules.<name>.Assertions.<i>`) and by its
    rule's RuleCondition, in first-use order."""
    if len(path) < 2 or not isinstance(rules, Mapping) or not isinstance(rules.get(path[1]), Mapping):
        return []
    rule = rules[path[1]]
    node: Json = rule.get("Assertions")
    for part in path[3:4]:
        node = node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None
    return list(dict.fromkeys([*_referenced_parameters(rule.get("RuleCondition")),
                               *_referenced_parameters(node)]))


def parameter_candidates(spec: Mapping[str, Json], current: str) -> list[str]:
    """Every value worth trying for one parameter, the current one first: its AllowedValues, or
    its Default, a type-valid stand-in, the empty string and a sample of each alternative of its
    AllowedPattern, each only if the constraints allow."""
    allowed = spec.get("AllowedValues")
    if isinstance(allowed, list) and allowed:
        options = [as_string(v) or str(v) for v in allowed]
    else:
        stand_in = fill_value({k: v for k, v in spec.items() if k != "Default"})
        default = spec.get("Default")
        pattern = spec.get("AllowedPattern")
        tries: list[str | None] = [as_string(default) if default is not None else None, stand_in, "",
                                   *(_pattern_alternatives(pattern) if isinstance(pattern, str) else [])]
        options = [o for o in tries if o is not None and _fits(o, spec)]
    return list(dict.fromkeys([current, *options]))


def _pattern_alternatives(pattern: str) -> list[str]:
    try:
        return sample_alternatives(compile_java_regex(pattern).pattern)
    except re.error:
        return []


def satisfy_rules(declared: Json, rules: Json, values: Mapping[str, str], fixed: frozenset[str] | set[str],
                  failing: FailingAssertions, budget: int = RULE_SEARCH_BUDGET) -> dict[str, str]:
    """`values` with the parameters that failing assertions name re-chosen (never those in `fixed`:
    values the user or the account gave) so that fewer assertions fail, one assertion at a time.
    When no choice helps, the values are returned as they are and the rule will say why."""
    chosen = dict(values)
    if not isinstance(declared, Mapping) or not isinstance(rules, Mapping):
        return chosen
    failures = list(failing(chosen))
    calls = 1
    stuck: set[TemplatePath] = set()
    while calls < budget:
        target = next((p for p in failures if tuple(p) not in stuck), None)
        if target is None:
            break
        names = [n for n in rule_parameters(rules, tuple(target))
                 if n not in fixed and isinstance(declared.get(n), Mapping)
                 and (n in chosen or "Default" in declared[n])]
        choices = [parameter_candidates(declared[n], chosen[n] if n in chosen else
                                        as_string(declared[n]["Default"]) or "") for n in names]
        improved = False
        for combination in itertools.islice(itertools.product(*choices), 1, None):  # 0: as is
            if calls >= budget:
                break
            # a parameter left at its Default stays unset, as the first fill left it
            trial = {**chosen, **{n: v for n, v in zip(names, combination)
                                  if n in chosen or v != as_string(declared[n].get("Default"))}}
            calls += 1
            after = list(failing(trial))
            if tuple(target) not in map(tuple, after) and len(after) < len(failures):
                chosen, failures, improved = trial, after, True
                break
        if not improved:
            stuck.add(tuple(target))
    return chosen
