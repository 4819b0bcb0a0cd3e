"""Push event sources: the service invokes the function (a Lambda permission plus, for most, the
service-side resource that routes to it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stackengine.transform.sam.common import ANY, DICT, STR, Json, Prop, fail, getatt, plain, ref, resource
from stackengine.transform.sam.events.spec import check_event

if TYPE_CHECKING:
    from stackengine.transform.sam.function import FunctionTarget

Path = tuple[Any, ...]


def _arn_partition(target: FunctionTarget) -> str:
    return target.ctx.partition


# --- S3 -------------------------------------------------------------------------------------------

S3_SCHEMA = {"Bucket": Prop((str, dict), required=True),
             "Events": Prop((str, list), required=True, intrinsic=False),
             "Filter": DICT}


def s3(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    check_event(target.logical_id, name, "S3", props, S3_SCHEMA, path)
    bucket_ref = props["Bucket"]
    bucket_id = bucket_ref.get("Ref") if isinstance(bucket_ref, dict) else None
    bucket = target.ctx.resources.get(bucket_id) if isinstance(bucket_id, str) else None
    if not isinstance(bucket, dict) or bucket.get("Type") != "AWS::S3::Bucket":
        raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                   "invalid. S3 events must reference an S3 bucket in the same template.",
                   path + ("Bucket",))
    permission_id = target.permission(name, "s3.amazonaws.com",
                                      source_account=ref("AWS::AccountId"))
    depends = bucket.get("DependsOn")
    depends_list = [depends] if isinstance(depends, str) else list(depends or [])
    if permission_id not in depends_list:
        depends_list.append(permission_id)
    bucket["DependsOn"] = depends_list
    bprops = bucket.setdefault("Properties", {})
    if bprops is None:
        bprops = bucket["Properties"] = {}
    tags = target.properties.get("Tags")
    if target.properties.get("PropagateTags") and isinstance(tags, dict):
        bucket_tags = bprops.setdefault("Tags", [])
        keys = {t.get("Key") for t in bucket_tags if isinstance(t, dict)}
        bucket_tags.extend({"Key": k, "Value": plain(v)} for k, v in tags.items() if k not in keys)
    notification = bprops.setdefault("NotificationConfiguration", {})
    configs = notification.setdefault("LambdaConfigurations", [])
    for event in props["Events"] if isinstance(props["Events"], list) else [props["Events"]]:
        config: dict[str, Json] = {"Event": plain(event), "Function": target.arn}
        if props.get("Filter") is not None:
            config["Filter"] = plain(props["Filter"])
        configs.append(config)


# --- SNS ------------------------------------------------------------------------------------------

SNS_SCHEMA = {"Topic": Prop((str, dict), required=True), "Region": STR, "FilterPolicy": DICT,
              "FilterPolicyScope": STR, "SqsSubscription": Prop((bool, dict)), "RedrivePolicy": DICT}


def sns(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    check_event(target.logical_id, name, "SNS", props, SNS_SCHEMA, path)
    topic = plain(props["Topic"])
    subscription_id = f"{target.logical_id}{name}"
    sqs_sub = props.get("SqsSubscription")
    common = {"TopicArn": topic, "Region": plain(props.get("Region")),
              "FilterPolicy": plain(props.get("FilterPolicy")),
              "FilterPolicyScope": plain(props.get("FilterPolicyScope")),
              "RedrivePolicy": plain(props.get("RedrivePolicy"))}
    if not sqs_sub:
        target.permission(name, "sns.amazonaws.com", source_arn=topic)
        target.add(subscription_id, resource("AWS::SNS::Subscription", {
            "Endpoint": target.arn, "Protocol": "lambda", **common}))
        return
    batch_size: Json = None
    enabled: Json = None
    if isinstance(sqs_sub, dict):
        queue_arn = plain(sqs_sub.get("QueueArn"))
        queue_url = plain(sqs_sub.get("QueueUrl"))
        if queue_arn is None or queue_url is None:
            raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                       "invalid. No QueueARN or QueueURL provided.", path + ("SqsSubscription",))
        policy_id = sqs_sub.get("QueuePolicyLogicalId") or f"{target.logical_id}{name}QueuePolicy"
        batch_size = plain(sqs_sub.get("BatchSize"))
        enabled = plain(sqs_sub.get("Enabled"))
    else:
        queue_id = f"{target.logical_id}{name}Queue"
        topic_id = topic.get("Ref") if isinstance(topic, dict) else None
        topic_res = target.ctx.resources.get(topic_id) if isinstance(topic_id, str) else None
        fifo = isinstance(topic_res, dict) and (topic_res.get("Properties") or {}).get("FifoTopic") is True
        # A FIFO topic can only deliver to a FIFO queue.
        target.add(queue_id, resource("AWS::SQS::Queue", {"FifoQueue": True} if fifo else {}))
        queue_arn = getatt(queue_id, "Arn")
        queue_url = ref(queue_id)
        policy_id = f"{target.logical_id}{name}QueuePolicy"
    target.add(policy_id, resource("AWS::SQS::QueuePolicy", {
        "Queues": [queue_url],
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Action": "sqs:SendMessage", "Effect": "Allow", "Principal": "*", "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]},
    }))
    target.add(subscription_id, resource("AWS::SNS::Subscription", {
        "Endpoint": queue_arn, "Protocol": "sqs", **common}))
    target.add(f"{subscription_id}EventSourceMapping", resource("AWS::Lambda::EventSourceMapping", {
        "BatchSize": batch_size if batch_size is not None else 10,
        "Enabled": enabled if enabled is not None else True,
        "EventSourceArn": queue_arn, "FunctionName": target.name_or_alias}))
    target.add_managed_policy(f"arn:{target.ctx.partition}:iam::aws:policy/service-role/"
                              "AWSLambdaSQSQueueExecutionRole")


# --- EventBridge rules (Schedule, CloudWatchEvent, EventBridgeRule) ------------------------------

SCHEDULE_SCHEMA = {"Schedule": Prop((str, dict), required=True), "Input": STR, "Name": STR,
                   "Description": STR, "Enabled": Prop((bool,)), "State": STR,
                   "DeadLetterConfig": DICT, "RetryPolicy": DICT, "Target": DICT, "RoleArn": ANY}

RULE_SCHEMA = {"Pattern": DICT, "EventBusName": STR, "Input": STR, "InputPath": STR,
               "Target": DICT, "DeadLetterConfig": DICT, "RetryPolicy": DICT, "RuleName": STR,
               "State": STR, "InputTransformer": DICT}


def dead_letter_config(owner_id: str, name: str, rule_id: str, dlq: Json, path: Path,
                       add: Any, principal: str = "events.amazonaws.com",
                       source: Json = None) -> Json:
    """`DeadLetterConfig: {Arn}` or `{Type: SQS}` (a queue SAM creates) → the target's config."""
    if not isinstance(dlq, dict):
        raise fail(f"Resource with id [{owner_id}] is invalid. Event with id [{name}] is invalid. "
                   "'DeadLetterConfig' must be a map.", path)
    if "Arn" in dlq and "Type" in dlq:
        raise fail(f"Resource with id [{owner_id}] is invalid. Event with id [{name}] is invalid. "
                   "You can either define 'Arn' or 'Type' property of DeadLetterConfig", path)
    if "Arn" in dlq:
        return {"Arn": plain(dlq["Arn"])}
    if "Type" not in dlq:
        raise fail(f"Resource with id [{owner_id}] is invalid. Event with id [{name}] is invalid. "
                   "No 'Arn' or 'Type' property provided for DeadLetterConfig", path)
    if dlq["Type"] != "SQS":
        raise fail(f"Resource with id [{owner_id}] is invalid. Event with id [{name}] is invalid. "
                   "The only valid value for 'Type' property of DeadLetterConfig is 'SQS'",
                   path + ("Type",))
    queue_id = dlq.get("QueueLogicalId") or f"{rule_id}Queue"
    if not isinstance(queue_id, str):
        raise fail(f"Resource with id [{owner_id}] is invalid. Event with id [{name}] is invalid. "
                   "'QueueLogicalId' must be a string.", path + ("QueueLogicalId",))
    add(queue_id, resource("AWS::SQS::Queue", {}))
    add(f"{rule_id}QueuePolicy", resource("AWS::SQS::QueuePolicy", {
        "Queues": [ref(queue_id)],
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Action": "sqs:SendMessage", "Effect": "Allow", "Principal": {"Service": principal},
            "Resource": getatt(queue_id, "Arn"),
            "Condition": {"ArnEquals": {"aws:SourceArn": source if source is not None
                                        else getatt(rule_id, "Arn")}}}]},
    }))
    return {"Arn": getatt(queue_id, "Arn")}


