"""The change set: an immutable value describing what a deployment will do.

Its JSON form is the shape of `aws cloudformation describe-change-set`; the stack serial it was
computed against travels with it (under `StackEngine.BaseSerial`) so a stale one is refused.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

Json = Any


class Action(str, enum.Enum):
    ADD = "Add"
    MODIFY = "Modify"
    REMOVE = "Remove"


class Replacement(str, enum.Enum):
    TRUE = "True"
    FALSE = "False"
    CONDITIONAL = "Conditional"


class RequiresRecreation(str, enum.Enum):
    NEVER = "Never"
    CONDITIONALLY = "Conditionally"
    ALWAYS = "Always"


class Scope(str, enum.Enum):
    PROPERTIES = "Properties"
    METADATA = "Metadata"
    CREATION_POLICY = "CreationPolicy"
    UPDATE_POLICY = "UpdatePolicy"
    DELETION_POLICY = "DeletionPolicy"
    UPDATE_REPLACE_POLICY = "UpdateReplacePolicy"
    TAGS = "Tags"


class ChangeSource(str, enum.Enum):
    PARAMETER_REFERENCE = "ParameterReference"
    RESOURCE_REFERENCE = "ResourceReference"
    RESOURCE_ATTRIBUTE = "ResourceAttribute"
    DIRECT_MODIFICATION = "DirectModification"
    AUTOMATIC = "Automatic"


class Evaluation(str, enum.Enum):
    STATIC = "Static"
    DYNAMIC = "Dynamic"


class ChangeSetType(str, enum.Enum):
    CREATE = "CREATE"
    UPDATE = "UPDATE"


_MISSING = object()


@dataclass(frozen=True)
class ChangeDetail:
    """One changed thing inside a resource: which attribute/property, why, and whether it
    replaces the resource. `before`/`after` are for display (NoEcho values already masked)."""

    attribute: Scope
    name: str | None
    path: str | None
    requires_recreation: RequiresRecreation
    evaluation: Evaluation
    change_source: ChangeSource
    causing_entity: str | None = None
    change_type: str = "Modify"  # Add / Remove / Modify of the attribute itself
    before: Json = None
    after: Json = None

    def to_json(self) -> dict[str, Json]:
        target: dict[str, Json] = {"Attribute": self.attribute.value}
        if self.name is not None:
            target["Name"] = self.name
        target["RequiresRecreation"] = self.requires_recreation.value
        if self.path is not None:
            target["Path"] = self.path
        if self.before is not None:
            target["BeforeValue"] = self.before
        if self.after is not None:
            target["AfterValue"] = self.after
        target["AttributeChangeType"] = self.change_type
        out: dict[str, Json] = {"Target": target, "Evaluation": self.evaluation.value,
                                "ChangeSource": self.change_source.value}
        if self.causing_entity is not None:
            out["CausingEntity"] = self.causing_entity
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Json]) -> ChangeDetail:
        t = data["Target"]
        return cls(Scope(t["Attribute"]), t.get("Name"), t.get("Path"),
                   RequiresRecreation(t.get("RequiresRecreation", "Never")),
                   Evaluation(data["Evaluation"]), ChangeSource(data["ChangeSource"]),
                   data.get("CausingEntity"), t.get("AttributeChangeType", "Modify"),
                   t.get("BeforeValue"), t.get("AfterValue"))


@dataclass(frozen=True)
class ResourceChange:
    action: Action
    logical_id: str
    resource_type: str
    physical_id: str | None = None
    replacement: Replacement | None = None
    scope: tuple[Scope, ...] = ()
    details: tuple[ChangeDetail, ...] = ()

    @property
    def replacement_reasons(self) -> list[str]:
        """Why it may be replaced, for people: 'BucketName (create-only, DirectModification)'."""
        reasons = []
        for d in self.details:
            if d.requires_recreation is RequiresRecreation.NEVER:
                continue
            what = d.path or d.name or d.attribute.value
            kind = "create-only" if d.requires_recreation is RequiresRecreation.ALWAYS else \
                "may require replacement"
            how = d.change_source.value + (f" {d.causing_entity}" if d.causing_entity else "")
            reasons.append(f"{what} ({kind}, {d.evaluation.value.lower()}, {how})")
        return reasons

    def to_json(self) -> dict[str, Json]:
        rc: dict[str, Json] = {"Action": self.action.value, "LogicalResourceId": self.logical_id}
        if self.physical_id is not None:
            rc["PhysicalResourceId"] = self.physical_id
        rc["ResourceType"] = self.resource_type
        if self.replacement is not None:
            rc["Replacement"] = self.replacement.value
        rc["Scope"] = [s.value for s in self.scope]
        rc["Details"] = [d.to_json() for d in self.details]
        return {"Type": "Resource", "ResourceChange": rc}

    @classmethod
    def from_json(cls, data: Mapping[str, Json]) -> ResourceChange:
        rc = data["ResourceChange"]
        repl = rc.get("Replacement")
        return cls(Action(rc["Action"]), rc["LogicalResourceId"], rc["ResourceType"],
                   rc.get("PhysicalResourceId"), Replacement(repl) if repl else None,
                   tuple(Scope(s) for s in rc.get("Scope", ())),
                   tuple(ChangeDetail.from_json(d) for d in rc.get("Details", ())))


@dataclass(frozen=True)
class ChangeSet:
    """What executing will do to one stack, computed against the stack at `base_serial`."""

    stack_name: str
    stack_id: str
    name: str
    change_set_id: str
    change_set_type: ChangeSetType
    base_serial: int
    changes: tuple[ResourceChange, ...]
    parameters: tuple[tuple[str, Json], ...] = ()  # display values: NoEcho shown as ****
    capabilities: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    description: str | None = None
    creation_time: str = ""
    status: str = "CREATE_COMPLETE"
    execution_status: str = "AVAILABLE"
    status_reason: str | None = None
    extra: Mapping[str, Json] = field(default_factory=dict, compare=False)
    """What is needed to execute it later (template body, real parameter values, options)."""

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def change(self, logical_id: str) -> ResourceChange | None:
        return next((c for c in self.changes if c.logical_id == logical_id), None)

    def with_status(self, execution_status: str, status: str | None = None,
                    reason: str | None = None) -> ChangeSet:
        return replace(self, execution_status=execution_status, status=status or self.status,
                       status_reason=reason if reason is not None else self.status_reason)

    def to_json(self, *, internal: bool = False) -> dict[str, Json]:
        out: dict[str, Json] = {
            "Changes": [c.to_json() for c in self.changes],
            "ChangeSetName": self.name,
            "ChangeSetId": self.change_set_id,
            "StackId": self.stack_id,
            "StackName": self.stack_name,
        }
        if self.description is not None:
            out["Description"] = self.description
        out["Parameters"] = [{"ParameterKey": k, "ParameterValue": v} for k, v in self.parameters]
        out["CreationTime"] = self.creation_time
        out["ExecutionStatus"] = self.execution_status
        out["Status"] = self.status
        if self.status_reason is not None:
            out["StatusReason"] = self.status_reason
        out["NotificationARNs"] = []
        out["RollbackConfiguration"] = {}
        out["Capabilities"] = list(self.capabilities)
        out["Tags"] = [{"Key": k, "Value": v} for k, v in self.tags]
        out["IncludeNestedStacks"] = False
        engine: dict[str, Json] = {"BaseSerial": self.base_serial,
                                   "ChangeSetType": self.change_set_type.value}
        if internal:
            engine.update(self.extra)
        out["StackEngine"] = engine
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Json]) -> ChangeSet:
        engine = dict(data.get("StackEngine") or {})
        base_serial = engine.pop("BaseSerial", 0)
        cs_type = ChangeSetType(engine.pop("ChangeSetType", "UPDATE"))
        return cls(
            stack_name=data["StackName"], stack_id=data["StackId"], name=data["ChangeSetName"],
            change_set_id=data["ChangeSetId"], change_set_type=cs_type, base_serial=base_serial,
            changes=tuple(ResourceChange.from_json(c) for c in data.get("Changes", ())),
            parameters=tuple((p["ParameterKey"], p.get("ParameterValue"))
                             for p in data.get("Parameters", ())),
            capabilities=tuple(data.get("Capabilities", ())),
            tags=tuple((t["Key"], t["Value"]) for t in data.get("Tags", ())),
            description=data.get("Description"), creation_time=data.get("CreationTime", ""),
            status=data.get("Status", "CREATE_COMPLETE"),
            execution_status=data.get("ExecutionStatus", "AVAILABLE"),
            status_reason=data.get("StatusReason"), extra=engine,
        )
