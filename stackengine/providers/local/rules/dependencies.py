"""Deleting something other resources still use fails, as in EC2 ("DependencyViolation").

type -> [(dependent type, the dependent's property holding our physical ID)]. CloudFormation
deletes in reverse dependency order, so within one stack this only fires for dependents outside
it (another stack, or a retained resource) — exactly when AWS refuses.
"""

from __future__ import annotations

from stackengine.providers.local.rules.base import RuleContext, as_list, on_delete, service_error

DEPENDENTS: dict[str, list[tuple[str, str]]] = {
    "AWS::EC2::VPC": [("AWS::EC2::Subnet", "VpcId"), ("AWS::EC2::SecurityGroup", "VpcId"),
                      ("AWS::EC2::RouteTable", "VpcId"), ("AWS::EC2::VPCGatewayAttachment", "VpcId")],
    "AWS::EC2::Subnet": [("AWS::EC2::Instance", "SubnetId"), ("AWS::EC2::NatGateway", "SubnetId")],
    "AWS::EC2::InternetGateway": [("AWS::EC2::VPCGatewayAttachment", "InternetGatewayId")],
    "AWS::EC2::SecurityGroup": [("AWS::EC2::Instance", "SecurityGroupIds")],
    "AWS::EC2::Volume": [("AWS::EC2::VolumeAttachment", "VolumeId")],
}


def no_dependents(ctx: RuleContext) -> None:
    for dependent_type, prop in DEPENDENTS[ctx.type_name]:
        for other in ctx.store.list_resources(ctx.account_id, ctx.region, dependent_type):
            if ctx.physical_id in as_list(other.properties.get(prop)):
                raise service_error(
                    f"The {ctx.type_name.split('::')[-1].lower()} '{ctx.physical_id}' has dependencies "
                    f"and cannot be deleted.", "Ec2", 400, "DependencyViolation",
                    "GeneralServiceException")


for _type_name in DEPENDENTS:
    on_delete(_type_name)(no_dependents)
