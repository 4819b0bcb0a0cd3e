"""Which property of which resource type may hold a local artifact path, as data.

The table follows `aws cloudformation package` (and `sam package`, which adds the SAM-only types):
a local file or folder named by one of these properties is uploaded to S3 and the property is
rewritten into the form the resource type expects there:

- `Form.S3_URI`: the string `s3://bucket/key` (SAM `CodeUri`, `DefinitionUri`, AppSync `*S3Location`);
- `Form.S3_OBJECT`: a mapping whose key names depend on the type (`{S3Bucket, S3Key}` for Lambda code,
  `{Bucket, Key}` for API definitions and state machine definitions);
- `Form.TEMPLATE_URL`: a nested template, which is packaged itself, uploaded as `<md5>.template` and
  named by its path-style `https://` URL (`AWS::CloudFormation::Stack` `TemplateURL`, SAM
  `AWS::Serverless::Application` `Location`).

`find_artifacts` walks a template and lists every place that names a local path. It only reads the
template: no file is opened, nothing is uploaded.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Iterator

Json = Any
PathPart = str | int

WILDCARD = "*"  # in a property path: every key of the mapping found there


class Form(enum.Enum):
    S3_URI = "s3-uri"
    S3_OBJECT = "s3-object"
    TEMPLATE_URL = "template-url"


@dataclass(frozen=True)
class ArtifactProperty:
    """One property that may name a local artifact.

    `path` is the property's path inside `Properties` (`WILDCARD` matches every key of a mapping).
    `zip`: the artifact must be a zip archive: a folder is zipped, and so is a single file unless it
    already is a zip archive. Without `zip` a folder is zipped and a file uploaded as it is.
    `package_absent`: when the property is absent (or empty) the template's own folder is packaged,
    as the AWS CLI does for function code.
    `keys`: the bucket, key and version property names of an `S3_OBJECT` (version may be None).
    `skip_if`: sibling properties whose presence (with any value when the given value is None)
    means the resource has no artifact here (inline code, a container image).
    """

    resource_type: str
    path: tuple[str, ...]
    form: Form
    zip: bool = False
    package_absent: bool = False
    keys: tuple[str, str, str | None] = ("Bucket", "Key", "Version")
    skip_if: tuple[tuple[str, str | None], ...] = ()

    @property
    def name(self) -> str:
        return ".".join(self.path)


_LAMBDA_KEYS = ("S3Bucket", "S3Key", "S3ObjectVersion")
_NO_CODE = (("InlineCode", None), ("ImageUri", None), ("PackageType", "Image"))

ARTIFACT_PROPERTIES: tuple[ArtifactProperty, ...] = (
    # SAM
    ArtifactProperty("AWS::Serverless::Function", ("CodeUri",), Form.S3_URI, zip=True,
                     package_absent=True, skip_if=_NO_CODE),
    ArtifactProperty("AWS::Serverless::Api", ("DefinitionUri",), Form.S3_URI),
    ArtifactProperty("AWS::Serverless::HttpApi", ("DefinitionUri",), Form.S3_URI),
    ArtifactProperty("AWS::Serverless::StateMachine", ("DefinitionUri",), Form.S3_OBJECT),
    ArtifactProperty("AWS::Serverless::LayerVersion", ("ContentUri",), Form.S3_URI, zip=True,
                     package_absent=True),
    ArtifactProperty("AWS::Serverless::Application", ("Location",), Form.TEMPLATE_URL),
    ArtifactProperty("AWS::Serverless::GraphQLApi", ("SchemaUri",), Form.S3_URI),
    ArtifactProperty("AWS::Serverless::GraphQLApi", ("Resolvers", WILDCARD, WILDCARD, "CodeUri"),
                     Form.S3_URI),
    ArtifactProperty("AWS::Serverless::GraphQLApi", ("Functions", WILDCARD, "CodeUri"), Form.S3_URI),
    # CloudFormation
    ArtifactProperty("AWS::Lambda::Function", ("Code",), Form.S3_OBJECT, zip=True, package_absent=True,
                     keys=_LAMBDA_KEYS),
    ArtifactProperty("AWS::Lambda::LayerVersion", ("Content",), Form.S3_OBJECT, zip=True,
                     package_absent=True, keys=_LAMBDA_KEYS),
    ArtifactProperty("AWS::ApiGateway::RestApi", ("BodyS3Location",), Form.S3_OBJECT),
    ArtifactProperty("AWS::ApiGatewayV2::Api", ("BodyS3Location",), Form.S3_OBJECT),
    ArtifactProperty("AWS::AppSync::GraphQLSchema", ("DefinitionS3Location",), Form.S3_URI),
    ArtifactProperty("AWS::AppSync::Resolver", ("RequestMappingTemplateS3Location",), Form.S3_URI),
    ArtifactProperty("AWS::AppSync::Resolver", ("ResponseMappingTemplateS3Location",), Form.S3_URI),
    ArtifactProperty("AWS::AppSync::Resolver", ("CodeS3Location",), Form.S3_URI),
    ArtifactProperty("AWS::AppSync::FunctionConfiguration", ("RequestMappingTemplateS3Location",),
                     Form.S3_URI),
    ArtifactProperty("AWS::AppSync::FunctionConfiguration", ("ResponseMappingTemplateS3Location",),
                     Form.S3_URI),
    ArtifactProperty("AWS::AppSync::FunctionConfiguration", ("CodeS3Location",), Form.S3_URI),
    ArtifactProperty("AWS::ElasticBeanstalk::ApplicationVersion", ("SourceBundle",), Form.S3_OBJECT,
                     keys=("S3Bucket", "S3Key", None)),
    ArtifactProperty("AWS::CloudFormation::Stack", ("TemplateURL",), Form.TEMPLATE_URL),
    ArtifactProperty("AWS::Glue::Job", ("Command", "ScriptLocation"), Form.S3_URI),
    ArtifactProperty("AWS::StepFunctions::StateMachine", ("DefinitionS3Location",), Form.S3_OBJECT),
    ArtifactProperty("AWS::CodeCommit::Repository", ("Code", "S3"), Form.S3_OBJECT, zip=True,
                     keys=("Bucket", "Key", "ObjectVersion")),
    ArtifactProperty("AWS::CloudFormation::ModuleVersion", ("ModulePackage",), Form.S3_URI),
    ArtifactProperty("AWS::CloudFormation::ResourceVersion", ("SchemaHandlerPackage",), Form.S3_URI),
)

# Template `Metadata` entries with artifacts (the Serverless Application Repository's README/licence).
METADATA_PROPERTIES: tuple[ArtifactProperty, ...] = (
    ArtifactProperty("AWS::ServerlessRepo::Application", ("LicenseUrl",), Form.S3_URI),
    ArtifactProperty("AWS::ServerlessRepo::Application", ("ReadmeUrl",), Form.S3_URI),
)

# `Globals` properties with artifacts: a function without its own CodeUri takes this one.
GLOBALS_PROPERTIES: tuple[tuple[str, ArtifactProperty], ...] = (
    ("Function", ArtifactProperty("AWS::Serverless::Function", ("CodeUri",), Form.S3_URI, zip=True)),
)

# `Fn::Transform: {Name: AWS::Include, Parameters: {Location: ...}}`, anywhere in the template.
INCLUDE = ArtifactProperty("AWS::Include", ("Location",), Form.S3_URI)

BY_TYPE: dict[str, tuple[ArtifactProperty, ...]] = {}
for _spec in ARTIFACT_PROPERTIES:
    BY_TYPE[_spec.resource_type] = (*BY_TYPE.get(_spec.resource_type, ()), _spec)


@dataclass(frozen=True)
class Artifact:
    """A place in the template that names a local artifact.

    `path` is the template path of the property (where the rewritten value goes); `value` is what
    the template holds there (None when the property is absent and the template folder is meant).
    `owner` names the resource (or `AWS::Include`, `Globals.Function`, the metadata entry).
    """

    owner: str
    spec: ArtifactProperty
    path: tuple[PathPart, ...]
    value: str | None


def is_s3_uri(value: Json) -> bool:
    if not isinstance(value, str) or not value.startswith("s3://"):
        return False
    bucket, _, key = value[5:].partition("/")
    return bool(bucket) and bool(key.split("?", 1)[0])


def is_remote(value: str, spec: ArtifactProperty) -> bool:
    """Already uploaded: an S3 URI, or for templates an http(s) URL. A dynamic reference
    (`{{resolve:ssm:...}}`) is resolved by CloudFormation when it deploys: not a path either."""
    if is_s3_uri(value) or value.startswith("{{resolve:"):
        return True
    return spec.form is Form.TEMPLATE_URL and value.startswith(("http://", "https://"))


class NotAPath(Exception):
    """A property of the table holds something that is neither a path, an S3 location nor an
    intrinsic function (a number, a list); carries the artifact for the message."""

    def __init__(self, artifact: Artifact, found: Json) -> None:
        super().__init__(artifact.spec.name)
        self.artifact = artifact
        self.found = found


def find_artifacts(template: Json, *, includes: bool = True) -> Iterator[Artifact | NotAPath]:
    """Every local artifact the template names, in template order. Values that are S3 locations,
    intrinsic functions or mappings (already the uploaded form) are left out; values of the wrong
    type are yielded as `NotAPath` so the caller reports them with the rest. `includes=False`:
    the caller knows the template has no `Fn::Transform`, so no AWS::Include snippet."""
    if not isinstance(template, dict):
        return
    from stackengine.transform import has_fn_transform

    # The slower walk for snippets only when there may be one to find.
    if includes and has_fn_transform(template):
        yield from _include_artifacts(template, ())
    metadata = template.get("Metadata")
    if isinstance(metadata, dict):
        for spec in METADATA_PROPERTIES:
            entry = metadata.get(spec.resource_type)
            if isinstance(entry, dict):
                yield from _property(spec.resource_type, spec, entry, ("Metadata", spec.resource_type))
    globals_ = template.get("Globals")
    global_code = False
    if isinstance(globals_, dict):
        for section, spec in GLOBALS_PROPERTIES:
            block = globals_.get(section)
            if isinstance(block, dict):
                global_code = global_code or block.get("CodeUri") is not None
                yield from _property(f"Globals.{section}", spec, block, ("Globals", section))
    resources = template.get("Resources")
    if isinstance(resources, dict):
        yield from _resources(resources, ("Resources",), global_code)


def _resources(resources: dict[str, Json], base: tuple[PathPart, ...],
               global_code: bool) -> Iterator[Artifact | NotAPath]:
    for logical_id, resource in resources.items():
        if logical_id.startswith("Fn::ForEach::"):
            if isinstance(resource, list) and len(resource) == 3 and isinstance(resource[2], dict):
                yield from _resources(resource[2], (*base, logical_id, 2), global_code)
            continue
        if not isinstance(resource, dict):
            continue
        specs = BY_TYPE.get(str(resource.get("Type")))
        if not specs:
            continue
        props = resource.get("Properties")
        if props is not None and not isinstance(props, dict):
            continue
        where = (*base, logical_id, "Properties")
        for spec in specs:
            if spec.package_absent and global_code and spec.resource_type == "AWS::Serverless::Function":
                spec = _without_absent(spec)
            yield from _property(logical_id, spec, props, where)


def _without_absent(spec: ArtifactProperty) -> ArtifactProperty:
    return ArtifactProperty(spec.resource_type, spec.path, spec.form, spec.zip, False, spec.keys,
                            spec.skip_if)


def _property(owner: str, spec: ArtifactProperty, props: dict[str, Json] | None,
              where: tuple[PathPart, ...]) -> Iterator[Artifact | NotAPath]:
    if props is not None:
        for prop, expected in spec.skip_if:
            if prop in props and (expected is None or props[prop] == expected):
                return
    for path, value in _matches(props, spec.path, ()):
        full = (*where, *path)
        if value is None or value == "":
            if spec.package_absent and WILDCARD not in spec.path:
                yield Artifact(owner, spec, full, None)
            continue
        if isinstance(value, dict):
            continue  # an intrinsic function or the uploaded form already
        if not isinstance(value, str):
            yield NotAPath(Artifact(owner, spec, full, None), value)
            continue
        if is_remote(value, spec):
            continue
        yield Artifact(owner, spec, full, value)


def _matches(node: Json, path: tuple[str, ...],
             done: tuple[PathPart, ...]) -> Iterator[tuple[tuple[PathPart, ...], Json]]:
    """(path, value) for every place `path` reaches in `node`; a missing last step yields None so
    that absent properties can be packaged; a missing middle step yields nothing."""
    head, rest = path[0], path[1:]
    if head == WILDCARD:
        if isinstance(node, dict):
            for key, child in node.items():
                if rest:
                    yield from _matches(child, rest, (*done, key))
        return
    if not isinstance(node, dict):
        if node is None and not rest:
            yield (*done, head), None
        return
    child = node.get(head)
    if not rest:
        yield (*done, head), child
    elif child is not None:
        yield from _matches(child, rest, (*done, head))


def _include_artifacts(node: Json, path: tuple[PathPart, ...]) -> Iterator[Artifact | NotAPath]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Fn::Transform" and isinstance(value, dict) and value.get("Name") == "AWS::Include":
                params = value.get("Parameters")
                location = params.get("Location") if isinstance(params, dict) else None
                if isinstance(location, str) and location and not is_s3_uri(location):
                    yield Artifact("AWS::Include", INCLUDE, (*path, key, "Parameters", "Location"),
                                   location)
                continue
            yield from _include_artifacts(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _include_artifacts(item, (*path, index))
