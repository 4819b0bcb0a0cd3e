"""AWS::Serverless::Api → RestApi, Deployment (ID hashes the definition) and Stage, with CORS,
authorizers, gateway responses, models, usage plans and custom domains."""

from __future__ import annotations

import copy
import re
from typing import Any

from stackengine.transform.sam import api_auth, api_domain
from stackengine.transform.sam.code_uri import parse_s3_uri
from stackengine.transform.sam.common import (
    attributes_of,
    ANY, BOOL, DICT, LIST, STR, Json, Prop, check_properties, fail, is_intrinsic, plain, ref,
    resource,
)
from stackengine.transform.sam.context import SamContext
from stackengine.transform.sam.intrinsics import resolve_parameters
from stackengine.transform.sam.logical_ids import digest
from stackengine.transform.sam.swagger import ANY_METHOD, INTEGRATION, SwaggerEditor, is_openapi3

API = "AWS::Serverless::Api"

SCHEMA: dict[str, Prop] = {
    "StageName": Prop((str, dict)), "DefinitionBody": DICT, "DefinitionUri": Prop((str, dict)),
    "CacheClusterEnabled": BOOL, "CacheClusterSize": STR, "Variables": DICT, "MethodSettings": LIST,
    "EndpointConfiguration": Prop((str, dict)), "BinaryMediaTypes": LIST,
    "MinimumCompressionSize": ANY, "Cors": Prop((str, dict)), "Auth": DICT, "GatewayResponses": DICT,
    "AccessLogSetting": DICT, "CanarySetting": DICT, "TracingEnabled": BOOL,
    "OpenApiVersion": Prop((str, float, int)), "Name": STR, "Description": STR, "Domain": DICT,
    "Models": DICT, "Tags": DICT, "PropagateTags": BOOL, "AlwaysDeploy": BOOL,
    "MergeDefinitions": BOOL, "Mode": STR, "FailOnWarnings": BOOL, "DisableExecuteApiEndpoint": BOOL,
    "ApiKeySourceType": STR, "Policy": Prop((dict, list, str)), "SecurityPolicy": STR,
    "EndpointAccessMode": STR, "__MANAGE_SWAGGER": ANY, "__IMPLICIT": ANY,
}

ALL_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
_OPENAPI3 = re.compile(r"^3(\.\d+)*$")


