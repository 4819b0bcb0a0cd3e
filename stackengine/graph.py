"""The dependency graph between a template's resources.

An edge runs from a dependency to its dependent (`Bucket -> Policy` when the policy refers to the
bucket), so a topological order is a creation order and its reverse a deletion order. Edges come
from `Ref`, `Fn::GetAtt`, `Fn::Sub` variables and `DependsOn`; references to parameters and
pseudo parameters are not resources and make no edge.

The graph is kept as plain adjacency sets: ordering and cycle finding are a few lines each, and
importing a graph library (networkx) cost every command about 90 ms of start-up.
"""

from __future__ import annotations

import enum
import heapq
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from stackengine.diagnostics import Diagnostic, Span, TemplateError, TemplatePath, format_path
from stackengine.intrinsics.references import Reference, RefKind, find_references
from stackengine.template.model import ResourceDecl

# Where a template path was written (file:line:col), when the caller knows.
Locator = Callable[[TemplatePath], "Span | None"]

CYCLE_CODE = "E3004"
UNKNOWN_DEPENDENCY_CODE = "E3005"


class EdgeKind(str, enum.Enum):
    REF = "Ref"
    GETATT = "GetAtt"
    SUB = "Sub"
    DEPENDS_ON = "DependsOn"


_REF_KINDS = {RefKind.REF: EdgeKind.REF, RefKind.GETATT: EdgeKind.GETATT, RefKind.SUB: EdgeKind.SUB}


@dataclass(frozen=True)
class Edge:
    dependency: str
    dependent: str
    kind: EdgeKind
    path: TemplatePath
    attribute: str | None = None


class ResourceGraph:
    """A DAG of resources (checked acyclic on construction) with deterministic orders."""

    def __init__(self, types: Mapping[str, str], edges: Iterable[Edge],
                 locate: Locator | None = None,
                 references: Mapping[str, Sequence[Reference]] | None = None) -> None:
        self._locate = locate
        self.types = dict(types)
        # Each resource's property references in document order (paths from `Properties`),
        # as `build_graph` found them: the diff reads them rather than walking again.
        self.references: dict[str, Sequence[Reference]] = dict(references or {})
        self.edges: list[Edge] = sorted(
            edges, key=lambda e: (e.dependent, e.dependency, e.kind.value, format_path(e.path)))
        # Successors keep the order their first edge appears in (dicts as ordered sets), so the
        # cycle search below walks the graph in a stable order.
        self._succ: dict[str, dict[str, None]] = {n: {} for n in sorted(self.types)}
        self._pred: dict[str, dict[str, None]] = {n: {} for n in self._succ}
        for edge in self.edges:
            for node in (edge.dependency, edge.dependent):
                if node not in self._succ:
                    self._succ[node] = {}
                    self._pred[node] = {}
            self._succ[edge.dependency][edge.dependent] = None
            self._pred[edge.dependent][edge.dependency] = None
        self._order = _lexicographic_order(self._succ, self._pred)
        if len(self._order) < len(self._succ):
            self._raise_cycle(find_cycle(self._succ))

    def _raise_cycle(self, cycle: list[str]) -> None:
        # Report it starting from its smallest name, so the message is stable; the chain reads
        # "A depends on B depends on ... A", each hop with the place that makes the dependency.
        nodes = cycle
        start = nodes.index(min(nodes))
        nodes = nodes[start:] + nodes[:start]
        chain = [nodes[0]] + list(reversed(nodes[1:])) + [nodes[0]]
        hops = []
        for dependent, dependency in zip(chain, chain[1:]):
            edge = next(e for e in self.edges
                        if e.dependency == dependency and e.dependent == dependent)
            where: TemplatePath = ("Resources", dependent) + edge.path
            span = self._locate(where) if self._locate else None
            hops.append(f"{dependent} -> {dependency} ({edge.kind.value} at "
                        f"{format_path(where)}{f', {span}' if span else ''})")
        message = ("Circular dependency between resources: " + " -> ".join(chain)
                   + "; " + "; ".join(hops))
        path: TemplatePath = ("Resources", nodes[0])
        raise TemplateError([Diagnostic(CYCLE_CODE, message, path,
                                        self._locate(path) if self._locate else None)])

    # -- queries --------------------------------------------------------------------------

    def order(self) -> list[str]:
        """Creation order: every resource after its dependencies, ties broken by name."""
        return list(self._order)

    def reverse_order(self) -> list[str]:
        return list(reversed(self._order))

    def dependencies(self, logical_id: str) -> set[str]:
        return set(self._pred[logical_id])

    def dependents(self, logical_id: str) -> set[str]:
        return set(self._succ[logical_id])

    def descendants(self, logical_id: str) -> set[str]:
        seen: set[str] = set()
        todo = list(self._succ[logical_id])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(self._succ[node])
        return seen

    def dependency_map(self) -> dict[str, tuple[str, ...]]:
        return {n: tuple(sorted(self._pred[n])) for n in self._order}

    def critical_path_length(self) -> int:
        """Number of resources on the longest dependency chain."""
        depth: dict[str, int] = {}
        for node in self._order:
            depth[node] = 1 + max((depth[p] for p in self._pred[node]), default=0)
        return max(depth.values(), default=0)

    @property
    def graph(self) -> Any:
        """The graph as a networkx DiGraph, for callers that want its algorithms (networkx is
        imported only here)."""
        import networkx as nx

        g = nx.DiGraph()
        g.add_nodes_from(self._succ)
        g.add_edges_from((e.dependency, e.dependent) for e in self.edges)
        return g

    # -- rendering ------------------------------------------------------------------------

    def _labelled_edges(self) -> list[tuple[str, str, str]]:
        labels: dict[tuple[str, str], list[str]] = {}
        for e in self.edges:
            kind = EdgeKind.REF.value if e.kind is EdgeKind.SUB and e.attribute is None else (
                EdgeKind.GETATT.value if e.kind is EdgeKind.SUB else e.kind.value)
            bucket = labels.setdefault((e.dependency, e.dependent), [])
            if kind not in bucket:
                bucket.append(kind)
        return [(u, v, "/".join(sorted(k))) for (u, v), k in sorted(labels.items())]

    def to_json(self) -> dict[str, object]:
        return {
            "Resources": [{"LogicalResourceId": n, "ResourceType": self.types[n]}
                          for n in self._order],
            "Edges": [{"From": u, "To": v, "Label": label} for u, v, label in self._labelled_edges()],
        }

    def to_dot(self) -> str:
        lines = ["digraph stack {", "  rankdir=LR;", "  node [shape=box];"]
        for n in self._order:
            lines.append(f"  {json.dumps(n)} [label={json.dumps(n + chr(10) + self.types[n])}];")
        for u, v, label in self._labelled_edges():
            lines.append(f"  {json.dumps(u)} -> {json.dumps(v)} [label={json.dumps(label)}];")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def to_mermaid(self) -> str:
        ids = {n: f"n{i}" for i, n in enumerate(self._order)}
        lines = ["graph LR"]
        for n in self._order:
            lines.append(f'  {ids[n]}["{n}<br/>{self.types[n]}"]')
        for u, v, label in self._labelled_edges():
            lines.append(f"  {ids[u]} -->|{label}| {ids[v]}")
        return "\n".join(lines) + "\n"


