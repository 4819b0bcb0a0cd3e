"""Fixtures of the aws provider tests: dummy credentials and the emulator on 127.0.0.1."""

from __future__ import annotations

import pytest

from stackengine.emulator import EmulatorOptions, EmulatorServer


@pytest.fixture(autouse=True)
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


@pytest.fixture
def stack():
    from stackengine.providers.base import StackRef
    return StackRef("shop", "arn:aws:cloudformation:us-east-1:123456789012:stack/shop/1")


@pytest.fixture
def provider_for():
    from stackengine.providers.aws.cloudcontrol import (Backoff, CloudControlOptions,
                                                        CloudControlProvider, Polling)

    def make(server, **kwargs):
        sleeps = []

        def sleep(seconds):
            sleeps.append(seconds)
            import time
            time.sleep(min(seconds, 0.05))

        options = CloudControlOptions(backoff=Backoff(attempts=5, base_s=0.01, cap_s=0.05),
                                      polling=Polling(first_s=0.01, max_s=0.2, timeout_s=10))
        provider = CloudControlProvider(None, endpoint_url=server.url, region="us-east-1",
                                        options=options, sleep=sleep, seed=1, **kwargs)
        provider.sleeps = sleeps
        return provider

    return make


@pytest.fixture(scope="session")
def moto_url():
    """moto's server on an ephemeral 127.0.0.1 port, for the CloudFormation-native mode and the
    service APIs snapshots use."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
