"""The Cloud Control provider end to end: real boto3 over HTTP against the served emulator."""

from __future__ import annotations

import json

import boto3
import pytest

from stackengine.providers.base import ProviderError
from stackengine.providers.local import FailureSpec

QUEUE = "AWS::SQS::Queue"



def resources(server, type_name):
    return [r for r in server.provider.store.list_resources(type_name=type_name) if r.stack_id]


def test_create_read_update_delete(serve, provider_for, stack):
    server = serve(latency_ms=5)
    provider = provider_for(server)
    created = provider.create(stack, QUEUE, "Orders", {"DelaySeconds": 5}, "tok-create")
    # named as CloudFormation names it (the stack context travels in headers to the emulator)
    assert created.physical_id.startswith("https://sqs.us-east-1.amazonaws.com/123456789012/shop-Orders-")
    assert created.attributes["Arn"].startswith("arn:aws:sqs:us-east-1:123456789012:shop-Orders-")
    assert created.attributes["QueueUrl"] == created.physical_id

    read = provider.read(QUEUE, created.physical_id)
    assert read is not None and read.attributes["Arn"] == created.attributes["Arn"]

    updated = provider.update(stack, QUEUE, "Orders", created.physical_id, {"DelaySeconds": 5},
                              {"DelaySeconds": 9, "VisibilityTimeout": 60}, "tok-update")
    assert updated.physical_id == created.physical_id
    (row,) = resources(server, QUEUE)
    assert row.properties == {"DelaySeconds": 9, "VisibilityTimeout": 60}

    provider.delete(stack, QUEUE, "Orders", created.physical_id, "tok-delete")
    assert provider.read(QUEUE, created.physical_id) is None
    assert resources(server, QUEUE) == []
    # deleting what is already gone succeeds, as in CloudFormation
    provider.delete(stack, QUEUE, "Orders", created.physical_id, "tok-delete-again")


def test_update_sends_a_json_patch_of_nested_and_list_changes(serve, provider_for, stack):
    server = serve()
    provider = provider_for(server)
    sent = []
    client = provider._client()
    client.meta.events.register(
        "before-call.cloudcontrol.UpdateResource",
        lambda params, **_: sent.append(json.loads(json.loads(params["body"])["PatchDocument"])))
    old = {"TopicName": "orders", "Tags": [{"Key": "team", "Value": "a"}],
           "DeliveryStatusLogging": [{"Protocol": "sqs", "SuccessFeedbackSampleRate": "10"}]}
    new = {"TopicName": "orders", "DisplayName": "Orders",
           "Tags": [{"Key": "team", "Value": "b"}, {"Key": "env", "Value": "prod"}],
           "DeliveryStatusLogging": [{"Protocol": "sqs", "SuccessFeedbackSampleRate": "50"}]}
    created = provider.create(stack, "AWS::SNS::Topic", "Topic", old, "t1")
    provider.update(stack, "AWS::SNS::Topic", "Topic", created.physical_id, old, new, "t2")
    assert sent == [[
        {"op": "replace", "path": "/DeliveryStatusLogging/0/SuccessFeedbackSampleRate",
         "value": "50"},
        {"op": "add", "path": "/DisplayName", "value": "Orders"},
        {"op": "replace", "path": "/Tags",
         "value": [{"Key": "team", "Value": "b"}, {"Key": "env", "Value": "prod"}]}]]
    (row,) = resources(server, "AWS::SNS::Topic")
    assert row.properties == new
    # no change: no request at all
    provider.update(stack, "AWS::SNS::Topic", "Topic", created.physical_id, new, new, "t3")
    assert len(sent) == 1


def test_write_only_properties(serve, provider_for, stack):
    server = serve()
    provider = provider_for(server)
    props = {"Type": "String", "Value": "v1", "Description": "first"}  # Description is write-only
    created = provider.create(stack, "AWS::SSM::Parameter", "Param", props, "w1")
    got = boto3.client("cloudcontrol", endpoint_url=server.url, region_name="us-east-1") \
        .get_resource(TypeName="AWS::SSM::Parameter", Identifier=created.physical_id)
    assert "Description" not in json.loads(got["ResourceDescription"]["Properties"])
    new = dict(props, Description="second", Value="v2")
    provider.update(stack, "AWS::SSM::Parameter", "Param", created.physical_id, props, new, "w2")
    (row,) = resources(server, "AWS::SSM::Parameter")
    assert row.properties["Description"] == "second" and row.properties["Value"] == "v2"


