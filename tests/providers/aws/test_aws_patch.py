from __future__ import annotations

import pytest

from stackengine.providers.aws.patch import PatchError, WriteOnly, apply, diff


def roundtrip(old, new, write_only=WriteOnly()):
    ops = diff(old, new, write_only)
    assert apply(old, ops) == new
    return ops


def test_no_change_is_empty():
    assert diff({"A": 1, "B": {"C": [1, 2]}}, {"A": 1, "B": {"C": [1, 2]}}) == []


def test_add_remove_replace_top_level():
    ops = roundtrip({"A": 1, "B": 2}, {"A": 3, "C": 4})
    assert ops == [{"op": "replace", "path": "/A", "value": 3},
                   {"op": "remove", "path": "/B"},
                   {"op": "add", "path": "/C", "value": 4}]


def test_nested_paths():
    old = {"Outer": {"Inner": {"X": "a", "Y": "b"}, "Keep": 1}}
    new = {"Outer": {"Inner": {"X": "z", "Z": "c"}, "Keep": 1}}
    assert roundtrip(old, new) == [
        {"op": "replace", "path": "/Outer/Inner/X", "value": "z"},
        {"op": "remove", "path": "/Outer/Inner/Y"},
        {"op": "add", "path": "/Outer/Inner/Z", "value": "c"}]


def test_type_change_replaces():
    assert roundtrip({"A": "1"}, {"A": 1}) == [{"op": "replace", "path": "/A", "value": 1}]
    assert roundtrip({"A": {"B": 1}}, {"A": [1]}) == [{"op": "replace", "path": "/A", "value": [1]}]


def test_list_same_length_element_wise():
    old = {"Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}
    new = {"Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "3"}]}
    assert roundtrip(old, new) == [{"op": "replace", "path": "/Tags/1/Value", "value": "3"}]


def test_list_append_uses_end_marker():
    assert roundtrip({"L": [1]}, {"L": [1, 2, 3]}) == [
        {"op": "add", "path": "/L/-", "value": 2}, {"op": "add", "path": "/L/-", "value": 3}]


def test_list_removal_or_reorder_replaces_whole_list():
    assert roundtrip({"L": [1, 2, 3]}, {"L": [1, 3]}) == [
        {"op": "replace", "path": "/L", "value": [1, 3]}]
    roundtrip({"L": [1, 2, 3]}, {"L": [3, 2, 1]})


def test_pointer_escaping():
    ops = roundtrip({"a/b": 1, "c~d": 1}, {"a/b": 2, "c~d": 2})
    assert [op["path"] for op in ops] == ["/a~1b", "/c~0d"]


def test_write_only_change_is_add_of_root_value():
    wo = WriteOnly.of([("Code", "S3Key"), ("Password",)])
    old = {"Code": {"S3Bucket": "b", "S3Key": "k1"}, "Password": "p1", "Memory": 128}
    new = {"Code": {"S3Bucket": "b", "S3Key": "k2"}, "Password": "p2", "Memory": 256}
    ops = diff(old, new, wo)
    assert ops == [{"op": "add", "path": "/Code/S3Key", "value": "k2"},
                   {"op": "replace", "path": "/Memory", "value": 256},
                   {"op": "add", "path": "/Password", "value": "p2"}]
    # applies to a model that lacks the write-only properties (what GetResource returns)
    model = {"Code": {"S3Bucket": "b"}, "Memory": 128}
    assert apply(model, ops) == {"Code": {"S3Bucket": "b", "S3Key": "k2"}, "Memory": 256,
                                 "Password": "p2"}


def test_write_only_nested_change_sends_whole_root_once():
    wo = WriteOnly.of([("Secret",)])
    ops = diff({"Secret": {"A": 1, "B": 2}}, {"Secret": {"A": 9, "C": 3}}, wo)
    assert ops == [{"op": "add", "path": "/Secret", "value": {"A": 9, "C": 3}}]


def test_write_only_removal_is_omitted():
    assert diff({"Password": "x", "A": 1}, {"A": 1}, WriteOnly.of([("Password",)])) == []


def test_write_only_star_matches_list_items():
    wo = WriteOnly.of([("Rules", "*", "Secret")])
    ops = diff({"Rules": [{"Secret": "a", "N": 1}]}, {"Rules": [{"Secret": "b", "N": 1}]}, wo)
    assert ops == [{"op": "add", "path": "/Rules/0/Secret", "value": "b"}]


def test_apply_other_operations_and_errors():
    doc = {"A": {"B": 1}, "L": [1, 2]}
    assert apply(doc, [{"op": "copy", "from": "/A/B", "path": "/C"},
                       {"op": "move", "from": "/L/0", "path": "/L/-"},
                       {"op": "test", "path": "/C", "value": 1}]) == {
        "A": {"B": 1}, "L": [2, 1], "C": 1}
    assert doc == {"A": {"B": 1}, "L": [1, 2]}  # untouched
    with pytest.raises(PatchError):
        apply(doc, [{"op": "replace", "path": "/Missing", "value": 1}])
    with pytest.raises(PatchError):
        apply(doc, [{"op": "remove", "path": "/L/5"}])
    with pytest.raises(PatchError):
        apply(doc, [{"op": "test", "path": "/A/B", "value": 2}])
    with pytest.raises(PatchError):
        apply(doc, [{"op": "frobnicate", "path": "/A"}])
