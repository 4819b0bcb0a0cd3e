"""YAML/JSON text → marked plain values (see `marks`), with CloudFormation's short-form tags.

YAML is built straight from libyaml's event stream: no node graph, no recursion, bounded work for
aliases and nesting, and every value keeps its line and column. JSON is parsed by a small positioned
parser so JSON templates get the same positions and the same duplicate-key checks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from stackengine.diagnostics import Diagnostic, Severity, Span, TemplateError
from stackengine.template.marks import Mark, MarkedList, MarkedMap, new_list, new_map

try:  # libyaml's parser is the fast path; the pure-Python one gives the same events
    from yaml import CBaseLoader as _Parser
except ImportError:  # pragma: no cover - only without libyaml
    from yaml import BaseLoader as _Parser  # type: ignore[assignment]

MAX_DEPTH = 100
"""Deepest nesting of mappings/lists accepted; CloudFormation templates are far shallower."""
MAX_NODES = 2_000_000
"""Most values one template may expand to, aliases counted as often as they are used."""
MAX_BYTES = 64 * 1024 * 1024
"""Larger files are refused outright: CloudFormation's own limit is 1 MB."""
TEMPLATE_URL_LIMIT = 1_000_000
TEMPLATE_BODY_LIMIT = 51_200

# Short form tag → the long-form key it stands for.
SHORT_FORMS: dict[str, str] = {
    "Ref": "Ref",
    "Condition": "Condition",
    **{name: f"Fn::{name}" for name in (
        "GetAtt", "Sub", "Join", "Select", "Split", "Base64", "GetAZs", "Cidr", "FindInMap",
        "ImportValue", "If", "Equals", "And", "Or", "Not", "Transform", "Length", "ToJsonString",
        "GetStackOutput", "Contains", "EachMemberEquals", "EachMemberIn", "RefAll", "ValueOf",
        "ValueOfAll", "ForEach",
    )},
}


@dataclass
class Document:
    """A decoded template file: its data and the diagnostics that decoding produced (warnings)."""

    file: str
    data: Any
    size: int
    warnings: list[Diagnostic] = field(default_factory=list)
    fn_transform: bool = True
    """False when decoding met no `Fn::Transform` key (long or short form): then there is no
    AWS::Include snippet or macro call to look for, and those whole-template walks are skipped."""

    def span(self, path: Any, *, key: bool = False) -> Span | None:
        from stackengine.template.marks import span_at

        return span_at(self.file, self.data, path, key=key)


class _Fail(Exception):
    def __init__(self, code: str, message: str, mark: Mark | None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.mark = mark


# ---------------------------------------------------------------------------------------------
# Scalars (YAML 1.1 plain scalars as PyYAML's safe loader reads them, except that dates and
# times stay strings, as CloudFormation treats them).

_BOOL = {"yes": True, "Yes": True, "YES": True, "no": False, "No": False, "NO": False,
         "true": True, "True": True, "TRUE": True, "false": False, "False": False,
         "FALSE": False, "on": True, "On": True, "ON": True, "off": False, "Off": False,
         "OFF": False}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""", re.X)
_FLOAT = re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""", re.X)
_NUMBER_START = frozenset("0123456789-+.")


def _to_int(text: str) -> int:
    value = text.replace("_", "")
    sign = -1 if value[0] == "-" else 1
    if value[0] in "+-":
        value = value[1:]
    if value == "0":
        return 0
    if value.startswith("0b"):
        return sign * int(value[2:], 2)
    if value.startswith("0x"):
        return sign * int(value[2:], 16)
    if ":" in value:
        total = 0
        for part in value.split(":"):
            total = total * 60 + int(part)
        return sign * total
    if value[0] == "0":
        return sign * int(value, 8)
    return sign * int(value)


def _to_float(text: str) -> float:
    value = text.replace("_", "").lower()
    sign = -1.0 if value[0] == "-" else 1.0
    if value[0] in "+-":
        value = value[1:]
    if value == ".inf":
        return sign * float("inf")
    if value == ".nan":
        return float("nan")
    if ":" in value:
        total = 0.0
        for part in value.split(":"):
            total = total * 60 + float(part)
        return sign * total
    return sign * float(value)


def plain_scalar(text: str) -> Any:
    """The value of an untagged plain YAML scalar."""
    if not text or text in _NULL:
        return None
    first = text[0]
    if first in _NUMBER_START:
        if _INT.match(text):
            return _to_int(text)
        if _FLOAT.match(text):
            return _to_float(text)
        return text
    boolean = _BOOL.get(text)
    if boolean is not None:
        return boolean
    return text


_CORE_TAGS: dict[str, Callable[[str], Any]] = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:int": _to_int,
    "tag:yaml.org,2002:float": _to_float,
    "tag:yaml.org,2002:bool": lambda t: _BOOL[t],
    "tag:yaml.org,2002:null": lambda t: None,
    "tag:yaml.org,2002:timestamp": str,
    "!": str,
}


