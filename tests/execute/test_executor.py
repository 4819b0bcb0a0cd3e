from __future__ import annotations

import pytest

from harness import Harness, R
from memory_provider import MemoryProvider
from stackengine.execute.rollback import InvalidStackStatus
from stackengine.state.base import StackStatus
from stackengine.template.model import OutputDecl, ResourceDecl

CHAIN = [R("A"), R("B", ("A",)), R("C", ("B",)), R("D", ("A",))]


class Schemas:
    """Test::R replaces when Name changes."""

    class _S:
        def is_create_only(self, path):
            return bool(path) and path[0] == "Name"

        def is_conditional_create_only(self, path):
            return False

    def get(self, type_name):
        return self._S() if type_name == "Test::R" else None


@pytest.fixture
def provider():
    return MemoryProvider()


@pytest.fixture
def h(tmp_path, provider):
    return Harness(tmp_path / "state.db", provider, schemas=Schemas())


def stack_statuses(h, name="s"):
    return [s for lid, s in h.statuses(name) if lid == name]


def test_create_success_transitions_and_values_flow(h, provider):
    rec = h.deploy("s", CHAIN, outputs={"Out": OutputDecl("Out", {"Fn::GetAtt": ["C", "Arn"]},
                                                          "desc", "exp-c")})
    assert rec.status is StackStatus.CREATE_COMPLETE
    assert stack_statuses(h) == ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]
    res = h.resources("s")
    assert set(res) == {"A", "B", "C", "D"}
    live = provider.by_logical()
    assert live["B"]["Dep0"] == res["A"].physical_id
    assert live["C"]["Dep0"] == res["B"].physical_id
    assert rec.outputs == ({"OutputKey": "Out", "OutputValue": f"arn:{res['C'].physical_id}",
                            "Description": "desc", "ExportName": "exp-c"},)
    assert [e.name for e in h.store.exports("123456789012", "us-east-1")] == ["exp-c"]
    per_resource = [s for lid, s in h.statuses("s") if lid == "A"]
    assert per_resource == ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]
    assert rec.serial == 2 and not h.store.pending(rec.stack_id)


def test_parallelism_is_bounded(tmp_path):
    provider = MemoryProvider(latency=0.02)
    h = Harness(tmp_path / "s.db", provider, max_parallel=3)
    h.deploy("s", [R(f"N{i}") for i in range(12)])
    assert provider.max_active == 3


