"""The SAM transform (`AWS::Serverless-2016-10-31`): SAM resources → plain CloudFormation.

Order of work, as the reference does it: Globals are merged into resources; implicit APIs are built
from function events; then functions and state machines translate first (their API events add
paths to the APIs), then APIs, then everything else. Finally SAM's own references
(`MyFunction.Alias`, a layer's hashed version ID, ...) are resolved through the whole template.
Every translator is registered by SAM type in `TRANSLATORS`.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

from stackengine.diagnostics import Diagnostic, TemplateError
from stackengine.transform import TransformContext
from stackengine.transform.sam.common import Json, SamError, plain
from stackengine.transform.sam.context import SamContext
from stackengine.transform.sam.lookups import Lookups, default_lookups

MALFORMED = (TypeError, ValueError, KeyError, AttributeError, IndexError)

Translator = Callable[[str, dict[str, Json], SamContext], None]

# SAM type → "module:function" translating one resource into ctx.output.
TRANSLATORS: dict[str, str] = {
    "AWS::Serverless::Function": "function:translate_function",
    "AWS::Serverless::Api": "api:translate_api",
    "AWS::Serverless::HttpApi": "http_api:translate_http_api",
    "AWS::Serverless::SimpleTable": "simple_table:translate_simple_table",
    "AWS::Serverless::LayerVersion": "layer:translate_layer",
    "AWS::Serverless::StateMachine": "state_machine:translate_state_machine",
    "AWS::Serverless::Application": "application:translate_application",
    "AWS::Serverless::Connector": "connector:translate_connector",
    "AWS::Serverless::GraphQLApi": "graphql:translate_graphql",
    "AWS::Serverless::CapacityProvider": "capacity_provider:translate_capacity_provider",
    "AWS::Serverless::WebSocketApi": "websocket_api:translate_websocket_api",
}

# Translation order: resources whose events change other resources go first.
PHASES: dict[str, int] = {
    "AWS::Serverless::Function": 0,
    "AWS::Serverless::StateMachine": 0,
    "AWS::Serverless::Api": 1,
    "AWS::Serverless::HttpApi": 1,
    "AWS::Serverless::WebSocketApi": 1,
    "AWS::Serverless::Connector": 3,
}

# Plugins that rewrite the SAM template before translation, in order.
PRE_PLUGINS: tuple[str, ...] = (
    "connector:add_embedded_connectors",
    "implicit_api:add_implicit_apis",
)
# Plugins that need the resources with Globals merged in.
POST_GLOBALS_PLUGINS: tuple[str, ...] = (
    "implicit_api_impl:propagate_tags",
)
POST_PLUGINS: tuple[str, ...] = (
    "references:resolve_sam_references",
)


def _load(target: str) -> Callable[..., Any]:
    module_name, attribute = target.split(":")
    module = importlib.import_module(f"{__name__}.{module_name}")
    function: Callable[..., Any] = getattr(module, attribute)
    return function


def transform_sam(template: Json, context: TransformContext) -> Json:
    if not isinstance(template, dict):
        raise TemplateError([Diagnostic("E6000", "the template must be a map", ())])
    options = context.options.get("sam") if isinstance(context.options, dict) or context.options else None
    lookups: Lookups = getattr(options, "lookups", None) or (
        options.get("lookups") if isinstance(options, dict) else None) or default_lookups(context.partition)
    toggles = (options.get("feature_toggles") if isinstance(options, dict) else None) or {}
    work: dict[str, Json] = plain(template)
    ctx = SamContext(template=work, lookups=lookups, region=context.region,
                     account_id=context.account_id, partition=context.partition,
                     stack_name=context.stack_name, feature_toggles=dict(toggles))
    errors: list[Diagnostic] = []
    try:
        _prepare(ctx, context)
    except SamError as exc:
        raise TemplateError([Diagnostic(exc.code, exc.message, exc.path)]) from None
    resources = ctx.resources
    order = sorted(
        (lid for lid, res in resources.items() if res.get("Type") in TRANSLATORS),
        key=lambda lid: PHASES.get(resources[lid]["Type"], 2),
    )
    for logical_id in order:
        res = resources[logical_id]
        try:
            _load(TRANSLATORS[res["Type"]])(logical_id, res, ctx)
        except SamError as exc:
            errors.append(Diagnostic(exc.code, exc.message, exc.path or ("Resources", logical_id)))
        except MALFORMED as exc:
            # A value of an unexpected shape deep inside the resource (a list where a map belongs,
            # a malformed intrinsic, ...): report it against the resource instead of crashing.
            errors.append(Diagnostic("E6099", f"Resource with id [{logical_id}] is invalid. A property "
                                     f"value has an unexpected shape ({type(exc).__name__}: {exc}).",
                                     ("Resources", logical_id)))
    if errors:
        raise TemplateError(errors)
    out_resources: dict[str, Json] = {}
    for logical_id, res in resources.items():
        if res.get("Type") not in TRANSLATORS:
            out_resources[logical_id] = res
    out_resources.update(ctx.output)
    work["Resources"] = out_resources
    try:
        for target in POST_PLUGINS:
            _load(target)(work, ctx)
    except SamError as exc:
        raise TemplateError([Diagnostic(exc.code, exc.message, exc.path)]) from None
    work.pop("Globals", None)
    if not work.get("Conditions"):
        work.pop("Conditions", None)
    return work


def _prepare(ctx: SamContext, context: TransformContext) -> None:
    from stackengine.transform.sam.globals import apply_globals, parse_globals
    from stackengine.transform.sam.validate import validate_template

    template = ctx.template
    validate_template(template)
    parameters = template.get("Parameters") if isinstance(template.get("Parameters"), dict) else {}
    values: dict[str, Json] = {}
    for name, spec in (parameters or {}).items():
        if isinstance(spec, dict) and "Default" in spec:
            values[name] = spec["Default"]
    values.update(context.parameters or {})
    ctx.parameter_values = values
    # Implicit APIs exist before Globals apply, so `Globals: Api` reaches them too.
    for target in PRE_PLUGINS:
        _load(target)(ctx)
    if "Globals" in template:
        apply_globals(ctx.resources, parse_globals(template["Globals"]))
        del template["Globals"]
    for target in POST_GLOBALS_PLUGINS:
        _load(target)(ctx)
