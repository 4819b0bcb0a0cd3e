"""The HTTP side of the emulator: the AWS JSON 1.0 protocol as boto3's `cloudcontrol` client
speaks it (POST /, `X-Amz-Target: CloudApiService.<Operation>`, JSON body), on 127.0.0.1 only.

Errors are answered the way botocore parses them: HTTP 400 with `{"__type": "...#Code",
"message": "..."}` and the `x-amzn-ErrorType` header. Signatures are not checked (any
credentials work); the region is read from the credential scope of the Authorization header.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Sequence

from stackengine.emulator.service import CallContext, CloudControlError, CloudControlService
from stackengine.providers.local import FailureSpec, LocalProvider

TARGET_PREFIX = "CloudApiService."
ERROR_NAMESPACE = "com.amazonaws.cloudapiservice"
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class EmulatorOptions:
    """How the served account behaves. `throttle_first` answers the first N calls with
    ThrottlingException and `drop_first` closes the connection without answering the first call
    of each named operation (after doing its work): faults a client must survive."""

    port: int = 0
    latency_ms: int = 0
    inject_failures: Sequence[FailureSpec] = ()
    account_id: str = "123456789012"
    throttle_first: int = 0
    drop_first: frozenset[str] = frozenset()
    log_requests: bool = False


class _Faults:
    def __init__(self, options: EmulatorOptions) -> None:
        self._lock = threading.Lock()
        self._throttles_left = options.throttle_first
        self._drop = set(options.drop_first)

    def throttle(self) -> bool:
        with self._lock:
            if self._throttles_left > 0:
                self._throttles_left -= 1
                return True
            return False

    def drop(self, operation: str) -> bool:
        with self._lock:
            if operation in self._drop:
                self._drop.discard(operation)
                return True
            return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops connections when a deploy opens many at once;
    # the client then waits a full SYN retransmission timeout (1 s) before trying again.
    request_queue_size = 128
    service: CloudControlService
    faults: _Faults
    log_requests: bool


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive: botocore reuses connections
    # Headers and body go out in two writes; with Nagle's algorithm and the client's delayed
    # ACK that costs ~40 ms per response on a kept-alive connection.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        target = self.headers.get("X-Amz-Target", "")
        if not target.startswith(TARGET_PREFIX):
            self._error(CloudControlError("UnknownOperationException",
                                          f"Unsupported target {target!r}"))
            return
        operation = target[len(TARGET_PREFIX):]
        if self.server.faults.throttle():
            self._error(CloudControlError("ThrottlingException", "Rate exceeded"))
            return
        try:
            body = json.loads(raw or b"{}")
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
        except ValueError as exc:
            self._error(CloudControlError("SerializationException", str(exc)))
            return
        try:
            answer = self.server.service.handle(operation, body, self._context())
        except CloudControlError as exc:
            self._error(exc)
            return
        if self.server.faults.drop(operation):
            self.close_connection = True  # the work is done; the answer is lost on the way
            return
        self._send(200, answer)

    def do_GET(self) -> None:  # noqa: N802
        # A health check for scripts waiting for the server to come up.
        self._send(200, {"service": "cloudcontrol", "status": "ok"})

    def _context(self) -> CallContext:
        found = _SCOPE.search(self.headers.get("Authorization", ""))
        return CallContext(region=found.group(1) if found else "us-east-1",
                           stack_name=self.headers.get("X-Stackengine-Stack-Name") or None,
                           stack_id=self.headers.get("X-Stackengine-Stack-Id") or None,
                           logical_id=self.headers.get("X-Stackengine-Logical-Id") or None,
                           snapshot=self.headers.get("X-Stackengine-Snapshot") == "true")

    def _error(self, exc: CloudControlError) -> None:
        self._send(exc.status, {"__type": f"{ERROR_NAMESPACE}#{exc.code}", "message": exc.message},
                   error_type=exc.code)

    def _send(self, status: int, body: Any, error_type: str | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if self.server.log_requests:
            super().log_message(format, *args)


class EmulatorServer:
    """The emulated account served on http://127.0.0.1:PORT (port 0: an ephemeral one).

        with EmulatorServer(db_path, EmulatorOptions(latency_ms=50)) as server:
            boto3.client("cloudcontrol", endpoint_url=server.url, ...)
    """

    def __init__(self, db_path: str, options: EmulatorOptions = EmulatorOptions(), *,
                 provider: LocalProvider | None = None) -> None:
        self.options = options
        # The latency is the service's (see CloudControlService), not the account's: an
        # operation takes latency_ms in all, its work included.
        self.provider = provider or LocalProvider(
            db_path, inject_failures=options.inject_failures,
            default_account_id=options.account_id)
        self.service = CloudControlService(self.provider, account_id=options.account_id,
                                           latency_ms=options.latency_ms)
        self._httpd = _Server((LOOPBACK, options.port), _Handler)
        self._httpd.service = self.service
        self._httpd.faults = _Faults(options)
        self._httpd.log_requests = options.log_requests
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> EmulatorServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="cloudcontrol-emulator", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Block serving until interrupted (the CLI's foreground mode)."""
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._close()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._close()

    def _close(self) -> None:
        self._httpd.server_close()
        self.service.close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
