"""The local provider behind the engine: corpus templates deploy and delete, injected failures
roll back, and the account outlives the engine object. Skipped while the engine is unavailable."""

from __future__ import annotations

import os

import pytest

engine_module = pytest.importorskip("stackengine.engine")
from stackengine.diagnostics import TemplateError  # noqa: E402
from stackengine.execute.checks import InvalidName  # noqa: E402
from stackengine.plan.changeset import Scope  # noqa: E402
from stackengine.providers.local import LocalProvider, provider_options  # noqa: E402

CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "corpus",
                      "cfn-templates")
TEMPLATES = [
    "SQS/SQSFIFOQueue.yaml", "DynamoDB/DynamoDB_Secondary_Indexes.yaml", "Lambda/LambdaSample.yaml",
    "VPC/VPC_With_Managed_NAT_And_Private_Subnet.yaml", "S3/compliant-static-website.yaml",
    "RDS/RDS_Snapshot_On_Delete.yaml", "ElasticLoadBalancing/NetworkLoadBalancerWithEIPs.yaml",
    "IoT/lambda-iot-topicrule.yaml",
]
CAPS = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND")


def _engine(db_path, **options):
    config = engine_module.EngineConfig(state_path=db_path, provider_options=options)
    return engine_module.Engine(config)


@pytest.mark.parametrize("relative", TEMPLATES)
def test_corpus_template_deploys_and_deletes(tmp_path, relative):
    path = os.path.normpath(os.path.join(CORPUS, relative))
    if not os.path.exists(path):
        pytest.skip("corpus not available")
    engine = _engine(str(tmp_path / "state.db"))
    outcome = engine.deploy(engine_module.StackRequest(path, "corpus", capabilities=CAPS,
                                                       fill_parameters=True))
    reasons = [e.reason for e in engine.events("corpus") if e.reason] if outcome.record else []
    assert outcome.record is not None and not outcome.failed, reasons
    provider = engine.provider
    assert isinstance(provider, LocalProvider)
    assert provider.store.list_resources(stack_id=outcome.record.stack_id)
    deleted = engine.delete_stack("corpus")
    assert "DELETE_COMPLETE" in str(deleted.status)
    assert provider.store.list_resources(stack_id=outcome.record.stack_id) == []


def test_injected_failure_rolls_back_and_account_persists(tmp_path):
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
                        "  T:\n    Type: AWS::SNS::Topic\n    DependsOn: Q\n")
    db = str(tmp_path / "state.db")
    failing = _engine(db, **provider_options(0, ["T:create"]))
    outcome = failing.deploy(engine_module.StackRequest(str(template), "s"))
    assert outcome.failed
    assert LocalProvider(db).store.list_resources(type_name="AWS::SQS::Queue") == []  # rolled back
    ok = _engine(db).deploy(engine_module.StackRequest(str(template), "s2"))
    assert not ok.failed
    # a new provider on the same file (the next command) still sees the account
    assert len(LocalProvider(db).store.list_resources(type_name="AWS::SNS::Topic")) == 1


def _chain(n: int) -> str:
    lines = ["Resources:"]
    for i in range(n):
        value = f"!Sub 'v-${{P{i - 1}}}'" if i else "root"
        lines += [f"  P{i}:", "    Type: AWS::SSM::Parameter", "    Properties:",
                  "      Type: String", f"      Value: {value}"]
    return "\n".join(lines) + "\n"


def test_calls_commit_with_their_journal_and_events_are_shown_once_durable(tmp_path):
    """Without latency the local provider shares the state store's transactions: each call,
    its journal entry and its rows commit together, many calls per commit, and the live listener
    hears of an event only once it is committed (another connection can read it)."""
    import sqlite3

    template = tmp_path / "t.yaml"
    template.write_text(_chain(30))
    db = str(tmp_path / "state.db")
    engine = _engine(db)
    assert engine.provider.shares_transactions(engine.store)
    assert not _engine(db, latency_ms=5).provider.synchronous
    reader = sqlite3.connect(db)
    unseen = []

    def listener(event):
        stored = {r[0] for r in reader.execute("SELECT json_extract(event, '$.EventId') "
                                               "FROM events")}
        if event.event_id not in stored:
            unseen.append(event)

    outcome = engine.deploy(engine_module.StackRequest(str(template), "chain"), listener=listener)
    assert outcome.record.status.value == "CREATE_COMPLETE"
    assert unseen == []
    journal = engine.store.journal(outcome.record.stack_id)
    assert len(journal) == 30 and all(entry["ended"] for entry in journal)
    live = engine.provider.store.list_resources(stack_id=outcome.record.stack_id)
    assert sorted(r.logical_id for r in live) == sorted(f"P{i}" for i in range(30))
    reader.close()


