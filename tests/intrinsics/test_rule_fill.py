"""fill_parameters_for_rules: filled values the template's Rules accept, checked by rendering."""

from __future__ import annotations

import textwrap

import pytest

from stackengine.diagnostics import TemplateError
from stackengine.intrinsics.rule_fill import failing_assertions, fill_parameters_for_rules
from stackengine.render import RenderOptions, process
from stackengine.template.decode import decode_text
from stackengine.template.fill import fill_parameters

TEMPLATE = textwrap.dedent("""\
    Parameters:
      ToLogs: {Type: String, AllowedValues: ['Yes', 'No'], Default: 'No'}
      ToS3: {Type: String, AllowedValues: ['Yes', 'No'], Default: 'No'}
      Env: {Type: String, AllowedValues: [dev, prod]}
      Size: {Type: Number, AllowedValues: [1, 2, 8]}
      KeyArn: {Type: String, Default: '', AllowedPattern: '^$|^arn:aws:kms:.*$'}
    Rules:
      OneDestination:
        Assertions:
          - Assert: !Or [!Equals [!Ref ToLogs, 'Yes'], !Equals [!Ref ToS3, 'Yes']]
            AssertDescription: choose a destination
      ProdIsBig:
        RuleCondition: !Equals [!Ref Env, prod]
        Assertions:
          - Assert: !Equals [!Ref Size, 8]
      KeyNeeded:
        Assertions:
          - Assert: !Not [!Equals [!Ref KeyArn, '']]
    Resources:
      Q: {Type: AWS::SQS::Queue}
    """)


def render(values):
    return process(decode_text(TEMPLATE, "t.yaml"), RenderOptions(parameters=values))


def test_first_choices_break_the_rules() -> None:
    document = decode_text(TEMPLATE, "t.yaml")
    values = fill_parameters(document.data["Parameters"], {})
    assert len(failing_assertions(document.data, values)) == 2
    with pytest.raises(TemplateError, match="E1042"):
        render(values)


def test_re_chosen_values_pass_the_rules_and_render() -> None:
    document = decode_text(TEMPLATE, "t.yaml")
    values = fill_parameters_for_rules(document.data, {})
    assert failing_assertions(document.data, values) == []
    assert render(values).rendered()["Resources"]


def test_given_values_stay_and_the_rule_still_refuses() -> None:
    document = decode_text(TEMPLATE, "t.yaml")
    values = fill_parameters_for_rules(document.data, {"Env": "prod", "Size": "1"})
    assert values["Env"] == "prod" and values["Size"] == "1"
    assert ("Rules", "ProdIsBig", "Assertions", 0) in failing_assertions(document.data, values)
    with pytest.raises(TemplateError, match="E1042"):
        render(values)
