"""The Transform section: ordering, unknown transforms, and includes through the render pipeline."""

from __future__ import annotations

import pytest

from stackengine.diagnostics import TemplateError
from stackengine.render import RenderOptions, render_file
from stackengine.transform import transform_names


def test_language_extensions_run_first_whatever_the_order_written() -> None:
    template = {"Transform": ["AWS::Serverless-2016-10-31", "AWS::LanguageExtensions"]}
    assert transform_names(template) == ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"]
    assert transform_names({"Transform": "AWS::Serverless-2016-10-31"}) == ["AWS::Serverless-2016-10-31"]
    assert transform_names({}) == []


def test_unknown_transform_is_an_error_with_a_position(tmp_path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("Transform: MyMacro\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    with pytest.raises(TemplateError) as info:
        render_file(str(path))
    diagnostic = info.value.diagnostics[0]
    assert diagnostic.code == "E1005" and "MyMacro" in diagnostic.message
    assert diagnostic.span is not None and diagnostic.span.line == 1


def test_top_level_include_merges_the_snippet(tmp_path) -> None:
    (tmp_path / "snippet.yaml").write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    main = tmp_path / "main.yaml"
    main.write_text("Transform:\n  Name: AWS::Include\n  Parameters:\n    Location: snippet.yaml\n"
                    "Resources:\n  T:\n    Type: AWS::SNS::Topic\n")
    rendered = render_file(str(main)).rendered()
    assert set(rendered["Resources"]) == {"T", "Q"}
    assert "Transform" not in rendered


def test_inline_include_and_language_extensions_together(tmp_path) -> None:
    (tmp_path / "props.yaml").write_text("VisibilityTimeout: 30\n")
    main = tmp_path / "main.yaml"
    main.write_text(
        "Transform: AWS::LanguageExtensions\n"
        "Parameters:\n  Names:\n    Type: CommaDelimitedList\n    Default: a,b\n"
        "Resources:\n"
        "  Fn::ForEach::Queues:\n    - Name\n    - !Ref Names\n"
        "    - Queue${Name}:\n        Type: AWS::SQS::Queue\n        Properties:\n"
        "          Fn::Transform:\n            Name: AWS::Include\n            Parameters:\n"
        "              Location: props.yaml\n")
    processed = render_file(str(main), RenderOptions(parameters={"Names": "x,y,z"}))
    assert sorted(processed.resources) == ["Queuex", "Queuey", "Queuez"]
    assert processed.resources["Queuex"].properties == {"VisibilityTimeout": 30}
