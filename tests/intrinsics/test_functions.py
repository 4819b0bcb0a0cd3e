"""Intrinsic functions, each with the examples of its AWS documentation page and its error cases.

Templates go through the whole front half (decode → transforms → parameters → conditions →
evaluation) so the assertions cover what a user sees: the rendered template, or the diagnostics
with their code, template path and file:line:col.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from stackengine.diagnostics import Diagnostic, DiagnosticSink, Span, TemplateError
from stackengine.intrinsics.evaluate import EvalContext, Evaluator, Scope, StackInfo
from stackengine.intrinsics.functions import FUNCTIONS
from stackengine.render import ProcessedTemplate, RenderOptions, process
from stackengine.template.decode import decode_text
from stackengine.values import Unknown, to_template

FILE = "t.yaml"


def _opts(options: dict[str, Any]) -> RenderOptions:
    return RenderOptions(**options)


def processed(text: str, **options: Any) -> ProcessedTemplate:
    return process(decode_text(textwrap.dedent(text), FILE), _opts(options))


def rendered(text: str, **options: Any) -> dict[str, Any]:
    return processed(text, **options).rendered()


def props(text: str, resource: str = "R", **options: Any) -> dict[str, Any]:
    return dict(rendered(text, **options)["Resources"][resource]["Properties"])


def errors(text: str, **options: Any) -> list[Diagnostic]:
    with pytest.raises(TemplateError) as info:
        processed(text, **options)
    found = info.value.errors
    assert found, "a TemplateError without errors"
    return found


def one_error(text: str, **options: Any) -> Diagnostic:
    found = errors(text, **options)
    assert len(found) == 1, [str(d) for d in found]
    return found[0]


def at(text: str, needle: str, offset: int = 0, occurrence: int = 1) -> Span:
    """The file:line:col of `needle` (its `occurrence`-th appearance) in the dedented template."""
    body = textwrap.dedent(text)
    index = -1
    for _ in range(occurrence):
        index = body.index(needle, index + 1)
    index += offset
    line = body.count("\n", 0, index) + 1
    col = index - (body.rfind("\n", 0, index) + 1) + 1
    return Span(FILE, line, col)


def evaluate(value: Any, *, scope: Scope = Scope.RESOURCE, **ctx: Any) -> tuple[Any, list[Diagnostic]]:
    sink = DiagnosticSink()
    result = Evaluator(EvalContext(**ctx), sink, scope).resolve(value, ("Resources", "R", "Properties", "P"))
    return result, sink.items


def test_registry_holds_every_documented_function() -> None:
    documented = {
        "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::Base64",
        "Fn::GetAZs", "Fn::Cidr", "Fn::FindInMap", "Fn::ImportValue", "Fn::GetStackOutput", "Fn::If",
        "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition", "Fn::Length", "Fn::ToJsonString",
        "Fn::Contains", "Fn::EachMemberEquals", "Fn::EachMemberIn", "Fn::RefAll", "Fn::ValueOf",
        "Fn::ValueOfAll", "Fn::Transform",
    }
    assert documented <= set(FUNCTIONS)


# ---------------------------------------------------------------------------------------------
# Ref

REF = """\
Parameters:
  InstanceTypeParameter:
    Type: String
    Default: t2.micro
  Subnets:
    Type: CommaDelimitedList
    Default: subnet-1,subnet-2
Resources:
  MyEIP:
    Type: AWS::EC2::EIP
    Properties:
      InstanceId: !Ref MyEC2Instance
  MyEC2Instance:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: !Ref InstanceTypeParameter
      SubnetIds: !Ref Subnets
      Long:
        Ref: InstanceTypeParameter
"""


def test_ref_to_a_parameter_gives_its_value_and_to_a_resource_stays_symbolic() -> None:
    out = rendered(REF)["Resources"]
    # Docs: "When you specify a parameter's logical name, it returns the value of the parameter."
    assert out["MyEC2Instance"]["Properties"] == {
        "InstanceType": "t2.micro", "SubnetIds": ["subnet-1", "subnet-2"], "Long": "t2.micro"}
    # Docs: "When you specify a resource's logical name, it returns a value that you can typically
    # use to refer to that resource" — known only after deployment.
    assert out["MyEIP"]["Properties"] == {"InstanceId": {"Ref": "MyEC2Instance"}}


def test_ref_uses_parameter_overrides() -> None:
    out = rendered(REF, parameters={"InstanceTypeParameter": "m5.large", "Subnets": "a,b,c"})
    assert out["Resources"]["MyEC2Instance"]["Properties"]["InstanceType"] == "m5.large"
    assert out["Resources"]["MyEC2Instance"]["Properties"]["SubnetIds"] == ["a", "b", "c"]


def test_ref_to_an_undeclared_name_is_an_error_with_path_and_position() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Ref Nowhere
    """
    d = one_error(text)
    assert d.code == "E1020"
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Ref")
    assert d.span == at(text, "!Ref Nowhere")
    assert "'Nowhere'" in d.message and "neither a parameter nor a resource" in d.message
    assert f"{FILE}:5:" in d.format() and "Resources.R.Properties.TopicName.Ref" in d.format()


def test_ref_to_an_unknown_pseudo_parameter_lists_the_known_ones() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Ref AWS::Regoin
    """
    d = one_error(text)
    assert d.code == "E1020"
    assert "'AWS::Regoin' is not a pseudo parameter" in d.message
    assert "AWS::Region" in d.message and "AWS::URLSuffix" in d.message
    assert d.span == at(text, "!Ref AWS::Regoin")


def test_ref_takes_a_string() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName:
            Ref: [a, b]
    """
    d = one_error(text)
    assert d.code == "E1020"
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Ref")
    assert d.span == at(text, "[a, b]")


def test_every_error_in_a_template_is_reported_at_once() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          A: !Ref Missing1
          B: !GetAtt Missing2.Arn
          C: !Select [3, [a]]
    """
    found = errors(text)
    assert [d.code for d in found] == ["E1020", "E1010", "E1017"]
    assert [d.span.line for d in found if d.span] == [5, 6, 7]


# ---------------------------------------------------------------------------------------------
# Fn::GetAtt

GETATT = """\
Parameters:
  AttrName:
    Type: String
    Default: DNSName
