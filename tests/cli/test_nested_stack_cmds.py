"""End to end from the command line: the nested-stack example deploys (its child template from
a local file), the child shows as a stack of its own with its parent, and delete removes both."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from stackengine.cli.main import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "nested-stack"


def test_deploy_describe_delete_a_nested_stack(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLE, tmp_path / "app")
    runner = CliRunner()
    state = str(tmp_path / "state.db")

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli, ["--state", state, *args])
        assert result.exit_code == code, (result.output, result.exception)
        return result.output

    # without CAPABILITY_AUTO_EXPAND a template with a nested stack is refused, as by CloudFormation
    assert "CAPABILITY_AUTO_EXPAND" in run("deploy", "app/template.yaml", "--stack-name", "shop",
                                           code=1)
    run("deploy", "app/template.yaml", "--stack-name", "shop", "--capabilities",
        "CAPABILITY_AUTO_EXPAND", "--parameter-overrides", "AppName=shop")
    stacks = json.loads(run("stacks", "-o", "json"))["StackSummaries"]
    parent = next(s for s in stacks if s["StackName"] == "shop")
    [child] = [s for s in stacks if s.get("ParentId") == parent["StackId"]]
    assert child["StackName"].startswith("shop-Queues-") and child["RootId"] == parent["StackId"]

    described = json.loads(run("describe", child["StackName"], "-o", "json"))["Stacks"][0]
    assert described["ParentId"] == parent["StackId"]
    assert described["Parameters"] == [{"ParameterKey": "QueueName", "ParameterValue": "shop-work"}]
    assert described["Tags"] == [{"Key": "app", "Value": "shop"}]
    outputs = {o["OutputKey"]: o["OutputValue"]
               for o in json.loads(run("describe", "shop", "-o", "json"))["Stacks"][0]["Outputs"]}
    assert outputs["QueuesStackId"] == child["StackId"]
    assert outputs["QueueUrl"].endswith("/shop-work")
    assert "ParentId" in run("describe", child["StackName"])  # the table shows it too

    run("delete", "shop", "--yes")
    assert json.loads(run("stacks", "-o", "json"))["StackSummaries"] == []
    assert "does not exist" in run("describe", child["StackName"], code=1)
