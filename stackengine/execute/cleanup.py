"""Deleting in reverse dependency order: whole stacks, and the cleanup phase of an update."""

from __future__ import annotations

from dataclasses import replace

from stackengine.execute.operations import StackRun
from stackengine.state.base import ResourceState, ResourceStatus, StackRecord, StackStatus


def delete_all(run: StackRun, *, retain: set[str], on_create_rollback: bool) -> bool:
    """Delete every resource of the stack (and leftovers) in reverse dependency order."""
    rows = dict(run.resources)
    # A resource is deleted after everything that depends on it.
    prerequisites: dict[str, list[str]] = {k: [] for k in rows}
    for dependent in sorted(rows):
        for dependency in rows[dependent].depends_on:
            if dependency in prerequisites and dependent not in prerequisites[dependency]:
                prerequisites[dependency].append(dependent)
    order = sorted(rows)

    def work(logical_id: str) -> bool:
        row = run.get(logical_id)
        if row is None:
            return True
        ok = True
        for extra in (row.stale, row.previous):
            if extra is not None and extra.physical_id not in (None, row.physical_id):
                ok = run.delete_physical(extra, "Delete", on_create_rollback=on_create_rollback,
                                         after=lambda: run.get(logical_id), mark_row=False) and ok
        if not ok:
            return False
        policy = "Retain" if logical_id in retain else row.deletion_policy
        if row.status is ResourceStatus.DELETE_SKIPPED:
            run.remove(logical_id)
            return True
        return run.delete_physical(row, policy, on_create_rollback=on_create_rollback,
                                   after=lambda: None, mark_row=True)

    result = run.schedule(order, prerequisites, work, stop_on_failure=False)
    return result.ok


def cleanup(run: StackRun) -> bool:
    """The update's cleanup phase: removed resources, old halves of replacements and leftovers
    from earlier runs are deleted, dependents first. A failure leaves the row (with what still
    has to go) for the next update; the update itself stays complete, as in CloudFormation."""
    rows = dict(run.resources)
    items = [k for k, r in rows.items() if r.removing or r.stale is not None or (
        r.previous is not None and r.previous.physical_id not in (None, r.physical_id))]
    old_deps = {k: (rows[k].previous or rows[k]).depends_on for k in items}
    prerequisites = {k: [m for m in items if k in old_deps[m]] for k in items}

    def work(logical_id: str) -> bool:
        row = run.get(logical_id)
        if row is None:
            return True
        if row.stale is not None:
            stale, holder = row.stale, row
            if not run.delete_physical(stale, "Delete", on_create_rollback=False,
                                       after=lambda: replace(run.get(logical_id) or holder, stale=None),
                                       mark_row=False):
                return False
            row = run.get(logical_id) or row
        if row.removing:
            return run.delete_physical(row, row.deletion_policy, on_create_rollback=False,
                                       after=lambda: None, mark_row=True)
        old = row.previous
        if old is not None and old.physical_id not in (None, row.physical_id):
            def after() -> ResourceState:
                return replace(run.get(logical_id) or row, previous=None)
            if not run.delete_physical(old, row.update_replace_policy, on_create_rollback=False,
                                       after=after, mark_row=False):
                current = run.get(logical_id) or row
                run.put(replace(current, previous=None, stale=old))
                return False
        return True

    return run.schedule(sorted(items), prerequisites, work, stop_on_failure=False).ok


def finish_forward(run: StackRun, final: StackStatus) -> StackRecord:
    """After a successful forward phase (and from recovery of an interrupted cleanup): cleanup,
    forget the previous versions, and mark the stack complete."""
    if final is StackStatus.UPDATE_COMPLETE:
        cleanup(run)
    for logical_id, row in sorted(run.resources.items()):
        if row.previous is not None:
            run.put(replace(row, previous=None))
    run.save_record(previous=None, serial=run.record.serial + 1)
    run.set_status(final)
    run.store.add_template_version(run.record)
    return run.record
