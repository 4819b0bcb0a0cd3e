"""AWS::Serverless::Function → AWS::Lambda::Function, its role, versions/aliases and event sources."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from stackengine.transform.sam import code_uri, policies
from stackengine.transform.sam.common import (
    attributes_of,
    BOOL, DICT, INT_OR_STR, LIST, STR, STR_OR_DICT, Json, Prop, check_properties, fail, getatt, is_intrinsic, plain, ref, resource, tag_list,
)
from stackengine.transform.sam.context import SamContext

FUNCTION = "AWS::Serverless::Function"

SCHEMA: dict[str, Prop] = {
    "Handler": STR, "Runtime": STR, "CodeUri": STR_OR_DICT, "ImageUri": STR, "PackageType": STR,
    "InlineCode": STR, "FunctionName": STR, "Description": STR, "MemorySize": INT_OR_STR, "Timeout": INT_OR_STR,
    "VpcConfig": DICT, "Role": STR, "AssumeRolePolicyDocument": DICT, "Policies": Prop((str, dict, list)),
    "RolePath": STR, "PermissionsBoundary": STR, "Environment": DICT, "Events": DICT, "Tags": DICT,
    "PropagateTags": BOOL, "Tracing": STR, "KmsKeyArn": STR, "DeadLetterQueue": DICT,
    "DeploymentPreference": DICT, "ReservedConcurrentExecutions": INT_OR_STR, "Layers": LIST,
    "EventInvokeConfig": DICT, "EphemeralStorage": DICT, "AutoPublishAlias": STR,
    "AutoPublishCodeSha256": STR, "AutoPublishAliasAllProperties": Prop((bool,), intrinsic=False), "VersionDescription": STR,
    "ProvisionedConcurrencyConfig": DICT, "FileSystemConfigs": LIST, "ImageConfig": DICT,
    "CodeSigningConfigArn": STR, "Architectures": LIST, "SnapStart": DICT, "FunctionUrlConfig": DICT,
    "RuntimeManagementConfig": DICT, "LoggingConfig": DICT, "RecursiveLoop": STR,
    "SourceKMSKeyArn": STR, "CapacityProviderConfig": DICT, "FunctionScalingConfig": DICT,
    "VersionDeletionPolicy": STR, "PublishToLatestPublished": Prop((bool, str)), "TenancyConfig": DICT,
    "DurableConfig": DICT,
}

# SAM property → Lambda property copied as written.
PASSTHROUGH = ("Handler", "Runtime", "FunctionName", "Description", "MemorySize", "Timeout",
               "VpcConfig", "Environment", "KmsKeyArn", "ReservedConcurrentExecutions", "Layers",
               "EphemeralStorage", "ImageConfig", "FileSystemConfigs", "CodeSigningConfigArn",
               "Architectures", "SnapStart", "RuntimeManagementConfig", "LoggingConfig",
               "RecursiveLoop", "PackageType", "CapacityProviderConfig",
               "FunctionScalingConfig", "TenancyConfig", "DurableConfig", "PublishToLatestPublished")


@dataclass
class FunctionTarget:
    """What an event source needs to know about the function it triggers."""

    logical_id: str
    properties: dict[str, Json]
    ctx: SamContext
    condition: Json = None
    role: dict[str, Json] | None = None
    role_id: str | None = None
    alias_id: str | None = None
    path: tuple[Any, ...] = ()
    attributes: dict[str, Json] = field(default_factory=dict)
    invoke_action: str = "lambda:InvokeFunction"
    schedule_policy_suffix: str = "LambdaPolicy"

    @property
    def arn(self) -> Json:
        """The ARN events invoke: the alias when one is published, else the function."""
        return ref(self.alias_id) if self.alias_id else getatt(self.logical_id, "Arn")

    @property
    def name_or_alias(self) -> Json:
        return ref(self.alias_id) if self.alias_id else ref(self.logical_id)

    def add(self, logical_id: str, res: dict[str, Json]) -> None:
        if self.condition is not None and "Condition" not in res:
            res["Condition"] = self.condition
        # The function's deletion/replace policies apply to everything generated for it.
        for key in ("DeletionPolicy", "UpdateReplacePolicy"):
            if key in self.attributes and key not in res:
                res[key] = self.attributes[key]
        self.ctx.add(logical_id, res)

    def permission(self, event_id: str, principal: str, source_arn: Json = None,
                   source_account: Json = None, suffix: str = "", **extra: Json) -> str:
        logical_id = f"{self.logical_id}{event_id}Permission{suffix}"
        props = {"Action": "lambda:InvokeFunction", "FunctionName": self.name_or_alias,
                 "Principal": principal, "SourceArn": source_arn, "SourceAccount": source_account}
        props.update(extra)
        self.add(logical_id, resource("AWS::Lambda::Permission", props))
        return logical_id

    def add_managed_policy(self, arn: Json) -> None:
        if self.role is not None:
            arns = self.role["Properties"].setdefault("ManagedPolicyArns", [])
            if arn not in arns:
                arns.append(arn)

    def add_inline_policy(self, name: str, document: Json) -> None:
        """Add a named inline policy; several events needing the same policy share one."""
        if self.role is None:
            return
        policies = self.role["Properties"].setdefault("Policies", [])
        for existing in policies:
            if isinstance(existing, dict) and existing.get("PolicyName") == name:
                statements = existing["PolicyDocument"].setdefault("Statement", [])
                for statement in document.get("Statement", []):
                    if statement not in statements:
                        statements.append(statement)
                return
        policies.append({"PolicyName": name, "PolicyDocument": document})


def translate_function(logical_id: str, res: dict[str, Json], ctx: SamContext) -> None:
    from stackengine.transform.sam import events, function_extras, versions

    path = ("Resources", logical_id, "Properties")
    props: dict[str, Json] = res.get("Properties") or {}
    check_properties(FUNCTION, logical_id, props, SCHEMA, path)
    condition = res.get("Condition")
    lambda_props: dict[str, Json] = {}
    for name in PASSTHROUGH:
        if props.get(name) is not None:
            lambda_props[name] = plain(props[name])
    if "CapacityProviderConfig" in lambda_props:
        from stackengine.transform.sam.capacity_provider import function_capacity_config

        lambda_props["CapacityProviderConfig"] = function_capacity_config(props["CapacityProviderConfig"])
    lambda_props["Code"] = _code(logical_id, props, ctx, path)
    if props.get("SourceKMSKeyArn") is not None and isinstance(lambda_props["Code"], dict):
        lambda_props["Code"]["SourceKMSKeyArn"] = plain(props["SourceKMSKeyArn"])
    if props.get("PackageType", "Zip") == "Zip" and (props.get("Handler") is None or props.get("Runtime") is None) \
            and "ImageUri" not in props:
        raise fail(f"Resource with id [{logical_id}] is invalid. Runtime and Handler needs to be present when "
                   "PackageType is of type `Zip`", path)
    role = props.get("Role")
    if isinstance(role, dict) and "Fn::If" in role and (not isinstance(role["Fn::If"], list) or len(role["Fn::If"]) != 3):
        raise fail(f"Resource with id [{logical_id}] is invalid. Fn::If requires 3 arguments.", path + ("Role",))
    if props.get("TenancyConfig") is not None:
        for event_name, event in (props.get("Events") or {}).items():
            if isinstance(event, dict) and event.get("Type") in PULL_EVENTS:
                raise fail(f"Resource with id [{logical_id}] is invalid. Event with id [{event_name}] is "
                           f"invalid. {event['Type']} events are not supported on functions with "
                           "TenancyConfig.", path + ("Events", event_name))
    if props.get("PackageType") == "Image":
        for bad in ("Handler", "Runtime", "Layers"):
            if bad in props:
                raise fail(f"Resource with id [{logical_id}] is invalid. '{bad}' must not be set when "
                           "'PackageType' is 'Image'.", path + (bad,))
    if tracing_enabled(props.get("Tracing"), ctx):
        lambda_props["TracingConfig"] = {"Mode": plain(props["Tracing"])}
    dlq = props.get("DeadLetterQueue")
    if dlq is not None:
        lambda_props["DeadLetterConfig"] = {"TargetArn": _dlq_target(logical_id, dlq, path)}
    # With PropagateTags the user's tags replace SAM's own marker tag everywhere.
    lambda_props["Tags"] = tag_list(props.get("Tags"), sam_tag=not props.get("PropagateTags"),
                                    path=path + ("Tags",))
    attributes = attributes_of(res, "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata")
    target = FunctionTarget(logical_id, props, ctx, condition, path=path,
                            attributes=attributes_of(res, "DeletionPolicy", "UpdateReplacePolicy"))
    role_arn = props.get("Role")
    no_value = {"Ref": "AWS::NoValue"}
    if isinstance(role_arn, dict) and isinstance(role_arn.get("Fn::If"), list) and len(role_arn["Fn::If"]) == 3 \
            and role_arn["Fn::If"][1] == no_value:
        # `Role: !If [Cond, !Ref AWS::NoValue, arn]`: SAM's role exists exactly when Cond holds.
        cond, _, other = role_arn["Fn::If"]
        role_id = f"{logical_id}Role"
        target.role = policies.function_role(logical_id, role_id, props, ctx, path, cond, attributes)
        target.role_id = role_id
        ctx.add(role_id, target.role)
        lambda_props["Role"] = {"Fn::If": [cond, getatt(role_id, "Arn"), plain(other)]}
    elif role_arn is None:
        role_id = f"{logical_id}Role"
        target.role = policies.function_role(logical_id, role_id, props, ctx, path, condition,
                                             attributes)
        target.role_id = role_id
        ctx.add(role_id, target.role)
        lambda_props["Role"] = getatt(role_id, "Arn")
    else:
        lambda_props["Role"] = plain(role_arn)
    function_res = resource("AWS::Lambda::Function", lambda_props, condition=condition, **attributes)
    ctx.add(logical_id, function_res)
    versions.add_version_and_alias(target, function_res, res)
    function_extras.add_extras(target, function_res)
    events.translate_events(target)
    if target.role is not None:
        policies.finish_role(target.role)
    if props.get("PropagateTags") and props.get("Tags"):
        _propagate_tags(target, props["Tags"])


def tracing_enabled(tracing: Json, ctx: SamContext) -> bool:
    """Any tracing mode except Disabled (also through a parameter) turns tracing on."""
    if tracing is None or tracing == "":
        return False
    from stackengine.transform.sam.intrinsics import resolve_parameters

    return resolve_parameters(tracing, ctx) != "Disabled"


def _propagate_tags(target: FunctionTarget, tags: dict[str, Json]) -> None:
    for logical_id, res in target.ctx.output.items():
        shared = logical_id == "ServerlessDeploymentApplication"
        if (not logical_id.startswith(target.logical_id) and not shared) or \
                res.get("Type") == "AWS::Lambda::Function":
            continue
        if res.get("Type") in TAGGABLE:
            existing = res["Properties"].setdefault("Tags", [])
            keys = {t.get("Key") for t in existing if isinstance(t, dict)}
            for key, value in tags.items():
                if key not in keys:
                    existing.append({"Key": key, "Value": value})


TAGGABLE = frozenset({"AWS::IAM::Role", "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::CodeDeploy::Application",
                      "AWS::CodeDeploy::DeploymentGroup", "AWS::IoT::TopicRule"})


def _code(logical_id: str, props: dict[str, Json], ctx: SamContext, path: tuple[Any, ...]) -> Json:
    package_type = props.get("PackageType", "Zip")
    sources = [k for k in ("CodeUri", "InlineCode", "ImageUri") if props.get(k) is not None]
    if package_type not in ("Zip", "Image") and not is_intrinsic(package_type):
        raise fail(f"Resource with id [{logical_id}] is invalid. PackageType needs to be `Zip` or "
                   "`Image`", path + ("PackageType",))
    if package_type == "Image":
        if props.get("ImageUri") is None:
            raise fail(f"Resource with id [{logical_id}] is invalid. 'ImageUri' must be set.", path)
        if props.get("InlineCode") is not None:
            raise fail(f"Resource with id [{logical_id}] is invalid. 'InlineCode' cannot be used "
                       "with PackageType Image.", path)
        return {"ImageUri": plain(props["ImageUri"])}
    if not sources:
        raise fail(f"Resource with id [{logical_id}] is invalid. Only one of 'CodeUri' or "
                   "'InlineCode' must be set. Neither was specified.", path)
    if "ImageUri" in sources:
        if len(sources) > 1:
            raise fail(f"Resource with id [{logical_id}] is invalid. 'ImageUri' cannot be combined "
                       "with 'CodeUri' or 'InlineCode'.", path)
        return {"ImageUri": plain(props["ImageUri"])}
    if "InlineCode" in sources:
        return {"ZipFile": plain(props["InlineCode"])}
    uri = props["CodeUri"]
    if isinstance(uri, str) and "{{resolve:" in uri:
        raise fail(f"Resource with id [{logical_id}] is invalid. Dynamic references are not supported in "
                   "'CodeUri'.", path + ("CodeUri",))
    return code_uri.s3_location(uri, logical_id, "CodeUri", path + ("CodeUri",),
                                ("S3Bucket", "S3Key", "S3ObjectVersion"))


def _dlq_target(logical_id: str, dlq: Json, path: tuple[Any, ...]) -> Json:
    if not isinstance(dlq, dict) or "Type" not in dlq or "TargetArn" not in dlq:
        raise fail(f"Resource with id [{logical_id}] is invalid. 'DeadLetterQueue' requires Type and "
                   "TargetArn properties to be specified.", path + ("DeadLetterQueue",))
    if not isinstance(dlq["Type"], str) or dlq["Type"] not in DLQ_ACTIONS:
        raise fail(f"Resource with id [{logical_id}] is invalid. 'DeadLetterQueue' requires Type of "
                   "SNS or SQS", path + ("DeadLetterQueue", "Type"))
    for key in dlq:
        if key not in ("Type", "TargetArn"):
            raise fail(f"Resource with id [{logical_id}] is invalid. 'DeadLetterQueue' property "
                       f"{key} is not supported.", path + ("DeadLetterQueue", key))
    return plain(dlq["TargetArn"])


DLQ_ACTIONS = {"SNS": "sns:Publish", "SQS": "sqs:SendMessage"}
PULL_EVENTS = frozenset({"SQS", "Kinesis", "DynamoDB", "MSK", "MQ", "SelfManagedKafka", "DocumentDB"})

ALIAS_NAME = re.compile(r"^[a-zA-Z0-9_\-]+$")
