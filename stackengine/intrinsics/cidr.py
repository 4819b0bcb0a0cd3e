"""`Fn::Cidr`: split an IPv4 or IPv6 address block into `count` consecutive subnets.

`cidr_bits` is the number of host bits of each subnet (CloudFormation calls them "subnet bits"):
the subnets get the prefix length `/(32 - cidr_bits)` for IPv4 and `/(128 - cidr_bits)` for IPv6,
so `!Cidr ["192.168.0.0/24", 6, 5]` gives six `/27` blocks starting at the block's first address.
"""

from __future__ import annotations

import ipaddress

MIN_COUNT = 1
MAX_COUNT = 256  # the documented valid range of `count`


def _parse_block(ip_block: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    if not isinstance(ip_block, str) or "/" not in ip_block:
        raise ValueError(f"the ipBlock {ip_block!r} is not a CIDR block such as '10.0.0.0/16' or "
                         "'2001:db8::/56'")
    try:
        # Host bits set in the block (10.0.0.5/24) are ignored, as the network address is meant.
        return ipaddress.ip_network(ip_block.strip(), strict=False)
    except ValueError:
        raise ValueError(f"the ipBlock {ip_block!r} is not a valid IPv4 or IPv6 CIDR block") from None


def _as_int(value: object, name: str) -> int:
    # Templates often write the numbers as strings ("6", "5"); CloudFormation accepts both.
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, not {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value.strip())
    raise ValueError(f"{name} must be an integer, not {value!r}")


def cidr(ip_block: str, count: int | str, cidr_bits: int | str) -> list[str]:
    """The first `count` subnets with `cidr_bits` host bits inside `ip_block`, in address order."""
    network = _parse_block(ip_block)
    count = _as_int(count, "count")
    cidr_bits = _as_int(cidr_bits, "cidrBits")
    if not MIN_COUNT <= count <= MAX_COUNT:
        raise ValueError(f"count must be between {MIN_COUNT} and {MAX_COUNT}, not {count}")
    width = network.max_prefixlen
    if not 1 <= cidr_bits <= width:
        raise ValueError(f"cidrBits must be between 1 and {width} for an IPv{network.version} block, "
                         f"not {cidr_bits}")
    prefix = width - cidr_bits
    if prefix < network.prefixlen:
        raise ValueError(f"cidrBits {cidr_bits} asks for /{prefix} subnets, which are larger than the "
                         f"block {network} itself")
    available = 1 << (prefix - network.prefixlen)
    if count > available:
        raise ValueError(f"the block {network} holds only {available} /{prefix} subnet"
                         f"{'s' if available != 1 else ''}, not the {count} asked for")
    step = 1 << cidr_bits
    base = int(network.network_address)
    kind = type(network)  # keeps ::/96 an IPv6 block although its addresses fit in 32 bits
    return [str(kind((base + i * step, prefix))) for i in range(count)]
