"""Every rule id `stackengine validate` can report, with its severity and a one-line description.

Ids are stable: scripts, suppressions and SARIF consumers rely on them. Codes that the template
core reports (decode, structure, parameters, intrinsic shapes, transforms) are listed too, so
`--list-rules` is complete and each can be suppressed like any other rule. The checks that only
`validate` runs live in the modules of this package, one per rule family, registered in `CHECKS`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from stackengine.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from stackengine.validate.context import TemplateContext


@dataclass(frozen=True)
class RuleInfo:
    id: str
    severity: Severity
    description: str
    source: str = "validate"
    """"core" for codes the template core reports, else the rule family that reports it."""


def _rules(source: str, rows: Iterable[tuple[str, str]]) -> dict[str, RuleInfo]:
    out: dict[str, RuleInfo] = {}
    for rule_id, description in rows:
        severity = {"E": Severity.ERROR, "W": Severity.WARNING, "I": Severity.INFO}[rule_id[0]]
        out[rule_id] = RuleInfo(rule_id, severity, description, source)
    return out


RULES: dict[str, RuleInfo] = {
    **_rules("core", [
        ("E0000", "The file cannot be read or decoded"),
        ("E0001", "YAML or JSON syntax error"),
        ("E0002", "Duplicate key in a mapping"),
        ("E0003", "Unknown or malformed YAML tag (short-form intrinsic)"),
        ("E0004", "The template nests too deeply"),
        ("E0005", "YAML aliases expand the template beyond the value limit"),
        ("E0006", "The file is not UTF-8 text"),
        ("E0007", "The file is too large to be a template"),
        ("E1000", "The template is not a mapping of sections"),
        ("E1001", "Template structure or intrinsic function shape is wrong"),
        ("E1002", "Condition name not declared, or the Resources section missing, empty or over 500 resources"),
        ("E1005", "Unsupported transform"),
        ("E1010", "Fn::GetAtt malformed or refers to a missing resource"),
        ("E1011", "Fn::FindInMap malformed or its mapping/keys do not exist"),
        ("E1015", "Fn::GetAZs malformed"),
        ("E1016", "Fn::ImportValue / Fn::GetStackOutput malformed"),
        ("E1017", "Fn::Select malformed or index out of range"),
        ("E1018", "Fn::Split malformed"),
        ("E1019", "Fn::Sub malformed or refers to something that does not exist"),
        ("E1020", "Ref malformed or refers to something that does not exist"),
        ("E1022", "Fn::Join malformed"),
        ("E1024", "Fn::Cidr malformed"),
        ("E1028", "Fn::If / condition function used wrongly"),
        ("E1029", "Rule function used outside the Rules section"),
        ("E1030", "Function needs AWS::LanguageExtensions or is malformed"),
        ("E1031", "Fn::ToJsonString malformed"),
        ("E1032", "Fn::Transform was not expanded"),
        ("E1033", "Conditions refer to each other in a cycle"),
        ("E1034", "Condition definition is not a condition function"),
        ("E1035", "Condition cannot be decided before deployment"),
        ("E1040", "Rules section malformed"),
        ("E1042", "A rule's assertion failed for the given parameters"),
        ("I1041", "A rule could not be checked offline"),
        ("E2001", "Unknown parameter type"),
        ("E2002", "Parameter definition malformed"),
        ("E2003", "Parameter has no value"),
        ("E2004", "Parameter value is not valid for its type"),
        ("E2005", "Parameter value breaks its constraints (or its Default does)"),
        ("E2006", "SSM parameter could not be resolved"),
        ("E2007", "Parameter limits (count, name length)"),
        ("W2001", "A value was given for a parameter the template does not declare"),
        ("E3001", "Resource entry malformed (Type missing, unknown attribute)"),
        ("E3002", "Properties must be a mapping"),
        ("E3004", "Resources depend on each other in a cycle"),
        ("E3005", "DependsOn names a missing resource, itself, or one not created"),
        ("E3006", "Logical ID is not alphanumeric or too long"),
        ("E3035", "DeletionPolicy / UpdateReplacePolicy value not allowed"),
        ("E3036", "UpdateReplacePolicy not allowed here"),
        ("E6000", "Transform failed (SAM template structure invalid)"),
        ("E6001", "Output malformed, or a SAM resource invalid"),
        ("E6002", "Output has no value, or the SAM Globals section invalid"),
        ("E6099", "SAM resource property of an unexpected type"),
        ("E6003", "Export name is not a string known before deployment"),
        ("E6010", "Too many outputs"),
        ("E7001", "Mapping malformed"),
        ("E8002", "Condition attribute names an undeclared condition"),
        ("W0001", "Template larger than CloudFormation's limit for a template in S3"),
    ]),
    **_rules("resources", [
        ("E3010", "Resource type does not exist (with did-you-mean)"),
        ("E3011", "Resource type is not available in the chosen region"),
        ("W3010", "Resource type is not public: it must be registered in the account (private type)"),
    ]),
    **_rules("schema", [
        ("E3012", "Property value has the wrong type"),
        ("E3013", "Required property missing"),
        ("E3014", "Property does not exist for this type (with did-you-mean)"),
        ("E3015", "Read-only property set"),
        ("E3016", "Value is not one of the allowed values"),
        ("W3016", "Value differs only in letter case from an allowed value"),
        ("E3017", "String does not match the schema's pattern"),
        ("E3018", "String length, list length or entry count out of bounds"),
        ("E3019", "Number out of range"),
        ("E3020", "Value matches none (or several) of the schema's alternative forms"),
        ("E3021", "Property needs another property that is missing"),
        ("E3042", "Literal resource ID (VPC, subnet, security group, AMI) is malformed"),
        ("I3001", "A condition-dependent check was cut short (too many scenarios)"),
    ]),
    **_rules("references", [
        ("E3022", "Fn::GetAtt attribute does not exist for the target's type"),
        ("W1020", "Ref/GetAtt to a resource that some condition scenarios do not create"),
        ("E6020", "Export name used by more than one output"),
        ("E6021", "Output logical ID or export name too long"),
    ]),
    **_rules("services", [
        ("E1025", "'${Name}' of a parameter or resource written outside Fn::Sub (stays literal)"),
        ("E3007", "A parameter and a resource share a logical ID"),
        ("E3037", "List items must be unique"),
        ("E3039", "DynamoDB AttributeDefinitions do not match the key schemas"),
        ("E3040", "IAM policy document malformed (Version, Effect, statement elements)"),
        ("E3041", "Lambda runtime no longer allowed for new functions"),
        ("E3043", "Nested stack parameters do not match the nested template"),
        ("E5001", "Attribute or property not permitted on a registry module"),
    ]),
    **_rules("unused", [
        ("W2010", "Parameter declared but never used"),
        ("W7010", "Mapping declared but never used"),
        ("W8010", "Condition declared but never used"),
    ]),
    **_rules("practices", [
        ("W3030", "Hard-coded partition in an ARN (use ${AWS::Partition})"),
        ("W3031", "Hard-coded region in an ARN (use ${AWS::Region})"),
        ("W3032", "Hard-coded account ID in an ARN (use ${AWS::AccountId})"),
        ("W3033", "Stateful resource without DeletionPolicy (data is deleted with the stack)"),
    ]),
    **_rules("engine", [
        ("I1050", "Rules section not checked: it needs parameter values (pass --parameter-overrides)"),
        ("I1051", "Macro or registry module: expanded in the AWS account, not checked offline"),
        ("I1052", "Transform needs parameter values to expand (pass --parameter-overrides)"),
    ]),
}

Check = Callable[["TemplateContext"], Iterable[Diagnostic]]

# rule family → "module:function"; each runs over one template, imported when first used.
CHECKS: dict[str, str] = {
    "resources": "stackengine.validate.rules.resources:check",
    "references": "stackengine.validate.rules.references:check",
    "unused": "stackengine.validate.rules.unused:check",
    "practices": "stackengine.validate.rules.practices:check",
    "services": "stackengine.validate.rules.services:check",
}


def load_check(family: str) -> Check:
    module_name, attribute = CHECKS[family].split(":")
    check: Check = getattr(importlib.import_module(module_name), attribute)
    return check


def describe(rule_id: str) -> RuleInfo:
    """The rule's entry; codes not listed (new core codes) get a generic one."""
    info = RULES.get(rule_id)
    if info is not None:
        return info
    severity = {"W": Severity.WARNING, "I": Severity.INFO}.get(rule_id[:1], Severity.ERROR)
    return RuleInfo(rule_id, severity, "Template problem", "core")
