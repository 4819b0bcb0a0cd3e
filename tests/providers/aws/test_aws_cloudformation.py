"""CloudFormation-native mode against moto's server on 127.0.0.1 (started and stopped here)."""

from __future__ import annotations

import json

import pytest

from stackengine.providers.aws.cloudformation import (NativeOptions, NativeStackError,
                                                      NativeStackRequest, NativeStacks,
                                                      StackOperationFailed)
from stackengine.providers.aws.retry import Backoff
from stackengine.providers.aws.session import AwsConnection

TEMPLATE = {
    "Parameters": {"Retention": {"Type": "Number", "Default": "600"}},
    "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue",
                  "Properties": {"MessageRetentionPeriod": {"Ref": "Retention"}}},
        "Topic": {"Type": "AWS::SNS::Topic"},
    },
    "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}}},
}


@pytest.fixture
def native(moto_url, monkeypatch):
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    return NativeStacks(AwsConnection(region="us-east-1", endpoint_url=moto_url),
                        options=NativeOptions(poll_first_s=0.01, poll_max_s=0.05, timeout_s=20),
                        seed=0)


def test_create_update_delete(native):
    events: list[str] = []
    body = json.dumps(TEMPLATE)
    change_set, result = native.deploy(NativeStackRequest("shop", body),
                                       on_event=lambda e: events.append(
                                           f"{e['LogicalResourceId']} {e['ResourceStatus']}"))
    assert change_set.change_set_type == "CREATE" and change_set.status == "CREATE_COMPLETE"
    assert sorted((c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"])
                  for c in change_set.changes) == [("Add", "Queue"), ("Add", "Topic")]
    assert result is not None and result.status == "CREATE_COMPLETE" and not result.failed
    assert events[-1] == "shop CREATE_COMPLETE"
    resources = {r["LogicalResourceId"]: r for r in native.resources("shop")}
    assert resources["Queue"]["PhysicalResourceId"].startswith("https://sqs.us-east-1.")
    assert native.describe_stack("shop")["StackStatus"] == "CREATE_COMPLETE"

    change_set, result = native.deploy(NativeStackRequest("shop", body, {"Retention": "900"}))
    assert change_set.change_set_type == "UPDATE"
    assert result is not None and result.status == "UPDATE_COMPLETE"
    assert [e["ResourceStatus"] for e in result.events][-1] == "UPDATE_COMPLETE"
    assert isinstance(native.outputs("shop"), list)
    assert {e["ResourceStatus"] for e in native.events("shop")} >= {"CREATE_COMPLETE",
                                                                     "UPDATE_COMPLETE"}

    deleted = native.delete_stack("shop")
    assert deleted.status == "DELETE_COMPLETE"
    assert native.describe_stack("shop") is None
    with pytest.raises(NativeStackError):
        native.delete_stack("shop")


def test_review_can_stop_before_execution(native):
    change_set, result = native.deploy(NativeStackRequest("reviewed", json.dumps(TEMPLATE)),
                                       review=lambda cs: False)
    assert result is None and change_set.status == "CREATE_COMPLETE"
    described = native.describe_change_set("reviewed", change_set.change_set_id)
    assert described["ChangeSetName"] == change_set.change_set_name
    assert len(described["Changes"]) == 2


def test_failure_surfaces_aws_message(native):
    bad = {"Resources": {"Q": {"Type": "AWS::SQS::Queue",
                               "Properties": {"FifoQueue": True, "QueueName": "not-fifo"}}}}
    with pytest.raises(StackOperationFailed) as info:
        native.deploy(NativeStackRequest("broken", json.dumps(bad)))
    assert "fifo" in str(info.value).lower()
    assert info.value.exit_code == 1


def test_large_template_goes_through_s3(native):
    native._call("s3", "create_bucket", Bucket="artifacts")
    body = json.dumps({**TEMPLATE, "Description": "x" * 60_000})
    with pytest.raises(NativeStackError) as info:
        native.create_change_set(NativeStackRequest("big", body))
    assert "upload it to S3" in str(info.value)
    url = native.upload_template("artifacts", body, prefix="templates")
    assert url.endswith(".template") and "/artifacts/templates/" in url
    key = url.split("/artifacts/", 1)[1]
    stored = native.clients.client("s3").get_object(Bucket="artifacts", Key=key)["Body"].read()
    assert stored == body.encode()
    # content-addressed: uploading the same bytes again gives the same key
    assert native.upload_template("artifacts", body, prefix="templates") == url


# -- following a real stack's events (scripted answers, as real CloudFormation gives them) ----

class _Scripted(NativeStacks):
    def __init__(self, answers):
        super().__init__(options=NativeOptions(poll_first_s=0, backoff=Backoff(base_s=0)),
                         sleep=lambda s: None)
        self.answers = answers
        self.calls = []

    def _cfn(self, operation, **kwargs):
        self.calls.append(operation)
        answer = self.answers[operation]
        return answer.pop(0) if isinstance(answer, list) else answer


def _event(n, logical, status, reason=None):
    event = {"EventId": str(n), "LogicalResourceId": logical, "ResourceStatus": status}
    if reason:
        event["ResourceStatusReason"] = reason
    return event


def test_rolled_back_stack_reports_the_failed_resources_reason():
    from stackengine.providers.aws.cloudformation import ChangeSetResult

    stack = {"StackName": "s", "StackId": "id-s"}
    events = [_event(4, "s", "ROLLBACK_COMPLETE"), _event(3, "Q", "DELETE_COMPLETE"),
              _event(2, "Q", "CREATE_FAILED", "Access denied for sqs:CreateQueue"),
              _event(1, "s", "CREATE_IN_PROGRESS")]
    native = _Scripted({
        "describe_stack_events": [{"StackEvents": []}, {"StackEvents": events[2:]},
                                  {"StackEvents": events}],
        "execute_change_set": {},
        "describe_stacks": [{"Stacks": [{**stack, "StackStatus": "CREATE_IN_PROGRESS"}]},
                            {"Stacks": [{**stack, "StackStatus": "ROLLBACK_COMPLETE"}]}],
    })
    seen = []
    change_set = ChangeSetResult("s", "id-s", "cs-1", "cs", "CREATE", "CREATE_COMPLETE", None, (), {})
    with pytest.raises(StackOperationFailed) as info:
        native.execute_change_set(change_set, on_event=lambda e: seen.append(e["EventId"]))
    assert seen == ["1", "2", "3", "4"]  # oldest first, each once
    assert "ROLLBACK_COMPLETE" in str(info.value)
    assert "Q: Access denied for sqs:CreateQueue" in str(info.value)


def test_role_is_assumed_for_the_operations(native, moto_url):
    assumed = NativeStacks(AwsConnection(region="us-east-1", endpoint_url=moto_url,
                                         role_arn="arn:aws:iam::123456789012:role/deployer",
                                         sts_endpoint_url=moto_url))
    credentials = assumed.clients.session().get_credentials().get_frozen_credentials()
    assert credentials.access_key != "testing" and credentials.token
    assert assumed.describe_stack("no-such-stack") is None  # calls work with the role's keys


def test_profile_credentials(tmp_path, monkeypatch, moto_url, native):
    config = tmp_path / "credentials"
    config.write_text("[dev]\naws_access_key_id = AKIDEV\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(config))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    stacks = NativeStacks(AwsConnection(region="us-east-1", profile="dev", endpoint_url=moto_url))
    assert stacks.clients.session().get_credentials().access_key == "AKIDEV"
    assert stacks.describe_stack("no-such-stack") is None


def test_events_convert_to_the_engines_stack_events(native):
    from stackengine.providers.aws.cloudformation import to_listener

    shown = []
    native.deploy(NativeStackRequest("shown", json.dumps(TEMPLATE)),
                  on_event=to_listener(shown.append))
    assert shown and shown[-1].status == "CREATE_COMPLETE" and shown[-1].logical_id == "shown"
    assert shown[-1].to_json()["ResourceType"] == "AWS::CloudFormation::Stack"
    native.delete_stack("shown")


def test_a_rolled_back_creation_is_deleted_before_creating_again():
    rolled_back = {"StackName": "s", "StackId": "id-1", "StackStatus": "ROLLBACK_COMPLETE"}
    native = _Scripted({
        "describe_stacks": [{"Stacks": [rolled_back]}, {"Stacks": [rolled_back]},
                            {"Stacks": [dict(rolled_back, StackStatus="DELETE_COMPLETE")]}],
        "describe_stack_events": {"StackEvents": []},
        "delete_stack": {},
        "create_change_set": {"Id": "cs-2", "StackId": "id-2"},
        "describe_change_set": {"Status": "CREATE_COMPLETE", "Changes": []},
    })
    change_set = native.create_change_set(NativeStackRequest("s", "{}"))
    assert change_set.change_set_type == "CREATE"
    assert native.calls.index("delete_stack") < native.calls.index("create_change_set")