def test_create_only_change_fails_so_the_engine_replaces(serve, provider_for, stack):
    server = serve()
    provider = provider_for(server)
    old = {"QueueName": "orders-v1"}
    first = provider.create(stack, QUEUE, "Orders", old, "r1")
    with pytest.raises(ProviderError) as info:
        provider.update(stack, QUEUE, "Orders", first.physical_id, old, {"QueueName": "orders-v2"},
                        "r2")
    assert info.value.code == "NotUpdatable" and "/properties/QueueName" in info.value.message
    # the replacement the engine plans instead: create the new one, then delete the old one
    second = provider.create(stack, QUEUE, "Orders", {"QueueName": "orders-v2"}, "r3")
    assert {r.physical_id for r in resources(server, QUEUE)} == {first.physical_id,
                                                                second.physical_id}
    provider.delete(stack, QUEUE, "Orders", first.physical_id, "r4")
    assert [r.physical_id for r in resources(server, QUEUE)] == [second.physical_id]


def test_injected_failure_is_a_provider_error_with_the_message(serve, provider_for, stack):
    server = serve(inject_failures=(FailureSpec("Broken", "create"),))
    provider = provider_for(server)
    with pytest.raises(ProviderError) as info:
        provider.create(stack, QUEUE, "Broken", {}, "f1")
    assert info.value.code == "GeneralServiceException"
    assert "Injected failure: create of Broken" in info.value.message
    assert "HandlerErrorCode: GeneralServiceException" in info.value.message
    assert resources(server, QUEUE) == []


def test_invalid_properties_fail_with_the_handlers_message(serve, provider_for, stack):
    provider = provider_for(serve())
    with pytest.raises(ProviderError) as info:
        provider.create(stack, QUEUE, "Orders", {"DelaySeconds": "soon"}, "v1")
    assert info.value.code == "InvalidRequest" and "DelaySeconds" in info.value.message


def test_lost_response_is_retried_with_the_same_client_token(serve, provider_for, stack):
    server = serve(drop_first=frozenset({"CreateResource"}))
    provider = provider_for(server)
    created = provider.create(stack, QUEUE, "Orders", {}, "lost-1")
    assert [r.physical_id for r in resources(server, QUEUE)] == [created.physical_id]
    assert provider.sleeps  # it backed off before trying again


def test_crash_and_reconcile_does_not_create_twice(tmp_path, serve, provider_for, stack):
    # A process sent CreateResource with the journal's token and died before the answer came.
    first = serve()
    client = boto3.client("cloudcontrol", endpoint_url=first.url, region_name="us-east-1")
    client.meta.events.register("before-call.cloudcontrol.CreateResource", lambda params, **_:
                                params["headers"].update({"X-Stackengine-Stack-Name": "shop",
                                                          "X-Stackengine-Stack-Id": stack.stack_id,
                                                          "X-Stackengine-Logical-Id": "Orders"}))
    client.create_resource(TypeName=QUEUE, DesiredState="{}", ClientToken="journal-token")
    # The endpoint restarts too (its in-memory requests are gone; the account persists).
    first.stop()
    second = serve()
    provider = provider_for(second)
    result = provider.create(stack, QUEUE, "Orders", {}, "journal-token")
    (row,) = resources(second, QUEUE)
    assert row.physical_id == result.physical_id and row.logical_id == "Orders"
    found = provider.read(QUEUE, result.physical_id)
    assert found is not None and found.attributes["Arn"] == result.attributes["Arn"]


def test_throttling_is_retried_with_backoff(serve, provider_for, stack):
    server = serve(throttle_first=3)
    provider = provider_for(server)
    created = provider.create(stack, QUEUE, "Orders", {}, "th-1")
    assert created.physical_id
    assert len([s for s in provider.sleeps if s <= 0.05]) >= 3


def test_throttling_that_never_ends_is_bounded(serve, provider_for, stack):
    server = serve(throttle_first=100)
    provider = provider_for(server)
    with pytest.raises(ProviderError) as info:
        provider.create(stack, QUEUE, "Orders", {}, "th-2")
    assert info.value.code == "ThrottlingException" and "Rate exceeded" in info.value.message


def test_unsupported_type_fails_before_any_call(serve, provider_for, stack):
    provider = provider_for(serve())
    with pytest.raises(ProviderError) as info:
        provider.create(stack, "AWS::EMR::Cluster", "Cluster", {}, "u1")
    assert info.value.code == "NotSupported" and "--via cloudformation" in info.value.message


def test_endpoint_from_environment(serve, monkeypatch, stack):
    from stackengine.providers.aws.cloudcontrol import CloudControlProvider

    server = serve()
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
    provider = CloudControlProvider(None, default_region="us-east-1")
    created = provider.create(stack, QUEUE, "Orders", {}, "env-1")
    assert "/shop-Orders-" in created.physical_id


def test_ssm_parameter_values_for_templates(serve, provider_for, stack):
    provider = provider_for(serve())
    provider.create(stack, "AWS::SSM::Parameter", "P",
                    {"Name": "/app/image", "Type": "String", "Value": "ami-123"}, "s1")
    lookup = provider.ssm_lookup("123456789012", "us-east-1")
    assert lookup("/app/image") == "ami-123"
    assert lookup("/app/missing") is None
    public = lookup("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")
    assert public is not None and public.startswith("ami-")
