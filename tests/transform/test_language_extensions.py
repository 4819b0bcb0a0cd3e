"""AWS::LanguageExtensions: Fn::ForEach expansion and intrinsic policies, with the AWS docs' examples."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from stackengine.diagnostics import TemplateError
from stackengine.template.decode import decode_text, load_file
from stackengine.template.marks import MarkedMap, strip_marks
from stackengine.transform import TransformContext, apply_transforms
from stackengine.transform.language_extensions import transform_language_extensions

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def run(text: str, **context: Any) -> Any:
    doc = decode_text(text, "t.yaml")
    return strip_marks(transform_language_extensions(doc.data, TransformContext(file="t.yaml", **context)))


def errors(text: str, **context: Any) -> list[Any]:
    doc = decode_text(text, "t.yaml")
    with pytest.raises(TemplateError) as info:
        transform_language_extensions(doc.data, TransformContext(file="t.yaml", **context))
    return info.value.diagnostics


def corpus(relative: str) -> Path:
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"corpus file {relative} is not available")
    return path


# ---------------------------------------------------------------------------------------------
# The AWS documentation's examples

SNS_TOPICS = """
AWSTemplateFormatVersion: 2010-09-09
Transform: 'AWS::LanguageExtensions'
Resources:
  'Fn::ForEach::Topics':
    - TopicName
    - - Success
      - Failure
      - Timeout
      - Unknown
    - 'SnsTopic${TopicName}':
        Type: 'AWS::SNS::Topic'
        Properties:
          TopicName: !Ref TopicName
          FifoTopic: true
"""


def test_sns_topics_for_a_list_of_names() -> None:
    out = run(SNS_TOPICS)
    assert out == {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            f"SnsTopic{name}": {"Type": "AWS::SNS::Topic",
                                "Properties": {"TopicName": name, "FifoTopic": True}}
            for name in ("Success", "Failure", "Timeout", "Unknown")
        },
    }
    assert list(out["Resources"]) == ["SnsTopicSuccess", "SnsTopicFailure", "SnsTopicTimeout",
                                      "SnsTopicUnknown"]


def test_sns_topics_json_form_gives_the_same_result() -> None:
    text = json.dumps({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::LanguageExtensions",
        "Resources": {"Fn::ForEach::Topics": [
            "TopicName", ["Success", "Failure", "Timeout", "Unknown"],
            {"SnsTopic${TopicName}": {"Type": "AWS::SNS::Topic",
                                      "Properties": {"TopicName": {"Ref": "TopicName"}, "FifoTopic": True}}}]},
    })
    assert run(text) == run(SNS_TOPICS)


NESTED = """
AWSTemplateFormatVersion: 2010-09-09
Transform: 'AWS::LanguageExtensions'
Resources:
  VPC:
    Type: 'AWS::EC2::VPC'
    Properties:
      CidrBlock: 10.0.0.0/16
  'Fn::ForEach::SubnetResources':
  - Prefix
  - [Transit, Public]
  - 'Nacl${Prefix}Subnet':
      Type: 'AWS::EC2::NetworkAcl'
      Properties:
        VpcId: !Ref 'VPC'
    'Fn::ForEach::LoopInner':
    - Suffix
    - [A, B, C]
    - '${Prefix}Subnet${Suffix}':
        Type: 'AWS::EC2::Subnet'
        Properties:
          VpcId: !Ref 'VPC'
      'Nacl${Prefix}Subnet${Suffix}Association':
        Type: 'AWS::EC2::SubnetNetworkAclAssociation'
        Properties:
          SubnetId: !Ref
            'Fn::Sub': '${Prefix}Subnet${Suffix}'
          NetworkAclId: !Ref
            'Fn::Sub': 'Nacl${Prefix}Subnet'
