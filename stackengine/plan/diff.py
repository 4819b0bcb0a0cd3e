"""Desired resources against the deployed ones → the list of `ResourceChange`s.

Property changes are found leaf by leaf (an intrinsic function counts as one leaf). Whether a
change replaces the resource comes from the type's registry schema (`createOnlyProperties`); a type
without a schema may or may not be replaced, so it is `Conditional`, as CloudFormation reports
values it cannot decide. A value that refers to another resource which is itself replaced (its Ref
changes) or modified (its attributes may change) is a `Dynamic` change: it is known only when the
deployment runs.
"""

from __future__ import annotations

from typing import Any, Collection, Iterator, Mapping, Protocol, Sequence

from stackengine.diagnostics import Diagnostic, PathPart, TemplateError
from stackengine.graph import Locator, ResourceGraph, build_graph
from stackengine.intrinsics.references import Reference, find_references
from stackengine.plan.changeset import (
    Action, ChangeDetail, ChangeSource, Evaluation, Replacement, RequiresRecreation,
    ResourceChange, Scope,
)
from stackengine.state.base import ResourceState
from stackengine.template.model import ResourceDecl

Json = Any
MASK = "****"


class SchemaLike(Protocol):
    def is_create_only(self, path: Sequence[PathPart]) -> bool: ...
    def is_conditional_create_only(self, path: Sequence[PathPart]) -> bool: ...


class SchemaSource(Protocol):
    def get(self, type_name: str) -> SchemaLike | None: ...


def _is_intrinsic(value: Json) -> bool:
    if isinstance(value, dict) and len(value) == 1:
        key = str(next(iter(value)))
        return key == "Ref" or key.startswith("Fn::")
    return False


def changed_paths(old: Json, new: Json, path: tuple[PathPart, ...] = ()
                  ) -> Iterator[tuple[tuple[PathPart, ...], str, Json, Json]]:
    """(path, Add|Remove|Modify, before, after) for each leaf that differs."""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict) and not _is_intrinsic(old) \
            and not _is_intrinsic(new):
        for key in sorted(set(old) | set(new), key=str):
            if key not in old:
                yield path + (key,), "Add", None, new[key]
            elif key not in new:
                yield path + (key,), "Remove", old[key], None
            else:
                yield from changed_paths(old[key], new[key], path + (key,))
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new)):
            yield from changed_paths(a, b, path + (index,))
        return
    yield path, "Modify", old, new


def pointer(parts: Sequence[PathPart]) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def recreation(schema: SchemaLike | None, path: Sequence[PathPart]) -> RequiresRecreation:
    if schema is None:
        return RequiresRecreation.CONDITIONALLY
    if schema.is_create_only(path):
        return RequiresRecreation.ALWAYS
    if schema.is_conditional_create_only(path):
        return RequiresRecreation.CONDITIONALLY
    return RequiresRecreation.NEVER


def needs_replacement(schema: SchemaLike | None, old_props: Mapping[str, Json],
                      new_props: Mapping[str, Json]) -> bool:
    """At execution time, with every value known: does going from old to new replace?
    Only create-only properties force it; conditional ones and types without a schema are left
    to an in-place update (the service refuses what it cannot do)."""
    if schema is None:
        return False
    return any(schema.is_create_only(p) for p, _, _, _ in changed_paths(dict(old_props),
                                                                          dict(new_props)))


def mask(value: Json, secrets: Collection[str]) -> Json:
    """`value` with every NoEcho parameter value (also inside longer strings) shown as ****."""
    if not secrets:
        return value
    if isinstance(value, str):
        for secret in secrets:
            if secret and secret in value:
                value = value.replace(secret, MASK)
        return value
    if isinstance(value, dict):
        return {k: mask(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v, secrets) for v in value]
    return value


