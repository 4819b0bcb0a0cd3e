"""`stackengine render` end to end through the CLI."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from stackengine import __version__
from stackengine.cli.main import cli

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]
    Default: dev
  Secret:
    Type: String
    NoEcho: true
    Default: hunter2
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "${AWS::StackName}-${Env}"
      DelaySeconds: !If [IsProd, 0, !Ref AWS::NoValue]
  ProdOnly:
    Type: AWS::SNS::Topic
    Condition: IsProd
  Policy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
Outputs:
  QueueUrl:
    Value: !Ref Queue
  Region:
    Value: !Sub "${AWS::Region}/${AWS::AccountId}/${AWS::Partition}"
"""


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def write(tmp_path, text: str, name: str = "app.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_render_folds_parameters_conditions_and_pseudo_parameters(tmp_path) -> None:
    result = run("render", write(tmp_path, TEMPLATE), "-o", "json")
    assert result.exit_code == 0, result.output
    rendered = json.loads(result.stdout)
    queue = rendered["Resources"]["Queue"]
    assert queue["Properties"] == {"QueueName": "app-dev"}  # stack name defaults to the file stem
    assert "ProdOnly" not in rendered["Resources"]
    assert rendered["Resources"]["Policy"]["Properties"]["Queues"] == [{"Ref": "Queue"}]
    assert rendered["Outputs"]["Region"]["Value"] == "us-east-1/123456789012/aws"
    assert "Parameters" not in rendered and "Conditions" not in rendered


def test_render_with_overrides_region_account_and_stack_name(tmp_path) -> None:
    result = run("render", write(tmp_path, TEMPLATE), "-o", "json", "--parameter-overrides", "Env=prod",
                 "--stack-name", "shop", "--region", "cn-north-1", "--account-id", "210987654321")
    assert result.exit_code == 0, result.output
    rendered = json.loads(result.stdout)
    assert rendered["Resources"]["Queue"]["Properties"] == {"QueueName": "shop-prod", "DelaySeconds": 0}
    assert "ProdOnly" in rendered["Resources"]
    assert rendered["Outputs"]["Region"]["Value"] == "cn-north-1/210987654321/aws-cn"


def test_region_from_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AWS_REGION", "us-gov-west-1")
    result = run("render", write(tmp_path, TEMPLATE), "-o", "json")
    assert json.loads(result.stdout)["Outputs"]["Region"]["Value"].endswith("/aws-us-gov")


def test_render_yaml_uses_short_forms(tmp_path) -> None:
    result = run("render", write(tmp_path, TEMPLATE))
    assert result.exit_code == 0, result.output
    assert "!GetAtt Queue.Arn" in result.stdout or "!GetAtt 'Queue.Arn'" in result.stdout
    loaded = yaml.load(result.stdout, Loader=_tag_loader())
    assert loaded["Resources"]["Queue"]["Properties"]["QueueName"] == "app-dev"


def _tag_loader() -> type:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: {suffix: str(node.value)})
    return Loader


def test_parameters_file_and_repeatable_overrides(tmp_path) -> None:
    params = tmp_path / "params.json"
    params.write_text(json.dumps([{"ParameterKey": "Env", "ParameterValue": "prod"}]))
    result = run("render", write(tmp_path, TEMPLATE), "-o", "json", "--parameters-file", str(params))
    assert json.loads(result.stdout)["Resources"]["Queue"]["Properties"]["QueueName"] == "app-prod"
    # the command line wins over the file
    result = run("render", write(tmp_path, TEMPLATE), "-o", "json", "--parameters-file", str(params),
                 "--parameter-overrides", "Env=dev", "--parameter-overrides", "Secret=x")
    assert json.loads(result.stdout)["Resources"]["Queue"]["Properties"]["QueueName"] == "app-dev"


def test_invalid_parameter_value_fails_with_every_problem(tmp_path) -> None:
    text = TEMPLATE.replace("  Secret:", "  Size:\n    Type: Number\n    MaxValue: 5\n    Default: 1\n  Secret:")
    result = run("render", write(tmp_path, text), "--parameter-overrides", "Env=qa", "Size=9")
    assert result.exit_code == 1
    assert "Parameters.Env" in result.stderr and "Parameters.Size" in result.stderr
    assert "2 errors found." in result.stderr
    assert "Traceback" not in result.output