def resource_edges(resource: ResourceDecl, known: Mapping[str, object],
                   references: Sequence[Reference] | None = None) -> list[Edge]:
    """The edges into `resource` from the resources in `known` it refers to or depends on.
    `references` are its properties' references (paths from `Properties`) when already found."""
    edges: list[Edge] = []
    if references is None:
        references = tuple(find_references(dict(resource.properties)))
    for ref in references:
        if ref.target in known or ref.target == resource.logical_id:
            edges.append(Edge(ref.target, resource.logical_id, _REF_KINDS[ref.kind],
                              ("Properties",) + ref.path, ref.attribute))
    for index, target in enumerate(resource.depends_on):
        edges.append(Edge(target, resource.logical_id, EdgeKind.DEPENDS_ON, ("DependsOn", index)))
    return edges


def build_graph(resources: Mapping[str, ResourceDecl], locate: Locator | None = None,
                references: Mapping[str, Sequence[Reference]] | None = None) -> ResourceGraph:
    """The graph of `resources`; TemplateError for unknown DependsOn targets or a cycle
    (with file positions when `locate` is given). `references`: each resource's property
    references, when the caller has found them already (see `ProcessedTemplate.references`)."""
    edges: list[Edge] = []
    problems: list[Diagnostic] = []
    found: dict[str, Sequence[Reference]] = {}
    for logical_id in sorted(resources):
        resource = resources[logical_id]
        refs = references.get(logical_id) if references is not None else None
        if refs is None:
            refs = tuple(find_references(dict(resource.properties)))
        found[logical_id] = refs
        for edge in resource_edges(resource, resources, refs):
            if edge.kind is EdgeKind.DEPENDS_ON and edge.dependency not in resources:
                where: TemplatePath = ("Resources", logical_id) + edge.path
                problems.append(Diagnostic(
                    UNKNOWN_DEPENDENCY_CODE,
                    f"DependsOn refers to {edge.dependency!r}, which is not a resource of the "
                    "template (or its condition is false)", where,
                    locate(where) if locate else None))
                continue
            edges.append(edge)
    if problems:
        raise TemplateError(problems)
    return ResourceGraph({k: r.type for k, r in resources.items()}, edges, locate, found)


def graph_from_dependencies(types: Mapping[str, str],
                            depends: Mapping[str, Iterable[str]]) -> ResourceGraph:
    """A graph from recorded dependencies (a deployed stack's), ignoring ones no longer present."""
    edges = [Edge(d, n, EdgeKind.DEPENDS_ON, ()) for n in types for d in depends.get(n, ())
             if d in types and d != n]
    return ResourceGraph(types, edges)


def _lexicographic_order(succ: Mapping[str, Mapping[str, None]],
                         pred: Mapping[str, Mapping[str, None]]) -> list[str]:
    """Kahn's algorithm taking the smallest name among the ready nodes each time: every node
    after its predecessors, ties broken by name. Nodes on or behind a cycle are left out."""
    waiting = {n: len(p) for n, p in pred.items()}
    ready = [n for n, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for after in succ[node]:
            waiting[after] -= 1
            if waiting[after] == 0:
                heapq.heappush(ready, after)
    return order


def find_cycle(succ: Mapping[str, Iterable[str]]) -> list[str]:
    """The nodes of the first cycle a depth-first search meets, in edge direction (each node
    has an edge to the next, the last to the first). The search starts from the nodes in
    `succ`'s order and follows successors in their order, so the answer is deterministic.
    Returns [] for an acyclic graph."""
    done: set[str] = set()
    for start in succ:
        if start in done:
            continue
        path = [start]                       # the active path from `start`
        on_path = {start}
        branches = [iter(succ[start])]       # the successors still to try at each path node
        while branches:
            node = next(branches[-1], None)
            if node is None:                 # every successor tried: step back
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                branches.pop()
                continue
            if node in on_path:
                return path[path.index(node):]
            if node not in done:
                path.append(node)
                on_path.add(node)
                branches.append(iter(succ[node]))
    return []
