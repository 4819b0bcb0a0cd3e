"""Nested stacks (AWS::CloudFormation::Stack) on the local target: the child is a real stack of
the same state store, created, updated, deleted and rolled back with its parent."""

from __future__ import annotations

import pytest

from local_support import FakeTime
from stackengine.cfn_service.nested import child_stack_name
from stackengine.cfn_service.sources import S3Location, s3_location
from stackengine.diagnostics import TemplateError
from stackengine.engine import Engine, EngineConfig, StackRequest, describe_stack_json
from stackengine.providers.base import StackRef
from stackengine.providers.local import LocalProvider, provider_options
from stackengine.state.base import StackStatus

CHILD = """\
Parameters:
  QueueName:
    Type: String
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Ref QueueName
Outputs:
  QueueArn:
    Value: !GetAtt Queue.Arn
  Name:
    Value: !GetAtt Queue.QueueName
"""

PARENT = """\
Parameters:
  Prefix:
    Type: String
    Default: demo
Resources:
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: {url}
      TimeoutInMinutes: 15
      NotificationARNs: [arn:aws:sns:us-east-1:123456789012:events]
      Parameters:
        QueueName: !Sub "${{Prefix}}-queue"
      Tags:
        - Key: team
          Value: core
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: !GetAtt Child.Outputs.Name
Outputs:
  ChildId:
    Value: !Ref Child
  QueueArn:
    Value: !GetAtt Child.Outputs.QueueArn
"""
CAPS = ("CAPABILITY_AUTO_EXPAND",)


def _engine(tmp_path, **options):
    return Engine(EngineConfig(state_path=str(tmp_path / "state.db"), provider_options=options))


def _write(tmp_path, url="./child.yaml", child=CHILD):
    (tmp_path / "child.yaml").write_text(child)
    parent = tmp_path / "parent.yaml"
    parent.write_text(PARENT.format(url=url))
    return str(parent)


def _deploy(engine, path, name="app", **parameters):
    return engine.deploy(StackRequest(path, name, parameters, capabilities=CAPS))


def _outputs(record):
    return {o["OutputKey"]: o["OutputValue"] for o in record.outputs}


def _children(engine, parent):
    return [s for s in engine.stacks() if s.parent_id == parent.stack_id]


def _reasons(engine, stack, logical_id):
    return [e.reason for e in engine.events(stack) if e.logical_id == logical_id and e.reason]


def test_create_deploys_the_child_as_a_stack_with_its_settings(tmp_path):
    engine = _engine(tmp_path)
    outcome = _deploy(engine, _write(tmp_path), Prefix="orders")
    assert outcome.record is not None and outcome.record.status is StackStatus.CREATE_COMPLETE
    [child] = _children(engine, outcome.record)
    # named as CloudFormation names nested stacks, the same name for the same parent and resource
    assert child.name == child_stack_name(StackRef("app", outcome.record.stack_id), "Child")
    assert child.name.startswith("app-Child-") and len(child.name.rsplit("-", 1)[1]) == 13
    assert child.status is StackStatus.CREATE_COMPLETE
    assert {p.name: p.value for p in child.parameters} == {"QueueName": "orders-queue"}
    shown = describe_stack_json(child)
    assert shown["ParentId"] == shown["RootId"] == outcome.record.stack_id
    assert shown["TimeoutInMinutes"] == 15
    assert shown["NotificationARNs"] == ["arn:aws:sns:us-east-1:123456789012:events"]
    assert shown["Tags"] == [{"Key": "team", "Value": "core"}]
    # Ref is the child's stack ID; GetAtt Outputs.X its outputs, also inside the parent
    outputs = _outputs(outcome.record)
    assert outputs["ChildId"] == child.stack_id
    assert outputs["QueueArn"] == "arn:aws:sns:us-east-1:123456789012:orders-queue".replace("sns", "sqs")
    [topic] = [r for r in engine.resources("app") if r.logical_id == "Topic"]
    assert topic.properties["DisplayName"] == "orders-queue"
    store = engine.provider.store  # type: ignore[attr-defined]
    [queue] = store.list_resources(type_name="AWS::SQS::Queue")
    assert queue.stack_id == child.stack_id and queue.physical_id.endswith("/orders-queue")


