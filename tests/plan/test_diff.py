from __future__ import annotations

import json

import pytest

from stackengine.diagnostics import Span, TemplateError
from stackengine.plan.changeset import (
    Action, ChangeSet, ChangeSetType, ChangeSource, Evaluation, Replacement, RequiresRecreation,
    Scope,
)
from stackengine.plan.diff import changed_paths, diff, mask, needs_replacement
from stackengine.specs import default_registry
from stackengine.state.base import ResourceState, ResourceStatus
from stackengine.template.model import ResourceDecl


class FakeSchema:
    def __init__(self, create_only=(), conditional=()):
        self.create_only = {tuple(p) for p in create_only}
        self.conditional = {tuple(p) for p in conditional}

    def is_create_only(self, path):
        parts = tuple(p for p in path if isinstance(p, str))
        return any(parts[:i] in self.create_only for i in range(1, len(parts) + 1))

    def is_conditional_create_only(self, path):
        parts = tuple(p for p in path if isinstance(p, str))
        return any(parts[:i] in self.conditional for i in range(1, len(parts) + 1))


class FakeRegistry:
    def __init__(self, **types):
        self.types = types

    def get(self, type_name):
        return self.types.get(type_name)


REG = FakeRegistry(Q=FakeSchema(create_only=[("Name",)], conditional=[("Fifo",)]),
                   P=FakeSchema(create_only=[("Target",)]))


def state(lid, type_="Q", props=None, **kw):
    props = props or {}
    return ResourceState(lid, type_, f"phys-{lid}", ResourceStatus.CREATE_COMPLETE,
                         properties=props, template_properties=props, **kw)


def decl(lid, type_="Q", props=None, **kw):
    return ResourceDecl(lid, type_, props or {}, **kw)


def test_changed_paths_leafwise():
    got = list(changed_paths({"a": {"b": 1, "c": [1, 2]}, "d": 1, "r": {"Ref": "X"}},
                             {"a": {"b": 2, "c": [1, 3]}, "e": 2, "r": {"Ref": "Y"}}))
    assert got == [(("a", "b"), "Modify", 1, 2), (("a", "c", 1), "Modify", 2, 3),
                   (("d",), "Remove", 1, None), (("e",), "Add", None, 2),
                   (("r",), "Modify", {"Ref": "X"}, {"Ref": "Y"})]


def test_add_modify_remove_and_noop():
    changes = diff({"A": decl("A", props={"Name": "n"}), "B": decl("B", props={"V": 2}),
                    "New": decl("New")},
                   {"A": state("A", props={"Name": "n"}), "B": state("B", props={"V": 1}),
                    "Old": state("Old")}, schemas=REG)
    by_id = {c.logical_id: c for c in changes}
    assert set(by_id) == {"B", "New", "Old"}
    assert by_id["New"].action is Action.ADD and by_id["New"].replacement is None
    assert by_id["Old"].action is Action.REMOVE and by_id["Old"].physical_id == "phys-Old"
    b = by_id["B"]
    assert b.action is Action.MODIFY and b.replacement is Replacement.FALSE
    assert b.scope == (Scope.PROPERTIES,)
    (d,) = b.details
    assert (d.name, d.path, d.requires_recreation, d.evaluation, d.change_source) == (
        "V", "/Properties/V", RequiresRecreation.NEVER, Evaluation.STATIC,
        ChangeSource.DIRECT_MODIFICATION)
    assert [c.logical_id for c in changes][-1] == "Old"  # removals last


def test_replacement_from_schema_and_unknown_type():
    changes = diff({"A": decl("A", props={"Name": "new"}), "F": decl("F", props={"Fifo": True}),
                    "U": decl("U", "Unknown::T", {"x": 2})},
                   {"A": state("A", props={"Name": "old"}), "F": state("F", props={}),
                    "U": state("U", "Unknown::T", {"x": 1})}, schemas=REG)
    by_id = {c.logical_id: c for c in changes}
    assert by_id["A"].replacement is Replacement.TRUE
    assert by_id["A"].details[0].requires_recreation is RequiresRecreation.ALWAYS
    assert "Name (create-only" in by_id["A"].replacement_reasons[0]
    assert by_id["F"].replacement is Replacement.CONDITIONAL
    assert by_id["U"].replacement is Replacement.CONDITIONAL


def test_dynamic_changes_from_replaced_and_modified_resources():
    desired = {
        "A": decl("A", props={"Name": "new"}),                     # replaced → Ref changes
        "B": decl("B", props={"V": 2}),                            # modified in place
        "P": decl("P", "P", {"Target": {"Ref": "A"}}),             # create-only, dynamic
        "R": decl("R", "P", {"X": {"Ref": "B"}, "Y": {"Fn::GetAtt": ["B", "Arn"]}}),
        "S": decl("S", "P", {"Z": {"Fn::Sub": "${A}-x"}}),
    }
    deployed = {
        "A": state("A", props={"Name": "old"}), "B": state("B", props={"V": 1}),
        "P": state("P", "P", {"Target": {"Ref": "A"}}),
        "R": state("R", "P", {"X": {"Ref": "B"}, "Y": {"Fn::GetAtt": ["B", "Arn"]}}),
        "S": state("S", "P", {"Z": {"Fn::Sub": "${A}-x"}}),
    }
    by_id = {c.logical_id: c for c in diff(desired, deployed, schemas=REG)}
    p = by_id["P"]
    assert p.replacement is Replacement.CONDITIONAL
    assert p.details[0].evaluation is Evaluation.DYNAMIC
    assert p.details[0].change_source is ChangeSource.RESOURCE_REFERENCE
    assert p.details[0].causing_entity == "A"
    r = by_id["R"]  # Ref of an in-place update does not change; its GetAtt may
    assert [(d.name, d.change_source, d.causing_entity) for d in r.details] == [
        ("Y", ChangeSource.RESOURCE_ATTRIBUTE, "B.Arn")]
    assert r.replacement is Replacement.FALSE
    assert by_id["S"].details[0].causing_entity == "A"


