"""End-to-end: every SAM translator test input through our transform, in process.

`error_*` inputs must be rejected with a TemplateError; the others must equal the reference's
expected output under the normalisation of `sam_normalise`. Inputs that do not match yet are listed
in `sam_known_failures.txt` and are strict xfails: the suite fails when one starts passing (remove
it from the list) or when a passing one breaks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stackengine.cli.transform_cmd import with_implied_sam
from stackengine.diagnostics import TemplateError
from stackengine.template.decode import load_file
from stackengine.transform import TransformContext, apply_transforms
from stackengine.transform.sam.lookups import load_lookup_file

from sam_normalise import first_difference, normalise_pair

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
INPUTS = CORPUS / "sam-input"
OUTPUTS = CORPUS / "sam-output"
KNOWN_FAILURES_FILE = Path(__file__).with_name("sam_known_failures.txt")


def _known_failures() -> set[str]:
    names = set()
    for line in KNOWN_FAILURES_FILE.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(line)
    return names


def _cases() -> list[object]:
    if not INPUTS.is_dir():
        return []
    known = _known_failures()
    cases = []
    for path in sorted(INPUTS.iterdir()):
        if path.suffix not in (".yaml", ".yml", ".json"):
            continue
        if not path.name.startswith("error_") and not (OUTPUTS / f"{path.stem}.json").exists():
            continue
        marks = [pytest.mark.xfail(strict=True, reason="known gap")] if path.name in known else []
        cases.append(pytest.param(path, id=path.name, marks=marks))
    return cases


@pytest.fixture(scope="module")
def lookups():  # type: ignore[no-untyped-def]
    return load_lookup_file(str(CORPUS / "sam-lookups.json"))


def run_transform(path: Path, lookups: object) -> dict:  # type: ignore[type-arg]
    document = load_file(str(path))
    context = TransformContext(region="ap-southeast-1", options={"sam": {"lookups": lookups}})
    result: dict = apply_transforms(with_implied_sam(document.data), context)  # type: ignore[type-arg]
    return result


@pytest.mark.skipif(not INPUTS.is_dir(), reason="SAM corpus not present")
@pytest.mark.parametrize("path", _cases())
def test_sam_corpus(path: Path, lookups: object) -> None:
    if path.name.startswith("error_"):
        with pytest.raises(TemplateError) as info:
            run_transform(path, lookups)
        assert info.value.diagnostics, "a rejection must say why"
        return
    ours = run_transform(path, lookups)
    expected = json.loads((OUTPUTS / f"{path.stem}.json").read_text())
    got, want = normalise_pair(ours, expected)
    assert got == want, first_difference(got, want)


def test_known_failures_exist() -> None:
    """Every name in the expectations file is a real corpus input (no stale entries)."""
    if not INPUTS.is_dir():
        pytest.skip("SAM corpus not present")
    names = {p.name for p in INPUTS.iterdir()}
    assert not (_known_failures() - names)
