"""What Ref and Fn::GetAtt return for each resource type, as data.

`formats.json` holds, per type, templates such as `"arn:${Partition}:sqs:${Region}:${AccountId}:${Name}"`
for Ref and for each attribute, the custom-name rule (`name`) and the generated IDs (`ids`, e.g.
`"vpc-${hex:17}"`). Every other type — and every attribute the table does not list — falls back to
the registry schema: `primaryIdentifier` for Ref, `readOnlyProperties` for GetAtt, values shaped by
the attribute's schema type.

Template syntax: `${Var}`; `${Var|default}` (a default starting with "@" names another variable);
`${hex:N}` / `${alnum:N}` / `${ALNUM:N}` / `${digits:N}` / `${alpha:N}` / `${mixed:N}` random text;
`${uuid}`. Variables: Partition, Region, AccountId, URLSuffix, StackName, StackId, LogicalId, Name,
Ref, DefaultAZ, the type's `ids`, then the resource's properties by dotted path. A template that is
exactly one `${Var}` returns the variable's value unchanged (lists and numbers stay as they are).
"""

from __future__ import annotations

import functools
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Mapping  # abc's isinstance is much cheaper than typing's
from typing import Any

from stackengine.providers.local.naming import (NameRule, generate_name, generic_name, random_text,
                                                random_uuid)

Json = Any

FORMATS_PATH = Path(__file__).resolve().parent / "formats.json"

_VAR = re.compile(r"\$\{([^}]*)\}")
_RANDOM = re.compile(r"^(hex|alnum|ALNUM|digits|alpha|mixed):(\d+)$")
_URL_SUFFIX = {"aws": "amazonaws.com", "aws-cn": "amazonaws.com.cn", "aws-us-gov": "amazonaws.com",
               "aws-iso": "c2s.ic.gov", "aws-iso-b": "sc2s.sgov.gov"}


@dataclass(frozen=True)
class TypeFormat:
    """One type's entry in formats.json."""

    type_name: str
    name: NameRule | None = None
    ids: Mapping[str, str] = field(default_factory=dict)
    ref: str | None = None
    attributes: Mapping[str, Json] = field(default_factory=dict)
    # {var: {"from": template, "values": {key: template}, "default": template}}: a lookup table,
    # e.g. the load balancer kind ("app"/"net") from its Type, the RDS port from its Engine.
    maps: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # {attribute: property}: the attribute exists only when the property is set (a table's
    # StreamArn needs a StreamSpecification); GetAtt of it otherwise fails, as in AWS.
    only_when: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_data(cls, type_name: str, data: Mapping[str, Any]) -> TypeFormat:
        name = NameRule.from_data(data["name"]) if "name" in data else None
        return cls(type_name, name, dict(data.get("ids", {})), data.get("ref"),
                   dict(data.get("attributes", {})), dict(data.get("maps", {})),
                   dict(data.get("only_when", {})))


@functools.lru_cache(maxsize=1)
def load_formats() -> dict[str, TypeFormat]:
    raw = json.loads(FORMATS_PATH.read_text())
    return {t: TypeFormat.from_data(t, d) for t, d in raw.items() if not t.startswith("_")}


def type_format(type_name: str) -> TypeFormat | None:
    return load_formats().get(type_name)


def name_rule(type_name: str) -> NameRule | None:
    fmt = type_format(type_name)
    return fmt.name if fmt else None


def custom_name_property(type_name: str) -> str | None:
    """The property that gives a resource of this type its custom name (BucketName, QueueName...),
    or None. The engine uses it to refuse replacing a custom-named resource, as CloudFormation does."""
    rule = name_rule(type_name)
    return rule.property if rule and rule.property else None


def custom_name_conflict(type_name: str, logical_id: str, old: Mapping[str, Json],
                         new: Mapping[str, Json]) -> str | None:
    """CloudFormation's refusal when a replacement would keep the custom name (the new resource
    is created before the old one is deleted, so the name would be taken), else None."""
    prop = custom_name_property(type_name)
    if prop is None:
        return None
    name = new.get(prop)
    if name is None or name != old.get(prop):
        return None
    return (f"CloudFormation cannot update a stack when a custom-named resource requires replacing. "
            f"Rename {name} and update the stack again.")


def url_suffix(partition: str) -> str:
    return _URL_SUFFIX.get(partition, "amazonaws.com")


def get_path(properties: Mapping[str, Json], dotted: str) -> Json:
    node: Any = properties
    for part in dotted.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