def test_update_updates_the_child_and_nothing_changed_is_a_no_op(tmp_path):
    engine = _engine(tmp_path)
    path = _write(tmp_path)
    first = _deploy(engine, path).record
    [child] = _children(engine, first)
    again = _deploy(engine, path)
    assert again.no_changes and engine.stack(child.name).serial == child.serial

    updated = _deploy(engine, path, Prefix="other").record
    assert updated.status is StackStatus.UPDATE_COMPLETE
    after = engine.stack(child.name)
    assert after.stack_id == child.stack_id and after.status is StackStatus.UPDATE_COMPLETE
    assert {p.name: p.value for p in after.parameters} == {"QueueName": "other-queue"}
    assert _outputs(updated)["QueueArn"].endswith(":other-queue")

    # A new child template is a new TemplateURL after packaging: the child is updated with it.
    (tmp_path / "child.yaml").write_text(CHILD + "  Extra:\n    Value: added\n")
    _deploy(engine, path, Prefix="other")
    assert "Extra" in _outputs(engine.stack(child.name))


def test_delete_deletes_the_child(tmp_path):
    engine = _engine(tmp_path)
    record = _deploy(engine, _write(tmp_path)).record
    [child] = _children(engine, record)
    deleted = engine.delete_stack("app")
    assert deleted.status is StackStatus.DELETE_COMPLETE
    assert engine.stacks() == []
    gone = [s for s in engine.stacks(include_deleted=True) if s.stack_id == child.stack_id]
    assert gone[0].status is StackStatus.DELETE_COMPLETE
    assert engine.provider.store.list_resources(type_name="AWS::SQS::Queue") == []  # type: ignore[attr-defined]


def test_child_failure_fails_the_parent_with_the_childs_reason_and_rolls_back(tmp_path):
    engine = _engine(tmp_path, **provider_options(0, ["Queue:create"]))
    outcome = _deploy(engine, _write(tmp_path))
    assert outcome.record is not None and outcome.record.status is StackStatus.ROLLBACK_COMPLETE
    [reason] = [r for r in _reasons(engine, "app", "Child")]
    assert reason.startswith("Embedded stack arn:aws:cloudformation:us-east-1:123456789012:stack/"
                             "app-Child-")
    assert "was not successfully created: The following resource(s) failed to create: [Queue]" in reason
    assert "Injected failure: create of Queue" in reason
    # the child rolled back (as CloudFormation does) and is gone with its parent's rollback
    child = [s for s in engine.stacks(include_deleted=True) if s.parent_id == outcome.record.stack_id]
    events = [e.status for e in engine.events(child[0].name) if e.logical_id == child[0].name]
    assert "ROLLBACK_COMPLETE" in events and child[0].status is StackStatus.DELETE_COMPLETE
    assert engine.provider.store.list_resources(type_name="AWS::SQS::Queue") == []  # type: ignore[attr-defined]


def test_child_update_failure_rolls_both_back(tmp_path):
    path = _write(tmp_path)
    first = _deploy(_engine(tmp_path), path).record
    engine = _engine(tmp_path, **provider_options(0, ["Queue:create"]))  # renaming replaces it
    outcome = _deploy(engine, path, Prefix="broken")
    assert outcome.record is not None
    assert outcome.record.status is StackStatus.UPDATE_ROLLBACK_COMPLETE
    [child] = _children(engine, first)
    assert child.status is StackStatus.UPDATE_ROLLBACK_COMPLETE
    assert {p.name: p.value for p in child.parameters} == {"QueueName": "demo-queue"}
    [reason] = [r for r in _reasons(engine, "app", "Child") if "Embedded" in r]
    assert "was not successfully updated" in reason and "Queue" in reason


