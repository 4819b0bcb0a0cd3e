"""Cloud Control identifiers versus what `Ref` returns.

Cloud Control names a resource by its schema's primaryIdentifier: one value, or several joined
with "|" ("restapi-id|resource-id" for an AWS::ApiGateway::Resource). CloudFormation's `Ref` (and
PhysicalResourceId) is, for most types, that same value — but not for compound identifiers and a
few documented exceptions, where it is one part ("resource-id") or another property (an
AWS::Events::Rule's Ref is its name, its identifier the ARN). The engine uses the physical ID as
Ref, so the provider reports the Ref value and keeps the identifier it needs for later calls in
`IdentifierMap` (a table next to the engine's state, written when the resource is created).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from typing import Any, Mapping

Json = Any
SEPARATOR = "|"

# Types whose Ref is not the rule below (first read-only part of a compound identifier, else
# the last part): the model property Ref returns, or None for the whole identifier.
REF_PROPERTY: dict[str, str | None] = {
    "AWS::Events::Rule": "Name",
    "AWS::ApiGatewayV2::Stage": "StageName",
    "AWS::ApiGateway::Method": None,
    "AWS::Logs::SubscriptionFilter": "FilterName",
    "AWS::EC2::VPCGatewayAttachment": None,
    "AWS::EC2::Route": None,
}


def _lookup(model: Mapping[str, Json], path: tuple[str, ...]) -> Json:
    node: Json = model
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def ref_value(schema: Any, identifier: str, model: Mapping[str, Json]) -> str:
    """What Ref returns for a resource Cloud Control calls `identifier`."""
    type_name = getattr(schema, "type_name", "")
    if type_name in REF_PROPERTY:
        prop = REF_PROPERTY[type_name]
        value = model.get(prop) if prop is not None else None
        return str(value) if value not in (None, "") else identifier
    parts = tuple(getattr(schema, "primary_identifier", ()) or ())
    if len(parts) <= 1:
        return identifier
    values = identifier.split(SEPARATOR)
    if len(values) != len(parts):
        return identifier
    read_only: frozenset[Any] = getattr(schema, "read_only", frozenset())
    for path, value in zip(parts, values):
        if path in read_only:
            return value
    return values[-1]


class IdentifierMap:
    """(stack ID, logical ID, type, physical ID) → Cloud Control identifier, durable in the
    state database when there is one (`aws_identifiers`), else in memory. Only resources whose
    Ref differs from their identifier have a row."""

    def __init__(self, db_path: str | None) -> None:
        self._lock = threading.Lock()
        self._memory: dict[tuple[str, str, str, str], str] = {}
        self._path = db_path if db_path and db_path != ":memory:" else None
        self._db: sqlite3.Connection | None = None
        self._table = False

    def _conn(self, *, create: bool) -> sqlite3.Connection | None:
        """Opened and the table made on the first write only: until a resource needs a row
        the state database is not touched (the engine's store creates the file first, with
        its permissions, and checks what tables it holds)."""
        if self._path is None:
            return None
        if self._db is None:
            if not create and not os.path.exists(self._path):
                return None
            self._db = sqlite3.connect(self._path, timeout=30, check_same_thread=False,
                                       isolation_level=None)
        if not self._table:
            exists = self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                      "name = 'aws_identifiers'").fetchone()
            if not exists and not create:
                return None
            self._db.execute("CREATE TABLE IF NOT EXISTS aws_identifiers (stack_id TEXT NOT NULL, "
                             "logical_id TEXT NOT NULL, type_name TEXT NOT NULL, "
                             "physical_id TEXT NOT NULL, identifier TEXT NOT NULL, "
                             "PRIMARY KEY (stack_id, logical_id, type_name, physical_id))")
            self._table = True
        return self._db

    def put(self, stack_id: str, logical_id: str, type_name: str, physical_id: str,
            identifier: str) -> None:
        with self._lock:
            db = self._conn(create=True)
            if db is None:
                self._memory[(stack_id, logical_id, type_name, physical_id)] = identifier
                return
            db.execute("INSERT OR REPLACE INTO aws_identifiers VALUES (?, ?, ?, ?, ?)",
                             (stack_id, logical_id, type_name, physical_id, identifier))

    def get(self, stack_id: str, logical_id: str, type_name: str, physical_id: str) -> str | None:
        with self._lock:
            db = self._conn(create=False)
            if db is None:
                return self._memory.get((stack_id, logical_id, type_name, physical_id))
            row = db.execute(
                "SELECT identifier FROM aws_identifiers WHERE stack_id = ? AND logical_id = ? "
                "AND type_name = ? AND physical_id = ?",
                (stack_id, logical_id, type_name, physical_id)).fetchone()
            return str(row[0]) if row else None

    def find(self, type_name: str, physical_id: str) -> str | None:
        """Without the stack (reconcile's `read`): the most recently written match."""
        with self._lock:
            db = self._conn(create=False)
            if db is None:
                found = [v for (_, _, t, p), v in self._memory.items()
                         if (t, p) == (type_name, physical_id)]
                return found[-1] if found else None
            row = db.execute(
                "SELECT identifier FROM aws_identifiers WHERE type_name = ? AND physical_id = ? "
                "ORDER BY rowid DESC LIMIT 1", (type_name, physical_id)).fetchone()
            return str(row[0]) if row else None

    def forget(self, stack_id: str, logical_id: str, type_name: str, physical_id: str) -> None:
        with self._lock:
            db = self._conn(create=False)
            if db is None:
                self._memory.pop((stack_id, logical_id, type_name, physical_id), None)
                return
            db.execute("DELETE FROM aws_identifiers WHERE stack_id = ? AND logical_id = ? "
                             "AND type_name = ? AND physical_id = ?",
                             (stack_id, logical_id, type_name, physical_id))
