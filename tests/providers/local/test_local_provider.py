from __future__ import annotations

import re
import threading

import pytest

from stackengine.providers.base import Provider, ProviderError, StackRef
from stackengine.providers.local import LocalProvider, parse_failure_spec, FailureSpec
from local_support import OTHER_STACK, STACK, make_function, make_role


def test_implements_the_protocol(provider):
    assert isinstance(provider, Provider)


def test_create_read_update_delete(provider, token):
    created = provider.create(STACK, "AWS::SQS::Queue", "Q", {"DelaySeconds": 5}, token())
    assert re.fullmatch(r"https://sqs\.us-east-1\.amazonaws\.com/123456789012/mystack-Q-[A-Z0-9]{13}",
                        created.physical_id)
    assert provider.read("AWS::SQS::Queue", created.physical_id) == created
    updated = provider.update(STACK, "AWS::SQS::Queue", "Q", created.physical_id,
                              {"DelaySeconds": 5}, {"DelaySeconds": 10}, token())
    assert updated.physical_id == created.physical_id
    assert updated.attributes["DelaySeconds"] == 10
    provider.delete(STACK, "AWS::SQS::Queue", "Q", created.physical_id, token())
    assert provider.read("AWS::SQS::Queue", created.physical_id) is None
    # deleting what is already gone succeeds, as in CloudFormation
    provider.delete(STACK, "AWS::SQS::Queue", "Q", created.physical_id, token())


def test_update_of_missing_resource_is_not_found(provider, token):
    with pytest.raises(ProviderError) as err:
        provider.update(STACK, "AWS::SQS::Queue", "Q", "nope", {}, {}, token())
    assert err.value.code == "NotFound"


def test_persists_across_provider_instances(db_path, token):
    first = LocalProvider(db_path)
    created = first.create(STACK, "AWS::SNS::Topic", "T", {}, token())
    second = LocalProvider(db_path)
    assert second.read("AWS::SNS::Topic", created.physical_id) == created
    with pytest.raises(ProviderError) as err:  # the name is still taken in the account
        second.create(OTHER_STACK, "AWS::SNS::Topic", "T2", {"TopicName": created.attributes["TopicName"]},
                      token())
    assert err.value.code == "AlreadyExists"


def test_deterministic_across_databases(tmp_path, token):
    a = LocalProvider(str(tmp_path / "a.db")).create(STACK, "AWS::S3::Bucket", "B", {}, "t")
    b = LocalProvider(str(tmp_path / "b.db")).create(STACK, "AWS::S3::Bucket", "B", {}, "t")
    assert a == b


def test_replacement_gets_a_new_generated_name(provider, token):
    first = provider.create(STACK, "AWS::SQS::Queue", "Q", {}, token())
    second = provider.create(STACK, "AWS::SQS::Queue", "Q", {"FifoQueue": True}, token())
    assert first.physical_id != second.physical_id
    assert second.attributes["QueueName"].endswith(".fifo")


def test_replacement_keeping_a_custom_name_is_refused(provider, token):
    provider.create(STACK, "AWS::SQS::Queue", "Q", {"QueueName": "orders"}, token())
    with pytest.raises(ProviderError) as err:
        provider.create(STACK, "AWS::SQS::Queue", "Q", {"QueueName": "orders", "DelaySeconds": 1},
                        token())
    assert err.value.code == "AlreadyExists"
    assert "orders" in err.value.message


def test_idempotency_token_replays_the_result(provider):
    a = provider.create(STACK, "AWS::SQS::Queue", "Q", {}, "same-token")
    b = provider.create(STACK, "AWS::SQS::Queue", "Q", {}, "same-token")
    assert a == b
    assert len(provider.store.list_resources(type_name="AWS::SQS::Queue")) == 1


def test_unknown_type_with_suggestion(provider, token):
    with pytest.raises(ProviderError) as err:
        provider.create(STACK, "AWS::SQS::Queu", "Q", {}, token())
    assert "Unrecognized resource types: [AWS::SQS::Queu]" in err.value.message
    assert "AWS::SQS::Queue" in err.value.message


def test_nested_stacks_not_supported(provider, token):
    with pytest.raises(ProviderError) as err:
        provider.create(STACK, "AWS::CloudFormation::Stack", "N", {"TemplateURL": "x"}, token())
    assert err.value.code == "NotSupported"


def test_schema_errors_name_the_property(provider, token):
    with pytest.raises(ProviderError) as err:
        provider.create(STACK, "AWS::SQS::Queue", "Q", {"DelaySeconds": 1000, "QueueNme": "x"}, token())
    message = err.value.message
    assert message.startswith("Properties validation failed for resource Q")
    assert "#/DelaySeconds" in message and "QueueNme" in message and "did you mean QueueName" in message