def _short_form(tag: str, value: Any, mark: Mark) -> MarkedMap:
    name = SHORT_FORMS.get(tag[1:]) if tag.startswith("!") else None
    if name is None:
        raise _Fail("E0003", f"unknown tag {tag}; CloudFormation knows only its intrinsic "
                    "function short forms (!Ref, !Sub, !GetAtt, ...)", mark)
    # `!GetAtt A.B.C` is [A, "B.C"]; without a dot the value is left as written and the
    # GetAtt shape check reports it.
    if name == "Fn::GetAtt" and isinstance(value, str) and "." in value:
        resource, _, attribute = value.partition(".")
        items = new_list(mark)
        items.extend((resource, attribute))
        items.item_marks.extend((mark, (mark[0], mark[1] + len(resource) + 1)))
        value = items
    out = new_map(mark)
    out[name] = value
    out.value_marks[name] = getattr(value, "mark", mark)
    out.key_marks[name] = mark
    return out


# ---------------------------------------------------------------------------------------------
# YAML


def _yaml_build(text: str) -> tuple[Any, bool]:
    """The decoded value, and whether some mapping has an `Fn::Transform` key."""
    parser = _Parser(text)
    # Each frame: [container, pending key (maps), key mark, expanded size, tag]
    stack: list[list[Any]] = []
    anchors: dict[str, tuple[Any, int]] = {}
    root: Any = None
    documents = 0
    budget = MAX_NODES
    fn_transform = False

    def attach(value: Any, mark: Mark, size: int, is_key_capable: bool, raw: str | None) -> Any:
        nonlocal root, fn_transform
        if not stack:
            root = value
            return value
        frame = stack[-1]
        frame[3] += size
        container = frame[0]
        if type(container) is MarkedList:
            container.append(value)
            container.item_marks.append(mark)
            return value
        key = frame[1]
        if key is None:
            if not is_key_capable:
                raise _Fail("E0001", "a mapping key must be a plain string, not a list or mapping", mark)
            key = raw if raw is not None else str(value)
            fn_transform = fn_transform or key == "Fn::Transform"
            if key in container.key_marks:
                first = container.key_marks[key]
                raise _Fail("E0002", f"duplicate key {key!r} (first defined at line {first[0]}, "
                            f"column {first[1]})", mark)
            frame[1] = key
            container.key_marks[key] = mark
        else:
            container[key] = value
            container.value_marks[key] = mark
            frame[1] = None
        return value

    try:
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is ScalarEvent:
                m = event.start_mark
                mark = (m.line + 1, m.column + 1)
                raw = event.value
                tag = event.tag
                if tag is None and stack and not event.anchor:
                    frame = stack[-1]
                    container = frame[0]
                    if frame[1] is None and type(container) is MarkedMap:
                        # A mapping key without a tag: its text is the key, so the scalar's
                        # value (number, bool, ...) is never needed. Half of all scalars.
                        if raw in container.key_marks:
                            first = container.key_marks[raw]
                            raise _Fail("E0002", f"duplicate key {raw!r} (first defined at line "
                                        f"{first[0]}, column {first[1]})", mark)
                        frame[1] = raw
                        fn_transform = fn_transform or raw == "Fn::Transform"
                        frame[3] += 1
                        container.key_marks[raw] = mark
                        budget -= 1
                        continue
                if tag is None or (tag == "!" and event.implicit[0]):
                    # libyaml reports plain style as '' and the pure-Python parser as None
                    value = raw if event.style else plain_scalar(raw)
                elif tag in _CORE_TAGS:
                    try:
                        value = _CORE_TAGS[tag](raw)
                    except (ValueError, KeyError):
                        raise _Fail("E0001", f"{raw!r} is not a valid {tag.rsplit(':', 1)[-1]}", mark)
                else:
                    value = _short_form(tag, raw, mark)
                    fn_transform = fn_transform or "Fn::Transform" in value
                budget -= 1
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
                attach(value, mark, 1, not isinstance(value, dict), raw if tag is None or
                       tag in _CORE_TAGS else None)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                m = event.start_mark
                mark = (m.line + 1, m.column + 1)
                if len(stack) >= MAX_DEPTH:
                    raise _Fail("E0004", f"the template nests deeper than {MAX_DEPTH} levels", mark)
                container = new_map(mark) if kind is MappingStartEvent else new_list(mark)
                tag = event.tag
                if tag is not None and tag not in ("!", "tag:yaml.org,2002:map",
                                                   "tag:yaml.org,2002:seq"):
                    if tag[1:] not in SHORT_FORMS or not tag.startswith("!"):
                        raise _Fail("E0003", f"unknown tag {tag}; CloudFormation knows only its "
                                    "intrinsic function short forms (!Ref, !Sub, !GetAtt, ...)", mark)
                stack.append([container, None, mark, 1, tag, event.anchor])
                budget -= 1
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                container, pending, mark, size, tag, anchor = stack.pop()
                value = container
                if tag is not None and tag[1:] in SHORT_FORMS and tag.startswith("!"):
                    value = _short_form(tag, container, mark)
                    fn_transform = fn_transform or "Fn::Transform" in value
                if anchor:
                    anchors[anchor] = (value, size)
                attach(value, mark, size, False, None)
            elif kind is AliasEvent:
                m = event.start_mark
                mark = (m.line + 1, m.column + 1)
                if event.anchor not in anchors:
                    raise _Fail("E0001", f"alias *{event.anchor} refers to an undefined anchor", mark)
                value, size = anchors[event.anchor]
                budget -= size
                if budget < 0:
                    raise _Fail("E0005", f"YAML aliases expand this template beyond {MAX_NODES:,} "
                                "values; refusing to expand it (an alias bomb?)", mark)
                attach(value, mark, size, not isinstance(value, (dict, list)), None)
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    m = event.start_mark
                    raise _Fail("E0001", "a template file holds one YAML document, this one has "
                                "several", (m.line + 1, m.column + 1))
            elif kind is StreamEndEvent:
                break
            if budget < 0:
                raise _Fail("E0005", f"the template expands beyond {MAX_NODES:,} values", None)
    except yaml.MarkedYAMLError as exc:
        m = exc.problem_mark or exc.context_mark
        problem = exc.problem or "malformed YAML"
        if "nesting depth" in problem:  # newer libyaml builds stop deep nesting themselves
            raise _Fail("E0004", f"the template nests deeper than {MAX_DEPTH} levels",
                        (m.line + 1, m.column + 1) if m else None) from None
        context = f" ({exc.context})" if exc.context else ""
        raise _Fail("E0001", f"malformed YAML: {problem}{context}",
                    (m.line + 1, m.column + 1) if m else None) from None
    except yaml.YAMLError as exc:
        raise _Fail("E0001", f"malformed YAML: {exc}", None) from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()
    return root, fn_transform


