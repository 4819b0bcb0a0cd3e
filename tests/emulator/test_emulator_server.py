"""The emulator's Cloud Control wire protocol, driven by boto3's own `cloudcontrol` client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from botocore.exceptions import ClientError

from stackengine.providers.local import FailureSpec


def wait(client, token, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
        if event["OperationStatus"] in ("SUCCESS", "FAILED"):
            return event
        time.sleep(0.01)
    raise AssertionError("request did not finish")


def create_queue(client, token="tok-1", **props):
    event = client.create_resource(TypeName="AWS::SQS::Queue", DesiredState=json.dumps(props),
                                   ClientToken=token)["ProgressEvent"]
    return event, wait(client, event["RequestToken"])


def test_create_is_asynchronous_then_succeeds(serve, client_for):
    server = serve(latency_ms=30)
    client = client_for(server, region="eu-west-1")
    first, done = create_queue(client, DelaySeconds=5)
    assert first["OperationStatus"] == "IN_PROGRESS" and first["Operation"] == "CREATE"
    assert "RetryAfter" in first
    assert done["OperationStatus"] == "SUCCESS"
    assert done["Identifier"].startswith("https://sqs.eu-west-1.amazonaws.com/123456789012/")
    model = json.loads(done["ResourceModel"])
    assert model["DelaySeconds"] == 5 and model["QueueUrl"] == done["Identifier"]
    assert model["Arn"].startswith("arn:aws:sqs:eu-west-1:123456789012:")


def test_get_list_update_delete(serve, client_for):
    server = serve()
    client = client_for(server)
    _, done = create_queue(client, DelaySeconds=5)
    ident = done["Identifier"]
    got = client.get_resource(TypeName="AWS::SQS::Queue", Identifier=ident)["ResourceDescription"]
    assert got["Identifier"] == ident and json.loads(got["Properties"])["DelaySeconds"] == 5

    patch = [{"op": "replace", "path": "/DelaySeconds", "value": 9}]
    event = client.update_resource(TypeName="AWS::SQS::Queue", Identifier=ident,
                                   PatchDocument=json.dumps(patch))["ProgressEvent"]
    assert wait(client, event["RequestToken"])["OperationStatus"] == "SUCCESS"
    got = client.get_resource(TypeName="AWS::SQS::Queue", Identifier=ident)["ResourceDescription"]
    assert json.loads(got["Properties"])["DelaySeconds"] == 9

    listed = client.list_resources(TypeName="AWS::SQS::Queue")["ResourceDescriptions"]
    assert [d["Identifier"] for d in listed] == [ident]

    event = client.delete_resource(TypeName="AWS::SQS::Queue", Identifier=ident)["ProgressEvent"]
    assert wait(client, event["RequestToken"])["OperationStatus"] == "SUCCESS"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_resource(TypeName="AWS::SQS::Queue", Identifier=ident)


def test_stack_context_headers_name_the_resource(serve, client_for):
    server = serve()
    client = client_for(server)

    def add_headers(params, **_):
        params["headers"].update({"X-Stackengine-Stack-Name": "shop",
                                  "X-Stackengine-Stack-Id": "arn:aws:cloudformation:us-east-1:"
                                  "123456789012:stack/shop/1", "X-Stackengine-Logical-Id": "Orders"})

    client.meta.events.register("before-call.cloudcontrol.CreateResource", add_headers)
    _, done = create_queue(client)
    assert "/shop-Orders-" in done["Identifier"]


def test_create_only_change_is_not_updatable(serve, client_for):
    client = client_for(serve())
    _, done = create_queue(client, QueueName="fixed-name")
    patch = [{"op": "replace", "path": "/QueueName", "value": "other"}]
    event = client.update_resource(TypeName="AWS::SQS::Queue", Identifier=done["Identifier"],
                                   PatchDocument=json.dumps(patch))["ProgressEvent"]
    failed = wait(client, event["RequestToken"])
    assert failed["OperationStatus"] == "FAILED" and failed["ErrorCode"] == "NotUpdatable"
    assert "/properties/QueueName" in failed["StatusMessage"]


def test_failures_and_error_shapes(serve, client_for):
    client = client_for(serve())
    _, failed = create_queue(client, DelaySeconds="not a number")
    assert failed["OperationStatus"] == "FAILED" and failed["ErrorCode"] == "InvalidRequest"
    assert failed["StatusMessage"]
    with pytest.raises(client.exceptions.TypeNotFoundException):
        client.get_resource(TypeName="AWS::Nope::Thing", Identifier="x")
    with pytest.raises(client.exceptions.RequestTokenNotFoundException):
        client.get_resource_request_status(RequestToken="missing")
    with pytest.raises(client.exceptions.InvalidRequestException):
        client.update_resource(TypeName="AWS::SQS::Queue", Identifier="x", PatchDocument="{not json")
    event = client.delete_resource(TypeName="AWS::SQS::Queue", Identifier="gone")["ProgressEvent"]
    assert wait(client, event["RequestToken"])["ErrorCode"] == "NotFound"


def test_client_token_returns_the_same_request(serve, client_for):
    client = client_for(serve())
    first, done = create_queue(client, token="same")
    again, _ = create_queue(client, token="same")
    assert again["RequestToken"] == first["RequestToken"]
    assert len(client.list_resources(TypeName="AWS::SQS::Queue")["ResourceDescriptions"]) == 1
    with pytest.raises(client.exceptions.ClientTokenConflictException):
        client.delete_resource(TypeName="AWS::SQS::Queue", Identifier=done["Identifier"],
                               ClientToken="same")


def test_throttling_is_a_retryable_error(serve, client_for):
    server = serve(throttle_first=1)
    client = client_for(server)
    _, done = create_queue(client)  # botocore's own retries absorb a throttle
    assert done["OperationStatus"] == "SUCCESS"
    server2 = serve(throttle_first=1)
    strict = client_for(server2, retries={"total_max_attempts": 1, "mode": "standard"})
    with pytest.raises(ClientError) as info:
        strict.list_resources(TypeName="AWS::SQS::Queue")
    assert info.value.response["Error"]["Code"] == "ThrottlingException"


def test_injected_failure(serve, client_for):
    client = client_for(serve(inject_failures=(FailureSpec("Bad"),)))

    def add_headers(params, **_):
        params["headers"]["X-Stackengine-Logical-Id"] = "Bad"

    client.meta.events.register("before-call.cloudcontrol.CreateResource", add_headers)
    _, failed = create_queue(client)
    assert failed["OperationStatus"] == "FAILED"
    assert "Injected failure" in failed["StatusMessage"]


def test_cli_serve_answers_and_stops(tmp_path):
    env = {**os.environ, "STACKENGINE_STATE": str(tmp_path / "state.db")}
    proc = subprocess.Popen([sys.executable, "-c", "from stackengine.cli.main import main; main()",
                             "emulator", "serve", "--port", "0", "--latency", "5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        import urllib.request
        with urllib.request.urlopen(url, timeout=5) as answer:
            assert json.loads(answer.read())["status"] == "ok"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_list_resources_pages(serve, client_for):
    client = client_for(serve())
    for index in range(3):
        create_queue(client, token=f"page-{index}")
    pages = client.get_paginator("list_resources").paginate(
        TypeName="AWS::SQS::Queue", PaginationConfig={"PageSize": 2})
    sizes = [len(page["ResourceDescriptions"]) for page in pages]
    assert sizes == [2, 1]
