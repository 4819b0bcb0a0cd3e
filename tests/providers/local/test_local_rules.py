"""Every AWS rule of the emulated account, on the accepting and the refusing side."""

from __future__ import annotations

import pytest

from stackengine.providers.base import ProviderError, StackRef
from stackengine.providers.local.rules.s3 import bucket_name_problem
from local_support import OTHER_STACK, STACK, TRUST, make_function, make_role


def refused(provider, token, type_name, props, logical_id="R", code=None, stack=STACK, text=None):
    with pytest.raises(ProviderError) as err:
        provider.create(stack, type_name, logical_id, props, token())
    if code:
        assert err.value.code == code, err.value.message
    if text:
        assert text in err.value.message, err.value.message
    return err.value


# -- S3 ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["abc", "my.bucket-1", "a" * 63])
def test_bucket_names_accepted(provider, token, name):
    assert provider.create(STACK, "AWS::S3::Bucket", "B", {"BucketName": name}, token()).physical_id == name


@pytest.mark.parametrize("name,text", [
    ("ab", "between 3 and 63"), ("a" * 64, "between 3 and 63"), ("MyBucket", "uppercase"),
    ("my_bucket", "'_'"), ("192.168.1.1", "IP address"), ("my..bucket", "adjacent periods"),
    ("-bucket", "start and end"), ("xn--bucket", "xn--"), ("bucket-s3alias", "-s3alias")])
def test_bucket_names_refused(provider, token, name, text):
    # the registry schema may refuse first (length, pattern); the rule gives S3's own reason
    refused(provider, token, "AWS::S3::Bucket", {"BucketName": name})
    assert text in (bucket_name_problem(name) or "")


def test_bucket_with_objects_cannot_be_deleted(provider, token):
    bucket = provider.create(STACK, "AWS::S3::Bucket", "B", {}, token())
    provider.store.put_object(bucket.physical_id, "key", b"data")
    with pytest.raises(ProviderError) as err:
        provider.delete(STACK, "AWS::S3::Bucket", "B", bucket.physical_id, token())
    assert "not empty" in err.value.message
    provider.store.empty_bucket(bucket.physical_id)
    provider.delete(STACK, "AWS::S3::Bucket", "B", bucket.physical_id, token())
    assert provider.read("AWS::S3::Bucket", bucket.physical_id) is None


# -- unique names per account/region --------------------------------------------------------

UNIQUE = [
    ("AWS::SQS::Queue", {"QueueName": "n"}),
    ("AWS::SNS::Topic", {"TopicName": "n"}),
    ("AWS::DynamoDB::Table", {"TableName": "n", "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
                              "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
                              "BillingMode": "PAY_PER_REQUEST"}),
    ("AWS::IAM::Role", {"RoleName": "n", "AssumeRolePolicyDocument": TRUST}),
    ("AWS::Logs::LogGroup", {"LogGroupName": "n"}),
    ("AWS::SSM::Parameter", {"Name": "n", "Type": "String", "Value": "v"}),
]


@pytest.mark.parametrize("type_name,props", UNIQUE, ids=[u[0] for u in UNIQUE])
def test_names_unique_per_account_region(provider, token, type_name, props):
    provider.create(STACK, type_name, "A", props, token())
    refused(provider, token, type_name, props, "B", code="AlreadyExists", stack=OTHER_STACK)
    if type_name != "AWS::IAM::Role":  # IAM is global to the account
        provider.create(StackRef("s", "sid-w", region="us-west-2"), type_name, "A", props, token())
    else:
        refused(provider, token, type_name, props, "B", code="AlreadyExists",
                stack=StackRef("s", "sid-w", region="us-west-2"))


def test_function_names_unique(provider, token):
    make_function(provider, token, FunctionName="fn")
    with pytest.raises(ProviderError) as err:
        make_function(provider, token, logical_id="Fn2", FunctionName="fn")
    assert err.value.code == "AlreadyExists"


def test_name_freed_by_delete(provider, token):
    q = provider.create(STACK, "AWS::SQS::Queue", "Q", {"QueueName": "reuse"}, token())
    provider.delete(STACK, "AWS::SQS::Queue", "Q", q.physical_id, token())
    provider.create(STACK, "AWS::SQS::Queue", "Q", {"QueueName": "reuse"}, token())


# -- SQS / SNS FIFO ------------------------------------------------------------------------

