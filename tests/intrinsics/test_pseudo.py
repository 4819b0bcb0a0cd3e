"""Pseudo parameters, with the values the AWS documentation gives for each, per partition."""

from __future__ import annotations

import re
import textwrap
from typing import Any

import pytest

from stackengine.diagnostics import Diagnostic, DiagnosticSink, TemplateError
from stackengine.intrinsics.evaluate import EvalContext, Evaluator, StackInfo
from stackengine.intrinsics.references import PSEUDO_PARAMETERS
from stackengine.render import ProcessedTemplate, RenderOptions, process
from stackengine.template.decode import decode_text
from stackengine.values import NO_VALUE

FILE = "t.yaml"


def processed(text: str, **options: Any) -> ProcessedTemplate:
    return process(decode_text(textwrap.dedent(text), FILE), RenderOptions(**options))


def errors(text: str, **options: Any) -> list[Diagnostic]:
    with pytest.raises(TemplateError) as info:
        processed(text, **options)
    assert info.value.errors
    return info.value.errors


PSEUDO = """\
Resources:
  R:
    Type: AWS::SNS::Topic
    Properties:
      AccountId: !Ref AWS::AccountId
      Region: !Ref AWS::Region
      StackName: !Ref AWS::StackName
      StackId: !Ref AWS::StackId
      Partition: !Ref AWS::Partition
      URLSuffix: !Ref AWS::URLSuffix
      NotificationARNs: !Ref AWS::NotificationARNs
      Sub: !Sub "${AWS::AccountId}|${AWS::Region}|${AWS::StackName}|${AWS::Partition}|${AWS::URLSuffix}"
      Endpoint: !Sub "https://s3.${AWS::Region}.${AWS::URLSuffix}"
"""


def props(text: str = PSEUDO, **options: Any) -> dict[str, Any]:
    return dict(processed(text, **options).resources["R"].properties)


