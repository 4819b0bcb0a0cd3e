"""Safety rules CloudFormation enforces before it changes a stack: names, capabilities, stack
policies, termination protection and exports in use. Pure functions of the plan and the stored
state."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from stackengine.diagnostics import Diagnostic, Span, StackEngineError, TemplateError, TemplatePath
from stackengine.plan.changeset import Action, Replacement, ResourceChange
from stackengine.template.model import ResourceDecl

if TYPE_CHECKING:
    from stackengine.intrinsics.references import Reference

Json = Any

CAPABILITY_IAM = "CAPABILITY_IAM"
CAPABILITY_NAMED_IAM = "CAPABILITY_NAMED_IAM"
CAPABILITY_AUTO_EXPAND = "CAPABILITY_AUTO_EXPAND"
CAPABILITIES = (CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND)

IAM_TYPES = frozenset({
    "AWS::IAM::AccessKey", "AWS::IAM::Group", "AWS::IAM::GroupPolicy", "AWS::IAM::InstanceProfile",
    "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::RolePolicy",
    "AWS::IAM::User", "AWS::IAM::UserPolicy", "AWS::IAM::UserToGroupAddition",
})
# The property that gives an IAM resource a custom name (needs CAPABILITY_NAMED_IAM).
IAM_NAME_PROPERTIES: Mapping[str, str] = {
    "AWS::IAM::Role": "RoleName", "AWS::IAM::User": "UserName", "AWS::IAM::Group": "GroupName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
}
# Transforms CloudFormation hosts and expands inside change sets without acknowledgement.
HOSTED_TRANSFORMS = frozenset({"AWS::Serverless-2016-10-31", "AWS::LanguageExtensions",
                               "AWS::Include", "AWS::CodeDeployBlueGreen",
                               "AWS::SecretsManager-2020-07-23"})


NAME_PATTERN = "[a-zA-Z][-a-zA-Z0-9]*"
MAX_NAME_LENGTH = 128


class InvalidName(StackEngineError):
    """A stack or change set name CloudFormation's API would refuse."""


class InsufficientCapabilitiesError(StackEngineError):
    pass


class StackPolicyDenied(StackEngineError):
    pass


class TerminationProtected(StackEngineError):
    pass


def required_capabilities(resources: Mapping[str, ResourceDecl],
                          transforms: Iterable[str] = ()) -> list[str]:
    needed: set[str] = set()
    for resource in resources.values():
        if resource.type in IAM_TYPES:
            needed.add(CAPABILITY_IAM)
            name_prop = IAM_NAME_PROPERTIES.get(resource.type)
            if name_prop and name_prop in resource.properties:
                needed.add(CAPABILITY_NAMED_IAM)
        if resource.type == "AWS::CloudFormation::Stack":
            needed.add(CAPABILITY_AUTO_EXPAND)
    if any(t not in HOSTED_TRANSFORMS for t in transforms):
        needed.add(CAPABILITY_AUTO_EXPAND)
    return sorted(needed)


def check_name(field: str, value: str) -> None:
    """`field` is the API's name for it (`stackName`, `changeSetName`): the constraints and the
    wording of CloudFormation's ValidationError."""
    problems = []
    if not re.fullmatch(NAME_PATTERN, value):
        problems.append(f"Value '{value}' at '{field}' failed to satisfy constraint: Member must "
                        f"satisfy regular expression pattern: {NAME_PATTERN}")
    if len(value) > MAX_NAME_LENGTH:
        problems.append(f"Value '{value}' at '{field}' failed to satisfy constraint: Member must "
                        f"have length less than or equal to {MAX_NAME_LENGTH}")
    if problems:
        count = len(problems)
        raise InvalidName(f"{count} validation error{'s' if count > 1 else ''} detected: "
                          + "; ".join(problems))


def check_capabilities(required: Sequence[str], given: Iterable[str]) -> None:
    have = set(given)
    unknown = sorted(have - set(CAPABILITIES))
    if unknown:
        raise InsufficientCapabilitiesError(
            f"unknown capabilities {unknown}; valid: {', '.join(CAPABILITIES)}")
    if CAPABILITY_NAMED_IAM in have:
        have.add(CAPABILITY_IAM)  # NAMED_IAM acknowledges everything IAM does
    missing = [c for c in required if c not in have]
    if CAPABILITY_NAMED_IAM in missing and CAPABILITY_IAM in missing:
        missing.remove(CAPABILITY_IAM)
    if missing:
        raise InsufficientCapabilitiesError(
            f"Requires capabilities : [{', '.join(missing)}] (pass --capabilities "
            f"{' '.join(missing)})")


# -- stack policies ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PolicyAction:
    action: str          # Update:Modify / Update:Replace / Update:Delete
    resource: str        # LogicalResourceId/X
    resource_type: str


def policy_actions(changes: Iterable[ResourceChange]) -> list[PolicyAction]:
    out = []
    for change in changes:
        if change.action is Action.ADD:
            continue  # stack policies govern existing resources only
        if change.action is Action.REMOVE:
            action = "Update:Delete"
        elif change.replacement in (Replacement.TRUE, Replacement.CONDITIONAL):
            action = "Update:Replace"  # a conditional replacement may replace: judged as one
        else:
            action = "Update:Modify"
        out.append(PolicyAction(action, f"LogicalResourceId/{change.logical_id}",
                                change.resource_type))
    return out


