"""The default state store: one SQLite file in WAL mode.

WAL keeps readers (`describe`, `events`) working while a deploy writes, and with
`synchronous=NORMAL` every committed transaction survives the death of the process (a power loss
may lose the last transactions but never corrupts the file). Each write is its own short
transaction, so several processes deploying different stacks share the file through SQLite's
busy timeout. One writer per stack is enforced by a lock row naming the owning process.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any, ContextManager, Iterator, Mapping, Sequence

from stackengine.sqlite_db import Database

from stackengine.state.base import (
    Export, ExportConflictError, Json, Operation, OpKind, ResourceState, StackBusyError, StackEvent,
    StackRecord, StackStatus, StateError, StoredParameter,
)

SCHEMA_VERSION = 2

# MIGRATIONS[i] takes a database from version i to i + 1. Version 0 is an empty file.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE stacks (
        stack_id TEXT PRIMARY KEY, name TEXT NOT NULL, account_id TEXT NOT NULL,
        region TEXT NOT NULL, status TEXT NOT NULL, serial INTEGER NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0, record TEXT NOT NULL);
    CREATE INDEX stacks_by_name ON stacks(account_id, region, name, deleted);
    CREATE TABLE template_versions (
        stack_id TEXT NOT NULL, serial INTEGER NOT NULL, created TEXT NOT NULL,
        template TEXT NOT NULL, parameters TEXT NOT NULL, PRIMARY KEY (stack_id, serial));
    CREATE TABLE resources (
        stack_id TEXT NOT NULL, logical_id TEXT NOT NULL, state TEXT NOT NULL,
        PRIMARY KEY (stack_id, logical_id));
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, stack_id TEXT NOT NULL, event TEXT NOT NULL);
    CREATE INDEX events_by_stack ON events(stack_id, seq);
    CREATE TABLE journal (
        token TEXT PRIMARY KEY, stack_id TEXT NOT NULL, op TEXT NOT NULL, begun TEXT NOT NULL,
        ended TEXT, outcome TEXT);
    CREATE INDEX journal_open ON journal(stack_id, ended);
    CREATE TABLE change_sets (
        stack_id TEXT NOT NULL, name TEXT NOT NULL, document TEXT NOT NULL,
        PRIMARY KEY (stack_id, name));
    CREATE TABLE exports (
        account_id TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
        stack_id TEXT NOT NULL, stack_name TEXT NOT NULL, PRIMARY KEY (account_id, region, name));
    CREATE TABLE locks (
        scope TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, token TEXT NOT NULL,
        acquired TEXT NOT NULL);
    """,
    # v2: which stacks import which exports (protects exports in use).
    """
    CREATE TABLE imports (
        account_id TEXT NOT NULL, region TEXT NOT NULL, stack_name TEXT NOT NULL,
        export_name TEXT NOT NULL, PRIMARY KEY (account_id, region, stack_name, export_name));
    """,
)
assert len(MIGRATIONS) == SCHEMA_VERSION


# Stack-record fields serialized once per object (see SqliteStateStore._record_text).
_LARGE_RECORD_PARTS = ("template", "previous")


def _dumps(value: Json) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def now_iso() -> str:
    import datetime
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")


def _record_to_json(r: StackRecord) -> dict[str, Json]:
    return {
        "stack_id": r.stack_id, "name": r.name, "account_id": r.account_id, "region": r.region,
        "status": r.status.value, "serial": r.serial, "status_reason": r.status_reason,
        "template": r.template, "template_body": r.template_body,
        "parameters": [[p.name, p.value, p.no_echo] for p in r.parameters],
        "outputs": list(r.outputs), "tags": dict(r.tags), "capabilities": list(r.capabilities),
        "termination_protection": r.termination_protection, "stack_policy": r.stack_policy,
        "disable_rollback": r.disable_rollback, "creation_time": r.creation_time,
        "last_updated_time": r.last_updated_time, "deletion_time": r.deletion_time,
        "description": r.description, "previous": r.previous,
        "parent_id": r.parent_id, "root_id": r.root_id, "timeout_in_minutes": r.timeout_in_minutes,
        "notification_arns": list(r.notification_arns),
    }


def _record_from_json(d: Mapping[str, Json]) -> StackRecord:
    return StackRecord(
        stack_id=d["stack_id"], name=d["name"], account_id=d["account_id"], region=d["region"],
        status=StackStatus(d["status"]), serial=d["serial"], status_reason=d.get("status_reason"),
        template=d.get("template") or {}, template_body=d.get("template_body"),
        parameters=tuple(StoredParameter(n, v, bool(e)) for n, v, e in d.get("parameters") or ()),
        outputs=tuple(d.get("outputs") or ()), tags=d.get("tags") or {},
        capabilities=tuple(d.get("capabilities") or ()),
        termination_protection=bool(d.get("termination_protection")),
        stack_policy=d.get("stack_policy"), disable_rollback=bool(d.get("disable_rollback")),
        creation_time=d.get("creation_time") or "", last_updated_time=d.get("last_updated_time"),
        deletion_time=d.get("deletion_time"), description=d.get("description"),
        previous=d.get("previous"), parent_id=d.get("parent_id"), root_id=d.get("root_id"),
        timeout_in_minutes=d.get("timeout_in_minutes"),
        notification_arns=tuple(d.get("notification_arns") or ()),
    )


