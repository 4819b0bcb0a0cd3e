"""REST API `Auth`: authorizers (Cognito, Lambda TOKEN/REQUEST, AWS_IAM), per-method security,
API keys and usage plans, resource policies."""

from __future__ import annotations

from typing import Any

from stackengine.transform.sam.common import Json, fail, plain, ref, resource
from stackengine.transform.sam.context import SamContext
from stackengine.transform.sam.swagger import INTEGRATION, SwaggerEditor

AUTH_KEYS = frozenset({"DefaultAuthorizer", "Authorizers", "ApiKeyRequired",
                       "AddDefaultAuthorizerToCorsPreflight", "AddApiKeyRequiredToCorsPreflight",
                       "ResourcePolicy", "UsagePlan", "InvokeRole", "DisableFunctionDefaultPermissions"})
AUTHORIZER_KEYS = frozenset({"UserPoolArn", "FunctionArn", "FunctionPayloadType", "FunctionInvokeRole",
                             "Identity", "AuthorizationScopes", "DisableFunctionDefaultPermissions"})
IAM_DEFINITION = {"x-amazon-apigateway-authtype": "awsSigv4", "type": "apiKey", "name": "Authorization",
                  "in": "header"}
API_KEY_DEFINITION = {"type": "apiKey", "name": "x-api-key", "in": "header"}
CALLER_CREDENTIALS = "arn:aws:iam::*:user/*"


def _invalid(owner: str, message: str, path: tuple[Any, ...]) -> Exception:
    return fail(f"Resource with id [{owner}] is invalid. {message}", path)


def add_auth(logical_id: str, props: dict[str, Json], editor: SwaggerEditor | None, ctx: SamContext,
             path: tuple[Any, ...], condition: Json) -> None:
    auth = props.get("Auth")
    if auth is None:
        auth = {}
    if not isinstance(auth, dict):
        raise _invalid(logical_id, "Type of property 'Auth' is invalid.", path + ("Auth",))
    for key in auth:
        if key not in AUTH_KEYS:
            raise _invalid(logical_id, f"Invalid value for 'Auth' property: unknown key '{key}'.",
                           path + ("Auth", key))
    authorizers = auth.get("Authorizers") or {}
    if not isinstance(authorizers, dict):
        raise _invalid(logical_id, "Authorizers must be a map.", path + ("Auth", "Authorizers"))
    default = auth.get("DefaultAuthorizer")
    if default is not None and not isinstance(default, str):
        raise _invalid(logical_id, "DefaultAuthorizer is not a string.", path + ("Auth", "DefaultAuthorizer"))
    if default is not None and default != "AWS_IAM" and default not in authorizers:
        raise _invalid(logical_id, f"Unable to set DefaultAuthorizer because '{default}' was not defined "
                       "in 'Authorizers'.", path + ("Auth", "DefaultAuthorizer"))
    if editor is None:
        if auth and (authorizers or default or auth.get("ApiKeyRequired")):
            raise _invalid(logical_id, "Auth works only with inline Swagger specified in 'DefinitionBody' "
                           "property.", path + ("Auth",))
        return
    definitions: dict[str, Json] = {}
    for name, spec in authorizers.items():
        definitions[name] = _authorizer(logical_id, name, spec, ctx, path + ("Auth", "Authorizers", name),
                                        condition)
    if definitions:
        editor.security_definitions().update(definitions)
    _apply_security(logical_id, auth, authorizers, default, editor, path)
    from stackengine.transform.sam.api_policy import add_custom_statements, add_resource_policy

    stage = props.get("StageName")
    for http_path, _method, op in editor.operations():
        method_auth = op.get("__SAM_AUTH") or {}
        if isinstance(method_auth, dict) and method_auth.get("ResourcePolicy") is not None:
            method_stage = op["__SAM_POLICY_STAGE"] if "__SAM_POLICY_STAGE" in op else stage
            add_resource_policy(logical_id, editor, method_auth["ResourcePolicy"], http_path, method_stage,
                                path + ("Auth", "ResourcePolicy"))
            if isinstance(method_auth["ResourcePolicy"], dict):
                add_custom_statements(editor, method_auth["ResourcePolicy"].get("CustomStatements"))
    if auth.get("ResourcePolicy") is not None:
        from stackengine.transform.sam.intrinsics import resolve_parameters

        auth = {**auth, "ResourcePolicy": resolve_parameters(auth["ResourcePolicy"], ctx)}
        for http_path in list(editor.paths):
            add_resource_policy(logical_id, editor, auth["ResourcePolicy"], http_path, stage,
                                path + ("Auth", "ResourcePolicy"))
        if isinstance(auth["ResourcePolicy"], dict):
            add_custom_statements(editor, auth["ResourcePolicy"].get("CustomStatements"))


