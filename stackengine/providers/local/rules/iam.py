"""IAM: policy documents must be well formed; policies attach to roles/users/groups that exist.

The same document checks apply to resource policies (bucket, queue, topic policies), which also
need a Principal in each statement.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from stackengine.providers.local.rules.base import (RuleContext, as_list, on_write, service_error)

_VERSIONS = ("2012-10-17", "2008-10-17")
_STATEMENT_KEYS = frozenset({"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
                             "Resource", "NotResource", "Condition"})


class PolicyKind:
    IDENTITY = "identity"   # attached to a role/user/group: needs Resource, no Principal
    TRUST = "trust"         # a role's AssumeRolePolicyDocument: needs Principal, no Resource
    RESOURCE = "resource"   # bucket/queue/topic policies: needs Principal and Resource


def _malformed(detail: str) -> Exception:
    return service_error(f"{detail}", "Iam", 400, "MalformedPolicyDocument")


def policy_problem(document: Any, kind: str) -> str | None:
    """Why IAM would call this document malformed, or None if it is well formed."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return "Syntax errors in policy."
    if not isinstance(document, dict):
        return "Syntax errors in policy."
    unknown = set(document) - {"Version", "Id", "Statement"}
    if unknown:
        return f"Syntax errors in policy. Unknown field {sorted(unknown)[0]}"
    if "Version" in document and document["Version"] not in _VERSIONS:
        return "The policy failed legacy parsing"
    statements = document.get("Statement")
    if statements is None or statements == []:
        return "Syntax errors in policy. Missing required field Statement"
    for statement in as_list(statements):
        if not isinstance(statement, dict):
            return "Syntax errors in policy."
        extra = set(statement) - _STATEMENT_KEYS
        if extra:
            return f"Syntax errors in policy. Unknown field {sorted(extra)[0]}"
        if statement.get("Effect") not in ("Allow", "Deny"):
            return "Syntax errors in policy. Effect must be Allow or Deny"
        if "Action" not in statement and "NotAction" not in statement:
            return "Policy statement must contain actions."
        has_principal = "Principal" in statement or "NotPrincipal" in statement
        has_resource = "Resource" in statement or "NotResource" in statement
        if kind == PolicyKind.IDENTITY and has_principal:
            return "Policy document should not specify a principal."
        if kind == PolicyKind.IDENTITY and not has_resource:
            return "Policy statement must contain resources."
        if kind in (PolicyKind.TRUST, PolicyKind.RESOURCE) and not has_principal:
            return "Has prohibited field Resource" if kind == PolicyKind.TRUST and has_resource \
                else "Policy document should specify a principal."
        if kind == PolicyKind.TRUST and has_resource:
            return "Has prohibited field Resource"
        for key in ("Action", "NotAction"):
            for action in as_list(statement.get(key)):
                if not isinstance(action, str) or (action != "*" and ":" not in action):
                    return f"Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
    return None


def _check(document: Any, kind: str) -> None:
    if document is None:
        return
    problem = policy_problem(document, kind)
    if problem:
        raise _malformed(problem)


# type name -> [(property path getter, kind)]: where each type carries policy documents.
_DOCUMENTS: dict[str, list[tuple[Callable[[dict[str, Any]], list[Any]], str]]] = {
    "AWS::IAM::Role": [
        (lambda p: [p.get("AssumeRolePolicyDocument")], PolicyKind.TRUST),
        (lambda p: [x.get("PolicyDocument") for x in as_list(p.get("Policies")) if isinstance(x, dict)],
         PolicyKind.IDENTITY)],
    "AWS::IAM::User": [
        (lambda p: [x.get("PolicyDocument") for x in as_list(p.get("Policies")) if isinstance(x, dict)],
         PolicyKind.IDENTITY)],
    "AWS::IAM::Group": [
        (lambda p: [x.get("PolicyDocument") for x in as_list(p.get("Policies")) if isinstance(x, dict)],
         PolicyKind.IDENTITY)],
    "AWS::IAM::Policy": [(lambda p: [p.get("PolicyDocument")], PolicyKind.IDENTITY)],
    "AWS::IAM::ManagedPolicy": [(lambda p: [p.get("PolicyDocument")], PolicyKind.IDENTITY)],
    "AWS::IAM::RolePolicy": [(lambda p: [p.get("PolicyDocument")], PolicyKind.IDENTITY)],
    "AWS::S3::BucketPolicy": [(lambda p: [p.get("PolicyDocument")], PolicyKind.RESOURCE)],
    "AWS::SQS::QueuePolicy": [(lambda p: [p.get("PolicyDocument")], PolicyKind.RESOURCE)],
    "AWS::SNS::TopicPolicy": [(lambda p: [p.get("PolicyDocument")], PolicyKind.RESOURCE)],
}


@on_write(*_DOCUMENTS)
def documents_well_formed(ctx: RuleContext) -> None:
    for getter, kind in _DOCUMENTS[ctx.type_name]:
        for document in getter(dict(ctx.properties)):
            _check(document, kind)


# property -> (type of the named entity, IAM's word for it)
_ATTACHMENTS = {"Roles": ("AWS::IAM::Role", "role"), "Users": ("AWS::IAM::User", "user"),
                "Groups": ("AWS::IAM::Group", "group")}


@on_write("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::InstanceProfile")
def attached_entities_exist(ctx: RuleContext) -> None:
    props = ctx.properties
    if ctx.type_name == "AWS::IAM::Policy" and not any(props.get(k) for k in _ATTACHMENTS):
        raise service_error("At least one of [Groups,Roles,Users] must be non-empty.", "Iam", 400,
                            "InvalidInput")
    for prop, (type_name, word) in _ATTACHMENTS.items():
        for name in as_list(props.get(prop)):
            if not isinstance(name, str):
                continue
            name = name.rsplit("/", 1)[-1]  # an ARN given where a name belongs: IAM uses the last part
            found = ctx.store.find_by_name(type_name, f"{ctx.account_id}", name)
            if found is None:
                raise service_error(f"The {word} with name {name} cannot be found.", "Iam", 404,
                                    "NoSuchEntity", "NotFound")
