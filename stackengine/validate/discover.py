"""Which files to validate: files as given, directories searched recursively for templates
(recognised by content, not by name), and glob patterns (`templates/**/*.yaml`)."""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path
from typing import Iterable

from stackengine.diagnostics import UsageError

SUFFIXES = (".yaml", ".yml", ".json", ".template", ".cfn", ".txt")
SKIP_DIRS = frozenset({".git", "node_modules", ".aws-sam", "__pycache__", ".venv", "venv", ".tox", "cdk.out",
                       ".stackengine"})
# Top-level keys that mark a CloudFormation template: at column 0 in YAML, as a key in JSON.
# Only the first part of a file is read: deciding must stay cheap on big trees.
_YAML_KEY = re.compile(r"""^["']?(Resources|AWSTemplateFormatVersion|Transform)["']?\s*:""", re.M)
_JSON_KEY = re.compile(r'"(Resources|AWSTemplateFormatVersion|Transform)"\s*:')
_SNIFF_BYTES = 64 * 1024


def looks_like_template(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            text = handle.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    if text.lstrip("\ufeff \t\r\n").startswith("{"):
        return bool(_JSON_KEY.search(text))
    return bool(_YAML_KEY.search(text))


def expand(paths: Iterable[str]) -> list[str]:
    """Files to validate, in a stable order, without duplicates. A path that names nothing is a
    usage error (exit 2); a directory with no template in it is fine (nothing to check)."""
    found: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            found.append(path)

    for given in paths:
        if os.path.isfile(given):
            add(given)
        elif os.path.isdir(given):
            for file in _walk(Path(given)):
                add(str(file))
        elif glob.has_magic(given):
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                raise UsageError(f"{given!r} matches no file")
            for match in matches:
                if os.path.isfile(match):
                    add(match)
                elif os.path.isdir(match):
                    for file in _walk(Path(match)):
                        add(str(file))
        else:
            raise UsageError(f"{given!r}: no such file or directory")
    return found


def _walk(root: Path) -> list[Path]:
    out: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if path.suffix.lower() in SUFFIXES and looks_like_template(path):
                out.append(path)
    return out
