"""Fixtures of the aws provider tests (dummy credentials, `serve` and `client_for` are in
tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _aws_credentials(dummy_credentials):
    """No real AWS credentials or endpoint reach these tests."""


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
