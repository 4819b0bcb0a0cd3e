"""The corpus figures of `stackengine validate`, as tests.

- cfnlint-good and cfn-templates: no errors, except the templates validate_expectations.tsv lists
  (with the codes expected and why CloudFormation rejects them too); nothing crashes.
- cfnlint-bad: an error on at least BAD_TARGET of the templates cfn-lint rejects with an error
  (cfnlint_bad_rejected.txt).
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import pytest

from stackengine.validate import validate_file

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "corpus"))
from corpus_support import CORPUS, corpus_files  # noqa: E402

HERE = Path(__file__).resolve().parent
BAD_TARGET = 0.90


def _expectations() -> dict[str, tuple[set[str], str]]:
    rows = (line for line in (HERE / "validate_expectations.tsv").open() if line.strip() and not line.startswith("#"))
    return {path: (set(codes.split(",")), reason) for path, codes, reason in csv.reader(rows, delimiter="\t")}


EXPECTED = _expectations()
FILES = corpus_files("cfnlint-good", "cfn-templates")
REJECTED = [line.strip() for line in (HERE / "cfnlint_bad_rejected.txt").open()
            if line.strip() and not line.startswith("#")]


def test_expectations_name_corpus_files() -> None:
    if not FILES:
        pytest.skip(f"corpus not found at {CORPUS}")
    assert set(EXPECTED) <= set(FILES)


@pytest.mark.parametrize("relative", FILES)
def test_good_and_real_world_templates(relative: str) -> None:
    report = validate_file(str(CORPUS / relative))
    found = {d.code for d in report.errors}
    if relative in EXPECTED:
        codes, reason = EXPECTED[relative]
        assert found == codes, f"expected {sorted(codes)} ({reason}); got {[str(d) for d in report.errors]}"
    else:
        assert not found, [str(d) for d in report.errors]
    assert all(d.span is not None and d.span.line >= 1 for d in report.findings)


def test_good_figure(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the cfnlint-good figure (STACKENGINE_CORPUS_REPORT=1 pytest -s): templates without any
    error, and that every template with errors is one listed, with its reason, as a real rejection."""
    good = [p for p in FILES if p.startswith("cfnlint-good/")]
    if not good:
        pytest.skip(f"corpus not found at {CORPUS}")
    failing = [p for p in good if validate_file(str(CORPUS / p)).errors]
    assert set(failing) <= set(EXPECTED)
    with capsys.disabled():
        if os.environ.get("STACKENGINE_CORPUS_REPORT"):
            print(f"\ncfnlint-good: {len(good) - len(failing)}/{len(good)} without errors; "
                  f"{len(failing)} listed real rejections")


def test_bad_templates_that_cfn_lint_rejects_are_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    present = [p for p in REJECTED if (CORPUS / p).is_file()]
    if not present:
        pytest.skip(f"corpus not found at {CORPUS}")
    missed = [p for p in present if not validate_file(str(CORPUS / p)).errors]
    share = 1 - len(missed) / len(present)
    with capsys.disabled():
        if os.environ.get("STACKENGINE_CORPUS_REPORT"):
            print(f"\ncfnlint-bad: {len(present) - len(missed)}/{len(present)} = {share:.1%}; missed: {missed}")
    assert share >= BAD_TARGET, missed
