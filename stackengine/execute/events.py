"""Stack events: one for every status transition, stored and handed to a live listener."""

from __future__ import annotations

import datetime
import uuid
from typing import Callable

from stackengine.state.base import StackEvent, StateStore

STACK_TYPE = "AWS::CloudFormation::Stack"

EventListener = Callable[[StackEvent], None]


def now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")


class EventRecorder:
    """Writes events to the store (durable, for `events`) and passes them to `listener`
    (live progress). Thread-safe as long as the store is."""

    def __init__(self, store: StateStore, stack_id: str, stack_name: str,
                 listener: EventListener | None = None) -> None:
        self.store = store
        self.stack_id = stack_id
        self.stack_name = stack_name
        self.listener = listener
        # While operations share a commit, the listener hears of events once they are durable.
        self._held: list[StackEvent] | None = None

    def hold(self) -> None:
        """Keep events from the listener until `flush` (their transaction is not committed yet)."""
        if self._held is None:
            self._held = []

    def flush(self, *, release: bool = False) -> None:
        """Pass the held events on (they are committed); `release` stops holding."""
        held = self._held or []
        self._held = None if release else []
        for event in held:
            self._notify(event)

    def _notify(self, event: StackEvent) -> None:
        if self.listener is not None:
            try:
                self.listener(event)
            except Exception:  # noqa: BLE001 - showing progress must never fail a deployment
                self.listener = None

    def resource(self, logical_id: str, physical_id: str | None, type_name: str, status: str,
                 reason: str | None = None) -> StackEvent:
        event = StackEvent(self.stack_id, self.stack_name, str(uuid.uuid4()), now_iso(),
                           logical_id, physical_id, type_name, status, reason)
        self.store.add_event(event)
        if self._held is not None:
            self._held.append(event)
        else:
            self._notify(event)
        return event

    def stack(self, status: str, reason: str | None = None) -> StackEvent:
        return self.resource(self.stack_name, self.stack_id, STACK_TYPE, status, reason)
