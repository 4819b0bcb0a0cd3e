"""Filling parameters from the emulated account: by AWS-specific type, or for untyped parameters
by a name that says what they hold; list members distinct, one subnet per Availability Zone."""

from __future__ import annotations

import os

import pytest

from stackengine.engine import Engine, EngineConfig, StackRequest
from stackengine.providers.local import LocalProvider
from stackengine.providers.local.account_values import account_parameter_values
from stackengine.regions import availability_zones

POOLS = {"vpc": ["vpc-1"], "subnet": ["subnet-a", "subnet-b", "subnet-c", "subnet-d", "subnet-e"],
         "security-group": ["sg-1"], "availability-zone": ["us-east-1a", "us-east-1b"]}


def test_typed_parameters_are_filled_by_type() -> None:
    values = account_parameter_values({
        "Vpc": {"Type": "AWS::EC2::VPC::Id"}, "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"},
        "Zone": {"Type": "AWS::EC2::AvailabilityZone::Name"},
        "Given": {"Type": "AWS::EC2::VPC::Id", "Default": "vpc-given"}}, POOLS)
    assert values["Vpc"] == "vpc-1"
    assert len(set(values["Subnets"].split(","))) == 2
    assert values["Zone"] in POOLS["availability-zone"]
    assert "Given" not in values


@pytest.mark.parametrize("name, type_, pool", [
    ("Subnets", "CommaDelimitedList", "subnet"), ("PrivateSubnetIds", "CommaDelimitedList", "subnet"),
    ("PublicSubnet01", "String", "subnet"), ("SubnetId", "String", "subnet"),
    ("PreCreatedVpc", "String", "vpc"), ("VpcId", "String", "vpc"),
    ("InstanceSecurityGroup", "String", "security-group"),
    ("SecurityGroupIds", "CommaDelimitedList", "security-group"),
])
def test_untyped_parameters_named_for_account_things(name, type_, pool) -> None:
    value = account_parameter_values({name: {"Type": type_}}, POOLS)[name]
    assert set(value.split(",")) <= set(POOLS[pool])


@pytest.mark.parametrize("name, type_", [
    ("NeptuneDBSubnetGroupName", "String"), ("VpcCidr", "String"), ("VpcEndpointId", "String"),
    ("NumberOfSecurityGroups", "String"), ("Subnets", "Number"), ("SubnetName", "String"),
])
def test_names_that_only_mention_a_kind_are_left_to_the_generic_filler(name, type_) -> None:
    assert account_parameter_values({name: {"Type": type_}}, POOLS) == {}


def test_untyped_subnet_list_gets_four_distinct_subnets() -> None:
    # Templates select the first few members, each for its own zone (EFS mount targets).
    value = account_parameter_values({"Subnets": {"Type": "CommaDelimitedList"}}, POOLS)["Subnets"]
    assert len(value.split(",")) == 4 and len(set(value.split(","))) == 4


def test_allowed_values_and_patterns_are_respected() -> None:
    declared = {"SubnetId": {"Type": "String", "AllowedPattern": "^subnet-[0-9a-f]{17}$"},
                "VpcId": {"Type": "String", "AllowedValues": ["vpc-x"]}}
    assert account_parameter_values(declared, POOLS) == {}


def test_default_vpc_has_a_subnet_in_every_zone(tmp_path) -> None:
    provider = LocalProvider(str(tmp_path / "state.db"))
    for region in ("us-east-1", "eu-west-1"):
        ids = provider.default_ids("123456789012", region)
        zones = [provider.store.get_by_rid(f"default/123456789012/{region}/{key}").properties["AvailabilityZone"]
                 for key in ids if key.startswith("DefaultSubnet")]
        assert sorted(zones) == availability_zones(region)


MOUNTS = """\
Parameters:
  Subnets:
    Type: CommaDelimitedList
Resources:
  Fs:
    Type: AWS::EFS::FileSystem
""" + "".join(f"""\
  Mount{i}:
    Type: AWS::EFS::MountTarget
    Properties:
      FileSystemId: !Ref Fs
      SecurityGroups: []
      SubnetId: !Select [{i}, !Ref Subnets]
""" for i in range(4))


def test_filled_subnet_list_serves_one_mount_target_per_zone(tmp_path) -> None:
    template = tmp_path / "efs.yaml"
    template.write_text(MOUNTS)
    engine = Engine(EngineConfig(state_path=str(tmp_path / "state.db")))
    outcome = engine.deploy(StackRequest(str(template), "efs", fill_parameters=True))
    reasons = [e.reason for e in engine.events("efs") if e.reason]
    assert outcome.record is not None and not outcome.failed, reasons
    assert "DELETE_COMPLETE" in str(engine.delete_stack("efs").status)


