"""Pull event sources: Lambda polls the source through an AWS::Lambda::EventSourceMapping, and the
function's role gets the permissions to read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from stackengine.transform.sam.common import ANY, Json, Prop, fail, plain, resource
from stackengine.transform.sam.events.spec import check_event

if TYPE_CHECKING:
    from stackengine.transform.sam.function import FunctionTarget

Path = tuple[Any, ...]

AUTH_TYPES = ("BASIC_AUTH", "SASL_SCRAM_256_AUTH", "SASL_SCRAM_512_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH")
VPC_ACTIONS = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
               "ec2:DeleteNetworkInterface", "ec2:DescribeVpcs", "ec2:DescribeSubnets",
               "ec2:DescribeSecurityGroups"]

# ESM properties every pull source may pass through as written.
COMMON = ("BatchSize", "Enabled", "MaximumBatchingWindowInSeconds", "FilterCriteria",
          "MetricsConfig", "KmsKeyArn", "FunctionResponseTypes", "ProvisionedPollerConfig",
          "LoggingConfig")
STREAM = ("StartingPosition", "StartingPositionTimestamp", "MaximumRetryAttempts",
          "BisectBatchOnFunctionError", "MaximumRecordAgeInSeconds", "ParallelizationFactor",
          "TumblingWindowInSeconds")


@dataclass(frozen=True)
class PullSource:
    source: str | None
    """The SAM property holding the source ARN (None: the source is not one ARN)."""
    passthrough: tuple[str, ...]
    extra: tuple[str, ...] = ()
    """Accepted properties translated by hand."""
    managed_policy: str | None = None
    policy: Callable[..., None] | None = None
    requires_starting_position: bool = False
    destination: bool = False

    def schema(self) -> dict[str, Prop]:
        names = self.passthrough + self.extra + ((self.source,) if self.source else ())
        return {n: ANY for n in names}


def _destination_policy(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> Json:
    config = props.get("DestinationConfig")
    if config is None:
        return None
    if not isinstance(config, dict):
        raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                   "invalid. 'DestinationConfig' must be a map.", path + ("DestinationConfig",))
    on_failure = config.get("OnFailure")
    if on_failure is None:
        return plain(config) if config else None
    if not isinstance(on_failure, dict):
        raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                   "invalid. 'OnFailure' must be a map.", path + ("DestinationConfig", "OnFailure"))
    destination = plain(on_failure.get("Destination"))
    type_ = on_failure.get("Type")
    if type_ is not None:
        actions = {"SQS": ("sqs:SendMessage", "SQSPolicy"), "SNS": ("sns:publish", "SNSPolicy"),
                   "S3": (["s3:PutObject", "s3:ListBucket"], "S3Policy"), "Kafka": (None, None)}
        if type_ not in actions:
            raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                       "invalid. The only valid values for 'Type' are 'SQS', 'SNS' and 'S3'",
                       path + ("DestinationConfig", "OnFailure", "Type"))
        if destination is None:
            raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                       "invalid. Destination is required when Type is set.",
                       path + ("DestinationConfig", "OnFailure"))
        action, suffix = actions[type_]
        if type_ == "Kafka":
            statements = []
        elif type_ == "S3":
            statements = s3_destination_statements(destination)
        else:
            statements = [{"Action": action, "Effect": "Allow", "Resource": destination}]
        if statements:
            target.add_inline_policy(f"{target.logical_id}{name}{suffix}", {"Statement": statements})
    out = {k: plain(v) for k, v in config.items() if k != "OnFailure"}
    out["OnFailure"] = {k: plain(v) for k, v in on_failure.items() if k != "Type"}
    return out


def s3_destination_statements(bucket_arn: Json) -> list[Json]:
    """Writing failed records to a bucket: PutObject on its objects, ListBucket on the bucket."""
    return [{"Action": "s3:PutObject", "Effect": "Allow", "Resource": {"Fn::Join": ["/", [bucket_arn, "*"]]}},
            {"Action": "s3:ListBucket", "Effect": "Allow", "Resource": bucket_arn}]


def _secrets_policy(target: FunctionTarget, name: str, props: dict[str, Json], path: Path,
                    *, kind: str) -> list[Json]:
    """Statements for SourceAccessConfigurations (secrets to read, VPC to attach)."""
    configs = props.get("SourceAccessConfigurations")
    if configs is None:
        return []
    if not isinstance(configs, list):
        raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                   "invalid. 'SourceAccessConfigurations' must be a list.",
                   path + ("SourceAccessConfigurations",))
    statements: list[Json] = []
    vpc = False
    basic = [c for c in configs if isinstance(c, dict) and c.get("Type") == "BASIC_AUTH"]
    if len(basic) > 1:
        raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is invalid. "
                   "Multiple BASIC_AUTH properties specified in SourceAccessConfigurations.",
                   path + ("SourceAccessConfigurations",))
    for index, config in enumerate(configs):
        if not isinstance(config, dict) or "Type" not in config:
            raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                       "invalid. No 'Type' property provided in SourceAccessConfigurations",
                       path + ("SourceAccessConfigurations", index))
        type_ = config["Type"]
        if kind == "MQ" and type_ not in ("BASIC_AUTH", "VIRTUAL_HOST"):
            raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                       f"invalid. Invalid 'Type' {type_!r} in SourceAccessConfigurations for MQ.",
                       path + ("SourceAccessConfigurations", index, "Type"))
        if type_ == "BASIC_AUTH" and config.get("URI") is None:
            raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                       "invalid. No URI property specified in SourceAccessConfigurations.",
                       path + ("SourceAccessConfigurations", index))
        if type_ == "SERVER_ROOT_CA_CERTIFICATE":
            # The reference grants the authentication secret again for the root CA entry.
            auth_uri = next((c.get("URI") for c in configs if isinstance(c, dict) and c.get("Type") in
                             AUTH_TYPES), config.get("URI"))
            statements.append({"Action": ["secretsmanager:GetSecretValue"], "Effect": "Allow",
                               "Resource": plain(auth_uri)})
        elif type_ in AUTH_TYPES:
            statements.append({"Action": ["secretsmanager:GetSecretValue"], "Effect": "Allow",
                               "Resource": plain(config.get("URI"))})
        elif type_ in ("VPC_SUBNET", "VPC_SECURITY_GROUP"):
            vpc = True
        elif type_ == "VIRTUAL_HOST" and kind == "MQ":
            continue
        else:
            raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                       f"invalid. Invalid 'Type' {type_!r} in SourceAccessConfigurations",
                       path + ("SourceAccessConfigurations", index, "Type"))
    if vpc:
        statements.append({"Action": list(VPC_ACTIONS), "Effect": "Allow", "Resource": "*"})
    return statements


def _mq_policy(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    configs = props.get("SourceAccessConfigurations")
    if not isinstance(configs, list) or not any(isinstance(c, dict) and c.get("Type") == "BASIC_AUTH"
                                                for c in configs):
        raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                   "invalid. No BASIC_AUTH property specified in SourceAccessConfigurations.",
                   path + ("SourceAccessConfigurations",))
    statements = _secrets_policy(target, name, props, path, kind="MQ")
    statements.append({"Action": ["mq:DescribeBroker"], "Effect": "Allow",
                       "Resource": plain(props.get("Broker"))})
    policy_name = "SamAutoGeneratedAMQPolicy"
    dynamic = props.get("DynamicPolicyName")
    if dynamic:
        policy_name = f"{target.logical_id}{name}AMQPolicy"
    target.add_inline_policy(policy_name, {"Statement": statements})


def _kafka_policy(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    statements = _secrets_policy(target, name, props, path, kind="Kafka")
    if statements:
        target.add_inline_policy("SelfManagedKafkaExecutionRolePolicy",
                                 {"Version": "2012-10-17", "Statement": statements})


def _documentdb_policy(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    configs = props.get("SourceAccessConfigurations")
    if not isinstance(configs, list):
        raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                   "invalid. 'SourceAccessConfigurations' is required.", path)
    statements = _secrets_policy(target, name, props, path, kind="DocumentDB")
    cluster = plain(props.get("Cluster"))
    statements[1:1] = [
        {"Action": ["rds:DescribeDBClusterParameters"], "Effect": "Allow",
         "Resource": {"Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster-pg:*"}},
        {"Action": ["rds:DescribeDBSubnetGroups"], "Effect": "Allow",
         "Resource": {"Fn::Sub": "arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:subgrp:*"}},
        {"Action": ["rds:DescribeDBClusters"], "Effect": "Allow", "Resource": cluster},
    ]
    statements.append({"Action": list(VPC_ACTIONS), "Effect": "Allow", "Resource": "*"})
    if props.get("SecretsManagerKmsKeyId") is not None:
        key = props["SecretsManagerKmsKeyId"]
        arn_text = "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/"
        resource = {"Fn::Sub": arn_text + key} if isinstance(key, str) else \
            {"Fn::Sub": [arn_text + "${SecretsManagerKmsKeyId}", {"SecretsManagerKmsKeyId": plain(key)}]}
        statements.append({"Action": ["kms:Decrypt"], "Effect": "Allow", "Resource": resource})
    target.add_inline_policy("SamAutoGeneratedDocumentDBPolicy", {"Statement": statements})


SOURCES: dict[str, PullSource] = {
    "SQS": PullSource("Queue", COMMON + ("ScalingConfig",),
                      managed_policy="service-role/AWSLambdaSQSQueueExecutionRole"),
    "Kinesis": PullSource("Stream", COMMON + STREAM, ("DestinationConfig",),
                          managed_policy="service-role/AWSLambdaKinesisExecutionRole",
                          requires_starting_position=True, destination=True),
    "DynamoDB": PullSource("Stream", COMMON + STREAM, ("DestinationConfig",),
                           managed_policy="service-role/AWSLambdaDynamoDBExecutionRole",
                           requires_starting_position=True, destination=True),
    "MSK": PullSource("Stream", COMMON + ("StartingPosition", "StartingPositionTimestamp", "Topics",
                                         "SourceAccessConfigurations"),
                      ("ConsumerGroupId", "DestinationConfig", "SchemaRegistryConfig"),
                      managed_policy="service-role/AWSLambdaMSKExecutionRole",
                      requires_starting_position=True, destination=True),
    "MQ": PullSource("Broker", COMMON + ("Queues", "SourceAccessConfigurations"),
                     ("DynamicPolicyName",), policy=_mq_policy),
    "SelfManagedKafka": PullSource(None, COMMON + ("Topics", "SourceAccessConfigurations",
                                                  "StartingPosition", "StartingPositionTimestamp"),
                                   ("KafkaBootstrapServers", "ConsumerGroupId", "DestinationConfig",
                                    "SchemaRegistryConfig"),
                                   policy=_kafka_policy, destination=True),
    "DocumentDB": PullSource("Cluster", COMMON + ("SourceAccessConfigurations", "StartingPosition",
                                                 "StartingPositionTimestamp"),
                             ("DatabaseName", "CollectionName", "FullDocument",
                              "SecretsManagerKmsKeyId"), policy=_documentdb_policy),
}


def _translate(kind: str, target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    spec = SOURCES[kind]
    check_event(target.logical_id, name, kind, props, spec.schema(), path)
    owner = target.logical_id
    if spec.source and props.get(spec.source) is None:
        raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. "
                   f"Missing required property '{spec.source}'.", path)
    if spec.requires_starting_position and props.get("StartingPosition") is None:
        raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. "
                   "StartingPosition is required for Kinesis, DynamoDB and MSK.", path)
    configs = props.get("SourceAccessConfigurations")
    if configs is not None and not isinstance(configs, list):
        raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. "
                   "'SourceAccessConfigurations' must be a list.", path + ("SourceAccessConfigurations",))
    if kind == "SelfManagedKafka" and not configs:
        raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. No "
                   "SourceAccessConfigurations for self managed kafka event.", path)
    esm: dict[str, Json] = {"FunctionName": target.name_or_alias}
    if spec.source:
        esm["EventSourceArn"] = plain(props[spec.source])
    for key in spec.passthrough:
        if props.get(key) is not None:
            esm[key] = plain(props[key])
    if spec.destination:
        destination = _destination_policy(target, name, props, path)
        if destination:
            esm["DestinationConfig"] = destination
    if kind in ("MSK", "SelfManagedKafka") and props.get("SchemaRegistryConfig") is not None:
        _schema_registry(target, name, props["SchemaRegistryConfig"], path + ("SchemaRegistryConfig",), kind)
    if kind == "MSK":
        config = {k: plain(props[k]) for k in ("ConsumerGroupId", "SchemaRegistryConfig") if k in props}
        if config:
            esm["AmazonManagedKafkaEventSourceConfig"] = config
    elif kind == "SelfManagedKafka":
        servers = props.get("KafkaBootstrapServers")
        if not servers:
            raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. "
                       "No KafkaBootstrapServers provided for self managed kafka as an event source",
                       path)
        if not props.get("Topics"):
            raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. "
                       "No Topics provided for self managed kafka as an event source", path)
        if isinstance(props.get("Topics"), list) and len(props["Topics"]) != 1:
            raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. "
                       "Topics for self managed kafka only supports single configuration entry.",
                       path + ("Topics",))
        esm["SelfManagedEventSource"] = {"Endpoints": {"KafkaBootstrapServers": plain(servers)}}
        config = {k: plain(props[k]) for k in ("ConsumerGroupId", "SchemaRegistryConfig") if k in props}
        if config:
            esm["SelfManagedKafkaEventSourceConfig"] = config
        _check_kafka_auth(owner, name, props, path)
    elif kind == "DocumentDB":
        for required in ("DatabaseName",):
            if props.get(required) is None:
                raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. "
                           f"Missing required property '{required}'.", path)
        esm["DocumentDBEventSourceConfig"] = {k: plain(props[k]) for k in
                                              ("CollectionName", "DatabaseName", "FullDocument")
                                              if k in props}
    target.add(f"{owner}{name}", resource("AWS::Lambda::EventSourceMapping", esm))
    if spec.managed_policy:
        target.add_managed_policy(f"arn:{target.ctx.partition}:iam::aws:policy/{spec.managed_policy}")
    if spec.policy is not None and target.role is not None:
        spec.policy(target, name, props, path)


def _schema_registry(target: FunctionTarget, name: str, config: Json, path: Path, kind: str) -> None:
    """Validate a Kafka schema registry config; MSK functions get read access to the registry."""
    prefix = f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is invalid."
    if not isinstance(config, dict):
        raise fail(f"{prefix} 'SchemaRegistryConfig' must be a map.", path)
    for required in ("SchemaRegistryURI", "EventRecordFormat", "SchemaValidationConfigs"):
        if config.get(required) is None:
            raise fail(f"{prefix} 'SchemaRegistryConfig' requires '{required}'.", path)
    if kind != "MSK" or target.role is None:
        return
    statements: list[Json] = []
    for access in config.get("AccessConfigs") or []:
        if isinstance(access, dict) and access.get("Type") in AUTH_TYPES + ("SERVER_ROOT_CA_CERTIFICATE",):
            statements.append({"Action": ["secretsmanager:GetSecretValue"], "Effect": "Allow",
                               "Resource": plain(access.get("URI"))})
    uri = config["SchemaRegistryURI"]
    text = uri.get("Fn::Sub") if isinstance(uri, dict) else uri
    if isinstance(text, str) and ":glue:" in text and "registry/" in text:
        registry = text.rsplit("registry/", 1)[1]
        statements.append({"Action": ["glue:GetRegistry"], "Effect": "Allow", "Resource": plain(uri)})
        statements.append({"Action": ["glue:GetSchemaVersion"], "Effect": "Allow", "Resource": [
            {"Fn::Sub": f"arn:${{AWS::Partition}}:glue:${{AWS::Region}}:${{AWS::AccountId}}:schema/{registry}/*"}]})
    if statements:
        target.add_inline_policy("MSKExecutionRolePolicy", {"Statement": statements})


def _check_kafka_auth(owner: str, name: str, props: dict[str, Json], path: Path) -> None:
    configs = props.get("SourceAccessConfigurations") or []
    if not isinstance(configs, list):
        return
    types = [c.get("Type") for c in configs if isinstance(c, dict)]
    vpc = [t for t in types if t in ("VPC_SUBNET", "VPC_SECURITY_GROUP")]
    if vpc and set(vpc) != {"VPC_SUBNET", "VPC_SECURITY_GROUP"}:
        raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. VPC_SUBNET "
                   "and VPC_SECURITY_GROUP in SourceAccessConfigurations for SelfManagedKafka must be "
                   "both provided.", path + ("SourceAccessConfigurations",))
    auth = [t for t in types if t not in ("VPC_SUBNET", "VPC_SECURITY_GROUP", "SERVER_ROOT_CA_CERTIFICATE")]
    if len(auth) > 1:
        raise fail(f"Resource with id [{owner}] is invalid. Event with id [{name}] is invalid. Multiple "
                   "auth mechanisms are not supported in SourceAccessConfigurations.",
                   path + ("SourceAccessConfigurations",))


def sqs(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    _translate("SQS", target, name, props, path)


def kinesis(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    _translate("Kinesis", target, name, props, path)


def dynamodb(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    _translate("DynamoDB", target, name, props, path)


def msk(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    _translate("MSK", target, name, props, path)


def mq(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    _translate("MQ", target, name, props, path)


def self_managed_kafka(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    _translate("SelfManagedKafka", target, name, props, path)


def documentdb(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    _translate("DocumentDB", target, name, props, path)