def translate_api(logical_id: str, res: dict[str, Json], ctx: SamContext) -> None:
    path = ("Resources", logical_id, "Properties")
    props: dict[str, Json] = res.get("Properties") or {}
    check_properties(API, logical_id, props, SCHEMA, path)
    condition = res.get("Condition")
    attrs = attributes_of(res, "DeletionPolicy", "UpdateReplacePolicy", "DependsOn", "Metadata")
    managed = bool(props.get("__MANAGE_SWAGGER"))
    body = copy.deepcopy(props.get("DefinitionBody"))
    uri = props.get("DefinitionUri")
    if body is not None and uri is not None and not managed:
        raise fail(f"Resource with id [{logical_id}] is invalid. Specify either 'DefinitionUri' or "
                   "'DefinitionBody' property and not both.", path)
    open_api_version = props.get("OpenApiVersion")
    if open_api_version is not None:
        open_api_version = str(open_api_version)
        if not re.match(r"^\d+\.\d+(\.\d+)?$", open_api_version) and not is_intrinsic(props["OpenApiVersion"]):
            raise fail(f"Resource with id [{logical_id}] is invalid. The OpenApiVersion value must be "
                       "of the format \"3.0.0\".", path + ("OpenApiVersion",))
    stage_name = props.get("StageName")
    if stage_name is None:
        raise fail(f"Resource with id [{logical_id}] is invalid. Missing required property 'StageName'.",
                   path)
    rest_props: dict[str, Json] = {}
    if props.get("DefinitionBody") is not None and not isinstance(props.get("DefinitionBody"), dict) or \
            is_intrinsic(props.get("DefinitionBody")) and props.get("DisableExecuteApiEndpoint") is not None:
        raise fail(f"Resource with id [{logical_id}] is invalid. DefinitionBody must be a map to set "
                   "DisableExecuteApiEndpoint.", path + ("DefinitionBody",))
    if isinstance(stage_name, str) and not stage_name.strip():
        raise fail(f"Resource with id [{logical_id}] is invalid. StageName cannot be empty.", path + ("StageName",))
    if open_api_version is not None and not is_intrinsic(props["OpenApiVersion"]) and \
            not re.match(r"^(2\.0|3(\.\d+){1,2})$", open_api_version):
        raise fail(f"Resource with id [{logical_id}] is invalid. The OpenApiVersion value must be of the "
                   "format \"3.0.0\".", path + ("OpenApiVersion",))
    if isinstance(body, dict) and props.get("__MANAGE_SWAGGER"):
        from stackengine.transform.sam.conditions import make_paths_conditional

        make_paths_conditional(ctx, logical_id, body)
    if isinstance(body, dict):
        body = _strip_if_paths(body)
        if managed or props.get("Auth") or props.get("Cors") or props.get("GatewayResponses") or \
                props.get("Models") or props.get("DisableExecuteApiEndpoint") is not None or open_api_version:
            _check_document(logical_id, body, path + ("DefinitionBody",))
        editor = SwaggerEditor(body)
        _add_cors(logical_id, props, editor, path)
        api_auth.add_auth(logical_id, props, editor, ctx, path, condition)
        _add_gateway_responses(logical_id, props, editor, path)
        _add_models(logical_id, props, editor, path)
        _add_request_models(logical_id, props, editor, path)
        _add_binary_media_types({**props, "BinaryMediaTypes": resolve_parameters(
            props.get("BinaryMediaTypes"), ctx)}, body, managed)
        _cleanup(editor)
        body = openapi3_postprocess(body, managed, open_api_version)
        if props.get("DisableExecuteApiEndpoint") is not None:
            add_disable_execute_endpoint(body, props["DisableExecuteApiEndpoint"])
        rest_props["Body"] = body
    elif uri is not None:
        if props.get("Cors") is not None:
            raise fail(f"Resource with id [{logical_id}] is invalid. Cors works only with inline Swagger "
                       "specified in 'DefinitionBody' property.", path + ("Cors",))
        if props.get("DisableExecuteApiEndpoint") is not None:
            raise fail(f"Resource with id [{logical_id}] is invalid. DisableExecuteApiEndpoint works only "
                       "with inline Swagger specified in 'DefinitionBody' property.",
                       path + ("DisableExecuteApiEndpoint",))
        rest_props["BodyS3Location"] = _s3_location(logical_id, uri, path + ("DefinitionUri",))
        api_auth.add_auth(logical_id, props, None, ctx, path, condition)
    else:
        raise fail(f"Resource with id [{logical_id}] is invalid. 'DefinitionUri' or 'DefinitionBody' "
                   "is required.", path)
    if "Body" not in rest_props and props.get("DisableExecuteApiEndpoint") is not None:
        rest_props["DisableExecuteApiEndpoint"] = plain(props["DisableExecuteApiEndpoint"])
    for name in ("Name", "Description", "Mode", "FailOnWarnings",
                 "ApiKeySourceType", "MinimumCompressionSize", "SecurityPolicy", "EndpointAccessMode"):
        if props.get(name) is not None:
            rest_props[name] = plain(props[name])
    if props.get("BinaryMediaTypes") is not None:
        rest_props["BinaryMediaTypes"] = plain(resolve_parameters(props["BinaryMediaTypes"], ctx))
    endpoint = props.get("EndpointConfiguration")
    if endpoint is not None:
        rest_props.update(_endpoint_configuration(logical_id, endpoint, path))
    policy = api_auth.resource_policy(logical_id, props, ctx, path)
    if policy is not None:
        rest_props["Policy"] = policy
    if props.get("Tags") is not None and props.get("PropagateTags"):
        rest_props["Tags"] = _tags(props["Tags"])
    ctx.add(logical_id, resource("AWS::ApiGateway::RestApi", rest_props, condition=condition, **attrs))
    deployment_id = _deployment(logical_id, props, rest_props, ctx, condition, open_api_version, attrs)
    stage_id = _stage(logical_id, props, ctx, condition, deployment_id, stage_name, attrs)
    ctx.refs[(logical_id, "Stage")] = ref(stage_id)
    ctx.refs[(logical_id, "Deployment")] = ref(deployment_id)
    api_auth.add_usage_plan(logical_id, props, ctx, path, condition, stage_id, attrs)
    api_domain.add_domain(logical_id, {**props, "Domain": resolve_parameters(props.get("Domain"), ctx, pseudo=True)}, ctx, path, condition, stage_id, attrs)


