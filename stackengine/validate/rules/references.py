"""References between parts of a template: GetAtt attributes exist for the target's type,
resources do not depend on each other in a cycle, export names are unique and not too long.

(Whether Ref/GetAtt/Sub targets exist, FindInMap keys and DependsOn targets are reported by the
template core while values are evaluated.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Mapping

from stackengine.diagnostics import Diagnostic, DiagnosticSink
from stackengine.intrinsics.evaluate import Evaluator, Scope
from stackengine.intrinsics.references import RefKind, find_references
from stackengine.specs import _close_matches
from stackengine.values import canonical_json, to_template

if TYPE_CHECKING:
    from stackengine.validate.context import TemplateContext

Json = Any
BAD_ATTRIBUTE = "E3022"
CYCLE = "E3004"
DUPLICATE_EXPORT = "E6020"
TOO_LONG = "E6021"
MAX_EXPORT_NAME = 255


def check(tc: TemplateContext) -> Iterator[Diagnostic]:
    yield from _attributes(tc)
    yield from _cycles(tc)
    yield from _exports(tc)


def _attributes(tc: TemplateContext) -> Iterator[Diagnostic]:
    types = tc.resource_types()
    sections = [("Resources", tc.template.get("Resources")), ("Outputs", tc.template.get("Outputs"))]
    source_resources = tc.source.get("Resources") if isinstance(tc.source, Mapping) else None
    source_resources = source_resources if isinstance(source_resources, Mapping) else {}
    for name, section in sections:
        if not isinstance(section, Mapping):
            continue
        for ref in find_references(section, (name,)):
            if ref.kind is RefKind.REF or ref.attribute is None or ref.target not in types:
                continue
            origin = source_resources.get(ref.target)
            if tc.sam and "." in ref.attribute and isinstance(origin, Mapping) and \
                    str(origin.get("Type", "")).startswith("AWS::Serverless::"):
                continue  # SAM's own references (Function.Version.FunctionArn) name generated resources
            schema = tc.registry.get(types[ref.target])
            if schema is None or schema.has_getatt(ref.attribute):
                continue
            known = [n for n in schema.getatt_names() if "*" not in n]
            hint = _close_matches(ref.attribute, known, 1)
            listing = ", ".join(known[:10]) + (", ..." if len(known) > 10 else "") if known else "none"
            yield Diagnostic(BAD_ATTRIBUTE, f"{types[ref.target]} has no attribute {ref.attribute!r}"
                             + (f"; did you mean {hint[0]!r}?" if hint else f" (it has: {listing})"), ref.path)


def _cycles(tc: TemplateContext) -> Iterator[Diagnostic]:
    resources = tc.resources
    edges: dict[str, list[str]] = {}
    for logical_id, resource in resources.items():
        if not isinstance(resource, Mapping):
            continue
        targets: list[str] = []
        for ref in find_references({k: v for k, v in resource.items() if k != "DependsOn"}):
            if ref.target in resources and ref.target != logical_id:
                targets.append(ref.target)
        depends = resource.get("DependsOn")
        for target in ([depends] if isinstance(depends, str) else depends if isinstance(depends, list) else []):
            if isinstance(target, str) and target in resources and target != logical_id:
                targets.append(target)
        edges[logical_id] = sorted(set(targets))
    for component in _strongly_connected(edges):
        if len(component) > 1:
            names = sorted(component)
            yield Diagnostic(CYCLE, "resources depend on each other in a cycle: " + " -> ".join(names + names[:1]),
                             ("Resources", names[0]))


def _strongly_connected(edges: Mapping[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (templates can be deep; no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = edges.get(node, [])
            if i < len(successors):
                work.append((node, i + 1))
                nxt = successors[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out


def _exports(tc: TemplateContext) -> Iterator[Diagnostic]:
    outputs = tc.template.get("Outputs")
    if not isinstance(outputs, Mapping):
        return
    evaluator = Evaluator(tc.base, DiagnosticSink(), Scope.OUTPUT)
    first: dict[str, str] = {}
    for name, output in outputs.items():
        export = output.get("Export") if isinstance(output, Mapping) else None
        if not isinstance(export, Mapping) or "Name" not in export:
            continue
        if "Fn::If" in canonical_json(export["Name"]):
            continue  # branch-dependent names: the scenario pass checks their shape
        path = ("Outputs", name, "Export", "Name")
        value = to_template(evaluator.resolve(export["Name"], path))
        if isinstance(value, str) and len(value) > MAX_EXPORT_NAME:
            yield Diagnostic(TOO_LONG, f"export name is {len(value)} characters; CloudFormation allows "
                             f"{MAX_EXPORT_NAME}", path)
        key = value if isinstance(value, str) else canonical_json(value)
        if key in first:
            yield Diagnostic(DUPLICATE_EXPORT, f"export name {key!r} is also exported by output "
                             f"{first[key]!r}; export names must be unique in a region", path)
        else:
            first[key] = str(name)
