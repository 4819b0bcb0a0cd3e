from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from stackengine.cli.main import cli

TEMPLATE = """
Parameters:
  Name: {Type: String, Default: one}
  Secret: {Type: String, NoEcho: true, Default: hunter2}
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Ref Name
  P:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !GetAtt Q.Arn
      Description: !Sub "secret ${Secret}"
Outputs:
  QueueUrl:
    Description: the queue
    Value: !Ref Q
    Export:
      Name: !Sub "${AWS::StackName}-queue"
"""


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(TEMPLATE)
    runner = CliRunner()
    state = str(tmp_path / "state.db")

    def run(*args: str, code: int = 0, input: str | None = None):
        result = runner.invoke(cli, ["--state", state, *args], input=input)
        assert result.exit_code == code, (result.output, result.exception)
        return result

    return run


def test_deploy_describe_resources_outputs_events(env):
    out = env("deploy", "app.yaml").output
    assert "Add" in out and "Successfully created stack - app in us-east-1" in out
    data = json.loads(env("describe", "app", "-o", "json").output)
    stack = data["Stacks"][0]
    assert stack["StackName"] == "app" and stack["StackStatus"] == "CREATE_COMPLETE"
    assert {"ParameterKey": "Secret", "ParameterValue": "****"} in stack["Parameters"]
    summaries = json.loads(env("resources", "app", "-o", "json").output)["StackResourceSummaries"]
    assert {s["LogicalResourceId"] for s in summaries} == {"P", "Q"}
    outputs = json.loads(env("outputs", "app", "-o", "json").output)
    assert outputs[0]["OutputKey"] == "QueueUrl" and outputs[0]["ExportName"] == "app-queue"
    assert set(outputs[0]) == {"OutputKey", "OutputValue", "Description", "ExportName"}
    events = json.loads(env("events", "app", "-o", "json").output)["StackEvents"]
    assert events[0]["ResourceStatus"] == "CREATE_COMPLETE"
    assert events[-1]["ResourceStatus"] == "CREATE_IN_PROGRESS"
    assert json.loads(env("exports", "-o", "json").output)["Exports"][0]["Name"] == "app-queue"
    assert json.loads(env("stacks", "-o", "json").output)["StackSummaries"][0]["StackName"] == "app"
    env("describe", "app")  # tables render
    env("events", "app")
    env("resources", "app")
    env("stacks")
    env("exports")


def test_update_preview_replacement_masks_noecho(env):
    env("deploy", "app.yaml")
    out = env("deploy", "app.yaml", "--parameter-overrides", "Name=two", "Secret=zzz-secret",
              "--no-execute-changeset", "--change-set-name", "cs1").output
    assert "REPLACE" in out and "QueueName" in out and "zzz-secret" not in out
    described = json.loads(env("changeset", "describe", "cs1", "--stack-name", "app",
                               "-o", "json").output)
    assert described["ChangeSetName"] == "cs1" and described["ExecutionStatus"] == "AVAILABLE"
    assert "hunter2" not in json.dumps(described) and "zzz-secret" not in json.dumps(described)
    changes = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"]
               for c in described["Changes"]}
    assert changes["Q"]["Replacement"] == "True"
    summaries = json.loads(env("changeset", "list", "--stack-name", "app", "-o", "json").output)
    listed = {s["ChangeSetName"]: s["ExecutionStatus"] for s in summaries["Summaries"]}
    assert listed["cs1"] == "AVAILABLE" and len(listed) == 2  # with the executed one of deploy
    assert "EXECUTE_COMPLETE" in listed.values()
    env("changeset", "execute", "cs1", "--stack-name", "app")
    stack = json.loads(env("describe", "app", "-o", "json").output)["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    out = env("deploy", "app.yaml").output
    assert "No changes to deploy" in out
    env("deploy", "app.yaml", "--fail-on-empty-changeset", code=1)


def test_stale_change_set_refused(env):
    env("deploy", "app.yaml")
    env("changeset", "create", "app.yaml", "--stack-name", "app", "--change-set-name", "old",
        "--parameter-overrides", "Name=x")
    env("deploy", "app.yaml", "--parameter-overrides", "Name=y")
    result = env("changeset", "execute", "old", "--stack-name", "app", code=1)
    assert "older state" in result.output
    env("changeset", "delete", "old", "--stack-name", "app")
    env("changeset", "describe", "old", "--stack-name", "app", code=1)


def test_failed_deploy_exits_1_and_rolls_back(env):
    result = env("deploy", "app.yaml", "--inject-failure", "P:create", code=1)
    assert "ROLLBACK_COMPLETE" in result.output
    # the cause, located in the template: P is declared on line 10
    assert "app.yaml:10:3: Resources.P: Resource handler returned message" in result.output
    stack = json.loads(env("describe", "app", "-o", "json").output)["Stacks"][0]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    assert json.loads(env("resources", "app", "-o", "json").output)["StackResourceSummaries"] == []
    env("deploy", "app.yaml")  # a rolled-back stack is re-created
    stack = json.loads(env("describe", "app", "-o", "json").output)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"


def test_local_test_options_on_the_commands_that_make_calls(env):
    """--inject-failure and --latency are offered where provider calls are made: deploy, delete,
    changeset execute, continue-update-rollback; nowhere else."""
    for command in (["deploy"], ["delete"], ["changeset", "execute"], ["continue-update-rollback"]):
        shown = env(*command, "--help").output
        assert "--inject-failure LOGICAL_ID[:OP]" in shown and "--latency" in shown, command
    refused = env("describe", "app", "--latency", "5", code=2)
    assert "No such option" in refused.output
    assert "-1 is not in the range" in env("deploy", "app.yaml", "--latency", "-1", code=2).output

    env("deploy", "app.yaml", "--latency", "1")
    env("changeset", "create", "app.yaml", "--stack-name", "app", "--change-set-name", "b",
        "--parameter-overrides", "Name=other")
    failed = env("changeset", "execute", "b", "--stack-name", "app", "--inject-failure", "Q:create",
                 code=1)
    assert "UPDATE_ROLLBACK_COMPLETE" in failed.output  # Q is replaced: its create failed
    kept = env("delete", "app", "--yes", "--inject-failure", "P:delete", code=1)
    assert "DELETE_FAILED" in kept.output
    stack = json.loads(env("describe", "app", "-o", "json").output)["Stacks"][0]
    assert stack["StackStatus"] == "DELETE_FAILED"
    env("delete", "app", "--yes")


def test_a_failed_change_set_execution_locates_its_cause(env, tmp_path):
    (tmp_path / "bad.yaml").write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
                                       "    Properties:\n      DelaySeconds: 901\n")
    env("changeset", "create", "bad.yaml", "--stack-name", "bad", "--change-set-name", "one")
    result = env("changeset", "execute", "one", "--stack-name", "bad", code=1)
    assert "bad.yaml:5:21: Resources.Q.Properties.DelaySeconds: Properties validation failed" \
        in result.output