"""


def test_nested_loops_replicate_subnets_and_associations() -> None:
    resources = run(NESTED)["Resources"]
    expected_ids = ["VPC"]
    for prefix in ("Transit", "Public"):
        expected_ids.append(f"Nacl{prefix}Subnet")
        for suffix in "ABC":
            expected_ids += [f"{prefix}Subnet{suffix}", f"Nacl{prefix}Subnet{suffix}Association"]
    assert list(resources) == expected_ids
    assert resources["NaclPublicSubnetBAssociation"] == {
        "Type": "AWS::EC2::SubnetNetworkAclAssociation",
        # Ref with an intrinsic argument (allowed by the transform) is folded to the logical ID
        "Properties": {"SubnetId": {"Ref": "PublicSubnetB"}, "NetworkAclId": {"Ref": "NaclPublicSubnet"}},
    }
    assert resources["TransitSubnetC"]["Properties"] == {"VpcId": {"Ref": "VPC"}}


NAT_GATEWAYS = """
AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::LanguageExtensions
Mappings:
  NatGateway:
    Condition:
      B: TwoNatGateways
      C: ThreeNatGateways
Resources:
  Fn::ForEach::NatGatewayAndEIP:
    - Identifier
    - - A
      - B
      - C
    - NatGateway${Identifier}:
        Type: AWS::EC2::NatGateway
        Properties:
          AllocationId: !GetAtt
            - !Sub NatGatewayAttachment${Identifier}
            - AllocationId
          SubnetId: !Ref
            Fn::Sub: PublicSubnet${Identifier}
        Condition: !FindInMap
          - NatGateway
          - Condition
          - !Ref Identifier
          - DefaultValue: !Ref AWS::NoValue
      NatGatewayAttachment${Identifier}:
        Type: AWS::EC2::EIP
        Properties:
          Domain: vpc
        Condition: !FindInMap
          - NatGateway
          - Condition
          - !Ref Identifier
          - DefaultValue: !Ref AWS::NoValue
"""


def test_multiple_resources_with_conditions_from_a_mapping() -> None:
    resources = run(NAT_GATEWAYS)["Resources"]
    assert set(resources) == {f"{kind}{x}" for kind in ("NatGateway", "NatGatewayAttachment") for x in "ABC"}
    assert resources["NatGatewayA"] == {
        "Type": "AWS::EC2::NatGateway",
        "Properties": {"AllocationId": {"Fn::GetAtt": ["NatGatewayAttachmentA", "AllocationId"]},
                       "SubnetId": {"Ref": "PublicSubnetA"}},
    }  # DefaultValue AWS::NoValue: no Condition attribute at all
    assert resources["NatGatewayB"]["Condition"] == "TwoNatGateways"
    assert resources["NatGatewayAttachmentC"]["Condition"] == "ThreeNatGateways"
    assert "Condition" not in resources["NatGatewayAttachmentA"]


PROPERTY_LOOP = """
AWSTemplateFormatVersion: 2010-09-09
Transform: 'AWS::LanguageExtensions'
Mappings:
  InstanceA:
    Properties:
      ImageId: ami-id1
      InstanceType: m5.xlarge
  InstanceB:
    Properties:
      ImageId: ami-id2
Resources:
  'Fn::ForEach::Instances':
  - InstanceLogicalId
  - [InstanceA, InstanceB]
  - '${InstanceLogicalId}':
      Type: 'AWS::EC2::Instance'
      Properties:
        DisableApiTermination: true
        'Fn::ForEach::Properties':
          - PropertyName
          - [ImageId, InstanceType, AvailabilityZone]
          - '${PropertyName}':
             'Fn::FindInMap':
               - Ref: 'InstanceLogicalId'
               - Properties
               - Ref: 'PropertyName'
               - {DefaultValue: !Ref 'AWS::NoValue'}
