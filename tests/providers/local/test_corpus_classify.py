"""Sorting corpus failures: what AWS refuses too, what is not supported, what is ours."""

from __future__ import annotations

from corpus_classify import AWS_REFUSES, NOT_SUPPORTED, classify


def test_rain_directives_are_found_in_the_source_whatever_the_symptom():
    category = classify("deploy: F: [#/Code/ZipFile: expected type: String, found: JSONObject]",
                        'Code:\n  ZipFile: {"Rain::Embed": "handler.py"}\n')
    assert category is not None and category.verdict == AWS_REFUSES and "Rain" in category.name


def test_known_refusals_and_macros():
    secret = classify("deploy: AD: Secrets Manager can't find the specified secret. (Service: ...)")
    assert secret is not None and secret.verdict == AWS_REFUSES
    macro = classify("render: TemplateError: t.yaml:1:12: E1005 Transform: transform 'Count' is "
                     "not supported")
    assert macro is not None and macro.verdict == NOT_SUPPORTED


def test_anything_else_is_ours_to_fix():
    assert classify("deploy: Q: Properties validation failed for resource Q with message: "
                    "[#/DelaySeconds: 901 is greater than the maximum of 900]") is None