def test_parameter_reference_source_and_masking():
    source = {"A": {"Properties": {"Pw": {"Ref": "Secret"}, "Other": "x"}}}
    changes = diff({"A": decl("A", props={"Pw": "new-secret-value", "Other": "y"})},
                   {"A": state("A", props={"Pw": "old-secret-value", "Other": "x"})},
                   schemas=REG, changed_parameters={"Secret"}, source_resources=source,
                   secrets={"new-secret-value", "old-secret-value"})
    details = {d.name: d for d in changes[0].details}
    assert details["Pw"].change_source is ChangeSource.PARAMETER_REFERENCE
    assert details["Pw"].causing_entity == "Secret"
    assert details["Pw"].before == "****" and details["Pw"].after == "****"
    assert details["Other"].change_source is ChangeSource.DIRECT_MODIFICATION
    assert mask({"a": ["pre-s3cret-post"]}, {"s3cret"}) == {"a": ["pre-****-post"]}


def test_metadata_policy_and_tags_scopes():
    changes = diff({"A": decl("A", props={"Tags": [{"Key": "k", "Value": "2"}]},
                              metadata={"m": 2}, deletion_policy="Retain")},
                   {"A": state("A", props={"Tags": [{"Key": "k", "Value": "1"}]},
                               metadata={"m": 1})}, schemas=REG)
    assert changes[0].scope == (Scope.PROPERTIES, Scope.METADATA, Scope.DELETION_POLICY, Scope.TAGS)
    assert changes[0].replacement is Replacement.FALSE


def test_stack_tag_changes_modify_every_resource_that_takes_tags():
    registry = default_registry()
    desired = {"Q": decl("Q", "AWS::SQS::Queue"),
               "P": decl("P", "AWS::SQS::QueuePolicy", {"Queues": ["q"]})}
    deployed = {"Q": state("Q", "AWS::SQS::Queue"),
                "P": state("P", "AWS::SQS::QueuePolicy", {"Queues": ["q"]})}
    assert diff(desired, deployed, schemas=registry) == ()
    changes = diff(desired, deployed, schemas=registry, stack_tags_changed=True)
    assert [(c.logical_id, c.action, c.replacement, c.scope) for c in changes] == [
        ("Q", Action.MODIFY, Replacement.FALSE, (Scope.TAGS,))]  # a queue policy takes no tags
    detail = changes[0].details[0].to_json()
    assert detail["Target"] == {"Attribute": "Tags", "RequiresRecreation": "Never",
                                "AttributeChangeType": "Modify"}
    assert detail["ChangeSource"] == "DirectModification"


def test_a_type_change_fails_the_change_set_as_cloudformation_does():
    located = []

    def locate(path):
        located.append(path)
        return Span("t.yaml", 3, 11)

    with pytest.raises(TemplateError) as raised:
        diff({"A": decl("A", "P"), "B": decl("B", "Q"), "C": decl("C", "P")},
             {"A": state("A", "Q"), "B": state("B", "Q"), "C": state("C", "Q")}, schemas=REG,
             locate=locate)
    problems = raised.value.diagnostics
    assert [d.path for d in problems] == [("Resources", "A", "Type"), ("Resources", "C", "Type")]
    assert all("Update of resource type is not permitted. The new template modifies resource type "
               "of the following resources: [A, C]." in d.message for d in problems)
    assert str(problems[0].span) == "t.yaml:3:11" and len(located) == 2
    # a removed resource and a new one under another logical ID is the way to change a type
    changes = diff({"A2": decl("A2", "P")}, {"A": state("A", "Q")}, schemas=REG)
    assert [(c.action, c.logical_id) for c in changes] == [(Action.ADD, "A2"), (Action.REMOVE, "A")]


def test_needs_replacement_at_execution():
    assert needs_replacement(REG.get("Q"), {"Name": "a"}, {"Name": "b"})
    assert not needs_replacement(REG.get("Q"), {"V": "a"}, {"V": "b"})
    assert not needs_replacement(None, {"Name": "a"}, {"Name": "b"})


def test_real_registry_bucket_name_replaces():
    changes = diff({"B": decl("B", "AWS::S3::Bucket", {"BucketName": "two"})},
                   {"B": state("B", "AWS::S3::Bucket", {"BucketName": "one"})},
                   schemas=default_registry())
    assert changes[0].replacement is Replacement.TRUE


def test_changeset_json_round_trip():
    changes = diff({"A": decl("A", props={"Name": "new"}), "N": decl("N")},
                   {"A": state("A", props={"Name": "old"}), "O": state("O")}, schemas=REG)
    cs = ChangeSet("s", "arn:s", "cs1", "arn:cs1", ChangeSetType.UPDATE, 7, changes,
                   parameters=(("Pw", "****"),), capabilities=("CAPABILITY_IAM",),
                   tags=(("k", "v"),), creation_time="t", extra={"TemplateBody": "x"})
    data = cs.to_json()
    assert "TemplateBody" not in json.dumps(data)
    assert data["StackEngine"]["BaseSerial"] == 7
    rc = data["Changes"][0]["ResourceChange"]
    assert rc["Action"] == "Modify" and rc["Replacement"] == "True"
    assert rc["Details"][0]["Target"]["RequiresRecreation"] == "Always"
    assert ChangeSet.from_json(json.loads(json.dumps(data))) == cs
    back = ChangeSet.from_json(cs.to_json(internal=True))
    assert back.extra["TemplateBody"] == "x"
