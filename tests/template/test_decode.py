"""Loading templates: positions, short forms, scalars, and every kind of bad input."""

from __future__ import annotations

import time

import pytest

from stackengine.diagnostics import TemplateError
from stackengine.template import decode
from stackengine.template.decode import decode_bytes, decode_text, load_file


def error_of(text: str | bytes, file: str = "t.yaml") -> tuple[str, int, int, str]:
    with pytest.raises(TemplateError) as info:
        if isinstance(text, bytes):
            decode_bytes(text, file)
        else:
            decode_text(text, file)
    diagnostic = info.value.diagnostics[0]
    assert diagnostic.span is not None
    return diagnostic.code, diagnostic.span.line, diagnostic.span.col, diagnostic.message


# -- short forms --------------------------------------------------------------------------------

SHORT_FORMS = """\
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      a: !Ref Param
      b: !GetAtt Res.Attr
      c: !GetAtt [Res, Attr]
      d: !GetAtt Db.Endpoint.Address
      e: !Sub "${AWS::Region}-x"
      f: !Join [",", [a, b]]
      g: !Select [0, !GetAZs ""]
      h: !Split [",", "a,b"]
      i: !Base64 text
      j: !Cidr [10.0.0.0/16, 2, 8]
      k: !FindInMap [Map, Top, Second]
      l: !ImportValue exported
      m: !If [Cond, 1, 2]
      n: !Equals [a, b]
      o: !And [!Condition A, !Condition B]
      p: !Or [!Condition A, !Not [!Condition B]]
      q: !Transform {Name: AWS::Include, Parameters: {Location: x.yaml}}
      r: !Length [1, 2]
      s: !ToJsonString {a: 1}
      t: !GetStackOutput {StackName: net, OutputName: VpcId}
"""


def test_every_short_form_becomes_its_long_form() -> None:
    props = decode_text(SHORT_FORMS).data["Resources"]["Q"]["Properties"]
    assert props["a"] == {"Ref": "Param"}
    assert props["b"] == {"Fn::GetAtt": ["Res", "Attr"]}
    assert props["c"] == {"Fn::GetAtt": ["Res", "Attr"]}
    assert props["d"] == {"Fn::GetAtt": ["Db", "Endpoint.Address"]}
    assert props["e"] == {"Fn::Sub": "${AWS::Region}-x"}
    assert props["f"] == {"Fn::Join": [",", ["a", "b"]]}
    assert props["g"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert props["h"] == {"Fn::Split": [",", "a,b"]}
    assert props["i"] == {"Fn::Base64": "text"}
    assert props["j"] == {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}
    assert props["k"] == {"Fn::FindInMap": ["Map", "Top", "Second"]}
    assert props["l"] == {"Fn::ImportValue": "exported"}
    assert props["m"] == {"Fn::If": ["Cond", 1, 2]}
    assert props["n"] == {"Fn::Equals": ["a", "b"]}
    assert props["o"] == {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]}
    assert props["p"] == {"Fn::Or": [{"Condition": "A"}, {"Fn::Not": [{"Condition": "B"}]}]}
    assert props["q"] == {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "x.yaml"}}}
    assert props["r"] == {"Fn::Length": [1, 2]}
    assert props["s"] == {"Fn::ToJsonString": {"a": 1}}
    assert props["t"] == {"Fn::GetStackOutput": {"StackName": "net", "OutputName": "VpcId"}}


def test_tagged_scalars_stay_strings() -> None:
    data = decode_text("a: !Ref 123\nb: !Sub 2010-09-09\n").data
    assert data == {"a": {"Ref": "123"}, "b": {"Fn::Sub": "2010-09-09"}}


# -- scalars ------------------------------------------------------------------------------------

