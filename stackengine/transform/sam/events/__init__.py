"""Function event sources: a registry from event `Type` to the translator of that event family."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Callable

from stackengine.transform.sam.common import Json, fail

if TYPE_CHECKING:
    from stackengine.transform.sam.function import FunctionTarget

EventTranslator = Callable[["FunctionTarget", str, dict[str, Json], tuple[Any, ...]], None]

# Event Type → "module:function" in this package.
EVENT_TYPES: dict[str, str] = {
    "S3": "push:s3",
    "SNS": "push:sns",
    "Schedule": "push:schedule",
    "ScheduleV2": "schedule_v2:schedule_v2",
    "CloudWatchEvent": "push:cloudwatch_event",
    "EventBridgeRule": "push:cloudwatch_event",
    "CloudWatchLogs": "push:cloudwatch_logs",
    "IoTRule": "push:iot_rule",
    "AlexaSkill": "push:alexa_skill",
    "Cognito": "push:cognito",
    "SQS": "pull:sqs",
    "Kinesis": "pull:kinesis",
    "DynamoDB": "pull:dynamodb",
    "MSK": "pull:msk",
    "MQ": "pull:mq",
    "SelfManagedKafka": "pull:self_managed_kafka",
    "DocumentDB": "pull:documentdb",
    "Api": "api_event:api",
    "HttpApi": "api_event:http_api",
}


def load(target: str) -> Callable[..., Any]:
    module_name, attribute = target.split(":")
    module = importlib.import_module(f"{__name__}.{module_name}")
    function: Callable[..., Any] = getattr(module, attribute)
    return function


def iter_events(owner_id: str, events: Json, path: tuple[Any, ...], allowed: dict[str, str]):  # type: ignore[no-untyped-def]
    """Validated (name, type, properties, path) of a resource's `Events`."""
    if events is None:
        return
    if not isinstance(events, dict):
        raise fail(f"Resource with id [{owner_id}] is invalid. 'Events' must be a map.", path)
    for name, event in events.items():
        event_path = path + (name,)
        if not isinstance(name, str) or not name.isalnum():
            raise fail(f"Resource with id [{owner_id}] is invalid. Event with id [{name}] is invalid. "
                       "Logical ids must be alphanumeric.", event_path)
        if not isinstance(event, dict):
            raise fail(f"Resource with id [{owner_id}] is invalid. Event with id [{name}] is invalid. "
                       "It must be a map.", event_path)
        type_ = event.get("Type")
        if not isinstance(type_, str) or type_ not in allowed:
            raise fail(f"Resource with id [{owner_id}] is invalid. Event with id [{name}] is invalid. "
                       f"Type '{type_}' is not a supported event type; it must be one of "
                       f"{', '.join(sorted(allowed))}.", event_path + ("Type",))
        props = event.get("Properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            raise fail(f"Resource with id [{owner_id}] is invalid. Event with id [{name}] is invalid. "
                       "'Properties' must be a map.", event_path + ("Properties",))
        for key in event:
            if key not in ("Type", "Properties"):
                raise fail(f"Resource with id [{owner_id}] is invalid. Event with id [{name}] is "
                           f"invalid. Unknown key '{key}'.", event_path + (key,))
        yield name, type_, props, event_path + ("Properties",)


def translate_events(target: FunctionTarget) -> None:
    path = target.path + ("Events",)
    for name, type_, props, event_path in iter_events(target.logical_id, target.properties.get("Events"),
                                                      path, EVENT_TYPES):
        load(EVENT_TYPES[type_])(target, name, props, event_path)
