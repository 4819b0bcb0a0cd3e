"""corpus_exports: reading export/import names as patterns and choosing, for a template's imports,
the exporter (stack name, parameters) and importer parameters that make the names meet."""

from __future__ import annotations

import textwrap

import pytest

from corpus_exports import (STACK_NAME, Var, instantiate, name_segments, plan_exporters, solve,
                            template_exports, template_imports)
from stackengine.diagnostics import TemplateError
from stackengine.engine import Engine, EngineConfig, StackRequest
from stackengine.template.decode import decode_text

PSEUDO = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws"}


def doc(text: str):
    return decode_text(textwrap.dedent(text), "t.yaml").data


def test_name_segments_of_sub_join_and_ref() -> None:
    assert name_segments({"Fn::Sub": "${AWS::StackName}-VPC"}) == (Var(STACK_NAME), "-VPC")
    assert name_segments({"Fn::Join": [":", [{"Ref": "StackName"}, "ClusterName"]]}) == (
        Var("StackName"), ":ClusterName")
    assert name_segments({"Fn::Sub": ["${Env}-${Name}", {"Name": {"Ref": "AppName"}}]}) == (
        Var("Env"), "-", Var("AppName"))
    assert name_segments({"Fn::Sub": "${!Literal}-x"}) == ("${Literal}-x",)
    assert name_segments("plain") == ("plain",)
    # names known only after deploy are not patterns
    assert name_segments({"Fn::GetAtt": ["R", "Arn"]}) is None
    assert name_segments({"Fn::Sub": "${Bucket.Arn}-x"}) is None
    assert name_segments({"Fn::Join": ["-", [{"Fn::If": ["C", "a", "b"]}]]}) is None


def test_solve_binds_free_variables_consistently() -> None:
    pattern = (Var(STACK_NAME), ":", Var("Env"), ":", Var(STACK_NAME))
    assert solve(pattern, "prod:dev:prod", {}) == {STACK_NAME: "prod", "Env": "dev"}
    assert solve(pattern, "prod:dev:other", {}) is None
    assert solve(pattern, "prod:dev:prod", {"Env": "test"}) is None
    # a stack name is never empty and starts with a letter; a parameter may be empty
    assert solve((Var(STACK_NAME), "-X"), "-X", {}) is None
    assert solve((Var("P"), "-X"), "-X", {}) == {"P": ""}
    assert instantiate((Var("P"), "-X"), {"P": "a"}) == "a-X"
    assert instantiate((Var("P"), "-X"), {}) is None


CLUSTER_FULL = """\
Resources:
  C: {Type: AWS::ECS::Cluster}
Outputs:
  Cluster:
    Value: !Ref C
    Export: {Name: !Join [':', [!Ref 'AWS::StackName', ClusterName]]}
  Vpc:
    Value: vpc-1
    Export: {Name: !Sub '${AWS::StackName}:VPCId'}
"""
CLUSTER_PART = """\
Resources:
  C: {Type: AWS::ECS::Cluster}
Outputs:
  Cluster:
    Value: !Ref C
    Export: {Name: !Sub '${AWS::StackName}:ClusterName'}
"""
SERVICE = """\
Parameters:
  StackName: {Type: String, Default: production}
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !ImportValue {'Fn::Sub': '${StackName}:ClusterName'}
      Tags:
        - {Key: vpc, Value: !ImportValue {'Fn::Join': [':', [!Ref StackName, VPCId]]}}
"""


def test_one_exporter_serving_every_import_is_preferred() -> None:
    exporters = [template_exports("a/part.yaml", doc(CLUSTER_PART)),
                 template_exports("z/full.yaml", doc(CLUSTER_FULL))]
    service = doc(SERVICE)
    assert len(template_imports(service)) == 2
    plan = plan_exporters("s/service.yaml", service, {}, exporters, PSEUDO)
    assert plan.missing == []
    assert [(e.path, e.stack_name) for e in plan.exporters] == [("z/full.yaml", "production")]


