"""Every template of the cfn-templates and cfnlint-good corpora renders, or fails with the
diagnostic its expectation names (render_expectations.tsv says which and why). None crashes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from stackengine.diagnostics import TemplateError

from corpus_support import CORPUS, corpus_files, render_corpus_file

EXPECTATIONS = Path(__file__).with_name("render_expectations.tsv")
FILES = corpus_files("cfn-templates", "cfnlint-good")


def load_expectations() -> dict[str, tuple[set[str], str]]:
    expected: dict[str, tuple[set[str], str]] = {}
    with EXPECTATIONS.open(newline="") as handle:
        for row in csv.reader((line for line in handle if not line.startswith("#") and line.strip()),
                              delimiter="\t"):
            path, codes, reason = row
            expected[path] = (set(codes.split(",")), reason)
    return expected


EXPECTED = load_expectations()


@pytest.mark.skipif(not FILES, reason=f"corpus not found at {CORPUS}")
def test_expectations_name_only_corpus_files() -> None:
    assert set(EXPECTED) <= set(FILES), sorted(set(EXPECTED) - set(FILES))
    assert all(reason.strip() for _, reason in EXPECTED.values())


@pytest.mark.parametrize("relative", FILES)
def test_corpus_template(relative: str) -> None:
    if relative not in EXPECTED:
        processed = render_corpus_file(relative)
        rendered = processed.rendered()
        assert rendered["Resources"] or not processed.source.get("Resources")
        return
    codes, reason = EXPECTED[relative]
    with pytest.raises(TemplateError) as info:
        render_corpus_file(relative)
    found = {d.code for d in info.value.errors}
    assert found == codes, f"expected {sorted(codes)} ({reason}), got {info.value}"
    for diagnostic in info.value.errors:
        assert diagnostic.span is not None, diagnostic
        assert diagnostic.span.line >= 1


def test_counts_are_reported(capsys: pytest.CaptureFixture[str]) -> None:
    """Not a check of its own: prints the figures the issue note quotes (pytest -s shows them)."""
    if not FILES:
        pytest.skip("corpus not found")
    by_folder: dict[str, list[int]] = {}
    for relative in FILES:
        folder = relative.split("/", 1)[0]
        counts = by_folder.setdefault(folder, [0, 0])
        counts[relative in EXPECTED] += 1
    with capsys.disabled():
        for folder, (ok, failing) in sorted(by_folder.items()):
            print(f"\n{folder}: {ok} render, {failing} fail with an expected diagnostic")
    assert sum(sum(c) for c in by_folder.values()) == len(FILES)
