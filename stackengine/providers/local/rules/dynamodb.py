"""DynamoDB: every key attribute (table and index keys) must be defined in AttributeDefinitions,
and every definition must be used by some key."""

from __future__ import annotations

from stackengine.providers.local.rules.base import RuleContext, as_list, on_write, service_error


def _key_names(key_schema: object) -> list[str]:
    return [str(k.get("AttributeName")) for k in as_list(key_schema) if isinstance(k, dict)]


@on_write("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable")
def key_attributes_defined(ctx: RuleContext) -> None:
    props = ctx.properties
    defined = [d.get("AttributeName") for d in as_list(props.get("AttributeDefinitions"))
               if isinstance(d, dict)]
    table_keys = _key_names(props.get("KeySchema"))
    index_keys: list[str] = []
    for index_kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for index in as_list(props.get(index_kind)):
            if isinstance(index, dict):
                index_keys += _key_names(index.get("KeySchema"))
    missing = [k for k in table_keys + index_keys if k not in defined]
    if missing:
        kind = "index key" if all(m not in table_keys for m in missing) else "key"
        raise service_error(
            f"One or more parameter values were invalid: Some {kind} attributes are not defined in "
            f"AttributeDefinitions. Keys: [{', '.join(sorted(set(missing)))}], AttributeDefinitions: "
            f"[{', '.join(str(d) for d in defined)}]", "DynamoDb", 400, "ValidationException")
    unused = [d for d in defined if d not in table_keys + index_keys]
    if unused:
        raise service_error(
            "One or more parameter values were invalid: Number of attributes in KeySchema does not "
            "exactly match number of attributes defined in AttributeDefinitions", "DynamoDb", 400,
            "ValidationException")
