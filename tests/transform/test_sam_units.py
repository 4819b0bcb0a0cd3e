"""Focused tests of SAM transform pieces: Globals merging, hashed IDs, policy templates, look-ups,
and the `stackengine transform` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackengine.diagnostics import TemplateError
from stackengine.transform import TransformContext
from stackengine.transform.sam import transform_sam
from stackengine.transform.sam.common import SamError
from stackengine.transform.sam.globals import apply_globals, merge, parse_globals
from stackengine.transform.sam.logical_ids import digest, hashed_id
from stackengine.transform.sam.lookups import (
    ApplicationLookupError, StaticLookups, default_lookups, load_lookup_file,
)
from stackengine.transform.sam.policies import expand_template, policy_templates


# --- Globals -----------------------------------------------------------------------------------

def test_merge_maps_key_by_key_and_resource_wins() -> None:
    merged = merge({"Variables": {"A": "1", "B": "2"}}, {"Variables": {"B": "3", "C": "4"}})
    assert merged == {"Variables": {"A": "1", "B": "3", "C": "4"}}


def test_merge_lists_are_global_then_resource() -> None:
    assert merge(["a", "b"], ["c"]) == ["a", "b", "c"]


def test_merge_intrinsic_is_a_scalar() -> None:
    assert merge({"A": 1}, {"Ref": "P"}) == {"Ref": "P"}
    assert merge({"Ref": "P"}, {"A": 1}) == {"A": 1}


def test_merge_scalars_resource_wins() -> None:
    assert merge("python3.9", "python3.12") == "python3.12"


def test_apply_globals_fills_missing_properties() -> None:
    resources = {"F": {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "h"}}}
    apply_globals(resources, parse_globals({"Function": {"Runtime": "python3.12", "Handler": "x"}}))
    assert resources["F"]["Properties"] == {"Runtime": "python3.12", "Handler": "h"}


def test_ignore_globals_star() -> None:
    resources = {"F": {"Type": "AWS::Serverless::Function", "IgnoreGlobals": "*", "Properties": {}}}
    apply_globals(resources, parse_globals({"Function": {"Runtime": "python3.12"}}))
    assert resources["F"]["Properties"] == {}


@pytest.mark.parametrize("globals_", [
    {"Function": {"NotAProperty": 1}},
    {"NotASection": {}},
    {"Function": "not a map"},
    [],
])
def test_invalid_globals_are_rejected(globals_: object) -> None:
    with pytest.raises(SamError):
        parse_globals(globals_)


# --- hashed logical IDs -------------------------------------------------------------------------

def test_hashed_id_is_prefix_plus_ten_hex_and_deterministic() -> None:
    first = hashed_id("MyFunctionVersion", {"Code": {"S3Bucket": "b", "S3Key": "k"}})
    assert first.startswith("MyFunctionVersion") and len(first) == len("MyFunctionVersion") + 10
    assert first == hashed_id("MyFunctionVersion", {"Code": {"S3Key": "k", "S3Bucket": "b"}})
    assert first != hashed_id("MyFunctionVersion", {"Code": {"S3Bucket": "b", "S3Key": "k2"}})


def test_digest_is_sha1_hex() -> None:
    assert digest("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d"


def _function(code_key: str) -> dict:  # type: ignore[type-arg]
    return {"Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": {
        "CodeUri": f"s3://bucket/{code_key}", "Handler": "h", "Runtime": "python3.12",
        "AutoPublishAlias": "live"}}}}


def test_version_id_changes_with_code() -> None:
    ctx = TransformContext()
    a = transform_sam(_function("a.zip"), ctx)["Resources"]
    b = transform_sam(_function("b.zip"), ctx)["Resources"]
    version_a = [k for k in a if k.startswith("FVersion")]
    version_b = [k for k in b if k.startswith("FVersion")]
    assert len(version_a) == 1 and len(version_b) == 1 and version_a != version_b
    assert a["FAliaslive"]["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version_a[0], "Version"]}


# --- policy templates --------------------------------------------------------------------------

def test_policy_templates_are_data() -> None:
    templates = policy_templates()
    assert "DynamoDBCrudPolicy" in templates and "S3ReadPolicy" in templates
    assert len(templates) > 50


def test_policy_template_substitutes_parameters() -> None:
    document = expand_template("F", {"SQSPollerPolicy": {"QueueName": {"Ref": "Q"}}}, ())
    resource = document["Statement"][0]["Resource"]
    assert resource["Fn::Sub"][1] == {"queueName": {"Ref": "Q"}}


def test_policy_template_missing_parameter() -> None:
    with pytest.raises(SamError) as info:
        expand_template("F", {"DynamoDBCrudPolicy": {}}, ("Resources", "F"))
    assert "TableName" in info.value.message


def test_policy_template_in_function_role() -> None:
    template = _function("a.zip")
    template["Resources"]["F"]["Properties"]["Policies"] = [{"S3ReadPolicy": {"BucketName": "b"}},
                                                          "AmazonS3ReadOnlyAccess"]
    role = transform_sam(template, TransformContext())["Resources"]["FRole"]["Properties"]
    assert role["Policies"][0]["PolicyName"] == "FRolePolicy0"
    assert "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" in role["ManagedPolicyArns"]


# --- look-ups ----------------------------------------------------------------------------------

def test_shipped_managed_policies_keep_paths() -> None:
    lookups = default_lookups()
    assert lookups.managed_policy_arn("AWSLambdaBasicExecutionRole") == \
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    assert lookups.managed_policy_arn("AmazonS3FullAccess") == "arn:aws:iam::aws:policy/AmazonS3FullAccess"
    assert lookups.managed_policy_arn("NoSuchPolicy") is None


def test_lookup_file(tmp_path: Path) -> None:
    path = tmp_path / "lookups.json"
    path.write_text(json.dumps({
        "managed_policies": {"Custom": "arn:aws:iam::123:policy/Custom"},
        "applications": {"bad": {"error": "Cannot access application: bad."},
                         "*": {"TemplateUrl": "https://example.com/t.yaml"}}}))
    lookups = load_lookup_file(str(path))
    assert lookups.managed_policy_arn("Custom") == "arn:aws:iam::123:policy/Custom"
    assert lookups.application("any", "1.0.0")["TemplateUrl"] == "https://example.com/t.yaml"
    with pytest.raises(ApplicationLookupError):
        lookups.application("bad", "1.0.0")


def test_application_lookup_failure_is_a_template_error() -> None:
    template = {"Resources": {"App": {"Type": "AWS::Serverless::Application", "Properties": {
        "Location": {"ApplicationId": "bad", "SemanticVersion": "1.0.0"}}}}}
    lookups = StaticLookups(applications={"bad": {"error": "Cannot access application: bad."}})
    with pytest.raises(TemplateError) as info:
        transform_sam(template, TransformContext(options={"sam": {"lookups": lookups}}))
    assert "Cannot access application: bad." in str(info.value)


def test_application_whose_template_is_not_ready_is_refused() -> None:
    template = {"Resources": {"App": {"Type": "AWS::Serverless::Application", "Properties": {
        "Location": {"ApplicationId": "slow", "SemanticVersion": "1.0.0"}}}}}
    lookups = StaticLookups(applications={"slow": {"Status": "PREPARING", "TemplateUrl": "https://x"},
                                          "*": {"Status": "ACTIVE", "TemplateUrl": "https://y"}})
    with pytest.raises(TemplateError) as info:
        transform_sam(template, TransformContext(options={"sam": {"lookups": lookups}}))
    assert "PREPARING" in str(info.value) and "[App]" in str(info.value)
    template["Resources"]["App"]["Properties"]["Location"]["ApplicationId"] = "ready"
    out = transform_sam(template, TransformContext(options={"sam": {"lookups": lookups}}))
    assert out["Resources"]["App"]["Properties"]["TemplateURL"] == "https://y"


# --- errors and the command --------------------------------------------------------------------

def test_errors_name_resource_and_path() -> None:
    template = {"Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": {
        "CodeUri": "s3://b/k", "Handler": "h", "Runtime": "python3.12", "Bogus": 1}}}}
    with pytest.raises(TemplateError) as info:
        transform_sam(template, TransformContext())
    diagnostic = info.value.diagnostics[0]
    assert diagnostic.path == ("Resources", "F", "Properties", "Bogus")
    assert "[F]" in diagnostic.message and diagnostic.code.startswith("E6")


SAM_TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/hello.zip
      Handler: app.handler
      Runtime: python3.12
      Events:
        Get:
          Type: Api
          Properties: {Path: /hello, Method: get}
"""


def test_transform_command_prints_json(tmp_path: Path) -> None:
    from stackengine.cli.main import cli

    template = tmp_path / "template.yaml"
    template.write_text(SAM_TEMPLATE)
    result = CliRunner().invoke(cli, ["transform", str(template), "-o", "json", "--region", "eu-west-1"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["Resources"]["Hello"]["Type"] == "AWS::Lambda::Function"
    assert "ServerlessRestApi" in out["Resources"] and "Transform" not in out


def test_transform_command_reports_invalid_sam(tmp_path: Path) -> None:
    from stackengine.cli.main import cli

    template = tmp_path / "bad.yaml"
    template.write_text(SAM_TEMPLATE.replace("Runtime: python3.12", "Runtime: python3.12\n      Bogus: 1"))
    result = CliRunner().invoke(cli, ["transform", str(template)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "bad.yaml:" in result.output and "Bogus" in result.output
