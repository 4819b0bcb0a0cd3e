"""`AWS::CloudFormation::StackSet`: a stack set and its stack instances, deployed offline.

Creating the resource validates the stack set (PermissionModel, TemplateBody xor TemplateURL,
Capabilities, deployment targets; the template is rendered for every instance before any is
deployed, so a bad template fails the resource and leaves nothing behind), records it in the
emulated administrator account, and deploys one stack per target account and region, named
`StackSet-{StackSetName}-{uuid}` as AWS names stack instances, with the stack set's parameters and
the group's `ParameterOverrides`. Updating updates, adds and removes instances; deleting the stack
set deletes its instances. Ref is the StackSetId `{StackSetName}:{uuid}`.

The emulated accounts have no AWS Organizations: with SERVICE_MANAGED permissions an
organizational unit (or root) ID stands for one emulated member account whose 12-digit ID is
derived from the OU ID (`ou_account_id`), the same on every machine.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, replace
from typing import Any, Mapping, Protocol, Sequence

from stackengine.cfn_service.sources import TemplateSources
from stackengine.cfn_service.stacks import CAPABILITIES, ChildStack, StackOperations
from stackengine.diagnostics import StackEngineError
from stackengine.providers.base import ProviderError, ResourceResult, StackRef
from stackengine.state.base import StackStatus

Json = Any
TYPE = "AWS::CloudFormation::StackSet"
PERMISSION_MODELS = ("SELF_MANAGED", "SERVICE_MANAGED")
FILTER_TYPES = ("NONE", "UNION", "INTERSECTION", "DIFFERENCE")
_OK = frozenset({StackStatus.CREATE_COMPLETE, StackStatus.UPDATE_COMPLETE})


def ou_account_id(unit_id: str) -> str:
    """The emulated member account an organizational unit (or root) ID stands for."""
    digest = int(hashlib.sha256(f"organizational-unit\0{unit_id}".encode()).hexdigest(), 16)
    return f"{digest % 10**12:012d}"


def _uuid(*parts: str) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256("\0".join(parts).encode()).digest()[:16], version=4))


@dataclass(frozen=True)
class Target:
    """One stack instance the stack set wants: account, region, its parameter overrides."""

    account_id: str
    region: str
    overrides: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Instance:
    """One stack instance that exists."""

    account_id: str
    region: str
    stack_id: str
    stack_name: str


@dataclass(frozen=True)
class StackSetRecord:
    stack_set_id: str
    name: str
    account_id: str
    region: str
    owner: StackRef
    logical_id: str
    properties: Mapping[str, Json]
    instances: tuple[Instance, ...] = ()


class StackSetRegistry(Protocol):
    def add(self, record: StackSetRecord) -> None: ...  # ProviderError AlreadyExists on a taken name
    def save(self, record: StackSetRecord) -> None: ...
    def get(self, stack_set_id: str) -> StackSetRecord | None: ...
    def remove(self, record: StackSetRecord) -> None: ...


@dataclass(frozen=True)
class Settings:
    """A stack set's validated properties."""

    name: str
    template_body: str
    template_source: str
    parameters: dict[str, str]
    capabilities: tuple[str, ...]
    tags: dict[str, str]
    targets: tuple[Target, ...]
    failure_tolerance: int


