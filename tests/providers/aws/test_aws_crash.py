"""kill -9 during a deploy through Cloud Control (the served emulator), then recovery: the
pending requests are repeated with their ClientTokens, so nothing is created twice and nothing
is left behind."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from stackengine.engine import Engine, EngineConfig, StackRequest
from stackengine.providers.aws.cloudcontrol import CloudControlOptions, CloudControlProvider, Polling
from stackengine.state.base import StackStatus

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "aws_crash_worker.py")


def template(n: int = 10) -> str:
    lines = ["Resources:"]
    for i in range(n):
        lines += [f"  Q{i}:", "    Type: AWS::SQS::Queue", "    Properties:",
                  f"      DelaySeconds: {i}"]
        if i >= 2:
            lines.append(f"    DependsOn: Q{i // 2}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(3))
def test_kill_during_create_then_recover(seed, serve, tmp_path):
    server = serve(latency_ms=30)
    state, path = str(tmp_path / "engine.db"), tmp_path / "t.yaml"
    path.write_text(template())
    proc = subprocess.Popen([sys.executable, WORKER, state, server.url, str(path), "crash"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"started"
        time.sleep(random.Random(seed).uniform(0.0, 0.15))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    provider = CloudControlProvider(None, endpoint_url=server.url, region="us-east-1",
                                    options=CloudControlOptions(polling=Polling(first_s=0.01)))
    engine = Engine(EngineConfig(state_path=state), provider=provider)
    outcome = engine.deploy(StackRequest(str(path), "crash"))
    assert outcome.no_changes or outcome.record.status is StackStatus.CREATE_COMPLETE
    record = engine.stack("crash")
    assert record.status is StackStatus.CREATE_COMPLETE
    assert not engine.store.pending(record.stack_id)
    rows = engine.store.resources(record.stack_id)
    live = [r for r in server.provider.store.list_resources() if r.stack_name == "crash"]
    # exactly one queue per logical ID in the account, and it is the one the state records
    assert sorted(r.logical_id for r in live) == sorted(f"Q{i}" for i in range(10))
    assert {r.physical_id for r in live} == {row.physical_id for row in rows.values()}
