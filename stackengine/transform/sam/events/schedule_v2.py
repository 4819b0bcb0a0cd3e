"""`ScheduleV2` events: an EventBridge Scheduler schedule invoking the function or state machine
through a role SAM creates (unless RoleArn is given)."""

from __future__ import annotations

from typing import Any

from stackengine.transform.sam.common import ANY, BOOL, DICT, STR, Json, Prop, getatt, plain, resource
from stackengine.transform.sam.events.push import dead_letter_config
from stackengine.transform.sam.events.spec import check_event
from stackengine.transform.sam.policies import assume_role

SCHEMA: dict[str, Prop] = {
    "ScheduleExpression": Prop((str, dict), required=True), "FlexibleTimeWindow": DICT, "Name": STR,
    "Description": STR, "StartDate": STR, "EndDate": STR, "ScheduleExpressionTimezone": STR,
    "GroupName": STR, "KmsKeyArn": ANY, "State": STR, "Input": STR, "RoleArn": ANY,
    "DeadLetterConfig": DICT, "RetryPolicy": DICT, "PermissionsBoundary": ANY, "OmitName": BOOL,
}
PASSTHROUGH = ("ScheduleExpression", "Description", "StartDate", "EndDate", "ScheduleExpressionTimezone",
               "GroupName", "KmsKeyArn", "State")


def schedule_v2(target: Any, name: str, props: dict[str, Json], path: tuple[Any, ...]) -> None:
    check_event(target.logical_id, name, "ScheduleV2", props, SCHEMA, path)
    schedule_id = f"{target.logical_id}{name}"
    out: dict[str, Json] = {k: plain(props[k]) for k in PASSTHROUGH if props.get(k) is not None}
    out["FlexibleTimeWindow"] = plain(props.get("FlexibleTimeWindow") or {"Mode": "OFF"})
    if props.get("Name") is not None:
        out["Name"] = plain(props["Name"])
    elif not props.get("OmitName"):
        out["Name"] = schedule_id
    schedule_target: dict[str, Json] = {"Arn": target.arn}
    role_policies: list[Json] = [
        {"PolicyName": f"{schedule_id}{target.schedule_policy_suffix}",
         "PolicyDocument": {"Statement": [{"Action": target.invoke_action, "Effect": "Allow",
                                           "Resource": target.arn}]}}]
    if props.get("DeadLetterConfig") is not None:
        schedule_target["DeadLetterConfig"] = dead_letter_config(
            target.logical_id, name, schedule_id, props["DeadLetterConfig"], path + ("DeadLetterConfig",),
            target.add, principal="scheduler.amazonaws.com", source=getatt(schedule_id, "Arn"))
        role_policies.append({"PolicyName": f"{schedule_id}SQSPolicy", "PolicyDocument": {"Statement": [
            {"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": schedule_target["DeadLetterConfig"]["Arn"]}]}})
    if props.get("RoleArn") is not None:
        schedule_target["RoleArn"] = plain(props["RoleArn"])
    else:
        role_id = f"{schedule_id}Role"
        target.add(role_id, resource("AWS::IAM::Role", {
            "AssumeRolePolicyDocument": assume_role("scheduler.amazonaws.com"),
            "Policies": role_policies,
            "PermissionsBoundary": plain(props.get("PermissionsBoundary")),
        }))
        schedule_target["RoleArn"] = getatt(role_id, "Arn")
    if props.get("Input") is not None:
        schedule_target["Input"] = plain(props["Input"])
    if props.get("RetryPolicy") is not None:
        schedule_target["RetryPolicy"] = plain(props["RetryPolicy"])
    out["Target"] = schedule_target
    target.add(schedule_id, resource("AWS::Scheduler::Schedule", out))
