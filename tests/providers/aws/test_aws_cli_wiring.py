"""The stack commands' AWS options: `--target aws` (Cloud Control, here through the served
emulator), `--via cloudformation` (a real CloudFormation stack, here moto's server), and the
plan-time refusal of types Cloud Control cannot provision."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from stackengine.cli.main import cli

FANOUT = Path(__file__).resolve().parents[3] / "examples" / "sqs-sns-fanout.yaml"


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def test_target_aws_with_endpoint_option(serve, tmp_path) -> None:
    server = serve()
    state = str(tmp_path / "client.db")
    aws = ["--target", "aws", "--endpoint-url", server.url]
    deployed = run("--state", state, "deploy", str(FANOUT), "--stack-name", "fan", *aws)
    assert deployed.exit_code == 0, deployed.output
    outputs = json.loads(run("--state", state, "outputs", "fan", *aws, "-o", "json").stdout)
    assert {o["OutputKey"] for o in outputs} >= {"TopicArn", "BillingQueueUrl"}
    deleted = run("--state", state, "delete", "fan", "--yes", *aws)
    assert deleted.exit_code == 0, deleted.output


def test_types_cloud_control_cannot_provision_are_refused_before_anything_runs(serve, tmp_path) -> None:
    server = serve()
    template = tmp_path / "wait.yaml"
    template.write_text("Resources:\n  Wait:\n    Type: AWS::CloudFormation::WaitConditionHandle\n"
                        "  Q:\n    Type: AWS::SQS::Queue\n")
    state = str(tmp_path / "client.db")
    result = run("--state", state, "deploy", str(template), "--target", "aws", "--endpoint-url", server.url)
    assert result.exit_code == 1
    assert "Wait (AWS::CloudFormation::WaitConditionHandle)" in result.stderr
    assert "--via cloudformation" in result.stderr
    listed = run("--state", state, "stacks", "--target", "aws", "--endpoint-url", server.url, "-o", "json")
    assert "wait" not in listed.stdout  # nothing was created


def test_via_cloudformation_create_update_describe_delete(moto_url, tmp_path) -> None:
    native = ["--target", "aws", "--via", "cloudformation", "--endpoint-url", moto_url]
    created = run("deploy", str(FANOUT), "--stack-name", "native-fan", *native)
    assert created.exit_code == 0, created.output
    assert "Successfully created stack - native-fan" in created.stdout
    assert "CloudFormation" in created.stdout and "Add" in created.stdout

    changed = tmp_path / "fan.yaml"
    changed.write_text(FANOUT.read_text().replace("VisibilityTimeout: 60", "VisibilityTimeout: 45"))
    updated = run("deploy", str(changed), "--stack-name", "native-fan", *native)
    assert updated.exit_code == 0, updated.output
    assert "Successfully updated stack - native-fan" in updated.stdout
    modify_rows = [line for line in updated.stdout.splitlines() if "Modify" in line]
    assert modify_rows and all(line.count("Modify") == 2 for line in modify_rows)  # ours and AWS's

    described = json.loads(run("describe", "native-fan", *native).stdout)
    assert described["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
    summaries = json.loads(run("resources", "native-fan", *native).stdout)["StackResourceSummaries"]
    assert {r["LogicalResourceId"] for r in summaries} >= {"OrdersTopic", "BillingQueue"}
    assert json.loads(run("events", "native-fan", *native).stdout)["StackEvents"]

    deleted = run("delete", "native-fan", "--yes", *native)
    assert deleted.exit_code == 0, deleted.output
    gone = run("describe", "native-fan", *native)
    assert gone.exit_code == 1 and "does not exist" in gone.stderr


def test_option_combinations_that_make_no_sense_are_usage_errors(tmp_path) -> None:
    result = run("--state", str(tmp_path / "s.db"), "deploy", str(FANOUT), "--via", "cloudformation")
    assert result.exit_code == 2 and "--target aws" in result.stderr
    result = run("--state", str(tmp_path / "s.db"), "deploy", str(FANOUT), "--target", "aws",
                 "--endpoint-url", "http://127.0.0.1:9", "--inject-failure", "Q")
    assert result.exit_code == 2 and "local target only" in result.stderr


def test_via_cloudformation_packages_local_code_to_s3(moto_url, tmp_path) -> None:
    import boto3

    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket="deploy-artifacts")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    hello = tmp_path / "fn.yaml"
    hello.write_text("Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
                     "    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n"
                     "      Handler: app.handler\n      CodeUri: src/\n")
    native = ["--target", "aws", "--via", "cloudformation", "--endpoint-url", moto_url]
    missing_bucket = run("deploy", str(hello), "--stack-name", "hello", *native,
                         "--capabilities", "CAPABILITY_IAM")
    assert missing_bucket.exit_code == 2 and "--s3-bucket" in missing_bucket.stderr
    deployed = run("deploy", str(hello), "--stack-name", "hello", *native, "--capabilities",
                   "CAPABILITY_IAM", "--s3-bucket", "deploy-artifacts", "--s3-prefix", "hello")
    assert deployed.exit_code == 0, deployed.output
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="deploy-artifacts").get("Contents", [])]
    assert keys and all(k.startswith("hello/") for k in keys)
    summaries = json.loads(run("resources", "hello", *native).stdout)["StackResourceSummaries"]
    assert "AWS::Lambda::Function" in {r["ResourceType"] for r in summaries}


def _outputs(result: object) -> dict[str, str]:
    import re

    data = json.loads(result.stdout)  # type: ignore[attr-defined]
    outputs = data["Stacks"][0].get("Outputs", []) if isinstance(data, dict) else data
    # generated names and IDs are random per stack; compare their shape
    def shape(value: str) -> str:
        value = re.sub(r"\d+\.\d+\.\d+\.\d+", "IP", value)
        value = re.sub(r"-[0-9a-f]{8,17}\b", "-HEX", value)
        return re.sub(r"[A-Z0-9]{12,13}", "RAND", value)
    return {o["OutputKey"]: shape(str(o["OutputValue"])) for o in outputs}


def test_examples_update_through_the_endpoint_as_they_do_locally(serve, tmp_path) -> None:
    examples = Path(__file__).resolve().parents[3] / "examples"
    server = serve()
    remote = ["--state", str(tmp_path / "remote.db")]
    local = ["--state", str(tmp_path / "local.db")]
    aws = ["--target", "aws", "--endpoint-url", server.url]
    steps = [("sqs-sns-fanout.yaml", []), ("sqs-sns-fanout.yaml", ["MessageRetentionSeconds=86400"]),
             ("env-type.yaml", []), ("env-type.yaml", ["EnvType=prod"]), ("env-type.yaml", ["EnvType=test"])]
    for example, overrides in steps:
        name = example.split(".")[0]
        args = ["deploy", str(examples / example), "--stack-name", name, "-o", "json"]
        if overrides:
            args += ["--parameter-overrides", *overrides]
        there = run(*remote, *args, *aws)
        here = run(*local, *args)
        assert there.exit_code == 0, there.output
        assert here.exit_code == 0, here.output
        assert (_outputs(run(*remote, "describe", name, "-o", "json", *aws))
                == _outputs(run(*local, "describe", name, "-o", "json"))), (example, overrides)
    for name in ("env-type", "sqs-sns-fanout"):
        assert run(*remote, "delete", name, "--yes", *aws).exit_code == 0
    assert [r for r in server.provider.store.list_resources() if r.stack_name] == []