class Renderer:
    """Renders templates for one resource: context variables, its properties, its RNG."""

    def __init__(self, variables: dict[str, Json], properties: Mapping[str, Json],
                 rng: random.Random) -> None:
        self.vars = variables  # shared on purpose: names and IDs are added as they are drawn
        self.properties = properties
        self.rng = rng

    def lookup(self, key: str) -> Json:
        if key == "uuid":
            return random_uuid(self.rng)
        if key == "octet":
            return str(self.rng.randint(1, 254))
        m = _RANDOM.match(key)
        if m:
            return random_text(self.rng, m.group(1), int(m.group(2)))
        name, _, default = key.partition("|")
        value = self.vars.get(name)
        if value is None:
            value = get_path(self.properties, name)
        if value is None and default:
            value = self.lookup(default[1:]) if default.startswith("@") else default
        return value

    def render(self, template: Json) -> Json:
        if isinstance(template, list):
            return [self.render(t) for t in template]
        if isinstance(template, dict):
            return {k: self.render(v) for k, v in template.items()}
        if not isinstance(template, str):
            return template
        whole = _VAR.fullmatch(template)
        if whole:
            value = self.lookup(whole.group(1))
            return "" if value is None else value
        return _VAR.sub(lambda m: _text(self.lookup(m.group(1))), template)


def _text(value: Json) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


@dataclass(frozen=True)
class Identity:
    """What a created resource is known by: physical ID, GetAtt attributes, and the generated
    variables (name, IDs) kept so an update recomputes the same values."""

    physical_id: str
    attributes: dict[str, Json]
    vars: dict[str, Json]
    name: str | None


def context_vars(account_id: str, region: str, partition: str, stack_name: str, stack_id: str,
                 logical_id: str) -> dict[str, Json]:
    return {"Partition": partition, "Region": region, "AccountId": account_id,
            "URLSuffix": url_suffix(partition), "StackName": stack_name, "StackId": stack_id,
            "LogicalId": logical_id, "DefaultAZ": f"{region}a", "NoList": []}


def build_identity(type_name: str, schema: Any, properties: Mapping[str, Json],
                   context: Mapping[str, Json], rng: random.Random,
                   saved_vars: Mapping[str, Json] | None = None,
                   extra_vars: Mapping[str, Json] | None = None) -> Identity:
    """Compute physical ID and attributes. On create `saved_vars` is None and names/IDs are drawn
    from `rng`; on update the saved ones are reused, so Ref and IDs do not change in place."""
    fmt = type_format(type_name) or TypeFormat(type_name)
    variables: dict[str, Json] = dict(context)
    generated: dict[str, Json] = dict(saved_vars or {})
    # Derived values (a Lambda version number...) are fixed at create: saved ones win on update.
    for key, value in (extra_vars or {}).items():
        generated.setdefault(key, value)
    variables.update(generated)
    renderer = Renderer(variables, properties, rng)

    # The name: the custom one if given, else CloudFormation's generated one.
    name: str | None = None
    for var, table in fmt.maps.items():
        key = _text(renderer.render(table.get("from", "")))
        chosen = table.get("values", {}).get(key, table.get("default", ""))
        variables[var] = renderer.render(chosen)
    if fmt.name is not None:
        custom = properties.get(fmt.name.property) if fmt.name.property else None
        if isinstance(custom, str) and custom:
            name = custom
        elif "Name" in generated:
            name = generated["Name"]
        else:
            name = generate_name(str(context["StackName"]), str(context["LogicalId"]), fmt.name, rng,
                                 properties)
        generated["Name"] = name
    for key, template in fmt.ids.items():
        if key not in generated:
            variables.update(generated)
            generated[key] = renderer.render(template)
    variables.update(generated)

    if fmt.ref is not None:
        physical_id = _text(renderer.render(fmt.ref))
    elif name is not None:
        physical_id = name
    elif "Id" in generated:
        physical_id = str(generated["Id"])
    else:
        physical_id = _generic_ref(type_name, schema, properties, renderer, generated)
        variables.update(generated)
    variables["Ref"] = physical_id

    absent = {attr for attr, prop in fmt.only_when.items() if get_path(properties, prop) is None}
    attributes: dict[str, Json] = {}
    for attr, template in fmt.attributes.items():
        if attr not in absent:
            attributes[attr] = renderer.render(template)
    if schema is not None:
        for attr in schema.getatt_names():
            if "*" in attr or attr in attributes or attr in absent:
                continue
            attributes[attr] = _generic_attribute(type_name, schema, attr, properties, renderer,
                                                  physical_id, generated)
    return Identity(physical_id, attributes, generated, name)


# -- the generic fallback, from the registry schema ------------------------------------------

