from __future__ import annotations

import json

from click.testing import CliRunner

from stackengine.cli.main import cli
from stackengine.providers.local import LocalProvider
from local_support import STACK


def test_ls_and_show(db_path):
    provider = LocalProvider(db_path)
    q = provider.create(STACK, "AWS::SQS::Queue", "Q", {"QueueName": "orders"}, "t1")
    runner = CliRunner()
    table = runner.invoke(cli, ["--state", db_path, "account", "ls"])
    assert table.exit_code == 0, table.output
    assert "AWS::SQS::Queue" in table.output and q.physical_id in table.output
    assert "AWS::EC2::VPC" not in table.output  # account defaults only with --all
    listed = runner.invoke(cli, ["--state", db_path, "account", "ls", "--all", "-o", "json"])
    rows = json.loads(listed.output)["Resources"]
    assert {"AWS::SQS::Queue", "AWS::EC2::VPC"} <= {r["ResourceType"] for r in rows}
    shown = runner.invoke(cli, ["--state", db_path, "account", "show", q.physical_id])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["Attributes"]["QueueName"] == "orders"
    missing = runner.invoke(cli, ["--state", db_path, "account", "show", "nope"])
    assert missing.exit_code != 0


def test_parameters(db_path):
    LocalProvider(db_path)  # creates the tables
    runner = CliRunner()
    put = runner.invoke(cli, ["--state", db_path, "account", "put-parameter", "/app/ami", "ami-1",
                              "--region", "us-east-1"])
    assert put.exit_code == 0, put.output
    assert LocalProvider(db_path).resolve_ssm_parameter("123456789012", "us-east-1", "/app/ami") == "ami-1"
    listed = runner.invoke(cli, ["--state", db_path, "account", "parameters"])
    assert "/app/ami" in listed.output


def test_no_database(tmp_path):
    result = CliRunner().invoke(cli, ["--state", str(tmp_path / "none.db"), "account", "ls"])
    assert result.exit_code != 0 and "no state database" in result.output


def test_put_secret_is_readable_by_dynamic_references(db_path):
    runner = CliRunner()
    put = runner.invoke(cli, ["--state", db_path, "account", "put-secret", "db-pw",
                              '{"password": "hunter2"}', "--region", "us-east-1"])
    assert put.exit_code == 0, put.output
    assert put.output.startswith("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-pw-")
    again = runner.invoke(cli, ["--state", db_path, "account", "put-secret", "db-pw",
                                '{"password": "changed"}', "--region", "us-east-1"])
    assert again.output == put.output  # same secret, new value
    provider = LocalProvider(db_path)
    topic = provider.create(STACK, "AWS::SNS::Topic", "T", {
        "DisplayName": "{{resolve:secretsmanager:db-pw:SecretString:password}}"}, "tok")
    stored = provider.store.get_resource("123456789012", "us-east-1", "AWS::SNS::Topic", topic.physical_id)
    assert stored.properties["DisplayName"] == "changed"


def test_create_key_pair(db_path):
    runner = CliRunner()
    made = runner.invoke(cli, ["--state", db_path, "account", "create-key-pair", "ops",
                               "--region", "eu-west-1"])
    assert made.exit_code == 0 and made.output == "ops\n", made.output
    listed = runner.invoke(cli, ["--state", db_path, "account", "ls", "--all", "-o", "json"])
    pairs = [r for r in json.loads(listed.output)["Resources"]
             if r["ResourceType"] == "AWS::EC2::KeyPair"]
    assert [(p["PhysicalResourceId"], p["Region"], p["StackName"]) for p in pairs] == [
        ("ops", "eu-west-1", "(account default)")]
