"""Properties against the registry schemas: each check on its accepting and refusing side."""

from __future__ import annotations

import pytest

from validate_support import codes, error_codes

QUEUE = """
Parameters:
  Size: {Type: Number, Default: 5}
  Names: {Type: CommaDelimitedList, Default: "a,b"}
  Name: {Type: String}
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      %s
"""


@pytest.mark.parametrize("prop, code", [
    ("DelaySeconds: 9000", "E3019"),            # maximum 900
    ("DelaySeconds: [1]", "E3012"),             # a list where an integer is expected
    ("DelaySeconds: abc", "E3012"),             # not numeric
    ("QueueName: !Ref Names", "E3012"),         # list parameter where a string is expected
    ("DelaySecond: 5", "E3014"),                # unknown property
    ("Arn: x", "E3015"),                        # read-only property
])
def test_refusing_side(check, prop: str, code: str) -> None:
    report = check(QUEUE % prop)
    assert code in error_codes(report), report.findings


@pytest.mark.parametrize("prop", [
    "DelaySeconds: 5", "DelaySeconds: '5'", "DelaySeconds: !Ref Size", "QueueName: !Ref Name",
    "QueueName: !Select [0, !Ref Names]", "QueueName: 123", "FifoQueue: 'true'",
    "DelaySeconds: !If [Never, 1, 2]", "Tags: [{Key: a, Value: b}]",
])
def test_accepting_side(check, prop: str) -> None:
    text = QUEUE % prop
    if "Never" in prop:
        text = text.replace("Resources:", "Conditions:\n  Never: !Equals [!Ref Name, x]\nResources:")
    report = check(text)
    assert not report.errors, report.findings


def test_enum_and_case_only_difference(check) -> None:
    template = """
    Resources:
      B:
        Type: AWS::S3::Bucket
        Properties:
          AccelerateConfiguration: {AccelerationStatus: %s}
    """
    assert "E3016" in error_codes(check(template % "Fast"))
    assert "W3016" in codes(check(template % "enabled"))
    assert not check(template % "Enabled").findings


def test_did_you_mean_for_properties_and_types(check) -> None:
    report = check("""
    Resources:
      Q:
        Type: AWS::SQS::Queue
        Properties: {DelaySecond: 5}
      B:
        Type: AWS::S3::Bukcet
    """)
    messages = {d.code: d.message for d in report.errors}
    assert "did you mean 'DelaySeconds'" in messages["E3014"]
    assert "'AWS::S3::Bucket'" in messages["E3010"]


def test_required_pattern_length_and_combinations(check) -> None:
    report = check("""
    Resources:
      T:
        Type: AWS::DynamoDB::Table
        DeletionPolicy: Retain
        Properties:
          KeySchema: []
      R:
        Type: AWS::IAM::Role
        Properties:
          RoleName: "bad name with spaces"
          AssumeRolePolicyDocument: {}
      S:
        Type: AWS::SNS::Subscription
        Properties:
          Protocol: sqs
    """)
    found = error_codes(report)
    assert {"E3018", "E3017", "E3013"} <= found, report.findings


def test_getatt_attribute_must_exist(check) -> None:
    report = check("""
    Resources:
      Q: {Type: AWS::SQS::Queue}
    Outputs:
      Good: {Value: !GetAtt Q.Arn}
      Bad: {Value: !GetAtt Q.Nope}
      Sub: {Value: !Sub "${Q.QueueNam}"}
    """)
    bad = [d for d in report.errors if d.code == "E3022"]
    assert [d.path[:2] for d in bad] == [("Outputs", "Bad"), ("Outputs", "Sub")]
    assert "did you mean 'QueueName'" in bad[1].message


def test_unknown_regex_syntax_is_skipped_not_a_crash() -> None:
    from stackengine.validate.schema import _compile

    assert _compile(r"^\p{L}+$") is None
    assert _compile(r"^[a-z]+$") is not None


def test_type_not_in_region(check) -> None:
    from stackengine.specs import default_registry

    registry = default_registry()
    region = next(r for r in registry.regions() if len(registry.types_in_region(r)) < len(registry.types()))
    missing = sorted(set(registry.types()) - set(registry.types_in_region(region)))[0]
    report = check(f"Resources:\n  X:\n    Type: {missing}\n", regions=(region,))
    assert "E3011" in codes(report)


def test_parameter_default_and_allowed_values_must_fit_where_referenced(check) -> None:
    template = """
    Parameters:
      Delay: {Type: Number, Default: %s, AllowedValues: [1, %s]}
    Resources:
      Q: {Type: AWS::SQS::Queue, Properties: {DelaySeconds: !Ref Delay}}
    """
    report = check(template % (1, 5000))
    assert [d.code for d in report.errors] == ["E3019"] and "can be '5000'" in report.errors[0].message
    assert not check(template % (1, 5)).errors


def test_getatt_shape_from_the_target_schema(check) -> None:
    template = """
    Resources:
      Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
      Sg:
        Type: AWS::EC2::SecurityGroup
        Properties:
          GroupDescription: x
          VpcId: %s
    """
    assert not check(template % "!Ref Vpc").errors
    assert not check(template % "!GetAtt Vpc.VpcId").errors
    report = check(template % "!GetAtt Vpc.Ipv6CidrBlocks")
    assert [d.code for d in report.errors] == ["E3012"] and "is a list" in report.errors[0].message