def test_every_type_deploys_with_valid_properties(provider, token):
    result = provider.create(STACK, "AWS::Batch::ComputeEnvironment", "CE", {"Type": "UNMANAGED"},
                             token())
    assert result.attributes["ComputeEnvironmentArn"] == result.physical_id


def test_injected_failures(db_path, token):
    p = LocalProvider(db_path, inject_failures=[parse_failure_spec("Q:update"), parse_failure_spec("T")])
    q = p.create(STACK, "AWS::SQS::Queue", "Q", {}, token())
    with pytest.raises(ProviderError) as err:
        p.update(STACK, "AWS::SQS::Queue", "Q", q.physical_id, {}, {"DelaySeconds": 1}, token())
    assert "Injected failure: update of Q" in err.value.message
    p.delete(STACK, "AWS::SQS::Queue", "Q", q.physical_id, token())
    for op in ("create",):
        with pytest.raises(ProviderError):
            p.create(STACK, "AWS::SNS::Topic", "T", {}, token())


def test_parse_failure_spec():
    assert parse_failure_spec("Q") == FailureSpec("Q", None)
    assert parse_failure_spec("Q:delete") == FailureSpec("Q", "delete")
    with pytest.raises(ValueError):
        parse_failure_spec("Q:explode")
    with pytest.raises(ValueError):
        parse_failure_spec(":create")


def test_latency_sleeps_each_operation(db_path, token):
    slept: list[float] = []
    p = LocalProvider(db_path, latency_ms=250, sleep=slept.append)
    q = p.create(STACK, "AWS::SQS::Queue", "Q", {}, token())
    p.delete(STACK, "AWS::SQS::Queue", "Q", q.physical_id, token())
    assert slept == [0.25, 0.25]


def test_snapshot_deletion_policy(provider, token):
    vol = provider.create(STACK, "AWS::EC2::Volume", "V", {"AvailabilityZone": "us-east-1a", "Size": 8},
                          token())
    assert provider.supports_snapshot("AWS::EC2::Volume")
    assert not provider.supports_snapshot("AWS::SQS::Queue")
    provider.delete(STACK, "AWS::EC2::Volume", "V", vol.physical_id, token(), snapshot=True)
    snaps = provider.store.list_snapshots()
    assert [s.physical_id for s in snaps] == [vol.physical_id]


def test_ssm_parameters_resolve_per_account_and_region(provider, token):
    provider.create(STACK, "AWS::SSM::Parameter", "P", {"Name": "/app/ami", "Type": "String",
                                                        "Value": "ami-123"}, token())
    assert provider.resolve_ssm_parameter("123456789012", "us-east-1", "/app/ami") == "ami-123"
    with pytest.raises(ProviderError):
        provider.resolve_ssm_parameter("123456789012", "eu-west-1", "/app/ami")
    provider.put_ssm_parameter("123456789012", "eu-west-1", "/app/ami", "ami-eu")
    assert provider.resolve_ssm_parameter("123456789012", "eu-west-1", "/app/ami") == "ami-eu"


def test_regions_and_accounts_are_separate_namespaces(provider, token):
    provider.create(STACK, "AWS::SQS::Queue", "Q", {"QueueName": "shared"}, token())
    west = StackRef("mystack", "sid-west", region="us-west-2")
    other = StackRef("mystack", "sid-acct", account_id="210987654321")
    provider.create(west, "AWS::SQS::Queue", "Q", {"QueueName": "shared"}, token())
    provider.create(other, "AWS::SQS::Queue", "Q", {"QueueName": "shared"}, token())
    # S3 bucket names are global: another account cannot take one
    provider.create(STACK, "AWS::S3::Bucket", "B", {"BucketName": "global-name"}, token())
    with pytest.raises(ProviderError) as err:
        provider.create(other, "AWS::S3::Bucket", "B", {"BucketName": "global-name"}, token())
    assert err.value.message == "global-name already exists"


def test_default_vpc_exists(provider, token):
    ids = provider.default_ids("123456789012", "us-east-1")
    assert ids["DefaultVpc"].startswith("vpc-") and ids["DefaultSubnetA"].startswith("subnet-")
    sg = provider.create(STACK, "AWS::EC2::SecurityGroup", "SG",
                         {"GroupDescription": "d", "VpcId": ids["DefaultVpc"]}, token())
    assert sg.attributes["VpcId"] == ids["DefaultVpc"]


