"""AWS::Include: snippets from local files, embedded (Fn::Transform) and in the Transform section."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from stackengine.diagnostics import Diagnostic, TemplateError
from stackengine.template.decode import decode_text
from stackengine.template.marks import MarkedMap, strip_marks
from stackengine.transform import TransformContext, apply_transforms
from stackengine.transform.include import transform_include

WAIT_CONDITION = """\
MyWaitCondition:
  Type: AWS::CloudFormation::WaitCondition
  Properties:
    Handle: !Ref MyWaitHandle
    Timeout: '4500'
"""

EXPECTED_WAIT_CONDITION = {
    "Type": "AWS::CloudFormation::WaitCondition",
    "Properties": {"Handle": {"Ref": "MyWaitHandle"}, "Timeout": "4500"},
}

DOC_EXAMPLE = """\
Resources:
  MyWaitHandle:
    Type: AWS::CloudFormation::WaitConditionHandle
  Fn::Transform:
    Name: AWS::Include
    Parameters:
      Location: {location}
"""


def include(tmp_path: Path, text: str, **context: Any) -> Any:
    doc = decode_text(text, "main.yaml")
    ctx = TransformContext(base_dir=str(tmp_path), file="main.yaml", **context)
    return transform_include(doc.data, ctx)


def include_errors(tmp_path: Path, text: str, **context: Any) -> list[Diagnostic]:
    with pytest.raises(TemplateError) as info:
        include(tmp_path, text, **context)
    return info.value.diagnostics


def test_aws_docs_example_merges_snippet_resources_next_to_inline_ones(tmp_path: Path) -> None:
    (tmp_path / "single_wait_condition.yaml").write_text(WAIT_CONDITION)
    out = strip_marks(include(tmp_path, DOC_EXAMPLE.format(location="single_wait_condition.yaml")))
    assert out == {"Resources": {
        "MyWaitHandle": {"Type": "AWS::CloudFormation::WaitConditionHandle"},
        "MyWaitCondition": EXPECTED_WAIT_CONDITION,
    }}


def test_json_snippet_and_json_template(tmp_path: Path) -> None:
    (tmp_path / "snippet.json").write_text(json.dumps({"MyWaitCondition": EXPECTED_WAIT_CONDITION}))
    template = json.dumps({"Resources": {
        "MyWaitHandle": {"Type": "AWS::CloudFormation::WaitConditionHandle"},
        "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "snippet.json"}},
    }})
    out = strip_marks(include(tmp_path, template))
    assert out["Resources"]["MyWaitCondition"] == EXPECTED_WAIT_CONDITION


def test_snippet_replaces_a_whole_value(tmp_path: Path) -> None:
    (tmp_path / "props.yaml").write_text("TopicName: shared\nDisplayName: Shared topic\n")
    out = strip_marks(include(tmp_path, """\
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Fn::Transform:
        Name: AWS::Include
        Parameters: {Location: props.yaml}
  Other:
    Type: AWS::SNS::Topic
    Properties: !Transform {Name: AWS::Include, Parameters: {Location: props.yaml}}
"""))
    expected = {"TopicName": "shared", "DisplayName": "Shared topic"}
    assert out["Resources"]["Topic"]["Properties"] == expected
    assert out["Resources"]["Other"]["Properties"] == expected
    # each include site gets its own copy
    assert out["Resources"]["Topic"]["Properties"] is not out["Resources"]["Other"]["Properties"]


def test_snippet_inside_a_list(tmp_path: Path) -> None:
    (tmp_path / "tag.yaml").write_text("Key: team\nValue: platform\n")
    out = strip_marks(include(tmp_path, """\
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Tags:
        - {Key: a, Value: b}
        - Fn::Transform: {Name: AWS::Include, Parameters: {Location: tag.yaml}}
"""))
    assert out["Resources"]["Topic"]["Properties"]["Tags"] == [
        {"Key": "a", "Value": "b"}, {"Key": "team", "Value": "platform"}]


def test_file_url_and_relative_subdirectory(tmp_path: Path) -> None:
    (tmp_path / "snippets").mkdir()
    snippet = tmp_path / "snippets" / "wait.yaml"
    snippet.write_text(WAIT_CONDITION)
    for location in (snippet.as_uri(), "snippets/wait.yaml", "./snippets/wait.yaml"):
        out = strip_marks(include(tmp_path, DOC_EXAMPLE.format(location=location)))
        assert out["Resources"]["MyWaitCondition"] == EXPECTED_WAIT_CONDITION


def test_location_from_a_parameter(tmp_path: Path) -> None:
    (tmp_path / "wait.yaml").write_text(WAIT_CONDITION)
    text = """\
Parameters:
  SnippetPath: {Type: String, Default: missing.yaml}
Resources:
  Fn::Transform:
    Name: AWS::Include
    Parameters: {Location: !Ref SnippetPath}
