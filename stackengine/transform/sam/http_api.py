"""AWS::Serverless::HttpApi → AWS::ApiGatewayV2::Api (OpenAPI body), its Stage, authorizers,
CORS and custom domains."""

from __future__ import annotations

import copy
from typing import Any

from stackengine.transform.sam.code_uri import parse_s3_uri
from stackengine.transform.sam.common import (
    attributes_of,
    ANY, BOOL, DICT, STR, Json, Prop, check_properties, fail, is_intrinsic, plain, ref, resource,
)
from stackengine.transform.sam.context import SamContext
from stackengine.transform.sam.intrinsics import resolve_parameters
from stackengine.transform.sam.swagger import SwaggerEditor

HTTP_API = "AWS::Serverless::HttpApi"
SCHEMA: dict[str, Prop] = {
    "Auth": DICT, "AccessLogSettings": DICT, "CorsConfiguration": Prop((bool, dict)),
    "DefaultRouteSettings": DICT, "DefinitionBody": DICT, "DefinitionUri": Prop((str, dict)),
    "Description": STR, "DisableExecuteApiEndpoint": BOOL, "Domain": DICT, "FailOnWarnings": BOOL,
    "Name": STR, "RouteSettings": DICT, "StageName": STR, "StageVariables": DICT, "Tags": DICT,
    "PropagateTags": BOOL, "__MANAGE_SWAGGER": ANY, "__IMPLICIT": ANY, "__ROUTE_SETTINGS": ANY,
}
AUTHORIZER_KEYS = frozenset({"AuthorizationScopes", "JwtConfiguration", "IdentitySource", "FunctionArn",
                             "FunctionInvokeRole", "Identity", "AuthorizerPayloadFormatVersion",
                             "EnableSimpleResponses", "EnableFunctionDefaultPermissions"})
IAM_SCHEME = {"type": "apiKey", "name": "Authorization", "in": "header",
              "x-amazon-apigateway-authtype": "awsSigv4"}
CORS_KEYS = {"AllowOrigins": "allowOrigins", "AllowHeaders": "allowHeaders",
             "AllowMethods": "allowMethods", "ExposeHeaders": "exposeHeaders", "MaxAge": "maxAge",
             "AllowCredentials": "allowCredentials"}


