from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stackengine.diagnostics import Diagnostic, Severity, Span, UsageError
from stackengine.template.decode import decode_text
from stackengine.template.parameters import (
    MASK,
    PARAMETER_TYPES,
    load_parameters_file,
    mask,
    parse_overrides,
    resolve_parameters,
)

FILE = "template.yaml"


def declared(yaml_parameters: str) -> Any:
    """The marked Parameters section of a template whose Parameters are `yaml_parameters`."""
    text = "Parameters:\n" + "\n".join("  " + line for line in yaml_parameters.strip("\n").splitlines())
    text += "\nResources: {}\n"
    return decode_text(text, FILE).data["Parameters"]


def resolve(yaml_parameters: str, given: dict[str, str] | None = None, **kwargs: Any):
    return resolve_parameters(declared(yaml_parameters), given or {}, file=FILE, **kwargs)


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is Severity.ERROR]


def only_error(diagnostics: list[Diagnostic]) -> Diagnostic:
    found = errors(diagnostics)
    assert len(found) == 1, [str(d) for d in diagnostics]
    return found[0]


# ---------------------------------------------------------------------------------------------
# --parameter-overrides
# ---------------------------------------------------------------------------------------------


def test_overrides_key_value_pairs() -> None:
    assert parse_overrides(("InstanceType=t3.micro", "Env=prod")) == {"InstanceType": "t3.micro", "Env": "prod"}


def test_override_values_keep_equals_signs_and_commas() -> None:
    result = parse_overrides(["Query=a=b&c=d", "Subnets=subnet-1,subnet-2", "Empty="])
    assert result == {"Query": "a=b&c=d", "Subnets": "subnet-1,subnet-2", "Empty": ""}


def test_repeated_flag_later_value_wins() -> None:
    # click gives every value of a repeatable multi-value option as one flat tuple
    assert parse_overrides(("Env=dev", "Port=80", "Env=prod")) == {"Env": "prod", "Port": "80"}


def test_shorthand_form_of_create_stack() -> None:
    result = parse_overrides(["ParameterKey=Env,ParameterValue=prod", "ParameterKey=Cidrs,ParameterValue=a,b=c"])
    assert result == {"Env": "prod", "Cidrs": "a,b=c"}


def test_shorthand_use_previous_value_is_refused() -> None:
    with pytest.raises(UsageError, match="UsePreviousValue"):
        parse_overrides(["ParameterKey=Env,UsePreviousValue=true"])


@pytest.mark.parametrize("item", ["InstanceType", "t3.micro", ""])
def test_item_without_equals_is_a_usage_error(item: str) -> None:
    with pytest.raises(UsageError, match="not of the form Key=Value") as info:
        parse_overrides(["Env=dev", item])
    assert repr(item) in str(info.value)
    assert info.value.exit_code == 2


def test_item_without_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no parameter name"):
        parse_overrides(["=value"])


def test_override_file_url_reads_a_parameters_file(tmp_path: Path) -> None:
    path = tmp_path / "params.json"
    path.write_text(json.dumps([{"ParameterKey": "Env", "ParameterValue": "prod"}]))
    assert parse_overrides([f"file://{path}", "Port=80"]) == {"Env": "prod", "Port": "80"}


# ---------------------------------------------------------------------------------------------
# --parameters-file
# ---------------------------------------------------------------------------------------------


def write(tmp_path: Path, content: Any, name: str = "params.json") -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def test_cloudformation_list_format(tmp_path: Path) -> None:
    path = write(tmp_path, [
        {"ParameterKey": "KeyName", "ParameterValue": "my-key"},
        {"ParameterKey": "Subnets", "ParameterValue": "subnet-1,subnet-2"},
        {"ParameterKey": "Env", "ParameterValue": "prod", "UsePreviousValue": False},
    ])
    assert load_parameters_file(path) == {"KeyName": "my-key", "Subnets": "subnet-1,subnet-2", "Env": "prod"}


def test_codepipeline_configuration_format(tmp_path: Path) -> None:
    path = write(tmp_path, {"Parameters": {"Env": "prod", "Port": "80"}, "Tags": {"team": "a"},
                            "StackPolicy": {"Statement": []}})
    assert load_parameters_file(path) == {"Env": "prod", "Port": "80"}


