"""The comparison the SAM corpus is judged by: our transform output vs the reference's expected one.

Both sides: every list is sorted (except lists under a `Layers` key, whose order matters), 40-hex
SHA-1 digests become `<sha1>`, and our generated hashed logical IDs (`<prefix><10 hex>`) are renamed
to the expected ID with the same prefix and Type before comparing. Compared sections: Resources,
Outputs, Conditions, Parameters, Mappings.
"""

from __future__ import annotations

import json
import re
from typing import Any

SECTIONS = ("Resources", "Outputs", "Conditions", "Parameters", "Mappings")
HASHED = re.compile(r"^(.*?)([0-9a-f]{10})$")
SHA1 = re.compile(r"\b[0-9a-f]{40}\b")


def sort_lists(node: Any, key: str | None = None) -> Any:
    if isinstance(node, dict):
        return {k: sort_lists(v, k) for k, v in node.items()}
    if isinstance(node, list):
        items = [sort_lists(v) for v in node]
        if key == "Layers":
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(node, str):
        return SHA1.sub("<sha1>", node)
    return node


def rename_hashed(ours: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    ours_res = ours.get("Resources") or {}
    exp_res = expected.get("Resources") or {}
    by_prefix: dict[tuple[str, str], list[str]] = {}
    for lid, res in exp_res.items():
        m = HASHED.match(lid)
        if m and isinstance(res, dict):
            by_prefix.setdefault((m.group(1), str(res.get("Type"))), []).append(lid)
    mapping: dict[str, str] = {}
    for lid, res in ours_res.items():
        if lid in exp_res or not isinstance(res, dict):
            continue
        m = HASHED.match(lid)
        if not m:
            continue
        candidates = by_prefix.get((m.group(1), str(res.get("Type"))), [])
        if len(candidates) == 1:
            mapping[lid] = candidates[0]
    if not mapping:
        return ours
    text = json.dumps(ours)
    for old, new in mapping.items():
        text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(old)}(?![A-Za-z0-9])", new, text)
    result: dict[str, Any] = json.loads(text)
    return result


def normalise_pair(ours: dict[str, Any], expected: dict[str, Any]) -> tuple[Any, Any]:
    ours = rename_hashed(json.loads(json.dumps(ours)), expected)
    a = sort_lists({k: ours.get(k) for k in SECTIONS if ours.get(k) not in (None, {})})
    b = sort_lists({k: expected.get(k) for k in SECTIONS if expected.get(k) not in (None, {})})
    return a, b


def first_difference(a: Any, b: Any, path: str = "") -> str:
    if type(a) is not type(b):
        return f"{path or '<root>'}: got {json.dumps(a)[:150]}, want {json.dumps(b)[:150]}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                return f"{path}.{k}: missing (want {json.dumps(b[k])[:150]})"
            if k not in b:
                return f"{path}.{k}: unexpected {json.dumps(a[k])[:150]}"
            if a[k] != b[k]:
                return first_difference(a[k], b[k], f"{path}.{k}")
        return ""
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: list of {len(a)}, want {len(b)}: got {json.dumps(a)[:150]}"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
        return ""
    return f"{path}: got {json.dumps(a)[:150]}, want {json.dumps(b)[:150]}" if a != b else ""
