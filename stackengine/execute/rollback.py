"""Rollback: the completed steps of a failed operation inverted, and recovery after a crash.

A failed create deletes everything it made (ROLLBACK_COMPLETE). A failed update puts every
touched resource back to its previous version, dependents first; replaced resources go back to
their old half (which cleanup never deleted) and the new half, like every resource the update
added, is deleted in the rollback's cleanup phase (UPDATE_ROLLBACK_COMPLETE). When something
cannot be restored the stack is UPDATE_ROLLBACK_FAILED and `continue_update_rollback` (optionally
skipping resources) resumes. `recover` first settles provider calls a killed process left open
(asking the provider), then finishes or rolls back the interrupted operation.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

from stackengine.diagnostics import StackEngineError
from stackengine.execute.cleanup import delete_all, finish_forward
from stackengine.execute.operations import OperationFailed, StackRun, _reason
from stackengine.state.base import (
    OpKind, ResourceState, ResourceStatus, StackRecord, StackStatus, StoredParameter,
)

Json = Any


# What CloudFormation adds to a failed create's reason when it rolls the stack back.
ROLLBACK_REQUESTED = " Rollback requested by user."


class InvalidStackStatus(StackEngineError):
    """The stack's status does not allow the requested operation."""


def rollback_create(run: StackRun, reason: str) -> StackRecord:
    run.set_status(StackStatus.ROLLBACK_IN_PROGRESS, reason)
    if delete_all(run, retain=set(), on_create_rollback=True):
        run.set_status(StackStatus.ROLLBACK_COMPLETE, reason, serial=run.record.serial + 1)
    else:
        run.set_status(StackStatus.ROLLBACK_FAILED, "The following resource(s) failed to delete: ["
                       + ", ".join(sorted(run.resources)) + "].", serial=run.record.serial + 1)
    return run.record


def rollback_update(run: StackRun, reason: str) -> StackRecord:
    run.set_status(StackStatus.UPDATE_ROLLBACK_IN_PROGRESS, reason)
    return _finish_update_rollback(run)


def continue_update_rollback(run: StackRun, skip: Sequence[str] = ()) -> StackRecord:
    if run.record.status is not StackStatus.UPDATE_ROLLBACK_FAILED:
        raise InvalidStackStatus(
            f"Stack {run.record.name} is in {run.record.status.value} state; "
            "continue-update-rollback needs UPDATE_ROLLBACK_FAILED")
    before = set((run.record.previous or {}).get("Resources", ()))
    for logical_id in skip:
        row = run.get(logical_id)
        if row is None:
            raise InvalidStackStatus(f"resource {logical_id} is not in stack {run.record.name}")
        if logical_id not in before:
            run.remove(logical_id)  # an added resource the user takes over
        elif row.previous is not None:
            stale = row if row.physical_id != row.previous.physical_id else row.stale
            run.put(replace(row.previous, previous=row.previous, stale=stale,
                            status=ResourceStatus.UPDATE_COMPLETE,
                            status_reason="Resource skipped during rollback"))
        run.event(row, "UPDATE_COMPLETE", "Resource skipped during rollback")
    run.set_status(StackStatus.UPDATE_ROLLBACK_IN_PROGRESS, "User Initiated")
    return _finish_update_rollback(run)


