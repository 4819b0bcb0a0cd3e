from __future__ import annotations

import re

import pytest

from stackengine.regions import (
    availability_zones,
    is_known_region,
    known_regions,
    partition_for_region,
    url_suffix,
    url_suffix_for_region,
)


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("eu-west-1", "aws"),
        ("ap-southeast-5", "aws"),
        ("mx-central-1", "aws"),
        ("cn-north-1", "aws-cn"),
        ("cn-northwest-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-gov-east-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("eu-isoe-west-1", "aws-iso-e"),
        ("us-isof-south-1", "aws-iso-f"),
        ("eusc-de-east-1", "aws-eusc"),
        ("xx-future-9", "aws"),
    ],
)
def test_partition_for_region(region: str, partition: str) -> None:
    assert partition_for_region(region) == partition


@pytest.mark.parametrize(
    ("partition", "suffix"),
    [
        ("aws", "amazonaws.com"),
        ("aws-cn", "amazonaws.com.cn"),
        ("aws-us-gov", "amazonaws.com"),
        ("aws-iso", "c2s.ic.gov"),
        ("aws-iso-b", "sc2s.sgov.gov"),
    ],
)
def test_url_suffix(partition: str, suffix: str) -> None:
    assert url_suffix(partition) == suffix


def test_url_suffix_for_region() -> None:
    assert url_suffix_for_region("cn-north-1") == "amazonaws.com.cn"
    assert url_suffix_for_region("us-gov-west-1") == "amazonaws.com"
    assert url_suffix_for_region("eu-central-1") == "amazonaws.com"


def test_us_east_1_has_six_zones_a_to_f() -> None:
    assert availability_zones("us-east-1") == [f"us-east-1{c}" for c in "abcdef"]


@pytest.mark.parametrize(
    ("region", "zones"),
    [
        ("us-west-1", ["us-west-1a", "us-west-1c"]),
        ("us-west-2", ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"]),
        ("ap-northeast-1", ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]),
        ("ap-northeast-2", ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c", "ap-northeast-2d"]),
        ("ca-central-1", ["ca-central-1a", "ca-central-1b", "ca-central-1d"]),
        ("eu-west-1", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        ("cn-north-1", ["cn-north-1a", "cn-north-1b", "cn-north-1d"]),
        ("cn-northwest-1", ["cn-northwest-1a", "cn-northwest-1b", "cn-northwest-1c"]),
        ("us-gov-west-1", ["us-gov-west-1a", "us-gov-west-1b", "us-gov-west-1c"]),
        ("us-gov-east-1", ["us-gov-east-1a", "us-gov-east-1b", "us-gov-east-1c"]),
    ],
)
def test_zones_of_regions_that_differ_from_a_b_c(region: str, zones: list[str]) -> None:
    assert availability_zones(region) == zones


def test_every_known_region_has_at_least_two_zones_named_after_it() -> None:
    for region in known_regions():
        zones = availability_zones(region)
        assert len(zones) >= 2, region
        assert all(re.fullmatch(re.escape(region) + "[a-f]", z) for z in zones), zones
        assert zones == sorted(zones)


def test_unknown_region_gets_three_zones() -> None:
    assert availability_zones("xx-test-1") == ["xx-test-1a", "xx-test-1b", "xx-test-1c"]


def test_zone_list_is_a_copy() -> None:
    availability_zones("us-east-1").append("junk")
    assert "junk" not in availability_zones("us-east-1")


def test_known_regions_cover_commercial_china_and_govcloud() -> None:
    regions = known_regions()
    assert regions == sorted(regions)
    for region in ("us-east-1", "eu-west-1", "ap-south-2", "il-central-1", "cn-north-1", "us-gov-west-1"):
        assert region in regions
        assert is_known_region(region)
    assert not is_known_region("us-east-9")
    assert not is_known_region("")
