"""IAM roles SAM generates, and the `Policies` property: managed policy names/ARNs, inline policy
documents, and SAM policy templates (expanded from the data in `policy_templates.json`)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources as importlib_resources
from typing import Any

from stackengine.transform.sam.common import Json, SamError, fail, is_intrinsic, plain, resource, tag_list
from stackengine.transform.sam.context import SamContext

LAMBDA_ASSUME_ROLE = {
    "Version": "2012-10-17",
    "Statement": [{"Action": ["sts:AssumeRole"], "Effect": "Allow",
                   "Principal": {"Service": ["lambda.amazonaws.com"]}}],
}

DLQ_ACTIONS = {"SNS": "sns:Publish", "SQS": "sqs:SendMessage"}


def assume_role(service: str) -> dict[str, Json]:
    return {"Version": "2012-10-17",
            "Statement": [{"Action": ["sts:AssumeRole"], "Effect": "Allow",
                           "Principal": {"Service": [service]}}]}


def managed_arn(ctx: SamContext, name: str) -> str:
    return f"arn:{ctx.partition}:iam::aws:policy/{name}"


@lru_cache(maxsize=1)
def policy_templates() -> dict[str, Any]:
    text = importlib_resources.files(__package__).joinpath("policy_templates.json").read_text()
    data: dict[str, Any] = json.loads(text)["Templates"]
    return data


# --- the Policies property ----------------------------------------------------------------------

def _kind(policy: Json) -> str:
    if isinstance(policy, str):
        return "managed"
    if isinstance(policy, dict) and len(policy) == 1 and "Fn::If" in policy:
        branches = policy["Fn::If"]
        if not isinstance(branches, list) or len(branches) != 3:
            return "unknown"
        for branch in branches[1:]:
            if branch != {"Ref": "AWS::NoValue"}:
                return _kind(branch)
        return "managed"
    if is_intrinsic(policy):
        return "managed"
    if isinstance(policy, dict) and "Statement" in policy:
        return "statement"
    if isinstance(policy, dict) and len(policy) == 1 and next(iter(policy)) in policy_templates():
        return "template"
    return "unknown"


def expand_template(owner_id: str, policy: dict[str, Json], path: tuple[Any, ...]) -> Json:
    """`{TemplateName: {Param: value}}` → the policy document with the values substituted."""
    name, values = next(iter(policy.items()))
    template = policy_templates()[name]
    if values is None:
        values = {}
    if not isinstance(values, dict) or is_intrinsic(values):
        raise fail(f"Resource with id [{owner_id}] is invalid. The value of policy template '{name}' "
                   "must be a map of its parameter values.", path + (name,))
    missing = [p for p in template["Parameters"] if p not in values]
    if missing:
        raise fail(f"Resource with id [{owner_id}] is invalid. Must specify valid parameter values "
                   f"for policy template '{name}'. Missing: {', '.join(missing)}", path + (name,))
    return _substitute(template["Definition"], {k: values[k] for k in template["Parameters"]})


def _substitute(node: Json, values: dict[str, Json]) -> Json:
    if isinstance(node, dict):
        if len(node) == 1 and "Ref" in node and node["Ref"] in values:
            return plain(values[node["Ref"]])
        return {k: _substitute(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, values) for v in node]
    return node


def _expand_entry(owner_id: str, policy: Json, path: tuple[Any, ...]) -> Json:
    """Policy templates (also inside Fn::If) become policy documents."""
    if isinstance(policy, dict) and len(policy) == 1 and "Fn::If" in policy:
        cond, then, other = policy["Fn::If"]
        return {"Fn::If": [cond, _expand_entry(owner_id, then, path), _expand_entry(owner_id, other, path)]}
    if _kind(policy) == "template":
        return expand_template(owner_id, policy, path)
    return policy


def apply_policies(role_id: str, owner_id: str, value: Json, ctx: SamContext,
                   managed: list[Json], inline: list[Json], path: tuple[Any, ...]) -> None:
    """Add the `Policies` property's entries to a role's managed ARNs and inline policies."""
    if value is None:
        return
    entries = value if isinstance(value, list) else [value]
    for index, policy in enumerate(entries):
        entry_path = path + ((index,) if isinstance(value, list) else ())
        kind = _kind(policy)
        if kind == "template":
            policy = _expand_entry(owner_id, policy, entry_path)
            kind = "statement"
        elif kind == "statement" and isinstance(policy, dict) and "Fn::If" in policy:
            policy = _expand_entry(owner_id, policy, entry_path)
        if kind == "managed":
            arn = policy
            if isinstance(policy, str):
                arn = ctx.lookups.managed_policy_arn(policy) or policy
            arn = plain(arn)
            if arn not in managed:
                managed.append(arn)
        elif kind == "statement":
            name = f"{role_id}Policy{index}"
            if isinstance(policy, dict) and "Fn::If" in policy and len(policy) == 1:
                cond, then, other = policy["Fn::If"]
                inline.append({"Fn::If": [cond, _named(name, then), _named(name, other)]})
            else:
                if not isinstance(policy.get("Statement"), (list, dict)) and not is_intrinsic(policy.get("Statement")):
                    raise fail(f"Resource with id [{owner_id}] is invalid. Policy at index {index} in "
                               "the 'Policies' property is not valid", entry_path)
                inline.append({"PolicyName": name, "PolicyDocument": plain(policy)})
        else:
            raise fail(f"Resource with id [{owner_id}] is invalid. Policy at index {index} in the "
                       "'Policies' property is not valid", entry_path)


def _named(name: str, document: Json) -> Json:
    if document == {"Ref": "AWS::NoValue"}:
        return document
    return {"PolicyName": name, "PolicyDocument": plain(document)}


# --- the function's role ------------------------------------------------------------------------

def function_role(logical_id: str, role_id: str, props: dict[str, Json], ctx: SamContext,
                  path: tuple[Any, ...], condition: Json, attributes: dict[str, Json]) -> dict[str, Json]:
    # Durable functions get the durable variant of the basic execution policy.
    basic = "AWSLambdaBasicDurableExecutionRolePolicy" if props.get("DurableConfig") is not None \
        else "AWSLambdaBasicExecutionRole"
    managed: list[Json] = [managed_arn(ctx, f"service-role/{basic}")]
    from stackengine.transform.sam.function import tracing_enabled

    if tracing_enabled(props.get("Tracing"), ctx):
        managed.append(managed_arn(ctx, "AWSXrayWriteOnlyAccess"))
    if props.get("VpcConfig") is not None:
        managed.append(managed_arn(ctx, "service-role/AWSLambdaVPCAccessExecutionRole"))
    inline: list[Json] = []
    apply_policies(role_id, logical_id, props.get("Policies"), ctx, managed, inline,
                   path + ("Policies",))
    dlq = props.get("DeadLetterQueue")
    if isinstance(dlq, dict) and isinstance(dlq.get("Type"), str) and dlq["Type"] in DLQ_ACTIONS:
        inline.append({"PolicyName": "DeadLetterQueuePolicy", "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": DLQ_ACTIONS[dlq["Type"]], "Effect": "Allow",
                           "Resource": plain(dlq.get("TargetArn"))}]}})
    role_props: dict[str, Json] = {
        "AssumeRolePolicyDocument": plain(props.get("AssumeRolePolicyDocument") or LAMBDA_ASSUME_ROLE),
        "ManagedPolicyArns": managed,
        "Policies": inline,
        "Tags": tag_list(props.get("Tags"), sam_tag=not props.get("PropagateTags")),
        "PermissionsBoundary": plain(props.get("PermissionsBoundary")),
        "Path": plain(props.get("RolePath")),
    }
    extra = {k: attributes[k] for k in ("DeletionPolicy", "UpdateReplacePolicy") if k in attributes}
    return resource("AWS::IAM::Role", role_props, condition=condition, **extra)


def finish_role(role: dict[str, Json]) -> None:
    props = role["Properties"]
    if not props.get("Policies"):
        props.pop("Policies", None)
    if "ManagedPolicyArns" in props and not props["ManagedPolicyArns"]:
        props.pop("ManagedPolicyArns")


__all__ = ["SamError", "apply_policies", "function_role", "finish_role", "assume_role"]