"""
    out = strip_marks(include(tmp_path, text, parameters={"SnippetPath": "wait.yaml"}))
    assert out["Resources"] == {"MyWaitCondition": EXPECTED_WAIT_CONDITION}
    [diag] = include_errors(tmp_path, text)
    assert "missing.yaml does not exist" in diag.message


@pytest.mark.parametrize("location", ["s3://amzn-s3-demo-bucket/single_wait_condition.yaml",
                                      "https://amzn-s3-demo-bucket.s3.amazonaws.com/wait.yaml"])
def test_remote_location_is_a_clear_error_naming_it(tmp_path: Path, location: str) -> None:
    [diag] = include_errors(tmp_path, DOC_EXAMPLE.format(location=location))
    assert location in diag.message
    assert "AWS::Include from S3 needs the aws target; use a local path" in diag.message
    assert diag.path == ("Resources", "Fn::Transform")
    assert diag.span is not None and (diag.span.file, diag.span.line) == ("main.yaml", 5)


def test_missing_snippet_is_an_error_naming_the_file(tmp_path: Path) -> None:
    [diag] = include_errors(tmp_path, DOC_EXAMPLE.format(location="no/such/file.yaml"))
    assert "no/such/file.yaml" in diag.message and "does not exist" in diag.message
    assert diag.code == "E1040"


def test_malformed_snippet_reports_the_snippet_error_and_the_include(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("Key: [unclosed\n")
    diags = include_errors(tmp_path, DOC_EXAMPLE.format(location="bad.yaml"))
    assert diags[0].span is not None and diags[0].span.file == "bad.yaml"
    assert "bad.yaml could not be read" in diags[-1].message


def test_macros_cannot_run_offline(tmp_path: Path) -> None:
    [diag] = include_errors(tmp_path, """\
Resources:
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      UserData:
        Fn::Base64:
          Fn::Sub:
            Fn::Transform:
              Name: DynamicUserData
""")
    assert "'DynamicUserData' is a macro" in diag.message and "offline" in diag.message
    assert diag.path == ("Resources", "Instance", "Properties", "UserData", "Fn::Base64", "Fn::Sub",
                         "Fn::Transform")


def test_list_form_of_fn_transform(tmp_path: Path) -> None:
    (tmp_path / "tag.yaml").write_text("tagged\n")
    out = strip_marks(include(tmp_path, """\
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      Tags:
        - Key: Source
          Value:
            Fn::Transform:
              - {Name: AWS::Include, Parameters: {Location: tag.yaml}}
"""))
    assert out["Resources"]["B"]["Properties"]["Tags"] == [{"Key": "Source", "Value": "tagged"}]
    # the AWS macro example (DatetimeNow) in the list form
    [diag] = include_errors(tmp_path, """\
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      Tags:
        - Key: DatetimeNow
          Value:
            Fn::Transform:
              - Name: DatetimeNow
                Parameters: {format: "%Y-%m-%dT%H:%M:%SZ"}
""")
    assert "'DatetimeNow' is a macro" in diag.message
    assert diag.path[-2:] == ("Fn::Transform", 0)


def test_missing_location_is_an_error(tmp_path: Path) -> None:
    [diag] = include_errors(tmp_path, "Resources:\n  Fn::Transform: {Name: AWS::Include}\n")
    assert "Parameters.Location" in diag.message


def test_key_defined_both_inline_and_in_the_snippet_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "wait.yaml").write_text("MyWaitHandle: {Type: AWS::SNS::Topic}\n")
    [diag] = include_errors(tmp_path, DOC_EXAMPLE.format(location="wait.yaml"))
    assert "'MyWaitHandle'" in diag.message and "already defined" in diag.message


def test_snippet_that_includes_again_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "outer.yaml").write_text(
        "Fn::Transform: {Name: AWS::Include, Parameters: {Location: inner.yaml}}\n")
    (tmp_path / "inner.yaml").write_text(WAIT_CONDITION)
    [diag] = include_errors(tmp_path, DOC_EXAMPLE.format(location="outer.yaml"))
    assert "outer.yaml uses Fn::Transform itself" in diag.message


def test_include_in_parameters_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("Type: String\n")
    [diag] = include_errors(tmp_path, """\
Parameters:
  P:
    Fn::Transform: {Name: AWS::Include, Parameters: {Location: p.yaml}}
Resources:
  R: {Type: AWS::SNS::Topic}
""")
    assert "can't be used in the Parameters section" in diag.message


def test_include_in_mappings_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "regions.yaml").write_text("us-east-1: {Ami: ami-1}\neu-west-1: {Ami: ami-2}\n")
    out = strip_marks(include(tmp_path, """\
Mappings:
  RegionMap:
    Fn::Transform: {Name: AWS::Include, Parameters: {Location: regions.yaml}}
Resources:
  R: {Type: AWS::SNS::Topic}
"""))
    assert out["Mappings"] == {"RegionMap": {"us-east-1": {"Ami": "ami-1"}, "eu-west-1": {"Ami": "ami-2"}}}


# ---------------------------------------------------------------------------------------------
# The Transform section form

SECTIONS_SNIPPET = """\
Resources:
  MyWaitCondition:
    Type: AWS::CloudFormation::WaitCondition
    Properties:
      Handle: !Ref MyWaitHandle
      Timeout: '4500'
