"""Legal but almost always a mistake: hard-coded partitions, regions and account IDs in ARNs, and
stateful resources that lose their data with the stack."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from stackengine.diagnostics import Diagnostic, Severity, TemplatePath

if TYPE_CHECKING:
    from stackengine.validate.context import TemplateContext

Json = Any
PARTITION = "W3030"
REGION = "W3031"
ACCOUNT = "W3032"
NO_DELETION_POLICY = "W3033"

ARN = re.compile(r"arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):([^:\s]*):([^:\s]*):([^:\s]*):")
REGION_NAME = re.compile(r"^[a-z]{2}(-gov|-iso|-isob)?-[a-z]+-\d$")
ACCOUNT_ID = re.compile(r"^\d{12}$")

# Types whose deletion destroys data that cannot be recreated; a DeletionPolicy (Retain or
# Snapshot) is the deliberate choice. S3 buckets are left out: CloudFormation cannot delete a
# bucket that holds objects, so the data is not lost silently.
STATEFUL_TYPES = frozenset({
    "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::RDS::DBInstance", "AWS::RDS::DBCluster",
    "AWS::Neptune::DBCluster", "AWS::DocDB::DBCluster", "AWS::Redshift::Cluster", "AWS::EFS::FileSystem",
    "AWS::ElastiCache::ReplicationGroup", "AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain",
})


def check(tc: TemplateContext) -> Iterator[Diagnostic]:
    yield from _arns(tc)
    yield from _deletion_policies(tc)


def _arns(tc: TemplateContext) -> Iterator[Diagnostic]:
    # What the user wrote: for SAM, the source (the transform's own ARNs are not the user's to fix).
    root = tc.source if tc.sam else tc.template
    for section in ("Resources", "Outputs"):
        body = root.get(section)
        if not isinstance(body, Mapping):
            continue
        stack: list[tuple[Json, TemplatePath]] = [(body, (section,))]
        while stack:
            item, path = stack.pop()
            if isinstance(item, dict):
                for key, value in item.items():
                    if key not in ("Metadata", "Description"):
                        stack.append((value, path + (key,)))
            elif isinstance(item, list):
                stack.extend((v, path + (i,)) for i, v in enumerate(item))
            elif isinstance(item, str) and "arn:" in item:
                yield from _arn_findings(item, path)


def _arn_findings(text: str, path: TemplatePath) -> Iterator[Diagnostic]:
    for match in ARN.finditer(text):
        partition, _service, region, account = match.groups()
        yield Diagnostic(PARTITION, f"the ARN hard-codes the partition {partition!r}; use ${{AWS::Partition}} "
                         "so the template works in every partition", path, severity=Severity.WARNING)
        if REGION_NAME.match(region):
            yield Diagnostic(REGION, f"the ARN hard-codes the region {region!r}; use ${{AWS::Region}}",
                             path, severity=Severity.WARNING)
        if ACCOUNT_ID.match(account):
            yield Diagnostic(ACCOUNT, f"the ARN hard-codes the account {account!r}; use ${{AWS::AccountId}}",
                             path, severity=Severity.WARNING)


def _deletion_policies(tc: TemplateContext) -> Iterator[Diagnostic]:
    for logical_id, resource in tc.resources.items():
        if not isinstance(resource, Mapping) or not isinstance(resource.get("Type"), str) \
                or resource["Type"] not in STATEFUL_TYPES:
            continue
        if "DeletionPolicy" in resource:
            continue
        properties = resource.get("Properties")
        if resource["Type"] == "AWS::RDS::DBInstance" and isinstance(properties, Mapping) \
                and "DBClusterIdentifier" in properties:
            continue  # a cluster member: the cluster's policy is what keeps the data
        yield Diagnostic(NO_DELETION_POLICY, f"{resource['Type']} has no DeletionPolicy: deleting the stack "
                         "(or replacing the resource) deletes its data; set Retain or Snapshot, or Delete "
                         "if that is intended", ("Resources", logical_id), severity=Severity.WARNING)
