"""Checks of the template's shape that need no evaluation: sections, resource and output entries,
logical IDs, DependsOn and Condition names, and CloudFormation's documented limits."""

from __future__ import annotations

import difflib
import re
from typing import Any, Mapping

from stackengine.diagnostics import DiagnosticSink

Json = Any

SECTIONS = ("AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings",
            "Conditions", "Transform", "Resources", "Outputs", "Hooks")
# `Version` is a legacy attribute CloudFormation still accepts (seen on custom resources).
RESOURCE_ATTRIBUTES = ("Type", "Properties", "DependsOn", "Condition", "DeletionPolicy",
                       "UpdateReplacePolicy", "Metadata", "CreationPolicy", "UpdatePolicy", "Version")
OUTPUT_ATTRIBUTES = ("Value", "Description", "Export", "Condition")
POLICIES = ("Delete", "Retain", "Snapshot", "RetainExceptOnCreate")
LOGICAL_ID = re.compile(r"^[A-Za-z0-9]+$")
FORMAT_VERSION = "2010-09-09"

# CloudFormation quotas (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html)
MAX_RESOURCES = 500
MAX_OUTPUTS = 200
MAX_MAPPINGS = 200
MAX_DESCRIPTION_BYTES = 1024
MAX_LOGICAL_ID = 255


