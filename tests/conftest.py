"""Fixtures shared by the tests that speak AWS's wire protocols: dummy credentials and the
emulator served on 127.0.0.1. Folders that need them switch the credentials on with an autouse
fixture of their own."""

from __future__ import annotations

import pytest

from stackengine.emulator import EmulatorOptions, EmulatorServer


@pytest.fixture
def dummy_credentials(monkeypatch):
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def serve(tmp_path):
    servers = []

    def start(**options):
        server = EmulatorServer(str(tmp_path / "state.db"), EmulatorOptions(**options)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def client_for():
    import boto3
    from botocore.config import Config

    def make(server, region="us-east-1", **config):
        return boto3.client("cloudcontrol", endpoint_url=server.url, region_name=region,
                            config=Config(**{"retries": {"max_attempts": 3, "mode": "standard"},
                                             **config}))

    return make