Resources:
  myELB:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      AvailabilityZones: [eu-west-1a]
      Listeners: [{LoadBalancerPort: '80', InstancePort: '80', Protocol: HTTP}]
  R:
    Type: AWS::EC2::SecurityGroup
    Properties:
      Short: !GetAtt myELB.DNSName
      Long:
        Fn::GetAtt: [myELB, DNSName]
      Dotted: !GetAtt myELB.SourceSecurityGroup.OwnerAlias
      DottedList: !GetAtt [myELB, SourceSecurityGroup.GroupName]
      ByRef: !GetAtt [myELB, !Ref AttrName]
"""


def test_getatt_forms_from_the_docs_stay_symbolic() -> None:
    p = props(GETATT)
    assert p["Short"] == {"Fn::GetAtt": ["myELB", "DNSName"]}
    assert p["Long"] == {"Fn::GetAtt": ["myELB", "DNSName"]}
    # The short form splits at the first dot only: the attribute keeps the rest.
    assert p["Dotted"] == {"Fn::GetAtt": ["myELB", "SourceSecurityGroup.OwnerAlias"]}
    assert p["DottedList"] == {"Fn::GetAtt": ["myELB", "SourceSecurityGroup.GroupName"]}
    # Docs: "For the Fn::GetAtt attribute name, you can use the Ref function."
    assert p["ByRef"] == {"Fn::GetAtt": ["myELB", "DNSName"]}


def test_getatt_resolves_late_through_a_lookup() -> None:
    p = processed(GETATT)
    values = {("myELB", "DNSName"): "elb-1.example.com",
              ("myELB", "SourceSecurityGroup.OwnerAlias"): "amazon-elb",
              ("myELB", "SourceSecurityGroup.GroupName"): "elb-sg"}
    late = p.resolve_late(p.resources["R"].properties, lambda lid, attr: values[(lid, attr)])
    assert late == {"Short": "elb-1.example.com", "Long": "elb-1.example.com", "Dotted": "amazon-elb",
                    "DottedList": "elb-sg", "ByRef": "elb-1.example.com"}


def test_getatt_of_an_undeclared_resource() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !GetAtt Ghost.Name
    """
    d = one_error(text)
    assert d.code == "E1010"
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Fn::GetAtt")
    assert "'Ghost'" in d.message and "not a resource of this template" in d.message
    assert d.span is not None and d.span.line == 5


@pytest.mark.parametrize("argument", ["Fn::GetAtt: NoDotHere", "Fn::GetAtt: [OnlyOne]",
                                      "Fn::GetAtt: [a, b, c]", "Fn::GetAtt: {a: b}"])
def test_getatt_shape_errors(argument: str) -> None:
    text = f"""\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName:
            {argument}
    """
    d = one_error(text)
    assert d.code == "E1010"
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Fn::GetAtt")
    assert "[LogicalId, AttributeName]" in d.message
    assert d.span is not None and d.span.line == 6


# ---------------------------------------------------------------------------------------------
# Fn::Sub

SUB = """\
Parameters:
  RootDomainName:
    Type: String
    Default: example.com
  Env:
    Type: String
    Default: prod
Mappings:
  LogGroupMapping:
    Test: {Name: test_log_group}
    Prod: {Name: prod_log_group}
Resources:
  vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Bucket:
    Type: AWS::S3::Bucket
  R:
    Type: AWS::EC2::Instance
    Properties:
      WithMap: !Sub
        - www.${Domain}
        - Domain: !Ref RootDomainName
      FromMapping: !Sub
        - cloud_watch_${log_group_name}
        - log_group_name: !FindInMap [LogGroupMapping, Test, Name]
      Pseudo: !Sub 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc/${vpc}'
      Policy: !Sub "arn:${AWS::Partition}:s3:::${Bucket}/*"
      Attr: !Sub "${Bucket.Arn}/logs/${Env}"
      UserData: !Sub |
        #!/bin/bash -xe
        /opt/aws/bin/cfn-init -v --stack ${AWS::StackName} --region ${AWS::Region}
      Literal: !Sub "${!Literal}-${Env}"
      LiteralOpen: !Sub "${!Literal}-${Env}-${Bucket}"
      Plain: !Sub "no variables at all"
      MixedMap: !Sub
        - "${Name}-${Arn}-${Env}"
        - Name: !Ref RootDomainName
          Arn: !GetAtt Bucket.Arn
"""


def test_sub_documented_examples_fold_parameters_mappings_and_pseudo_parameters() -> None:
    p = props(SUB, stack_name="web", region="eu-west-1", account_id="111122223333")
    # Docs example: www.${Domain} with Domain: !Ref RootDomainName
    assert p["WithMap"] == "www.example.com"
    assert p["FromMapping"] == "cloud_watch_test_log_group"
    assert p["UserData"] == ("#!/bin/bash -xe\n"
                             "/opt/aws/bin/cfn-init -v --stack web --region eu-west-1\n")
    assert p["Plain"] == "no variables at all"


def test_sub_partial_folding_keeps_only_the_resource_part_symbolic() -> None:
    p = props(SUB, region="eu-west-1", account_id="111122223333")
    assert p["Policy"] == {"Fn::Sub": "arn:aws:s3:::${Bucket}/*"}
    assert p["Pseudo"] == {"Fn::Sub": "arn:aws:ec2:eu-west-1:111122223333:vpc/${vpc}"}
    assert p["Attr"] == {"Fn::Sub": "${Bucket.Arn}/logs/prod"}
    # A variable map keeps only its unresolved variables.
    assert p["MixedMap"] == {"Fn::Sub": ["example.com-${Arn}-prod",
                                         {"Arn": {"Fn::GetAtt": ["Bucket", "Arn"]}}]}


def test_sub_partition_follows_the_region() -> None:
    assert props(SUB, region="cn-north-1")["Policy"] == {"Fn::Sub": "arn:aws-cn:s3:::${Bucket}/*"}
    assert props(SUB, region="us-gov-west-1")["Policy"] == {"Fn::Sub": "arn:aws-us-gov:s3:::${Bucket}/*"}