def test_fifo_queue_names(provider, token):
    provider.create(STACK, "AWS::SQS::Queue", "F", {"QueueName": "jobs.fifo", "FifoQueue": True}, token())
    provider.create(STACK, "AWS::SQS::Queue", "G", {"FifoQueue": "true"}, token())
    refused(provider, token, "AWS::SQS::Queue", {"QueueName": "jobs2", "FifoQueue": True}, text=".fifo")
    refused(provider, token, "AWS::SQS::Queue", {"QueueName": "std.fifo"}, text="FifoQueue")
    refused(provider, token, "AWS::SQS::Queue", {"QueueName": "bad name!"})
    refused(provider, token, "AWS::SQS::Queue", {"ContentBasedDeduplication": True})


def test_fifo_topic_names(provider, token):
    provider.create(STACK, "AWS::SNS::Topic", "T", {"TopicName": "t.fifo", "FifoTopic": True}, token())
    refused(provider, token, "AWS::SNS::Topic", {"TopicName": "t2", "FifoTopic": True})


# -- DynamoDB ------------------------------------------------------------------------------

def _table(keys, defs, **extra):
    return {"KeySchema": [{"AttributeName": k, "KeyType": t} for k, t in keys],
            "AttributeDefinitions": [{"AttributeName": d, "AttributeType": "S"} for d in defs],
            "BillingMode": "PAY_PER_REQUEST", **extra}


