"""The Rules section and the rule-specific functions, with the AWS documentation's examples."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from stackengine.diagnostics import Diagnostic, DiagnosticSink, Severity, Span, TemplateError
from stackengine.intrinsics.evaluate import EvalContext
from stackengine.intrinsics.rules import check_rules
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


def at(text: str, needle: str, occurrence: int = 1) -> Span:
    body = textwrap.dedent(text)
    index = -1
    for _ in range(occurrence):
        index = body.index(needle, index + 1)
    line = body.count("\n", 0, index) + 1
    return Span(FILE, line, index - (body.rfind("\n", 0, index) + 1) + 1)


def run_rules(rules: Any, **parameters: Any) -> list[Diagnostic]:
    sink = DiagnosticSink()
    params = {name: ParameterValue(name, "CommaDelimitedList" if isinstance(value, list) else "String", value)
              for name, value in parameters.items()}
    check_rules(rules, EvalContext(parameters=params), sink)
    return sink.items


# ---------------------------------------------------------------------------------------------
# The documented example: instance type by environment

INSTANCE_TYPE = """\
Parameters:
  Environment:
    Type: String
    Default: test
    AllowedValues: [test, prod]
  InstanceType:
    Type: String
    Default: a1.medium
    AllowedValues: [a1.medium, a1.large]
Rules:
  testInstanceType:
    RuleCondition: !Equals
      - !Ref Environment
      - test
    Assertions:
      - Assert:
          'Fn::Contains':
            - - a1.medium
            - !Ref InstanceType
        AssertDescription: 'For a test environment, the instance type must be a1.medium'
  prodInstanceType:
    RuleCondition: !Equals
      - !Ref Environment
      - prod
    Assertions:
      - Assert:
          'Fn::Contains':
            - - a1.large
            - !Ref InstanceType
        AssertDescription: 'For a production environment, the instance type must be a1.large'
Resources:
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: !Ref InstanceType
"""


@pytest.mark.parametrize("environment, instance_type", [("test", "a1.medium"), ("prod", "a1.large")])
def test_documented_rules_pass(environment: str, instance_type: str) -> None:
    p = processed(INSTANCE_TYPE, parameters={"Environment": environment, "InstanceType": instance_type})
    assert p.resources["Instance"].properties == {"InstanceType": instance_type}
    assert [d for d in p.warnings if d.code.startswith("E104") or d.code.startswith("I104")] == []


def test_documented_prod_rule_fails_with_its_assert_description() -> None:
    (d,) = errors(INSTANCE_TYPE, parameters={"Environment": "prod", "InstanceType": "a1.medium"})
    assert d.code == "E1042"
    assert d.path == ("Rules", "prodInstanceType", "Assertions", 0)
    assert d.message == ("rule 'prodInstanceType' failed: For a production environment, the instance "
                         "type must be a1.large")
    assert d.span == at(INSTANCE_TYPE, "Assert:", 2)
    assert "Rules.prodInstanceType.Assertions[0]" in d.format()


def test_documented_test_rule_fails_with_its_assert_description() -> None:
    (d,) = errors(INSTANCE_TYPE, parameters={"InstanceType": "a1.large"})
    assert d.code == "E1042"
    assert d.path == ("Rules", "testInstanceType", "Assertions", 0)
    assert "For a test environment, the instance type must be a1.medium" in d.message
    assert d.span == at(INSTANCE_TYPE, "Assert:", 1)


# ---------------------------------------------------------------------------------------------
# The documented cross-parameter example: SSL needs a certificate and a hosted zone

SSL = """\
Parameters:
  UseSSL:
    Type: String
    AllowedValues: ['Yes', 'No']
    Default: 'No'
  ALBSSLCertificateARN:
    Type: String
    Default: ''
  HostedZoneName:
    Type: String
    Default: ''
Rules:
  SSLCertificate:
    RuleCondition: !Equals [!Ref UseSSL, 'Yes']
    Assertions:
      - Assert: !Not [!Equals ['', !Ref ALBSSLCertificateARN]]
        AssertDescription: 'ACM Certificate value cannot be empty if SSL is required'
      - Assert: !Not [!Equals ['', !Ref HostedZoneName]]
        AssertDescription: 'Route53 Hosted Zone Name is mandatory when SSL is required'
Resources:
  Topic:
    Type: AWS::SNS::Topic
