"""Applying a template to a stack: create/update in dependency order, cleanup, delete.

Forward phase: every resource of the desired template runs as soon as its dependencies are
complete (`run_dag`); its properties are resolved then, with the physical IDs and attributes of
the resources made before it. Replacements create the new resource first. Cleanup phase (after
every create and update succeeded): removed resources and the old halves of replacements are
deleted, dependents before dependencies. A failure stops new work and hands over to rollback.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Sequence

from stackengine.diagnostics import StackEngineError
from stackengine.execute import rollback
from stackengine.execute.cleanup import delete_all, finish_forward
from stackengine.execute.events import now_iso
from stackengine.execute.operations import CANCELLED, CREATE_TIMED_OUT, OperationFailed, StackRun
from stackengine.execute.scheduler import chain_lengths
from stackengine.graph import ResourceGraph, build_graph
from stackengine.plan.diff import needs_replacement
from stackengine.state.base import (
    ExportConflictError, ResourceState, ResourceStatus, StackRecord, StackStatus, StoredParameter,
)
from stackengine.template.model import OutputDecl, ResourceDecl
from stackengine.values import to_template

Json = Any
Lookup = Callable[[str, "str | None"], Json]
Resolver = Callable[[Json, Lookup], Json]


class ExportInUseError(StackEngineError):
    """An export another stack imports would be changed or removed."""


@dataclass(frozen=True)
class DeployRequest:
    """Everything a create or update applies; `resolve` replaces references to resources
    (ProcessedTemplate.resolve_late)."""

    resources: Mapping[str, ResourceDecl]
    outputs: Mapping[str, OutputDecl]
    resolve: Resolver
    template: Mapping[str, Json] = field(default_factory=dict)
    template_body: str | None = None
    parameters: tuple[StoredParameter, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    capabilities: tuple[str, ...] = ()
    description: str | None = None
    disable_rollback: bool = False
    imports: tuple[str, ...] = ()
    graph: ResourceGraph | None = None  # of `resources`, when the caller has built it already


def _settle(row: ResourceState, *, wanted: bool) -> ResourceState:
    """A row as an update starts from it. After an UPDATE_FAILED kept without rollback, rows can
    still carry the earlier update's leftovers: the old half of a replacement becomes `stale`
    (deleted in this update's cleanup) and the current version is the base to roll back to."""
    if row.previous is not None:
        old = row.previous
        stale = old if old.physical_id not in (None, row.physical_id) else row.stale
        row = replace(row, previous=None, stale=stale)
    if row.removing != (not wanted):
        row = replace(row, removing=not wanted)
    return row


def output_string(value: Json) -> str:
    """Outputs are strings: lists are comma-joined as CloudFormation shows them."""
    if isinstance(value, list):
        return ",".join(output_string(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _failure_reason(run: StackRun, failed: Sequence[str], verb: str) -> str:
    return f"The following resource(s) failed to {verb}: [{', '.join(sorted(failed))}]."


class Executor:
    """Runs one command on one stack. The caller holds the stack's lock."""

    def __init__(self, run: StackRun) -> None:
        self.run = run
        self._cancelled: set[str] = set()
        self._tags_changed = False  # the stack's tags differ from the deployed ones

    # -- create / update ------------------------------------------------------------------

    def deploy(self, request: DeployRequest) -> StackRecord:
        run = self.run
        creating = run.record.status is StackStatus.REVIEW_IN_PROGRESS
        # CloudFormation propagates the stack's tags to its resources: a change of them updates
        # every resource that takes tags.
        self._tags_changed = not creating and dict(request.tags) != dict(run.record.tags)
        run.use_stack_tags(request.tags)
        graph = request.graph or build_graph(request.resources)
        deps = graph.dependency_map()
        if creating:
            run.set_status(StackStatus.CREATE_IN_PROGRESS, "User Initiated",
                           serial=run.record.serial + 1, disable_rollback=request.disable_rollback,
                           creation_time=run.record.creation_time or now_iso())
            # CloudFormation applies TimeoutInMinutes to creation only.
            run.start_timeout(run.record.timeout_in_minutes)
        else:
            previous = {
                "Template": run.record.template, "TemplateBody": run.record.template_body,
                "Parameters": [[p.name, p.value, p.no_echo] for p in run.record.parameters],
                "Outputs": list(run.record.outputs), "Resources": sorted(run.resources),
                "Tags": dict(run.record.tags), "Capabilities": list(run.record.capabilities),
                "Description": run.record.description,
                # The tags this update gives resources: a rollback in a later process (recovery,
                # continue-update-rollback) must know which resources it has to retag.
                "AppliedTags": dict(request.tags),
            }
            run.set_status(StackStatus.UPDATE_IN_PROGRESS, "User Initiated",
                           serial=run.record.serial + 1, previous=previous,
                           disable_rollback=request.disable_rollback,
                           last_updated_time=now_iso())
            for logical_id, row in sorted(run.resources.items()):
                settled = _settle(row, wanted=logical_id in request.resources)
                if settled != row:
                    run.put(settled)

        order = graph.order()

        def apply(logical_id: str) -> bool:
            ok = self._apply(logical_id, request, deps[logical_id], creating)
            if not ok:
                run.cancelled.set()  # calls still waiting for a slot are not made
            return ok

        try:
            result = run.schedule(order, deps, apply, priority=chain_lengths(order, deps),
                                  on_interrupt=run.cancelled.set)
        except KeyboardInterrupt:
            # Ctrl-C: what ran has finished; leave the stack settled, then let the caller stop.
            run.cancelled.clear()
            run.stop_timeout()
            self._abandon(creating, request.disable_rollback, "Deployment interrupted by user.")
            raise
        run.cancelled.clear()
        # Past the deadline the create fails even when its last call succeeded meanwhile.
        timed_out = creating and (run.timed_out or (not result.failed and run.check_timeout()))
        run.stop_timeout()
        reason: str | None = None
        outputs: tuple[Mapping[str, Json], ...] = ()
        if timed_out:
            reason = CREATE_TIMED_OUT
        elif result.failed:
            # Name the causes; resources whose call was cancelled by them are not causes.
            causes = [n for n in result.failed if n not in self._cancelled] or result.failed
            reason = _failure_reason(run, causes, "create" if creating else "update")
        else:
            try:
                outputs = self._outputs(request)
                self._publish_exports(outputs)
            except StackEngineError as exc:
                reason = str(exc)

        if reason is not None:
            return self._abandon(creating, request.disable_rollback, reason)

        # The new template is the stack's from here on: a crash during cleanup resumes cleanup.
        run.save_record(template=dict(request.template), template_body=request.template_body,
                        parameters=request.parameters, outputs=outputs, tags=dict(request.tags),
                        capabilities=request.capabilities, description=request.description)
        run.store.set_imports(run.record.account_id, run.record.region, run.record.name,
                              list(request.imports))
        if creating:
            return finish_forward(run, StackStatus.CREATE_COMPLETE)
        run.set_status(StackStatus.UPDATE_COMPLETE_CLEANUP_IN_PROGRESS)
        return finish_forward(run, StackStatus.UPDATE_COMPLETE)

    def _abandon(self, creating: bool, disable_rollback: bool, reason: str) -> StackRecord:
        run = self.run
        if disable_rollback:
            run.set_status(StackStatus.CREATE_FAILED if creating else StackStatus.UPDATE_FAILED,
                           reason)
            return run.record
        if creating:
            sentence = reason if reason.endswith(".") else reason + "."
            return rollback.rollback_create(run, sentence + rollback.ROLLBACK_REQUESTED)
        return rollback.rollback_update(run, reason)

    def _apply(self, logical_id: str, request: DeployRequest, deps: tuple[str, ...],
               creating: bool) -> bool:
        run = self.run
        want = request.resources[logical_id]
        have = run.get(logical_id)
        base = dict(template_properties=to_template(dict(want.properties)), depends_on=deps,
                    deletion_policy=want.deletion_policy,
                    update_replace_policy=want.update_replace_policy,
                    metadata=to_template(want.metadata) if want.metadata is not None else None)
        try:
            props = request.resolve(dict(want.properties), run.lookup)
        except StackEngineError as exc:
            return self._fail_before_call(want, have, str(exc))
        if have is None or have.physical_id is None:
            return self._create(want, props, base, have)
        schema = run.schemas.get(want.type) if run.schemas is not None else None
        if needs_replacement(schema, have.properties, props):
            return self._replace(want, have, props, base)
        if props != have.properties or (self._tags_changed and run.takes_tags(want.type)):
            return self._update(want, have, props, base)
        if any(getattr(have, k) != v for k, v in base.items()):
            run.put(replace(have, previous=have, **base))  # template-only change: no call
        return True

    def _note(self, logical_id: str, exc: OperationFailed) -> None:
        if exc.reason in CANCELLED.values():
            self._cancelled.add(logical_id)

    def _fail_before_call(self, want: ResourceDecl, have: ResourceState | None,
                          reason: str) -> bool:
        run = self.run
        if have is None or have.physical_id is None:
            row = ResourceState(want.logical_id, want.type, None, ResourceStatus.CREATE_FAILED,
                                reason)
        else:
            row = replace(have, status=ResourceStatus.UPDATE_FAILED, status_reason=reason,
                          previous=have)
        run.put(row)
        run.event(row, row.status.value, reason)
        return False

    def _create(self, want: ResourceDecl, props: Mapping[str, Json], base: dict[str, Any],
                have: ResourceState | None) -> bool:
        run = self.run
        row = ResourceState(want.logical_id, want.type, None, ResourceStatus.CREATE_IN_PROGRESS,
                            properties=props, **base)
        def starting() -> None:
            run.mark(row)
            run.event(row, "CREATE_IN_PROGRESS")

        try:
            run.create(want.logical_id, want.type, props, lambda r: replace(
                row, physical_id=r.physical_id, attributes=dict(r.attributes),
                status=ResourceStatus.CREATE_COMPLETE), before=starting,
                after=lambda r: run.event(row, "CREATE_COMPLETE", physical_id=r.physical_id),
                cancellable=True)
        except OperationFailed as exc:
            self._note(want.logical_id, exc)
            # What the failed call left in place keeps its physical ID, so a rollback or a
            # later delete of the stack deletes it.
            failed = replace(row, status=ResourceStatus.CREATE_FAILED, status_reason=exc.reason,
                             physical_id=exc.physical_id)
            with run.batch():
                run.put(failed)
                run.event(failed, "CREATE_FAILED", exc.reason)
            return False
        return True

    def _replace(self, want: ResourceDecl, have: ResourceState, props: Mapping[str, Json],
                 base: dict[str, Any]) -> bool:
        run = self.run
        conflict = run.replacement_conflict(want.type, want.logical_id, have.properties, props) \
            if run.replacement_conflict is not None else None
        if conflict is not None:
            return self._fail_before_call(want, have, conflict)
        run.put(replace(have, status=ResourceStatus.UPDATE_IN_PROGRESS, previous=have))
        run.event(have, "UPDATE_IN_PROGRESS", "Requested update requires the creation of a new "
                  "physical resource; hence creating one.")
        new_row = ResourceState(want.logical_id, want.type, None, ResourceStatus.UPDATE_COMPLETE,
                                properties=props, previous=have, **base)
        try:
            result = run.create(want.logical_id, want.type, props, lambda r: replace(
                new_row, physical_id=r.physical_id, attributes=dict(r.attributes)),
                cancellable=True)
        except OperationFailed as exc:
            self._note(want.logical_id, exc)
            run.put(replace(have, status=ResourceStatus.UPDATE_FAILED, status_reason=exc.reason,
                            previous=have))
            run.event(have, "UPDATE_FAILED", exc.reason)
            return False
        run.event(new_row, "UPDATE_IN_PROGRESS", "Resource creation Initiated",
                  physical_id=result.physical_id)
        run.event(new_row, "UPDATE_COMPLETE", physical_id=result.physical_id)
        return True

    def _update(self, want: ResourceDecl, have: ResourceState, props: Mapping[str, Json],
                base: dict[str, Any]) -> bool:
        run = self.run
        assert have.physical_id is not None
        row = replace(have, status=ResourceStatus.UPDATE_IN_PROGRESS, previous=have)

        def starting() -> None:
            run.mark(row)
            run.event(row, "UPDATE_IN_PROGRESS")

        try:
            run.update(want.logical_id, want.type, have.physical_id, have.properties, props,
                       lambda r: replace(row, physical_id=r.physical_id or have.physical_id,
                                         properties=props,
                                         attributes=dict(r.attributes) or dict(have.attributes),
                                         status=ResourceStatus.UPDATE_COMPLETE, **base),
                       before=starting, after=lambda r: run.event(row, "UPDATE_COMPLETE"),
                       cancellable=True)
        except OperationFailed as exc:
            self._note(want.logical_id, exc)
            # A failed update leaves the resource as it was (the provider applies all or nothing).
            with run.batch():
                run.put(replace(row, status=ResourceStatus.UPDATE_FAILED, status_reason=exc.reason))
                run.event(row, "UPDATE_FAILED", exc.reason)
            return False
        return True

    # -- outputs and exports --------------------------------------------------------------

    def _outputs(self, request: DeployRequest) -> tuple[Mapping[str, Json], ...]:
        out = []
        for name in request.outputs:
            decl = request.outputs[name]
            item: dict[str, Json] = {"OutputKey": name,
                                     "OutputValue": output_string(
                                         request.resolve(decl.value, self.run.lookup))}
            if decl.description is not None:
                item["Description"] = decl.description
            if decl.export_name is not None:
                item["ExportName"] = output_string(request.resolve(decl.export_name,
                                                                   self.run.lookup))
            out.append(item)
        return tuple(out)

    def _publish_exports(self, outputs: Sequence[Mapping[str, Json]]) -> None:
        run, rec = self.run, self.run.record
        new = {o["ExportName"]: o["OutputValue"] for o in outputs if "ExportName" in o}
        old = {o["ExportName"]: o["OutputValue"] for o in rec.outputs if "ExportName" in o}
        previous = rec.previous or {}
        old.update({o["ExportName"]: o["OutputValue"] for o in previous.get("Outputs", ())
                    if "ExportName" in o})
        for name, value in sorted(old.items()):
            if name in new and new[name] == value:
                continue
            importers = [s for s in run.store.importers(rec.account_id, rec.region, name)
                         if s != rec.name]
            if importers:
                verb = "update" if name in new else "remove"
                raise ExportInUseError(f"Cannot {verb} export {name} as it is in use by "
                                       f"{', '.join(importers)}")
        try:
            run.store.set_exports(rec.account_id, rec.region, rec.stack_id, rec.name, new)
        except ExportConflictError:
            raise

    # -- delete stack ---------------------------------------------------------------------

    def delete(self, retain: Sequence[str] = ()) -> StackRecord:
        run = self.run
        run.set_status(StackStatus.DELETE_IN_PROGRESS, "User Initiated",
                       serial=run.record.serial + 1)
        ok = delete_all(run, retain=set(retain), on_create_rollback=False)
        if not ok:
            failed = sorted(k for k, r in run.resources.items()
                            if r.status is ResourceStatus.DELETE_FAILED)
            run.set_status(StackStatus.DELETE_FAILED, "The following resource(s) failed to delete: "
                           f"[{', '.join(failed)}]. ")
            return run.record
        run.store.set_exports(run.record.account_id, run.record.region, run.record.stack_id,
                              run.record.name, {})
        run.store.set_imports(run.record.account_id, run.record.region, run.record.name, [])
        run.set_status(StackStatus.DELETE_COMPLETE, deletion_time=now_iso())
        return run.record