# ---------------------------------------------------------------------------------------------
# JSON

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


class _JsonParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.fn_transform = False  # set when an object has an "Fn::Transform" key
        self.line_starts = [0]
        self.line_starts.extend(m.end() for m in re.finditer("\n", text))

    def mark(self, index: int) -> Mark:
        from bisect import bisect_right

        line = bisect_right(self.line_starts, index) - 1
        return (line + 1, index - self.line_starts[line] + 1)

    def fail(self, message: str, index: int, code: str = "E0001") -> _Fail:
        return _Fail(code, message, self.mark(index))

    def parse(self) -> Any:
        text = self.text
        index = _WS.match(text, 0).end()  # type: ignore[union-attr]
        value, index = self.value(index, 0)
        index = _WS.match(text, index).end()  # type: ignore[union-attr]
        if index != len(text):
            raise self.fail("malformed JSON: extra data after the top-level value", index)
        return value

    def value(self, index: int, depth: int) -> tuple[Any, int]:
        text = self.text
        if index >= len(text):
            raise self.fail("malformed JSON: unexpected end of file", index)
        char = text[index]
        if char == '"':
            try:
                return _scanstring(text, index + 1, True)
            except json.JSONDecodeError as exc:
                raise self.fail(f"malformed JSON: {exc.msg}", exc.pos) from None
        if char == "{":
            return self.object(index, depth + 1)
        if char == "[":
            return self.array(index, depth + 1)
        match = _NUMBER.match(text, index)
        if match:
            frac, exp = match.group(1), match.group(2)
            number = match.group()
            return (float(number) if frac or exp else int(number)), match.end()
        for literal, result in (("true", True), ("false", False), ("null", None)):
            if text.startswith(literal, index):
                return result, index + len(literal)
        raise self.fail(f"malformed JSON: unexpected {char!r}", index)

    def object(self, index: int, depth: int) -> tuple[MarkedMap, int]:
        text = self.text
        if depth > MAX_DEPTH:
            raise self.fail(f"the template nests deeper than {MAX_DEPTH} levels", index, "E0004")
        result = new_map(self.mark(index))
        index = _WS.match(text, index + 1).end()  # type: ignore[union-attr]
        if text.startswith("}", index):
            return result, index + 1
        while True:
            if not text.startswith('"', index):
                raise self.fail("malformed JSON: expected a quoted key", index)
            key_mark = self.mark(index)
            try:
                key, index = _scanstring(text, index + 1, True)
            except json.JSONDecodeError as exc:
                raise self.fail(f"malformed JSON: {exc.msg}", exc.pos) from None
            if key in result.key_marks:
                first = result.key_marks[key]
                raise _Fail("E0002", f"duplicate key {key!r} (first defined at line {first[0]}, "
                            f"column {first[1]})", key_mark)
            index = _WS.match(text, index).end()  # type: ignore[union-attr]
            if not text.startswith(":", index):
                raise self.fail("malformed JSON: expected ':' after a key", index)
            index = _WS.match(text, index + 1).end()  # type: ignore[union-attr]
            value_mark = self.mark(index)
            value, index = self.value(index, depth)
            result[key] = value
            self.fn_transform = self.fn_transform or key == "Fn::Transform"
            result.key_marks[key] = key_mark
            result.value_marks[key] = value_mark
            index = _WS.match(text, index).end()  # type: ignore[union-attr]
            if text.startswith(",", index):
                index = _WS.match(text, index + 1).end()  # type: ignore[union-attr]
                continue
            if text.startswith("}", index):
                return result, index + 1
            raise self.fail("malformed JSON: expected ',' or '}'", index)

    def array(self, index: int, depth: int) -> tuple[MarkedList, int]:
        text = self.text
        if depth > MAX_DEPTH:
            raise self.fail(f"the template nests deeper than {MAX_DEPTH} levels", index, "E0004")
        result = new_list(self.mark(index))
        index = _WS.match(text, index + 1).end()  # type: ignore[union-attr]
        if text.startswith("]", index):
            return result, index + 1
        while True:
            result.item_marks.append(self.mark(index))
            value, index = self.value(index, depth)
            result.append(value)
            index = _WS.match(text, index).end()  # type: ignore[union-attr]
            if text.startswith(",", index):
                index = _WS.match(text, index + 1).end()  # type: ignore[union-attr]
                continue
            if text.startswith("]", index):
                return result, index + 1
            raise self.fail("malformed JSON: expected ',' or ']'", index)


