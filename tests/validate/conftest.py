from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest

from stackengine.validate import FileReport, ValidateOptions, validate_file


@pytest.fixture
def check(tmp_path: Path) -> Callable[..., FileReport]:
    """Write a YAML template and validate it: `check(text, **options)`."""
    counter = iter(range(10_000))

    def run(text: str, name: str | None = None, **options: object) -> FileReport:
        path = tmp_path / (name or f"t{next(counter)}.yaml")
        path.write_text(textwrap.dedent(text))
        return validate_file(str(path), ValidateOptions(**options))  # type: ignore[arg-type]

    return run
