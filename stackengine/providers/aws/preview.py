"""Our preview next to the change set AWS computed (`--via cloudformation`): one row per
resource, with both sides' action and replacement and whether they agree.

AWS's side is describe-change-set's `Changes` (ResourceChange entries); ours is the engine's
ChangeSet.changes. Only their attributes are used (`action`, `logical_id`, `resource_type`,
`replacement`), so this module does not import the planner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping


@dataclass(frozen=True)
class PreviewRow:
    logical_id: str
    resource_type: str
    ours: str | None          # "Add", "Modify", "Remove"; None if we plan nothing
    aws: str | None
    our_replacement: str | None  # "True", "False", "Conditional"
    aws_replacement: str | None

    @property
    def agree(self) -> bool:
        if self.ours != self.aws:
            return False
        if self.ours != "Modify":
            return True
        # "Conditional" on either side is a maybe: it agrees with whatever the other says.
        sides = {self.our_replacement or "False", self.aws_replacement or "False"}
        return len(sides) == 1 or "Conditional" in sides

    def to_json(self) -> dict[str, Any]:
        return {"LogicalResourceId": self.logical_id, "ResourceType": self.resource_type,
                "Ours": self.ours, "Aws": self.aws, "OurReplacement": self.our_replacement,
                "AwsReplacement": self.aws_replacement, "Agree": self.agree}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


def compare(ours: Iterable[Any], aws_changes: Iterable[Mapping[str, Any]]) -> list[PreviewRow]:
    """Rows for every resource either side changes, sorted by logical ID."""
    mine = {c.logical_id: c for c in ours}
    theirs = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"]
              for c in aws_changes if c.get("Type", "Resource") == "Resource"
              and "ResourceChange" in c}
    rows = []
    for logical_id in sorted(set(mine) | set(theirs)):
        our = mine.get(logical_id)
        aws = theirs.get(logical_id, {})
        rows.append(PreviewRow(
            logical_id,
            str(our.resource_type if our is not None else aws.get("ResourceType", "")),
            _text(our.action) if our is not None else None,
            aws.get("Action"),
            _text(our.replacement) if our is not None else None,
            aws.get("Replacement")))
    return rows
