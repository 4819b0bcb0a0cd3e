"""DeletionPolicy / UpdateReplacePolicy `Snapshot` for the Cloud Control path.

Cloud Control deletes without a snapshot; CloudFormation takes the snapshot itself before calling
the delete handler. So does this provider, with the owning service's API, for the types below
(registered by type name; a type not listed is refused at plan time by the engine, as
CloudFormation refuses Snapshot on types that cannot snapshot). The snapshot's name is derived
from the delete's token, so a delete repeated after a crash finds the snapshot it already
started instead of making a second one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Callable

from stackengine.providers.base import ProviderError, StackRef

ClientGetter = Callable[[str], Any]


@dataclass(frozen=True)
class SnapshotSpec:
    service: str
    operation: str          # boto3 method that starts the snapshot
    source_param: str       # the resource's identifier parameter
    name_param: str         # the snapshot's name parameter
    waiter: str             # boto3 waiter until the snapshot is usable
    waiter_param: str       # the waiter's snapshot name parameter (a list when it ends in "s")
    exists_code: str        # error code of "a snapshot with this name exists" (a repeated call)


SNAPSHOTS: dict[str, SnapshotSpec] = {
    "AWS::RDS::DBInstance": SnapshotSpec(
        "rds", "create_db_snapshot", "DBInstanceIdentifier", "DBSnapshotIdentifier",
        "db_snapshot_available", "DBSnapshotIdentifier", "DBSnapshotAlreadyExists"),
    "AWS::RDS::DBCluster": SnapshotSpec(
        "rds", "create_db_cluster_snapshot", "DBClusterIdentifier", "DBClusterSnapshotIdentifier",
        "db_cluster_snapshot_available", "DBClusterSnapshotIdentifier",
        "DBClusterSnapshotAlreadyExistsFault"),
    "AWS::Redshift::Cluster": SnapshotSpec(
        "redshift", "create_cluster_snapshot", "ClusterIdentifier", "SnapshotIdentifier",
        "snapshot_available", "SnapshotIdentifier", "ClusterSnapshotAlreadyExists"),
}
# EBS snapshots have no name: found again by a tag instead (see _ebs_snapshot).
EBS_VOLUME = "AWS::EC2::Volume"
SNAPSHOT_TAG = "stackengine:snapshot-name"


def supports(type_name: str) -> bool:
    return type_name in SNAPSHOTS or type_name == EBS_VOLUME


def snapshot_name(stack: StackRef, logical_id: str, token: str) -> str:
    """`<stack>-<logical id>-snapshot-<hash>`: lower-case letters, digits and single hyphens,
    starting with a letter, at most 63 characters (the strictest of the services' rules)."""
    digest = hashlib.sha256(token.encode()).hexdigest()[:10]
    base = re.sub(r"[^a-z0-9]+", "-", f"{stack.stack_name}-{logical_id}".lower()).strip("-")
    base = base[:63 - len(digest) - len("-snapshot-")].strip("-") or "resource"
    if not base[0].isalpha():
        base = "s" + base[:-1] if len(base) > 1 else "s"
    return f"{base}-snapshot-{digest}"


def take_snapshot(client: ClientGetter, type_name: str, physical_id: str, name: str, *,
                  delay_s: float = 15.0, max_attempts: int = 240) -> str:
    """Start the snapshot of `physical_id` (or find the one a previous attempt started) and
    wait until it is available. Returns the snapshot's ID. Raises ProviderError."""
    from botocore.exceptions import (  # type: ignore[import-untyped, unused-ignore]
        BotoCoreError, ClientError, WaiterError)

    waiter_config = {"Delay": delay_s, "MaxAttempts": max_attempts}
    try:
        if type_name == EBS_VOLUME:
            return _ebs_snapshot(client("ec2"), physical_id, name, waiter_config)
        spec = SNAPSHOTS[type_name]
        service = client(spec.service)
        try:
            getattr(service, spec.operation)(**{spec.source_param: physical_id,
                                                spec.name_param: name})
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != spec.exists_code:
                raise
        service.get_waiter(spec.waiter).wait(**{spec.waiter_param: name},
                                             WaiterConfig=waiter_config)
        return name
    except (ClientError, BotoCoreError, WaiterError) as exc:
        message = exc.response.get("Error", {}).get("Message") if isinstance(exc, ClientError) \
            else str(exc)
        raise ProviderError(f"Snapshot of {physical_id} before deletion failed: {message}",
                            "GeneralServiceException") from None


def _ebs_snapshot(ec2: Any, volume_id: str, name: str, waiter_config: dict[str, Any]) -> str:
    found = ec2.describe_snapshots(OwnerIds=["self"], Filters=[
        {"Name": f"tag:{SNAPSHOT_TAG}", "Values": [name]}]).get("Snapshots", [])
    if found:
        snapshot_id = str(found[0]["SnapshotId"])
    else:
        snapshot_id = str(ec2.create_snapshot(
            VolumeId=volume_id, Description=f"Snapshot of {volume_id} before deletion",
            TagSpecifications=[{"ResourceType": "snapshot", "Tags": [
                {"Key": SNAPSHOT_TAG, "Value": name}, {"Key": "Name", "Value": name}]}],
        )["SnapshotId"])
    ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[snapshot_id],
                                              WaiterConfig=waiter_config)
    return snapshot_id