def test_sub_literal_escape_resolved_and_still_symbolic() -> None:
    p = props(SUB)
    # Docs: "${!Literal}" is written out as "${Literal}".
    assert p["Literal"] == "${Literal}-prod"
    # While the Sub stays open the escape must survive, or CloudFormation would substitute it later.
    assert p["LiteralOpen"] == {"Fn::Sub": "${!Literal}-prod-${Bucket}"}


def test_sub_resolves_late_and_keeps_escapes_literal() -> None:
    p = processed(SUB)
    values = {("Bucket", None): "my-bucket", ("Bucket", "Arn"): "arn:aws:s3:::my-bucket",
              ("vpc", None): "vpc-123"}
    late = p.resolve_late(p.resources["R"].properties, lambda lid, attr: values[(lid, attr)])
    assert late["Policy"] == "arn:aws:s3:::my-bucket/*"
    assert late["Attr"] == "arn:aws:s3:::my-bucket/logs/prod"
    assert late["LiteralOpen"] == "${Literal}-prod-my-bucket"
    assert late["MixedMap"] == "example.com-arn:aws:s3:::my-bucket-prod"
    assert late["Pseudo"] == "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-123"


def test_sub_inserted_values_containing_dollar_braces_are_not_substituted_again() -> None:
    text = """\
    Parameters:
      Tricky:
        Type: String
        Default: "${Bucket}"
    Resources:
      Bucket:
        Type: AWS::S3::Bucket
      R:
        Type: AWS::SNS::Topic
        Properties:
          Closed: !Sub "v=${Tricky}"
          Open: !Sub "v=${Tricky} b=${Bucket}"
    """
    p = processed(text)
    assert p.resources["R"].properties["Closed"] == "v=${Bucket}"
    assert p.resources["R"].properties["Open"] == {"Fn::Sub": "v=${!Bucket} b=${Bucket}"}
    late = p.resolve_late(p.resources["R"].properties, lambda lid, attr: "real")
    assert late["Open"] == "v=${Bucket} b=real"


def test_sub_undeclared_variable() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Sub "${Missing}-topic"
    """
    d = one_error(text)
    assert d.code == "E1020"
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Fn::Sub")
    assert "'Missing'" in d.message
    assert d.span == at(text, '!Sub "${Missing}')


def test_sub_variable_naming_a_list_is_an_error() -> None:
    text = """\
    Parameters:
      Subnets:
        Type: CommaDelimitedList
        Default: a,b
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Sub
            - "${Subnets}"
            - {}
    """
    d = one_error(text)
    assert d.code == "E1019"
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Fn::Sub", 0)
    assert "is a list" in d.message and "Fn::Join" in d.message
    assert d.span == at(text, '"${Subnets}"')


def test_sub_mapping_variable_that_is_a_list_is_an_error() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Sub
            - "${X}"
            - X: [a, b]
    """
    d = one_error(text)
    assert d.code == "E1019"
    assert "${X}" in d.message


@pytest.mark.parametrize("argument", ["[a, b, c]", "[[a], {}]", "[a, b]", "{a: b}", "42"])
def test_sub_shape_errors(argument: str) -> None:
    text = f"""\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName:
            Fn::Sub: {argument}
    """
    d = one_error(text)
    assert d.code == "E1019"
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Fn::Sub")
    assert "Fn::Sub takes a string" in d.message
    assert d.span == at(text, argument)


# ---------------------------------------------------------------------------------------------
# Fn::Join

JOIN = """\
Parameters:
  Subnets:
    Type: CommaDelimitedList
    Default: subnet-a,subnet-b
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  R:
    Type: AWS::SNS::Topic
    Properties:
      Simple: !Join [":", [a, b, c]]
      Arn: !Join ['', ['arn:', !Ref AWS::Partition, ':s3:::elasticbeanstalk-*-', !Ref AWS::AccountId]]
      FromList: !Join [",", !Ref Subnets]
      Empty: !Join ["-", []]
      Numbers: !Join ["-", [1, 2, true]]
      Open: !Join ["/", [!Ref AWS::Region, !Ref Bucket, x]]
"""


def test_join_documented_examples() -> None:
    p = props(JOIN, account_id="123456789012")
    assert p["Simple"] == "a:b:c"
    assert p["Arn"] == "arn:aws:s3:::elasticbeanstalk-*-123456789012"
    assert p["FromList"] == "subnet-a,subnet-b"
    assert p["Empty"] == ""
    assert p["Numbers"] == "1-2-true"


def test_join_with_a_resource_reference_stays_symbolic_with_the_rest_folded() -> None:
    p = processed(JOIN, region="ap-south-1")
    assert p.resources["R"].properties["Open"] == {
        "Fn::Join": ["/", ["ap-south-1", {"Ref": "Bucket"}, "x"]]}
    late = p.resolve_late(p.resources["R"].properties["Open"], lambda lid, attr: "bkt")
    assert late == "ap-south-1/bkt/x"


@pytest.mark.parametrize("argument, code, path_tail, message", [
    ("[',', a]", "E1022", (1,), "joins a list, not str"),
    ("[',', [a, [b]]]", "E1022", (1, 1), "item 1 is a list"),
    ("[',', [a, {k: v}]]", "E1022", (1, 1), "item 1 is a mapping"),
    ("[[','], [a]]", "E1022", (0,), "delimiter must be a string"),
    ("[',']", "E1001", (), "Fn::Join takes [delimiter, [values...]]"),
    ("a,b", "E1001", (), "Fn::Join takes [delimiter, [values...]]"),
])
def test_join_errors(argument: str, code: str, path_tail: tuple[Any, ...], message: str) -> None:
    text = f"""\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName:
            Fn::Join: {argument}
    """
    d = one_error(text)
    assert d.code == code
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Fn::Join") + path_tail
    assert message in d.message
    assert d.span is not None and d.span.line == 6


# ---------------------------------------------------------------------------------------------
# Fn::Select / Fn::Split

