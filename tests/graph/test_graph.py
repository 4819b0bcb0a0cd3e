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


def test_order_takes_the_smallest_ready_name_each_time():
    # B and C wait for A; D waits for nothing but sorts after A: A, B, C, D, then E after C.
    g = build_graph(decls(E=({"x": {"Ref": "C"}}, []), D=({}, []), C=({"x": {"Ref": "A"}}, []),
                          B=({}, ["A"]), A=({}, [])))
    assert g.order() == ["A", "B", "C", "D", "E"]
    assert g.dependency_map() == {"A": (), "B": ("A",), "C": ("A",), "D": (), "E": ("C",)}
    assert g.descendants("A") == {"B", "C", "E"}
    assert g.dependents("A") == {"B", "C"}
    assert g.critical_path_length() == 3


def test_find_cycle_is_deterministic_and_in_edge_direction():
    from stackengine.graph import find_cycle

    succ = {"A": ["B"], "B": ["C", "A"], "C": ["B"], "D": ["D"]}
    # depth-first from A: A -> B -> C -> B closes the first cycle met
    assert find_cycle(succ) == ["B", "C"]
    assert find_cycle({"A": ["B"], "B": [], "C": ["C"]}) == ["C"]
    assert find_cycle({"A": ["B", "C"], "B": ["C"], "C": []}) == []


def test_cycle_among_several_is_reported_the_same_every_time():
    spec = dict(A=({"x": {"Ref": "B"}}, []), B=({"y": {"Ref": "A"}}, []),
                C=({"x": {"Ref": "D"}}, []), D=({}, ["C"]), E=({}, []))
    messages = set()
    for _ in range(3):
        with pytest.raises(TemplateError) as info:
            build_graph(decls(**spec))
        messages.add(str(info.value))
    assert len(messages) == 1
    (msg,) = messages
    assert "A -> B -> A" in msg
    assert "A -> B (Ref at Resources.A.Properties.x.Ref)" in msg
    assert "B -> A (Ref at Resources.B.Properties.y.Ref)" in msg


def test_graph_module_does_not_import_networkx():
    import subprocess
    import sys

    code = "import sys, stackengine.graph; print('networkx' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
