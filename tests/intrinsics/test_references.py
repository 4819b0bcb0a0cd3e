"""Static reference discovery (Ref, Fn::GetAtt, Fn::Sub variables) and late resolution of the
references a processed template keeps to resources."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from stackengine.diagnostics import TemplateError
from stackengine.intrinsics.references import RefKind, Reference, find_references, sub_variables
from stackengine.render import ProcessedTemplate, RenderOptions, process
from stackengine.template.decode import decode_text
from stackengine.template.marks import strip_marks

FILE = "t.yaml"


def processed(text: str, **options: Any) -> ProcessedTemplate:
    return process(decode_text(textwrap.dedent(text), FILE), RenderOptions(**options))


# ---------------------------------------------------------------------------------------------
# sub_variables

@pytest.mark.parametrize("template, names", [
    ("www.${Domain}", ["Domain"]),
    ("arn:${AWS::Partition}:s3:::${Bucket}/*", ["AWS::Partition", "Bucket"]),
    ("${MyInstance.PublicIp}:80", ["MyInstance.PublicIp"]),
    ("${!Literal} and ${Real}", ["Real"]),
    ("${!Literal}", []),
    ("no variables", []),
    ("${ Spaced }", ["Spaced"]),
    ("$Domain {Domain} ${}", []),
    ("${A}${B}${A}", ["A", "B", "A"]),
])
def test_sub_variables(template: str, names: list[str]) -> None:
    assert list(sub_variables(template)) == names


# ---------------------------------------------------------------------------------------------
# find_references

def test_ref_getatt_and_sub_references_in_document_order_with_paths() -> None:
    value = {
        "A": {"Ref": "Param"},
        "B": [{"Fn::GetAtt": ["myELB", "DNSName"]}, {"Fn::GetAtt": "myELB.SourceSecurityGroup.OwnerAlias"}],
        "C": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/${Bucket.Arn}/${!Literal}"},
        "D": {"Fn::Join": ["-", [{"Ref": "AWS::Region"}, {"Ref": "Queue"}]]},
    }
    assert list(find_references(value, ("Resources", "R", "Properties"))) == [
        Reference("Param", RefKind.REF, ("Resources", "R", "Properties", "A", "Ref")),
        Reference("myELB", RefKind.GETATT, ("Resources", "R", "Properties", "B", 0, "Fn::GetAtt"), "DNSName"),
        Reference("myELB", RefKind.GETATT, ("Resources", "R", "Properties", "B", 1, "Fn::GetAtt"),
                  "SourceSecurityGroup.OwnerAlias"),
        Reference("AWS::Partition", RefKind.SUB, ("Resources", "R", "Properties", "C", "Fn::Sub")),
        Reference("Bucket", RefKind.SUB, ("Resources", "R", "Properties", "C", "Fn::Sub")),
        Reference("Bucket", RefKind.SUB, ("Resources", "R", "Properties", "C", "Fn::Sub"), "Arn"),
        Reference("AWS::Region", RefKind.REF, ("Resources", "R", "Properties", "D", "Fn::Join", 1, 0, "Ref")),
        Reference("Queue", RefKind.REF, ("Resources", "R", "Properties", "D", "Fn::Join", 1, 1, "Ref")),
    ]


def test_sub_with_a_variable_map_skips_local_names_and_scans_their_values() -> None:
    value = {"Fn::Sub": ["${Domain}/${Bucket}", {"Domain": {"Ref": "RootDomainName"}}]}
    assert list(find_references(value)) == [
        Reference("Bucket", RefKind.SUB, ("Fn::Sub", 0)),
        Reference("RootDomainName", RefKind.REF, ("Fn::Sub", 1, "Domain", "Ref")),
    ]


def test_getatt_with_a_ref_as_attribute_name() -> None:
    value = {"Fn::GetAtt": ["myELB", {"Ref": "AttrName"}]}
    assert list(find_references(value)) == [
        Reference("myELB", RefKind.GETATT, ("Fn::GetAtt",), None),
        Reference("AttrName", RefKind.REF, ("Fn::GetAtt", 1, "Ref")),
    ]


def test_references_through_decoded_short_forms() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::EC2::Instance
        Properties:
          SecurityGroups:
            - !If [CreateNew, !Ref NewSecurityGroup, !Ref ExistingSecurityGroup]
          UserData: !Base64
            Fn::Sub: "${AWS::StackName} ${WaitHandle}"
          Az: !GetAtt Volume.AvailabilityZone
    """
    doc = decode_text(textwrap.dedent(text), FILE)
    refs = list(find_references(strip_marks(doc.data)["Resources"]["R"], ("Resources", "R")))
    assert [(r.target, r.kind, r.attribute) for r in refs] == [
        ("NewSecurityGroup", RefKind.REF, None),
        ("ExistingSecurityGroup", RefKind.REF, None),
        ("AWS::StackName", RefKind.SUB, None),
        ("WaitHandle", RefKind.SUB, None),
        ("Volume", RefKind.GETATT, "AvailabilityZone"),
    ]
    assert refs[4].path == ("Resources", "R", "Properties", "Az", "Fn::GetAtt")


