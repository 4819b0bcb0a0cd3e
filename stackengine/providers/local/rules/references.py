"""References to IDs that must exist in the account, as data: AWS fails them with NotFound codes.

type -> property -> (types the ID may name, message template, service, AWS error code).
A property holding a list has each element checked.
"""

from __future__ import annotations

from stackengine.providers.local.rules.base import RuleContext, as_list, on_write, service_error

_VPC = (("AWS::EC2::VPC",), "The vpc ID '{id}' does not exist", "EC2", "InvalidVpcID.NotFound")
_SUBNET = (("AWS::EC2::Subnet",), "The subnet ID '{id}' does not exist", "EC2", "InvalidSubnetID.NotFound")
_SG = (("AWS::EC2::SecurityGroup",), "The security group '{id}' does not exist", "EC2",
       "InvalidGroup.NotFound")
_RTB = (("AWS::EC2::RouteTable",), "The routeTable ID '{id}' does not exist", "EC2",
        "InvalidRouteTableID.NotFound")
_IGW = (("AWS::EC2::InternetGateway", "AWS::EC2::VPNGateway"),
        "The gateway ID '{id}' does not exist", "EC2", "InvalidGatewayID.NotFound")
_INSTANCE = (("AWS::EC2::Instance",), "The instance ID '{id}' does not exist", "EC2",
             "InvalidInstanceID.NotFound")
_VOLUME = (("AWS::EC2::Volume",), "The volume '{id}' does not exist.", "EC2", "InvalidVolume.NotFound")
_KEY_PAIR = (("AWS::EC2::KeyPair",), "The key pair '{id}' does not exist", "EC2",
             "InvalidKeyPair.NotFound")
_NAT = (("AWS::EC2::NatGateway",), "The natGateway ID '{id}' does not exist", "EC2",
        "InvalidNatGatewayID.NotFound")
_PCX = (("AWS::EC2::VPCPeeringConnection",), "The vpcPeeringConnection ID '{id}' does not exist", "EC2",
        "InvalidVpcPeeringConnectionID.NotFound")
_REST_API = (("AWS::ApiGateway::RestApi",), "Invalid API identifier specified {account}:{id}",
             "ApiGateway", "NotFoundException")
_HTTP_API = (("AWS::ApiGatewayV2::Api",), "Invalid API identifier specified {id}", "ApiGatewayV2",
             "NotFoundException")
_API_RESOURCE = (("AWS::ApiGateway::Resource",), "Invalid Resource identifier specified", "ApiGateway",
                 "NotFoundException")

REFERENCES: dict[str, dict[str, tuple[tuple[str, ...], str, str, str]]] = {
    "AWS::EC2::Subnet": {"VpcId": _VPC},
    "AWS::EC2::SecurityGroup": {"VpcId": _VPC},
    "AWS::EC2::RouteTable": {"VpcId": _VPC},
    "AWS::EC2::InternetGateway": {},
    "AWS::EC2::VPCGatewayAttachment": {"VpcId": _VPC, "InternetGatewayId": _IGW},
    "AWS::EC2::Route": {"RouteTableId": _RTB, "GatewayId": _IGW, "NatGatewayId": _NAT,
                        "InstanceId": _INSTANCE, "VpcPeeringConnectionId": _PCX},
    "AWS::EC2::SubnetRouteTableAssociation": {"SubnetId": _SUBNET, "RouteTableId": _RTB},
    "AWS::EC2::NatGateway": {"SubnetId": _SUBNET},
    "AWS::EC2::Instance": {"SubnetId": _SUBNET, "SecurityGroupIds": _SG, "KeyName": _KEY_PAIR},
    "AWS::AutoScaling::LaunchConfiguration": {"KeyName": _KEY_PAIR},
    "AWS::EC2::EIP": {"InstanceId": _INSTANCE},
    "AWS::EC2::EIPAssociation": {"InstanceId": _INSTANCE},
    "AWS::EC2::VolumeAttachment": {"InstanceId": _INSTANCE, "VolumeId": _VOLUME},
    "AWS::EC2::SecurityGroupIngress": {"GroupId": _SG},
    "AWS::EC2::SecurityGroupEgress": {"GroupId": _SG},
    "AWS::EC2::VPCEndpoint": {"VpcId": _VPC},
    "AWS::ElasticLoadBalancingV2::LoadBalancer": {"Subnets": _SUBNET, "SecurityGroups": _SG},
    "AWS::ElasticLoadBalancing::LoadBalancer": {"Subnets": _SUBNET},
    "AWS::EFS::MountTarget": {"SubnetId": _SUBNET, "SecurityGroups": _SG},
    "AWS::ElasticLoadBalancingV2::TargetGroup": {"VpcId": _VPC},
    "AWS::RDS::DBSubnetGroup": {"SubnetIds": _SUBNET},
    "AWS::ElastiCache::SubnetGroup": {"SubnetIds": _SUBNET},
    "AWS::ApiGateway::Resource": {"RestApiId": _REST_API},
    "AWS::ApiGateway::Method": {"RestApiId": _REST_API},
    "AWS::ApiGateway::Deployment": {"RestApiId": _REST_API},
    "AWS::ApiGateway::Stage": {"RestApiId": _REST_API},
    "AWS::ApiGateway::Authorizer": {"RestApiId": _REST_API},
    "AWS::ApiGateway::Model": {"RestApiId": _REST_API},
    "AWS::ApiGateway::RequestValidator": {"RestApiId": _REST_API},
    "AWS::ApiGatewayV2::Stage": {"ApiId": _HTTP_API},
    "AWS::ApiGatewayV2::Route": {"ApiId": _HTTP_API},
    "AWS::ApiGatewayV2::Integration": {"ApiId": _HTTP_API},
    "AWS::ApiGatewayV2::Deployment": {"ApiId": _HTTP_API},
}


def ids_exist(ctx: RuleContext) -> None:
    for prop, (types, template, service, code) in REFERENCES[ctx.type_name].items():
        for value in as_list(ctx.properties.get(prop)):
            if not isinstance(value, str) or ctx.find(types, value) is not None:
                continue
            message = template.format(id=value, account=ctx.account_id)
            raise service_error(message, service, 400 if service == "EC2" else 404, code, "NotFound")


for _type_name in REFERENCES:
    on_write(_type_name)(ids_exist)


@on_write("AWS::ApiGateway::Resource")
def parent_exists(ctx: RuleContext) -> None:
    parent = ctx.properties.get("ParentId")
    api = ctx.properties.get("RestApiId")
    if not isinstance(parent, str) or not isinstance(api, str):
        return
    if ctx.find("AWS::ApiGateway::Resource", parent) is not None:
        return
    rest = ctx.find("AWS::ApiGateway::RestApi", api)
    if rest is not None and rest.attributes.get("RootResourceId") == parent:
        return
    raise service_error(f"Invalid Resource identifier specified", "ApiGateway", 404,
                        "NotFoundException", "NotFound")