def test_delete_termination_protection_and_confirmation(env):
    env("deploy", "app.yaml", "--enable-termination-protection")
    result = env("delete", "app", "--yes", code=1)
    assert "TerminationProtection is enabled" in result.output
    env("update-termination-protection", "app", "--no-enable-termination-protection")
    env("delete", "app", input="n\n", code=1)
    env("delete", "app", "--yes")
    result = env("describe", "app", code=1)
    assert "does not exist" in result.output


def test_capabilities_and_graph(env, tmp_path):
    (tmp_path / "iam.yaml").write_text("""
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
""")
    result = env("deploy", "iam.yaml", code=1)
    assert "Requires capabilities : [CAPABILITY_IAM]" in result.output
    env("deploy", "iam.yaml", "--capabilities", "CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND")
    data = json.loads(env("graph", "app.yaml", "--format", "json").output)
    assert data["Edges"] == [{"From": "Q", "To": "P", "Label": "GetAtt"}]
    assert "digraph" in env("graph", "app.yaml").output


def test_help_does_not_import_rich():
    code = ("import sys; from stackengine.cli.main import main\n"
            "try:\n    main(['deploy', '--help'])\nexcept SystemExit:\n    pass\n"
            "assert 'rich' not in sys.modules and 'boto3' not in sys.modules, "
            "[m for m in sys.modules if m.startswith(('rich', 'boto3'))]\n")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                   env={**os.environ})


def test_graph_cycle_names_positions(env, tmp_path):
    (tmp_path / "cycle.yaml").write_text(
        "Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        "      QueueName: !GetAtt B.QueueName\n  B:\n    Type: AWS::SQS::Queue\n"
        "    DependsOn: A\n")
    result = env("graph", "cycle.yaml", code=1)
    assert "E3004" in result.output and "A -> B -> A" in result.output
    assert "cycle.yaml:5:" in result.output and "cycle.yaml:8:" in result.output
    result = env("deploy", "cycle.yaml", code=1)
    assert "Circular dependency" in result.output


def test_continue_update_rollback_needs_failed_state(env):
    env("deploy", "app.yaml")
    result = env("continue-update-rollback", "app", code=1)
    assert "UPDATE_ROLLBACK_FAILED" in result.output


