"""The aws provider: the engine's `Provider` protocol over the Cloud Control API.

Each create/update/delete is one Cloud Control request: CreateResource / UpdateResource (an RFC 6902
patch from the old to the new properties) / DeleteResource, then GetResourceRequestStatus until the
request ends. The journal's operation token is the ClientToken, so repeating a call after a crash
returns the request the first call started instead of acting twice. Attributes for Fn::GetAtt
come from the resource model Cloud Control returns; `read` is GetResource.

Two kinds of retry, both bounded, with exponential backoff and full jitter:
- a call that fails with throttling or a transient service/network error is repeated as is (same
  ClientToken, so it is safe even if the first attempt got through);
- a request that *ends* FAILED with a transient handler error (Throttling, NetworkFailure, ...)
  is started again with a token derived from the original one (`<token>-r1`, ...), since the
  original token would only return the failed request. Derived tokens are deterministic, so a
  crash during a retry is still idempotent.
Everything else is permanent and becomes a ProviderError with AWS's message and error code.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

from stackengine.providers.aws import patch as json_patch
from stackengine.providers.aws import retry, snapshots
from stackengine.providers.aws.coerce import coerce
from stackengine.providers.aws.identifiers import IdentifierMap, ref_value
from stackengine.providers.aws.retry import Backoff
from stackengine.providers.aws.session import AwsConnection, ClientFactory
from stackengine.providers.aws.support import SupportData, shipped
from stackengine.providers.base import ProviderError, ResourceResult, StackRef

Json = Any

# ProgressEvent.ErrorCode values of a request that ended FAILED for a passing reason.
TRANSIENT_HANDLER_ERRORS = frozenset({
    "Throttling", "NetworkFailure", "ServiceInternalError", "InternalFailure",
})
# Cloud Control's API error names → the provider's error codes (what *_FAILED events show).
CALL_ERROR_CODES: dict[str, str] = {
    "AlreadyExistsException": "AlreadyExists", "ResourceNotFoundException": "NotFound",
    "TypeNotFoundException": "InvalidRequest", "InvalidRequestException": "InvalidRequest",
    "ValidationException": "InvalidRequest", "NotUpdatableException": "NotUpdatable",
    "UnsupportedActionException": "NotSupported", "InvalidCredentialsException": "AccessDenied",
    "AccessDeniedException": "AccessDenied", "ResourceConflictException": "ResourceConflict",
    "ServiceLimitExceededException": "ServiceLimitExceeded",
    "ClientTokenConflictException": "InvalidRequest", "PrivateTypeException": "InvalidRequest",
}
_CLIENT_TOKEN = re.compile(r"^[-A-Za-z0-9+/=]{1,128}$")
DONE = frozenset({"SUCCESS", "FAILED", "CANCEL_COMPLETE"})


@dataclass(frozen=True)
class Polling:
    """How GetResourceRequestStatus is polled: at the service's RetryAfter when it gives one
    (clamped to [min_s, max_s]); otherwise first_s, growing by `factor` up to max_s. The
    operation is abandoned (NotStabilized) after timeout_s."""

    first_s: float = 0.5
    factor: float = 1.5
    min_s: float = 0.002
    max_s: float = 5.0
    max_lead_s: float = 0.02
    timeout_s: float = 3 * 3600.0


@dataclass(frozen=True)
class CloudControlOptions:
    connection: AwsConnection = field(default_factory=AwsConnection)
    # A service role Cloud Control assumes for the resource operations (RoleArn of each call).
    service_role_arn: str | None = None
    backoff: Backoff = field(default_factory=Backoff)
    handler_retries: int = 2
    polling: Polling = field(default_factory=Polling)
    # Send the stack name/ID and logical ID as X-Stackengine-* headers, which the local emulator
    # uses to name resources as CloudFormation would. None: only when an endpoint URL is set.
    send_context: bool | None = None
    # How often a snapshot taken before a delete is checked (DeletionPolicy: Snapshot).
    snapshot_delay_s: float = 15.0


class CloudControlProvider:
    """`Provider` over Cloud Control. Thread-safe: the engine calls it from several threads."""

    def __init__(self, state_path: str | None = None, *, default_account_id: str = "123456789012",
                 default_region: str = "us-east-1", region: str | None = None,
                 profile: str | None = None, role_arn: str | None = None,
                 endpoint_url: str | None = None, service_role_arn: str | None = None,
                 options: CloudControlOptions | None = None, registry: Any = None,
                 support: SupportData | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time, seed: int | None = None) -> None:
        # Cloud Control itself keeps the resources; the state database only holds the
        # identifiers that differ from what Ref returns (see identifiers.py).
        options = options or CloudControlOptions()
        connection = options.connection
        connection = replace(connection, region=region or connection.region,
                             profile=profile or connection.profile,
                             role_arn=role_arn or connection.role_arn,
                             endpoint_url=endpoint_url or connection.endpoint_url)
        if service_role_arn is not None:
            options = replace(options, service_role_arn=service_role_arn)
        self.options = options
        self.clients = ClientFactory(connection, default_region)
        self.identifiers = IdentifierMap(state_path)
        self.default_account_id = default_account_id
        self._registry = registry
        self._support = support or shipped()
        self._sleep = sleep
        self._clock = clock
        self._rng = random.Random(seed)
        send = options.send_context
        self._send_context = (connection.resolved_endpoint() is not None) if send is None else send
        self._hook_lock = threading.Lock()
        self._round_trip_s = 0.0
        self._hooked = False

    # -- the Provider protocol --------------------------------------------------------------

    def create(self, stack: StackRef, type_name: str, logical_id: str,
               properties: Mapping[str, Json], token: str) -> ResourceResult:
        self._check_supported(type_name)
        desired = json.dumps(coerce(self._schema(type_name), properties), sort_keys=True,
                             default=str)
        event = self._run_request("CreateResource", token, logical_id, stack, {
            "TypeName": type_name, "DesiredState": desired})
        identifier = event.get("Identifier")
        if not identifier:
            raise ProviderError(f"Cloud Control reported no identifier for {logical_id} "
                                f"({type_name})", "GeneralServiceException")
        model = self._model_from(type_name, str(identifier), event)
        physical_id = ref_value(self._schema(type_name), str(identifier), model)
        if physical_id != identifier:
            self.identifiers.put(stack.stack_id, logical_id, type_name, physical_id,
                                 str(identifier))
        return ResourceResult(physical_id, self.attributes(type_name, model))

    def update(self, stack: StackRef, type_name: str, logical_id: str, physical_id: str,
               old: Mapping[str, Json], new: Mapping[str, Json], token: str) -> ResourceResult:
        self._check_supported(type_name)
        schema = self._schema(type_name)
        identifier = self._identifier(stack, logical_id, type_name, physical_id)
        ops = json_patch.diff(coerce(schema, old), coerce(schema, new), self._write_only(type_name))
        if not ops:
            model = self._get_model(type_name, identifier)
            if model is None:
                raise ProviderError(_not_found(type_name, identifier), "NotFound")
            return ResourceResult(physical_id, self.attributes(type_name, model))
        event = self._run_request("UpdateResource", token, logical_id, stack, {
            "TypeName": type_name, "Identifier": identifier,
            "PatchDocument": json.dumps(ops, default=str)})
        model = self._model_from(type_name, identifier, event)
        # The identifier never changes on update (changing it is a replacement), so neither
        # does the physical ID.
        return ResourceResult(physical_id, self.attributes(type_name, model))

    def delete(self, stack: StackRef, type_name: str, logical_id: str, physical_id: str,
               token: str, *, snapshot: bool = False) -> None:
        if not physical_id:
            return  # never created
        identifier = self._identifier(stack, logical_id, type_name, physical_id)
        headers: dict[str, str] = {}
        if snapshot and snapshots.supports(type_name):
            if self._send_context:
                # An endpoint override (the local emulator) is asked to take it; it has no
                # RDS/EC2/Redshift API to call.
                headers["X-Stackengine-Snapshot"] = "true"
            else:
                snapshots.take_snapshot(self.clients.client, type_name, physical_id,
                                        snapshots.snapshot_name(stack, logical_id, token),
                                        delay_s=self.options.snapshot_delay_s)
        try:
            self._run_request("DeleteResource", token, logical_id, stack, {
                "TypeName": type_name, "Identifier": identifier}, headers)
        except ProviderError as exc:
            if exc.code != "NotFound":
                raise
            # already gone: CloudFormation treats that as deleted
        self.identifiers.forget(stack.stack_id, logical_id, type_name, physical_id)

    def read(self, type_name: str, physical_id: str) -> ResourceResult | None:
        identifier = self.identifiers.find(type_name, physical_id) or physical_id
        model = self._get_model(type_name, identifier)
        if model is None:
            return None
        return ResourceResult(physical_id, self.attributes(type_name, model))

    def supports_snapshot(self, type_name: str) -> bool:
        # Cloud Control takes no snapshots; the provider does, for the types in snapshots.py
        # (the engine refuses Snapshot policies on the others at plan time).
        return snapshots.supports(type_name)

    # -- helpers the engine can use -----------------------------------------------------------

    def unsupported_types(self, type_names: Any) -> list[str]:
        from stackengine.providers.aws.support import unsupported_types
        return unsupported_types(type_names, self._support)

    def check_resources(self, resources_by_id: Mapping[str, str]) -> None:
        """Plan time: raise UnsupportedTypes (naming each offending logical ID and type, and
        `--via cloudformation`) if Cloud Control cannot provision some of the resources."""
        from stackengine.providers.aws.support import check_resources
        check_resources(resources_by_id, self._support)

    def resolve_account_id(self) -> str:
        """The account resources are made in: sts:GetCallerIdentity against AWS; against an
        endpoint override (an emulator, which need not serve STS) the configured default."""
        if self.clients.connection.resolved_endpoint():
            return self.default_account_id
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped, unused-ignore]

        try:
            identity = retry.call(self.clients.client("sts").get_caller_identity, {},
                                  self.options.backoff, self._rng, self._sleep)
        except (BotoCoreError, ClientError) as exc:
            raise ProviderError(f"Cannot tell the AWS account: {retry.error_message(exc)}",
                                "InvalidCredentials") from None
        return str(identity["Account"])

    def ssm_lookup(self, account_id: str, region: str) -> Callable[[str], str | None]:
        """Values of `AWS::SSM::Parameter::Value<...>` template parameters, from the target
        account: ssm:GetParameter against AWS (AWS's public `/aws/service/...` parameters
        included); through Cloud Control against an endpoint override (the emulator serves no
        SSM API), with the emulator's stand-ins for the public parameters. None: not found."""
        if self.clients.connection.resolved_endpoint():
            return self._ssm_via_cloud_control(region)
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped, unused-ignore]

        def lookup(name: str) -> str | None:
            try:
                answer = retry.call(self.clients.client("ssm").get_parameter, {"Name": name},
                                    self.options.backoff, self._rng, self._sleep)
            except ClientError as exc:
                if retry.error_code(exc) == "ParameterNotFound":
                    return None
                raise ProviderError(retry.error_message(exc), retry.error_code(exc)) from None
            except BotoCoreError as exc:
                raise ProviderError(str(exc), "InvalidCredentials") from None
            return str(answer["Parameter"]["Value"])

        return lookup

    def _ssm_via_cloud_control(self, region: str) -> Callable[[str], str | None]:
        def lookup(name: str) -> str | None:
            model = self._get_model("AWS::SSM::Parameter", name)
            if model is not None and model.get("Value") is not None:
                return str(model["Value"])
            from stackengine.providers.local.provider import public_parameter
            return public_parameter(name, region)

        return lookup

    def attributes(self, type_name: str, model: Mapping[str, Json]) -> dict[str, Json]:
        """Fn::GetAtt values from a resource model: every attribute name the schema documents
        ("Arn", "Endpoint.Address") that the model holds."""
        schema = self._schema(type_name)
        names = [n for n in schema.getatt_names() if "*" not in n] if schema is not None else []
        if not names:
            return {k: v for k, v in model.items()}
        out: dict[str, Json] = {}
        for name in names:
            found, value = _lookup(model, name.split("."))
            if found:
                out[name] = value
        return out

    @property
    def registry(self) -> Any:
        if self._registry is None:
            from stackengine.specs import default_registry
            self._registry = default_registry()
        return self._registry

    # -- requests -------------------------------------------------------------------------------

    def _run_request(self, operation: str, token: str, logical_id: str, stack: StackRef,
                     params: Mapping[str, Json],
                     headers: Mapping[str, str] | None = None) -> Mapping[str, Json]:
        """Start the request and wait for it; retry one that ended with a transient handler
        error under a derived token. Returns the final SUCCESS ProgressEvent."""
        base = client_token(token)
        for attempt in range(self.options.handler_retries + 1):
            client_tok = base if attempt == 0 else _derived(base, attempt)
            event = self._start(operation, client_tok, logical_id, stack, params, headers)
            event = self._wait(event, logical_id)
            status = event.get("OperationStatus")
            if status == "SUCCESS":
                return event
            code = str(event.get("ErrorCode") or "GeneralServiceException")
            message = str(event.get("StatusMessage") or f"{operation} {status}")
            if code in TRANSIENT_HANDLER_ERRORS and attempt < self.options.handler_retries:
                self._sleep(self.options.backoff.delay(attempt, self._rng))
                continue
            raise ProviderError(
                f"Resource handler returned message: \"{message}\" (RequestToken: "
                f"{event.get('RequestToken')}, HandlerErrorCode: {code})", code)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _start(self, operation: str, client_tok: str, logical_id: str, stack: StackRef,
               params: Mapping[str, Json],
               headers: Mapping[str, str] | None = None) -> Mapping[str, Json]:
        call = dict(params, ClientToken=client_tok)
        if self.options.service_role_arn:
            call["RoleArn"] = self.options.service_role_arn
        context = {"X-Stackengine-Stack-Name": stack.stack_name,
                   "X-Stackengine-Stack-Id": stack.stack_id,
                   "X-Stackengine-Logical-Id": logical_id,
                   **(headers or {})} if self._send_context else None
        asked = self._clock()
        answer = self._call(operation, call, context)
        # The starting call is answered at once: its duration measures the round trip.
        self._round_trip_s = 0.8 * self._round_trip_s + 0.2 * (self._clock() - asked)
        event: Mapping[str, Json] = answer["ProgressEvent"]
        return event

    def _wait(self, event: Mapping[str, Json], logical_id: str) -> Mapping[str, Json]:
        polling = self.options.polling
        deadline = self._clock() + polling.timeout_s
        interval = polling.first_s
        while event.get("OperationStatus") not in DONE:
            now = self._clock()
            if now >= deadline:
                raise ProviderError(f"Timed out after {polling.timeout_s:.0f}s waiting for "
                                    f"{logical_id} (RequestToken: {event.get('RequestToken')})",
                                    "NotStabilized")
            retry_after = event.get("RetryAfter")
            if retry_after is not None:
                at = (retry_after.timestamp() if hasattr(retry_after, "timestamp")
                      else float(retry_after))
                # Ask a round trip early, so the answer leaves when the operation ends.
                lead = min(self._round_trip_s, polling.max_lead_s)
                wait = min(max(at - now - lead, polling.min_s), polling.max_s)
            else:
                wait = interval
                interval = min(interval * polling.factor, polling.max_s)
            self._sleep(min(wait, max(deadline - now, 0.0)))
            event = self._call("GetResourceRequestStatus",
                               {"RequestToken": event["RequestToken"]})["ProgressEvent"]
        return event

    def _model_from(self, type_name: str, identifier: str,
                    event: Mapping[str, Json]) -> dict[str, Json]:
        """The resource model of a finished request: the event's (the handler contract says a
        successful create/update returns the model with its read-only properties), or read back
        when the event carries none."""
        model = _parse_model(event.get("ResourceModel"))
        if model is None:
            model = self._get_model(type_name, identifier) or {}
        return model

    def _identifier(self, stack: StackRef, logical_id: str, type_name: str,
                    physical_id: str) -> str:
        return (self.identifiers.get(stack.stack_id, logical_id, type_name, physical_id)
                or physical_id)

    def _get_model(self, type_name: str, identifier: str) -> dict[str, Json] | None:
        try:
            answer = self._call("GetResource", {"TypeName": type_name, "Identifier": identifier})
        except ProviderError as exc:
            if exc.code == "NotFound":
                return None
            raise
        return _parse_model(answer["ResourceDescription"].get("Properties")) or {}

    def _call(self, operation: str, params: Mapping[str, Json],
              context: Mapping[str, str] | None = None) -> Mapping[str, Json]:
        """One API call, repeated on throttling and transient errors (same parameters, so the
        same ClientToken), translated to ProviderError otherwise."""
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped, unused-ignore]

        method = getattr(self._client(), _snake(operation))
        kwargs = dict(params)
        if context:
            kwargs["StackengineContext"] = dict(context)
        try:
            answer: Mapping[str, Json] = retry.call(method, kwargs, self.options.backoff,
                                                    self._rng, self._sleep)
        except ClientError as exc:
            code = retry.error_code(exc)
            raise ProviderError(retry.error_message(exc), CALL_ERROR_CODES.get(
                code, code or "GeneralServiceException")) from None
        except BotoCoreError as exc:
            if retry.is_transient(exc):
                raise ProviderError(f"Could not reach Cloud Control: {exc}",
                                    "NetworkFailure") from None
            # no credentials, bad region, ...: not something a retry fixes
            raise ProviderError(f"{type(exc).__name__}: {exc}", "InvalidCredentials") from None
        return answer

    def _client(self) -> Any:
        client = self.clients.client("cloudcontrol")
        with self._hook_lock:
            if not self._hooked:
                # A custom parameter carries the stack context from the call into a header: it
                # is taken out before botocore validates the parameters and put on the request.
                client.meta.events.register("provide-client-params.cloudcontrol.*", _take_context)
                client.meta.events.register("before-call.cloudcontrol.*", _add_context_headers)
                self._hooked = True
        return client

    def _check_supported(self, type_name: str) -> None:
        if not self._support.supported(type_name):
            raise ProviderError(f"Cloud Control API cannot provision {type_name}; deploy this "
                                "template with --via cloudformation", "NotSupported")

    def _schema(self, type_name: str) -> Any:
        return self.registry.get(type_name) if self.registry is not None else None

    def _write_only(self, type_name: str) -> json_patch.WriteOnly:
        schema = self._schema(type_name)
        if schema is None:
            return json_patch.WriteOnly()
        return json_patch.WriteOnly.of(schema.write_only)


def _take_context(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    extra = params.pop("StackengineContext", None)
    if extra:
        context["stackengine_headers"] = extra


def _add_context_headers(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    headers = context.get("stackengine_headers")
    if headers:
        params["headers"].update({k: str(v) for k, v in headers.items() if v})


def client_token(token: str) -> str:
    """The ClientToken for a journal token: itself when Cloud Control accepts it, else a hash."""
    if _CLIENT_TOKEN.match(token or ""):
        return token
    return hashlib.sha256((token or "").encode()).hexdigest()


def _derived(token: str, attempt: int) -> str:
    suffix = f"-r{attempt}"
    return token[:128 - len(suffix)] + suffix


def _snake(operation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


def _parse_model(text: Json) -> dict[str, Json] | None:
    if not text:
        return None
    try:
        value = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _lookup(doc: Json, parts: list[str]) -> tuple[bool, Json]:
    node = doc
    for part in parts:
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _not_found(type_name: str, identifier: str) -> str:
    return f"Resource of type '{type_name}' with identifier '{identifier}' was not found."
