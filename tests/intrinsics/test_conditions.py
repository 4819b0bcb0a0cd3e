"""The Conditions section, condition functions, Fn::If, and Condition on resources and outputs,
with the examples of the AWS documentation and their error cases."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from stackengine.diagnostics import Diagnostic, DiagnosticSink, Span, TemplateError
from stackengine.intrinsics.conditions import ConditionTable
from stackengine.intrinsics.evaluate import EvalContext
from stackengine.render import ProcessedTemplate, RenderOptions, process
from stackengine.template.decode import decode_text
from stackengine.template.model import ParameterValue

FILE = "t.yaml"


def processed(text: str, **options: Any) -> ProcessedTemplate:
    return process(decode_text(textwrap.dedent(text), FILE), RenderOptions(**options))


def errors(text: str, **options: Any) -> list[Diagnostic]:
    with pytest.raises(TemplateError) as info:
        processed(text, **options)
    assert info.value.errors
    return info.value.errors


def one_error(text: str, **options: Any) -> Diagnostic:
    found = errors(text, **options)
    assert len(found) == 1, [str(d) for d in found]
    return found[0]


def at(text: str, needle: str, occurrence: int = 1) -> Span:
    body = textwrap.dedent(text)
    index = -1
    for _ in range(occurrence):
        index = body.index(needle, index + 1)
    line = body.count("\n", 0, index) + 1
    return Span(FILE, line, index - (body.rfind("\n", 0, index) + 1) + 1)


def table(conditions: dict[str, Any], **parameters: str) -> tuple[ConditionTable, DiagnosticSink]:
    sink = DiagnosticSink()
    conds = ConditionTable(conditions, sink)
    params = {name: ParameterValue(name, "String", value) for name, value in parameters.items()}
    conds.bind(EvalContext(parameters=params, condition_values=conds, condition_names=conds.names))
    return conds, sink


# ---------------------------------------------------------------------------------------------
# The documented EnvType example: prod-only resources and outputs

ENV_TYPE = """\
Parameters:
  EnvType:
    Description: Environment type.
    Default: test
    Type: String
    AllowedValues: [prod, test]
    ConstraintDescription: must specify prod or test.
Conditions:
  CreateProdResources: !Equals [!Ref EnvType, prod]
Resources:
  EC2Instance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0ff8a91507f77f867
  MountPoint:
    Type: AWS::EC2::VolumeAttachment
    Condition: CreateProdResources
    Properties:
      InstanceId: !Ref EC2Instance
      VolumeId: !Ref NewVolume
      Device: /dev/sdh
  NewVolume:
    Type: AWS::EC2::Volume
    Condition: CreateProdResources
    Properties:
      Size: 100
      AvailabilityZone: !GetAtt EC2Instance.AvailabilityZone
Outputs:
  VolumeId:
    Condition: CreateProdResources
    Value: !Ref NewVolume
  InstanceId:
    Value: !Ref EC2Instance
"""


def test_false_condition_removes_resources_and_outputs() -> None:
    p = processed(ENV_TYPE)
    assert p.conditions == {"CreateProdResources": False}
    assert list(p.resources) == ["EC2Instance"]
    assert list(p.outputs) == ["InstanceId"]
    out = p.rendered()
    assert list(out["Resources"]) == ["EC2Instance"]
    assert out["Outputs"] == {"InstanceId": {"Value": {"Ref": "EC2Instance"}}}


def test_true_condition_keeps_them() -> None:
    p = processed(ENV_TYPE, parameters={"EnvType": "prod"})
    assert p.conditions == {"CreateProdResources": True}
    assert list(p.resources) == ["EC2Instance", "MountPoint", "NewVolume"]
    assert p.resources["NewVolume"].condition == "CreateProdResources"
    assert p.resources["MountPoint"].properties == {
        "InstanceId": {"Ref": "EC2Instance"}, "VolumeId": {"Ref": "NewVolume"}, "Device": "/dev/sdh"}
    assert p.rendered()["Outputs"]["VolumeId"] == {"Value": {"Ref": "NewVolume"}}


# ---------------------------------------------------------------------------------------------
# Nested conditions (the documented bucket example)

NESTED = """\
Parameters:
  EnvType:
    Type: String
    AllowedValues: [prod, test]
    Default: test
  BucketName:
    Default: ''
    Type: String
Conditions:
  IsProduction: !Equals [!Ref EnvType, prod]
  CreateBucket: !Not [!Equals [!Ref BucketName, '']]
  CreateBucketPolicy: !And [!Condition IsProduction, !Condition CreateBucket]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: CreateBucket
    Properties:
      BucketName: !Ref BucketName
  Policy:
    Type: AWS::S3::BucketPolicy
    Condition: CreateBucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument: {}
  Always:
    Type: AWS::SNS::Topic