class StackSets:
    def __init__(self, stacks: StackOperations, sources: TemplateSources,
                 registry: StackSetRegistry) -> None:
        self.stacks = stacks
        self.sources = sources
        self.registry = registry

    # -- the handler ----------------------------------------------------------------------

    def create(self, stack: StackRef, logical_id: str, properties: Mapping[str, Json],
               token: str) -> ResourceResult:
        settings = self._settings(properties)
        stack_set_id = f"{settings.name}:{_uuid(stack.stack_id, logical_id, settings.name)}"
        existing = self.registry.get(stack_set_id)
        if existing is not None:  # the same call again (a retry after a crash): carry on
            record = existing
        else:
            record = StackSetRecord(stack_set_id, settings.name, stack.account_id, stack.region,
                                    stack, logical_id, dict(properties))
            self.registry.add(record)
        try:
            self._apply(record, settings)
        except ProviderError as failure:
            # A failed create leaves no physical resource for the parent to roll back: undo here.
            try:
                self._delete_all(self.registry.get(stack_set_id) or record)
            except ProviderError as cleanup:
                raise ProviderError(f"{failure.message} Cleaning up also failed: "
                                    f"{cleanup.message}", failure.code) from None
            raise
        return ResourceResult(stack_set_id, {"StackSetId": stack_set_id})

    def update(self, stack: StackRef, logical_id: str, physical_id: str,
               old: Mapping[str, Json], new: Mapping[str, Json], token: str) -> ResourceResult:
        record = self.registry.get(physical_id)
        if record is None:
            raise ProviderError(f"StackSet {physical_id} not found", "NotFound")
        settings = self._settings(new)
        self._apply(replace(record, properties=dict(new)), settings)
        return ResourceResult(physical_id, {"StackSetId": physical_id})

    def delete(self, stack: StackRef, logical_id: str, physical_id: str, token: str) -> None:
        record = self.registry.get(physical_id)
        if record is not None:
            self._delete_all(record)

    def read(self, physical_id: str) -> ResourceResult | None:
        if self.registry.get(physical_id) is None:
            return None
        return ResourceResult(physical_id, {"StackSetId": physical_id})

    # -- instances ------------------------------------------------------------------------

    def _apply(self, record: StackSetRecord, settings: Settings) -> None:
        """Bring the instances to `settings.targets`: update or create each, then delete the
        ones no longer targeted. The record is saved after every step, so it always lists the
        instances that exist."""
        self._preflight(record, settings)
        have = {(i.account_id, i.region): i for i in record.instances}
        failures: list[str] = []
        for target in settings.targets:
            try:
                instance = self._deploy(record, settings, target)
            except ProviderError as exc:
                failures.append(exc.message)
                continue
            have[(target.account_id, target.region)] = instance
            record = replace(record, instances=tuple(have.values()))
            self.registry.save(record)
        wanted = {(t.account_id, t.region) for t in settings.targets}
        for key in [k for k in have if k not in wanted]:
            self._delete_instance(have.pop(key))
            record = replace(record, instances=tuple(have.values()))
            self.registry.save(record)
        self.registry.save(record)
        if len(failures) > settings.failure_tolerance:
            raise ProviderError(f"StackSet {settings.name}: {len(failures)} of "
                                f"{len(settings.targets)} stack instance(s) failed: "
                                + " | ".join(failures), "GeneralServiceException")

    def _deploy(self, record: StackSetRecord, settings: Settings, target: Target) -> Instance:
        name = f"StackSet-{settings.name}-{_uuid(record.stack_set_id, target.account_id, target.region)}"
        child = ChildStack(target.account_id, target.region, name, settings.template_body,
                           settings.template_source,
                           parameters={**settings.parameters, **dict(target.overrides)},
                           capabilities=settings.capabilities, tags=settings.tags)
        where = f"stack instance {target.account_id}/{target.region}"
        try:
            result = self.stacks.deploy(child)
        except StackEngineError as exc:
            raise ProviderError(f"{where}: {exc}") from None
        if result.status not in _OK:
            causes = "; ".join(self.stacks.failure_reasons(result))
            if result.status is StackStatus.ROLLBACK_COMPLETE:
                self.stacks.delete(result)  # a failed instance is not kept
            raise ProviderError(f"{where}: {result.status_reason or result.status.value}"
                                + (f" ({causes})" if causes else ""))
        return Instance(target.account_id, target.region, result.stack_id, result.name)

    def _delete_instance(self, instance: Instance) -> None:
        current = self.stacks.find(instance.stack_id)
        if current is None:
            return
        result = self.stacks.delete(current)
        if result.status is not StackStatus.DELETE_COMPLETE:
            causes = "; ".join(self.stacks.failure_reasons(result))
            raise ProviderError(f"stack instance {instance.account_id}/{instance.region} "
                                f"({instance.stack_name}) was not deleted: "
                                f"{result.status_reason or ''} {causes}".strip(),
                                "GeneralServiceException")

    def _delete_all(self, record: StackSetRecord) -> None:
        remaining = list(record.instances)
        for instance in list(remaining):
            self._delete_instance(instance)
            remaining.remove(instance)
            self.registry.save(replace(record, instances=tuple(remaining)))
        self.registry.remove(record)

    def _preflight(self, record: StackSetRecord, settings: Settings) -> None:
        """Render the template for every instance (or once, without instances) before deploying
        any: a template the stack set cannot use fails the resource with nothing changed."""
        from stackengine.execute.checks import (check_capabilities, check_getatt_attributes,
                                                required_capabilities)
        from stackengine.render import RenderOptions, process
        from stackengine.specs import default_registry
        from stackengine.template.decode import decode_text

        registry = default_registry()

        targets = settings.targets or (Target(record.account_id, record.region),)
        try:
            document = decode_text(settings.template_body, settings.template_source)
            for target in targets:
                processed = process(document, RenderOptions(
                    stack_name=f"StackSet-{settings.name}", region=target.region,
                    account_id=target.account_id,
                    parameters={**settings.parameters, **dict(target.overrides)}))
                transform = document.data.get("Transform") if isinstance(document.data, dict) else None
                transforms = [transform] if isinstance(transform, str) else list(transform or [])
                unknown = sorted({r.type for r in processed.resources.values()
                                  if not r.type.startswith("Custom::") and registry.get(r.type) is None})
                if unknown:
                    raise StackEngineError(f"Unrecognized resource types: [{', '.join(unknown)}]")
                check_getatt_attributes(processed.resources, processed.outputs, registry.get)
                needed = required_capabilities(processed.resources, transforms)
                try:
                    check_capabilities(needed, settings.capabilities)
                except StackEngineError:
                    raise _invalid(f"StackSet {settings.name}: the template requires capabilities "
                                   f"[{', '.join(needed)}]; list them in the stack set's "
                                   "Capabilities.") from None
        except ProviderError:
            raise
        except StackEngineError as exc:
            raise ProviderError(f"StackSet {settings.name}: the template is not valid: {exc}",
                                "ValidationError") from None

    # -- validation -----------------------------------------------------------------------

    def _settings(self, props: Mapping[str, Json]) -> Settings:
        name = props.get("StackSetName")
        if not isinstance(name, str) or not name:
            raise _invalid("StackSetName is required.")
        model = props.get("PermissionModel")
        if model is None:
            raise _invalid(f"StackSet {name}: PermissionModel is required (SELF_MANAGED or "
                           "SERVICE_MANAGED).")
        if model not in PERMISSION_MODELS:
            raise _invalid(f"StackSet {name}: PermissionModel must be SELF_MANAGED or "
                           f"SERVICE_MANAGED, not {model!r}.")
        has_body, has_url = props.get("TemplateBody") is not None, props.get("TemplateURL") is not None
        if has_body == has_url:
            raise _invalid(f"StackSet {name}: give exactly one of TemplateBody and TemplateURL"
                           + (", not both." if has_body else "."))
        if has_body:
            body = props["TemplateBody"]
            if not isinstance(body, str):
                what = (f"a map with key(s) {', '.join(map(str, body))}"
                        if isinstance(body, Mapping) else type(body).__name__)
                raise _invalid(f"StackSet {name}: TemplateBody must be the template's text (a "
                               f"string), not {what}.")
            source = f"<StackSet {name} TemplateBody>"
        else:
            template = self.sources.read(props["TemplateURL"])
            body, source = template.body, template.source
        capabilities = _list(name, "Capabilities", props.get("Capabilities"))
        bad = [c for c in capabilities if c not in CAPABILITIES]
        if bad:
            raise _invalid(f"StackSet {name}: unknown capabilities {bad}; valid: "
                           f"{', '.join(CAPABILITIES)}.")
        if props.get("AutoDeployment") is not None and model != "SERVICE_MANAGED":
            raise _invalid(f"StackSet {name}: AutoDeployment applies only to the SERVICE_MANAGED "
                           "permission model.")
        targets = self._targets(name, model, props.get("StackInstancesGroup"))
        return Settings(name, body, source, _parameter_list(name, "Parameters",
                                                            props.get("Parameters")),
                        tuple(capabilities), _tags(name, props.get("Tags")), targets,
                        _tolerance(props.get("OperationPreferences"), len(targets)))

    def _targets(self, name: str, model: str, groups: Json) -> tuple[Target, ...]:
        from stackengine.regions import is_known_region

        chosen: dict[tuple[str, str], Target] = {}
        for index, group in enumerate(_list(name, "StackInstancesGroup", groups)):
            where = f"StackSet {name}: StackInstancesGroup[{index}]"
            if not isinstance(group, Mapping):
                raise _invalid(f"{where} must be a map with DeploymentTargets and Regions.")
            regions = _list(name, f"StackInstancesGroup[{index}].Regions", group.get("Regions"))
            if not regions:
                raise _invalid(f"{where}.Regions must name at least one region.")
            unknown = [r for r in regions if not isinstance(r, str) or not is_known_region(r)]
            if unknown:
                raise _invalid(f"{where}.Regions: unknown region(s) {unknown}.")
            accounts = self._accounts(where, model, group.get("DeploymentTargets"))
            overrides = _parameter_list(name, f"StackInstancesGroup[{index}].ParameterOverrides",
                                        group.get("ParameterOverrides"))
            for account in accounts:
                for region in regions:
                    chosen[(account, region)] = Target(account, region,
                                                       tuple(sorted(overrides.items())))
        return tuple(chosen.values())

    @staticmethod
    def _accounts(where: str, model: str, targets: Json) -> list[str]:
        if not isinstance(targets, Mapping):
            raise _invalid(f"{where}.DeploymentTargets is required.")
        accounts = targets.get("Accounts") or []
        units = targets.get("OrganizationalUnitIds") or []
        if not isinstance(accounts, list) or not all(
                isinstance(a, str) and len(a) == 12 and a.isdigit() for a in accounts):
            raise _invalid(f"{where}.DeploymentTargets.Accounts must be a list of 12-digit "
                           "account IDs.")
        if targets.get("AccountsUrl") is not None:
            raise _invalid(f"{where}.DeploymentTargets.AccountsUrl names a file the local "
                           "provider cannot read; list the Accounts instead.")
        if model == "SELF_MANAGED":
            if units:
                raise _invalid(f"{where}: OrganizationalUnitIds need the SERVICE_MANAGED "
                               "permission model; SELF_MANAGED stack sets target Accounts.")
            if not accounts:
                raise _invalid(f"{where}.DeploymentTargets.Accounts is required for a "
                               "SELF_MANAGED stack set.")
            return list(dict.fromkeys(accounts))
        if not isinstance(units, list) or not all(isinstance(u, str) for u in units):
            raise _invalid(f"{where}.DeploymentTargets.OrganizationalUnitIds must be a list of "
                           "OU IDs.")
        if not units:
            raise _invalid(f"{where}.DeploymentTargets.OrganizationalUnitIds is required for a "
                           "SERVICE_MANAGED stack set.")
        in_units = [ou_account_id(u) for u in units]
        kind = targets.get("AccountFilterType", "NONE" if not accounts else "INTERSECTION")
        if kind not in FILTER_TYPES:
            raise _invalid(f"{where}.DeploymentTargets.AccountFilterType must be one of "
                           f"{', '.join(FILTER_TYPES)}.")
        picked = {"NONE": in_units, "UNION": in_units + accounts,
                  "INTERSECTION": [a for a in in_units if a in accounts],
                  "DIFFERENCE": [a for a in in_units if a not in accounts]}[kind]
        return list(dict.fromkeys(picked))