def test_dates_and_times_stay_strings_as_cloudformation_reads_them() -> None:
    data = decode_text("AWSTemplateFormatVersion: 2010-09-09\n"
                       "Version: 2012-10-17\n"
                       "When: 2001-12-14t21:59:43.10-05:00\n").data
    assert data == {"AWSTemplateFormatVersion": "2010-09-09", "Version": "2012-10-17",
                    "When": "2001-12-14t21:59:43.10-05:00"}


def test_plain_scalars_resolve_like_yaml_and_quoted_ones_stay_strings() -> None:
    data = decode_text("i: 60\nf: 1.5\nb: true\nn: null\ne:\nq: '60'\nh: 0x1F\ns: abc\n"
                       "keys:\n  80: x\n  true: y\n").data
    assert data["i"] == 60 and isinstance(data["i"], int)
    assert data["f"] == 1.5
    assert data["b"] is True
    assert data["n"] is None and data["e"] is None
    assert data["q"] == "60"
    assert data["h"] == 31
    assert data["s"] == "abc"
    # keys are kept as written, since CloudFormation logical names and mapping keys are strings
    assert list(data["keys"]) == ["80", "true"]


# -- positions ----------------------------------------------------------------------------------

def test_yaml_positions_for_values_keys_and_list_items() -> None:
    doc = decode_text(SHORT_FORMS, "tpl.yaml")
    span = doc.span(("Resources", "Q", "Properties", "e"))
    assert (span.file, span.line, span.col) == ("tpl.yaml", 9, 10)
    key = doc.span(("Resources", "Q", "Properties", "e"), key=True)
    assert (key.line, key.col) == (9, 7)
    item = doc.span(("Resources", "Q", "Properties", "f", "Fn::Join", 1, 1))
    assert (item.line, item.col) == (10, 26)
    # a path past the marked tree falls back to the deepest known ancestor
    fallback = doc.span(("Resources", "Q", "Properties", "e", "Missing"))
    assert (fallback.line, fallback.col) == (9, 10)


def test_json_positions_and_content_detection() -> None:
    text = '{\n  "Resources": {\n    "Q": {\n      "Type": "AWS::SQS::Queue",\n' \
           '      "Properties": {"DelaySeconds": [1, 2]}\n    }\n  }\n}\n'
    doc = decode_text(text, "looks-like.yaml")  # JSON by content, whatever the extension
    assert doc.data["Resources"]["Q"]["Type"] == "AWS::SQS::Queue"
    span = doc.span(("Resources", "Q", "Type"))
    assert (span.line, span.col) == (4, 15)
    item = doc.span(("Resources", "Q", "Properties", "DelaySeconds", 1))
    assert (item.line, item.col) == (5, 42)


def test_yaml_in_a_file_named_json_is_read_as_yaml(tmp_path) -> None:
    path = tmp_path / "template.json"
    path.write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    assert load_file(str(path)).data == {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}


# -- bad input ----------------------------------------------------------------------------------

def test_malformed_yaml_names_the_place() -> None:
    code, line, col, message = error_of("Resources:\n  Q:\n    Type: [unclosed\n  R: x\n")
    assert code == "E0001" and "malformed YAML" in message
    assert line >= 3


def test_malformed_json_names_the_place() -> None:
    code, line, col, message = error_of('{\n  "Resources": {\n    "Q" {}\n  }\n}\n')
    assert (code, line, col) == ("E0001", 3, 9)
    assert "expected ':'" in message


def test_trailing_comma_in_json_is_an_error() -> None:
    code, line, _, message = error_of('{"Resources": {"Q": {"Type": "x"},}}')
    assert code == "E0001" and line == 1


@pytest.mark.parametrize("text, line", [
    ("Resources:\n  Q:\n    Type: A\n  Q:\n    Type: B\n", 4),
    ('{\n "Resources": {},\n "Resources": {}\n}\n', 3),
])
def test_duplicate_keys_are_errors(text: str, line: int) -> None:
    code, got_line, _, message = error_of(text)
    assert code == "E0002" and got_line == line
    assert "first defined at line" in message


