from __future__ import annotations

import pytest

from stackengine.execute.checks import (
    InsufficientCapabilitiesError, InvalidName, StackPolicyDenied, check_capabilities, check_name,
    check_stack_policy, required_capabilities,
)
from stackengine.plan.changeset import Action, Replacement, ResourceChange
from stackengine.template.model import ResourceDecl


def test_capabilities():
    role = {"R": ResourceDecl("R", "AWS::IAM::Role", {})}
    named = {"R": ResourceDecl("R", "AWS::IAM::Role", {"RoleName": "x"})}
    assert required_capabilities(role) == ["CAPABILITY_IAM"]
    assert required_capabilities(named) == ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
    assert required_capabilities({}, ["AWS::Serverless-2016-10-31"]) == []
    assert required_capabilities({}, ["MyMacro"]) == ["CAPABILITY_AUTO_EXPAND"]
    with pytest.raises(InsufficientCapabilitiesError, match=r"Requires capabilities : \[CAPABILITY_IAM\]"):
        check_capabilities(["CAPABILITY_IAM"], [])
    with pytest.raises(InsufficientCapabilitiesError, match=r"\[CAPABILITY_NAMED_IAM\]"):
        check_capabilities(["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"], ["CAPABILITY_IAM"])
    check_capabilities(["CAPABILITY_IAM"], ["CAPABILITY_NAMED_IAM"])
    with pytest.raises(InsufficientCapabilitiesError, match="unknown"):
        check_capabilities([], ["CAPABILITY_BOGUS"])


def change(lid, action=Action.MODIFY, replacement=Replacement.FALSE, type_="AWS::RDS::DBInstance"):
    return ResourceChange(action, lid, type_, "p", replacement if action is Action.MODIFY else None)


def test_stack_policy():
    policy = {"Statement": [
        {"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"},
        {"Sid": "protect-db", "Effect": "Deny", "Action": "Update:Replace", "Principal": "*",
         "Resource": "LogicalResourceId/Db"},
    ]}
    check_stack_policy(policy, [change("Db"), change("Other", replacement=Replacement.TRUE),
                                change("New", Action.ADD)])
    with pytest.raises(StackPolicyDenied, match=r"Update:Replace on LogicalResourceId/Db is denied "
                                                r"by stack policy statement #2 \(protect-db\)"):
        check_stack_policy(policy, [change("Db", replacement=Replacement.CONDITIONAL)])
    only_modify = {"Statement": [{"Effect": "Allow", "Action": "Update:Modify", "Resource": "*"}]}
    with pytest.raises(StackPolicyDenied, match="Update:Delete .* not allowed"):
        check_stack_policy(only_modify, [change("X", Action.REMOVE)])
    by_type = {"Statement": [
        {"Effect": "Allow", "Action": "Update:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "Update:*", "Resource": "*",
         "Condition": {"StringEquals": {"ResourceType": ["AWS::RDS::DBInstance"]}}}]}
    with pytest.raises(StackPolicyDenied):
        check_stack_policy(by_type, [change("Db")])
    check_stack_policy(by_type, [change("Q", type_="AWS::SQS::Queue")])
    check_stack_policy(None, [change("Db", Action.REMOVE)])


def test_snapshot_policy_needs_a_snapshotting_type():
    from stackengine.diagnostics import TemplateError
    from stackengine.execute.checks import check_snapshot_policies

    db = {"Db": ResourceDecl("Db", "AWS::RDS::DBInstance", {}, deletion_policy="Snapshot"),
          "Q": ResourceDecl("Q", "AWS::SQS::Queue", {}, update_replace_policy="Snapshot")}
    with pytest.raises(TemplateError, match="UpdateReplacePolicy Snapshot is not supported for "
                                            "resource type AWS::SQS::Queue") as info:
        check_snapshot_policies(db, lambda t: t == "AWS::RDS::DBInstance")
    assert len(info.value.diagnostics) == 1


@pytest.mark.parametrize("name", ["a", "Stack-1", "a" * 128, "x-Y-9"])
def test_valid_names(name):
    check_name("stackName", name)


@pytest.mark.parametrize("name, expected", [
    ("1bad", "Value '1bad' at 'stackName' failed to satisfy constraint: Member must satisfy "
             "regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*"),
    ("bad_name", "Member must satisfy regular expression pattern"),
    ("", "Member must satisfy regular expression pattern"),
    ("a" * 129, "Member must have length less than or equal to 128"),
])
def test_names_cloudformation_refuses(name, expected):
    with pytest.raises(InvalidName, match="^1 validation error detected: ") as raised:
        check_name("stackName", name)
    assert expected in str(raised.value)
    with pytest.raises(InvalidName, match="2 validation errors detected: .*pattern.*; .*128"):
        check_name("changeSetName", "_" * 129)


def test_the_default_stack_name_is_always_valid():
    from stackengine.cli.render_cmd import default_stack_name

    for path in ("my_template.yaml", "dir/1st.json", "___.yml", "x" * 300 + ".yaml"):
        check_name("stackName", default_stack_name(path))
