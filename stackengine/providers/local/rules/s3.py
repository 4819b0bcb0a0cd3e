"""S3: bucket naming rules, and a bucket holding objects cannot be deleted."""

from __future__ import annotations

import ipaddress
import re

from stackengine.providers.local.rules.base import RuleContext, on_delete, on_write, service_error

_LABELS = re.compile(r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
# (test, message): AWS's reasons a bucket name is invalid, checked in order.
_NAME_RULES: list[tuple[str, object]] = [
    ("Bucket name should not contain uppercase characters", lambda n: n != n.lower()),
    ("Bucket name should not contain '_'", lambda n: "_" in n),
    ("Bucket name should be between 3 and 63 characters long", lambda n: not 3 <= len(n) <= 63),
    ("Bucket name should start and end with a letter or number and contain only lowercase "
     "letters, numbers, dots and hyphens", lambda n: not _LABELS.match(n)),
    ("Bucket name should not contain two adjacent periods", lambda n: ".." in n),
    ("Bucket name should not be formatted as an IP address", lambda n: _is_ip(n)),
    ("Bucket name should not start with 'xn--', 'sthree-' or 'amzn-s3-demo-'",
     lambda n: n.startswith(("xn--", "sthree-", "amzn-s3-demo-"))),
    ("Bucket name should not end with '-s3alias', '--ol-s3', '.mrap' or '--x-s3'",
     lambda n: n.endswith(("-s3alias", "--ol-s3", ".mrap", "--x-s3"))),
]


def _is_ip(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


def bucket_name_problem(name: str) -> str | None:
    for message, test in _NAME_RULES:
        if test(name):  # type: ignore[operator]
            return message
    return None


@on_write("AWS::S3::Bucket")
def bucket_name_valid(ctx: RuleContext) -> None:
    name = ctx.properties.get("BucketName")
    if isinstance(name, str):
        problem = bucket_name_problem(name)
        if problem:
            raise service_error(f"{problem}: {name}", "S3", 400, "InvalidBucketName")


@on_delete("AWS::S3::Bucket")
def bucket_empty(ctx: RuleContext) -> None:
    if ctx.physical_id and ctx.store.list_objects(ctx.physical_id):
        raise service_error("The bucket you tried to delete is not empty", "S3", 409,
                            "BucketNotEmpty", "GeneralServiceException")