"""


@pytest.mark.parametrize("env, bucket, expected, resources", [
    ("test", "", {"IsProduction": False, "CreateBucket": False, "CreateBucketPolicy": False}, ["Always"]),
    ("test", "b", {"IsProduction": False, "CreateBucket": True, "CreateBucketPolicy": False},
     ["Bucket", "Always"]),
    ("prod", "", {"IsProduction": True, "CreateBucket": False, "CreateBucketPolicy": False}, ["Always"]),
    ("prod", "b", {"IsProduction": True, "CreateBucket": True, "CreateBucketPolicy": True},
     ["Bucket", "Policy", "Always"]),
])
def test_nested_conditions(env: str, bucket: str, expected: dict[str, bool], resources: list[str]) -> None:
    p = processed(NESTED, parameters={"EnvType": env, "BucketName": bucket})
    assert p.conditions == expected
    assert list(p.resources) == resources


# ---------------------------------------------------------------------------------------------
# Condition functions

@pytest.mark.parametrize("definition, value", [
    ({"Fn::Equals": ["a", "a"]}, True),
    ({"Fn::Equals": ["a", "b"]}, False),
    ({"Fn::Equals": [{"Ref": "EnvironmentType"}, "prod"]}, True),
    ({"Fn::Equals": ["1", 1]}, True),
    ({"Fn::Equals": ["true", True]}, True),
    ({"Fn::Equals": [["a", "b"], ["a", "b"]]}, True),
    ({"Fn::Not": [{"Fn::Equals": [{"Ref": "EnvironmentType"}, "prod"]}]}, False),
    ({"Fn::Not": [{"Condition": "Yes"}]}, False),
    ({"Fn::And": [{"Fn::Equals": ["sg-mysggroup", {"Ref": "ASecurityGroup"}]},
                  {"Condition": "Yes"}]}, True),
    ({"Fn::And": [{"Condition": "Yes"}, {"Condition": "No"}]}, False),
    ({"Fn::Or": [{"Fn::Equals": ["sg-mysggroup", {"Ref": "ASecurityGroup"}]},
                 {"Condition": "No"}]}, True),
    ({"Fn::Or": [{"Condition": "No"}, {"Condition": "No"}]}, False),
    ({"Fn::And": [{"Condition": "Yes"}] * 10}, True),
    ({"Fn::Or": [{"Condition": "No"}] * 9 + [{"Condition": "Yes"}]}, True),
    ({"Condition": "Yes"}, True),
])
def test_condition_functions(definition: Any, value: bool) -> None:
    conds, sink = table({"Under": definition, "Yes": {"Fn::Equals": ["x", "x"]},
                         "No": {"Fn::Equals": ["x", "y"]}},
                        EnvironmentType="prod", ASecurityGroup="sg-mysggroup")
    assert conds("Under", ("Conditions", "Under")) is value
    assert sink.items == []


def test_conditions_are_evaluated_once_each() -> None:
    conds, sink = table({"A": {"Fn::Equals": [{"Ref": "P"}, "x"]},
                         "B": {"Fn::And": [{"Condition": "A"}, {"Condition": "A"}]}}, P="x")
    assert conds.evaluate_all() == {"A": True, "B": True}
    assert sink.items == []


@pytest.mark.parametrize("count", [0, 1, 11])
@pytest.mark.parametrize("name", ["Fn::And", "Fn::Or"])
def test_and_or_take_two_to_ten_conditions(name: str, count: int) -> None:
    conds, sink = table({"C": {name: [{"Fn::Equals": ["a", "a"]}] * count}})
    assert conds("C", ("Conditions", "C")) is False
    assert [(d.code, d.path) for d in sink.items] == [("E1001", ("Conditions", "C", name))]
    assert "a list of 2 to 10 conditions" in sink.items[0].message


@pytest.mark.parametrize("argument", [[], [{"Fn::Equals": ["a", "a"]}] * 2, {"Fn::Equals": ["a", "a"]}])
def test_not_takes_exactly_one_condition(argument: Any) -> None:
    conds, sink = table({"C": {"Fn::Not": argument}})
    conds("C", ("Conditions", "C"))
    assert [(d.code, d.path) for d in sink.items] == [("E1001", ("Conditions", "C", "Fn::Not"))]
    assert "exactly one condition" in sink.items[0].message


@pytest.mark.parametrize("argument", [["a"], ["a", "b", "c"], "a"])
def test_equals_takes_two_values(argument: Any) -> None:
    conds, sink = table({"C": {"Fn::Equals": argument}})
    conds("C", ("Conditions", "C"))
    assert [(d.code, d.path) for d in sink.items] == [("E1001", ("Conditions", "C", "Fn::Equals"))]


def test_and_of_a_plain_value_is_not_a_condition() -> None:
    conds, sink = table({"C": {"Fn::And": ["true", {"Fn::Equals": ["a", "a"]}]}})
    conds("C", ("Conditions", "C"))
    assert [(d.code, d.path) for d in sink.items] == [("E1028", ("Conditions", "C", "Fn::And", 0))]


def test_a_condition_must_be_a_condition_function() -> None:
    conds, sink = table({"C": "true", "D": {"Fn::Join": ["", ["a"]]}})
    assert conds.evaluate_all() == {"C": False, "D": False}
    assert [(d.code, d.path) for d in sink.items] == [("E1034", ("Conditions", "C")),
                                                      ("E1034", ("Conditions", "D"))]


# ---------------------------------------------------------------------------------------------
# Errors in the Conditions section, end to end

def test_cycle_between_conditions_is_reported_with_the_cycle() -> None:
    text = """\
    Conditions:
      A: !And [!Condition B, !Equals [x, x]]
      B: !Or [!Condition C, !Equals [x, y]]
      C: !Not [!Condition A]
    Resources:
      R:
        Type: AWS::SNS::Topic
        Condition: A
    """
    d = one_error(text)
    assert d.code == "E1033"
    assert "A -> B -> C -> A" in d.message
    assert d.path == ("Conditions", "A")
    assert d.span == at(text, "!And")


def test_condition_referring_to_itself() -> None:
    text = """\
    Conditions:
      Loop: !Not [!Condition Loop]
    Resources:
      R:
        Type: AWS::SNS::Topic
    """
    d = one_error(text)
    assert d.code == "E1033" and "Loop -> Loop" in d.message
    assert d.span == at(text, "!Not")


def test_undeclared_condition_name_inside_a_condition() -> None:
    text = """\
    Conditions:
      A: !And [!Condition Missing, !Equals [x, x]]
    Resources:
      R:
        Type: AWS::SNS::Topic
    """
    d = one_error(text)
    assert d.code == "E1002"
    assert d.path == ("Conditions", "A", "Fn::And", 0, "Condition")
    assert "condition 'Missing' is not declared" in d.message
    assert d.span == at(text, "!Condition Missing")


def test_undeclared_condition_on_a_resource_and_an_output() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Condition: Nope
    Outputs:
      O:
        Condition: AlsoNope
        Value: x
    """
    found = errors(text)
    assert [(d.code, d.path) for d in found] == [
        ("E8002", ("Resources", "R", "Condition")), ("E8002", ("Outputs", "O", "Condition"))]
    assert found[0].span == at(text, "Nope")
    assert found[1].span == at(text, "AlsoNope")