"""


def test_loop_inside_resource_properties_leaves_find_in_map_with_default_to_the_evaluator() -> None:
    resources = run(PROPERTY_LOOP)["Resources"]
    props = resources["InstanceB"]["Properties"]
    assert list(props) == ["DisableApiTermination", "ImageId", "InstanceType", "AvailabilityZone"]
    assert props["InstanceType"] == {"Fn::FindInMap": ["InstanceB", "Properties", "InstanceType",
                                                       {"DefaultValue": {"Ref": "AWS::NoValue"}}]}
    assert resources["InstanceA"]["Properties"]["ImageId"]["Fn::FindInMap"][0] == "InstanceA"


def test_conditions_section_example_from_the_corpus() -> None:
    doc = load_file(str(corpus("cfnlint-good/parameters/used_transform_language_extension.json")))
    out = strip_marks(transform_language_extensions(doc.data, TransformContext()))
    assert out["Conditions"] == {
        f"IsParam{x}Enabled": {"Fn::Equals": [{"Ref": f"Param{x}"}, "true"]} for x in "ABCD"
    }
    assert "Transform" not in out


def test_outputs_nested_loop_with_getatt_from_the_corpus() -> None:
    doc = load_file(str(corpus("cfn-templates/CloudFormation/fn-foreach-s3-outputs.yaml")))
    out = strip_marks(transform_language_extensions(doc.data, TransformContext()))
    assert list(out["Resources"]) == ["S3BucketA", "S3BucketB", "S3BucketC"]
    assert out["Resources"]["S3BucketB"]["DeletionPolicy"] == "Retain"
    assert out["Outputs"] == {
        f"S3Bucket{x}Arn": {"Value": {"Fn::GetAtt": [f"S3Bucket{x}", "Arn"]}} for x in "ABC"
    }


def test_collection_from_find_in_map_with_a_parameter_value() -> None:
    doc = load_file(str(corpus("cfnlint-good/functions/foreach.yaml")))
    out = strip_marks(transform_language_extensions(
        doc.data, TransformContext(parameters={"Environment": "Production"})))
    assert list(out["Resources"]) == ["S3BucketA", "S3BucketB", "S3BucketC"]
    assert out["Resources"]["S3BucketC"]["Properties"]["MetricsConfigurations"] == [
        {"Id": {"Fn::Sub": "EntireBucketC"}}]
    assert len(out["Outputs"]) == 9
    assert out["Outputs"]["S3BucketBWebsiteURL"] == {"Value": {"Fn::GetAtt": ["S3BucketB", "WebsiteURL"]}}


def test_collection_from_find_in_map_without_a_parameter_value_is_an_error_naming_it() -> None:
    path = corpus("cfnlint-good/functions/foreach.yaml")
    doc = load_file(str(path), "foreach.yaml")
    with pytest.raises(TemplateError) as info:
        transform_language_extensions(doc.data, TransformContext(file="foreach.yaml"))
    diags = info.value.diagnostics
    assert [d.path for d in diags] == [("Resources", "Fn::ForEach::Buckets", 1),
                                       ("Outputs", "Fn::ForEach::BucketOutputs", 1)]
    assert all("Environment" in d.message for d in diags)
    assert diags[0].span is not None and diags[0].span.file == "foreach.yaml"
    assert diags[0].span.line == 13  # the `!FindInMap` line of the collection


# ---------------------------------------------------------------------------------------------
# Identifiers, collections and keys


def test_ampersand_identifier_drops_non_alphanumeric_characters_in_keys() -> None:
    out = run("""
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Buckets:
    - Name
    - [my-logs, data.v2]
    - Bucket&{Name}:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: !Sub "${Name}-bucket"
          Tags: [{Key: plain, Value: "&{Name}"}]
""")
    assert out["Resources"] == {
        "Bucketmylogs": {"Type": "AWS::S3::Bucket", "Properties": {
            "BucketName": {"Fn::Sub": "my-logs-bucket"}, "Tags": [{"Key": "plain", "Value": "mylogs"}]}},
        "Bucketdatav2": {"Type": "AWS::S3::Bucket", "Properties": {
            "BucketName": {"Fn::Sub": "data.v2-bucket"}, "Tags": [{"Key": "plain", "Value": "datav2"}]}},
    }


def test_non_alphanumeric_generated_logical_id_is_an_error() -> None:
    diags = errors("""
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Buckets:
    - Name
    - [my-logs]
    - Bucket${Name}:
        Type: AWS::S3::Bucket
