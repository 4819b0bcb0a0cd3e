"""What the engine remembers about stacks, and the `StateStore` protocol that keeps it.

Values here are frozen; the executor writes a new version of a resource or stack record after
every step, so what is on disk is always a state the next command can reconcile from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, ContextManager, Mapping, Protocol, Sequence

from stackengine.diagnostics import StackEngineError

Json = Any


class StateError(StackEngineError):
    """The state database cannot be used (corrupt, newer schema, unwritable)."""


class StackBusyError(StackEngineError):
    """Another process is changing the same stack right now."""


class StackStatus(str, enum.Enum):
    CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS"
    CREATE_FAILED = "CREATE_FAILED"
    CREATE_COMPLETE = "CREATE_COMPLETE"
    ROLLBACK_IN_PROGRESS = "ROLLBACK_IN_PROGRESS"
    ROLLBACK_FAILED = "ROLLBACK_FAILED"
    ROLLBACK_COMPLETE = "ROLLBACK_COMPLETE"
    DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
    DELETE_FAILED = "DELETE_FAILED"
    DELETE_COMPLETE = "DELETE_COMPLETE"
    UPDATE_IN_PROGRESS = "UPDATE_IN_PROGRESS"
    UPDATE_COMPLETE_CLEANUP_IN_PROGRESS = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"
    UPDATE_COMPLETE = "UPDATE_COMPLETE"
    UPDATE_FAILED = "UPDATE_FAILED"
    UPDATE_ROLLBACK_IN_PROGRESS = "UPDATE_ROLLBACK_IN_PROGRESS"
    UPDATE_ROLLBACK_FAILED = "UPDATE_ROLLBACK_FAILED"
    UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS = "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"
    UPDATE_ROLLBACK_COMPLETE = "UPDATE_ROLLBACK_COMPLETE"
    REVIEW_IN_PROGRESS = "REVIEW_IN_PROGRESS"

    @property
    def in_progress(self) -> bool:
        return self.value.endswith("_IN_PROGRESS") and self is not StackStatus.REVIEW_IN_PROGRESS

    @property
    def failed(self) -> bool:
        """The stack's last operation did not reach its goal (`deploy` exits 1)."""
        return self.value.endswith("_FAILED") or "ROLLBACK" in self.value


class ResourceStatus(str, enum.Enum):
    CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS"
    CREATE_FAILED = "CREATE_FAILED"
    CREATE_COMPLETE = "CREATE_COMPLETE"
    DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
    DELETE_FAILED = "DELETE_FAILED"
    DELETE_COMPLETE = "DELETE_COMPLETE"
    DELETE_SKIPPED = "DELETE_SKIPPED"
    UPDATE_IN_PROGRESS = "UPDATE_IN_PROGRESS"
    UPDATE_FAILED = "UPDATE_FAILED"
    UPDATE_COMPLETE = "UPDATE_COMPLETE"


class OpKind(str, enum.Enum):
    """A single provider call recorded in the journal."""

    CREATE = "CREATE"
    UPDATE = "UPDATE"
    DELETE = "DELETE"


@dataclass(frozen=True)
class ResourceState:
    """One resource as deployed. `properties` are the resolved values sent to the provider;
    `template_properties` are the template's (references to other resources still as intrinsics),
    which is what change sets compare. While an operation runs, `previous` holds the version the
    operation started from (rollback restores it; its physical ID differs after a replacement) and
    `removing` marks a resource the new template no longer has (deleted in the cleanup phase)."""

    logical_id: str
    type: str
    physical_id: str | None
    status: ResourceStatus
    status_reason: str | None = None
    properties: Mapping[str, Json] = field(default_factory=dict)
    template_properties: Mapping[str, Json] = field(default_factory=dict)
    attributes: Mapping[str, Json] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    deletion_policy: str = "Delete"
    update_replace_policy: str = "Delete"
    metadata: Mapping[str, Json] | None = None
    timestamp: str = ""
    previous: ResourceState | None = None
    removing: bool = False
    stale: ResourceState | None = None
    """A physical resource of this logical ID that rollback replaced away (the new half of a
    replacement): deleted in the rollback's cleanup phase."""

    def to_json(self) -> dict[str, Json]:
        return {
            "LogicalResourceId": self.logical_id, "ResourceType": self.type,
            "PhysicalResourceId": self.physical_id, "ResourceStatus": self.status.value,
            "ResourceStatusReason": self.status_reason, "Properties": dict(self.properties),
            "TemplateProperties": dict(self.template_properties),
            "Attributes": dict(self.attributes), "DependsOn": list(self.depends_on),
            "DeletionPolicy": self.deletion_policy, "UpdateReplacePolicy": self.update_replace_policy,
            "Metadata": self.metadata, "Timestamp": self.timestamp,
            "Previous": self.previous.to_json() if self.previous else None,
            "Removing": self.removing,
            "Stale": self.stale.to_json() if self.stale else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Json]) -> ResourceState:
        prev = data.get("Previous")
        stale = data.get("Stale")
        return cls(
            logical_id=data["LogicalResourceId"], type=data["ResourceType"],
            physical_id=data.get("PhysicalResourceId"),
            status=ResourceStatus(data["ResourceStatus"]),
            status_reason=data.get("ResourceStatusReason"),
            properties=data.get("Properties") or {},
            template_properties=data.get("TemplateProperties") or {},
            attributes=data.get("Attributes") or {}, depends_on=tuple(data.get("DependsOn") or ()),
            deletion_policy=data.get("DeletionPolicy") or "Delete",
            update_replace_policy=data.get("UpdateReplacePolicy") or "Delete",
            metadata=data.get("Metadata"), timestamp=data.get("Timestamp") or "",
            previous=cls.from_json(prev) if prev else None, removing=bool(data.get("Removing")),
            stale=cls.from_json(stale) if stale else None,
        )


