"""Resource types: they exist (with did-you-mean) and are available in the chosen regions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterator

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


_missing_cache: dict[str, frozenset[str] | None] = {}


def missing_types(registry: Any, region: str) -> frozenset[str] | None:
    """Types not available in `region`; None when there is no data for it.

    The availability data is one 650 kB JSON document for all regions; parsing all of it costs
    more than validating a small template, so only this region's list is decoded from it. (Falls
    back to the registry's own API if the data is not laid out as expected.)"""
    if region in _missing_cache:
        return _missing_cache[region]
    found: frozenset[str] | None
    try:
        text = registry._open().read("_meta/regions.json").decode("utf-8")
        at = text.index(json.dumps(region) + ":")
        decoder = json.JSONDecoder()
        start = text.index("[", at)
        listed, _ = decoder.raw_decode(text, start)
        found = frozenset(listed)
    except (AttributeError, KeyError, ValueError):
        try:
            found = frozenset(registry.types()) - frozenset(registry.types_in_region(region))
        except KeyError:
            found = None
    _missing_cache[region] = found
    return found


def check(tc: TemplateContext) -> Iterator[Diagnostic]:
    registry = tc.registry
    available = {region: missing_types(registry, region) for region in tc.options.regions}
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
        for region, missing in available.items():
            if missing is not None and kind in missing:
                yield Diagnostic(NOT_IN_REGION, f"{kind} is not available in {region}", path)
