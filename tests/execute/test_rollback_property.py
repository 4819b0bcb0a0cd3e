"""Property: random DAGs, random failure points → after rollback the provider holds exactly the
resources (and properties) of the previous state."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from harness import Harness
from memory_provider import MemoryProvider
from stackengine.state.base import StackStatus
from stackengine.template.model import ResourceDecl


class Schemas:
    class _S:
        def is_create_only(self, path):
            return bool(path) and path[0] == "Name"

        def is_conditional_create_only(self, path):
            return False

    def get(self, type_name):
        return self._S()


@st.composite
def dags(draw, prefix: str = "R"):
    n = draw(st.integers(1, 9))
    names = [f"{prefix}{i}" for i in range(n)]
    resources = {}
    for i, name in enumerate(names):
        deps = draw(st.lists(st.sampled_from(names[:i]), unique=True, max_size=3)) if i else []
        props = {f"D{k}": {"Ref": d} for k, d in enumerate(deps)}
        props["V"] = draw(st.integers(0, 2))
        props["Name"] = draw(st.integers(0, 1))
        resources[name] = ResourceDecl(name, "Test::R", props)
    return resources


@st.composite
def update_plans(draw):
    old = draw(dags())
    new: dict[str, ResourceDecl] = {}
    for name, decl in old.items():
        if draw(st.booleans()) or not new:
            props = dict(decl.properties)
            props = {k: v for k, v in props.items() if not k.startswith("D") or v["Ref"] in new}
            props["V"] = draw(st.integers(0, 2))       # in-place update (or none)
            props["Name"] = draw(st.integers(0, 1))    # replacement (or none)
            new[name] = ResourceDecl(name, "Test::R", props)
    for i in range(draw(st.integers(0, 3))):            # additions, depending on kept ones
        deps = draw(st.lists(st.sampled_from(sorted(new)), unique=True, max_size=2))
        props = {f"D{k}": {"Ref": d} for k, d in enumerate(deps)}
        new[f"N{i}"] = ResourceDecl(f"N{i}", "Test::R", {**props, "V": 0})
    failing = draw(st.sampled_from(sorted(new)))
    op = draw(st.sampled_from(["create", "update"]))
    return old, new, failing, op


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(dags(), st.data(), st.booleans())
def test_failed_create_leaves_nothing(resources, data, synchronous):
    failing = data.draw(st.sampled_from(sorted(resources)))
    provider = MemoryProvider(synchronous=synchronous)  # inline or on worker threads
    provider.fail.add(("create", failing))
    with tempfile.TemporaryDirectory() as tmp:
        h = Harness(Path(tmp) / "s.db", provider, schemas=Schemas(), max_parallel=3)
        record = h.deploy("s", resources)
        assert record.status is StackStatus.ROLLBACK_COMPLETE
        assert provider.resources == {}
        assert h.resources("s") == {}
        h.store.close()


@SETTINGS
@given(update_plans(), st.booleans())
def test_failed_update_restores_previous_state(plan, synchronous):
    old, new, failing, op = plan
    provider = MemoryProvider(synchronous=synchronous)
    with tempfile.TemporaryDirectory() as tmp:
        h = Harness(Path(tmp) / "s.db", provider, schemas=Schemas(), max_parallel=3)
        assert h.deploy("s", old).status is StackStatus.CREATE_COMPLETE
        before = provider.by_logical()
        before_ids = provider.physical_ids()
        provider.fail.add((op, failing))
        provider.calls.clear()
        record = h.deploy("s", new)
        rows = h.resources("s")
        assert provider.physical_ids() == {r.physical_id for r in rows.values()}
        if record.status is StackStatus.UPDATE_ROLLBACK_COMPLETE:
            assert provider.by_logical() == before
            assert provider.physical_ids() == before_ids
            assert set(rows) == set(old)
        else:  # the failing operation was never needed
            assert record.status is StackStatus.UPDATE_COMPLETE
            assert (op, failing) not in provider.calls
            assert set(rows) == set(new)
        assert all(r.previous is None and r.stale is None and not r.removing
                   for r in rows.values())
        h.store.close()
