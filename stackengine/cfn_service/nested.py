"""`AWS::CloudFormation::Stack`: a nested stack, run as a real stack of the same state store.

Creating the resource deploys the template `TemplateURL` names as a stack called
`{parent}-{LogicalId}-{13 characters}` (as CloudFormation names it; the characters are derived from
the parent's stack ID and the logical ID, so the same deploy gives the same name). Ref is the
child's stack ID, `Fn::GetAtt Outputs.NAME` its outputs. An update updates the child (nothing
happens when nothing changed); a delete deletes it. When the child fails it rolls back as
CloudFormation rolls it back, and the resource fails with the child's reason.
"""

from __future__ import annotations

import hashlib
from typing import Any, Mapping

from stackengine.cfn_service.sources import TemplateSources
from stackengine.cfn_service.stacks import CAPABILITIES, ChildStack, StackOperations
from stackengine.diagnostics import StackEngineError
from stackengine.execute.rollback import ROLLBACK_REQUESTED
from stackengine.providers.base import ProviderError, ResourceResult, StackRef
from stackengine.state.base import StackRecord, StackStatus

Json = Any
TYPE = "AWS::CloudFormation::Stack"
PROPERTIES = frozenset({"TemplateURL", "Parameters", "TimeoutInMinutes", "NotificationARNs", "Tags"})
MAX_DEPTH = 10  # guards against a template that (through S3) nests itself
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_OK = frozenset({StackStatus.CREATE_COMPLETE, StackStatus.UPDATE_COMPLETE})


def child_stack_name(parent: StackRef, logical_id: str) -> str:
    """`{parent}-{LogicalId}-{13 characters}`, at most 128 characters like every stack name."""
    digest = int.from_bytes(hashlib.sha256(f"{parent.stack_id}\0{logical_id}".encode()).digest(),
                            "big")
    suffix = ""
    for _ in range(13):
        digest, index = divmod(digest, len(_ALPHABET))
        suffix += _ALPHABET[index]
    return f"{parent.stack_name}-{logical_id}"[:128 - 14] + "-" + suffix


def outputs_of(record: StackRecord) -> dict[str, Json]:
    """What `Fn::GetAtt Child.Outputs.NAME` answers."""
    return {f"Outputs.{o['OutputKey']}": o["OutputValue"] for o in record.outputs}


