"""One stack's run: its state in memory and on disk, and journaled provider calls.

Every provider call is written to the journal before it starts; its end and the resource state it
produced are written in one transaction after it returns. So at any instant the store either
knows what the provider did or holds an unfinished journal entry that says what to ask the provider
about (`pending`), and a crash never orphans a resource.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from dataclasses import replace
from typing import Any, Callable, Iterable, Iterator, Mapping

from stackengine.diagnostics import StackEngineError
from stackengine.execute.events import EventListener, EventRecorder, now_iso
from stackengine.execute.scheduler import RunResult, run_dag
from stackengine.plan.diff import SchemaSource
from stackengine.providers.base import Provider, ProviderError, ResourceResult, StackRef
from stackengine.state.base import (
    Operation, OpKind, ResourceState, ResourceStatus, StackRecord, StackStatus, StateStore,
)

Json = Any
CANCELLED = {OpKind.CREATE: "Resource creation cancelled",
             OpKind.UPDATE: "Resource update cancelled",
             OpKind.DELETE: "Resource deletion cancelled"}
# The stack's reason when a create outlives its TimeoutInMinutes, as CloudFormation words it.
CREATE_TIMED_OUT = "Stack creation time exceeded the specified timeout."
# How long inline calls on a transaction-sharing provider may wait for their shared commit.
GROUP_COMMIT_SECONDS = 0.05
# (type, logical ID, old properties, new properties) → why the replacement is refused, or None
ReplacementCheck = Callable[[str, str, Mapping[str, Any], Mapping[str, Any]], "str | None"]


class OperationFailed(Exception):
    """A provider call (or the late resolution before it) failed; `reason` is shown in events."""

    def __init__(self, reason: str, physical_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.physical_id = physical_id  # what the failed call left in place, if anything


def _left(exc: BaseException) -> str | None:
    """The physical ID a failed call left in place (ProviderError.physical_id), if any."""
    return exc.physical_id if isinstance(exc, ProviderError) else None


def _failure_outcome(exc: BaseException) -> dict[str, Json]:
    """A failed call's journal outcome, naming what it left in place."""
    left = _left(exc)
    return {"error": _reason(exc), **({"physical_id": left} if left else {})}


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ProviderError):
        return exc.message
    if isinstance(exc, StackEngineError):
        return str(exc)
    return f"internal error: {type(exc).__name__}: {exc}"


