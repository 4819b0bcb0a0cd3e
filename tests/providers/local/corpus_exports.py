"""Which corpus template exports what a template imports, so the corpus run can deploy the
exporter first, as one would on AWS.

An export name or an import name is read as a sequence of segments: literal text and variables
(`AWS::StackName`, a parameter). `Fn::Sub`, `Fn::Join` and `Ref` are understood; anything else
(a `GetAtt`, an `If`) makes the name unknowable before deploy, and it is left alone.

For each name a template imports, `plan_exporters` looks for an exporter whose export pattern
produces it: first with the importer's values as they are (solving the exporter's stack name and
parameters, e.g. stack `production` for `${AWS::StackName}:ClusterName`), then by choosing the
importer's own parameters that feed the name (a `NetworkStackName` with no useful default). One
exporter serving every import is preferred, and among several, the nearest in the folder tree.
An exporter's own imports are not followed (one level: no exporter in the corpus imports).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence

from stackengine.template.fill import fill_parameters
from stackengine.template.parameters import compile_java_regex
from stackengine.values import as_string

Json = Any

STACK_NAME = "AWS::StackName"
_STACK_NAME_PATTERN = r"[A-Za-z][-A-Za-z0-9]{0,127}"
_SUB_VARIABLE = re.compile(r"\$\{(!?)([^}]*)\}")


@dataclass(frozen=True)
class Var:
    """A variable of a name: a parameter or a pseudo parameter."""

    name: str


Segments = tuple["str | Var", ...]


def name_segments(expr: Json, sub_values: Mapping[str, Json] | None = None) -> Segments | None:
    """The segments of an export/import name expression, or None when it cannot be known
    before deploy (it uses a resource attribute, a condition, a mapping ...)."""
    if isinstance(expr, str):
        return (expr,)
    if isinstance(expr, (int, float)) and not isinstance(expr, bool):
        return (str(expr),)
    if not isinstance(expr, Mapping) or len(expr) != 1:
        return None
    (key, arg), = expr.items()
    if key == "Ref" and isinstance(arg, str):
        return (Var(arg),)
    if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) \
            and isinstance(arg[1], list):
        out: list[str | Var] = []
        for index, part in enumerate(arg[1]):
            segments = name_segments(part, sub_values)
            if segments is None:
                return None
            if index:
                out.append(arg[0])
            out.extend(segments)
        return _merged(out)
    if key == "Fn::Sub":
        text, values = (arg, {}) if isinstance(arg, str) else (
            (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)
            and isinstance(arg[1], Mapping) else (None, {}))
        return None if text is None else _sub_segments(text, {**(sub_values or {}), **values})
    return None


def _sub_segments(text: str, values: Mapping[str, Json]) -> Segments | None:
    out: list[str | Var] = []
    last = 0
    for match in _SUB_VARIABLE.finditer(text):
        out.append(text[last:match.start()])
        last = match.end()
        literal, name = match.groups()
        if literal:
            out.append("${" + name + "}")
        elif name in values:
            inner = name_segments(values[name])
            if inner is None:
                return None
            out.extend(inner)
        elif "." in name:  # ${Resource.Attribute}: known only after deploy
            return None
        else:
            out.append(Var(name))
    out.append(text[last:])
    return _merged(out)


def _merged(parts: Sequence[str | Var]) -> Segments:
    out: list[str | Var] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        elif part != "":
            out.append(part)
    return tuple(out)


def spelled(segments: Segments) -> str:
    """The name as a pattern, variables as `${Name}`: for messages."""
    return "".join(p if isinstance(p, str) else "${" + p.name + "}" for p in segments)


def instantiate(segments: Segments, values: Mapping[str, str]) -> str | None:
    """The name for these values; None when a variable has no value."""
    out = []
    for part in segments:
        if isinstance(part, Var):
            if part.name not in values:
                return None
            out.append(values[part.name])
        else:
            out.append(part)
    return "".join(out)


def solve(segments: Segments, name: str, bound: Mapping[str, str]) -> dict[str, str] | None:
    """Values for the free variables that make `segments` spell `name` (bound ones must agree);
    None when no values do. A stack name must be a valid one; parameters may be empty."""
    groups: dict[str, str] = {}
    pattern = []
    for part in segments:
        if not isinstance(part, Var):
            pattern.append(re.escape(part))
        elif part.name in bound:
            pattern.append(re.escape(bound[part.name]))
        elif part.name in groups:
            pattern.append(f"(?P={groups[part.name]})")
        else:
            groups[part.name] = f"v{len(groups)}"
            body = _STACK_NAME_PATTERN if part.name == STACK_NAME else ".*?"
            pattern.append(f"(?P<{groups[part.name]}>{body})")
    match = re.fullmatch("".join(pattern), name, re.DOTALL)
    if match is None:
        return None
    return {variable: match.group(group) for variable, group in groups.items()}


def _walk(node: Json) -> Iterator[Json]:
    yield node
    if isinstance(node, Mapping):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def template_imports(data: Json) -> list[Segments]:
    """The distinct names the template imports that can be known before deploy, in order."""
    found: list[Segments] = []
    for node in _walk(data.get("Resources") if isinstance(data, Mapping) else None):
        if isinstance(node, Mapping) and len(node) == 1 and "Fn::ImportValue" in node:
            segments = name_segments(node["Fn::ImportValue"])
            if segments is not None and segments not in found:
                found.append(segments)
    outputs = data.get("Outputs") if isinstance(data, Mapping) else None
    for node in _walk(outputs):
        if isinstance(node, Mapping) and len(node) == 1 and "Fn::ImportValue" in node:
            segments = name_segments(node["Fn::ImportValue"])
            if segments is not None and segments not in found:
                found.append(segments)
    return found


@dataclass(frozen=True)
class Exporter:
    """A corpus template and the export names its outputs can produce."""

    path: str
    data: Json
    exports: tuple[Segments, ...]


def template_exports(path: str, data: Json) -> Exporter | None:
    outputs = data.get("Outputs") if isinstance(data, Mapping) else None
    if not isinstance(outputs, Mapping):
        return None
    exports = []
    for output in outputs.values():
        export = output.get("Export") if isinstance(output, Mapping) else None
        segments = name_segments(export.get("Name")) if isinstance(export, Mapping) else None
        if segments is not None:
            exports.append(segments)
    return Exporter(path, data, tuple(exports)) if exports else None


def parameter_values(data: Json, given: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every parameter's value as a deploy would see it: given, else Default, else a stand-in."""
    declared = data.get("Parameters") if isinstance(data, Mapping) else None
    values = fill_parameters(declared, dict(given or {}))
    for name, spec in (declared.items() if isinstance(declared, Mapping) else ()):
        if str(name) not in values and isinstance(spec, Mapping) and "Default" in spec:
            values[str(name)] = as_string(spec["Default"]) or ""
    return values


