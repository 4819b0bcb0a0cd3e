"""Ref and Fn::GetAtt values of the commonly used types, against the formats documented in the
"Return values" section of each type's CloudFormation reference page."""

from __future__ import annotations

import re

import pytest

from stackengine.providers.local import custom_name_property
from stackengine.providers.local.formats import build_identity, context_vars, load_formats
from stackengine.providers.local.naming import seeded_rng
from stackengine.specs import default_registry

ACCT, REGION = "123456789012", "us-east-1"
G = r"mystack-[A-Za-z0-9]+-[A-Z0-9]{13}"          # a generated name
GL = r"mystack-[a-z0-9]+-[a-z0-9]{12,13}"         # a generated lower-case name
HEX17 = r"[0-9a-f]{17}"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}"
FN_ARN = f"arn:aws:lambda:{REGION}:{ACCT}:function:fn"
LB_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCT}:loadbalancer/app/lb/0123456789abcdef"

# (type, properties, extra derived vars, Ref regex, {attribute: regex})
CASES: list[tuple[str, dict, dict, str, dict[str, str]]] = [
    ("AWS::S3::Bucket", {}, {}, GL, {
        "Arn": f"arn:aws:s3:::{GL}", "DomainName": f"{GL}\\.s3\\.amazonaws\\.com",
        "RegionalDomainName": f"{GL}\\.s3\\.us-east-1\\.amazonaws\\.com",
        "DualStackDomainName": f"{GL}\\.s3\\.dualstack\\.us-east-1\\.amazonaws\\.com",
        "WebsiteURL": f"http://{GL}\\.s3-website-us-east-1\\.amazonaws\\.com"}),
    ("AWS::S3::Bucket", {"BucketName": "my-bucket"}, {}, "my-bucket", {"Arn": "arn:aws:s3:::my-bucket"}),
    ("AWS::S3::BucketPolicy", {"Bucket": "b", "PolicyDocument": {}}, {}, G, {}),
    ("AWS::SQS::Queue", {"QueueName": "q"}, {}, f"https://sqs\\.us-east-1\\.amazonaws\\.com/{ACCT}/q",
     {"Arn": f"arn:aws:sqs:us-east-1:{ACCT}:q", "QueueName": "q",
      "QueueUrl": f"https://sqs\\.us-east-1\\.amazonaws\\.com/{ACCT}/q"}),
    ("AWS::SQS::Queue", {"FifoQueue": True}, {}, f"https://sqs\\.us-east-1\\.amazonaws\\.com/{ACCT}/{G}\\.fifo",
     {"QueueName": f"{G}\\.fifo"}),
    ("AWS::SQS::QueuePolicy", {"Queues": ["u"], "PolicyDocument": {}}, {}, G, {"Id": G}),
    ("AWS::SNS::Topic", {}, {}, f"arn:aws:sns:us-east-1:{ACCT}:{G}",
     {"TopicArn": f"arn:aws:sns:us-east-1:{ACCT}:{G}", "TopicName": G}),
    ("AWS::SNS::Subscription", {"TopicArn": f"arn:aws:sns:us-east-1:{ACCT}:t", "Protocol": "sqs"}, {},
     f"arn:aws:sns:us-east-1:{ACCT}:t:{UUID}", {"Arn": f"arn:aws:sns:us-east-1:{ACCT}:t:{UUID}"}),
    ("AWS::SNS::TopicPolicy", {"Topics": [], "PolicyDocument": {}}, {}, G, {}),
    ("AWS::Lambda::Function", {"FunctionName": "fn"}, {}, "fn", {"Arn": FN_ARN}),
    ("AWS::Lambda::Version", {"FunctionName": "fn"}, {"FunctionArn": FN_ARN, "Version": "1"},
     f"{FN_ARN}:1", {"Version": "1", "FunctionArn": f"{FN_ARN}:1"}),
    ("AWS::Lambda::Alias", {"FunctionName": "fn", "Name": "live", "FunctionVersion": "1"},
     {"FunctionArn": FN_ARN}, f"{FN_ARN}:live", {"AliasArn": f"{FN_ARN}:live"}),
    ("AWS::Lambda::Permission", {"FunctionName": "fn", "Action": "lambda:InvokeFunction",
                                 "Principal": "s3.amazonaws.com"}, {}, G, {"Id": G}),
    ("AWS::Lambda::EventSourceMapping", {"FunctionName": "fn"}, {}, UUID, {
        "Id": UUID, "EventSourceMappingArn": f"arn:aws:lambda:us-east-1:{ACCT}:event-source-mapping:{UUID}"}),
    ("AWS::Lambda::LayerVersion", {"LayerName": "lib"}, {"Version": "3"},
     f"arn:aws:lambda:us-east-1:{ACCT}:layer:lib:3",
     {"LayerVersionArn": f"arn:aws:lambda:us-east-1:{ACCT}:layer:lib:3"}),
    ("AWS::IAM::Role", {}, {}, G, {"Arn": f"arn:aws:iam::{ACCT}:role/{G}", "RoleId": "AROA[A-Z0-9]{17}"}),
    ("AWS::IAM::Role", {"RoleName": "r", "Path": "/svc/"}, {}, "r", {"Arn": f"arn:aws:iam::{ACCT}:role/svc/r"}),
    ("AWS::IAM::User", {}, {}, G, {"Arn": f"arn:aws:iam::{ACCT}:user/{G}"}),
    ("AWS::IAM::Group", {"GroupName": "g"}, {}, "g", {"Arn": f"arn:aws:iam::{ACCT}:group/g"}),
    ("AWS::IAM::Policy", {"PolicyName": "p", "PolicyDocument": {}}, {}, G, {}),
    ("AWS::IAM::ManagedPolicy", {"ManagedPolicyName": "mp"}, {}, f"arn:aws:iam::{ACCT}:policy/mp",
     {"PolicyArn": f"arn:aws:iam::{ACCT}:policy/mp", "PolicyId": "ANPA[A-Z0-9]{17}"}),
    ("AWS::IAM::InstanceProfile", {}, {}, G, {"Arn": f"arn:aws:iam::{ACCT}:instance-profile/{G}"}),
    ("AWS::IAM::AccessKey", {"UserName": "u"}, {}, "AKIA[A-Z0-9]{16}", {"SecretAccessKey": "[A-Za-z0-9]{40}"}),
    ("AWS::DynamoDB::Table", {"TableName": "t", "StreamSpecification": {"StreamViewType": "KEYS_ONLY"}},
     {}, "t", {
        "Arn": f"arn:aws:dynamodb:us-east-1:{ACCT}:table/t",
        "StreamArn": f"arn:aws:dynamodb:us-east-1:{ACCT}:table/t/stream/2024-01-01T00:00:00\\.\\d{{3}}"}),
    ("AWS::Kinesis::Stream", {}, {}, G, {"Arn": f"arn:aws:kinesis:us-east-1:{ACCT}:stream/{G}"}),
    ("AWS::Logs::LogGroup", {"LogGroupName": "/aws/lambda/x"}, {}, "/aws/lambda/x",
     {"Arn": f"arn:aws:logs:us-east-1:{ACCT}:log-group:/aws/lambda/x:\\*"}),
    ("AWS::SSM::Parameter", {"Name": "/app/p", "Type": "String", "Value": "v"}, {}, "/app/p",
     {"Type": "String", "Value": "v"}),
    ("AWS::KMS::Key", {}, {}, UUID, {"Arn": f"arn:aws:kms:us-east-1:{ACCT}:key/{UUID}", "KeyId": UUID}),
    ("AWS::KMS::Alias", {"AliasName": "alias/k", "TargetKeyId": "x"}, {}, "alias/k", {}),
    ("AWS::SecretsManager::Secret", {"Name": "s"}, {}, f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:s-[A-Za-z0-9]{{6}}", {}),
    ("AWS::EC2::Instance", {"ImageId": "ami-1"}, {"SubnetAZ": "us-east-1b"}, f"i-{HEX17}", {
        "AvailabilityZone": "us-east-1b", "PrivateIp": r"10\.0\.\d+\.\d+",
        "PrivateDnsName": r"ip-10-0-\d+-\d+\.ec2\.internal", "PublicIp": r"54\.\d+\.\d+\.\d+",
        "PublicDnsName": r"ec2-54-\d+-\d+-\d+\.compute-1\.amazonaws\.com"}),
    ("AWS::EC2::SecurityGroup", {"GroupDescription": "d", "VpcId": "vpc-1"}, {}, f"sg-{HEX17}",
     {"GroupId": f"sg-{HEX17}", "VpcId": "vpc-1"}),
    ("AWS::EC2::VPC", {"CidrBlock": "10.0.0.0/16"}, {}, f"vpc-{HEX17}", {
        "CidrBlock": r"10\.0\.0\.0/16", "DefaultSecurityGroup": f"sg-{HEX17}",
        "DefaultNetworkAcl": f"acl-{HEX17}", "VpcId": f"vpc-{HEX17}"}),
    ("AWS::EC2::Subnet", {"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24"}, {}, f"subnet-{HEX17}",
     {"AvailabilityZone": "us-east-1a", "VpcId": "vpc-1", "SubnetId": f"subnet-{HEX17}"}),
    ("AWS::EC2::EIP", {}, {}, r"3\.\d+\.\d+\.\d+", {"AllocationId": f"eipalloc-{HEX17}",
                                                    "PublicIp": r"3\.\d+\.\d+\.\d+"}),
    ("AWS::EC2::InternetGateway", {}, {}, f"igw-{HEX17}", {"InternetGatewayId": f"igw-{HEX17}"}),
    ("AWS::EC2::RouteTable", {"VpcId": "vpc-1"}, {}, f"rtb-{HEX17}", {"RouteTableId": f"rtb-{HEX17}"}),
    ("AWS::EC2::Route", {"RouteTableId": "rtb-1", "DestinationCidrBlock": "0.0.0.0/0"}, {}, G, {}),
    ("AWS::EC2::VPCGatewayAttachment", {"VpcId": "vpc-1"}, {}, G, {}),
    ("AWS::EC2::SubnetRouteTableAssociation", {"SubnetId": "s", "RouteTableId": "r"}, {},
     f"rtbassoc-{HEX17}", {}),
    ("AWS::EC2::NatGateway", {"SubnetId": "s"}, {}, f"nat-{HEX17}", {"NatGatewayId": f"nat-{HEX17}"}),
    ("AWS::EC2::Volume", {"AvailabilityZone": "us-east-1a"}, {}, f"vol-{HEX17}", {}),
    ("AWS::EC2::VolumeAttachment", {"InstanceId": "i-1", "VolumeId": "vol-1"}, {}, G, {}),
    ("AWS::EC2::LaunchTemplate", {"LaunchTemplateData": {}}, {}, f"lt-{HEX17}", {
        "LaunchTemplateId": f"lt-{HEX17}", "DefaultVersionNumber": "1", "LatestVersionNumber": "1"}),
    ("AWS::EC2::SecurityGroupIngress", {"IpProtocol": "tcp"}, {}, f"sgr-{HEX17}", {}),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", {"Name": "lb"}, {},
     f"arn:aws:elasticloadbalancing:us-east-1:{ACCT}:loadbalancer/app/lb/[0-9a-f]{{16}}", {
         "DNSName": r"lb-\d{10}\.us-east-1\.elb\.amazonaws\.com", "LoadBalancerName": "lb",
         "LoadBalancerFullName": "app/lb/[0-9a-f]{16}", "CanonicalHostedZoneID": "Z35SXDOTRQ7X7K"}),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", {"Name": "nlb", "Type": "network"}, {},
     f"arn:aws:elasticloadbalancing:us-east-1:{ACCT}:loadbalancer/net/nlb/[0-9a-f]{{16}}", {}),
    ("AWS::ElasticLoadBalancingV2::TargetGroup", {"Name": "tg"}, {},
     f"arn:aws:elasticloadbalancing:us-east-1:{ACCT}:targetgroup/tg/[0-9a-f]{{16}}",
     {"TargetGroupFullName": "targetgroup/tg/[0-9a-f]{16}", "TargetGroupName": "tg"}),
    ("AWS::ElasticLoadBalancingV2::Listener", {"LoadBalancerArn": LB_ARN},
     {"ListenerPrefix": LB_ARN.replace(":loadbalancer/", ":listener/")},
     f"arn:aws:elasticloadbalancing:us-east-1:{ACCT}:listener/app/lb/0123456789abcdef/[0-9a-f]{{16}}", {}),
    ("AWS::AutoScaling::AutoScalingGroup", {"MaxSize": "1", "MinSize": "0"}, {}, G, {}),
    ("AWS::AutoScaling::LaunchConfiguration", {"ImageId": "ami-1", "InstanceType": "t3.micro"}, {}, G, {}),
    ("AWS::ApiGateway::RestApi", {"Name": "api"}, {}, "[a-z0-9]{10}",
     {"RootResourceId": "[a-z0-9]{10}", "RestApiId": "[a-z0-9]{10}"}),
    ("AWS::ApiGateway::Resource", {"RestApiId": "a", "ParentId": "p", "PathPart": "x"}, {}, "[a-z0-9]{6}",
     {"ResourceId": "[a-z0-9]{6}"}),
    ("AWS::ApiGateway::Method", {"RestApiId": "a", "ResourceId": "r", "HttpMethod": "GET"}, {}, G, {}),
    ("AWS::ApiGateway::Deployment", {"RestApiId": "a"}, {}, "[a-z0-9]{6}", {}),
    ("AWS::ApiGateway::Stage", {"RestApiId": "a", "StageName": "prod"}, {}, "prod", {}),
    ("AWS::ApiGateway::ApiKey", {}, {}, "[a-z0-9]{10}", {"APIKeyId": "[a-z0-9]{10}"}),
    ("AWS::ApiGateway::UsagePlan", {}, {}, "[a-z0-9]{6}", {"Id": "[a-z0-9]{6}"}),
    ("AWS::ApiGatewayV2::Api", {"Name": "h", "ProtocolType": "HTTP"}, {}, "[a-z0-9]{10}",
     {"ApiEndpoint": r"https://[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com"}),
    ("AWS::ApiGatewayV2::Stage", {"ApiId": "a", "StageName": "$default"}, {}, r"\$default", {}),
    ("AWS::ApiGatewayV2::Route", {"ApiId": "a", "RouteKey": "GET /"}, {}, "[a-z0-9]{7}", {}),
    ("AWS::ApiGatewayV2::Integration", {"ApiId": "a", "IntegrationType": "AWS_PROXY"}, {}, "[a-z0-9]{7}", {}),
    ("AWS::Events::Rule", {"ScheduleExpression": "rate(1 minute)"}, {}, G,
     {"Arn": f"arn:aws:events:us-east-1:{ACCT}:rule/{G}"}),
    ("AWS::StepFunctions::StateMachine", {"StateMachineName": "sm"}, {},
     f"arn:aws:states:us-east-1:{ACCT}:stateMachine:sm",
     {"Arn": f"arn:aws:states:us-east-1:{ACCT}:stateMachine:sm", "Name": "sm"}),
    ("AWS::ECS::Cluster", {"ClusterName": "c"}, {}, "c", {"Arn": f"arn:aws:ecs:us-east-1:{ACCT}:cluster/c"}),
    ("AWS::ECS::Service", {"ServiceName": "svc"}, {"ClusterShort": "c"},
     f"arn:aws:ecs:us-east-1:{ACCT}:service/c/svc", {"Name": "svc"}),
    ("AWS::ECS::TaskDefinition", {"Family": "fam"}, {"Revision": "1"},
     f"arn:aws:ecs:us-east-1:{ACCT}:task-definition/fam:1", {}),
    ("AWS::ECR::Repository", {"RepositoryName": "repo"}, {}, "repo", {
        "Arn": f"arn:aws:ecr:us-east-1:{ACCT}:repository/repo",
        "RepositoryUri": f"{ACCT}\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/repo"}),
    ("AWS::CloudFront::Distribution", {"DistributionConfig": {}}, {}, "E[A-Z0-9]{13}",
     {"DomainName": r"d[a-z0-9]{13}\.cloudfront\.net", "Id": "E[A-Z0-9]{13}"}),
    ("AWS::Route53::HostedZone", {"Name": "example.com"}, {}, "Z[A-Z0-9]{20}", {"Id": "Z[A-Z0-9]{20}"}),
    ("AWS::Route53::RecordSet", {"Name": "www.example.com", "Type": "A"}, {}, r"www\.example\.com", {}),
    ("AWS::RDS::DBInstance", {"Engine": "postgres"}, {}, GL, {
        "Endpoint.Address": f"{GL}\\.[a-z0-9]{{12}}\\.us-east-1\\.rds\\.amazonaws\\.com",
        "Endpoint.Port": "5432", "DBInstanceArn": f"arn:aws:rds:us-east-1:{ACCT}:db:{GL}"}),
    ("AWS::RDS::DBInstance", {"Engine": "mysql", "DBInstanceIdentifier": "db1"}, {}, "db1",
     {"Endpoint.Port": "3306"}),
    ("AWS::RDS::DBSubnetGroup", {"DBSubnetGroupDescription": "d", "SubnetIds": []}, {},
     r"mystack-[a-z0-9]+-[a-z0-9]{13}", {}),
    ("AWS::ElastiCache::CacheCluster", {"Engine": "redis"}, {}, r"[a-z0-9-]+", {
        "RedisEndpoint.Address": r"[a-z0-9-]+\.[a-z0-9]{6}\.0001\.use1\.cache\.amazonaws\.com",
        "RedisEndpoint.Port": "6379"}),
    ("AWS::Cognito::UserPool", {}, {}, "us-east-1_[A-Za-z0-9]{9}", {
        "Arn": f"arn:aws:cognito-idp:us-east-1:{ACCT}:userpool/us-east-1_[A-Za-z0-9]{{9}}",
        "ProviderName": r"cognito-idp\.us-east-1\.amazonaws\.com/us-east-1_[A-Za-z0-9]{9}"}),
    ("AWS::Cognito::UserPoolClient", {"UserPoolId": "p"}, {}, "[a-z0-9]{26}", {"ClientId": "[a-z0-9]{26}"}),
    ("AWS::CodeBuild::Project", {"Name": "proj"}, {}, "proj",
     {"Arn": f"arn:aws:codebuild:us-east-1:{ACCT}:project/proj"}),
    ("AWS::CodePipeline::Pipeline", {"Name": "pipe"}, {}, "pipe", {"Version": "1"}),
    ("AWS::CodeCommit::Repository", {"RepositoryName": "code"}, {}, UUID, {
        "Arn": f"arn:aws:codecommit:us-east-1:{ACCT}:code",
        "CloneUrlHttp": r"https://git-codecommit\.us-east-1\.amazonaws\.com/v1/repos/code", "Name": "code"}),
    ("AWS::CloudWatch::Alarm", {"AlarmName": "al"}, {}, "al",
     {"Arn": f"arn:aws:cloudwatch:us-east-1:{ACCT}:alarm:al"}),
    ("AWS::ElasticBeanstalk::Application", {"ApplicationName": "app"}, {}, "app", {}),
    ("AWS::ElasticBeanstalk::Environment", {"ApplicationName": "app"}, {}, r"mystack-[A-Za-z0-9-]+",
     {"EndpointURL": r"awseb-e-.*\.us-east-1\.elb\.amazonaws\.com"}),
]


