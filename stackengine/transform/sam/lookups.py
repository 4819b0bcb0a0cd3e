"""Pluggable look-ups the SAM transform needs from the outside world, answered offline by default.

* managed policy name → ARN (`Policies: [AmazonS3ReadOnlyAccess]`): a shipped list of AWS managed
  policies (with their paths, e.g. `service-role/`), or a JSON lookup file;
* Serverless Application Repository application → its template URL (`AWS::Serverless::Application`).

A lookup file has the shape of `sam-lookups.json`: `{"managed_policies": {name: arn},
"applications": {app_id: {"TemplateUrl": .., ...} | {"error": ..}, "*": {...}}}`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources as importlib_resources
from typing import Any, Mapping, Protocol


class ApplicationLookupError(Exception):
    """The application cannot be read (no access, does not exist, ...)."""


class Lookups(Protocol):
    def managed_policy_arn(self, name: str) -> str | None: ...

    def application(self, application_id: str, semantic_version: str) -> Mapping[str, Any]: ...


@lru_cache(maxsize=1)
def shipped_managed_policies() -> dict[str, str]:
    """Name → path (e.g. `service-role/`) of common AWS managed policies, shipped as data."""
    text = importlib_resources.files(__package__).joinpath("managed_policies.json").read_text()
    data: dict[str, str] = json.loads(text)
    return data


@dataclass
class StaticLookups:
    """Look-ups answered from data: an explicit map, else the shipped managed policy list."""

    managed_policies: Mapping[str, str] = field(default_factory=dict)
    applications: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    partition: str = "aws"
    use_shipped_policies: bool = True

    def managed_policy_arn(self, name: str) -> str | None:
        if name in self.managed_policies:
            return self.managed_policies[name]
        if self.use_shipped_policies:
            path = shipped_managed_policies().get(name)
            if path is not None:
                return f"arn:{self.partition}:iam::aws:policy/{path}{name}"
        return None

    def application(self, application_id: str, semantic_version: str) -> Mapping[str, Any]:
        answer = self.applications.get(application_id)
        if answer is None:
            answer = self.applications.get("*")
        if answer is None:
            raise ApplicationLookupError(
                f"Cannot access application: {application_id}. No offline answer is configured "
                "for it (use --lookup-file)."
            )
        if "error" in answer:
            raise ApplicationLookupError(str(answer["error"]))
        return answer


def load_lookup_file(path: str, partition: str = "aws") -> StaticLookups:
    """A lookup file answers first; names it does not map fall back to the shipped list, and a
    name in neither is left as written."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a lookup file holds a JSON object")
    return StaticLookups(
        managed_policies=dict(data.get("managed_policies") or {}),
        applications=dict(data.get("applications") or {}),
        partition=partition,
    )


def default_lookups(partition: str = "aws") -> StaticLookups:
    return StaticLookups(partition=partition)
