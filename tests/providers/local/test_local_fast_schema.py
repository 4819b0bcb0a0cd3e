"""The compiled quick check must never call valid what the full schema check refuses.

It is checked against the full check (`schema_check`) on every resource of the corpus and on
mutations of each (a key removed, a value of another type, an unknown key, a huge string)."""

from __future__ import annotations

import os

import pytest

from stackengine.providers.local.fast_schema import compile_check
from stackengine.providers.local.schema_check import _validator
from stackengine.specs import default_registry

CORPUS = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..",
                                       "shared", "corpus"))


def _full_valid(schema, props) -> bool:
    return not any(True for _ in _validator(schema).iter_errors(props))


def _quick(schema):
    return compile_check(dict(schema.raw))


def _plain(value):
    """Intrinsics become strings (what they resolve to is usually a string)."""
    if isinstance(value, dict):
        if len(value) == 1 and (next(iter(value)) == "Ref" or next(iter(value)).startswith("Fn::")):
            return "resolved"
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _mutations(props):
    yield {**props, "NotAPropertyOfThisType": "x"}
    for key in list(props)[:12]:
        yield {k: v for k, v in props.items() if k != key}
        for other in (5, "5", True, "true", [], {}, "x" * 5000, [1, 1], None, -1, 1.5,
                      [1, 1.0], [True, 1], ["a", "a"], [{"a": 1}, {"a": 1.0}], [[1], [True]],
                      *_duplicated(props[key])):
            yield {**props, key: other}


def _duplicated(value):
    """A list value with its first item twice (uniqueItems), when it is a non-empty list."""
    return [[value[0], *value]] if isinstance(value, list) and value else []


def _corpus_resources():
    from stackengine.template.decode import decode_text

    found = []
    for folder in ("cfn-templates", "cfnlint-good"):
        root = os.path.join(CORPUS, folder)
        for directory, _, names in os.walk(root):
            for name in sorted(names):
                if not name.endswith((".yaml", ".yml", ".json", ".template")):
                    continue
                path = os.path.join(directory, name)
                try:
                    with open(path, encoding="utf-8") as handle:
                        data = decode_text(handle.read(), path).data
                except Exception:  # noqa: BLE001 - sources that do not load are not this test's
                    continue
                resources = data.get("Resources") if isinstance(data, dict) else None
                for decl in (resources or {}).values():
                    props = _plain(decl.get("Properties")) if isinstance(decl, dict) else None
                    if isinstance(props, dict):
                        found.append((str(decl.get("Type")), props))
    return found


@pytest.mark.skipif(not os.path.isdir(CORPUS), reason="corpus not available")
def test_quick_check_agrees_with_the_full_check_on_the_corpus_and_mutations():
    registry = default_registry()
    checked = quick_valid = 0
    for type_name, props in _corpus_resources():
        schema = registry.get(type_name)
        if schema is None:
            continue
        quick = _quick(schema)
        for candidate in [props, *_mutations(props)]:
            checked += 1
            if quick(candidate):
                quick_valid += 1
                assert _full_valid(schema, candidate), (type_name, candidate)
    assert checked > 20000
    assert quick_valid > checked // 10  # the quick path does answer for most valid properties


def _schema(type_name):
    return default_registry().get(type_name)


def test_quick_check_follows_cloudformation_coercion():
    quick = _quick(_schema("AWS::SQS::Queue"))
    assert quick({"DelaySeconds": "5", "FifoQueue": "true", "QueueName": 7})
    assert not quick({"DelaySeconds": "901"})
    assert not quick({"DelaySeconds": "soon"})
    assert not quick({"QueueNam": "x"})


def test_quick_check_answers_for_nested_definitions_and_required():
    quick = _quick(_schema("AWS::EC2::SecurityGroup"))
    rule = {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 2, "CidrIp": "0.0.0.0/0"}
    assert quick({"GroupDescription": "d", "SecurityGroupIngress": [rule]})
    assert not quick({"GroupDescription": "d", "SecurityGroupIngress": [{**rule, "Bogus": 1}]})
    assert not quick({"SecurityGroupIngress": [rule]})  # GroupDescription is required


def test_one_of_with_an_undecided_branch_defers_to_the_full_check():
    from stackengine.providers.local.fast_schema import _Compiler

    # `not` is not compiled: a oneOf holding it cannot be judged quickly
    check, exact = _Compiler({}).compile({"oneOf": [{"type": "string"}, {"not": {"type": "integer"}}]})
    assert not exact and not check("x")
    check, exact = _Compiler({}).compile({"oneOf": [{"type": "string"}, {"type": "array"}]})
    assert exact and check("x") and check([]) and not check({})


def test_if_then_else_and_definitions_inside_one_of_are_judged_quickly():
    # DynamoDB tables: KeySchema is a oneOf whose first branch references a definition, and the
    # root holds an if/then (two key attributes once local secondary indexes are given).
    quick = _quick(_schema("AWS::DynamoDB::Table"))
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}]
    table = {"KeySchema": keys, "AttributeDefinitions": [{"AttributeName": "pk",
                                                          "AttributeType": "S"}]}
    assert quick(table)
    index = {"IndexName": "i", "KeySchema": keys, "Projection": {"ProjectionType": "ALL"}}
    assert not quick({**table, "LocalSecondaryIndexes": [index]})  # `then` wants 2 key attributes
    assert not _full_valid(_schema("AWS::DynamoDB::Table"), {**table, "LocalSecondaryIndexes": [index]})