def _acceptable(data: Json, values: Mapping[str, str]) -> bool:
    """The template's own constraints accept these parameter values (AllowedValues, pattern)."""
    declared = data.get("Parameters") if isinstance(data, Mapping) else None
    if not isinstance(declared, Mapping):
        return not values
    for name, value in values.items():
        spec = declared.get(name)
        if not isinstance(spec, Mapping):
            return False
        allowed = spec.get("AllowedValues")
        if isinstance(allowed, list) and value not in [as_string(a) for a in allowed]:
            return False
        pattern = spec.get("AllowedPattern")
        try:
            if isinstance(pattern, str) and not compile_java_regex(pattern).fullmatch(value):
                return False
        except re.error:
            return False
    return True


@dataclass
class ExporterDeployment:
    """An exporter to deploy before the importer: stack name and the parameters the names need."""

    path: str
    stack_name: str
    parameters: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportPlan:
    """What to deploy first (in order) and the importer's parameters that feed its import names.
    `missing` spells the import names no corpus template can export (AWS would refuse those too)."""

    exporters: list[ExporterDeployment] = field(default_factory=list)
    importer_parameters: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def _nearness(importer: str, exporter: str) -> tuple[int, int, str]:
    common = os.path.commonpath([os.path.dirname(importer), os.path.dirname(exporter)])
    same_kind = os.path.splitext(importer)[1] == os.path.splitext(exporter)[1]
    return (-len(common), 0 if same_kind else 1, exporter)


