"""SchemaRegistry over the shipped registry schemas (no cfn-lint needed at test time)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from stackengine.diagnostics import StackEngineError
from stackengine.specs import (
    ResourceSchema,
    SchemaRegistry,
    UnknownResourceType,
    default_registry,
    is_custom,
    is_module,
    is_serverless,
    pointer_to_path,
)


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return default_registry()


@pytest.fixture
def fresh() -> SchemaRegistry:
    reg = SchemaRegistry()
    yield reg
    reg.close()


# -- type names ------------------------------------------------------------------------------

def test_type_list_is_large_sorted_and_has_common_types(registry: SchemaRegistry) -> None:
    types = registry.types()
    assert len(types) > 1400
    assert types == sorted(types)
    for name in ("AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::Lambda::Function", "AWS::IAM::Role",
                 "AWS::CloudFormation::CustomResource", "AWS::CDK::Metadata"):
        assert registry.has_type(name), name
    # cfn-lint's synthetic stand-in for modules is not a real type
    assert "Module" not in types


def test_has_type_rejects_sam_modules_and_case_variants(registry: SchemaRegistry) -> None:
    assert not registry.has_type("AWS::Serverless::Function")
    assert not registry.has_type("MyOrg::Svc::Thing::MODULE")
    assert not registry.has_type("aws::s3::bucket")  # type names are case-sensitive
    assert registry.get("AWS::Serverless::Function") is None


def test_type_kind_helpers() -> None:
    assert is_custom("Custom::Anything") and is_custom("AWS::CloudFormation::CustomResource")
    assert not is_custom("AWS::S3::Bucket")
    assert is_serverless("AWS::Serverless::Api") and not is_serverless("AWS::S3::Bucket")
    assert is_module("MyOrg::Svc::Thing::MODULE") and not is_module("AWS::S3::Bucket")


def test_suggest_finds_typos_case_insensitively(registry: SchemaRegistry) -> None:
    assert "AWS::S3::Bucket" in registry.suggest("AWS::S3::Buckt")
    assert registry.suggest("aws::s3::bucket")[0] == "AWS::S3::Bucket"
    assert "AWS::SQS::Queue" in registry.suggest("AWS::SQS::Queu")
    assert registry.suggest("Totally::Unrelated::Zzzzzzzzzzzzzz") == []


def test_unknown_type_error_names_the_suggestion(registry: SchemaRegistry) -> None:
    with pytest.raises(UnknownResourceType) as info:
        registry.schema("AWS::S3::Buckt")
    err = info.value
    assert isinstance(err, StackEngineError) and err.exit_code == 1
    assert "AWS::S3::Buckt" in str(err)
    assert "did you mean" in str(err) and "'AWS::S3::Bucket'" in str(err)
    assert err.suggestions[0] == "AWS::S3::Bucket"


def test_unknown_sam_type_error_points_at_the_transform(registry: SchemaRegistry) -> None:
    with pytest.raises(UnknownResourceType, match="Transform"):
        registry.schema("AWS::Serverless::Function")


# -- laziness and caching --------------------------------------------------------------------

def test_loading_one_schema_parses_only_that_one(fresh: SchemaRegistry) -> None:
    assert fresh._cache == {}
    assert len(fresh.types()) > 1400  # listing parses no schema
    assert fresh._cache == {}
    first = fresh.schema("AWS::S3::Bucket")
    assert list(fresh._cache) == ["AWS::S3::Bucket"]
    assert fresh.schema("AWS::S3::Bucket") is first  # cached, not re-parsed
    assert fresh.get("AWS::Nope::Nope") is None
    assert len(fresh._cache) == 1


def test_default_registry_is_shared() -> None:
    assert default_registry() is default_registry()


def test_import_pulls_in_no_heavy_dependencies() -> None:
    code = ("import sys, stackengine.specs as s; s.default_registry().schema('AWS::S3::Bucket'); "
            "print(','.join(m for m in ('jsonschema', 'cfnlint', 'boto3', 'yaml') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# -- the parsed facts ------------------------------------------------------------------------

def test_s3_bucket(registry: SchemaRegistry) -> None:
    bucket = registry.schema("AWS::S3::Bucket")
    assert isinstance(bucket, ResourceSchema) and bucket.type_name == "AWS::S3::Bucket"
    assert ("BucketName",) in bucket.create_only
    assert bucket.primary_identifier == (("BucketName",),)
    names = bucket.getatt_names()
    for attr in ("Arn", "DomainName", "RegionalDomainName", "WebsiteURL", "DualStackDomainName"):
        assert attr in names
    assert "BucketName" in bucket.properties and "VersioningConfiguration" in bucket.properties
    assert bucket.taggable and bucket.tag_property == ("Tags",)
    assert bucket.raw["typeName"] == "AWS::S3::Bucket"
    # documentation strings were stripped from the shipped data
    assert "description" not in bucket.raw and "sourceUrl" not in bucket.raw


def test_sqs_queue(registry: SchemaRegistry) -> None:
    queue = registry.schema("AWS::SQS::Queue")
    assert queue.primary_identifier == (("QueueUrl",),)
    assert {("FifoQueue",), ("QueueName",)} <= queue.create_only
    assert queue.is_create_only(("QueueName",))
    assert not queue.is_create_only(("VisibilityTimeout",))
    assert {"Arn", "QueueUrl", "QueueName"} <= set(queue.getatt_names())
    assert ("QueueUrl",) in queue.read_only


def test_rds_instance_nested_getatt(registry: SchemaRegistry) -> None:
    db = registry.schema("AWS::RDS::DBInstance")
    assert "Endpoint.Address" in db.getatt_names()
    assert "Endpoint.Port" in db.getatt_names()
    assert db.has_getatt("Endpoint.Address")
    assert not db.has_getatt("Endpoint.Nope")
    assert ("MasterUserPassword",) in db.write_only


def test_getatt_wildcards(registry: SchemaRegistry) -> None:
    stack = registry.schema("AWS::CloudFormation::Stack")
    assert stack.has_getatt("Outputs.BucketName")
    assert not stack.has_getatt("Nope")
    custom = registry.schema("Custom::Thing")
    assert custom.has_getatt("AnythingTheLambdaReturns")


def test_is_create_only_nested_paths_and_list_indices(registry: SchemaRegistry) -> None:
    bucket = registry.schema("AWS::S3::Bucket")
    # an ancestor listed => every descendant is create-only
    assert bucket.is_create_only(("BucketName",))
    assert not bucket.is_create_only(("VersioningConfiguration", "Status"))
    assert not bucket.is_create_only(("Tags", 0, "Value"))

    table = registry.schema("AWS::DynamoDB::Table")
    assert table.is_create_only(("TableName",))

    # A synthetic schema pins down the rules exactly: "*" in a pointer matches any list index.
    schema = ResourceSchema("Test::Nested::Thing", {
        "typeName": "Test::Nested::Thing",
        "properties": {"A": {"type": "object"}, "L": {"type": "array"}},
        "createOnlyProperties": ["/properties/A/B", "/properties/L/*/Name"],
        "conditionalCreateOnlyProperties": ["/properties/A/C"],
    })
    assert schema.create_only == frozenset({("A", "B"), ("L", "*", "Name")})
    assert schema.is_create_only(("A", "B"))
    assert schema.is_create_only(("A", "B", "Deeper", 3, "X"))
    assert not schema.is_create_only(("A",))            # parent of a create-only child: updatable
    assert not schema.is_create_only(("A", "Other"))
    assert schema.is_create_only(("L", 0, "Name"))
    assert schema.is_create_only(("L", 7, "Name", "Sub"))
    assert not schema.is_create_only(("L", 0, "Value"))
    assert schema.is_conditional_create_only(("A", "C", "D"))
    assert not schema.is_conditional_create_only(("A", "B"))


def test_pointer_to_path_unescapes() -> None:
    assert pointer_to_path("/properties/A/B") == ("A", "B")
    assert pointer_to_path("/properties/a~1b/c~0d") == ("a/b", "c~d")


def test_custom_resources_share_the_custom_resource_schema(registry: SchemaRegistry) -> None:
    assert registry.has_type("Custom::MyThing")
    custom = registry.schema("Custom::MyThing")
    assert custom.type_name == "Custom::MyThing"
    assert "ServiceToken" in custom.required
    # parsed once, shared by every Custom::* name
    assert custom.raw is registry.schema("AWS::CloudFormation::CustomResource").raw


def test_suggest_property(registry: SchemaRegistry) -> None:
    bucket = registry.schema("AWS::S3::Bucket")
    assert bucket.suggest_property("BuckteName")[0] == "BucketName"
    assert bucket.suggest_property("bucketname")[0] == "BucketName"


def test_resolve_ref_and_property_schema(registry: SchemaRegistry) -> None:
    bucket = registry.schema("AWS::S3::Bucket")
    tag = bucket.resolve_ref("#/definitions/Tag")
    assert set(tag["required"]) == {"Key", "Value"}
    with pytest.raises(KeyError):
        bucket.resolve_ref("#/definitions/DoesNotExist")
    with pytest.raises(ValueError):
        bucket.resolve_ref("other.json#/definitions/Tag")
    status = bucket.property_schema(("VersioningConfiguration", "Status"))
    assert status is not None and set(status["enum"]) == {"Enabled", "Suspended"}
    assert bucket.property_schema(("Tags", 0, "Key"))["type"] == "string"
    assert bucket.property_schema(("NoSuchProperty",)) is None


def test_handlers_are_not_in_the_cfn_lint_source(registry: SchemaRegistry) -> None:
    # cfn-lint strips `handlers`; the API reports that instead of claiming "no handlers".
    bucket = registry.schema("AWS::S3::Bucket")
    assert not bucket.handlers_known and bucket.handlers == frozenset()
    with_handlers = ResourceSchema("Test::H::H", {"typeName": "Test::H::H",
                                                  "handlers": {"create": {}, "read": {}, "delete": {}}})
    assert with_handlers.handlers_known and with_handlers.handlers == {"create", "read", "delete"}


def test_taggable(registry: SchemaRegistry) -> None:
    assert not registry.schema("AWS::S3::BucketPolicy").taggable
    assert registry.schema("AWS::SQS::Queue").taggable


# -- regions and provenance ------------------------------------------------------------------

def test_types_in_region(registry: SchemaRegistry) -> None:
    us_east_1 = set(registry.types_in_region("us-east-1"))
    assert "AWS::S3::Bucket" in us_east_1 and len(us_east_1) > 1400
    # DeviceFarm is a us-west-2-only service
    assert "AWS::DeviceFarm::Project" in registry.types_in_region("us-west-2")
    assert "AWS::DeviceFarm::Project" not in us_east_1
    china = registry.types_in_region("cn-north-1")
    assert "AWS::S3::Bucket" in china and len(china) < len(us_east_1)
    assert "eu-west-1" in registry.regions()
    with pytest.raises(KeyError):
        registry.types_in_region("mars-north-1")


def test_source_is_recorded(registry: SchemaRegistry) -> None:
    source = registry.source()
    assert source["cfn_lint_version"] == "1.51.0"
    assert source["type_count"] == len(registry.types())


def test_every_schema_parses(fresh: SchemaRegistry) -> None:
    for name in fresh.types():
        schema = fresh.schema(name)
        assert schema.raw["typeName"] == name
        for path in schema.primary_identifier:
            assert path and all(isinstance(p, str) for p in path)