def test_the_nearest_exporter_wins() -> None:
    exporters = [template_exports("far/x/full.yaml", doc(CLUSTER_FULL)),
                 template_exports("ecs/clusters/full.yaml", doc(CLUSTER_FULL))]
    plan = plan_exporters("ecs/services/service.yaml", doc(SERVICE), {}, exporters, PSEUDO)
    assert [e.path for e in plan.exporters] == ["ecs/clusters/full.yaml"]


NETWORK = """\
Resources:
  V: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
Outputs:
  Vpc:
    Value: !Ref V
    Export: {Name: !Sub '${AWS::Region}-${AWS::StackName}-VPC'}
"""
CONSUMER = """\
Parameters:
  NetworkStackName: {Type: String, Default: ''}
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !ImportValue {'Fn::Sub': '${NetworkStackName}-VPC'}
"""


def test_importer_parameters_feeding_the_name_are_chosen() -> None:
    # '' gives '-VPC', which no stack can export: the importer's parameter is chosen instead.
    exporter = template_exports("net.yaml", doc(NETWORK))
    plan = plan_exporters("app.yaml", doc(CONSUMER), {}, [exporter], PSEUDO)
    assert plan.missing == [] and len(plan.exporters) == 1
    stack = plan.exporters[0].stack_name
    assert plan.importer_parameters == {"NetworkStackName": f"us-east-1-{stack}"}
    exported = instantiate(exporter.exports[0], {**PSEUDO, STACK_NAME: stack})
    assert instantiate(template_imports(doc(CONSUMER))[0], plan.importer_parameters) == exported


TAGGED = """\
Parameters:
  Env: {Type: String, AllowedValues: [dev, prod], Default: dev}
  AppName: {Type: String, Default: app}
Resources:
  T: {Type: AWS::SNS::Topic}
Outputs:
  Topic:
    Value: !Ref T
    Export: {Name: !Sub '${Env}-${AppName}-topic'}
"""


def test_exporter_parameters_are_solved_within_their_constraints() -> None:
    exporter = template_exports("tagged.yaml", doc(TAGGED))
    wants = doc("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                "      QueueName: !ImportValue prod-shop-topic\n")
    plan = plan_exporters("q.yaml", wants, {}, [exporter], PSEUDO)
    assert plan.exporters[0].parameters == {"Env": "prod", "AppName": "shop"}
    refused = doc("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                  "      QueueName: !ImportValue qa-shop-topic\n")
    plan = plan_exporters("q.yaml", refused, {}, [exporter], PSEUDO)
    assert plan.exporters == [] and plan.missing == ["qa-shop-topic"]


def test_names_nobody_exports_are_reported() -> None:
    plan = plan_exporters("app.yaml", doc(CONSUMER), {}, [template_exports("t.yaml", doc(TAGGED))], PSEUDO)
    assert plan.missing == ["${NetworkStackName}-VPC"]
    assert plan_exporters("n.yaml", doc(NETWORK), {}, [], PSEUDO).missing == []  # imports nothing


def test_planned_exporter_serves_the_importer_on_the_local_provider(tmp_path) -> None:
    net, app = tmp_path / "net.yaml", tmp_path / "app.yaml"
    net.write_text(NETWORK)
    app.write_text(CONSUMER)
    plan = plan_exporters(str(app), doc(CONSUMER), {},
                          [template_exports(str(net), doc(NETWORK))], PSEUDO)
    engine = Engine(EngineConfig(state_path=str(tmp_path / "state.db")))
    # without the exporter the import is refused, as on AWS
    with pytest.raises(TemplateError, match="E1016"):
        engine.deploy(StackRequest(str(app), "app", plan.importer_parameters))
    exporter = plan.exporters[0]
    assert not engine.deploy(StackRequest(str(net), exporter.stack_name, exporter.parameters)).failed
    outcome = engine.deploy(StackRequest(str(app), "app2", plan.importer_parameters))
    assert outcome.record is not None and not outcome.failed
    assert "DELETE_COMPLETE" in str(engine.delete_stack("app2").status)
    assert "DELETE_COMPLETE" in str(engine.delete_stack(exporter.stack_name).status)