def _as_list(value: Json) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _matches(patterns: list[str], value: str) -> bool:
    return any(fnmatch.fnmatchcase(value, p) for p in patterns)


def _statement_applies(statement: Mapping[str, Json], act: PolicyAction) -> bool:
    if "Action" in statement and not _matches(_as_list(statement["Action"]), act.action):
        return False
    if "NotAction" in statement and _matches(_as_list(statement["NotAction"]), act.action):
        return False
    if "Resource" in statement and not _matches(_as_list(statement["Resource"]), act.resource):
        return False
    if "NotResource" in statement and _matches(_as_list(statement["NotResource"]), act.resource):
        return False
    condition = statement.get("Condition") or {}
    for operator, tests in condition.items():
        for key, expected in (tests or {}).items():
            if key != "ResourceType":
                continue
            values = _as_list(expected)
            if operator == "StringEquals" and act.resource_type not in values:
                return False
            if operator == "StringLike" and not _matches(values, act.resource_type):
                return False
            if operator == "StringNotEquals" and act.resource_type in values:
                return False
            if operator == "StringNotLike" and _matches(values, act.resource_type):
                return False
    return True


def _label(index: int, statement: Mapping[str, Json]) -> str:
    sid = statement.get("Sid")
    return f"statement #{index + 1}" + (f" ({sid})" if sid else "")


def check_stack_policy(policy: Mapping[str, Json] | None,
                       changes: Iterable[ResourceChange]) -> None:
    """A stack policy denies what it does not allow; an explicit Deny wins over any Allow."""
    if policy is None:
        return
    statements = policy.get("Statement") or []
    if isinstance(statements, Mapping):
        statements = [statements]
    problems = []
    for act in policy_actions(changes):
        denied_by = allowed = None
        for index, statement in enumerate(statements):
            if not _statement_applies(statement, act):
                continue
            if statement.get("Effect") == "Deny":
                denied_by = _label(index, statement)
                break
            if statement.get("Effect") == "Allow":
                allowed = True
        if denied_by is not None:
            problems.append(f"{act.action} on {act.resource} is denied by stack policy {denied_by}")
        elif not allowed:
            problems.append(f"{act.action} on {act.resource} is not allowed by the stack policy "
                            "(no statement allows it)")
    if problems:
        raise StackPolicyDenied("Action denied by stack policy: " + "; ".join(problems))


def check_snapshot_policies(resources: Mapping[str, ResourceDecl],
                            supports_snapshot: Callable[[str], bool],
                            locate: Callable[[TemplatePath], Span | None] | None = None) -> None:
    """`Snapshot` as DeletionPolicy or UpdateReplacePolicy only where the type can snapshot;
    CloudFormation refuses the template otherwise (rather than deleting without one)."""
    problems = []
    for logical_id in sorted(resources):
        resource = resources[logical_id]
        for attribute, value in (("DeletionPolicy", resource.deletion_policy),
                                 ("UpdateReplacePolicy", resource.update_replace_policy)):
            if value == "Snapshot" and not supports_snapshot(resource.type):
                path: TemplatePath = ("Resources", logical_id, attribute)
                problems.append(Diagnostic(
                    "E3035", f"{attribute} Snapshot is not supported for resource type "
                    f"{resource.type}; use Retain or Delete", path,
                    locate(path) if locate else None))
    if problems:
        raise TemplateError(problems)


def check_getatt_attributes(resources: Mapping[str, ResourceDecl], outputs: Mapping[str, Any],
                            schema_of: Callable[[str], Any],
                            locate: Callable[[TemplatePath], Span | None] | None = None,
                            references: Mapping[str, Sequence[Reference]] | None = None) -> None:
    """Every `Fn::GetAtt` names an attribute its target's type has; CloudFormation refuses the
    template otherwise ("does not support attribute type ... in Fn::GetAtt"), before creating
    anything. Types without a schema are not judged. `references`: each resource's property
    references when already found (`ProcessedTemplate.references`)."""
    from stackengine.intrinsics.references import find_references

    places: list[tuple[TemplatePath, Iterable[Reference]]] = [
        (("Resources", lid, "Properties"),
         references[lid] if references is not None and lid in references
         else find_references(r.properties))
        for lid, r in resources.items()]
    places += [(("Outputs", name, "Value"), find_references(o.value))
               for name, o in outputs.items()]
    problems = []
    for base, found in places:
        for ref in found:
            target = resources.get(ref.target)
            if ref.attribute is None or target is None:
                continue
            schema = schema_of(target.type)
            known = getattr(schema, "has_getatt", None)
            if not callable(known) or known(ref.attribute):
                continue
            path = base + ref.path
            problems.append(Diagnostic(
                "E1010", f"Template error: resource {ref.target} does not support attribute type "
                f"{ref.attribute} in Fn::GetAtt (type {target.type})", path,
                locate(path) if locate else None))
    if problems:
        raise TemplateError(problems)