class NestedStacks:
    def __init__(self, stacks: StackOperations, sources: TemplateSources) -> None:
        self.stacks = stacks
        self.sources = sources

    def create(self, stack: StackRef, logical_id: str, properties: Mapping[str, Json],
               token: str) -> ResourceResult:
        child = self._child(stack, child_stack_name(stack, logical_id), properties)
        return self._deploy(child, "created")

    def update(self, stack: StackRef, logical_id: str, physical_id: str,
               old: Mapping[str, Json], new: Mapping[str, Json], token: str) -> ResourceResult:
        current = self.stacks.find(physical_id)
        name = current.name if current is not None else child_stack_name(stack, logical_id)
        return self._deploy(self._child(stack, name, new), "updated")

    def delete(self, stack: StackRef, logical_id: str, physical_id: str, token: str) -> None:
        current = self.stacks.find(physical_id)
        if current is None:
            return  # already gone
        try:
            result = self.stacks.delete(current)
        except StackEngineError as exc:
            raise ProviderError(f"Embedded stack {physical_id} was not successfully deleted: "
                                f"{exc}", "GeneralServiceException") from None
        if result.status is not StackStatus.DELETE_COMPLETE:
            raise ProviderError(self._failure(result, "deleted"), "GeneralServiceException")

    def read(self, physical_id: str) -> ResourceResult | None:
        current = self.stacks.find(physical_id)
        if current is None or current.status is StackStatus.REVIEW_IN_PROGRESS:
            return None
        return ResourceResult(current.stack_id, outputs_of(current))

    # -- helpers --------------------------------------------------------------------------

    def _deploy(self, child: ChildStack, verb: str) -> ResourceResult:
        try:
            record = self.stacks.deploy(child)
        except StackEngineError as exc:
            # The child was refused before it ran (template, parameters, capabilities).
            raise ProviderError(f"Nested stack {child.name} ({child.template_file}) could not be "
                                f"{verb}: {exc}", "ValidationError") from None
        if record.status in _OK:
            return ResourceResult(record.stack_id, outputs_of(record))
        message = self._failure(record, verb)
        if record.status is StackStatus.ROLLBACK_COMPLETE:
            # The parent's rollback would delete the rolled-back child; nothing is left of it, so
            # it is deleted here.
            self.stacks.delete(record)
            raise ProviderError(message, "GeneralServiceException")
        # Otherwise (rollback disabled: CREATE_FAILED) the child stays for inspection. It is the
        # failed resource's physical ID, so deleting the parent deletes it, as in CloudFormation.
        raise ProviderError(message, "GeneralServiceException", physical_id=record.stack_id)

    def _failure(self, record: StackRecord, verb: str) -> str:
        causes = self.stacks.failure_reasons(record)
        detail = f" ({'; '.join(causes)})" if causes else ""
        if verb == "updated":
            return (f"Embedded stack {record.stack_id} was not successfully updated. Currently in "
                    f"{record.status.value} with reason: {record.status_reason or ''}{detail}")
        # CloudFormation names the child's failure, not the rollback it asked for.
        reason = (record.status_reason or record.status.value).removesuffix(ROLLBACK_REQUESTED)
        return f"Embedded stack {record.stack_id} was not successfully {verb}: {reason}{detail}"

    def _child(self, stack: StackRef, name: str, props: Mapping[str, Json]) -> ChildStack:
        unknown = sorted(set(props) - PROPERTIES)
        if unknown:
            raise ProviderError(f"Encountered unsupported properties in {{{TYPE}}}: "
                                f"[{', '.join(unknown)}]; a nested stack takes its template from "
                                "TemplateURL.", "ValidationError")
        if "TemplateURL" not in props:
            raise ProviderError("Property TemplateURL of a nested stack is required.",
                                "ValidationError")
        parent = self.stacks.find(stack.stack_id)
        depth = self._depth(parent)
        if depth >= MAX_DEPTH:
            raise ProviderError(f"Nested stack {name} would be nested {depth + 1} levels deep; "
                                "does the template include itself?", "ValidationError")
        # A literal local path was packaged by deploy (relative to the parent's template); one
        # computed at deploy time is relative to the working directory.
        template = self.sources.read(props["TemplateURL"])
        # As in CloudFormation, the parent's tags and capabilities apply to its nested stacks.
        inherited = self.stacks.running_settings(parent) if parent is not None else None
        return ChildStack(
            stack.account_id, stack.region, name, template.body, template.source,
            parameters=_parameters(props.get("Parameters")),
            capabilities=inherited.capabilities if inherited is not None else CAPABILITIES,
            tags={**(inherited.tags if inherited is not None else {}), **_tags(props.get("Tags"))},
            parent_id=stack.stack_id,
            root_id=(parent.root_id if parent and parent.root_id else stack.stack_id),
            timeout_in_minutes=_timeout(props.get("TimeoutInMinutes")),
            notification_arns=_strings("NotificationARNs", props.get("NotificationARNs")),
            disable_rollback=bool(parent.disable_rollback) if parent else False)

    def _depth(self, record: StackRecord | None) -> int:
        depth = 0
        while record is not None and record.parent_id and depth < MAX_DEPTH:
            depth += 1
            record = self.stacks.find(record.parent_id)
        return depth


def _parameters(value: Json) -> dict[str, str]:
    """CloudFormation passes every parameter as a string; lists are comma-joined."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ProviderError("Parameters of a nested stack must be a map of parameter names to "
                            "values.", "ValidationError")
    return {str(k): _string(v) for k, v in value.items()}


def _string(value: Json) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_string(v) for v in value)
    return str(value)


def _tags(value: Json) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, list) or not all(isinstance(t, Mapping) and "Key" in t and "Value" in t
                                              for t in value):
        raise ProviderError("Tags of a nested stack must be a list of {Key, Value} pairs.",
                            "ValidationError")
    return {str(t["Key"]): _string(t["Value"]) for t in value}


def _timeout(value: Json) -> int | None:
    if value is None:
        return None
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        minutes = 0
    if minutes < 1 or str(value).strip() != str(minutes):
        raise ProviderError(f"TimeoutInMinutes must be a whole number of minutes of 1 or more, "
                            f"not {value!r}.", "ValidationError")
    return minutes


def _strings(name: str, value: Json) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProviderError(f"{name} must be a list of strings.", "ValidationError")
    if len(value) > 5:
        raise ProviderError(f"{name} can name at most 5 topics, not {len(value)}.",
                            "ValidationError")
    return tuple(value)
