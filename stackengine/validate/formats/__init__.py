"""Output formats of `stackengine validate`, registered by name. Each takes the reports and returns
the text to print."""

from __future__ import annotations

import importlib
from typing import Callable, Sequence

from stackengine.validate.engine import FileReport

Formatter = Callable[[Sequence[FileReport], bool], str]
"""(reports, colour) → text."""

FORMATS: dict[str, str] = {
    "text": "stackengine.validate.formats.text:render",
    "json": "stackengine.validate.formats.json_format:render",
    "sarif": "stackengine.validate.formats.sarif:render",
    "junit": "stackengine.validate.formats.junit:render",
}


def get_formatter(name: str) -> Formatter:
    module_name, attribute = FORMATS[name].split(":")
    formatter: Formatter = getattr(importlib.import_module(module_name), attribute)
    return formatter
