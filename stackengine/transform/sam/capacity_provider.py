"""AWS::Serverless::CapacityProvider → AWS::Lambda::CapacityProvider (Lambda managed instances) and
the operator role SAM creates when none is given."""

from __future__ import annotations


from stackengine.transform.sam.common import (
    attributes_of,
    ANY, BOOL, DICT, Json, Prop, check_properties, getatt, is_intrinsic, plain, resource,
)
from stackengine.transform.sam.context import SamContext
from stackengine.transform.sam.policies import assume_role

CAPACITY_PROVIDER = "AWS::Serverless::CapacityProvider"
SCHEMA: dict[str, Prop] = {"CapacityProviderName": ANY, "VpcConfig": Prop((dict,), required=True),
                           "OperatorRole": ANY, "InstanceRequirements": DICT, "ScalingConfig": DICT,
                           "Tags": DICT, "KmsKeyArn": ANY, "PropagateTags": BOOL}
NESTED: dict[str, dict[str, Prop]] = {
    "VpcConfig": {"SubnetIds": Prop((list,), required=True), "SecurityGroupIds": Prop((list,))},
    "InstanceRequirements": {"Architectures": Prop((list,)), "AllowedTypes": Prop((list,)),
                             "ExcludedTypes": Prop((list,))},
    "ScalingConfig": {"MaxVCpuCount": Prop((int,)), "AverageCPUUtilization": Prop((int, float))},
}
INSTANCE_KEYS = {"Architectures": "Architectures", "AllowedTypes": "AllowedInstanceTypes",
                 "ExcludedTypes": "ExcludedInstanceTypes"}


def translate_capacity_provider(logical_id: str, res: dict[str, Json], ctx: SamContext) -> None:
    path = ("Resources", logical_id, "Properties")
    props: dict[str, Json] = res.get("Properties") or {}
    check_properties(CAPACITY_PROVIDER, logical_id, props, SCHEMA, path)
    for name, schema in NESTED.items():
        if props.get(name) is not None and not is_intrinsic(props[name]):
            check_properties(f"{CAPACITY_PROVIDER}.{name}", logical_id, props[name], schema, path + (name,))
    condition = res.get("Condition")
    out: dict[str, Json] = {}
    if props.get("CapacityProviderName") is not None:
        out["CapacityProviderName"] = plain(props["CapacityProviderName"])
    out["VpcConfig"] = plain(props["VpcConfig"])
    requirements = props.get("InstanceRequirements")
    if requirements is not None:
        out["InstanceRequirements"] = {INSTANCE_KEYS[k]: plain(v) for k, v in requirements.items()}
    scaling = props.get("ScalingConfig")
    if scaling is not None:
        config: dict[str, Json] = {}
        if scaling.get("MaxVCpuCount") is not None:
            config["MaxVCpuCount"] = plain(scaling["MaxVCpuCount"])
        if scaling.get("AverageCPUUtilization") is not None:
            config["ScalingMode"] = "Manual"
            config["ScalingPolicies"] = [{"PredefinedMetricType": "LambdaCapacityProviderAverageCPUUtilization",
                                          "TargetValue": plain(scaling["AverageCPUUtilization"])}]
        out["CapacityProviderScalingConfig"] = config
    if props.get("KmsKeyArn") is not None:
        out["KmsKeyArn"] = plain(props["KmsKeyArn"])
    tags = props.get("Tags") or {}
    tag_list = [{"Key": k, "Value": plain(v)} for k, v in tags.items()] + [{"Key": "lambda:createdBy", "Value": "SAM"}]
    out["Tags"] = tag_list
    role = props.get("OperatorRole")
    if role is None:
        role_id = f"{logical_id}OperatorRole"
        role_tags = tag_list if props.get("PropagateTags") else [{"Key": "lambda:createdBy", "Value": "SAM"}]
        ctx.add(role_id, resource("AWS::IAM::Role", {
            "AssumeRolePolicyDocument": assume_role("lambda.amazonaws.com"),
            "ManagedPolicyArns": [f"arn:{ctx.partition}:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator"],
            "Tags": role_tags}, condition=condition))
        role = getatt(role_id, "Arn")
    out["PermissionsConfig"] = {"CapacityProviderOperatorRoleArn": plain(role)}
    attrs = attributes_of(res, "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata")
    ctx.add(logical_id, resource("AWS::Lambda::CapacityProvider", out, condition=condition, **attrs))


def function_capacity_config(config: Json) -> Json:
    """A function's `CapacityProviderConfig` in the shape AWS::Lambda::Function takes."""
    if not isinstance(config, dict) or is_intrinsic(config):
        return plain(config)
    inner: dict[str, Json] = {}
    for key, value in config.items():
        inner["CapacityProviderArn" if key == "Arn" else key] = plain(value)
    return {"LambdaManagedInstancesCapacityProviderConfig": inner}


