"""The Cloud Control API over the local provider: one method per API operation, JSON in and out.

Mutating operations behave as Cloud Control's do: the call returns a ProgressEvent at once
(OperationStatus IN_PROGRESS, with a RequestToken) and the work runs in the background; the client
polls GetResourceRequestStatus until SUCCESS or FAILED. An operation takes `latency_ms` in all
(the emulated account's own work included, as a cloud's latency includes its work), and
`RetryAfter` says when that will be, so a client that honours it polls once instead of
guessing. A ClientToken seen before returns the request it started (idempotent retry); the local
provider also remembers tokens in the database, so this holds across restarts.

Cloud Control knows nothing of stacks or logical IDs, yet the local provider names resources after
them (as CloudFormation does). A client may send them as `X-Stackengine-*` headers (our provider
does when pointed at an endpoint); without them a resource belongs to a stack named
"cloudcontrol" and gets a logical ID derived from its ClientToken.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from stackengine.providers.base import ProviderError, StackRef
from stackengine.providers.aws.patch import PatchError, apply as apply_patch
from stackengine.providers.local import LocalProvider, formats
from stackengine.providers.local.store import StoredResource

Json = Any

# Provider error codes → Cloud Control's HandlerErrorCode values (ProgressEvent.ErrorCode).
HANDLER_ERROR_CODES: dict[str, str] = {
    "AlreadyExists": "AlreadyExists", "NotFound": "NotFound", "NotUpdatable": "NotUpdatable",
    "InvalidRequest": "InvalidRequest", "ValidationError": "InvalidRequest",
    "NotSupported": "InvalidRequest", "AccessDenied": "AccessDenied", "Throttling": "Throttling",
    "ResourceConflict": "ResourceConflict", "ServiceLimitExceeded": "ServiceLimitExceeded",
    "NotStabilized": "NotStabilized", "GeneralServiceException": "GeneralServiceException",
}


# RetryAfter for a request polled after its expected end: it is finishing, ask again soon.
POLL_HINT_S = 0.005
# A status poll for a request due to end within this window waits for the end (at most this
# long) instead of answering IN_PROGRESS: one poll per operation instead of a guess and a retry.
HOLD_S = 0.05


class CloudControlError(Exception):
    """A synchronous API error: HTTP 400 (or `status`) with `__type` = `code`."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class CallContext:
    """Who is asking, from the request's headers."""

    region: str = "us-east-1"
    stack_name: str | None = None
    stack_id: str | None = None
    logical_id: str | None = None
    snapshot: bool = False  # DeleteResource: record a snapshot first (DeletionPolicy: Snapshot)


@dataclass
class _Request:
    token: str
    operation: str
    type_name: str
    client_token: str | None
    identifier: str | None = None
    status: str = "IN_PROGRESS"
    model: Mapping[str, Json] | None = None
    message: str | None = None
    error_code: str | None = None
    started: float = 0.0
    event_time: float = 0.0
    retry_after: float | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    def event(self) -> dict[str, Json]:
        out: dict[str, Json] = {"TypeName": self.type_name, "RequestToken": self.token,
                                "Operation": self.operation, "OperationStatus": self.status,
                                "EventTime": self.event_time}
        if self.identifier is not None:
            out["Identifier"] = self.identifier
        if self.model is not None:
            out["ResourceModel"] = json.dumps(self.model, sort_keys=True)
        if self.message:
            out["StatusMessage"] = self.message
        if self.error_code:
            out["ErrorCode"] = self.error_code
        if self.retry_after is not None and self.status in ("PENDING", "IN_PROGRESS"):
            out["RetryAfter"] = self.retry_after
        return out