def _tags(tags: Json) -> Json:
    return [{"Key": k, "Value": plain(v)} for k, v in tags.items()] if isinstance(tags, dict) else tags


def _strip_if_paths(body: dict[str, Json]) -> dict[str, Json]:
    return body


def _check_document(owner: str, body: dict[str, Json], path: tuple[Any, ...]) -> None:
    """The parts of a definition SAM edits must have the shapes the OpenAPI specification gives."""
    def bad(message: str, where: tuple[Any, ...]) -> Exception:
        return fail(f"Resource with id [{owner}] is invalid. Structure of the SAM template is invalid. "
                    f"{message}", where)

    paths = body.get("paths")
    if paths is not None and not isinstance(paths, dict):
        raise bad("'paths' must be a dictionary according to Swagger spec.", path + ("paths",))
    for name, item in (paths or {}).items():
        if not isinstance(item, dict):
            raise bad(f"Value of '{name}' path must be a dictionary according to Swagger spec.",
                      path + ("paths", name))
        if list(item) == ["Fn::If"]:
            branches = item["Fn::If"]
            if not isinstance(branches, list) or len(branches) != 3:
                raise bad(f"Fn::If in '{name}' path must be a list of three values.", path + ("paths", name))
            continue
        if is_intrinsic(item):
            continue
        for method, op in item.items():
            if method in ("parameters", "summary", "description", "servers", "$ref"):
                continue
            if not isinstance(op, dict):
                raise bad(f"Value of '{method}' method of '{name}' path must be a dictionary.",
                          path + ("paths", name, method))
            if "responses" in op and not isinstance(op["responses"], dict):
                raise bad(f"'responses' of '{method}' in '{name}' must be a dictionary.",
                          path + ("paths", name, method, "responses"))
            if "security" in op and (not isinstance(op["security"], (list, dict)) or isinstance(
                    op["security"], list) and not all(isinstance(item, dict) for item in op["security"])):
                raise bad(f"'security' of '{method}' in '{name}' must be a list of maps.",
                          path + ("paths", name, method, "security"))
    for key in ("securityDefinitions",):
        if key in body and not isinstance(body[key], dict):
            raise bad(f"'{key}' must be a dictionary.", path + (key,))
    components = body.get("components")
    if components is not None and (not isinstance(components, dict) or
                                   not isinstance(components.get("securitySchemes", {}), dict)):
        raise bad("'components.securitySchemes' must be a dictionary.", path + ("components",))
    if "security" in body and not isinstance(body["security"], list):
        raise bad("'security' must be a list.", path + ("security",))
    endpoint = body.get("x-amazon-apigateway-endpoint-configuration")
    if endpoint is not None and not isinstance(endpoint, dict):
        raise bad("'x-amazon-apigateway-endpoint-configuration' must be a dictionary.",
                  path + ("x-amazon-apigateway-endpoint-configuration",))
    for index, server in enumerate(body.get("servers") or []):
        config = server.get("x-amazon-apigateway-endpoint-configuration") if isinstance(server, dict) else None
        if config is not None and not isinstance(config, dict):
            raise bad("'x-amazon-apigateway-endpoint-configuration' must be a dictionary.",
                      path + ("servers", index))