def translate_http_api(logical_id: str, res: dict[str, Json], ctx: SamContext) -> None:
    path = ("Resources", logical_id, "Properties")
    props: dict[str, Json] = res.get("Properties") or {}
    check_properties(HTTP_API, logical_id, props, SCHEMA, path)
    condition = res.get("Condition")
    attrs = attributes_of(res, "DeletionPolicy", "UpdateReplacePolicy", "DependsOn", "Metadata")
    managed = bool(props.get("__MANAGE_SWAGGER"))
    body = copy.deepcopy(props.get("DefinitionBody"))
    uri = props.get("DefinitionUri")
    if body is not None and uri is not None and not managed:
        raise fail(f"Resource with id [{logical_id}] is invalid. Specify either 'DefinitionUri' or "
                   "'DefinitionBody' property and not both.", path)
    api_props: dict[str, Json] = {}
    tags = props.get("Tags") or {}
    if isinstance(body, dict) and props.get("__MANAGE_SWAGGER"):
        from stackengine.transform.sam.conditions import make_paths_conditional

        make_paths_conditional(ctx, logical_id, body)
    if isinstance(body, dict):
        if not managed and (not isinstance(body.get("paths"), dict) or "openapi" not in body):
            raise fail(f"Resource with id [{logical_id}] is invalid. Structure of the SAM template is "
                       "invalid. 'DefinitionBody' does not contain 'openapi' and 'paths'.", path + ("DefinitionBody",))
        for name, item in (body.get("paths") or {}).items():
            if isinstance(item, dict) and not any(k.startswith("Fn::") for k in item):
                for method, op in item.items():
                    if op is None:
                        raise fail(f"Resource with id [{logical_id}] is invalid. Value of '{method}' in "
                                   f"path '{name}' must be a map.", path + ("DefinitionBody", "paths", name, method))
        editor = SwaggerEditor(body)
        _add_auth(logical_id, props, editor, ctx, path, condition)
        _add_cors(logical_id, props, body, ctx, path)
        if props.get("Name") is not None:
            body.setdefault("info", {})["title"] = plain(props["Name"])
        if props.get("Description") is not None:
            body.setdefault("info", {})["description"] = plain(props["Description"])
        body_tags = [{"name": k, "x-amazon-apigateway-tag-value": plain(v)} for k, v in tags.items()]
        body_tags.append({"name": "httpapi:createdBy", "x-amazon-apigateway-tag-value": "SAM"})
        existing_tags: list[Json] = body["tags"] if isinstance(body.get("tags"), list) else []
        for tag in body_tags:
            # A tag the definition already declares gets the value; others are appended.
            same = next((t for t in existing_tags if isinstance(t, dict) and t.get("name") == tag["name"]), None)
            if same is not None:
                same["x-amazon-apigateway-tag-value"] = tag["x-amazon-apigateway-tag-value"]
            else:
                existing_tags.append(tag)
        body["tags"] = existing_tags
        for _p, _m, op in editor.operations():
            for key in [k for k in op if k.startswith("__SAM_")]:
                del op[key]
        if props.get("DisableExecuteApiEndpoint") is not None:
            from stackengine.transform.sam.api import add_disable_execute_endpoint

            add_disable_execute_endpoint(body, props["DisableExecuteApiEndpoint"])
        api_props["Body"] = body
    elif uri is not None:
        if props.get("Tags"):
            raise fail(f"Resource with id [{logical_id}] is invalid. Tags works only with inline OpenApi "
                       "specified in the 'DefinitionBody' property.", path + ("Tags",))
        if props.get("CorsConfiguration") is not None:
            raise fail(f"Resource with id [{logical_id}] is invalid. CORS works only with inline OpenApi "
                       "specified in the 'DefinitionBody' property.", path + ("CorsConfiguration",))
        if props.get("Auth") is not None:
            raise fail(f"Resource with id [{logical_id}] is invalid. Auth works only with inline OpenApi "
                       "specified in the 'DefinitionBody' property.", path + ("Auth",))
        if isinstance(uri, str):
            parsed = parse_s3_uri(uri)
            if parsed is None:
                raise fail(f"Resource with id [{logical_id}] is invalid. 'DefinitionUri' is not a valid "
                           "S3 Uri.", path + ("DefinitionUri",))
            api_props["BodyS3Location"] = parsed
        else:
            api_props["BodyS3Location"] = {k: plain(v) for k, v in uri.items()}
    for key in ("FailOnWarnings",) + (("Name", "DisableExecuteApiEndpoint") if "Body" not in api_props else ()):
        if props.get(key) is not None:
            api_props[key] = plain(props[key])
    ctx.add(logical_id, resource("AWS::ApiGatewayV2::Api", api_props, condition=condition, **attrs))
    stage_id = _stage(logical_id, props, ctx, condition, tags if "Body" in api_props else None, attrs)
    ctx.refs[(logical_id, "Stage")] = ref(stage_id)
    _domain(logical_id, props, ctx, path, condition, stage_id)


def _stage(logical_id: str, props: dict[str, Json], ctx: SamContext, condition: Json,
           tags: dict[str, Json] | None, attrs: dict[str, Json]) -> str:
    stage_name = props.get("StageName")
    if stage_name is None:
        stage_id = f"{logical_id}ApiGatewayDefaultStage"
        stage_name = "$default"
    else:
        resolved = resolve_parameters(stage_name, ctx)
        prefix = "".join(ch for ch in resolved if ch.isalnum()) if isinstance(resolved, str) else ""
        stage_id = f"{logical_id}{prefix}Stage" if prefix != "default" else f"{logical_id}ApiGatewayDefaultStage"
    stage: dict[str, Json] = {"ApiId": ref(logical_id), "AutoDeploy": True, "StageName": plain(stage_name)}
    route_settings = dict(plain(props.get("RouteSettings") or {}))
    for key, value in (props.get("__ROUTE_SETTINGS") or {}).items():
        # A route's own settings (from its event) win over the API's for that route.
        existing = route_settings.get(key)
        route_settings[key] = {**existing, **value} if isinstance(existing, dict) and isinstance(value, dict) \
            else value
    if route_settings:
        stage["RouteSettings"] = route_settings
    for key in ("StageVariables", "AccessLogSettings", "DefaultRouteSettings"):
        if props.get(key) is not None:
            stage[key] = plain(props[key])
    if tags is not None:
        stage["Tags"] = {**{k: plain(v) for k, v in tags.items()}, "httpapi:createdBy": "SAM"}
    extra = {k: attrs[k] for k in ("DeletionPolicy", "UpdateReplacePolicy") if k in attrs}
    ctx.add(stage_id, resource("AWS::ApiGatewayV2::Stage", stage, condition=condition, **extra))
    return stage_id