def test_undeclared_override_is_a_warning_not_an_error(tmp_path) -> None:
    result = run("render", write(tmp_path, TEMPLATE), "--parameter-overrides", "Nope=1")
    assert result.exit_code == 0
    assert "Nope" in result.stderr and "warning" in result.stderr


def test_errors_carry_file_line_col_and_path(tmp_path) -> None:
    bad = TEMPLATE.replace("Resource: !GetAtt Queue.Arn", "Resource: !GetAtt Missing.Arn")
    path = write(tmp_path, bad)
    result = run("render", path)
    assert result.exit_code == 1
    line = next(line for line in bad.splitlines() if "Missing.Arn" in line)
    lineno = bad.splitlines().index(line) + 1
    assert f"{path}:{lineno}:" in result.stderr
    assert "Resources.Policy.Properties.PolicyDocument.Statement[0].Resource.Fn::GetAtt" in result.stderr
    assert "'Missing'" in result.stderr


def test_malformed_yaml_exits_1_without_traceback(tmp_path) -> None:
    result = run("render", write(tmp_path, "Resources:\n  Q: [\n"))
    assert result.exit_code == 1
    assert "E0001" in result.stderr and "Traceback" not in result.output


def test_missing_file_exits_1(tmp_path) -> None:
    result = run("render", str(tmp_path / "absent.yaml"))
    assert result.exit_code == 1 and "cannot read" in result.stderr


def test_usage_error_exits_2(tmp_path) -> None:
    result = run("render", write(tmp_path, TEMPLATE), "-o", "xml")
    assert result.exit_code == 2
    result = run("render", write(tmp_path, TEMPLATE), "--parameter-overrides", "novalue")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_no_echo_values_are_masked_in_rendered_output(tmp_path) -> None:
    text = TEMPLATE.replace("      DelaySeconds:", "      RedriveAllowPolicy: !Sub 'pw=${Secret}'\n      DelaySeconds:")
    text += "  Shown:\n    Value: !Ref Secret\n"
    result = run("render", write(tmp_path, text), "-o", "json", "--parameter-overrides", "Secret=s3cr3t-value")
    assert result.exit_code == 0, result.output
    assert "s3cr3t-value" not in result.output
    rendered = json.loads(result.stdout)
    assert rendered["Resources"]["Queue"]["Properties"]["RedriveAllowPolicy"] == "pw=****"
    assert rendered["Outputs"]["Shown"]["Value"] == "****"


def test_no_echo_values_are_real_for_the_engine(tmp_path) -> None:
    from stackengine.render import RenderOptions, render_file

    processed = render_file(write(tmp_path, TEMPLATE + "  Shown:\n    Value: !Ref Secret\n"),
                            RenderOptions(parameters={"Secret": "real"}))
    assert processed.outputs["Shown"].value == "real"
    assert processed.rendered(mask_no_echo=False)["Outputs"]["Shown"]["Value"] == "real"
    assert processed.display_parameters()["Secret"] == "****"


def test_top_level_metadata_is_kept_as_written(tmp_path) -> None:
    text = "Metadata:\n  Notes: {Ref: Anything}\n" + TEMPLATE
    result = run("render", write(tmp_path, text), "-o", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["Metadata"] == {"Notes": {"Ref": "Anything"}}


def test_local_artifacts_render_as_the_s3_locations_deploy_would_use(tmp_path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    template = write(tmp_path, "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
                     "    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n"
                     "      Handler: app.handler\n      CodeUri: src/\n", "fn.yaml")
    rendered = run("render", template, "-o", "json")
    assert rendered.exit_code == 0, rendered.output
    code = json.loads(rendered.stdout)["Resources"]["Fn"]["Properties"]["Code"]
    assert code["S3Bucket"] == "stackengine-artifacts-123456789012-us-east-1"
    # the key is the content hash `package` and `deploy` use: same files, same key
    again = json.loads(run("render", template, "-o", "json").stdout)["Resources"]["Fn"]["Properties"]["Code"]
    assert again == code
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return 2\n")
    changed = json.loads(run("render", template, "-o", "json").stdout)["Resources"]["Fn"]["Properties"]["Code"]
    assert changed["S3Key"] != code["S3Key"]
