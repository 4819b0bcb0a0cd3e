"""The little intrinsic resolution SAM does at transform time: parameters and pseudo parameters
in the few properties whose value shapes the output (CodeUri, AutoPublishAlias, ...)."""

from __future__ import annotations

import re

from stackengine.transform.sam.common import Json
from stackengine.transform.sam.context import SamContext

_SUB_VAR = re.compile(r"\$\{([^}!]+)\}")


def pseudo_values(ctx: SamContext) -> dict[str, Json]:
    return {"AWS::Region": ctx.region, "AWS::AccountId": ctx.account_id,
            "AWS::Partition": ctx.partition, "AWS::StackName": ctx.stack_name}


def resolve_parameters(value: Json, ctx: SamContext, *, pseudo: bool = False) -> Json:
    """Replace `Ref` to a parameter with a known value (given or default), recursively; with
    `pseudo`, pseudo parameters too. `Fn::Sub` strings whose variables all resolve become strings."""
    known = dict(ctx.parameter_values)
    if pseudo:
        known.update(pseudo_values(ctx))
    return _resolve(value, known)


def _resolve(value: Json, known: dict[str, Json]) -> Json:
    if isinstance(value, dict):
        if len(value) == 1 and "Ref" in value and isinstance(value["Ref"], str):
            return known.get(value["Ref"], value)
        if len(value) == 1 and "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
            text = value["Fn::Sub"]
            names = _SUB_VAR.findall(text)
            if all(isinstance(known.get(n), (str, int)) for n in names):
                return _SUB_VAR.sub(lambda m: str(known[m.group(1)]), text)
            return value
        return {k: _resolve(v, known) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, known) for v in value]
    return value
