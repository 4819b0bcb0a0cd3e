"""The corpus runner's staging of nested templates a solution expects in the user's bucket."""

from __future__ import annotations

import os

import pytest

from corpus_staging import STAGING_BUCKET, plan_staging


def _template(url):
    return {"Parameters": {"Bucket": {"Type": "String"}, "Region": {"Type": "String"},
                           "Prefix": {"Type": "String"}},
            "Resources": {"Child": {"Type": "AWS::CloudFormation::Stack",
                                    "Properties": {"TemplateURL": url}}}}


def test_bucket_region_and_prefix_parameters_and_the_local_file(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "child.yaml").write_text("Resources: {}\n")
    (tmp_path / "main").mkdir()
    main = tmp_path / "main" / "main.yaml"
    url = {"Fn::Sub": ["https://${B}.s3.${R}.${AWS::URLSuffix}/${P}templates/child.yaml",
                       {"B": {"Ref": "Bucket"}, "R": {"Ref": "Region"}, "P": {"Ref": "Prefix"}}]}
    staging = plan_staging(str(main), _template(url), str(tmp_path))
    assert staging is not None
    assert staging.parameters == {"Bucket": STAGING_BUCKET, "Region": "us-east-1", "Prefix": ""}
    assert staging.uploads == {"templates/child.yaml": str(tmp_path / "templates" / "child.yaml")}


def test_urls_not_built_from_parameters_need_no_staging(tmp_path):
    literal = _template("https://bucket.s3.amazonaws.com/child.yaml")
    assert plan_staging(str(tmp_path / "t.yaml"), literal, str(tmp_path)) is None
    other = _template({"Fn::Sub": "https://example.com/${Bucket}/child.yaml"})
    assert plan_staging(str(tmp_path / "t.yaml"), other, str(tmp_path)) is None


def test_a_missing_child_file_is_not_uploaded_but_the_bucket_is_still_filled(tmp_path):
    url = {"Fn::Sub": "https://${Bucket}.s3.amazonaws.com/templates/absent.yaml"}
    staging = plan_staging(str(tmp_path / "t.yaml"), _template(url), str(tmp_path))
    assert staging is not None and staging.uploads == {}
    assert staging.parameters == {"Bucket": STAGING_BUCKET}


CORPUS = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared",
                                       "corpus", "cfn-templates"))


@pytest.mark.skipif(not os.path.isdir(CORPUS), reason="corpus not available")
def test_the_vpc_flow_logs_solution_stages_its_s3_child():
    from stackengine.template.decode import decode_text

    path = os.path.join(CORPUS, "Solutions", "VPCFlowLogs", "templates", "VPCFlowLogs-main.cfn.yaml")
    with open(path, encoding="utf-8") as handle:
        data = decode_text(handle.read(), path).data
    staging = plan_staging(path, data, CORPUS)
    assert staging is not None
    assert staging.parameters["TemplatesS3BucketName"] == STAGING_BUCKET
    assert "templates/VPCFlowLogsS3.cfn.yaml" in staging.uploads
    assert "templates/VPCFlowLogsCloudWatch.cfn.yaml" not in staging.uploads  # not in the corpus
