"""Cloud Control path benchmark (a script, not a test).

Deploys a generated 100-resource template with the engine and the aws provider through the
emulator served on 127.0.0.1 (`stackengine emulator serve` in its own process, as an endpoint
is; `--in-process` serves it from a thread of this process instead, which then competes with
the engine for the GIL), with 50 ms of simulated latency per operation. Reports wall time ÷
the ideal schedule's time, max(critical path × 50 ms, resources × 50 ms ÷ max-parallel), as
bench_engine.py does for an in-process provider. Goal ≤ 1.3: the HTTP round trips and the
polling of GetResourceRequestStatus add little to the schedule.

    python benchmarks/bench_cloudcontrol.py [--sizes 100] [--max-parallel 10] [--latency-ms 50]
                                            [--repeat 3] [--in-process]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stackengine.emulator import EmulatorOptions, EmulatorServer  # noqa: E402
from stackengine.engine import Engine, EngineConfig, ExecuteOptions, StackRequest  # noqa: E402
from stackengine.providers.aws.cloudcontrol import CloudControlProvider  # noqa: E402

GEN = Path(os.environ.get("GEN_TEMPLATE", ROOT.parent / "shared" / "tools" / "gen_template.py"))


def generate(n: int, directory: Path) -> Path:
    path = directory / f"t{n}.yaml"
    text = subprocess.run([sys.executable, str(GEN), str(n)], check=True, capture_output=True,
                          text=True).stdout
    path.write_text(text)
    return path


@contextlib.contextmanager
def endpoint(db_path: Path, latency_ms: int, in_process: bool) -> Iterator[str]:
    if in_process:
        with EmulatorServer(str(db_path), EmulatorOptions(latency_ms=latency_ms)) as server:
            yield server.url
        return
    proc = subprocess.Popen([sys.executable, "-c", "from stackengine.cli.main import main; main()",
                             "--state", str(db_path), "emulator", "serve", "--port", "0",
                             "--latency", str(latency_ms)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError("the emulator did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run(n: int, directory: Path, max_parallel: int, latency_ms: int,
        in_process: bool) -> dict[str, float]:
    template = generate(n, directory)
    latency = latency_ms / 1000.0
    with endpoint(directory / f"account{n}.db", latency_ms, in_process) as url:
        provider = CloudControlProvider(None, endpoint_url=url, region="us-east-1")
        engine = Engine(EngineConfig(state_path=str(directory / f"engine{n}.db"),
                                     max_parallel=max_parallel), provider=provider)
        request = StackRequest(str(template), f"cc{n}", capabilities=("CAPABILITY_IAM",))
        graph = engine.graph(request)  # for the critical path; not part of the deploy
        provider.read("AWS::SQS::Queue", "warm-up")  # client creation is not part of the run
        start = time.perf_counter()
        change_set = engine.create_change_set(request, "bench")
        planned = time.perf_counter()
        record = engine.execute_change_set(request.stack_name, change_set.name,
                                           ExecuteOptions(max_parallel=max_parallel))
        done = time.perf_counter()
        assert record.status.value == "CREATE_COMPLETE", (record.status, record.status_reason)
    resources = len(graph.types)
    critical = graph.critical_path_length()
    ideal = max(critical * latency, resources * latency / max_parallel)
    return {"resources": resources, "critical_path": critical, "ideal_s": ideal,
            "execute_s": done - planned, "plan_s": planned - start,
            "ratio_execute": (done - planned) / ideal, "ratio_total": (done - start) / ideal}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100])
    parser.add_argument("--max-parallel", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--in-process", action="store_true",
                        help="serve the emulator from a thread of this process")
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "emulator")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "emulator")
    where = "in this process" if args.in_process else "in its own process"
    print(f"Cloud Control via the emulator served {where}, latency {args.latency_ms} ms, "
          f"max-parallel {args.max_parallel}")
    print(f"{'resources':>9} {'crit':>5} {'ideal s':>8} {'exec s':>8} {'plan s':>7} "
          f"{'exec/ideal':>10} {'total/ideal':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            ratios = []
            for attempt in range(args.repeat):
                directory = Path(tmp) / f"{n}-{attempt}"
                directory.mkdir()
                r = run(n, directory, args.max_parallel, args.latency_ms, args.in_process)
                ratios.append(r["ratio_execute"])
                print(f"{r['resources']:>9} {r['critical_path']:>5} {r['ideal_s']:>8.2f} "
                      f"{r['execute_s']:>8.2f} {r['plan_s']:>7.2f} {r['ratio_execute']:>10.3f} "
                      f"{r['ratio_total']:>11.3f}", flush=True)
            # Timing on a shared machine is noisy: the median is the figure to compare.
            print(f"{n} resources: median exec/ideal {statistics.median(ratios):.3f} "
                  f"(goal <= 1.3)", flush=True)


if __name__ == "__main__":
    main()
