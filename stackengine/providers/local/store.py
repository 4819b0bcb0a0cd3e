"""The emulated account's persistence: SQLite tables prefixed `local_`, in the state database file.

The engine's state store owns its own tables in the same file; this module only touches `local_*`.
Each thread gets its own connection (sqlite3 connections must not be shared across threads
without care), the database runs in WAL mode so readers never block the writer, and every write
is one short `BEGIN IMMEDIATE` transaction so concurrent provider calls serialise cleanly.

Uniqueness of names (bucket names globally, queue names per account/region, ...) is enforced by a
unique index, not by a read-then-write check, so two threads creating the same name cannot both win.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Sequence

from stackengine.sqlite_db import Database

Json = Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS local_resources (
    rid          TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL,
    region       TEXT NOT NULL,
    type_name    TEXT NOT NULL,
    physical_id  TEXT NOT NULL,
    stack_name   TEXT NOT NULL DEFAULT '',
    stack_id     TEXT NOT NULL DEFAULT '',
    logical_id   TEXT NOT NULL DEFAULT '',
    name_kind    TEXT,
    name_scope   TEXT,
    name         TEXT,
    properties   TEXT NOT NULL DEFAULT '{}',
    attributes   TEXT NOT NULL DEFAULT '{}',
    vars         TEXT NOT NULL DEFAULT '{}',
    created_at   REAL NOT NULL,
    updated_at   REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS local_resources_by_key
    ON local_resources (account_id, region, type_name, physical_id);
CREATE UNIQUE INDEX IF NOT EXISTS local_resources_name
    ON local_resources (name_kind, name_scope, name) WHERE name IS NOT NULL;
CREATE INDEX IF NOT EXISTS local_resources_by_id ON local_resources (type_name, physical_id);
CREATE INDEX IF NOT EXISTS local_resources_by_stack ON local_resources (stack_id);
CREATE INDEX IF NOT EXISTS local_resources_by_arn
    ON local_resources (account_id, type_name, json_extract(attributes, '$."Arn"'));
CREATE TABLE IF NOT EXISTS local_tokens (
    token       TEXT PRIMARY KEY,
    operation   TEXT NOT NULL,
    result      TEXT NOT NULL,
    created_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS local_generations (
    stack_id    TEXT NOT NULL,
    logical_id  TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (stack_id, logical_id)
);
CREATE TABLE IF NOT EXISTS local_ssm_parameters (
    account_id  TEXT NOT NULL,
    region      TEXT NOT NULL,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    value       TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (account_id, region, name)
);
CREATE TABLE IF NOT EXISTS local_s3_objects (
    bucket      TEXT NOT NULL,
    key         TEXT NOT NULL,
    body        BLOB NOT NULL,
    etag        TEXT NOT NULL,
    created_at  REAL NOT NULL,
    PRIMARY KEY (bucket, key)
);
CREATE TABLE IF NOT EXISTS local_snapshots (
    snapshot_id  TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL,
    region       TEXT NOT NULL,
    type_name    TEXT NOT NULL,
    physical_id  TEXT NOT NULL,
    properties   TEXT NOT NULL,
    created_at   REAL NOT NULL
);
"""


class NameTaken(Exception):
    """A unique name (bucket, queue, role, ...) is already used in its scope."""

    def __init__(self, kind: str, scope: str, name: str) -> None:
        super().__init__(f"{kind} name {name!r} already exists in {scope}")
        self.kind, self.scope, self.name = kind, scope, name


@dataclass(frozen=True)
class StoredResource:
    """One resource. `rid` is internal and unique; physical IDs need not be (two API Gateway
    stages in different APIs may both be called "prod")."""

    rid: str
    account_id: str
    region: str
    type_name: str
    physical_id: str
    stack_name: str = ""
    stack_id: str = ""
    logical_id: str = ""
    name_kind: str | None = None
    name_scope: str | None = None
    name: str | None = None
    properties: Mapping[str, Json] = field(default_factory=dict)
    attributes: Mapping[str, Json] = field(default_factory=dict)
    vars: Mapping[str, Json] = field(default_factory=dict)
    created_at: float = 0.0
    updated_at: float = 0.0


@dataclass(frozen=True)
class S3Object:
    bucket: str
    key: str
    body: bytes
    etag: str


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: str
    account_id: str
    region: str
    type_name: str
    physical_id: str
    properties: Mapping[str, Json]
    created_at: float