def test_a_parameter_the_child_does_not_declare_fails_the_resource(tmp_path):
    child = CHILD.replace("QueueName:\n    Type: String", "Other:\n    Type: String\n    Default: x"
                          ).replace("!Ref QueueName", "!Ref Other")
    engine = _engine(tmp_path)
    outcome = _deploy(engine, _write(tmp_path, child=child))
    assert outcome.record is not None and outcome.record.status is StackStatus.ROLLBACK_COMPLETE
    [reason] = _reasons(engine, "app", "Child")
    assert "could not be created" in reason and "QueueName" in reason
    assert engine.stacks() == [outcome.record]


def test_template_from_the_emulated_s3_by_s3_and_https_urls(tmp_path):
    engine = _engine(tmp_path)
    provider = LocalProvider(str(tmp_path / "state.db"))
    provider.create(StackRef("", "setup"), "AWS::S3::Bucket", "B", {"BucketName": "tpl"}, "t1")
    provider.put_object("tpl", "nested/child.yaml", CHILD.encode())
    for index, url in enumerate(["s3://tpl/nested/child.yaml",
                                 "https://tpl.s3.us-east-1.amazonaws.com/nested/child.yaml",
                                 "https://s3.amazonaws.com/tpl/nested/child.yaml"]):
        outcome = _deploy(engine, _write(tmp_path, url=url), f"s{index}", Prefix=f"p{index}")
        assert outcome.record is not None and outcome.record.status is StackStatus.CREATE_COMPLETE
        assert _outputs(outcome.record)["QueueArn"].endswith(f":p{index}-queue")


@pytest.mark.parametrize("url, expected", [
    ("https://example.com/templates/child.yaml",
     "TemplateURL https://example.com/templates/child.yaml cannot be read offline"),
    ("https://nobucket.s3.amazonaws.com/child.yaml",
     "names S3 bucket nobucket, which does not exist in the emulated account"),
    ("s3://tpl/missing.yaml", "names object missing.yaml, which does not exist in S3 bucket tpl"),
])
def test_an_unreadable_url_fails_the_resource_naming_it(tmp_path, url, expected):
    engine = _engine(tmp_path)
    provider = LocalProvider(str(tmp_path / "state.db"))
    provider.create(StackRef("", "setup"), "AWS::S3::Bucket", "B", {"BucketName": "tpl"}, "t1")
    outcome = _deploy(engine, _write(tmp_path, url=url))
    assert outcome.record is not None and outcome.record.status is StackStatus.ROLLBACK_COMPLETE
    [reason] = _reasons(engine, "app", "Child")
    assert expected in reason
    assert engine.stacks() == [outcome.record]


def test_a_missing_local_file_is_refused_before_anything_runs(tmp_path):
    parent = tmp_path / "parent.yaml"
    parent.write_text(PARENT.format(url="./nowhere/child.yaml"))
    with pytest.raises(TemplateError, match="TemplateURL parameter of Child resource is invalid"):
        _deploy(_engine(tmp_path), str(parent))


def test_template_body_is_not_a_property_of_a_nested_stack(tmp_path):
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n"
                        "    Properties:\n      TemplateURL: s3://tpl/x.yaml\n"
                        "      TemplateBody: 'Resources: {}'\n")
    engine = _engine(tmp_path)
    outcome = _deploy(engine, str(template))
    assert outcome.record is not None and outcome.record.status is StackStatus.ROLLBACK_COMPLETE
    [reason] = _reasons(engine, "app", "Child")
    assert "unsupported properties" in reason and "TemplateBody" in reason


