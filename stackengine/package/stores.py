"""Artifact stores: the emulated account's S3 (local provider) and real S3 (aws target).

By the layering rule only `engine.py` loads providers: a local store is given the emulated
account it writes to (`Engine.emulated_s3` builds it).
"""

from __future__ import annotations

from typing import Any, Callable

from stackengine.diagnostics import StackEngineError, UsageError


class ArtifactUploadError(StackEngineError):
    """The bucket is missing or refused the upload."""


def default_bucket(account_id: str, region: str) -> str:
    """The staging bucket used when `--s3-bucket` is not given (as `sam deploy --resolve-s3` uses
    a managed bucket)."""
    return f"stackengine-artifacts-{account_id}-{region}"


class LocalArtifactStore:
    """The S3 of the local provider's emulated account, kept in the state database. `account`:
    the local provider (its `store` and its `create` / `put_object`)."""

    def __init__(self, account: Any, account_id: str, region: str, partition: str = "aws") -> None:
        self.provider = account
        self.account_id = account_id
        self.region = region
        self.partition = partition
        self.created: list[str] = []

    def ensure_bucket(self, bucket: str) -> bool:
        """Create `bucket` in the emulated account unless it exists; True when it was created.

        The bucket belongs to no stack (deleting a stack never empties it), like SAM's managed
        artifact bucket. `stackengine account ls` lists it as an account default."""
        from stackengine.providers.base import ProviderError, StackRef

        if self.provider.store.find_by_name("AWS::S3::Bucket", "global", bucket) is not None:
            return False
        stack = StackRef("", f"stackengine-artifacts/{self.account_id}/{self.region}",
                         self.account_id, self.region, self.partition)
        logical_id = "ArtifactsBucket" + "".join(c for c in bucket.title() if c.isalnum())[:200]
        try:
            self.provider.create(stack, "AWS::S3::Bucket", logical_id, {"BucketName": bucket},
                                 f"stackengine-artifacts-{bucket}")
        except ProviderError as exc:
            raise ArtifactUploadError(f"cannot create bucket {bucket} in the emulated account: "
                                      f"{exc}") from None
        self.created.append(bucket)
        return True

    def exists(self, bucket: str, key: str) -> bool:
        return self.provider.store.get_object(bucket, key) is not None

    def put(self, bucket: str, key: str, data: bytes) -> None:
        from stackengine.providers.base import ProviderError

        try:
            self.provider.put_object(bucket, key, data)
        except ProviderError as exc:
            raise ArtifactUploadError(f"s3://{bucket}/{key}: {exc}") from None


class S3ArtifactStore:
    """Real S3 through boto3 (credentials and endpoint as boto3 finds them)."""

    def __init__(self, region: str, client: Any = None) -> None:
        """`client`: an S3 client made with the deploy's credentials, role and endpoint; without
        one, boto3's defaults."""
        if client is None:
            try:
                import boto3  # type: ignore[import-untyped, unused-ignore]
            except ImportError:  # pragma: no cover - boto3 is a dependency of the aws target
                raise UsageError("the aws target needs boto3 (pip install boto3)") from None
            client = boto3.client("s3", region_name=region)
        self.client: Any = client
        self.url_base: str | None = getattr(self.client.meta, "endpoint_url", None)

    def ensure_bucket(self, bucket: str) -> bool:
        return False  # `aws cloudformation package` needs an existing bucket too

    def exists(self, bucket: str, key: str) -> bool:
        from botocore.exceptions import ClientError  # type: ignore[import-untyped, unused-ignore]

        try:
            self.client.head_object(Bucket=bucket, Key=key)
        except ClientError:
            return False
        return True

    def put(self, bucket: str, key: str, data: bytes) -> None:
        from botocore.exceptions import (  # type: ignore[import-untyped, unused-ignore]
            BotoCoreError, ClientError)

        try:
            self.client.put_object(Bucket=bucket, Key=key, Body=data)
        except (BotoCoreError, ClientError) as exc:
            raise ArtifactUploadError(f"s3://{bucket}/{key}: {exc}") from None


def package_local_document(document: Any, body: str, store: Callable[[], LocalArtifactStore], *,
                           bucket: str | None = None, prefix: str = "") -> tuple[Any, str]:
    """What `deploy` on the local provider does before rendering: when the template names local
    artifacts, upload them to the emulated account's S3 (`store()`, asked for only then; bucket
    `default_bucket(...)` unless given, created when missing) and return the packaged document
    and its text (JSON stays JSON); otherwise `(document, body)` unchanged. Paths are relative
    to the template file's folder. Raises TemplateError (located) when a path does not exist."""
    from stackengine.package.rewrite import PackageOptions, needs_packaging, packaged_document
    from stackengine.template.decode import looks_like_json
    from stackengine.template.encode import to_json, to_yaml

    if not needs_packaging(document.data, includes=getattr(document, "fn_transform", True)):
        return document, body
    s3 = store()
    target = bucket or default_bucket(s3.account_id, s3.region)
    s3.ensure_bucket(target)
    options = PackageOptions(bucket=target, prefix=prefix, region=s3.region,
                             partition=s3.partition)
    packaged = packaged_document(document, options, s3)
    text = to_json(packaged.data) + "\n" if looks_like_json(body) else to_yaml(packaged.data)
    return packaged, text


def package_local_paths(body: str, template_file: str, store: LocalArtifactStore) -> str:
    """`package_local_document` on template text: the packaged text, or `body` unchanged."""
    from stackengine.template.decode import decode_text

    return package_local_document(decode_text(body, template_file), body, lambda: store)[1]
