"""Where CloudFormation finds a template named by URL (`TemplateURL` of nested stacks and stack sets).

On AWS, CloudFormation fetches `TemplateURL` from S3. Offline, the same URLs are read from the
emulated account's S3 (where `deploy` and `package` upload nested templates): `s3://bucket/key` and
the `https://` forms of S3 (path style `https://s3.<region>.amazonaws.com/bucket/key`, as `aws
cloudformation package` writes them, and virtual-hosted `https://bucket.s3.<region>.amazonaws.com/key`).
A plain path (no scheme) is a local file, relative to `base_dir`. Any other address cannot be read
offline and fails with a sentence naming it.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from dataclasses import dataclass
from typing import Callable

from stackengine.providers.base import ProviderError

# (bucket, key) → the object's bytes, or None when the bucket has no such key
ObjectReader = Callable[[str, str], "bytes | None"]
BucketExists = Callable[[str], bool]

_S3_HOST = re.compile(r"^(?:(?P<bucket>.+)\.)?s3(?:[.-](?:dualstack\.)?(?P<region>[a-z0-9-]+))?"
                      r"\.amazonaws\.com(?:\.cn)?$")


@dataclass(frozen=True)
class S3Location:
    bucket: str
    key: str


@dataclass(frozen=True)
class Template:
    """A template's text and where it came from (shown in messages; the folder of a local file
    is where its own relative paths start)."""

    body: str
    source: str


def s3_location(url: str) -> S3Location | None:
    """The bucket and key an `s3://` or S3 `https://` URL names; None for any other URL."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme == "s3":
        key = parsed.path.lstrip("/")
        return S3Location(parsed.netloc, urllib.parse.unquote(key)) if parsed.netloc and key else None
    if parsed.scheme not in ("http", "https"):
        return None
    match = _S3_HOST.match(parsed.hostname or "")
    if match is None:
        return None
    path = urllib.parse.unquote(parsed.path.lstrip("/"))
    if match.group("bucket"):
        return S3Location(match.group("bucket"), path) if path else None
    bucket, _, key = path.partition("/")
    return S3Location(bucket, key) if bucket and key else None


class TemplateSources:
    """Reads `TemplateURL`s from the emulated account's S3 or the local disk."""

    def __init__(self, read_object: ObjectReader, bucket_exists: BucketExists) -> None:
        self._read_object = read_object
        self._bucket_exists = bucket_exists

    def read(self, url: object, base_dir: str | None = None) -> Template:
        if not isinstance(url, str) or not url.strip():
            raise ProviderError(f"TemplateURL must be a non-empty string, not {url!r}.",
                                "ValidationError")
        location = s3_location(url)
        if location is not None:
            return Template(self._read_s3(url, location), url)
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme == "file":
            return self._read_file(url, urllib.parse.unquote(urllib.parse.urlsplit(url).path), None)
        if scheme and len(scheme) > 1:  # one letter: a Windows drive, i.e. a path
            raise ProviderError(
                f"TemplateURL {url} cannot be read offline: the local provider reads templates "
                "from local files and from the emulated account's S3 (s3:// or https://s3... "
                "URLs), not from other web addresses.", "ValidationError")
        return self._read_file(url, url, base_dir)

    def _read_s3(self, url: str, location: S3Location) -> str:
        if not self._bucket_exists(location.bucket):
            raise ProviderError(
                f"TemplateURL {url} names S3 bucket {location.bucket}, which does not exist in "
                "the emulated account; upload the template there first (stackengine package), "
                "or give TemplateURL as a local file path.", "ValidationError")
        data = self._read_object(location.bucket, location.key)
        if data is None:
            raise ProviderError(
                f"TemplateURL {url} names object {location.key}, which does not exist in S3 "
                f"bucket {location.bucket} of the emulated account.", "ValidationError")
        return _text(url, data)

    @staticmethod
    def _read_file(url: str, path: str, base_dir: str | None) -> Template:
        full = os.path.normpath(os.path.join(base_dir or os.getcwd(), path))
        try:
            with open(full, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise ProviderError(f"TemplateURL {url} cannot be read: {full}: "
                                f"{exc.strerror or exc}.", "ValidationError") from None
        return Template(_text(url, data), full)


def _text(url: str, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProviderError(f"TemplateURL {url} does not hold a template (its content is not "
                            "UTF-8 text).", "ValidationError") from None
