"""CloudFormation's scalar coercion, as resource handlers see template values.

CloudFormation stringifies template scalars before handlers see them, so `"5"` is a valid
integer, `5` a valid string and `"true"` a valid boolean.
"""

from __future__ import annotations

import re
from typing import Any

# A sign is accepted, as Java's number parsing accepts it.
_INT = re.compile(r"^[-+]?\d+$")
_NUM = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and bool(_INT.match(value.strip()))


def is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or (isinstance(value, str) and bool(_NUM.match(value.strip())))


def is_boolean(value: Any) -> bool:
    return isinstance(value, bool) or (isinstance(value, str) and value.lower() in ("true", "false"))


def is_string(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def as_number(value: Any) -> Any:
    """A numeric string as its number; anything else unchanged."""
    if isinstance(value, str) and _NUM.match(value.strip()):
        text = value.strip()
        return int(text) if _INT.match(text) else float(text)
    return value


def as_text(value: Any) -> Any:
    """A scalar as the text CloudFormation passes on; lists and objects unchanged."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value
