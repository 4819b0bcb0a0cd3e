"""Deploy and render wired to the emulated account: SSM parameter types, local artifact paths."""

from __future__ import annotations

import json

from click.testing import CliRunner

from stackengine.cli.main import cli

SSM_TEMPLATE = """\
Parameters:
  Ami:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
  Custom:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /team/setting
Resources:
  Q:
    Type: AWS::SQS::Queue
Outputs:
  AmiId:
    Value: !Ref Ami
  Setting:
    Value: !Ref Custom
"""


def run(state: str, *args: str) -> object:
    return CliRunner().invoke(cli, ["--state", state, *args])


def test_ssm_parameter_types_read_the_emulated_account(tmp_path) -> None:
    state = str(tmp_path / "state.db")
    template = tmp_path / "ssm.yaml"
    template.write_text(SSM_TEMPLATE)

    missing = run(state, "render", str(template))
    assert missing.exit_code == 1
    assert f"{template}:7:" in missing.stderr and "/team/setting" in missing.stderr
    assert not (tmp_path / "state.db").exists()  # render reads state, never creates it

    assert run(state, "account", "put-parameter", "/team/setting", "hello").exit_code == 0
    rendered = run(state, "render", str(template), "-o", "json")
    assert rendered.exit_code == 0, rendered.output
    outputs = json.loads(rendered.stdout)["Outputs"]
    assert outputs["Setting"]["Value"] == "hello"
    assert outputs["AmiId"]["Value"].startswith("ami-")

    deployed = run(state, "deploy", str(template), "--stack-name", "ssm")
    assert deployed.exit_code == 0, deployed.output
    shown = json.loads(run(state, "outputs", "ssm", "-o", "json").stdout)
    assert {o["OutputKey"]: o["OutputValue"] for o in shown}["Setting"] == "hello"
    # as describe-stacks shapes them: no Description or ExportName keys for outputs without them
    assert all(set(o) == {"OutputKey", "OutputValue"} for o in shown), shown


def test_deploy_packages_local_code_paths(tmp_path) -> None:
    state = str(tmp_path / "state.db")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    template = tmp_path / "fn.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      Runtime: python3.12\n      Handler: app.handler\n      CodeUri: src/\n")
    deployed = run(state, "deploy", str(template), "--stack-name", "fn", "--capabilities", "CAPABILITY_IAM")
    assert deployed.exit_code == 0, deployed.output
    resources = json.loads(run(state, "resources", "fn", "-o", "json").stdout)
    types = {r["LogicalResourceId"]: r["ResourceType"] for r in resources["StackResourceSummaries"]}
    assert types["Fn"] == "AWS::Lambda::Function" and types["FnRole"] == "AWS::IAM::Role"

    # a change to the code is a change to the stack
    unchanged = run(state, "deploy", str(template), "--stack-name", "fn", "--capabilities", "CAPABILITY_IAM")
    assert unchanged.exit_code == 0 and "No changes" in unchanged.output
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return 2\n")
    updated = run(state, "deploy", str(template), "--stack-name", "fn", "--capabilities", "CAPABILITY_IAM")
    assert updated.exit_code == 0 and "UPDATE_COMPLETE" in updated.output


def test_missing_local_path_points_at_the_property(tmp_path) -> None:
    state = str(tmp_path / "state.db")
    template = tmp_path / "fn.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      Runtime: python3.12\n      Handler: app.handler\n      CodeUri: nowhere/\n")
    result = run(state, "deploy", str(template), "--stack-name", "fn", "--capabilities", "CAPABILITY_IAM")
    assert result.exit_code == 1
    assert f"{template}:8:16:" in result.stderr and "Resources.Fn.Properties.CodeUri" in result.stderr
    assert "Traceback" not in result.output


def test_failed_create_says_so_and_exits_1(tmp_path) -> None:
    state = str(tmp_path / "state.db")
    template = tmp_path / "q.yaml"
    template.write_text("Resources:\n  A:\n    Type: AWS::SQS::Queue\n  B:\n    Type: AWS::SQS::Queue\n")
    result = run(state, "deploy", str(template), "--stack-name", "q", "--inject-failure", "B:create")
    assert result.exit_code == 1
    assert "Failed to create stack q: ROLLBACK_COMPLETE" in result.stderr
    described = json.loads(run(state, "describe", "q", "-o", "json").stdout)
    assert described["Stacks"][0]["StackStatus"] == "ROLLBACK_COMPLETE"


def test_custom_resource_attributes_have_offline_stand_ins(tmp_path) -> None:
    state = str(tmp_path / "state.db")
    template = tmp_path / "custom.yaml"
    template.write_text(
        "Resources:\n"
        "  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n"
        "        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n"
        "            Principal: {Service: lambda.amazonaws.com}\n            Action: sts:AssumeRole\n"
        "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
        "      Handler: index.handler\n      Role: !GetAtt Role.Arn\n"
        "      Code: {ZipFile: 'def handler(e, c): pass'}\n"
        "  Custom:\n    Type: Custom::Lookup\n    Properties:\n      ServiceToken: !GetAtt Fn.Arn\n"
        "Outputs:\n  Answer:\n    Value: !GetAtt Custom.Answer\n")
    result = run(state, "deploy", str(template), "--stack-name", "c", "--capabilities", "CAPABILITY_IAM")
    assert result.exit_code == 0, result.output
    outputs = json.loads(run(state, "outputs", "c", "-o", "json").stdout)
    physical = json.loads(run(state, "resources", "c", "-o", "json").stdout)["StackResourceSummaries"]
    custom_id = next(r["PhysicalResourceId"] for r in physical if r["LogicalResourceId"] == "Custom")
    assert outputs[0]["OutputValue"] == f"{custom_id}-Answer"


def test_unknown_getatt_attribute_is_refused_before_anything_is_created(tmp_path) -> None:
    state = str(tmp_path / "state.db")
    template = tmp_path / "bad.yaml"
    template.write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
                        "Outputs:\n  X:\n    Value: !GetAtt Q.NoSuchAttribute\n")
    result = run(state, "deploy", str(template), "--stack-name", "b")
    assert result.exit_code == 1
    assert f"{template}:6:12: E1010 Outputs.X.Value.Fn::GetAtt" in result.stderr
    assert "does not support attribute type NoSuchAttribute" in result.stderr
    # refused before anything was created: there is no stack
    assert run(state, "describe", "b").exit_code == 1
