"""EC2: security-group rules (protocols, ports, CIDRs), VPC and subnet CIDRs, attachments in the
same Availability Zone; and derived values (an instance's AZ and VPC come from its subnet)."""

from __future__ import annotations

import ipaddress
from typing import Any

from stackengine.providers.local.rules.base import (RuleContext, as_list, derive, on_write,
                                                    service_error)

_PROTOCOL_NAMES = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58, "-1": -1, "all": -1}
_SOURCES = ("CidrIp", "CidrIpv6", "SourceSecurityGroupId", "SourceSecurityGroupName",
            "SourcePrefixListId", "DestinationSecurityGroupId", "DestinationPrefixListId")


def _ec2_error(message: str, code: str = "InvalidParameterValue") -> Exception:
    return service_error(message, "Ec2", 400, code)


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def check_rule(rule: dict[str, Any]) -> None:
    """One ingress or egress rule, as EC2 validates it."""
    protocol = str(rule.get("IpProtocol", "")).lower()
    number = _PROTOCOL_NAMES.get(protocol, _int(protocol))
    if number is None or not -1 <= number <= 255:
        raise _ec2_error(f"Invalid value '{protocol}' for IP protocol. Unknown protocol.",
                         "InvalidParameterValue")
    if number in (6, 17):
        low, high = _int(rule.get("FromPort")), _int(rule.get("ToPort"))
        if low is None or high is None:
            raise _ec2_error("Invalid value for portRange. Must specify both from and to ports with "
                             "TCP/UDP.", "InvalidParameterValue")
        if not (0 <= low <= 65535 and 0 <= high <= 65535):
            raise _ec2_error(f"Invalid value for portRange ({low}-{high}). Ports must be between "
                             "0 and 65535.", "InvalidParameterValue")
        if low > high:
            raise _ec2_error(f"Invalid value for portRange. The from port ({low}) cannot be greater "
                             f"than the to port ({high}).", "InvalidParameterValue")
    for key, version in (("CidrIp", 4), ("CidrIpv6", 6)):
        cidr = rule.get(key)
        if cidr is not None and not valid_cidr(str(cidr), version, strict=False):
            raise _ec2_error(f"Value ({cidr}) for parameter {key[0].lower() + key[1:]} is invalid. "
                             "This is not a valid CIDR block.", "InvalidParameterValue")
    given = [s for s in _SOURCES if rule.get(s) is not None]
    if len(given) > 1 and not (set(given) <= {"SourceSecurityGroupId", "SourceSecurityGroupName"}):
        raise _ec2_error("Only one of " + ", ".join(given) + " may be specified in one rule.",
                         "InvalidParameterCombination")


def valid_cidr(text: str, version: int = 4, *, strict: bool = True) -> bool:
    """A CIDR block of the IP version. `strict=False` accepts host bits set ("192.168.1.0/0"),
    which EC2 accepts (and normalises) in security-group rules."""
    try:
        network = ipaddress.ip_network(text, strict=strict)
    except ValueError:
        return False
    return network.version == version and "/" in text


@on_write("AWS::EC2::SecurityGroup")
def group_rules(ctx: RuleContext) -> None:
    for key in ("SecurityGroupIngress", "SecurityGroupEgress"):
        for rule in as_list(ctx.properties.get(key)):
            if isinstance(rule, dict):
                check_rule(rule)


@on_write("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress")
def standalone_rule(ctx: RuleContext) -> None:
    check_rule(dict(ctx.properties))


@on_write("AWS::EC2::VPC")
def vpc_cidr(ctx: RuleContext) -> None:
    cidr = ctx.properties.get("CidrBlock")
    if cidr is None:
        return
    if not valid_cidr(str(cidr)):
        raise _ec2_error(f"Value ({cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR "
                         "block.")
    prefix = ipaddress.ip_network(str(cidr)).prefixlen
    if not 16 <= prefix <= 28:
        raise _ec2_error(f"The CIDR '{cidr}' is invalid.", "InvalidVpc.Range")


