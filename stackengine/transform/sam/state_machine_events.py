"""State machine event sources: EventBridge rules / schedules and API Gateway routes that start
executions through roles SAM creates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stackengine.transform.sam.common import (
    ANY, BOOL, DICT, STR, Json, Prop, fail, getatt, plain, resource,
)
from stackengine.transform.sam.events import iter_events
from stackengine.transform.sam.events.api_event import api_id_of
from stackengine.transform.sam.events.push import dead_letter_config
from stackengine.transform.sam.events.schedule_v2 import schedule_v2
from stackengine.transform.sam.events.spec import check_event
from stackengine.transform.sam.policies import assume_role
from stackengine.transform.sam.swagger import NO_VALUE, SwaggerEditor, normalize_method

if TYPE_CHECKING:
    from stackengine.transform.sam.state_machine import StateMachineTarget

Path = tuple[Any, ...]


def _event_role(target: StateMachineTarget, event_id: str, principal: str, suffix: str = "Role") -> str:
    permissions_boundary = plain(target.properties.get("PermissionsBoundary"))
    role_id = f"{target.logical_id}{event_id}{suffix}"
    target.add(role_id, resource("AWS::IAM::Role", {
        "AssumeRolePolicyDocument": assume_role(principal),
        "Policies": [{"PolicyName": f"{role_id}StartExecutionPolicy",
                      "PolicyDocument": {"Statement": [{"Action": "states:StartExecution",
                                                        "Effect": "Allow", "Resource": target.arn}]}}],
        "PermissionsBoundary": permissions_boundary,
    }))
    return role_id


def _rule_target(target: StateMachineTarget, name: str, props: dict[str, Json], rule_id: str,
                 path: Path) -> dict[str, Json]:
    spec = props.get("Target") or {}
    out: dict[str, Json] = {"Arn": target.arn,
                            "Id": plain(spec.get("Id")) if spec.get("Id") else f"{rule_id}StepFunctionsTarget"}
    if props.get("RoleArn") is not None:
        out["RoleArn"] = plain(props["RoleArn"])
    else:
        out["RoleArn"] = getatt(_event_role(target, name, "events.amazonaws.com"), "Arn")
    for key in ("Input", "InputPath", "InputTransformer", "RetryPolicy"):
        if props.get(key) is not None:
            out[key] = plain(props[key])
    if props.get("DeadLetterConfig") is not None:
        out["DeadLetterConfig"] = dead_letter_config(target.logical_id, name, rule_id,
                                                     props["DeadLetterConfig"], path + ("DeadLetterConfig",),
                                                     target.add)
    return out


SCHEDULE_SCHEMA = {"Schedule": Prop((str, dict), required=True), "Input": STR, "Name": STR,
                   "Description": STR, "Enabled": BOOL, "State": STR, "DeadLetterConfig": DICT,
                   "RetryPolicy": DICT, "Target": DICT, "RoleArn": ANY}
RULE_SCHEMA = {"Pattern": DICT, "EventBusName": STR, "Input": STR, "InputPath": STR, "Target": DICT,
               "DeadLetterConfig": DICT, "RetryPolicy": DICT, "RuleName": STR, "State": STR,
               "InputTransformer": DICT, "RoleArn": ANY}


def schedule(target: StateMachineTarget, name: str, props: dict[str, Json], path: Path) -> None:
    check_event(target.logical_id, name, "Schedule", props, SCHEDULE_SCHEMA, path)
    rule_id = f"{target.logical_id}{name}"
    if "State" in props and "Enabled" in props:
        raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is invalid. "
                   "State and Enabled Properties cannot both be specified.", path)
    state = plain(props.get("State"))
    if state is None and "Enabled" in props:
        state = "ENABLED" if props["Enabled"] else "DISABLED"
    target.add(rule_id, resource("AWS::Events::Rule", {
        "ScheduleExpression": plain(props["Schedule"]), "State": state,
        "Name": plain(props.get("Name")), "Description": plain(props.get("Description")),
        "Targets": [_rule_target(target, name, props, rule_id, path)]}))


def rule(target: StateMachineTarget, name: str, props: dict[str, Json], path: Path) -> None:
    check_event(target.logical_id, name, "EventBridgeRule", props, RULE_SCHEMA, path)
    rule_id = f"{target.logical_id}{name}"
    target.add(rule_id, resource("AWS::Events::Rule", {
        "EventPattern": plain(props.get("Pattern")), "EventBusName": plain(props.get("EventBusName")),
        "State": plain(props.get("State")), "Name": plain(props.get("RuleName")),
        "Targets": [_rule_target(target, name, props, rule_id, path)]}))


API_SCHEMA = {"Path": Prop((str,), required=True), "Method": Prop((str,), required=True),
              "RestApiId": Prop((str, dict)), "Auth": DICT,
              "UnescapeMappingTemplate": Prop((bool,), intrinsic=False)}


def api(target: StateMachineTarget, name: str, props: dict[str, Json], path: Path) -> None:
    check_event(target.logical_id, name, "Api", props, API_SCHEMA, path)
    ctx = target.ctx
    owner = target.logical_id
    rest_api = props.get("RestApiId")
    api_id = api_id_of(rest_api) or (rest_api if isinstance(rest_api, str) else None)
    api_res = ctx.resources.get(api_id) if api_id else None
    if api_id is not None and (not isinstance(api_res, dict) or api_res.get("Type") != "AWS::Serverless::Api"):
        raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. RestApiId "
                   "must be a valid reference to an 'AWS::Serverless::Api' resource in same template.",
                   path + ("RestApiId",))
    role_id = _event_role(target, name, "apigateway.amazonaws.com")
    if api_res is None:
        return
    api_props = api_res.setdefault("Properties", {})
    body = api_props.get("DefinitionBody")
    if not api_props.get("__MANAGE_SWAGGER") or not isinstance(body, dict):
        return
    editor = SwaggerEditor(body)
    method = normalize_method(props["Method"])
    http_path = props["Path"]
    if editor.has_integration(http_path, method):
        raise fail(f"Resource with id [{api_id}] is invalid. API method '{method}' defined multiple times "
                   f"for path '{http_path}'.", path)
    arn_var = target.arn["Ref"]
    unescape = ".replaceAll(\"\\\\'\",\"'\")" if props.get("UnescapeMappingTemplate") else ""
    template = ("{\"input\": \"$util.escapeJavaScript($input.json('$'))" + unescape +
                "\", \"stateMachineArn\": \"${" + arn_var + "}\"}")
    op: dict[str, Json] = {
        "x-amazon-apigateway-integration": {
            "type": "aws", "httpMethod": "POST",
            "uri": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:states:action/StartExecution"},
            "credentials": getatt(role_id, "Arn"),
            "requestTemplates": {"application/json": {"Fn::Sub": template}},
            "responses": {"200": {"statusCode": "200"}, "400": {"statusCode": "400"}},
        },
        "responses": {"200": {"description": "OK"}, "400": {"description": "Bad Request"}},
    }
    if props.get("Auth") is not None:
        op["__SAM_AUTH"] = plain(props["Auth"])
    op["__SAM_EVENT"] = f"{owner}.{name}"
    # The reference leaves the stage of a state machine event's resource policy unset.
    op["__SAM_POLICY_STAGE"] = None
    from stackengine.transform.sam.conditions import record_method

    record_method(ctx, str(api_id), http_path, method, target.condition)
    methods = editor.path_item(http_path)
    if target.condition:
        integration = op["x-amazon-apigateway-integration"]
        integration["uri"] = {"Fn::If": [target.condition, integration["uri"], NO_VALUE]}
        methods[method] = {"Fn::If": [target.condition, op, NO_VALUE]}
    else:
        methods[method] = op


EVENT_TYPES = {"Schedule": schedule, "ScheduleV2": schedule_v2, "CloudWatchEvent": rule,
               "EventBridgeRule": rule, "Api": api}


def translate_events(target: StateMachineTarget) -> None:
    events = target.properties.get("Events")
    for name, type_, props, event_path in iter_events(target.logical_id, events,
                                                      target.path + ("Events",),
                                                      {k: k for k in EVENT_TYPES}):
        EVENT_TYPES[type_](target, name, props, event_path)


