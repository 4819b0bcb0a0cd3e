"""The engine deploying through the aws provider to the served emulator: the same examples and
the same outputs as `--target local`, update, failure with rollback, delete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stackengine.engine import Engine, EngineConfig, StackRequest
from stackengine.providers.aws.cloudcontrol import CloudControlProvider, Polling, CloudControlOptions
from stackengine.providers.local import FailureSpec

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
CAPS = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM")


def aws_engine(server, tmp_path, name="engine.db"):
    provider = CloudControlProvider(None, endpoint_url=server.url, region="us-east-1",
                                    options=CloudControlOptions(polling=Polling(first_s=0.01)))
    return Engine(EngineConfig(state_path=str(tmp_path / name)), provider=provider)


def normalised(outputs):
    """Generated parts (random name suffixes, hex IDs, addresses) differ between two stacks;
    everything else must match."""
    def norm(value):
        value = re.sub(r"\d+\.\d+\.\d+\.\d+", "IP", str(value))
        value = re.sub(r"-[0-9a-f]{8,17}\b", "-HEX", value)
        value = re.sub(r"[A-Z0-9]{12,13}", "RAND", value)
        return re.sub(r"-\d{6,10}\.", "-N.", value)
    return sorted((o["OutputKey"], norm(o["OutputValue"])) for o in outputs)


def stack_resources(server, stack_name):
    return [r for r in server.provider.store.list_resources() if r.stack_name == stack_name]


@pytest.mark.parametrize("example", ["sqs-sns-fanout.yaml", "network.yaml", "lambda-s3-code.yaml",
                                     "ec2-instance.yaml"])
def test_examples_deploy_with_the_same_outputs_as_local(example, serve, tmp_path):
    server = serve()
    request = StackRequest(str(EXAMPLES / example), example.split(".")[0], capabilities=CAPS)
    remote = aws_engine(server, tmp_path).deploy(request)
    local = Engine(EngineConfig(state_path=str(tmp_path / "local.db"))).deploy(request)
    assert remote.record.status.value == "CREATE_COMPLETE", remote.record.status_reason
    assert local.record.status.value == "CREATE_COMPLETE"
    assert normalised(remote.record.outputs) == normalised(local.record.outputs)
    assert stack_resources(server, request.stack_name)  # made in the served account


def test_update_then_delete(serve, tmp_path):
    server = serve()
    engine = aws_engine(server, tmp_path)
    template = str(EXAMPLES / "sqs-sns-fanout.yaml")
    engine.deploy(StackRequest(template, "fan", capabilities=CAPS))
    updated = engine.deploy(StackRequest(template, "fan", {"MessageRetentionSeconds": "600"},
                                         capabilities=CAPS))
    assert updated.record.status.value == "UPDATE_COMPLETE", updated.record.status_reason
    queues = {r.logical_id: r.properties for r in stack_resources(server, "fan")
              if r.type_name == "AWS::SQS::Queue"}
    assert queues["BillingQueue"]["MessageRetentionPeriod"] == 600
    assert queues["DeadLetterQueue"]["MessageRetentionPeriod"] == 1209600

    record = engine.delete_stack("fan")
    assert record.status.value == "DELETE_COMPLETE"
    assert stack_resources(server, "fan") == []


def test_replacement_through_the_engine(serve, tmp_path):
    server = serve()
    engine = aws_engine(server, tmp_path)
    path = tmp_path / "t.yaml"
    path.write_text("Parameters:\n  Name: {Type: String}\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n"
                    "    Properties: {QueueName: !Ref Name}\nOutputs:\n  Url: {Value: !Ref Q}\n")
    first = engine.deploy(StackRequest(str(path), "rep", {"Name": "first-q"}))
    second = engine.deploy(StackRequest(str(path), "rep", {"Name": "second-q"}))
    assert second.record.status.value == "UPDATE_COMPLETE", second.record.status_reason
    assert [o["OutputValue"] for o in second.record.outputs] != [o["OutputValue"] for o in first.record.outputs]
    (queue,) = stack_resources(server, "rep")
    assert queue.physical_id.endswith("/second-q")


def test_failure_rolls_back(serve, tmp_path):
    server = serve(inject_failures=(FailureSpec("ShippingQueue", "create"),))
    engine = aws_engine(server, tmp_path)
    outcome = engine.deploy(StackRequest(str(EXAMPLES / "sqs-sns-fanout.yaml"), "broken",
                                         capabilities=CAPS))
    assert outcome.record.status.value == "ROLLBACK_COMPLETE"
    (failed,) = [e for e in engine.events("broken")
                 if e.logical_id == "ShippingQueue" and e.status == "CREATE_FAILED"]
    assert "Injected failure: create of ShippingQueue" in (failed.reason or "")
    assert "HandlerErrorCode: GeneralServiceException" in (failed.reason or "")
    assert stack_resources(server, "broken") == []


def test_wiring_through_the_engines_provider_registry(serve, tmp_path, monkeypatch):
    """What the lead adds: one PROVIDERS entry; CLI options become provider_options."""
    from stackengine import engine as engine_module

    monkeypatch.setitem(engine_module.PROVIDERS, "aws",
                        "stackengine.providers.aws.cloudcontrol:CloudControlProvider")
    server = serve()
    config = EngineConfig(state_path=str(tmp_path / "e.db"), provider="aws",
                          provider_options={"endpoint_url": server.url, "profile": None,
                                            "role_arn": None})
    provider = engine_module.load_provider("aws", config.state_path, config)
    assert isinstance(provider, CloudControlProvider)
    assert provider.resolve_account_id() == "123456789012"
    provider.check_resources({"Q": "AWS::SQS::Queue"})
    outcome = Engine(config).deploy(StackRequest(str(EXAMPLES / "sqs-sns-fanout.yaml"), "wired",
                                                 capabilities=CAPS))
    assert outcome.record.status.value == "CREATE_COMPLETE"
    assert stack_resources(server, "wired")
