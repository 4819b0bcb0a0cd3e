"""boto3 sessions and clients for the aws target: the default credential chain, a named profile,
an assumed role (refreshed before it expires) and an endpoint override.

Imported only on the aws path; boto3 is imported inside the functions that need it.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

ROLE_SESSION_NAME = "stackengine"


@dataclass(frozen=True)
class AwsConnection:
    """Where and as whom to call AWS. `endpoint_url` (or AWS_ENDPOINT_URL) points every client at
    an emulator; `sts_endpoint_url` is where the role is assumed (default: AWS's STS)."""

    region: str | None = None
    profile: str | None = None
    role_arn: str | None = None
    endpoint_url: str | None = None
    sts_endpoint_url: str | None = None
    external_id: str | None = None
    max_pool_connections: int = 50
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0

    def resolved_endpoint(self) -> str | None:
        return self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None


class ClientFactory:
    """Builds (once, thread-safely) the boto3 session and the clients a provider uses."""

    def __init__(self, connection: AwsConnection, default_region: str = "us-east-1") -> None:
        self.connection = connection
        self.default_region = default_region
        self._lock = threading.Lock()
        self._session: Any = None
        self._clients: dict[str, Any] = {}

    @property
    def region(self) -> str:
        # The engine's region (--region, AWS_REGION, AWS_DEFAULT_REGION, us-east-1) is the one
        # its stack records and ARNs use; a profile's own region must not silently differ.
        return self.connection.region or self.default_region

    def session(self) -> Any:
        with self._lock:
            if self._session is None:
                self._session = _make_session(self.connection, self.default_region)
            return self._session

    def client(self, service: str) -> Any:
        session = self.session()
        with self._lock:
            if service not in self._clients:
                from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]

                # Retries are ours (exponential backoff with jitter, Cloud Control aware), so
                # botocore makes exactly one attempt per call.
                config = Config(retries={"total_max_attempts": 1, "mode": "standard"},
                                max_pool_connections=self.connection.max_pool_connections,
                                connect_timeout=self.connection.connect_timeout_s,
                                read_timeout=self.connection.read_timeout_s)
                self._clients[service] = session.client(
                    service, region_name=self.region,
                    endpoint_url=self.connection.resolved_endpoint(), config=config)
            return self._clients[service]


def _make_session(connection: AwsConnection, default_region: str) -> Any:
    import boto3  # type: ignore[import-untyped, unused-ignore]

    base = boto3.Session(profile_name=connection.profile,
                         region_name=connection.region or None)
    if not connection.role_arn:
        return base
    return _assumed_role_session(base, connection, default_region)


def _assumed_role_session(base: Any, connection: AwsConnection, default_region: str) -> Any:
    """A session whose credentials come from sts:AssumeRole and refresh before they expire (a
    deploy can outlast the one-hour default)."""
    import boto3  # type: ignore[import-untyped, unused-ignore]
    from botocore.credentials import RefreshableCredentials  # type: ignore[import-untyped, unused-ignore]
    from botocore.session import get_session  # type: ignore[import-untyped, unused-ignore]

    sts = base.client("sts", region_name=connection.region or default_region,
                      endpoint_url=connection.sts_endpoint_url)

    def fetch() -> dict[str, str]:
        kwargs: dict[str, Any] = {"RoleArn": connection.role_arn,
                                  "RoleSessionName": ROLE_SESSION_NAME}
        if connection.external_id:
            kwargs["ExternalId"] = connection.external_id
        creds = sts.assume_role(**kwargs)["Credentials"]
        return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"], "expiry_time": creds["Expiration"].isoformat()}

    credentials = RefreshableCredentials.create_from_metadata(
        metadata=fetch(), refresh_using=fetch, method="assume-role")
    botocore_session = get_session()
    # botocore has no public setter for a credentials object; this is the documented-by-usage
    # way to give a session refreshable credentials.
    botocore_session._credentials = credentials
    return boto3.Session(botocore_session=botocore_session,
                         region_name=connection.region or default_region)