def _add_cors(logical_id: str, props: dict[str, Json], body: dict[str, Json], ctx: SamContext,
              path: tuple[Any, ...]) -> None:
    cors = props.get("CorsConfiguration")
    if cors is None:
        return
    resolved = resolve_parameters(cors, ctx)
    if resolved is True:
        body["x-amazon-apigateway-cors"] = {"allowOrigins": ["*"]}
        return
    if resolved is False:
        return
    if is_intrinsic(resolved) and "Fn::If" not in resolved:
        body["x-amazon-apigateway-cors"] = plain(resolved)
        return
    body["x-amazon-apigateway-cors"] = _cors_config(logical_id, resolved, path)


def _cors_config(logical_id: str, cors: Json, path: tuple[Any, ...]) -> Json:
    if isinstance(cors, dict) and "Fn::If" in cors:
        cond, then, other = cors["Fn::If"]
        return {"Fn::If": [cond, _cors_config(logical_id, then, path), _cors_config(logical_id, other, path)]}
    if not isinstance(cors, dict):
        return plain(cors)
    out: dict[str, Json] = {}
    for key, value in cors.items():
        if key not in CORS_KEYS:
            raise fail(f"Resource with id [{logical_id}] is invalid. Invalid CorsConfiguration key '{key}'.",
                       path + ("CorsConfiguration", key))
        out[CORS_KEYS[key]] = plain(value)
    return out


def _add_auth(logical_id: str, props: dict[str, Json], editor: SwaggerEditor, ctx: SamContext,
              path: tuple[Any, ...], condition: Json) -> None:
    auth = props.get("Auth")
    if auth is None:
        auth = {}
    if not isinstance(auth, dict):
        raise fail(f"Resource with id [{logical_id}] is invalid. Auth must be a map.", path + ("Auth",))
    for key in auth:
        if key not in ("Authorizers", "DefaultAuthorizer", "EnableIamAuthorizer"):
            raise fail(f"Resource with id [{logical_id}] is invalid. Invalid Auth property '{key}'.",
                       path + ("Auth", key))
    authorizers = auth.get("Authorizers") or {}
    if not isinstance(authorizers, dict):
        raise fail(f"Resource with id [{logical_id}] is invalid. Authorizers must be a map.",
                   path + ("Auth", "Authorizers"))
    iam = bool(auth.get("EnableIamAuthorizer"))
    names = set(authorizers) | ({"AWS_IAM"} if iam else set())
    default = auth.get("DefaultAuthorizer")
    if default is not None and default not in names:
        raise fail(f"Resource with id [{logical_id}] is invalid. Unable to set DefaultAuthorizer because "
                   f"'{default}' was not defined in 'Authorizers'.", path + ("Auth", "DefaultAuthorizer"))
    schemes: dict[str, Json] = {}
    for name, spec in authorizers.items():
        schemes[name] = _authorizer(logical_id, name, spec, ctx, path + ("Auth", "Authorizers", name),
                                    condition)
    if iam and "AWS_IAM" not in schemes:
        schemes["AWS_IAM"] = dict(IAM_SCHEME)
    for http_path, method, op in editor.operations():
        method_auth = op.get("__SAM_AUTH") or {}
        authorizer = method_auth.get("Authorizer")
        if authorizer is not None and authorizer != "NONE" and authorizer not in names:
            owner, _, event = str(op.get("__SAM_EVENT", logical_id)).partition(".")
            raise fail(f"Resource with id [{owner}] is invalid. Event with id [{event}] is invalid. Unable "
                       f"to set Authorizer [{authorizer}] on API method [{method}] for path [{http_path}] "
                       "because it wasn't defined in the API's Authorizers.", path)
        if authorizer == "NONE":
            op.pop("security", None)
            continue
        if authorizer is None:
            if default is None or op.get("security"):
                continue
            authorizer = default
        if authorizer == "AWS_IAM":
            schemes.setdefault("AWS_IAM", dict(IAM_SCHEME))
        scopes = method_auth.get("AuthorizationScopes")
        if authorizer == "AWS_IAM":
            scopes = []
        elif scopes is None:
            scopes = (authorizers.get(authorizer) or {}).get("AuthorizationScopes") or []
        op["security"] = [{authorizer: plain(scopes)}]
    if schemes:
        editor.security_definitions().update(schemes)


