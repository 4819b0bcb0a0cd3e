"""Lambda: AWS's limits (timeout, memory, runtimes), an existing role, existing functions and
event sources; and the derived values of versions, aliases and layers."""

from __future__ import annotations

import re
from typing import Any

from stackengine.providers.local.rules.base import (RuleContext, derive, on_write, service_error)

# Runtimes Lambda refuses for new functions because they are deprecated. Unknown names are
# refused by the registry schema's enum, which tracks new runtimes better than a list here would.
DEPRECATED_RUNTIMES = frozenset({
    "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x",
    "nodejs14.x", "nodejs16.x", "python2.7", "python3.6", "python3.7", "python3.8", "java8",
    "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet7",
    "ruby2.5", "ruby2.7", "go1.x", "provided",
})
MAX_TIMEOUT = 900
MEMORY_RANGE = (128, 10240)
_ROLE_ARN = re.compile(r"^arn:(aws[a-zA-Z-]*):iam::(\d{12}):role/(?:.*/)?([\w+=,.@-]+)$")
_FUNCTION_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([\w-]+)(?::([\w$-]+))?$")
_PARTIAL_ARN = re.compile(r"^(\d{12}):function:([\w-]+)(?::([\w$-]+))?$")


def _error(message: str, code: str = "InvalidParameterValueException", status: int = 400) -> Exception:
    return service_error(message, "Lambda", status, code,
                         "NotFound" if code == "ResourceNotFoundException" else "InvalidRequest")


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


@on_write("AWS::Lambda::Function")
def limits(ctx: RuleContext) -> None:
    props = ctx.properties
    timeout = _int(props.get("Timeout", 3))
    if timeout is not None and not 1 <= timeout <= MAX_TIMEOUT:
        raise _error(f"1 validation error detected: Value '{timeout}' at 'timeout' failed to satisfy "
                     f"constraint: Member must have value less than or equal to {MAX_TIMEOUT}",
                     "ValidationException")
    memory = _int(props.get("MemorySize", 128))
    if memory is not None and not MEMORY_RANGE[0] <= memory <= MEMORY_RANGE[1]:
        raise _error(f"1 validation error detected: Value '{memory}' at 'memorySize' failed to satisfy "
                     f"constraint: Member must have value between {MEMORY_RANGE[0]} and "
                     f"{MEMORY_RANGE[1]}", "ValidationException")
    runtime = props.get("Runtime")
    package_type = props.get("PackageType", "Zip")
    if runtime is None and package_type != "Image":
        raise _error("Runtime and Handler are mandatory parameters for functions created with "
                     "deployment packages.")
    if isinstance(runtime, str):
        if runtime in DEPRECATED_RUNTIMES:
            raise _error(f"The runtime parameter of {runtime} is no longer supported for creating or "
                         "updating AWS Lambda functions. We recommend you use a supported runtime "
                         "while creating or updating functions.")


@on_write("AWS::Lambda::Function")
def role_exists(ctx: RuleContext) -> None:
    role = ctx.properties.get("Role")
    if not isinstance(role, str):
        return
    match = _ROLE_ARN.match(role)
    if not match or match.group(2) != ctx.account_id or \
            ctx.store.find_attribute(ctx.account_id, None, "AWS::IAM::Role", "Arn", role) is None:
        raise _error("The role defined for the function cannot be assumed by Lambda.")


def function_name_of(value: str, ctx: RuleContext) -> tuple[str, str | None]:
    """(name, qualifier) from a function name, ARN or partial ARN."""
    m = _FUNCTION_ARN.match(value)
    if m:
        return m.group(3), m.group(4)
    m = _PARTIAL_ARN.match(value)
    if m:
        return m.group(2), m.group(3)
    name, _, qualifier = value.partition(":")
    return name, qualifier or None


def function_arn(ctx: RuleContext, value: str) -> str:
    name, _ = function_name_of(value, ctx)
    s = ctx.stack
    return f"arn:{s.partition}:lambda:{s.region}:{s.account_id}:function:{name}"


@on_write("AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::Lambda::Permission",
          "AWS::Lambda::EventSourceMapping", "AWS::Lambda::Url",
          "AWS::Lambda::EventInvokeConfig")
def function_exists(ctx: RuleContext) -> None:
    value = ctx.properties.get("FunctionName") or ctx.properties.get("TargetFunctionArn")
    if not isinstance(value, str):
        return
    name, _ = function_name_of(value, ctx)
    if ctx.find("AWS::Lambda::Function", name) is None:
        raise _error(f"Function not found: {function_arn(ctx, value)}", "ResourceNotFoundException", 404)


# Event sources: the ARN's service tells which type and attribute must match.
_EVENT_SOURCES = {
    "sqs": ("AWS::SQS::Queue", "Arn"),
    "kinesis": ("AWS::Kinesis::Stream", "Arn"),
    "dynamodb": ("AWS::DynamoDB::Table", "StreamArn"),
}


@on_write("AWS::Lambda::EventSourceMapping")
def event_source_exists(ctx: RuleContext) -> None:
    arn = ctx.properties.get("EventSourceArn")
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return
    parts = arn.split(":")
    source = _EVENT_SOURCES.get(parts[2]) if len(parts) > 2 else None
    if source is None or parts[4] != ctx.account_id:
        return
    type_name, attribute = source
    if ctx.store.find_attribute(ctx.account_id, parts[3], type_name, attribute, arn) is None:
        raise _error(f"Invalid request provided: Error occurred while ReceiveMessage. "
                     f"The event source {arn} does not exist.")


def _count(ctx: RuleContext, type_name: str, attribute: str, prefix: str) -> int:
    return sum(1 for r in ctx.store.list_resources(ctx.account_id, ctx.region, type_name)
               if str(r.attributes.get(attribute, "")).startswith(prefix))


@derive("AWS::Lambda::Version")
def version_number(ctx: RuleContext) -> dict[str, Any]:
    arn = function_arn(ctx, str(ctx.properties.get("FunctionName", "")))
    return {"FunctionArn": arn, "Version": str(_count(ctx, "AWS::Lambda::Version", "FunctionArn", arn + ":") + 1)}


@derive("AWS::Lambda::Alias")
def alias_function(ctx: RuleContext) -> dict[str, Any]:
    return {"FunctionArn": function_arn(ctx, str(ctx.properties.get("FunctionName", "")))}


@derive("AWS::Lambda::Url")
def url_function(ctx: RuleContext) -> dict[str, Any]:
    return {"FunctionArn": function_arn(ctx, str(ctx.properties.get("TargetFunctionArn", "")))}


@derive("AWS::Lambda::LayerVersion")
def layer_version(ctx: RuleContext) -> dict[str, Any]:
    name = ctx.properties.get("LayerName") or f"{ctx.stack.stack_name}-{ctx.logical_id}"
    s = ctx.stack
    prefix = f"arn:{s.partition}:lambda:{s.region}:{s.account_id}:layer:{name}:"
    return {"DefaultLayerName": name,
            "Version": str(_count(ctx, "AWS::Lambda::LayerVersion", "LayerVersionArn", prefix) + 1)}
