"""Per-event property checks, shared by the event families."""

from __future__ import annotations

from typing import Any, Mapping

from stackengine.transform.sam.common import Json, Prop, check_properties


def check_event(owner_id: str, event_id: str, type_: str, props: dict[str, Json],
                schema: Mapping[str, Prop], path: tuple[Any, ...]) -> None:
    try:
        check_properties(type_, owner_id, props, schema, path, event=event_id)
    except Exception as exc:
        from stackengine.transform.sam.common import SamError

        if isinstance(exc, SamError):
            raise SamError(f"Resource with id [{owner_id}] is invalid. {exc.message}", exc.path,
                           exc.code) from None
        raise
