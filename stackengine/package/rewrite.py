"""Package a template: upload its local artifacts and rewrite it to name their S3 locations.

`package_document` takes a decoded template, finds every local artifact (`artifacts.py`), turns
each into bytes (`zipping.py`), stores them through an `ArtifactStore` under content-addressed
keys and returns the rewritten template with the list of uploads. Nested templates
(`AWS::CloudFormation::Stack` `TemplateURL`, `AWS::Serverless::Application` `Location`) are
packaged first, relative to their own folder. Every missing path is reported at once, each with
the resource, the property and its place in the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from stackengine.diagnostics import Diagnostic, TemplateError
from stackengine.package.artifacts import Artifact, Form, NotAPath, find_artifacts
from stackengine.package.zipping import artifact_bytes, content_key
from stackengine.template.marks import copy_marked

Json = Any

CODE = "E6200"  # a local artifact path that cannot be packaged


class ArtifactStore(Protocol):
    """Where packaged artifacts go: the local provider's S3, or real S3."""

    def exists(self, bucket: str, key: str) -> bool: ...

    def put(self, bucket: str, key: str, data: bytes) -> None: ...


@dataclass
class MemoryStore:
    """An ArtifactStore in a dict: for tests and for dry runs."""

    objects: dict[tuple[str, str], bytes] = field(default_factory=dict)

    def exists(self, bucket: str, key: str) -> bool:
        return (bucket, key) in self.objects

    def put(self, bucket: str, key: str, data: bytes) -> None:
        self.objects[(bucket, key)] = data


class CallableStore:
    """An ArtifactStore from a plain `upload(bucket, key, data)` function (never skips)."""

    def __init__(self, upload: Callable[[str, str, bytes], None]) -> None:
        self._upload = upload

    def exists(self, bucket: str, key: str) -> bool:
        return False

    def put(self, bucket: str, key: str, data: bytes) -> None:
        self._upload(bucket, key, data)


@dataclass(frozen=True)
class PackageOptions:
    bucket: str
    prefix: str = ""
    region: str = "us-east-1"
    partition: str = "aws"
    force_upload: bool = False
    # Base of nested templates' `https://` URLs; default: the S3 endpoint of the region.
    url_base: str | None = None


@dataclass(frozen=True)
class Upload:
    """One artifact: where it came from, where it went, and whether it had to be sent."""

    owner: str
    property: str
    source: str
    bucket: str
    key: str
    size: int
    uploaded: bool


@dataclass
class PackageResult:
    template: Json
    uploads: list[Upload]


def s3_endpoint(region: str, partition: str = "aws") -> str:
    """The path-style S3 endpoint `aws cloudformation package` writes into TemplateURL."""
    suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    if region == "us-east-1":
        return f"https://s3.{suffix}"
    return f"https://s3.{region}.{suffix}"


def needs_packaging(template: Json, *, includes: bool = True) -> bool:
    """Does the template name any local artifact (or hold a malformed artifact property)?
    `includes=False`: it has no `Fn::Transform` (see `Document.fn_transform`)."""
    return next(iter(find_artifacts(template, includes=includes)), None) is not None


def package_file(path: str, options: PackageOptions, store: ArtifactStore) -> PackageResult:
    from stackengine.template.decode import load_file

    return package_document(load_file(path), options, store,
                            base_dir=os.path.dirname(os.path.abspath(path)))


def package_document(document: Any, options: PackageOptions, store: ArtifactStore, *,
                     base_dir: str | None = None) -> PackageResult:
    """Package a decoded `Document` (its `data` and `span`); `base_dir` defaults to the folder of
    `document.file`. Raises TemplateError naming every path that is not there."""
    packer = _Packer(options, store)
    base = base_dir or os.path.dirname(os.path.abspath(document.file))
    template = packer.run(document, base, (os.path.abspath(document.file),))
    return PackageResult(template, packer.uploads)


def packaged_document(document: Any, options: PackageOptions, store: ArtifactStore) -> Any:
    """`document` with its local artifact paths uploaded through `store` and replaced by their S3
    locations (positions kept where nothing was replaced); `document` itself when it names none."""
    from stackengine.template.decode import Document

    if not needs_packaging(document.data):
        return document
    result = package_document(document, options, store)
    return Document(document.file, result.template, document.size, document.warnings)


def package_template(template: Json, base_dir: str, options: PackageOptions, store: ArtifactStore,
                     *, file: str = "<template>") -> PackageResult:
    """Package an undecoded template value (no positions in the messages)."""
    from stackengine.template.decode import Document

    return package_document(Document(file, template, 0), options, store, base_dir=base_dir)


