"""satisfy_rules: parameters named by a failing assertion are re-chosen among the values they may
take; given values are never changed, and a rule no choice satisfies is left to fail."""

from __future__ import annotations

from stackengine.template.fill import parameter_candidates, rule_parameters, satisfy_rules

DECLARED = {
    "ToS3": {"Type": "String", "AllowedValues": ["Yes", "No"], "Default": "No"},
    "ToLogs": {"Type": "String", "AllowedValues": ["Yes", "No"], "Default": "No"},
    "Name": {"Type": "String"},
}
RULES = {"OneOn": {"Assertions": [{"Assert": {"Fn::Or": [
    {"Fn::Equals": [{"Ref": "ToLogs"}, "Yes"]}, {"Fn::Equals": [{"Ref": "ToS3"}, "Yes"]}]}}]}}
PATH = ("Rules", "OneOn", "Assertions", 0)


def one_on(values):
    on = values.get("ToS3", "No") == "Yes" or values.get("ToLogs", "No") == "Yes"
    return [] if on else [PATH]


def test_rule_parameters_come_from_the_failing_assertion_and_its_condition() -> None:
    rules = {"R": {"RuleCondition": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                   "Assertions": [{"Assert": {"Fn::Equals": [{"Ref": "A"}, "x"]}},
                                  {"Assert": {"Fn::Contains": [["x"], {"Fn::ValueOf": ["B", "Tag"]}]}}]}}
    assert rule_parameters(rules, ("Rules", "R", "Assertions", 0)) == ["Env", "A"]
    assert rule_parameters(rules, ("Rules", "R", "Assertions", 1)) == ["Env", "B"]
    assert rule_parameters(rules, ("Rules", "Missing", "Assertions", 0)) == []


def test_candidates_respect_constraints() -> None:
    assert parameter_candidates(DECLARED["ToS3"], "No") == ["No", "Yes"]
    spec = {"Type": "String", "AllowedPattern": "^$|^[a-z]+$", "Default": "abc"}
    found = parameter_candidates(spec, "abc")
    assert found[0] == "abc" and "" in found and all(v == "" or v.isalpha() for v in found)
    assert "" not in parameter_candidates({"Type": "String", "MinLength": 1}, "a")


def test_defaults_that_break_a_rule_are_re_chosen() -> None:
    chosen = satisfy_rules(DECLARED, RULES, {"Name": "example"}, frozenset(), one_on)
    assert one_on(chosen) == []
    assert chosen["Name"] == "example"
    # only what had to change is set; the other switch keeps its Default by staying unset
    assert sorted(chosen) == ["Name", "ToLogs"] or sorted(chosen) == ["Name", "ToS3"]


def test_given_values_are_kept_even_if_the_rule_then_fails() -> None:
    given = {"ToS3": "No", "ToLogs": "No"}
    assert satisfy_rules(DECLARED, RULES, given, frozenset(given), one_on) == given


def test_a_rule_no_choice_satisfies_is_left_to_fail() -> None:
    def never(values):
        return [PATH]

    assert satisfy_rules(DECLARED, RULES, {"Name": "x"}, frozenset(), never) == {"Name": "x"}


def test_the_search_is_bounded() -> None:
    calls = []

    def never(values):
        calls.append(values)
        return [PATH]

    many = {f"P{i}": {"Type": "String", "AllowedValues": [str(n) for n in range(10)]} for i in range(6)}
    rules = {"R": {"Assertions": [{"Assert": {"Fn::And": [{"Fn::Equals": [{"Ref": p}, "x"]} for p in many]}}]}}
    satisfy_rules(many, rules, {p: "0" for p in many}, frozenset(), never, budget=50)
    assert len(calls) <= 50


def test_each_top_level_alternative_of_a_pattern_is_sampled() -> None:
    from stackengine.template.regex_sample import sample_alternatives

    assert sample_alternatives("^$|^arn:aws:kms:[a-z]+$") == ["", "arn:aws:kms:a"]
    assert sample_alternatives("^[0-9]{2}$") == ["00"]
    # an optional key ARN can be chosen non-empty when a rule needs one
    spec = {"Type": "String", "Default": "", "AllowedPattern": "^$|^arn:aws:kms:[a-z]+$"}
    assert "arn:aws:kms:a" in parameter_candidates(spec, "")
