"""Cloud Control identifiers (compound, or an ARN) versus Ref values, end to end."""

from __future__ import annotations

import re

from stackengine.engine import Engine, EngineConfig, StackRequest
from stackengine.providers.aws.cloudcontrol import CloudControlOptions, CloudControlProvider, Polling
from stackengine.providers.aws.identifiers import IdentifierMap, ref_value
from stackengine.specs import default_registry

API = """\
Parameters:
  Description: {Type: String, Default: first}
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: shop-api}
  Items:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: items}
  ItemsGet:
    Type: AWS::ApiGateway::Method
    Properties: {RestApiId: !Ref Api, ResourceId: !Ref Items, HttpMethod: GET,
                 AuthorizationType: NONE, Integration: {Type: MOCK}}
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: ItemsGet
    Properties: {RestApiId: !Ref Api}
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref Api, DeploymentId: !Ref Deployment, StageName: prod,
                 Description: !Ref Description}
  Nightly:
    Type: AWS::Events::Rule
    Properties: {ScheduleExpression: "rate(1 day)", State: ENABLED}
Outputs:
  Api: {Value: !Ref Api}
  Items: {Value: !Ref Items}
  Deployment: {Value: !Ref Deployment}
  Stage: {Value: !Ref Stage}
  Rule: {Value: !Ref Nightly}
  RuleArn: {Value: !GetAtt Nightly.Arn}
"""


def test_ref_value_rules():
    registry = default_registry()
    resource = registry.get("AWS::ApiGateway::Resource")
    assert ref_value(resource, "api1|res1", {}) == "res1"               # the read-only part
    assert ref_value(registry.get("AWS::ApiGateway::Stage"), "api1|prod", {}) == "prod"  # last
    assert ref_value(registry.get("AWS::ApiGateway::Deployment"), "dep1|api1", {}) == "dep1"
    rule = registry.get("AWS::Events::Rule")
    assert ref_value(rule, "arn:aws:events:us-east-1:1:rule/r", {"Name": "r"}) == "r"
    queue = registry.get("AWS::SQS::Queue")
    assert ref_value(queue, "https://sqs/q", {}) == "https://sqs/q"   # most types: the same
    assert ref_value(registry.get("AWS::EC2::VPCGatewayAttachment"), "IGW|vpc-1", {}) == "IGW|vpc-1"


def test_identifier_map_in_the_state_database(tmp_path):
    path = str(tmp_path / "state.db")
    first = IdentifierMap(path)
    assert first.get("s", "L", "T", "p") is None  # nothing created before the first row
    first.put("s", "L", "T", "p", "a|p")
    second = IdentifierMap(path)  # another process
    assert second.get("s", "L", "T", "p") == "a|p" and second.find("T", "p") == "a|p"
    second.forget("s", "L", "T", "p")
    assert first.get("s", "L", "T", "p") is None


def normalised(outputs):
    return {o["OutputKey"]: re.sub(r"[A-Z0-9]{13}|\b[a-z0-9]{6,10}\b", "X", o["OutputValue"])
            for o in outputs}


def test_api_gateway_and_rules_through_cloud_control(serve, tmp_path):
    server = serve()
    (tmp_path / "api.yaml").write_text(API)
    state = str(tmp_path / "engine.db")

    def engine():  # a fresh provider each time, as a new process would have
        provider = CloudControlProvider(state, endpoint_url=server.url, region="us-east-1",
                                        options=CloudControlOptions(polling=Polling(first_s=0.01)))
        return Engine(EngineConfig(state_path=state), provider=provider)

    request = StackRequest(str(tmp_path / "api.yaml"), "api")
    remote = engine().deploy(request)
    local = Engine(EngineConfig(state_path=str(tmp_path / "local.db"))).deploy(request)
    assert remote.record.status.value == "CREATE_COMPLETE", remote.record.status_reason
    assert normalised(remote.record.outputs) == normalised(local.record.outputs)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in remote.record.outputs}
    assert outputs["Stage"] == "prod" and "|" not in outputs["Items"]
    assert outputs["RuleArn"].endswith("/" + outputs["Rule"])

    # an in-place update of a compound-identifier resource, from another process
    updated = engine().deploy(StackRequest(str(tmp_path / "api.yaml"), "api",
                                           {"Description": "second"}))
    assert updated.record.status.value == "UPDATE_COMPLETE", updated.record.status_reason
    (stage,) = [r for r in server.provider.store.list_resources(type_name="AWS::ApiGateway::Stage")]
    assert stage.properties["Description"] == "second"

    assert engine().delete_stack("api").status.value == "DELETE_COMPLETE"
    assert [r for r in server.provider.store.list_resources() if r.stack_name == "api"] == []
