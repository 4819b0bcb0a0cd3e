"""A short string that matches a regular expression, for stand-in parameter values.

Walks the parsed pattern (the stdlib's own parser) and takes the smallest choice at each step:
minimum repeats, the first alternative, the first character of a class.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+: the parser moved under re
    from re import _parser as sre_parse  # type: ignore[attr-defined]
    from re import _constants as sre_constants  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_CATEGORY_SAMPLES = {
    sre_constants.CATEGORY_DIGIT: "1",
    sre_constants.CATEGORY_NOT_DIGIT: "a",
    sre_constants.CATEGORY_SPACE: " ",
    sre_constants.CATEGORY_NOT_SPACE: "a",
    sre_constants.CATEGORY_WORD: "a",
    sre_constants.CATEGORY_NOT_WORD: "-",
}
_MAX_REPEAT_SAMPLE = 3


def sample(pattern: str, *, min_length: int = 0) -> str | None:
    """A string fully matching `pattern` (at least `min_length` long when it can), or None."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    for extra in (0, 1, 2, 5, 10, 20):
        try:
            text = _emit(parsed, extra)
        except (ValueError, RecursionError):
            return None
        if len(text) >= min_length:
            break
    try:
        return text if re.fullmatch(pattern, text) else None
    except re.error:
        return None


def sample_alternatives(pattern: str) -> list[str]:
    """One matching string per top-level alternative of `pattern` (`^$|^arn:...$` gives "" and
    an ARN), for callers that need a choice `sample`'s first alternative does not give."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return []
    items = list(parsed)
    # The parser factors a shared prefix out of the alternatives (`^$|^arn` is `^(?:$|arn)`), so
    # the alternation is the first top-level BRANCH, with the items around it shared.
    at = next((i for i, (op, _) in enumerate(items) if op is sre_constants.BRANCH), None)
    variants = ([items] if at is None else
                [items[:at] + list(branch) + items[at + 1:] for branch in items[at][1][1]])
    found: list[str] = []
    for variant in variants:
        try:
            text = _emit(variant, 0)
            if re.fullmatch(pattern, text) and text not in found:
                found.append(text)
        except (ValueError, RecursionError, re.error):
            continue
    return found


def _emit(items: Any, extra: int) -> str:
    out: list[str] = []
    for op, arg in items:
        out.append(_emit_one(op, arg, extra))
    return "".join(out)


def _emit_one(op: Any, arg: Any, extra: int) -> str:
    if op is sre_constants.LITERAL:
        return chr(arg)
    if op is sre_constants.NOT_LITERAL:
        return "a" if chr(arg) != "a" else "b"
    if op is sre_constants.ANY:
        return "a"
    if op is sre_constants.IN:
        return _emit_class(arg)
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        low, high, body = arg
        count = low
        if extra and (high is sre_constants.MAXREPEAT or high > low):
            limit = high if high is not sre_constants.MAXREPEAT else low + extra
            count = min(low + extra, limit, low + _MAX_REPEAT_SAMPLE + extra)
        return _emit(body, 0) * count
    if op is sre_constants.SUBPATTERN:
        return _emit(arg[-1], extra)
    if op is sre_constants.BRANCH:
        return _emit(arg[1][0], extra)
    if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return ""
    if op is sre_constants.GROUPREF:
        raise ValueError("back references are not sampled")
    raise ValueError(f"unsupported pattern element {op}")


def _emit_class(items: Any) -> str:
    negate = any(op is sre_constants.NEGATE for op, _ in items)
    if negate:
        excluded: set[str] = set()
        for op, arg in items:
            if op is sre_constants.LITERAL:
                excluded.add(chr(arg))
            elif op is sre_constants.RANGE:
                excluded.update(chr(c) for c in range(arg[0], min(arg[1], 0x7F) + 1))
        for candidate in "abcXYZ019-_":
            if candidate not in excluded:
                return candidate
        raise ValueError("no character outside the negated class")
    for op, arg in items:
        if op is sre_constants.LITERAL:
            return chr(arg)
        if op is sre_constants.RANGE:
            return chr(arg[0])
        if op is sre_constants.CATEGORY:
            return _CATEGORY_SAMPLES.get(arg, "a")
    raise ValueError("empty character class")