def _authorizer(api_id: str, name: str, spec: Json, ctx: SamContext, path: tuple[Any, ...],
                condition: Json) -> dict[str, Json]:
    if not isinstance(spec, dict):
        raise _invalid(api_id, f"Authorizer {name} must be a map.", path)
    identity = spec.get("Identity") or {}
    if not isinstance(identity, dict):
        raise _invalid(api_id, f"Authorizer {name} Identity must be a map.", path + ("Identity",))
    scopes = spec.get("AuthorizationScopes")
    if scopes is not None and not isinstance(scopes, list):
        raise _invalid(api_id, f"Authorizer {name} AuthorizationScopes must be a list.",
                       path + ("AuthorizationScopes",))
    if "UserPoolArn" in spec:
        arns = spec["UserPoolArn"]
        authorizer: dict[str, Json] = {"type": "cognito_user_pools",
                                       "providerARNs": plain(arns) if isinstance(arns, list) else [plain(arns)]}
        if identity.get("ValidationExpression") is not None:
            authorizer["identityValidationExpression"] = plain(identity["ValidationExpression"])
        return {"type": "apiKey", "name": plain(identity.get("Header", "Authorization")), "in": "header",
                "x-amazon-apigateway-authtype": "cognito_user_pools",
                "x-amazon-apigateway-authorizer": authorizer}
    if "FunctionArn" not in spec:
        raise _invalid(api_id, f"Authorizer {name} must specify either FunctionArn or UserPoolArn.", path)
    payload = spec.get("FunctionPayloadType", "TOKEN")
    if payload not in ("TOKEN", "REQUEST"):
        raise _invalid(api_id, f"Authorizer {name} has invalid 'FunctionPayloadType': {payload}.",
                       path + ("FunctionPayloadType",))
    function_arn = plain(spec["FunctionArn"])
    uri = {"Fn::Sub": [f"arn:{ctx.partition}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/"
                       "functions/${__FunctionArn__}/invocations", {"__FunctionArn__": function_arn}]}
    authorizer = {"type": payload.lower(), "authorizerUri": uri}
    if spec.get("FunctionInvokeRole") not in (None, "NONE"):
        authorizer["authorizerCredentials"] = plain(spec["FunctionInvokeRole"])
    if identity.get("ReauthorizeEvery") is not None:
        authorizer["authorizerResultTtlInSeconds"] = plain(identity["ReauthorizeEvery"])
    definition: dict[str, Json] = {"type": "apiKey", "in": "header",
                                   "x-amazon-apigateway-authtype": "custom"}
    if payload == "TOKEN":
        definition["name"] = plain(identity.get("Header", "Authorization"))
        if identity.get("ValidationExpression") is not None:
            authorizer["identityValidationExpression"] = plain(identity["ValidationExpression"])
    else:
        definition["name"] = "Unused"
        sources = _identity_sources(api_id, name, identity, path)
        if sources:
            authorizer["identitySource"] = ", ".join(sources)
        elif identity.get("ReauthorizeEvery") != 0:
            raise _invalid(api_id, f"Authorizer {name} must specify Identity with at least one of "
                           "Headers, QueryStrings, StageVariables, or Context.", path + ("Identity",))
    definition["x-amazon-apigateway-authorizer"] = authorizer
    if not spec.get("DisableFunctionDefaultPermissions"):
        permission = resource("AWS::Lambda::Permission", {
            "Action": "lambda:InvokeFunction", "FunctionName": function_arn,
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {"Fn::Sub": [f"arn:{ctx.partition}:execute-api:${{AWS::Region}}:"
                                      "${AWS::AccountId}:${__ApiId__}/authorizers/*",
                                      {"__ApiId__": ref(api_id)}]}}, condition=condition)
        ctx.add(f"{api_id}{name}AuthorizerPermission", permission)
    return definition


