"""Per-type AWS rules of the emulated account, registered by type name.

Each module registers its rules into the registries of `base` when imported; the list of modules
below is explicit on purpose (no discovery magic), so adding a service is one import line.
"""

from __future__ import annotations

from stackengine.providers.local.rules import (  # noqa: F401  (imported to register)
    arns, dependencies, dynamodb, ec2, efs, iam, lambda_, names, references, s3, sqs)
from stackengine.providers.local.rules.base import (DELETE_RULES, DERIVE, WRITE_RULES, RuleContext,
                                                    Json)

__all__ = ["RuleContext", "run_write_rules", "run_delete_rules", "derived_vars"]


def run_write_rules(ctx: RuleContext) -> None:
    """Raise ProviderError if AWS would refuse creating/updating this resource."""
    for rule in WRITE_RULES.get(ctx.type_name, ()):
        rule(ctx)


def run_delete_rules(ctx: RuleContext) -> None:
    for rule in DELETE_RULES.get(ctx.type_name, ()):
        rule(ctx)


def derived_vars(ctx: RuleContext) -> dict[str, Json]:
    fn = DERIVE.get(ctx.type_name)
    return fn(ctx) if fn else {}
