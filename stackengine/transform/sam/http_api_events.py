"""`HttpApi` function events: permission plus route integration in the HTTP API's definition."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from stackengine.transform.sam.common import Json, fail, plain, resource
from stackengine.transform.sam.events.api_event import api_id_of, arn_path
from stackengine.transform.sam.swagger import ANY_METHOD, NO_VALUE, SwaggerEditor, normalize_method

if TYPE_CHECKING:
    from stackengine.transform.sam.function import FunctionTarget

HTTP_API = "AWS::Serverless::HttpApi"


def http_execute_arn(api: Json, method: str | None, path: str | None) -> Json:
    if path is None:
        suffix = "*"
    elif path in ("$default", "/$default"):
        suffix = "$default"
    else:
        method_part = "*" if method is None or method.lower() in ("any", ANY_METHOD) else method.upper()
        suffix = f"{method_part}{arn_path(path)}"
    return {"Fn::Sub": ["arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
                        f"${{__ApiId__}}/${{__Stage__}}/{suffix}", {"__ApiId__": api, "__Stage__": "*"}]}


def translate_http_api_event(target: FunctionTarget, name: str, props: dict[str, Json],
                             path: tuple[Any, ...]) -> None:
    ctx = target.ctx
    owner = target.logical_id
    api = props.get("ApiId")
    api_id = api_id_of(api)
    if isinstance(api, str) and ctx.type_of(api) == HTTP_API:
        api_id = api
    api_res = ctx.resources.get(api_id) if api_id else None
    if api_id is not None and isinstance(api_res, dict) and api_res.get("Type") != HTTP_API:
        api_res = None  # an API SAM does not manage: only the permission is generated
    elif api_id is not None and not isinstance(api_res, dict):
        raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. ApiId "
                   "must be a valid reference to an 'AWS::Serverless::HttpApi' resource in same "
                   "template.", path + ("ApiId",))
    method = props.get("Method")
    http_path = props.get("Path")
    if (method is None) != (http_path is None):
        raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. Path "
                   "and Method must both be specified or neither.", path)
    if not _covered_by_catch_all(target, name, api, http_path):
        target.add(f"{owner}{name}Permission", resource("AWS::Lambda::Permission", {
            "Action": "lambda:InvokeFunction", "FunctionName": target.name_or_alias,
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": http_execute_arn(plain(api), method, http_path)}))
    if api_res is None:
        return
    api_props = api_res.setdefault("Properties", {})
    body = api_props.get("DefinitionBody")
    if not api_props.get("__MANAGE_SWAGGER") and not isinstance(body, dict):
        return
    if not isinstance(body, dict):
        return
    editor = SwaggerEditor(body)
    if http_path is None:
        implicit = bool(api_props.get("__IMPLICIT"))
        fail_on_warnings = api_props.get("FailOnWarnings") is True
        http_path = "/$default" if fail_on_warnings and "$default" not in editor.paths else "$default"
        method = ANY_METHOD
    assert method is not None
    norm = normalize_method(method)
    methods = editor.path_item(http_path)
    existing = methods.get(norm)
    if isinstance(existing, dict) and "x-amazon-apigateway-integration" in existing:
        if existing.get("__SAM_ADDED"):
            raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. Unable "
                       f"to add Lambda integration to path {http_path} and method {method}: another "
                       "event already adds one.", path)
        # The user's definition already integrates this route: keep it, only adjust what the
        # event states explicitly (payload format, auth).
        if props.get("PayloadFormatVersion") is not None:
            existing["x-amazon-apigateway-integration"]["payloadFormatVersion"] = plain(props["PayloadFormatVersion"])
        if props.get("Auth") is not None:
            existing["__SAM_AUTH"] = plain(props["Auth"])
            existing["__SAM_EVENT"] = f"{owner}.{name}"
        return
    function_arn = f"${{{target.alias_id}}}" if target.alias_id else f"${{{owner}.Arn}}"
    integration: dict[str, Json] = {
        "type": "aws_proxy", "httpMethod": "POST",
        "payloadFormatVersion": plain(props.get("PayloadFormatVersion", "2.0")),
        "uri": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
                           f"functions/{function_arn}/invocations"},
    }
    if props.get("TimeoutInMillis") is not None:
        integration["timeoutInMillis"] = plain(props["TimeoutInMillis"])
    op: dict[str, Json] = existing if isinstance(existing, dict) else {}
    op["x-amazon-apigateway-integration"] = integration
    op["__SAM_ADDED"] = True
    op.setdefault("responses", {})
    params = re.findall(r"\{([^}/+]+)\+?\}", http_path)
    if params and not existing:
        op["parameters"] = [{"in": "path", "name": p, "required": True} for p in params]
    if http_path in ("$default", "/$default"):
        op["isDefaultRoute"] = True
    auth = props.get("Auth")
    if auth is not None:
        op["__SAM_AUTH"] = plain(auth)
        op["__SAM_EVENT"] = f"{owner}.{name}"
    from stackengine.transform.sam.conditions import record_method

    record_method(ctx, str(api_id), http_path, norm, target.condition)
    if target.condition is not None:
        integration["uri"] = {"Fn::If": [target.condition, integration["uri"], NO_VALUE]}
        methods[norm] = {"Fn::If": [target.condition, op, NO_VALUE]}
    else:
        methods[norm] = op
    if props.get("RouteSettings") is not None:
        route_key = "$default" if http_path in ("$default", "/$default") else \
            f"{method.upper() if norm != ANY_METHOD else 'ANY'} {http_path}"
        api_props.setdefault("__ROUTE_SETTINGS", {})[route_key] = plain(props["RouteSettings"])


def _covered_by_catch_all(target: FunctionTarget, name: str, api: Json, http_path: Json) -> bool:
    """A function's route-less event on the same API already allows every route: no other
    permission is generated for its routes on that API."""
    if http_path is None:
        return False
    events = target.properties.get("Events") or {}
    for other_name, event in events.items():
        if other_name == name or not isinstance(event, dict) or event.get("Type") != "HttpApi":
            continue
        props = event.get("Properties") or {}
        if isinstance(props, dict) and props.get("Path") is None and props.get("ApiId") == api:
            return True
    return False