"""


def test_rule_condition_false_skips_the_assertions() -> None:
    assert list(processed(SSL).resources) == ["Topic"]


def test_every_failed_assertion_is_reported() -> None:
    found = errors(SSL, parameters={"UseSSL": "Yes"})
    assert [(d.code, d.path) for d in found] == [
        ("E1042", ("Rules", "SSLCertificate", "Assertions", 0)),
        ("E1042", ("Rules", "SSLCertificate", "Assertions", 1))]
    assert "ACM Certificate value cannot be empty if SSL is required" in found[0].message
    assert "Route53 Hosted Zone Name is mandatory when SSL is required" in found[1].message


def test_one_failed_assertion_of_two() -> None:
    (d,) = errors(SSL, parameters={"UseSSL": "Yes", "ALBSSLCertificateARN": "arn:aws:acm:cert"})
    assert d.path == ("Rules", "SSLCertificate", "Assertions", 1)
    processed(SSL, parameters={"UseSSL": "Yes", "ALBSSLCertificateARN": "arn:aws:acm:cert",
                               "HostedZoneName": "example.com"})


# ---------------------------------------------------------------------------------------------
# Rule-specific functions

@pytest.mark.parametrize("assertion, holds", [
    # Fn::Contains: true if the string matches at least one value of the list.
    ({"Fn::Contains": [["m1.large", "m1.small"], {"Ref": "InstanceType"}]}, True),
    ({"Fn::Contains": [["m1.large"], {"Ref": "InstanceType"}]}, False),
    ({"Fn::Contains": [{"Ref": "Subnets"}, "subnet-2"]}, True),
    ({"Fn::Contains": [{"Ref": "Subnets"}, "subnet-9"]}, False),
    # Fn::EachMemberEquals: true if the string matches every value of the list.
    ({"Fn::EachMemberEquals": [["IT", "IT"], "IT"]}, True),
    ({"Fn::EachMemberEquals": [["IT", "HR"], "IT"]}, False),
    ({"Fn::EachMemberEquals": [{"Ref": "Same"}, "a"]}, True),
    # Fn::EachMemberIn: true if every member of the first list is in the second.
    ({"Fn::EachMemberIn": [{"Ref": "Subnets"}, ["subnet-1", "subnet-2", "subnet-3"]]}, True),
    ({"Fn::EachMemberIn": [{"Ref": "Subnets"}, ["subnet-1"]]}, False),
    ({"Fn::EachMemberIn": [["1", "2", "3"], ["1", "2", "3", "3", "4"]]}, True),
    # Condition functions inside rules (the documented Fn::And / Fn::Or examples).
    ({"Fn::And": [{"Fn::Equals": ["sg-mysggroup", {"Ref": "ASecurityGroup"}]},
                  {"Fn::Contains": [["m1.large", "m1.small"], {"Ref": "InstanceType"}]}]}, True),
    ({"Fn::And": [{"Fn::Equals": ["sg-other", {"Ref": "ASecurityGroup"}]},
                  {"Fn::Contains": [["m1.large", "m1.small"], {"Ref": "InstanceType"}]}]}, False),
    ({"Fn::Or": [{"Fn::Equals": ["sg-other", {"Ref": "ASecurityGroup"}]},
                 {"Fn::Contains": [["m1.large", "m1.small"], {"Ref": "InstanceType"}]}]}, True),
    ({"Fn::Not": [{"Fn::Equals": [{"Ref": "EnvironmentType"}, "prod"]}]}, True),
    ({"Fn::Not": [{"Fn::Contains": [["m1.small"], {"Ref": "InstanceType"}]}]}, False),
])
def test_rule_functions(assertion: Any, holds: bool) -> None:
    rules = {"R": {"Assertions": [{"Assert": assertion, "AssertDescription": "nope"}]}}
    found = run_rules(rules, InstanceType="m1.small", ASecurityGroup="sg-mysggroup",
                      EnvironmentType="test", Subnets=["subnet-1", "subnet-2"], Same=["a", "a"])
    if holds:
        assert found == []
    else:
        assert [(d.code, d.path, d.message) for d in found] == [
            ("E1042", ("Rules", "R", "Assertions", 0), "rule 'R' failed: nope")]


def test_assertion_without_description_still_says_it_failed() -> None:
    found = run_rules({"R": {"Assertions": [{"Assert": {"Fn::Equals": ["a", "b"]}}]}})
    assert [(d.code, d.message) for d in found] == [("E1042", "rule 'R' failed: assertion failed")]


@pytest.mark.parametrize("assertion", [
    {"Fn::EachMemberEquals": [{"Fn::ValueOfAll": ["AWS::EC2::VPC::Id", "Tags.Department"]}, "IT"]},
    {"Fn::EachMemberIn": [{"Fn::ValueOfAll": ["AWS::EC2::Subnet::Id", "VpcId"]},
                          {"Fn::RefAll": "AWS::EC2::VPC::Id"}]},
    {"Fn::Equals": [{"Fn::ValueOf": ["ElbVpc", "Tags.Department"]}, "IT"]},
])
def test_assertions_needing_the_account_are_skipped_with_a_note(assertion: Any) -> None:
    # Documented examples that read the account's VPCs and subnets: not decidable offline.
    found = run_rules({"R": {"Assertions": [{"Assert": assertion, "AssertDescription": "x"}]}},
                      ElbVpc="vpc-1")
    assert [(d.code, d.severity, d.path) for d in found] == [
        ("I1041", Severity.INFO, ("Rules", "R", "Assertions", 0))]
    assert "not checked" in found[0].message


def test_rule_condition_needing_the_account_skips_the_rule() -> None:
    found = run_rules({"R": {"RuleCondition": {"Fn::Contains": [{"Fn::RefAll": "AWS::EC2::VPC::Id"}, "v"]},
                             "Assertions": [{"Assert": {"Fn::Equals": ["a", "b"]}}]}})
    assert [(d.code, d.path) for d in found] == [("I1041", ("Rules", "R"))]


def test_skipped_rules_are_kept_as_notes_on_the_processed_template() -> None:
    text = """\
    Rules:
      VpcTagged:
        Assertions:
          - Assert:
              Fn::EachMemberEquals:
                - Fn::ValueOfAll: ["AWS::EC2::VPC::Id", Tags.Department]
                - IT
    Resources:
      Topic:
        Type: AWS::SNS::Topic
    """
    p = processed(text)
    notes = [d for d in p.warnings if d.code == "I1041"]
    assert len(notes) == 1 and notes[0].path == ("Rules", "VpcTagged", "Assertions", 0)
    assert notes[0].span == at(text, "Assert:")


# ---------------------------------------------------------------------------------------------
# Malformed rules

@pytest.mark.parametrize("rule, path, message", [
    ({"Assertions": []}, ("Rules", "R", "Assertions"), "non-empty list of Assertions"),
    ({}, ("Rules", "R", "Assertions"), "non-empty list of Assertions"),
    ({"Assertions": [{"AssertDescription": "x"}]}, ("Rules", "R", "Assertions", 0),
     "mapping with Assert"),
    ({"Assertions": [{"Assert": {"Ref": "P"}}]}, ("Rules", "R", "Assertions", 0, "Assert"),
     "must evaluate to true or false"),
    ({"Condition": {"Fn::Equals": ["a", "a"]}, "Assertions": [{"Assert": {"Fn::Equals": ["a", "a"]}}]},
     ("Rules", "R"), "Assertions and an optional RuleCondition"),
    ({"RuleCondition": "yes", "Assertions": [{"Assert": {"Fn::Equals": ["a", "a"]}}]},
     ("Rules", "R"), "RuleCondition of rule 'R' must be a condition"),
])
def test_malformed_rules(rule: Any, path: tuple[Any, ...], message: str) -> None:
    found = run_rules({"R": rule}, P="x")
    assert [(d.code, d.path) for d in found] == [("E1040", path)]
    assert message in found[0].message


def test_rules_section_must_be_a_mapping() -> None:
    found = run_rules([{"Assertions": []}])
    assert [(d.code, d.path) for d in found] == [("E1040", ("Rules",))]


def test_rules_may_not_refer_to_resources() -> None:
    text = """\
    Rules:
      NoResources:
        Assertions:
          - Assert: !Equals [!Ref Topic, x]
          - Assert: !Equals [!GetAtt Topic.TopicName, x]
    Resources:
      Topic:
        Type: AWS::SNS::Topic
    """
    found = errors(text)
    assert [(d.code, d.path) for d in found] == [
        ("E1020", ("Rules", "NoResources", "Assertions", 0, "Assert", "Fn::Equals", 0, "Ref")),
        ("E1010", ("Rules", "NoResources", "Assertions", 1, "Assert", "Fn::Equals", 0, "Fn::GetAtt"))]
    assert "Rules can refer only to parameters and pseudo parameters" in found[0].message
    assert "Rules cannot use Fn::GetAtt" in found[1].message
    assert found[0].span == at(text, "!Ref Topic")


def test_rules_may_refer_to_pseudo_parameters() -> None:
    text = """\
    Rules:
      OnlyInEurope:
        Assertions:
          - Assert: !Contains [[eu-west-1, eu-central-1], !Ref "AWS::Region"]
            AssertDescription: deploy to Europe only
    Resources:
      Topic:
        Type: AWS::SNS::Topic
    """
    processed(text, region="eu-west-1")
    (d,) = errors(text, region="us-east-1")
    assert d.code == "E1042" and "deploy to Europe only" in d.message


@pytest.mark.parametrize("assertion, message", [
    ({"Fn::Contains": ["a"]}, "Fn::Contains takes a list of two arguments"),
    ({"Fn::Contains": [[{"k": "v"}], "a"]}, "compares strings and lists of strings"),
    ({"Fn::And": [{"Fn::Equals": ["a", "a"]}]}, "a list of 2 to 10 conditions"),
])
def test_rule_function_argument_errors(assertion: Any, message: str) -> None:
    found = [d for d in run_rules({"R": {"Assertions": [{"Assert": assertion}]}}) if d.is_error]
    assert found and message in found[0].message
    assert found[0].path[:5] == ("Rules", "R", "Assertions", 0, "Assert")