def _tolerance(preferences: Json, targets: int) -> int:
    """How many instances may fail before the operation fails (OperationPreferences; by default
    none). The percentage is of all instances, rounded down as AWS rounds it."""
    if not isinstance(preferences, Mapping):
        return 0
    count = preferences.get("FailureToleranceCount")
    if count is not None:
        return int(count)
    return int(preferences.get("FailureTolerancePercentage") or 0) * targets // 100


def _invalid(message: str) -> ProviderError:
    return ProviderError(message, "ValidationError")


def _list(name: str, what: str, value: Json) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _invalid(f"StackSet {name}: {what} must be a list.")
    return value


def _parameter_list(name: str, what: str, value: Json) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in _list(name, what, value):
        if not isinstance(item, Mapping) or "ParameterKey" not in item or "ParameterValue" not in item:
            raise _invalid(f"StackSet {name}: every entry of {what} needs ParameterKey and "
                           "ParameterValue.")
        out[str(item["ParameterKey"])] = str(item["ParameterValue"])
    return out


def _tags(name: str, value: Json) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in _list(name, "Tags", value):
        if not isinstance(item, Mapping) or "Key" not in item or "Value" not in item:
            raise _invalid(f"StackSet {name}: every tag needs Key and Value.")
        out[str(item["Key"])] = str(item["Value"])
    return out


