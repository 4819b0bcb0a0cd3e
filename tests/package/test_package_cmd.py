"""`stackengine package` through the CLI on the local provider, and the SAM hello-world example."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from stackengine.cli.main import cli
from stackengine.engine import Engine, EngineConfig
from stackengine.package.stores import default_bucket

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sam-hello-world"


def _emulated_s3(state: str):
    """The emulated account's S3 in the state file `state` (account 123456789012, us-east-1)."""
    return Engine(EngineConfig(state_path=state)).emulated_s3()


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLE, tmp_path / "hello")
    state = str(tmp_path / "state.db")
    runner = CliRunner()

    def run(*args: str, code: int = 0):
        result = runner.invoke(cli, ["--state", state, *args])
        assert result.exit_code == code, (result.output, result.exception)
        return result

    run.state = state  # type: ignore[attr-defined]
    return run


def lambda_function(transformed: dict) -> dict:
    (function,) = [r for r in transformed["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    return function


def test_package_then_transform_hello_world(env, tmp_path):
    packaged = env("package", "hello/template.yaml", "--s3-bucket", "my-artifacts")
    template = yaml.safe_load(packaged.stdout.replace("!Ref", "").replace("!Sub", "").replace("!GetAtt", ""))
    code_uri = template["Resources"]["HelloWorldFunction"]["Properties"]["CodeUri"]
    assert code_uri.startswith("s3://my-artifacts/")
    assert "Uploading to" in packaged.stderr and "Created bucket my-artifacts" in packaged.stderr
    (tmp_path / "packaged.yaml").write_text(packaged.stdout)
    transformed = json.loads(env("transform", "packaged.yaml", "-o", "json").stdout)
    code = lambda_function(transformed)["Properties"]["Code"]
    assert code == {"S3Bucket": "my-artifacts", "S3Key": code_uri.split("/", 3)[3]}
    # the object is in the emulated account's S3
    store = _emulated_s3(env.state)
    assert store.exists("my-artifacts", code["S3Key"])


def test_output_file_message_and_json(env, tmp_path):
    result = env("package", "hello/template.yaml", "--s3-bucket", "my-artifacts", "--s3-prefix", "hello",
                 "--output-template-file", "out.json", "--use-json")
    assert "Successfully packaged artifacts and wrote output template to file out.json." in result.stdout
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["Resources"]["HelloWorldFunction"]["Properties"]["CodeUri"].startswith(
        "s3://my-artifacts/hello/")
    assert data["Resources"]["HelloWorldFunction"]["Properties"]["Environment"]["Variables"] == {
        "TABLE_NAME": {"Ref": "MyTable"}}


def test_same_content_same_key_and_no_second_upload(env):
    first = env("package", "hello/template.yaml", "--s3-bucket", "my-artifacts")
    second = env("package", "hello/template.yaml", "--s3-bucket", "my-artifacts")
    assert first.stdout == second.stdout
    assert "already exists" in second.stderr and "Created bucket" not in second.stderr


def test_default_bucket_is_created_in_the_account(env):
    result = env("package", "hello/template.yaml", "--region", "eu-west-1")
    bucket = default_bucket("123456789012", "eu-west-1")
    assert f"s3://{bucket}/" in result.stdout
    listing = env("account", "ls", "--type", "AWS::S3::Bucket").stdout
    assert bucket in listing


def test_missing_code_path_is_a_located_error(env, tmp_path):
    text = (tmp_path / "hello" / "template.yaml").read_text().replace("CodeUri: hello_world/",
                                                                       "CodeUri: goodbye_world/")
    (tmp_path / "hello" / "template.yaml").write_text(text)
    result = env("package", "hello/template.yaml", "--s3-bucket", "my-artifacts", code=1)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "CodeUri" in row)
    assert f"hello/template.yaml:{line}:16: E6200 Resources.HelloWorldFunction.Properties.CodeUri:" \
        in result.stderr
    assert "goodbye_world" in result.stderr and "Traceback" not in result.output


def test_invalid_bucket_name_is_a_clear_error(env):
    result = env("package", "hello/template.yaml", "--s3-bucket", "b", code=1)
    assert "cannot create bucket b" in result.stderr


def test_hello_world_deploys_updates_and_deletes(env, tmp_path):
    env("package", "hello/template.yaml", "--s3-bucket", "my-artifacts", "--output-template-file", "p1.yaml")
    env("deploy", "p1.yaml", "--stack-name", "hello", "--capabilities", "CAPABILITY_IAM")
    outputs = json.loads(env("outputs", "hello", "-o", "json").stdout)
    values = {o["OutputKey"]: o["OutputValue"] for o in outputs}
    assert values["HelloWorldApi"].endswith(".execute-api.us-east-1.amazonaws.com/Prod/hello/")
    assert values["TableName"].startswith("hello-MyTable-")
    first_key = yaml.safe_load((tmp_path / "p1.yaml").read_text().split("Outputs:")[0].replace(
        "!Ref", ""))["Resources"]["HelloWorldFunction"]["Properties"]["CodeUri"]

    app = tmp_path / "hello" / "hello_world" / "app.py"
    app.write_text(app.read_text().replace("hello world", "hello again"))
    env("package", "hello/template.yaml", "--s3-bucket", "my-artifacts", "--output-template-file", "p2.yaml")
    second_key = yaml.safe_load((tmp_path / "p2.yaml").read_text().split("Outputs:")[0].replace(
        "!Ref", ""))["Resources"]["HelloWorldFunction"]["Properties"]["CodeUri"]
    assert second_key != first_key
    env("deploy", "p2.yaml", "--stack-name", "hello", "--capabilities", "CAPABILITY_IAM")
    described = json.loads(env("describe", "hello", "-o", "json").stdout)
    stack = described["Stacks"][0] if "Stacks" in described else described
    assert stack["StackStatus"] == "UPDATE_COMPLETE"

    env("delete", "hello", "--yes")
    stacks = json.loads(env("stacks", "-o", "json").stdout)
    assert "hello" not in json.dumps(stacks)
    # the artifacts bucket belongs to no stack: it and its objects stay
    assert _emulated_s3(env.state).exists("my-artifacts",
                                                                            second_key.split("/", 3)[3])


def test_unknown_provider_is_a_usage_error(env):
    result = env("package", "hello/template.yaml", "--provider", "elsewhere", code=2)
    assert "unknown provider 'elsewhere'" in result.stderr


def test_package_local_paths_for_deploy(tmp_path):
    from stackengine.package.stores import package_local_paths

    shutil.copytree(EXAMPLE, tmp_path / "hello")
    template_file = str(tmp_path / "hello" / "template.yaml")
    body = Path(template_file).read_text()
    store = _emulated_s3(str(tmp_path / "state.db"))
    packaged = package_local_paths(body, template_file, store)
    bucket = default_bucket("123456789012", "us-east-1")
    assert f"CodeUri: s3://{bucket}/" in packaged and "!Ref 'MyTable'" in packaged
    again = package_local_paths(body, template_file, store)
    assert again == packaged
    # nothing local: the body comes back as it was, byte for byte
    assert package_local_paths(packaged, template_file, store) is packaged
    as_json = json.dumps({"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {
        "Code": "hello_world", "Handler": "app.lambda_handler", "Runtime": "python3.12", "Role": "r"}}}})
    packaged_json = json.loads(package_local_paths(as_json, template_file, store))
    assert packaged_json["Resources"]["F"]["Properties"]["Code"]["S3Bucket"] == bucket
