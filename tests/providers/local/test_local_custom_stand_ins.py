"""Offline stand-ins for custom resource attributes: values of the kind the attribute's name
denotes (an AZ of the resource's region, ...), opaque text otherwise, stable across calls."""

from __future__ import annotations

import pytest

from stackengine.engine import Engine, EngineConfig, StackRequest
from stackengine.providers.local.custom_stand_ins import attribute_kind, custom_stand_in
from stackengine.regions import availability_zones


@pytest.mark.parametrize("attribute, kind", [
    ("AvailabilityZone", "availability-zone"), ("PrimaryAvailabilityZone", "availability-zone"),
    ("InstanceAZ", "availability-zone"), ("AZ2", "availability-zone"),
    ("Region", "region"), ("AccountId", "account-id"), ("DbPort", "port"),
    ("PublicIp", "ipv4-address"), ("ServiceUrl", "url"),
    # names that merely end in the same letters say nothing about their value
    ("Report", "opaque"), ("Ship", "opaque"), ("Answer", "opaque"), ("Arn", "opaque"),
])
def test_attribute_names_denote_value_kinds(attribute, kind) -> None:
    assert attribute_kind(attribute) == kind


def test_availability_zone_stand_in_is_a_zone_of_the_resources_region() -> None:
    for region in ("us-east-1", "eu-west-1", "ap-northeast-1"):
        values = {custom_stand_in("123456789012", region, f"phys{i}", "AvailabilityZone") for i in range(20)}
        assert values <= set(availability_zones(region))
        assert len(values) > 1  # spread over the zones, not always the first
    assert (custom_stand_in("1", "us-east-1", "p", "AZ")
            == custom_stand_in("1", "us-east-1", "p", "AZ"))


def test_other_kinds_and_opaque_attributes() -> None:
    assert custom_stand_in("123456789012", "eu-west-1", "p", "Region") == "eu-west-1"
    assert custom_stand_in("123456789012", "eu-west-1", "p", "AccountId") == "123456789012"
    assert custom_stand_in("123456789012", "eu-west-1", "p", "Port").isdigit()
    assert custom_stand_in("123456789012", "eu-west-1", "p", "Answer") == "p-Answer"


TEMPLATE = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code: {ZipFile: 'def handler(e, c): pass'}
  Lookup:
    Type: Custom::InstanceAZ
    Properties:
      ServiceToken: !GetAtt Fn.Arn
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.0.0/24
      AvailabilityZone: !GetAtt Lookup.AvailabilityZone
Outputs:
  Zone:
    Value: !GetAtt Subnet.AvailabilityZone
"""


def test_custom_availability_zone_feeds_a_subnet(tmp_path) -> None:
    # The subnet rule refuses zones outside the region: an opaque stand-in would fail here.
    template = tmp_path / "az.yaml"
    template.write_text(TEMPLATE)
    engine = Engine(EngineConfig(state_path=str(tmp_path / "state.db")))
    outcome = engine.deploy(StackRequest(str(template), "az", {}, capabilities=("CAPABILITY_IAM",)))
    reasons = [e.reason for e in engine.events("az") if e.reason]
    assert outcome.record is not None and not outcome.failed, reasons
    zone = {o["OutputKey"]: o["OutputValue"] for o in outcome.record.outputs}["Zone"]
    assert zone in availability_zones("us-east-1")
