"""`stackengine validate` starts light: nothing heavy is imported, whatever the format."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HEAVY = ("boto3", "botocore", "rich", "jsonschema", "networkx", "sqlite3")


@pytest.mark.parametrize("fmt", ["text", "sarif", "junit"])
def test_validate_imports_nothing_heavy(tmp_path: Path, fmt: str) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n"
                        "    Type: AWS::Serverless::Function\n"
                        "    Properties: {CodeUri: ., Handler: a.b, Runtime: python3.12}\n")
    code = textwrap.dedent(f"""
        import sys
        from stackengine.cli.main import cli
        try:
            cli.main(args=["validate", "--format", {fmt!r}, {str(template)!r}], prog_name="stackengine")
        except SystemExit:
            pass
        print("HEAVY:" + ",".join(m for m in {HEAVY!r} if m in sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "HEAVY:"
