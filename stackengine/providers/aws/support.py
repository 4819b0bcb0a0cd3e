"""Which resource types Cloud Control cannot provision — decided at plan time, not mid-deploy.

The registry schemas shipped in `specs/` come from cfn-lint, which drops `handlers`, so they
cannot say whether a type has handlers. The answer is data instead: `non_provisionable.json`, a
snapshot of the types whose registry entry is NON_PROVISIONABLE (plus CloudFormation-only
constructs such as custom resources and wait conditions). With credentials, `live_unsupported`
asks the account's registry (cloudformation:DescribeType) for types the snapshot does not know,
and `--refresh` rewrites the snapshot from cloudformation:ListTypes.

    unsupported_types(["AWS::SQS::Queue", "AWS::EMR::Cluster"])   -> ["AWS::EMR::Cluster"]
    check_resources({"Q": "AWS::SQS::Queue", "C": "Custom::X"})   raises UnsupportedTypes
"""

from __future__ import annotations

import fnmatch
import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any, Iterable, Mapping

from stackengine.diagnostics import StackEngineError

DATA_FILE = "non_provisionable.json"
ALTERNATIVE = "--via cloudformation"


@dataclass(frozen=True)
class SupportData:
    types: frozenset[str]
    patterns: tuple[str, ...]

    def supported(self, type_name: str) -> bool:
        if type_name in self.types:
            return False
        return not any(fnmatch.fnmatchcase(type_name, p) for p in self.patterns)


class UnsupportedTypes(StackEngineError):
    """Raised at plan time: the template uses types Cloud Control cannot provision."""

    def __init__(self, offending: Mapping[str, str]) -> None:
        self.offending = dict(offending)
        listed = "; ".join(f"{logical_id} ({type_name})"
                           for logical_id, type_name in sorted(offending.items()))
        super().__init__(
            f"Cloud Control API cannot provision {len(offending)} resource"
            f"{'s' if len(offending) != 1 else ''} of this template: {listed}. Deploy it as a "
            f"CloudFormation stack instead: --target aws {ALTERNATIVE}")


@functools.lru_cache(maxsize=1)
def shipped() -> SupportData:
    raw = json.loads(resources.files(__package__).joinpath(DATA_FILE).read_text())
    return SupportData(frozenset(raw["types"]), tuple(raw.get("patterns", ())))


def unsupported_types(type_names: Iterable[str], data: SupportData | None = None) -> list[str]:
    """The distinct types among `type_names` that Cloud Control cannot provision, sorted."""
    data = data or shipped()
    return sorted({t for t in type_names if not data.supported(t)})


def unsupported_resources(resources_by_id: Mapping[str, str],
                          data: SupportData | None = None) -> dict[str, str]:
    """The resources (logical ID → type) that Cloud Control cannot provision."""
    bad = set(unsupported_types(resources_by_id.values(), data))
    return {lid: t for lid, t in sorted(resources_by_id.items()) if t in bad}


def check_resources(resources_by_id: Mapping[str, str], data: SupportData | None = None) -> None:
    """Raise UnsupportedTypes naming every offending resource (the engine calls this at plan
    time for `--target aws` without `--via cloudformation`)."""
    offending = unsupported_resources(resources_by_id, data)
    if offending:
        raise UnsupportedTypes(offending)


def live_unsupported(cloudformation_client: Any, type_names: Iterable[str]) -> list[str]:
    """Ask the account's registry about each type (DescribeType): NON_PROVISIONABLE ones, and
    types the registry does not know, are unsupported. Needs cloudformation:DescribeType."""
    out = set(unsupported_types(type_names))
    for type_name in sorted(set(type_names) - out):
        try:
            answer = cloudformation_client.describe_type(Type="RESOURCE", TypeName=type_name)
        except cloudformation_client.exceptions.TypeNotFoundException:
            out.add(type_name)
            continue
        if answer.get("ProvisioningType") == "NON_PROVISIONABLE":
            out.add(type_name)
    return sorted(out)


def fetch_non_provisionable(cloudformation_client: Any) -> list[str]:
    """Every public resource type the registry marks NON_PROVISIONABLE (ListTypes, paginated)."""
    found: set[str] = set()
    paginator = cloudformation_client.get_paginator("list_types")
    for page in paginator.paginate(Visibility="PUBLIC", Type="RESOURCE",
                                   ProvisioningType="NON_PROVISIONABLE",
                                   DeprecatedStatus="LIVE"):
        found.update(s["TypeName"] for s in page.get("TypeSummaries", ()))
    return sorted(found)


def _refresh(path: str) -> None:  # pragma: no cover - needs AWS credentials
    import boto3  # type: ignore[import-untyped, unused-ignore]

    data = json.loads(open(path).read())
    data["types"] = sorted(set(fetch_non_provisionable(boto3.client("cloudformation")))
                           | {t for t in data["types"] if t.startswith("AWS::CloudFormation::")})
    with open(path, "w") as out:
        out.write(json.dumps(data, indent=2) + "\n")


if __name__ == "__main__":  # pragma: no cover
    import os
    import sys

    if sys.argv[1:] == ["--refresh"]:
        _refresh(os.path.join(os.path.dirname(__file__), DATA_FILE))
    else:
        print("usage: python -m stackengine.providers.aws.support --refresh", file=sys.stderr)
        sys.exit(2)
