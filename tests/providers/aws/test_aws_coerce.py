from __future__ import annotations

from stackengine.providers.aws.coerce import coerce
from stackengine.specs import default_registry


def test_scalars_take_the_schemas_types():
    schema = default_registry().get("AWS::SQS::Queue")
    assert coerce(schema, {"MessageRetentionPeriod": "600", "FifoQueue": "true",
                           "QueueName": 12, "RedrivePolicy": {"maxReceiveCount": "5"},
                           "Tags": [{"Key": "n", "Value": 7}]}) == {
        "MessageRetentionPeriod": 600, "FifoQueue": True, "QueueName": "12",
        "RedrivePolicy": {"maxReceiveCount": 5},
        "Tags": [{"Key": "n", "Value": "7"}]}


def test_ambiguous_values_are_sent_as_they_are():
    schema = default_registry().get("AWS::SQS::Queue")
    assert coerce(schema, {"DelaySeconds": "soon", "Unknown": "1"}) == {
        "DelaySeconds": "soon", "Unknown": "1"}
    assert coerce(None, {"A": "1"}) == {"A": "1"}