IDENTITY_SOURCES = (("Headers", "method.request.header."), ("QueryStrings", "method.request.querystring."),
                    ("StageVariables", "stageVariables."), ("Context", "context."))


def _identity_sources(api_id: str, name: str, identity: dict[str, Json], path: tuple[Any, ...]) -> list[str]:
    out: list[str] = []
    for key, prefix in IDENTITY_SOURCES:
        values = identity.get(key)
        if values is None:
            continue
        if not isinstance(values, list):
            raise _invalid(api_id, f"Authorizer {name} Identity.{key} must be a list.", path + ("Identity", key))
        out.extend(prefix + str(v) for v in values)
    return out


def _apply_security(api_id: str, auth: dict[str, Json], authorizers: dict[str, Json], default: Json,
                    editor: SwaggerEditor, path: tuple[Any, ...]) -> None:
    names = {"AWS_IAM", *authorizers}
    preflight_default = auth.get("AddDefaultAuthorizerToCorsPreflight", True)
    preflight_key = auth.get("AddApiKeyRequiredToCorsPreflight", True)
    api_key_default = auth.get("ApiKeyRequired")
    for http_path, method, op in editor.operations():
        method_auth = op.get("__SAM_AUTH") or {}
        is_options = method == "options"
        existing: list[Json] = op["security"] if isinstance(op.get("security"), list) else []
        has_authorizer = any(isinstance(s, dict) and (names & set(s) or "NONE" in s) for s in existing)
        authorizer = method_auth.get("Authorizer")
        if authorizer is not None:
            if authorizer not in names and authorizer != "NONE":
                event = op.get("__SAM_EVENT", api_id)
                owner, _, event_name = event.partition(".")
                if not authorizers:
                    raise fail(f"Resource with id [{owner}] is invalid. Event with id [{event_name}] is "
                               f"invalid. Unable to set Authorizer [{authorizer}] on API method "
                               f"[{method}] for path [{http_path}] because the related API does not "
                               "define any Authorizers.", path)
                raise fail(f"Resource with id [{owner}] is invalid. Event with id [{event_name}] is "
                           f"invalid. Unable to set Authorizer [{authorizer}] on API method [{method}] "
                           f"for path [{http_path}] because it wasn't defined in the API's Authorizers.",
                           path)
            if authorizer == "NONE" and not default:
                event = op.get("__SAM_EVENT", api_id)
                owner, _, event_name = event.partition(".")
                raise fail(f"Resource with id [{owner}] is invalid. Event with id [{event_name}] is "
                           f"invalid. Unable to set Authorizer on API method [{method}] for path "
                           f"[{http_path}] because 'NONE' is only a valid value when a DefaultAuthorizer "
                           "on the API is specified.", path)
        elif not has_authorizer and default and (preflight_default or not is_options):
            authorizer = default
        security = [s for s in existing if not (isinstance(s, dict) and (names & set(s)))]
        if authorizer is not None and not (has_authorizer and "Authorizer" not in method_auth):
            scopes: Json = []
            if authorizer not in ("AWS_IAM", "NONE"):
                scopes = method_auth.get("AuthorizationScopes")
                if scopes is None:
                    scopes = (authorizers.get(authorizer) or {}).get("AuthorizationScopes") or []
            security.insert(0, {authorizer: plain(scopes)})
        elif has_authorizer:
            security = list(existing)
        api_key = method_auth.get("ApiKeyRequired")
        if api_key is None and api_key_default and (preflight_key or not is_options):
            api_key = True
        if api_key and not any(isinstance(s, dict) and "api_key" in s for s in security):
            security.append({"api_key": []})
            editor.security_definitions()["api_key"] = dict(API_KEY_DEFINITION)
        if security or method_auth.get("ApiKeyRequired") is False:
            op["security"] = security
        if authorizer == "AWS_IAM":
            editor.security_definitions()["AWS_IAM"] = dict(IAM_DEFINITION)
            if "InvokeRole" in method_auth:
                role = method_auth["InvokeRole"]
            elif "InvokeRole" in auth:
                role = auth["InvokeRole"]
            else:
                role = "CALLER_CREDENTIALS"
            if role == "CALLER_CREDENTIALS":
                role = CALLER_CREDENTIALS
            if role is not None and role != "NONE" and isinstance(op.get(INTEGRATION), dict):
                op[INTEGRATION]["credentials"] = plain(role)