def test_non_string_values_are_stringified(tmp_path: Path) -> None:
    path = write(tmp_path, {"Parameters": {"Port": 8080, "Ratio": 0.5, "Debug": True, "Off": False,
                                           "Azs": ["us-east-1a", "us-east-1b"], "Nums": [1, 2]}})
    assert load_parameters_file(path) == {"Port": "8080", "Ratio": "0.5", "Debug": "true", "Off": "false",
                                          "Azs": "us-east-1a,us-east-1b", "Nums": "1,2"}


def test_list_format_number_value_is_stringified(tmp_path: Path) -> None:
    path = write(tmp_path, [{"ParameterKey": "Port", "ParameterValue": 443}])
    assert load_parameters_file(path) == {"Port": "443"}


def test_use_previous_value_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, [{"ParameterKey": "Env", "UsePreviousValue": True}])
    with pytest.raises(UsageError, match="Env uses UsePreviousValue") as info:
        load_parameters_file(path)
    assert path in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.json")
    with pytest.raises(UsageError, match="cannot read parameters file .*nope.json"):
        load_parameters_file(path)


def test_malformed_json_names_file_and_position(tmp_path: Path) -> None:
    path = write(tmp_path, '[{"ParameterKey": "Env",\n "ParameterValue": }]')
    with pytest.raises(UsageError, match=r"params.json is not valid JSON: .*\(line 2, column"):
        load_parameters_file(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "params.json"
    path.write_bytes(b'{"Parameters": {"A": "\xff"}}')
    with pytest.raises(UsageError, match="not UTF-8"):
        load_parameters_file(str(path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"Env": "prod"}, "must hold either a list"),
        ("42", "must hold either a list"),
        (["Env=prod"], "entry 1: expected an object"),
        ([{"ParameterValue": "x"}], "entry 1: ParameterKey is missing"),
        ([{"ParameterKey": "Env"}], "Env has no ParameterValue"),
        ([{"ParameterKey": "Env", "Value": "x"}], "unknown key Value"),
        ([{"ParameterKey": "A", "ParameterValue": "1"}, {"ParameterKey": "A", "ParameterValue": "2"}],
         "entry 2: parameter A is given more than once"),
        ({"Parameters": ["Env=prod"]}, "Parameters must be an object"),
        ({"Parameters": {}, "Extra": 1}, "unknown section Extra"),
        ({"Parameters": {"A": {"nested": 1}}}, r"\(A\): a parameter value must be a string"),
    ],
)
def test_malformed_parameters_files(tmp_path: Path, content: Any, message: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(UsageError, match=message) as info:
        load_parameters_file(path)
    assert path in str(info.value)


# ---------------------------------------------------------------------------------------------
# Values, defaults, missing and undeclared parameters
# ---------------------------------------------------------------------------------------------


def test_given_value_wins_over_default() -> None:
    values, diags = resolve("""
Env:
  Type: String
  Default: dev
""", {"Env": "prod"})
    assert diags == []
    assert values["Env"].value == "prod"
    assert values["Env"].type == "String"


def test_default_used_when_nothing_given() -> None:
    values, diags = resolve("""
Env:
  Type: String
  Default: dev
""")
    assert diags == [] and values["Env"].value == "dev"


def test_yaml_number_and_boolean_defaults_are_taken_as_written() -> None:
    values, diags = resolve("""
Port:
  Type: Number
  Default: 8080
Ratio:
  Type: Number
  Default: 0.5
Flag:
  Type: String
  Default: true
""")
    assert diags == []
    assert (values["Port"].value, values["Ratio"].value, values["Flag"].value) == ("8080", "0.5", "true")


def test_missing_value_names_the_parameter_with_position() -> None:
    values, diags = resolve("""
KeyName:
  Type: AWS::EC2::KeyPair::KeyName
Env:
  Type: String
""", {"Env": "x"})
    error = only_error(diags)
    assert "KeyName" not in values and values["Env"].value == "x"
    assert error.code == "E2003"
    assert error.path == ("Parameters", "KeyName")
    assert "'KeyName' has no value" in error.message and "--parameter-overrides KeyName=" in error.message
    assert error.span == Span(FILE, 2, 3)


def test_undeclared_override_is_a_warning() -> None:
    values, diags = resolve("""
Env:
  Type: String
""", {"Env": "dev", "Extra": "1"})
    assert values["Env"].value == "dev"
    assert len(diags) == 1
    warning = diags[0]
    assert warning.severity is Severity.WARNING
    assert warning.code == "W2001"
    assert warning.path == ("Parameters", "Extra")
    assert "ignored, as aws cloudformation deploy ignores it" in warning.message


def test_no_parameters_section() -> None:
    values, diags = resolve_parameters(None, {"X": "1"})
    assert values == {} and [d.severity for d in diags] == [Severity.WARNING]


def test_parameters_section_must_be_a_mapping() -> None:
    values, diags = resolve_parameters(["A"], {})  # type: ignore[arg-type]
    assert values == {} and "must be a mapping" in only_error(diags).message


def test_result_keeps_declaration_order() -> None:
    values, _ = resolve("""
B:
  Type: String
  Default: b
A:
  Type: String
  Default: a
""")
    assert list(values) == ["B", "A"]


# ---------------------------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["42", "-7", "3.14", "0.5", ".5", "1e3", "+2"])
def test_number_ref_is_the_string_as_given(value: str) -> None:
    values, diags = resolve("P:\n  Type: Number", {"P": value})
    assert diags == [] and values["P"].value == value


@pytest.mark.parametrize("value", ["abc", "", "1,2", "0x10", "nan", "1 000", "12abc"])
def test_number_rejects_non_numbers(value: str) -> None:
    _, diags = resolve("P:\n  Type: Number", {"P": value})
    error = only_error(diags)
    assert error.code == "E2004" and "is not a number" in error.message


def test_list_of_numbers() -> None:
    values, diags = resolve("""
Ports:
  Type: List<Number>
  Default: "80,443"
""")
    assert diags == [] and values["Ports"].value == ["80", "443"]
    _, diags = resolve("Ports:\n  Type: List<Number>", {"Ports": "80,http,8x"})
    assert [d.code for d in diags] == ["E2004", "E2004"]
    assert "'http' is not a number" in diags[0].message and "'8x'" in diags[1].message


def test_comma_delimited_list_documented_example_is_space_trimmed() -> None:
    # From the Parameters documentation: each member string is space trimmed.
    values, diags = resolve("""
DbSubnetIpBlocks:
  Description: "Comma-delimited list of three CIDR blocks"
  Type: CommaDelimitedList
  Default: "10.0.48.0/24, 10.0.112.0/24, 10.0.176.0/24"
""")
    assert diags == []
    assert values["DbSubnetIpBlocks"].value == ["10.0.48.0/24", "10.0.112.0/24", "10.0.176.0/24"]


def test_comma_delimited_list_keeps_empty_members() -> None:
    values, diags = resolve("L:\n  Type: CommaDelimitedList", {"L": "a,,b"})
    assert diags == [] and values["L"].value == ["a", "", "b"]
    values, _ = resolve("L:\n  Type: CommaDelimitedList", {"L": ""})
    assert values["L"].value == [""]


@pytest.mark.parametrize(
    ("type_name", "good", "bad"),
    [
        ("AWS::EC2::VPC::Id", "vpc-a123baa3", "vpc-xyz"),
        ("AWS::EC2::VPC::Id", "vpc-0123456789abcdef0", "VPC-a123baa3"),
        ("AWS::EC2::Subnet::Id", "subnet-123a351e", "subnet-123"),
        ("AWS::EC2::SecurityGroup::Id", "sg-a123fd85", "sg-ZZZZZZZZ"),
        ("AWS::EC2::Image::Id", "ami-0ff8a91507f77f867", "ami-123"),
        ("AWS::EC2::Instance::Id", "i-1e731a32", "instance-1"),
        ("AWS::EC2::Volume::Id", "vol-3cdd3f56", "vol-3cdd3f5"),
        ("AWS::Route53::HostedZone::Id", "Z23YXV4OVPL04A", "/hostedzone/Z23"),
        ("AWS::EC2::AvailabilityZone::Name", "us-west-2a", "us-west-2"),
        ("AWS::EC2::AvailabilityZone::Name", "us-west-2-lax-1a", "useast1a"),
    ],
)
def test_aws_specific_id_formats(type_name: str, good: str, bad: str) -> None:
    values, diags = resolve(f"P:\n  Type: {type_name}", {"P": good})
    assert diags == [] and values["P"].value == good
    _, diags = resolve(f"P:\n  Type: {type_name}", {"P": bad})
    error = only_error(diags)
    assert error.code == "E2004"
    assert f"{bad!r} is not a valid {type_name}" in error.message


@pytest.mark.parametrize("type_name", ["AWS::EC2::KeyPair::KeyName", "AWS::EC2::SecurityGroup::GroupName"])
def test_name_types_take_any_name(type_name: str) -> None:
    values, diags = resolve(f"P:\n  Type: {type_name}", {"P": "my key-pair_01"})
    assert diags == [] and values["P"].value == "my key-pair_01"
    _, diags = resolve(f"P:\n  Type: {type_name}", {"P": ""})
    assert "is empty" in only_error(diags).message


def test_list_of_subnet_ids_checks_every_member() -> None:
    values, diags = resolve("S:\n  Type: List<AWS::EC2::Subnet::Id>", {"S": "subnet-123a351e, subnet-0123456789abcdef0"})
    assert diags == [] and values["S"].value == ["subnet-123a351e", "subnet-0123456789abcdef0"]
    _, diags = resolve("S:\n  Type: List<AWS::EC2::Subnet::Id>", {"S": "subnet-123a351e,vpc-a123baa3,subnet-x"})
    assert [d.code for d in diags] == ["E2004", "E2004"]
    assert "'vpc-a123baa3'" in diags[0].message and "'subnet-x'" in diags[1].message


def test_empty_list_of_aws_ids_is_no_ids() -> None:
    values, diags = resolve("S:\n  Type: List<AWS::EC2::SecurityGroup::Id>\n  Default: ''")
    assert diags == [] and values["S"].value == []


@pytest.mark.parametrize(
    "type_name",
    [
        "List<AWS::EC2::AvailabilityZone::Name>", "List<AWS::EC2::Image::Id>", "List<AWS::EC2::Instance::Id>",
        "List<AWS::EC2::SecurityGroup::GroupName>", "List<AWS::EC2::SecurityGroup::Id>",
        "List<AWS::EC2::Subnet::Id>", "List<AWS::EC2::Volume::Id>", "List<AWS::EC2::VPC::Id>",
        "List<AWS::Route53::HostedZone::Id>",
    ],
)
def test_documented_list_types_are_known(type_name: str) -> None:
    assert PARAMETER_TYPES[type_name].is_list


def test_string_ref_is_the_string() -> None:
    values, diags = resolve("P:\n  Type: String", {"P": " spaced , kept "})
    assert diags == [] and values["P"].value == " spaced , kept "


def test_unknown_type_with_did_you_mean() -> None:
    values, diags = resolve("""
A:
  Type: Strng
B:
  Type: AWS::EC2::VPC::ID
C:
  Type: Banana
""")
    assert values == {}
    messages = [d.message for d in errors(diags)]
    assert [d.code for d in diags] == ["E2001"] * 3
    assert "unknown Type 'Strng'; did you mean 'String'?" in messages[0]
    assert "did you mean 'AWS::EC2::VPC::Id'?" in messages[1]
    assert messages[2].endswith("unknown Type 'Banana'")
    assert diags[0].path == ("Parameters", "A", "Type") and diags[0].span == Span(FILE, 3, 11)


def test_list_of_key_pair_names_is_not_a_documented_type() -> None:
    _, diags = resolve("P:\n  Type: List<AWS::EC2::KeyPair::KeyName>", {"P": "a"})
    assert only_error(diags).code == "E2001"


# ---------------------------------------------------------------------------------------------
# SSM parameter types
# ---------------------------------------------------------------------------------------------

SSM_STORE = {
    "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2": "ami-0123456789abcdef0",
    "/app/env": "prod",
    "/app/subnets": "subnet-123a351e,subnet-0123456789abcdef0",
    "/app/names": "a,b,c",
    "/app/bad-ami": "not-an-ami",
}


def test_documented_ssm_image_id_example() -> None:
    values, diags = resolve("""
LatestAmiId:
  Description: Region specific image from the Parameter Store
  Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
  Default: /aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2
""", ssm_lookup=SSM_STORE.get)
    assert diags == []
    value = values["LatestAmiId"]
    assert value.value == "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2"
    assert value.resolved_value == "ami-0123456789abcdef0"
    assert value.effective == "ami-0123456789abcdef0"


def test_ssm_string_and_list_types() -> None:
    values, diags = resolve("""
Env:
  Type: AWS::SSM::Parameter::Value<String>
Names:
  Type: AWS::SSM::Parameter::Value<List<String>>
Names2:
  Type: AWS::SSM::Parameter::Value<CommaDelimitedList>
Subnets:
  Type: AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>
""", {"Env": "/app/env", "Names": "/app/names", "Names2": "/app/names", "Subnets": "/app/subnets"},
        ssm_lookup=SSM_STORE.get)
    assert diags == []
    assert values["Env"].resolved_value == "prod"
    assert values["Names"].value == "/app/names" and values["Names"].resolved_value == ["a", "b", "c"]
    assert values["Names2"].resolved_value == ["a", "b", "c"]
    assert values["Subnets"].resolved_value == ["subnet-123a351e", "subnet-0123456789abcdef0"]


def test_ssm_number_types_check_the_looked_up_value() -> None:
    store = {"/n": "42", "/ns": "1,2.5", "/bad": "forty"}
    text = """
N:
  Type: AWS::SSM::Parameter::Value<Number>
  MinLength: 2
Ns:
  Type: AWS::SSM::Parameter::Value<List<Number>>
"""
    values, diags = resolve(text, {"N": "/n", "Ns": "/ns"}, ssm_lookup=store.get)
    assert diags == []
    assert values["N"].resolved_value == "42" and values["Ns"].resolved_value == ["1", "2.5"]
    _, diags = resolve(text, {"N": "/bad", "Ns": "/ns"}, ssm_lookup=store.get)
    assert "'/bad' holds 'forty', which is not a number" in only_error(diags).message


def test_list_of_string_is_accepted_as_cloudformation_does() -> None:
    values, diags = resolve("L:\n  Type: List<String>", {"L": "a, b"})
    assert diags == [] and values["L"].value == ["a", "b"]


def test_non_string_type() -> None:
    _, diags = resolve("P:\n  Type: null")
    error = only_error(diags)
    assert error.path == ("Parameters", "P", "Type") and "Type must be a type name" in error.message


def test_ssm_parameter_name_type_is_not_looked_up() -> None:
    values, diags = resolve("P:\n  Type: AWS::SSM::Parameter::Name", {"P": "/app/env"})
    assert diags == [] and values["P"].value == "/app/env" and values["P"].resolved_value is None


def test_ssm_types_without_lookup_are_an_error_naming_the_parameter() -> None:
    values, diags = resolve("""
LatestAmiId:
  Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
  Default: /aws/service/ami
""")
    error = only_error(diags)
    assert values == {}
    assert error.code == "E2006" and error.path == ("Parameters", "LatestAmiId", "Default")
    assert "'LatestAmiId'" in error.message
    assert "SSM parameter types need the local provider's SSM parameters or an AWS account" in error.message


def test_ssm_parameter_that_does_not_exist() -> None:
    _, diags = resolve("P:\n  Type: AWS::SSM::Parameter::Value<String>", {"P": "/nope"}, ssm_lookup=SSM_STORE.get)
    assert "SSM parameter '/nope' does not exist" in only_error(diags).message


def test_ssm_value_of_wrong_format() -> None:
    _, diags = resolve("P:\n  Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", {"P": "/app/bad-ami"},
                       ssm_lookup=SSM_STORE.get)
    message = only_error(diags).message
    assert "'/app/bad-ami' holds 'not-an-ami'" in message and "AWS::EC2::Image::Id" in message


def test_ssm_constraints_apply_to_the_key() -> None:
    _, diags = resolve("""
P:
  Type: AWS::SSM::Parameter::Value<String>
  AllowedPattern: "/app/.*"
""", {"P": "/other/env"}, ssm_lookup=SSM_STORE.get)
    assert "must match pattern /app/.*" in only_error(diags).message


# ---------------------------------------------------------------------------------------------
# Constraints
# ---------------------------------------------------------------------------------------------


def test_allowed_values_documented_example() -> None:
    text = """
InstanceTypeParameter:
  Type: String
  Default: t2.micro
  AllowedValues:
    - t2.micro
    - m1.small
    - m1.large
  Description: Enter t2.micro, m1.small, or m1.large. Default is t2.micro.
"""
    values, diags = resolve(text, {"InstanceTypeParameter": "m1.small"})
    assert diags == [] and values["InstanceTypeParameter"].value == "m1.small"
    _, diags = resolve(text, {"InstanceTypeParameter": "m5.huge"})
    error = only_error(diags)
    assert error.code == "E2005"
    assert error.message == ("parameter 'InstanceTypeParameter' must be one of AllowedValues "
                             "[t2.micro, m1.small, m1.large], not 'm5.huge'")
    assert error.path == ("Parameters", "InstanceTypeParameter")
    assert error.span == Span(FILE, 2, 3)


def test_allowed_values_for_lists_check_every_member() -> None:
    text = "Envs:\n  Type: CommaDelimitedList\n  AllowedValues: [dev, test, prod]"
    values, diags = resolve(text, {"Envs": "dev, prod"})
    assert diags == [] and values["Envs"].value == ["dev", "prod"]
    _, diags = resolve(text, {"Envs": "dev,qa,prod,staging"})
    assert [d.message.rsplit(" ", 1)[-1] for d in diags] == ["'qa'", "'staging'"]


def test_allowed_values_of_numbers_compare_numerically() -> None:
    text = "N:\n  Type: Number\n  AllowedValues: [1, 2, 3]"
    assert resolve(text, {"N": "2"})[1] == []
    assert resolve(text, {"N": "2.0"})[1] == []
    assert only_error(resolve(text, {"N": "4"})[1]).code == "E2005"


def test_allowed_pattern_is_anchored_to_the_whole_value() -> None:
    text = "Name:\n  Type: String\n  AllowedPattern: '[A-Za-z0-9]+'"
    assert resolve(text, {"Name": "abc123"})[1] == []
    error = only_error(resolve(text, {"Name": "abc-123"})[1])
    assert error.message == "parameter 'Name' must match pattern [A-Za-z0-9]+; 'abc-123' does not"


def test_allowed_pattern_in_java_syntax_with_dash_after_class_escape() -> None:
    # CloudFormation reads patterns as Java regular expressions, where [\\w-\\+] is valid.
    text = "Email:\n  Type: String\n  AllowedPattern: '^[\\w-\\+]+(\\.[\\w]+)*@[\\w-]+(\\.[\\w]+)*(\\.[a-z]{2,})$|^$'"
    assert resolve(text, {"Email": "first-last+tag@my-host.example.com"})[1] == []
    assert resolve(text, {"Email": ""})[1] == []
    assert "must match pattern" in only_error(resolve(text, {"Email": "not an email"})[1]).message


def test_allowed_pattern_applies_to_each_list_member() -> None:
    text = "Cidrs:\n  Type: CommaDelimitedList\n  AllowedPattern: '\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+'"
    assert resolve(text, {"Cidrs": "10.0.0.0/24, 10.0.1.0/24"})[1] == []
    _, diags = resolve(text, {"Cidrs": "10.0.0.0/24,ten"})
    assert "'ten' does not" in only_error(diags).message


def test_min_and_max_length() -> None:
    text = "DBName:\n  Type: String\n  MinLength: 1\n  MaxLength: 8"
    assert resolve(text, {"DBName": "mydb"})[1] == []
    assert "at least 1 characters" in only_error(resolve(text, {"DBName": ""})[1]).message
    assert "at most 8 characters; 'ninechars' has 9" in only_error(resolve(text, {"DBName": "ninechars"})[1]).message


def test_min_and_max_value() -> None:
    text = "Port:\n  Type: Number\n  MinValue: 1\n  MaxValue: 65535"
    assert resolve(text, {"Port": "443"})[1] == []
    assert "not less than 1, not '0'" in only_error(resolve(text, {"Port": "0"})[1]).message
    assert "not greater than 65535, not '70000'" in only_error(resolve(text, {"Port": "70000"})[1]).message


def test_min_value_applies_to_every_list_member() -> None:
    text = "Ports:\n  Type: List<Number>\n  MinValue: 10.5"
    _, diags = resolve(text, {"Ports": "11, 3, 2"})
    assert len(diags) == 2 and "not less than 10.5" in diags[0].message


def test_constraint_description_replaces_the_message() -> None:
    # The documented example: pattern [A-Za-z0-9]+ with a ConstraintDescription
    text = """
MyParameter:
  Type: String
  AllowedPattern: "[A-Za-z0-9]+"
  ConstraintDescription: must only contain uppercase and lowercase letters and numbers
"""
    error = only_error(resolve(text, {"MyParameter": "not ok!"})[1])
    assert error.message == "parameter 'MyParameter' must only contain uppercase and lowercase letters and numbers"


def test_capitalised_constraint_description() -> None:
    text = """
DBPassword:
  Type: String
  MinLength: 8
  ConstraintDescription: Must be at least 8 characters.
"""
    error = only_error(resolve(text, {"DBPassword": "short"})[1])
    assert error.message == "parameter 'DBPassword' failed to satisfy constraint: Must be at least 8 characters."


def test_every_violation_of_every_parameter_is_reported_at_once() -> None:
    values, diags = resolve("""
Env:
  Type: String
  AllowedValues: [dev, prod]
Name:
  Type: String
  AllowedPattern: "[a-z]+"
  MaxLength: 3
Port:
  Type: Number
  MaxValue: 100
Vpc:
  Type: AWS::EC2::VPC::Id
Missing:
  Type: String
Good:
  Type: String
  Default: fine
""", {"Env": "qa", "Name": "ABCDE", "Port": "1000", "Vpc": "vpc-1"})
    assert values == {"Good": values["Good"]} and values["Good"].value == "fine"
    assert [(d.code, d.path[1]) for d in diags] == [
        ("E2005", "Env"), ("E2005", "Name"), ("E2005", "Name"), ("E2005", "Port"), ("E2004", "Vpc"),
        ("E2003", "Missing"),
    ]
    assert all(d.span is not None and d.span.file == FILE for d in diags)


def test_default_is_checked_against_constraints_when_used() -> None:
    _, diags = resolve("""
Env:
  Type: String
  Default: qa
  AllowedValues: [dev, prod]
""")
    error = only_error(diags)
    assert error.path == ("Parameters", "Env", "Default") and "(Default)" in error.message
    assert error.span == Span(FILE, 4, 14)
    # a valid given value makes the unused Default irrelevant to the constraints
    _, diags = resolve("""
Env:
  Type: String
  Default: qa
  AllowedValues: [dev, prod]
""", {"Env": "dev"})
    assert diags == []


# ---------------------------------------------------------------------------------------------
# NoEcho
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("no_echo", ["true", "'true'", "True", "'TRUE'"])
def test_no_echo_true(no_echo: str) -> None:
    values, diags = resolve(f"Pw:\n  Type: String\n  NoEcho: {no_echo}", {"Pw": "secret1"})
    assert diags == []
    assert values["Pw"].no_echo is True and values["Pw"].value == "secret1" and values["Pw"].display == MASK


@pytest.mark.parametrize("no_echo", ["false", "'false'"])
def test_no_echo_false(no_echo: str) -> None:
    values, _ = resolve(f"Pw:\n  Type: String\n  NoEcho: {no_echo}", {"Pw": "x"})
    assert values["Pw"].no_echo is False and values["Pw"].display == "x"


def test_no_echo_values_never_appear_in_messages() -> None:
    _, diags = resolve("""
Pw:
  Type: String
  NoEcho: true
  AllowedPattern: "[a-z]+"
  MaxLength: 4
  AllowedValues: [abc]
""", {"Pw": "Hunter22"})
    assert len(diags) == 3
    assert all("Hunter22" not in str(d) and MASK in d.message for d in diags)


def test_mask_helper() -> None:
    assert mask("secret", True) == MASK
    assert mask(["a", "b"], False) == ["a", "b"]


# ---------------------------------------------------------------------------------------------
# Malformed definitions and limits
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("definition", "attribute", "message"),
    [
        ("Default: x", (), "has no Type"),
        ("Type: Number\n  Default: abc", ("Default",), "(Default): 'abc' is not a number"),
        ("Type: Number\n  MinValue: low", ("MinValue",), "MinValue must be a number, not 'low'"),
        ("Type: String\n  MaxLength: -1", ("MaxLength",), "MaxLength must be a whole number"),
        ("Type: String\n  MinLength: 1.5", ("MinLength",), "MinLength must be a whole number"),
        ("Type: String\n  AllowedValues: dev", ("AllowedValues",), "AllowedValues must be a list"),
        ("Type: String\n  AllowedPattern: '[a-z'", ("AllowedPattern",), "is not a valid regular expression"),
        ("Type: String\n  NoEcho: maybe", ("NoEcho",), "NoEcho must be true or false"),
        ("Type: String\n  Default: [a, b]", ("Default",), "Default must be a string, not a list"),
        ("Type: String\n  Defualt: x", ("Defualt",), "unknown attribute 'Defualt'; did you mean 'Default'?"),
        ("Type: Number\n  MinValue: 10\n  MaxValue: 1", ("MinValue",), "MinValue (10) is greater than MaxValue (1)"),
        ("Type: String\n  MinLength: 5\n  MaxLength: 2", ("MinLength",), "MinLength (5) is greater than MaxLength (2)"),
        ("Type: AWS::EC2::VPC::Id\n  Default: vpc-1", ("Default",), "is not a valid AWS::EC2::VPC::Id"),
    ],
)
def test_malformed_definitions(definition: str, attribute: tuple[str, ...], message: str) -> None:
    # A bad definition is an error even when a good value is given.
    values, diags = resolve(f"P:\n  {definition}", {"P": "5"})
    error = only_error(diags)
    assert "P" not in values
    assert error.path == ("Parameters", "P", *attribute)
    assert message in error.message
    assert error.span is not None


