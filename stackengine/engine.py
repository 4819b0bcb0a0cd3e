"""The composition root: template → change set → execution, wired to a provider and a store.

No business rules live here: rendering is `render`, planning `plan`, execution `execute`, state
`state`. This module picks the concrete provider and store, holds the per-stack lock around every
change, recovers a stack a dead process left in progress, and shapes answers like the AWS CLI.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import uuid
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

from stackengine.diagnostics import StackEngineError, TemplateError, UsageError
from stackengine.execute.checks import (
    TerminationProtected, check_capabilities, check_getatt_attributes, check_name,
    check_snapshot_policies, check_stack_policy, required_capabilities,
)
from stackengine.execute.events import EventListener, now_iso
from stackengine.plan.changeset import ChangeSet, ChangeSetType
from stackengine.providers.base import Provider, StackRef
from stackengine.state.base import (
    StackEvent, StackRecord, StackStatus, StateStore, StoredParameter,
)

if TYPE_CHECKING:
    # Planning and execution load only in the commands that change a stack, so read commands
    # (describe, outputs, events, stacks) start without them.
    from stackengine.execute.operations import StackRun
    from stackengine.plan.diff import SchemaSource

Json = Any

# provider name → "module:factory"; imported only when a command needs it.
PROVIDERS: dict[str, str] = {
    "local": "stackengine.providers.local:LocalProvider",
    "aws": "stackengine.providers.aws.cloudcontrol:CloudControlProvider",
}
FILL_PARAMETERS_LOCAL_ONLY = ("--fill-parameters makes up parameter values from the emulated "
                              "account; it is for the local provider only")
# Providers whose state lives in the state database file and can share its connection.
SHARES_STATE_DATABASE = frozenset({"local"})

UPDATABLE = frozenset({StackStatus.CREATE_COMPLETE, StackStatus.UPDATE_COMPLETE,
                       StackStatus.UPDATE_ROLLBACK_COMPLETE, StackStatus.UPDATE_FAILED})
RECREATABLE = frozenset({StackStatus.ROLLBACK_COMPLETE, StackStatus.REVIEW_IN_PROGRESS})


class StackNotFound(StackEngineError):
    pass


class ChangeSetNotFound(StackEngineError):
    pass


class StaleChangeSet(StackEngineError):
    pass


class InvalidStackState(StackEngineError):
    pass


@dataclass(frozen=True)
class EngineConfig:
    state_path: str = ".stackengine/state.db"
    region: str = "us-east-1"
    account_id: str = "123456789012"
    provider: str = "local"
    provider_options: Mapping[str, Any] = field(default_factory=dict)
    max_parallel: int = 10


@dataclass(frozen=True)
class StackRequest:
    """What `deploy` / `changeset create` asks for."""

    template_file: str
    stack_name: str
    parameters: Mapping[str, str] = field(default_factory=dict)
    capabilities: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    description: str | None = None
    template_body: str | None = None  # instead of reading template_file
    fill_parameters: bool = False  # stand-in values for parameters without one (local only)


@dataclass(frozen=True)
class ExecuteOptions:
    disable_rollback: bool = False
    max_parallel: int | None = None
    stack_policy: Mapping[str, Json] | None = None               # set as the stack's policy
    stack_policy_during_update: Mapping[str, Json] | None = None  # overrides it for this update
    termination_protection: bool | None = None
    # A create's limit (create-stack --timeout-in-minutes); an update ignores it, as AWS does.
    timeout_in_minutes: int | None = None


@dataclass(frozen=True)
class DeployOutcome:
    change_set: ChangeSet
    record: StackRecord | None
    executed: bool

    @property
    def no_changes(self) -> bool:
        return self.change_set.status == "FAILED" and self.change_set.is_empty

    @property
    def failed(self) -> bool:
        return self.record is not None and self.record.status.failed


@dataclass
class _Rendered:
    processed: Any
    imports: list[str]
    body: str
    parameters: tuple[StoredParameter, ...]
    transforms: list[str]


def _custom_name_conflict(type_name: str, logical_id: str, old: Mapping[str, Json],
                          new: Mapping[str, Json]) -> str | None:
    """CloudFormation refuses to replace a resource whose custom name stays the same (the new
    one is made before the old one goes, so the name is taken). Which property names a type is
    data kept with the local provider's naming rules."""
    from stackengine.providers.local.formats import custom_name_conflict
    return custom_name_conflict(type_name, logical_id, old, new)


