from __future__ import annotations

import json

import pytest

from stackengine.diagnostics import TemplateError
from stackengine.graph import EdgeKind, build_graph, graph_from_dependencies
from stackengine.template.model import ResourceDecl


def decls(**spec) -> dict[str, ResourceDecl]:
    out = {}
    for name, (props, deps) in spec.items():
        out[name] = ResourceDecl(name, "AWS::SQS::Queue", props, tuple(deps))
    return out


def test_edges_from_ref_getatt_sub_dependson():
    g = build_graph(decls(
        A=({}, []),
        B=({"X": {"Ref": "A"}, "P": {"Ref": "Param"}, "R": {"Ref": "AWS::Region"}}, []),
        C=({"Y": {"Fn::GetAtt": ["B", "Arn"]}}, []),
        D=({"Z": {"Fn::Sub": "${A}-${C.Arn}-${AWS::StackName}-${!Lit}"}}, ["B"]),
    ))
    kinds = {(e.dependency, e.dependent, e.kind) for e in g.edges}
    assert kinds == {("A", "B", EdgeKind.REF), ("B", "C", EdgeKind.GETATT),
                     ("A", "D", EdgeKind.SUB), ("C", "D", EdgeKind.SUB),
                     ("B", "D", EdgeKind.DEPENDS_ON)}
    assert g.order() == ["A", "B", "C", "D"]
    assert g.reverse_order() == ["D", "C", "B", "A"]
    assert g.dependencies("D") == {"A", "B", "C"}
    assert g.critical_path_length() == 4


def test_order_is_deterministic_by_name():
    g = build_graph(decls(Z=({}, []), Y=({}, []), X=({"a": {"Ref": "Z"}}, [])))
    assert g.order() == ["Y", "Z", "X"]


def test_cycle_names_every_hop_with_its_path():
    with pytest.raises(TemplateError) as info:
        build_graph(decls(A=({"x": {"Ref": "B"}}, []), B=({"y": {"Fn::GetAtt": ["C", "Arn"]}}, []),
                          C=({}, ["A"])))
    msg = str(info.value)
    assert "E3004" in msg
    assert "A -> B -> C -> A" in msg
    assert "A -> B (Ref at Resources.A.Properties.x.Ref)" in msg
    assert "C -> A (DependsOn at Resources.C.DependsOn[0])" in msg


def test_self_reference_is_a_cycle():
    with pytest.raises(TemplateError, match="A -> A"):
        build_graph(decls(A=({"x": {"Ref": "A"}}, [])))


def test_unknown_dependson_is_an_error():
    with pytest.raises(TemplateError, match="not a resource"):
        build_graph(decls(A=({}, ["Nope"])))


def test_renderings():
    g = build_graph(decls(A=({}, []), B=({"x": {"Ref": "A"}, "y": {"Fn::GetAtt": ["A", "Arn"]}}, [])))
    data = g.to_json()
    assert data["Edges"] == [{"From": "A", "To": "B", "Label": "GetAtt/Ref"}]
    json.dumps(data)
    assert '"A" -> "B" [label="GetAtt/Ref"]' in g.to_dot()
    assert "n0 -->|GetAtt/Ref| n1" in g.to_mermaid()


def test_graph_from_recorded_dependencies():
    g = graph_from_dependencies({"A": "T", "B": "T"}, {"B": ["A", "Gone"]})
    assert g.order() == ["A", "B"]
