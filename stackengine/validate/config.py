"""Suppressions and project settings.

- Per resource: `Metadata: {stackengine: {ignore: [W3033, ...]}}` silences those rules for findings
  inside that resource (`"*"` silences all of them there).
- Per project: `[tool.stackengine]` in `pyproject.toml`, or `.stackengine.yaml`, found in the
  working directory or the nearest parent holding one:

      [tool.stackengine]
      ignore = ["W2010", "W3030"]     # rules never reported
      regions = ["us-east-1", "eu-west-1"]
      strict = false                  # warnings fail the run too

The command line adds to `ignore` and replaces `regions` when it gives any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from stackengine.diagnostics import UsageError

Json = Any
SECTION = "stackengine"


@dataclass(frozen=True)
class ProjectConfig:
    ignore: frozenset[str] = frozenset()
    regions: tuple[str, ...] = ()
    strict: bool = False
    source: str | None = None
    extra: Mapping[str, Json] = field(default_factory=dict)


def resource_ignores(*templates: Json) -> dict[str, frozenset[str]]:
    """Logical ID → rule ids its Metadata suppresses, from the source and transformed templates."""
    out: dict[str, set[str]] = {}
    for template in templates:
        resources = template.get("Resources") if isinstance(template, Mapping) else None
        if not isinstance(resources, Mapping):
            continue
        for logical_id, resource in resources.items():
            metadata = resource.get("Metadata") if isinstance(resource, Mapping) else None
            settings = metadata.get(SECTION) if isinstance(metadata, Mapping) else None
            rules = settings.get("ignore") if isinstance(settings, Mapping) else None
            if isinstance(rules, str):
                rules = [rules]
            if isinstance(rules, list):
                out.setdefault(str(logical_id), set()).update(str(r) for r in rules)
    return {k: frozenset(v) for k, v in out.items()}


def find_project_config(start: Path | None = None) -> ProjectConfig:
    """The nearest `.stackengine.yaml` or `pyproject.toml` with `[tool.stackengine]`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        yaml_file = folder / ".stackengine.yaml"
        if yaml_file.is_file():
            return _from_mapping(_read_yaml(yaml_file), str(yaml_file))
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            section = _read_pyproject(pyproject)
            if section is not None:
                return _from_mapping(section, str(pyproject))
    return ProjectConfig()


def _read_yaml(path: Path) -> Json:
    import yaml  # type: ignore[import-untyped]

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"{path}: cannot read the settings: {exc}") from None
    if isinstance(data, Mapping) and isinstance(data.get(SECTION), Mapping):
        return data[SECTION]  # also accept the settings nested under `stackengine:`
    return data if data is not None else {}


def _read_pyproject(path: Path) -> Json:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the settings: {exc}") from None
    tool = data.get("tool")
    return tool.get(SECTION) if isinstance(tool, Mapping) else None


def _from_mapping(data: Json, source: str) -> ProjectConfig:
    if not isinstance(data, Mapping):
        raise UsageError(f"{source}: the stackengine settings must be a mapping")
    ignore = data.get("ignore", [])
    regions = data.get("regions", [])
    if isinstance(ignore, str):
        ignore = [ignore]
    if isinstance(regions, str):
        regions = [regions]
    if not isinstance(ignore, list) or not isinstance(regions, list):
        raise UsageError(f"{source}: 'ignore' and 'regions' must be lists")
    strict = data.get("strict", False)
    if not isinstance(strict, bool):
        raise UsageError(f"{source}: 'strict' must be true or false")
    extra = {k: v for k, v in data.items() if k not in ("ignore", "regions", "strict")}
    return ProjectConfig(frozenset(str(i) for i in ignore), tuple(str(r) for r in regions), strict, source,
                         extra)