def test_definition_must_be_a_mapping() -> None:
    _, diags = resolve("P: String")
    assert "must be a mapping with at least a Type" in only_error(diags).message


def test_description_length_limit() -> None:
    _, diags = resolve(f"P:\n  Type: String\n  Default: x\n  Description: {'d' * 4001}")
    assert "at most 4000" in only_error(diags).message


def test_parameter_names_must_be_alphanumeric() -> None:
    values, diags = resolve("""
my-param:
  Type: String
  Default: x
Ok1:
  Type: String
  Default: y
""")
    error = only_error(diags)
    assert list(values) == ["Ok1"]
    assert error.code == "E2007" and "'my-param' must contain only letters and digits" in error.message


def test_parameter_name_length_limit() -> None:
    name = "P" * 256
    _, diags = resolve_parameters({name: {"Type": "String", "Default": "x"}}, {})
    assert "at most 255" in only_error(diags).message
    assert resolve_parameters({"P" * 255: {"Type": "String", "Default": "x"}}, {})[1] == []


def test_at_most_200_parameters() -> None:
    many = {f"P{i}": {"Type": "String", "Default": "x"} for i in range(201)}
    values, diags = resolve_parameters(many, {})
    error = only_error(diags)
    assert error.code == "E2007" and "201 parameters" in error.message and "at most 200" in error.message
    assert resolve_parameters(dict(list(many.items())[:200]), {})[1] == []


def test_value_size_limit() -> None:
    _, diags = resolve("P:\n  Type: String", {"P": "x" * 4097})
    assert "at most 4096" in only_error(diags).message


def test_plain_dicts_work_without_positions() -> None:
    values, diags = resolve_parameters({"P": {"Type": "Number"}}, {"P": "x"})
    assert values == {} and only_error(diags).span is None