def test_nested_twice_records_the_root(tmp_path):
    (tmp_path / "leaf.yaml").write_text("Resources:\n  T:\n    Type: AWS::SNS::Topic\n"
                                        "Outputs:\n  Arn:\n    Value: !Ref T\n")
    (tmp_path / "middle.yaml").write_text(
        "Resources:\n  Leaf:\n    Type: AWS::CloudFormation::Stack\n"
        "    Properties:\n      TemplateURL: ./leaf.yaml\n"
        "Outputs:\n  Arn:\n    Value: !GetAtt Leaf.Outputs.Arn\n")
    top = tmp_path / "top.yaml"
    top.write_text("Resources:\n  Middle:\n    Type: AWS::CloudFormation::Stack\n"
                   "    Properties:\n      TemplateURL: ./middle.yaml\n"
                   "Outputs:\n  Arn:\n    Value: !GetAtt Middle.Outputs.Arn\n")
    engine = _engine(tmp_path)
    root = _deploy(engine, str(top)).record
    assert root is not None and root.status is StackStatus.CREATE_COMPLETE
    [middle] = _children(engine, root)
    [leaf] = _children(engine, middle)
    assert leaf.root_id == root.stack_id and leaf.name.startswith(middle.name[:40])
    assert _outputs(root)["Arn"] == _outputs(leaf)["Arn"]
    engine.delete_stack(root.name)
    assert engine.stacks() == []


def test_s3_urls_in_every_form_name_bucket_and_key():
    assert s3_location("s3://b/k/x.yaml") == S3Location("b", "k/x.yaml")
    assert s3_location("https://s3.amazonaws.com/b/k.yaml") == S3Location("b", "k.yaml")
    assert s3_location("https://s3.eu-west-1.amazonaws.com/b/k.yaml") == S3Location("b", "k.yaml")
    assert s3_location("https://s3-eu-west-1.amazonaws.com/b/k.yaml") == S3Location("b", "k.yaml")
    assert s3_location("https://my.b.s3.eu-west-1.amazonaws.com/a%20b.yaml") == S3Location("my.b", "a b.yaml")
    assert s3_location("https://b.s3.amazonaws.com.cn/k") == S3Location("b", "k")
    assert s3_location("https://example.com/b/k") is None
    assert s3_location("child.yaml") is None


def test_child_names_are_deterministic_and_fit_the_limit():
    parent = StackRef("p" * 120, "arn:aws:cloudformation:us-east-1:1:stack/p/1")
    name = child_stack_name(parent, "Logical")
    assert name == child_stack_name(parent, "Logical") != child_stack_name(parent, "Other")
    assert len(name) <= 128 and name[-14] == "-"


def test_corpus_vpc_peering_with_its_nested_templates_in_the_emulated_s3(tmp_path):
    """The solution's main template names its nested templates by a bucket and prefix given as
    parameters: uploaded there, the whole solution deploys and deletes."""
    import os

    folder = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "corpus",
                          "cfn-templates", "Solutions", "VPCPeering", "templates")
    if not os.path.isdir(folder):
        pytest.skip("corpus not available")
    engine = _engine(tmp_path)
    provider = engine.provider
    ids = provider.default_ids("123456789012", "us-east-1")  # type: ignore[attr-defined]
    route_table = tmp_path / "rt.yaml"
    route_table.write_text("Resources:\n  Rt:\n    Type: AWS::EC2::RouteTable\n"
                           f"    Properties:\n      VpcId: {ids['DefaultVpc']}\n"
                           "Outputs:\n  Id:\n    Value: !Ref Rt\n")
    rt = _outputs(engine.deploy(StackRequest(str(route_table), "rt")).record)["Id"]
    provider.create(StackRef("", "setup"), "AWS::S3::Bucket", "B",
                    {"BucketName": "peering-templates"}, "t1")
    for name in ("VPCPeering-Requester-Setup.cfn.yaml", "VPCPeering-Updates.cfn.yaml"):
        with open(os.path.join(folder, name), "rb") as handle:
            provider.put_object("peering-templates", f"solution/templates/{name}",  # type: ignore[attr-defined]
                                handle.read())
    parameters = dict(
        NumberOfRouteTables="1", NumberOfSecurityGroups="1", PeerName="peer",
        PeerOwnerId="210987654321", PeerRoleARN="arn:aws:iam::210987654321:role/peer",
        PeerVPCCIDR="10.1.0.0/16", PeerVPCID="vpc-0123456789abcdef0", RouteTableIds=rt,
        SecurityGroupIds=ids["DefaultSecurityGroup"], VPCID=ids["DefaultVpc"],
        TemplatesS3BucketName="peering-templates", TemplatesS3BucketRegion="us-east-1",
        TemplatesS3KeyPrefix="solution/")
    outcome = engine.deploy(StackRequest(os.path.join(folder, "VPCPeering-Requester.main.cfn.yaml"),
                                         "peering", parameters, capabilities=CAPS))
    assert outcome.record is not None and outcome.record.status is StackStatus.CREATE_COMPLETE
    setup, updates = sorted(_children(engine, outcome.record), key=lambda s: s.name)
    assert "RequesterSetupStack" in setup.name and "UpdatesStack" in updates.name
    # the peering connection made by one child is a parameter of the other
    pcx = _outputs(setup)["VPCPeeringConnectionId"]
    assert pcx.startswith("pcx-") and {p.name: p.value for p in updates.parameters}[
        "VPCPeeringConnectionId"] == pcx
    assert engine.delete_stack("peering").status is StackStatus.DELETE_COMPLETE
    assert [s.name for s in engine.stacks()] == ["rt"]


