"""The templates in examples/ render cleanly, and each does what its description says."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackengine.cli.main import cli
from stackengine.diagnostics import Severity, TemplateError
from stackengine.render import ProcessedTemplate, RenderOptions, render_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TEMPLATES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))

EXPECTED = {"ec2-instance.yaml", "region-map.yaml", "env-type.yaml", "network.yaml", "app.yaml",
            "lambda-s3-code.yaml", "sqs-sns-fanout.yaml"}


def render(name: str, **options) -> ProcessedTemplate:
    return render_file(str(EXAMPLES / name), RenderOptions(**options))


def test_every_expected_example_exists():
    assert EXPECTED <= set(TEMPLATES)


def test_readme_lists_every_example():
    readme = (EXAMPLES / "README.md").read_text()
    for name in TEMPLATES:
        assert f"`{name}`" in readme, name


@pytest.mark.parametrize("name", TEMPLATES)
def test_renders_without_diagnostics(name):
    processed = render(name)
    assert not [d for d in processed.warnings if d.severity is Severity.ERROR]
    assert processed.warnings == (), [d.message for d in processed.warnings]
    rendered = processed.rendered()
    assert rendered["Resources"]
    assert rendered["Description"]


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_parameter_has_a_default(name):
    source = render(name).source
    for parameter, spec in (source.get("Parameters") or {}).items():
        assert "Default" in spec, f"{name}: {parameter} has no Default"


@pytest.mark.parametrize("name", TEMPLATES)
def test_cli_render_exits_0(name):
    result = CliRunner().invoke(cli, ["render", str(EXAMPLES / name)])
    assert result.exit_code == 0, result.output
    assert "Resources:" in result.output


def test_cli_render_json():
    import json

    result = CliRunner().invoke(cli, ["render", str(EXAMPLES / "network.yaml"), "-o", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["Outputs"]["VpcId"]["Export"]["Name"] == "network-VpcId"


# ec2-instance.yaml


def test_ec2_instance_defaults():
    processed = render("ec2-instance.yaml")
    instance = processed.resources["WebServerInstance"].properties
    assert instance["ImageId"] == "ami-0453ec754f44f9a4a"
    assert instance["InstanceType"] == "t3.micro"
    assert "KeyName" not in instance  # HasKeyName is false: AWS::NoValue removes it
    assert instance["SecurityGroupIds"] == [{"Fn::GetAtt": ["InstanceSecurityGroup", "GroupId"]}]
    assert base64.b64decode(instance["UserData"]).startswith(b"#!/bin/bash\n")
    ingress = processed.resources["InstanceSecurityGroup"].properties["SecurityGroupIngress"]
    assert [(rule["FromPort"], rule["CidrIp"]) for rule in ingress] == [(22, "203.0.113.0/24"), (80, "0.0.0.0/0")]
    eip = processed.resources["WebServerEIP"].properties
    assert eip["InstanceId"] == {"Ref": "WebServerInstance"}
    assert eip["Domain"] == "vpc"
    assert processed.conditions == {"HasKeyName": False}


def test_ec2_instance_key_name_and_ssh_location():
    processed = render("ec2-instance.yaml", region="eu-west-1",
                       parameters={"KeyName": "my-key", "SSHLocation": "198.51.100.7/32"})
    instance = processed.resources["WebServerInstance"].properties
    assert instance["KeyName"] == "my-key"
    assert instance["ImageId"] == "ami-0d64bb532e0502c46"
    ingress = processed.resources["InstanceSecurityGroup"].properties["SecurityGroupIngress"]
    assert ingress[0]["CidrIp"] == "198.51.100.7/32"


def test_ec2_instance_rejects_a_bad_cidr():
    with pytest.raises(TemplateError) as info:
        render("ec2-instance.yaml", parameters={"SSHLocation": "anywhere"})
    assert "SSHLocation" in str(info.value)


# region-map.yaml


def test_region_map_us_east_1():
    processed = render("region-map.yaml")
    assert processed.resources["Instance"].properties["ImageId"] == "ami-0453ec754f44f9a4a"
    assert processed.resources["InstanceLogGroup"].properties["RetentionInDays"] == 30
    assert processed.outputs["ImageId"].value == "ami-0453ec754f44f9a4a"


def test_region_map_eu_west_1():
    processed = render("region-map.yaml", region="eu-west-1")
    assert processed.resources["Instance"].properties["ImageId"] == "ami-0d64bb532e0502c46"
    assert processed.resources["InstanceLogGroup"].properties["RetentionInDays"] == 90


def test_region_map_nested_lookup_picks_the_arm64_image():
    processed = render("region-map.yaml", region="eu-west-1", parameters={"InstanceType": "t4g.micro"})
    assert processed.resources["Instance"].properties["ImageId"] == "ami-09c1b3e1a4d0fa3f9"


def test_region_map_unknown_region_is_an_error():
    with pytest.raises(TemplateError) as info:
        render("region-map.yaml", region="ap-south-1")
    assert "ap-south-1" in str(info.value)


# env-type.yaml

PROD_ONLY = {"NewVolume", "MountPoint"}


def test_env_type_test_has_no_prod_resources():
    processed = render("env-type.yaml")
    assert processed.conditions["CreateProdResources"] is False
    assert set(processed.resources) == {"EC2Instance"}
    assert "VolumeId" not in processed.outputs
    instance = processed.resources["EC2Instance"].properties
    assert instance["InstanceType"] == "t3.micro"
    assert instance["Monitoring"] is False
    assert processed.outputs["Environment"].value == "Test environment"


def test_env_type_prod_has_prod_resources():
    processed = render("env-type.yaml", parameters={"EnvType": "prod"})
    assert processed.conditions["CreateProdResources"] is True
    assert PROD_ONLY <= set(processed.resources)
    assert processed.resources["EC2Instance"].properties["InstanceType"] == "m5.large"
    assert processed.resources["NewVolume"].deletion_policy == "Snapshot"
    assert processed.resources["MountPoint"].properties["VolumeId"] == {"Ref": "NewVolume"}
    assert processed.outputs["VolumeId"].value == {"Ref": "NewVolume"}
    assert processed.outputs["Environment"].value == "Production environment"


def test_env_type_rejects_other_values():
    with pytest.raises(TemplateError) as info:
        render("env-type.yaml", parameters={"EnvType": "staging"})
    assert "EnvType" in str(info.value)


# network.yaml + app.yaml

NETWORK_EXPORTS = ("VpcId", "VpcCidr", "PublicSubnet1Id", "PublicSubnet2Id")


def test_network_exports_named_after_the_stack():
    processed = render("network.yaml", stack_name="network")
    assert {name: o.export_name for name, o in processed.outputs.items()} == {
        name: f"network-{name}" for name in NETWORK_EXPORTS}
    assert processed.outputs["VpcId"].value == {"Ref": "VPC"}


def test_network_subnets_from_getazs_and_cidr():
    processed = render("network.yaml", region="eu-west-1")
    one = processed.resources["PublicSubnet1"].properties
    two = processed.resources["PublicSubnet2"].properties
    assert (one["AvailabilityZone"], one["CidrBlock"]) == ("eu-west-1a", "10.0.0.0/24")
    assert (two["AvailabilityZone"], two["CidrBlock"]) == ("eu-west-1b", "10.0.1.0/24")
    assert one["VpcId"] == {"Ref": "VPC"}


def test_network_cidr_follows_the_parameter():
    processed = render("network.yaml", parameters={"VpcCidr": "172.16.0.0/20"})
    assert processed.resources["VPC"].properties["CidrBlock"] == "172.16.0.0/20"
    assert processed.resources["PublicSubnet2"].properties["CidrBlock"] == "172.16.1.0/24"


def test_app_keeps_import_value_with_the_export_name_resolved():
    rendered = render("app.yaml").rendered()["Resources"]
    assert rendered["TargetGroup"]["Properties"]["VpcId"] == {"Fn::ImportValue": "network-VpcId"}
    assert rendered["WebServer"]["Properties"]["SubnetId"] == {"Fn::ImportValue": "network-PublicSubnet1Id"}
    assert rendered["LoadBalancer"]["Properties"]["Subnets"] == [
        {"Fn::ImportValue": "network-PublicSubnet1Id"}, {"Fn::ImportValue": "network-PublicSubnet2Id"}]


def test_app_imports_what_network_exports():
    network = render("network.yaml", stack_name="shared-net")
    exported = {o.export_name for o in network.outputs.values()}
    app = render("app.yaml", parameters={"NetworkStackName": "shared-net"}).rendered()["Resources"]
    imported = set()

    def walk(value):
        if isinstance(value, dict):
            if set(value) == {"Fn::ImportValue"}:
                imported.add(value["Fn::ImportValue"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(app)
    assert imported == {"shared-net-VpcId", "shared-net-PublicSubnet1Id", "shared-net-PublicSubnet2Id"}
    assert imported <= exported


def test_app_with_exports_supplied():
    values = {"network-VpcId": "vpc-0abc", "network-PublicSubnet1Id": "subnet-01",
              "network-PublicSubnet2Id": "subnet-02"}
    processed = render("app.yaml", import_value=values.__getitem__)
    assert processed.resources["TargetGroup"].properties["VpcId"] == "vpc-0abc"
    assert processed.resources["LoadBalancer"].properties["Subnets"] == ["subnet-01", "subnet-02"]


# lambda-s3-code.yaml


def test_lambda_code_location_from_parameters():
    processed = render("lambda-s3-code.yaml",
                       parameters={"CodeBucket": "builds-123", "CodeKey": "app/v2.zip"})
    function = processed.resources["Function"].properties
    assert function["Code"] == {"S3Bucket": "builds-123", "S3Key": "app/v2.zip"}
    assert function["Role"] == {"Fn::GetAtt": ["LambdaExecutionRole", "Arn"]}
    assert function["Runtime"] == "python3.12"


def test_lambda_object_version_is_optional():
    processed = render("lambda-s3-code.yaml", parameters={"CodeObjectVersion": "3sL4kqtJlcpXroDTDmJ"})
    assert processed.resources["Function"].properties["Code"]["S3ObjectVersion"] == "3sL4kqtJlcpXroDTDmJ"


@pytest.mark.parametrize("region, partition", [("us-east-1", "aws"), ("cn-north-1", "aws-cn"),
                                               ("us-gov-west-1", "aws-us-gov")])
def test_lambda_role_policy_arn_uses_the_partition(region, partition):
    role = render("lambda-s3-code.yaml", region=region).resources["LambdaExecutionRole"].properties
    assert role["ManagedPolicyArns"] == [
        f"arn:{partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
    statement = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"


# sqs-sns-fanout.yaml


def test_fanout_subscribes_both_queues():
    resources = render("sqs-sns-fanout.yaml").resources
    subscriptions = [r.properties for r in resources.values() if r.type == "AWS::SNS::Subscription"]
    assert sorted(s["Endpoint"]["Fn::GetAtt"][0] for s in subscriptions) == ["BillingQueue", "ShippingQueue"]
    for subscription in subscriptions:
        assert subscription["TopicArn"] == {"Ref": "OrdersTopic"}
        assert subscription["Protocol"] == "sqs"


def test_fanout_queue_policies_allow_only_the_topic():
    resources = render("sqs-sns-fanout.yaml").resources
    for queue in ("BillingQueue", "ShippingQueue"):
        policy = resources[f"{queue}Policy"].properties
        assert policy["Queues"] == [{"Ref": queue}]
        [statement] = policy["PolicyDocument"]["Statement"]
        assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
        assert statement["Action"] == "sqs:SendMessage"
        assert statement["Resource"] == {"Fn::GetAtt": [queue, "Arn"]}
        assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Ref": "OrdersTopic"}}}


def test_fanout_topic_name_from_stack_name():
    resources = render("sqs-sns-fanout.yaml", stack_name="shop").resources
    assert resources["OrdersTopic"].properties["TopicName"] == "shop-orders"


def test_installed_command_renders_an_example():
    import shutil
    import subprocess

    command = shutil.which("stackengine")
    if command is None:
        pytest.skip("the stackengine console script is not installed")
    result = subprocess.run([command, "render", str(EXAMPLES / "env-type.yaml"),
                             "--parameter-overrides", "EnvType=prod"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "NewVolume:" in result.stdout
