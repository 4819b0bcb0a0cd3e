"""Condition-aware checks: every branch that can be taken, none that cannot, bounded work."""

from __future__ import annotations

import time

from validate_support import codes, error_codes

from stackengine.validate.branches import ConditionModel
from stackengine.intrinsics.evaluate import EvalContext
from stackengine.template.model import ParameterValue
from stackengine.values import Unknown


def test_each_branch_is_checked(check) -> None:
    report = check("""
    Parameters:
      Env: {Type: String}
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
    Resources:
      Q:
        Type: AWS::SQS::Queue
        Properties:
          DelaySeconds: !If [IsProd, 5, 9000]
    """)
    bad = [d for d in report.errors if d.code == "E3019"]
    assert len(bad) == 1 and "9000" in bad[0].message
    assert bad[0].span is not None and bad[0].span.line == 10


def test_impossible_combinations_are_not_checked(check) -> None:
    # IsProd and IsDev cannot both hold; Env's AllowedValues leave no third value.
    report = check("""
    Parameters:
      Env: {Type: String, AllowedValues: [prod, dev]}
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
      IsDev: !Equals [!Ref Env, dev]
    Resources:
      Q:
        Type: AWS::SQS::Queue
        Properties:
          DelaySeconds: !If [IsProd, 1, !If [IsDev, 2, 9000]]
    """)
    assert not report.errors, report.findings


def test_ref_to_resource_missing_in_a_scenario_is_a_warning(check) -> None:
    report = check("""
    Parameters:
      Env: {Type: String}
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
    Resources:
      Topic: {Type: AWS::SNS::Topic, Condition: IsProd}
      Q:
        Type: AWS::SQS::Queue
        Properties:
          QueueName: !GetAtt Topic.TopicName
    """)
    assert "W1020" in codes(report) and not report.errors


def test_guarded_reference_is_fine(check) -> None:
    report = check("""
    Parameters:
      Env: {Type: String}
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
    Resources:
      Topic: {Type: AWS::SNS::Topic, Condition: IsProd}
      Q:
        Type: AWS::SQS::Queue
        Properties:
          QueueName: !If [IsProd, !GetAtt Topic.TopicName, !Ref AWS::NoValue]
    """)
    assert not report.findings, report.findings


def _model(n: int) -> ConditionModel:
    conditions = {f"C{i}": {"Fn::Equals": [{"Ref": f"P{i}"}, "x"]} for i in range(n)}
    params = {f"P{i}": ParameterValue(f"P{i}", "String", Unknown({"Ref": f"P{i}"})) for i in range(n)}
    return ConditionModel.build(conditions, EvalContext(parameters=params), {})


def test_scenarios_are_bounded() -> None:
    model = _model(30)
    start = time.perf_counter()
    found = model.scenarios([f"C{i}" for i in range(30)])
    assert time.perf_counter() - start < 2
    assert found.truncated and 0 < len(found.assignments) <= 64
    small = model.scenarios(["C1", "C2"], required=["C1"])
    assert not small.truncated and {tuple(sorted(a.items())) for a in small.assignments} == {
        (("C1", True), ("C2", True)), (("C1", True), ("C2", False))}


def _many(n: int) -> tuple[str, str]:
    conditions = "\n".join(f"  C{i}: !Equals [!Ref P{i}, x]" for i in range(n))
    parameters = "\n".join(f"  P{i}: {{Type: String}}" for i in range(n))
    return parameters, conditions


def test_nested_chain_is_explored_path_by_path(check) -> None:
    # 24 nested Fn::Ifs: 25 outcomes, checked exactly (not 2^24 assignments, not cut short).
    parameters, conditions = _many(24)
    nested = "9000"
    for i in range(24):
        nested = f"!If [C{i}, {nested}, {i}]"
    start = time.perf_counter()
    report = check(f"""
Parameters:
{parameters}
Conditions:
{conditions}
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      DelaySeconds: {nested}
""")
    assert time.perf_counter() - start < 5
    assert "I3001" not in codes(report)
    assert [d.message for d in report.errors] == ["9000 is out of range: must be at most 900"]


def test_cut_short_is_reported_and_fast(check) -> None:
    # 24 independent Fn::Ifs inside one intrinsic: 2^24 paths; bounded, and said so.
    parameters, conditions = _many(24)
    parts = ", ".join(f"!If [C{i}, a, b]" for i in range(24))
    start = time.perf_counter()
    report = check(f"""
Parameters:
{parameters}
Conditions:
{conditions}
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Join ["", [{parts}]]
""")
    assert time.perf_counter() - start < 5
    assert "I3001" in codes(report)
    assert not report.errors


def test_each_property_is_its_own_unit_of_work(check) -> None:
    # 20 independent conditions in 20 properties: 2 scenarios each, nothing cut short.
    conditions = "\n".join(f"  C{i}: !Equals [!Ref P{i}, x]" for i in range(20))
    parameters = "\n".join(f"  P{i}: {{Type: String}}" for i in range(20))
    tags = "\n".join(f"        - {{Key: k{i}, Value: !If [C{i}, a, b]}}" for i in range(20))
    report = check(f"""
Parameters:
{parameters}
Conditions:
{conditions}
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      Tags:
{tags}
      DelaySeconds: !If [C3, 1, 2]
""")
    assert "I3001" not in codes(report)
    assert not error_codes(report)
