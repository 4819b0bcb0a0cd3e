"""Condition-aware evaluation with bounded work.

Without parameter values, most conditions are unknown: `IsProd: !Equals [!Ref Env, prod]` can go
either way. A value that depends on conditions is therefore checked once per *scenario*: an
assignment of truth values to the conditions that this value actually mentions, derived from
assignments of the underlying unknown comparisons ("atoms"). Two atoms comparing the same
parameter with different literals cannot both be true, and a parameter with AllowedValues can take
no other value — so scenarios that CloudFormation can never see are not checked (no false alarms
from impossible combinations, as `IsProd` and `IsDev` both true).

Work is bounded: at most `MAX_ATOM_ASSIGNMENTS` atom assignments are tried and at most
`MAX_SCENARIOS` distinct scenarios are returned per value; when a bound is hit, the caller reports
that the check was cut short. Nothing here is exponential in the template's size.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence

from stackengine.diagnostics import DiagnosticSink
from stackengine.intrinsics.evaluate import EvalContext, Evaluator, Scope
from stackengine.values import Unknown, as_string, canonical_json, contains_unknown, to_template

Json = Any
Formula = tuple[Any, ...]
"""("const", bool) | ("atom", key) | ("not", f) | ("and", [f...]) | ("or", [f...]) | ("cond", name)."""

MAX_SCENARIOS = 64
MAX_ATOM_ASSIGNMENTS = 4096

_FALSE: Formula = ("const", False)


@dataclass(frozen=True)
class Atom:
    """An Fn::Equals whose outcome is unknown offline. `group`/`literal` are set when it compares a
    parameter with a literal: the atoms of one group are mutually exclusive."""

    key: str
    group: str | None = None
    literal: str | None = None


@dataclass(frozen=True)
class Scenarios:
    """Condition assignments to check a value under; `truncated` when a bound cut the list short."""

    assignments: tuple[dict[str, bool], ...]
    truncated: bool = False


@dataclass
class ConditionModel:
    """The Conditions section as boolean formulas over atoms."""

    formulas: dict[str, Formula] = field(default_factory=dict)
    atoms: dict[str, Atom] = field(default_factory=dict)
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Parameter name → its AllowedValues (only for parameters that some atom compares)."""
    _cache: dict[tuple[frozenset[str], frozenset[str]], Scenarios] = field(default_factory=dict)
    _possible: dict[frozenset[tuple[str, bool]], bool] = field(default_factory=dict)
    _atoms_of: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, conditions: Json, ctx: EvalContext, parameters_section: Json) -> ConditionModel:
        model = cls()
        if not isinstance(conditions, Mapping):
            return model
        # Problems in conditions are reported by the ConditionTable pass; this one stays quiet.
        evaluator = Evaluator(ctx, DiagnosticSink(), Scope.CONDITION)
        for name, definition in conditions.items():
            model.formulas[str(name)] = model._parse(definition, evaluator, 0)
        declared = parameters_section if isinstance(parameters_section, Mapping) else {}
        for atom in model.atoms.values():
            spec = declared.get(atom.group) if atom.group else None
            values = spec.get("AllowedValues") if isinstance(spec, Mapping) else None
            if atom.group and isinstance(values, list) and values:
                model.allowed[atom.group] = tuple(as_string(v) or "" for v in values)
        return model

    # -- parsing --------------------------------------------------------------------------
    def _parse(self, node: Json, evaluator: Evaluator, depth: int) -> Formula:
        if depth > 50 or not isinstance(node, Mapping) or len(node) != 1:
            return _FALSE
        key, arg = next(iter(node.items()))
        if key == "Condition":
            return ("cond", arg) if isinstance(arg, str) else _FALSE
        if key in ("Fn::And", "Fn::Or") and isinstance(arg, list):
            return ("and" if key == "Fn::And" else "or", [self._parse(a, evaluator, depth + 1) for a in arg])
        if key == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
            return ("not", self._parse(arg[0], evaluator, depth + 1))
        if key == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
            return self._equals(arg, evaluator)
        return _FALSE

    def _equals(self, arg: list[Json], evaluator: Evaluator) -> Formula:
        left, right = (evaluator.resolve(a) for a in arg)
        if not contains_unknown(left) and not contains_unknown(right):
            return ("const", _comparable(left) == _comparable(right))
        group = literal = None
        for a, b in ((left, right), (right, left)):
            if isinstance(a, Unknown) and isinstance(a.expr, dict) and set(a.expr) == {"Ref"} \
                    and not contains_unknown(b) and as_string(b) is not None:
                group, literal = str(a.expr["Ref"]), as_string(b)
        sides = sorted(canonical_json(to_template(v)) for v in (left, right))
        key = "|".join(sides)
        self.atoms.setdefault(key, Atom(key, group, literal))
        return ("atom", key)

    # -- evaluation -----------------------------------------------------------------------
    def value(self, name: str, atoms: Mapping[str, bool], memo: dict[str, bool] | None = None,
              active: tuple[str, ...] = ()) -> bool:
        memo = {} if memo is None else memo
        if name in memo:
            return memo[name]
        formula = self.formulas.get(name)
        if formula is None or name in active:  # undeclared or cyclic: reported elsewhere
            return False
        result = self._eval(formula, atoms, memo, active + (name,))
        memo[name] = result
        return result

    def _eval(self, f: Formula, atoms: Mapping[str, bool], memo: dict[str, bool],
              active: tuple[str, ...]) -> bool:
        kind = f[0]
        if kind == "const":
            return bool(f[1])
        if kind == "atom":
            return atoms.get(f[1], False)
        if kind == "cond":
            return self.value(f[1], atoms, memo, active)
        if kind == "not":
            return not self._eval(f[1], atoms, memo, active)
        values = (self._eval(x, atoms, memo, active) for x in f[1])
        return all(values) if kind == "and" else any(values)

    def atoms_of(self, name: str, active: tuple[str, ...] = ()) -> frozenset[str]:
        """Atoms a condition depends on, through the conditions it names."""
        if name in self._atoms_of:
            return self._atoms_of[name]
        found: set[str] = set()
        stack = [self.formulas.get(name, _FALSE)]
        while stack:
            f = stack.pop()
            if f[0] == "atom":
                found.add(f[1])
            elif f[0] == "cond" and f[1] not in active and f[1] != name:
                found |= self.atoms_of(f[1], active + (name,))
            elif f[0] == "not":
                stack.append(f[1])
            elif f[0] in ("and", "or"):
                stack.extend(f[1])
        result = frozenset(found)
        if not active:
            self._atoms_of[name] = result
        return result

    # -- satisfiability -------------------------------------------------------------------
    def units_of(self, name: str) -> frozenset[str]:
        """What a condition's outcome is decided by: parameters it compares (all atoms of one
        parameter move together) and free atoms."""
        return frozenset(self.atoms[a].group or a for a in self.atoms_of(name) if a in self.atoms)

    def possible(self, partial: Mapping[str, bool]) -> bool:
        """Can some parameter values give these conditions these values? Conditions that share no
        parameter are independent, so each group of related ones is decided on its own (small)
        enumeration; an enumeration cut short by the bound answers "possible" (check, not skip)."""
        names = [n for n in partial if n in self.formulas]
        for component in _components(names, self.units_of):
            key = frozenset((n, partial[n]) for n in component)
            if key not in self._possible:
                self._possible[key] = self._satisfiable(component, partial)
            if not self._possible[key]:
                return False
        return True

    def _satisfiable(self, names: list[str], partial: Mapping[str, bool]) -> bool:
        atom_keys: set[str] = set()
        for name in names:
            atom_keys |= self.atoms_of(name)
        choices = self._choices(sorted(atom_keys))
        for combo in itertools.islice(itertools.product(*choices), MAX_ATOM_ASSIGNMENTS):
            atoms: dict[str, bool] = {}
            for part in combo:
                atoms.update(part)
            memo: dict[str, bool] = {}
            if all(self.value(n, atoms, memo) == partial[n] for n in names):
                return True
        total = 1
        for options in choices:
            total *= len(options)
        return total > MAX_ATOM_ASSIGNMENTS

    # -- scenarios ------------------------------------------------------------------------
    def scenarios(self, names: Iterable[str], required: Iterable[str] = ()) -> Scenarios:
        """Distinct truth assignments of `names` that some parameter values produce, restricted to
        those where every condition in `required` is true (a resource's own Condition)."""
        wanted = frozenset(n for n in names if n in self.formulas)
        needed = frozenset(n for n in required if n in self.formulas)
        key = (wanted, needed)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        result = self._enumerate(sorted(wanted | needed), needed)
        self._cache[key] = result
        return result

    def _enumerate(self, names: Sequence[str], needed: frozenset[str]) -> Scenarios:
        if not names:
            return Scenarios(({},))
        atom_keys: set[str] = set()
        for name in names:
            atom_keys |= self.atoms_of(name)
        choices = self._choices(sorted(atom_keys))
        total = 1
        for options in choices:
            total *= len(options)
        seen: dict[tuple[bool, ...], dict[str, bool]] = {}
        truncated = total > MAX_ATOM_ASSIGNMENTS
        for combo in itertools.islice(itertools.product(*choices), MAX_ATOM_ASSIGNMENTS):
            atoms: dict[str, bool] = {}
            for part in combo:
                atoms.update(part)
            memo: dict[str, bool] = {}
            values = {n: self.value(n, atoms, memo) for n in names}
            if not all(values[n] for n in needed):
                continue
            signature = tuple(values[n] for n in names)
            if signature not in seen:
                seen[signature] = values
                if len(seen) >= MAX_SCENARIOS and len(seen) < 2 ** len(names):
                    truncated = True
                    break
        return Scenarios(tuple(seen.values()), truncated)

    def _choices(self, atom_keys: Sequence[str]) -> list[list[dict[str, bool]]]:
        """Per independent unit (a free atom, or all atoms of one parameter), its possible settings."""
        groups: dict[str, list[Atom]] = {}
        choices: list[list[dict[str, bool]]] = []
        for key in atom_keys:
            atom = self.atoms[key]
            if atom.group is None:
                choices.append([{key: True}, {key: False}])
            else:
                groups.setdefault(atom.group, []).append(atom)
        for group, atoms in sorted(groups.items()):
            allowed = self.allowed.get(group)
            literals = sorted({a.literal for a in atoms if a.literal is not None})
            if allowed is not None:
                literals = [lit for lit in literals if lit in allowed]
            options: list[dict[str, bool]] = [
                {a.key: a.literal == lit for a in atoms} for lit in literals]
            if allowed is None or not set(allowed) <= set(literals):
                options.append({a.key: False for a in atoms})  # some other value
            choices.append(options or [{a.key: False for a in atoms}])
        return choices


def _components(names: list[str], units_of: Any) -> list[list[str]]:
    """Group condition names that share a unit (transitively)."""
    groups: list[tuple[set[str], list[str]]] = []
    for name in names:
        units = set(units_of(name))
        merged_units, merged_names = set(units), [name]
        rest = []
        for group_units, group_names in groups:
            if group_units & units:
                merged_units |= group_units
                merged_names.extend(group_names)
            else:
                rest.append((group_units, group_names))
        groups = rest + [(merged_units, merged_names)]
    return [group_names for _, group_names in groups]


def _comparable(value: Json) -> Json:
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    text = as_string(value)
    return text if text is not None else value


def if_conditions(value: Json) -> Iterator[str]:
    """Names of the conditions Fn::If uses anywhere inside `value`."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if len(item) == 1 and "Fn::If" in item:
                arg = item["Fn::If"]
                if isinstance(arg, list) and arg and isinstance(arg[0], str):
                    yield arg[0]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