def test_ref_to_a_resource_inside_conditions_is_an_error() -> None:
    text = """\
    Resources:
      Bucket:
        Type: AWS::S3::Bucket
    Conditions:
      HasBucket: !Equals [!Ref Bucket, x]
      HasArn: !Equals [!GetAtt Bucket.Arn, x]
    """
    found = errors(text)
    assert [(d.code, d.path) for d in found] == [
        ("E1020", ("Conditions", "HasBucket", "Fn::Equals", 0, "Ref")),
        ("E1010", ("Conditions", "HasArn", "Fn::Equals", 0, "Fn::GetAtt"))]
    assert found[0].span == at(text, "!Ref Bucket")
    # The message must name the rule that is broken, not claim the resource does not exist.
    assert "Conditions can refer only to parameters and pseudo parameters" in found[0].message
    assert "Conditions cannot use Fn::GetAtt" in found[1].message


def test_fn_if_is_refused_in_conditions() -> None:
    text = """\
    Conditions:
      Yes: !Equals [a, a]
      Odd: !Equals [!If [Yes, a, b], a]
    Resources:
      R:
        Type: AWS::SNS::Topic
    """
    d = one_error(text)
    assert d.code == "E1028"
    assert d.path == ("Conditions", "Odd", "Fn::Equals", 0, "Fn::If")


def test_conditions_may_use_mappings_and_pseudo_parameters() -> None:
    text = """\
    Mappings:
      Env:
        us-east-1: {Prod: "yes"}
        eu-west-1: {Prod: "no"}
    Conditions:
      IsProdRegion: !Equals [!FindInMap [Env, !Ref "AWS::Region", Prod], "yes"]
      IsUsEast1: !Equals [!Ref "AWS::Region", us-east-1]
    Resources:
      R:
        Type: AWS::SNS::Topic
        Condition: IsProdRegion
    """
    assert processed(text).conditions == {"IsProdRegion": True, "IsUsEast1": True}
    p = processed(text, region="eu-west-1")
    assert p.conditions == {"IsProdRegion": False, "IsUsEast1": False}
    assert p.resources == {}