def test_a_repeated_call_with_the_same_token_finds_the_same_child(tmp_path):
    """Recovery after a crash repeats the provider call with its token: no second child."""
    from stackengine.cfn_service import CloudFormationService, EngineStacks

    engine = _engine(tmp_path)
    (tmp_path / "child.yaml").write_text(CHILD)
    parent = StackRef("top", "arn:aws:cloudformation:us-east-1:123456789012:stack/top/1")
    service = CloudFormationService(engine.provider, EngineStacks(engine))
    props = {"TemplateURL": str(tmp_path / "child.yaml"), "Parameters": {"QueueName": "q"}}
    first = service.create(parent, "AWS::CloudFormation::Stack", "Child", props, "token-1")
    again = service.create(parent, "AWS::CloudFormation::Stack", "Child", props, "token-1")
    assert first == again and len(engine.stacks()) == 1
    assert service.read("AWS::CloudFormation::Stack", first.physical_id) == first
    service.delete(parent, "AWS::CloudFormation::Stack", "Child", first.physical_id, "token-2")
    assert service.read("AWS::CloudFormation::Stack", first.physical_id) is None
    service.delete(parent, "AWS::CloudFormation::Stack", "Child", first.physical_id, "token-3")


def test_template_url_from_a_dynamic_reference(tmp_path):
    """CloudFormation resolves `{{resolve:ssm:...}}` in TemplateURL when it deploys; deploy's own
    packaging leaves it alone (it is not a path)."""
    engine = _engine(tmp_path)
    provider = engine.provider
    provider.create(StackRef("", "setup"), "AWS::S3::Bucket", "B", {"BucketName": "tpl"}, "t1")
    provider.put_object("tpl", "child.yaml", CHILD.encode())  # type: ignore[attr-defined]
    provider.put_ssm_parameter("123456789012", "us-east-1", "/app/child-url",  # type: ignore[attr-defined]
                               "s3://tpl/child.yaml")
    outcome = _deploy(engine, _write(tmp_path, url='"{{resolve:ssm:/app/child-url}}"'))
    assert outcome.record is not None and outcome.record.status is StackStatus.CREATE_COMPLETE
    assert _outputs(outcome.record)["QueueArn"].endswith(":demo-queue")


# A child with a resource made before the one that fails, to see it leave the emulated account.
CHILD_WITH_TOPIC = CHILD.replace("Resources:\n", """Resources:
  Made:
    Type: AWS::SNS::Topic
""").replace("      QueueName: !Ref QueueName\n", "      QueueName: !Ref QueueName\n    DependsOn: Made\n")