def _identity(type_name: str, props: dict, extra: dict, region: str = REGION, partition: str = "aws"):
    schema = default_registry().get(type_name)
    ctx = context_vars(ACCT, region, partition, "mystack", "sid", "Logical")
    return build_identity(type_name, schema, props, ctx, seeded_rng("sid", "Logical"), extra_vars=extra)


@pytest.mark.parametrize("type_name,props,extra,ref,attrs", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_documented_formats(type_name, props, extra, ref, attrs):
    identity = _identity(type_name, props, extra)
    assert re.fullmatch(ref, identity.physical_id), identity.physical_id
    for name, pattern in attrs.items():
        value = identity.attributes[name]
        assert re.fullmatch(pattern, str(value)), f"{name}={value!r}"


def test_at_least_sixty_types_have_explicit_formats():
    covered = {c[0] for c in CASES}
    assert len(covered) >= 60
    assert covered <= set(load_formats())


def test_every_getatt_of_every_listed_type_has_a_value():
    registry = default_registry()
    for type_name in load_formats():
        schema = registry.get(type_name)
        assert schema is not None, type_name
        identity = _identity(type_name, {}, {})
        optional = set(load_formats()[type_name].only_when)
        for name in schema.getatt_names():
            if "*" not in name and name not in optional:
                assert name in identity.attributes, (type_name, name)


def test_attributes_that_need_a_property():
    plain = _identity("AWS::DynamoDB::Table", {"TableName": "t"}, {})
    assert "StreamArn" not in plain.attributes and "Arn" in plain.attributes


def test_generic_fallback_for_any_type():
    identity = _identity("AWS::Batch::ComputeEnvironment", {"Type": "UNMANAGED"}, {})
    assert identity.physical_id.startswith(f"arn:aws:batch:us-east-1:{ACCT}:")
    # composite primary identifiers are joined with "|" (Cloud Control's convention)
    composite = _identity("AWS::IAM::RolePolicy", {"PolicyName": "p", "RoleName": "r"}, {})
    assert composite.physical_id == "p|r"
    schema = default_registry().get("AWS::Batch::ComputeEnvironment")
    for name in schema.getatt_names():
        assert "*" in name or name in identity.attributes


def test_partition_and_region_are_used():
    identity = _identity("AWS::SQS::Queue", {"QueueName": "q"}, {}, region="cn-north-1",
                         partition="aws-cn")
    assert identity.attributes["Arn"] == f"arn:aws-cn:sqs:cn-north-1:{ACCT}:q"
    assert identity.physical_id == f"https://sqs.cn-north-1.amazonaws.com.cn/{ACCT}/q"
    website = _identity("AWS::S3::Bucket", {"BucketName": "b"}, {}, region="eu-central-1")
    assert website.attributes["WebsiteURL"] == "http://b.s3-website.eu-central-1.amazonaws.com"
    ec2 = _identity("AWS::EC2::Instance", {}, {}, region="eu-west-1")
    assert ec2.attributes["PrivateDnsName"].endswith(".eu-west-1.compute.internal")


def test_update_keeps_generated_values():
    first = _identity("AWS::SQS::Queue", {}, {})
    schema = default_registry().get("AWS::SQS::Queue")
    ctx = context_vars(ACCT, REGION, "aws", "mystack", "sid", "Logical")
    again = build_identity("AWS::SQS::Queue", schema, {"DelaySeconds": 5}, ctx,
                           seeded_rng("other", "seed"), saved_vars=first.vars)
    assert again.physical_id == first.physical_id
    assert again.attributes["DelaySeconds"] == 5


@pytest.mark.parametrize("type_name,prop", [
    ("AWS::S3::Bucket", "BucketName"), ("AWS::SQS::Queue", "QueueName"),
    ("AWS::DynamoDB::Table", "TableName"), ("AWS::IAM::Role", "RoleName"),
    ("AWS::Lambda::Function", "FunctionName"), ("AWS::Logs::LogGroup", "LogGroupName"),
    ("AWS::SNS::Topic", "TopicName"), ("AWS::SSM::Parameter", "Name"),
    ("AWS::EC2::VPC", None), ("AWS::Lambda::Permission", None), ("AWS::Nope::Nope", None)])
def test_custom_name_property(type_name, prop):
    assert custom_name_property(type_name) == prop