# ---------------------------------------------------------------------------------------------
# Fn::If

IF = """\
Parameters:
  ExistingSecurityGroup:
    Type: String
    Default: NONE
  DBSnapshotName:
    Type: String
    Default: ''
  Rolling:
    Type: String
    Default: 'no'
Conditions:
  CreateNewSecurityGroup: !Equals [!Ref ExistingSecurityGroup, NONE]
  UseDBSnapshot: !Not [!Equals [!Ref DBSnapshotName, '']]
  RollingUpdates: !Equals [!Ref Rolling, 'yes']
Resources:
  NewSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Condition: CreateNewSecurityGroup
    Properties:
      GroupDescription: new
  MyInstance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      SecurityGroups:
        - !If [CreateNewSecurityGroup, !Ref NewSecurityGroup, !Ref ExistingSecurityGroup]
        - default
        - !If [CreateNewSecurityGroup, !Ref "AWS::NoValue", extra]
  MyDB:
    Type: AWS::RDS::DBInstance
    Properties:
      AllocatedStorage: 5
      DBInstanceClass: db.t2.small
      Engine: MySQL
      DBSnapshotIdentifier: !If [UseDBSnapshot, !Ref DBSnapshotName, !Ref "AWS::NoValue"]
      Nested: !If [UseDBSnapshot, snap, !If [CreateNewSecurityGroup, new-sg, old-sg]]
  Group:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MaxSize: '2'
      MinSize: '1'
    UpdatePolicy:
      AutoScalingRollingUpdate: !If
        - RollingUpdates
        - MaxBatchSize: 2
          MinInstancesInService: 2
          PauseTime: PT0M30S
        - !Ref "AWS::NoValue"
Outputs:
  SecurityGroupId:
    Description: Group ID of the security group used.
    Value: !If [CreateNewSecurityGroup, !Ref NewSecurityGroup, !Ref ExistingSecurityGroup]
  Groups:
    Value: !Join [",", [!If [CreateNewSecurityGroup, !Ref NewSecurityGroup, !Ref "AWS::NoValue"], default]]
"""


def test_if_true_branches() -> None:
    p = processed(IF)
    assert p.resources["MyInstance"].properties["SecurityGroups"] == [{"Ref": "NewSecurityGroup"}, "default"]
    assert "DBSnapshotIdentifier" not in p.resources["MyDB"].properties
    assert p.resources["MyDB"].properties["Nested"] == "new-sg"
    assert p.rendered()["Outputs"]["SecurityGroupId"] == {
        "Description": "Group ID of the security group used.", "Value": {"Ref": "NewSecurityGroup"}}
    assert p.resources["Group"].update_policy == {}
    assert p.outputs["Groups"].value == {"Fn::Join": [",", [{"Ref": "NewSecurityGroup"}, "default"]]}


def test_if_false_branches() -> None:
    p = processed(IF, parameters={"ExistingSecurityGroup": "sg-1", "DBSnapshotName": "snap-1",
                                  "Rolling": "yes"})
    assert "NewSecurityGroup" not in p.resources
    assert p.resources["MyInstance"].properties["SecurityGroups"] == ["sg-1", "default", "extra"]
    assert p.resources["MyDB"].properties["DBSnapshotIdentifier"] == "snap-1"
    assert p.resources["MyDB"].properties["Nested"] == "snap"
    assert p.outputs["SecurityGroupId"].value == "sg-1"
    assert p.outputs["Groups"].value == "default"
    assert p.resources["Group"].update_policy == {"AutoScalingRollingUpdate": {
        "MaxBatchSize": 2, "MinInstancesInService": 2, "PauseTime": "PT0M30S"}}


def test_if_evaluates_only_the_chosen_branch() -> None:
    # The branch not taken refers to a resource whose condition is false: no error, as in
    # CloudFormation, where that branch is never resolved.
    p = processed(IF, parameters={"ExistingSecurityGroup": "sg-1"})
    assert p.outputs["SecurityGroupId"].value == "sg-1"