def locator(source: Any, file: str) -> Callable[..., Any]:
    """template path → Span in `file`, from the positions decoding kept (`key=True`: of the last
    part's key rather than its value)."""
    from stackengine.diagnostics import Span
    from stackengine.template.marks import locate

    def find(path: Any, key: bool = False) -> Span | None:
        mark = locate(source, path, key=key)
        return Span(file, mark[0], mark[1]) if mark else None

    return find


def _located(check: Callable[[], None], locate: Callable[..., Any]) -> None:
    """Run a provider's plan-time check; its TemplateError gets file:line:col for each path. A
    whole entry (`Parameters.Vpc`) points at its name, as the template core's diagnostics do."""
    try:
        check()
    except TemplateError as exc:
        raise TemplateError([d.with_span(locate(d.path, key=len(d.path) == 2))
                             for d in exc.diagnostics]) from None


def load_provider(name: str, state_path: str, config: EngineConfig,
                  database: Any = None) -> Provider:
    """`database`: the state store's connection, for a provider that keeps its own tables in the
    state file (SHARES_STATE_DATABASE), so its changes commit with the journal."""
    target = PROVIDERS.get(name)
    if target is None:
        raise UsageError(f"unknown provider {name!r} (known: {', '.join(sorted(PROVIDERS))})")
    module_name, attribute = target.split(":")
    factory = getattr(importlib.import_module(module_name), attribute)
    options = dict(config.provider_options)
    if database is not None and name in SHARES_STATE_DATABASE:
        options["database"] = database
    provider: Provider = factory(state_path, default_account_id=config.account_id,
                                 default_region=config.region, **options)
    return provider