def test_route_table_ids_in_a_string_are_the_accounts_main_route_table(tmp_path) -> None:
    provider = LocalProvider(str(tmp_path / "state.db"))
    declared = {"RouteTableIds": {
        "Type": "String",
        "AllowedPattern": r"^(rtb-[0-9a-f]{17})$|^((rtb-[0-9a-f]{17}(,|, ))*rtb-[0-9a-f]{17})$"}}
    values = provider.account_parameter_values(declared, "123456789012", "us-east-1")
    main = provider.default_ids("123456789012", "us-east-1")["DefaultRouteTable"]
    assert values == {"RouteTableIds": main}
    assert provider.read("AWS::EC2::RouteTable", main) is not None
    # a String whose pattern admits one ID only is given one; a list where the pattern lists
    pools = {"route-table": ["rtb-0123456789abcdef0", "rtb-0123456789abcdef1"]}
    single = {"RouteTableIds": {"Type": "String", "AllowedPattern": "^rtb-[0-9a-f]{17}$"}}
    assert account_parameter_values(single, pools) == {"RouteTableIds": "rtb-0123456789abcdef0"}
    assert account_parameter_values(declared, pools) == {"RouteTableIds": ",".join(pools["route-table"])}
    # without a pattern a plural String may be a count, not IDs
    assert account_parameter_values({"RouteTables": {"Type": "String"}}, pools) == {}


TYPED = """\
Parameters:
  Key: {Type: "AWS::EC2::KeyPair::KeyName"}
  Vpc: {Type: "AWS::EC2::VPC::Id"}
  Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}
  Zone: {Type: "AWS::EC2::AvailabilityZone::Name"}
  Ami: {Type: "AWS::EC2::Image::Id", Default: ami-0123456789abcdef0}
Resources:
  P:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Sub ["${Key} ${Vpc} ${Zone} ${Ami} ${S}", {S: !Join [",", !Ref Subnets]}]
"""


def test_aws_specific_parameters_must_name_what_the_account_holds(tmp_path) -> None:
    """CloudFormation looks the values up before it makes the change set: nothing is created
    when one is missing, and each missing value is named at its parameter."""
    from stackengine.diagnostics import TemplateError

    template = tmp_path / "typed.yaml"
    template.write_text(TYPED)
    engine = Engine(EngineConfig(state_path=str(tmp_path / "state.db")))
    ids = engine.provider.default_ids("123456789012", "us-east-1")
    good = {"Key": "mine", "Vpc": ids["DefaultVpc"], "Zone": "us-east-1b",
            "Subnets": f"{ids['DefaultSubnetA']},{ids['DefaultSubnetB']}"}
    bad = {**good, "Vpc": "vpc-0123456789abcdef0", "Zone": "us-east-1z",
           "Subnets": f"{ids['DefaultSubnetA']},subnet-0123456789abcdef0"}
    with pytest.raises(TemplateError) as raised:
        engine.deploy(StackRequest(str(template), "typed", bad))
    messages = {d.path[1]: d.message for d in raised.value.diagnostics}
    assert messages == {
        name: f"Parameter validation failed: parameter value {value} for parameter name {name} "
              "does not exist"
        for name, value in (("Key", "mine"), ("Vpc", "vpc-0123456789abcdef0"),
                            ("Subnets", "subnet-0123456789abcdef0"), ("Zone", "us-east-1z"))}
    assert str(raised.value.diagnostics[0].span) == f"{template}:2:3"  # the parameter's name
    assert engine.stacks(include_deleted=True) == []

    engine.provider.create_key_pair("123456789012", "us-east-1", "mine")
    outcome = engine.deploy(StackRequest(str(template), "typed", good))
    assert outcome.record.status.value == "CREATE_COMPLETE"  # an AMI ID is not looked up


def test_filling_a_key_pair_parameter_makes_one_key_pair_when_the_account_has_none(tmp_path) -> None:
    provider = LocalProvider(str(tmp_path / "state.db"))
    declared = {"KeyName": {"Type": "AWS::EC2::KeyPair::KeyName"}}
    assert provider.account_parameter_values({"Given": {"Type": "AWS::EC2::KeyPair::KeyName",
                                                        "Default": "k"}},
                                             "123456789012", "us-east-1") == {}
    assert provider.store.list_resources(type_name="AWS::EC2::KeyPair") == []  # none needed
    first = provider.account_parameter_values(declared, "123456789012", "us-east-1")
    assert first == {"KeyName": "stackengine-fill"}
    assert provider.account_parameter_values(declared, "123456789012", "us-east-1") == first
    assert len(provider.store.list_resources(type_name="AWS::EC2::KeyPair")) == 1
    provider.create_key_pair("123456789012", "eu-west-1", "alpha")  # another region's pool
    provider.create_key_pair("123456789012", "us-east-1", "alpha")
    assert provider.account_parameter_values(declared, "123456789012", "us-east-1") == {
        "KeyName": "alpha"}


def test_an_instance_names_a_key_pair_of_the_account(tmp_path) -> None:
    from stackengine.providers.base import ProviderError, StackRef

    provider = LocalProvider(str(tmp_path / "state.db"))
    stack = StackRef("s", "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
                     "123456789012", "us-east-1")
    props = {"ImageId": "ami-0123456789abcdef0", "InstanceType": "t3.micro", "KeyName": "ops"}
    with pytest.raises(ProviderError, match=r"The key pair 'ops' does not exist .*"
                                            r"InvalidKeyPair.NotFound"):
        provider.create(stack, "AWS::EC2::Instance", "I", props, "t1")
    provider.create_key_pair("123456789012", "us-east-1", "ops")
    assert provider.create(stack, "AWS::EC2::Instance", "I", props, "t2").physical_id.startswith("i-")
