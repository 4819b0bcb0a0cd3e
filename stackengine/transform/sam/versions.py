"""AutoPublishAlias: a Lambda Version whose logical ID hashes the code, an Alias pointing at it,
and the CodeDeploy gradual deployment (`DeploymentPreference`) that shifts the alias."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stackengine.transform.sam.common import Json, fail, getatt, is_intrinsic, plain, ref, resource
from stackengine.transform.sam.intrinsics import resolve_parameters
from stackengine.transform.sam.logical_ids import hashed_id
from stackengine.transform.sam.policies import assume_role, managed_arn

if TYPE_CHECKING:
    from stackengine.transform.sam.context import SamContext
    from stackengine.transform.sam.function import FunctionTarget

APPLICATION_ID = "ServerlessDeploymentApplication"
CODEDEPLOY_ROLE_ID = "CodeDeployServiceRole"

KNOWN_DEPLOYMENT_TYPES = frozenset({
    "Canary10Percent30Minutes", "Canary10Percent5Minutes", "Canary10Percent10Minutes",
    "Canary10Percent15Minutes", "AllAtOnce", "Linear10PercentEvery10Minutes",
    "Linear10PercentEvery1Minute", "Linear10PercentEvery2Minutes", "Linear10PercentEvery3Minutes",
})

# Properties of the function that change the code a Version captures (the hash input).
VERSION_HASH_PROPERTIES = ("Environment", "MemorySize", "SnapStart")


def add_version_and_alias(target: FunctionTarget, function_res: dict[str, Json],
                          sam_res: dict[str, Json]) -> None:
    props = target.properties
    ctx = target.ctx
    logical_id = target.logical_id
    path = target.path
    alias = resolve_parameters(props.get("AutoPublishAlias"), ctx)
    preference = props.get("DeploymentPreference")
    if alias is None:
        if props.get("ProvisionedConcurrencyConfig") is not None:
            raise fail(f"Resource with id [{logical_id}] is invalid. To set ProvisionedConcurrencyConfig "
                       "AutoPublishALias must be defined on the function", path)
        if props.get("VersionDeletionPolicy") is not None:
            raise fail(f"Resource with id [{logical_id}] is invalid. 'VersionDeletionPolicy' requires "
                       "'AutoPublishAlias' to be set.", path + ("VersionDeletionPolicy",))
        if isinstance(preference, dict) and _enabled(preference, ctx) is not False:
            raise fail(f"Resource with id [{logical_id}] is invalid. 'DeploymentPreference' requires "
                       "AutoPublishAlias property to be specified.", path)
        return
    if not isinstance(alias, str) or not alias:
        raise fail(f"Resource with id [{logical_id}] is invalid. 'AutoPublishAlias' must be a string "
                   "or a Ref to a template parameter", path + ("AutoPublishAlias",))
    if not alias.replace("_", "").replace("-", "").isalnum():
        raise fail(f"Resource with id [{logical_id}] is invalid. AutoPublishAlias must contain only "
                   "alphanumeric characters, hyphens or underscores.", path + ("AutoPublishAlias",))
    deletion = props.get("VersionDeletionPolicy")
    if deletion is not None and deletion not in ("Delete", "Retain"):
        raise fail(f"Resource with id [{logical_id}] is invalid. 'VersionDeletionPolicy' must be "
                   "Delete or Retain.", path + ("VersionDeletionPolicy",))
    code = function_res["Properties"].get("Code")
    sha = props.get("AutoPublishCodeSha256")
    hash_input: Json
    if props.get("AutoPublishAliasAllProperties"):
        hash_input = function_res["Properties"]
    else:
        hash_input = {"Code": code, **{k: function_res["Properties"].get(k)
                                       for k in VERSION_HASH_PROPERTIES}}
    if sha is not None:
        hash_input = [hash_input, sha]
    version_id = hashed_id(f"{logical_id}Version", hash_input)
    if props.get("AutoPublishAliasAllProperties") and sha is not None and \
            function_res["Properties"].get("Description") is None:
        # The reference records the code hash in the function's description so that a change
        # of hash alone still publishes a new version.
        function_res["Properties"]["Description"] = sha
    version_props = {"FunctionName": ref(logical_id), "Description": plain(props.get("VersionDescription"))}
    version = resource("AWS::Lambda::Version", version_props, condition=target.condition,
                       DeletionPolicy=deletion or sam_res.get("DeletionPolicy") or "Retain",
                       UpdateReplacePolicy=sam_res.get("UpdateReplacePolicy"))
    ctx.add(version_id, version)
    alias_id = f"{logical_id}Alias{''.join(ch for ch in alias if ch.isalnum())}"
    alias_props = {"Name": alias, "FunctionName": ref(logical_id),
                   "FunctionVersion": getatt(version_id, "Version"),
                   "ProvisionedConcurrencyConfig": plain(props.get("ProvisionedConcurrencyConfig"))}
    alias_res = resource("AWS::Lambda::Alias", alias_props, condition=target.condition,
                         DeletionPolicy=sam_res.get("DeletionPolicy"),
                         UpdateReplacePolicy=sam_res.get("UpdateReplacePolicy"))
    ctx.add(alias_id, alias_res)
    target.alias_id = alias_id
    ctx.refs[(logical_id, "Alias")] = ref(alias_id)
    ctx.refs[(logical_id, "Version")] = ref(version_id)
    if isinstance(preference, dict):
        _deployment_preference(target, preference, alias_res)
    elif preference is not None:
        raise fail(f"Resource with id [{logical_id}] is invalid. 'DeploymentPreference' must be a map",
                   path + ("DeploymentPreference",))


def _enabled(preference: dict[str, Json], ctx: SamContext) -> Json:
    enabled = resolve_parameters(preference.get("Enabled", True), ctx)
    if isinstance(enabled, str) and enabled.lower() in ("true", "false"):
        return enabled.lower() == "true"
    return enabled


PREFERENCE_KEYS = frozenset({"Type", "Alarms", "Hooks", "Enabled", "Role", "TriggerConfigurations",
                             "PassthroughCondition"})


def _deployment_preference(target: FunctionTarget, preference: dict[str, Json],
                           alias_res: dict[str, Json]) -> None:
    ctx = target.ctx
    logical_id = target.logical_id
    path = target.path + ("DeploymentPreference",)
    for key in preference:
        if key not in PREFERENCE_KEYS:
            raise fail(f"Resource with id [{logical_id}] is invalid. Invalid 'DeploymentPreference' "
                       f"property '{key}'.", path + (key,))
    enabled = _enabled(preference, ctx)
    if enabled is False:
        return
    if is_intrinsic(enabled) or not isinstance(enabled, bool):
        raise fail(f"Resource with id [{logical_id}] is invalid. 'Enabled' must be a boolean or a Ref "
                   "to a parameter.", path + ("Enabled",))
    type_ = preference.get("Type")
    if type_ is None:
        raise fail(f"Resource with id [{logical_id}] is invalid. 'DeploymentPreference' is missing "
                   "required Property 'Type'", path)
    hooks = preference.get("Hooks") or {}
    if not isinstance(hooks, dict):
        raise fail(f"Resource with id [{logical_id}] is invalid. 'Hooks' must be a map.", path + ("Hooks",))
    passthrough = resolve_parameters(preference.get("PassthroughCondition", False), ctx)
    if isinstance(passthrough, str) and passthrough.lower() in ("true", "false"):
        passthrough = passthrough.lower() == "true"
    if not isinstance(passthrough, bool):
        raise fail(f"Resource with id [{logical_id}] is invalid. 'PassthroughCondition' must be a "
                   "boolean or a Ref to a parameter.", path + ("PassthroughCondition",))
    condition = target.condition if passthrough else None
    if APPLICATION_ID not in ctx.output:
        ctx.add(APPLICATION_ID, resource("AWS::CodeDeploy::Application", {"ComputePlatform": "Lambda"}))
    role = preference.get("Role")
    if role is None:
        if CODEDEPLOY_ROLE_ID not in ctx.output:
            ctx.add(CODEDEPLOY_ROLE_ID, resource("AWS::IAM::Role", {
                "AssumeRolePolicyDocument": assume_role("codedeploy.amazonaws.com"),
                "ManagedPolicyArns": [managed_arn(ctx, "service-role/AWSCodeDeployRoleForLambda")],
            }))
        role = getatt(CODEDEPLOY_ROLE_ID, "Arn")
    config_name: Json
    resolved_type = resolve_parameters(type_, ctx)
    config_name = _config_name(resolved_type)
    group_props: dict[str, Json] = {
        "ApplicationName": ref(APPLICATION_ID),
        "AutoRollbackConfiguration": {"Enabled": True, "Events": [
            "DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"]},
        "DeploymentConfigName": config_name,
        "DeploymentStyle": {"DeploymentOption": "WITH_TRAFFIC_CONTROL", "DeploymentType": "BLUE_GREEN"},
        "ServiceRoleArn": plain(role),
    }
    alarms = preference.get("Alarms")
    if alarms:
        group_props["AlarmConfiguration"] = _alarms(alarms)
    if preference.get("TriggerConfigurations") is not None:
        group_props["TriggerConfigurations"] = plain(preference["TriggerConfigurations"])
    group_id = f"{logical_id}DeploymentGroup"
    ctx.add(group_id, resource("AWS::CodeDeploy::DeploymentGroup", group_props, condition=condition))
    update: dict[str, Json] = {"ApplicationName": ref(APPLICATION_ID), "DeploymentGroupName": ref(group_id)}
    if hooks.get("PreTraffic") is not None:
        update["BeforeAllowTrafficHook"] = plain(hooks["PreTraffic"])
    if hooks.get("PostTraffic") is not None:
        update["AfterAllowTrafficHook"] = plain(hooks["PostTraffic"])
    alias_res["UpdatePolicy"] = {"CodeDeployLambdaAliasUpdate": update}


def _config_name(type_: Json) -> Json:
    if isinstance(type_, dict) and "Fn::If" in type_ and len(type_) == 1:
        cond, then, other = type_["Fn::If"]
        return {"Fn::If": [cond, _config_name(then), _config_name(other)]}
    if isinstance(type_, dict) and list(type_) == ["Fn::Sub"] and type_["Fn::Sub"] in KNOWN_DEPLOYMENT_TYPES:
        type_ = type_["Fn::Sub"]
    if isinstance(type_, str) and type_ in KNOWN_DEPLOYMENT_TYPES:
        return {"Fn::Sub": ["CodeDeployDefault.Lambda${ConfigName}", {"ConfigName": type_}]}
    return plain(type_)


def _alarms(alarms: Json) -> Json:
    if isinstance(alarms, dict) and "Fn::If" in alarms:
        cond, then, other = alarms["Fn::If"]
        return {"Fn::If": [cond, _alarms(then), _alarms(other)]}
    if alarms == {"Ref": "AWS::NoValue"}:
        return alarms
    if isinstance(alarms, list):
        return {"Alarms": [{"Name": plain(a)} for a in alarms], "Enabled": True}
    return {"Alarms": [{"Name": plain(alarms)}], "Enabled": True}


__all__ = ["add_version_and_alias"]
