"""Why a corpus template did not deploy, and whether CloudFormation itself would have taken it.

Issue 4's goal counts the templates CloudFormation would accept as they stand in the corpus (with
filled parameters), so every failure is sorted into a category from its message; each category
says whether AWS refuses such a template too, or whether the local target does not support it.
Anything unmatched is "ours": a failure the local provider must answer for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AWS_REFUSES = "CloudFormation refuses it too"
NOT_SUPPORTED = "not supported offline"
OURS = "fails here only"


@dataclass(frozen=True)
class Category:
    name: str
    verdict: str
    pattern: re.Pattern[str]


CATEGORIES = (
    Category("Rain source or Rain-packaged JSON (Rain:: directives left in)", AWS_REFUSES,
             re.compile(r"Rain::")),
    Category("account macro: runs Lambda code in the account (Transform / Fn::Transform)",
             NOT_SUPPORTED, re.compile(r"E1005 Transform: transform|E1040 .*is a macro")),
    Category("local code folder missing from the corpus (cannot be packaged)", AWS_REFUSES,
             re.compile(r"E6200 .*does not exist")),
    Category("imports a name no stack exports (no exporter in the corpus)", AWS_REFUSES,
             re.compile(r"no corpus template exports")),
    Category("resolves a Secrets Manager secret that must exist before the stack", AWS_REFUSES,
             re.compile(r"Secrets Manager can't find the specified secret")),
    Category("names an EC2 key pair that must exist before the stack", AWS_REFUSES,
             re.compile(r"The key pair '[^']+' does not exist")),
    Category("a KMS key ID where the schema requires a key ARN", AWS_REFUSES,
             re.compile(r"KmsKeyId: .* does not match '\^arn:")),
    Category("routes through a VPC peering connection that must exist before the stack",
             AWS_REFUSES, re.compile(r"vpcPeeringConnection ID .* does not exist")),
    Category("instance profile names a role by a literal name, with no dependency on it (a race "
             "AWS loses too)", AWS_REFUSES, re.compile(r"The role with name \S+ cannot be found")),
)


def classify(message: str, source_text: str = "") -> Category | None:
    """The category of a failure message (the template's text is consulted for Rain
    directives, which show up as many different symptoms); None: ours to fix."""
    if "Rain::" in source_text:
        return CATEGORIES[0]
    for category in CATEGORIES:
        if category.pattern.search(message):
            return category
    return None