SELECT = """\
Parameters:
  DbSubnetIpBlocks:
    Type: CommaDelimitedList
    Default: "10.0.48.0/24, 10.0.112.0/24, 10.0.176.0/24"
  Index:
    Type: Number
    Default: 2
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  R:
    Type: AWS::EC2::Subnet
    Properties:
      Fruit: !Select ["1", ["apples", "grapes", "oranges", "mangoes"]]
      CidrBlock: !Select [0, !Ref DbSubnetIpBlocks]
      Second: !Select [1, !Ref DbSubnetIpBlocks]
      ByParameter: !Select [!Ref Index, !Ref DbSubnetIpBlocks]
      AvailabilityZone: !Select [0, !GetAZs ""]
      Nested: !Select [1, !Split [",", "a,b,c"]]
      Open: !Select [1, !GetAtt Vpc.CidrBlockAssociations]
"""


def test_select_documented_examples() -> None:
    p = props(SELECT, region="eu-west-1")
    assert p["Fruit"] == "grapes"
    assert p["CidrBlock"] == "10.0.48.0/24"
    assert p["Second"] == "10.0.112.0/24"  # list members are space-trimmed
    assert p["ByParameter"] == "10.0.176.0/24"
    assert p["AvailabilityZone"] == "eu-west-1a"
    assert p["Nested"] == "b"
    assert p["Open"] == {"Fn::Select": [1, {"Fn::GetAtt": ["Vpc", "CidrBlockAssociations"]}]}


def test_select_from_a_symbolic_list_resolves_late() -> None:
    p = processed(SELECT)
    late = p.resolve_late(p.resources["R"].properties["Open"], lambda lid, attr: ["assoc-1", "assoc-2"])
    assert late == "assoc-2"


@pytest.mark.parametrize("index, size", [("4", 4), ("10", 1)])
def test_select_out_of_range(index: str, size: int) -> None:
    items = ", ".join(f"i{n}" for n in range(size))
    text = f"""\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Select [{index}, [{items}]]
    """
    d = one_error(text)
    assert d.code == "E1017"
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Fn::Select", 0)
    assert d.span == at(text, f"[{index},", 1)
    assert f"index {index} is out of range for a list of {size} item" in d.message


def test_select_out_of_range_of_a_parameter_list() -> None:
    text = """\
    Parameters:
      Names:
        Type: CommaDelimitedList
        Default: a,b
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Select [2, !Ref Names]
    """
    d = one_error(text)
    assert d.code == "E1017" and "out of range for a list of 2 items" in d.message


@pytest.mark.parametrize("argument, path_tail, message", [
    ("[-1, [a, b]]", (0,), "index -1 is out of range"),
    ("[one, [a, b]]", (0,), "whole number"),
    ("[0, abc]", (1,), "picks from a list, not str"),
    ("[0]", (), "Fn::Select takes [index, list]"),
])
def test_select_errors(argument: str, path_tail: tuple[Any, ...], message: str) -> None:
    text = f"""\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName:
            Fn::Select: {argument}
    """
    d = one_error(text)
    assert d.code in ("E1017", "E1001")
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Fn::Select") + path_tail
    assert message in d.message


SPLIT = """\
Resources:
  R:
    Type: AWS::SNS::Topic
    Properties:
      Simple: !Split ["|", "a|b|c"]
      Empties: !Split ["|", "a||c|"]
      NoDelimiter: !Split [",", "abc"]
      Imported: !Select [2, !Split [",", !ImportValue AccountSubnetIDs]]
      Joined: !Split [",", !Join [",", [x, y]]]
"""


def test_split_documented_examples() -> None:
    p = props(SPLIT)
    assert p["Simple"] == ["a", "b", "c"]
    # Docs: "If you split a string with consecutive delimiters, the resulting list will include an
    # empty string" — and a trailing delimiter gives a trailing empty string.
    assert p["Empties"] == ["a", "", "c", ""]
    assert p["NoDelimiter"] == ["abc"]
    assert p["Joined"] == ["x", "y"]
    assert p["Imported"] == {"Fn::Select": [2, {"Fn::Split": [",", {"Fn::ImportValue": "AccountSubnetIDs"}]}]}


def test_split_of_an_import_resolves_with_the_export() -> None:
    p = props(SPLIT, import_value={"AccountSubnetIDs": "subnet-1,subnet-2,subnet-3"}.__getitem__)
    assert p["Imported"] == "subnet-3"


@pytest.mark.parametrize("argument, path_tail, message", [
    ("['', abc]", (0,), "non-empty string"),
    ("[',', [a, b]]", (1,), "source must be a string, not a list"),
    ("[',']", (), "Fn::Split takes [delimiter, source string]"),
])
def test_split_errors(argument: str, path_tail: tuple[Any, ...], message: str) -> None:
    text = f"""\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName:
            Fn::Split: {argument}
    """
    d = one_error(text)
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Fn::Split") + path_tail
    assert message in d.message
    assert d.span is not None and d.span.line == 6


# ---------------------------------------------------------------------------------------------
# Fn::Base64

def test_base64_documented_example_and_with_sub() -> None:
    text = """\
    Resources:
      Bucket:
        Type: AWS::S3::Bucket
      R:
        Type: AWS::EC2::Instance
        Properties:
          Doc: !Base64 AWSCloudFormation
          Long:
            Fn::Base64: AWSCloudFormation
          UserData: !Base64
            Fn::Sub: "echo ${AWS::Region}"
          Unicode: !Base64 "é"
          Open: !Base64 {"Fn::Sub": "echo ${Bucket}"}
    """
    p = processed(text, region="us-west-2")
    props_ = p.resources["R"].properties
    assert props_["Doc"] == "QVdTQ2xvdWRGb3JtYXRpb24="
    assert props_["Long"] == "QVdTQ2xvdWRGb3JtYXRpb24="
    assert props_["UserData"] == "ZWNobyB1cy13ZXN0LTI="  # "echo us-west-2"
    assert props_["Unicode"] == "w6k="
    assert props_["Open"] == {"Fn::Base64": {"Fn::Sub": "echo ${Bucket}"}}
    assert p.resolve_late(props_["Open"], lambda lid, attr: "b") == "ZWNobyBi"  # "echo b"


