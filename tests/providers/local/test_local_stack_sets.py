"""Stack sets (AWS::CloudFormation::StackSet) on the local target: one stack instance per account
and region in the emulated accounts, updated and deleted with the stack set; invalid stack sets
are refused with a clear reason and leave nothing behind."""

from __future__ import annotations

import re

import pytest

from stackengine.cfn_service.stacksets import ou_account_id
from stackengine.engine import Engine, EngineConfig, StackRequest
from stackengine.providers.local import provider_options
from stackengine.state.base import StackStatus

INSTANCE = """\
        Parameters:
          Env:
            Type: String
          Size:
            Type: String
            Default: "1"
        Resources:
          Topic:
            Type: AWS::SNS::Topic
            Properties:
              TopicName: !Sub "${Env}-${Size}-${AWS::Region}"
        Outputs:
          Arn:
            Value: !Ref Topic
"""

TEMPLATE = """\
Parameters:
  Env:
    Type: String
    Default: dev
  Regions:
    Type: CommaDelimitedList
    Default: us-east-1,eu-west-1
Resources:
  Set:
    Type: AWS::CloudFormation::StackSet
    Properties:
      StackSetName: common
      PermissionModel: SELF_MANAGED
      Parameters:
        - ParameterKey: Env
          ParameterValue: !Ref Env
      StackInstancesGroup:
        - DeploymentTargets:
            Accounts: ["111111111111", "222222222222"]
          Regions: !Ref Regions
          ParameterOverrides:
            - ParameterKey: Size
              ParameterValue: "3"
      TemplateBody: |
{body}
Outputs:
  Id:
    Value: !Ref Set
"""
ACCOUNTS = ("111111111111", "222222222222")
REGIONS = ("us-east-1", "eu-west-1", "us-west-2")


def _engine(tmp_path, **options):
    return Engine(EngineConfig(state_path=str(tmp_path / "state.db"), provider_options=options))


def _deploy(engine, tmp_path, text, **parameters):
    path = tmp_path / "set.yaml"
    path.write_text(text)
    return engine.deploy(StackRequest(str(path), "admin", parameters))


def _instances(engine):
    """(account, region) → the live stack instances there."""
    found = {}
    for account in (*ACCOUNTS, ou_account_id("ou-abcd-12345678")):
        for region in REGIONS:
            other = Engine(EngineConfig(engine.config.state_path, region, account), store=engine.store)
            stacks = [s for s in other.stacks() if s.name.startswith("StackSet-")]
            if stacks:
                found[(account, region)] = stacks
    return found


def _reason(engine, logical_id="Set"):
    return " ".join(e.reason for e in engine.events("admin") if e.logical_id == logical_id and e.reason)


def test_create_update_delete_two_accounts_by_two_regions(tmp_path):
    engine = _engine(tmp_path)
    outcome = _deploy(engine, tmp_path, TEMPLATE.format(body=INSTANCE))
    assert outcome.record is not None and outcome.record.status is StackStatus.CREATE_COMPLETE
    stack_set_id = outcome.record.outputs[0]["OutputValue"]
    assert re.fullmatch(r"common:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}",
                        stack_set_id)
    instances = _instances(engine)
    assert sorted(instances) == sorted((a, r) for a in ACCOUNTS for r in ("us-east-1", "eu-west-1"))
    names = set()
    for (account, region), [stack] in instances.items():
        assert re.fullmatch(r"StackSet-common-[0-9a-f-]{36}", stack.name)
        assert stack.status is StackStatus.CREATE_COMPLETE
        assert stack.account_id == account and stack.region == region
        # the stack set's parameters with the group's overrides
        assert {p.name: p.value for p in stack.parameters} == {"Env": "dev", "Size": "3"}
        assert stack.outputs[0]["OutputValue"] == f"arn:aws:sns:{region}:{account}:dev-3-{region}"
        names.add(stack.name)
    assert len(names) == 4
    store = engine.provider.store  # type: ignore[attr-defined]
    [row] = store.list_resources(type_name="AWS::CloudFormation::StackSet")
    assert row.physical_id == stack_set_id and row.name == "common"

    # update: new parameter value, one region replaced by another
    updated = _deploy(engine, tmp_path, TEMPLATE.format(body=INSTANCE), Env="prod",
                      Regions="us-east-1,us-west-2")
    assert updated.record is not None and updated.record.status is StackStatus.UPDATE_COMPLETE
    after = _instances(engine)
    assert sorted(after) == sorted((a, r) for a in ACCOUNTS for r in ("us-east-1", "us-west-2"))
    for (account, region), [stack] in after.items():
        assert {p.name: p.value for p in stack.parameters} == {"Env": "prod", "Size": "3"}
        if region == "us-east-1":  # kept: the same stack, updated
            assert stack.stack_id == instances[(account, region)][0].stack_id
            assert stack.status is StackStatus.UPDATE_COMPLETE
    assert updated.record.outputs[0]["OutputValue"] == stack_set_id

    deleted = engine.delete_stack("admin")
    assert deleted.status is StackStatus.DELETE_COMPLETE
    assert _instances(engine) == {}
    assert store.list_resources(type_name="AWS::CloudFormation::StackSet") == []
    assert store.list_resources(type_name="AWS::SNS::Topic") == []


def test_service_managed_targets_stand_for_a_derived_emulated_account(tmp_path):
    text = TEMPLATE.format(body=INSTANCE).replace("SELF_MANAGED", "SERVICE_MANAGED").replace(
        'Accounts: ["111111111111", "222222222222"]', "OrganizationalUnitIds: [ou-abcd-12345678]")
    engine = _engine(tmp_path)
    outcome = _deploy(engine, tmp_path, text, Regions="us-west-2")
    assert outcome.record is not None and outcome.record.status is StackStatus.CREATE_COMPLETE
    account = ou_account_id("ou-abcd-12345678")
    assert re.fullmatch(r"[0-9]{12}", account) and account == ou_account_id("ou-abcd-12345678")
    assert list(_instances(engine)) == [(account, "us-west-2")]


