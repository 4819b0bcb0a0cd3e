"""The local provider: an emulated AWS account kept in the state database.

`LocalProvider(db_path, latency_ms=..., inject_failures=[parse_failure_spec("Q:create")])`
implements the `Provider` protocol; `custom_name_property(type_name)` tells the engine which
property gives a type its custom name (a replacement keeping it is refused, as in CloudFormation).
"""

from __future__ import annotations

from stackengine.providers.local.formats import custom_name_conflict, custom_name_property
from stackengine.providers.local.provider import (SNAPSHOT_TYPES, FailureSpec, LocalProvider,
                                                  generated_name, parse_failure_spec,
                                                  provider_options, public_parameter)
from stackengine.providers.local.store import AccountStore

__all__ = ["AccountStore", "FailureSpec", "LocalProvider", "SNAPSHOT_TYPES", "custom_name_conflict",
           "custom_name_property", "generated_name", "parse_failure_spec", "provider_options",
           "public_parameter"]
