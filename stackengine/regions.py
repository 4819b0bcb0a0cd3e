"""Regions, partitions and Availability Zones as data, for the pseudo parameters and `Fn::GetAZs`.

No I/O: the tables below are what `AWS::Partition`, `AWS::URLSuffix` and `Fn::GetAZs` are computed
from, so rendering stays pure. Partition patterns and DNS suffixes follow the SDKs' partition data
(botocore `partitions.json`).
"""

from __future__ import annotations

import re

# Checked in order; the first pattern that matches names the partition. `aws` is the fallback so an
# unknown but well-formed commercial region (a region launched after this table) still works.
_PARTITION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("aws-cn", re.compile(r"^cn-\w+-\d+$")),
    ("aws-us-gov", re.compile(r"^us-gov-\w+-\d+$")),
    ("aws-iso", re.compile(r"^us-iso-\w+-\d+$")),
    ("aws-iso-b", re.compile(r"^us-isob-\w+-\d+$")),
    ("aws-iso-e", re.compile(r"^eu-isoe-\w+-\d+$")),
    ("aws-iso-f", re.compile(r"^us-isof-\w+-\d+$")),
    ("aws-eusc", re.compile(r"^eusc-(de)-\w+-\d+$")),
)

_URL_SUFFIXES: dict[str, str] = {
    "aws": "amazonaws.com",
    "aws-cn": "amazonaws.com.cn",
    "aws-us-gov": "amazonaws.com",
    "aws-iso": "c2s.ic.gov",
    "aws-iso-b": "sc2s.sgov.gov",
    "aws-iso-e": "cloud.adc-e.uk",
    "aws-iso-f": "csp.hci.ic.gov",
    "aws-eusc": "amazonaws.eu",
}


def _zones(region: str, letters: str) -> list[str]:
    return [region + letter for letter in letters]


# Zone names are mapped to physical zones per account, and a few regions have letters that new
# accounts do not get (ap-northeast-1b, ca-central-1c, cn-north-1c, us-west-1 has two zones); the
# letters here are the ones `describe-availability-zones` shows for a current account.
_AZ_LETTERS: dict[str, str] = {
    # aws
    "af-south-1": "abc",
    "ap-east-1": "abc",
    "ap-east-2": "abc",
    "ap-northeast-1": "acd",
    "ap-northeast-2": "abcd",
    "ap-northeast-3": "abc",
    "ap-south-1": "abc",
    "ap-south-2": "abc",
    "ap-southeast-1": "abc",
    "ap-southeast-2": "abc",
    "ap-southeast-3": "abc",
    "ap-southeast-4": "abc",
    "ap-southeast-5": "abc",
    "ap-southeast-6": "abc",
    "ap-southeast-7": "abc",
    "ca-central-1": "abd",
    "ca-west-1": "abc",
    "eu-central-1": "abc",
    "eu-central-2": "abc",
    "eu-north-1": "abc",
    "eu-south-1": "abc",
    "eu-south-2": "abc",
    "eu-west-1": "abc",
    "eu-west-2": "abc",
    "eu-west-3": "abc",
    "il-central-1": "abc",
    "me-central-1": "abc",
    "me-south-1": "abc",
    "mx-central-1": "abc",
    "sa-east-1": "abc",
    "us-east-1": "abcdef",
    "us-east-2": "abc",
    "us-west-1": "ac",
    "us-west-2": "abcd",
    # aws-cn
    "cn-north-1": "abd",
    "cn-northwest-1": "abc",
    # aws-us-gov
    "us-gov-east-1": "abc",
    "us-gov-west-1": "abc",
}

AVAILABILITY_ZONES: dict[str, list[str]] = {
    region: _zones(region, letters) for region, letters in _AZ_LETTERS.items()
}

DEFAULT_REGION = "us-east-1"


def partition_for_region(region: str) -> str:
    """`aws`, `aws-cn`, `aws-us-gov`, ... — the partition a region belongs to."""
    for partition, pattern in _PARTITION_PATTERNS:
        if pattern.match(region):
            return partition
    return "aws"


def url_suffix(partition: str) -> str:
    """The domain suffix of the partition's endpoints (`AWS::URLSuffix`)."""
    return _URL_SUFFIXES.get(partition, _URL_SUFFIXES["aws"])


def url_suffix_for_region(region: str) -> str:
    return url_suffix(partition_for_region(region))


def availability_zones(region: str) -> list[str]:
    """The Availability Zone names of `region` (what `Fn::GetAZs` returns).

    An unknown region gets three zones `a`, `b`, `c`, the smallest region AWS builds, so templates
    that `!Select` the first two or three zones still render.
    """
    known = AVAILABILITY_ZONES.get(region)
    if known is not None:
        return list(known)
    return _zones(region, "abc")


def known_regions() -> list[str]:
    return sorted(AVAILABILITY_ZONES)


def is_known_region(region: str) -> bool:
    return region in AVAILABILITY_ZONES
