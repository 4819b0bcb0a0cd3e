"""Bounded retries of AWS API calls: exponential backoff with full jitter on throttling, transient
service errors and lost connections. Permanent errors are re-raised at once for the caller to
translate. botocore's own retries are switched off (see session.py) so attempts are counted once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable, Mapping

# Error codes of a call that go away on their own (across AWS services).
TRANSIENT_CALL_ERRORS = frozenset({
    "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
    "ServiceInternalErrorException", "InternalFailure", "ServiceUnavailable",
    "ServiceUnavailableException", "NetworkFailureException", "ConcurrentOperationException",
    "RequestTimeout", "RequestTimeoutException", "InternalServerError", "InternalError",
    "SlowDown", "PriorRequestNotComplete",
})


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2**n))."""

    attempts: int = 8
    base_s: float = 0.2
    cap_s: float = 20.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0.0, min(self.cap_s, self.base_s * (2 ** attempt)))


def is_transient(exc: BaseException) -> bool:
    """Throttling, 5xx and transient error codes, and lost connections/timeouts."""
    from botocore.exceptions import (  # type: ignore[import-untyped, unused-ignore]
        ClientError, ConnectionError, HTTPClientError)

    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code") or "")
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        return code in TRANSIENT_CALL_ERRORS or status >= 500
    return isinstance(exc, (ConnectionError, HTTPClientError))


def call(method: Callable[..., Any], kwargs: Mapping[str, Any], backoff: Backoff,
         rng: random.Random, sleep: Callable[[float], None]) -> Any:
    """`method(**kwargs)`, repeated with the same arguments while the failure is transient and
    attempts remain; the last (or a permanent) exception propagates."""
    for attempt in range(backoff.attempts):
        try:
            return method(**kwargs)
        except Exception as exc:
            if attempt + 1 >= backoff.attempts or not is_transient(exc):
                raise
            sleep(backoff.delay(attempt, rng))
    raise AssertionError("unreachable")  # the loop returns or raises


def error_code(exc: BaseException) -> str:
    from botocore.exceptions import ClientError  # type: ignore[import-untyped, unused-ignore]

    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code") or "")
    return type(exc).__name__


def error_message(exc: BaseException) -> str:
    from botocore.exceptions import ClientError  # type: ignore[import-untyped, unused-ignore]

    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Message") or exc)
    return str(exc)