def test_base64_of_a_list_is_an_error() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::EC2::Instance
        Properties:
          UserData: !Base64 [a, b]
    """
    d = one_error(text)
    assert d.code == "E1001"
    assert d.path == ("Resources", "R", "Properties", "UserData", "Fn::Base64")
    assert "Fn::Base64 value must be a string, not a list" in d.message
    assert d.span == at(text, "!Base64 [a, b]")


# ---------------------------------------------------------------------------------------------
# Fn::GetAZs

GETAZS = """\
Resources:
  R:
    Type: AWS::EC2::Subnet
    Properties:
      Empty: !GetAZs ""
      ByRef:
        Fn::GetAZs: {Ref: "AWS::Region"}
      Named: !GetAZs us-east-1
      First: !Select [0, !GetAZs ""]
"""


@pytest.mark.parametrize("region, zones", [
    ("us-east-1", ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]),
    ("eu-west-1", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
    ("us-west-1", ["us-west-1a", "us-west-1c"]),
    ("ap-northeast-1", ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]),
    ("cn-north-1", ["cn-north-1a", "cn-north-1b", "cn-north-1d"]),
    ("us-gov-west-1", ["us-gov-west-1a", "us-gov-west-1b", "us-gov-west-1c"]),
])
def test_getazs_lists_the_zones_of_the_stack_region(region: str, zones: list[str]) -> None:
    p = props(GETAZS, region=region)
    # Docs: '' and !Ref AWS::Region both mean the region the stack is created in.
    assert p["Empty"] == zones
    assert p["ByRef"] == zones
    assert p["First"] == zones[0]
    assert p["Named"] == ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e",
                          "us-east-1f"]
    assert p["Empty"] == sorted(p["Empty"])  # docs: in alphabetical order


def test_getazs_of_a_list_is_an_error() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::EC2::Subnet
        Properties:
          AvailabilityZone: !GetAZs [us-east-1]
    """
    d = one_error(text)
    assert d.code == "E1015"
    assert d.path == ("Resources", "R", "Properties", "AvailabilityZone", "Fn::GetAZs")
    assert d.span == at(text, "!GetAZs [us-east-1]")


# ---------------------------------------------------------------------------------------------
# Fn::Cidr

CIDR = """\
Resources:
  ExampleVpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  R:
    Type: AWS::EC2::Subnet
    Properties:
      Doc: !Cidr ["192.168.0.0/24", 6, 5]
      Strings:
        Fn::Cidr: ["192.168.0.0/24", "6", "5"]
      Vpc: !Select [0, !Cidr [10.0.0.0/16, 1, 8]]
      Ipv6Literal: !Cidr ["2600:1f16:abc:de00::/56", 2, 64]
      Ipv6CidrBlock: !Select [0, !Cidr [!Select [0, !GetAtt ExampleVpc.Ipv6CidrBlocks], 1, 64]]
"""


def test_cidr_documented_ipv4_examples() -> None:
    p = props(CIDR)
    six = ["192.168.0.0/27", "192.168.0.32/27", "192.168.0.64/27", "192.168.0.96/27",
           "192.168.0.128/27", "192.168.0.160/27"]
    assert p["Doc"] == six
    assert p["Strings"] == six
    assert p["Vpc"] == "10.0.0.0/24"
    assert p["Ipv6Literal"] == ["2600:1f16:abc:de00::/64", "2600:1f16:abc:de01::/64"]


def test_cidr_documented_ipv6_example_is_symbolic_until_the_vpc_exists() -> None:
    p = processed(CIDR)
    residual = p.resources["R"].properties["Ipv6CidrBlock"]
    assert residual == {"Fn::Select": [0, {"Fn::Cidr": [
        {"Fn::Select": [0, {"Fn::GetAtt": ["ExampleVpc", "Ipv6CidrBlocks"]}]}, 1, 64]}]}
    late = p.resolve_late(residual, lambda lid, attr: ["2600:1f16:abc:de00::/56"])
    assert late == "2600:1f16:abc:de00::/64"


@pytest.mark.parametrize("argument, path_tail, message", [
    ('["192.168.0.0/24", 9, 5]', (), "holds only 8 /27 subnets"),
    ('["192.168.0.0/24", 0, 5]', (), "count must be between 1 and 256"),
    ('["192.168.0.0/24", 6, 33]', (), "cidrBits must be between 1 and 32"),
    ('["192.168.0.0", 6, 5]', (), "is not a CIDR block"),
    ('["300.1.0.0/16", 6, 5]', (), "not a valid IPv4 or IPv6 CIDR block"),
    ('["192.168.0.0/24", six, 5]', (1,), "count must be a whole number"),
    ('["192.168.0.0/24", 6, 5.5]', (2,), "cidrBits must be a whole number"),
    ('[[a], 6, 5]', (0,), "ipBlock must be a CIDR string"),
    ('["192.168.0.0/24", 6]', (), "Fn::Cidr takes [ipBlock, count, cidrBits]"),
])
def test_cidr_errors(argument: str, path_tail: tuple[Any, ...], message: str) -> None:
    text = f"""\
    Resources:
      R:
        Type: AWS::EC2::Subnet
        Properties:
          CidrBlock:
            Fn::Cidr: {argument}
    """
    d = one_error(text)
    assert d.code in ("E1024", "E1001")
    assert d.path == ("Resources", "R", "Properties", "CidrBlock", "Fn::Cidr") + path_tail
    assert message in d.message
    assert d.span is not None and d.span.line == 6


# ---------------------------------------------------------------------------------------------
# Fn::FindInMap

REGION_MAP = """\
Mappings:
  RegionMap:
    us-east-1:
      HVM64: ami-0ff8a91507f77f867
      HVMG2: ami-0a584ac55a7631c0c
    us-west-1:
      HVM64: ami-0bdb828fd58c52235
      HVMG2: ami-066ee5fd4a9ef77f1
    eu-west-1:
      HVM64: ami-047bb4163c506cd98
      HVMG2: ami-0a7c483d527806435
    ap-northeast-1:
      HVM64: ami-06cd52961ce9f0d85
      HVMG2: ami-053cdd503598e4a9d
    ap-southeast-1:
      HVM64: ami-08569b978cc4dfa10
      HVMG2: ami-0be9df32ae9f92309
  Lists:
    Subnets:
      Ids: [subnet-1, subnet-2]
Resources:
  myEC2Instance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !FindInMap [RegionMap, !Ref "AWS::Region", HVM64]
      Gpu:
        Fn::FindInMap: [RegionMap, {Ref: "AWS::Region"}, HVMG2]
      SubnetIds: !FindInMap [Lists, Subnets, Ids]
"""