@on_write("AWS::EC2::Subnet")
def subnet_cidr(ctx: RuleContext) -> None:
    cidr, vpc_id = ctx.properties.get("CidrBlock"), ctx.properties.get("VpcId")
    if cidr is None:
        return
    if not valid_cidr(str(cidr)):
        raise _ec2_error(f"Value ({cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR "
                         "block.")
    vpc = ctx.find("AWS::EC2::VPC", str(vpc_id)) if vpc_id else None
    vpc_cidr = vpc.properties.get("CidrBlock") if vpc else None
    if vpc_cidr and valid_cidr(str(vpc_cidr)) and \
            not ipaddress.IPv4Network(str(cidr)).subnet_of(ipaddress.IPv4Network(str(vpc_cidr))):
        raise _ec2_error(f"The CIDR '{cidr}' is invalid.", "InvalidSubnet.Range")
    az = ctx.properties.get("AvailabilityZone")
    if isinstance(az, str) and not az.startswith(ctx.region):
        raise _ec2_error(f"Value ({az}) for parameter availabilityZone is invalid. Subnets can "
                         f"currently only be created in the following availability zones: "
                         f"{ctx.region}a, {ctx.region}b, {ctx.region}c.")


def instance_az(ctx: RuleContext, instance_id: str) -> str | None:
    instance = ctx.find("AWS::EC2::Instance", instance_id)
    return str(instance.attributes.get("AvailabilityZone")) if instance else None


@on_write("AWS::EC2::VolumeAttachment")
def same_zone(ctx: RuleContext) -> None:
    volume_id, instance_id = ctx.properties.get("VolumeId"), ctx.properties.get("InstanceId")
    volume = ctx.find("AWS::EC2::Volume", str(volume_id))
    zone = instance_az(ctx, str(instance_id))
    if volume is None or zone is None:
        return  # missing IDs are reported by the reference rules
    volume_zone = volume.properties.get("AvailabilityZone")
    if volume_zone != zone:
        raise _ec2_error(f"The volume '{volume_id}' is not in the same availability zone as instance "
                         f"'{instance_id}'", "InvalidVolume.ZoneMismatch")


@on_write("AWS::EC2::Volume")
def volume_zone(ctx: RuleContext) -> None:
    az = ctx.properties.get("AvailabilityZone")
    if isinstance(az, str) and not az.startswith(ctx.region):
        raise _ec2_error(f"Invalid availability zone: [{az}]", "InvalidParameterValue")


def default_vpc(ctx: RuleContext) -> Any:
    found = [r for r in ctx.store.list_resources(ctx.account_id, ctx.region, "AWS::EC2::VPC")
             if r.logical_id == "DefaultVpc" and r.stack_id == ""]
    return found[0] if found else None


def default_subnet(ctx: RuleContext) -> Any:
    found = [r for r in ctx.store.list_resources(ctx.account_id, ctx.region, "AWS::EC2::Subnet")
             if r.stack_id == "" and r.logical_id == "DefaultSubnetA"]
    return found[0] if found else None


@derive("AWS::EC2::Instance")
def instance_placement(ctx: RuleContext) -> dict[str, Any]:
    subnet_id = ctx.properties.get("SubnetId")
    subnet = ctx.find("AWS::EC2::Subnet", str(subnet_id)) if subnet_id else default_subnet(ctx)
    if subnet is None:
        return {"SubnetAZ": f"{ctx.region}a", "VpcIdOfSubnet": "", "DefaultSubnet": ""}
    return {"SubnetAZ": subnet.attributes.get("AvailabilityZone", f"{ctx.region}a"),
            "VpcIdOfSubnet": subnet.attributes.get("VpcId", ""),
            "DefaultSubnet": subnet.physical_id}


@derive("AWS::EC2::SecurityGroup")
def group_vpc(ctx: RuleContext) -> dict[str, Any]:
    vpc = default_vpc(ctx)
    return {"DefaultVpc": vpc.physical_id if vpc else ""}


@derive("AWS::ElasticLoadBalancingV2::Listener")
def listener_prefix(ctx: RuleContext) -> dict[str, Any]:
    lb = str(ctx.properties.get("LoadBalancerArn", ""))
    return {"ListenerPrefix": lb.replace(":loadbalancer/", ":listener/", 1)}


@derive("AWS::ECS::Service")
def service_cluster(ctx: RuleContext) -> dict[str, Any]:
    cluster = str(ctx.properties.get("Cluster") or "default")
    return {"ClusterShort": cluster.rsplit("/", 1)[-1]}


@derive("AWS::ECS::TaskDefinition")
def task_revision(ctx: RuleContext) -> dict[str, Any]:
    family = ctx.properties.get("Family")
    if not family:
        return {"Revision": "1"}
    taken = sum(1 for r in ctx.store.list_resources(ctx.account_id, ctx.region, "AWS::ECS::TaskDefinition")
                if r.name == family or r.properties.get("Family") == family)
    return {"Revision": str(taken + 1)}
