"""AWS::Serverless::Application → AWS::CloudFormation::Stack (SAR applications are looked up)."""

from __future__ import annotations

from stackengine.transform.sam.common import (
    attributes_of,
    ANY, DICT, Json, Prop, check_properties, fail, plain, resource, tag_list,
)
from stackengine.transform.sam.context import SamContext
from stackengine.transform.sam.intrinsics import resolve_parameters
from stackengine.transform.sam.lookups import ApplicationLookupError

SCHEMA: dict[str, Prop] = {"Location": Prop((str, dict), required=True), "Parameters": DICT,
                           "NotificationARNs": Prop((list, dict)), "Tags": DICT,
                           "TimeoutInMinutes": ANY}


def translate_application(logical_id: str, res: dict[str, Json], ctx: SamContext) -> None:
    path = ("Resources", logical_id, "Properties")
    props = res.get("Properties") or {}
    check_properties("AWS::Serverless::Application", logical_id, props, SCHEMA, path)
    location = props["Location"]
    tags = tag_list(None)
    if isinstance(location, dict):
        app_id = resolve_parameters(location.get("ApplicationId"), ctx, pseudo=True)
        version = resolve_parameters(location.get("SemanticVersion"), ctx, pseudo=True)
        if app_id is None or version is None:
            raise fail(f"Resource with id [{logical_id}] is invalid. Resource is missing the required "
                       "[ApplicationId] property." if app_id is None else
                       f"Resource with id [{logical_id}] is invalid. Resource is missing the required "
                       "[SemanticVersion] property.", path + ("Location",))
        if not isinstance(app_id, str) or not isinstance(version, str):
            raise fail(f"Resource with id [{logical_id}] is invalid. Property 'ApplicationId' and "
                       "'SemanticVersion' must be strings (intrinsics cannot be resolved).",
                       path + ("Location",))
        if "{{resolve:" in app_id or "{{resolve:" in version:
            raise fail(f"Resource with id [{logical_id}] is invalid. Dynamic references are not supported in "
                       "'ApplicationId' or 'SemanticVersion'.", path + ("Location",))
        try:
            answer = ctx.lookups.application(app_id, version)
        except ApplicationLookupError as exc:
            raise fail(f"Resource with id [{logical_id}] is invalid. {exc}", path + ("Location",)) from None
        status = answer.get("Status", "ACTIVE")
        if status != "ACTIVE":
            # the service is still preparing the template; the reference waits, then gives up
            raise fail(f"Resource with id [{logical_id}] is invalid. Timed out waiting for the template "
                       f"of application {app_id} to become ACTIVE (its status is {status}).",
                       path + ("Location",))
        template_url = answer.get("TemplateUrl")
        tags += [{"Key": "serverlessrepo:applicationId", "Value": app_id},
                 {"Key": "serverlessrepo:semanticVersion", "Value": version}]
    else:
        template_url = plain(location)
    user_tags = props.get("Tags")
    if user_tags:
        tags += [{"Key": k, "Value": plain(v)} for k, v in user_tags.items()]
    stack: dict[str, Json] = {"TemplateURL": template_url, "Tags": tags}
    for key in ("Parameters", "NotificationARNs", "TimeoutInMinutes"):
        if props.get(key) is not None:
            stack[key] = plain(props[key])
    attrs = attributes_of(res, "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata")
    ctx.add(logical_id, resource("AWS::CloudFormation::Stack", stack, condition=res.get("Condition"),
                                 **attrs))