def _s3_location(logical_id: str, uri: Json, path: tuple[Any, ...]) -> Json:
    if isinstance(uri, str):
        parsed = parse_s3_uri(uri)
        if parsed is None:
            raise fail(f"Resource with id [{logical_id}] is invalid. 'DefinitionUri' is not a valid S3 "
                       "Uri of the form 's3://bucket/key' with optional versionId query parameter.", path)
        return parsed
    if isinstance(uri, dict) and not is_intrinsic(uri):
        if "Bucket" not in uri or "Key" not in uri:
            raise fail(f"Resource with id [{logical_id}] is invalid. 'DefinitionUri' requires Bucket and "
                       "Key properties to be specified.", path)
        return {k: plain(v) for k, v in uri.items() if k in ("Bucket", "Key", "Version")}
    return plain(uri)


def _media_type(value: Json) -> Json:
    """`image~1png` (the escaped form the RestApi property takes) → `image/png` for the definition."""
    if isinstance(value, str):
        return value.replace("~1", "/")
    if isinstance(value, list):
        return [_media_type(v) for v in value]
    if isinstance(value, dict) and list(value) == ["Fn::Join"]:
        return {"Fn::Join": _media_type(value["Fn::Join"])}
    return plain(value)


def _add_binary_media_types(props: dict[str, Json], body: dict[str, Json], managed: bool) -> None:
    types = props.get("BinaryMediaTypes")
    if types is None:
        return
    body["x-amazon-apigateway-binary-media-types"] = [_media_type(m) for m in types]


def _endpoint_configuration(logical_id: str, endpoint: Json, path: tuple[Any, ...]) -> dict[str, Json]:
    if isinstance(endpoint, str) or is_intrinsic(endpoint):
        return {"EndpointConfiguration": {"Types": [plain(endpoint)]},
                "Parameters": {"endpointConfigurationTypes": plain(endpoint)}}
    out: dict[str, Json] = {}
    config: dict[str, Json] = {}
    for key, value in endpoint.items():
        if key == "Type":
            config["Types"] = [plain(value)]
            out["Parameters"] = {"endpointConfigurationTypes": plain(value)}
        elif key == "VPCEndpointIds":
            config["VpcEndpointIds"] = plain(value)
        elif key == "IpAddressType":
            config["IpAddressType"] = plain(value)
        else:
            raise fail(f"Resource with id [{logical_id}] is invalid. EndpointConfiguration has an "
                       f"invalid property '{key}'.", path + ("EndpointConfiguration", key))
    out["EndpointConfiguration"] = config
    return out


# --- CORS ---------------------------------------------------------------------------------------

def _add_cors(logical_id: str, props: dict[str, Json], editor: SwaggerEditor, path: tuple[Any, ...]) -> None:
    cors = props.get("Cors")
    if cors is None:
        return
    if isinstance(cors, str) or is_intrinsic(cors):
        config: dict[str, Json] = {"AllowOrigin": cors}
    elif isinstance(cors, dict):
        config = cors
        for key in config:
            if key not in ("AllowOrigin", "AllowHeaders", "AllowMethods", "MaxAge", "AllowCredentials"):
                raise fail(f"Resource with id [{logical_id}] is invalid. Invalid value for 'Cors' "
                           f"property: unknown key '{key}'.", path + ("Cors", key))
    else:
        raise fail(f"Resource with id [{logical_id}] is invalid. Invalid value for 'Cors' property.",
                   path + ("Cors",))
    origin = config.get("AllowOrigin", "'*'")
    if origin == "" or origin is None:
        raise fail(f"Resource with id [{logical_id}] is invalid. Invalid value for 'Cors' property: "
                   "AllowOrigin must not be empty.", path + ("Cors", "AllowOrigin"))
    if config.get("AllowCredentials") is True and origin == "'*'":
        raise fail(f"Resource with id [{logical_id}] is invalid. Cors AllowOrigin must not be '*' when "
                   "AllowCredentials is true.", path + ("Cors",))
    version = props.get("OpenApiVersion")
    # The document becomes OpenAPI 3 later when SAM generated it and OpenApiVersion says 3.x.
    openapi3 = (bool(props.get("__MANAGE_SWAGGER")) and version is not None and
                bool(_OPENAPI3.match(str(version))))
    for api_path in list(editor.paths):
        for methods in editor.path_items(api_path):
            if "options" in methods:
                continue
            allow_methods = config.get("AllowMethods")
            if allow_methods is None:
                allow_methods = _allowed_methods(methods)
            methods["options"] = _options_method(origin, config.get("AllowHeaders"), allow_methods,
                                                 config.get("MaxAge"), config.get("AllowCredentials"),
                                                 openapi3)


