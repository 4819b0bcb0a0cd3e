"""The command: exit codes, path expansion, formats (parsed back and checked), suppressions."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from stackengine.cli.main import cli

GOOD = "Resources:\n  T: {Type: AWS::SNS::Topic}\n"
WARN = "Parameters:\n  P: {Type: String}\nResources:\n  T: {Type: AWS::SNS::Topic}\n"
BAD = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {DelaySeconds: 9000}\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stacks" / "nested").mkdir(parents=True)
    (tmp_path / "stacks" / "good.yaml").write_text(GOOD)
    (tmp_path / "stacks" / "nested" / "bad.yml").write_text(BAD)
    (tmp_path / "stacks" / "warn.json").write_text(json.dumps(
        {"Parameters": {"P": {"Type": "String"}}, "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}))
    (tmp_path / "stacks" / "config.yaml").write_text("name: not a template\nitems: [1, 2]\n")
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", *args])
    return result.exit_code, result.output


def test_exit_codes(tree: Path) -> None:
    assert run("stacks/good.yaml")[0] == 0
    assert run("stacks/warn.json")[0] == 0
    assert run("stacks/warn.json", "--strict")[0] == 1
    assert run("stacks/nested/bad.yml")[0] == 1
    assert run("missing.yaml")[0] == 2
    assert run("stacks/good.yaml", "--format", "xml")[0] == 2
    assert run("stacks/good.yaml", "--region", "mars-north-1")[0] == 2


def test_directories_are_searched_by_content_and_globs_expand(tree: Path) -> None:
    code, out = run("stacks", "--format", "json")
    files = sorted(Path(f["file"]).name for f in json.loads(out)["files"])
    assert files == ["bad.yml", "good.yaml", "warn.json"] and code == 1
    code, out = run("stacks/**/*.y*ml", "--format", "json")
    assert sorted(Path(f["file"]).name for f in json.loads(out)["files"]) == ["bad.yml", "config.yaml", "good.yaml"]
    assert run("nothing/*.yaml")[0] == 2


def test_text_output_groups_by_file_without_colour_when_not_a_tty(tree: Path) -> None:
    code, out = run("stacks")
    assert "\x1b[" not in out
    assert "stacks/nested/bad.yml\n" in out and "4:32  error   E3019" in out
    assert out.rstrip().endswith("3 files checked: 1 error, 1 warning")


def test_json_fields(tree: Path) -> None:
    _, out = run("stacks/nested/bad.yml", "--format", "json")
    finding = json.loads(out)["files"][0]["findings"][0]
    assert finding["rule"] == "E3019" and finding["severity"] == "error"
    assert (finding["line"], finding["column"]) == (4, 32)
    assert finding["path"] == "Resources.Q.Properties.DelaySeconds"


def test_sarif_has_the_required_fields(tree: Path) -> None:
    _, out = run("stacks", "--format", "sarif")
    log = json.loads(out)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run0 = log["runs"][0]
    driver = run0["tool"]["driver"]
    assert driver["name"] == "stackengine"
    rule_ids = [r["id"] for r in driver["rules"]]
    assert rule_ids == sorted(set(rule_ids)) and all(r["shortDescription"]["text"] for r in driver["rules"])
    assert run0["results"]
    for result in run0["results"]:
        assert result["ruleId"] in rule_ids and rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note") and result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1


def test_junit_is_well_formed(tree: Path) -> None:
    _, out = run("stacks", "--format", "junit")
    root = ET.fromstring(out.encode())
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 3
    failures = root.findall(".//testcase/failure")
    assert {f.get("type") for f in failures} == {"error", "warning"}
    assert int(root.get("failures")) == len(failures)
    assert any(case.get("name") == "valid" for case in root.iter("testcase"))


def test_ignore_option_and_project_config(tree: Path) -> None:
    assert run("stacks/nested/bad.yml", "--ignore", "E3019")[0] == 0
    assert run("stacks/warn.json", "--strict", "--ignore", "W3030,W2010")[0] == 0
    (tree / "pyproject.toml").write_text('[tool.stackengine]\nignore = ["E3019"]\n')
    assert run("stacks/nested/bad.yml")[0] == 0
    (tree / "pyproject.toml").unlink()
    (tree / ".stackengine.yaml").write_text("ignore: [W2010]\nstrict: true\n")
    assert run("stacks/warn.json")[0] == 0
    (tree / ".stackengine.yaml").write_text("strict: true\n")
    assert run("stacks/warn.json")[0] == 1


def test_metadata_suppression_per_resource(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(textwrap.dedent("""
        Resources:
          Q:
            Type: AWS::SQS::Queue
            Metadata: {stackengine: {ignore: [E3019]}}
            Properties: {DelaySeconds: 9000}
          R:
            Type: AWS::SQS::Queue
            Properties: {DelaySeconds: 9000}
    """))
    code, out = run(str(template), "--format", "json")
    findings = json.loads(out)["files"][0]["findings"]
    assert [f["path"] for f in findings] == ["Resources.R.Properties.DelaySeconds"]


def test_parameter_overrides(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("Parameters:\n  D: {Type: Number}\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n"
                        "    Properties: {DelaySeconds: !Ref D}\n")
    assert run(str(template))[0] == 0
    assert run(str(template), "--parameter-overrides", "D=5")[0] == 0
    assert run(str(template), "--parameter-overrides", "D=abc")[0] == 1


def test_list_rules() -> None:
    code, out = run("--list-rules")
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith("E3019  error") for line in lines)
    assert len(lines) == len({line.split()[0] for line in lines})


def test_templates_only_skips_other_files(tree: Path) -> None:
    assert run("stacks/config.yaml")[0] == 1  # asked for explicitly: validated, and it is no template
    code, out = run("--templates-only", "stacks/config.yaml", "stacks/good.yaml", "--format", "json")
    assert code == 0 and [Path(f["file"]).name for f in json.loads(out)["files"]] == ["good.yaml"]


def test_pre_commit_hooks_file() -> None:
    import yaml

    hooks = yaml.safe_load((Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"stackengine-validate", "stackengine-validate-strict"}
    assert all(h["entry"].startswith("stackengine validate --templates-only") and h["language"] == "python"
               for h in hooks)
