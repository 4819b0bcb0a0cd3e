from __future__ import annotations

import json
import threading

import pytest

from memory_provider import MemoryProvider
from stackengine.engine import (
    ChangeSetNotFound, Engine, EngineConfig, ExecuteOptions, InvalidStackState, StackNotFound,
    StackRequest, StaleChangeSet, describe_stack_json,
)
from stackengine.execute.checks import (
    InsufficientCapabilitiesError, StackPolicyDenied, TerminationProtected,
)
from stackengine.state.base import StackBusyError, StackStatus

BASIC = """
Parameters:
  Name: {Type: String, Default: one}
  Secret: {Type: String, NoEcho: true, Default: hunter2}
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Ref Name
  P:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !GetAtt Q.Arn
      Description: !Sub "secret ${Secret}"
Outputs:
  QueueUrl:
    Value: !Ref Q
    Export:
      Name: !Sub "${AWS::StackName}-queue"
"""

IMPORTER = """
Resources:
  P:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !ImportValue basic-queue
"""

ROLE = """
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: named
      AssumeRolePolicyDocument: {}
"""


@pytest.fixture
def provider():
    return MemoryProvider()


@pytest.fixture
def engine(tmp_path, provider):
    return Engine(EngineConfig(state_path=str(tmp_path / "state.db")), provider=provider)


def req(tmp_path, body: str, name: str = "basic", **params) -> StackRequest:
    path = tmp_path / f"{name}.yaml"
    path.write_text(body)
    return StackRequest(str(path), name, params)


def test_deploy_create_update_noop(engine, tmp_path, provider):
    out = engine.deploy(req(tmp_path, BASIC))
    assert out.record.status is StackStatus.CREATE_COMPLETE
    assert out.change_set.change_set_type.value == "CREATE"
    out = engine.deploy(req(tmp_path, BASIC, Name="two", Secret="s3cr3t"))
    assert out.record.status is StackStatus.UPDATE_COMPLETE
    text = json.dumps(out.change_set.to_json())
    assert "hunter2" not in text and "s3cr3t" not in text
    assert out.change_set.change("Q").replacement.value == "True"
    assert len(provider.resources) == 2
    described = describe_stack_json(engine.stack("basic"))
    assert {"ParameterKey": "Secret", "ParameterValue": "****"} in described["Parameters"]
    again = engine.deploy(req(tmp_path, BASIC))  # parameters keep their values
    assert again.no_changes and not again.executed


def test_stale_change_set_is_refused(engine, tmp_path):
    engine.deploy(req(tmp_path, BASIC))
    cs = engine.create_change_set(req(tmp_path, BASIC, Name="x"), "later")
    engine.deploy(req(tmp_path, BASIC, Name="y"))
    with pytest.raises(StaleChangeSet, match="older state"):
        engine.execute_change_set("basic", cs.name)
    assert engine.describe_change_set("basic", "later").execution_status == "OBSOLETE"


def test_change_set_lifecycle(engine, tmp_path):
    cs = engine.create_change_set(req(tmp_path, BASIC), "first")
    assert engine.stack("basic").status is StackStatus.REVIEW_IN_PROGRESS
    assert [c.name for c in engine.list_change_sets("basic")] == ["first"]
    rec = engine.execute_change_set("basic", "first")
    assert rec.status is StackStatus.CREATE_COMPLETE
    assert engine.describe_change_set("basic", "first").execution_status == "EXECUTE_COMPLETE"
    with pytest.raises(InvalidStackState):
        engine.execute_change_set("basic", "first")
    engine.delete_change_set("basic", "first")
    with pytest.raises(ChangeSetNotFound):
        engine.describe_change_set("basic", "first")
    assert cs.base_serial == 0


def test_bad_template_leaves_no_stack(engine, tmp_path):
    from stackengine.diagnostics import TemplateError
    with pytest.raises(TemplateError):
        engine.deploy(req(tmp_path, "Resources:\n  A:\n    Type: AWS::SQS::Queue\n    "
                                    "Properties: {X: !Ref Nope}\n"))
    assert engine.stacks() == []


def test_exports_in_use_block_delete_and_change(engine, tmp_path):
    engine.deploy(req(tmp_path, BASIC))
    rec = engine.deploy(req(tmp_path, IMPORTER, "importer")).record
    assert rec.status is StackStatus.CREATE_COMPLETE
    with pytest.raises(InvalidStackState, match="Export basic-queue cannot be deleted as it is in "
                                                "use by importer"):
        engine.delete_stack("basic")
    rec = engine.deploy(req(tmp_path, BASIC, Name="other")).record  # replacement → new URL
    assert rec.status is StackStatus.UPDATE_ROLLBACK_COMPLETE
    assert "in use by importer" in rec.status_reason
    engine.delete_stack("importer")
    assert engine.delete_stack("basic").status is StackStatus.DELETE_COMPLETE