def _property_path(ref_path: Sequence[PathPart]) -> tuple[PathPart, ...]:
    """The property path of a reference: everything before the first intrinsic key."""
    out: list[PathPart] = []
    for part in ref_path:
        if isinstance(part, str) and (part == "Ref" or part.startswith("Fn::")):
            break
        out.append(part)
    return tuple(out)


def _covered(path: tuple[PathPart, ...], statics: Collection[tuple[PathPart, ...]]) -> bool:
    return any(path[:len(s)] == s for s in statics)


def _static_source(logical_id: str, name: str, source_resources: Mapping[str, Json] | None,
                   changed_parameters: Collection[str]) -> tuple[ChangeSource, str | None]:
    if source_resources and changed_parameters:
        raw = source_resources.get(logical_id)
        props = raw.get("Properties") if isinstance(raw, Mapping) else None
        if isinstance(props, Mapping) and name in props:
            for ref in find_references(props[name]):
                if ref.target in changed_parameters:
                    return ChangeSource.PARAMETER_REFERENCE, ref.target
    return ChangeSource.DIRECT_MODIFICATION, None


_POLICY_SCOPES = (
    (Scope.DELETION_POLICY, "deletion_policy"),
    (Scope.UPDATE_REPLACE_POLICY, "update_replace_policy"),
)


def diff(desired: Mapping[str, ResourceDecl], deployed: Mapping[str, ResourceState], *,
         schemas: SchemaSource | None = None, changed_parameters: Collection[str] = (),
         source_resources: Mapping[str, Json] | None = None,
         secrets: Collection[str] = (), locate: Locator | None = None,
         graph: ResourceGraph | None = None,
         stack_tags_changed: bool = False) -> tuple[ResourceChange, ...]:
    """The changes that take `deployed` to `desired`, in the order of the desired graph
    (removals last, in reverse order of name). Deployed resources that are being removed
    (`removing`) count as absent. `graph` is `desired`'s graph when the caller has it already.
    `stack_tags_changed`: the stack's tags change, which CloudFormation propagates to every
    resource that takes tags (each is modified, scope Tags)."""
    if graph is None:
        graph = build_graph(desired, locate)
    current = {k: v for k, v in deployed.items() if not v.removing}
    _refuse_type_changes(desired, current, locate)
    changes: dict[str, ResourceChange] = {}
    for logical_id in graph.order():
        want = desired[logical_id]
        have = current.get(logical_id)
        if have is None:
            changes[logical_id] = ResourceChange(Action.ADD, logical_id, want.type)
            continue
        change = _modify(want, have, schemas, changes, changed_parameters, source_resources,
                         secrets, graph.references.get(logical_id), stack_tags_changed)
        if change is not None:
            changes[logical_id] = change
    ordered = list(changes.values())
    for logical_id in sorted(set(current) - set(desired)):
        have = current[logical_id]
        ordered.append(ResourceChange(Action.REMOVE, logical_id, have.type, have.physical_id))
    return tuple(ordered)


def _refuse_type_changes(desired: Mapping[str, ResourceDecl], current: Mapping[str, ResourceState],
                         locate: Locator | None) -> None:
    """CloudFormation fails a change set that gives a logical ID another type: a resource of a
    new type needs a new logical ID (the old one is then removed)."""
    changed = sorted(k for k, want in desired.items() if k in current and current[k].type != want.type)
    if not changed:
        return
    listed = ", ".join(changed)
    problems = []
    for logical_id in changed:
        path = ("Resources", logical_id, "Type")
        problems.append(Diagnostic(
            "E3044", "Update of resource type is not permitted. The new template modifies resource "
            f"type of the following resources: [{listed}]. {logical_id} is a "
            f"{current[logical_id].type}; a resource of another type needs a new logical ID.",
            path, locate(path) if locate else None))
    raise TemplateError(problems)


