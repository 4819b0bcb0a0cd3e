"""load → transform → resolve: a template file becomes a `ProcessedTemplate`.

This is the pure front half of the pipeline (no clock, no network): the deploy engine, `render`
and `validate` all start here. Every problem found on the way is reported at once, each with its
template path and file:line:col.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from stackengine.diagnostics import Diagnostic, DiagnosticSink, Severity, TemplateError
from stackengine.intrinsics.conditions import ConditionTable
from stackengine.intrinsics.evaluate import EvalContext, Evaluator, ResourceLookup, Scope, StackInfo
from stackengine.intrinsics.rules import check_rules
from stackengine.template.decode import Document, load_file
from stackengine.template.marks import locate, strip_marks
from stackengine.template.model import OutputDecl, ParameterValue, ResourceDecl
from stackengine.template.parameters import resolve_parameters
from stackengine.template.structure import check_structure, check_top_level
from stackengine.transform import TransformContext, apply_transforms, transform_names
from stackengine.values import NO_VALUE, Unknown, contains_unknown, to_template

if TYPE_CHECKING:
    from stackengine.graph import ResourceGraph
    from stackengine.intrinsics.references import Reference

Json = Any


@dataclass(frozen=True)
class RenderOptions:
    stack_name: str = "stack"
    region: str = "us-east-1"
    account_id: str = "123456789012"
    parameters: Mapping[str, str] = field(default_factory=dict)
    stack_id: str | None = None
    notification_arns: tuple[str, ...] = ()
    import_value: Callable[[str], Json] | None = None
    """Export name → value (KeyError when missing); None keeps Fn::ImportValue symbolic."""
    ssm_lookup: Callable[[str], "str | None"] | None = None
    stack_output: Callable[[str, str, "str | None"], Json] | None = None
    transform_options: Mapping[str, Json] = field(default_factory=dict)


@dataclass(frozen=True)
class ProcessedTemplate:
    """A template after transforms, parameters and conditions: what the engine deploys."""

    file: str
    source: Mapping[str, Json]
    """The template after transforms (before evaluation): positions for later diagnostics."""
    resources: dict[str, ResourceDecl]
    outputs: dict[str, OutputDecl]
    parameters: dict[str, ParameterValue]
    conditions: dict[str, bool]
    context: EvalContext
    description: str | None = None
    metadata: Json = None
    warnings: tuple[Diagnostic, ...] = ()

    def rendered(self, *, mask_no_echo: bool = True) -> dict[str, Json]:
        """The processed template as CloudFormation would show it: parameters, mappings and
        conditions applied, references to resources kept as intrinsic functions.

        NoEcho parameter values appear as `****` unless `mask_no_echo=False`."""
        resources, outputs = self.resources, self.outputs
        if mask_no_echo and any(p.no_echo for p in self.parameters.values()):
            resources, outputs = self._masked()
        out: dict[str, Json] = {}
        version = self.source.get("AWSTemplateFormatVersion")
        if version is not None:
            out["AWSTemplateFormatVersion"] = str(version)
        if self.description is not None:
            out["Description"] = self.description
        if self.metadata is not None:
            out["Metadata"] = self.metadata
        out["Resources"] = {logical_id: _render_resource(r) for logical_id, r in resources.items()}
        if outputs:
            out["Outputs"] = {name: _render_output(o) for name, o in outputs.items()}
        return out

    def _masked(self) -> tuple[dict[str, ResourceDecl], dict[str, OutputDecl]]:
        context = replace(self.context, mask_no_echo=True)
        sink = DiagnosticSink()
        section = self.source.get("Resources") or {}
        resources = {logical_id: _resolve_resource(logical_id, section[logical_id], context, sink)
                     for logical_id in self.resources}
        outputs = _resolve_outputs(self.source.get("Outputs") or {}, context, self.conditions, sink)
        return resources, outputs

    def resolve_late(self, value: Json, lookup: ResourceLookup) -> Json:
        """`value` with every reference to a resource replaced through `lookup`
        ((logical_id, attribute | None) → value). Raises TemplateError if something stays unknown."""
        sink = DiagnosticSink()
        result = Evaluator(self._late_context(lookup), sink).resolve(value)
        if contains_unknown(result) and not sink.has_errors:
            from stackengine.intrinsics.references import find_references

            missing = sorted({f"{r.target}.{r.attribute}" if r.attribute else r.target
                              for r in find_references(to_template(result))})
            sink.add("E1020", "a value could not be resolved: it needs " + ", ".join(missing)
                     + ", which the deployed resources do not provide")
        sink.raise_if_errors()
        return result

    def _late_context(self, lookup: ResourceLookup) -> EvalContext:
        # The executor resolves every resource with the same lookup: the context for the latest
        # lookup is kept rather than copied per resource. (Bound methods compare equal.)
        contexts = self._late_contexts
        context = contexts.get(lookup)
        if context is None:
            contexts.clear()
            context = contexts[lookup] = replace(self.context, resource_value=lookup)
        return context

    @cached_property
    def _late_contexts(self) -> dict[ResourceLookup, EvalContext]:
        return {}

    @cached_property
    def references(self) -> dict[str, tuple[Reference, ...]]:
        """Each resource's Ref / GetAtt / Sub references in its properties, in document order
        (paths from `Properties`): found once for the GetAtt check, the graph and the diff."""
        from stackengine.intrinsics.references import find_references

        return {logical_id: tuple(find_references(dict(resource.properties)))
                for logical_id, resource in self.resources.items()}

    @cached_property
    def graph(self) -> ResourceGraph:
        """The dependency graph of `resources`, built once: the change set and the execution
        both need it. TemplateError (with file positions) for a cycle or an unknown DependsOn."""
        from stackengine.diagnostics import Span
        from stackengine.graph import build_graph

        def find(path: Sequence[Any]) -> Span | None:
            mark = locate(self.source, path)
            return Span(self.file, mark[0], mark[1]) if mark else None

        return build_graph(self.resources, find, self.references)

    def display_parameters(self) -> dict[str, Json]:
        return {name: p.display for name, p in self.parameters.items()}


def _render_resource(resource: ResourceDecl) -> dict[str, Json]:
    out: dict[str, Json] = {"Type": resource.type}
    if resource.properties:
        out["Properties"] = resource.properties
    if resource.depends_on:
        out["DependsOn"] = list(resource.depends_on)
    for key, policy in (("DeletionPolicy", resource.deletion_policy),
                        ("UpdateReplacePolicy", resource.update_replace_policy)):
        if policy != "Delete":
            out[key] = policy
    for key, section in (("Metadata", resource.metadata), ("CreationPolicy", resource.creation_policy),
                         ("UpdatePolicy", resource.update_policy)):
        if section is not None:
            out[key] = section
    return out


def _render_output(output: OutputDecl) -> dict[str, Json]:
    out: dict[str, Json] = {}
    if output.description is not None:
        out["Description"] = output.description
    out["Value"] = output.value
    if output.export_name is not None:
        out["Export"] = {"Name": output.export_name}
    return out


def load(path: str) -> Document:
    return load_file(path)


def process(document: Document, options: RenderOptions = RenderOptions()) -> ProcessedTemplate:
    """Transform and resolve a decoded template. Raises TemplateError with every problem found."""
    sink = DiagnosticSink()
    sink.extend(document.warnings)
    template = document.data
    if not check_top_level(template, sink):
        _raise(sink, document.file, template)
    language_extensions = "AWS::LanguageExtensions" in transform_names(template)
    stack = StackInfo(options.stack_name, options.region, options.account_id, options.stack_id,
                      tuple(options.notification_arns))
    transform_context = TransformContext(
        region=options.region, account_id=options.account_id, partition=stack.partition,
        stack_name=options.stack_name, parameters=dict(options.parameters),
        base_dir=os.path.dirname(os.path.abspath(document.file)) if os.path.exists(document.file) else ".",
        file=document.file, options=options.transform_options)
    try:
        template = apply_transforms(template, transform_context, includes=document.fn_transform)
    except TemplateError as exc:
        sink.extend(exc.diagnostics)
        _raise(sink, document.file, template, document.data)
    roots = (template, document.data)

    if not check_top_level(template, sink):
        _raise(sink, document.file, *roots)
    check_structure(template, sink, language_extensions=language_extensions)
    parameters, parameter_diagnostics = resolve_parameters(
        template.get("Parameters"), options.parameters, ssm_lookup=options.ssm_lookup, file=document.file)
    sink.extend(parameter_diagnostics)
    if sink.has_errors:
        _raise(sink, document.file, *roots)

    resources_section = template.get("Resources") or {}
    conditions = ConditionTable(template.get("Conditions") or {}, sink)
    mappings = template.get("Mappings") or {}
    base = EvalContext(stack=stack, parameters=parameters, mappings=mappings,
                       condition_values=conditions, condition_names=conditions.names,
                       language_extensions=language_extensions, import_value=options.import_value,
                       stack_output=options.stack_output)
    conditions.bind(base)
    check_rules(template.get("Rules"), base, sink)
    condition_values = conditions.evaluate_all()

    active: dict[str, str] = {}
    inactive: dict[str, str] = {}
    for logical_id, resource in resources_section.items():
        condition = resource.get("Condition")
        if isinstance(condition, str) and not condition_values.get(condition, False):
            inactive[logical_id] = condition
        else:
            active[logical_id] = str(resource.get("Type"))
    context = replace(base, resources=active, inactive_resources=inactive)
    conditions.bind(context)

    resources = {logical_id: _resolve_resource(logical_id, resources_section[logical_id], context, sink)
                 for logical_id in active}
    outputs = _resolve_outputs(template.get("Outputs") or {}, context, condition_values, sink)
    # The template's Metadata section is kept as written: CloudFormation does not evaluate it.
    metadata = strip_marks(template.get("Metadata"))
    if sink.has_errors:
        _raise(sink, document.file, *roots)
    warnings = tuple(_with_span(d, document.file, roots) for d in sink.items)
    description = template.get("Description")
    return ProcessedTemplate(document.file, template, resources, outputs, parameters, condition_values,
                             context, description if isinstance(description, str) else None,
                             metadata, warnings)


def _resolve_resource(logical_id: str, resource: Mapping[str, Json], ctx: EvalContext,
                      sink: DiagnosticSink) -> ResourceDecl:
    path = ("Resources", logical_id)
    evaluator = Evaluator(ctx, sink)

    def section(name: str) -> Json:
        if name not in resource:
            return None
        value = evaluator.resolve(resource[name], path + (name,))
        return None if value is NO_VALUE else to_template(value)

    properties = section("Properties")
    if properties is None:
        properties = {}
    elif not isinstance(properties, dict):
        sink.add("E3002", "Properties must evaluate to a mapping", path + ("Properties",))
        properties = {}
    depends_on = resource.get("DependsOn") or ()
    if isinstance(depends_on, str):
        depends_on = (depends_on,)
    for index, target in enumerate(depends_on):
        if target in ctx.inactive_resources:
            sink.add("E3005", f"DependsOn names {target!r}, which is not created because its condition "
                     f"{ctx.inactive_resources[target]!r} is false", path + ("DependsOn", index))
    policies = {}
    for name in ("DeletionPolicy", "UpdateReplacePolicy"):
        value = section(name)
        if value is None:
            value = "Delete"
        if not isinstance(value, str) or value not in ("Delete", "Retain", "Snapshot", "RetainExceptOnCreate"):
            sink.add("E3035", f"{name} must evaluate to Delete, Retain, Snapshot or RetainExceptOnCreate",
                     path + (name,))
            value = "Delete"
        policies[name] = value
    return ResourceDecl(
        logical_id=logical_id, type=str(resource.get("Type")), properties=properties,
        depends_on=tuple(str(d) for d in depends_on), condition=resource.get("Condition"),
        deletion_policy=policies["DeletionPolicy"], update_replace_policy=policies["UpdateReplacePolicy"],
        metadata=section("Metadata"), creation_policy=section("CreationPolicy"),
        update_policy=section("UpdatePolicy"))


def _resolve_outputs(section: Mapping[str, Json], ctx: EvalContext, condition_values: Mapping[str, bool],
                     sink: DiagnosticSink) -> dict[str, OutputDecl]:
    evaluator = Evaluator(ctx, sink, Scope.OUTPUT)
    outputs: dict[str, OutputDecl] = {}
    for name, output in section.items():
        if not isinstance(output, Mapping):
            continue
        condition = output.get("Condition")
        if isinstance(condition, str) and not condition_values.get(condition, False):
            continue
        path = ("Outputs", name)
        value = evaluator.resolve(output.get("Value"), path + ("Value",))
        if value is NO_VALUE:
            sink.add("E6002", f"output {name!r} has no value (it evaluates to AWS::NoValue)", path + ("Value",))
            continue
        export_name = None
        export = output.get("Export")
        if isinstance(export, Mapping) and "Name" in export:
            export_name = evaluator.resolve(export["Name"], path + ("Export", "Name"))
            if isinstance(export_name, Unknown) or contains_unknown(export_name):
                sink.add("E6003", "an export's Name cannot depend on a resource (Ref or Fn::GetAtt of a "
                         "resource); use parameters and pseudo parameters", path + ("Export", "Name"))
            elif not isinstance(export_name, str):
                sink.add("E6003", "an export's Name must be a string", path + ("Export", "Name"))
        description = output.get("Description")
        outputs[name] = OutputDecl(name, to_template(value),
                                   description if isinstance(description, str) else None,
                                   to_template(export_name), condition)
    return outputs


def _with_span(diagnostic: Diagnostic, file: str, roots: Sequence[Json]) -> Diagnostic:
    if diagnostic.span is not None or not diagnostic.path:
        return diagnostic
    from stackengine.diagnostics import Span

    for root in roots:
        mark = locate(root, diagnostic.path)
        if mark is not None:
            return diagnostic.with_span(Span(file, mark[0], mark[1]))
    return diagnostic


def _raise(sink: DiagnosticSink, file: str, *roots: Json) -> None:
    raise TemplateError([_with_span(d, file, roots) for d in sink.items])


def render_file(path: str, options: RenderOptions = RenderOptions()) -> ProcessedTemplate:
    """load + process, the library entry point."""
    return process(load_file(path), options)


__all__ = ["RenderOptions", "ProcessedTemplate", "process", "render_file", "load", "Severity"]
