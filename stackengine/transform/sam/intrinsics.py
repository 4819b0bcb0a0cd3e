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
    return _resolve(value, known, ctx.template.get("Mappings") or {})


def _resolve(value: Json, known: dict[str, Json], mappings: Json = None) -> Json:
    if isinstance(value, dict):
        if len(value) == 1 and "Fn::FindInMap" in value and isinstance(value["Fn::FindInMap"], list):
            args = [_resolve(a, known, mappings) for a in value["Fn::FindInMap"]]
            if len(args) >= 3 and all(isinstance(a, str) for a in args[:3]) and isinstance(mappings, dict):
                found = (mappings.get(args[0]) or {}).get(args[1], {})
                if isinstance(found, dict) and args[2] in found:
                    return found[args[2]]
            return {"Fn::FindInMap": args}
        if len(value) == 1 and "Ref" in value and isinstance(value["Ref"], str):
            return known.get(value["Ref"], value)
        if len(value) == 1 and "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
            text = value["Fn::Sub"]
            names = _SUB_VAR.findall(text)
            return {"Fn::Sub": _SUB_VAR.sub(
                lambda m: str(known[m.group(1)]) if isinstance(known.get(m.group(1)), (str, int))
                and not isinstance(known.get(m.group(1)), bool) else m.group(0), text)}
        return {k: _resolve(v, known, mappings) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, known, mappings) for v in value]
    return value