def _restore(run: StackRun, logical_id: str, retag: bool = False) -> bool:
    """Put one resource back as it was before the update. `retag`: the update changed the stack's
    tags, so a resource that takes tags is updated even when its properties are unchanged."""
    row = run.get(logical_id)
    if row is None:
        return True
    if row.removing:
        run.put(replace(row, removing=False))
        return True
    old = row.previous
    if old is None:
        return True
    if old.physical_id != row.physical_id:
        # Back to the old half; the new half is deleted in the rollback's cleanup.
        new_half = replace(row, previous=None, stale=None) if row.physical_id else None
        run.put(replace(old, previous=old, stale=new_half or row.stale,
                        status=ResourceStatus.UPDATE_COMPLETE))
        run.event(old, "UPDATE_COMPLETE")
        return True
    # (A resource whose own update failed still has the tags it had.)
    retagged = retag and row.status is not ResourceStatus.UPDATE_FAILED and run.takes_tags(row.type)
    if row.properties == old.properties and not retagged:
        run.put(replace(old, previous=old, stale=row.stale))
        return True
    assert row.physical_id is not None
    run.put(replace(row, status=ResourceStatus.UPDATE_IN_PROGRESS))
    run.event(row, "UPDATE_IN_PROGRESS")
    try:
        run.update(logical_id, row.type, row.physical_id, row.properties, old.properties,
                   lambda r: replace(old, attributes=dict(r.attributes) or dict(old.attributes),
                                     previous=old, stale=row.stale,
                                     status=ResourceStatus.UPDATE_COMPLETE))
    except OperationFailed as exc:
        run.put(replace(row, status=ResourceStatus.UPDATE_FAILED, status_reason=exc.reason))
        run.event(row, "UPDATE_FAILED", exc.reason)
        return False
    run.event(old, "UPDATE_COMPLETE")
    return True


def _finish_update_rollback(run: StackRun) -> StackRecord:
    prev = run.record.previous or {}
    before = set(prev.get("Resources", ()))
    # Kept on the final status so `describe` says why the update was rolled back.
    why = prev.get("FailureReason") or run.record.status_reason
    if why and not prev.get("FailureReason"):
        prev = {**prev, "FailureReason": why}
        run.save_record(previous=prev)
    if run.record.status is StackStatus.UPDATE_ROLLBACK_IN_PROGRESS:
        # Restored resources get the stack's tags of before the update back.
        tags = dict(prev.get("Tags", run.record.tags))
        retag = dict(prev.get("AppliedTags", run.stack.tags)) != tags
        run.use_stack_tags(tags)
        rows = dict(run.resources)
        restore = sorted(k for k in rows if k in before)
        prerequisites = {k: [m for m in restore if k in rows[m].depends_on] for k in restore}
        result = run.schedule(restore, prerequisites, lambda lid: _restore(run, lid, retag),
                              stop_on_failure=False)
        if not result.ok:
            failed = sorted(result.failed)
            run.set_status(StackStatus.UPDATE_ROLLBACK_FAILED,
                           f"The following resource(s) failed to update: [{', '.join(failed)}].",
                           serial=run.record.serial + 1)
            return run.record
        run.set_status(StackStatus.UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS)

    rows = dict(run.resources)
    items = sorted(k for k, r in rows.items() if k not in before or r.stale is not None)
    prerequisites = {k: [m for m in items if k in rows[m].depends_on] for k in items}

    def work(logical_id: str) -> bool:
        row = run.get(logical_id)
        if row is None:
            return True
        if row.stale is not None:
            stale, holder = row.stale, row
            if not run.delete_physical(
                    stale, "Delete", on_create_rollback=True, mark_row=False,
                    after=lambda: replace(run.get(logical_id) or holder, stale=None)):
                return False
            row = run.get(logical_id) or row
        if logical_id not in before:
            return run.delete_physical(row, row.deletion_policy, on_create_rollback=True,
                                       after=lambda: None, mark_row=True)
        return True

    if not run.schedule(items, prerequisites, work, stop_on_failure=False).ok:
        run.set_status(StackStatus.UPDATE_ROLLBACK_FAILED,
                       "Cleanup of resources created by the update failed.",
                       serial=run.record.serial + 1)
        return run.record
    for logical_id, row in sorted(run.resources.items()):
        if row.previous is not None or row.stale is not None:
            run.put(replace(row, previous=None, stale=None))
    run.save_record(
        template=prev.get("Template") or {}, template_body=prev.get("TemplateBody"),
        parameters=tuple(StoredParameter(n, v, bool(e)) for n, v, e in prev.get("Parameters", ())),
        outputs=tuple(prev.get("Outputs", ())), tags=prev.get("Tags") or {},
        capabilities=tuple(prev.get("Capabilities", ())), description=prev.get("Description"),
        previous=None, serial=run.record.serial + 1)
    run.set_status(StackStatus.UPDATE_ROLLBACK_COMPLETE, why)
    return run.record


# -- recovery after a crash -------------------------------------------------------------------

