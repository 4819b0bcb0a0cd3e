"""The CloudFormation-native mode (`--target aws --via cloudformation`): the template is
processed locally, then deployed as a real CloudFormation stack with change sets.

    native = NativeStacks(AwsConnection(region=..., profile=..., endpoint_url=...))
    cs = native.create_change_set(NativeStackRequest("shop", template_body, {"Env": "prod"}))
    cs.changes                         # AWS's change set (describe-change-set "Changes")
    result = native.execute_change_set(cs, on_event=print)   # events streamed in order
    result.status, result.outputs      # "CREATE_COMPLETE", [{"OutputKey": ..., ...}]
    native.delete_stack("shop", on_event=print)

Answers keep the AWS CLI's JSON shapes (describe-stacks, describe-stack-events,
describe-change-set), so `describe`, `events` and `outputs` can print them as they are. Every API
call is retried on throttling and transient errors (retry.py); polling is bounded by a timeout.
"""

from __future__ import annotations

import hashlib
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from stackengine.diagnostics import StackEngineError
from stackengine.providers.aws import retry
from stackengine.providers.aws.retry import Backoff
from stackengine.providers.aws.session import AwsConnection, ClientFactory

Json = Any
EventCallback = Callable[[Mapping[str, Json]], None]

# Bodies above this size must be passed as TemplateURL (an S3 object), CloudFormation's limit.
MAX_TEMPLATE_BODY = 51_200
NO_CHANGES = ("The submitted information didn't contain changes",
              "No updates are to be performed")


class NativeStackError(StackEngineError):
    """A CloudFormation API call or stack operation failed; the message is AWS's."""

    def __init__(self, message: str, code: str = "", status: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class StackOperationFailed(NativeStackError):
    """The stack ended in a failed or rolled-back status (exit code 1, like a failed deploy)."""


@dataclass(frozen=True)
class NativeStackRequest:
    stack_name: str
    template_body: str | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)
    capabilities: Sequence[str] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    template_url: str | None = None          # instead of the body (see upload_template)
    role_arn: str | None = None              # CloudFormation service role (RoleARN)
    description: str | None = None
    disable_rollback: bool = False           # OnStackFailure=DO_NOTHING instead of ROLLBACK


@dataclass(frozen=True)
class ChangeSetResult:
    stack_name: str
    stack_id: str
    change_set_id: str
    change_set_name: str
    change_set_type: str                     # CREATE or UPDATE
    status: str                              # CREATE_COMPLETE or FAILED
    status_reason: str | None
    changes: tuple[Mapping[str, Json], ...]
    description: Mapping[str, Json]          # the whole describe-change-set answer

    @property
    def no_changes(self) -> bool:
        return self.status == "FAILED" and any(m in (self.status_reason or "") for m in NO_CHANGES)


@dataclass(frozen=True)
class StackResult:
    stack_name: str
    stack_id: str
    status: str
    status_reason: str | None
    outputs: tuple[Mapping[str, Json], ...]
    events: tuple[Mapping[str, Json], ...]   # the events this operation produced, oldest first

    @property
    def failed(self) -> bool:
        return not _succeeded(self.status)


@dataclass(frozen=True)
class NativeOptions:
    backoff: Backoff = field(default_factory=Backoff)
    poll_first_s: float = 1.0
    poll_factor: float = 1.3
    poll_max_s: float = 5.0
    timeout_s: float = 3 * 3600.0


def _terminal(status: str) -> bool:
    return not status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS"


def _succeeded(status: str) -> bool:
    return status in ("CREATE_COMPLETE", "UPDATE_COMPLETE", "DELETE_COMPLETE", "IMPORT_COMPLETE")