def _allowed_methods(methods: dict[str, Json]) -> str:
    names = set()
    for method in methods:
        if method == ANY_METHOD:
            names.update(ALL_METHODS)
        elif method.upper() in ALL_METHODS:
            names.add(method.upper())
    names.add("OPTIONS")
    return "'" + ",".join(sorted(names)) + "'"


def _options_method(origin: Json, headers: Json, methods: Json, max_age: Json, credentials: Json,
                    openapi3: bool) -> dict[str, Json]:
    params: dict[str, Json] = {"method.response.header.Access-Control-Allow-Origin": plain(origin)}
    response_headers: dict[str, Json] = {"Access-Control-Allow-Origin": {"type": "string"}}
    if headers is not None:
        params["method.response.header.Access-Control-Allow-Headers"] = plain(headers)
        response_headers["Access-Control-Allow-Headers"] = {"type": "string"}
    params["method.response.header.Access-Control-Allow-Methods"] = plain(methods)
    response_headers["Access-Control-Allow-Methods"] = {"type": "string"}
    if max_age is not None:
        params["method.response.header.Access-Control-Max-Age"] = plain(max_age)
        response_headers["Access-Control-Max-Age"] = {"type": "integer"}
    if credentials is True:
        params["method.response.header.Access-Control-Allow-Credentials"] = "'true'"
        response_headers["Access-Control-Allow-Credentials"] = {"type": "string"}
    if openapi3:
        response_headers = {k: {"schema": v} for k, v in response_headers.items()}
    op: dict[str, Json] = {
        "summary": "CORS support",
        "responses": {"200": {"description": "Default response for CORS method", "headers": response_headers}},
        INTEGRATION: {"type": "mock",
                      "requestTemplates": {"application/json": "{\n  \"statusCode\" : 200\n}\n"},
                      "responses": {"default": {"statusCode": "200", "responseParameters": params,
                                                "responseTemplates": {"application/json": "{}\n"}}}},
    }
    if not openapi3:
        op["consumes"] = ["application/json"]
        op["produces"] = ["application/json"]
    return op


# --- gateway responses, models ------------------------------------------------------------------

RESPONSE_PARAMETER_GROUPS = {"Headers": "header", "Paths": "path", "QueryStrings": "querystring"}


def _add_gateway_responses(logical_id: str, props: dict[str, Json], editor: SwaggerEditor,
                           path: tuple[Any, ...]) -> None:
    responses = props.get("GatewayResponses")
    if not responses:
        return
    out: dict[str, Json] = {}
    for name, spec in responses.items():
        if not isinstance(spec, dict):
            raise fail(f"Resource with id [{logical_id}] is invalid. Invalid gateway response '{name}'.",
                       path + ("GatewayResponses", name))
        for key in spec:
            if key not in ("ResponseParameters", "ResponseTemplates", "StatusCode"):
                raise fail(f"Resource with id [{logical_id}] is invalid. Invalid property '{key}' in "
                           f"'GatewayResponses' property '{name}'.", path + ("GatewayResponses", name, key))
        entry: dict[str, Json] = {}
        params = spec.get("ResponseParameters") or {}
        flat: dict[str, Json] = {}
        for group, prefix in RESPONSE_PARAMETER_GROUPS.items():
            for key, value in (params.get(group) or {}).items():
                flat[f"gatewayresponse.{prefix}.{key}"] = plain(value)
        for key in params:
            if key not in RESPONSE_PARAMETER_GROUPS:
                raise fail(f"Resource with id [{logical_id}] is invalid. Invalid gateway response "
                           f"parameter '{key}'.", path + ("GatewayResponses", name))
        entry["responseParameters"] = flat
        entry["responseTemplates"] = plain(spec.get("ResponseTemplates") or {})
        if spec.get("StatusCode") is not None:
            entry["statusCode"] = str(spec["StatusCode"]) if isinstance(spec["StatusCode"], int) \
                else plain(spec["StatusCode"])
        out[name] = entry
    editor.doc["x-amazon-apigateway-gateway-responses"] = out


