from __future__ import annotations

from stackengine.providers.local.schema_check import check_properties
from stackengine.specs import default_registry


def _check(type_name, props):
    return check_properties(default_registry().get(type_name), props)


def test_valid_properties_pass():
    assert _check("AWS::SQS::Queue", {"DelaySeconds": 5, "FifoQueue": True, "QueueName": "q.fifo"}) == []


def test_cloudformation_scalar_coercion():
    # template scalars arrive as strings: "5" is an integer, "true" a boolean, 5 a string
    assert _check("AWS::SQS::Queue", {"DelaySeconds": "5", "FifoQueue": "true"}) == []
    assert _check("AWS::SNS::Topic", {"TopicName": 123}) == []


def test_range_type_enum_required_and_unknown():
    problems = {p.path: p.message for p in _check("AWS::SQS::Queue", {
        "DelaySeconds": "901", "VisibilityTimeout": "soon", "QueueNam": "x"})}
    assert "maximum" in problems[("DelaySeconds",)]
    assert "expected type" in problems[("VisibilityTimeout",)]
    assert "did you mean QueueName" in problems[("QueueNam",)]
    lengths = _check("AWS::DynamoDB::Table", {"KeySchema": []})
    assert any(p.path == ("KeySchema",) and "non-empty" in p.message for p in lengths)
    missing = _check("AWS::Lambda::Function", {"Code": {"ZipFile": "x"}})
    assert any(p.message == "required key [Role] not found" for p in missing)
    enum = _check("AWS::Lambda::Function", {"Code": {"ZipFile": "x"}, "Role": "r", "Runtime": "cobol"})
    assert any(p.path == ("Runtime",) and "is not one of" in p.message for p in enum)


def test_nested_paths_are_named():
    problems = _check("AWS::EC2::SecurityGroup", {"GroupDescription": "d", "SecurityGroupIngress": [
        {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 2, "CidrIp": "0.0.0.0/0", "Bogus": 1}]})
    assert any(p.path == ("SecurityGroupIngress", 0, "Bogus") for p in problems)


def test_read_only_properties_refused():
    problems = _check("AWS::SQS::Queue", {"QueueUrl": "x"})
    assert [p.message for p in problems] == ["read-only property cannot be set"]


def test_java_only_patterns_do_not_crash():
    # the Cognito schema uses \\p{...} classes that Python's re cannot compile
    assert _check("AWS::Cognito::UserPool", {"UserPoolTags": {"Team": "a"}}) == []
