"""AWS::Serverless::StateMachine → AWS::StepFunctions::StateMachine, its role, version/alias and
event sources (Schedule, ScheduleV2, CloudWatchEvent/EventBridgeRule, Api)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from stackengine.transform.sam import code_uri, policies
from stackengine.transform.sam.common import (
    attributes_of,
    BOOL, DICT, STR, Json, Prop, check_properties, fail, getatt, is_intrinsic, plain, ref, resource,
)
from stackengine.transform.sam.context import SamContext
from stackengine.transform.sam.intrinsics import resolve_parameters

STATE_MACHINE = "AWS::Serverless::StateMachine"
SCHEMA: dict[str, Prop] = {
    "Definition": DICT, "DefinitionUri": Prop((str, dict)), "DefinitionSubstitutions": DICT,
    "Logging": DICT, "Name": STR, "Role": STR, "RolePath": STR, "Policies": Prop((str, dict, list)),
    "PermissionsBoundary": STR, "Tracing": DICT, "Type": STR, "Tags": DICT, "Events": DICT,
    "AutoPublishAlias": STR, "DeploymentPreference": DICT, "UseAliasAsEventTarget": BOOL,
    "PropagateTags": BOOL,
}
SAM_TAG = {"Key": "stateMachine:createdBy", "Value": "SAM"}


@dataclass
class StateMachineTarget:
    logical_id: str
    properties: dict[str, Json]
    ctx: SamContext
    condition: Json = None
    path: tuple[Any, ...] = ()
    alias_id: str | None = None
    invoke_action: str = "states:StartExecution"
    schedule_policy_suffix: str = "StartExecutionPolicy"
    extra: dict[str, Json] = field(default_factory=dict)

    @property
    def arn(self) -> Json:
        if self.alias_id and self.properties.get("UseAliasAsEventTarget"):
            return ref(self.alias_id)
        return ref(self.logical_id)

    def add(self, logical_id: str, res: dict[str, Json]) -> None:
        if self.condition is not None and "Condition" not in res:
            res["Condition"] = self.condition
        self.ctx.add(logical_id, res)


def translate_state_machine(logical_id: str, res: dict[str, Json], ctx: SamContext) -> None:
    path = ("Resources", logical_id, "Properties")
    props: dict[str, Json] = res.get("Properties") or {}
    check_properties(STATE_MACHINE, logical_id, props, SCHEMA, path)
    condition = res.get("Condition")
    out: dict[str, Json] = {}
    definition = props.get("Definition")
    uri = props.get("DefinitionUri")
    if definition is not None and uri is not None:
        raise fail(f"Resource with id [{logical_id}] is invalid. Specify either 'Definition' or "
                   "'DefinitionUri' property and not both.", path)
    substitutions: dict[str, Json] = {}
    if definition is not None:
        replaced = _replace_intrinsics(plain(definition), substitutions)
        lines = json.dumps(replaced, sort_keys=True, indent=4, ensure_ascii=False).split("\n")
        out["DefinitionString"] = {"Fn::Join": ["\n", lines]}
    elif uri is not None:
        out["DefinitionS3Location"] = code_uri.s3_location(resolve_parameters(uri, ctx), logical_id,
                                                           "DefinitionUri", path + ("DefinitionUri",),
                                                           ("Bucket", "Key", "Version"))
    else:
        raise fail(f"Resource with id [{logical_id}] is invalid. Either 'Definition' or 'DefinitionUri' "
                   "property must be specified.", path)
    user_subs = props.get("DefinitionSubstitutions")
    if user_subs:
        substitutions = {**plain(user_subs), **substitutions}
    if substitutions:
        out["DefinitionSubstitutions"] = substitutions
    if props.get("Name") is not None:
        out["StateMachineName"] = plain(props["Name"])
    if props.get("Type") is not None:
        out["StateMachineType"] = plain(props["Type"])
    if props.get("Logging") is not None:
        out["LoggingConfiguration"] = plain(props["Logging"])
    if props.get("Tracing") is not None:
        out["TracingConfiguration"] = plain(props["Tracing"])
    tags = [dict(SAM_TAG)] + [{"Key": k, "Value": plain(v)} for k, v in (props.get("Tags") or {}).items()]
    out["Tags"] = tags
    attrs = attributes_of(res, "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata")
    if props.get("Role") is not None:
        if props.get("Policies") is not None:
            raise fail(f"Resource with id [{logical_id}] is invalid. Specify either 'Role' or 'Policies' "
                       "property and not both.", path)
        out["RoleArn"] = plain(props["Role"])
    else:
        role_id = f"{logical_id}Role"
        managed: list[Json] = []
        inline: list[Json] = []
        tracing = props.get("Tracing")
        if isinstance(tracing, dict) and tracing.get("Enabled") is True:
            managed.append(policies.managed_arn(ctx, "AWSXrayWriteOnlyAccess"))
        policies.apply_policies(role_id, logical_id, props.get("Policies"), ctx, managed, inline,
                                path + ("Policies",))
        role_props: dict[str, Json] = {
            "AssumeRolePolicyDocument": policies.assume_role("states.amazonaws.com"),
            "ManagedPolicyArns": managed, "Policies": inline or None,
            "Tags": [dict(SAM_TAG)] + tags[1:],
            "PermissionsBoundary": plain(props.get("PermissionsBoundary")),
            "Path": plain(props.get("RolePath")),
        }
        extra = {k: attrs[k] for k in ("DeletionPolicy", "UpdateReplacePolicy") if k in attrs}
        ctx.add(role_id, resource("AWS::IAM::Role", role_props, condition=condition, **extra))
        out["RoleArn"] = getatt(role_id, "Arn")
    ctx.add(logical_id, resource("AWS::StepFunctions::StateMachine", out, condition=condition, **attrs))
    ctx.getatt_refs[(logical_id, "Name")] = getatt(logical_id, "Name")
    target = StateMachineTarget(logical_id, props, ctx, condition, path)
    _alias(target, props, res)
    from stackengine.transform.sam import state_machine_events

    state_machine_events.translate_events(target)


def _replace_intrinsics(node: Json, substitutions: dict[str, Json]) -> Json:
    """Intrinsics inside the definition become `${definition_substitution_N}` placeholders,
    numbered in sorted-key depth-first order (intrinsics directly inside a list stay as written)."""
    if isinstance(node, dict):
        out = dict(node)
        for key in sorted(node):
            value = node[key]
            if is_intrinsic(value):
                name = f"definition_substitution_{len(substitutions) + 1}"
                substitutions[name] = value
                out[key] = "${" + name + "}"
            elif isinstance(value, dict):
                out[key] = _replace_intrinsics(value, substitutions)
            elif isinstance(value, list):
                out[key] = [_replace_intrinsics(v, substitutions) if isinstance(v, dict) and not is_intrinsic(v)
                            else v for v in value]
        return out
    return node


def _alias(target: StateMachineTarget, props: dict[str, Json], res: dict[str, Json]) -> None:
    ctx = target.ctx
    logical_id = target.logical_id
    alias = resolve_parameters(props.get("AutoPublishAlias"), ctx)
    preference = props.get("DeploymentPreference")
    if alias is None:
        if preference is not None:
            raise fail(f"Resource with id [{logical_id}] is invalid. 'DeploymentPreference' requires "
                       "'AutoPublishAlias' to be set.", target.path + ("DeploymentPreference",))
        if props.get("UseAliasAsEventTarget"):
            raise fail(f"Resource with id [{logical_id}] is invalid. 'UseAliasAsEventTarget' requires "
                       "'AutoPublishAlias' to be set.", target.path + ("UseAliasAsEventTarget",))
        return
    version_id = f"{logical_id}Version"
    ctx.add(version_id, resource("AWS::StepFunctions::StateMachineVersion", {
        "StateMachineArn": ref(logical_id),
        "StateMachineRevisionId": getatt(logical_id, "StateMachineRevisionId")},
        condition=target.condition, DeletionPolicy=res.get("DeletionPolicy", "Retain"),
        UpdateReplacePolicy=res.get("UpdateReplacePolicy", "Retain")))
    alias_id = f"{logical_id}Alias{alias}"
    if isinstance(preference, dict):
        deployment = {k: plain(v) for k, v in preference.items()}
        deployment["StateMachineVersionArn"] = ref(version_id)
    else:
        deployment = {"StateMachineVersionArn": ref(version_id), "Type": "ALL_AT_ONCE"}
    ctx.add(alias_id, resource("AWS::StepFunctions::StateMachineAlias",
                               {"Name": alias, "DeploymentPreference": deployment},
                               condition=target.condition, DeletionPolicy=res.get("DeletionPolicy"),
                               UpdateReplacePolicy=res.get("UpdateReplacePolicy")))
    target.alias_id = alias_id
    ctx.refs[(logical_id, "Alias")] = ref(alias_id)
    ctx.refs[(logical_id, "Version")] = ref(version_id)


