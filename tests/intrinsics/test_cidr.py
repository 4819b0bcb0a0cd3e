from __future__ import annotations

import ipaddress

import pytest

from stackengine.intrinsics.cidr import cidr


def test_documented_ipv4_example_six_27s_from_a_24() -> None:
    # !Cidr ["192.168.0.0/24", 6, 5] from the Fn::Cidr documentation
    assert cidr("192.168.0.0/24", 6, 5) == [
        "192.168.0.0/27",
        "192.168.0.32/27",
        "192.168.0.64/27",
        "192.168.0.96/27",
        "192.168.0.128/27",
        "192.168.0.160/27",
    ]


def test_documented_json_form_with_string_numbers() -> None:
    # { "Fn::Cidr" : [ "192.168.0.0/24", "6", "5"] }
    assert cidr("192.168.0.0/24", "6", "5") == cidr("192.168.0.0/24", 6, 5)


def test_documented_ipv6_example_64s_from_a_vpc_56() -> None:
    # Ipv6CidrBlock: !Select [0, !Cidr [!Select [0, !GetAtt VPC.Ipv6CidrBlocks], 6, 64]]
    blocks = cidr("2600:1f16:abc:de00::/56", 6, 64)
    assert blocks == [
        "2600:1f16:abc:de00::/64",
        "2600:1f16:abc:de01::/64",
        "2600:1f16:abc:de02::/64",
        "2600:1f16:abc:de03::/64",
        "2600:1f16:abc:de04::/64",
        "2600:1f16:abc:de05::/64",
    ]


def test_documented_vpc_example_one_24_from_a_16() -> None:
    # CidrBlock: !Select [0, !Cidr [!GetAtt ExampleVpc.CidrBlock, 1, 8]]
    assert cidr("10.0.0.0/16", 1, 8) == ["10.0.0.0/24"]


def test_cidr_bits_is_the_host_bits_of_each_subnet() -> None:
    assert cidr("10.0.0.0/16", 3, 8) == ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]
    assert cidr("10.0.0.0/8", 2, 16) == ["10.0.0.0/16", "10.1.0.0/16"]


def test_subnets_are_consecutive_and_inside_the_block() -> None:
    block = ipaddress.ip_network("172.16.0.0/12")
    subnets = [ipaddress.ip_network(s) for s in cidr("172.16.0.0/12", 256, 12)]
    assert len(subnets) == 256
    assert all(s.subnet_of(block) and s.prefixlen == 20 for s in subnets)
    assert all(int(b.network_address) - int(a.network_address) == 4096
               for a, b in zip(subnets, subnets[1:]))


def test_count_may_fill_the_block_exactly() -> None:
    assert cidr("10.0.0.0/24", 4, 6) == ["10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26", "10.0.0.192/26"]


def test_single_addresses_with_one_host_bit_less() -> None:
    assert cidr("10.0.0.0/30", 2, 1) == ["10.0.0.0/31", "10.0.0.2/31"]


def test_low_ipv6_block_stays_ipv6() -> None:
    assert cidr("::/96", 2, 8) == ["::/120", "::100/120"]


def test_host_bits_in_the_block_are_ignored() -> None:
    assert cidr("10.0.0.77/24", 2, 7) == ["10.0.0.0/25", "10.0.0.128/25"]


@pytest.mark.parametrize("count", [0, -1, 257])
def test_count_outside_1_to_256_is_refused(count: int) -> None:
    with pytest.raises(ValueError, match="count must be between 1 and 256"):
        cidr("10.0.0.0/16", count, 8)


def test_not_enough_addresses() -> None:
    with pytest.raises(ValueError, match=r"holds only 8 /27 subnets, not the 9 asked for"):
        cidr("192.168.0.0/24", 9, 5)


def test_subnets_larger_than_the_block() -> None:
    with pytest.raises(ValueError, match=r"/16 subnets, which are larger than the block 10\.0\.0\.0/24"):
        cidr("10.0.0.0/24", 1, 16)


@pytest.mark.parametrize("bits", [0, 33])
def test_ipv4_cidr_bits_range(bits: int) -> None:
    with pytest.raises(ValueError, match="cidrBits must be between 1 and 32 for an IPv4 block"):
        cidr("10.0.0.0/16", 1, bits)


def test_ipv6_cidr_bits_range() -> None:
    with pytest.raises(ValueError, match="cidrBits must be between 1 and 128 for an IPv6 block"):
        cidr("2001:db8::/56", 1, 129)


@pytest.mark.parametrize("block", ["10.0.0.0", "300.0.0.0/16", "10.0.0.0/33", "banana/8", "", "2001:db8::/129"])
def test_bad_blocks(block: str) -> None:
    with pytest.raises(ValueError, match="ipBlock"):
        cidr(block, 1, 8)


@pytest.mark.parametrize("count", ["six", 1.5, True, None])
def test_count_must_be_an_integer(count: object) -> None:
    with pytest.raises(ValueError, match="count must be an integer"):
        cidr("10.0.0.0/16", count, 8)  # type: ignore[arg-type]


def test_cidr_bits_must_be_an_integer() -> None:
    with pytest.raises(ValueError, match="cidrBits must be an integer"):
        cidr("10.0.0.0/16", 1, "eight")