def _add_models(logical_id: str, props: dict[str, Json], editor: SwaggerEditor,
                path: tuple[Any, ...]) -> None:
    models = props.get("Models")
    if not models:
        return
    if not isinstance(models, dict):
        raise fail(f"Resource with id [{logical_id}] is invalid. Invalid value for 'Models' property",
                   path + ("Models",))
    definitions = editor.doc.setdefault("definitions", {})
    for name, schema in models.items():
        if not isinstance(schema, dict):
            raise fail(f"Resource with id [{logical_id}] is invalid. Invalid value for 'Models' property",
                       path + ("Models", name))
        definitions[name.lower()] = plain(schema)


def _add_request_models(logical_id: str, props: dict[str, Json], editor: SwaggerEditor,
                        path: tuple[Any, ...]) -> None:
    models = props.get("Models") or {}
    version = props.get("OpenApiVersion")
    openapi3 = is_openapi3(editor.doc) or (version is not None and bool(_OPENAPI3.match(str(version))))
    for api_path, method, op in editor.operations():
        model = op.pop("__SAM_REQUEST_MODEL", None)
        parameters = op.pop("__SAM_REQUEST_PARAMETERS", None)
        event = op.get("__SAM_EVENT", logical_id)
        if model is not None:
            name = model.get("Model")
            if not isinstance(models, dict) or name not in models:
                raise fail(f"Resource with id [{event.split('.')[0]}] is invalid. Event with id "
                           f"[{event.split('.')[-1]}] is invalid. Unable to find Model with name "
                           f"'{name}'", path)
            if openapi3:
                op["requestBody"] = {"content": {"application/json": {
                    "schema": {"$ref": f"#/components/schemas/{name.lower()}"}}}}
                if model.get("Required") is not None:
                    op["requestBody"]["required"] = model["Required"]
            else:
                param: dict[str, Json] = {"in": "body", "name": name.lower(),
                                          "schema": {"$ref": f"#/definitions/{name.lower()}"}}
                if model.get("Required") is not None:
                    param["required"] = model["Required"]
                op.setdefault("parameters", []).append(param)
            if model.get("ValidateBody") is not None or model.get("ValidateParameters") is not None:
                _request_validator(editor, op, model)
        if parameters:
            for parameter, settings in parameters:
                location, _, pname = parameter[len("method.request."):].partition(".")
                entry = {"in": "query" if location == "querystring" else location, "name": pname,
                         "required": settings.get("Required", False) if isinstance(settings, dict) else False,
                         "type": "string"}
                if is_openapi3(editor.doc):
                    entry.pop("type")
                    entry["schema"] = {"type": "string"}
                op.setdefault("parameters", []).append(entry)
                if isinstance(settings, dict) and settings.get("Caching"):
                    integ = op.setdefault(INTEGRATION, {})
                    integ.setdefault("cacheKeyParameters", []).append(parameter)


def _request_validator(editor: SwaggerEditor, op: dict[str, Json], model: dict[str, Json]) -> None:
    body = bool(model.get("ValidateBody", False))
    params = bool(model.get("ValidateParameters", False))
    name = {(True, True): "body-and-params", (True, False): "body-only",
            (False, True): "params-only", (False, False): "no-validation"}[(body, params)]
    validators = editor.doc.setdefault("x-amazon-apigateway-request-validators", {})
    validators[name] = {"validateRequestBody": body, "validateRequestParameters": params}
    op["x-amazon-apigateway-request-validator"] = name


def _cleanup(editor: SwaggerEditor) -> None:
    for _path, _method, op in editor.operations():
        for key in [k for k in op if k.startswith("__SAM_")]:
            del op[key]


def add_disable_execute_endpoint(body: dict[str, Json], value: Json) -> None:
    config = {"disableExecuteApiEndpoint": plain(value)}
    if is_openapi3(body):
        servers = body.setdefault("servers", [])
        if not servers:
            servers.append({})
        servers[0]["x-amazon-apigateway-endpoint-configuration"] = config
    else:
        body["x-amazon-apigateway-endpoint-configuration"] = config


