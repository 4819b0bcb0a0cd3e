"""Run every check on one template file and return its findings.

The pipeline is the render pipeline's front half (decode → transform → structure → parameters →
conditions → rules), but it never stops at the first failing phase unless the next one cannot run,
and it needs no parameter values: a parameter that was not given is an unknown value (CI has no
values), and conditions on unknown values are checked for every branch that can be taken.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Sequence

from stackengine.diagnostics import Diagnostic, DiagnosticSink, Severity, Span, TemplateError, TemplatePath
from stackengine.validate.context import TemplateContext, ValidateOptions

Json = Any
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
MACRO = "I1051"
NEEDS_VALUES = "I1052"


@dataclass
class FileReport:
    """The findings of one file, sorted by position."""

    file: str
    findings: list[Diagnostic] = field(default_factory=list)
    suppressed: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.findings if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.findings if d.severity is Severity.WARNING]


def validate_file(path: str, options: ValidateOptions = ValidateOptions()) -> FileReport:
    from stackengine.template.decode import load_file

    try:
        document = load_file(path)
    except TemplateError as exc:
        return _report(path, [d if d.span else d.with_span(Span(path, 1, 1)) for d in exc.diagnostics], options)
    return validate_document(document.file, document.data, list(document.warnings), options)


def validate_document(file: str, source: Json, warnings: Sequence[Diagnostic] = (),
                      options: ValidateOptions = ValidateOptions()) -> FileReport:
    from stackengine.template.structure import check_structure, check_top_level
    from stackengine.transform import transform_names

    sink = DiagnosticSink()
    sink.extend(warnings)
    if not check_top_level(source, sink):
        return _finish(file, sink.items, _Locator(file, source, source, False), options)
    names = transform_names(source)
    sam = SAM_TRANSFORM in names
    template, stop = _transform(file, source, names, options, sink)
    locator = _Locator(file, source, template, sam)
    if stop or not check_top_level(template, sink):
        return _finish(file, sink.items, locator, options)
    check_structure(template, sink, language_extensions="AWS::LanguageExtensions" in names)
    tc = _context(file, source, template, options, sam, sink)
    from stackengine.validate.properties import check_resources
    from stackengine.validate.rules import CHECKS, load_check

    for logical_id in _modules(template):
        sink.add(MACRO, "registry modules expand in the AWS account; the module's resources are not "
                 "checked offline", ("Resources", logical_id, "Type"), Severity.INFO)
    sink.extend(check_resources(tc))
    # Values that depend on the region (Fn::FindInMap keyed by AWS::Region, ...) are checked in
    # every chosen region; parameter and condition problems were reported once already.
    for region in options.regions[1:]:
        regional = replace(options, regions=(region,))
        sink.extend(check_resources(_context(file, source, template, regional, sam, DiagnosticSink())))
    for family in CHECKS:
        sink.extend(load_check(family)(tc))
    return _finish(file, sink.items, locator, options, tc)


def _transform(file: str, source: Mapping[str, Json], names: list[str], options: ValidateOptions,
               sink: DiagnosticSink) -> tuple[Mapping[str, Json], bool]:
    from stackengine.transform import TRANSFORMS, TransformContext, apply_transforms, has_fn_transform

    macros = [n for n in names if n not in TRANSFORMS]
    if macros:
        # A macro runs in the account that defines it: nothing after it can be checked offline.
        sink.add(MACRO, "the template uses the macro " + ", ".join(repr(m) for m in macros)
                 + ", which only runs in an AWS account; checked up to the transform only", ("Transform",),
                 Severity.INFO)
        return source, True
    if not names and not has_fn_transform(source):
        return source, False
    from stackengine.regions import partition_for_region

    from stackengine.template.fill import fill_parameters

    region = options.regions[0]
    if SAM_TRANSFORM in names:
        from stackengine.validate.sam_prep import prepare

        source = prepare(source)
    # Transforms need concrete values (a ForEach collection, SAM's AutoPublishAlias ...): given
    # values first, then defaults, allowed values or type-valid stand-ins.
    try:
        values = fill_parameters(source.get("Parameters"), dict(options.parameters))
    except Exception:  # noqa: BLE001 - malformed Parameters are reported by the parameter pass
        values = dict(options.parameters)
    context = TransformContext(region=region, account_id=options.account_id,
                               partition=partition_for_region(region), stack_name="stack",
                               parameters=values,
                               base_dir=os.path.dirname(os.path.abspath(file)) if os.path.exists(file) else ".",
                               file=file)
    try:
        return apply_transforms(source, context), False
    except TemplateError as exc:
        for d in exc.diagnostics:
            if "is a macro" in d.message:  # Fn::Transform of an account macro: not an error offline
                sink.add(MACRO, d.message + "; checked up to the transform only", d.path, Severity.INFO)
            elif "cannot be resolved before deployment" in d.message:
                sink.add(NEEDS_VALUES, d.message + "; pass --parameter-overrides to check what it expands to",
                         d.path, Severity.INFO)
            else:
                sink.extend([d])
        return source, True



def _context(file: str, source: Mapping[str, Json], template: Mapping[str, Json], options: ValidateOptions,
             sam: bool, sink: DiagnosticSink) -> TemplateContext:
    from stackengine.intrinsics.conditions import ConditionTable
    from stackengine.intrinsics.evaluate import EvalContext
    from stackengine.specs import default_registry
    from stackengine.transform import transform_names
    from stackengine.validate.branches import ConditionModel

    parameters, parameter_types = _parameters(template.get("Parameters"), options, file, sink)
    conditions_section = template.get("Conditions") or {}
    local = DiagnosticSink()
    table = ConditionTable(conditions_section, local)
    mappings = template.get("Mappings")
    base = EvalContext(stack=_stack_info(options),
                       parameters=parameters, mappings=mappings if isinstance(mappings, dict) else {},
                       condition_values=table, condition_names=table.names,
                       language_extensions="AWS::LanguageExtensions" in transform_names(source))
    table.bind(base)
    table.evaluate_all()  # reports cycles, undeclared names and malformed conditions
    # Conditions on parameters without a value are undecided here by design: every branch is
    # checked instead (branches.py), so "cannot be decided" is not a finding of validate.
    sink.extend(d for d in local.items if d.code != "E1035")
    _rules(template.get("Rules"), base, parameters, sink)
    model = ConditionModel.build(conditions_section, base, template.get("Parameters"))
    return TemplateContext(file=file, source=source, template=template, options=options,
                           registry=default_registry(), parameters=parameters,
                           parameter_types=parameter_types,
                           parameter_choices=_choices(template.get("Parameters"), parameters),
                           base=base, conditions=model, sam=sam)


def _stack_info(options: ValidateOptions) -> Any:
    from stackengine.validate.context import ValidationStack

    return ValidationStack("stack", options.regions[0], options.account_id)


def _parameters(declared: Json, options: ValidateOptions, file: str, sink: DiagnosticSink) -> tuple[dict, dict]:
    from stackengine.template.model import ParameterValue
    from stackengine.template.parameters import resolve_parameters
    from stackengine.values import Unknown

    given = dict(options.parameters)
    values, diagnostics = resolve_parameters(declared, given, ssm_lookup=lambda key: None, file=file)
    for d in diagnostics:
        # No value is not a problem here (CI has none), nor is an SSM name that cannot be read offline.
        if d.code in ("E2003", "E2006"):
            continue
        sink.extend([d])
    parameters: dict[str, Any] = {}
    types: dict[str, str] = {}
    for name, spec in (declared.items() if isinstance(declared, Mapping) else ()):
        ptype = spec.get("Type") if isinstance(spec, Mapping) else None
        types[str(name)] = ptype if isinstance(ptype, str) else "String"
        known = values.get(str(name))
        if known is not None and name in given and not str(types[str(name)]).startswith("AWS::SSM"):
            parameters[str(name)] = known
        else:
            parameters[str(name)] = ParameterValue(str(name), types[str(name)], Unknown({"Ref": str(name)}),
                                                   bool(spec.get("NoEcho")) if isinstance(spec, Mapping) else False)
    return parameters, types


def _choices(declared: Json, parameters: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    from stackengine.values import Unknown, as_string

    out: dict[str, tuple[str, ...]] = {}
    for name, spec in (declared.items() if isinstance(declared, Mapping) else ()):
        value = parameters.get(str(name))
        if not isinstance(spec, Mapping) or value is None or not isinstance(value.value, Unknown):
            continue
        if str(spec.get("Type", "String")).startswith(("List<", "CommaDelimitedList", "AWS::SSM")):
            continue
        found: list[str] = []
        allowed = spec.get("AllowedValues")
        for candidate in [spec.get("Default"), *(allowed if isinstance(allowed, list) else [])]:
            text = as_string(candidate) if candidate is not None else None
            if text is not None and text not in found:
                found.append(text)
        if found:
            out[str(name)] = tuple(found)
    return out


def _rules(rules: Json, base: Any, parameters: Mapping[str, Any], sink: DiagnosticSink) -> None:
    from stackengine.intrinsics.rules import check_rules
    from stackengine.values import Unknown

    if rules is None:
        return
    local = DiagnosticSink()
    check_rules(rules, base, local)
    unknown = any(isinstance(p.value, Unknown) for p in parameters.values())
    skipped = False
    for d in local.items:
        if d.code == "I1041" and unknown:
            skipped = True
            continue
        sink.extend([d])
    if skipped:
        sink.add("I1050", "some rule assertions depend on parameters that have no value here; pass "
                 "--parameter-overrides to check them", ("Rules",), Severity.INFO)


# -- positions, suppressions, order -----------------------------------------------------------

class _Locator:
    """file:line:col of a template path. After the SAM transform, generated resources point at the
    SAM resource they came from (a logical ID prefix), values copied from the source at their line."""

    def __init__(self, file: str, source: Json, template: Json, sam: bool) -> None:
        self.file = file
        self.source = source
        self.template = template
        self.sam = sam
        resources = source.get("Resources") if isinstance(source, Mapping) else None
        self.source_ids = sorted((str(k) for k in resources), key=len, reverse=True) \
            if isinstance(resources, Mapping) else []

    def span(self, path: TemplatePath) -> Span | None:
        from stackengine.template.marks import locate

        mark = None
        if self.template is not self.source and getattr(self.template, "mark", None) is not None:
            mark = locate(self.template, path)
        if mark is None and self.sam and len(path) >= 2 and path[0] == "Resources":
            mark = self._sam_mark(path)
        if mark is None:
            mark = locate(self.source, path)
        return Span(self.file, mark[0], mark[1]) if mark else Span(self.file, 1, 1)

    def _sam_mark(self, path: TemplatePath) -> tuple[int, int] | None:
        from stackengine.template.marks import locate

        logical_id = str(path[1])
        if logical_id in self.source_ids:
            return locate(self.source, path)
        for candidate in self.source_ids:  # longest first: FunctionRole before Function
            if logical_id.startswith(candidate):
                return locate(self.source, ("Resources", candidate), key=True)
        return locate(self.source, ("Transform",))


def _finish(file: str, items: Iterable[Diagnostic], locator: _Locator, options: ValidateOptions,
            tc: TemplateContext | None = None) -> FileReport:
    from stackengine.validate.config import resource_ignores

    ignores = resource_ignores(locator.source, locator.template)
    modules = _modules(locator.template)
    placed: list[Diagnostic] = []
    suppressed = 0
    seen: set[tuple[str, TemplatePath, str]] = set()
    for d in items:
        key = (d.code, d.path, d.message)
        if key in seen:
            continue
        seen.add(key)
        if d.code in options.ignore or _ignored_here(d, ignores) or _refers_to_module(d, modules):
            suppressed += 1
            continue
        placed.append(d if d.span is not None else d.with_span(locator.span(d.path)))
    report = FileReport(file, _sorted(placed), suppressed)
    return report


def _modules(template: Json) -> tuple[str, ...]:
    resources = template.get("Resources") if isinstance(template, Mapping) else None
    if not isinstance(resources, Mapping):
        return ()
    return tuple(str(lid) for lid, r in resources.items()
                 if isinstance(r, Mapping) and str(r.get("Type", "")).endswith("::MODULE"))


_QUOTED = re.compile(r"'([A-Za-z0-9]+)'")


def _refers_to_module(d: Diagnostic, modules: tuple[str, ...]) -> bool:
    """A registry module expands into resources named `<ModuleId><Name>` in the account; references
    to those cannot be checked offline."""
    if not modules or d.code not in ("E1010", "E1019", "E1020", "E3005"):
        return False
    match = _QUOTED.search(d.message)
    if match is None:
        return False
    return any(match.group(1).startswith(m) for m in modules)


def _ignored_here(d: Diagnostic, ignores: Mapping[str, frozenset[str]]) -> bool:
    if len(d.path) >= 2 and d.path[0] == "Resources":
        rules = ignores.get(str(d.path[1]), frozenset())
        return d.code in rules or "*" in rules
    return False


def _report(file: str, items: list[Diagnostic], options: ValidateOptions) -> FileReport:
    kept = [d for d in items if d.code not in options.ignore]
    return FileReport(file, _sorted(kept), len(items) - len(kept))


def _sorted(items: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(items, key=lambda d: (d.span.line if d.span else 0, d.span.col if d.span else 0, d.code))