def test_a_failure_between_shared_commits_rolls_back_cleanly(tmp_path):
    template = tmp_path / "t.yaml"
    template.write_text(_chain(12))
    db = str(tmp_path / "state.db")
    engine = _engine(db, **provider_options(0, ["P7:create"]))
    outcome = engine.deploy(engine_module.StackRequest(str(template), "chain"))
    assert outcome.record.status.value == "ROLLBACK_COMPLETE"
    assert engine.store.pending(outcome.record.stack_id) == []
    failed = [e for e in engine.events("chain") if e.status == "CREATE_FAILED"]
    assert [e.logical_id for e in failed] == ["P7"] and "Injected failure" in failed[0].reason
    assert LocalProvider(db).store.list_resources(stack_id=outcome.record.stack_id) == []


MACRO = """\
Parameters:
  Function:
    Type: String
    Default: ""
Conditions:
  Own: !Equals [!Ref Function, ""]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code: {ZipFile: "def handler(event, context): return event"}
  Macro:
    Type: AWS::CloudFormation::Macro
    Properties:
      Name: Upper
      FunctionName: !If [Own, !GetAtt Fn.Arn, !Ref Function]
Outputs:
  Ref:
    Value: !Ref Macro
"""


def test_a_macro_definition_registers_its_name_once_per_region(tmp_path):
    """AWS::CloudFormation::Macro deploys: Ref is its name, the name is unique in the region,
    and its function must exist in the account."""
    template = tmp_path / "macro.yaml"
    template.write_text(MACRO)
    engine = _engine(str(tmp_path / "state.db"))
    caps = ("CAPABILITY_IAM",)
    first = engine.deploy(engine_module.StackRequest(str(template), "m1", capabilities=caps))
    assert first.record.status.value == "CREATE_COMPLETE"
    assert first.record.outputs[0]["OutputValue"] == "Upper"
    again = engine.deploy(engine_module.StackRequest(str(template), "m2", capabilities=caps))
    assert again.failed
    assert any("Upper" in (e.reason or "") and "already exists" in (e.reason or "")
               for e in engine.events("m2"))
    missing = "arn:aws:lambda:us-east-1:123456789012:function:absent"
    engine.delete_stack("m1")
    third = engine.deploy(engine_module.StackRequest(str(template), "m3", {"Function": missing},
                                                     capabilities=caps))
    assert third.failed
    assert any("Function not found" in (e.reason or "") for e in engine.events("m3"))


TAGGED = """\
Resources:
  Queue:
    Type: AWS::SQS::Queue
    DependsOn: Param  # updated after it: a failing queue update rolls the parameter back
    Properties:
      Tags: [{Key: team, Value: own}]
  Param:
    Type: AWS::SSM::Parameter
    Properties: {Type: String, Value: v}
  Policy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: "*", Action: "sqs:SendMessage", Resource: "*"}]
"""


def _account_tags(engine, record, logical_id):
    found = [r for r in engine.provider.store.list_resources(stack_id=record.stack_id)
             if r.logical_id == logical_id]
    tags = found[0].properties.get("Tags")
    return {t["Key"]: t["Value"] for t in tags} if isinstance(tags, list) else dict(tags or {})


def test_stack_tags_propagate_and_a_change_of_them_updates_taggable_resources(tmp_path):
    template = tmp_path / "tags.yaml"
    template.write_text(TAGGED)
    engine = _engine(str(tmp_path / "state.db"))
    first = engine.deploy(engine_module.StackRequest(str(template), "t",
                                                     tags={"team": "a", "env": "dev"})).record
    queue = _account_tags(engine, first, "Queue")
    assert queue == {"team": "own", "env": "dev"}  # the resource's own tag wins
    param = _account_tags(engine, first, "Param")
    assert param["team"] == "a" and param["aws:cloudformation:logical-id"] == "Param"
    assert param["aws:cloudformation:stack-name"] == "t"  # SSM takes CloudFormation's tags

    outcome = engine.deploy(engine_module.StackRequest(str(template), "t",
                                                       tags={"team": "b", "env": "dev"}))
    modified = {c.logical_id: c.scope for c in outcome.change_set.changes}
    assert set(modified) == {"Queue", "Param"}  # the queue policy takes no tags
    assert all(scope == (Scope.TAGS,) for scope in modified.values())
    assert _account_tags(engine, outcome.record, "Param")["team"] == "b"

    # An update that fails puts the resources' stack tags back.
    failing = _engine(str(tmp_path / "state.db"), **provider_options(0, ["Queue:update"]))
    rolled = failing.deploy(engine_module.StackRequest(str(template), "t", tags={"team": "c"}))
    assert rolled.record.status.value == "UPDATE_ROLLBACK_COMPLETE"
    assert _account_tags(failing, rolled.record, "Param")["team"] == "b"
    assert _account_tags(failing, rolled.record, "Param")["env"] == "dev"


class _Killed(BaseException):
    """Stands in for the process being killed: nothing in the engine catches it."""