@pytest.mark.parametrize("region, hvm64, hvmg2", [
    ("us-east-1", "ami-0ff8a91507f77f867", "ami-0a584ac55a7631c0c"),
    ("eu-west-1", "ami-047bb4163c506cd98", "ami-0a7c483d527806435"),
    ("ap-southeast-1", "ami-08569b978cc4dfa10", "ami-0be9df32ae9f92309"),
])
def test_findinmap_documented_region_map(region: str, hvm64: str, hvmg2: str) -> None:
    p = props(REGION_MAP, "myEC2Instance", region=region)
    assert p["ImageId"] == hvm64
    assert p["Gpu"] == hvmg2
    assert p["SubnetIds"] == ["subnet-1", "subnet-2"]


def test_findinmap_missing_top_level_key_points_at_that_key() -> None:
    text = REGION_MAP
    d, gpu = errors(text, region="sa-east-1")
    assert gpu.path[-3:] == ("Gpu", "Fn::FindInMap", 1)
    assert d.code == "E1011"
    assert d.path == ("Resources", "myEC2Instance", "Properties", "ImageId", "Fn::FindInMap", 1)
    assert "mapping 'RegionMap' has no key 'sa-east-1'" in d.message
    assert d.span == at(text, '!Ref "AWS::Region"')


def test_findinmap_missing_second_level_key_and_missing_map() -> None:
    text = """\
    Mappings:
      RegionMap:
        us-east-1: {HVM64: ami-1}
    Resources:
      R:
        Type: AWS::EC2::Instance
        Properties:
          A: !FindInMap [RegionMap, us-east-1, ARM64]
          B: !FindInMap [NoSuchMap, us-east-1, HVM64]
    """
    a, b = errors(text)
    assert a.code == b.code == "E1011"
    assert a.path == ("Resources", "R", "Properties", "A", "Fn::FindInMap", 2)
    assert "key 'ARM64' under 'us-east-1'" in a.message
    assert a.span == at(text, "ARM64")
    assert b.path == ("Resources", "R", "Properties", "B", "Fn::FindInMap", 0)
    assert "no mapping 'NoSuchMap'" in b.message
    assert b.span == at(text, "NoSuchMap")


@pytest.mark.parametrize("argument", ["[RegionMap, us-east-1]", "RegionMap", "[a, b, c, d, e]"])
def test_findinmap_shape_errors(argument: str) -> None:
    text = f"""\
    Mappings:
      RegionMap:
        us-east-1: {{HVM64: ami-1}}
    Resources:
      R:
        Type: AWS::EC2::Instance
        Properties:
          ImageId:
            Fn::FindInMap: {argument}
    """
    d = one_error(text)
    assert d.code == "E1011"
    assert d.path == ("Resources", "R", "Properties", "ImageId", "Fn::FindInMap")
    assert "[MapName, TopLevelKey, SecondLevelKey]" in d.message


FINDINMAP_DEFAULT = """\
Transform: AWS::LanguageExtensions
Parameters:
  InputKeys:
    Type: String
    Default: "us-east-1|other"
Mappings:
  RegionMap:
    us-east-1: {InstanceType: m5.large}
Resources:
  R:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: !FindInMap [RegionMap, !Ref "AWS::Region", InstanceType, {DefaultValue: t3.micro}]
      MissingMap: !FindInMap [NoMap, a, b, {DefaultValue: [x, y]}]
      MissingSecond: !FindInMap [RegionMap, us-east-1, Missing, {DefaultValue: !Ref "AWS::Region"}]
      TopFromFunctions: !FindInMap [RegionMap, !Select [0, !Split ["|", !Ref InputKeys]], InstanceType]
"""


def test_findinmap_default_value_with_the_language_extensions_transform() -> None:
    found = props(FINDINMAP_DEFAULT, region="us-east-1")
    assert found["InstanceType"] == "m5.large"  # found: the default is not used
    assert found["TopFromFunctions"] == "m5.large"
    missing = props(FINDINMAP_DEFAULT, region="eu-central-1")
    assert missing["InstanceType"] == "t3.micro"  # docs example: default when the key is missing
    assert missing["MissingMap"] == ["x", "y"]
    assert missing["MissingSecond"] == "eu-central-1"


def test_findinmap_default_value_without_the_transform_is_an_error() -> None:
    text = """\
    Mappings:
      RegionMap:
        us-east-1: {InstanceType: m5.large}
    Resources:
      R:
        Type: AWS::EC2::Instance
        Properties:
          InstanceType: !FindInMap [RegionMap, !Ref "AWS::Region", InstanceType, {DefaultValue: t3.micro}]
    """
    d = one_error(text)
    assert d.code == "E1011"
    assert d.path == ("Resources", "R", "Properties", "InstanceType", "Fn::FindInMap", 3)
    assert "AWS::LanguageExtensions" in d.message
    assert d.span == at(text, "{DefaultValue")


def test_findinmap_fourth_argument_must_be_default_value() -> None:
    text = FINDINMAP_DEFAULT.replace("{DefaultValue: t3.micro}", "{Default: t3.micro}")
    d = one_error(text)
    assert d.code == "E1011"
    assert d.path[-2:] == ("Fn::FindInMap", 3)
    assert "{DefaultValue: ...}" in d.message


# ---------------------------------------------------------------------------------------------
# Fn::ImportValue

IMPORT = """\
Parameters:
  NetworkStackName:
    Type: String
    Default: net
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  R:
    Type: AWS::EC2::Instance
    Properties:
      SecurityGroups:
        - !ImportValue SharedSecurityGroup
      SubnetId:
        Fn::ImportValue: !Sub "${NetworkStackName}-SubnetID"
"""


def test_importvalue_stays_symbolic_without_a_lookup() -> None:
    p = props(IMPORT)
    assert p["SecurityGroups"] == [{"Fn::ImportValue": "SharedSecurityGroup"}]
    # The name is folded even though the import itself is not.
    assert p["SubnetId"] == {"Fn::ImportValue": "net-SubnetID"}