def _suggest(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def check_top_level(template: Json, sink: DiagnosticSink) -> bool:
    """False (after reporting) when the template is not a mapping at all."""
    if not isinstance(template, Mapping):
        kind = "empty" if template is None else f"a {type(template).__name__}"
        sink.add("E1000", f"a template must be a mapping of sections (Resources, Parameters, ...); "
                 f"this file is {kind}")
        return False
    return True


def check_structure(template: Mapping[str, Json], sink: DiagnosticSink, *,
                    language_extensions: bool = False) -> None:
    for section in template:
        if section not in SECTIONS:
            sink.add("E1001", f"{section!r} is not a template section (known: {', '.join(SECTIONS)})"
                     + _suggest(str(section), SECTIONS), (section,))
    version = template.get("AWSTemplateFormatVersion")
    if version is not None and str(version) != FORMAT_VERSION:
        sink.add("E1001", f"AWSTemplateFormatVersion must be '{FORMAT_VERSION}', not {version!r}",
                 ("AWSTemplateFormatVersion",))
    description = template.get("Description")
    if description is not None:
        if not isinstance(description, str):
            sink.add("E1001", "Description must be a string", ("Description",))
        elif len(description.encode("utf-8")) > MAX_DESCRIPTION_BYTES:
            sink.add("E1001", f"Description is {len(description.encode('utf-8'))} bytes; "
                     f"CloudFormation allows {MAX_DESCRIPTION_BYTES}", ("Description",))
    for section in ("Metadata", "Parameters", "Mappings", "Conditions", "Outputs", "Rules"):
        if section in template and not isinstance(template[section], Mapping):
            sink.add("E1001", f"the {section} section must be a mapping", (section,))
    conditions = template.get("Conditions")
    condition_names = set(conditions) if isinstance(conditions, Mapping) else set()
    _check_mappings(template.get("Mappings"), sink)
    _check_resources(template, condition_names, sink, language_extensions)
    _check_outputs(template.get("Outputs"), condition_names, sink)


def _check_mappings(mappings: Json, sink: DiagnosticSink) -> None:
    if not isinstance(mappings, Mapping):
        return
    if len(mappings) > MAX_MAPPINGS:
        sink.add("E1001", f"the template declares {len(mappings)} mappings; CloudFormation allows "
                 f"{MAX_MAPPINGS}", ("Mappings",))
    for name, mapping in mappings.items():
        path = ("Mappings", name)
        if not LOGICAL_ID.match(str(name)):
            sink.add("E7001", f"mapping name {name!r} must be alphanumeric", path)
        if not isinstance(mapping, Mapping) or not mapping:
            sink.add("E7001", f"mapping {name!r} must be a non-empty mapping of keys to mappings", path)
            continue
        for key, level in mapping.items():
            if not isinstance(level, Mapping):
                sink.add("E7001", f"Mappings.{name}.{key} must be a mapping of second-level keys to "
                         "values", path + (key,))


def _check_resources(template: Mapping[str, Json], condition_names: set[str], sink: DiagnosticSink,
                     language_extensions: bool) -> None:
    resources = template.get("Resources")
    if resources is None:
        sink.add("E1002", "the template has no Resources section; CloudFormation requires at least "
                 "one resource")
        return
    if not isinstance(resources, Mapping):
        sink.add("E1002", "the Resources section must be a mapping of logical IDs to resources",
                 ("Resources",))
        return
    if not resources:
        sink.add("E1002", "the Resources section is empty; CloudFormation requires at least one "
                 "resource", ("Resources",))
    if len(resources) > MAX_RESOURCES:
        sink.add("E1002", f"the template declares {len(resources)} resources; CloudFormation allows "
                 f"{MAX_RESOURCES} per stack", ("Resources",))
    for logical_id, resource in resources.items():
        path = ("Resources", logical_id)
        _check_logical_id(str(logical_id), path, "resource", sink)
        if not isinstance(resource, Mapping):
            sink.add("E3001", f"resource {logical_id!r} must be a mapping with at least a Type", path)
            continue
        for attribute in resource:
            if attribute not in RESOURCE_ATTRIBUTES:
                sink.add("E3001", f"{attribute!r} is not a resource attribute (known: "
                         f"{', '.join(RESOURCE_ATTRIBUTES)})" + _suggest(str(attribute), RESOURCE_ATTRIBUTES),
                         path + (attribute,))
        kind = resource.get("Type")
        if kind is None:
            sink.add("E3001", f"resource {logical_id!r} has no Type", path)
        elif not isinstance(kind, str):
            sink.add("E3001", "a resource Type must be a string such as AWS::S3::Bucket", path + ("Type",))
        properties = resource.get("Properties")
        if properties is not None and not isinstance(properties, Mapping):
            sink.add("E3002", "Properties must be a mapping of property names to values",
                     path + ("Properties",))
        _check_depends_on(resource.get("DependsOn"), str(logical_id), resources, path, sink)
        condition = resource.get("Condition")
        if condition is not None:
            if not isinstance(condition, str):
                sink.add("E8002", "a resource's Condition must be the name of a condition", path + ("Condition",))
            elif condition not in condition_names:
                sink.add("E8002", f"condition {condition!r} is not declared in the Conditions section",
                         path + ("Condition",))
        for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
            value = resource.get(policy)
            if value is None:
                continue
            if isinstance(value, str):
                if value not in POLICIES:
                    sink.add("E3035", f"{policy} must be one of {', '.join(POLICIES)}, not {value!r}",
                             path + (policy,))
            elif not (language_extensions and isinstance(value, Mapping)):
                sink.add("E3035", f"{policy} must be a string (intrinsic functions need "
                         "'Transform: AWS::LanguageExtensions')", path + (policy,))


def _check_depends_on(depends_on: Json, logical_id: str, resources: Mapping[str, Json],
                      path: tuple[Any, ...], sink: DiagnosticSink) -> None:
    if depends_on is None:
        return
    targets = [depends_on] if isinstance(depends_on, str) else depends_on
    if not isinstance(targets, list):
        sink.add("E3005", "DependsOn must be a logical ID or a list of logical IDs", path + ("DependsOn",))
        return
    for index, target in enumerate(targets):
        where = path + ("DependsOn",) + ((index,) if isinstance(depends_on, list) else ())
        if not isinstance(target, str):
            sink.add("E3005", "DependsOn entries must be logical IDs (strings)", where)
        elif target == logical_id:
            sink.add("E3005", f"resource {logical_id!r} depends on itself", where)
        elif target not in resources:
            sink.add("E3005", f"DependsOn names {target!r}, which is not a resource of this template"
                     + _suggest(target, tuple(str(r) for r in resources)), where)


def _check_outputs(outputs: Json, condition_names: set[str], sink: DiagnosticSink) -> None:
    if not isinstance(outputs, Mapping):
        return
    if len(outputs) > MAX_OUTPUTS:
        sink.add("E6010", f"the template declares {len(outputs)} outputs; CloudFormation allows "
                 f"{MAX_OUTPUTS}", ("Outputs",))
    for name, output in outputs.items():
        path = ("Outputs", name)
        _check_logical_id(str(name), path, "output", sink)
        if not isinstance(output, Mapping):
            sink.add("E6001", f"output {name!r} must be a mapping with a Value", path)
            continue
        if "Value" not in output:
            sink.add("E6002", f"output {name!r} has no Value", path)
        for attribute in output:
            if attribute not in OUTPUT_ATTRIBUTES:
                sink.add("E6001", f"{attribute!r} is not an output attribute (known: "
                         f"{', '.join(OUTPUT_ATTRIBUTES)})" + _suggest(str(attribute), OUTPUT_ATTRIBUTES),
                         path + (attribute,))
        export = output.get("Export")
        if export is not None and not (isinstance(export, Mapping) and set(export) == {"Name"}):
            sink.add("E6003", "Export must be a mapping with exactly one key, Name", path + ("Export",))
        condition = output.get("Condition")
        if condition is not None and (not isinstance(condition, str) or condition not in condition_names):
            sink.add("E8002", f"condition {condition!r} is not declared in the Conditions section",
                     path + ("Condition",))


def _check_logical_id(name: str, path: tuple[Any, ...], what: str, sink: DiagnosticSink) -> None:
    if not LOGICAL_ID.match(name):
        sink.add("E3006", f"{what} logical ID {name!r} must contain only letters and digits (A-Z, a-z, 0-9)",
                 path)
    elif len(name) > MAX_LOGICAL_ID:
        sink.add("E3006", f"{what} logical ID is {len(name)} characters; CloudFormation allows "
                 f"{MAX_LOGICAL_ID}", path)
