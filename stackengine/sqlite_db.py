"""One SQLite connection with re-entrant transactions, shareable by the components that keep
their tables in the same file (the state store and the local provider's emulated account).

Sharing it is what lets a local provider's change and the journal entry that records it commit
as one transaction: a crash then loses both or neither, so the journal needs no separate
"before" commit, and many operations can share one commit (`commit_pending`).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from typing import Any, Iterator, Sequence


class Database:
    """A connection used under one re-entrant lock. The outermost `transaction()` is
    `BEGIN IMMEDIATE … COMMIT`; an inner one joins it, or with `savepoint=True` is a SAVEPOINT
    whose failure undoes only itself."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.mutex = threading.RLock()
        self._depth = 0

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextlib.contextmanager
    def transaction(self, *, savepoint: bool = False) -> Iterator[sqlite3.Connection]:
        with self.mutex:
            conn = self.connection
            if self._depth and not savepoint:
                yield conn
                return
            name = f"sp{self._depth}"
            conn.execute(f"SAVEPOINT {name}" if self._depth else "BEGIN IMMEDIATE")
            outermost = self._depth == 0
            self._depth += 1
            try:
                yield conn
            except BaseException:
                if outermost:
                    conn.execute("ROLLBACK")
                else:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
                raise
            finally:
                self._depth -= 1
            conn.execute("COMMIT" if outermost else f"RELEASE {name}")

    def commit_pending(self) -> None:
        """Inside exactly one open transaction (the caller's group), commit what it holds and
        go on in a new one: the group's work so far becomes durable."""
        with self.mutex:
            if self._depth == 1:
                self.connection.execute("COMMIT")
                self.connection.execute("BEGIN IMMEDIATE")

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.mutex:
            return self.connection.execute(sql, args).fetchall()

    def query_one(self, sql: str, args: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        with self.mutex:
            row: tuple[Any, ...] | None = self.connection.execute(sql, args).fetchone()
            return row

    def close(self) -> None:
        with self.mutex:
            self.connection.close()