def test_unknown_tag_is_an_error() -> None:
    code, line, col, message = error_of("Resources:\n  Q:\n    Type: !Rain::Embed x.yaml\n")
    assert (code, line) == ("E0003", 3)
    assert "!Rain::Embed" in message


def test_mapping_as_key_is_an_error() -> None:
    code, line, _, message = error_of("? {a: 1}\n: value\n")
    assert code == "E0001" and "key" in message


def test_several_documents_are_an_error() -> None:
    code, line, _, _ = error_of("Resources: {}\n---\nResources: {}\n")
    assert code == "E0001" and line == 2


def test_deep_nesting_is_refused_quickly() -> None:
    start = time.perf_counter()
    code, _, _, message = error_of("a: " + "[" * 100_000 + "]" * 100_000)
    assert code == "E0004" and "nests deeper" in message
    code, _, _, _ = error_of("[" * 100_000 + "]" * 100_000, "deep.json")
    assert code == "E0004"
    assert time.perf_counter() - start < 5


def test_alias_bomb_is_refused_with_bounded_work() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 12):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    start = time.perf_counter()
    code, _, _, message = error_of("\n".join(lines) + "\n")
    assert code == "E0005" and "alias" in message
    assert time.perf_counter() - start < 5


def test_small_aliases_are_expanded() -> None:
    data = decode_text("base: &tags [{Key: a, Value: b}]\nother: *tags\n").data
    assert data["other"] == [{"Key": "a", "Value": "b"}]


def test_non_utf8_bytes_are_an_error_with_position() -> None:
    code, line, col, message = error_of(b"Resources:\n  Q: \xff\xfe\n")
    assert (code, line, col) == ("E0006", 2, 6)
    assert "UTF-8" in message


def test_nul_bytes_are_an_error() -> None:
    code, line, _, _ = error_of("Resources:\n  \x00\n")
    assert (code, line) == ("E0006", 2)


def test_utf8_byte_order_mark_is_accepted() -> None:
    assert decode_bytes(b"\xef\xbb\xbfa: 1\n", "bom.yaml").data == {"a": 1}


def test_files_over_the_size_limit_warn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode, "TEMPLATE_URL_LIMIT", 100)
    doc = decode_bytes(b"Description: " + b"x" * 200 + b"\n", "big.yaml")
    assert [w.code for w in doc.warnings] == ["W0001"]
    assert "limit" in doc.warnings[0].message


def test_files_far_over_the_limit_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode, "MAX_BYTES", 100)
    code, _, _, message = error_of(b"x" * 200)
    assert code == "E0007" and "not read" in message


def test_missing_file_and_directory(tmp_path) -> None:
    with pytest.raises(TemplateError, match="cannot read"):
        load_file(str(tmp_path / "nope.yaml"))
    with pytest.raises(TemplateError, match="directory"):
        load_file(str(tmp_path))


@pytest.mark.parametrize("text, expected", [
    ("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", False),
    ("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      X:\n"
     "        Fn::Transform: {Name: AWS::Include}\n", True),
    ("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: !Transform {Name: M}\n", True),
    ("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      X: !Transform M\n", True),
    ("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n"
     "      X: {\"Fn::Transfor\\x6d\": {Name: M}}\n", True),
    ("Metadata: {Note: Fn::Transform}\nResources: {}\n", False),  # a value, not a key
    ('{"Resources": {"Q": {"Type": "T", "Properties": {"Fn::Transform": {"Name": "M"}}}}}', True),
    ('{"Resources": {"Q": {"Type": "T", "Properties": {"Fn::Transfor\\u006d": {}}}}}', True),
    ('{"Resources": {"Q": {"Type": "T"}}}', False),
])
def test_decoding_notes_whether_any_mapping_has_an_fn_transform_key(text, expected) -> None:
    document = decode_text(text, "t")
    assert document.fn_transform is expected
    from stackengine.transform import has_fn_transform

    assert has_fn_transform(document.data) is expected  # the walk it stands in for
