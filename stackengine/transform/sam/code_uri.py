"""S3 locations of artifacts: `s3://bucket/key?versionId=v` strings or `{Bucket, Key, Version}` maps."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from stackengine.transform.sam.common import Json, fail, is_intrinsic, plain


def parse_s3_uri(uri: Json) -> dict[str, str] | None:
    if not isinstance(uri, str):
        return None
    parsed = urlparse(uri)
    if parsed.scheme != "s3" or not parsed.netloc or not parsed.path.lstrip("/"):
        return None
    out = {"Bucket": parsed.netloc, "Key": parsed.path.lstrip("/")}
    version = parse_qs(parsed.query).get("versionId")
    if version:
        out["Version"] = version[0]
    return out


def s3_location(uri: Json, logical_id: str, prop: str, path: tuple[Any, ...],
                keys: tuple[str, str, str]) -> Json:
    """`keys` names the bucket, key and version properties of the target (e.g. S3Bucket, S3Key...)."""
    if isinstance(uri, dict) and "Fn::If" in uri and len(uri) == 1:
        branches = uri["Fn::If"]
        if isinstance(branches, list) and len(branches) == 3:
            return {"Fn::If": [branches[0],
                               s3_location(branches[1], logical_id, prop, path, keys),
                               s3_location(branches[2], logical_id, prop, path, keys)]}
    if isinstance(uri, dict) and uri == {"Ref": "AWS::NoValue"}:
        return plain(uri)
    if isinstance(uri, dict) and not is_intrinsic(uri):
        if not uri.get("Bucket") or not uri.get("Key"):
            raise fail(f"Resource with id [{logical_id}] is invalid. '{prop}' requires Bucket and "
                       "Key properties to be specified.", path)
        pointer: dict[str, Json] = uri
    else:
        parsed = parse_s3_uri(uri)
        if parsed is None:
            hint = (" Local paths must be uploaded first (stackengine package)."
                    if isinstance(uri, str) and not uri.startswith("s3://") else "")
            raise fail(f"Resource with id [{logical_id}] is invalid. '{prop}' is not a valid S3 Uri "
                       f"of the form 's3://bucket/key' with optional versionId query parameter.{hint}", path)
        pointer = parsed
    out = {keys[0]: plain(pointer["Bucket"]), keys[1]: plain(pointer["Key"])}
    if pointer.get("Version") is not None:
        out[keys[2]] = plain(pointer["Version"])
    return out


def s3_url(uri: Json, logical_id: str, prop: str, path: tuple[Any, ...]) -> Json:
    """An `https://s3.amazonaws.com/bucket/key` style URL for DefinitionUri / Location strings."""
    if isinstance(uri, dict) and not is_intrinsic(uri):
        loc = s3_location(uri, logical_id, prop, path, ("Bucket", "Key", "Version"))
        return loc
    return plain(uri)