class StackRun:
    """The mutable state of one stack while a command changes it. Thread-safe."""

    def __init__(self, store: StateStore, provider: Provider, stack: StackRef,
                 record: StackRecord, *, schemas: SchemaSource | None = None,
                 max_parallel: int = 10, listener: EventListener | None = None,
                 replacement_conflict: ReplacementCheck | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self.replacement_conflict = replacement_conflict
        # Seconds, for the creation timeout; injectable so tests need not wait for minutes.
        self.clock = clock or time.monotonic
        self._deadline: float | None = None
        self.timed_out = False
        self.store = store
        self.provider = provider
        self.stack = stack
        self.record = record
        self.schemas = schemas
        self.max_parallel = max(1, max_parallel)
        # At most max_parallel provider calls at once. More workers than that run, so the
        # bookkeeping around a call (late resolution, journal, events) overlaps other calls
        # instead of holding a slot.
        self._slots = threading.BoundedSemaphore(self.max_parallel)
        self.workers = self.max_parallel + max(2, self.max_parallel // 2)
        # A provider whose calls finish at once (optional `synchronous` hook) is called from the
        # scheduling thread itself: worker threads would cost more than the calls.
        self.inline = bool(getattr(provider, "synchronous", False))
        # A provider whose writes join the store's transactions (optional `shares_transactions`
        # hook): a call, its journal entry and its result commit together, and inline calls share
        # commits (at most GROUP_COMMIT_SECONDS apart).
        shares = getattr(provider, "shares_transactions", None)
        self.atomic = self.inline and callable(shares) and bool(shares(store))
        self._grouped = False
        self._last_commit = 0.0
        # Set when a resource of the forward phase failed: calls not yet made are cancelled.
        self.cancelled = threading.Event()
        self.events = EventRecorder(store, record.stack_id, record.name, listener)
        self._lock = threading.RLock()
        self.resources: dict[str, ResourceState] = dict(store.resources(record.stack_id))

    def start_timeout(self, minutes: int | None) -> None:
        """Count the stack's creation timeout from now (its CREATE_IN_PROGRESS); None: no limit."""
        self._deadline = None if minutes is None else self.clock() + minutes * 60.0
        self.timed_out = False

    def stop_timeout(self) -> None:
        """The forward phase is over: rollback and cleanup run whatever the time."""
        self._deadline = None

    def check_timeout(self) -> bool:
        """Whether the creation timeout has passed. The first time it is seen passed, calls not yet
        made are cancelled, as after a failure; a call already running finishes."""
        if self._deadline is None or self.timed_out:
            return self.timed_out
        if self.clock() > self._deadline:
            with self._lock:
                self.timed_out = True
            self.cancelled.set()
        return self.timed_out

    def _cancelling(self) -> bool:
        """Whether a cancellable call about to start is cancelled: a failure came first, or the
        creation timeout has passed."""
        return self.cancelled.is_set() or self.check_timeout()

    def use_stack_tags(self, tags: Mapping[str, str]) -> None:
        """The stack tags the provider applies to the resources it creates or updates from now."""
        self.stack = replace(self.stack, tags=tuple(sorted(tags.items())))

    def takes_tags(self, type_name: str) -> bool:
        """Whether the type has a tag property, so the stack's tags reach its resources."""
        schema = self.schemas.get(type_name) if self.schemas is not None else None
        return getattr(schema, "tag_property", None) is not None

    def schedule(self, order: Iterable[str], prerequisites: Mapping[str, Iterable[str]],
                 work: Callable[[str], bool], **options: Any) -> RunResult:
        """`run_dag` with this run's parallelism (and shared commits, see `atomic`)."""
        with self._group():
            return run_dag(order, prerequisites, work, max_parallel=self.workers,
                           inline=self.inline, **options)

    @contextlib.contextmanager
    def _group(self) -> Iterator[None]:
        """One open transaction for a whole schedule of atomic calls, committed every
        GROUP_COMMIT_SECONDS and at the end. It is committed even when the schedule ends with an
        exception (Ctrl-C between two calls): what it holds is consistent, as every call's
        change and journal entry are in it together. A crash loses the uncommitted tail whole,
        the account's changes with the records of them."""
        if not self.atomic or self._grouped:
            yield
            return
        error: BaseException | None = None
        with self._lock, self.store.batch():
            self._grouped = True
            self._last_commit = time.monotonic()
            self.events.hold()
            try:
                yield
            except BaseException as exc:  # noqa: BLE001 - committed below, then raised again
                error = exc
            finally:
                self._grouped = False
        self.events.flush(release=True)
        if error is not None:
            raise error

    def _commit_group(self) -> None:
        if self._grouped and time.monotonic() - self._last_commit >= GROUP_COMMIT_SECONDS:
            commit = getattr(self.store, "commit_pending", None)
            if callable(commit):
                commit()
                self.events.flush()
            self._last_commit = time.monotonic()

    # -- stack ----------------------------------------------------------------------------

    def set_status(self, status: StackStatus, reason: str | None = None, **changes: Any) -> None:
        with self._lock:
            self.record = replace(self.record, status=status, status_reason=reason, **changes)
            self.store.put_stack(self.record)
        self.events.stack(status.value, reason)

    def save_record(self, **changes: Any) -> None:
        with self._lock:
            self.record = replace(self.record, **changes)
            self.store.put_stack(self.record)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Writes as one store transaction. Takes this run's lock first, the order every path
        uses (run lock, then store), so batching cannot deadlock with a worker's journal write."""
        with self._lock, self.store.batch():
            yield

    # -- resources ------------------------------------------------------------------------

    def get(self, logical_id: str) -> ResourceState | None:
        with self._lock:
            return self.resources.get(logical_id)

    def put(self, resource: ResourceState) -> None:
        resource = replace(resource, timestamp=now_iso())
        with self._lock:
            self.resources[resource.logical_id] = resource
            self.store.put_resource(self.record.stack_id, resource)

    def mark(self, resource: ResourceState) -> None:
        """A row's status while its provider call runs. With atomic calls the row that the call
        produces is written in the same transaction, so this one is kept in memory only."""
        if not self.atomic:
            self.put(resource)
            return
        with self._lock:
            self.resources[resource.logical_id] = replace(resource, timestamp=now_iso())

    def remove(self, logical_id: str) -> None:
        with self._lock:
            self.resources.pop(logical_id, None)
            self.store.delete_resource(self.record.stack_id, logical_id)

    def event(self, resource: ResourceState, status: str, reason: str | None = None,
              physical_id: str | None = None) -> None:
        self.events.resource(resource.logical_id, physical_id or resource.physical_id,
                             resource.type, status, reason)

    def lookup(self, logical_id: str, attribute: str | None) -> Json:
        """Values of resources already made, for late resolution (KeyError: not known)."""
        with self._lock:
            row = self.resources.get(logical_id)
        if row is None or row.physical_id is None or row.removing:
            raise KeyError(logical_id)
        if attribute is None:
            return row.physical_id
        if attribute in row.attributes:
            return row.attributes[attribute]
        # Custom resources answer any attribute their function returns; a provider that cannot
        # run the function may stand in for it.
        stand_in = getattr(self.provider, "custom_attribute", None)
        value = stand_in(row.type, row.physical_id, attribute) if callable(stand_in) else None
        if value is None:
            raise KeyError(f"{logical_id}.{attribute}")
        return value

    # -- journaled provider calls ---------------------------------------------------------

    def _journaled(self, op: Operation, call: Callable[[], ResourceResult | None],
                   build: Callable[[ResourceResult | None], ResourceState | None],
                   remove: bool = False, before: Callable[[], None] | None = None,
                   after: Callable[[ResourceResult | None], None] | None = None,
                   cancellable: bool = False) -> ResourceResult | None:
        """`before` (status row, event) is written in the transaction that journals the call;
        `after` in the one that closes it: two commits per provider call."""
        if self.atomic:
            return self._journaled_atomic(op, call, build, remove, before, after, cancellable)
        stack_id = self.record.stack_id
        with self.batch():
            if before is not None:
                before()
            self.store.begin(stack_id, op)
        with self._slots:
            if cancellable and self._cancelling():
                self.store.end(stack_id, op.token, {"cancelled": True})
                raise OperationFailed(CANCELLED[op.kind])
            try:
                result = call()
            except Exception as exc:  # noqa: BLE001 - a provider failure fails only this resource
                if cancellable:
                    self.cancelled.set()  # before the slot is free for a waiting call
                self.store.end(stack_id, op.token, _failure_outcome(exc))
                raise OperationFailed(_reason(exc), _left(exc)) from exc
        with self.batch():
            self._close(op, result, build, remove, after)
        return result

    def _close(self, op: Operation, result: ResourceResult | None,
               build: Callable[[ResourceResult | None], ResourceState | None], remove: bool,
               after: Callable[[ResourceResult | None], None] | None) -> None:
        """After a successful call: end its journal entry with the row it produced (or the row's
        removal), mirror that in memory, then `after` (in the caller's transaction)."""
        row = build(result)
        if row is not None:
            row = replace(row, timestamp=now_iso())
        outcome: dict[str, Json] = {"physical_id": result.physical_id} if result else {"ok": True}
        self.store.end(self.record.stack_id, op.token, outcome, resource=row,
                       remove=op.logical_id if remove and row is None else None)
        if row is not None:
            self.resources[row.logical_id] = row
        elif remove:
            self.resources.pop(op.logical_id, None)
        if after is not None:
            after(result)

    def _journaled_atomic(self, op: Operation, call: Callable[[], ResourceResult | None],
                          build: Callable[[ResourceResult | None], ResourceState | None],
                          remove: bool, before: Callable[[], None] | None,
                          after: Callable[[ResourceResult | None], None] | None,
                          cancellable: bool) -> ResourceResult | None:
        """`_journaled` for a provider whose writes share the store's transaction: the journal
        entry, the call's changes and the rows they produce are one transaction (no commit of
        its own inside a group), so no crash can separate them."""
        stack_id = self.record.stack_id
        failure: str | None = None
        left: str | None = None
        result: ResourceResult | None = None
        with self.batch():
            if before is not None:
                before()
            self.store.begin(stack_id, op)
            if cancellable and self._cancelling():
                self.store.end(stack_id, op.token, {"cancelled": True})
                failure = CANCELLED[op.kind]
            else:
                try:
                    result = call()
                except Exception as exc:  # noqa: BLE001 - a provider failure fails only this resource
                    if cancellable:
                        self.cancelled.set()
                    failure, left = _reason(exc), _left(exc)
                    self.store.end(stack_id, op.token, _failure_outcome(exc))
            if failure is None:
                self._close(op, result, build, remove, after)
        self._commit_group()
        if failure is not None:
            raise OperationFailed(failure, left)
        return result

    def _journal_properties(self, properties: Mapping[str, Json]) -> dict[str, Json] | None:
        """What a journal entry keeps of the call's properties: recovery re-asks the provider with
        them when a call's end was never written. An atomic call's entry is ended in the
        transaction that begins it, so it never needs them."""
        return None if self.atomic else dict(properties)

    def create(self, logical_id: str, type_name: str, properties: Mapping[str, Json],
               build: Callable[[ResourceResult], ResourceState], token: str | None = None, *,
               before: Callable[[], None] | None = None,
               after: Callable[[ResourceResult], None] | None = None,
               cancellable: bool = False) -> ResourceResult:
        op = Operation(token or uuid.uuid4().hex, OpKind.CREATE, logical_id, type_name, None,
                       self._journal_properties(properties))
        result = self._journaled(
            op, lambda: self.provider.create(self.stack, type_name, logical_id, properties, op.token),
            lambda r: build(r) if r is not None else None, before=before,
            after=after, cancellable=cancellable)  # type: ignore[arg-type]
        assert result is not None
        return result

    def update(self, logical_id: str, type_name: str, physical_id: str,
               old: Mapping[str, Json], new: Mapping[str, Json],
               build: Callable[[ResourceResult], ResourceState], *,
               before: Callable[[], None] | None = None,
               after: Callable[[ResourceResult], None] | None = None,
               cancellable: bool = False) -> ResourceResult:
        op = Operation(uuid.uuid4().hex, OpKind.UPDATE, logical_id, type_name, physical_id,
                       self._journal_properties(new))
        result = self._journaled(
            op, lambda: self.provider.update(self.stack, type_name, logical_id, physical_id, old,
                                             new, op.token),
            lambda r: build(r) if r is not None else None, before=before,
            after=after, cancellable=cancellable)  # type: ignore[arg-type]
        assert result is not None
        return result

    def delete(self, logical_id: str, type_name: str, physical_id: str, *, snapshot: bool,
               build: Callable[[], ResourceState | None],
               before: Callable[[], None] | None = None,
               after: Callable[[], None] | None = None) -> None:
        """Delete a physical resource; `build` gives the row afterwards (None: remove the row)."""
        op = Operation(uuid.uuid4().hex, OpKind.DELETE, logical_id, type_name, physical_id)

        def call() -> None:
            self.provider.delete(self.stack, type_name, logical_id, physical_id, op.token,
                                 snapshot=snapshot)
            return None

        self._journaled(op, call, lambda _: build(), remove=True, before=before,
                        after=(lambda _: after()) if after is not None else None)

    def snapshot_supported(self, type_name: str) -> bool:
        try:
            return bool(self.provider.supports_snapshot(type_name))
        except Exception:  # noqa: BLE001 - a provider that cannot say does not snapshot
            return False

    # -- deleting one physical resource, with its policy ----------------------------------

    def delete_physical(self, target: ResourceState, policy: str, *, on_create_rollback: bool,
                        after: Callable[[], ResourceState | None], mark_row: bool) -> bool:
        """Delete `target`'s physical resource honouring `policy` (DeletionPolicy or
        UpdateReplacePolicy); `after` gives the logical row once done (None removes it).
        `mark_row` shows DELETE_IN_PROGRESS/FAILED on the row (whole-resource deletes)."""
        retain = policy == "Retain" or (policy == "RetainExceptOnCreate" and not on_create_rollback)
        if target.physical_id is None or retain:
            if target.physical_id is not None:
                self.event(target, "DELETE_SKIPPED")
            row = after()
            if row is None:
                self.remove(target.logical_id)
            else:
                self.put(row)
            return True
        def starting() -> None:
            if mark_row:
                self.mark(replace(target, status=_status("DELETE_IN_PROGRESS"), status_reason=None))
            self.event(target, "DELETE_IN_PROGRESS")

        snapshot = policy == "Snapshot" and self.snapshot_supported(target.type)
        try:
            self.delete(target.logical_id, target.type, target.physical_id, snapshot=snapshot,
                        build=after, before=starting,
                        after=lambda: self.event(target, "DELETE_COMPLETE"))
        except OperationFailed as exc:
            with self.batch():
                current = self.get(target.logical_id) or target
                if mark_row:
                    self.put(replace(current, status=_status("DELETE_FAILED"),
                                     status_reason=exc.reason))
                self.event(target, "DELETE_FAILED", exc.reason)
            return False
        return True


def _status(name: str) -> ResourceStatus:
    return ResourceStatus(name)
