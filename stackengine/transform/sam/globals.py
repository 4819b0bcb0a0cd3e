"""The `Globals` section: properties shared by every resource of a SAM type, with SAM's merge rules.

Merge rules (the documented ones): a map merges key by key, a list is the global items followed by
the resource's, anything else (including an intrinsic function, which stands for a scalar) is taken
from the resource when it sets it. Values of different kinds: the resource's wins.
"""

from __future__ import annotations

import copy
from typing import Any

from stackengine.transform.sam.common import Json, SamError, is_intrinsic

SECTIONS: dict[str, str] = {
    "Function": "AWS::Serverless::Function",
    "Api": "AWS::Serverless::Api",
    "HttpApi": "AWS::Serverless::HttpApi",
    "SimpleTable": "AWS::Serverless::SimpleTable",
    "StateMachine": "AWS::Serverless::StateMachine",
    "LayerVersion": "AWS::Serverless::LayerVersion",
    "CapacityProvider": "AWS::Serverless::CapacityProvider",
    "WebSocketApi": "AWS::Serverless::WebSocketApi",
}

SUPPORTED: dict[str, tuple[str, ...]] = {
    "Function": (
        "Handler", "Runtime", "CodeUri", "DeadLetterQueue", "Description", "MemorySize", "Timeout",
        "VpcConfig", "Environment", "Tags", "PropagateTags", "Tracing", "KmsKeyArn", "Layers",
        "AutoPublishAlias", "DeploymentPreference", "PermissionsBoundary",
        "ReservedConcurrentExecutions", "ProvisionedConcurrencyConfig", "AssumeRolePolicyDocument",
        "EventInvokeConfig", "FileSystemConfigs", "CodeSigningConfigArn", "Architectures",
        "EphemeralStorage", "FunctionUrlConfig", "SnapStart", "RuntimeManagementConfig",
        "LoggingConfig", "RecursiveLoop", "SourceKMSKeyArn", "AutoPublishAliasAllProperties",
        "CapacityProviderConfig", "FunctionScalingConfig", "VersionDeletionPolicy",
        "PublishToLatestPublished", "TenancyConfig", "DurableConfig", "RolePath",
    ),
    "Api": (
        "Auth", "Name", "DefinitionUri", "CacheClusterEnabled", "CacheClusterSize", "MergeDefinitions",
        "Variables", "EndpointConfiguration", "MethodSettings", "BinaryMediaTypes",
        "MinimumCompressionSize", "Cors", "GatewayResponses", "AccessLogSetting", "CanarySetting",
        "TracingEnabled", "OpenApiVersion", "Domain", "AlwaysDeploy", "PropagateTags",
        "SecurityPolicy", "EndpointAccessMode", "Tags",
    ),
    "HttpApi": (
        "Auth", "AccessLogSettings", "StageVariables", "Tags", "RouteSettings",
        "DefaultRouteSettings", "Domain", "CorsConfiguration", "DefinitionUri", "FailOnWarnings",
        "DisableExecuteApiEndpoint", "PropagateTags",
    ),
    "SimpleTable": ("SSESpecification", "PointInTimeRecoverySpecification"),
    "StateMachine": ("PropagateTags",),
    "LayerVersion": ("PropagateTags",),
    "CapacityProvider": ("PropagateTags", "VpcConfig", "InstanceRequirements", "ScalingConfig",
                         "KmsKeyArn", "OperatorRole", "Tags"),
    "WebSocketApi": ("PropagateTags", "Tags", "Domain", "StageName", "AccessLogSettings",
                     "DisableExecuteApiEndpoint", "IpAddressType", "RouteSettings",
                     "DefaultRouteSettings", "StageVariables"),
}


def _invalid(message: str, path: tuple[Any, ...]) -> SamError:
    return SamError(f"'Globals' section is invalid. {message}", path, "E6002")


def parse_globals(globals_: Json) -> dict[str, dict[str, Json]]:
    """Validate the section; return SAM type → global properties."""
    if not isinstance(globals_, dict):
        raise _invalid("It must be a non-empty map.", ("Globals",))
    out: dict[str, dict[str, Json]] = {}
    for section, properties in globals_.items():
        path = ("Globals", section)
        if section not in SECTIONS:
            raise _invalid(f"'{section}' is not supported. Must be one of the following values - "
                           f"{list(SECTIONS)}", path)
        if not isinstance(properties, dict):
            raise _invalid(f"Value of {section} must be a dictionary", path)
        for name in properties:
            if name not in SUPPORTED[section]:
                raise _invalid(f"'{name}' is not a supported property of '{section}'. Must be one "
                               f"of the following values - {list(SUPPORTED[section])}", path + (name,))
        out[SECTIONS[section]] = dict(properties)
    return out


def merge(global_value: Json, local_value: Json) -> Json:
    """Merge one global value under one resource value."""
    kind_g, kind_l = _kind(global_value), _kind(local_value)
    if kind_g != kind_l:
        return local_value
    if kind_g == "map":
        merged = copy.deepcopy(global_value)
        for key, value in local_value.items():
            merged[key] = merge(global_value[key], value) if key in global_value else value
        return merged
    if kind_g == "list":
        return copy.deepcopy(global_value) + list(local_value)
    return local_value


def _kind(value: Json) -> str:
    if isinstance(value, dict):
        return "scalar" if is_intrinsic(value) else "map"
    if isinstance(value, list):
        return "list"
    return "scalar"


def apply_globals(resources: dict[str, Json], globals_: dict[str, dict[str, Json]]) -> None:
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        section = globals_.get(resource.get("Type"))  # type: ignore[arg-type]
        ignore = resource.pop("IgnoreGlobals", None)
        if not section:
            continue
        if ignore == "*":
            continue
        if ignore is not None:
            if not isinstance(ignore, list) or not all(isinstance(i, str) for i in ignore):
                raise SamError(f"Resource with id [{logical_id}] is invalid. IgnoreGlobals must be '*' or a "
                               "list of property names.", ("Resources", logical_id, "IgnoreGlobals"), "E6002")
            known = {name for names in SUPPORTED.values() for name in names}
            for name in ignore:
                if name not in known:
                    raise SamError(f"Resource with id [{logical_id}] is invalid. Property '{name}' in "
                                   "IgnoreGlobals is not a supported global property.",
                                   ("Resources", logical_id, "IgnoreGlobals"), "E6002")
            section = {k: v for k, v in section.items() if k not in ignore}
        properties = resource.get("Properties")
        if properties is None:
            properties = {}
        if not isinstance(properties, dict):
            continue
        merged: dict[str, Json] = {}
        for name, value in section.items():
            merged[name] = merge(value, properties[name]) if name in properties else copy.deepcopy(value)
        for name, value in properties.items():
            if name not in merged:
                merged[name] = value
        resource["Properties"] = merged