@dataclass(frozen=True)
class StoredParameter:
    name: str
    value: Json
    no_echo: bool = False

    @property
    def display(self) -> Json:
        return "****" if self.no_echo else self.value


@dataclass(frozen=True)
class StackRecord:
    """A stack's own row: status, the deployed template and parameters, outputs and settings.
    `serial` grows with every operation that changes the stack; change sets remember it."""

    stack_id: str
    name: str
    account_id: str
    region: str
    status: StackStatus
    serial: int = 0
    status_reason: str | None = None
    template: Mapping[str, Json] = field(default_factory=dict)
    template_body: str | None = None
    parameters: tuple[StoredParameter, ...] = ()
    outputs: tuple[Mapping[str, Json], ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    capabilities: tuple[str, ...] = ()
    termination_protection: bool = False
    stack_policy: Mapping[str, Json] | None = None
    disable_rollback: bool = False
    creation_time: str = ""
    last_updated_time: str | None = None
    deletion_time: str | None = None
    description: str | None = None
    # The template/parameters/outputs the running operation started from (for update rollback).
    previous: Mapping[str, Json] | None = None
    # Set by CloudFormation for a stack it runs for a resource (describe-stacks shows them): a
    # nested stack's parent and top-level stack IDs, and the resource's timeout and topics.
    parent_id: str | None = None
    root_id: str | None = None
    timeout_in_minutes: int | None = None
    notification_arns: tuple[str, ...] = ()


@dataclass(frozen=True)
class StackEvent:
    stack_id: str
    stack_name: str
    event_id: str
    timestamp: str
    logical_id: str
    physical_id: str | None
    resource_type: str
    status: str
    reason: str | None = None
    properties: Mapping[str, Json] | None = None

    def to_json(self) -> dict[str, Json]:
        out: dict[str, Json] = {
            "StackId": self.stack_id, "EventId": self.event_id, "StackName": self.stack_name,
            "LogicalResourceId": self.logical_id, "PhysicalResourceId": self.physical_id or "",
            "ResourceType": self.resource_type, "Timestamp": self.timestamp,
            "ResourceStatus": self.status,
        }
        if self.reason:
            out["ResourceStatusReason"] = self.reason
        return out


@dataclass(frozen=True)
class Operation:
    """One provider call, written before it starts (write-ahead) and closed after it ends."""

    token: str
    kind: OpKind
    logical_id: str
    type: str
    physical_id: str | None = None
    properties: Mapping[str, Json] | None = None


@dataclass(frozen=True)
class Export:
    name: str
    value: Json
    stack_id: str
    stack_name: str


class StateStore(Protocol):
    """Where stacks live. Stacks are scoped to an account and a region, as in CloudFormation."""

    def batch(self) -> ContextManager[None]: ...
    # batch: the writes inside are one transaction (atomic, and one commit)
    # stacks
    def lock(self, account_id: str, region: str, stack_name: str) -> ContextManager[None]: ...
    def get_stack(self, account_id: str, region: str, stack_name: str) -> StackRecord | None: ...
    def get_stack_by_id(self, stack_id: str) -> StackRecord | None: ...
    def list_stacks(self, account_id: str, region: str, *,
                    include_deleted: bool = False) -> list[StackRecord]: ...
    def put_stack(self, record: StackRecord) -> None: ...
    def add_template_version(self, record: StackRecord) -> None: ...
    def template_versions(self, stack_id: str) -> list[dict[str, Json]]: ...
    # resources
    def resources(self, stack_id: str) -> dict[str, ResourceState]: ...
    def put_resource(self, stack_id: str, resource: ResourceState) -> None: ...
    def delete_resource(self, stack_id: str, logical_id: str) -> None: ...
    # events
    def add_event(self, event: StackEvent) -> None: ...
    def events(self, stack_id: str) -> list[StackEvent]: ...
    # journal
    def begin(self, stack_id: str, op: Operation) -> None: ...
    def end(self, stack_id: str, token: str, outcome: Mapping[str, Json], *,
            resource: ResourceState | None = None, remove: str | None = None) -> None: ...
    # end: closes the journal entry and, in the same transaction, records what the call did to
    # the resource (so no instant exists where the provider acted and the state does not know).
    def pending(self, stack_id: str) -> Sequence[Operation]: ...
    # change sets (stored as their JSON document)
    def put_change_set(self, stack_id: str, name: str, document: Mapping[str, Json]) -> None: ...
    def get_change_set(self, stack_id: str, name: str) -> dict[str, Json] | None: ...
    def list_change_sets(self, stack_id: str) -> list[dict[str, Json]]: ...
    def delete_change_set(self, stack_id: str, name: str) -> bool: ...
    # exports and imports
    def set_exports(self, account_id: str, region: str, stack_id: str, stack_name: str,
                    exports: Mapping[str, Json]) -> None: ...
    def exports(self, account_id: str, region: str) -> list[Export]: ...
    def set_imports(self, account_id: str, region: str, stack_name: str,
                    names: Sequence[str]) -> None: ...
    def importers(self, account_id: str, region: str, export_name: str) -> list[str]: ...


class ExportConflictError(StackEngineError):
    """An export name is already exported by another stack in the same account and region."""