INTERRUPTED = "The operation was interrupted (the process ended); rolling back."


def reconcile(run: StackRun) -> int:
    """Settle every provider call that was begun and never ended: repeat it with the same
    idempotency token (a create that happened returns the same resource; a delete of something
    gone succeeds) or read the resource, and record the result. Returns how many were settled."""
    store, stack_id = run.store, run.record.stack_id
    settled = 0
    for op in store.pending(stack_id):
        settled += 1
        row = run.get(op.logical_id)
        try:
            if op.kind is OpKind.CREATE:
                result = run.provider.create(run.stack, op.type, op.logical_id,
                                             dict(op.properties or {}), op.token)
                if row is not None and row.physical_id and row.physical_id != result.physical_id:
                    new = replace(row, physical_id=result.physical_id,
                                  properties=dict(op.properties or {}),
                                  attributes=dict(result.attributes),
                                  previous=row.previous or row,
                                  status=ResourceStatus.UPDATE_COMPLETE)
                else:
                    new = replace(row or ResourceState(op.logical_id, op.type, None,
                                                       ResourceStatus.CREATE_IN_PROGRESS),
                                  physical_id=result.physical_id,
                                  properties=dict(op.properties or {}),
                                  attributes=dict(result.attributes),
                                  status=ResourceStatus.CREATE_COMPLETE)
                store.end(stack_id, op.token, {"physical_id": result.physical_id,
                                               "reconciled": True}, resource=new)
                run.resources[new.logical_id] = new
            elif op.kind is OpKind.UPDATE:
                current = run.provider.read(op.type, op.physical_id or "")
                if row is not None:
                    row = replace(row, properties=dict(op.properties or row.properties),
                                  attributes=dict(current.attributes) if current else row.attributes)
                store.end(stack_id, op.token, {"reconciled": True}, resource=row)
                if row is not None:
                    run.resources[row.logical_id] = row
            else:
                run.provider.delete(run.stack, op.type, op.logical_id, op.physical_id or "",
                                    op.token)
                if row is not None and row.physical_id == op.physical_id:
                    store.end(stack_id, op.token, {"reconciled": True}, remove=op.logical_id)
                    run.resources.pop(op.logical_id, None)
                else:
                    if row is not None:
                        row = _forget_physical(row, op.physical_id)
                        run.resources[row.logical_id] = row
                    store.end(stack_id, op.token, {"reconciled": True}, resource=row)
        except Exception as exc:  # noqa: BLE001 - the provider says it did not happen
            store.end(stack_id, op.token, {"error": _reason(exc), "reconciled": True})
    return settled


def _forget_physical(row: ResourceState, physical_id: str | None) -> ResourceState:
    if row.stale is not None and row.stale.physical_id == physical_id:
        row = replace(row, stale=None)
    if row.previous is not None and row.previous.physical_id == physical_id:
        row = replace(row, previous=None)
    return row


def recover(run: StackRun) -> StackRecord:
    """Finish or roll back an operation a dead process left in progress."""
    reconcile(run)
    status = run.record.status
    disable = run.record.disable_rollback
    if status is StackStatus.CREATE_IN_PROGRESS:
        if disable:
            run.set_status(StackStatus.CREATE_FAILED, "The operation was interrupted.")
            return run.record
        return rollback_create(run, INTERRUPTED)
    if status is StackStatus.ROLLBACK_IN_PROGRESS:
        return rollback_create(run, run.record.status_reason or INTERRUPTED)
    if status is StackStatus.UPDATE_IN_PROGRESS:
        if disable:
            run.set_status(StackStatus.UPDATE_FAILED, "The operation was interrupted.")
            return run.record
        return rollback_update(run, INTERRUPTED)
    if status in (StackStatus.UPDATE_ROLLBACK_IN_PROGRESS,
                  StackStatus.UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS):
        return _finish_update_rollback(run)
    if status is StackStatus.UPDATE_COMPLETE_CLEANUP_IN_PROGRESS:
        return finish_forward(run, StackStatus.UPDATE_COMPLETE)
    if status is StackStatus.DELETE_IN_PROGRESS:
        from stackengine.execute.executor import Executor
        return Executor(run).delete()
    return run.record
