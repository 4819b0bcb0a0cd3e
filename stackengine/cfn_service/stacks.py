"""Stacks CloudFormation runs on behalf of a resource: nested stacks and stack instances.

`StackOperations` is what the CloudFormation-managed types need from the engine: deploy a stack
(create or update, settled when it returns) and delete one. `EngineStacks` does it with an
`Engine` per account and region sharing the caller's store and provider, so child stacks are real
stacks of the same state database, each under its own stack lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Mapping, Protocol

from stackengine.diagnostics import StackEngineError
from stackengine.state.base import StackRecord, StackStatus

if TYPE_CHECKING:  # the engine imports this package, not the other way round at import time
    from stackengine.engine import Engine

# A stack in one of these states cannot be deployed again; CloudFormation deletes it first.
_DEAD = frozenset({StackStatus.CREATE_FAILED, StackStatus.ROLLBACK_FAILED,
                   StackStatus.ROLLBACK_COMPLETE, StackStatus.DELETE_FAILED})
CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND")


@dataclass(frozen=True)
class ChildStack:
    """One stack to create or update: where, which template, with what."""

    account_id: str
    region: str
    name: str
    template_body: str
    template_file: str
    parameters: Mapping[str, str] = field(default_factory=dict)
    capabilities: tuple[str, ...] = CAPABILITIES
    tags: Mapping[str, str] = field(default_factory=dict)
    parent_id: str | None = None
    root_id: str | None = None
    timeout_in_minutes: int | None = None
    notification_arns: tuple[str, ...] = ()
    disable_rollback: bool = False


class ChildRefused(StackEngineError):
    """CloudFormation would refuse to create or update the stack as asked."""


def _check_declared(child: ChildStack) -> None:
    """As CreateStack/UpdateStack (and unlike `aws cloudformation deploy`, which drops them),
    values for parameters the template does not declare are refused."""
    from stackengine.template.decode import decode_text

    document = decode_text(child.template_body, child.template_file)
    data = document.data if isinstance(document.data, Mapping) else {}
    section = data.get("Parameters")
    declared: Mapping[str, Any] = section if isinstance(section, Mapping) else {}
    unknown = sorted(set(child.parameters) - set(declared))
    if unknown:
        raise ChildRefused(f"Parameters: [{', '.join(unknown)}] do not exist in the template")


class StackOperations(Protocol):
    def find(self, stack_id: str) -> StackRecord | None: ...
    # The stack (any account/region) with this ID, None when there is none or it is deleted.

    def deploy(self, child: ChildStack) -> StackRecord: ...
    # Create or update; returns the settled record (raises StackEngineError when refused).

    def delete(self, record: StackRecord) -> StackRecord: ...

    def failure_reasons(self, record: StackRecord) -> list[str]: ...
    # "LogicalId: reason" of the resources that failed in the stack's last operation.

    def running_settings(self, record: StackRecord) -> StackSettings: ...
    # The tags and capabilities of the operation running on the stack (a parent's, for its
    # nested stacks).


@dataclass(frozen=True)
class StackSettings:
    tags: Mapping[str, str]
    capabilities: tuple[str, ...]


class EngineStacks:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _engine_for(self, account_id: str, region: str) -> Engine:
        from stackengine.engine import Engine

        base = self._engine
        config = replace(base.config, account_id=account_id, region=region)
        return Engine(config, provider=base.provider, store=base.store, schemas=base.schemas,
                      clock=base.clock)

    def find(self, stack_id: str) -> StackRecord | None:
        record = self._engine.store.get_stack_by_id(stack_id)
        if record is None or record.status is StackStatus.DELETE_COMPLETE:
            return None
        return record

    def deploy(self, child: ChildStack) -> StackRecord:
        from stackengine.engine import ExecuteOptions, StackRequest

        engine = self._engine_for(child.account_id, child.region)
        store = engine.store
        current = store.get_stack(child.account_id, child.region, child.name)
        if current is not None and (current.status.in_progress or store.pending(current.stack_id)):
            current = engine.recover(child.name)  # a process died while it ran: settle it first
        if current is not None and current.status in _DEAD:
            engine.delete_stack(child.name)
        _check_declared(child)
        request = StackRequest(child.template_file, child.name, dict(child.parameters),
                               tuple(child.capabilities), dict(child.tags),
                               template_body=child.template_body)
        cs = engine.create_change_set(request)
        # CloudFormation's settings of the child, on its record before it runs (under its lock).
        with store.lock(child.account_id, child.region, child.name):
            record = engine.stack(child.name)
            settings: dict[str, Any] = dict(
                parent_id=child.parent_id, root_id=child.root_id,
                timeout_in_minutes=child.timeout_in_minutes,
                notification_arns=tuple(child.notification_arns))
            if any(getattr(record, k) != v for k, v in settings.items()):
                store.put_stack(replace(record, **settings))
        if cs.execution_status != "AVAILABLE":  # nothing changed: no change set is left behind
            engine.delete_change_set(child.name, cs.name)
            return engine.stack(child.name)
        return engine.execute_change_set(child.name, cs.name,
                                          ExecuteOptions(disable_rollback=child.disable_rollback))

    def delete(self, record: StackRecord) -> StackRecord:
        engine = self._engine_for(record.account_id, record.region)
        return engine.delete_stack(record.name)

    def failure_reasons(self, record: StackRecord) -> list[str]:
        from stackengine.execute.failures import last_operation_causes

        failed = {f"{status}_FAILED" for status in ("CREATE", "UPDATE", "DELETE")}
        causes = last_operation_causes(self._engine.store.events(record.stack_id), record.name,
                                       failed)
        # Oldest first, each cause once, as its last occurrence placed it.
        entries = [f"{event.logical_id}: {event.reason}" for event in causes]
        return [e for i, e in enumerate(entries) if e not in entries[i + 1:]]

    def running_settings(self, record: StackRecord) -> StackSettings:
        """A stack's record gets its new tags and capabilities only once its resources are done,
        so while it runs they are read from the change set being executed: the one computed
        against the serial the execution moved past. Otherwise (a rollback after a restart),
        the stack's own."""
        from stackengine.plan.changeset import ChangeSet

        for document in self._engine.store.list_change_sets(record.stack_id):
            cs = ChangeSet.from_json(document)
            if cs.execution_status == "AVAILABLE" and cs.base_serial == record.serial - 1:
                return StackSettings(dict(cs.tags), tuple(cs.capabilities))
        return StackSettings(dict(record.tags), tuple(record.capabilities))