def test_importvalue_resolves_through_the_lookup() -> None:
    exports = {"SharedSecurityGroup": "sg-123", "prod-SubnetID": "subnet-9"}
    p = props(IMPORT, import_value=exports.__getitem__, parameters={"NetworkStackName": "prod"})
    assert p == {"SecurityGroups": ["sg-123"], "SubnetId": "subnet-9"}


def test_importvalue_of_a_missing_export_is_an_error() -> None:
    d = one_error(IMPORT, import_value={"SharedSecurityGroup": "sg-123"}.__getitem__)
    assert d.code == "E1016"
    assert d.path == ("Resources", "R", "Properties", "SubnetId", "Fn::ImportValue")
    assert "no stack exports 'net-SubnetID'" in d.message
    assert d.span == at(IMPORT, '!Sub "${NetworkStackName}')


def test_importvalue_name_cannot_depend_on_a_resource() -> None:
    text = """\
    Resources:
      Bucket:
        Type: AWS::S3::Bucket
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName:
            Fn::ImportValue: !Sub "${Bucket}-name"
    """
    d = one_error(text)
    assert d.code == "E1016"
    assert "cannot depend on a resource" in d.message
    assert d.span is not None and d.span.line == 8


def test_importvalue_name_must_be_a_string() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !ImportValue [a, b]
    """
    d = one_error(text)
    assert d.code == "E1016" and "export's name as a string" in d.message


# ---------------------------------------------------------------------------------------------
# Fn::GetStackOutput

STACK_OUTPUT = """\
Parameters:
  NetworkStack:
    Type: String
    Default: network-stack
Resources:
  R:
    Type: AWS::EC2::Instance
    Properties:
      SubnetId:
        Fn::GetStackOutput:
          StackName: !Ref NetworkStack
          OutputName: SubnetId
      VpcId: !GetStackOutput
        StackName: network-stack
        OutputName: VpcId
        Region: us-west-2
        RoleArn: arn:aws:iam::123456789012:role/CrossRead
"""


def test_getstackoutput_stays_symbolic_without_a_lookup() -> None:
    p = props(STACK_OUTPUT)
    assert p["SubnetId"] == {"Fn::GetStackOutput": {"StackName": "network-stack", "OutputName": "SubnetId"}}
    assert p["VpcId"] == {"Fn::GetStackOutput": {
        "StackName": "network-stack", "OutputName": "VpcId", "Region": "us-west-2",
        "RoleArn": "arn:aws:iam::123456789012:role/CrossRead"}}


def test_getstackoutput_resolves_through_the_lookup() -> None:
    calls: list[tuple[str, str, str | None]] = []

    def lookup(stack: str, output: str, region: str | None) -> str:
        calls.append((stack, output, region))
        return {"SubnetId": "subnet-1", "VpcId": "vpc-2"}[output]

    p = props(STACK_OUTPUT, stack_output=lookup)
    assert p == {"SubnetId": "subnet-1", "VpcId": "vpc-2"}
    assert calls == [("network-stack", "SubnetId", None), ("network-stack", "VpcId", "us-west-2")]


def test_getstackoutput_missing_output_is_an_error() -> None:
    def lookup(stack: str, output: str, region: str | None) -> str:
        raise KeyError(output)

    found = errors(STACK_OUTPUT, stack_output=lookup)
    assert [d.code for d in found] == ["E1016", "E1016"]
    assert found[0].path == ("Resources", "R", "Properties", "SubnetId", "Fn::GetStackOutput")
    assert "stack 'network-stack' has no output 'SubnetId'" in found[0].message
    assert found[0].span is not None and found[0].span.line == 11


@pytest.mark.parametrize("argument", ["{StackName: a}", "{OutputName: b}", "[a, b]",
                                      "{StackName: a, OutputName: b, Extra: c}"])
def test_getstackoutput_shape_errors(argument: str) -> None:
    text = f"""\
    Resources:
      R:
        Type: AWS::EC2::Instance
        Properties:
          VpcId:
            Fn::GetStackOutput: {argument}
    """
    d = one_error(text)
    assert d.code == "E1016"
    assert "{StackName, OutputName[, Region][, RoleArn]}" in d.message
    assert d.path == ("Resources", "R", "Properties", "VpcId", "Fn::GetStackOutput")


def test_getstackoutput_cannot_depend_on_a_resource() -> None:
    text = """\
    Resources:
      Bucket:
        Type: AWS::S3::Bucket
      R:
        Type: AWS::EC2::Instance
        Properties:
          VpcId:
            Fn::GetStackOutput:
              StackName: !Ref Bucket
              OutputName: VpcId
    """
    d = one_error(text)
    assert d.code == "E1016" and "cannot depend on a resource" in d.message


# ---------------------------------------------------------------------------------------------
# Fn::Length, Fn::ToJsonString (AWS::LanguageExtensions)

LANGUAGE_EXTENSIONS = """\
Transform: AWS::LanguageExtensions
Parameters:
  QueueList:
    Type: CommaDelimitedList
    Default: a,b,c,d
  ParameterName:
    Type: String
    Default: resolvedValue
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      DelaySeconds:
        Fn::Length: !Ref QueueList
      Literal:
        Fn::Length: [1, {Ref: ParameterName}, 3]
      Object:
        Fn::ToJsonString:
          key1: value1
          key2: !Ref ParameterName
      Array:
        Fn::ToJsonString:
          - key1: value1
          - key2: !Ref ParameterName
      OpenJson:
        Fn::ToJsonString:
          arn: !GetAtt Bucket.Arn
