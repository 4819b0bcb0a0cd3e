"""Service APIs beside Cloud Control (snapshots before deletes, SSM parameter values) against
moto's server; DeletionPolicy: Snapshot through the emulator, which records the snapshot."""

from __future__ import annotations

import boto3
import pytest

from stackengine.providers.aws import snapshots
from stackengine.providers.base import ProviderError, StackRef

STACK = StackRef("shop", "arn:aws:cloudformation:us-east-1:123456789012:stack/shop/1")


@pytest.fixture
def moto(moto_url):
    def client(service):
        return boto3.client(service, endpoint_url=moto_url, region_name="us-east-1")
    return client


def test_snapshot_names_are_valid_and_stable():
    name = snapshots.snapshot_name(STACK, "Database_1", "tok")
    assert name == snapshots.snapshot_name(STACK, "Database_1", "tok")
    assert name != snapshots.snapshot_name(STACK, "Database_1", "other")
    assert name.startswith("shop-database-1-snapshot-") and len(name) <= 63
    long = snapshots.snapshot_name(StackRef("9" * 80, "id"), "X", "t")
    assert long[0].isalpha() and len(long) <= 63 and "--" not in long


def test_rds_instance_snapshot_once(moto):
    moto("rds").create_db_instance(DBInstanceIdentifier="orders-db", DBInstanceClass="db.t3.micro",
                                   Engine="postgres", MasterUsername="admin",
                                   MasterUserPassword="password123", AllocatedStorage=20)
    for _ in range(2):  # a repeat (after a crash) finds the first snapshot
        assert snapshots.take_snapshot(moto, "AWS::RDS::DBInstance", "orders-db", "snap-a",
                                       delay_s=0.01) == "snap-a"
    found = moto("rds").describe_db_snapshots(DBInstanceIdentifier="orders-db",
                                              SnapshotType="manual")["DBSnapshots"]
    assert [s["DBSnapshotIdentifier"] for s in found] == ["snap-a"]


def test_ebs_volume_snapshot_once(moto):
    volume = moto("ec2").create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    first = snapshots.take_snapshot(moto, "AWS::EC2::Volume", volume, "vol-snap", delay_s=0.01)
    again = snapshots.take_snapshot(moto, "AWS::EC2::Volume", volume, "vol-snap", delay_s=0.01)
    assert first == again and first.startswith("snap-")


def test_snapshot_failure_is_a_provider_error(moto):
    with pytest.raises(ProviderError) as info:
        snapshots.take_snapshot(moto, "AWS::RDS::DBInstance", "no-such-db", "snap-x",
                                delay_s=0.01, max_attempts=2)
    assert "before deletion failed" in info.value.message


def test_delete_with_snapshot_through_the_emulator(serve, provider_for, stack):
    server = serve()
    provider = provider_for(server)
    assert provider.supports_snapshot("AWS::EC2::Volume")
    assert not provider.supports_snapshot("AWS::SQS::Queue")
    created = provider.create(stack, "AWS::EC2::Volume", "Data",
                              {"AvailabilityZone": "us-east-1a", "Size": 8}, "v1")
    provider.delete(stack, "AWS::EC2::Volume", "Data", created.physical_id, "v2", snapshot=True)
    assert provider.read("AWS::EC2::Volume", created.physical_id) is None
    (snap,) = server.provider.store.list_snapshots()
    assert snap.physical_id == created.physical_id


def test_delete_with_snapshot_against_aws_apis(serve, provider_for, stack, moto):
    # Cloud Control from the emulator, the snapshot from RDS (moto), as against AWS.
    from dataclasses import replace

    server = serve()
    provider = provider_for(server)
    provider._send_context = False
    cloud_control = provider.clients.client
    provider.clients.client = lambda service: (cloud_control(service) if service == "cloudcontrol"
                                               else moto(service))
    provider.options = replace(provider.options, snapshot_delay_s=0.01)
    props = {"DBInstanceIdentifier": "billing-db", "DBInstanceClass": "db.t3.micro",
             "Engine": "postgres", "MasterUsername": "admin", "MasterUserPassword": "password123",
             "AllocatedStorage": "20"}
    created = provider.create(stack, "AWS::RDS::DBInstance", "Db", props, "d1")
    moto("rds").create_db_instance(DBInstanceIdentifier=created.physical_id,
                                   DBInstanceClass="db.t3.micro", Engine="postgres",
                                   MasterUsername="admin", MasterUserPassword="password123",
                                   AllocatedStorage=20)
    provider.delete(stack, "AWS::RDS::DBInstance", "Db", created.physical_id, "d2", snapshot=True)
    found = moto("rds").describe_db_snapshots(DBInstanceIdentifier=created.physical_id,
                                              SnapshotType="manual")
    assert [s["DBSnapshotIdentifier"] for s in found["DBSnapshots"]] == [
        snapshots.snapshot_name(stack, "Db", "d2")]
    assert provider.read("AWS::RDS::DBInstance", created.physical_id) is None


def test_engine_deletes_with_snapshot_policy(serve, tmp_path):
    from stackengine.engine import Engine, EngineConfig, StackRequest
    from stackengine.providers.aws.cloudcontrol import CloudControlProvider

    server = serve()
    path = tmp_path / "t.yaml"
    path.write_text("Resources:\n  Data:\n    Type: AWS::EC2::Volume\n    DeletionPolicy: Snapshot\n"
                    "    Properties: {AvailabilityZone: us-east-1a, Size: 8}\n")
    state = str(tmp_path / "engine.db")
    engine = Engine(EngineConfig(state_path=state), provider=CloudControlProvider(
        state, endpoint_url=server.url, region="us-east-1"))
    assert engine.deploy(StackRequest(str(path), "vol")).record.status.value == "CREATE_COMPLETE"
    assert engine.delete_stack("vol").status.value == "DELETE_COMPLETE"
    assert [s.type_name for s in server.provider.store.list_snapshots()] == ["AWS::EC2::Volume"]


def test_ssm_lookup_uses_the_ssm_api_against_aws(moto):
    from stackengine.providers.aws.cloudcontrol import CloudControlProvider

    moto("ssm").put_parameter(Name="/team/ami", Value="ami-42", Type="String")
    provider = CloudControlProvider(None, region="us-east-1")
    provider.clients.client = moto  # what the account's SSM answers
    lookup = provider.ssm_lookup("123456789012", "us-east-1")
    assert lookup("/team/ami") == "ami-42"
    assert lookup("/team/none") is None