def test_the_set_of_pseudo_parameters_is_the_documented_one() -> None:
    assert PSEUDO_PARAMETERS == {
        "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
        "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}


def test_documented_values() -> None:
    stack_id = "arn:aws:cloudformation:us-west-2:123456789012:stack/teststack/51af3dc0-da77-11e4-872e-1234567db123"
    p = props(stack_name="teststack", region="us-west-2", account_id="123456789012", stack_id=stack_id,
              notification_arns=("arn:aws:sns:us-west-2:123456789012:MyTopic",))
    assert p["AccountId"] == "123456789012"
    assert p["Region"] == "us-west-2"
    assert p["StackName"] == "teststack"
    assert p["StackId"] == stack_id
    assert p["Partition"] == "aws"
    assert p["URLSuffix"] == "amazonaws.com"
    assert p["NotificationARNs"] == ["arn:aws:sns:us-west-2:123456789012:MyTopic"]
    assert p["Sub"] == "123456789012|us-west-2|teststack|aws|amazonaws.com"
    assert p["Endpoint"] == "https://s3.us-west-2.amazonaws.com"


@pytest.mark.parametrize("region, partition, suffix", [
    ("us-east-1", "aws", "amazonaws.com"),
    ("eu-central-1", "aws", "amazonaws.com"),
    ("ap-southeast-2", "aws", "amazonaws.com"),
    ("cn-north-1", "aws-cn", "amazonaws.com.cn"),
    ("cn-northwest-1", "aws-cn", "amazonaws.com.cn"),
    ("us-gov-west-1", "aws-us-gov", "amazonaws.com"),
    ("us-gov-east-1", "aws-us-gov", "amazonaws.com"),
])
def test_partition_and_url_suffix_follow_the_region(region: str, partition: str, suffix: str) -> None:
    p = props(region=region)
    assert p["Partition"] == partition
    assert p["URLSuffix"] == suffix
    assert p["Endpoint"] == f"https://s3.{region}.{suffix}"
    # The stand-in stack ID before deployment is an ARN of the right partition and region.
    assert p["StackId"].startswith(f"arn:{partition}:cloudformation:{region}:123456789012:stack/stack/")


def test_stack_id_before_deployment_is_a_deterministic_arn_with_a_uuid() -> None:
    first = props(stack_name="web", region="eu-west-1", account_id="111122223333")["StackId"]
    again = props(stack_name="web", region="eu-west-1", account_id="111122223333")["StackId"]
    other = props(stack_name="api", region="eu-west-1", account_id="111122223333")["StackId"]
    assert first == again != other
    assert re.fullmatch(r"arn:aws:cloudformation:eu-west-1:111122223333:stack/web/"
                        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", first)


def test_notification_arns_default_to_an_empty_list_and_select_from_them() -> None:
    assert props()["NotificationARNs"] == []
    text = """\
    Resources:
      R:
        Type: AWS::AutoScaling::AutoScalingGroup
        Properties:
          MaxSize: '1'
          MinSize: '1'
          NotificationConfigurations:
            - TopicARN: !Select ["0", !Ref "AWS::NotificationARNs"]
              NotificationTypes: ["autoscaling:EC2_INSTANCE_LAUNCH"]
    """
    p = props(text, notification_arns=("arn:aws:sns:us-east-1:123456789012:a",
                                        "arn:aws:sns:us-east-1:123456789012:b"))
    assert p["NotificationConfigurations"] == [{
        "TopicARN": "arn:aws:sns:us-east-1:123456789012:a",
        "NotificationTypes": ["autoscaling:EC2_INSTANCE_LAUNCH"]}]


def test_pseudo_parameters_at_unit_level() -> None:
    stack = StackInfo(stack_name="s", region="cn-northwest-1", account_id="210987654321",
                      notification_arns=("arn:aws-cn:sns:cn-northwest-1:210987654321:t",))
    assert stack.pseudo("AWS::Partition") == "aws-cn"
    assert stack.pseudo("AWS::URLSuffix") == "amazonaws.com.cn"
    assert stack.pseudo("AWS::NotificationARNs") == ["arn:aws-cn:sns:cn-northwest-1:210987654321:t"]
    assert stack.pseudo("AWS::NoValue") is NO_VALUE
    ev = Evaluator(EvalContext(stack=stack), DiagnosticSink())
    assert ev.resolve({"Fn::Sub": "arn:${AWS::Partition}:s3:::x"}) == "arn:aws-cn:s3:::x"


# ---------------------------------------------------------------------------------------------
# AWS::NoValue

NO_VALUE_TEMPLATE = """\
Parameters:
  DBSnapshotName:
    Type: String
    Default: ''
Conditions:
  UseDBSnapshot: !Not [!Equals [!Ref DBSnapshotName, '']]
Resources:
  R:
    Type: AWS::RDS::DBInstance
    Properties:
      DBSnapshotIdentifier: !If [UseDBSnapshot, !Ref DBSnapshotName, !Ref "AWS::NoValue"]
      Plain: !Ref AWS::NoValue
      Kept: value
      Tags:
        - Key: a
          Value: b
        - !Ref AWS::NoValue
        - !If [UseDBSnapshot, {Key: snapshot, Value: !Ref DBSnapshotName}, !Ref "AWS::NoValue"]
      Nested:
        Inner: !Ref AWS::NoValue
        Keep: 1
      Only: [!Ref AWS::NoValue]
      Joined: !Join [",", [a, !Ref "AWS::NoValue", !If [UseDBSnapshot, !Ref DBSnapshotName, !Ref "AWS::NoValue"], b]]
      Counted: !Select [1, [x, !Ref "AWS::NoValue", y]]
"""


def test_no_value_removes_properties_and_list_items() -> None:
    p = props(NO_VALUE_TEMPLATE)
    assert p == {"Kept": "value", "Tags": [{"Key": "a", "Value": "b"}], "Nested": {"Keep": 1}, "Only": [],
                 "Joined": "a,b", "Counted": "y"}
    rendered = processed(NO_VALUE_TEMPLATE).rendered()["Resources"]["R"]["Properties"]
    assert "DBSnapshotIdentifier" not in rendered and "Plain" not in rendered


def test_no_value_only_on_the_branch_not_taken() -> None:
    p = props(NO_VALUE_TEMPLATE, parameters={"DBSnapshotName": "snap-1"})
    assert p["DBSnapshotIdentifier"] == "snap-1"
    assert p["Tags"] == [{"Key": "a", "Value": "b"}, {"Key": "snapshot", "Value": "snap-1"}]
    assert p["Joined"] == "a,snap-1,b"


def test_no_value_as_all_properties_leaves_none() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties: !Ref AWS::NoValue
    """
    p = processed(text)
    assert p.resources["R"].properties == {}
    assert p.rendered()["Resources"]["R"] == {"Type": "AWS::SNS::Topic"}


def test_no_value_as_an_output_value_is_an_error() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
    Outputs:
      Nothing:
        Value: !Ref AWS::NoValue
    """
    (d,) = errors(text)
    assert d.code == "E6002"
    assert d.path == ("Outputs", "Nothing", "Value")
    assert d.span is not None and d.span.line == 6


def test_pseudo_parameters_cannot_be_declared_as_values_by_parameter_overrides() -> None:
    # A parameter override named like a pseudo parameter does not change it.
    p = processed(PSEUDO, parameters={"AWS::Region": "us-east-1"}, region="eu-west-3")
    assert p.resources["R"].properties["Region"] == "eu-west-3"


def test_unknown_pseudo_parameter_in_sub() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Sub "${AWS::Account}-topic"
    """
    (d,) = errors(text)
    assert d.code == "E1020"
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Fn::Sub")
    assert "'AWS::Account' is not a pseudo parameter" in d.message
