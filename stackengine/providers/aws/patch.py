"""RFC 6902 JSON Patch: the document Cloud Control's UpdateResource takes, computed from the
properties a resource had (old) to the ones it should have (new), and applied (for the emulator).

Cloud Control applies the patch to the resource's *current model* as GetResource returns it, and
that model never contains write-only properties (passwords, code locations, ...). A "replace" or
"remove" aimed at such a property would fail because the target does not exist, so a changed
write-only property is sent as one "add" of its whole value at the write-only root ("add" on an
object member creates or overwrites, RFC 6902 §4.1), and a write-only property that disappeared
is left out: the model has nothing to remove, and the service keeps its last value.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

Json = Any
PathPart = str | int
Path = tuple[PathPart, ...]


class PatchError(ValueError):
    """A patch that cannot be applied (missing target, bad pointer, failed test)."""


@dataclass(frozen=True)
class WriteOnly:
    """Write-only property paths from a registry schema; "*" in a path matches any list index."""

    paths: frozenset[tuple[str, ...]] = frozenset()

    @classmethod
    def of(cls, paths: Iterable[Sequence[str]]) -> WriteOnly:
        return cls(frozenset(tuple(p) for p in paths))

    def root(self, path: Path) -> Path | None:
        """The shortest prefix of `path` that is write-only, or None."""
        for length in range(1, len(path) + 1):
            prefix = path[:length]
            if any(_matches(listed, prefix) for listed in self.paths):
                return prefix
        return None


def _matches(listed: tuple[str, ...], path: Path) -> bool:
    if len(listed) != len(path):
        return False
    return all((want == "*" and isinstance(got, int)) or want == got
               for want, got in zip(listed, path))


def escape(part: PathPart) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def pointer(path: Sequence[PathPart]) -> str:
    return "".join("/" + escape(p) for p in path)


def parse_pointer(text: str) -> list[str]:
    if text == "":
        return []
    if not text.startswith("/"):
        raise PatchError(f"invalid JSON pointer {text!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in text[1:].split("/")]


def diff(old: Mapping[str, Json], new: Mapping[str, Json],
         write_only: WriteOnly = WriteOnly()) -> list[dict[str, Json]]:
    """The operations that turn `old` into `new`, in a stable order (keys sorted)."""
    ops: list[dict[str, Json]] = []
    _diff_object((), old, new, ops)
    return _fold_write_only(ops, new, write_only)


def _diff_value(path: Path, old: Json, new: Json, ops: list[dict[str, Json]]) -> None:
    if old == new and type(old) is type(new):
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        _diff_object(path, old, new, ops)
    elif isinstance(old, list) and isinstance(new, list):
        _diff_list(path, old, new, ops)
    else:
        ops.append({"op": "replace", "path": pointer(path), "value": copy.deepcopy(new)})


def _diff_object(path: Path, old: Mapping[str, Json], new: Mapping[str, Json],
                 ops: list[dict[str, Json]]) -> None:
    for key in sorted(set(old) | set(new)):
        if key not in new:
            ops.append({"op": "remove", "path": pointer(path + (key,))})
        elif key not in old:
            ops.append({"op": "add", "path": pointer(path + (key,)),
                        "value": copy.deepcopy(new[key])})
        else:
            _diff_value(path + (key,), old[key], new[key], ops)


def _diff_list(path: Path, old: list[Json], new: list[Json], ops: list[dict[str, Json]]) -> None:
    # Element-wise only when the lengths match or items were appended; anything else (inserts,
    # removals, reordering) replaces the whole list, which handlers treat the same way and which
    # avoids index-shifting mistakes.
    if len(new) >= len(old) and all(_same(a, b) for a, b in zip(old, new[:len(old)])):
        for item in new[len(old):]:
            ops.append({"op": "add", "path": pointer(path + ("-",)), "value": copy.deepcopy(item)})
    elif len(new) == len(old):
        for index, (a, b) in enumerate(zip(old, new)):
            _diff_value(path + (index,), a, b, ops)
    else:
        ops.append({"op": "replace", "path": pointer(path), "value": copy.deepcopy(new)})


def _same(a: Json, b: Json) -> bool:
    return bool(a == b and type(a) is type(b))


def _fold_write_only(ops: list[dict[str, Json]], new: Mapping[str, Json],
                     write_only: WriteOnly) -> list[dict[str, Json]]:
    if not write_only.paths:
        return ops
    out: list[dict[str, Json]] = []
    sent: set[Path] = set()
    for op in ops:
        path = tuple(_index(p) for p in parse_pointer(op["path"]))
        root = write_only.root(path)
        if root is None:
            out.append(op)
            continue
        if root in sent:
            continue
        found, value = _lookup(new, root)
        if not found:
            continue  # removed write-only value: the model has nothing to remove
        sent.add(root)
        out.append({"op": "add", "path": pointer(root), "value": copy.deepcopy(value)})
    return out


def _index(part: str) -> PathPart:
    return int(part) if part.isdigit() else part


def _lookup(doc: Json, path: Path) -> tuple[bool, Json]:
    node = doc
    for part in path:
        if isinstance(node, Mapping) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False, None
    return True, node


# -- apply ----------------------------------------------------------------------------------

def apply(doc: Mapping[str, Json], ops: Sequence[Mapping[str, Json]]) -> dict[str, Json]:
    """`doc` with the patch applied (a new object; `doc` is untouched). Raises PatchError."""
    result: Json = copy.deepcopy(dict(doc))
    for op in ops:
        if not isinstance(op, Mapping) or "op" not in op or "path" not in op:
            raise PatchError(f"invalid patch operation {op!r}")
        name = op["op"]
        handler = _APPLY.get(str(name))
        if handler is None:
            raise PatchError(f"unknown patch operation {name!r}")
        result = handler(result, op)
    if not isinstance(result, dict):
        raise PatchError("the patched document is not an object")
    return result


def _parent(doc: Json, parts: list[str]) -> tuple[Json, str]:
    if not parts:
        raise PatchError("the root document cannot be the target of this operation")
    node = doc
    for part in parts[:-1]:
        node = _child(node, part)
    return node, parts[-1]


def _child(node: Json, part: str) -> Json:
    if isinstance(node, dict):
        if part not in node:
            raise PatchError(f"path segment {part!r} does not exist")
        return node[part]
    if isinstance(node, list):
        return node[_list_index(node, part, allow_end=False)]
    raise PatchError(f"path segment {part!r} does not exist")


def _list_index(node: list[Json], part: str, *, allow_end: bool) -> int:
    if part == "-" and allow_end:
        return len(node)
    if not part.isdigit():
        raise PatchError(f"invalid list index {part!r}")
    index = int(part)
    if index > len(node) or (index == len(node) and not allow_end):
        raise PatchError(f"list index {index} is out of range")
    return index


def _get(doc: Json, path: str) -> Json:
    node = doc
    for part in parse_pointer(path):
        node = _child(node, part)
    return node


def _add(doc: Json, op: Mapping[str, Json]) -> Json:
    value = copy.deepcopy(op.get("value"))
    parts = parse_pointer(str(op["path"]))
    if not parts:
        return value
    parent, last = _parent(doc, parts)
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        parent.insert(_list_index(parent, last, allow_end=True), value)
    else:
        raise PatchError(f"cannot add to {op['path']!r}")
    return doc


def _remove(doc: Json, op: Mapping[str, Json]) -> Json:
    parent, last = _parent(doc, parse_pointer(str(op["path"])))
    if isinstance(parent, dict):
        if last not in parent:
            raise PatchError(f"cannot remove missing {op['path']!r}")
        del parent[last]
    elif isinstance(parent, list):
        del parent[_list_index(parent, last, allow_end=False)]
    else:
        raise PatchError(f"cannot remove {op['path']!r}")
    return doc


def _replace(doc: Json, op: Mapping[str, Json]) -> Json:
    _get(doc, str(op["path"]))  # the target must exist
    return _add(_remove(doc, op), op)


def _move(doc: Json, op: Mapping[str, Json]) -> Json:
    value = _get(doc, str(op["from"]))
    doc = _remove(doc, {"path": op["from"]})
    return _add(doc, {"path": op["path"], "value": value})


def _copy(doc: Json, op: Mapping[str, Json]) -> Json:
    return _add(doc, {"path": op["path"], "value": _get(doc, str(op["from"]))})


def _test(doc: Json, op: Mapping[str, Json]) -> Json:
    if _get(doc, str(op["path"])) != op.get("value"):
        raise PatchError(f"test failed at {op['path']!r}")
    return doc


_APPLY = {"add": _add, "remove": _remove, "replace": _replace, "move": _move, "copy": _copy,
          "test": _test}
