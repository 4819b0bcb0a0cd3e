"""AWS::Serverless::Connector (and `Connectors` embedded in a resource): the permissions between a
source and destination resource, from connector profiles kept as data (`connector_profiles.json`):
an IAM managed policy on the source's (or destination's) role, a Lambda permission, or an SQS
queue / SNS topic policy."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources as importlib_resources
from typing import Any

from stackengine.transform.sam.common import attributes_of, Json, check_properties, fail, plain, Prop, resource
from stackengine.transform.sam.connector_types import SAM_TO_CFN, properties_of
from stackengine.transform.sam.context import SamContext

CONNECTOR = "AWS::Serverless::Connector"
SCHEMA: dict[str, Prop] = {"Source": Prop((dict,), required=True),
                           "Destination": Prop((dict, list), required=True),
                           "Permissions": Prop((list,), required=True), "SourceReference": Prop((dict,))}
PERMISSIONS = ("Read", "Write")
RESOURCE_SUFFIX = {"policy": "Policy", "queue_policy": "QueuePolicy", "topic_policy": "TopicPolicy"}


@lru_cache(maxsize=1)
def profiles() -> dict[str, Any]:
    text = importlib_resources.files(__package__).joinpath("connector_profiles.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def add_embedded_connectors(ctx: SamContext) -> None:
    """`Connectors:` on any resource become connectors named `<Resource><Connector>`."""
    resources = ctx.resources
    for logical_id in list(resources):
        res = resources[logical_id]
        if not isinstance(res, dict) or "Connectors" not in res:
            continue
        embedded = res.pop("Connectors")
        path = ("Resources", logical_id, "Connectors")
        if not isinstance(embedded, dict):
            raise fail(f"Resource with id [{logical_id}] is invalid. 'Connectors' must be a map.", path)
        for name, spec in embedded.items():
            if not isinstance(spec, dict) or not isinstance(spec.get("Properties"), dict):
                raise fail(f"Resource with id [{logical_id}] is invalid. Connector '{name}' must be a map "
                           "with 'Properties'.", path + (name,))
            for key in spec:
                if key not in ("Properties", "DependsOn", "Condition", "DeletionPolicy",
                               "UpdateReplacePolicy", "Metadata"):
                    raise fail(f"Resource with id [{logical_id}] is invalid. Connector '{name}' has an "
                               f"invalid attribute '{key}'.", path + (name, key))
            props = dict(spec["Properties"])
            if "Source" in props:
                raise fail(f"Resource with id [{logical_id}] is invalid. Embedded connector '{name}' must "
                           "not set 'Source'.", path + (name, "Properties", "Source"))
            props["Source"] = {"Id": logical_id}
            connector_id = f"{logical_id}{name}"
            if connector_id in resources:
                raise fail(f"Resource with id [{connector_id}] is invalid. The embedded connector's "
                           "logical ID collides with an existing resource.", path + (name,))
            resources[connector_id] = {**{k: v for k, v in spec.items() if k != "Properties"},
                                       "Type": CONNECTOR, "Properties": props,
                                       "__EMBEDDED_PATH": path + (name,)}


def _endpoint(owner: str, spec: Json, ctx: SamContext, path: tuple[Any, ...]) -> tuple[str, str, str | None, dict[str, Json]]:
    """(type for metadata, CloudFormation type for the profile, logical id, properties)."""
    if not isinstance(spec, dict):
        raise fail(f"Resource with id [{owner}] is invalid. Connector endpoints must be maps.", path)
    if "Id" in spec:
        logical_id = spec["Id"]
        res = ctx.resources.get(logical_id) if isinstance(logical_id, str) else None
        if not isinstance(res, dict):
            raise fail(f"Resource with id [{owner}] is invalid. Unable to find resource with logical ID "
                       f"'{logical_id}'.", path + ("Id",))
        type_ = str(res.get("Type"))
        cfn = SAM_TO_CFN.get(type_, type_)
        props = properties_of(cfn, str(logical_id), res)
        for key, value in spec.items():
            if key != "Id":
                props[key] = plain(value)
        return type_, cfn, str(logical_id), props
    given = spec.get("Type")
    if not isinstance(given, str):
        raise fail(f"Resource with id [{owner}] is invalid. 'Type' is missing or not a string.", path)
    cfn = SAM_TO_CFN.get(given, given)
    props = {k: plain(v) for k, v in spec.items() if k != "Type"}
    if cfn in ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"):
        props.setdefault("Qualifier", "*")
    return cfn, cfn, None, props


def _fill(node: Json, values: dict[str, Json], owner: str, path: tuple[Any, ...]) -> Json:
    if isinstance(node, str) and node.startswith("%{") and node.endswith("}"):
        name = node[2:-1]
        value = values.get(name)
        if value is None:
            side, _, prop = name.partition(".")
            raise fail(f"Resource with id [{owner}] is invalid. Unable to get {side.lower()} resource "
                       f"{prop}; specify '{prop}' on '{side}'.", path + (side,))
        return plain(value)
    if isinstance(node, dict):
        return {k: _fill(v, values, owner, path) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, values, owner, path) for v in node]
    return node


def translate_connector(logical_id: str, res: dict[str, Json], ctx: SamContext) -> None:
    path = res.get("__EMBEDDED_PATH") or ("Resources", logical_id)
    path = tuple(path) + ("Properties",)
    props: dict[str, Json] = res.get("Properties") or {}
    check_properties(CONNECTOR, logical_id, props, SCHEMA, path)
    permissions = props["Permissions"]
    if not permissions or any(p not in PERMISSIONS for p in permissions):
        raise fail(f"Resource with id [{logical_id}] is invalid. Unsupported 'Permissions' provided; valid "
                   "values are: Read, Write.", path + ("Permissions",))
    src_meta, src_type, src_id, src_props = _endpoint(logical_id, props["Source"], ctx, path + ("Source",))
    if isinstance(props.get("SourceReference"), dict):
        src_props.update(plain(props["SourceReference"]))
    destinations = props["Destination"] if isinstance(props["Destination"], list) else [props["Destination"]]
    attrs = attributes_of(res, "Condition", "DeletionPolicy", "UpdateReplacePolicy", "DependsOn")
    user_metadata = res.get("Metadata") if isinstance(res.get("Metadata"), dict) else {}
    for index, dest_spec in enumerate(destinations):
        dpath = path + ("Destination",) + ((index,) if len(destinations) > 1 else ())
        dst_meta, dst_type, dst_id, dst_props = _endpoint(logical_id, dest_spec, ctx, dpath)
        profile = profiles().get(src_type, {}).get(dst_type)
        if profile is None:
            raise fail(f"Resource with id [{logical_id}] is invalid. Unable to create connector from "
                       f"{src_type} to {dst_type}; it's not supported or the template is invalid.", path)
        values = {f"Source.{k}": v for k, v in src_props.items()}
        values.update({f"Destination.{k}": v for k, v in dst_props.items()})
        suffix = f"Destination{index}" if len(destinations) > 1 else ""
        metadata = {**plain(user_metadata), "aws:sam:connectors": {logical_id: {
            "Source": {"Type": src_meta}, "Destination": {"Type": dst_meta}}}}
        kind = profile["Kind"]
        if kind == "lambda_permission":
            for permission in dict.fromkeys(permissions):
                template = profile["Permission"].get(f"{permission}LambdaPermission")
                if template is None:
                    raise fail(f"Resource with id [{logical_id}] is invalid. Unsupported 'Permissions' "
                               f"provided for connector from {src_type} to {dst_type}; valid values are: "
                               "Write.", path + ("Permissions",))
                ctx.add(f"{logical_id}{permission}LambdaPermission{suffix}", {
                    **resource("AWS::Lambda::Permission", _fill(template, values, logical_id, path)),
                    "Metadata": metadata, **attrs})
            continue
        statements = _statements(profile, permissions, logical_id, src_type, dst_type, path)
        document = {"Version": "2012-10-17", "Statement": _fill(statements, values, logical_id, path)}
        if kind == "policy":
            role_side = profile.get("Role") or "Source"
            role = values.get(f"{role_side}.RoleName")
            if role is None:
                raise fail(f"Resource with id [{logical_id}] is invalid. Unable to get IAM role name from "
                           f"'{role_side}' resource.", path + (role_side,))
            properties: dict[str, Json] = {"PolicyDocument": document, "Roles": [plain(role)]}
            type_ = "AWS::IAM::ManagedPolicy"
        elif kind == "queue_policy":
            properties = {"PolicyDocument": document,
                          "Queues": [_fill("%{Destination.QueueUrl}", values, logical_id, path)]}
            type_ = "AWS::SQS::QueuePolicy"
        else:
            properties = {"PolicyDocument": document,
                          "Topics": [_fill("%{Destination.Arn}", values, logical_id, path)]}
            type_ = "AWS::SNS::TopicPolicy"
        generated_id = f"{logical_id}{RESOURCE_SUFFIX[kind]}{suffix}"
        ctx.add(generated_id, {**resource(type_, properties), "Metadata": metadata, **attrs})
        _add_dependencies(ctx, kind, profile, src_type, dst_type, src_id, dst_id, src_props, generated_id)


def _statements(profile: dict[str, Any], permissions: list[str], owner: str, src: str, dst: str,
                path: tuple[Any, ...]) -> list[Json]:
    table: dict[str, list[Json]] = profile["Statements"]
    key = ",".join(sorted(set(permissions)))
    if key in table:
        return list(table[key])
    out: list[Json] = []
    for permission in dict.fromkeys(permissions):
        if permission not in table:
            raise fail(f"Resource with id [{owner}] is invalid. Unsupported 'Permissions' provided for "
                       f"connector from {src} to {dst}; valid values are: {', '.join(sorted(table))}.",
                       path + ("Permissions",))
        out.extend(table[permission])
    return out


def _add_dependencies(ctx: SamContext, kind: str, profile: dict[str, Any], src_type: str, dst_type: str,
                      src_id: str | None, dst_id: str | None, src_props: dict[str, Json],
                      generated_id: str) -> None:
    """Resources that need the permissions at creation wait for the policy: an event source mapping
    reading the source into the destination function, or a state machine starting another."""
    if kind != "policy":
        return
    if src_type == dst_type == "AWS::StepFunctions::StateMachine" and src_id is not None:
        _depends(ctx, src_id, generated_id)
        return
    if profile.get("Role") == "Destination" and dst_id is not None:
        for logical_id, res in ctx.resources.items():
            if not isinstance(res, dict) or res.get("Type") != "AWS::Lambda::EventSourceMapping":
                continue
            props = res.get("Properties") or {}
            stream = {"Fn::GetAtt": [src_id, "StreamArn"]} if src_id else None
            if props.get("FunctionName") in ({"Ref": dst_id}, {"Fn::GetAtt": [dst_id, "Arn"]}) \
                    and props.get("EventSourceArn") in (
                    src_props.get("Arn"), stream):
                _depends(ctx, logical_id, generated_id)


def _depends(ctx: SamContext, logical_id: str, dependency: str) -> None:
    target = ctx.output.get(logical_id) or ctx.resources.get(logical_id)
    if not isinstance(target, dict):
        return
    depends = target.get("DependsOn")
    items = [depends] if isinstance(depends, str) else list(depends or [])
    if dependency not in items:
        items.append(dependency)
    target["DependsOn"] = items