@pytest.mark.parametrize("failing", ["A", "B", "C", "D"])
def test_create_failure_at_each_position_rolls_back_everything(h, provider, failing):
    provider.fail.add(("create", failing))
    rec = h.deploy("s", CHAIN)
    assert rec.status is StackStatus.ROLLBACK_COMPLETE
    assert stack_statuses(h) == ["CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]
    assert f"failed to create: [{failing}]" in rec.status_reason
    assert provider.resources == {}
    assert h.resources("s") == {}
    started = {lid for op, lid in provider.calls if op == "create"}
    dependents = {"A": {"B", "C", "D"}, "B": {"C"}, "C": set(), "D": set()}[failing]
    assert not (started & dependents)


def test_disable_rollback_keeps_what_was_made(h, provider):
    provider.fail.add(("create", "C"))
    rec = h.deploy("s", CHAIN, disable_rollback=True)
    assert rec.status is StackStatus.CREATE_FAILED
    live = set(provider.by_logical())
    assert {"A", "B"} <= live <= {"A", "B", "D"}  # D is made, or cancelled if it had to wait
    made = {k for k, r in h.resources("s").items() if r.physical_id}
    assert made == live
    h.delete("s")
    assert provider.resources == {}


def test_update_in_place_add_remove(h, provider):
    h.deploy("s", [R("A", V=1), R("B", ("A",)), R("Gone")])
    rec = h.deploy("s", [R("A", V=2), R("B", ("A",)), R("New", ("A",))])
    assert rec.status is StackStatus.UPDATE_COMPLETE
    assert stack_statuses(h)[-3:] == ["UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
                                      "UPDATE_COMPLETE"]
    live = provider.by_logical()
    assert set(live) == {"A", "B", "New"} and live["A"]["V"] == 2
    assert set(h.resources("s")) == {"A", "B", "New"}
    assert all(r.previous is None for r in h.resources("s").values())


def test_replacement_creates_new_first_and_deletes_old_in_cleanup(h, provider):
    h.deploy("s", [R("A", Name="one"), R("B", ("A",)), R("C")])
    old_a = h.resources("s")["A"].physical_id
    provider.calls.clear()
    rec = h.deploy("s", [R("A", Name="two"), R("B", ("A",)), R("C", V=1)])
    assert rec.status is StackStatus.UPDATE_COMPLETE
    new_a = h.resources("s")["A"].physical_id
    assert new_a != old_a and old_a not in provider.resources
    assert provider.by_logical()["B"]["Dep0"] == new_a
    ops = provider.calls
    assert ops.index(("create", "A")) < ops.index(("update", "B")) < ops.index(("delete", "A"))
    assert ops.index(("update", "C")) < ops.index(("delete", "A"))  # delete only after all updates


def test_update_failure_restores_previous_properties(h, provider):
    h.deploy("s", [R("A", V=1), R("B", ("A",), V=1), R("Keep"), R("Gone")])
    before = provider.by_logical()
    before_ids = provider.physical_ids()
    provider.fail.add(("update", "B"))
    rec = h.deploy("s", [R("A", V=2, Name="x"), R("B", ("A",), V=2), R("Keep"), R("Added")])
    assert rec.status is StackStatus.UPDATE_ROLLBACK_COMPLETE
    assert stack_statuses(h)[-4:] == ["UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS",
                                      "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
                                      "UPDATE_ROLLBACK_COMPLETE"]
    assert provider.by_logical() == before          # A's replacement gone, old A kept, Added gone
    assert provider.physical_ids() == before_ids
    res = h.resources("s")
    assert set(res) == {"A", "B", "Keep", "Gone"}
    assert all(r.previous is None and not r.removing and r.stale is None for r in res.values())
    assert h.store.get_stack("123456789012", "us-east-1", "s").serial > rec.serial - 1


def test_update_rollback_failed_then_continue_with_skip(h, provider):
    from stackengine.providers.base import ProviderError
    h.deploy("s", [R("A", V=1), R("B", V=1)])
    original = provider.update
    calls = {"A": 0}

    def update(stack, t, lid, pid, old, new, token):
        if lid == "A":
            calls["A"] += 1
            if calls["A"] >= 2:  # the forward update works, restoring it does not
                raise ProviderError("restore refused")
        return original(stack, t, lid, pid, old, new, token)

    provider.update = update
    provider.fail.add(("create", "C"))
    rec = h.deploy("s", [R("A", V=3), R("B", V=1), R("C", ("A",))])
    assert rec.status is StackStatus.UPDATE_ROLLBACK_FAILED
    assert "failed to update: [A]" in rec.status_reason
    rec = h.continue_rollback("s")  # still refused
    assert rec.status is StackStatus.UPDATE_ROLLBACK_FAILED
    rec = h.continue_rollback("s", skip=["A"])
    assert rec.status is StackStatus.UPDATE_ROLLBACK_COMPLETE
    assert set(provider.by_logical()) == {"A", "B"}
    assert set(h.resources("s")) == {"A", "B"}
    assert h.resources("s")["A"].properties == {"V": 1}


def test_continue_update_rollback_requires_failed_state(h):
    h.deploy("s", [R("A")])
    with pytest.raises(InvalidStackStatus, match="UPDATE_ROLLBACK_FAILED"):
        h.continue_rollback("s")


def test_delete_reverse_order_policies_and_snapshot(tmp_path):
    provider = MemoryProvider(snapshot_types=("Snap::T",))
    h = Harness(tmp_path / "s.db", provider)
    h.deploy("s", [R("A"), R("B", ("A",)),
                   ResourceDecl("Kept", "Test::R", {}, deletion_policy="Retain"),
                   ResourceDecl("Snap", "Snap::T", {}, deletion_policy="Snapshot")])
    ids = {k: r.physical_id for k, r in h.resources("s").items()}
    provider.calls.clear()
    rec = h.delete("s")
    assert rec.status is StackStatus.DELETE_COMPLETE
    assert provider.calls.index(("delete", "B")) < provider.calls.index(("delete", "A"))
    assert set(provider.resources) == {ids["Kept"]}
    assert provider.snapshots == [ids["Snap"]]
    assert ("Kept", "DELETE_SKIPPED") in h.statuses("s")
    assert h.store.get_stack("123456789012", "us-east-1", "s") is None


def test_delete_failed_then_retry(h, provider):
    h.deploy("s", CHAIN)
    provider.fail.add(("delete", "B"))
    rec = h.delete("s")
    assert rec.status is StackStatus.DELETE_FAILED
    assert set(provider.by_logical()) == {"A", "B"}  # A waits for its dependent B
    assert set(h.resources("s")) == {"A", "B"}
    provider.fail.clear()
    assert h.delete("s").status is StackStatus.DELETE_COMPLETE
    assert provider.resources == {}


def test_delete_with_retain_resources(h, provider):
    h.deploy("s", [R("A"), R("B")])
    h.delete("s", retain=["B"])
    assert set(provider.by_logical()) == {"B"}


def test_update_replace_policy_retain_keeps_old_half(h, provider):
    h.deploy("s", [ResourceDecl("A", "Test::R", {"Name": "1"}, update_replace_policy="Retain")])
    old = h.resources("s")["A"].physical_id
    h.deploy("s", [ResourceDecl("A", "Test::R", {"Name": "2"}, update_replace_policy="Retain")])
    assert old in provider.resources and len(provider.resources) == 2


def test_retain_except_on_create_is_deleted_on_create_rollback(h, provider):
    provider.fail.add(("create", "B"))
    h.deploy("s", [ResourceDecl("A", "Test::R", {}, deletion_policy="RetainExceptOnCreate"),
                   R("B", ("A",))])
    assert provider.resources == {}
    provider.fail.clear()
    h2 = h
    h2.delete("s")
    h2.deploy("s2", [ResourceDecl("A", "Test::R", {}, deletion_policy="RetainExceptOnCreate")])
    h2.delete("s2")
    assert set(provider.by_logical()) == {"A"}


def test_unresolvable_value_fails_the_resource(h, provider):
    rec = h.deploy("s", [R("A"), ResourceDecl("B", "Test::R", {"X": {"Fn::GetAtt": ["A", "Nope"]}})])
    assert rec.status is StackStatus.ROLLBACK_COMPLETE
    assert provider.resources == {}


def test_exports_in_use_cannot_change_or_be_removed(h, provider):
    out = {"O": OutputDecl("O", {"Ref": "A"}, None, "shared")}
    h.deploy("exporter", [R("A")], outputs=out)
    h.deploy("importer", [R("X")], imports=("shared",))
    rec = h.deploy("exporter", [R("A")], outputs={})
    assert rec.status is StackStatus.UPDATE_ROLLBACK_COMPLETE
    assert "Cannot remove export shared as it is in use by importer" in rec.status_reason
    assert [e.name for e in h.store.exports("123456789012", "us-east-1")] == ["shared"]


def test_export_names_unique(h):
    out = {"O": OutputDecl("O", "v", None, "dup")}
    h.deploy("one", [R("A")], outputs=out)
    rec = h.deploy("two", [R("A")], outputs=out)
    assert rec.status is StackStatus.ROLLBACK_COMPLETE
    assert rec.status_reason == ("Export with name dup is already exported by stack one. "
                                 "Rollback requested by user.")


def test_update_after_update_failed_without_rollback_orphans_nothing(h, provider):
    h.deploy("s", [R("A", Name="1"), R("B", ("A",), V=1), R("Gone")])
    provider.fail.add(("update", "B"))  # after A's replacement, which B waits for
    rec = h.deploy("s", [R("A", Name="2"), R("B", ("A",), V=2)], disable_rollback=True)
    assert rec.status is StackStatus.UPDATE_FAILED
    assert len(provider.resources) == 4  # both halves of A, B, Gone
    provider.fail.clear()
    rec = h.deploy("s", [R("A", Name="2"), R("B", ("A",), V=2), R("Gone")])
    assert rec.status is StackStatus.UPDATE_COMPLETE
    assert set(provider.by_logical()) == {"A", "B", "Gone"} and len(provider.resources) == 3
    assert provider.by_logical()["B"]["V"] == 2


def test_calls_waiting_for_a_slot_are_cancelled_after_a_failure(tmp_path):
    provider = MemoryProvider(latency=0.05)
    provider.fail.add(("create", "A"))
    h = Harness(tmp_path / "c.db", provider, max_parallel=1)
    rec = h.deploy("s", [R("A"), R("B"), R("C")])
    assert rec.status is StackStatus.ROLLBACK_COMPLETE
    assert "failed to create: [A]" in rec.status_reason
    assert [c for c in provider.calls if c[0] == "create"] == [("create", "A")]
    events = h.statuses("s")
    cancelled = [lid for lid, s in events if s == "CREATE_FAILED" and lid != "A"]
    assert set(cancelled) <= {"B", "C"}
    assert provider.resources == {}


def test_a_failing_progress_listener_does_not_fail_the_deploy(tmp_path):
    provider = MemoryProvider()
    h = Harness(tmp_path / "l.db", provider)

    def broken(event):
        raise BrokenPipeError("terminal went away")

    run = h.run("s")
    run.events.listener = broken
    from stackengine.execute.executor import DeployRequest, Executor
    from harness import resolve
    rec = Executor(run).deploy(DeployRequest({"A": R("A")}, {}, resolve))
    assert rec.status is StackStatus.CREATE_COMPLETE


@pytest.mark.parametrize("latency", [0.01, 0.0], ids=["worker-threads", "inline"])
def test_ctrl_c_rolls_back_then_propagates(tmp_path, latency):
    import _thread

    class Interrupting(MemoryProvider):
        def create(self, stack, type_name, logical_id, properties, token):
            result = super().create(stack, type_name, logical_id, properties, token)
            if logical_id == "B":
                _thread.interrupt_main()
            return result

    provider = Interrupting(latency=latency)
    h = Harness(tmp_path / "i.db", provider, max_parallel=1)
    with pytest.raises(KeyboardInterrupt):
        h.deploy("s", [R("A"), R("B", ("A",)), R("C", ("B",))])
    record = h.store.get_stack("123456789012", "us-east-1", "s")
    assert record.status is StackStatus.ROLLBACK_COMPLETE
    assert "interrupted" in record.status_reason
    assert provider.resources == {}
    # B finished before the interrupt was acted on; C never started
    assert ("create", "C") not in provider.calls
    assert h.store.pending(record.stack_id) == []
