"""Parameter values that name things in the emulated account (`--fill-parameters`).

A parameter typed `AWS::EC2::Subnet::Id` (or a list of them) must name a subnet that exists, and so
must a plain `CommaDelimitedList` called `Subnets`: CloudFormation does not check the latter, but
the resources it feeds do. So the account's default network answers both: typed parameters by their
type, untyped ones by a name that says what they hold. List members are distinct (one subnet per AZ),
because resources such as EFS mount targets and load balancers refuse two subnets in one zone.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from stackengine.template.parameters import compile_java_regex

Json = Any

# Pools of the account: "vpc", "subnet", "security-group", "availability-zone".
Pools = Mapping[str, list[str]]

TYPED_POOLS: dict[str, str] = {
    "AWS::EC2::VPC::Id": "vpc",
    "AWS::EC2::Subnet::Id": "subnet",
    "AWS::EC2::SecurityGroup::Id": "security-group",
    "AWS::EC2::AvailabilityZone::Name": "availability-zone",
}

# Untyped parameters whose name says what they hold: (pattern for a `String`, pattern for a
# `CommaDelimitedList`, pool). Whole-name, case-sensitive CamelCase matches, so that
# `NeptuneDBSubnetGroupName`, `VpcCidr` and `NumberOfSecurityGroups` are not taken for IDs.
NAMED_POOLS: tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...] = tuple(
    (re.compile(single), re.compile(many), pool) for single, many, pool in (
        (r"(.*Subnet|subnet)(Id|ID)?\d*", r"(.*Subnet|subnet)(s|Ids|IDs|IdList|List)\d*", "subnet"),
        (r"(.*(Vpc|VPC)|vpc)(Id|ID)?", r"(.*(Vpc|VPC)|vpc)(s|Ids|IDs)", "vpc"),
        (r"(.*(SecurityGroup|SG)|sg)(Id|ID)?\d*", r"(.*(SecurityGroup|SG)|sg)(s|Ids|IDs)", "security-group"),
    ))

TYPED_LIST_SIZE = 2  # typed lists: two members (templates mostly want "at least two AZs")
NAMED_LIST_SIZE = 4  # like `fill_value`'s untyped lists: templates Fn::Select the first few


def _pool_for(spec: Mapping[str, Json], name: str) -> tuple[str, bool, int] | None:
    """(pool, is a list, list size) for one parameter, or None when it names nothing we hold."""
    type_ = str(spec.get("Type", ""))
    many = type_.startswith("List<")
    pool = TYPED_POOLS.get(type_[5:-1] if many else type_)
    if pool is not None:
        return pool, many, TYPED_LIST_SIZE
    if "AllowedValues" in spec:
        return None
    for single, plural, named in NAMED_POOLS:
        if type_ == "String" and single.fullmatch(name):
            return named, False, 1
        if type_ == "CommaDelimitedList" and plural.fullmatch(name):
            return named, True, NAMED_LIST_SIZE
    return None


def _fits_pattern(value: str, spec: Mapping[str, Json]) -> bool:
    pattern = spec.get("AllowedPattern")
    if not isinstance(pattern, str):
        return True
    try:
        return compile_java_regex(pattern).fullmatch(value) is not None
    except re.error:
        return False


def account_parameter_values(declared: Json, pools: Pools) -> dict[str, str]:
    """Values from `pools` for the declared parameters without a Default that name account things.
    Successive parameters of one pool start at successive members, so `SubnetA` and `SubnetB` differ."""
    if not isinstance(declared, Mapping):
        return {}
    values: dict[str, str] = {}
    turn = 0
    for name, spec in declared.items():
        if not isinstance(spec, Mapping) or "Default" in spec:
            continue
        found = _pool_for(spec, str(name))
        members = pools.get(found[0], []) if found else []
        if found is None or not members:
            continue
        _, many, size = found
        if many:
            value = ",".join(members[(turn + i) % len(members)] for i in range(min(size, len(members))))
        else:
            value = members[turn % len(members)]
        if all(_fits_pattern(v, spec) for v in value.split(",")):
            values[str(name)] = value
            turn += 1
    return values