""")
    assert len(diags) == 1
    assert "'Bucketmy-logs'" in diags[0].message and "&{Identifier}" in diags[0].message
    assert diags[0].path == ("Resources", "Fn::ForEach::Buckets", 2, "Bucket${Name}")
    assert diags[0].span is not None and diags[0].span.line == 7


LIST_PARAMETER = """
Transform: AWS::LanguageExtensions
Parameters:
  Names:
    Type: {type}
    Default: "a, b"
Resources:
  Fn::ForEach::Queues:
    - QueueName
    - !Ref Names
    - Queue${{QueueName}}:
        Type: AWS::SQS::Queue
        Properties: {{QueueName: !Ref QueueName}}
"""


@pytest.mark.parametrize("type_name", ["CommaDelimitedList", "List<String>"])
def test_collection_from_a_list_parameter_default(type_name: str) -> None:
    out = run(LIST_PARAMETER.format(type=type_name))
    assert out["Resources"] == {
        "Queuea": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "a"}},
        "Queueb": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "b"}},
    }


def test_collection_from_a_list_parameter_value_given_by_the_user() -> None:
    out = run(LIST_PARAMETER.format(type="CommaDelimitedList"), parameters={"Names": "x,y,z"})
    assert list(out["Resources"]) == ["Queuex", "Queuey", "Queuez"]


def test_collection_ref_to_a_string_parameter_is_an_error() -> None:
    diags = errors(LIST_PARAMETER.format(type="String"))
    assert len(diags) == 1
    assert "must be a list" in diags[0].message
    assert diags[0].path == ("Resources", "Fn::ForEach::Queues", 1)


def test_collection_from_split_of_pseudo_parameters() -> None:
    out = run("""
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Things:
    - Part
    - !Split [":", !Sub "${AWS::Region}:${AWS::AccountId}"]
    - Thing&{Part}:
        Type: AWS::SNS::Topic
""", region="eu-west-1", account_id="111122223333")
    assert list(out["Resources"]) == ["Thingeuwest1", "Thing111122223333"]


def test_numbers_in_the_collection_are_used_as_strings() -> None:
    out = run("""
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Topics:
    - N
    - [1, 2]
    - Topic${N}:
        Type: AWS::SNS::Topic
        Properties: {TopicName: !Ref N}
""")
    assert out["Resources"]["Topic2"]["Properties"]["TopicName"] == "2"


def test_empty_collection_generates_nothing() -> None:
    out = run("""
Transform: AWS::LanguageExtensions
Resources:
  Keep: {Type: AWS::SNS::Topic}
  Fn::ForEach::None:
    - N
    - []
    - Topic${N}: {Type: AWS::SNS::Topic}
""")
    assert list(out["Resources"]) == ["Keep"]


def test_sub_variable_of_the_same_name_hides_the_loop_identifier() -> None:
    out = run("""
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Topics:
    - Name
    - [a]
    - Topic${Name}:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Sub ["${Name}-${Other}", {Name: fixed, Other: !Ref Name}]
          DisplayName: !Sub "${!Name} ${Name}"
""")
    props = out["Resources"]["Topica"]["Properties"]
    assert props["TopicName"] == {"Fn::Sub": ["${Name}-${Other}", {"Name": "fixed", "Other": "a"}]}
    assert props["DisplayName"] == {"Fn::Sub": "${!Name} a"}


def test_other_language_extension_functions_are_left_for_the_evaluator() -> None:
    out = run("""
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Topics:
    - Name
    - [a]
    - Topic${Name}:
        Type: AWS::SNS::Topic
        Properties:
          DisplayName: !ToJsonString {name: !Ref Name}
          TopicName: !Length [1, 2]