"""


def test_length_documented_examples() -> None:
    p = props(LANGUAGE_EXTENSIONS, "Queue")
    assert p["DelaySeconds"] == 4
    assert p["Literal"] == 3


def test_tojsonstring_documented_examples() -> None:
    p = props(LANGUAGE_EXTENSIONS, "Queue")
    # Docs: resolves to "{\"key1\":\"value1\",\"key2\":\"resolvedValue\"}"
    assert p["Object"] == '{"key1":"value1","key2":"resolvedValue"}'
    assert p["Array"] == '[{"key1":"value1"},{"key2":"resolvedValue"}]'


def test_tojsonstring_of_a_resource_attribute_stays_symbolic_and_resolves_late() -> None:
    p = processed(LANGUAGE_EXTENSIONS)
    residual = p.resources["Queue"].properties["OpenJson"]
    assert residual == {"Fn::ToJsonString": {"arn": {"Fn::GetAtt": ["Bucket", "Arn"]}}}
    assert p.resolve_late(residual, lambda lid, attr: "arn:aws:s3:::b") == '{"arn":"arn:aws:s3:::b"}'


@pytest.mark.parametrize("snippet, name", [("!Length [a, b]", "Fn::Length"),
                                           ("!ToJsonString {a: b}", "Fn::ToJsonString")])
def test_language_extension_functions_need_the_transform(snippet: str, name: str) -> None:
    text = f"""\
    Resources:
      R:
        Type: AWS::SQS::Queue
        Properties:
          DelaySeconds: {snippet}
    """
    d = one_error(text)
    assert d.code == "E1030"
    assert d.path == ("Resources", "R", "Properties", "DelaySeconds", name)
    assert f"{name} needs 'Transform: AWS::LanguageExtensions'" in d.message
    assert d.span is not None and d.span.line == 5


@pytest.mark.parametrize("snippet, code, message", [
    ("!Length abc", "E1030", "counts a list, not str"),
    ("!Length {a: b}", "E1030", "counts a list, not a mapping"),
    ("!ToJsonString abc", "E1031", "converts a mapping or a list"),
])
def test_language_extension_function_argument_errors(snippet: str, code: str, message: str) -> None:
    text = f"""\
    Transform: AWS::LanguageExtensions
    Resources:
      R:
        Type: AWS::SQS::Queue
        Properties:
          DelaySeconds: {snippet}
    """
    d = one_error(text)
    assert d.code == code
    assert message in d.message
    assert d.span is not None and d.span.line == 6


# ---------------------------------------------------------------------------------------------
# Where functions may appear

def test_unknown_fn_function_is_reported() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName:
            Fn::Concat: [a, b]
    """
    d = one_error(text)
    assert d.code == "E1001"
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Fn::Concat")
    assert "Fn::Concat is not an intrinsic function" in d.message


def test_condition_functions_are_refused_in_resource_properties() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Equals [a, a]
    """
    d = one_error(text)
    assert d.code == "E1028"
    assert d.path == ("Resources", "R", "Properties", "TopicName", "Fn::Equals")
    assert "only in the Conditions and Rules sections" in d.message


def test_rule_functions_are_refused_outside_rules() -> None:
    text = """\
    Resources:
      R:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Contains [[a], a]
    """
    d = one_error(text)
    assert d.code == "E1029"
    assert "Fn::Contains can be used only in the Rules section" in d.message


def test_fn_transform_left_for_evaluation_is_reported() -> None:
    # AWS::Include runs as a transform before evaluation; any other Fn::Transform (an account's
    # macro) cannot run offline and is reported rather than passed through.
    result, problems = evaluate({"Fn::Transform": {"Name": "MyMacro", "Parameters": {"a": "b"}}})
    assert isinstance(result, Unknown)
    assert [d.code for d in problems] == ["E1032"]
    assert "MyMacro" in problems[0].message
    assert problems[0].path == ("Resources", "R", "Properties", "P", "Fn::Transform")


# ---------------------------------------------------------------------------------------------
# The evaluator at unit level

def test_evaluator_folds_known_values_and_keeps_unknowns() -> None:
    value = {"Fn::Join": ["-", [{"Ref": "AWS::Region"}, {"Ref": "Bucket"}]]}
    result, problems = evaluate(value, stack=StackInfo(region="eu-north-1"),
                                resources={"Bucket": "AWS::S3::Bucket"})
    assert problems == []
    assert isinstance(result, Unknown)
    assert to_template(result) == {"Fn::Join": ["-", ["eu-north-1", {"Ref": "Bucket"}]]}


def test_evaluator_uses_a_resource_lookup_when_given() -> None:
    value = {"Fn::Sub": "${Bucket.Arn}/*"}
    result, problems = evaluate(value, resources={"Bucket": "AWS::S3::Bucket"},
                                resource_value=lambda lid, attr: f"arn:{lid}:{attr}")
    assert problems == [] and result == "arn:Bucket:Arn/*"


def test_evaluator_keeps_going_after_an_error_and_records_the_path() -> None:
    value = {"A": {"Ref": "Nope"}, "B": {"Fn::Select": [0, ["kept"]]}}
    result, problems = evaluate(value)
    assert result["B"] == "kept"
    assert isinstance(result["A"], Unknown)
    assert [(d.code, d.path) for d in problems] == [
        ("E1020", ("Resources", "R", "Properties", "P", "A", "Ref"))]


def test_a_mapping_with_several_keys_is_data_not_a_function() -> None:
    value = {"Ref": "AWS::Region", "Other": 1}
    result, problems = evaluate(value)
    assert problems == [] and result == {"Ref": "AWS::Region", "Other": 1}


@pytest.mark.parametrize("stack_region, other_region", [("us-east-1", "cn-north-1"),
                                                        ("cn-northwest-1", "us-west-2"),
                                                        ("us-gov-west-1", "eu-west-1")])
def test_getstackoutput_does_not_cross_partitions(stack_region: str, other_region: str) -> None:
    # Docs: "Fn::GetStackOutput does not support cross-partition references."
    text = f"""\
    Resources:
      R:
        Type: AWS::EC2::Instance
        Properties:
          VpcId:
            Fn::GetStackOutput:
              StackName: network-stack
              OutputName: VpcId
              Region: {other_region}
    """
    d = one_error(text, region=stack_region)
    assert d.code == "E1016"
    assert d.path == ("Resources", "R", "Properties", "VpcId", "Fn::GetStackOutput", "Region")
    assert "cross-partition" in d.message
    assert d.span == at(text, other_region)


def test_getstackoutput_across_regions_of_one_partition_is_fine() -> None:
    p = props(STACK_OUTPUT, region="eu-west-1")
    assert p["VpcId"]["Fn::GetStackOutput"]["Region"] == "us-west-2"