Outputs:
  Handle:
    Value: !Ref MyWaitHandle
"""


def test_top_level_transform_merges_the_snippet_sections(tmp_path: Path) -> None:
    (tmp_path / "sections.yaml").write_text(SECTIONS_SNIPPET)
    out = strip_marks(include(tmp_path, """\
Transform:
  Name: AWS::Include
  Parameters:
    Location: sections.yaml
Resources:
  MyWaitHandle:
    Type: AWS::CloudFormation::WaitConditionHandle
"""))
    assert out == {
        "Resources": {"MyWaitHandle": {"Type": "AWS::CloudFormation::WaitConditionHandle"},
                      "MyWaitCondition": EXPECTED_WAIT_CONDITION},
        "Outputs": {"Handle": {"Value": {"Ref": "MyWaitHandle"}}},
    }


def test_top_level_include_in_a_list_keeps_the_other_transforms(tmp_path: Path) -> None:
    (tmp_path / "sections.yaml").write_text(SECTIONS_SNIPPET)
    out = strip_marks(include(tmp_path, """\
Transform:
  - AWS::Serverless-2016-10-31
  - Name: AWS::Include
    Parameters: {Location: sections.yaml}
Resources:
  MyWaitHandle: {Type: AWS::CloudFormation::WaitConditionHandle}
"""))
    assert out["Transform"] == ["AWS::Serverless-2016-10-31"]
    assert set(out["Resources"]) == {"MyWaitHandle", "MyWaitCondition"}


def test_top_level_snippet_clashing_with_the_template_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "sections.yaml").write_text("Resources:\n  MyWaitHandle: {Type: X}\nDescription: d\n")
    diags = include_errors(tmp_path, """\
Transform: {Name: AWS::Include, Parameters: {Location: sections.yaml}}
Description: mine
Resources:
  MyWaitHandle: {Type: AWS::CloudFormation::WaitConditionHandle}
""")
    assert sorted(d.message for d in diags) == [
        "the included snippet defines Resources.MyWaitHandle, which the template already defines",
        "the included snippet defines the section Description, which the template already defines",
    ]
    assert all(d.path == ("Transform",) for d in diags)


def test_top_level_and_embedded_include_together_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "sections.yaml").write_text(SECTIONS_SNIPPET)
    (tmp_path / "wait.yaml").write_text(WAIT_CONDITION)
    diags = include_errors(tmp_path, """\
Transform: {Name: AWS::Include, Parameters: {Location: sections.yaml}}
Resources:
  MyWaitHandle: {Type: AWS::CloudFormation::WaitConditionHandle}
  Fn::Transform: {Name: AWS::Include, Parameters: {Location: wait.yaml}}
""")
    assert len(diags) == 1 and "both in the Transform section and embedded" in diags[0].message


# ---------------------------------------------------------------------------------------------
# Purity, marks, registry


def test_input_is_not_modified_and_positions_point_at_the_include(tmp_path: Path) -> None:
    (tmp_path / "wait.yaml").write_text(WAIT_CONDITION)
    doc = decode_text(DOC_EXAMPLE.format(location="wait.yaml"), "main.yaml")
    before = copy.deepcopy(strip_marks(doc.data))
    out = transform_include(doc.data, TransformContext(base_dir=str(tmp_path), file="main.yaml"))
    assert strip_marks(doc.data) == before
    resources = out["Resources"]
    assert isinstance(resources, MarkedMap)
    assert resources.key_marks["MyWaitHandle"] == doc.data["Resources"].key_marks["MyWaitHandle"]
    # the included resource is placed where `Fn::Transform` is written (line 4)
    assert resources.key_marks["MyWaitCondition"][0] == 4


def test_apply_transforms_expands_embedded_includes_without_a_transform_section(tmp_path: Path) -> None:
    (tmp_path / "wait.yaml").write_text(WAIT_CONDITION)
    doc = decode_text(DOC_EXAMPLE.format(location="wait.yaml"), "main.yaml")
    out = strip_marks(apply_transforms(doc.data, TransformContext(base_dir=str(tmp_path))))
    assert out["Resources"]["MyWaitCondition"] == EXPECTED_WAIT_CONDITION


def test_language_extensions_then_include(tmp_path: Path) -> None:
    (tmp_path / "props.yaml").write_text("FifoTopic: true\n")
    doc = decode_text("""\
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Topics:
    - Name
    - [A, B]
    - Topic${Name}:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Ref Name
          Fn::Transform: {Name: AWS::Include, Parameters: {Location: props.yaml}}
""", "main.yaml")
    out = strip_marks(apply_transforms(doc.data, TransformContext(base_dir=str(tmp_path))))
    assert out == {"Resources": {
        f"Topic{n}": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": n, "FifoTopic": True}}
        for n in "AB"
    }}
