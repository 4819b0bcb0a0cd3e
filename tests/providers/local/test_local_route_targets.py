"""Routes name targets that exist: a VPC peering connection ID that does not is refused, as EC2
refuses it (InvalidVpcPeeringConnectionID.NotFound), even when the route table exists."""

from __future__ import annotations

import pytest

from local_support import STACK
from stackengine.providers.base import ProviderError


def test_route_to_a_missing_peering_connection_is_refused(provider, token) -> None:
    table = provider.default_ids("123456789012", "us-east-1")["DefaultRouteTable"]
    with pytest.raises(ProviderError, match="InvalidVpcPeeringConnectionID.NotFound"):
        provider.create(STACK, "AWS::EC2::Route", "R", {
            "RouteTableId": table, "DestinationCidrBlock": "10.1.0.0/16",
            "VpcPeeringConnectionId": "pcx-00000000000000000"}, token())


def test_route_to_an_existing_peering_connection(provider, token) -> None:
    ids = provider.default_ids("123456789012", "us-east-1")
    peer = provider.create(STACK, "AWS::EC2::VPC", "Peer", {"CidrBlock": "10.1.0.0/16"}, token())
    pcx = provider.create(STACK, "AWS::EC2::VPCPeeringConnection", "Pcx", {
        "VpcId": ids["DefaultVpc"], "PeerVpcId": peer.physical_id}, token())
    provider.create(STACK, "AWS::EC2::Route", "R", {
        "RouteTableId": ids["DefaultRouteTable"], "DestinationCidrBlock": "10.1.0.0/16",
        "VpcPeeringConnectionId": pcx.physical_id}, token())
