"""Every resource type of the registry deploys on the local provider.

For each type available in us-east-1, properties are made from its schema alone (the required
ones, each the simplest value its schema accepts: first enum value, a sample of its pattern,
its minimum, one item) and the resource is created and deleted. Some of these made-up values
name things that do not exist (a VPC `x`, an API `x`), which the account rightly refuses with
an AWS-style error; what must never happen is an internal error, and the refusals must stay few.
"""

from __future__ import annotations

import collections
from typing import Any

from stackengine.providers.base import ProviderError, StackRef
from stackengine.providers.local import LocalProvider
from stackengine.specs import default_registry
from stackengine.template.regex_sample import sample

Json = Any


def _resolve(node: Json, root: Json, depth: int = 0) -> Json:
    while isinstance(node, dict) and "$ref" in node and depth < 12:
        node = root.get("definitions", {}).get(node["$ref"].split("/")[-1], {})
        depth += 1
    return node


def minimal_value(node: Json, root: Json, depth: int = 0) -> Json:
    """The simplest value `node` accepts (first branch of a oneOf/anyOf)."""
    node = _resolve(node, root)
    if not isinstance(node, dict) or depth > 10:
        return "x"
    for key in ("oneOf", "anyOf"):
        if node.get(key):
            branch = _resolve(node[key][0], root)
            merged = {**{k: v for k, v in node.items() if k != key},
                      **(branch if isinstance(branch, dict) else {})}
            merged["required"] = sorted(set(node.get("required", [])) |
                                        set(merged.get("required", [])))
            return minimal_value(merged, root, depth + 1)
    if node.get("enum"):
        return node["enum"][0]
    kind = node.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "object" or (kind is None and ("properties" in node or "required" in node)):
        return {name: minimal_value(node.get("properties", {}).get(name, {}), root, depth + 1)
                for name in node.get("required", [])}
    if kind == "array":
        return [minimal_value(node.get("items", {}), root, depth + 1)]
    if kind in ("integer", "number"):
        return max(node.get("minimum", 1), 1) if node.get("maximum", 10 ** 9) >= 1 \
            else node.get("minimum", 0)
    if kind == "boolean":
        return True
    text = sample(node["pattern"], min_length=node.get("minLength", 0)) \
        if node.get("pattern") else None
    return text if text is not None else "x" * max(1, node.get("minLength", 1))


def test_every_registry_type_deploys_and_deletes(tmp_path):
    registry = default_registry()
    provider = LocalProvider(str(tmp_path / "state.db"))
    stack = StackRef("sweep", "arn:aws:cloudformation:us-east-1:123456789012:stack/sweep/1",
                     "123456789012", "us-east-1")
    outcomes: collections.Counter[str] = collections.Counter()
    internal = []
    # Nested stacks and stack sets are run by CloudFormation itself (cfn_service), not by the
    # account; a custom resource needs a function to call.
    run_elsewhere = {"AWS::CloudFormation::Stack", "AWS::CloudFormation::StackSet",
                     "AWS::CloudFormation::CustomResource"}
    types = [t for t in sorted(registry.types_in_region("us-east-1")) if t not in run_elsewhere]
    for index, type_name in enumerate(types):
        raw = dict(registry.get(type_name).raw)
        properties = minimal_value({"type": "object", "properties": raw.get("properties", {}),
                                    "required": raw.get("required", [])}, raw)
        try:
            result = provider.create(stack, type_name, f"R{index}", properties, f"c{index}")
            provider.delete(stack, type_name, f"R{index}", result.physical_id, f"d{index}")
            outcomes["deployed and deleted"] += 1
        except ProviderError:
            outcomes["refused"] += 1
        except Exception as exc:  # noqa: BLE001 - the failure this test looks for
            internal.append(f"{type_name}: {type(exc).__name__}: {exc}")
    assert internal == []
    assert len(types) > 1400
    assert outcomes["deployed and deleted"] >= 0.9 * len(types), outcomes
    assert provider.store.list_resources(stack_id=stack.stack_id) == []
