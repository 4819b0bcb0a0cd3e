"""The shared connection: nested transactions as savepoints, group commits."""

from __future__ import annotations

import sqlite3

import pytest

from stackengine.sqlite_db import Database


def _db(path) -> Database:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
    return Database(conn)


def _keys(path) -> set[str]:
    other = sqlite3.connect(str(path))  # another connection sees committed rows only
    try:
        return {k for (k,) in other.execute("SELECT k FROM t")}
    finally:
        other.close()


def test_a_failing_savepoint_undoes_only_itself(tmp_path):
    db = _db(tmp_path / "d.db")
    with db.transaction() as conn:
        conn.execute("INSERT INTO t VALUES ('outer')")
        with pytest.raises(sqlite3.IntegrityError):
            with db.transaction(savepoint=True) as inner:
                inner.execute("INSERT INTO t VALUES ('inner')")
                inner.execute("INSERT INTO t VALUES ('outer')")  # duplicate: fails
        with db.transaction(savepoint=True) as inner:
            inner.execute("INSERT INTO t VALUES ('kept')")
    assert _keys(tmp_path / "d.db") == {"outer", "kept"}
    assert not db.in_transaction


def test_a_failing_outer_transaction_undoes_everything(tmp_path):
    db = _db(tmp_path / "d.db")
    with pytest.raises(RuntimeError):
        with db.transaction() as conn:
            conn.execute("INSERT INTO t VALUES ('a')")
            with db.transaction(savepoint=True) as inner:
                inner.execute("INSERT INTO t VALUES ('b')")
            raise RuntimeError("stop")
    assert _keys(tmp_path / "d.db") == set()


def test_commit_pending_makes_a_group_durable_so_far(tmp_path):
    db = _db(tmp_path / "d.db")
    with db.transaction() as conn:
        conn.execute("INSERT INTO t VALUES ('first')")
        assert _keys(tmp_path / "d.db") == set()
        db.commit_pending()
        assert _keys(tmp_path / "d.db") == {"first"}
        conn.execute("INSERT INTO t VALUES ('second')")
        with db.transaction(savepoint=True):
            db.commit_pending()  # not at the group's level: nothing is committed half-way
        assert _keys(tmp_path / "d.db") == {"first"}
    assert _keys(tmp_path / "d.db") == {"first", "second"}
