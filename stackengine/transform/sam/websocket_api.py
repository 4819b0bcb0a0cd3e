"""AWS::Serverless::WebSocketApi → AWS::ApiGatewayV2::Api (WEBSOCKET) with one Lambda proxy
integration, route and permission per route, an optional $connect authorizer, a stage, domains."""

from __future__ import annotations

from typing import Any

from stackengine.transform.sam.common import (
    attributes_of,
    BOOL, DICT, STR, Json, Prop, check_properties, fail, is_intrinsic, plain, ref, resource,
)
from stackengine.transform.sam.context import SamContext
from stackengine.transform.sam.intrinsics import resolve_parameters

WEBSOCKET = "AWS::Serverless::WebSocketApi"
SCHEMA: dict[str, Prop] = {
    "AccessLogSettings": DICT, "ApiKeySelectionExpression": STR, "Auth": DICT, "DefaultRouteSettings": DICT,
    "Description": STR, "DisableExecuteApiEndpoint": BOOL, "DisableSchemaValidation": BOOL, "Domain": DICT,
    "IpAddressType": STR, "Name": STR, "PropagateTags": BOOL, "Routes": Prop((dict,), required=True),
    "RouteSelectionExpression": Prop((str, dict), required=True), "RouteSettings": DICT,
    "StageName": STR, "StageVariables": DICT, "Tags": DICT,
}
ROUTE_KEYS = frozenset({"FunctionArn", "ApiKeyRequired", "IntegrationTimeout", "ModelSelectionExpression",
                        "OperationName", "RequestModels", "RequestParameters",
                        "RouteResponseSelectionExpression"})
ROUTE_PASSTHROUGH = ("ApiKeyRequired", "ModelSelectionExpression", "OperationName", "RequestModels",
                     "RequestParameters", "RouteResponseSelectionExpression")
AUTH_KEYS = frozenset({"AuthType", "AuthArn", "InvokeRole", "IdentitySource", "Name"})
TAG = "websocketapi:createdBy"


def _invalid(owner: str, message: str, path: tuple[Any, ...]) -> Exception:
    return fail(f"Resource with id [{owner}] is invalid. {message}", path)


def route_name(key: str) -> str:
    name = "".join(ch for ch in key if ch.isalnum())
    return name[:1].upper() + name[1:]


def translate_websocket_api(logical_id: str, res: dict[str, Json], ctx: SamContext) -> None:
    path = ("Resources", logical_id, "Properties")
    props: dict[str, Json] = res.get("Properties") or {}
    check_properties(WEBSOCKET, logical_id, props, SCHEMA, path)
    condition = res.get("Condition")
    routes = props["Routes"]
    if not routes:
        raise _invalid(logical_id, "'Routes' must contain at least one route.", path + ("Routes",))
    ip_type = props.get("IpAddressType")
    if isinstance(ip_type, str) and ip_type not in ("ipv4", "dualstack"):
        raise _invalid(logical_id, "IpAddressType must be 'ipv4' or 'dualstack'.", path + ("IpAddressType",))
    stage_name = props.get("StageName", "default")
    if stage_name == "$default":
        raise _invalid(logical_id, "StageName '$default' is not allowed for WebSocket APIs.",
                       path + ("StageName",))
    tags = {k: plain(v) for k, v in (props.get("Tags") or {}).items()}
    tags[TAG] = "SAM"
    api: dict[str, Json] = {"Name": plain(props.get("Name", logical_id)), "ProtocolType": "WEBSOCKET",
                            "RouteSelectionExpression": plain(props["RouteSelectionExpression"]),
                            "Tags": tags}
    for key in ("ApiKeySelectionExpression", "Description", "DisableExecuteApiEndpoint",
                "DisableSchemaValidation", "IpAddressType"):
        if props.get(key) is not None:
            api[key] = plain(props[key])
    attrs = attributes_of(res, "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata")
    ctx.add(logical_id, resource("AWS::ApiGatewayV2::Api", api, condition=condition, **attrs))
    authorizer_id, auth_type = _auth(logical_id, props, routes, ctx, path, condition)
    for key, route in routes.items():
        rpath = path + ("Routes", key)
        if not isinstance(key, str) or (key.startswith("$") and key not in ("$connect", "$disconnect", "$default")):
            raise _invalid(logical_id, f"Route key '{key}' is invalid: only $connect, $disconnect and "
                           "$default may start with '$'.", rpath)
        if not isinstance(route, dict) or route.get("FunctionArn") is None:
            raise _invalid(logical_id, f"Route '{key}' must be a map with a 'FunctionArn'.", rpath)
        for prop in route:
            if prop not in ROUTE_KEYS:
                raise _invalid(logical_id, f"Route '{key}' has an invalid property '{prop}'.", rpath + (prop,))
        name = route_name(key)
        function_arn = plain(route["FunctionArn"])
        integration_id = f"{logical_id}{name}Integration"
        integration: dict[str, Json] = {
            "ApiId": ref(logical_id), "IntegrationType": "AWS_PROXY",
            "IntegrationUri": {"Fn::Sub": ["arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/"
                                           "2015-03-31/functions/${FunctionArn}/invocations",
                                           {"FunctionArn": function_arn}]}}
        if route.get("IntegrationTimeout") is not None:
            integration["TimeoutInMillis"] = plain(route["IntegrationTimeout"])
        ctx.add(integration_id, resource("AWS::ApiGatewayV2::Integration", integration, condition=condition))
        route_props: dict[str, Json] = {"ApiId": ref(logical_id), "RouteKey": key,
                                        "Target": {"Fn::Join": ["/", ["integrations", ref(integration_id)]]}}
        for prop in ROUTE_PASSTHROUGH:
            if route.get(prop) is not None:
                route_props[prop] = plain(route[prop])
        if key == "$connect" and auth_type is not None and auth_type != "NONE":
            route_props["AuthorizationType"] = auth_type
            if authorizer_id is not None:
                route_props["AuthorizerId"] = ref(authorizer_id)
        ctx.add(f"{logical_id}{name}Route", resource("AWS::ApiGatewayV2::Route", route_props, condition=condition))
        ctx.add(f"{logical_id}{name}Permission", resource("AWS::Lambda::Permission", {
            "Action": "lambda:InvokeFunction", "FunctionName": function_arn,
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
                                     f"${{{logical_id}.ApiId}}/{stage_name}/{key}"}}, condition=condition))
    stage_id = _stage(logical_id, props, stage_name, tags, ctx, condition)
    if props.get("RouteSettings") is not None:
        # Route settings name routes, so the stage waits for them.
        ctx.output[stage_id]["DependsOn"] = [f"{logical_id}{route_name(k)}Route" for k in routes]
    ctx.refs[(logical_id, "Stage")] = ref(stage_id)
    if props.get("Domain") is not None:
        from stackengine.transform.sam.http_api_domain import add_http_domain

        add_http_domain(logical_id, resolve_parameters(props["Domain"], ctx, pseudo=True), ctx,
                        path + ("Domain",), condition, stage_id, tag=TAG,
                        tags=tags if props.get("PropagateTags") else None)


