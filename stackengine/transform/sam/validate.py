"""Structural checks of a SAM template before anything is translated."""

from __future__ import annotations

from stackengine.transform.sam.common import Json, SamError, type_name

RESOURCE_ATTRIBUTES = frozenset({"Type", "Properties", "Condition", "DependsOn", "DeletionPolicy",
                                 "UpdateReplacePolicy", "Metadata", "UpdatePolicy", "CreationPolicy",
                                 "IgnoreDeletion", "Version", "Connectors", "__EMBEDDED_PATH"})


SECTIONS = ("Parameters", "Mappings", "Conditions", "Outputs", "Globals")


def validate_template(template: dict[str, Json]) -> None:
    for section in SECTIONS:
        if section in template and not isinstance(template[section], dict):
            raise SamError(f"Structure of the SAM template is invalid. '{section}' must be a map.",
                           (section,), "E6000")
    for name, spec in (template.get("Parameters") or {}).items():
        if isinstance(spec, dict) and isinstance(spec.get("Default"), (list, dict)):
            raise SamError(f"Structure of the SAM template is invalid. Parameter '{name}': every Default "
                           "member must be a string.", ("Parameters", name, "Default"), "E6000")
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise SamError("Structure of the SAM template is invalid. 'Resources' section is required "
                       "and must be a non-empty map.", ("Resources",), "E6000")
    for logical_id, res in resources.items():
        path = ("Resources", logical_id)
        if not isinstance(logical_id, str) or not logical_id.isalnum():
            raise SamError(f"Resource with id [{logical_id}] is invalid. Logical ids must be alphanumeric.",
                           path, "E6000")
        if not isinstance(res, dict):
            raise SamError(f"Resource with id [{logical_id}] is invalid. Resource is not a map, it is "
                           f"{type_name(res)}.", path, "E6000")
        type_ = res.get("Type")
        if not isinstance(type_, str):
            raise SamError(f"Resource with id [{logical_id}] is invalid. Missing or invalid 'Type'.",
                           path, "E6000")
        if not type_.startswith("AWS::Serverless::"):
            continue
        props = res.get("Properties")
        if props is not None and not isinstance(props, dict):
            raise SamError(f"Resource with id [{logical_id}] is invalid. Properties must be a map.",
                           path + ("Properties",), "E6000")
        if props is None:
            res["Properties"] = {}
        if "Condition" in res and not isinstance(res["Condition"], str):
            raise SamError(f"Resource with id [{logical_id}] is invalid. 'Condition' must be a "
                           "string.", path + ("Condition",), "E6000")
        depends = res.get("DependsOn")
        if depends is not None and not isinstance(depends, (str, list)):
            raise SamError(f"Resource with id [{logical_id}] is invalid. 'DependsOn' must be a "
                           "string or a list of strings.", path + ("DependsOn",), "E6000")