def _service_and_resource(type_name: str) -> tuple[str, str]:
    parts = type_name.split("::")
    service = parts[1].lower() if len(parts) > 1 else "unknown"
    resource = re.sub(r"(?<!^)(?=[A-Z])", "-", parts[2]).lower() if len(parts) > 2 else "resource"
    return service, resource


def generic_arn(type_name: str, renderer: Renderer, resource_id: str) -> str:
    if resource_id.startswith("arn:"):
        return resource_id
    service, resource = _service_and_resource(type_name)
    v = renderer.vars
    return f"arn:{v['Partition']}:{service}:{v['Region']}:{v['AccountId']}:{resource}/{resource_id}"


def _generic_part(type_name: str, schema: Any, prop: str, properties: Mapping[str, Json],
                  renderer: Renderer, generated: dict[str, Json]) -> str:
    given = properties.get(prop)
    if given is not None and not isinstance(given, (dict, list)):
        return _text(given)
    if prop in generated:
        return str(generated[prop])
    v = renderer.vars
    if prop.endswith("Arn"):
        name = generic_name(str(v["StackName"]), str(v["LogicalId"]), renderer.rng)
        value = generic_arn(type_name, renderer, name)
    elif prop.endswith("Name") or prop == "Name":
        value = generic_name(str(v["StackName"]), str(v["LogicalId"]), renderer.rng)
    else:
        value = _id_like_schema(schema, prop, renderer.rng)
    generated[prop] = value
    return value


_PREFIX = re.compile(r"([a-z][a-z0-9]*-)(?:\[0-9a-f|\[a-f0-9|\[0-9a-z|\[a-z0-9)")


def _id_like_schema(schema: Any, prop: str, rng: random.Random) -> str:
    """A fresh ID that the schema's pattern for `prop` accepts when it can, e.g. "fs-<hex>" for
    an EFS file system — other resources' schemas check IDs against the same pattern."""
    sub = schema.property_schema(tuple(prop.split("."))) if schema is not None else None
    pattern = sub.get("pattern") if isinstance(sub, Mapping) else None
    hex17, alnum = random_text(rng, "hex", 17), random_text(rng, "alnum", 20)
    if not isinstance(pattern, str):
        return alnum
    prefixes = _PREFIX.findall(pattern)
    candidates = [p + hex17 for p in prefixes] + [p + hex17[:8] for p in prefixes] + [
        alnum, hex17, random_text(rng, "ALNUM", 20), random_text(rng, "digits", 12)]
    try:
        compiled = re.compile(pattern)
    except re.error:
        return candidates[0]
    for candidate in candidates:
        if compiled.fullmatch(candidate):
            return candidate
    from stackengine.template.regex_sample import sample

    return sample(pattern) or alnum


def _generic_ref(type_name: str, schema: Any, properties: Mapping[str, Json], renderer: Renderer,
                 generated: dict[str, Json]) -> str:
    identifier = schema.primary_identifier if schema is not None else ()
    if not identifier:
        return _generic_part(type_name, schema, "Id", properties, renderer, generated)
    # Cloud Control joins a composite primary identifier with "|".
    return "|".join(_generic_part(type_name, schema, ".".join(path), properties, renderer, generated)
                    for path in identifier)


_EMPTY_BY_TYPE: dict[str, Json] = {"integer": 0, "number": 0, "boolean": False, "array": [],
                                   "object": {}}


def _generic_attribute(type_name: str, schema: Any, attr: str, properties: Mapping[str, Json],
                       renderer: Renderer, physical_id: str, generated: dict[str, Json]) -> Json:
    given = get_path(properties, attr)
    if given is not None:
        return given
    if attr in generated:
        return generated[attr]
    identifier = [".".join(p) for p in schema.primary_identifier]
    if identifier == [attr]:
        return physical_id
    sub = schema.property_schema(tuple(attr.split(".")))
    kind = sub.get("type") if isinstance(sub, Mapping) else None
    if isinstance(kind, list):
        kind = kind[0] if kind else None
    if tuple(attr.split(".")) not in schema.read_only:
        # A writable property the template left out: GetAtt reads back the service default.
        if isinstance(sub, Mapping) and "default" in sub:
            return sub["default"]
        return _EMPTY_BY_TYPE.get(str(kind), "") if kind != "object" else {}
    if kind in _EMPTY_BY_TYPE and kind != "object":
        return _EMPTY_BY_TYPE[kind]
    if attr.endswith("Arn"):
        return generic_arn(type_name, renderer, physical_id.split("|")[0])
    if kind == "object":
        return {}
    value = _generic_part(type_name, schema, attr, properties, renderer, generated)
    return value