def test_dynamodb_key_attributes(provider, token):
    provider.create(STACK, "AWS::DynamoDB::Table", "T", _table([("pk", "HASH"), ("sk", "RANGE")],
                                                               ["pk", "sk"]), token())
    gsi = [{"IndexName": "g", "KeySchema": [{"AttributeName": "gk", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}}]
    provider.create(STACK, "AWS::DynamoDB::Table", "T2",
                    _table([("pk", "HASH")], ["pk", "gk"], GlobalSecondaryIndexes=gsi), token())
    refused(provider, token, "AWS::DynamoDB::Table", _table([("pk", "HASH"), ("sk", "RANGE")], ["pk"]),
            text="not defined in AttributeDefinitions")
    refused(provider, token, "AWS::DynamoDB::Table", _table([("pk", "HASH")], ["pk"],
                                                            GlobalSecondaryIndexes=gsi),
            text="index key")
    refused(provider, token, "AWS::DynamoDB::Table", _table([("pk", "HASH")], ["pk", "unused"]),
            text="does not exactly match")


# -- Lambda --------------------------------------------------------------------------------

def test_lambda_limits_accepted(provider, token):
    make_function(provider, token, Timeout=900, MemorySize=10240)
    make_function(provider, token, logical_id="Small", Timeout="1", MemorySize="128")


@pytest.mark.parametrize("props,text", [
    ({"Timeout": 901}, "900"), ({"MemorySize": 127}, "128"), ({"MemorySize": 10241}, "10240"),
    ({"Runtime": "python2.7"}, "no longer supported"), ({"Runtime": "cobol85"}, "#/Runtime"),
])
def test_lambda_limits_refused(provider, token, props, text):
    with pytest.raises(ProviderError) as err:
        make_function(provider, token, **props)
    assert text in err.value.message


def test_lambda_role_must_exist_in_account(provider, token):
    base = {"Runtime": "python3.12", "Handler": "i.h", "Code": {"ZipFile": "x"}}
    refused(provider, token, "AWS::Lambda::Function",
            {**base, "Role": "arn:aws:iam::123456789012:role/missing"}, text="cannot be assumed")
    role = make_role(provider, token, RoleName="exists")
    refused(provider, token, "AWS::Lambda::Function",
            {**base, "Role": "arn:aws:iam::999999999999:role/exists"}, text="cannot be assumed")
    provider.create(STACK, "AWS::Lambda::Function", "F", {**base, "Role": role.attributes["Arn"]}, token())


def test_lambda_references_need_the_function(provider, token):
    refused(provider, token, "AWS::Lambda::Permission", {
        "FunctionName": "ghost", "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com"},
        code="NotFound", text="Function not found")
    fn = make_function(provider, token)
    provider.create(STACK, "AWS::Lambda::Permission", "P", {
        "FunctionName": fn.attributes["Arn"], "Action": "lambda:InvokeFunction",
        "Principal": "s3.amazonaws.com"}, token())
    provider.create(STACK, "AWS::Lambda::Alias", "A", {
        "FunctionName": fn.physical_id, "Name": "live", "FunctionVersion": "$LATEST"}, token())


def test_event_source_must_exist(provider, token):
    fn = make_function(provider, token)
    missing = "arn:aws:sqs:us-east-1:123456789012:nope"
    refused(provider, token, "AWS::Lambda::EventSourceMapping",
            {"FunctionName": fn.physical_id, "EventSourceArn": missing}, text="does not exist")
    q = provider.create(STACK, "AWS::SQS::Queue", "Q", {}, token())
    provider.create(STACK, "AWS::Lambda::EventSourceMapping", "M",
                    {"FunctionName": fn.physical_id, "EventSourceArn": q.attributes["Arn"]}, token())


# -- IAM -----------------------------------------------------------------------------------

def _policy(statement, **extra):
    return {"Version": "2012-10-17", "Statement": statement, **extra}


GOOD_STATEMENT = [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]


@pytest.mark.parametrize("document,text", [
    (_policy([{"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}]), "Effect"),
    (_policy([{"Effect": "Allow", "Resource": "*"}]), "actions"),
    (_policy([{"Effect": "Allow", "Action": "s3:*"}]), "resources"),
    (_policy([{"Effect": "Allow", "Action": "GetObject", "Resource": "*"}]), "vendor"),
    (_policy([]), "Statement"),
    (_policy(GOOD_STATEMENT, Version="2020-01-01"), "legacy"),
    ({"Version": "2012-10-17", "Statement": GOOD_STATEMENT, "Extra": 1}, "Unknown field"),
    (_policy([{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": "*"}]), "principal"),
    ("{not json", "Syntax"),
])
def test_malformed_identity_policies(provider, token, document, text):
    role = make_role(provider, token)
    err = refused(provider, token, "AWS::IAM::Policy", {"PolicyName": "p", "PolicyDocument": document,
                                                        "Roles": [role.physical_id]})
    assert text in err.message


def test_well_formed_policies_and_attachments(provider, token):
    role = make_role(provider, token)
    provider.create(STACK, "AWS::IAM::Policy", "P", {
        "PolicyName": "p", "PolicyDocument": _policy(GOOD_STATEMENT), "Roles": [role.physical_id]}, token())
    provider.create(STACK, "AWS::IAM::ManagedPolicy", "M", {"PolicyDocument": _policy(GOOD_STATEMENT)},
                    token())
    refused(provider, token, "AWS::IAM::Policy", {
        "PolicyName": "p", "PolicyDocument": _policy(GOOD_STATEMENT), "Roles": ["ghost"]},
        code="NotFound", text="cannot be found")
    refused(provider, token, "AWS::IAM::Policy", {"PolicyName": "p", "PolicyDocument": _policy(GOOD_STATEMENT)})


def test_trust_policy_needs_principal(provider, token):
    bad = _policy([{"Effect": "Allow", "Action": "sts:AssumeRole"}])
    refused(provider, token, "AWS::IAM::Role", {"AssumeRolePolicyDocument": bad}, text="principal")
    make_role(provider, token)


def test_resource_policies(provider, token):
    q = provider.create(STACK, "AWS::SQS::Queue", "Q", {}, token())
    good = _policy([{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                     "Resource": q.attributes["Arn"]}])
    provider.create(STACK, "AWS::SQS::QueuePolicy", "QP", {"Queues": [q.physical_id],
                                                           "PolicyDocument": good}, token())
    refused(provider, token, "AWS::SQS::QueuePolicy", {
        "Queues": [q.physical_id], "PolicyDocument": _policy(GOOD_STATEMENT)}, text="principal")


# -- EC2 -----------------------------------------------------------------------------------

def _vpc(provider, token):
    return provider.create(STACK, "AWS::EC2::VPC", "Vpc", {"CidrBlock": "10.0.0.0/16"}, token())


@pytest.mark.parametrize("rule", [
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/8"},
    {"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"},
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "192.168.1.0/0"},  # EC2 normalises
    {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "CidrIpv6": "::/0"},
    {"IpProtocol": "udp", "FromPort": "53", "ToPort": "53", "SourceSecurityGroupId": "sg-1"},
])
def test_security_group_rules_accepted(provider, token, rule):
    vpc = _vpc(provider, token)
    provider.create(STACK, "AWS::EC2::SecurityGroup", "SG", {
        "GroupDescription": "d", "VpcId": vpc.physical_id, "SecurityGroupIngress": [rule]}, token())


@pytest.mark.parametrize("rule,text", [
    ({"IpProtocol": "tcp", "FromPort": 80, "ToPort": 22, "CidrIp": "0.0.0.0/0"}, "cannot be greater"),
    ({"IpProtocol": "tcp", "FromPort": 0, "ToPort": 70000, "CidrIp": "0.0.0.0/0"}, "between 0 and 65535"),
    ({"IpProtocol": "tcp", "CidrIp": "0.0.0.0/0"}, "both from and to"),
    ({"IpProtocol": "tcp", "FromPort": 1, "ToPort": 2, "CidrIp": "10.0.0.300/8"}, "CIDR"),
    ({"IpProtocol": "tcp", "FromPort": 1, "ToPort": 2, "CidrIp": "10.0.0.0/33"}, "CIDR"),
    ({"IpProtocol": "tcp", "FromPort": 1, "ToPort": 2, "CidrIpv6": "10.0.0.0/8"}, "CIDR"),
    ({"IpProtocol": "bogus", "CidrIp": "0.0.0.0/0"}, "protocol"),
])
def test_security_group_rules_refused(provider, token, rule, text):
    vpc = _vpc(provider, token)
    refused(provider, token, "AWS::EC2::SecurityGroup", {
        "GroupDescription": "d", "VpcId": vpc.physical_id, "SecurityGroupIngress": [rule]}, text=text)


def test_standalone_ingress_needs_group(provider, token):
    vpc = _vpc(provider, token)
    sg = provider.create(STACK, "AWS::EC2::SecurityGroup", "SG", {"GroupDescription": "d",
                                                                  "VpcId": vpc.physical_id}, token())
    provider.create(STACK, "AWS::EC2::SecurityGroupIngress", "In", {
        "GroupId": sg.physical_id, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "CidrIp": "0.0.0.0/0"}, token())
    refused(provider, token, "AWS::EC2::SecurityGroupIngress", {
        "GroupId": "sg-0000000000000000a", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "CidrIp": "0.0.0.0/0"}, code="NotFound", text="InvalidGroup.NotFound")


def test_vpc_and_subnet_cidrs(provider, token):
    vpc = _vpc(provider, token)
    provider.create(STACK, "AWS::EC2::Subnet", "S", {"VpcId": vpc.physical_id, "CidrBlock": "10.0.1.0/24"},
                    token())
    refused(provider, token, "AWS::EC2::Subnet", {"VpcId": vpc.physical_id, "CidrBlock": "10.1.0.0/24"},
            text="InvalidSubnet.Range")
    refused(provider, token, "AWS::EC2::Subnet", {"VpcId": "vpc-0123456789abcdef0",
                                                  "CidrBlock": "10.0.1.0/24"},
            code="NotFound", text="InvalidVpcID.NotFound")
    refused(provider, token, "AWS::EC2::VPC", {"CidrBlock": "10.0.0.0/8"}, text="InvalidVpc.Range")


def _instance(provider, token, az):
    ids = provider.default_ids("123456789012", "us-east-1")
    subnet = ids["DefaultSubnet" + az[-1].upper()]
    return provider.create(STACK, "AWS::EC2::Instance", "I" + az[-1], {"ImageId": "ami-12345678",
                                                                      "SubnetId": subnet}, token())


def test_volume_attachment_same_zone(provider, token):
    inst = _instance(provider, token, "us-east-1a")
    near = provider.create(STACK, "AWS::EC2::Volume", "V", {"AvailabilityZone": "us-east-1a", "Size": 8},
                           token())
    far = provider.create(STACK, "AWS::EC2::Volume", "W", {"AvailabilityZone": "us-east-1b", "Size": 8},
                          token())
    provider.create(STACK, "AWS::EC2::VolumeAttachment", "A", {
        "InstanceId": inst.physical_id, "VolumeId": near.physical_id, "Device": "/dev/sdf"}, token())
    refused(provider, token, "AWS::EC2::VolumeAttachment", {
        "InstanceId": inst.physical_id, "VolumeId": far.physical_id, "Device": "/dev/sdg"},
        text="ZoneMismatch")
    refused(provider, token, "AWS::EC2::VolumeAttachment", {
        "InstanceId": "i-0123456789abcdef0", "VolumeId": near.physical_id, "Device": "/dev/sdh"},
        code="NotFound", text="InvalidInstanceID.NotFound")


def test_eip_needs_existing_instance(provider, token):
    inst = _instance(provider, token, "us-east-1b")
    provider.create(STACK, "AWS::EC2::EIP", "E", {"InstanceId": inst.physical_id}, token())
    provider.create(STACK, "AWS::EC2::EIP", "Free", {"Domain": "vpc"}, token())
    refused(provider, token, "AWS::EC2::EIP", {"InstanceId": "i-0123456789abcdef0"}, code="NotFound")


def test_api_gateway_references(provider, token):
    api = provider.create(STACK, "AWS::ApiGateway::RestApi", "Api", {"Name": "a"}, token())
    res = provider.create(STACK, "AWS::ApiGateway::Resource", "Res", {
        "RestApiId": api.physical_id, "ParentId": api.attributes["RootResourceId"], "PathPart": "x"},
        token())
    provider.create(STACK, "AWS::ApiGateway::Resource", "Child", {
        "RestApiId": api.physical_id, "ParentId": res.physical_id, "PathPart": "y"}, token())
    refused(provider, token, "AWS::ApiGateway::Resource", {
        "RestApiId": "nope123456", "ParentId": "x", "PathPart": "x"}, code="NotFound")
    refused(provider, token, "AWS::ApiGateway::Resource", {
        "RestApiId": api.physical_id, "ParentId": "zzzzzz", "PathPart": "x"}, code="NotFound")


def test_custom_name_too_long(provider, token):
    refused(provider, token, "AWS::Lambda::Function", {"FunctionName": "f" * 65, "Role": "x",
                                                       "Code": {"ZipFile": "x"}})


def test_read_only_property_set_is_an_error(provider, token):
    refused(provider, token, "AWS::SQS::Queue", {"Arn": "x"}, text="read-only")


# -- ARNs of this account must exist; deletes with dependents fail --------------------------

def test_dead_letter_queue_must_exist(provider, token):
    missing = "arn:aws:sqs:us-east-1:123456789012:nope"
    refused(provider, token, "AWS::SQS::Queue", {"RedrivePolicy": {
        "deadLetterTargetArn": missing, "maxReceiveCount": 3}}, code="NotFound", text="Dead-letter")
    dlq = provider.create(STACK, "AWS::SQS::Queue", "DLQ", {}, token())
    provider.create(STACK, "AWS::SQS::Queue", "Q", {"RedrivePolicy": {
        "deadLetterTargetArn": dlq.attributes["Arn"], "maxReceiveCount": 3}}, token())
    # another account's queue is not this account's business
    provider.create(STACK, "AWS::SQS::Queue", "X", {"RedrivePolicy": {
        "deadLetterTargetArn": "arn:aws:sqs:us-east-1:999999999999:theirs", "maxReceiveCount": 3}}, token())


def test_subscription_topic_and_state_machine_role(provider, token):
    refused(provider, token, "AWS::SNS::Subscription", {
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:none", "Protocol": "email",
        "Endpoint": "a@example.com"}, code="NotFound")
    topic = provider.create(STACK, "AWS::SNS::Topic", "T", {}, token())
    provider.create(STACK, "AWS::SNS::Subscription", "S", {
        "TopicArn": topic.physical_id, "Protocol": "email", "Endpoint": "a@example.com"}, token())
    refused(provider, token, "AWS::StepFunctions::StateMachine", {
        "RoleArn": "arn:aws:iam::123456789012:role/none", "DefinitionString": "{}"}, code="NotFound")
    role = make_role(provider, token)
    provider.create(STACK, "AWS::StepFunctions::StateMachine", "SM", {
        "RoleArn": role.attributes["Arn"], "DefinitionString": "{}"}, token())


def test_vpc_with_dependents_cannot_be_deleted(provider, token):
    vpc = _vpc(provider, token)
    subnet = provider.create(OTHER_STACK, "AWS::EC2::Subnet", "S", {
        "VpcId": vpc.physical_id, "CidrBlock": "10.0.1.0/24"}, token())
    with pytest.raises(ProviderError) as err:
        provider.delete(STACK, "AWS::EC2::VPC", "Vpc", vpc.physical_id, token())
    assert "DependencyViolation" in err.value.message
    provider.delete(OTHER_STACK, "AWS::EC2::Subnet", "S", subnet.physical_id, token())
    provider.delete(STACK, "AWS::EC2::VPC", "Vpc", vpc.physical_id, token())


def test_event_rule_names_unique_per_bus(provider, token):
    rule = {"Name": "nightly", "ScheduleExpression": "rate(1 day)"}
    provider.create(STACK, "AWS::Events::Rule", "A", rule, token())
    provider.create(STACK, "AWS::Events::Rule", "B", {**rule, "EventBusName": "orders"}, token())
    refused(provider, token, "AWS::Events::Rule", rule, "C", code="AlreadyExists")
