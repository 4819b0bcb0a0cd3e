"""Offline stand-ins for `Fn::GetAtt` of custom resources.

On AWS a custom resource's attributes are whatever its function puts in `Data`; offline the function
cannot run. Most attributes are opaque text and get `<physical id>-<attribute>`, but an attribute
whose name says what kind of value it holds (an Availability Zone, a region, an account ID, a port)
is often fed straight into a property that checks that kind, e.g. a subnet's `AvailabilityZone`.
Such attributes get a plausible value of their kind instead: the table below maps name patterns to
kinds, and each kind to a function of the resource's account, region and a seed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Callable

from stackengine.regions import availability_zones


@dataclass(frozen=True)
class StandInContext:
    """Where the custom resource lives, and a seed so the same resource gets the same value."""

    account_id: str
    region: str
    physical_id: str
    attribute: str

    def pick(self, choices: list[str]) -> str:
        digest = hashlib.sha256(f"{self.physical_id}\0{self.attribute}".encode()).digest()
        return choices[int.from_bytes(digest[:4], "big") % len(choices)]


def _opaque(ctx: StandInContext) -> str:
    return f"{ctx.physical_id}-{ctx.attribute}"


def _ipv4(ctx: StandInContext) -> str:
    digest = hashlib.sha256(f"{ctx.physical_id}\0{ctx.attribute}".encode()).digest()
    return f"10.0.{digest[0]}.{max(digest[1], 4)}"


# Value kinds, by name. Each makes a value valid wherever AWS expects that kind.
KINDS: dict[str, Callable[[StandInContext], str]] = {
    "availability-zone": lambda ctx: ctx.pick(availability_zones(ctx.region)),
    "region": lambda ctx: ctx.region,
    "account-id": lambda ctx: ctx.account_id,
    "port": lambda ctx: "443",
    "ipv4-address": _ipv4,
    "url": lambda ctx: f"https://{ctx.physical_id.lower()}.example.com/{ctx.attribute}",
    "opaque": _opaque,
}

# Attribute-name patterns, matched against the whole name, first match wins. Suffixes, because
# functions prefix the kind with what it is for ("PrimaryAvailabilityZone"); case-sensitive
# CamelCase words, so "Report" is not a port and "Ship" not an IP address.
ATTRIBUTE_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), kind) for pattern, kind in (
        (r"(.*AvailabilityZone|.*AZ|(.*_)?availability_?zone|az)(Name)?\d*", "availability-zone"),
        (r"(.*Region|region)(Name)?", "region"),
        (r"(.*Account|account)_?(Id|ID)", "account-id"),
        (r"(.*Port|port)", "port"),
        (r"(.*(IpAddress|Ip|IP|IPv4)|ip)", "ipv4-address"),
        (r"(.*(Url|URL|Uri|URI)|url)", "url"),
    ))


def attribute_kind(attribute: str) -> str:
    """The kind of value an attribute name denotes; "opaque" when the name says nothing."""
    return next((kind for pattern, kind in ATTRIBUTE_KINDS if pattern.fullmatch(attribute)), "opaque")


def custom_stand_in(account_id: str, region: str, physical_id: str, attribute: str) -> str:
    """A stable value for `Fn::GetAtt <custom resource>.<attribute>`, of the kind its name denotes."""
    return KINDS[attribute_kind(attribute)](StandInContext(account_id, region, physical_id, attribute))
