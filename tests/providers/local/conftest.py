"""Fixtures of the local provider tests (helpers live in local_support.py)."""

from __future__ import annotations

import pytest

from local_support import Tokens
from stackengine.providers.local import LocalProvider


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "state.db")


@pytest.fixture
def provider(db_path):
    return LocalProvider(db_path)


@pytest.fixture
def token():
    return Tokens()
