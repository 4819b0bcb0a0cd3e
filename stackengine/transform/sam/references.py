"""After translation: resolve SAM's own references through the whole template.

`!Ref MyFunction.Alias` / `.Version`, `!Ref MyApi.Stage` / `.Deployment`, `!GetAtt MyMachine.Name`
style values are SAM-level names for generated resources; a `Ref` to a layer becomes a `Ref` to its
hashed LayerVersion. Both also apply inside `Fn::Sub` strings (`${MyFunction.Alias}`).
"""

from __future__ import annotations

import re
from typing import Any

from stackengine.transform.sam.common import Json
from stackengine.transform.sam.context import SamContext

_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")


def resolve_sam_references(template: dict[str, Json], ctx: SamContext) -> None:
    if not ctx.refs and not ctx.ref_renames and not ctx.getatt_refs:
        return
    for section in ("Resources", "Outputs"):
        value = template.get(section)
        if isinstance(value, dict):
            template[section] = {k: _walk(v, ctx) for k, v in value.items()}
    for res in (template.get("Resources") or {}).values():
        depends = res.get("DependsOn") if isinstance(res, dict) else None
        if isinstance(depends, str) and depends in ctx.ref_renames:
            res["DependsOn"] = ctx.ref_renames[depends]
        elif isinstance(depends, list):
            res["DependsOn"] = [ctx.ref_renames.get(d, d) if isinstance(d, str) else d for d in depends]


def _walk(node: Json, ctx: SamContext) -> Json:
    if isinstance(node, dict):
        if len(node) == 1:
            key, value = next(iter(node.items()))
            if key == "Ref" and isinstance(value, str):
                return _ref(value, ctx)
            if key == "Fn::GetAtt":
                resolved = _getatt(value, ctx)
                if resolved is not None:
                    return resolved
            if key == "Fn::Sub":
                return {"Fn::Sub": _sub(value, ctx)}
        return {k: _walk(v, ctx) for k, v in node.items()}
    if isinstance(node, list):
        return [_walk(v, ctx) for v in node]
    return node


def _ref(name: str, ctx: SamContext) -> Json:
    if name in ctx.ref_renames:
        return {"Ref": ctx.ref_renames[name]}
    if "." in name:
        logical_id, _, prop = name.partition(".")
        if (logical_id, prop) in ctx.refs:
            return ctx.refs[(logical_id, prop)]
    return {"Ref": name}


def _getatt(value: Json, ctx: SamContext) -> Json:
    parts: list[Any]
    if isinstance(value, str):
        parts = value.split(".", 1)
    elif isinstance(value, list) and len(value) == 2:
        parts = list(value)
    else:
        return None
    if len(parts) == 2 and isinstance(parts[0], str) and "." in parts[0] and isinstance(parts[1], str):
        parts = [parts[0].split(".", 1)[0], parts[0].split(".", 1)[1] + "." + parts[1]]
    if len(parts) == 2 and isinstance(parts[0], str) and isinstance(parts[1], str):
        prop, _, attribute = parts[1].partition(".")
        aliased = ctx.refs.get((parts[0], prop)) if attribute else None
        if isinstance(aliased, dict) and "Ref" in aliased:
            return {"Fn::GetAtt": [aliased["Ref"], attribute]}
        resolved = ctx.getatt_refs.get((parts[0], parts[1]))
        if resolved is not None:
            return resolved
        if parts[0] in ctx.ref_renames:
            return {"Fn::GetAtt": [ctx.ref_renames[parts[0]], parts[1]]}
    return None


def _sub(value: Json, ctx: SamContext) -> Json:
    if isinstance(value, str):
        return _SUB_VAR.sub(lambda m: _sub_var(m, ctx), value)
    if isinstance(value, list) and value and isinstance(value[0], str):
        rest = [_walk(v, ctx) for v in value[1:]]
        return [_SUB_VAR.sub(lambda m: _sub_var(m, ctx), value[0]), *rest]
    return _walk(value, ctx)


def _sub_var(match: re.Match[str], ctx: SamContext) -> str:
    name = match.group(1)
    if name in ctx.ref_renames:
        return "${" + ctx.ref_renames[name] + "}"
    if "." in name:
        logical_id, _, prop = name.partition(".")
        prop, _, attribute = prop.partition(".")
        resolved = ctx.refs.get((logical_id, prop))
        if isinstance(resolved, dict) and "Ref" in resolved:
            return "${" + resolved["Ref"] + ("." + attribute if attribute else "") + "}"
        got = ctx.getatt_refs.get((logical_id, prop))
        if isinstance(got, dict) and "Fn::GetAtt" in got:
            return "${" + ".".join(got["Fn::GetAtt"]) + "}"
        if logical_id in ctx.ref_renames:
            return "${" + ctx.ref_renames[logical_id] + "." + prop + "}"
    return match.group(0)
