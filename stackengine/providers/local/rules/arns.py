"""ARNs of the same account and region must name something that exists, as data.

type -> [(property path, [(target type, attribute)], message, service, AWS error code)].
A path step "*" walks every list element. ARNs of other accounts or regions (public layers, AWS
managed policies, cross-account roles) are not this account's business and are not checked.
"""

from __future__ import annotations

from typing import Any, Iterator

from stackengine.providers.local.rules.base import RuleContext, on_write, service_error

_ROLE = [("AWS::IAM::Role", "Arn")]
_QUEUE = [("AWS::SQS::Queue", "Arn")]
_TOPIC = [("AWS::SNS::Topic", "TopicArn")]

ArnRef = tuple[str, list[tuple[str, str]], str, str, str]

ARN_REFERENCES: dict[str, list[ArnRef]] = {
    "AWS::SQS::Queue": [
        ("RedrivePolicy.deadLetterTargetArn", _QUEUE,
         "Value {arn} for parameter RedrivePolicy is invalid. Reason: Dead-letter target does not "
         "exist.", "Sqs", "InvalidParameterValue")],
    "AWS::SNS::Subscription": [
        ("TopicArn", _TOPIC, "Topic does not exist", "Sns", "NotFound")],
    "AWS::Lambda::Function": [
        ("Layers.*", [("AWS::Lambda::LayerVersion", "LayerVersionArn")],
         "Layer version {arn} does not exist.", "Lambda", "InvalidParameterValueException"),
        ("DeadLetterConfig.TargetArn", _QUEUE + _TOPIC,
         "The provided target ARN {arn} is invalid or does not exist.", "Lambda",
         "InvalidParameterValueException")],
    "AWS::ElasticLoadBalancingV2::Listener": [
        ("LoadBalancerArn", [("AWS::ElasticLoadBalancingV2::LoadBalancer", "LoadBalancerArn")],
         "One or more load balancers not found", "ElasticLoadBalancingV2", "LoadBalancerNotFound"),
        ("DefaultActions.*.TargetGroupArn",
         [("AWS::ElasticLoadBalancingV2::TargetGroup", "TargetGroupArn")],
         "One or more target groups not found", "ElasticLoadBalancingV2", "TargetGroupNotFound")],
    "AWS::ElasticLoadBalancingV2::ListenerRule": [
        ("ListenerArn", [("AWS::ElasticLoadBalancingV2::Listener", "ListenerArn")],
         "One or more listeners not found", "ElasticLoadBalancingV2", "ListenerNotFound")],
    "AWS::StepFunctions::StateMachine": [
        ("RoleArn", _ROLE, "Neither the global service principal states.amazonaws.com, nor the "
         "regional one is authorized to assume the provided role.", "SFN", "AccessDeniedException")],
    "AWS::ECS::TaskDefinition": [
        ("ExecutionRoleArn", _ROLE, "Role is not valid", "ECS", "ClientException"),
        ("TaskRoleArn", _ROLE, "Role is not valid", "ECS", "ClientException")],
    "AWS::CodeBuild::Project": [
        ("ServiceRole", _ROLE, "CodeBuild is not authorized to perform: sts:AssumeRole on {arn}",
         "CodeBuild", "InvalidInputException")],
    "AWS::CloudFormation::Macro": [
        ("FunctionName", [("AWS::Lambda::Function", "Arn")], "Function not found: {arn}",
         "Lambda", "ResourceNotFoundException")],
    "AWS::Events::Rule": [
        ("RoleArn", _ROLE, "Provided role {arn} does not exist.", "EventBridge",
         "ValidationException")],
}


def _values(node: Any, steps: list[str]) -> Iterator[Any]:
    if not steps:
        yield node
        return
    head, rest = steps[0], steps[1:]
    if head == "*":
        for item in node if isinstance(node, list) else []:
            yield from _values(item, rest)
    elif isinstance(node, dict) and head in node:
        yield from _values(node[head], rest)


def arns_exist(ctx: RuleContext) -> None:
    for path, targets, message, service, code in ARN_REFERENCES[ctx.type_name]:
        for arn in _values(dict(ctx.properties), path.split(".")):
            if not isinstance(arn, str) or not arn.startswith("arn:"):
                continue
            parts = arn.split(":")
            if len(parts) < 6 or parts[4] != ctx.account_id or parts[3] not in ("", ctx.region):
                continue
            region = parts[3] or None  # IAM ARNs carry no region
            if any(ctx.store.find_attribute(ctx.account_id, region, t, attr, arn) for t, attr in targets):
                continue
            raise service_error(message.format(arn=arn), service, 400, code, "NotFound")


for _type_name in ARN_REFERENCES:
    on_write(_type_name)(arns_exist)
