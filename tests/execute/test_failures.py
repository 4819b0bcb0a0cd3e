"""Locating a failed deploy's causes in the template."""

from __future__ import annotations

from stackengine.execute.failures import failure_path, last_operation_causes, located_failures
from stackengine.state.base import StackEvent
from stackengine.template.decode import decode_text


def _event(logical_id, status, reason=None, type_name="AWS::SQS::Queue"):
    return StackEvent("id", "s", "e", "t", logical_id, None, type_name, status, reason)


def test_the_property_a_validation_message_names_else_the_resource():
    validation = _event("Q", "CREATE_FAILED", "Properties validation failed for resource Q with "
                        "message: [#/Tags/1/Key: expected type: String, found: JSONObject]")
    assert failure_path(validation) == ("Resources", "Q", "Properties", "Tags", 1, "Key")
    other = _event("Q", "CREATE_FAILED", "Resource handler returned message: \"boom\"")
    assert failure_path(other) == ("Resources", "Q")


def test_causes_of_the_last_operation_only_and_not_the_cancelled_ones():
    events = [  # newest first
        _event("s", "ROLLBACK_COMPLETE", "The following resource(s) failed to create: [B]."),
        _event("C", "CREATE_FAILED", "Resource creation cancelled"),
        _event("B", "CREATE_FAILED", "B is wrong"),
        _event("s", "CREATE_IN_PROGRESS", "User Initiated", "AWS::CloudFormation::Stack"),
        _event("A", "CREATE_FAILED", "an older operation's failure"),
    ]
    assert [e.logical_id for e in last_operation_causes(events, "s")] == ["B"]


def test_positions_come_from_the_template_and_fall_back_to_the_deepest_known_part():
    text = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 901\n"
    template = decode_text(text, "t.yaml").data
    events = [_event("Q", "CREATE_FAILED", "Properties validation failed for resource Q with "
                     "message: [#/DelaySeconds: 901 is greater than the maximum of 900]"),
              _event("Q", "CREATE_FAILED", "Properties validation failed for resource Q with "
                     "message: [#/MessageRetentionPeriod: required]"),
              _event("s", "CREATE_IN_PROGRESS", "User Initiated")]
    located = located_failures(events, "s", template)
    assert [f.format("t.yaml").split(": ")[0] for f in located] == ["t.yaml:5:7", "t.yaml:5:21"]  # the Properties mapping, the value
    assert located[1].format("t.yaml").startswith(
        "t.yaml:5:21: Resources.Q.Properties.DelaySeconds: Properties validation failed")
