"""Resource types: they exist (with did-you-mean) and are available in the chosen regions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from stackengine.diagnostics import Diagnostic, Severity
from stackengine.specs import UnknownResourceType, is_custom

if TYPE_CHECKING:
    from stackengine.validate.context import TemplateContext

UNKNOWN_TYPE = "E3010"
PRIVATE_TYPE = "W3010"
# Namespaces AWS owns: a type there that the registry does not know does not exist. Any other
# namespace may be a private type registered in the account, unknown offline.
AWS_NAMESPACES = ("AWS::", "Alexa::", "Custom::")
NOT_IN_REGION = "E3011"


def check(tc: TemplateContext) -> Iterator[Diagnostic]:
    registry = tc.registry
    available: dict[str, frozenset[str] | None] = {}
    for region in tc.options.regions:
        try:
            available[region] = frozenset(registry.types_in_region(region))
        except KeyError:
            available[region] = None  # no availability data: do not guess
    for logical_id, kind in tc.resource_types().items():
        path = ("Resources", logical_id, "Type")
        if kind.endswith("::MODULE"):
            continue  # registry modules expand in the account; reported once by the engine
        if not registry.has_type(kind):
            suggestions = [] if kind.startswith("AWS::Serverless::") else registry.suggest(kind)
            message = str(UnknownResourceType(kind, suggestions))
            if kind.startswith(AWS_NAMESPACES):
                yield Diagnostic(UNKNOWN_TYPE, message, path)
            else:
                yield Diagnostic(PRIVATE_TYPE, message + "; unless it is a private type registered in the "
                                 "account", path, severity=Severity.WARNING)
            continue
        if is_custom(kind):
            continue
        for region, types in available.items():
            if types is not None and kind not in types:
                yield Diagnostic(NOT_IN_REGION, f"{kind} is not available in {region}", path)
