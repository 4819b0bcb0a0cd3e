"""The CLI starts light: heavy modules are imported only by the commands that use them."""

from __future__ import annotations

import subprocess
import sys
import textwrap

HEAVY = ("boto3", "botocore", "rich", "jsonschema", "networkx")


def imported_after(args: list[str]) -> set[str]:
    code = textwrap.dedent(f"""
        import sys
        from stackengine.cli.main import cli
        try:
            cli.main(args={args!r}, prog_name="stackengine", standalone_mode=False)
        except SystemExit:
            pass
        print(",".join(m for m in {HEAVY!r} if m in sys.modules))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    return {m for m in last.split(",") if m in HEAVY}


def test_help_and_version_import_nothing_heavy() -> None:
    assert imported_after(["--help"]) == set()
    assert imported_after(["--version"]) == set()


def test_render_imports_nothing_heavy(tmp_path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    assert imported_after(["render", str(template)]) == set()
    assert imported_after(["render", "--help"]) == set()


def test_every_command_has_help() -> None:
    from click.testing import CliRunner

    from stackengine.cli.main import COMMANDS, cli

    runner = CliRunner()
    for name in COMMANDS:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage:" in result.output


def test_validate_and_stack_command_help_import_no_sdk(tmp_path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    assert imported_after(["validate", str(template)]) & {"boto3", "botocore", "rich"} == set()
    for command in ("deploy", "delete", "describe", "package", "transform", "graph"):
        assert imported_after([command, "--help"]) & {"boto3", "botocore", "rich"} == set(), command


def _imports(code: str) -> set[str]:
    probe = textwrap.dedent(code) + f"\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return {m for m in result.stdout.strip().split(",") if m}


def test_engine_and_local_provider_import_neither_networkx_nor_jsonschema() -> None:
    # jsonschema is imported when the first resource properties are checked; networkx not at all.
    assert _imports("""
        import sys
        import stackengine.engine, stackengine.providers.local.provider
    """) & {"networkx", "jsonschema"} == set()


def test_read_commands_load_neither_planning_nor_execution(tmp_path) -> None:
    from click.testing import CliRunner

    from stackengine.cli.main import cli

    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\nOutputs:\n  Q:\n    Value: !Ref Q\n")
    state = str(tmp_path / "state.db")
    assert CliRunner().invoke(cli, ["--state", state, "deploy", str(template), "--stack-name",
                                    "s"]).exit_code == 0
    execution = ("stackengine.execute.executor", "stackengine.execute.rollback",
                 "stackengine.execute.operations", "stackengine.plan.diff")
    for command in (["outputs", "s", "-o", "json"], ["describe", "s", "-o", "json"],
                    ["events", "s", "-o", "json"], ["stacks", "-o", "json"]):
        code = textwrap.dedent(f"""
            import sys
            from stackengine.cli.main import cli
            try:
                cli.main(args={["--state", state, *command]!r}, prog_name="stackengine",
                         standalone_mode=False)
            except SystemExit:
                pass
            print(",".join(m for m in {execution!r} if m in sys.modules))
        """)
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True)
        *answer, loaded, _ = result.stdout.split("\n")  # the probe's line is the last one
        assert "".join(answer).strip(), command  # the command answered
        assert loaded == "", (command, loaded)
