"""Combined conditions SAM creates: an implicit API (or one of its paths) exists when any of the
conditional functions behind it does. `Fn::Or` takes at most 10 operands, so longer lists chain
through numbered helper conditions."""

from __future__ import annotations

import math
from typing import Any

from stackengine.transform.sam.common import Json
from stackengine.transform.sam.context import SamContext
from stackengine.transform.sam.swagger import NO_VALUE

MAX_OR = 10


def combined_conditions(names: list[str], condition_name: str) -> dict[str, Json]:
    names = list(names)
    out: dict[str, Json] = {}
    remaining = math.ceil((len(names) - 1) / float(MAX_OR - 1)) - 1
    while len(names) > 1:
        new_name = condition_name
        if remaining > 0:
            new_name = f"{condition_name}{remaining}"
            remaining -= 1
        out[new_name] = {"Fn::Or": [{"Condition": c} for c in names[:MAX_OR]]}
        names = names[MAX_OR:]
        names.append(new_name)
    return out


def condition_for(ctx: SamContext, name: str, conditions: set[str]) -> str:
    """One condition that holds when any of `conditions` does (adding it to the template)."""
    if len(conditions) == 1:
        return next(iter(conditions))
    ctx.conditions().update(combined_conditions(sorted(conditions), name))
    return name


def record_method(ctx: SamContext, api_id: str, path: str, method: str, condition: Json) -> None:
    table: dict[str, Any] = ctx.extra.setdefault("api_conditions", {})
    table.setdefault(api_id, {}).setdefault(path, {})[method] = condition


def make_paths_conditional(ctx: SamContext, api_id: str, body: dict[str, Json]) -> None:
    """Wrap each implicit-API path whose methods all come from conditional resources in Fn::If."""
    table = (ctx.extra.get("api_conditions") or {}).get(api_id) or {}
    paths = body.get("paths")
    if not isinstance(paths, dict):
        return
    for path, methods in table.items():
        conditions = set(methods.values())
        if not conditions or None in conditions or path not in paths:
            continue
        if not all(isinstance(c, str) for c in conditions):
            continue
        logical = path.replace("/", "SLASH").replace("{", "OB").replace("}", "CB")
        name = condition_for(ctx, f"{api_id}{logical}PathCondition", conditions)  # type: ignore[arg-type]
        paths[path] = {"Fn::If": [name, paths[path], NO_VALUE]}