def openapi3_postprocess(body: dict[str, Json], managed: bool, version: str | None) -> dict[str, Json]:
    """OpenAPI 3 documents keep schemes and schemas under `components`. A definition SAM generated
    becomes OpenAPI when OpenApiVersion says 3.x; a user's Swagger 2 document stays as written."""
    if managed and "swagger" in body and version and _OPENAPI3.match(version):
        del body["swagger"]
        body["openapi"] = version
    if "swagger" in body:
        return body
    declared = version or body.get("openapi")
    if not isinstance(declared, str) or not _OPENAPI3.match(declared):
        return body
    components = body.get("components") or {}
    if "securityDefinitions" in body:
        components.setdefault("securitySchemes", {}).update(body.pop("securityDefinitions"))
    if "definitions" in body:
        components.setdefault("schemas", {}).update(body.pop("definitions"))
    if components:
        body["components"] = components
    for path_item in (body.get("paths") or {}).values():
        if not isinstance(path_item, dict):
            continue
        for method, op in path_item.items():
            if not isinstance(op, dict):
                continue
            if method == "options" and isinstance(op.get("responses"), dict):
                op.pop("consumes", None)
                op.pop("produces", None)
                for response in op["responses"].values():
                    headers = response.get("headers") if isinstance(response, dict) else None
                    if isinstance(headers, dict):
                        for name, header in list(headers.items()):
                            if isinstance(header, dict) and "type" in header:
                                headers[name] = {"schema": {"type": header["type"]}}
    return body


# --- deployment and stage -----------------------------------------------------------------------

def _deployment(logical_id: str, props: dict[str, Json], rest_props: dict[str, Json], ctx: SamContext,
                condition: Json, open_api_version: str | None, attrs: dict[str, Json]) -> str:
    source = rest_props.get("Body") if "Body" in rest_props else rest_props.get("BodyS3Location")
    hash_input = [source, open_api_version, props.get("Domain")]
    full = digest(hash_input)
    deployment_id = f"{logical_id}Deployment{full[:10]}"
    deployment_props: dict[str, Json] = {"RestApiId": ref(logical_id),
                                         "Description": f"RestApi deployment id: {full}"}
    if open_api_version is None:
        deployment_props["StageName"] = "Stage"
    extra = {k: attrs[k] for k in ("DeletionPolicy", "UpdateReplacePolicy") if k in attrs}
    ctx.add(deployment_id, resource("AWS::ApiGateway::Deployment", deployment_props,
                                    condition=condition, **extra))
    return deployment_id


STAGE_PASSTHROUGH = ("Variables", "CacheClusterEnabled", "CacheClusterSize", "TracingEnabled",
                     "AccessLogSetting", "Description")


def _stage(logical_id: str, props: dict[str, Json], ctx: SamContext, condition: Json,
           deployment_id: str, stage_name: Json, attrs: dict[str, Json]) -> str:
    if isinstance(stage_name, str) and not stage_name.isalnum():
        stage_id = f"{logical_id}Stage{digest(stage_name)[:10]}"
    else:
        prefix = stage_name if isinstance(stage_name, str) else ""
        stage_id = f"{logical_id}{prefix}Stage"
    stage_props: dict[str, Json] = {"DeploymentId": ref(deployment_id), "RestApiId": ref(logical_id),
                                    "StageName": plain(stage_name)}
    for name in STAGE_PASSTHROUGH:
        if name == "Description":
            continue
        if props.get(name) is not None:
            stage_props[name] = plain(props[name])
    if props.get("MethodSettings") is not None:
        stage_props["MethodSettings"] = plain(props["MethodSettings"])
    canary = props.get("CanarySetting")
    if canary is not None:
        stage_props["CanarySetting"] = plain(canary)
    if props.get("Tags") is not None:
        stage_props["Tags"] = _tags(props["Tags"])
    extra = {k: attrs[k] for k in ("DeletionPolicy", "UpdateReplacePolicy") if k in attrs}
    ctx.add(stage_id, resource("AWS::ApiGateway::Stage", stage_props, condition=condition, **extra))
    return stage_id
