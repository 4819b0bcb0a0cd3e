"""An in-memory Provider for engine tests: optional latency, failures on demand, thread-safe,
idempotent by token (a create repeated with the same token returns the same resource)."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any, Mapping

from stackengine.providers.base import ProviderError, ResourceResult, StackRef


class MemoryProvider:
    def __init__(self, latency: float = 0.0, snapshot_types: tuple[str, ...] = (),
                 synchronous: bool | None = None) -> None:
        self.latency = latency
        # Without latency, like the local provider, calls are run inline by the executor.
        self.synchronous = (latency == 0) if synchronous is None else synchronous
        self.snapshot_types = set(snapshot_types)
        self.resources: dict[str, dict[str, Any]] = {}  # physical id -> {type, logical_id, props}
        self.tokens: dict[str, str] = {}
        self.fail: set[tuple[str, str]] = set()  # (operation, logical id)
        self.fail_once: set[tuple[str, str]] = set()
        self.snapshots: list[str] = []
        self.calls: list[tuple[str, str]] = []
        self.active = 0
        self.max_active = 0
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    # test helpers
    def by_logical(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {r["logical_id"]: {**r["props"]} for r in self.resources.values()}

    def physical_ids(self) -> set[str]:
        with self._lock:
            return set(self.resources)

    def _enter(self, op: str, logical_id: str) -> None:
        with self._lock:
            self.calls.append((op, logical_id))
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            if self.latency:
                time.sleep(self.latency)
            with self._lock:
                if (op, logical_id) in self.fail_once:
                    self.fail_once.discard((op, logical_id))
                    raise ProviderError(f"{op} of {logical_id} failed (injected)", "InvalidRequest")
                if (op, logical_id) in self.fail:
                    raise ProviderError(f"{op} of {logical_id} failed (injected)", "InvalidRequest")
        finally:
            with self._lock:
                self.active -= 1

    def create(self, stack: StackRef, type_name: str, logical_id: str,
               properties: Mapping[str, Any], token: str) -> ResourceResult:
        with self._lock:
            existing = self.tokens.get(token)
            if existing is not None and existing in self.resources:
                return ResourceResult(existing, {"Arn": f"arn:{existing}"})
        self._enter("create", logical_id)
        with self._lock:
            physical = f"{stack.stack_name}-{logical_id}-{next(self._counter)}"
            self.resources[physical] = {"type": type_name, "logical_id": logical_id,
                                        "props": dict(properties)}
            self.tokens[token] = physical
        return ResourceResult(physical, {"Arn": f"arn:{physical}"})

    def update(self, stack: StackRef, type_name: str, logical_id: str, physical_id: str,
               old: Mapping[str, Any], new: Mapping[str, Any], token: str) -> ResourceResult:
        self._enter("update", logical_id)
        with self._lock:
            if physical_id not in self.resources:
                raise ProviderError(f"{physical_id} not found", "NotFound")
            self.resources[physical_id]["props"] = dict(new)
        return ResourceResult(physical_id, {"Arn": f"arn:{physical_id}"})

    def delete(self, stack: StackRef, type_name: str, logical_id: str, physical_id: str,
               token: str, *, snapshot: bool = False) -> None:
        self._enter("delete", logical_id)
        with self._lock:
            if snapshot:
                self.snapshots.append(physical_id)
            self.resources.pop(physical_id, None)

    def read(self, type_name: str, physical_id: str) -> ResourceResult | None:
        with self._lock:
            if physical_id not in self.resources:
                return None
        return ResourceResult(physical_id, {"Arn": f"arn:{physical_id}"})

    def supports_snapshot(self, type_name: str) -> bool:
        return type_name in self.snapshot_types