def _chain_template(n: int) -> str:
    lines = ["Resources:"]
    for i in range(n):
        value = f"!Sub 'v-${{P{i // 2}}}'" if i else "root"
        lines += [f"  P{i}:", "    Type: AWS::SSM::Parameter", "    Properties:",
                  "      Type: String", f"      Value: {value}"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("delay,latency,count", [
    (0.45, 60, 16), (0.7, 60, 16),  # worker threads, a commit per journal step
    (0.5, 0, 300), (0.6, 0, 300),  # inline calls sharing commits with the account's changes
])
def test_kill9_during_deploy_then_next_deploy_recovers(tmp_path, delay, latency, count):
    """The product path: `stackengine deploy` on the local provider killed with SIGKILL, then the
    next `deploy` settles it. The emulated account then holds exactly the stack's resources."""
    import signal
    import time

    from stackengine.providers.local import AccountStore
    from stackengine.state.sqlite import SqliteStateStore

    (tmp_path / "chain.yaml").write_text(_chain_template(count))
    state = str(tmp_path / "state.db")
    cmd = [sys.executable, "-c", "from stackengine.cli.main import main; main()", "--state", state,
           "deploy", str(tmp_path / "chain.yaml"), "--provider-latency-ms", str(latency),
           "--max-parallel", "3"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=tmp_path)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    result = CliRunner().invoke(cli, ["--state", state, "deploy", str(tmp_path / "chain.yaml")])
    assert result.exit_code == 0, result.output
    store = SqliteStateStore(state)
    record = store.get_stack("123456789012", "us-east-1", "chain")
    assert record is not None and record.status.value == "CREATE_COMPLETE"
    rows = store.resources(record.stack_id)
    assert set(rows) == {f"P{i}" for i in range(count)}
    live = [r for r in AccountStore(state).list_resources() if r.stack_id]  # not account defaults
    assert sorted((r.stack_id, r.logical_id) for r in live) == \
        sorted((record.stack_id, k) for k in rows)
    assert {r.physical_id for r in live} == {r.physical_id for r in rows.values()}


LINES = ["+ Add    Bucket (AWS::S3::Bucket)", "x" * 80, "x" * 81, "      Tags: a → b", "漢字" * 39,
         "漢字" * 41, "tab\there", "bell\x07", "cr\rx", "esc\x1b[31m", "", "  trailing  ",
         "a " * 45]


@pytest.mark.parametrize("wraps", [True, False])
def test_plain_writer_prints_what_rich_prints(wraps):
    # Lines the fast path accepts come out byte for byte as rich prints them on a console
    # without colours; the rest it declines, for rich to print.
    import io

    from rich.console import Console
    from rich.text import Text

    from stackengine.cli.stack_cmds import _plain_writer

    for line in LINES:
        by_rich, direct = io.StringIO(), io.StringIO()
        Console(file=by_rich, width=80, soft_wrap=not wraps, highlight=False).print(
            Text(line, style="dim"))
        write = _plain_writer(Console(file=direct, width=80, soft_wrap=not wraps), wraps=wraps)
        assert write is not None
        if write(line):
            assert direct.getvalue() == by_rich.getvalue(), line
        else:
            assert direct.getvalue() == ""


def test_plain_writer_is_off_when_the_console_draws_styles():
    import io

    from rich.console import Console

    from stackengine.cli.stack_cmds import _plain_writer

    coloured = Console(file=io.StringIO(), force_terminal=True, color_system="standard")
    assert _plain_writer(coloured, wraps=True) is None


@pytest.mark.parametrize("value", ["0", "-3", "ten", "1.5"])
def test_deploy_timeout_in_minutes_must_be_a_positive_whole_number(env, value):
    out = env("deploy", "app.yaml", "--timeout-in-minutes", value, code=2).output
    assert "Invalid value for '--timeout-in-minutes'" in out and "Traceback" not in out
    assert not os.path.exists("state.db")  # refused before anything was touched


def test_deploy_timeout_in_minutes_is_kept_on_create_and_ignored_on_update(env, tmp_path):
    env("deploy", "app.yaml", "--timeout-in-minutes", "5")
    stack = json.loads(env("describe", "app", "-o", "json").output)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE" and stack["TimeoutInMinutes"] == 5
    env("deploy", "app.yaml", "--parameter-overrides", "Name=two", "--timeout-in-minutes", "1")
    stack = json.loads(env("describe", "app", "-o", "json").output)["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_COMPLETE" and stack["TimeoutInMinutes"] == 5


def test_deploy_without_a_timeout_shows_none(env):
    env("deploy", "app.yaml")
    stack = json.loads(env("describe", "app", "-o", "json").output)["Stacks"][0]
    assert "TimeoutInMinutes" not in stack


def test_deploy_help_says_an_update_ignores_the_timeout(env):
    out = env("deploy", "--help").output
    assert "--timeout-in-minutes" in out and "Ignored when it updates the stack" in out


def test_deploy_timeout_in_minutes_is_refused_via_cloudformation(env):
    out = env("deploy", "app.yaml", "--target", "aws", "--via", "cloudformation",
              "--timeout-in-minutes", "5", code=2).output
    assert "--timeout-in-minutes is not supported with --via cloudformation" in out
