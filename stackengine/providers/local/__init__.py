"""The local provider: an emulated AWS account kept in the state database (`local_*` tables).

    provider = LocalProvider(db_path, latency_ms=0, inject_failures=(), default_account_id=...,
                             default_region=...)          # the engine's `Provider`
    LocalProvider(db_path, **provider_options(latency_ms, ["Q:create"]))   # --latency/--inject-failure
    custom_name_property(type_name)       # "QueueName", ... or None
    custom_name_conflict(type, logical_id, old_props, new_props)  # CloudFormation's refusal text
    provider.ssm_lookup(account, region)  # for RenderOptions.ssm_lookup
    provider.account_parameter_values(declared_parameters, account, region)  # --fill-parameters
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
