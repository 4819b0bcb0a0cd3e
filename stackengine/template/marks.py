"""Containers that remember where each of their values was written.

A decoded template is made of ordinary dicts, lists and scalars, so every later stage can treat it as
plain JSON. The dicts and lists are subclasses that also carry the (line, column) of themselves and of
each value (and, for mappings, of each key); scalars are located through their parent container.
"""

from __future__ import annotations

from typing import Any, Sequence

from stackengine.diagnostics import PathPart, Span

Mark = tuple[int, int]  # 1-based line, 1-based column


class MarkedMap(dict):  # type: ignore[type-arg]
    __slots__ = ("mark", "value_marks", "key_marks")

    mark: Mark
    value_marks: dict[str, Mark]
    key_marks: dict[str, Mark]


class MarkedList(list):  # type: ignore[type-arg]
    __slots__ = ("mark", "item_marks")

    mark: Mark
    item_marks: list[Mark]


def new_map(mark: Mark) -> MarkedMap:
    m = MarkedMap()
    m.mark = mark
    m.value_marks = {}
    m.key_marks = {}
    return m


def new_list(mark: Mark) -> MarkedList:
    m = MarkedList()
    m.mark = mark
    m.item_marks = []
    return m


def locate(root: Any, path: Sequence[PathPart], *, key: bool = False) -> Mark | None:
    """Best-known position of `path` inside `root`: the value itself, or with `key=True` its key.

    When the path leaves the marked tree (a value created by a transform), the position of the
    deepest marked ancestor is returned, so an error still points near its cause.
    """
    node = root
    best: Mark | None = getattr(root, "mark", None)
    last = len(path) - 1
    for i, part in enumerate(path):
        if isinstance(node, MarkedMap) and isinstance(part, str) and part in node:
            marks = node.key_marks if (key and i == last) else node.value_marks
            best = marks.get(part, best)
            node = node[part]
        elif isinstance(node, MarkedList) and isinstance(part, int) and 0 <= part < len(node):
            if part < len(node.item_marks):
                best = node.item_marks[part]
            node = node[part]
        elif isinstance(node, dict) and part in node:
            node = node[part]
            best = getattr(node, "mark", best)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            best = getattr(node, "mark", best)
        else:
            break
    return best


def span_at(file: str, root: Any, path: Sequence[PathPart], *, key: bool = False) -> Span | None:
    mark = locate(root, path, key=key)
    return Span(file, mark[0], mark[1]) if mark else None


def strip_marks(value: Any) -> Any:
    """A plain dict/list copy of a marked tree (for output and hashing)."""
    if isinstance(value, dict):
        return {k: strip_marks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_marks(v) for v in value]
    return value


def copy_marked(value: Any) -> Any:
    """A deep copy that keeps positions: rewrite a copy in place and errors still point at the
    user's file wherever the value was not replaced."""
    if isinstance(value, MarkedMap):
        out = new_map(value.mark)
        out.value_marks.update(value.value_marks)
        out.key_marks.update(value.key_marks)
        for key, item in value.items():
            out[key] = copy_marked(item)
        return out
    if isinstance(value, MarkedList):
        items = new_list(value.mark)
        items.item_marks.extend(value.item_marks)
        items.extend(copy_marked(item) for item in value)
        return items
    if isinstance(value, dict):
        return {k: copy_marked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_marked(v) for v in value]
    return value
