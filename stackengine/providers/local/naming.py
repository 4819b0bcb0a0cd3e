"""CloudFormation's generated names and IDs, deterministic per stack.

CloudFormation names an unnamed resource `{stack}-{logicalId}-{13 random characters}`, cutting the
stack and logical-ID parts so the whole fits the type's limit, and lower-casing it where the
service demands (S3 buckets, ...). The random part here comes from an RNG seeded by the stack ID,
the logical ID and a generation counter (so a replacement gets a fresh name), which keeps test
output and golden files byte-stable.
"""

from __future__ import annotations

import hashlib
import random
import re
import string
from dataclasses import dataclass, field
from typing import Any, Mapping

_ALPHABETS: dict[str, str] = {
    "hex": "0123456789abcdef",
    "alnum": string.ascii_lowercase + string.digits,
    "ALNUM": string.ascii_uppercase + string.digits,
    "digits": string.digits,
    "alpha": string.ascii_lowercase,
    "mixed": string.ascii_letters + string.digits,
}


def seeded_rng(stack_id: str, logical_id: str, generation: int = 0) -> random.Random:
    """The RNG for one resource: same inputs, same names and IDs, on every machine."""
    digest = hashlib.sha256(f"{stack_id}\0{logical_id}\0{generation}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def random_text(rng: random.Random, alphabet: str, length: int) -> str:
    chars = _ALPHABETS[alphabet]
    return "".join(rng.choice(chars) for _ in range(length))


def random_uuid(rng: random.Random) -> str:
    h = random_text(rng, "hex", 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


@dataclass(frozen=True)
class NameRule:
    """How a type's custom name works (all data, from formats.json's "name" entries).

    property:    the property holding the custom name (BucketName, QueueName, ...)
    max_length:  the service's limit
    lower:       the service wants lower case
    allowed:     a regex character class of allowed characters; others are dropped
    unique:      "global" | "account" | "region" | None: where the name must be unique
    kind:        uniqueness namespace (types sharing a namespace, e.g. ELBv2 load balancers)
    suffix_when: {property: suffix}: append `suffix` when `property` is true (".fifo")
    suffix_len:  length of the random part (13 for most types)
    within:      a property narrowing the uniqueness scope (rules are unique per event bus)
    """

    property: str | None
    max_length: int = 255
    lower: bool = False
    allowed: str = "A-Za-z0-9-"
    unique: str | None = None
    kind: str | None = None
    suffix_when: Mapping[str, str] = field(default_factory=dict)
    suffix_len: int = 13
    within: str | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> NameRule:
        return cls(property=data.get("property"), max_length=int(data.get("max", 255)),
                   lower=bool(data.get("lower", False)), allowed=data.get("allowed", "A-Za-z0-9-"),
                   unique=data.get("unique"), kind=data.get("kind"),
                   suffix_when=dict(data.get("suffix_when", {})),
                   suffix_len=int(data.get("suffix_len", 13)), within=data.get("within"))

    def suffix_for(self, properties: Mapping[str, Any]) -> str:
        return "".join(sfx for prop, sfx in self.suffix_when.items() if is_true(properties.get(prop)))


def is_true(value: Any) -> bool:
    """CloudFormation accepts booleans as JSON booleans or the strings "true"/"false"."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _clean(text: str, allowed: str) -> str:
    return re.sub(f"[^{allowed}]", "", text)


def _fit(stack: str, logical: str, budget: int) -> tuple[str, str]:
    """Cut the stack and logical-ID parts to fit `budget` characters, sharing it fairly."""
    if len(stack) + len(logical) <= budget:
        return stack, logical
    half = budget // 2
    if len(stack) <= half:
        return stack, logical[: budget - len(stack)]
    if len(logical) <= budget - half:
        return stack[: budget - len(logical)], logical
    return stack[:half], logical[: budget - half]


def generate_name(stack_name: str, logical_id: str, rule: NameRule, rng: random.Random,
                  properties: Mapping[str, Any] | None = None) -> str:
    """`{stack}-{logicalId}-{random}` within the rule's length and characters."""
    suffix = rule.suffix_for(properties or {})
    rand = random_text(rng, "alnum" if rule.lower else "ALNUM", rule.suffix_len)
    budget = rule.max_length - len(suffix) - len(rand) - 2
    if rule.lower:  # lower first: cleaning would otherwise drop the upper-case letters
        stack_name, logical_id = stack_name.lower(), logical_id.lower()
    stack = _clean(stack_name, rule.allowed)
    logical = _clean(logical_id, rule.allowed)
    if budget < 2:  # very short limits: the random part alone
        return (rand[: rule.max_length - len(suffix)] + suffix)
    stack, logical = _fit(stack, logical, budget)
    # Names may not end or start with a separator in many services; trimming costs nothing.
    stack, logical = stack.strip("-_."), logical.strip("-_.")
    parts = [p for p in (stack, logical, rand) if p]
    return "-".join(parts) + suffix


def generic_name(stack_name: str, logical_id: str, rng: random.Random, max_length: int = 255) -> str:
    """The generated name for types without a specific rule."""
    return generate_name(stack_name, logical_id, NameRule("Name", max_length=max_length), rng)
