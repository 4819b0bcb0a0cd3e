"""Run one deploy in this process (the test kills it): crash_worker.py STATE DIR TEMPLATE STACK."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from file_provider import FileProvider  # noqa: E402
from stackengine.engine import Engine, EngineConfig, ExecuteOptions, StackRequest  # noqa: E402

state, directory, template, stack = sys.argv[1:5]
engine = Engine(EngineConfig(state_path=state), provider=FileProvider(directory, latency=0.02))
seen = []


def listener(event: object) -> None:
    if not seen:  # the parent starts its random delay when execution begins
        seen.append(event)
        print("started", flush=True)


engine.deploy(StackRequest(template, stack), ExecuteOptions(max_parallel=4), listener=listener)
print("done", flush=True)
