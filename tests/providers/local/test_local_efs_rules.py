"""EFS mount targets: the subnet must exist, and a file system has one mount target per zone."""

from __future__ import annotations

import pytest

from local_support import STACK
from stackengine.providers.base import ProviderError


def test_one_mount_target_per_zone(provider, token) -> None:
    ids = provider.default_ids("123456789012", "us-east-1")
    fs = provider.create(STACK, "AWS::EFS::FileSystem", "Fs", {}, token()).physical_id
    provider.create(STACK, "AWS::EFS::MountTarget", "A",
                    {"FileSystemId": fs, "SecurityGroups": [], "SubnetId": ids["DefaultSubnetA"]}, token())
    provider.create(STACK, "AWS::EFS::MountTarget", "B",
                    {"FileSystemId": fs, "SecurityGroups": [], "SubnetId": ids["DefaultSubnetB"]}, token())
    with pytest.raises(ProviderError, match="MountTargetConflict"):
        provider.create(STACK, "AWS::EFS::MountTarget", "A2",
                        {"FileSystemId": fs, "SecurityGroups": [], "SubnetId": ids["DefaultSubnetA"]}, token())
    # another file system may use the same zone
    other = provider.create(STACK, "AWS::EFS::FileSystem", "Fs2", {}, token()).physical_id
    provider.create(STACK, "AWS::EFS::MountTarget", "C",
                    {"FileSystemId": other, "SecurityGroups": [], "SubnetId": ids["DefaultSubnetA"]}, token())


def test_mount_target_subnet_must_exist(provider, token) -> None:
    fs = provider.create(STACK, "AWS::EFS::FileSystem", "Fs", {}, token()).physical_id
    with pytest.raises(ProviderError, match="InvalidSubnetID.NotFound"):
        provider.create(STACK, "AWS::EFS::MountTarget", "A",
                        {"FileSystemId": fs, "SecurityGroups": [], "SubnetId": "subnet-0123456789abcdef0"}, token())