def _authorizer(api_id: str, name: str, spec: Json, ctx: SamContext, path: tuple[Any, ...],
                condition: Json) -> dict[str, Json]:
    if not isinstance(spec, dict):
        raise fail(f"Resource with id [{api_id}] is invalid. Authorizer {name} must be a map.", path)
    for key in spec:
        if key not in AUTHORIZER_KEYS:
            raise fail(f"Resource with id [{api_id}] is invalid. Invalid authorizer property '{key}'.",
                       path + (key,))
    if "JwtConfiguration" in spec or "IdentitySource" in spec and "FunctionArn" not in spec:
        authorizer: dict[str, Json] = {"type": "jwt"}
        if spec.get("JwtConfiguration") is not None:
            jwt = plain(spec["JwtConfiguration"])
            if isinstance(jwt, dict):
                jwt = {k[:1].lower() + k[1:]: v for k, v in jwt.items()}
            authorizer["jwtConfiguration"] = jwt
        if spec.get("IdentitySource") is not None:
            authorizer["identitySource"] = plain(spec["IdentitySource"])
        return {"type": "oauth2", "x-amazon-apigateway-authorizer": authorizer}
    if "FunctionArn" not in spec:
        raise fail(f"Resource with id [{api_id}] is invalid. {name} Authorizer must define either "
                   "'JwtConfiguration' or 'FunctionArn'.", path)
    version = spec.get("AuthorizerPayloadFormatVersion")
    if version is None:
        raise fail(f"Resource with id [{api_id}] is invalid. {name} Lambda Authorizer must define "
                   "'AuthorizerPayloadFormatVersion'.", path)
    function_arn = plain(spec["FunctionArn"])
    authorizer = {"type": "request", "authorizerPayloadFormatVersion": plain(version),
                  "authorizerUri": {"Fn::Sub": [f"arn:{ctx.partition}:apigateway:${{AWS::Region}}:lambda:"
                                                "path/2015-03-31/functions/${__FunctionArn__}/invocations",
                                                {"__FunctionArn__": function_arn}]}}
    if spec.get("FunctionInvokeRole") is not None:
        authorizer["authorizerCredentials"] = plain(spec["FunctionInvokeRole"])
    if spec.get("EnableSimpleResponses"):
        authorizer["enableSimpleResponses"] = plain(spec["EnableSimpleResponses"])
    identity = spec.get("Identity") or {}
    if not isinstance(identity, dict):
        raise fail(f"Resource with id [{api_id}] is invalid. {name} Lambda Authorizer property 'Identity' "
                   "must be a map.", path + ("Identity",))
    for key in ("Headers", "QueryStrings", "StageVariables", "Context"):
        values = identity.get(key)
        if values is not None and (not isinstance(values, list) or not all(isinstance(v, str) for v in values)):
            raise fail(f"Resource with id [{api_id}] is invalid. {name} Lambda Authorizer property "
                       f"'Identity.{key}' must be a list of strings.", path + ("Identity", key))
    if identity:
        sources: list[str] = []
        for key, prefix in (("Headers", "$request.header."), ("QueryStrings", "$request.querystring."),
                            ("StageVariables", "$stageVariables."), ("Context", "$context.")):
            for value in identity.get(key) or []:
                sources.append(prefix + str(value))
        if sources:
            authorizer["identitySource"] = sources
        if identity.get("ReauthorizeEvery") is not None:
            authorizer["authorizerResultTtlInSeconds"] = plain(identity["ReauthorizeEvery"])
    if spec.get("EnableFunctionDefaultPermissions"):
        ctx.add(f"{api_id}{name}AuthorizerPermission", resource("AWS::Lambda::Permission", {
            "Action": "lambda:InvokeFunction", "FunctionName": function_arn,
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {"Fn::Sub": ["arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}"
                                      ":${__ApiId__}/authorizers/*", {"__ApiId__": ref(api_id)}]}},
            condition=condition))
    return {"type": "apiKey", "name": "Unused", "in": "header",
            "x-amazon-apigateway-authorizer": authorizer}


def _domain(logical_id: str, props: dict[str, Json], ctx: SamContext, path: tuple[Any, ...],
            condition: Json, stage_id: str) -> None:
    domain = props.get("Domain")
    if domain is None:
        return
    from stackengine.transform.sam.http_api_domain import add_http_domain

    add_http_domain(logical_id, resolve_parameters(domain, ctx, pseudo=True), ctx, path + ("Domain",), condition, stage_id)
