"""Drive the executor directly: resources as ResourceDecls, a tiny late resolver."""

from __future__ import annotations

from typing import Any, Mapping

from stackengine.diagnostics import StackEngineError
from stackengine.execute.executor import DeployRequest, Executor
from stackengine.execute.operations import StackRun
from stackengine.execute import rollback
from stackengine.providers.base import StackRef
from stackengine.state.base import StackRecord, StackStatus
from stackengine.state.sqlite import SqliteStateStore
from stackengine.template.model import OutputDecl, ResourceDecl

ACCT, REGION = "123456789012", "us-east-1"


def resolve(value: Any, lookup) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "Ref" in value:
            try:
                return lookup(value["Ref"], None)
            except KeyError:
                raise StackEngineError(f"cannot resolve {value}")
        if len(value) == 1 and "Fn::GetAtt" in value:
            target, attr = value["Fn::GetAtt"]
            try:
                return lookup(target, attr)
            except KeyError:
                raise StackEngineError(f"cannot resolve {value}")
        return {k: resolve(v, lookup) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, lookup) for v in value]
    return value


def R(lid: str, deps: tuple[str, ...] = (), type_: str = "Test::R", **props: Any) -> ResourceDecl:
    props = dict(props)
    for i, d in enumerate(deps):
        props[f"Dep{i}"] = {"Ref": d}
    return ResourceDecl(lid, type_, props)


class Harness:
    def __init__(self, path, provider, *, schemas=None, max_parallel: int = 4) -> None:
        self.store = SqliteStateStore(path)
        self.provider = provider
        self.schemas = schemas
        self.max_parallel = max_parallel
        self.events: list = []

    def run(self, name: str) -> StackRun:
        record = self.store.get_stack(ACCT, REGION, name)
        if record is None:
            record = StackRecord(f"arn:aws:cloudformation:{REGION}:{ACCT}:stack/{name}/id",
                                 name, ACCT, REGION, StackStatus.REVIEW_IN_PROGRESS)
        ref = StackRef(name, record.stack_id, ACCT, REGION)
        return StackRun(self.store, self.provider, ref, record, schemas=self.schemas,
                        max_parallel=self.max_parallel, listener=self.events.append)

    def deploy(self, name: str, resources: Mapping[str, ResourceDecl] | list,
               outputs: Mapping[str, OutputDecl] | None = None, **kw: Any) -> StackRecord:
        if isinstance(resources, list):
            resources = {r.logical_id: r for r in resources}
        request = DeployRequest(resources, outputs or {}, resolve, template={"Resources": {}}, **kw)
        return Executor(self.run(name)).deploy(request)

    def delete(self, name: str, retain=()) -> StackRecord:
        return Executor(self.run(name)).delete(retain)

    def continue_rollback(self, name: str, skip=()) -> StackRecord:
        return rollback.continue_update_rollback(self.run(name), skip)

    def resources(self, name: str):
        record = self.store.get_stack(ACCT, REGION, name) or \
            self.store.list_stacks(ACCT, REGION, include_deleted=True)[-1]
        return self.store.resources(record.stack_id)

    def statuses(self, name: str) -> list[tuple[str, str]]:
        record = self.store.list_stacks(ACCT, REGION, include_deleted=True)
        rec = [r for r in record if r.name == name][-1]
        return [(e.logical_id, e.status) for e in reversed(self.store.events(rec.stack_id))]
