"""AWS::Serverless::LayerVersion → AWS::Lambda::LayerVersion under a hashed logical ID (a new
version for new content); `Ref` to the SAM layer is renamed to the generated ID."""

from __future__ import annotations

from stackengine.transform.sam import code_uri
from stackengine.transform.sam.common import (
    attributes_of,
    ANY, BOOL, STR, Json, Prop, check_properties, fail, plain, resource,
)
from stackengine.transform.sam.context import SamContext
from stackengine.transform.sam.intrinsics import resolve_parameters
from stackengine.transform.sam.logical_ids import hashed_id

SCHEMA: dict[str, Prop] = {"LayerName": STR, "Description": STR, "ContentUri": Prop((str, dict), required=True),
                           "CompatibleRuntimes": Prop((list,)), "CompatibleArchitectures": Prop((list,)),
                           "LicenseInfo": STR, "RetentionPolicy": STR, "PublishLambdaVersion": BOOL,
                           "PropagateTags": BOOL, "Tags": ANY}


def translate_layer(logical_id: str, res: dict[str, Json], ctx: SamContext) -> None:
    path = ("Resources", logical_id, "Properties")
    props = res.get("Properties") or {}
    check_properties("AWS::Serverless::LayerVersion", logical_id, props, SCHEMA, path)
    if res.get("DeletionPolicy") is not None and props.get("RetentionPolicy") is not None:
        pass
    content = code_uri.s3_location(resolve_parameters(props["ContentUri"], ctx), logical_id,
                                   "ContentUri", path + ("ContentUri",),
                                   ("S3Bucket", "S3Key", "S3ObjectVersion"))
    name = resolve_parameters(props.get("LayerName", logical_id), ctx, pseudo=True)
    layer: dict[str, Json] = {"Content": content, "LayerName": plain(name)}
    for key in ("Description", "CompatibleRuntimes", "CompatibleArchitectures", "LicenseInfo"):
        if props.get(key) is not None:
            layer[key] = plain(resolve_parameters(props[key], ctx)) if key == "LicenseInfo" \
                else plain(props[key])
    retention = resolve_parameters(props.get("RetentionPolicy"), ctx)
    if retention is None:
        deletion = res.get("DeletionPolicy", "Retain")
    elif isinstance(retention, str) and retention.lower() in ("retain", "delete"):
        deletion = retention.capitalize()
    else:
        raise fail(f"Resource with id [{logical_id}] is invalid. 'RetentionPolicy' must be one of the "
                   "following options: ['Retain', 'Delete'].", path + ("RetentionPolicy",))
    attrs = attributes_of(res, "DependsOn", "UpdateReplacePolicy", "Metadata")
    out = resource("AWS::Lambda::LayerVersion", layer, condition=res.get("Condition"),
                   DeletionPolicy=deletion, **attrs)
    hash_input = {k: v for k, v in out.items() if k not in ("DeletionPolicy", "UpdateReplacePolicy", "Metadata")}
    new_id = hashed_id(logical_id, hash_input)
    ctx.add(new_id, out)
    ctx.ref_renames[logical_id] = new_id


