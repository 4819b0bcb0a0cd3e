"""Parameter values that name things in the emulated account: the check CloudFormation makes of
AWS-specific parameter types, and the values `--fill-parameters` makes up.

A parameter typed `AWS::EC2::Subnet::Id` (or a list of them) must name a subnet that exists, and so
must a plain `CommaDelimitedList` called `Subnets`: CloudFormation does not check the latter, but
the resources it feeds do. So the account's default network answers both: typed parameters by their
type, untyped ones by a name that says what they hold. List members are distinct (one subnet per AZ),
because resources such as EFS mount targets and load balancers refuse two subnets in one zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from stackengine.template.parameters import PARAMETER_TYPES, compile_java_regex

Json = Any

# Pools of the account: "vpc", "subnet", "security-group", "route-table", "availability-zone",
# "key-pair".
Pools = Mapping[str, list[str]]

TYPED_POOLS: dict[str, str] = {
    "AWS::EC2::VPC::Id": "vpc",
    "AWS::EC2::Subnet::Id": "subnet",
    "AWS::EC2::SecurityGroup::Id": "security-group",
    "AWS::EC2::AvailabilityZone::Name": "availability-zone",
    "AWS::EC2::KeyPair::KeyName": "key-pair",
}

# AWS-specific parameter types whose values CloudFormation looks up in the account before it
# makes a change set, and the resource type that holds them (by physical ID). Image IDs are not
# checked: the emulated account holds no AMIs, and AWS's public ones are stand-ins here.
EXISTING: dict[str, str] = {
    "AWS::EC2::VPC::Id": "AWS::EC2::VPC",
    "AWS::EC2::Subnet::Id": "AWS::EC2::Subnet",
    "AWS::EC2::SecurityGroup::Id": "AWS::EC2::SecurityGroup",
    "AWS::EC2::KeyPair::KeyName": "AWS::EC2::KeyPair",
    "AWS::EC2::Instance::Id": "AWS::EC2::Instance",
    "AWS::EC2::Volume::Id": "AWS::EC2::Volume",
    "AWS::Route53::HostedZone::Id": "AWS::Route53::HostedZone",
}
AVAILABILITY_ZONE = "AWS::EC2::AvailabilityZone::Name"


def missing_values(type_name: str, value: Json, exists: Callable[[str, str], bool],
                   zones: Sequence[str]) -> list[str]:
    """The members of a parameter's value that name nothing in the account, for the types
    CloudFormation checks (`List<...>` too); `exists(resource_type, physical_id)`."""
    ptype = PARAMETER_TYPES.get(type_name)
    if ptype is None or ptype.ssm:
        return []
    element = ptype.element
    members = value if isinstance(value, list) else [value]
    if element == AVAILABILITY_ZONE:
        return [str(m) for m in members if str(m) not in zones]
    resource_type = EXISTING.get(element)
    if resource_type is None:
        return []
    return [str(m) for m in members if str(m) and not exists(resource_type, str(m))]


# Untyped parameters whose name says what they hold: (pattern for a `String`, pattern for a
# `CommaDelimitedList`, pool). Whole-name, case-sensitive CamelCase matches, so that
# `NeptuneDBSubnetGroupName`, `VpcCidr` and `NumberOfSecurityGroups` are not taken for IDs.
NAMED_POOLS: tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...] = tuple(
    (re.compile(single), re.compile(many), pool) for single, many, pool in (
        (r"(.*Subnet|subnet)(Id|ID)?\d*", r"(.*Subnet|subnet)(s|Ids|IDs|IdList|List)\d*", "subnet"),
        (r"(.*(Vpc|VPC)|vpc)(Id|ID)?", r"(.*(Vpc|VPC)|vpc)(s|Ids|IDs)", "vpc"),
        (r"(.*(SecurityGroup|SG)|sg)(Id|ID)?\d*", r"(.*(SecurityGroup|SG)|sg)(s|Ids|IDs)", "security-group"),
        (r".*RouteTable(Id|ID)?\d*", r".*RouteTable(s|Ids|IDs)", "route-table"),
    ))

TYPED_LIST_SIZE = 2  # typed lists: two members (templates mostly want "at least two AZs")
NAMED_LIST_SIZE = 4  # like `fill_value`'s untyped lists: templates Fn::Select the first few


@dataclass(frozen=True)
class _Shape:
    """How a parameter is filled from a pool: the list sizes to try in order (1: a single ID),
    and whether AllowedPattern applies to the whole comma-joined value (a String) or to each
    member (a list type)."""

    pool: str
    sizes: tuple[int, ...]
    whole: bool


def _shape_for(spec: Mapping[str, Json], name: str) -> _Shape | None:
    """How to fill one parameter from the account, or None when it names nothing we hold."""
    type_ = str(spec.get("Type", ""))
    many = type_.startswith("List<")
    pool = TYPED_POOLS.get(type_[5:-1] if many else type_)
    if pool is not None:
        return _Shape(pool, (TYPED_LIST_SIZE,) if many else (1,), whole=False)
    if "AllowedValues" in spec:
        return None
    for single, plural, named in NAMED_POOLS:
        if type_ == "String" and single.fullmatch(name):
            return _Shape(named, (1,), whole=True)
        if type_ == "CommaDelimitedList" and plural.fullmatch(name):
            return _Shape(named, (NAMED_LIST_SIZE,), whole=False)
        # A String with a plural name holds a comma-separated list only when its pattern says
        # what it holds (`^(rtb-...)(,rtb-...)*$`); without one it may be a count.
        if type_ == "String" and plural.fullmatch(name) and "AllowedPattern" in spec:
            return _Shape(named, (NAMED_LIST_SIZE, 1), whole=True)
    return None


def _fits_pattern(value: str, spec: Mapping[str, Json]) -> bool:
    pattern = spec.get("AllowedPattern")
    if not isinstance(pattern, str):
        return True
    try:
        return compile_java_regex(pattern).fullmatch(value) is not None
    except re.error:
        return False


def wants_pool(declared: Json, pool: str) -> bool:
    """Whether filling the declared parameters would take a member of `pool`."""
    if not isinstance(declared, Mapping):
        return False
    return any(isinstance(spec, Mapping) and "Default" not in spec
               and getattr(_shape_for(spec, str(name)), "pool", None) == pool
               for name, spec in declared.items())


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
        shape = _shape_for(spec, str(name))
        members = pools.get(shape.pool, []) if shape else []
        if shape is None or not members:
            continue
        for size in shape.sizes:
            value = ",".join(members[(turn + i) % len(members)] for i in range(min(size, len(members))))
            parts = [value] if shape.whole else value.split(",")
            if all(_fits_pattern(part, spec) for part in parts):
                values[str(name)] = value
                turn += 1
                break
    return values
