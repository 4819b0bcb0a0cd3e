"""Implicit REST and HTTP APIs (`ServerlessRestApi`, `ServerlessHttpApi`) built from events."""

from __future__ import annotations


from stackengine.transform.sam.common import Json, fail
from stackengine.transform.sam.context import SamContext
from stackengine.transform.sam.swagger import default_swagger

REST_ID = "ServerlessRestApi"
HTTP_ID = "ServerlessHttpApi"

EVENT_OWNERS = ("AWS::Serverless::Function", "AWS::Serverless::StateMachine")


def _default_definitions(ctx: SamContext) -> None:
    """Explicit APIs without a definition get an empty one that SAM then manages (fills from
    events), as the reference's default-definition step does."""
    for res in ctx.resources.values():
        if not isinstance(res, dict):
            continue
        props = res.get("Properties")
        if not isinstance(props, dict):
            continue
        if res.get("Type") == "AWS::Serverless::Api":
            if props.get("DefinitionBody") is None and props.get("DefinitionUri") is None:
                props["DefinitionBody"] = default_swagger()
                props["__MANAGE_SWAGGER"] = True
        elif res.get("Type") == "AWS::Serverless::HttpApi":
            if props.get("DefinitionBody") is None and props.get("DefinitionUri") is None:
                props["DefinitionBody"] = {"openapi": "3.0.1",
                                           "info": {"version": "1.0", "title": {"Ref": "AWS::StackName"}},
                                           "paths": {}}
                props["__MANAGE_SWAGGER"] = True


def add(ctx: SamContext) -> None:
    _default_definitions(ctx)
    resources = ctx.resources
    rest_events: list[tuple[str, str, dict[str, Json]]] = []
    http_events: list[tuple[str, str, dict[str, Json]]] = []
    for logical_id, res in list(resources.items()):
        if not isinstance(res, dict) or res.get("Type") not in EVENT_OWNERS:
            continue
        props = res.get("Properties")
        events = props.get("Events") if isinstance(props, dict) else None
        if not isinstance(events, dict):
            continue
        for name, event in events.items():
            if not isinstance(event, dict):
                continue
            eprops = event.get("Properties")
            if event.get("Type") == "Api":
                if eprops is None:
                    continue
                if isinstance(eprops, dict) and "RestApiId" not in eprops:
                    rest_events.append((logical_id, name, eprops))
            elif event.get("Type") == "HttpApi":
                if eprops is None:
                    eprops = event["Properties"] = {}
                if isinstance(eprops, dict) and "ApiId" not in eprops:
                    http_events.append((logical_id, name, eprops))
    if rest_events:
        _implicit_rest(ctx, rest_events)
    if http_events:
        _implicit_http(ctx, http_events)


def _check_not_taken(ctx: SamContext, logical_id: str, sam_type: str) -> bool:
    existing = ctx.resources.get(logical_id)
    if existing is None:
        return False
    if isinstance(existing, dict) and existing.get("Type") == sam_type:
        return True
    if isinstance(existing, dict) and str(existing.get("Type", "")).startswith("AWS::Serverless::"):
        # The reference replaces a same-named SAM resource with the implicit API.
        return False
    raise fail(f"Resource with id [{logical_id}] is invalid. This logical ID is reserved for the "
               "implicit API SAM creates from function events; rename the resource.",
               ("Resources", logical_id))


def _implicit_rest(ctx: SamContext, events: list[tuple[str, str, dict[str, Json]]]) -> None:
    explicit = _check_not_taken(ctx, REST_ID, "AWS::Serverless::Api")
    if not explicit:
        ctx.resources[REST_ID] = {
            "Type": "AWS::Serverless::Api",
            "Properties": {"StageName": "Prod", "DefinitionBody": default_swagger(),
                           "__MANAGE_SWAGGER": True, "__IMPLICIT": True},
        }
    for owner, name, props in events:
        props["RestApiId"] = {"Ref": REST_ID}
    _apply_attributes(ctx, REST_ID, [e[0] for e in events])


def _implicit_http(ctx: SamContext, events: list[tuple[str, str, dict[str, Json]]]) -> None:
    explicit = _check_not_taken(ctx, HTTP_ID, "AWS::Serverless::HttpApi")
    if not explicit:
        ctx.resources[HTTP_ID] = {
            "Type": "AWS::Serverless::HttpApi",
            "Properties": {"__MANAGE_SWAGGER": True, "__IMPLICIT": True,
                           "DefinitionBody": {"openapi": "3.0.1",
                                              "info": {"version": "1.0",
                                                       "title": {"Ref": "AWS::StackName"}},
                                              "paths": {}}},
        }
    for owner, name, props in events:
        props["ApiId"] = {"Ref": HTTP_ID}
    _apply_attributes(ctx, HTTP_ID, [e[0] for e in events])


def _apply_attributes(ctx: SamContext, api_id: str, owners: list[str]) -> None:
    """DeletionPolicy / UpdateReplacePolicy of the functions carry over to the implicit API when
    they agree (Retain wins, as the reference resolves disagreements)."""
    api = ctx.resources[api_id]
    if not api["Properties"].get("__IMPLICIT"):
        return
    for attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
        values = {ctx.resources[o].get(attribute) for o in owners}
        values.discard(None)
        if not values:
            continue
        api[attribute] = "Retain" if "Retain" in values else sorted(values)[0]
    ctx.extra.setdefault("implicit_owners", {})[api_id] = list(owners)
    conditions = [ctx.resources[o].get("Condition") for o in owners]
    if conditions and all(isinstance(c, str) for c in conditions):
        from stackengine.transform.sam.conditions import condition_for

        api["Condition"] = condition_for(ctx, f"{api_id}Condition", set(conditions))  # type: ignore[arg-type]




def propagate_tags(ctx: SamContext) -> None:
    """After Globals: functions with PropagateTags pass their tags on to the implicit APIs they use."""
    for api_id, owners in (ctx.extra.get("implicit_owners") or {}).items():
        api = ctx.resources.get(api_id)
        if not isinstance(api, dict) or not (api.get("Properties") or {}).get("__IMPLICIT"):
            continue
        for owner in owners:
            owner_props = ctx.resources[owner].get("Properties") or {}
            if owner_props.get("PropagateTags") and isinstance(owner_props.get("Tags"), dict):
                api["Properties"].setdefault("Tags", {}).update(owner_props["Tags"])
                api["Properties"]["PropagateTags"] = True