def _rule_target(target: FunctionTarget, name: str, props: dict[str, Json], rule_id: str,
                 path: Path) -> dict[str, Json]:
    target_spec = props.get("Target") or {}
    out: dict[str, Json] = {"Arn": target.arn,
                            "Id": plain(target_spec.get("Id")) if target_spec.get("Id") else
                            f"{rule_id}LambdaTarget"}
    for key in ("Input", "InputPath", "InputTransformer", "RetryPolicy"):
        if props.get(key) is not None:
            out[key] = plain(props[key])
    if props.get("DeadLetterConfig") is not None:
        out["DeadLetterConfig"] = dead_letter_config(target.logical_id, name, rule_id,
                                                     props["DeadLetterConfig"],
                                                     path + ("DeadLetterConfig",), target.add)
    return out


def schedule(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    check_event(target.logical_id, name, "Schedule", props, SCHEDULE_SCHEMA, path)
    rule_id = f"{target.logical_id}{name}"
    if "State" in props and "Enabled" in props:
        raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                   "invalid. State and Enabled Properties cannot both be specified.", path)
    state = plain(props.get("State"))
    if state is None and "Enabled" in props:
        state = "ENABLED" if props["Enabled"] else "DISABLED"
    rule = resource("AWS::Events::Rule", {
        "ScheduleExpression": plain(props["Schedule"]), "State": state,
        "Name": plain(props.get("Name")), "Description": plain(props.get("Description")),
        "Targets": [_rule_target(target, name, props, rule_id, path)],
    })
    target.add(rule_id, rule)
    target.permission(name, "events.amazonaws.com", source_arn=getatt(rule_id, "Arn"))