class NativeStacks:
    """CloudFormation stacks through boto3 (real AWS, or moto's server via endpoint_url)."""

    def __init__(self, connection: AwsConnection = AwsConnection(), *,
                 options: NativeOptions = NativeOptions(), default_region: str = "us-east-1",
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time,
                 seed: int | None = None) -> None:
        self.clients = ClientFactory(connection, default_region)
        self.options = options
        self._sleep = sleep
        self._clock = clock
        self._rng = random.Random(seed)

    # -- calls ------------------------------------------------------------------------------

    def _call(self, service: str, operation: str, **kwargs: Json) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped, unused-ignore]
        from botocore.parsers import ResponseParserError  # type: ignore[import-untyped, unused-ignore]

        method = getattr(self.clients.client(service), operation)
        try:
            return retry.call(method, kwargs, self.options.backoff, self._rng, self._sleep)
        except ClientError as exc:
            raise NativeStackError(retry.error_message(exc), retry.error_code(exc)) from None
        except (BotoCoreError, ResponseParserError) as exc:
            # ResponseParserError (an unreadable answer, e.g. a proxy's or emulator's HTML 500)
            # is not a BotoCoreError, but is the same kind of failure for the user.
            raise NativeStackError(f"{type(exc).__name__}: {str(exc).splitlines()[0]}",
                                   type(exc).__name__) from None

    def _cfn(self, operation: str, **kwargs: Json) -> Any:
        return self._call("cloudformation", operation, **kwargs)

    # -- reading ----------------------------------------------------------------------------

    def describe_stack(self, stack_name: str) -> Mapping[str, Json] | None:
        """The describe-stacks entry, or None if there is no such (live) stack."""
        try:
            stacks = self._cfn("describe_stacks", StackName=stack_name).get("Stacks", [])
        except NativeStackError as exc:
            if "does not exist" in str(exc):
                return None
            raise
        return stacks[0] if stacks else None

    def outputs(self, stack_name: str) -> list[Mapping[str, Json]]:
        stack = self.describe_stack(stack_name)
        if stack is None:
            raise NativeStackError(f"Stack with id {stack_name} does not exist", "ValidationError")
        return list(stack.get("Outputs", []))

    def events(self, stack_name: str) -> list[Mapping[str, Json]]:
        """Every event of the stack, newest first (as describe-stack-events answers)."""
        out: list[Mapping[str, Json]] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Json] = {"StackName": stack_name}
            if token:
                kwargs["NextToken"] = token
            page = self._cfn("describe_stack_events", **kwargs)
            out.extend(page.get("StackEvents", []))
            token = page.get("NextToken")
            if not token:
                return out

    def resources(self, stack_name: str) -> list[Mapping[str, Json]]:
        out: list[Mapping[str, Json]] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Json] = {"StackName": stack_name}
            if token:
                kwargs["NextToken"] = token
            page = self._cfn("list_stack_resources", **kwargs)
            out.extend(page.get("StackResourceSummaries", []))
            token = page.get("NextToken")
            if not token:
                return out

    def describe_change_set(self, stack_name: str, change_set: str) -> Mapping[str, Json]:
        """describe-change-set, with every page of Changes gathered into one answer."""
        answer = dict(self._cfn("describe_change_set", StackName=stack_name,
                                ChangeSetName=change_set))
        changes = list(answer.get("Changes", []))
        token = answer.pop("NextToken", None)
        while token:
            page = self._cfn("describe_change_set", StackName=stack_name,
                             ChangeSetName=change_set, NextToken=token)
            changes.extend(page.get("Changes", []))
            token = page.get("NextToken")
        answer["Changes"] = changes
        answer.pop("ResponseMetadata", None)
        return answer

    # -- change sets ------------------------------------------------------------------------

    def create_change_set(self, request: NativeStackRequest,
                          name: str | None = None) -> ChangeSetResult:
        """CreateChangeSet (CREATE for a new stack, UPDATE otherwise) and wait until AWS has
        computed it. A change set without changes comes back FAILED with `no_changes` True."""
        existing = self.describe_stack(request.stack_name)
        if existing is not None and existing.get("StackStatus") == "ROLLBACK_COMPLETE":
            # A stack whose creation rolled back holds no resources and cannot be updated;
            # CloudFormation requires deleting it before creating it again.
            self.delete_stack(request.stack_name)
            existing = None
        change_set_type = "CREATE" if existing is None or existing.get("StackStatus") in (
            "REVIEW_IN_PROGRESS",) else "UPDATE"
        name = name or f"stackengine-{uuid.uuid4().hex[:12]}"
        kwargs: dict[str, Json] = {
            "StackName": request.stack_name, "ChangeSetName": name,
            "ChangeSetType": change_set_type,
            "Parameters": [{"ParameterKey": k, "ParameterValue": v}
                           for k, v in sorted(request.parameters.items())],
            "Capabilities": list(request.capabilities),
            "Tags": [{"Key": k, "Value": v} for k, v in sorted(request.tags.items())],
            "ClientToken": _token(request.stack_name, name),
        }
        if request.template_url:
            kwargs["TemplateURL"] = request.template_url
        elif request.template_body is not None:
            if len(request.template_body.encode()) > MAX_TEMPLATE_BODY:
                raise NativeStackError(
                    f"The template is {len(request.template_body.encode())} bytes, more than the "
                    f"{MAX_TEMPLATE_BODY} CloudFormation accepts inline; upload it to S3 first "
                    "(upload_template) and pass its URL", "ValidationError")
            kwargs["TemplateBody"] = request.template_body
        else:
            raise NativeStackError("a template body or URL is required", "ValidationError")
        if request.role_arn:
            kwargs["RoleARN"] = request.role_arn
        if request.description:
            kwargs["Description"] = request.description
        if request.disable_rollback:
            kwargs["OnStackFailure"] = "DO_NOTHING"
        created = self._cfn("create_change_set", **kwargs)
        description = self._wait_change_set(request.stack_name, created["Id"])
        return ChangeSetResult(
            request.stack_name, str(created.get("StackId") or description.get("StackId", "")),
            created["Id"], name, change_set_type, str(description.get("Status")),
            description.get("StatusReason"), tuple(description.get("Changes", [])), description)

    def _wait_change_set(self, stack_name: str, change_set: str) -> Mapping[str, Json]:
        deadline = self._clock() + self.options.timeout_s
        interval = self.options.poll_first_s
        while True:
            description = self.describe_change_set(stack_name, change_set)
            if description.get("Status") in ("CREATE_COMPLETE", "FAILED", "DELETE_COMPLETE"):
                return description
            if self._clock() >= deadline:
                raise NativeStackError(f"Timed out waiting for change set {change_set}",
                                       "Timeout")
            self._sleep(interval)
            interval = min(interval * self.options.poll_factor, self.options.poll_max_s)

    def delete_change_set(self, stack_name: str, change_set: str) -> None:
        self._cfn("delete_change_set", StackName=stack_name, ChangeSetName=change_set)

    def execute_change_set(self, change_set: ChangeSetResult,
                           on_event: EventCallback | None = None) -> StackResult:
        """ExecuteChangeSet, then stream the stack's new events (oldest first) to `on_event`
        until the stack settles. Raises StackOperationFailed if it ends failed or rolled back."""
        seen = {e["EventId"] for e in self._events_or_empty(change_set.stack_name)}
        try:
            self._cfn("execute_change_set", StackName=change_set.stack_name,
                      ChangeSetName=change_set.change_set_id,
                      ClientRequestToken=_token(change_set.stack_name, change_set.change_set_id))
        except NativeStackError as exc:
            # Some endpoints (moto) run the resources inside this call and answer with the
            # resource's error instead of a failed stack: the same outcome for the user.
            raise StackOperationFailed(str(exc), exc.code) from None
        result = self._follow(change_set.stack_name, seen, on_event)
        if result.failed:
            raise StackOperationFailed(_failure_text(result), status=result.status)
        return result

    def deploy(self, request: NativeStackRequest, *, on_event: EventCallback | None = None,
               review: Callable[[ChangeSetResult], bool] | None = None
               ) -> tuple[ChangeSetResult, StackResult | None]:
        """create-change-set → review (our preview next to AWS's; return False to stop) →
        execute → events → outputs. No changes: the empty change set is deleted and nothing
        runs."""
        change_set = self.create_change_set(request)
        if change_set.no_changes:
            self.delete_change_set(request.stack_name, change_set.change_set_id)
            return change_set, None
        if change_set.status != "CREATE_COMPLETE":
            raise NativeStackError(f"Change set {change_set.change_set_name} failed: "
                                   f"{change_set.status_reason}", "ChangeSetFailed")
        if review is not None and not review(change_set):
            return change_set, None
        return change_set, self.execute_change_set(change_set, on_event)

    # -- delete -----------------------------------------------------------------------------

    def delete_stack(self, stack_name: str, *, retain: Sequence[str] = (),
                     role_arn: str | None = None,
                     on_event: EventCallback | None = None) -> StackResult:
        stack = self.describe_stack(stack_name)
        if stack is None:
            raise NativeStackError(f"Stack with id {stack_name} does not exist", "ValidationError")
        stack_id = str(stack["StackId"])
        seen = {e["EventId"] for e in self._events_or_empty(stack_id)}
        kwargs: dict[str, Json] = {"StackName": stack_id,
                                   "ClientRequestToken": _token(stack_id, "delete")}
        if retain:
            kwargs["RetainResources"] = list(retain)
        if role_arn:
            kwargs["RoleARN"] = role_arn
        self._cfn("delete_stack", **kwargs)
        # Follow by stack ID: a deleted stack is no longer found by name.
        result = self._follow(stack_id, seen, on_event, name=stack_name)
        if result.status != "DELETE_COMPLETE":
            raise StackOperationFailed(_failure_text(result), status=result.status)
        return result

    # -- following a stack ------------------------------------------------------------------

    def _events_or_empty(self, stack: str) -> list[Mapping[str, Json]]:
        try:
            return self.events(stack)
        except NativeStackError:
            return []  # a stack that does not exist yet has no events

    def _follow(self, stack: str, seen: set[str], on_event: EventCallback | None,
                name: str | None = None) -> StackResult:
        deadline = self._clock() + self.options.timeout_s
        interval = self.options.poll_first_s
        produced: list[Mapping[str, Json]] = []
        while True:
            description = self._describe_by_id(stack)
            fresh = [e for e in reversed(self._events_or_empty(stack)) if e["EventId"] not in seen]
            for event in fresh:
                seen.add(event["EventId"])
                produced.append(event)
                if on_event is not None:
                    on_event(event)
            status = str(description.get("StackStatus", "DELETE_COMPLETE")) if description \
                else "DELETE_COMPLETE"
            if _terminal(status):
                return StackResult(name or str(description.get("StackName", stack)) if description
                                   else (name or stack),
                                   str(description.get("StackId", stack)) if description else stack,
                                   status, description.get("StackStatusReason") if description
                                   else None,
                                   tuple(description.get("Outputs", [])) if description else (),
                                   tuple(produced))
            if self._clock() >= deadline:
                raise NativeStackError(f"Timed out waiting for stack {name or stack}", "Timeout",
                                       status=status)
            self._sleep(interval)
            interval = min(interval * self.options.poll_factor, self.options.poll_max_s)

    def _describe_by_id(self, stack: str) -> Mapping[str, Json] | None:
        return self.describe_stack(stack)

    # -- packaging --------------------------------------------------------------------------

    def upload(self, bucket: str, body: bytes, *, prefix: str = "", suffix: str = "") -> str:
        """Put `body` in S3 under a content-addressed key (as `aws cloudformation package`
        does: the same bytes get the same key, so re-packaging changes nothing) and return
        the key."""
        key = (prefix.rstrip("/") + "/" if prefix else "") + hashlib.md5(body).hexdigest() + suffix
        self._call("s3", "put_object", Bucket=bucket, Key=key, Body=body)
        return key

    def upload_template(self, bucket: str, template_body: str, *, prefix: str = "") -> str:
        """Upload a template too large to pass inline; returns the TemplateURL to use."""
        key = self.upload(bucket, template_body.encode(), prefix=prefix, suffix=".template")
        return self.object_url(bucket, key)

    def object_url(self, bucket: str, key: str) -> str:
        endpoint = self.clients.connection.resolved_endpoint()
        if endpoint:
            return f"{endpoint.rstrip('/')}/{bucket}/{key}"
        region = self.clients.region
        return f"https://{bucket}.s3.{region}.amazonaws.com/{key}"