@dataclass
class CloudControlService:
    """The API operations, backed by `provider`. Thread-safe; `close()` stops the workers."""

    provider: LocalProvider
    account_id: str = "123456789012"
    latency_ms: int = 0
    max_workers: int = 64
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    _requests: dict[str, _Request] = field(default_factory=dict, init=False)
    _by_client_token: dict[str, str] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _pool: ThreadPoolExecutor = field(init=False)

    def __post_init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self.max_workers,
                                        thread_name_prefix="cloudcontrol")
        self.operations: dict[str, Callable[[Mapping[str, Json], CallContext], dict[str, Json]]] = {
            "CreateResource": self.create_resource,
            "UpdateResource": self.update_resource,
            "DeleteResource": self.delete_resource,
            "GetResource": self.get_resource,
            "ListResources": self.list_resources,
            "GetResourceRequestStatus": self.get_resource_request_status,
            "ListResourceRequests": self.list_resource_requests,
            "CancelResourceRequest": self.cancel_resource_request,
        }

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def handle(self, operation: str, body: Mapping[str, Json], ctx: CallContext) -> dict[str, Json]:
        handler = self.operations.get(operation)
        if handler is None:
            raise CloudControlError("UnknownOperationException", f"Unknown operation {operation}")
        return handler(body, ctx)

    # -- mutating operations (asynchronous) -------------------------------------------------

    def create_resource(self, body: Mapping[str, Json], ctx: CallContext) -> dict[str, Json]:
        type_name = self._type_name(body)
        desired = _json_object(body.get("DesiredState"), "DesiredState")
        client_token = _client_token(body)
        stack = self._stack(ctx)
        logical_id = ctx.logical_id or _derived_logical_id(type_name, client_token)
        token = client_token or uuid.uuid4().hex

        def work(request: _Request) -> None:
            result = self.provider.create(stack, type_name, logical_id, desired, token)
            stored = self._created(stack, type_name, logical_id, result.physical_id)
            request.identifier = self._identifier(stored)
            request.model = self._model(stored)

        return self._start("CREATE", type_name, client_token, None, work)

    def update_resource(self, body: Mapping[str, Json], ctx: CallContext) -> dict[str, Json]:
        type_name = self._type_name(body)
        identifier = _required_str(body, "Identifier")
        patch = _json_list(body.get("PatchDocument"), "PatchDocument")
        client_token = _client_token(body)
        token = client_token or uuid.uuid4().hex

        def work(request: _Request) -> None:
            stored = self._stored(type_name, identifier, ctx.region)
            if stored is None:
                raise ProviderError(_not_found(type_name, identifier), "NotFound")
            try:
                new = apply_patch(stored.properties, patch)
            except PatchError as exc:
                raise ProviderError(f"Invalid patch update: {exc}", "InvalidRequest") from exc
            changed = self._create_only_changes(type_name, stored.properties, new)
            if changed:
                raise ProviderError("Invalid patch update: createOnlyProperties ["
                                    + ", ".join(changed) + "] cannot be updated", "NotUpdatable")
            self.provider.update(_stack_of(stored), type_name, stored.logical_id,
                                 stored.physical_id, stored.properties, new, token)
            updated = self.provider.store.get_by_rid(stored.rid) or stored
            request.identifier = self._identifier(updated)
            request.model = self._model(updated)

        return self._start("UPDATE", type_name, client_token, identifier, work)

    def delete_resource(self, body: Mapping[str, Json], ctx: CallContext) -> dict[str, Json]:
        type_name = self._type_name(body)
        identifier = _required_str(body, "Identifier")
        client_token = _client_token(body)
        token = client_token or uuid.uuid4().hex

        def work(request: _Request) -> None:
            stored = self._stored(type_name, identifier, ctx.region)
            if stored is None:
                raise ProviderError(_not_found(type_name, identifier), "NotFound")
            self.provider.delete(_stack_of(stored), type_name, stored.logical_id,
                                 stored.physical_id, token, snapshot=ctx.snapshot)

        return self._start("DELETE", type_name, client_token, identifier, work)

    def _start(self, operation: str, type_name: str, client_token: str | None,
               identifier: str | None, work: Callable[[_Request], None]) -> dict[str, Json]:
        with self._lock:
            if client_token is not None and client_token in self._by_client_token:
                seen = self._requests[self._by_client_token[client_token]]
                if (seen.operation, seen.type_name) != (operation, type_name):
                    raise CloudControlError("ClientTokenConflictException",
                                            f"ClientToken {client_token} was already used for a "
                                            "different request")
                return {"ProgressEvent": seen.event()}
            now = self.clock()
            request = _Request(uuid.uuid4().hex, operation, type_name, client_token, identifier,
                               started=now, event_time=now,
                               retry_after=now + self.latency_ms / 1000.0)
            self._requests[request.token] = request
            if client_token is not None:
                self._by_client_token[client_token] = request.token
            event = request.event()
        self._pool.submit(self._run, request, work)
        return {"ProgressEvent": event}

    def _run(self, request: _Request, work: Callable[[_Request], None]) -> None:
        outcome: tuple[str, str | None, str | None] = ("SUCCESS", None, None)
        try:
            work(request)
        except ProviderError as exc:
            outcome = ("FAILED", exc.message,
                       HANDLER_ERROR_CODES.get(exc.code, "GeneralServiceException"))
        except Exception as exc:  # a bug in the emulated account must still end the request
            outcome = ("FAILED", f"Internal failure: {exc}", "InternalFailure")
        remaining = request.started + self.latency_ms / 1000.0 - self.clock()
        if remaining > 0:
            self.sleep(remaining)
        self._finish(request, *outcome)

    def _finish(self, request: _Request, status: str, message: str | None,
                code: str | None) -> None:
        with self._lock:
            request.status, request.message, request.error_code = status, message, code
            request.event_time = self.clock()
        request.finished.set()

    # -- reading operations (synchronous) ---------------------------------------------------

    def get_resource_request_status(self, body: Mapping[str, Json],
                                    ctx: CallContext) -> dict[str, Json]:
        token = _required_str(body, "RequestToken")
        with self._lock:
            request = self._requests.get(token)
        if request is None:
            raise CloudControlError("RequestTokenNotFoundException",
                                    f"Request with token {token} was not found")
        due = (request.retry_after or 0.0) - self.clock()
        if due <= HOLD_S:
            request.finished.wait(timeout=max(due, 0.0) + HOLD_S)
        with self._lock:
            now = self.clock()
            if request.retry_after is not None and request.retry_after <= now:
                request.retry_after = now + POLL_HINT_S  # late: it is about to finish
            return {"ProgressEvent": request.event()}

    def list_resource_requests(self, body: Mapping[str, Json], ctx: CallContext) -> dict[str, Json]:
        wanted = body.get("ResourceRequestStatusFilter") or {}
        operations = set(wanted.get("Operations") or ())
        statuses = set(wanted.get("OperationStatuses") or ())
        with self._lock:
            events = [r.event() for r in self._requests.values()
                      if (not operations or r.operation in operations)
                      and (not statuses or r.status in statuses)]
        return {"ResourceRequestStatusSummaries": events}

    def cancel_resource_request(self, body: Mapping[str, Json],
                                ctx: CallContext) -> dict[str, Json]:
        token = _required_str(body, "RequestToken")
        with self._lock:
            request = self._requests.get(token)
            if request is None:
                raise CloudControlError("RequestTokenNotFoundException",
                                        f"Request with token {token} was not found")
            if request.status not in ("PENDING", "IN_PROGRESS"):
                raise CloudControlError("ConcurrentModificationException",
                                        f"Request {token} has already completed")
            # The local work is already running and cannot be interrupted: report the request
            # as being cancelled, as Cloud Control does while a handler winds down.
            return {"ProgressEvent": {**request.event(), "OperationStatus": "CANCEL_IN_PROGRESS"}}

    def get_resource(self, body: Mapping[str, Json], ctx: CallContext) -> dict[str, Json]:
        type_name = self._type_name(body)
        identifier = _required_str(body, "Identifier")
        model = self._model_of(type_name, identifier, ctx.region)
        if model is None:
            raise CloudControlError("ResourceNotFoundException", _not_found(type_name, identifier))
        return {"TypeName": type_name, "ResourceDescription": {
            "Identifier": identifier, "Properties": json.dumps(model, sort_keys=True)}}

    def list_resources(self, body: Mapping[str, Json], ctx: CallContext) -> dict[str, Json]:
        type_name = self._type_name(body)
        found = self.provider.store.list_resources(self.account_id, ctx.region, type_name)
        descriptions = sorted(({"Identifier": self._identifier(r),
                                "Properties": json.dumps(self._model(r), sort_keys=True)}
                               for r in found if r.stack_id), key=lambda d: d["Identifier"])
        # Pages as Cloud Control gives them: NextToken is the offset of the next page.
        start = int(body["NextToken"]) if str(body.get("NextToken") or "").isdigit() else 0
        size = int(body.get("MaxResults") or 100)
        answer: dict[str, Json] = {"TypeName": type_name,
                                   "ResourceDescriptions": descriptions[start:start + size]}
        if start + size < len(descriptions):
            answer["NextToken"] = str(start + size)
        return answer

    # -- helpers ------------------------------------------------------------------------------

    def _type_name(self, body: Mapping[str, Json]) -> str:
        type_name = _required_str(body, "TypeName")
        if self.provider.registry.get(type_name) is None:
            raise CloudControlError("TypeNotFoundException",
                                    f"The type '{type_name}' cannot be found.")
        return type_name

    def _stack(self, ctx: CallContext) -> StackRef:
        name = ctx.stack_name or "cloudcontrol"
        stack_id = ctx.stack_id or (f"arn:aws:cloudformation:{ctx.region}:{self.account_id}:"
                                    f"stack/{name}/00000000-0000-0000-0000-000000000000")
        return StackRef(name, stack_id, self.account_id, ctx.region)

    def _stored(self, type_name: str, identifier: str, region: str) -> StoredResource | None:
        """The resource Cloud Control would call `identifier` (its primary identifier's values,
        joined with "|"), in this account and region."""
        found = [r for r in self.provider.store.find_by_id(type_name, identifier)
                 if (r.account_id, r.region) == (self.account_id, region)
                 and self._identifier(r) == identifier]
        if found:
            return found[0]
        # The identifier is not the local physical ID (compound identifiers, an ARN where the
        # physical ID is a name, ...): compare with each resource's identifier.
        for candidate in self.provider.store.list_resources(self.account_id, region, type_name):
            if self._identifier(candidate) == identifier:
                return candidate
        return None

    def _created(self, stack: StackRef, type_name: str, logical_id: str,
                 physical_id: str) -> StoredResource:
        for candidate in self.provider.store.list_resources(stack.account_id, stack.region,
                                                            type_name, stack.stack_id):
            if candidate.logical_id == logical_id and candidate.physical_id == physical_id:
                return candidate
        raise ProviderError(_not_found(type_name, physical_id), "NotFound")

    def _identifier(self, stored: StoredResource) -> str:
        """Cloud Control's identifier: the primary identifier's values from the model, joined
        with "|" (the local physical ID when the model lacks one of them)."""
        schema = self.provider.registry.get(stored.type_name)
        if schema is None or not schema.primary_identifier:
            return stored.physical_id
        model = self._model(stored)
        values = [_lookup(model, path) for path in schema.primary_identifier]
        if any(v is None or v == "" or isinstance(v, (dict, list)) for v in values):
            return stored.physical_id
        return "|".join(str(v) for v in values)

    def _model_of(self, type_name: str, identifier: str, region: str) -> dict[str, Json] | None:
        stored = self._stored(type_name, identifier, region)
        return None if stored is None else self._model(stored)

    def _model(self, stored: StoredResource) -> dict[str, Json]:
        """What GetResource returns: the properties without write-only ones, the read-only
        attributes placed at their nested paths, and the primary identifier filled in."""
        schema = self.provider.registry.get(stored.type_name)
        model: dict[str, Json] = json.loads(json.dumps(dict(stored.properties)))
        for name, value in sorted(stored.attributes.items()):
            _place(model, name.split("."), value)
        write_only = schema.write_only if schema is not None else frozenset()
        for path in sorted(write_only, key=len, reverse=True):
            _drop(model, path)
        # A generated name is a property of the resource as AWS describes it.
        rule = formats.name_rule(stored.type_name)
        generated = stored.name or stored.vars.get("Name")
        if rule is not None and rule.property and rule.property not in model and generated:
            model[rule.property] = generated
        if schema is not None and len(schema.primary_identifier) == 1:
            ident = schema.primary_identifier[0]
            if len(ident) == 1 and ident[0] not in model:
                model[ident[0]] = stored.physical_id
        return model

    def _create_only_changes(self, type_name: str, old: Mapping[str, Json],
                             new: Mapping[str, Json]) -> list[str]:
        schema = self.provider.registry.get(type_name)
        if schema is None:
            return []
        changed = []
        for path in sorted(schema.create_only):
            if "*" in path:
                continue  # list-item create-only paths: the engine plans those replacements
            if _lookup(old, path) != _lookup(new, path):
                changed.append("/properties/" + "/".join(path))
        return changed