def _modify(want: ResourceDecl, have: ResourceState, schemas: SchemaSource | None,
            earlier: Mapping[str, ResourceChange], changed_parameters: Collection[str],
            source_resources: Mapping[str, Json] | None, secrets: Collection[str],
            references: Sequence[Reference] | None = None,
            stack_tags_changed: bool = False) -> ResourceChange | None:
    logical_id = want.logical_id
    schema = schemas.get(want.type) if schemas is not None else None
    details: list[ChangeDetail] = []
    statics: list[tuple[PathPart, ...]] = []
    new_props = dict(want.properties)
    for path, kind, before, after in changed_paths(dict(have.template_properties), new_props):
        statics.append(path)
        source, entity = _static_source(logical_id, str(path[0]), source_resources,
                                        changed_parameters)
        details.append(ChangeDetail(
            Scope.TAGS if path[0] == "Tags" else Scope.PROPERTIES, str(path[0]),
            pointer(("Properties",) + path), recreation(schema, path), Evaluation.STATIC, source,
            entity, kind, mask(before, secrets), mask(after, secrets)))
    # Values that depend on resources changing in this same deployment.
    for ref in references if references is not None else find_references(new_props):
        target = earlier.get(ref.target)
        if target is None or target.action is Action.REMOVE:
            continue
        path = _property_path(ref.path)
        if not path or _covered(path, statics):
            continue
        replaced = target.action is Action.ADD or target.replacement in (
            Replacement.TRUE, Replacement.CONDITIONAL)
        if ref.attribute is None and not replaced:
            continue  # a Ref (physical ID) survives an in-place update
        source = ChangeSource.RESOURCE_ATTRIBUTE if ref.attribute else ChangeSource.RESOURCE_REFERENCE
        entity = f"{ref.target}.{ref.attribute}" if ref.attribute else ref.target
        requires = recreation(schema, path)
        if requires is RequiresRecreation.ALWAYS:
            requires = RequiresRecreation.CONDITIONALLY
        detail = ChangeDetail(Scope.TAGS if path[0] == "Tags" else Scope.PROPERTIES, str(path[0]),
                              pointer(("Properties",) + path), requires, Evaluation.DYNAMIC,
                              source, entity)
        if detail not in details:
            details.append(detail)
    if (want.metadata or None) != (have.metadata or None):
        details.append(ChangeDetail(Scope.METADATA, None, None, RequiresRecreation.NEVER,
                                    Evaluation.STATIC, ChangeSource.DIRECT_MODIFICATION,
                                    before=have.metadata, after=want.metadata))
    for scope, attr in _POLICY_SCOPES:
        if getattr(want, attr) != getattr(have, attr):
            details.append(ChangeDetail(scope, None, None, RequiresRecreation.NEVER,
                                        Evaluation.STATIC, ChangeSource.DIRECT_MODIFICATION,
                                        before=getattr(have, attr), after=getattr(want, attr)))
    if stack_tags_changed and getattr(schema, "tag_property", None) is not None \
            and not any(d.attribute is Scope.TAGS for d in details):
        details.append(ChangeDetail(Scope.TAGS, None, None, RequiresRecreation.NEVER,
                                    Evaluation.STATIC, ChangeSource.DIRECT_MODIFICATION))
    if not details:
        return None
    return ResourceChange(Action.MODIFY, logical_id, want.type, have.physical_id,
                          _replacement(details), _scopes(details), tuple(details))


def _replacement(details: Sequence[ChangeDetail]) -> Replacement:
    if any(d.requires_recreation is RequiresRecreation.ALWAYS
           and d.evaluation is Evaluation.STATIC for d in details):
        return Replacement.TRUE
    if any(d.requires_recreation is not RequiresRecreation.NEVER for d in details):
        return Replacement.CONDITIONAL
    return Replacement.FALSE


def _scopes(details: Sequence[ChangeDetail]) -> tuple[Scope, ...]:
    found = {d.attribute for d in details}
    if any(d.attribute is Scope.TAGS and d.name is not None for d in details):
        found.add(Scope.PROPERTIES)  # the template's Tags property; stack tags are Tags alone
    return tuple(s for s in Scope if s in found)