""")
    assert out["Resources"]["Topica"]["Properties"] == {
        "DisplayName": {"Fn::ToJsonString": {"name": "a"}}, "TopicName": {"Fn::Length": [1, 2]}}


# ---------------------------------------------------------------------------------------------
# Malformed loops


@pytest.mark.parametrize("spec, fragment", [
    ("[Name, [a]]", "three items"),
    ("[Name, [a], {}, extra]", "three items"),
    ("Name", "three items"),
    ("[Name, [a], [not, a, mapping]]", "mapping of output keys"),
    ("[[Name], [a], {'X${Name}': {Type: T}}]", "identifier must be"),
    ("[Name, not-a-list, {'X${Name}': {Type: T}}]", "must be a list"),
    ("[Name, [a, [b]], {'X${Name}': {Type: T}}]", "item 1 is a list"),
    ("[Name, !GetAtt [R, Arn], {'X${Name}': {Type: T}}]", "cannot be resolved"),
])
def test_malformed_loop_is_an_error_with_its_path(spec: str, fragment: str) -> None:
    diags = errors(f"Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::L: {spec}\n")
    assert len(diags) == 1
    assert fragment in diags[0].message
    assert diags[0].path[:2] == ("Resources", "Fn::ForEach::L")
    assert diags[0].code == "E1032"
    assert diags[0].span is not None and diags[0].span.line == 3


def test_nested_loops_with_the_same_identifier_clash() -> None:
    diags = errors("""
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Outer:
    - Id
    - [a, b]
    - Fn::ForEach::Inner:
        - Id
        - [c]
        - X${Id}: {Type: T}
""")
    assert len(diags) == 1  # reported once, not once per outer item
    assert "already used by an enclosing" in diags[0].message
    assert diags[0].path == ("Resources", "Fn::ForEach::Outer", 2, "Fn::ForEach::Inner", 0)


def test_loops_nest_at_most_five_deep_inside_a_parent() -> None:
    def nested(depth: int) -> str:
        lines, indent = [], "  "
        for level in range(depth):
            lines += [f"{indent}Fn::ForEach::L{level}:", f"{indent}  - I{level}", f"{indent}  - [x]",
                      f"{indent}  -"]
            indent += "    "
        key = "R" + "".join(f"${{I{level}}}" for level in range(depth))
        lines.append(f"{indent}'{key}': {{Type: AWS::SNS::Topic}}")
        return "Transform: AWS::LanguageExtensions\nResources:\n" + "\n".join(lines) + "\n"

    assert list(run(nested(6))["Resources"]) == ["Rxxxxxx"]
    diags = errors(nested(7))
    assert len(diags) == 1 and "at most 5 deep" in diags[0].message


def test_output_key_referring_to_a_parameter_is_an_error() -> None:
    diags = errors("""
Transform: AWS::LanguageExtensions
Parameters:
  Env: {Type: String, Default: dev}
Resources:
  Fn::ForEach::L:
    - N
    - [A]
    - '${Env}${N}': {Type: AWS::SNS::Topic}
""")
    assert len(diags) == 1 and "other than a loop identifier" in diags[0].message


def test_ssm_parameter_collection_is_explained() -> None:
    diags = errors("""
Transform: AWS::LanguageExtensions
Parameters:
  Names: {Type: 'AWS::SSM::Parameter::Value<CommaDelimitedList>', Default: /names}
Resources:
  Fn::ForEach::L:
    - N
    - !Ref Names
    - 'R${N}': {Type: AWS::SNS::Topic}
""")
    assert len(diags) == 1 and "Names is read from SSM at deploy time" in diags[0].message


def test_duplicate_generated_logical_ids_are_errors() -> None:
    diags = errors("""
Transform: AWS::LanguageExtensions
Resources:
  TopicA: {Type: AWS::SNS::Topic}
  Fn::ForEach::One:
    - N
    - [A, B]
    - Topic${N}: {Type: AWS::SNS::Topic}
  Fn::ForEach::Two:
    - M
    - [B]
    - Topic${M}: {Type: AWS::SNS::Topic}
""")
    assert sorted(d.path for d in diags) == [
        ("Resources", "Fn::ForEach::One", 2, "Topic${N}"),
        ("Resources", "Fn::ForEach::Two", 2, "Topic${M}"),
    ]
    assert all("generated more than once" in d.message for d in diags)


def test_repeated_item_in_the_collection_duplicates_a_key() -> None:
    diags = errors("""
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::One:
    - N
    - [A, A]
    - Topic${N}: {Type: AWS::SNS::Topic}
""")
    assert len(diags) == 1 and "'TopicA'" in diags[0].message


def test_output_key_without_the_identifier_is_an_error() -> None:
    diags = errors("""
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::One:
    - N
    - [A]
    - Topic: {Type: AWS::SNS::Topic}
