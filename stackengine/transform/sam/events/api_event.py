"""`Api` and `HttpApi` function events: a Lambda permission for API Gateway and, when SAM manages
the API's definition, the path/method integration in it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from stackengine.transform.sam.common import ANY, BOOL, DICT, STR, Json, Prop, fail, plain, resource
from stackengine.transform.sam.events.spec import check_event
from stackengine.transform.sam.swagger import SwaggerEditor, normalize_method

if TYPE_CHECKING:
    from stackengine.transform.sam.function import FunctionTarget

Path = tuple[Any, ...]

API_SCHEMA = {"Path": Prop((str,), required=True), "Method": Prop((str,), required=True),
              "RestApiId": Prop((str, dict)), "Auth": DICT, "RequestModel": DICT,
              "RequestParameters": Prop((list,)), "TimeoutInMillis": Prop((int, dict)),
              "UnescapeMappingTemplate": BOOL, "Stage": ANY}

HTTP_SCHEMA = {"Path": STR, "Method": STR, "ApiId": Prop((str, dict)), "Auth": DICT,
               "TimeoutInMillis": Prop((int, dict)), "PayloadFormatVersion": STR,
               "RouteSettings": DICT}

_PATH_PARAM = re.compile(r"\{([a-zA-Z0-9._-]+|proxy\+)\}")


def arn_path(path: str) -> str:
    """API path → the resource part of an execute-api ARN (`{id}` / `{proxy+}` become `*`)."""
    return _PATH_PARAM.sub("*", path)


def api_id_of(value: Json) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("Ref"), str) and len(value) == 1:
        ref_value: str = value["Ref"]
        return ref_value
    return None


def stage_suffix(stage: Json) -> str:
    """How generated IDs name a stage: as written when alphanumeric, else by its hash."""
    if isinstance(stage, str):
        if stage.isalnum():
            return stage
        from stackengine.transform.sam.logical_ids import digest

        return digest(stage)[:10]
    return "Stage"


def execute_api_arn(partition: str, api: Json, method: str, path: str, stage: Json = "*") -> Json:
    method_part = "*" if method.lower() == "any" else method.upper()
    return {"Fn::Sub": [f"arn:{partition}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:"
                        f"${{__ApiId__}}/${{__Stage__}}/{method_part}{arn_path(path)}",
                        {"__ApiId__": api, "__Stage__": stage}]}


def api(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    check_event(target.logical_id, name, "Api", props, API_SCHEMA, path)
    ctx = target.ctx
    owner = target.logical_id
    rest_api = props.get("RestApiId")
    api_id = api_id_of(rest_api)
    if isinstance(rest_api, str) and ctx.type_of(rest_api) == "AWS::Serverless::Api":
        api_id = rest_api
    api_res = ctx.resources.get(api_id) if api_id else None
    if isinstance(rest_api, dict) and api_id is None:
        raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. "
                   "RestApiId must be a valid reference to an 'AWS::Serverless::Api' resource in "
                   "same template.", path + ("RestApiId",))
    if api_id is not None and (not isinstance(api_res, dict) or
                               api_res.get("Type") != "AWS::Serverless::Api"):
        if not isinstance(api_res, dict) or api_res.get("Type") != "AWS::ApiGateway::RestApi":
            raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. "
                       "RestApiId must be a valid reference to an 'AWS::Serverless::Api' resource "
                       "in same template.", path + ("RestApiId",))
        api_res = None
    if props.get("Auth") is not None:
        _check_event_auth(owner, name, props["Auth"], path + ("Auth",))
    method = props["Method"]
    http_path = props["Path"]
    if api_res is not None:
        stage = (api_res.get("Properties") or {}).get("StageName")
        suffix = stage_suffix(stage)
    else:
        suffix = "Stage" if not isinstance(rest_api, str) else "Stage"
    api_value = plain(rest_api) if not isinstance(rest_api, str) else rest_api
    target.add(f"{owner}{name}Permission{suffix}", resource("AWS::Lambda::Permission", {
        "Action": "lambda:InvokeFunction", "FunctionName": target.name_or_alias,
        "Principal": "apigateway.amazonaws.com",
        "SourceArn": execute_api_arn(ctx.partition, api_value, method, http_path)}))
    if api_res is None:
        return
    api_props = api_res.setdefault("Properties", {})
    if not api_props.get("__MANAGE_SWAGGER") and not api_props.get("MergeDefinitions"):
        return
    body = api_props.get("DefinitionBody")
    if not isinstance(body, dict):
        return
    editor = SwaggerEditor(body)
    if editor.has_integration(http_path, method) and not api_props.get("MergeDefinitions"):
        raise fail(f"Resource with id [{api_id}] is invalid. API method '{method}' defined multiple "
                   f"times for path '{http_path}'.", path)
    function_arn = (f"${{{target.alias_id}}}" if target.alias_id else f"${{{owner}.Arn}}")
    from stackengine.transform.sam.swagger import lambda_uri

    op = editor.add_lambda_integration(http_path, method, lambda_uri(ctx.partition, function_arn),
                                       condition=target.condition,
                                       timeout=plain(props.get("TimeoutInMillis")))
    from stackengine.transform.sam.conditions import record_method

    record_method(ctx, str(api_id), http_path, normalize_method(method), target.condition)
    auth = props.get("Auth")
    if auth is not None:
        _check_event_auth(owner, name, auth, path + ("Auth",))
        op["__SAM_AUTH"] = plain(auth)
        invoke_role = auth.get("InvokeRole") if isinstance(auth, dict) else None
        if invoke_role is not None:
            op["__SAM_INVOKE_ROLE"] = plain(invoke_role)
    if props.get("RequestModel") is not None:
        op["__SAM_REQUEST_MODEL"] = plain(props["RequestModel"])
    if props.get("RequestParameters") is not None:
        op["__SAM_REQUEST_PARAMETERS"] = _request_parameters(owner, name, props["RequestParameters"],
                                                             path + ("RequestParameters",))
    op["__SAM_EVENT"] = f"{owner}.{name}"


EVENT_AUTH_KEYS = frozenset({"Authorizer", "AuthorizationScopes", "ApiKeyRequired", "InvokeRole",
                             "ResourcePolicy", "OverrideApiAuth"})


def _check_event_auth(owner: str, name: str, auth: Json, path: Path) -> None:
    prefix = f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid."
    if not isinstance(auth, dict):
        raise fail(f"{prefix} 'Auth' must be a map.", path)
    for key in auth:
        if key not in EVENT_AUTH_KEYS:
            raise fail(f"{prefix} Invalid 'Auth' property '{key}'.", path + (key,))
    if auth.get("OverrideApiAuth") and auth.get("Authorizer") is None:
        raise fail(f"{prefix} Must define a method-level authorizer when 'OverrideApiAuth' is true.", path)
    scopes = auth.get("AuthorizationScopes")
    if scopes is not None and not isinstance(scopes, list):
        raise fail(f"{prefix} 'AuthorizationScopes' must be a list of strings.", path + ("AuthorizationScopes",))


def _request_parameters(owner: str, name: str, params: Json, path: Path) -> list[tuple[str, Json]]:
    out: list[tuple[str, Json]] = []
    for item in params:
        if isinstance(item, str):
            parameter, settings = item, dict[str, Json]()
        elif isinstance(item, dict) and len(item) == 1:
            parameter, settings = next(iter(item.items()))
            if not isinstance(settings, dict):
                raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. "
                           "Invalid value for 'RequestParameters' property.", path)
            for key in settings:
                if key not in ("Required", "Caching"):
                    raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is "
                               "invalid. Invalid value for 'RequestParameters' property. Keys can "
                               "only be 'Required' or 'Caching'.", path)
        else:
            raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. "
                       "Invalid value for 'RequestParameters' property. List should contain only "
                       "strings or maps.", path)
        if not isinstance(parameter, str) or not parameter.startswith("method.request."):
            raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. "
                       "Invalid value for 'RequestParameters' property. Keys must be in the format "
                       "'method.request.[querystring|path|header].{value}', e.g "
                       "'method.request.header.Authorization'.", path)
        out.append((parameter, settings))
    return out


def http_api(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    from stackengine.transform.sam.http_api_events import translate_http_api_event

    check_event(target.logical_id, name, "HttpApi", props, HTTP_SCHEMA, path)
    translate_http_api_event(target, name, props, path)