def _stack_of(stored: StoredResource) -> StackRef:
    return StackRef(stored.stack_name, stored.stack_id, stored.account_id, stored.region)


def _not_found(type_name: str, identifier: str) -> str:
    return f"Resource of type '{type_name}' with identifier '{identifier}' was not found."


def _derived_logical_id(type_name: str, client_token: str | None) -> str:
    seed = client_token or uuid.uuid4().hex
    return type_name.rsplit("::", 1)[-1] + hashlib.sha256(seed.encode()).hexdigest()[:8].upper()


def _required_str(body: Mapping[str, Json], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise CloudControlError("ValidationException", f"1 validation error detected: Value at "
                                f"'{key[0].lower() + key[1:]}' failed to satisfy constraint: "
                                "Member must not be null")
    return value


def _client_token(body: Mapping[str, Json]) -> str | None:
    value = body.get("ClientToken")
    return value if isinstance(value, str) and value else None


def _json_object(text: Json, key: str) -> dict[str, Json]:
    value = _parse(text, key)
    if not isinstance(value, dict):
        raise CloudControlError("InvalidRequestException", f"{key} must be a JSON object")
    return value


def _json_list(text: Json, key: str) -> list[Json]:
    value = _parse(text, key)
    if not isinstance(value, list):
        raise CloudControlError("InvalidRequestException", f"{key} must be a JSON array")
    return value


def _parse(text: Json, key: str) -> Json:
    if not isinstance(text, str):
        raise CloudControlError("ValidationException", f"{key} is required")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise CloudControlError("InvalidRequestException",
                                f"{key} is not valid JSON: {exc}") from exc


def _lookup(doc: Json, path: tuple[str, ...]) -> Json:
    node = doc
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _drop(doc: dict[str, Json], path: tuple[str, ...]) -> None:
    node: Json = doc
    for part in path[:-1]:
        if not isinstance(node, dict) or part not in node:
            return
        node = node[part]
    if isinstance(node, dict) and path:
        node.pop(path[-1], None)


def _place(doc: dict[str, Json], parts: list[str], value: Json) -> None:
    node = doc
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value