@pytest.mark.parametrize("change, expected", [
    (lambda t: t.replace("      PermissionModel: SELF_MANAGED\n", ""),
     "StackSet common: PermissionModel is required"),
    (lambda t: t.replace("      TemplateBody: |", "      TemplateURL: s3://b/k.yaml\n      TemplateBody: |"),
     "give exactly one of TemplateBody and TemplateURL, not both"),
    (lambda t: t.replace("Type: AWS::SNS::Topic", "Type: AWS::SNS::Topik"),
     "StackSet common: the template is not valid"),
    (lambda t: t.replace("            Type: String\n          Size", "            Type: [String\n          Size"),
     "StackSet common: the template is not valid: <StackSet common TemplateBody>:4:7: E0001 "
     "malformed YAML"),
    (lambda t: t.replace("Value: !Ref Topic", "Value: !GetAtt Nothing.Arn"),
     "StackSet common: the template is not valid"),
    (lambda t: t.replace("Type: AWS::SNS::Topic", "Type: AWS::IAM::Role"),
     "the template requires capabilities [CAPABILITY_IAM]; list them in the stack set's "
     "Capabilities"),
    (lambda t: t.replace("Accounts: [", "OrganizationalUnitIds: [ou-abcd-12345678]\n            Accounts: ["),
     "OrganizationalUnitIds need the SERVICE_MANAGED permission model"),
])
def test_an_invalid_stack_set_is_refused_and_leaves_nothing(tmp_path, change, expected):
    engine = _engine(tmp_path)
    outcome = _deploy(engine, tmp_path, change(TEMPLATE.format(body=INSTANCE)))
    assert outcome.record is not None and outcome.record.status is StackStatus.ROLLBACK_COMPLETE
    assert expected in _reason(engine)
    assert _instances(engine) == {}
    assert engine.provider.store.list_resources(  # type: ignore[attr-defined]
        type_name="AWS::CloudFormation::StackSet") == []


def test_a_failing_instance_fails_the_stack_set_and_its_instances_are_removed(tmp_path):
    engine = _engine(tmp_path, **provider_options(0, ["Topic:create"]))
    outcome = _deploy(engine, tmp_path, TEMPLATE.format(body=INSTANCE))
    assert outcome.record is not None and outcome.record.status is StackStatus.ROLLBACK_COMPLETE
    reason = _reason(engine)
    assert "StackSet common: 4 of 4 stack instance(s) failed" in reason
    assert "stack instance 111111111111/us-east-1" in reason and "Injected failure" in reason
    assert _instances(engine) == {}
    assert engine.provider.store.list_resources(  # type: ignore[attr-defined]
        type_name="AWS::CloudFormation::StackSet") == []


def test_the_same_stack_set_name_twice_in_one_account_and_region_is_refused(tmp_path):
    engine = _engine(tmp_path)
    assert not _deploy(engine, tmp_path, TEMPLATE.format(body=INSTANCE)).failed
    path = tmp_path / "other.yaml"
    path.write_text(TEMPLATE.format(body=INSTANCE))
    second = engine.deploy(StackRequest(str(path), "admin2", {"Regions": "us-west-2"}))
    assert second.failed
    reasons = [e.reason for e in engine.events("admin2") if e.logical_id == "Set" and e.reason]
    assert any("StackSet common already exists" in r for r in reasons)
    # the first stack set's instances are untouched
    assert len(_instances(engine)) == 4


def test_template_url_of_the_emulated_s3_and_tags_reach_the_instances(tmp_path):
    from stackengine.providers.base import StackRef
    from stackengine.providers.local import LocalProvider

    provider = LocalProvider(str(tmp_path / "state.db"))
    provider.create(StackRef("", "setup"), "AWS::S3::Bucket", "B", {"BucketName": "sets"}, "t1")
    body = "\n".join(line[8:] for line in INSTANCE.splitlines())
    provider.put_object("sets", "instance.yaml", body.encode())
    text = TEMPLATE.format(body="").replace(
        "      TemplateBody: |\n",
        "      TemplateURL: https://sets.s3.amazonaws.com/instance.yaml\n"
        "      Tags:\n        - Key: owner\n          Value: platform\n")
    engine = _engine(tmp_path)
    outcome = _deploy(engine, tmp_path, text, Regions="us-west-2")
    assert outcome.record is not None and outcome.record.status is StackStatus.CREATE_COMPLETE
    instances = _instances(engine)
    assert sorted(instances) == [(a, "us-west-2") for a in ACCOUNTS]
    for [stack] in instances.values():
        assert dict(stack.tags) == {"owner": "platform"}


def test_failure_tolerance_lets_the_other_instances_stand(tmp_path):
    engine = _engine(tmp_path)
    text = TEMPLATE.format(body=INSTANCE).replace(
        "      StackInstancesGroup:",
        "      OperationPreferences:\n        FailureToleranceCount: 1\n      StackInstancesGroup:\n"
        "        - DeploymentTargets:\n            Accounts: [\"222222222222\"]\n"
        "          Regions: [us-west-2]\n          ParameterOverrides:\n"
        "            - ParameterKey: Size\n              ParameterValue: \"not a name!\"")
    outcome = _deploy(engine, tmp_path, text, Regions="us-east-1")
    assert outcome.record is not None and outcome.record.status is StackStatus.CREATE_COMPLETE
    assert sorted(_instances(engine)) == [(a, "us-east-1") for a in ACCOUNTS]
