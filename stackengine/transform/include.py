"""The `AWS::Include` transform: insert template snippets kept in separate files.

Two forms, as CloudFormation documents them:

* top level, as (or in) the `Transform` section:
  `Transform: {Name: AWS::Include, Parameters: {Location: snippet.yaml}}` — the snippet's sections
  are merged into the template;
* anywhere else except `Parameters` and `AWSTemplateFormatVersion`, as an intrinsic:
  `{"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": ...}}}` — the snippet
  replaces the mapping holding `Fn::Transform`; when that mapping has other keys too, the snippet's
  keys are merged with them (this is how a snippet adds resources next to the ones written inline).

CloudFormation reads snippets from S3; offline, the location is a local path (relative to the
template's directory) or a `file://` URL. Snippets are not transformed again: CloudFormation does
not process transforms inside included snippets, so one there is an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlparse

from stackengine.diagnostics import DiagnosticSink, TemplateError, TemplatePath
from stackengine.template.decode import load_file
from stackengine.template.marks import MarkedList, MarkedMap, new_list, new_map, span_at, strip_marks
from stackengine.transform import TransformContext, has_fn_transform

Json = Any

NAME = "AWS::Include"
CODE_INCLUDE = "E1040"
NOT_ALLOWED_IN = frozenset({"Parameters", "AWSTemplateFormatVersion"})
_REMOTE_SCHEMES = frozenset({"s3", "http", "https"})


def transform_include(template: Json, context: TransformContext) -> Json:
    """Replace every `AWS::Include` by the snippet it names. The input template is not modified.

    Raises TemplateError with every problem found (unreadable snippets, remote locations, macros).
    """
    if not isinstance(template, dict):
        return template
    sink = DiagnosticSink()
    out = _Includer(template, context, sink).run()
    sink.raise_if_errors()
    return out


@dataclass
class _Includer:
    template: dict[str, Json]
    context: TransformContext
    sink: DiagnosticSink
    snippets: dict[str, Json] = field(default_factory=dict)
    """Location → loaded snippet, so a snippet included several times is read once per run."""

    def error(self, message: str, path: TemplatePath, *, key: bool = False) -> None:
        self.sink.add(CODE_INCLUDE, message, path,
                      span=span_at(self.context.file, self.template, path, key=key))

    # -- the template ------------------------------------------------------------------------

    def run(self) -> dict[str, Json]:
        out = _map_like(self.template)
        for section, value in self.template.items():
            if section == "Transform":
                continue
            if section in NOT_ALLOWED_IN:
                self._reject(value, (section,))
                _put(out, section, value, self.template, section)
            else:
                _put(out, section, self.walk(value, (section,)), self.template, section)
        embedded = any(k != "Transform" and has_fn_transform(v) for k, v in self.template.items())
        self._top_level(out, embedded)
        return out

    def _top_level(self, out: dict[str, Json], embedded: bool) -> None:
        """Handle `Transform: {Name: AWS::Include, ...}` (alone or in a list), keep other names."""
        if "Transform" not in self.template:
            return
        declared = self.template["Transform"]
        entries = declared if isinstance(declared, list) else [declared]
        kept = _list_like(declared)
        for i, entry in enumerate(entries):
            path: TemplatePath = ("Transform", i) if isinstance(declared, list) else ("Transform",)
            if not (isinstance(entry, dict) and entry.get("Name") == NAME):
                kept.append(entry)
                continue
            if embedded:
                self.error("AWS::Include can't be used both in the Transform section and embedded in "
                           "the template (Fn::Transform) at the same time", path)
                continue
            snippet = self.load(entry, path)
            if snippet is not None:
                self._merge_sections(out, snippet, path)
        if isinstance(declared, list):
            if kept:
                _put(out, "Transform", kept, self.template, "Transform")
        elif kept:
            _put(out, "Transform", declared, self.template, "Transform")

    def _merge_sections(self, out: dict[str, Json], snippet: Json, path: TemplatePath) -> None:
        if not isinstance(snippet, dict):
            self.error("a snippet included in the Transform section must be a mapping of template "
                       "sections", path)
            return
        for section, value in snippet.items():
            if section not in out:
                _put_at(out, section, value, self.template, "Transform")
            elif isinstance(out[section], dict) and isinstance(value, dict):
                merged = _map_like(out[section])
                merged.update(out[section])
                _copy_marks(merged, out[section])
                for key, item in value.items():
                    if key in merged:
                        self.error(f"the included snippet defines {section}.{key}, which the template "
                                   "already defines", path)
                    else:
                        _put_at(merged, key, item, self.template, "Transform")
                out[section] = merged
            else:
                self.error(f"the included snippet defines the section {section}, which the template "
                           "already defines", path)

    def _reject(self, value: Json, path: TemplatePath) -> None:
        if has_fn_transform(value):
            self.error(f"Fn::Transform can't be used in the {path[0]} section", path)

    # -- values ------------------------------------------------------------------------------

    def walk(self, value: Json, path: TemplatePath) -> Json:
        """A copy of `value` with every embedded `Fn::Transform` replaced by its snippet."""
        if isinstance(value, list):
            out_list = _list_like(value)
            for i, item in enumerate(value):
                out_list.append(self.walk(item, path + (i,)))
            if isinstance(out_list, MarkedList) and isinstance(value, MarkedList):
                out_list.item_marks.extend(value.item_marks)
            return out_list
        if not isinstance(value, dict):
            return value
        out = _map_like(value)
        for key, item in value.items():
            if key != "Fn::Transform":
                _put(out, key, self.walk(item, path + (key,)), value, key)
        if "Fn::Transform" not in value:
            return out
        where = path + ("Fn::Transform",)
        snippet = self.load(value["Fn::Transform"], where)
        if snippet is None:
            return out
        if len(value) == 1:
            return snippet
        if not isinstance(snippet, dict):
            self.error("the included snippet must be a mapping to be merged with the keys next to "
                       "Fn::Transform", where)
            return out
        for key, item in snippet.items():
            if key in out:
                self.error(f"the included snippet defines {key!r}, which is already defined next to "
                           "Fn::Transform", where)
            else:
                _put_at(out, key, item, value, "Fn::Transform")
        return out

    # -- snippets ----------------------------------------------------------------------------

    def load(self, spec: Json, path: TemplatePath) -> Json | None:
        """The snippet named by a transform spec `{Name, Parameters: {Location}}`; None on error."""
        if isinstance(spec, list):
            # Fn::Transform also takes a list of transforms, applied in turn; macros among them
            # can't run, and a snippet is only ever the result of a single AWS::Include.
            if len(spec) == 1:
                return self.load(spec[0], path + (0,))
            reported = len(self.sink.items)
            for i, entry in enumerate(spec):
                if isinstance(entry, dict) and entry.get("Name") != NAME:
                    self.load(entry, path + (i,))
            if len(self.sink.items) == reported:
                self.error("Fn::Transform with several transforms can't be emulated; use one AWS::Include",
                           path)
            return None
        if not isinstance(spec, dict) or not isinstance(spec.get("Name"), str):
            self.error("Fn::Transform takes a mapping with Name and Parameters", path)
            return None
        if spec["Name"] != NAME:
            self.error(f"the transform {spec['Name']!r} is a macro; macros run in your AWS account "
                       "and can't run offline (only AWS::Include is supported here)", path)
            return None
        parameters = spec.get("Parameters")
        location = parameters.get("Location") if isinstance(parameters, dict) else None
        location = self._location_text(location)
        if location is None:
            self.error("AWS::Include needs Parameters.Location: the snippet's path or URL", path)
            return None
        if location not in self.snippets:
            self.snippets[location] = self._read(location, path)
        snippet = self.snippets[location]
        # A fresh copy per include site: later stages may change one without touching the others.
        return None if snippet is None else strip_marks(snippet)

    def _location_text(self, location: Json) -> str | None:
        """Location as written, or a `Ref` to a string parameter resolved from its value."""
        if isinstance(location, str) and location:
            return location
        if isinstance(location, dict) and list(location) == ["Ref"] and isinstance(location["Ref"], str):
            name = location["Ref"]
            declared = (self.template.get("Parameters") or {}).get(name)
            default = declared.get("Default") if isinstance(declared, dict) else None
            value = self.context.parameters.get(name, default)
            return value if isinstance(value, str) and value else None
        return None

    def _read(self, location: str, path: TemplatePath) -> Json | None:
        parsed = urlparse(location)
        if parsed.scheme.lower() in _REMOTE_SCHEMES:
            self.error(f"cannot read the snippet {location}: AWS::Include from S3 needs the aws target; "
                       "use a local path", path)
            return None
        if parsed.scheme.lower() == "file":
            # file:///abs/path, or file://relative/path written without the third slash
            local = unquote(parsed.netloc + parsed.path)
        elif parsed.scheme and len(parsed.scheme) > 1:
            self.error(f"cannot read the snippet {location}: only local paths and file:// URLs can "
                       "be included offline", path)
            return None
        else:
            local = location  # a plain path (a one-letter "scheme" is a Windows drive)
        full = local if os.path.isabs(local) else os.path.join(self.context.base_dir, local)
        if not os.path.isfile(full):
            self.error(f"the snippet {location} does not exist (looked for {full})", path)
            return None
        try:
            document = load_file(full, display_name=location)
        except TemplateError as exc:
            self.sink.extend(exc.diagnostics)
            self.error(f"the snippet {location} could not be read", path)
            return None
        snippet = strip_marks(document.data)
        if has_fn_transform(snippet):
            self.error(f"the snippet {location} uses Fn::Transform itself; CloudFormation does not "
                       "process transforms inside included snippets", path)
            return None
        return snippet


# ---------------------------------------------------------------------------------------------
# Helpers. Snippet values carry no marks (their positions are in another file): they are placed
# at the position of the include, so an error inside a snippet points at where it was included.


def _map_like(source: Json) -> dict[str, Json]:
    return new_map(source.mark) if isinstance(source, MarkedMap) else {}


def _list_like(source: Json) -> list[Json]:
    return new_list(source.mark) if isinstance(source, MarkedList) else []


def _copy_marks(target: dict[str, Json], source: Json) -> None:
    if isinstance(target, MarkedMap) and isinstance(source, MarkedMap):
        target.key_marks.update(source.key_marks)
        target.value_marks.update(source.value_marks)


def _put(out: dict[str, Json], key: str, value: Json, source: Json, source_key: str) -> None:
    out[key] = value
    if isinstance(out, MarkedMap) and isinstance(source, MarkedMap):
        if source_key in source.key_marks:
            out.key_marks[key] = source.key_marks[source_key]
        if source_key in source.value_marks:
            out.value_marks[key] = source.value_marks[source_key]


def _put_at(out: dict[str, Json], key: str, value: Json, source: Json, include_key: str) -> None:
    """Place a snippet's `key` in `out`, positioned where `include_key` is written in `source`."""
    out[key] = value
    if isinstance(out, MarkedMap) and isinstance(source, MarkedMap) and include_key in source.key_marks:
        out.key_marks[key] = source.key_marks[include_key]
        out.value_marks[key] = source.key_marks[include_key]



__all__ = ["transform_include", "NAME"]