def test_termination_protection(engine, tmp_path):
    engine.deploy(req(tmp_path, BASIC), ExecuteOptions(termination_protection=True))
    with pytest.raises(TerminationProtected, match="TerminationProtection is enabled"):
        engine.delete_stack("basic")
    engine.set_termination_protection("basic", False)
    engine.delete_stack("basic")
    with pytest.raises(StackNotFound):
        engine.stack("basic")
    assert engine.events("basic")[0].status == "DELETE_COMPLETE"


def test_stack_policy_denies_replacement(engine, tmp_path, provider):
    policy = {"Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*",
                             "Resource": "*"},
                            {"Effect": "Deny", "Action": "Update:Replace", "Principal": "*",
                             "Resource": "LogicalResourceId/Q"}]}
    engine.deploy(req(tmp_path, BASIC), ExecuteOptions(stack_policy=policy))
    with pytest.raises(StackPolicyDenied, match="statement #2"):
        engine.deploy(req(tmp_path, BASIC, Name="two"))
    allow_all = {"Statement": [{"Effect": "Allow", "Action": "Update:*", "Resource": "*"}]}
    rec = engine.deploy(req(tmp_path, BASIC, Name="two"),
                        ExecuteOptions(stack_policy_during_update=allow_all)).record
    assert rec.status is StackStatus.UPDATE_COMPLETE


def test_capabilities_required(engine, tmp_path):
    with pytest.raises(InsufficientCapabilitiesError, match="CAPABILITY_NAMED_IAM"):
        engine.deploy(req(tmp_path, ROLE, "iam"))
    r = req(tmp_path, ROLE, "iam")
    from dataclasses import replace
    out = engine.deploy(replace(r, capabilities=("CAPABILITY_NAMED_IAM",)))
    assert out.record.status is StackStatus.CREATE_COMPLETE


def test_rollback_complete_stack_is_recreated(engine, tmp_path, provider):
    provider.fail.add(("create", "P"))
    rec = engine.deploy(req(tmp_path, BASIC)).record
    assert rec.status is StackStatus.ROLLBACK_COMPLETE
    from stackengine.execute.rollback import InvalidStackStatus
    with pytest.raises(InvalidStackStatus, match="needs UPDATE_ROLLBACK_FAILED"):
        engine.continue_update_rollback("basic")
    provider.fail.clear()
    rec2 = engine.deploy(req(tmp_path, BASIC)).record
    assert rec2.status is StackStatus.CREATE_COMPLETE and rec2.stack_id != rec.stack_id


def test_second_writer_gets_clear_error_at_once(tmp_path):
    provider = MemoryProvider(latency=0.05)
    path = str(tmp_path / "state.db")
    first = Engine(EngineConfig(state_path=path), provider=provider)
    second = Engine(EngineConfig(state_path=path), provider=provider)
    started = threading.Event()
    errors: list[BaseException] = []

    def listener(event):
        started.set()

    def run():
        try:
            first.deploy(req(tmp_path, BASIC), listener=listener)
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    t = threading.Thread(target=run)
    t.start()
    assert started.wait(5)
    with pytest.raises(StackBusyError, match="being changed by another process"):
        second.deploy(req(tmp_path, BASIC))
    # a different stack deploys concurrently, and readers work meanwhile
    assert second.deploy(req(tmp_path, IMPORTER.replace("!ImportValue basic-queue", "x"),
                             "other")).record.status is StackStatus.CREATE_COMPLETE
    second.events("basic")
    t.join()
    assert not errors
    assert first.stack("basic").status is StackStatus.CREATE_COMPLETE


NAMED = """
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: fixed
      FifoQueue: %s
"""


def test_replacing_a_custom_named_resource_is_refused(engine, tmp_path, provider):
    engine.deploy(req(tmp_path, NAMED % "false", "named"))
    rec = engine.deploy(req(tmp_path, NAMED % "true", "named")).record  # FifoQueue is create-only
    assert rec.status is StackStatus.UPDATE_ROLLBACK_COMPLETE
    reasons = [e.reason for e in engine.events("named") if e.status == "UPDATE_FAILED"]
    assert reasons and "custom-named resource requires replacing" in reasons[0]
    assert len(provider.resources) == 1


def test_template_versions_keep_noecho_out(engine, tmp_path):
    engine.deploy(req(tmp_path, BASIC, Secret="very-secret"))
    record = engine.stack("basic")
    versions = engine.store.template_versions(record.stack_id)
    assert "very-secret" not in json.dumps(versions)
    assert versions[-1]["Parameters"]["Secret"] == "****"
