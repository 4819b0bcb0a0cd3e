"""Parameter values from the command line: --parameter-overrides over --parameters-file."""

from __future__ import annotations

from typing import Sequence

from stackengine.template.parameters import load_parameters_file, parse_overrides


def collect_parameters(overrides: Sequence[str], parameters_file: str | None) -> dict[str, str]:
    values: dict[str, str] = {}
    if parameters_file:
        values.update(load_parameters_file(parameters_file))
    values.update(parse_overrides(list(overrides)))
    return values