def test_custom_resources_need_an_existing_service_token(provider, token):
    fn = make_function(provider, token)
    ok = provider.create(STACK, "Custom::Thing", "C", {"ServiceToken": fn.attributes["Arn"], "X": 1},
                         token())
    assert ok.physical_id
    with pytest.raises(ProviderError):
        provider.create(STACK, "Custom::Thing", "C2", {"ServiceToken":
                        "arn:aws:lambda:us-east-1:123456789012:function:missing"}, token())


def test_threads_create_in_parallel(provider):
    errors: list[Exception] = []

    def worker(i: int) -> None:
        try:
            for j in range(5):
                provider.create(STACK, "AWS::SQS::Queue", f"Q{i}x{j}", {}, f"tok-{i}-{j}")
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(provider.store.list_resources(type_name="AWS::SQS::Queue")) == 30


def test_lambda_versions_count_up(provider, token):
    fn = make_function(provider, token)
    v1 = provider.create(STACK, "AWS::Lambda::Version", "V1", {"FunctionName": fn.physical_id}, token())
    v2 = provider.create(STACK, "AWS::Lambda::Version", "V2", {"FunctionName": fn.attributes["Arn"]},
                         token())
    assert v1.physical_id == fn.attributes["Arn"] + ":1"
    assert v2.attributes["Version"] == "2"
    again = provider.update(STACK, "AWS::Lambda::Version", "V1", v1.physical_id,
                            {"FunctionName": fn.physical_id},
                            {"FunctionName": fn.physical_id, "Description": "d"}, token())
    assert again.physical_id == v1.physical_id


def test_instance_takes_zone_and_vpc_from_subnet(provider, token):
    vpc = provider.create(STACK, "AWS::EC2::VPC", "Vpc", {"CidrBlock": "10.0.0.0/16"}, token())
    subnet = provider.create(STACK, "AWS::EC2::Subnet", "Sub", {
        "VpcId": vpc.physical_id, "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1c"}, token())
    inst = provider.create(STACK, "AWS::EC2::Instance", "I", {"ImageId": "ami-12345678",
                                                            "SubnetId": subnet.physical_id}, token())
    assert inst.attributes["AvailabilityZone"] == "us-east-1c"
    assert inst.attributes["VpcId"] == vpc.physical_id


def test_listener_arn_follows_its_load_balancer(provider, token):
    lb = provider.create(STACK, "AWS::ElasticLoadBalancingV2::LoadBalancer", "LB", {}, token())
    listener = provider.create(STACK, "AWS::ElasticLoadBalancingV2::Listener", "L", {
        "LoadBalancerArn": lb.physical_id,
        "DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200"}}]},
        token())
    prefix = lb.physical_id.replace(":loadbalancer/", ":listener/")
    assert re.fullmatch(re.escape(prefix) + "/[0-9a-f]{16}", listener.physical_id)


def test_dynamic_references_resolve_from_the_account(provider, token):
    provider.put_ssm_parameter("123456789012", "us-east-1", "/cfg/env", "prod")
    topic = provider.create(STACK, "AWS::SNS::Topic", "T", {"DisplayName": "{{resolve:ssm:/cfg/env:1}}-x"},
                            token())
    assert provider.store.get_resource("123456789012", "us-east-1", "AWS::SNS::Topic",
                                       topic.physical_id).properties["DisplayName"] == "prod-x"
    with pytest.raises(ProviderError) as err:
        provider.create(STACK, "AWS::SNS::Topic", "U", {"DisplayName": "{{resolve:ssm:/nope}}"}, token())
    assert "cannot be found" in err.value.message
    public = provider.create(STACK, "AWS::SNS::Topic", "V", {
        "DisplayName": "{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64}}"},
        token())
    assert public.physical_id


def test_secretsmanager_dynamic_reference(provider, token):
    secret = provider.create(STACK, "AWS::SecretsManager::Secret", "S", {
        "Name": "db", "GenerateSecretString": {"SecretStringTemplate": '{"username": "admin"}',
                                               "GenerateStringKey": "password", "PasswordLength": 16}},
        token())
    user = provider.create(STACK, "AWS::SNS::Topic", "T", {
        "DisplayName": "{{resolve:secretsmanager:db:SecretString:username}}"}, token())
    stored = provider.store.get_resource("123456789012", "us-east-1", "AWS::SNS::Topic", user.physical_id)
    assert stored.properties["DisplayName"] == "admin"
    by_arn = provider.create(STACK, "AWS::SNS::Topic", "P", {
        "DisplayName": "{{resolve:secretsmanager:" + secret.physical_id + ":SecretString:password}}"},
        token())
    password = provider.store.get_resource("123456789012", "us-east-1", "AWS::SNS::Topic",
                                           by_arn.physical_id).properties["DisplayName"]
    assert len(password) == 16
    with pytest.raises(ProviderError):
        provider.create(STACK, "AWS::SNS::Topic", "X", {
            "DisplayName": "{{resolve:secretsmanager:missing:SecretString:k}}"}, token())


