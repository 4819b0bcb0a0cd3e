"""Deterministic generated logical IDs: `<prefix><first 10 hex of SHA-1 of the data>`.

The data is hashed in a canonical form (JSON, sorted keys), so the same input always yields the
same ID and any change to the hashed properties yields a new one (a new Version, a new Deployment).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def digest(data: Any) -> str:
    """Full 40-hex SHA-1 of `data` (strings are hashed as they are, other values as JSON)."""
    text = data if isinstance(data, str) else json.dumps(data, sort_keys=True, separators=(",", ":"),
                                                          default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def hashed_id(prefix: str, data: Any) -> str:
    return prefix + digest(data)[:10]


def alphanumeric(name: str) -> str:
    return "".join(ch for ch in name if ch.isalnum())
