"""Rewriting: every artifact property of the table into its documented S3 form."""

from __future__ import annotations

import io
import zipfile

import pytest
import yaml

from stackengine.diagnostics import TemplateError
from stackengine.package import MemoryStore, PackageOptions, needs_packaging, package_file
from stackengine.package.artifacts import ARTIFACT_PROPERTIES, Form
from stackengine.package.zipping import content_key, zip_folder

OPTIONS = PackageOptions(bucket="bkt", prefix="pre", region="eu-west-1")


@pytest.fixture
def project(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(e, c):\n    return 1\n")
    (tmp_path / "file.txt").write_text("plain file\n")
    (tmp_path / "nested.yaml").write_text(
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      CodeUri: src\n      Handler: app.handler\n      Runtime: python3.12\n")
    return tmp_path


def write(root, template: str) -> str:
    path = root / "template.yaml"
    path.write_text(template)
    return str(path)


def run(root, template: str, store: MemoryStore | None = None, options: PackageOptions = OPTIONS):
    store = store if store is not None else MemoryStore()
    result = package_file(write(root, template), options, store)
    return result, store


# (type, property path, value to write, expected shape given bucket/key)
S3_URI = "s3://{bucket}/{key}"
CASES = [
    ("AWS::Serverless::Function", "CodeUri", "src", S3_URI),
    ("AWS::Serverless::Api", "DefinitionUri", "file.txt", S3_URI),
    ("AWS::Serverless::HttpApi", "DefinitionUri", "file.txt", S3_URI),
    ("AWS::Serverless::StateMachine", "DefinitionUri", "file.txt", {"Bucket": "{bucket}", "Key": "{key}"}),
    ("AWS::Serverless::LayerVersion", "ContentUri", "src", S3_URI),
    ("AWS::Serverless::GraphQLApi", "SchemaUri", "file.txt", S3_URI),
    ("AWS::Serverless::GraphQLApi", "Resolvers.Query.getPost.CodeUri", "file.txt", S3_URI),
    ("AWS::Serverless::GraphQLApi", "Functions.fetch.CodeUri", "file.txt", S3_URI),
    ("AWS::Lambda::Function", "Code", "src", {"S3Bucket": "{bucket}", "S3Key": "{key}"}),
    ("AWS::Lambda::LayerVersion", "Content", "src", {"S3Bucket": "{bucket}", "S3Key": "{key}"}),
    ("AWS::ApiGateway::RestApi", "BodyS3Location", "file.txt", {"Bucket": "{bucket}", "Key": "{key}"}),
    ("AWS::ApiGatewayV2::Api", "BodyS3Location", "file.txt", {"Bucket": "{bucket}", "Key": "{key}"}),
    ("AWS::AppSync::GraphQLSchema", "DefinitionS3Location", "file.txt", S3_URI),
    ("AWS::AppSync::Resolver", "RequestMappingTemplateS3Location", "file.txt", S3_URI),
    ("AWS::AppSync::Resolver", "ResponseMappingTemplateS3Location", "file.txt", S3_URI),
    ("AWS::AppSync::Resolver", "CodeS3Location", "file.txt", S3_URI),
    ("AWS::AppSync::FunctionConfiguration", "RequestMappingTemplateS3Location", "file.txt", S3_URI),
    ("AWS::AppSync::FunctionConfiguration", "ResponseMappingTemplateS3Location", "file.txt", S3_URI),
    ("AWS::AppSync::FunctionConfiguration", "CodeS3Location", "file.txt", S3_URI),
    ("AWS::ElasticBeanstalk::ApplicationVersion", "SourceBundle", "src",
     {"S3Bucket": "{bucket}", "S3Key": "{key}"}),
    ("AWS::CloudFormation::Stack", "TemplateURL", "nested.yaml",
     "https://s3.eu-west-1.amazonaws.com/{bucket}/{key}"),
    ("AWS::Serverless::Application", "Location", "nested.yaml",
     "https://s3.eu-west-1.amazonaws.com/{bucket}/{key}"),
    ("AWS::Glue::Job", "Command.ScriptLocation", "file.txt", S3_URI),
    ("AWS::StepFunctions::StateMachine", "DefinitionS3Location", "file.txt",
     {"Bucket": "{bucket}", "Key": "{key}"}),
    ("AWS::CodeCommit::Repository", "Code.S3", "src", {"Bucket": "{bucket}", "Key": "{key}"}),
    ("AWS::CloudFormation::ModuleVersion", "ModulePackage", "src", S3_URI),
    ("AWS::CloudFormation::ResourceVersion", "SchemaHandlerPackage", "src", S3_URI),
]


def nest(path: str, value: str) -> dict:
    out: dict = {}
    node = out
    parts = path.split(".")
    for part in parts[:-1]:
        node[part] = {}
        node = node[part]
    node[parts[-1]] = value
    return out


def expand(shape, bucket: str, key: str):
    if isinstance(shape, dict):
        return {k: v.format(bucket=bucket, key=key) for k, v in shape.items()}
    return shape.format(bucket=bucket, key=key)


def get(node, path: str):
    for part in path.split("."):
        node = node[part]
    return node


def test_every_table_entry_is_covered():
    covered = {(t, p) for t, p, _, _ in CASES}
    table = {(s.resource_type, ".".join(s.path)) for s in ARTIFACT_PROPERTIES}
    wildcard = {(t, p) for t, p in table if "*" in p}
    assert table - wildcard <= covered
    assert len(wildcard) == 2 and {t for t, p in covered if p.endswith("CodeUri") and "." in p} == {
        "AWS::Serverless::GraphQLApi"}


@pytest.mark.parametrize("type_name,prop,value,shape", CASES, ids=[f"{c[0]}.{c[1]}" for c in CASES])
def test_rewritten_into_documented_shape(project, type_name, prop, value, shape):
    template = yaml.safe_dump({"Resources": {"R": {"Type": type_name, "Properties": nest(prop, value)}}})
    result, store = run(project, template)
    got = get(result.template["Resources"]["R"]["Properties"], prop)
    assert len(result.uploads) >= 1
    upload = result.uploads[-1]
    assert upload.bucket == "bkt" and upload.key.startswith("pre/")
    assert upload.owner == "R" and upload.property == prop.replace("Resolvers.Query.getPost", "Resolvers.*.*") \
        .replace("Functions.fetch", "Functions.*")
    assert got == expand(shape, "bkt", upload.key)
    assert ("bkt", upload.key) in store.objects
    body = store.objects[("bkt", upload.key)]
    assert upload.key == content_key(body, "pre", "template" if "nested" in value else "")


def test_zip_forced_for_code_and_not_for_definitions(project):
    template = """
Resources:
  F: {Type: AWS::Lambda::Function, Properties: {Code: file.txt}}
  A: {Type: AWS::ApiGateway::RestApi, Properties: {BodyS3Location: file.txt}}
"""
    result, store = run(project, template)
    code = store.objects[("bkt", result.template["Resources"]["F"]["Properties"]["Code"]["S3Key"])]
    assert zipfile.ZipFile(io.BytesIO(code)).namelist() == ["file.txt"]
    body = store.objects[("bkt", result.template["Resources"]["A"]["Properties"]["BodyS3Location"]["Key"])]
    assert body == b"plain file\n"


def test_nested_template_is_packaged_itself(project):
    template = "Resources:\n  S: {Type: AWS::CloudFormation::Stack, Properties: {TemplateURL: nested.yaml}}\n"
    result, store = run(project, template)
    url = result.template["Resources"]["S"]["Properties"]["TemplateURL"]
    key = url.split("/bkt/", 1)[1]
    assert key.endswith(".template")
    child = yaml.safe_load(store.objects[("bkt", key)])
    code_key = content_key(zip_folder(str(project / "src")), "pre")
    assert child["Resources"]["Fn"]["Properties"]["CodeUri"] == f"s3://bkt/{code_key}"


def test_template_url_us_east_1_and_custom_endpoint(project):
    template = "Resources:\n  S: {Type: AWS::CloudFormation::Stack, Properties: {TemplateURL: nested.yaml}}\n"
    result, _ = run(project, template, options=PackageOptions(bucket="b"))
    assert result.template["Resources"]["S"]["Properties"]["TemplateURL"].startswith(
        "https://s3.amazonaws.com/b/")
    result, _ = run(project, template, options=PackageOptions(bucket="b", url_base="http://localhost:4566/"))
    assert result.template["Resources"]["S"]["Properties"]["TemplateURL"].startswith(
        "http://localhost:4566/b/")


ALREADY_REMOTE = """
Resources:
  F1: {Type: AWS::Serverless::Function, Properties: {CodeUri: "s3://other/code.zip", Handler: a.b, Runtime: python3.12}}
  F2: {Type: AWS::Serverless::Function, Properties: {CodeUri: {Bucket: other, Key: k}, Handler: a.b, Runtime: python3.12}}
  F3: {Type: AWS::Serverless::Function, Properties: {InlineCode: "x", Handler: a.b, Runtime: python3.12}}
  F4: {Type: AWS::Serverless::Function, Properties: {PackageType: Image, ImageUri: "123.dkr.ecr/x:1"}}
  F5: {Type: AWS::Serverless::Function, Properties: {CodeUri: !Sub "s3://${AWS::AccountId}/k", Handler: a.b, Runtime: python3.12}}
  L: {Type: AWS::Lambda::Function, Properties: {Code: {ZipFile: "x"}, Handler: a.b, Runtime: python3.12, Role: r}}
  A: {Type: AWS::Serverless::Api, Properties: {StageName: p, DefinitionBody: {swagger: "2.0"}}}
  S: {Type: AWS::CloudFormation::Stack, Properties: {TemplateURL: "https://s3.amazonaws.com/b/t.yaml"}}
  G: {Type: AWS::Glue::Job, Properties: {Command: {Name: glueetl, ScriptLocation: "s3://b/script.py?versionId=3"}}}
"""


def test_already_remote_values_left_alone(project):
    assert not needs_packaging(yaml.safe_load(ALREADY_REMOTE.replace("!Sub", "")))
    result, store = run(project, ALREADY_REMOTE)
    assert result.uploads == [] and store.objects == {}
    assert result.template["Resources"]["F1"]["Properties"]["CodeUri"] == "s3://other/code.zip"
    assert result.template["Resources"]["F5"]["Properties"]["CodeUri"] == {
        "Fn::Sub": "s3://${AWS::AccountId}/k"}
    assert "CodeUri" not in result.template["Resources"]["F3"]["Properties"]


def test_absent_code_packages_the_template_folder(project):
    template = "Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {Handler: src/app.handler, Runtime: python3.12}}\n"
    result, store = run(project, template)
    key = result.template["Resources"]["F"]["Properties"]["CodeUri"].split("/", 3)[3]
    names = zipfile.ZipFile(io.BytesIO(store.objects[("bkt", key)])).namelist()
    assert "src/app.py" in names and "template.yaml" in names


def test_globals_code_uri_packaged_and_functions_without_their_own_keep_it(project):
    template = """
Globals:
  Function: {CodeUri: src, Runtime: python3.12}
Resources:
  F: {Type: AWS::Serverless::Function, Properties: {Handler: app.handler}}
"""
    result, _ = run(project, template)
    assert result.template["Globals"]["Function"]["CodeUri"].startswith("s3://bkt/pre/")
    assert "CodeUri" not in result.template["Resources"]["F"]["Properties"]
    assert len(result.uploads) == 1


def test_include_location_and_serverless_repo_metadata(project):
    template = """
Metadata:
  AWS::ServerlessRepo::Application: {Name: app, LicenseUrl: file.txt, ReadmeUrl: "s3://b/readme"}
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      Fn::Transform: {Name: AWS::Include, Parameters: {Location: file.txt}}
"""
    result, store = run(project, template)
    key = content_key(b"plain file\n", "pre")
    assert result.template["Resources"]["Q"]["Properties"]["Fn::Transform"]["Parameters"]["Location"] \
        == f"s3://bkt/{key}"
    meta = result.template["Metadata"]["AWS::ServerlessRepo::Application"]
    assert meta["LicenseUrl"] == f"s3://bkt/{key}" and meta["ReadmeUrl"] == "s3://b/readme"
    assert list(store.objects) == [("bkt", key)]


def test_foreach_resources_are_packaged(project):
    template = """
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Fns:
    - Name
    - [A, B]
    - ${Name}Fn:
        Type: AWS::Lambda::Function
        Properties: {Code: src, Handler: app.handler, Runtime: python3.12, Role: r}
"""
    result, _ = run(project, template)
    code = result.template["Resources"]["Fn::ForEach::Fns"][2]["${Name}Fn"]["Properties"]["Code"]
    assert code["S3Bucket"] == "bkt"


def test_same_artifact_twice_zipped_and_uploaded_once(project):
    template = """
Resources:
  A: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Handler: app.handler, Runtime: python3.12}}
  B: {Type: AWS::Serverless::Function, Properties: {CodeUri: ./src/, Handler: app.handler, Runtime: python3.12}}
"""
    result, store = run(project, template)
    a = result.template["Resources"]["A"]["Properties"]["CodeUri"]
    assert a == result.template["Resources"]["B"]["Properties"]["CodeUri"]
    assert [u.uploaded for u in result.uploads] == [True, False]
    assert len(store.objects) == 1


def test_repackaging_is_stable_and_skips_existing_objects(project):
    template = "Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Handler: app.handler, Runtime: python3.12}}\n"
    store = MemoryStore()
    first, _ = run(project, template, store)
    second, _ = run(project, template, store)
    assert first.template == second.template
    assert [u.uploaded for u in second.uploads] == [False]
    forced, _ = run(project, template, store, PackageOptions(bucket="bkt", prefix="pre", force_upload=True))
    assert [u.uploaded for u in forced.uploads] == [True]


def test_missing_paths_all_reported_with_resource_property_and_position(project):
    template = """Resources:
  Good: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Handler: a.b, Runtime: python3.12}}
  Missing:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: nowhere/
      Handler: a.b
      Runtime: python3.12
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      BodyS3Location: swagger.yaml
"""
    with pytest.raises(TemplateError) as info:
        run(project, template)
    problems = info.value.diagnostics
    assert len(problems) == 2
    first, second = problems
    assert first.code == "E6200"
    assert first.path == ("Resources", "Missing", "Properties", "CodeUri")
    assert (first.span.line, first.span.col) == (6, 16)
    assert first.span.file.endswith("template.yaml")
    assert "CodeUri" in first.message and "Missing" in first.message and "nowhere" in first.message
    assert second.path == ("Resources", "Api", "Properties", "BodyS3Location")
    assert "swagger.yaml" in second.message and (second.span.line, second.span.col) == (12, 23)
    text = first.format()
    assert text.startswith(f"{first.span.file}:6:16: E6200 Resources.Missing.Properties.CodeUri:")


def test_nested_template_problems_point_into_the_nested_file(project):
    (project / "child.yaml").write_text(
        "Resources:\n  C:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: gone\n")
    template = "Resources:\n  S: {Type: AWS::CloudFormation::Stack, Properties: {TemplateURL: child.yaml}}\n"
    with pytest.raises(TemplateError) as info:
        run(project, template)
    (problem,) = info.value.diagnostics
    assert problem.span.file.endswith("child.yaml") and problem.span.line == 5
    assert problem.path == ("Resources", "C", "Properties", "Code")


def test_template_url_to_a_folder_or_missing_file_is_rejected(project):
    template = "Resources:\n  S: {Type: AWS::CloudFormation::Stack, Properties: {TemplateURL: src}}\n"
    with pytest.raises(TemplateError) as info:
        run(project, template)
    assert "TemplateURL parameter of S resource is invalid" in info.value.diagnostics[0].message


def test_self_including_template_is_rejected(project):
    template = "Resources:\n  S: {Type: AWS::CloudFormation::Stack, Properties: {TemplateURL: template.yaml}}\n"
    with pytest.raises(TemplateError) as info:
        run(project, template)
    assert "must not include themselves" in info.value.diagnostics[0].message


def test_wrong_value_type_is_reported(project):
    template = "Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {CodeUri: [a], Handler: a.b, Runtime: python3.12}}\n"
    with pytest.raises(TemplateError) as info:
        run(project, template)
    assert "must be a local path or an S3 location" in info.value.diagnostics[0].message


def test_forms_are_the_ones_documented():
    forms = {(s.resource_type, ".".join(s.path)): s.form for s in ARTIFACT_PROPERTIES}
    assert forms[("AWS::Serverless::Function", "CodeUri")] is Form.S3_URI
    assert forms[("AWS::Lambda::Function", "Code")] is Form.S3_OBJECT
    assert forms[("AWS::CloudFormation::Stack", "TemplateURL")] is Form.TEMPLATE_URL