def test_custom_name_conflict_message():
    from stackengine.providers.local import custom_name_conflict

    message = custom_name_conflict("AWS::SQS::Queue", "Q", {"QueueName": "a"}, {"QueueName": "a", "X": 1})
    assert message == ("CloudFormation cannot update a stack when a custom-named resource requires "
                       "replacing. Rename a and update the stack again.")
    assert custom_name_conflict("AWS::SQS::Queue", "Q", {"QueueName": "a"}, {"QueueName": "b"}) is None
    assert custom_name_conflict("AWS::SQS::Queue", "Q", {}, {}) is None
    assert custom_name_conflict("AWS::EC2::VPC", "V", {"CidrBlock": "x"}, {"CidrBlock": "x"}) is None


def test_provider_options_from_cli():
    from stackengine.providers.local import provider_options

    opts = provider_options(50, ["A", "B:delete"])
    assert opts == {"latency_ms": 50, "inject_failures": (FailureSpec("A"), FailureSpec("B", "delete"))}
    with pytest.raises(ValueError):
        provider_options(-1)


def test_put_object_needs_the_bucket(provider, token):
    bucket = provider.create(STACK, "AWS::S3::Bucket", "B", {}, token())
    assert provider.put_object(bucket.physical_id, "code.zip", b"PK")
    with pytest.raises(ProviderError):
        provider.put_object("no-such-bucket-here", "k", b"")


def test_account_parameter_values(provider):
    declared = {"Vpc": {"Type": "AWS::EC2::VPC::Id"}, "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"},
                "One": {"Type": "AWS::EC2::Subnet::Id"}, "Given": {"Type": "AWS::EC2::VPC::Id", "Default": "x"},
                "Name": {"Type": "String"}}
    values = provider.account_parameter_values(declared, "123456789012", "us-east-1")
    ids = provider.default_ids("123456789012", "us-east-1")
    assert values["Vpc"] == ids["DefaultVpc"]
    first, second = values["Subnets"].split(",")
    assert first != second and {first, second} <= {ids["DefaultSubnetA"], ids["DefaultSubnetB"],
                                                    ids["DefaultSubnetC"]}
    assert "Given" not in values and "Name" not in values


def test_resource_and_its_token_are_stored_together(provider, monkeypatch):
    # A crash between storing the resource and recording its token would let a retry create a
    # second one; both go in one transaction, so a failure in either stores neither.
    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed between the two writes")

    monkeypatch.setattr(provider.store, "_insert_token", crash)
    with pytest.raises(KeyboardInterrupt):
        provider.create(STACK, "AWS::SQS::Queue", "Q", {"QueueName": "atomic-q"}, "tok-atomic")
    monkeypatch.undo()
    assert provider.store.token_result("tok-atomic") is None
    assert not [r for r in provider.store.list_resources(STACK.account_id, STACK.region, "AWS::SQS::Queue")
                if r.logical_id == "Q"]
    # the retry with the same token creates it once, and a further retry replays it
    first = provider.create(STACK, "AWS::SQS::Queue", "Q", {"QueueName": "atomic-q"}, "tok-atomic")
    again = provider.create(STACK, "AWS::SQS::Queue", "Q", {"QueueName": "atomic-q"}, "tok-atomic")
    assert first == again
    queues = [r for r in provider.store.list_resources(STACK.account_id, STACK.region, "AWS::SQS::Queue")
              if r.logical_id == "Q"]
    assert len(queues) == 1


def test_delete_and_its_token_are_stored_together(provider, monkeypatch):
    created = provider.create(STACK, "AWS::SQS::Queue", "D", {}, "tok-create-d")
    monkeypatch.setattr(provider.store, "_insert_token",
                        lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        provider.delete(STACK, "AWS::SQS::Queue", "D", created.physical_id, "tok-delete-d")
    monkeypatch.undo()
    assert provider.read("AWS::SQS::Queue", created.physical_id) is not None
    provider.delete(STACK, "AWS::SQS::Queue", "D", created.physical_id, "tok-delete-d")
    assert provider.read("AWS::SQS::Queue", created.physical_id) is None