class AccountStoreStackSets:
    """Stack set records kept as resources of the emulated administrator account (so
    `stackengine account ls` lists them), with the instances in the row's internal vars."""

    def __init__(self, store: Any) -> None:
        self.store = store

    @staticmethod
    def _rid(record: StackSetRecord) -> str:
        return f"stackset/{record.account_id}/{record.region}/{record.name}"

    def _row(self, record: StackSetRecord) -> Any:
        # The local provider's row type; imported here as only the local target wires this in.
        from stackengine.providers.local.store import StoredResource

        instances = [[i.account_id, i.region, i.stack_id, i.stack_name] for i in record.instances]
        return StoredResource(
            self._rid(record), record.account_id, record.region, TYPE, record.stack_set_id,
            record.owner.stack_name, record.owner.stack_id, record.logical_id, TYPE,
            f"{record.account_id}/{record.region}", record.name, dict(record.properties),
            {"StackSetId": record.stack_set_id},
            {"Instances": instances, "Partition": record.owner.partition})

    def add(self, record: StackSetRecord) -> None:
        from stackengine.providers.local.store import NameTaken

        try:
            self.store.put_resource(self._row(record))
        except NameTaken:
            raise ProviderError(f"StackSet {record.name} already exists in account "
                                f"{record.account_id}, region {record.region}.",
                                "AlreadyExists") from None

    def save(self, record: StackSetRecord) -> None:
        self.store.put_resource(self._row(record), replace=True)

    def get(self, stack_set_id: str) -> StackSetRecord | None:
        found: Sequence[Any] = self.store.find_by_id(TYPE, stack_set_id)
        if not found:
            return None
        row = found[0]
        owner = StackRef(row.stack_name, row.stack_id, row.account_id, row.region,
                         row.vars.get("Partition", "aws"))
        instances = tuple(Instance(*i) for i in row.vars.get("Instances", ()))
        return StackSetRecord(row.physical_id, row.name or "", row.account_id, row.region, owner,
                              row.logical_id, row.properties, instances)

    def remove(self, record: StackSetRecord) -> None:
        self.store.delete_resource(self._rid(record))