def _account(engine, type_name):
    return engine.provider.store.list_resources(type_name=type_name)  # type: ignore[attr-defined]


def test_with_rollback_disabled_the_failed_child_is_kept_as_the_resource(tmp_path):
    from stackengine.engine import ExecuteOptions

    engine = _engine(tmp_path, **provider_options(0, ["Queue:create"]))
    outcome = engine.deploy(StackRequest(_write(tmp_path, child=CHILD_WITH_TOPIC), "app", {},
                                         capabilities=CAPS), ExecuteOptions(disable_rollback=True))
    assert outcome.record is not None and outcome.record.status is StackStatus.CREATE_FAILED
    [child] = _children(engine, outcome.record)
    assert child.status is StackStatus.CREATE_FAILED
    [reason] = _reasons(engine, "app", "Child")
    assert reason.startswith(f"Embedded stack {child.stack_id} was not successfully created: "
                             "The following resource(s) failed to create: [Queue].")
    # As in CloudFormation, the failed nested stack resource names the kept child.
    [resource] = [r for r in engine.resources("app") if r.logical_id == "Child"]
    assert resource.physical_id == child.stack_id
    assert [r.stack_id for r in _account(engine, "AWS::SNS::Topic")] == [child.stack_id]


def test_deleting_the_parent_deletes_a_child_kept_after_a_failed_create(tmp_path):
    from stackengine.engine import ExecuteOptions

    engine = _engine(tmp_path, **provider_options(0, ["Queue:create"]))
    parent = engine.deploy(StackRequest(_write(tmp_path, child=CHILD_WITH_TOPIC), "app", {},
                                        capabilities=CAPS), ExecuteOptions(disable_rollback=True))
    assert parent.record is not None
    [child] = _children(engine, parent.record)
    assert engine.delete_stack("app").status is StackStatus.DELETE_COMPLETE
    [gone] = [s for s in engine.stacks(include_deleted=True) if s.stack_id == child.stack_id]
    assert gone.status is StackStatus.DELETE_COMPLETE
    assert engine.stacks() == []
    assert _account(engine, "AWS::SNS::Topic") == [] and _account(engine, "AWS::SQS::Queue") == []


def test_deleting_the_parent_deletes_a_child_kept_after_a_failed_update(tmp_path):
    from stackengine.engine import ExecuteOptions

    path = _write(tmp_path, child=CHILD_WITH_TOPIC)
    first = _deploy(_engine(tmp_path), path).record
    engine = _engine(tmp_path, **provider_options(0, ["Queue:create"]))  # renaming replaces it
    outcome = engine.deploy(StackRequest(path, "app", {"Prefix": "broken"}, capabilities=CAPS),
                            ExecuteOptions(disable_rollback=True))
    assert outcome.record is not None and outcome.record.status is StackStatus.UPDATE_FAILED
    [child] = _children(engine, first)
    assert child.status is StackStatus.UPDATE_FAILED
    assert engine.delete_stack("app").status is StackStatus.DELETE_COMPLETE
    [gone] = [s for s in engine.stacks(include_deleted=True) if s.stack_id == child.stack_id]
    assert gone.status is StackStatus.DELETE_COMPLETE
    assert _account(engine, "AWS::SNS::Topic") == [] and _account(engine, "AWS::SQS::Queue") == []