def _default_stack_name(path: str) -> str:
    base = re.sub(r"[^A-Za-z0-9-]", "-", os.path.splitext(os.path.basename(path))[0]).strip("-")
    return (base if base[:1].isalpha() else "x" + base)[:100] + "-exports"


class _Attempt:
    """One way of serving an importer's names from some exporters (mutable while it is built)."""

    def __init__(self, importer_values: Mapping[str, str], pseudo: Mapping[str, str]) -> None:
        self.importer_values = dict(importer_values)
        self.overrides: dict[str, str] = {}
        self.pseudo = dict(pseudo)
        self.chosen: dict[str, dict[str, str]] = {}  # exporter path -> its variables (stack name, parameters)

    def serve(self, wanted: Segments, exporter: Exporter) -> bool:
        bound = self.chosen.get(exporter.path, {})
        name = instantiate(wanted, {**self.importer_values, **self.overrides, **self.pseudo})
        # 1. the importer's values as they are: solve the exporter's stack name and parameters
        for export in exporter.exports:
            found = solve(export, name, {**self.pseudo, **bound}) if name is not None else None
            if found is not None and self._accept(exporter, {**bound, **found}):
                self.chosen[exporter.path] = {**bound, **found}
                return True
        # 2. the exporter as it would be deployed: choose the importer parameters feeding the name
        values = {**parameter_values(exporter.data, _parameters_of(bound)), **self.pseudo,
                  STACK_NAME: bound.get(STACK_NAME, _default_stack_name(exporter.path))}
        fixed = {**self.pseudo, **self.overrides}  # importer parameters chosen for earlier names stay
        for export in exporter.exports:
            concrete = instantiate(export, {**values, **bound})
            found = solve(wanted, concrete, fixed) if concrete is not None else None
            if found is not None and all(k in self.importer_values for k in found):
                self.overrides.update(found)
                # the exporter's parameters in the name are pinned: its deploy fills the rest
                used = {p.name: values[p.name] for p in export if isinstance(p, Var) and p.name in values}
                self.chosen[exporter.path] = {**bound, **_parameters_of(used), STACK_NAME: values[STACK_NAME]}
                return True
        return False

    @staticmethod
    def _accept(exporter: Exporter, variables: Mapping[str, str]) -> bool:
        return _acceptable(exporter.data, _parameters_of(variables))


def _parameters_of(variables: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in variables.items() if not k.startswith("AWS::")}


def plan_exporters(importer_path: str, importer_data: Json, importer_values: Mapping[str, str],
                   exporters: Sequence[Exporter], pseudo: Mapping[str, str]) -> ImportPlan:
    """Which exporters (stack name, parameters) serve the importer's names, and the importer
    parameter values that make its names match. `importer_values` are its filled values;
    `pseudo` the deploy's AWS::Region / AWS::AccountId / AWS::Partition."""
    wanted = template_imports(importer_data)
    values = {**parameter_values(importer_data), **importer_values}
    candidates = sorted((e for e in exporters if e.path != importer_path),
                        key=lambda e: _nearness(importer_path, e.path))
    if not wanted:
        return ImportPlan()
    # One exporter serving every name (one parent stack), the nearest first.
    for exporter in candidates:
        attempt = _Attempt(values, pseudo)
        if all(attempt.serve(name, exporter) for name in wanted):
            return _finish(attempt, [])
    # Otherwise each name from the first exporter that serves it, preferring those already chosen.
    attempt = _Attempt(values, pseudo)
    missing = []
    for name in wanted:
        ordered = sorted(candidates, key=lambda e: e.path not in attempt.chosen)
        if not any(attempt.serve(name, exporter) for exporter in ordered):
            missing.append(spelled(name))
    return _finish(attempt, missing)


def _finish(attempt: _Attempt, missing: list[str]) -> ImportPlan:
    deployments = [ExporterDeployment(path, variables.get(STACK_NAME, _default_stack_name(path)),
                                      _parameters_of(variables))
                   for path, variables in attempt.chosen.items()]
    return ImportPlan(deployments, dict(attempt.overrides), missing)