""")
    assert len(diags) == 1
    assert "must contain ${N} or &{N}" in diags[0].message


def test_loop_names_must_be_unique_and_differ_from_logical_ids() -> None:
    diags = errors("""
Transform: AWS::LanguageExtensions
Resources:
  Topics: {Type: AWS::SNS::Topic}
  Fn::ForEach::Topics:
    - N
    - [A]
    - Topic${N}: {Type: AWS::SNS::Topic}
Outputs:
  Fn::ForEach::Same:
    - N
    - [A]
    - Out${N}: {Value: x}
Conditions:
  Fn::ForEach::Same:
    - N
    - [A]
    - Is${N}: !Equals [a, b]
""")
    messages = sorted(d.message for d in diags)
    assert len(messages) == 2
    assert "'Same' is used twice" in messages[0]
    assert "'Topics' is also a resource's logical ID" in messages[1]


@pytest.mark.parametrize("section", ["Parameters", "Mappings", "Metadata"])
def test_loops_outside_conditions_resources_and_outputs_are_errors(section: str) -> None:
    diags = errors(f"""
Transform: AWS::LanguageExtensions
{section}:
  Fn::ForEach::L:
    - N
    - [A]
    - X${{N}}: {{Type: String}}
Resources:
  R: {{Type: AWS::SNS::Topic}}
""")
    assert len(diags) == 1
    assert f"can't be used in the {section} section" in diags[0].message
    assert diags[0].path == (section, "Fn::ForEach::L")


def test_every_problem_is_reported_at_once() -> None:
    diags = errors("""
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::A: [N]
  Fn::ForEach::B: [N, [x-y], {"R${N}": {Type: T}}]
Outputs:
  Fn::ForEach::C: [N, !Ref Missing, {"O${N}": {Value: v}}]
""")
    assert [d.path[:2] for d in diags] == [("Resources", "Fn::ForEach::A"), ("Resources", "Fn::ForEach::B"),
                                           ("Outputs", "Fn::ForEach::C")]


# ---------------------------------------------------------------------------------------------
# DeletionPolicy / UpdateReplacePolicy

POLICY = """
AWSTemplateFormatVersion: 2010-09-09
Transform: 'AWS::LanguageExtensions'
Parameters:
  Stage:
    Type: String
    AllowedValues: [Prod, Staging, Dev]
  Policy:
    Type: String
    Default: Snapshot
Conditions:
  IsProd: !Equals [!Ref Stage, Prod]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: primaryKey, KeyType: HASH}]
    DeletionPolicy: !If [IsProd, Retain, Delete]
    UpdateReplacePolicy: !If [IsProd, Retain, Delete]
  Volume:
    Type: AWS::EC2::Volume
    DeletionPolicy: !Ref Policy
"""


@pytest.mark.parametrize("stage, policy", [("Prod", "Retain"), ("Dev", "Delete")])
def test_policies_from_fn_if_follow_the_condition(stage: str, policy: str) -> None:
    table = run(POLICY, parameters={"Stage": stage})["Resources"]["Table"]
    assert table["DeletionPolicy"] == policy
    assert table["UpdateReplacePolicy"] == policy


def test_policy_from_a_parameter_ref() -> None:
    resources = run(POLICY, parameters={"Stage": "Dev"})["Resources"]
    assert resources["Volume"]["DeletionPolicy"] == "Snapshot"


def test_policy_without_a_known_parameter_value_is_left_in_place() -> None:
    table = run(POLICY)["Resources"]["Table"]
    assert table["DeletionPolicy"] == {"Fn::If": ["IsProd", "Retain", "Delete"]}


def test_policy_resolving_to_an_invalid_option_is_an_error() -> None:
    diags = errors(POLICY, parameters={"Stage": "Dev", "Policy": "Keep"})
    assert len(diags) == 1
    assert diags[0].code == "E3035"
    assert diags[0].path == ("Resources", "Volume", "DeletionPolicy")
    assert "'Keep'" in diags[0].message
    assert diags[0].span is not None and diags[0].span.line == 22


def test_update_replace_policy_rejects_retain_except_on_create() -> None:
    diags = errors("""
