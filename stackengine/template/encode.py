"""Templates back to text: JSON, or YAML with intrinsic short forms where they read better."""

from __future__ import annotations

import json
from typing import Any

import yaml

Json = Any

# Long form → short tag, for the functions whose short form is unambiguous in YAML.
_SHORT = {
    "Ref": "!Ref", "Condition": "!Condition", "Fn::GetAtt": "!GetAtt", "Fn::Sub": "!Sub",
    "Fn::Join": "!Join", "Fn::Select": "!Select", "Fn::Split": "!Split", "Fn::Base64": "!Base64",
    "Fn::GetAZs": "!GetAZs", "Fn::Cidr": "!Cidr", "Fn::FindInMap": "!FindInMap",
    "Fn::ImportValue": "!ImportValue", "Fn::If": "!If", "Fn::Equals": "!Equals", "Fn::And": "!And",
    "Fn::Or": "!Or", "Fn::Not": "!Not", "Fn::Length": "!Length", "Fn::ToJsonString": "!ToJsonString",
    "Fn::GetStackOutput": "!GetStackOutput",
}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # a template never needs anchors
        return True


def _represent_dict(dumper: _Dumper, data: dict[str, Json]) -> yaml.Node:
    if len(data) == 1:
        key, value = next(iter(data.items()))
        tag = _SHORT.get(key)
        if tag is not None:
            if key == "Fn::GetAtt" and isinstance(value, list) and len(value) == 2 \
                    and all(isinstance(v, str) for v in value):
                return dumper.represent_scalar(tag, f"{value[0]}.{value[1]}")
            if isinstance(value, str):
                return dumper.represent_scalar(tag, value)
            if isinstance(value, list):
                return dumper.represent_sequence(tag, value)
            if isinstance(value, dict):
                return dumper.represent_mapping(tag, value.items())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items())


def _represent_str(dumper: _Dumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data and not data.startswith(" ") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(str, _represent_str)
# Marked containers are dict/list subclasses: represent them as their bases.
_Dumper.add_multi_representer(dict, _represent_dict)
_Dumper.add_multi_representer(list, lambda d, data: d.represent_list(list(data)))


def to_yaml(template: Json) -> str:
    return yaml.dump(template, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def to_json(template: Json, indent: int | None = 2) -> str:
    return json.dumps(template, indent=indent, ensure_ascii=False)
