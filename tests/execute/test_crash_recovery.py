"""kill -9 at random points of a deploy, then recovery: no orphan, nothing lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from file_provider import FileProvider
from stackengine.engine import Engine, EngineConfig, StackRequest
from stackengine.state.base import StackStatus

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "crash_worker.py")


def template(version: int, n: int = 12) -> str:
    """A chain-and-fan DAG of SSM parameters; v2 changes values (in place), names of some
    (replacement), drops the last two and adds two."""
    lines = ["Resources:"]
    names = [f"P{i}" for i in range(n)] if version == 1 else \
        [f"P{i}" for i in range(n - 2)] + ["N1", "N2"]
    for i, name in enumerate(names):
        value = f"v{version}" if i % 2 == 0 else "same"
        if i >= 2:
            value = f"!Sub '{value}-${{{names[i // 2]}}}'"
        lines += [f"  {name}:", "    Type: AWS::SSM::Parameter", "    Properties:",
                  "      Type: String", f"      Value: {value}"]
        if i % 3 == 0:
            lines.append(f"      Name: /crash/{name}/{version}")
    return "\n".join(lines) + "\n"


def check_consistent(engine: Engine, provider: FileProvider, stack: str) -> dict[str, dict]:
    """The provider holds exactly the stack's resources, with the recorded properties."""
    live = provider.all()
    record = engine.store.get_stack(engine.config.account_id, engine.config.region, stack)
    rows = engine.store.resources(record.stack_id) if record else {}
    assert not engine.store.pending(record.stack_id) if record else True
    assert set(live) == {r.physical_id for r in rows.values()}, (sorted(live), rows.keys())
    for row in rows.values():
        assert row.previous is None and row.stale is None and not row.removing
        assert live[row.physical_id]["props"] == dict(row.properties)
    return {r.logical_id: dict(r.properties) for r in rows.values()}


def run_and_kill(state: str, directory: str, tpl: str, stack: str, delay: float) -> None:
    proc = subprocess.Popen([sys.executable, WORKER, state, directory, tpl, stack],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    proc.stdout.readline()  # the first event: execution has begun
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.mark.parametrize("seed", range(8))
def test_kill_during_update_then_recover(tmp_path, seed):
    rng = random.Random(seed)
    state, directory = str(tmp_path / "state.db"), str(tmp_path / "res")
    provider = FileProvider(directory)
    (tmp_path / "v1.yaml").write_text(template(1))
    (tmp_path / "v2.yaml").write_text(template(2))
    engine = Engine(EngineConfig(state_path=state), provider=provider)
    assert engine.deploy(StackRequest(str(tmp_path / "v1.yaml"), "crash")).record.status \
        is StackStatus.CREATE_COMPLETE
    before = check_consistent(engine, provider, "crash")

    run_and_kill(state, directory, str(tmp_path / "v2.yaml"), "crash", rng.uniform(0.0, 0.2))

    engine = Engine(EngineConfig(state_path=state), provider=provider)
    record = engine.recover("crash")
    assert record.status in (StackStatus.UPDATE_ROLLBACK_COMPLETE, StackStatus.UPDATE_COMPLETE), \
        record.status
    after = check_consistent(engine, provider, "crash")
    if record.status is StackStatus.UPDATE_ROLLBACK_COMPLETE:
        assert after == before
    else:
        assert set(after) == {f"P{i}" for i in range(10)} | {"N1", "N2"}
    # and the stack is usable again
    outcome = engine.deploy(StackRequest(str(tmp_path / "v2.yaml"), "crash"))
    assert outcome.no_changes or outcome.record.status is StackStatus.UPDATE_COMPLETE
    check_consistent(engine, provider, "crash")


@pytest.mark.parametrize("seed", range(4))
def test_kill_during_create_then_next_deploy_recovers(tmp_path, seed):
    rng = random.Random(100 + seed)
    state, directory = str(tmp_path / "state.db"), str(tmp_path / "res")
    provider = FileProvider(directory)
    (tmp_path / "v1.yaml").write_text(template(1))
    run_and_kill(state, directory, str(tmp_path / "v1.yaml"), "crash", rng.uniform(0.0, 0.2))
    engine = Engine(EngineConfig(state_path=state), provider=provider)
    outcome = engine.deploy(StackRequest(str(tmp_path / "v1.yaml"), "crash"))
    check_consistent(engine, provider, "crash")
    assert outcome.no_changes or outcome.record.status is StackStatus.CREATE_COMPLETE
    assert engine.stack("crash").status is StackStatus.CREATE_COMPLETE