def test_the_parents_tags_and_capabilities_apply_to_the_child(tmp_path):
    with_role = CHILD.replace("Outputs:", """\
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
Outputs:""")
    path = _write(tmp_path, child=with_role)
    engine = _engine(tmp_path)
    refused = engine.deploy(StackRequest(path, "app", {}, capabilities=CAPS))
    assert refused.record is not None and refused.record.status is StackStatus.ROLLBACK_COMPLETE
    [reason] = _reasons(engine, "app", "Child")
    assert "Requires capabilities : [CAPABILITY_IAM]" in reason

    engine.delete_stack("app")
    outcome = engine.deploy(StackRequest(path, "app", {}, ("CAPABILITY_IAM", *CAPS),
                                         tags={"env": "test"}))
    assert outcome.record is not None and outcome.record.status is StackStatus.CREATE_COMPLETE
    [child] = _children(engine, outcome.record)
    assert dict(child.tags) == {"env": "test", "team": "core"}
    assert set(child.capabilities) == {"CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"}


# Four queues made one after another, under a parent that makes a topic first.
SLOW_CHILD = """\
Resources:
  A: {Type: AWS::SQS::Queue}
  B: {Type: AWS::SQS::Queue, DependsOn: A}
  C: {Type: AWS::SQS::Queue, DependsOn: B}
  D: {Type: AWS::SQS::Queue, DependsOn: C}
"""
TIMED_PARENT = """\
Resources:
  Topic: {Type: AWS::SNS::Topic}
  Child:
    Type: AWS::CloudFormation::Stack
    DependsOn: Topic
    Properties:
      TemplateURL: ./child.yaml
      TimeoutInMinutes: 2
"""


def _timed_engine(tmp_path):
    """Every provider call takes a minute of a fake clock the engine reads too."""
    clock = FakeTime()
    options = {**provider_options(60_000), "clock": clock.time, "sleep": clock.sleep}
    return Engine(EngineConfig(state_path=str(tmp_path / "state.db"), provider_options=options),
                  clock=clock.time)


def test_a_child_past_its_timeout_rolls_back_and_so_does_the_parent(tmp_path):
    (tmp_path / "child.yaml").write_text(SLOW_CHILD)
    (tmp_path / "parent.yaml").write_text(TIMED_PARENT)
    engine = _timed_engine(tmp_path)
    outcome = _deploy(engine, str(tmp_path / "parent.yaml"))
    assert outcome.record is not None and outcome.record.status is StackStatus.ROLLBACK_COMPLETE
    assert outcome.record.status_reason == ("The following resource(s) failed to create: "
                                            "[Child]. Rollback requested by user.")
    [child] = [s for s in engine.stacks(include_deleted=True)
               if s.parent_id == outcome.record.stack_id]
    assert child.status is StackStatus.DELETE_COMPLETE and child.timeout_in_minutes == 2
    assert _reasons(engine, "app", "Child") == [
        f"Embedded stack {child.stack_id} was not successfully created: "
        "Stack creation time exceeded the specified timeout."]
    child_events = [(e.logical_id, e.status, e.reason) for e in engine.events(child.name)]
    # Counted from the child's own create, a minute after the parent's: C (starting two minutes
    # into the child) is made, D is cancelled.
    assert ("C", "CREATE_COMPLETE", None) in child_events
    assert ("D", "CREATE_FAILED", "Resource creation cancelled") in child_events
    assert (child.name, "ROLLBACK_COMPLETE", "Stack creation time exceeded the specified timeout."
            " Rollback requested by user.") in child_events
    assert _account(engine, "AWS::SQS::Queue") == [] and _account(engine, "AWS::SNS::Topic") == []


def test_a_nested_stack_update_ignores_its_timeout(tmp_path):
    (tmp_path / "child.yaml").write_text(SLOW_CHILD.split("  B:")[0])
    (tmp_path / "parent.yaml").write_text(TIMED_PARENT)
    engine = _timed_engine(tmp_path)
    assert _deploy(engine, str(tmp_path / "parent.yaml")).record.status is StackStatus.CREATE_COMPLETE
    (tmp_path / "child.yaml").write_text(SLOW_CHILD)  # three more minutes of queues
    updated = _deploy(engine, str(tmp_path / "parent.yaml")).record
    assert updated is not None and updated.status is StackStatus.UPDATE_COMPLETE
    assert len(_account(engine, "AWS::SQS::Queue")) == 4