def test_if_with_an_undeclared_condition() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !If [Missing, a, b]
    """
    d = one_error(text)
    assert d.code == "E1002"
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Fn::If", 0)
    assert "condition 'Missing' is not declared in the Conditions section" in d.message
    assert d.span == at(text, "Missing")


@pytest.mark.parametrize("argument", ["[Yes, a]", "[Yes, a, b, c]", "Yes"])
def test_if_takes_three_arguments(argument: str) -> None:
    text = f"""\
    Conditions:
      Yes: !Equals [a, a]
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName:
            Fn::If: {argument}
    """
    d = one_error(text)
    assert d.code == "E1001"
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Fn::If")
    assert "[ConditionName, value if true, value if false]" in d.message
    assert d.span == at(text, argument, 2 if argument == "Yes" else 1)


def test_if_condition_name_must_be_a_string() -> None:
    text = """\
    Conditions:
      Yes: !Equals [a, a]
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !If [[Yes], a, b]
    """
    d = one_error(text)
    assert d.code == "E1002" and "must be a string" in d.message


def test_condition_function_outside_conditions_is_refused() -> None:
    text = """\
    Conditions:
      Yes: !Equals [a, a]
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Condition Yes
    """
    d = one_error(text)
    assert d.code == "E1028"
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Condition")


# ---------------------------------------------------------------------------------------------
# References to resources whose condition is false

def test_ref_and_getatt_to_a_resource_whose_condition_is_false_are_errors() -> None:
    text = """\
    Parameters:
      EnvType: {Type: String, Default: test}
    Conditions:
      IsProd: !Equals [!Ref EnvType, prod]
    Resources:
      ProdOnly:
        Type: AWS::SNS::Topic
        Condition: IsProd
      R:
        Type: AWS::SNS::Subscription
        Properties:
          TopicArn: !Ref ProdOnly
          Endpoint: !GetAtt ProdOnly.TopicName
          Protocol: !Sub "${ProdOnly}"
        DependsOn: ProdOnly
    Outputs:
      Topic:
        Value: !Ref ProdOnly
    """
    found = errors(text)
    assert [(d.code, d.path) for d in found] == [
        ("E1020", ("Resources", "R", "Properties", "TopicArn", "Ref")),
        ("E1010", ("Resources", "R", "Properties", "Endpoint", "Fn::GetAtt")),
        ("E1020", ("Resources", "R", "Properties", "Protocol", "Fn::Sub")),
        ("E3005", ("Resources", "R", "DependsOn", 0)),
        ("E1020", ("Outputs", "Topic", "Value", "Ref")),
    ]
    for d in found:
        assert "'ProdOnly'" in d.message and "'IsProd' is false" in d.message
    assert found[0].span == at(text, "!Ref ProdOnly")
    assert found[4].span == at(text, "!Ref ProdOnly", 2)
    # With the condition true, the same template is fine.
    assert list(processed(text, parameters={"EnvType": "prod"}).resources) == ["ProdOnly", "R"]


def test_resource_guarded_by_the_same_condition_may_refer_to_it() -> None:
    text = """\
    Parameters:
      EnvType: {Type: String, Default: test}
    Conditions:
      IsProd: !Equals [!Ref EnvType, prod]
    Resources:
      ProdOnly:
        Type: AWS::SNS::Topic
        Condition: IsProd
      Sub:
        Type: AWS::SNS::Subscription
        Condition: IsProd
        Properties:
          TopicArn: !Ref ProdOnly
      Other:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !If [IsProd, !GetAtt ProdOnly.TopicName, none]
    Outputs:
      Topic:
        Condition: IsProd
        Value: !Ref ProdOnly
    """
    p = processed(text)
    assert list(p.resources) == ["Other"]
    assert p.resources["Other"].properties == {"TopicName": "none"}
    assert p.outputs == {}


# ---------------------------------------------------------------------------------------------
# Conditions are decided before deployment

@pytest.mark.parametrize("definition, shown", [
    ("!Equals [!ImportValue SharedFlag, 'yes']", "Fn::ImportValue"),
    ("!Equals [!GetStackOutput {StackName: net, OutputName: Flag}, 'yes']", "Fn::GetStackOutput"),
    ("!And [!Equals [!ImportValue SharedFlag, 'yes'], !Equals [a, a]]", None),
])
def test_a_condition_that_cannot_be_decided_before_deployment_is_an_error(definition: str,
                                                                           shown: str | None) -> None:
    text = f"""\
    Conditions:
      Flag: {definition}
    Resources:
      R:
        Type: AWS::SNS::Topic
        Condition: Flag
    """
    d = one_error(text)
    assert d.code == "E1035"
    assert d.path == ("Conditions", "Flag")
    assert "condition 'Flag' cannot be decided before deployment" in d.message
    if shown:
        assert shown in d.message
    assert d.span == at(text, definition[:4])
