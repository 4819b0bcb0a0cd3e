"""The `Provider` protocol: the only way the engine changes the world.

Every call carries an idempotency token (the journal's operation token; Cloud Control's
ClientToken), so an operation retried after a crash does not act twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol, runtime_checkable

from stackengine.diagnostics import StackEngineError

Json = Any


@dataclass(frozen=True)
class StackRef:
    """The stack an operation belongs to: providers use it for generated names and ARNs."""

    stack_name: str
    stack_id: str
    account_id: str = "123456789012"
    region: str = "us-east-1"
    partition: str = "aws"
    # The stack's tags, which CloudFormation propagates to every resource that takes tags.
    tags: tuple[tuple[str, str], ...] = ()
    # A CloudFormation stack (not a Cloud Control call): resources also get CloudFormation's
    # aws:cloudformation:{stack-name,stack-id,logical-id} tags.
    cloudformation: bool = False


@dataclass(frozen=True)
class ResourceResult:
    """What a provider reports about a resource: its physical ID (what Ref returns) and attributes
    (what Fn::GetAtt returns, keyed by attribute name such as "Arn" or "Endpoint.Address")."""

    physical_id: str
    attributes: Mapping[str, Json] = field(default_factory=dict)


class ProviderError(StackEngineError):
    """An operation failed the way the cloud would fail it. `code` is AWS's error code
    (e.g. "AlreadyExists", "InvalidRequest", "NotFound"); the message is AWS-like and is shown in
    the resource's *_FAILED event. `physical_id`: what the failed create left in place (a nested
    stack kept for inspection), so that deleting the stack deletes it too."""

    def __init__(self, message: str, code: str = "InvalidRequest", *,
                 physical_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.physical_id = physical_id


@runtime_checkable
class Provider(Protocol):
    def create(self, stack: StackRef, type_name: str, logical_id: str,
               properties: Mapping[str, Json], token: str) -> ResourceResult: ...

    def update(self, stack: StackRef, type_name: str, logical_id: str, physical_id: str,
               old: Mapping[str, Json], new: Mapping[str, Json], token: str) -> ResourceResult: ...

    def delete(self, stack: StackRef, type_name: str, logical_id: str, physical_id: str,
               token: str, *, snapshot: bool = False) -> None: ...
    # delete: with snapshot=True (DeletionPolicy: Snapshot) a snapshot is recorded first.
    # Deleting something already gone succeeds (CloudFormation treats NotFound on delete as done).

    def read(self, type_name: str, physical_id: str) -> ResourceResult | None: ...
    # read: the resource's current result, or None if it does not exist (used to reconcile).

    def supports_snapshot(self, type_name: str) -> bool: ...
