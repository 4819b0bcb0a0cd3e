"""EFS: a file system has at most one mount target per Availability Zone."""

from __future__ import annotations

from stackengine.providers.local.rules.base import RuleContext, on_write, service_error

_MOUNT_TARGET = "AWS::EFS::MountTarget"


def _zone_of(ctx: RuleContext, subnet_id: object) -> object:
    subnet = ctx.find("AWS::EC2::Subnet", str(subnet_id)) if isinstance(subnet_id, str) else None
    return subnet.attributes.get("AvailabilityZone") if subnet is not None else None


@on_write(_MOUNT_TARGET)
def one_mount_target_per_zone(ctx: RuleContext) -> None:
    zone = _zone_of(ctx, ctx.properties.get("SubnetId"))
    file_system = ctx.properties.get("FileSystemId")
    if zone is None or ctx.operation != "create":
        return
    for other in ctx.store.list_resources(ctx.account_id, ctx.region, _MOUNT_TARGET):
        if (other.properties.get("FileSystemId") == file_system
                and _zone_of(ctx, other.properties.get("SubnetId")) == zone):
            raise service_error(f"mount target already exists in this AZ ({zone})", "Efs", 409,
                                "MountTargetConflict", "AlreadyExists")
