"""What a connector needs to know about each resource type it can connect: how to refer to the
resource's ARN, name, role, queue URL, API ID, ... from its logical ID and properties."""

from __future__ import annotations

from typing import Callable

from stackengine.transform.sam.common import Json, getatt, ref

# SAM types are connected as the CloudFormation type they become.
SAM_TO_CFN: dict[str, str] = {
    "AWS::Serverless::Function": "AWS::Lambda::Function",
    "AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
    "AWS::Serverless::Api": "AWS::ApiGateway::RestApi",
    "AWS::Serverless::HttpApi": "AWS::ApiGatewayV2::Api",
    "AWS::Serverless::SimpleTable": "AWS::DynamoDB::Table",
    "AWS::Serverless::GraphQLApi": "AWS::AppSync::GraphQLApi",
}


def _role_from_arn(value: Json) -> Json:
    """`!GetAtt MyRole.Arn` → `!Ref MyRole` (the role name); anything else is unknown."""
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        if isinstance(target, str):
            target = target.split(".", 1)
        if isinstance(target, list) and len(target) == 2 and target[1] == "Arn":
            return ref(target[0])
    return None


def _function_role(logical_id: str, res: dict[str, Json]) -> Json:
    props = res.get("Properties") or {}
    if res.get("Type") == "AWS::Serverless::Function":
        return ref(f"{logical_id}Role") if props.get("Role") is None else _role_from_arn(props["Role"])
    return _role_from_arn(props.get("Role"))


def _state_machine_role(logical_id: str, res: dict[str, Json]) -> Json:
    props = res.get("Properties") or {}
    if res.get("Type") == "AWS::Serverless::StateMachine":
        return ref(f"{logical_id}Role") if props.get("Role") is None else _role_from_arn(props["Role"])
    return _role_from_arn(props.get("RoleArn"))


def _rule_role(logical_id: str, res: dict[str, Json]) -> Json:
    for target in (res.get("Properties") or {}).get("Targets") or []:
        if isinstance(target, dict) and target.get("RoleArn") is not None:
            return _role_from_arn(target["RoleArn"])
    return None


def _datasource_role(logical_id: str, res: dict[str, Json]) -> Json:
    return _role_from_arn((res.get("Properties") or {}).get("ServiceRoleArn"))


Getter = Callable[[str, dict[str, Json]], Json]

# CloudFormation type → property name → how to get it for a resource of that type.
PROPERTIES: dict[str, dict[str, Getter]] = {
    "AWS::Lambda::Function": {"Arn": lambda i, r: getatt(i, "Arn"), "Name": lambda i, r: ref(i),
                              "RoleName": _function_role},
    "AWS::StepFunctions::StateMachine": {"Arn": lambda i, r: ref(i), "Name": lambda i, r: getatt(i, "Name"),
                                         "RoleName": _state_machine_role},
    "AWS::SQS::Queue": {"Arn": lambda i, r: getatt(i, "Arn"), "QueueUrl": lambda i, r: ref(i),
                        "Name": lambda i, r: getatt(i, "QueueName")},
    "AWS::SNS::Topic": {"Arn": lambda i, r: ref(i), "Name": lambda i, r: getatt(i, "TopicName")},
    "AWS::DynamoDB::Table": {"Arn": lambda i, r: getatt(i, "Arn"), "Name": lambda i, r: ref(i)},
    "AWS::Events::Rule": {"Arn": lambda i, r: getatt(i, "Arn"), "RoleName": _rule_role},
    "AWS::Events::EventBus": {"Arn": lambda i, r: getatt(i, "Arn"), "Name": lambda i, r: ref(i)},
    "AWS::S3::Bucket": {"Arn": lambda i, r: getatt(i, "Arn"), "Name": lambda i, r: ref(i)},
    "AWS::Location::PlaceIndex": {"Arn": lambda i, r: getatt(i, "Arn"), "Name": lambda i, r: ref(i)},
    "AWS::ApiGateway::RestApi": {"ResourceId": lambda i, r: ref(i), "Qualifier": lambda i, r: "*"},
    "AWS::ApiGatewayV2::Api": {"ResourceId": lambda i, r: ref(i), "Qualifier": lambda i, r: "*"},
    "AWS::AppSync::GraphQLApi": {"ResourceId": lambda i, r: getatt(i, "ApiId"),
                                 "Arn": lambda i, r: getatt(i, "Arn")},
    "AWS::AppSync::DataSource": {"Arn": lambda i, r: getatt(i, "DataSourceArn"),
                                 "RoleName": _datasource_role},
}


def properties_of(cfn_type: str, logical_id: str, res: dict[str, Json]) -> dict[str, Json]:
    getters = PROPERTIES.get(cfn_type, {})
    return {name: get(logical_id, res) for name, get in getters.items()}