_COLUMNS = ("rid, account_id, region, type_name, physical_id, stack_name, stack_id, logical_id, "
            "name_kind, name_scope, name, properties, attributes, vars, created_at, updated_at")


def _row_to_resource(row: Sequence[Any]) -> StoredResource:
    return StoredResource(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
                          row[9], row[10], json.loads(row[11]), json.loads(row[12]),
                          json.loads(row[13]), row[14], row[15])


def _dumps(value: Json) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


class AccountStore:
    """The emulated accounts (every account and region) in one SQLite file. Thread-safe."""

    def __init__(self, db_path: str | os.PathLike[str], *, clock: Any = None,
                 database: Database | None = None) -> None:
        self.db_path = str(db_path)
        self._clock = clock or time.time
        self._local = threading.local()
        self._init_lock = threading.Lock()
        # With the state store's `database` (same file), every write here joins the engine's
        # transaction as a savepoint: a resource and the journal entry that records it commit
        # together. Without it, each thread opens its own connection.
        self.database = database
        directory = os.path.dirname(os.path.abspath(self.db_path))
        if self.db_path != ":memory:":
            os.makedirs(directory, exist_ok=True)
        with self._init_lock:
            if database is not None:
                with database.mutex:
                    database.connection.executescript(_SCHEMA)
            else:
                self._conn().executescript(_SCHEMA)

    # -- connection handling ----------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # isolation_level=None: we issue BEGIN ourselves, so transactions stay short and explicit.
            conn = sqlite3.connect(self.db_path, timeout=30.0, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        if self.database is not None:
            with self.database.transaction(savepoint=True) as shared:
                yield shared
            return
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _fetchone(self, sql: str, args: Sequence[Any] = ()) -> Any:
        if self.database is not None:
            return self.database.query_one(sql, args)
        return self._conn().execute(sql, args).fetchone()

    def _fetchall(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        if self.database is not None:
            return self.database.query(sql, args)
        return self._conn().execute(sql, args).fetchall()

    def close(self) -> None:
        if self.database is not None:
            return  # the state store owns the shared connection
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def now(self) -> float:
        return float(self._clock())

    # -- resources --------------------------------------------------------------------------

    def put_resource(self, res: StoredResource, *, replace: bool = False,
                     token: tuple[str, str, Json] | None = None) -> None:
        """Insert a resource (raises NameTaken if its unique name is used); `replace` overwrites the
        row with the same rid (an in-place update). `token` = (token, operation, result) is recorded
        in the same transaction, so a retry after a crash never acts twice."""
        values = (res.rid, res.account_id, res.region, res.type_name, res.physical_id, res.stack_name,
                  res.stack_id, res.logical_id, res.name_kind, res.name_scope, res.name,
                  _dumps(res.properties), _dumps(res.attributes), _dumps(res.vars),
                  res.created_at or self.now(), res.updated_at or self.now())
        try:
            with self.transaction() as conn:
                if replace:
                    # UPDATE, not INSERT OR REPLACE: REPLACE would silently delete *another*
                    # resource holding the same unique name instead of failing.
                    columns = _COLUMNS.split(", ")[1:]
                    conn.execute(f"UPDATE local_resources SET {', '.join(c + '=?' for c in columns)} "
                                 "WHERE rid=?", (*values[1:], res.rid))
                else:
                    conn.execute(f"INSERT INTO local_resources ({_COLUMNS}) "
                                 "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", values)
                if token is not None:
                    self._insert_token(conn, *token)
        except sqlite3.IntegrityError as exc:
            if "local_resources.rid" in str(exc):
                raise NameTaken("resource", "", res.rid) from exc
            raise NameTaken(res.name_kind or "", res.name_scope or "", res.name or "") from exc

    def get_resource(self, account_id: str, region: str, type_name: str,
                     physical_id: str) -> StoredResource | None:
        row = self._fetchone(
            f"SELECT {_COLUMNS} FROM local_resources WHERE account_id=? AND region=? AND type_name=? "
            "AND physical_id=? ORDER BY created_at DESC", (account_id, region, type_name, physical_id)
        )
        return _row_to_resource(row) if row else None

    def find_by_id(self, type_name: str, physical_id: str) -> list[StoredResource]:
        """Every account/region holding this type and physical ID (read() is not told the account)."""
        rows = self._fetchall(
            f"SELECT {_COLUMNS} FROM local_resources WHERE type_name=? AND physical_id=? "
            "ORDER BY created_at DESC", (type_name, physical_id))
        return [_row_to_resource(r) for r in rows]

    def find_by_name(self, name_kind: str, name_scope: str, name: str) -> StoredResource | None:
        row = self._fetchone(
            f"SELECT {_COLUMNS} FROM local_resources WHERE name_kind=? AND name_scope=? AND name=?",
            (name_kind, name_scope, name))
        return _row_to_resource(row) if row else None

    def find_physical_id(self, account_id: str, region: str, type_names: Sequence[str],
                         physical_id: str) -> StoredResource | None:
        """A resource of any of `type_names` with this physical ID in the account/region."""
        marks = ",".join("?" * len(type_names))
        row = self._fetchone(
            f"SELECT {_COLUMNS} FROM local_resources WHERE account_id=? AND region=? "
            f"AND type_name IN ({marks}) AND physical_id=?",
            (account_id, region, *type_names, physical_id))
        return _row_to_resource(row) if row else None

    def find_attribute(self, account_id: str, region: str | None, type_name: str, attribute: str,
                       value: str) -> StoredResource | None:
        """A resource whose attribute (e.g. a role's Arn) equals `value`; region None = any region."""
        if attribute == "Arn":  # the indexed expression (local_resources_by_arn), spelled alike
            sql = (f"SELECT {_COLUMNS} FROM local_resources WHERE account_id=? AND type_name=? "
                   "AND json_extract(attributes, '$.\"Arn\"') = ?")
            args: list[Any] = [account_id, type_name, value]
        else:
            sql = (f"SELECT {_COLUMNS} FROM local_resources WHERE account_id=? AND type_name=? "
                   "AND json_extract(attributes, ?) = ?")
            args = [account_id, type_name, f'$."{attribute}"', value]
        if region is not None:
            sql += " AND region=?"
            args.append(region)
        row = self._fetchone(sql, args)
        return _row_to_resource(row) if row else None

    def list_resources(self, account_id: str | None = None, region: str | None = None,
                       type_name: str | None = None, stack_id: str | None = None) -> list[StoredResource]:
        clauses, args = [], []
        for column, value in (("account_id", account_id), ("region", region),
                              ("type_name", type_name), ("stack_id", stack_id)):
            if value is not None:
                clauses.append(f"{column}=?")
                args.append(value)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._fetchall(
            f"SELECT {_COLUMNS} FROM local_resources{where} "
            "ORDER BY account_id, region, type_name, physical_id", args)
        return [_row_to_resource(r) for r in rows]

    def find_physical(self, account_id: str, region: str, type_name: str, physical_id: str,
                      stack_id: str | None = None) -> list[StoredResource]:
        """The resources of a type with this physical ID (of one stack, if given)."""
        sql = (f"SELECT {_COLUMNS} FROM local_resources WHERE account_id=? AND region=? "
               "AND type_name=? AND physical_id=?")
        args = [account_id, region, type_name, physical_id]
        if stack_id is not None:
            sql += " AND stack_id=?"
            args.append(stack_id)
        return [_row_to_resource(r) for r in self._fetchall(sql + " ORDER BY rid", args)]

    def get_by_rid(self, rid: str) -> StoredResource | None:
        row = self._fetchone(f"SELECT {_COLUMNS} FROM local_resources WHERE rid=?",
                             (rid,))
        return _row_to_resource(row) if row else None

    def delete_resource(self, rid: str, *, token: tuple[str, str, Json] | None = None) -> bool:
        with self.transaction() as conn:
            deleted = conn.execute("DELETE FROM local_resources WHERE rid=?", (rid,)).rowcount > 0
            if token is not None:
                self._insert_token(conn, *token)
            return deleted

    # -- idempotency tokens and generations -------------------------------------------------

    def token_result(self, token: str) -> tuple[str, Json] | None:
        row = self._fetchone("SELECT operation, result FROM local_tokens WHERE token=?",
                             (token,))
        return (row[0], json.loads(row[1])) if row else None

    def record_token(self, token: str, operation: str, result: Json) -> None:
        with self.transaction() as conn:
            self._insert_token(conn, token, operation, result)

    def _insert_token(self, conn: sqlite3.Connection, token: str, operation: str, result: Json) -> None:
        conn.execute("INSERT OR REPLACE INTO local_tokens VALUES (?,?,?,?)",
                     (token, operation, _dumps(result), self.now()))

    def next_generation(self, stack_id: str, logical_id: str) -> int:
        """0 for the first resource created for (stack, logical id), 1 for its replacement, ...:
        part of the naming seed, so a replacement gets a new name yet runs stay reproducible."""
        with self.transaction() as conn:
            row = conn.execute("SELECT n FROM local_generations WHERE stack_id=? AND logical_id=?",
                               (stack_id, logical_id)).fetchone()
            n = row[0] + 1 if row else 0
            conn.execute("INSERT OR REPLACE INTO local_generations VALUES (?,?,?)",
                         (stack_id, logical_id, n))
        return int(n)

    # -- SSM parameters ---------------------------------------------------------------------

    def put_ssm_parameter(self, account_id: str, region: str, name: str, value: str,
                          type_: str = "String") -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO local_ssm_parameters VALUES (?,?,?,?,?,1) "
                "ON CONFLICT (account_id, region, name) DO UPDATE SET "
                "type=excluded.type, value=excluded.value, version=version+1",
                (account_id, region, name, type_, value))

    def get_ssm_parameter(self, account_id: str, region: str, name: str) -> tuple[str, str] | None:
        """(type, value) of a parameter, or None."""
        row = self._fetchone(
            "SELECT type, value FROM local_ssm_parameters WHERE account_id=? AND region=? AND name=?",
            (account_id, region, name))
        return (row[0], row[1]) if row else None

    def delete_ssm_parameter(self, account_id: str, region: str, name: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM local_ssm_parameters WHERE account_id=? AND region=? AND name=?",
                         (account_id, region, name))

    def list_ssm_parameters(self, account_id: str | None = None,
                            region: str | None = None) -> list[tuple[str, str, str, str, str]]:
        rows = self._fetchall(
            "SELECT account_id, region, name, type, value FROM local_ssm_parameters "
            "WHERE (? IS NULL OR account_id=?) AND (? IS NULL OR region=?) "
            "ORDER BY account_id, region, name", (account_id, account_id, region, region))
        return [tuple(r) for r in rows]  # type: ignore[misc]

    # -- S3 objects (bucket names are global, so objects are keyed by bucket alone) ---------

    def put_object(self, bucket: str, key: str, body: bytes) -> S3Object:
        import hashlib

        etag = hashlib.md5(body, usedforsecurity=False).hexdigest()
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO local_s3_objects VALUES (?,?,?,?,?)",
                         (bucket, key, body, etag, self.now()))
        return S3Object(bucket, key, body, etag)

    def get_object(self, bucket: str, key: str) -> S3Object | None:
        row = self._fetchone("SELECT bucket, key, body, etag FROM local_s3_objects "
                             "WHERE bucket=? AND key=?", (bucket, key))
        return S3Object(row[0], row[1], bytes(row[2]), row[3]) if row else None

    def list_objects(self, bucket: str) -> list[str]:
        rows = self._fetchall("SELECT key FROM local_s3_objects WHERE bucket=? ORDER BY key",
                              (bucket,))
        return [r[0] for r in rows]

    def delete_object(self, bucket: str, key: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM local_s3_objects WHERE bucket=? AND key=?", (bucket, key))

    def empty_bucket(self, bucket: str) -> int:
        with self.transaction() as conn:
            return conn.execute("DELETE FROM local_s3_objects WHERE bucket=?", (bucket,)).rowcount

    # -- snapshots --------------------------------------------------------------------------

    def record_snapshot(self, snap: Snapshot) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO local_snapshots VALUES (?,?,?,?,?,?,?)",
                         (snap.snapshot_id, snap.account_id, snap.region, snap.type_name,
                          snap.physical_id, _dumps(snap.properties), snap.created_at))

    def list_snapshots(self, account_id: str | None = None) -> list[Snapshot]:
        rows = self._fetchall(
            "SELECT snapshot_id, account_id, region, type_name, physical_id, properties, created_at "
            "FROM local_snapshots WHERE (? IS NULL OR account_id=?) ORDER BY created_at, snapshot_id",
            (account_id, account_id))
        return [Snapshot(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6]) for r in rows]