class _Packer:
    def __init__(self, options: PackageOptions, store: ArtifactStore) -> None:
        self.options = options
        self.store = store
        self.uploads: list[Upload] = []
        self._done: dict[tuple[str, bool], tuple[str, str, int]] = {}  # (path, zip) -> object
        self._sent: set[tuple[str, str]] = set()

    def run(self, document: Any, base_dir: str, chain: tuple[str, ...]) -> Json:
        template = copy_marked(document.data)
        problems: list[Diagnostic] = []
        for found in list(find_artifacts(template)):
            if isinstance(found, NotAPath):
                artifact = found.artifact
                problems.append(self._problem(
                    document, artifact, f"Parameter {artifact.spec.name} of resource {artifact.owner} "
                    f"must be a local path or an S3 location, not {type(found.found).__name__} "
                    f"{found.found!r}"))
                continue
            try:
                _set(template, found.path, self._package(found, base_dir, chain))
            except TemplateError as nested:
                problems.extend(nested.diagnostics)
            except _Missing as missing:
                problems.append(self._problem(document, found, str(missing)))
        if problems:
            raise TemplateError(problems)
        return template

    @staticmethod
    def _problem(document: Any, artifact: Artifact, message: str) -> Diagnostic:
        return Diagnostic(CODE, message, tuple(artifact.path), document.span(artifact.path))

    def _package(self, artifact: Artifact, base_dir: str, chain: tuple[str, ...]) -> Json:
        spec = artifact.spec
        local = base_dir if artifact.value is None else os.path.normpath(
            os.path.join(base_dir, artifact.value))
        if spec.form is Form.TEMPLATE_URL:
            return self._nested(artifact, local, chain)
        if not os.path.exists(local):
            raise _Missing(f"Parameter {spec.name} of resource {artifact.owner} refers to a file or "
                           f"folder that does not exist: {local}")
        key = (local, spec.zip)
        if key in self._done:
            bucket, object_key, size = self._done[key]
            self._record(artifact, local, bucket, object_key, size, False)
        else:
            data = artifact_bytes(local, force_zip=spec.zip)
            bucket, object_key = self._send(artifact, local, data)
            self._done[key] = (bucket, object_key, len(data))
        if spec.form is Form.S3_URI:
            return f"s3://{bucket}/{object_key}"
        bucket_name, key_name, _version = spec.keys
        return {bucket_name: bucket, key_name: object_key}

    def _nested(self, artifact: Artifact, local: str, chain: tuple[str, ...]) -> str:
        from stackengine.template.decode import load_file
        from stackengine.template.encode import to_yaml

        spec = artifact.spec
        if not os.path.isfile(local):
            raise _Missing(f"{spec.name} parameter of {artifact.owner} resource is invalid. It must "
                           f"be a S3 URL or path to CloudFormation template file. Actual: {local}")
        if os.path.abspath(local) in chain:
            raise _Missing(f"{spec.name} of {artifact.owner} includes {local}, which is already being "
                           "packaged: nested templates must not include themselves")
        child = load_file(local, os.path.relpath(local))
        packaged = self.run(child, os.path.dirname(local), (*chain, os.path.abspath(local)))
        bucket, key = self._send(artifact, local, to_yaml(packaged).encode("utf-8"), "template")
        base = self.options.url_base or s3_endpoint(self.options.region, self.options.partition)
        return f"{base.rstrip('/')}/{bucket}/{key}"

    def _send(self, artifact: Artifact, source: str, data: bytes,
              extension: str = "") -> tuple[str, str]:
        bucket = self.options.bucket
        key = content_key(data, self.options.prefix, extension)
        fresh = (bucket, key) not in self._sent and (
            self.options.force_upload or not self.store.exists(bucket, key))
        if fresh:
            self.store.put(bucket, key, data)
            self._sent.add((bucket, key))
        self._record(artifact, source, bucket, key, len(data), fresh)
        return bucket, key

    def _record(self, artifact: Artifact, source: str, bucket: str, key: str, size: int,
                uploaded: bool) -> None:
        self.uploads.append(Upload(artifact.owner, artifact.spec.name, source, bucket, key, size,
                                   uploaded))


class _Missing(Exception):
    pass


def _set(root: Json, path: tuple[Any, ...], value: Json) -> None:
    node = root
    for part in path[:-1]:
        if isinstance(node, dict):
            if not isinstance(node.get(part), (dict, list)):
                node[part] = {}
            node = node[part]
        else:
            node = node[part]
    node[path[-1]] = value