def test_a_rollback_in_a_later_process_puts_the_stack_tags_back(tmp_path, monkeypatch):
    template = tmp_path / "tags.yaml"
    template.write_text(TAGGED)
    state = str(tmp_path / "state.db")
    engine = _engine(state)
    engine.deploy(engine_module.StackRequest(str(template), "t", tags={"team": "b"}))

    # The update retags Param, then dies before the queue's update is made.
    original = LocalProvider.update

    def dying(self, stack, type_name, logical_id, *args, **kwargs):
        if logical_id == "Queue":
            raise _Killed()
        return original(self, stack, type_name, logical_id, *args, **kwargs)

    monkeypatch.setattr(LocalProvider, "update", dying)
    with pytest.raises(_Killed):
        _engine(state).deploy(engine_module.StackRequest(str(template), "t", tags={"team": "c"}))
    monkeypatch.setattr(LocalProvider, "update", original)
    later = _engine(state)
    assert later.stack("t").status.value == "UPDATE_IN_PROGRESS"
    assert _account_tags(later, later.stack("t"), "Param")["team"] == "c"

    record = later.recover("t")
    assert record.status.value == "UPDATE_ROLLBACK_COMPLETE"
    assert _account_tags(later, record, "Param")["team"] == "b"
    assert record.tags == {"team": "b"}


def test_unrecognized_types_are_refused_before_any_stack_exists(tmp_path):
    """As CloudFormation validates a template when the change set is made: nothing is created,
    not even a REVIEW_IN_PROGRESS stack, and each offending Type is located."""
    template = tmp_path / "types.yaml"
    template.write_text("Resources:\n"
                        "  Q:\n    Type: AWS::SQS::Queu\n"
                        "  F:\n    Type: AWS::Serverless::Function\n"
                        "  C:\n    Type: Custom::Anything\n"
                        "    Properties: {ServiceToken: arn:aws:sns:us-east-1:123456789012:t}\n")
    engine = _engine(str(tmp_path / "state.db"))
    with pytest.raises(TemplateError) as raised:
        engine.deploy(engine_module.StackRequest(str(template), "types"))
    found = {d.path[1]: d for d in raised.value.diagnostics}
    assert set(found) == {"Q", "F"}  # a custom resource type is any Custom:: name
    assert str(found["Q"].span) == f"{template}:3:11"
    assert "Unrecognized resource types: [AWS::SQS::Queu]. Did you mean AWS::SQS::Queue" \
        in found["Q"].message
    assert "Transform: AWS::Serverless-2016-10-31" in found["F"].message
    assert engine.stacks(include_deleted=True) == []

    # A type the registry has, but not in the stack's region.
    amplify = tmp_path / "amplify.yaml"
    amplify.write_text("Resources:\n  App:\n    Type: AWS::Amplify::App\n"
                       "    Properties: {Name: a}\n")
    spain = engine_module.Engine(engine_module.EngineConfig(state_path=str(tmp_path / "state.db"),
                                                            region="eu-south-2"))
    with pytest.raises(TemplateError, match=r"\[AWS::Amplify::App\] \(not available in eu-south-2\)"):
        spain.deploy(engine_module.StackRequest(str(amplify), "amplify"))
    assert _engine(str(tmp_path / "state.db")).deploy(
        engine_module.StackRequest(str(amplify), "amplify")).record.status.value == "CREATE_COMPLETE"


def test_changing_a_resource_type_fails_the_change_set_and_changes_nothing(tmp_path):
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  X:\n    Type: AWS::SQS::Queue\n")
    engine = _engine(str(tmp_path / "state.db"))
    first = engine.deploy(engine_module.StackRequest(str(template), "ty")).record
    template.write_text("Resources:\n  X:\n    Type: AWS::SNS::Topic\n")
    with pytest.raises(TemplateError, match=r"t.yaml:3:11: .*Update of resource type is not "
                                            r"permitted.*following resources: \[X\]"):
        engine.deploy(engine_module.StackRequest(str(template), "ty"))
    after = engine.stack("ty")
    assert after.status.value == "CREATE_COMPLETE" and after.serial == first.serial
    assert [r.type_name for r in engine.provider.store.list_resources(stack_id=first.stack_id)] \
        == ["AWS::SQS::Queue"]


def test_a_name_cloudformation_refuses_creates_nothing(tmp_path):
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  X:\n    Type: AWS::SQS::Queue\n")
    engine = _engine(str(tmp_path / "state.db"))
    with pytest.raises(InvalidName, match="Value 'my_stack' at 'stackName'"):
        engine.deploy(engine_module.StackRequest(str(template), "my_stack"))
    with pytest.raises(InvalidName, match="Value 'v1.2' at 'changeSetName'"):
        engine.create_change_set(engine_module.StackRequest(str(template), "good"), "v1.2")
    assert engine.stacks(include_deleted=True) == []
    assert not [r for r in engine.provider.store.list_resources() if r.logical_id == "X"]
