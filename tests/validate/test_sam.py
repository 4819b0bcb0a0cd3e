"""SAM templates are validated after the transform, findings pointing at the SAM source."""

from __future__ import annotations

from validate_support import error_codes


def test_findings_map_back_to_the_sam_source(check) -> None:
    report = check("""
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: ./src
          Handler: index.handler
          Runtime: python3.12
          MemorySize: 100000
          Timeout: 5
    """)
    bad = [d for d in report.errors if d.code == "E3019"]
    assert bad, report.findings
    assert bad[0].path == ("Resources", "Fn", "Properties", "MemorySize")
    assert bad[0].span is not None and bad[0].span.line == 10


def test_generated_resources_point_at_their_sam_resource(check) -> None:
    report = check("""
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: ./src
          Handler: index.handler
          Runtime: python3.12
          Role: !GetAtt Missing.Arn
    """)
    assert report.errors
    assert all(d.span is not None and d.span.line >= 4 for d in report.errors), report.findings


def test_local_code_paths_are_packaged_stand_ins(check) -> None:
    report = check("""
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties: {CodeUri: ./src, Handler: index.handler, Runtime: python3.12}
    """)
    assert not report.errors, report.findings


def test_sam_transform_errors_are_findings(check) -> None:
    report = check("""
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties: {CodeUri: s3://b/k, Handler: index.handler, Runtime: python3.12, Events: 5}
    """)
    assert report.errors and all(d.span is not None for d in report.errors)
    assert error_codes(report) <= {"E6000", "E6001"}