def _op_to_json(op: Operation) -> dict[str, Json]:
    return {"token": op.token, "kind": op.kind.value, "logical_id": op.logical_id,
            "type": op.type, "physical_id": op.physical_id, "properties": op.properties}


def _op_from_json(d: Mapping[str, Json]) -> Operation:
    return Operation(d["token"], OpKind(d["kind"]), d["logical_id"], d["type"],
                     d.get("physical_id"), d.get("properties"))


class SqliteStateStore:
    """`StateStore` over one SQLite file. Thread-safe: the executor's workers share it."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        # Shared with the local provider when the engine wires them together (see sqlite_db).
        self.database = Database(self._open())
        # id → (object, its JSON): the object is held so its id cannot be reused meanwhile.
        self._json_cache: dict[int, tuple[Any, str]] = {}

    # -- opening, schema ------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        path = self.path
        if path.exists() and path.is_dir():
            raise StateError(f"state path {path} is a directory")
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                # Created here, owner-only, before SQLite sees it; SQLite gives its -wal and
                # -shm files the same permissions as the database file.
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                pass
        try:
            conn = sqlite3.connect(str(path), timeout=30.0, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise StateError(f"cannot open state database {path}: {exc}") from exc
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StateError(
                    f"state database {path} has schema version {version}, newer than this "
                    f"stackengine supports ({SCHEMA_VERSION}); upgrade stackengine (the file was "
                    "not changed)")
            # The local provider keeps its emulated account in `local_*` tables of this file.
            if version == 0 and conn.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                    "AND name NOT LIKE 'local_%' AND name NOT LIKE 'aws_%'").fetchone()[0]:
                raise StateError(f"{path} is not a stackengine state database (it has other "
                                 "tables); refusing to use it")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            if version < SCHEMA_VERSION:
                self._migrate(conn, version)
            conn.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StateError(f"state database {path} is unreadable or corrupt ({exc}); "
                             "refusing to use it (the file was not changed)") from exc
        except StateError:
            conn.close()
            raise
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection, version: int) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            for step in range(current, SCHEMA_VERSION):
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        conn.execute(statement)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.database.close()

    def _tx(self) -> ContextManager[sqlite3.Connection]:
        # Inside batch() a write is part of the enclosing transaction.
        return self.database.transaction()

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Several writes as one transaction (all or none; one commit instead of many)."""
        with self._tx():
            yield

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.database.query(sql, args)

    def commit_pending(self) -> None:
        """Inside one open `batch()`, make its writes so far durable and go on in a new one."""
        self.database.commit_pending()

    # -- lock -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, account_id: str, region: str, stack_name: str) -> Iterator[None]:
        scope = f"{account_id}/{region}/{stack_name}"
        token = uuid.uuid4().hex
        host = socket.gethostname()
        with self._tx() as conn:
            row = conn.execute("SELECT pid, host, acquired FROM locks WHERE scope=?",
                               (scope,)).fetchone()
            if row is not None:
                pid, owner_host, acquired = row
                # A lock whose process is gone (killed) is stale and taken over; one on another
                # host cannot be checked and is respected.
                if owner_host != host or _pid_alive(pid):
                    raise StackBusyError(
                        f"stack {stack_name!r} is being changed by another process (pid {pid} on "
                        f"{owner_host}, since {acquired}); try again when it has finished")
            conn.execute("INSERT OR REPLACE INTO locks VALUES (?,?,?,?,?)",
                         (scope, os.getpid(), host, token, now_iso()))
        try:
            yield
        finally:
            with self._tx() as conn:
                conn.execute("DELETE FROM locks WHERE scope=? AND token=?", (scope, token))

    # -- stacks ---------------------------------------------------------------------------

    def get_stack(self, account_id: str, region: str, stack_name: str) -> StackRecord | None:
        if stack_name.startswith("arn:"):
            return self.get_stack_by_id(stack_name)
        rows = self._query(
            "SELECT record FROM stacks WHERE account_id=? AND region=? AND name=? AND deleted=0",
            (account_id, region, stack_name))
        return _record_from_json(json.loads(rows[0][0])) if rows else None

    def get_stack_by_id(self, stack_id: str) -> StackRecord | None:
        rows = self._query("SELECT record FROM stacks WHERE stack_id=?", (stack_id,))
        return _record_from_json(json.loads(rows[0][0])) if rows else None

    def list_stacks(self, account_id: str, region: str, *,
                    include_deleted: bool = False) -> list[StackRecord]:
        sql = "SELECT record FROM stacks WHERE account_id=? AND region=?"
        if not include_deleted:
            sql += " AND deleted=0"
        rows = self._query(sql + " ORDER BY name, rowid", (account_id, region))
        return [_record_from_json(json.loads(r[0])) for r in rows]

    def put_stack(self, record: StackRecord) -> None:
        deleted = int(record.status is StackStatus.DELETE_COMPLETE)
        with self._tx() as conn:
            conn.execute("INSERT OR REPLACE INTO stacks VALUES (?,?,?,?,?,?,?,?)",
                         (record.stack_id, record.name, record.account_id, record.region,
                          record.status.value, record.serial, deleted,
                          self._record_text(record)))

    def _record_text(self, record: StackRecord) -> str:
        """The record as JSON. Its templates (current and previous) are serialized once per
        object: a command rewrites the record at every status change, and the templates are
        most of its size. Records are values; their templates are never changed in place."""
        data = _record_to_json(record)
        large = {key: data.pop(key) for key in _LARGE_RECORD_PARTS}
        parts = [f"{json.dumps(key)}:{self._large_json(value)}" for key, value in large.items()]
        return _dumps(data)[:-1] + "," + ",".join(parts) + "}"

    def _large_json(self, value: Json) -> str:
        if not isinstance(value, (dict, list)):
            return _dumps(value)
        cached = self._json_cache.get(id(value))
        if cached is None or cached[0] is not value:
            cached = (value, _dumps(value))
            with self.database.mutex:
                if len(self._json_cache) >= 8:
                    self._json_cache.pop(next(iter(self._json_cache)))
                self._json_cache[id(value)] = cached
        return cached[1]

    def add_template_version(self, record: StackRecord) -> None:
        # The display copy: NoEcho values never appear in it.
        params = {p.name: p.display for p in record.parameters}
        with self._tx() as conn:
            conn.execute("INSERT OR REPLACE INTO template_versions VALUES (?,?,?,?,?)",
                         (record.stack_id, record.serial, now_iso(),
                          # the template as written (the rendered one has NoEcho values folded in)
                          _dumps(record.template_body if record.template_body is not None
                                 else record.template),
                          _dumps(params)))

    def template_versions(self, stack_id: str) -> list[dict[str, Json]]:
        rows = self._query("SELECT serial, created, template, parameters FROM template_versions "
                           "WHERE stack_id=? ORDER BY serial", (stack_id,))
        return [{"Serial": s, "Created": c, "Template": json.loads(t), "Parameters": json.loads(p)}
                for s, c, t, p in rows]

    # -- resources ------------------------------------------------------------------------

    def resources(self, stack_id: str) -> dict[str, ResourceState]:
        rows = self._query("SELECT state FROM resources WHERE stack_id=? ORDER BY logical_id",
                           (stack_id,))
        out = [ResourceState.from_json(json.loads(r[0])) for r in rows]
        return {r.logical_id: r for r in out}

    def put_resource(self, stack_id: str, resource: ResourceState) -> None:
        if not resource.timestamp:
            resource = replace(resource, timestamp=now_iso())
        with self._tx() as conn:
            conn.execute("INSERT OR REPLACE INTO resources VALUES (?,?,?)",
                         (stack_id, resource.logical_id, _dumps(resource.to_json())))

    def delete_resource(self, stack_id: str, logical_id: str) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM resources WHERE stack_id=? AND logical_id=?",
                         (stack_id, logical_id))

    # -- events ---------------------------------------------------------------------------

    def add_event(self, event: StackEvent) -> None:
        data = event.to_json()
        data["_properties"] = event.properties
        with self._tx() as conn:
            conn.execute("INSERT INTO events (stack_id, event) VALUES (?,?)",
                         (event.stack_id, _dumps(data)))

    def events(self, stack_id: str) -> list[StackEvent]:
        """Newest first, as `describe-stack-events` lists them."""
        rows = self._query("SELECT event FROM events WHERE stack_id=? ORDER BY seq DESC",
                           (stack_id,))
        out = []
        for (text,) in rows:
            d = json.loads(text)
            out.append(StackEvent(d["StackId"], d["StackName"], d["EventId"], d["Timestamp"],
                                  d["LogicalResourceId"], d.get("PhysicalResourceId") or None,
                                  d["ResourceType"], d["ResourceStatus"],
                                  d.get("ResourceStatusReason"), d.get("_properties")))
        return out

    # -- journal --------------------------------------------------------------------------

    def begin(self, stack_id: str, op: Operation) -> None:
        with self._tx() as conn:
            conn.execute("INSERT INTO journal VALUES (?,?,?,?,NULL,NULL)",
                         (op.token, stack_id, _dumps(_op_to_json(op)), now_iso()))

    def end(self, stack_id: str, token: str, outcome: Mapping[str, Json], *,
            resource: ResourceState | None = None, remove: str | None = None) -> None:
        if resource is not None and not resource.timestamp:
            resource = replace(resource, timestamp=now_iso())
        with self._tx() as conn:
            conn.execute("UPDATE journal SET ended=?, outcome=? WHERE token=? AND stack_id=?",
                         (now_iso(), _dumps(dict(outcome)), token, stack_id))
            if resource is not None:
                conn.execute("INSERT OR REPLACE INTO resources VALUES (?,?,?)",
                             (stack_id, resource.logical_id, _dumps(resource.to_json())))
            if remove is not None:
                conn.execute("DELETE FROM resources WHERE stack_id=? AND logical_id=?",
                             (stack_id, remove))

    def pending(self, stack_id: str) -> list[Operation]:
        rows = self._query("SELECT op FROM journal WHERE stack_id=? AND ended IS NULL "
                           "ORDER BY rowid", (stack_id,))
        return [_op_from_json(json.loads(r[0])) for r in rows]

    def journal(self, stack_id: str) -> list[dict[str, Json]]:
        rows = self._query("SELECT op, begun, ended, outcome FROM journal WHERE stack_id=? "
                           "ORDER BY rowid", (stack_id,))
        return [{"op": json.loads(o), "begun": b, "ended": e,
                 "outcome": json.loads(x) if x else None} for o, b, e, x in rows]

    # -- change sets ----------------------------------------------------------------------

    def put_change_set(self, stack_id: str, name: str, document: Mapping[str, Json]) -> None:
        with self._tx() as conn:
            conn.execute("INSERT OR REPLACE INTO change_sets VALUES (?,?,?)",
                         (stack_id, name, _dumps(dict(document))))

    def get_change_set(self, stack_id: str, name: str) -> dict[str, Json] | None:
        rows = self._query("SELECT document FROM change_sets WHERE stack_id=? AND name=?",
                           (stack_id, name))
        return json.loads(rows[0][0]) if rows else None

    def list_change_sets(self, stack_id: str) -> list[dict[str, Json]]:
        rows = self._query("SELECT document FROM change_sets WHERE stack_id=? ORDER BY rowid",
                           (stack_id,))
        return [json.loads(r[0]) for r in rows]

    def delete_change_set(self, stack_id: str, name: str) -> bool:
        with self._tx() as conn:
            cur = conn.execute("DELETE FROM change_sets WHERE stack_id=? AND name=?",
                               (stack_id, name))
            return cur.rowcount > 0

    # -- exports / imports ----------------------------------------------------------------

    def set_exports(self, account_id: str, region: str, stack_id: str, stack_name: str,
                    exports: Mapping[str, Json]) -> None:
        """Replace the stack's exports atomically; a name another stack exports is refused."""
        with self._tx() as conn:
            for name in sorted(exports):
                row = conn.execute("SELECT stack_name, stack_id FROM exports WHERE account_id=? "
                                   "AND region=? AND name=?", (account_id, region, name)).fetchone()
                if row is not None and row[1] != stack_id:
                    raise ExportConflictError(
                        f"Export with name {name} is already exported by stack {row[0]}")
            conn.execute("DELETE FROM exports WHERE stack_id=?", (stack_id,))
            for name in sorted(exports):
                conn.execute("INSERT INTO exports VALUES (?,?,?,?,?,?)",
                             (account_id, region, name, _dumps(exports[name]), stack_id, stack_name))

    def exports(self, account_id: str, region: str) -> list[Export]:
        rows = self._query("SELECT name, value, stack_id, stack_name FROM exports WHERE "
                           "account_id=? AND region=? ORDER BY name", (account_id, region))
        return [Export(n, json.loads(v), s, sn) for n, v, s, sn in rows]

    def set_imports(self, account_id: str, region: str, stack_name: str,
                    names: Sequence[str]) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM imports WHERE account_id=? AND region=? AND stack_name=?",
                         (account_id, region, stack_name))
            for name in sorted(set(names)):
                conn.execute("INSERT INTO imports VALUES (?,?,?,?)",
                             (account_id, region, stack_name, name))

    def importers(self, account_id: str, region: str, export_name: str) -> list[str]:
        rows = self._query("SELECT stack_name FROM imports WHERE account_id=? AND region=? AND "
                           "export_name=? ORDER BY stack_name", (account_id, region, export_name))
        return [r[0] for r in rows]