def _auth(logical_id: str, props: dict[str, Json], routes: dict[str, Json], ctx: SamContext,
          path: tuple[Any, ...], condition: Json) -> tuple[str | None, str | None]:
    auth = props.get("Auth")
    if auth is None:
        return None, None
    apath = path + ("Auth",)
    for key in auth:
        if key not in AUTH_KEYS:
            raise _invalid(logical_id, f"Invalid Auth property '{key}'.", apath + (key,))
    auth_type = auth.get("AuthType")
    if auth_type is None:
        raise _invalid(logical_id, "Auth requires 'AuthType'.", apath)
    if auth_type not in ("CUSTOM", "AWS_IAM", "NONE"):
        raise _invalid(logical_id, "AuthType must be CUSTOM, AWS_IAM or NONE.", apath + ("AuthType",))
    if "$connect" not in routes:
        raise _invalid(logical_id, "Auth applies to the $connect route, which is not defined.", apath)
    if auth_type != "CUSTOM":
        if auth.get("AuthArn") is not None or auth.get("InvokeRole") is not None:
            raise _invalid(logical_id, f"AuthArn and InvokeRole are only valid with AuthType CUSTOM.", apath)
        return None, auth_type
    if auth.get("AuthArn") is None:
        raise _invalid(logical_id, "AuthType CUSTOM requires 'AuthArn'.", apath)
    authorizer_id = f"{logical_id}ConnectAuthorizer"
    authorizer: dict[str, Json] = {
        "ApiId": ref(logical_id), "AuthorizerType": "REQUEST", "Name": plain(auth.get("Name", authorizer_id)),
        "AuthorizerUri": {"Fn::Sub": ["arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
                                      "functions/${AuthArn}/invocations", {"AuthArn": plain(auth["AuthArn"])}]}}
    if auth.get("InvokeRole") is not None:
        authorizer["AuthorizerCredentialsArn"] = plain(auth["InvokeRole"])
    if auth.get("IdentitySource") is not None:
        authorizer["IdentitySource"] = plain(auth["IdentitySource"])
    ctx.add(authorizer_id, resource("AWS::ApiGatewayV2::Authorizer", authorizer, condition=condition))
    return authorizer_id, "CUSTOM"


def _stage(logical_id: str, props: dict[str, Json], stage_name: Json, tags: dict[str, Json],
           ctx: SamContext, condition: Json) -> str:
    if props.get("StageName") is None:
        stage_id = f"{logical_id}DefaultStage"
    else:
        resolved = resolve_parameters(stage_name, ctx)
        prefix = "".join(ch for ch in resolved if ch.isalnum()) if isinstance(resolved, str) else ""
        stage_id = f"{logical_id}{prefix}Stage"
    stage: dict[str, Json] = {"ApiId": ref(logical_id), "AutoDeploy": True, "StageName": plain(stage_name),
                              "Tags": dict(tags)}
    for key in ("AccessLogSettings", "StageVariables", "RouteSettings", "DefaultRouteSettings"):
        if props.get(key) is not None:
            if not isinstance(props[key], dict) and not is_intrinsic(props[key]):
                raise _invalid(logical_id, f"'{key}' must be a map.", ("Resources", logical_id, "Properties", key))
            stage[key] = plain(props[key])
    ctx.add(stage_id, resource("AWS::ApiGatewayV2::Stage", stage, condition=condition))
    return stage_id