def test_malformed_functions_yield_no_reference_and_do_not_fail() -> None:
    value = {"A": {"Ref": ["x"]}, "B": {"Fn::GetAtt": 5}, "C": {"Fn::Sub": 7}, "D": {"Fn::Sub": []}}
    assert list(find_references(value)) == []


def test_a_mapping_with_several_keys_is_searched_as_data() -> None:
    # As in evaluation, {"Ref": ...} with other keys beside it is not a Ref; its values are searched.
    value = {"Ref": "A", "Other": {"Ref": "B"}}
    assert [r.target for r in find_references(value)] == ["B"]


# ---------------------------------------------------------------------------------------------
# resolve_late: the values a processed template keeps for resources, filled in after deployment

LATE = """\
Parameters:
  Env:
    Type: String
    Default: prod
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Queue:
    Type: AWS::SQS::Queue
  Policy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Resource: !GetAtt Queue.Arn
            Condition:
              ArnLike:
                aws:SourceArn: !Sub "arn:${AWS::Partition}:s3:::${Bucket}"
      Name: !Join ["-", [!Ref Env, !Select [5, !Split [":", !GetAtt Queue.Arn]]]]
Outputs:
  QueueUrl:
    Value: !Ref Queue
    Export:
      Name: !Sub "${AWS::StackName}-${Env}-queue"
"""


def deployed(logical_id: str, attribute: str | None) -> Any:
    values = {("Queue", None): "https://sqs.us-east-1.amazonaws.com/123456789012/q1",
              ("Queue", "Arn"): "arn:aws:sqs:us-east-1:123456789012:q1",
              ("Bucket", None): "my-bucket"}
    return values[(logical_id, attribute)]


def test_resolve_late_fills_every_reference_to_a_resource() -> None:
    p = processed(LATE, stack_name="app")
    policy = p.resources["Policy"].properties
    assert policy["Queues"] == [{"Ref": "Queue"}]
    assert policy["Name"] == {"Fn::Join": ["-", ["prod", {"Fn::Select": [5, {"Fn::Split": [
        ":", {"Fn::GetAtt": ["Queue", "Arn"]}]}]}]]}
    assert p.resolve_late(policy, deployed) == {
        "Queues": ["https://sqs.us-east-1.amazonaws.com/123456789012/q1"],
        "PolicyDocument": {"Statement": [{
            "Effect": "Allow", "Resource": "arn:aws:sqs:us-east-1:123456789012:q1",
            "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::my-bucket"}}}]},
        "Name": "prod-q1",
    }
    output = p.outputs["QueueUrl"]
    assert output.export_name == "app-prod-queue"
    assert p.resolve_late(output.value, deployed) == "https://sqs.us-east-1.amazonaws.com/123456789012/q1"


def test_resolve_late_with_a_value_still_unknown_is_an_error() -> None:
    p = processed(LATE)

    def partial(logical_id: str, attribute: str | None) -> Any:
        if logical_id == "Bucket":
            raise KeyError(logical_id)
        return deployed(logical_id, attribute)

    with pytest.raises(TemplateError) as info:
        p.resolve_late(p.resources["Policy"].properties, partial)
    (d,) = info.value.errors
    assert d.code == "E1020"
    assert "could not be resolved" in d.message and "it needs Bucket," in d.message


def test_resolve_late_reports_errors_found_once_values_are_known() -> None:
    p = processed(LATE)

    def short_arn(logical_id: str, attribute: str | None) -> Any:
        return "arn:aws:sqs" if attribute == "Arn" else deployed(logical_id, attribute)

    with pytest.raises(TemplateError) as info:
        p.resolve_late(p.resources["Policy"].properties["Name"], short_arn)
    (d,) = info.value.errors
    assert d.code == "E1017" and "index 5 is out of range for a list of 3 items" in d.message


def test_resolve_late_leaves_known_values_alone() -> None:
    p = processed(LATE)
    assert p.resolve_late({"a": ["b", 1, True]}, deployed) == {"a": ["b", 1, True]}