def resource_policy(logical_id: str, props: dict[str, Json], ctx: SamContext,
                    path: tuple[Any, ...]) -> Json:
    policy = props.get("Policy")
    return plain(policy) if policy is not None else None


# --- usage plans ----------------------------------------------------------------------------------

SHARED_PLAN = "ServerlessUsagePlan"
SHARED_KEY = "ServerlessApiKey"
SHARED_PLAN_KEY = "ServerlessUsagePlanKey"


def add_usage_plan(logical_id: str, props: dict[str, Json], ctx: SamContext, path: tuple[Any, ...],
                   condition: Json, stage_id: str, attrs: dict[str, Json]) -> None:
    auth = props.get("Auth") or {}
    plan = auth.get("UsagePlan") if isinstance(auth, dict) else None
    if plan is None:
        return
    if not isinstance(plan, dict):
        raise _invalid(logical_id, "'UsagePlan' must be a map.", path + ("Auth", "UsagePlan"))
    from stackengine.transform.sam.intrinsics import resolve_parameters

    create = resolve_parameters(plan.get("CreateUsagePlan"), ctx)
    if create not in ("PER_API", "SHARED", "NONE"):
        raise _invalid(logical_id, "'CreateUsagePlan' accepts only PER_API, SHARED and NONE.",
                       path + ("Auth", "UsagePlan", "CreateUsagePlan"))
    if create == "NONE":
        return
    for key in plan:
        if key not in ("CreateUsagePlan", "Description", "Quota", "Tags", "Throttle", "UsagePlanName"):
            raise _invalid(logical_id, f"Invalid property '{key}' in 'UsagePlan'.",
                           path + ("Auth", "UsagePlan", key))
    stage = {"ApiId": ref(logical_id), "Stage": ref(stage_id)}
    key_stage = {"RestApiId": ref(logical_id), "StageName": ref(stage_id)}
    extra: dict[str, Json] = {k: attrs[k] for k in ("DeletionPolicy", "UpdateReplacePolicy") if k in attrs}
    plan_props = {k: plain(plan[k]) for k in ("Description", "Quota", "Tags", "Throttle", "UsagePlanName")
                  if k in plan}
    if create == "PER_API":
        plan_id, key_id, plan_key_id = f"{logical_id}UsagePlan", f"{logical_id}ApiKey", f"{logical_id}UsagePlanKey"
        ctx.add(plan_id, resource("AWS::ApiGateway::UsagePlan", {"ApiStages": [stage], **plan_props},
                                  condition=condition, DependsOn=[logical_id], **extra))
        ctx.add(key_id, resource("AWS::ApiGateway::ApiKey", {"Enabled": True, "StageKeys": [key_stage]},
                                 condition=condition, DependsOn=[plan_id], **extra))
        ctx.add(plan_key_id, resource("AWS::ApiGateway::UsagePlanKey", {
            "KeyId": ref(key_id), "KeyType": "API_KEY", "UsagePlanId": ref(plan_id)},
            condition=condition, DependsOn=[key_id], **extra))
        return
    existing = ctx.output.get(SHARED_PLAN)
    if existing is None:
        ctx.add(SHARED_PLAN, resource("AWS::ApiGateway::UsagePlan", {"ApiStages": [stage], **plan_props},
                                      DependsOn=[logical_id], **extra))
        ctx.add(SHARED_KEY, resource("AWS::ApiGateway::ApiKey", {"Enabled": True, "StageKeys": [key_stage]},
                                     DependsOn=[SHARED_PLAN], **extra))
        ctx.add(SHARED_PLAN_KEY, resource("AWS::ApiGateway::UsagePlanKey", {
            "KeyId": ref(SHARED_KEY), "KeyType": "API_KEY", "UsagePlanId": ref(SHARED_PLAN)},
            DependsOn=[SHARED_KEY], **extra))
        return
    existing["Properties"]["ApiStages"].append(stage)
    existing["DependsOn"].append(logical_id)
    ctx.output[SHARED_KEY]["Properties"]["StageKeys"].append(key_stage)
    # The shared resources take the attributes of the last API that sets them.
    for res_id in (SHARED_PLAN, SHARED_KEY, SHARED_PLAN_KEY):
        ctx.output[res_id].update(extra)