# ---------------------------------------------------------------------------------------------


def looks_like_json(text: str) -> bool:
    stripped = text.lstrip()
    return stripped.startswith("{") or stripped.startswith("[")


def decode_bytes(raw: bytes, file: str) -> Document:
    """Decode a template file's bytes. Raises TemplateError (with positions) on bad input."""
    warnings: list[Diagnostic] = []
    if len(raw) > MAX_BYTES:
        raise TemplateError([Diagnostic("E0007", f"the file is {len(raw):,} bytes; templates over "
                                        f"{MAX_BYTES:,} bytes are not read (CloudFormation's limit "
                                        f"is {TEMPLATE_URL_LIMIT:,})", (), Span(file, 1, 1))])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise TemplateError([Diagnostic("E0006", f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}"
                                        " cannot be decoded); CloudFormation reads templates as UTF-8",
                                        (), Span(file, line, col))]) from None
    if len(raw) > TEMPLATE_URL_LIMIT:
        warnings.append(Diagnostic("W0001", f"the template is {len(raw):,} bytes, over CloudFormation's "
                                   f"limit of {TEMPLATE_URL_LIMIT:,} bytes for a template in S3",
                                   (), Span(file, 1, 1), Severity.WARNING))
    return decode_text(text, file, warnings=warnings, size=len(raw))


def decode_text(text: str, file: str = "<template>", *, warnings: list[Diagnostic] | None = None,
                size: int | None = None) -> Document:
    if "\x00" in text:
        index = text.index("\x00")
        line = text.count("\n", 0, index) + 1
        raise TemplateError([Diagnostic("E0006", "the file holds NUL bytes; it is not a text template",
                                        (), Span(file, line, index - text.rfind("\n", 0, index)))])
    try:
        if looks_like_json(text):
            parser = _JsonParser(text)
            data, fn_transform = parser.parse(), parser.fn_transform
        else:
            data, fn_transform = _yaml_build(text)
    except _Fail as fail:
        span = Span(file, *fail.mark) if fail.mark else Span(file, 1, 1)
        raise TemplateError([Diagnostic(fail.code, fail.message, (), span)]) from None
    except RecursionError:  # pragma: no cover - depth is bounded above
        raise TemplateError([Diagnostic("E0004", "the template nests too deeply", (), Span(file, 1, 1))]) from None
    return Document(file, data, size if size is not None else len(text.encode("utf-8")), warnings or [],
                    fn_transform)


def load_file(path: str, display_name: str | None = None) -> Document:
    """Read and decode a template file. Errors name the file as the user wrote it."""
    name = display_name or path
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise TemplateError([Diagnostic("E0000", f"{name} is a directory, not a template file")]) from None
    except OSError as exc:
        raise TemplateError([Diagnostic("E0000", f"cannot read {name}: {exc.strerror or exc}")]) from None
    return decode_bytes(raw, name)
