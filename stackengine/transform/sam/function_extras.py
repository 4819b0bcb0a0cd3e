"""Per-function extras: asynchronous invocation config (EventInvokeConfig) and function URLs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stackengine.transform.sam.common import Json, fail, getatt, is_intrinsic, plain, ref, resource
from stackengine.transform.sam.intrinsics import resolve_parameters

if TYPE_CHECKING:
    from stackengine.transform.sam.function import FunctionTarget

# Destination Type → (IAM action, created resource type or None, ARN attribute of the created one)
DESTINATIONS: dict[str, tuple[Json, str | None]] = {
    "SQS": ("sqs:SendMessage", "AWS::SQS::Queue"),
    "SNS": ("sns:publish", "AWS::SNS::Topic"),
    "Lambda": ("lambda:InvokeFunction", None),
    "EventBridge": ("events:PutEvents", None),
    "S3Bucket": (["s3:PutObject", "s3:ListBucket"], None),
}
CREATED_SUFFIX = {"SQS": "Queue", "SNS": "Topic"}


def add_extras(target: FunctionTarget, function_res: dict[str, Json]) -> None:
    props = target.properties
    if props.get("EventInvokeConfig") is not None:
        _event_invoke_config(target, props["EventInvokeConfig"])
    if props.get("FunctionUrlConfig") is not None:
        _function_url(target, props["FunctionUrlConfig"])


def _alias_name(target: FunctionTarget) -> Json:
    if target.alias_id is None:
        return None
    return target.ctx.output[target.alias_id]["Properties"]["Name"]


def _event_invoke_config(target: FunctionTarget, config: Json) -> None:
    path = target.path + ("EventInvokeConfig",)
    owner = target.logical_id
    if not isinstance(config, dict):
        raise fail(f"Resource with id [{owner}] is invalid. 'EventInvokeConfig' must be a map.", path)
    for key in config:
        if key not in ("MaximumEventAgeInSeconds", "MaximumRetryAttempts", "DestinationConfig"):
            raise fail(f"Resource with id [{owner}] is invalid. Invalid property '{key}' in "
                       "'EventInvokeConfig'.", path + (key,))
    config_id = f"{owner}EventInvokeConfig"
    alias = _alias_name(target)
    props: dict[str, Json] = {"FunctionName": ref(owner), "Qualifier": alias if alias else "$LATEST",
                              "MaximumEventAgeInSeconds": plain(config.get("MaximumEventAgeInSeconds")),
                              "MaximumRetryAttempts": plain(config.get("MaximumRetryAttempts"))}
    destinations = config.get("DestinationConfig")
    if destinations is not None:
        if not isinstance(destinations, dict):
            raise fail(f"Resource with id [{owner}] is invalid. 'DestinationConfig' must be a map.",
                       path + ("DestinationConfig",))
        out: dict[str, Json] = {}
        for when in ("OnSuccess", "OnFailure"):
            dest = destinations.get(when)
            if dest is None:
                continue
            out[when] = _destination(target, config_id, when, dest, path + ("DestinationConfig", when))
        props["DestinationConfig"] = out
    res = resource("AWS::Lambda::EventInvokeConfig", props)
    if target.alias_id:
        res["DependsOn"] = [target.alias_id]
    target.add(config_id, res)


def _destination(target: FunctionTarget, config_id: str, when: str, dest: Json,
                 path: tuple[Any, ...]) -> Json:
    owner = target.logical_id
    if not isinstance(dest, dict):
        raise fail(f"Resource with id [{owner}] is invalid. '{when}' must be a map.", path)
    type_ = dest.get("Type")
    destination = resolve_parameters(plain(dest.get("Destination")), target.ctx)
    if type_ is None:
        if destination is None:
            raise fail(f"Resource with id [{owner}] is invalid. Destination is required if Type is not "
                       f"{list(CREATED_SUFFIX)}", path)
        return {"Destination": destination}
    if type_ not in DESTINATIONS:
        raise fail(f"Resource with id [{owner}] is invalid. 'Type: {type_}' must be one of "
                   f"{list(DESTINATIONS)}", path + ("Type",))
    action, created = DESTINATIONS[type_]
    if destination is None:
        if created is None:
            raise fail(f"Resource with id [{owner}] is invalid. Destination is required if Type is not "
                       f"{list(CREATED_SUFFIX)}", path)
        created_id = f"{config_id}{when}{CREATED_SUFFIX[type_]}"
        target.add(created_id, resource(created, {}))
        destination = getatt(created_id, "Arn") if type_ == "SQS" else ref(created_id)
    elif isinstance(destination, dict) and "Fn::If" in destination:
        destination = _conditional_created(target, config_id, when, type_, destination)
    if type_ == "S3Bucket":
        from stackengine.transform.sam.events.pull import s3_destination_statements

        statements = s3_destination_statements(destination)
        type_ = "S3"
    else:
        statements = [{"Action": action, "Effect": "Allow", "Resource": destination}]
    target.add_inline_policy(f"{config_id}{when}{type_}Policy", {"Statement": statements})
    return {"Destination": destination}


def _conditional_created(target: FunctionTarget, config_id: str, when: str, type_: str,
                         destination: dict[str, Json]) -> Json:
    """`Fn::If` with `AWS::NoValue` in one branch: SAM creates the queue/topic under that condition."""
    cond, then, other = destination["Fn::If"]
    suffix = CREATED_SUFFIX.get(type_)
    if suffix is None:
        return destination
    created_id = f"{config_id}{when}{suffix}"
    created_ref = getatt(created_id, "Arn") if type_ == "SQS" else ref(created_id)
    no_value = {"Ref": "AWS::NoValue"}
    if then == no_value:
        neg = f"NOT{cond}{_short_hash(cond)}"
        target.ctx.conditions()[neg] = {"Fn::Not": [{"Condition": cond}]}
        target.add(created_id, {**resource(target_type(type_), {}), "Condition": neg})
        return {"Fn::If": [neg, created_ref, other]}
    if other == no_value:
        target.add(created_id, {**resource(target_type(type_), {}), "Condition": cond})
        return {"Fn::If": [cond, created_ref, then]}
    return destination


def target_type(type_: str) -> str:
    created = DESTINATIONS[type_][1]
    assert created is not None
    return created


def _short_hash(text: str) -> str:
    from stackengine.transform.sam.logical_ids import digest

    return digest(text)[:10]


URL_KEYS = frozenset({"AuthType", "Cors", "InvokeMode"})
CORS_KEYS = {"AllowCredentials": bool, "AllowHeaders": list, "AllowMethods": list,
             "AllowOrigins": list, "ExposeHeaders": list, "MaxAge": int}


def _function_url(target: FunctionTarget, config: Json) -> None:
    owner = target.logical_id
    path = target.path + ("FunctionUrlConfig",)
    if not isinstance(config, dict):
        raise fail(f"Resource with id [{owner}] is invalid. 'FunctionUrlConfig' must be a map.", path)
    for key in config:
        if key not in URL_KEYS:
            raise fail(f"Resource with id [{owner}] is invalid. {key} is not a valid property of "
                       "FunctionUrlConfig.", path + (key,))
    auth = config.get("AuthType")
    if auth is None:
        raise fail(f"Resource with id [{owner}] is invalid. AuthType is required to configure function "
                   "property `FunctionUrlConfig`. Please provide either AWS_IAM or NONE.", path)
    cors = config.get("Cors")
    if cors is not None and not is_intrinsic(cors):
        if not isinstance(cors, dict):
            raise fail(f"Resource with id [{owner}] is invalid. Cors must be a map.", path + ("Cors",))
        for key, value in cors.items():
            if key not in CORS_KEYS:
                raise fail(f"Resource with id [{owner}] is invalid. {key} is not a valid property for "
                           "configuring Cors.", path + ("Cors", key))
            wanted = CORS_KEYS[key]
            if not is_intrinsic(value) and not (isinstance(value, wanted) and
                                                not (wanted is int and isinstance(value, bool))):
                raise fail(f"Resource with id [{owner}] is invalid. {key} must be of type "
                           f"{wanted.__name__}.", path + ("Cors", key))
    function_ref = target.name_or_alias
    url_props: dict[str, Json] = {"AuthType": plain(auth), "TargetFunctionArn": function_ref,
                                  "Cors": plain(cors), "InvokeMode": plain(config.get("InvokeMode"))}
    target.add(f"{owner}Url", resource("AWS::Lambda::Url", url_props))
    if auth == "NONE":
        target.add(f"{owner}UrlPublicPermissions", resource("AWS::Lambda::Permission", {
            "Action": "lambda:InvokeFunctionUrl", "FunctionName": function_ref,
            "FunctionUrlAuthType": "NONE", "Principal": "*"}))
        target.add(f"{owner}URLInvokeAllowPublicAccess", resource("AWS::Lambda::Permission", {
            "Action": "lambda:InvokeFunction", "FunctionName": function_ref,
            "InvokedViaFunctionUrl": True, "Principal": "*"}))