Transform: AWS::LanguageExtensions
Parameters:
  P: {Type: String, Default: RetainExceptOnCreate}
Resources:
  R:
    Type: AWS::SNS::Topic
    DeletionPolicy: !Ref P
    UpdateReplacePolicy: !Ref P
""")
    assert [(d.code, d.path[-1]) for d in diags] == [("E3036", "UpdateReplacePolicy")]


def test_policy_from_a_resource_attribute_is_an_error() -> None:
    diags = errors("""
Transform: AWS::LanguageExtensions
Resources:
  R:
    Type: AWS::SNS::Topic
    DeletionPolicy: !GetAtt [Other, Policy]
""")
    assert len(diags) == 1 and "cannot depend on resources" in diags[0].message


def test_policies_inside_loops_and_from_conditions_generated_by_loops() -> None:
    out = run("""
Transform: AWS::LanguageExtensions
Parameters:
  Keep: {Type: String, Default: "yes"}
Conditions:
  Fn::ForEach::C:
    - N
    - [A]
    - Keep${N}: !Equals [!Ref Keep, "yes"]
Resources:
  Fn::ForEach::R:
    - N
    - [A]
    - Bucket${N}:
        Type: AWS::S3::Bucket
        DeletionPolicy: !If ["Keep${N}", Retain, Delete]
""")
    assert out["Resources"]["BucketA"]["DeletionPolicy"] == "Retain"


# ---------------------------------------------------------------------------------------------
# The Transform section, purity, marks


@pytest.mark.parametrize("declared, expected", [
    ("AWS::LanguageExtensions", None),
    ("[AWS::LanguageExtensions]", None),
    ("[AWS::LanguageExtensions, AWS::Serverless-2016-10-31]", ["AWS::Serverless-2016-10-31"]),
    ("AWS::Serverless-2016-10-31", "AWS::Serverless-2016-10-31"),
])
def test_transform_section_loses_language_extensions(declared: str, expected: Any) -> None:
    out = run(f"Transform: {declared}\nResources:\n  R: {{Type: AWS::SNS::Topic}}\n")
    assert out.get("Transform") == expected
    assert ("Transform" in out) == (expected is not None)


def test_the_input_template_is_not_modified() -> None:
    for text in (NESTED, NAT_GATEWAYS, PROPERTY_LOOP, POLICY):
        doc = decode_text(text, "t.yaml")
        before = copy.deepcopy(strip_marks(doc.data))
        transform_language_extensions(doc.data, TransformContext(parameters={"Stage": "Prod"}))
        assert strip_marks(doc.data) == before


def test_generated_resources_keep_the_positions_of_the_fragment() -> None:
    doc = decode_text(SNS_TOPICS, "t.yaml")
    out = transform_language_extensions(doc.data, TransformContext(file="t.yaml"))
    resources = out["Resources"]
    assert isinstance(resources, MarkedMap)
    # every generated topic points at the fragment's key line (line 11 of the text, which
    # starts with an empty line)
    assert {resources.key_marks[k][0] for k in resources} == {11}
    topic = resources["SnsTopicFailure"]
    assert isinstance(topic, MarkedMap)
    assert topic.key_marks["Properties"][0] == 13
    assert out.key_marks["Resources"] == doc.data.key_marks["Resources"]


def test_apply_transforms_runs_the_transform_from_the_registry() -> None:
    doc = decode_text(SNS_TOPICS, "t.yaml")
    out = strip_marks(apply_transforms(doc.data, TransformContext()))
    assert "Transform" not in out
    assert len(out["Resources"]) == 4


def test_keys_inside_values_may_keep_other_sub_variables() -> None:
    out = run("""
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::L:
    - N
    - [A]
    - 'R${N}':
        Type: AWS::SNS::Topic
        Metadata:
          '${N}-${AWS::Region}': kept
""")
    assert out["Resources"]["RA"]["Metadata"] == {"A-${AWS::Region}": "kept"}