class Engine:
    def __init__(self, config: EngineConfig = EngineConfig(), *, provider: Provider | None = None,
                 store: StateStore | None = None, schemas: SchemaSource | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self.config = config
        # Seconds for creation timeouts (time.monotonic unless a test gives its own).
        self.clock = clock
        if store is None:
            from stackengine.state.sqlite import SqliteStateStore
            store = SqliteStateStore(config.state_path)
        self.store = store
        self._provider = provider
        self._schemas = schemas
        # Change sets created by this engine keep their rendered template, so executing one
        # (deploy) does not render again; a stored one from elsewhere is rendered from its body.
        self._rendered: dict[str, _Rendered] = {}

    # -- wiring ---------------------------------------------------------------------------

    @property
    def provider(self) -> Provider:
        if self._provider is None:
            self._provider = load_provider(self.config.provider, self.config.state_path,
                                           self.config, self._shared_database())
        return self._provider

    def _shared_database(self) -> Any:
        """The state store's connection when the store is the file the config names."""
        database = getattr(self.store, "database", None)
        path = getattr(self.store, "path", None)
        if database is None or path is None:
            return None
        same = os.path.abspath(str(path)) == os.path.abspath(self.config.state_path)
        return database if same else None

    @property
    def schemas(self) -> SchemaSource:
        if self._schemas is None:
            from stackengine.specs import default_registry
            self._schemas = default_registry()
        return self._schemas

    def _supports_snapshot(self, type_name: str) -> bool:
        try:
            return bool(self.provider.supports_snapshot(type_name))
        except Exception:  # noqa: BLE001 - a provider that cannot tell does not snapshot
            return False

    def _stack(self, name: str) -> StackRecord:
        record = self.store.get_stack(self.config.account_id, self.config.region, name)
        if record is None:
            raise StackNotFound(f"Stack with id {name} does not exist")
        return record

    def _run(self, record: StackRecord, listener: EventListener | None,
             max_parallel: int | None = None) -> StackRun:
        from stackengine.execute.operations import StackRun

        ref = StackRef(record.name, record.stack_id, record.account_id, record.region,
                       tags=tuple(sorted(record.tags.items())), cloudformation=True)
        return StackRun(self.store, self._executing_provider(), ref, record, schemas=self.schemas,
                        max_parallel=max_parallel or self.config.max_parallel, listener=listener,
                        replacement_conflict=_custom_name_conflict, clock=self.clock)

    def _executing_provider(self) -> Provider:
        """On the local target, CloudFormation's own types (nested stacks, stack sets) are run
        by the engine itself, as CloudFormation runs them; AWS runs them itself."""
        if self.config.provider != "local":
            return self.provider
        from stackengine.cfn_service import EngineStacks, run_by_cloudformation
        return run_by_cloudformation(self.provider, EngineStacks(self))

    def _new_record(self, name: str) -> StackRecord:
        stack_id = (f"arn:aws:cloudformation:{self.config.region}:{self.config.account_id}:"
                    f"stack/{name}/{uuid.uuid4()}")
        return StackRecord(stack_id, name, self.config.account_id, self.config.region,
                           StackStatus.REVIEW_IN_PROGRESS, creation_time=now_iso())

    # -- rendering ------------------------------------------------------------------------

    def _render(self, request: StackRequest, record: StackRecord | None,
                stack_id: str | None) -> _Rendered:
        from stackengine.render import RenderOptions, process
        from stackengine.template.decode import decode_text

        body = request.template_body
        if body is None:
            try:
                with open(request.template_file, encoding="utf-8") as handle:
                    body = handle.read()
            except OSError as exc:
                raise UsageError(f"cannot read {request.template_file}: {exc.strerror}") from exc
        document = decode_text(body, request.template_file)
        if self.config.provider == "local":
            document, body = self._package_local_artifacts(document, body)
        declared = document.data.get("Parameters") if isinstance(document.data, dict) else None
        values = dict(request.parameters)
        if record is not None and record.status in UPDATABLE and isinstance(declared, dict):
            # As `aws cloudformation deploy`: parameters not given keep their current value.
            for p in record.parameters:
                if p.name in declared and p.name not in values:
                    values[p.name] = ",".join(p.value) if isinstance(p.value, list) else str(p.value)
        if request.fill_parameters:
            values = self._filled(document.data, values, request.stack_name)
        imports: list[str] = []
        exports = {e.name: e.value for e in self.store.exports(self.config.account_id,
                                                               self.config.region)}

        def import_value(name: str) -> Json:
            value = exports[name]  # KeyError: no such export
            imports.append(name)
            return value

        processed = process(document, RenderOptions(
            stack_name=request.stack_name, region=self.config.region,
            account_id=self.config.account_id, parameters=values, stack_id=stack_id,
            import_value=import_value, ssm_lookup=self._ssm_lookup()))
        stored = tuple(StoredParameter(n, p.value, p.no_echo)
                       for n, p in processed.parameters.items())
        transform = document.data.get("Transform") if isinstance(document.data, dict) else None
        transforms = [transform] if isinstance(transform, str) else [
            t for t in (transform or []) if isinstance(t, str)]
        return _Rendered(processed, sorted(set(imports)), body, stored, transforms)

    def _filled(self, template: Any, values: dict[str, str], stack_name: str) -> dict[str, str]:
        """`--fill-parameters`: a value for every parameter that has none, for smoke tests. IDs
        of AWS-specific types name things the emulated account holds (its default VPC, subnets,
        security group); the rest are type-valid stand-ins, re-chosen where Rules refuse them."""
        from stackengine.intrinsics.evaluate import StackInfo
        from stackengine.intrinsics.rule_fill import fill_parameters_for_rules

        if self.config.provider != "local":
            raise UsageError(FILL_PARAMETERS_LOCAL_ONLY)
        declared = template.get("Parameters") if isinstance(template, dict) else None
        account = getattr(self.provider, "account_parameter_values", None)
        found = account(declared, self.config.account_id, self.config.region) \
            if callable(account) else {}
        stack = StackInfo(stack_name, self.config.region, self.config.account_id)
        return fill_parameters_for_rules(template, {**found, **values}, stack)

    def _package_local_artifacts(self, document: Any, body: str) -> tuple[Any, str]:
        """As `sam deploy` does for the local provider: local CodeUri/ContentUri/... paths are
        zipped and uploaded to the emulated account's S3, and the template names their S3 keys.
        The stored template is the packaged one, so changed code is a change to deploy."""
        from stackengine.package.stores import package_local_document

        return package_local_document(document, body, self.emulated_s3)

    def emulated_s3(self) -> Any:
        """The emulated account's S3 as an artifact store (`package`, and `deploy` of local
        paths on the local provider)."""
        from stackengine.package.stores import LocalArtifactStore
        from stackengine.regions import partition_for_region

        # An engine given another provider (tests) still packages into the emulated account.
        account = self.provider if hasattr(self.provider, "put_object") else load_provider(
            "local", self.config.state_path, self.config, self._shared_database())
        return LocalArtifactStore(account, self.config.account_id, self.config.region,
                                  partition_for_region(self.config.region))

    def _ssm_lookup(self) -> Callable[[str], "str | None"] | None:
        """SSM parameter types resolve from the target account's parameters."""
        lookup = getattr(self.provider, "ssm_lookup", None)
        return lookup(self.config.account_id, self.config.region) if callable(lookup) else None

    # -- change sets ----------------------------------------------------------------------

    def create_change_set(self, request: StackRequest, name: str | None = None,
                          description: str | None = None) -> ChangeSet:
        """Compute and store a change set; a new stack appears in REVIEW_IN_PROGRESS."""
        from stackengine.plan.diff import diff

        check_name("stackName", request.stack_name)
        if name is not None:
            check_name("changeSetName", name)
        name = name or f"stackengine-{uuid.uuid4().hex[:12]}"
        with _no_cycle_collection(), self.store.lock(self.config.account_id, self.config.region, request.stack_name):
            record = self.store.get_stack(self.config.account_id, self.config.region,
                                          request.stack_name)
            if record is not None and record.status.in_progress:
                record = self._recover(record, None)
            creating = record is None or record.status in RECREATABLE
            is_new = record is None
            if record is None:
                record = self._new_record(request.stack_name)
            elif record.status not in UPDATABLE and not creating:
                raise InvalidStackState(self._not_updatable(record))
            rendered = self._render(request, None if creating else record, record.stack_id)
            deployed = {} if creating else self.store.resources(record.stack_id)
            processed = rendered.processed
            locate = locator(processed.source, request.template_file)
            check_capabilities(required_capabilities(processed.resources, rendered.transforms),
                               request.capabilities)
            check_snapshot_policies(processed.resources, self._supports_snapshot, locate)
            check_getatt_attributes(processed.resources, processed.outputs,
                                    getattr(self.schemas, "get", lambda _type: None), locate,
                                    processed.references)
            # What the target refuses is found now, not halfway through a deploy: types it
            # cannot provision, parameter values that name nothing in the account.
            check_types = getattr(self.provider, "check_resources", None)
            if callable(check_types):
                _located(lambda: check_types({lid: r.type
                                              for lid, r in processed.resources.items()}), locate)
            check_values = getattr(self.provider, "check_parameter_values", None)
            if callable(check_values):
                _located(lambda: check_values(
                    {n: (p.type, p.effective) for n, p in processed.parameters.items()},
                    self.config.account_id, self.config.region), locate)
            old = {p.name: p.value for p in record.parameters} if not creating else {}
            changed = {n for n, p in processed.parameters.items() if old.get(n) != p.value}
            secrets = {str(p.effective) for p in processed.parameters.values()
                       if p.no_echo and p.effective not in (None, "")}
            secrets |= {str(p.value) for p in record.parameters if p.no_echo and p.value}
            changes = diff(processed.resources, deployed, schemas=self.schemas,
                           changed_parameters=changed,
                           source_resources=processed.source.get("Resources"), secrets=secrets,
                           locate=locate, graph=processed.graph,
                           stack_tags_changed=not creating and dict(record.tags) != dict(
                               request.tags))
            template = processed.rendered()
            same = (not creating and not changes and dict(record.template) == template
                    and {p.name: p.value for p in record.parameters} ==
                    {p.name: p.value for p in rendered.parameters}
                    and dict(record.tags) == dict(request.tags))
            cs = ChangeSet(
                stack_name=record.name, stack_id=record.stack_id, name=name,
                change_set_id=(f"arn:aws:cloudformation:{self.config.region}:"
                               f"{self.config.account_id}:changeSet/{name}/{uuid.uuid4()}"),
                change_set_type=ChangeSetType.CREATE if creating else ChangeSetType.UPDATE,
                base_serial=record.serial, changes=changes,
                parameters=tuple((n, p.display) for n, p in processed.parameters.items()),
                capabilities=tuple(request.capabilities), tags=tuple(sorted(request.tags.items())),
                description=description, creation_time=now_iso(),
                status="FAILED" if same else "CREATE_COMPLETE",
                execution_status="UNAVAILABLE" if same else "AVAILABLE",
                status_reason=("The submitted information didn't contain changes. Submit "
                               "different information to create a change set.") if same else None,
                extra={"TemplateBody": rendered.body, "TemplateFile": request.template_file,
                       "ParameterValues": {p.name: p.value for p in rendered.parameters},
                       "Tags": dict(request.tags), "Description": request.description})
            if is_new:  # only now: a template that does not render leaves no stack behind
                self.store.put_stack(record)
            self.store.put_change_set(record.stack_id, name, cs.to_json(internal=True))
            self._rendered[cs.change_set_id] = rendered
            return cs

    def warnings(self, change_set: ChangeSet) -> list[Any]:
        """Diagnostics of severity warning/info found rendering the change set's template."""
        rendered = self._rendered.get(change_set.change_set_id)
        return list(rendered.processed.warnings) if rendered is not None else []

    def describe_change_set(self, stack_name: str, name: str) -> ChangeSet:
        record = self._stack(stack_name)
        doc = self.store.get_change_set(record.stack_id, name)
        if doc is None:
            raise ChangeSetNotFound(f"ChangeSet [{name}] does not exist")
        return ChangeSet.from_json(doc)

    def list_change_sets(self, stack_name: str) -> list[ChangeSet]:
        record = self._stack(stack_name)
        return [ChangeSet.from_json(d) for d in self.store.list_change_sets(record.stack_id)]

    def delete_change_set(self, stack_name: str, name: str) -> None:
        record = self._stack(stack_name)
        if not self.store.delete_change_set(record.stack_id, name):
            raise ChangeSetNotFound(f"ChangeSet [{name}] does not exist")

    def execute_change_set(self, stack_name: str, name: str,
                           options: ExecuteOptions = ExecuteOptions(),
                           listener: EventListener | None = None) -> StackRecord:
        with _no_cycle_collection(), self.store.lock(self.config.account_id, self.config.region,
                                                     stack_name):
            record = self._stack(stack_name)
            doc = self.store.get_change_set(record.stack_id, name)
            if doc is None:
                raise ChangeSetNotFound(f"ChangeSet [{name}] does not exist")
            cs = ChangeSet.from_json(doc)
            if record.status.in_progress:
                record = self._recover(record, listener)
            if cs.execution_status in ("AVAILABLE", "OBSOLETE") and record.serial != cs.base_serial:
                raise StaleChangeSet(
                    f"ChangeSet [{name}] was computed against an older state of stack "
                    f"{stack_name} (serial {cs.base_serial}, now {record.serial}); the stack "
                    "changed since. Create a new change set.")
            if cs.execution_status != "AVAILABLE":
                raise InvalidStackState(
                    f"ChangeSet [{name}] cannot be executed in its current execution status of "
                    f"[{cs.execution_status}]" + (f": {cs.status_reason}" if cs.status_reason else ""))
            creating = cs.change_set_type is ChangeSetType.CREATE
            if creating and record.status not in RECREATABLE:
                raise InvalidStackState(f"Stack {stack_name} already exists")
            if not creating and record.status not in UPDATABLE:
                raise InvalidStackState(self._not_updatable(record))
            extra = cs.extra
            request = StackRequest(extra.get("TemplateFile") or "<template>", stack_name,
                                   {k: ",".join(v) if isinstance(v, list) else str(v)
                                    for k, v in (extra.get("ParameterValues") or {}).items()},
                                   cs.capabilities, extra.get("Tags") or {},
                                   extra.get("Description"), extra.get("TemplateBody"))
            if creating and record.status is StackStatus.ROLLBACK_COMPLETE:
                record = self._replace_rolled_back(record, listener)
            rendered = self._rendered.pop(cs.change_set_id, None)
            if rendered is None or rendered.processed.context.stack.stack_id != record.stack_id:
                rendered = self._render(request, None if creating else record, record.stack_id)
            processed = rendered.processed
            check_capabilities(required_capabilities(processed.resources, rendered.transforms),
                               cs.capabilities)
            if not creating:
                check_stack_policy(options.stack_policy_during_update or record.stack_policy,
                                   cs.changes)
            changes: dict[str, Any] = {}
            if options.stack_policy is not None:
                changes["stack_policy"] = dict(options.stack_policy)
            if options.termination_protection is not None:
                changes["termination_protection"] = options.termination_protection
            if creating and options.timeout_in_minutes is not None:
                changes["timeout_in_minutes"] = options.timeout_in_minutes
            if changes:
                record = replace(record, **changes)
                self.store.put_stack(record)
            from stackengine.execute.executor import DeployRequest, Executor

            run = self._run(record, listener, options.max_parallel)
            result = Executor(run).deploy(DeployRequest(
                processed.resources, processed.outputs, processed.resolve_late,
                template=processed.rendered(), template_body=rendered.body,
                parameters=rendered.parameters, tags=request.tags,
                capabilities=cs.capabilities,
                description=processed.description, disable_rollback=options.disable_rollback,
                imports=tuple(rendered.imports), graph=processed.graph))
            ok = not result.status.failed
            for other in self.store.list_change_sets(record.stack_id):
                other_cs = ChangeSet.from_json(other)
                if other_cs.name == name:
                    done = cs.with_status("EXECUTE_COMPLETE" if ok else "EXECUTE_FAILED")
                    self.store.put_change_set(record.stack_id, name, done.to_json(internal=True))
                elif other_cs.execution_status == "AVAILABLE":
                    self.store.put_change_set(record.stack_id, other_cs.name,
                                              other_cs.with_status("OBSOLETE").to_json(internal=True))
            return result

    def _replace_rolled_back(self, record: StackRecord,
                             listener: EventListener | None) -> StackRecord:
        """A ROLLBACK_COMPLETE stack can only be deleted; deploying again deletes it first and
        creates a new stack of the same name (as `sam deploy` does)."""
        from stackengine.execute.executor import Executor

        Executor(self._run(record, listener)).delete()
        fresh = self._new_record(record.name)
        self.store.put_stack(fresh)
        return fresh

    @staticmethod
    def _not_updatable(record: StackRecord) -> str:
        hint = {
            StackStatus.UPDATE_ROLLBACK_FAILED: "; run continue-update-rollback first",
            StackStatus.CREATE_FAILED: "; it can only be deleted",
            StackStatus.ROLLBACK_FAILED: "; it can only be deleted",
            StackStatus.DELETE_FAILED: "; delete it again",
        }.get(record.status, "")
        return (f"Stack:{record.stack_id} is in {record.status.value} state and can not be "
                f"updated{hint}.")

    # -- deploy ---------------------------------------------------------------------------

    def deploy(self, request: StackRequest, options: ExecuteOptions = ExecuteOptions(), *,
               change_set_name: str | None = None, execute: bool = True,
               confirm: Callable[[ChangeSet], bool] | None = None,
               listener: EventListener | None = None) -> DeployOutcome:
        """Create or update: a change set, then (unless `execute` is False or `confirm` says
        no) its execution. An empty change set ends the deploy with nothing done."""
        cs = self.create_change_set(request, change_set_name)
        if cs.execution_status != "AVAILABLE" or not execute:
            return DeployOutcome(cs, None, False)
        if confirm is not None and not confirm(cs):
            return DeployOutcome(cs, None, False)
        record = self.execute_change_set(request.stack_name, cs.name, options, listener)
        return DeployOutcome(cs, record, True)

    # -- delete, recovery -----------------------------------------------------------------

    def delete_stack(self, stack_name: str, retain: Sequence[str] = (),
                     listener: EventListener | None = None,
                     max_parallel: int | None = None) -> StackRecord:
        with _no_cycle_collection(), self.store.lock(self.config.account_id, self.config.region,
                                                     stack_name):
            record = self._stack(stack_name)
            if record.termination_protection:
                raise TerminationProtected(
                    f"Stack [{stack_name}] cannot be deleted while TerminationProtection is "
                    "enabled")
            if retain and record.status is not StackStatus.DELETE_FAILED:
                raise InvalidStackState("resources can be retained only when deleting a stack "
                                        "in DELETE_FAILED state")
            if record.status.in_progress:
                record = self._recover(record, listener)
                if record.status is StackStatus.DELETE_COMPLETE:
                    return record
            for export in self.store.exports(record.account_id, record.region):
                if export.stack_id != record.stack_id:
                    continue
                users = [s for s in self.store.importers(record.account_id, record.region,
                                                         export.name) if s != stack_name]
                if users:
                    raise InvalidStackState(f"Export {export.name} cannot be deleted as it is "
                                            f"in use by {', '.join(users)}")
            from stackengine.execute.executor import Executor

            result = Executor(self._run(record, listener, max_parallel)).delete(retain)
            if result.status is StackStatus.DELETE_COMPLETE:
                for doc in self.store.list_change_sets(record.stack_id):
                    self.store.delete_change_set(record.stack_id, doc["ChangeSetName"])
            return result

    def continue_update_rollback(self, stack_name: str, skip: Sequence[str] = (),
                                 listener: EventListener | None = None) -> StackRecord:
        with self.store.lock(self.config.account_id, self.config.region, stack_name):
            record = self._stack(stack_name)
            if record.status.in_progress:
                record = self._recover(record, listener)
            from stackengine.execute import rollback

            return rollback.continue_update_rollback(self._run(record, listener), skip)

    def recover(self, stack_name: str, listener: EventListener | None = None) -> StackRecord:
        """Settle a stack a killed process left in progress (no-op for a settled stack)."""
        with self.store.lock(self.config.account_id, self.config.region, stack_name):
            record = self._stack(stack_name)
            if record.status.in_progress or self.store.pending(record.stack_id):
                return self._recover(record, listener)
            return record

    def _recover(self, record: StackRecord, listener: EventListener | None) -> StackRecord:
        # Called under the stack's lock: whoever held it before is gone.
        from stackengine.execute import rollback

        return rollback.recover(self._run(record, listener))

    def set_termination_protection(self, stack_name: str, enabled: bool) -> StackRecord:
        with self.store.lock(self.config.account_id, self.config.region, stack_name):
            record = replace(self._stack(stack_name), termination_protection=enabled)
            self.store.put_stack(record)
            return record

    def set_stack_policy(self, stack_name: str, policy: Mapping[str, Json]) -> StackRecord:
        with self.store.lock(self.config.account_id, self.config.region, stack_name):
            record = replace(self._stack(stack_name), stack_policy=dict(policy))
            self.store.put_stack(record)
            return record

    # -- reading (no lock: WAL readers see the last committed state) ----------------------

    def stack(self, stack_name: str) -> StackRecord:
        return self._stack(stack_name)

    def stacks(self, include_deleted: bool = False) -> list[StackRecord]:
        return self.store.list_stacks(self.config.account_id, self.config.region,
                                      include_deleted=include_deleted)

    def events(self, stack_name: str) -> list[StackEvent]:
        record = self.store.get_stack(self.config.account_id, self.config.region, stack_name)
        if record is None:  # a deleted stack's events stay readable, as in CloudFormation
            gone = [r for r in self.stacks(include_deleted=True) if r.name == stack_name]
            if not gone:
                raise StackNotFound(f"Stack with id {stack_name} does not exist")
            record = gone[-1]
        return self.store.events(record.stack_id)

    def resources(self, stack_name: str) -> list[Any]:
        record = self._stack(stack_name)
        return list(self.store.resources(record.stack_id).values())

    def exports(self) -> list[Any]:
        return self.store.exports(self.config.account_id, self.config.region)

    def graph(self, request: StackRequest) -> Any:
        from stackengine.graph import build_graph
        processed = self._render(request, None, None).processed
        return build_graph(processed.resources, locator(processed.source, request.template_file))


# -- AWS CLI shapes ---------------------------------------------------------------------------

def describe_stack_json(record: StackRecord) -> dict[str, Json]:
    out: dict[str, Json] = {"StackId": record.stack_id, "StackName": record.name}
    if record.description:
        out["Description"] = record.description
    out["Parameters"] = [{"ParameterKey": p.name, "ParameterValue": (
        ",".join(p.display) if isinstance(p.display, list) else str(p.display))}
        for p in record.parameters]
    out["CreationTime"] = record.creation_time
    if record.last_updated_time:
        out["LastUpdatedTime"] = record.last_updated_time
    if record.deletion_time:
        out["DeletionTime"] = record.deletion_time
    out["RollbackConfiguration"] = {}
    out["StackStatus"] = record.status.value
    if record.status_reason:
        out["StackStatusReason"] = record.status_reason
    out["DisableRollback"] = record.disable_rollback
    out["NotificationARNs"] = list(record.notification_arns)
    if record.timeout_in_minutes is not None:
        out["TimeoutInMinutes"] = record.timeout_in_minutes
    if record.capabilities:
        out["Capabilities"] = list(record.capabilities)
    if record.outputs:
        out["Outputs"] = [dict(o) for o in record.outputs]
    out["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(record.tags.items())]
    out["EnableTerminationProtection"] = record.termination_protection
    if record.parent_id:
        out["ParentId"], out["RootId"] = record.parent_id, record.root_id or record.parent_id
    out["DriftInformation"] = {"StackDriftStatus": "NOT_CHECKED"}
    return out


def stack_summary_json(record: StackRecord) -> dict[str, Json]:
    out: dict[str, Json] = {"StackId": record.stack_id, "StackName": record.name}
    if record.description:
        out["TemplateDescription"] = record.description
    out["CreationTime"] = record.creation_time
    if record.last_updated_time:
        out["LastUpdatedTime"] = record.last_updated_time
    if record.deletion_time:
        out["DeletionTime"] = record.deletion_time
    out["StackStatus"] = record.status.value
    if record.status_reason:
        out["StackStatusReason"] = record.status_reason
    if record.parent_id:
        out["ParentId"], out["RootId"] = record.parent_id, record.root_id or record.parent_id
    out["DriftInformation"] = {"StackDriftStatus": "NOT_CHECKED"}
    return out


def resource_summary_json(resource: Any) -> dict[str, Json]:
    out: dict[str, Json] = {"LogicalResourceId": resource.logical_id,
                            "PhysicalResourceId": resource.physical_id or "",
                            "ResourceType": resource.type,
                            "LastUpdatedTimestamp": resource.timestamp,
                            "ResourceStatus": resource.status.value}
    if resource.status_reason:
        out["ResourceStatusReason"] = resource.status_reason
    out["DriftInformation"] = {"StackResourceDriftStatus": "NOT_CHECKED"}
    return out


def change_set_summary_json(cs: ChangeSet) -> dict[str, Json]:
    out: dict[str, Json] = {"StackId": cs.stack_id, "StackName": cs.stack_name,
                            "ChangeSetId": cs.change_set_id, "ChangeSetName": cs.name,
                            "ExecutionStatus": cs.execution_status, "Status": cs.status,
                            "CreationTime": cs.creation_time}
    if cs.status_reason:
        out["StatusReason"] = cs.status_reason
    if cs.description:
        out["Description"] = cs.description
    out["IncludeNestedStacks"] = False
    return out


def default_state_path() -> str:
    return os.environ.get("STACKENGINE_STATE") or ".stackengine/state.db"


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Rendering, diffing and executing a template allocate many long-lived objects and no
    reference cycles worth collecting mid-way; the cycle collector's full passes over them made
    change-set time grow faster than the template, and cost a deletion of 500 resources a third
    of its time. Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def offline_ssm_lookup(state_path: str, account_id: str, region: str) -> Callable[[str], "str | None"]:
    """SSM parameter values for `render`: the emulated account's parameters when a state database
    exists (it is not created just to read), else only AWS's public ones (`/aws/service/...`)."""
    if os.path.exists(state_path):
        provider = load_provider("local", state_path, EngineConfig(state_path, region, account_id))
        lookup = getattr(provider, "ssm_lookup")
        found: Callable[[str], str | None] = lookup(account_id, region)
        return found
    from stackengine.providers.local.provider import public_parameter

    return lambda name: public_parameter(name, region)
