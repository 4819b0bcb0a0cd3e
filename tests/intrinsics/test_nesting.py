"""Functions used where CloudFormation does not accept them are errors at their own position."""

from __future__ import annotations

import pytest

from stackengine.diagnostics import TemplateError
from stackengine.render import RenderOptions, process
from stackengine.template.decode import decode_text

HEAD = ("Mappings:\n  M:\n    us-east-1:\n      Ami: ami-1\n"
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n")


def errors(body: str, transform: str = "") -> list[tuple[str, str, int]]:
    text = transform + HEAD + body
    with pytest.raises(TemplateError) as info:
        process(decode_text(text, "t.yaml"), RenderOptions())
    return [(d.code, ".".join(str(p) for p in d.path), d.span.line if d.span else 0)
            for d in info.value.errors]


def test_getatt_inside_findinmap_key() -> None:
    found = errors("      QueueName: !FindInMap [M, !Ref AWS::Region, !GetAtt B.Arn]\n")
    assert found == [("E1050", "Resources.Q.Properties.QueueName.Fn::FindInMap.2.Fn::GetAtt", 11)]


def test_getazs_takes_only_ref() -> None:
    found = errors("      QueueName: !Select [0, !GetAZs {'Fn::Sub': '${AWS::Region}'}]\n")
    assert [c for c, _, _ in found] == ["E1050"]
    assert "Fn::GetAZs" in found[0][1]


def test_select_index_takes_ref_or_findinmap() -> None:
    found = errors("      QueueName: !Select [!Sub '0', [a, b]]\n")
    assert found[0][0] == "E1050" and found[0][1].endswith("Fn::Select.0.Fn::Sub")


def test_accepted_nesting_renders() -> None:
    text = HEAD + ("      QueueName: !Join ['-', [!FindInMap [M, !Ref AWS::Region, Ami],"
                   " !Select [0, !GetAZs {Ref: AWS::Region}], !Select [0, !Cidr [10.0.0.0/16, 2, 8]]]]\n")
    processed = process(decode_text(text, "t.yaml"), RenderOptions())
    assert processed.resources["Q"].properties["QueueName"] == "ami-1-us-east-1a-10.0.0.0/24"


def test_language_extensions_relax_the_rules() -> None:
    text = "Transform: AWS::LanguageExtensions\n" + HEAD + \
        "      QueueName: !FindInMap [M, !Ref AWS::Region, !Join ['', [A, mi]]]\n"
    processed = process(decode_text(text, "t.yaml"), RenderOptions())
    assert processed.resources["Q"].properties["QueueName"] == "ami-1"