def stack_event(event: Mapping[str, Json]) -> Any:
    """A describe-stack-events entry as the engine's StackEvent, so the live display and the
    `events` renderer show CloudFormation's events like local ones."""
    from stackengine.state.base import StackEvent

    timestamp: Any = event.get("Timestamp")
    when = str(timestamp.isoformat()) if hasattr(timestamp, "isoformat") else str(timestamp or "")
    return StackEvent(str(event.get("StackId", "")), str(event.get("StackName", "")),
                      str(event.get("EventId", "")), when,
                      str(event.get("LogicalResourceId", "")),
                      event.get("PhysicalResourceId") or None,
                      str(event.get("ResourceType", "")), str(event.get("ResourceStatus", "")),
                      event.get("ResourceStatusReason"))


def to_listener(listener: Callable[[Any], None]) -> EventCallback:
    """An `on_event` callback feeding an engine EventListener (StackEvent → display)."""
    return lambda event: listener(stack_event(event))


def _token(*parts: str) -> str:
    """A deterministic request token: a retried call after a crash is the same request."""
    return "se-" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:60]


def _failure_text(result: StackResult) -> str:
    reasons = [f"{e.get('LogicalResourceId')}: {e.get('ResourceStatusReason')}"
               for e in result.events if str(e.get("ResourceStatus", "")).endswith("_FAILED")
               and e.get("ResourceStatusReason")]
    text = f"Stack {result.stack_name} ended in {result.status}"
    if result.status_reason:
        text += f" ({result.status_reason})"
    if reasons:
        text += ": " + "; ".join(reasons[:5])
    return text
