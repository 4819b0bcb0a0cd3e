"""Engine benchmarks (a script, not a test).

(1) Scheduling: with a provider latency of 50 ms per operation, deploy wall time ÷ the ideal
    schedule's time, max(critical path × 50 ms, resources × 50 ms ÷ max-parallel), for templates
    of 100, 500 and 2,000 resources from ../shared/tools/gen_template.py. Goal ≤ 1.15.
(2) Scaling: change-set computation and a no-op deploy from 100 to 5,000 resources (no latency).
    Goal: linear growth.

    python benchmarks/bench_engine.py [--sizes 100 500 2000] [--scale 100 1000 5000] [--quick]
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Mapping

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stackengine.engine import Engine, EngineConfig, ExecuteOptions, StackRequest  # noqa: E402
from stackengine.providers.base import ResourceResult, StackRef  # noqa: E402

GEN = Path(os.environ.get("GEN_TEMPLATE", ROOT.parent / "shared" / "tools" / "gen_template.py"))
LATENCY = 0.05


class SleepProvider:
    """Every operation takes `latency` seconds; resources live in memory."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        self.live: dict[str, Any] = {}

    def create(self, stack: StackRef, type_name: str, logical_id: str,
               properties: Mapping[str, Any], token: str) -> ResourceResult:
        time.sleep(self.latency)
        with self.lock:
            physical = f"{logical_id}-{next(self.ids)}"
            self.live[physical] = properties
        return ResourceResult(physical, _attributes(physical, type_name))

    def update(self, stack: StackRef, type_name: str, logical_id: str, physical_id: str,
               old: Mapping[str, Any], new: Mapping[str, Any], token: str) -> ResourceResult:
        time.sleep(self.latency)
        return ResourceResult(physical_id, _attributes(physical_id, type_name))

    def delete(self, stack: StackRef, type_name: str, logical_id: str, physical_id: str,
               token: str, *, snapshot: bool = False) -> None:
        time.sleep(self.latency)
        with self.lock:
            self.live.pop(physical_id, None)

    def read(self, type_name: str, physical_id: str) -> ResourceResult | None:
        return ResourceResult(physical_id, _attributes(physical_id, type_name))

    def supports_snapshot(self, type_name: str) -> bool:
        return False


def _attributes(physical: str, type_name: str = "") -> dict[str, Any]:
    """A value for every GetAtt name the type's schema declares."""
    from stackengine.specs import default_registry

    schema = default_registry().get(type_name) if type_name else None
    names = schema.getatt_names() if schema is not None else []
    return {"Arn": f"arn:aws:bench:::{physical}",
            **{name: f"{physical}.{name}" for name in names if "*" not in name}}


def generate(n: int, directory: Path) -> Path:
    path = directory / f"t{n}.yaml"
    if not path.exists():
        text = subprocess.run([sys.executable, str(GEN), str(n)], check=True,
                              capture_output=True, text=True).stdout
        path.write_text(text)
    return path


def schedule_ratio(n: int, directory: Path, max_parallel: int) -> dict[str, float]:
    template = generate(n, directory)
    engine = Engine(EngineConfig(state_path=str(directory / f"sched{n}.db")),
                    provider=SleepProvider(LATENCY))
    request = StackRequest(str(template), f"bench{n}", capabilities=("CAPABILITY_IAM",))
    graph = engine.graph(request)  # for the critical path; not part of the deploy
    start = time.perf_counter()
    cs = engine.create_change_set(request, "bench")
    planned = time.perf_counter()
    record = engine.execute_change_set(request.stack_name, cs.name,
                                       ExecuteOptions(max_parallel=max_parallel))
    done = time.perf_counter()
    assert record.status.value == "CREATE_COMPLETE", (record.status, record.status_reason)
    resources = len(graph.types)
    ideal = max(graph.critical_path_length() * LATENCY, resources * LATENCY / max_parallel)
    return {"resources": resources, "critical_path": graph.critical_path_length(),
            "ideal_s": ideal, "execute_s": done - planned, "plan_s": planned - start,
            "ratio_execute": (done - planned) / ideal, "ratio_total": (done - start) / ideal}


def scaling(n: int, directory: Path) -> dict[str, float]:
    template = generate(n, directory)
    engine = Engine(EngineConfig(state_path=str(directory / f"scale{n}.db")),
                    provider=SleepProvider(0.0))
    request = StackRequest(str(template), f"scale{n}", capabilities=("CAPABILITY_IAM",))
    engine.deploy(request, ExecuteOptions(max_parallel=10))
    start = time.perf_counter()
    cs = engine.create_change_set(request, "plan-only")
    plan_s = time.perf_counter() - start
    engine.delete_change_set(request.stack_name, cs.name)
    start = time.perf_counter()
    outcome = engine.deploy(request)
    noop_s = time.perf_counter() - start
    assert outcome.no_changes
    return {"resources": n, "changeset_s": plan_s, "noop_deploy_s": noop_s}


def lift_quotas() -> None:
    """CloudFormation allows 500 resources and 200 outputs per stack and `render` says so; the
    engine has no such limit, and the 2,000/5,000-resource figures need templates beyond it."""
    from stackengine.template import structure

    structure.MAX_RESOURCES = 1_000_000
    structure.MAX_OUTPUTS = 1_000_000


def main() -> None:
    lift_quotas()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 500, 2000])
    parser.add_argument("--scale", type=int, nargs="*", default=[100, 500, 1000, 2000, 5000])
    parser.add_argument("--max-parallel", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="100 and 500 only")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.scale = [100, 500], [100, 500, 1000]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        print(f"(1) schedule, latency {LATENCY * 1000:.0f} ms, max-parallel {args.max_parallel}")
        print(f"{'resources':>9} {'crit':>5} {'ideal s':>8} {'exec s':>8} {'plan s':>7} "
              f"{'exec/ideal':>10} {'total/ideal':>11}")
        for n in args.sizes:
            r = schedule_ratio(n, directory, args.max_parallel)
            print(f"{r['resources']:>9} {r['critical_path']:>5} {r['ideal_s']:>8.2f} "
                  f"{r['execute_s']:>8.2f} {r['plan_s']:>7.2f} {r['ratio_execute']:>10.3f} "
                  f"{r['ratio_total']:>11.3f}", flush=True)
        print("(2) scaling, no latency")
        print(f"{'resources':>9} {'changeset s':>11} {'per-res ms':>10} {'no-op s':>8} "
              f"{'per-res ms':>10}")
        for n in args.scale:
            r = scaling(n, directory)
            print(f"{n:>9} {r['changeset_s']:>11.3f} {r['changeset_s'] / n * 1000:>10.3f} "
                  f"{r['noop_deploy_s']:>8.3f} {r['noop_deploy_s'] / n * 1000:>10.3f}", flush=True)


if __name__ == "__main__":
    main()