def cloudwatch_event(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    check_event(target.logical_id, name, "EventBridgeRule", props, RULE_SCHEMA, path)
    rule_id = f"{target.logical_id}{name}"
    rule = resource("AWS::Events::Rule", {
        "EventPattern": plain(props.get("Pattern")), "EventBusName": plain(props.get("EventBusName")),
        "State": plain(props.get("State")), "Name": plain(props.get("RuleName")),
        "Targets": [_rule_target(target, name, props, rule_id, path)],
    })
    target.add(rule_id, rule)
    target.permission(name, "events.amazonaws.com", source_arn=getatt(rule_id, "Arn"))


# --- CloudWatch Logs, IoT, Alexa, Cognito --------------------------------------------------------

LOGS_SCHEMA = {"LogGroupName": Prop((str, dict), required=True),
               "FilterPattern": Prop((str, dict), required=True)}


def cloudwatch_logs(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    check_event(target.logical_id, name, "CloudWatchLogs", props, LOGS_SCHEMA, path)
    log_group = plain(props["LogGroupName"])
    permission_id = target.permission(name, "logs.amazonaws.com", source_arn={"Fn::Sub": [
        f"arn:{target.ctx.partition}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:${{__LogGroupName__}}:*",
        {"__LogGroupName__": log_group}]})
    target.add(f"{target.logical_id}{name}", resource(
        "AWS::Logs::SubscriptionFilter",
        {"DestinationArn": target.arn, "FilterPattern": plain(props["FilterPattern"]),
         "LogGroupName": log_group}, DependsOn=[permission_id]))


IOT_SCHEMA = {"Sql": Prop((str, dict), required=True), "AwsIotSqlVersion": STR}


def iot_rule(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    check_event(target.logical_id, name, "IoTRule", props, IOT_SCHEMA, path)
    rule_id = f"{target.logical_id}{name}"
    partition = _arn_partition(target)
    target.permission(name, "iot.amazonaws.com", source_account={"Fn::Sub": "${AWS::AccountId}"},
                      source_arn={"Fn::Sub": [
                          f"arn:{partition}:iot:${{AWS::Region}}:${{AWS::AccountId}}:rule/${{RuleName}}",
                          {"RuleName": ref(rule_id)}]})
    payload: dict[str, Json] = {"Actions": [{"Lambda": {"FunctionArn": target.arn}}],
                                "RuleDisabled": False, "Sql": plain(props["Sql"])}
    if props.get("AwsIotSqlVersion") is not None:
        payload["AwsIotSqlVersion"] = plain(props["AwsIotSqlVersion"])
    target.add(rule_id, resource("AWS::IoT::TopicRule", {"TopicRulePayload": payload}))


ALEXA_SCHEMA = {"SkillId": STR}


def alexa_skill(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    check_event(target.logical_id, name, "AlexaSkill", props, ALEXA_SCHEMA, path)
    target.permission(name, "alexa-appkit.amazon.com",
                      EventSourceToken=plain(props.get("SkillId")))
    perm = target.ctx.output[f"{target.logical_id}{name}Permission"]["Properties"]
    if perm.get("EventSourceToken") is None:
        perm.pop("EventSourceToken", None)


COGNITO_SCHEMA = {"UserPool": Prop((str, dict), required=True), "Trigger": Prop((str, list), required=True)}


def cognito(target: FunctionTarget, name: str, props: dict[str, Json], path: Path) -> None:
    check_event(target.logical_id, name, "Cognito", props, COGNITO_SCHEMA, path)
    pool_ref = props["UserPool"]
    pool_id = pool_ref.get("Ref") if isinstance(pool_ref, dict) else None
    pool = target.ctx.resources.get(pool_id) if isinstance(pool_id, str) else None
    if not isinstance(pool, dict) or pool.get("Type") != "AWS::Cognito::UserPool":
        raise fail(f"Resource with id [{target.logical_id}] is invalid. Event with id [{name}] is "
                   "invalid. Cognito events must reference a Cognito UserPool in the same template.",
                   path + ("UserPool",))
    # One permission per function covers every pool trigger, as the reference names it.
    target.permission("Cognito", "cognito-idp.amazonaws.com", source_arn=getatt(str(pool_id), "Arn"))
    pool_props = pool.setdefault("Properties", {})
    config = pool_props.setdefault("LambdaConfig", {})
    triggers = props["Trigger"] if isinstance(props["Trigger"], list) else [props["Trigger"]]
    for trigger in triggers:
        if trigger in config:
            raise fail(f"Resource with id [{pool_id}] is invalid. Cognito trigger '{trigger}' defined "
                       "multiple times.", path + ("Trigger",))
        config[trigger] = target.arn


RULE_SCHEDULE_COMMON = ("Input", "InputPath", "RetryPolicy")
