"""The emulator tests run with dummy credentials; `serve` and `client_for` are in tests/conftest.py."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _aws_credentials(dummy_credentials):
    """No real AWS credentials or endpoint reach these tests."""
