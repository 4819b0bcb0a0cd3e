from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
import threading

import pytest

from stackengine.state.base import (
    ExportConflictError, Operation, OpKind, ResourceState, ResourceStatus, StackBusyError,
    StackEvent, StackRecord, StackStatus, StateError, StoredParameter,
)
from stackengine.state.sqlite import SCHEMA_VERSION, MIGRATIONS, SqliteStateStore

ACCT, REGION = "123456789012", "us-east-1"


def record(name: str = "s", status: StackStatus = StackStatus.CREATE_COMPLETE, **kw) -> StackRecord:
    return StackRecord(stack_id=f"arn:aws:cloudformation:{REGION}:{ACCT}:stack/{name}/1",
                       name=name, account_id=ACCT, region=REGION, status=status, **kw)


@pytest.fixture
def store(tmp_path):
    s = SqliteStateStore(tmp_path / "d" / "state.db")
    yield s
    s.close()


def test_file_is_owner_only_and_wal(tmp_path, store):
    mode = stat.S_IMODE(os.stat(store.path).st_mode)
    assert mode == 0o600
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_stack_roundtrip_and_listing(store):
    r = record(parameters=(StoredParameter("Pw", "secret", True), StoredParameter("A", "1")),
               template={"Resources": {}}, tags={"k": "v"}, outputs=({"OutputKey": "O"},))
    store.put_stack(r)
    assert store.get_stack(ACCT, REGION, "s") == r
    assert store.get_stack(ACCT, "eu-west-1", "s") is None
    assert store.get_stack_by_id(r.stack_id) == r
    assert [x.name for x in store.list_stacks(ACCT, REGION)] == ["s"]
    store.add_template_version(r)
    versions = store.template_versions(r.stack_id)
    assert versions[0]["Parameters"] == {"Pw": "****", "A": "1"}
    from dataclasses import replace
    store.put_stack(replace(r, status=StackStatus.DELETE_COMPLETE))
    assert store.get_stack(ACCT, REGION, "s") is None
    assert store.list_stacks(ACCT, REGION, include_deleted=True)


def test_record_rewrites_keep_each_template_its_own(store):
    """The record's templates are serialized once per object; a new template object (or a
    previous one) is never answered from another's serialization."""
    from dataclasses import replace
    first = record(template={"Resources": {"A": {"Type": "T"}}})
    store.put_stack(first)
    store.put_stack(replace(first, status=StackStatus.UPDATE_IN_PROGRESS))
    second = replace(first, template={"Resources": {"B": {"Type": "T"}}},
                     previous={"Template": first.template})
    store.put_stack(second)
    loaded = store.get_stack(ACCT, REGION, "s")
    assert loaded == second and loaded.previous == {"Template": {"Resources": {"A": {"Type": "T"}}}}
    for i in range(20):  # more objects than the cache keeps
        store.put_stack(replace(first, template={"Resources": {f"R{i}": {"Type": "T"}}}))
    assert store.get_stack(ACCT, REGION, "s").template == {"Resources": {"R19": {"Type": "T"}}}


def test_resources_events_journal(store):
    sid = record().stack_id
    prev = ResourceState("A", "T", "p0", ResourceStatus.CREATE_COMPLETE, properties={"x": 1})
    res = ResourceState("A", "T", "p1", ResourceStatus.UPDATE_COMPLETE, properties={"x": 2},
                        previous=prev, depends_on=("B",))
    store.put_resource(sid, res)
    got = store.resources(sid)["A"]
    assert got.previous.physical_id == "p0" and got.depends_on == ("B",) and got.timestamp
    store.delete_resource(sid, "A")
    assert store.resources(sid) == {}
    for i in range(3):
        store.add_event(StackEvent(sid, "s", f"e{i}", "t", "A", None, "T", "CREATE_IN_PROGRESS"))
    assert [e.event_id for e in store.events(sid)] == ["e2", "e1", "e0"]
    op = Operation("tok", OpKind.CREATE, "A", "T", None, {"x": 1})
    store.begin(sid, op)
    assert store.pending(sid) == [op]
    store.end(sid, "tok", {"ok": True})
    assert store.pending(sid) == []


def test_change_sets(store):
    sid = record().stack_id
    store.put_change_set(sid, "cs1", {"ChangeSetName": "cs1"})
    store.put_change_set(sid, "cs2", {"ChangeSetName": "cs2"})
    assert store.get_change_set(sid, "cs1") == {"ChangeSetName": "cs1"}
    assert [d["ChangeSetName"] for d in store.list_change_sets(sid)] == ["cs1", "cs2"]
    assert store.delete_change_set(sid, "cs1") and not store.delete_change_set(sid, "cs1")


def test_exports_unique_and_imports(store):
    store.set_exports(ACCT, REGION, "id1", "one", {"E": "v"})
    with pytest.raises(ExportConflictError, match="already exported by stack one"):
        store.set_exports(ACCT, REGION, "id2", "two", {"E": "w"})
    store.set_exports(ACCT, "eu-west-1", "id2", "two", {"E": "w"})  # other region: fine
    assert [(e.name, e.value) for e in store.exports(ACCT, REGION)] == [("E", "v")]
    store.set_imports(ACCT, REGION, "three", ["E"])
    assert store.importers(ACCT, REGION, "E") == ["three"]


def test_lock_is_exclusive_and_released(store, tmp_path):
    other = SqliteStateStore(store.path)
    with store.lock(ACCT, REGION, "s"):
        with pytest.raises(StackBusyError, match="being changed by another process"):
            with other.lock(ACCT, REGION, "s"):
                pass
        with other.lock(ACCT, REGION, "different"):
            pass
    with other.lock(ACCT, REGION, "s"):
        pass
    other.close()


def _hold_lock_and_die(path: str) -> None:
    s = SqliteStateStore(path)
    s.lock(ACCT, REGION, "s").__enter__()
    os._exit(0)  # dies holding the lock


def test_stale_lock_of_dead_process_is_taken_over(store):
    p = multiprocessing.get_context("fork").Process(target=_hold_lock_and_die, args=(str(store.path),))
    p.start()
    p.join()
    with store.lock(ACCT, REGION, "s"):
        pass


def test_newer_schema_refused_untouched(tmp_path):
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StateError, match="newer"):
        SqliteStateStore(path)
    assert path.read_bytes() == before


def test_corrupt_file_refused_untouched(tmp_path):
    path = tmp_path / "state.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StateError, match="corrupt"):
        SqliteStateStore(path)
    assert path.read_bytes() == b"this is not a database" * 100


def test_foreign_database_refused(tmp_path):
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE other (x)")
    conn.close()
    with pytest.raises(StateError, match="not a stackengine"):
        SqliteStateStore(path)


def test_old_schema_is_migrated(tmp_path):
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version=1")
    conn.execute("INSERT INTO change_sets VALUES ('id', 'cs', '{}')")
    conn.commit()
    conn.close()
    s = SqliteStateStore(path)
    assert s.get_change_set("id", "cs") == {}
    s.set_imports(ACCT, REGION, "x", ["E"])  # v2 table exists
    s.close()


def test_reader_works_while_writer_holds_transaction(store):
    store.put_stack(record())
    reader = SqliteStateStore(store.path)
    started, release = threading.Event(), threading.Event()

    def write() -> None:
        with store._tx() as conn:
            conn.execute("UPDATE stacks SET serial=5")
            started.set()
            release.wait(5)

    t = threading.Thread(target=write)
    t.start()
    started.wait(5)
    assert reader.get_stack(ACCT, REGION, "s") is not None  # not blocked by the writer
    release.set()
    t.join()
    reader.close()
