from __future__ import annotations

import threading

import pytest

from stackengine.providers.local.store import AccountStore, NameTaken, StoredResource


def _res(rid: str, name: str | None = None, account: str = "111111111111", scope: str = "111111111111"):
    return StoredResource(rid, account, "us-east-1", "AWS::SQS::Queue", f"pid-{rid}", "s", "sid", "Q",
                          "AWS::SQS::Queue" if name else None, scope if name else None, name,
                          {"A": 1}, {"Arn": f"arn-{rid}"}, {"Name": name})


def test_round_trip_and_persistence_across_instances(tmp_path):
    path = str(tmp_path / "db" / "state.db")
    store = AccountStore(path)
    store.put_resource(_res("r1", "q1"))
    store.put_ssm_parameter("111111111111", "us-east-1", "/app/x", "v1")
    store.put_object("bucket", "k", b"hello")
    store.close()
    again = AccountStore(path)
    got = again.get_resource("111111111111", "us-east-1", "AWS::SQS::Queue", "pid-r1")
    assert got is not None and got.properties == {"A": 1} and got.attributes["Arn"] == "arn-r1"
    assert again.get_ssm_parameter("111111111111", "us-east-1", "/app/x") == ("String", "v1")
    assert again.get_object("bucket", "k").body == b"hello"
    assert again.list_objects("bucket") == ["k"]


def test_unique_names_per_scope(tmp_path):
    store = AccountStore(str(tmp_path / "s.db"))
    store.put_resource(_res("r1", "same"))
    with pytest.raises(NameTaken):
        store.put_resource(_res("r2", "same"))
    # another account is another namespace
    store.put_resource(_res("r3", "same", account="222222222222", scope="222222222222"))
    # resources without unique names never collide
    store.put_resource(_res("r4"))
    store.put_resource(_res("r5"))


def test_wal_mode_and_own_tables_only(tmp_path):
    path = str(tmp_path / "s.db")
    store = AccountStore(path)
    conn = store._conn()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables and all(t.startswith("local_") for t in tables)


def test_threads_racing_for_one_name_only_one_wins(tmp_path):
    store = AccountStore(str(tmp_path / "s.db"))
    wins, losses = [], []

    def worker(i: int) -> None:
        try:
            store.put_resource(_res(f"r{i}", "contested"))
            wins.append(i)
        except NameTaken:
            losses.append(i)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1 and len(losses) == 7


def test_generations_and_tokens(tmp_path):
    store = AccountStore(str(tmp_path / "s.db"))
    assert [store.next_generation("s", "Q") for _ in range(3)] == [0, 1, 2]
    assert store.next_generation("s", "Other") == 0
    store.record_token("t", "create", {"physical_id": "p"})
    assert store.token_result("t") == ("create", {"physical_id": "p"})
    assert store.token_result("missing") is None


def test_update_to_a_taken_name_fails_and_keeps_the_other(tmp_path):
    store = AccountStore(str(tmp_path / "s.db"))
    store.put_resource(_res("r1", "first"))
    store.put_resource(_res("r2", "second"))
    with pytest.raises(NameTaken):
        store.put_resource(_res("r2", "first"), replace=True)
    assert store.get_by_rid("r1") is not None and store.get_by_rid("r2").name == "second"
    store.put_resource(_res("r2", "third"), replace=True)
    assert store.get_by_rid("r2").name == "third"
