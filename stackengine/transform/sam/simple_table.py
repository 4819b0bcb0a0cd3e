"""AWS::Serverless::SimpleTable → AWS::DynamoDB::Table with a single hash key."""

from __future__ import annotations

from stackengine.transform.sam.common import attributes_of, DICT, STR, Json, Prop, check_properties, fail, plain, resource

SCHEMA: dict[str, Prop] = {"PrimaryKey": DICT, "ProvisionedThroughput": DICT, "TableName": STR,
                           "Tags": DICT, "SSESpecification": DICT,
                           "PointInTimeRecoverySpecification": DICT}
ATTRIBUTE_TYPES = {"String": "S", "Number": "N", "Binary": "B"}


def translate_simple_table(logical_id: str, res: dict[str, Json], ctx) -> None:  # type: ignore[no-untyped-def]
    path = ("Resources", logical_id, "Properties")
    props = res.get("Properties") or {}
    check_properties("AWS::Serverless::SimpleTable", logical_id, props, SCHEMA, path)
    key = props.get("PrimaryKey") or {"Name": "id", "Type": "String"}
    name = key.get("Name")
    type_ = key.get("Type")
    if name is None or type_ is None:
        raise fail(f"Resource with id [{logical_id}] is invalid. 'PrimaryKey' is missing required "
                   "Property 'Name' or 'Type'.", path + ("PrimaryKey",))
    if isinstance(type_, str) and type_ not in ATTRIBUTE_TYPES:
        raise fail(f"Resource with id [{logical_id}] is invalid. Invalid 'Type' \"{type_}\".",
                   path + ("PrimaryKey", "Type"))
    table: dict[str, Json] = {
        "AttributeDefinitions": [{"AttributeName": plain(name),
                                  "AttributeType": ATTRIBUTE_TYPES.get(type_, plain(type_))}],
        "KeySchema": [{"AttributeName": plain(name), "KeyType": "HASH"}],
    }
    if props.get("ProvisionedThroughput") is not None:
        table["ProvisionedThroughput"] = plain(props["ProvisionedThroughput"])
    else:
        table["BillingMode"] = "PAY_PER_REQUEST"
    for prop in ("TableName", "SSESpecification", "PointInTimeRecoverySpecification"):
        if props.get(prop) is not None:
            table[prop] = plain(props[prop])
    if props.get("Tags"):
        table["Tags"] = [{"Key": k, "Value": plain(v)} for k, v in props["Tags"].items()]
    attrs = attributes_of(res, "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata")
    ctx.add(logical_id, resource("AWS::DynamoDB::Table", table, condition=res.get("Condition"), **attrs))


