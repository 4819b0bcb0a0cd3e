"""The CLI path once `aws` is in the engine's provider registry: `deploy`/`outputs`/`delete`
with `--provider aws` and AWS_ENDPOINT_URL pointing at the served emulator — the examples give
the same outputs as with the local provider."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackengine.cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
ORDER = ["network.yaml", "app.yaml", "sqs-sns-fanout.yaml", "lambda-s3-code.yaml",
         "ec2-instance.yaml", "env-type.yaml", "region-map.yaml"]


@pytest.fixture
def aws_registered(monkeypatch):
    from stackengine import engine as engine_module

    monkeypatch.setitem(engine_module.PROVIDERS, "aws",
                        "stackengine.providers.aws.cloudcontrol:CloudControlProvider")


def run(*args):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result


def normalised(text):
    outputs = json.loads(text)["Stacks"][0].get("Outputs", [])
    def norm(value):
        value = re.sub(r"\d+\.\d+\.\d+\.\d+", "IP", str(value))
        value = re.sub(r"-[0-9a-f]{8,17}\b", "-HEX", value)
        value = re.sub(r"[A-Z0-9]{12,13}", "RAND", value)
        return re.sub(r"-\d{6,10}\.", "-N.", value)
    return sorted((o["OutputKey"], norm(o["OutputValue"])) for o in outputs)


def test_examples_deploy_and_delete_through_the_endpoint(aws_registered, serve, tmp_path,
                                                         monkeypatch):
    server = serve()
    remote_state, local_state = str(tmp_path / "remote.db"), str(tmp_path / "local.db")
    deployed = []
    for example in ORDER:
        name = example.split(".")[0]
        args = ["deploy", str(EXAMPLES / example), "--stack-name", name, "--capabilities",
                "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "-o", "json"]
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        remote = run("--state", remote_state, *args, "--provider", "aws")
        monkeypatch.delenv("AWS_ENDPOINT_URL")
        local = run("--state", local_state, *args)
        assert remote.exit_code == 0, remote.output
        assert local.exit_code == 0, local.output
        assert normalised(remote.output) == normalised(local.output), example
        deployed.append(name)
    assert {r.stack_name for r in server.provider.store.list_resources() if r.stack_name} == \
        set(deployed)
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
    for name in reversed(deployed):
        result = run("--state", remote_state, "delete", name, "--yes", "--provider", "aws")
        assert result.exit_code == 0, result.output
    assert [r for r in server.provider.store.list_resources() if r.stack_name] == []
