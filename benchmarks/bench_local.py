"""Local provider vs moto's CloudFormation (a script, not a test).

The same 500-resource template, made by ``../shared/tools/gen_template.py 500 --moto`` (only types
moto's CloudFormation implements), is created, updated with ``--modify 10`` (10% of the
resources changed) and deleted, by stackengine's local provider and by moto (``mock_aws`` with
boto3's ``create_stack`` / ``update_stack`` / ``delete_stack``), in one run. The goal (issue 4) is
stackengine ≥ 10× faster than moto, both in-process and as whole processes.

    pip install -e '.[bench]'            # moto and boto3 come from the bench extra
    python benchmarks/bench_local.py     # the table
    python benchmarks/bench_local.py --json

Options: ``--resources N`` (default 500; the engine refuses more, as CloudFormation does),
``--modify PCT`` (default 10), ``--repeat N`` (runs of every measurement, default 3),
``--generator PATH`` (default ``../shared/tools/gen_template.py``, env GEN_TEMPLATE),
``--no-in-process`` / ``--no-process`` to skip a half. A full run takes about a minute.

The figures
-----------
Every time is the best of N runs (``time.perf_counter``), after one untimed warm-up cycle per
side and mode (imports, the schema registry, moto's backends and the OS file cache are warm).
Each cycle starts from nothing: a new state database for stackengine, a new ``mock_aws`` for moto.

in-process, time
    stackengine: ``Engine(EngineConfig(state_path=DB)).deploy(StackRequest(t.yaml, ...))`` for
    create, ``deploy`` of t2.yaml for update, ``delete_stack`` for delete (each call includes
    loading and rendering the template, the change set, the execution and the writes to SQLite).
    moto: the boto3 call (``create_stack`` with the template body, ``update_stack``,
    ``delete_stack``) against ``mock_aws``; moto works synchronously, so the stack is settled when
    the call returns. The statuses are read after the timer stops, on both sides.
in-process, memory
    ``tracemalloc`` peak during the phase, in a separate run after the timed ones (tracing slows
    Python down, so it is never on while timing). tracemalloc is started just before the cycle,
    after the warm-up, so the figure is the Python heap allocated by the cycle: what the earlier
    phases still hold (moto keeps its resources in memory; stackengine keeps little beyond the
    SQLite file) plus what the phase itself needed at its peak. Memory that C code allocates
    outside Python's allocator (SQLite's page cache, libyaml buffers) is not traced.
    ``ru_maxrss`` is not used in-process: it is the high-water mark of the whole benchmark process,
    so after the first phase of the first side it mostly measures what came before.
whole process, time
    stackengine: the wall time of each ``stackengine --state DB deploy t.yaml --stack-name S
    --capabilities CAPABILITY_IAM CAPABILITY_NAMED_IAM`` (create), the same with t2.yaml
    (update) and ``stackengine --state DB delete S --yes`` process, each from start to exit
    (interpreter start-up, imports, the work and printing; stdout goes to a file).
    moto: a Python process running the same boto3 calls under ``mock_aws`` (the script is written
    to a temporary file by this benchmark). moto keeps its state in memory, so a phase cannot run
    in a process of its own: the moto process for phase X runs every phase up to X, and the
    figure is its wall time minus the time its earlier phases took inside it (from the start of
    the first phase to the start of X, measured by the child). So each phase is charged one
    interpreter start-up with imports, as every stackengine command is. The total row is the
    three stackengine processes against one moto process doing all three phases.
    Both sides run from bytecode caches, as installed packages do: moto's were written when pip
    installed it; stackengine's package is compiled (``compileall``) before the warm-up, since
    an editable install under ``PYTHONDONTWRITEBYTECODE`` would otherwise compile every module
    in every process.
whole process, memory
    The child's maximum resident set size, ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` read in a
    small launcher process that runs exactly that one child and waits for it, so the maximum is
    the child's own. Caveats: in the benchmark process itself RUSAGE_CHILDREN is the largest RSS
    of any child waited for so far (not per child), and on Linux a child's figure starts from the
    RSS of the process it was forked from (the high-water mark survives exec), which in the
    benchmark process is hundreds of MiB once moto is imported: hence the launcher. Its own RSS
    (a bare ``python -I -S``, about 10 MiB) is the floor of every figure; it is measured (by
    launching ``true``) and printed as ``rss_floor``. For moto the figure for phase X is the
    peak of the process that ran every phase up to X (the state of the earlier phases is in that
    process); for stackengine it is the command's own process. The maximum of the N runs is
    shown; the total row shows the largest of the phases.
ratio
    moto's time ÷ stackengine's time: above 1 stackengine is faster; the goal is ≥ 10.
plan floor
    How long stackengine's create and update took to reach their change set (load, render,
    checks, plan), before any execution: the ``deploy`` call's ``confirm`` hook marks the moment,
    in the same timed runs. moto's whole phase ÷ that is the most any execution could make of the
    ratio; below 10, the goal cannot be met for that phase in-process.

Checks printed under the table: each side's stack status after every phase (CREATE_COMPLETE,
UPDATE_COMPLETE, DELETE_COMPLETE), the number of resources each side made, what the update's
change set did on stackengine's side, and the resource types moto warned it does not support
(counted from its "not supported by moto's CloudFormation implementation" warnings and its
"No Moto CloudFormation support" log records). A failing phase is reported with its error
verbatim and its figures are shown as ``-``; the script never fails on a missed goal.

``--json`` prints ``environment``, ``resources``, ``modify_pct``, ``repeat``, ``results`` (one
object per row: ``mode``, ``phase``, ``stackengine_s``, ``moto_s``, ``ratio``, ``goal``, ``met``,
``stackengine_mem_bytes``, ``moto_mem_bytes``, ``mem_measure``), ``plan_floor`` (``create`` /
``update``: ``change_set_s``, ``moto_s``, ``ratio``), ``checks`` and ``errors``.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import traceback
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stackengine.engine import Engine, EngineConfig, StackRequest  # noqa: E402

GEN = Path(os.environ.get("GEN_TEMPLATE", ROOT.parent / "shared" / "tools" / "gen_template.py"))
CAPS = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM")
PHASES = ("create", "update", "delete")
EXPECTED = {"create": "CREATE_COMPLETE", "update": "UPDATE_COMPLETE", "delete": "DELETE_COMPLETE"}
STACK = "bench"
GOAL = 10.0
RSS = "max RSS of the child (RUSAGE_CHILDREN in a launcher)"
DUMMY_AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
             "AWS_SECURITY_TOKEN": "testing", "AWS_SESSION_TOKEN": "testing",
             "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"}

# The moto side: run in-process (exec'd into a namespace) and as a whole process (written to a
# temporary file), so both modes run exactly the same calls.
MOTO_SCRIPT = r'''
import json
import logging
import os
import re
import sys
import time
import tracemalloc
import warnings

os.environ.update(DUMMY_AWS)
for _name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(_name, None)

import boto3
from moto import mock_aws

PHASES = ("create", "update", "delete")
TYPE = re.compile(r"((?:AWS|Custom|Alexa)::[A-Za-z0-9:]+)")


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _resource_count(cf, stack):
    pages = cf.get_paginator("list_stack_resources").paginate(StackName=stack)
    return sum(len(page["StackResourceSummaries"]) for page in pages)


def moto_cycle(body, body2, phases=PHASES, stack="bench", caps=CAPS, trace=False, count=True):
    out = {"seconds": {}, "started": {}, "status": {}, "reason": {}, "resources": {},
           "peak_bytes": {}, "unsupported": {}, "unsupported_warnings": 0, "other_warnings": [],
           "error": None}
    records = _Records()
    logger = logging.getLogger("moto")
    logger.addHandler(records)
    first = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with mock_aws():
                cf = boto3.client("cloudformation", region_name="us-east-1")
                stack_id = stack
                for phase in phases:
                    if trace:
                        tracemalloc.reset_peak()
                    start = time.perf_counter()
                    first = start if first is None else first
                    out["started"][phase] = start - first
                    try:
                        if phase == "create":
                            stack_id = cf.create_stack(StackName=stack, TemplateBody=body,
                                                       Capabilities=list(caps))["StackId"]
                        elif phase == "update":
                            cf.update_stack(StackName=stack, TemplateBody=body2,
                                            Capabilities=list(caps))
                        else:
                            cf.delete_stack(StackName=stack)
                    except Exception as exc:
                        out["error"] = f"moto {phase}: {type(exc).__name__}: {exc}"
                        break
                    out["seconds"][phase] = time.perf_counter() - start
                    if trace:
                        out["peak_bytes"][phase] = tracemalloc.get_traced_memory()[1]
                    described = cf.describe_stacks(StackName=stack_id)["Stacks"][0]
                    out["status"][phase] = described["StackStatus"]
                    out["reason"][phase] = described.get("StackStatusReason")
                    if count and phase != "delete":
                        out["resources"][phase] = _resource_count(cf, stack_id)
        messages = [r for r in records.messages] + [str(w.message) for w in caught]
    finally:
        logger.removeHandler(records)
    for message in messages:
        if "not supported by moto" in message or "No Moto CloudFormation support" in message:
            found = TYPE.search(message)
            name = found.group(1) if found else message
            out["unsupported"][name] = out["unsupported"].get(name, 0) + 1
            if "not supported by moto" in message:
                out["unsupported_warnings"] += 1
        elif message not in out["other_warnings"] and len(out["other_warnings"]) < 10:
            out["other_warnings"].append(message)
    return out


if __name__ == "__main__":
    template, template2, until = sys.argv[1:4]
    with open(template, encoding="utf-8") as f:
        body = f.read()
    with open(template2, encoding="utf-8") as f:
        body2 = f.read()
    result = moto_cycle(body, body2, PHASES[:PHASES.index(until) + 1], count=False)
    print(json.dumps(result))
'''


def moto_script() -> str:
    return f"DUMMY_AWS = {DUMMY_AWS!r}\nCAPS = {CAPS!r}\n" + MOTO_SCRIPT


def moto_available() -> str | None:
    """None when moto and boto3 import, else why not."""
    try:
        import boto3  # noqa: F401
        import moto  # noqa: F401
    except ImportError as exc:
        return f"{exc} (pip install -e '.[bench]')"
    return None


def load_moto() -> Callable[..., dict[str, Any]]:
    namespace: dict[str, Any] = {"__name__": "bench_local_moto"}
    exec(compile(moto_script(), "<moto cycle>", "exec"), namespace)
    return namespace["moto_cycle"]


# -- stackengine ------------------------------------------------------------------------------


def _change_summary(outcome: Any) -> dict[str, int]:
    counts: collections.Counter[str] = collections.Counter()
    for change in outcome.change_set.changes:
        action = change.action.value
        if action == "Modify" and change.replacement is not None:
            action += f" (Replacement: {change.replacement.value})"
        counts[action] += 1
    return dict(sorted(counts.items()))


def _outcome_status(outcome: Any) -> tuple[str, str | None]:
    if outcome.record is None:
        cs = outcome.change_set
        return (f"not executed (change set {cs.status}/{cs.execution_status})",
                getattr(cs, "status_reason", None))
    return outcome.record.status.value, outcome.record.status_reason


def stackengine_cycle(template: Path, template2: Path, db: Path,
                      trace: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"seconds": {}, "plan_seconds": {}, "status": {}, "reason": {},
                           "resources": {}, "peak_bytes": {}, "changes": {}, "error": None}
    engine = Engine(EngineConfig(state_path=str(db)))
    for phase in PHASES:
        if trace:
            tracemalloc.reset_peak()
        start = time.perf_counter()
        try:
            if phase == "delete":
                record = engine.delete_stack(STACK)
                out["seconds"][phase] = time.perf_counter() - start
                status, reason = record.status.value, record.status_reason
            else:
                path = template if phase == "create" else template2
                planned: list[float] = []  # when the change set was made, before its execution
                outcome = engine.deploy(StackRequest(str(path), STACK, capabilities=CAPS),
                                        confirm=lambda _: planned.append(time.perf_counter()) or True)
                out["seconds"][phase] = time.perf_counter() - start
                out["plan_seconds"][phase] = planned[0] - start
                status, reason = _outcome_status(outcome)
                out["changes"][phase] = _change_summary(outcome)
        except Exception as exc:  # noqa: BLE001 - reported verbatim
            out["error"] = (f"stackengine {phase}: {type(exc).__name__}: {exc}\n"
                            + traceback.format_exc())
            out["seconds"].pop(phase, None)
            break
        if trace:
            out["peak_bytes"][phase] = tracemalloc.get_traced_memory()[1]
        out["status"][phase] = status
        out["reason"][phase] = reason
        if phase != "delete" and status == EXPECTED[phase]:
            out["resources"][phase] = len(engine.resources(STACK))
        if status != EXPECTED[phase]:
            out["error"] = f"stackengine {phase}: {status}: {reason}"
            break
    return out


# -- whole processes --------------------------------------------------------------------------

def _compile_package() -> None:
    """Write stackengine's bytecode caches, as `pip install` does for an installed package."""
    import compileall

    import stackengine

    compileall.compile_dir(str(Path(stackengine.__file__).parent), quiet=1)



MAXRSS_UNIT = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux


# Measured children are started by this small launcher, not by the benchmark process: on Linux a
# child's max RSS starts from the RSS of the process it was forked from (the high-water mark of
# the forked image is kept across exec), and the benchmark process holds moto, boto3 and the
# engine. The launcher has exactly one child, so its RUSAGE_CHILDREN is that child's own.
LAUNCHER = r'''
import json, resource, subprocess, sys, time
out_path, err_path, *argv = sys.argv[1:]
with open(out_path, "wb") as out, open(err_path, "wb") as err:
    start = time.perf_counter()
    rc = subprocess.call(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    seconds = time.perf_counter() - start
print(json.dumps({"rc": rc, "seconds": seconds,
                  "maxrss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
'''


def run_child(argv: list[str], cwd: Path, env: dict[str, str]) -> dict[str, Any]:
    """Run one child to completion through the launcher: its wall time (from its start to its
    exit, the launcher's own start-up excluded), exit code, own max RSS and output."""
    with tempfile.TemporaryDirectory(dir=cwd) as tmp:
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        launched = subprocess.run([sys.executable, "-I", "-S", "-c", LAUNCHER, str(out), str(err),
                                   *argv], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, check=True)
        result = json.loads(launched.stdout)
        return {"seconds": result["seconds"], "rc": result["rc"],
                "maxrss": result["maxrss"] * MAXRSS_UNIT,
                "stdout": out.read_text(encoding="utf-8", errors="replace"),
                "stderr": err.read_text(encoding="utf-8", errors="replace")}


def stackengine_command() -> list[str]:
    script = Path(sys.executable).parent / "stackengine"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "stackengine"]


def stored_status(db: Path) -> tuple[str, str | None, int | None]:
    """The stack's status, reason and resource count in a CLI run's state database."""
    engine = Engine(EngineConfig(state_path=str(db)))
    records = [r for r in engine.stacks(include_deleted=True) if r.name == STACK]
    if not records:
        return "no stack", None, None
    record = records[-1]
    count = None
    if record.status.value != "DELETE_COMPLETE":
        count = len(engine.store.resources(record.stack_id))
    return record.status.value, record.status_reason, count


def stackengine_process_cycle(template: Path, template2: Path, db: Path, cwd: Path,
                              env: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"seconds": {}, "maxrss": {}, "status": {}, "reason": {},
                           "resources": {}, "error": None}
    base = stackengine_command() + ["--state", str(db)]
    for phase in PHASES:
        if phase == "delete":
            argv = base + ["delete", STACK, "--yes"]
        else:
            argv = base + ["deploy", str(template if phase == "create" else template2),
                           "--stack-name", STACK, "--capabilities", *CAPS]
        child = run_child(argv, cwd, env)
        status, reason, count = stored_status(db)
        if child["rc"] != 0 or status != EXPECTED[phase]:
            out["error"] = (f"stackengine process {phase}: exit {child['rc']}, stack {status}"
                            f" ({reason})\n$ {' '.join(argv)}\n{child['stderr'][-4000:]}"
                            f"{child['stdout'][-2000:] if child['rc'] else ''}")
            out["status"][phase] = status
            break
        out["seconds"][phase] = child["seconds"]
        out["maxrss"][phase] = child["maxrss"]
        out["status"][phase] = status
        out["reason"][phase] = reason
        if count is not None:
            out["resources"][phase] = count
    return out


def moto_process_cycle(script: Path, template: Path, template2: Path, cwd: Path,
                       env: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"seconds": {}, "maxrss": {}, "status": {}, "total_s": None,
                           "error": None}
    for phase in PHASES:
        child = run_child([sys.executable, str(script), str(template), str(template2), phase],
                          cwd, env)
        try:
            result = json.loads(child["stdout"].strip().splitlines()[-1])
        except (ValueError, IndexError):
            result = None
        if child["rc"] != 0 or result is None or result["error"] \
                or result["status"].get(phase) != EXPECTED[phase]:
            detail = result["error"] if result and result["error"] else child["stderr"][-4000:]
            out["error"] = f"moto process {phase}: exit {child['rc']}: {detail}"
            break
        # wall time less the earlier phases run inside the same process
        out["seconds"][phase] = child["seconds"] - result["started"][phase]
        out["maxrss"][phase] = child["maxrss"]
        out["status"][phase] = result["status"][phase]
        if phase == "delete":
            out["total_s"] = child["seconds"]
    return out


# -- running and reporting --------------------------------------------------------------------


def generate(generator: Path, resources: int, modify: int,
             directory: Path) -> tuple[Path, Path]:
    template, template2 = directory / "t.yaml", directory / "t2.yaml"
    subprocess.run([sys.executable, str(generator), str(resources), "--moto", "-o", str(template)],
                   check=True)
    subprocess.run([sys.executable, str(generator), str(resources), "--moto", "--modify",
                    str(modify),
                    "-o", str(template2)], check=True)
    return template, template2


def best(runs: list[dict[str, Any]], key: str, phase: str, pick: Callable = min) -> float | None:
    values = [r[key][phase] for r in runs if phase in r.get(key, {})]
    return pick(values) if values else None


def best_total(runs: list[dict[str, Any]]) -> float | None:
    totals = [sum(r["seconds"][p] for p in PHASES) for r in runs
              if all(p in r["seconds"] for p in PHASES)]
    return min(totals) if totals else None


def row(mode: str, phase: str, se: float | None, mo: float | None, se_mem: int | None,
        mo_mem: int | None, mem_measure: str) -> dict[str, Any]:
    ratio = mo / se if se and mo else None
    return {"mode": mode, "phase": phase, "stackengine_s": se, "moto_s": mo, "ratio": ratio,
            "goal": GOAL, "met": None if ratio is None else ratio >= GOAL,
            "stackengine_mem_bytes": se_mem, "moto_mem_bytes": mo_mem,
            "mem_measure": mem_measure}


def in_process(template: Path, template2: Path, work: Path, repeat: int,
               report: dict[str, Any]) -> None:
    moto_cycle = load_moto() if report["moto_missing"] is None else None
    body, body2 = template.read_text(encoding="utf-8"), template2.read_text(encoding="utf-8")
    counter = iter(range(10 ** 6))

    def se(trace: bool = False) -> dict[str, Any]:
        return stackengine_cycle(template, template2, work / f"inproc-{next(counter)}.db", trace)

    def mo(trace: bool = False) -> dict[str, Any]:
        assert moto_cycle is not None
        return moto_cycle(body, body2, trace=trace)

    sides = {"stackengine": se, "moto": mo if moto_cycle else None}
    runs: dict[str, list[dict[str, Any]]] = {"stackengine": [], "moto": []}
    traced: dict[str, dict[str, Any]] = {}
    last: dict[str, dict[str, Any]] = {}
    for side, cycle in sides.items():
        if cycle is None:
            continue
        warm = last[side] = cycle()  # warm-up, untimed
        if warm["error"]:
            report["errors"].append(f"in-process warm-up: {warm['error']}")
            continue
        for _ in range(repeat):
            result = last[side] = cycle()
            runs[side].append(result)
            if result["error"]:
                report["errors"].append(f"in-process: {result['error']}")
                break
        tracemalloc.start()
        try:
            traced[side] = cycle(trace=True)
        finally:
            tracemalloc.stop()
    for phase in PHASES:
        report["results"].append(row(
            "in-process", phase, best(runs["stackengine"], "seconds", phase),
            best(runs["moto"], "seconds", phase),
            traced.get("stackengine", {}).get("peak_bytes", {}).get(phase),
            traced.get("moto", {}).get("peak_bytes", {}).get(phase), "tracemalloc peak"))
    peaks = {side: max(traced[side]["peak_bytes"].values(), default=None) if side in traced
             else None for side in sides}
    report["results"].append(row("in-process", "total", best_total(runs["stackengine"]),
                                 best_total(runs["moto"]), peaks["stackengine"], peaks["moto"],
                                 "tracemalloc peak"))
    for phase in ("create", "update"):
        plan, moto = best(runs["stackengine"], "plan_seconds", phase), best(runs["moto"], "seconds", phase)
        if plan is not None:
            report["plan_floor"][phase] = {"change_set_s": plan, "moto_s": moto,
                                      "ratio": moto / plan if moto is not None else None}
    report["checks"]["in-process"] = {
        side: {"status": r.get("status"), "resources": r.get("resources"),
               **({"update_changes": r.get("changes", {}).get("update")}
                  if side == "stackengine" else
                  {"unsupported": r.get("unsupported"),
                   "unsupported_warnings": r.get("unsupported_warnings"),
                   "other_warnings": r.get("other_warnings")})}
        for side, r in last.items()}


def whole_process(template: Path, template2: Path, work: Path, repeat: int,
                  report: dict[str, Any]) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "STACKENGINE_"))} | DUMMY_AWS
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    floor = run_child(["true"], work, env)["maxrss"]
    report["environment"]["rss_floor_bytes"] = floor
    script = work / "moto_cycle.py"
    script.write_text(moto_script(), encoding="utf-8")
    counter = iter(range(10 ** 6))

    def se() -> dict[str, Any]:
        return stackengine_process_cycle(template, template2, work / f"proc-{next(counter)}.db",
                                         work, env)

    def mo() -> dict[str, Any]:
        return moto_process_cycle(script, template, template2, work, env)

    _compile_package()
    sides = {"stackengine": se, "moto": mo if report["moto_missing"] is None else None}
    runs: dict[str, list[dict[str, Any]]] = {"stackengine": [], "moto": []}
    last: dict[str, dict[str, Any]] = {}
    for side, cycle in sides.items():
        if cycle is None:
            continue
        warm = last[side] = cycle()
        if warm["error"]:
            report["errors"].append(f"whole-process warm-up: {warm['error']}")
            continue
        for _ in range(repeat):
            result = last[side] = cycle()
            runs[side].append(result)
            if result["error"]:
                report["errors"].append(f"whole-process: {result['error']}")
                break
    for phase in PHASES:
        report["results"].append(row(
            "whole process", phase, best(runs["stackengine"], "seconds", phase),
            best(runs["moto"], "seconds", phase),
            best(runs["stackengine"], "maxrss", phase, max),
            best(runs["moto"], "maxrss", phase, max), RSS))
    moto_totals = [r["total_s"] for r in runs["moto"] if r.get("total_s") is not None]
    report["results"].append(row(
        "whole process", "total", best_total(runs["stackengine"]),
        min(moto_totals) if moto_totals else None,
        max((max(r["maxrss"].values()) for r in runs["stackengine"] if r["maxrss"]),
            default=None),
        best(runs["moto"], "maxrss", "delete", max), RSS))
    report["checks"]["whole process"] = {
        side: {"status": r.get("status"), "resources": r.get("resources")}
        for side, r in last.items()}


def fmt_s(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def fmt_mem(value: int | None) -> str:
    return "-" if value is None else f"{value / 2 ** 20:.1f} MiB"


def print_table(report: dict[str, Any]) -> None:
    print(f"stackengine (local provider) vs moto {report['environment']['moto'] or '(missing)'} "
          f"CloudFormation: {report['resources']} resources, update modifies "
          f"{report['modify_pct']}%; best of {report['repeat']}")
    header = ("mode", "phase", "stackengine", "moto", "moto ÷ se", f"≥{GOAL:g}×",
              "se memory", "moto memory")
    lines = [header]
    for r in report["results"]:
        lines.append((r["mode"], r["phase"], fmt_s(r["stackengine_s"]), fmt_s(r["moto_s"]),
                      "-" if r["ratio"] is None else f"{r['ratio']:.1f}×",
                      {None: "-", True: "yes", False: "no"}[r["met"]],
                      fmt_mem(r["stackengine_mem_bytes"]), fmt_mem(r["moto_mem_bytes"])))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for n, line in enumerate(lines):
        print("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                        for i, (cell, w) in enumerate(zip(line, widths))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print("memory: in-process = tracemalloc peak of the Python heap during the phase (separate "
          "traced run); whole process = the child's max RSS; moto's process for a phase also ran "
          "the earlier phases.")
    for phase, floor in report["plan_floor"].items():
        ratio = floor["ratio"]
        print(f"floor, in-process {phase}: stackengine's change set alone (load, render, "
              f"checks, plan; no execution) took {fmt_s(floor['change_set_s'])}"
              + ("" if ratio is None else
                 f", moto's whole {phase} ÷ that = {ratio:.1f}×"
                 + (f": ≥{GOAL:g}× is out of reach for this phase whatever execution costs"
                    if ratio < GOAL else "")))
    if report["environment"].get("rss_floor_bytes"):
        print(f"rss_floor (the launcher's own RSS, included in every whole-process figure): "
              f"{fmt_mem(report['environment']['rss_floor_bytes'])}")
    for mode, sides in report["checks"].items():
        for side, check in sides.items():
            statuses = ", ".join(f"{p} → {s}" for p, s in (check.get("status") or {}).items())
            counts = ", ".join(f"{p}: {n}" for p, n in (check.get("resources") or {}).items())
            print(f"{mode}, {side}: {statuses}; resources {counts or '-'}")
            if check.get("update_changes"):
                print(f"    update change set: {check['update_changes']}")
            if "unsupported" in check:
                unsupported = check["unsupported"] or {}
                print(f"    types moto does not support: {len(unsupported)} "
                      f"({check['unsupported_warnings']} warnings)"
                      + (f": {', '.join(sorted(unsupported))}" if unsupported else ""))
                for message in check.get("other_warnings") or []:
                    print(f"    other moto warning: {message[:200]}")
    if report["moto_missing"]:
        print(f"moto skipped: {report['moto_missing']}")
    for error in report["errors"]:
        print(f"ERROR: {error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=500)
    parser.add_argument("--modify", type=int, default=10, help="percent modified by the update")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--generator", type=Path, default=GEN)
    parser.add_argument("--no-in-process", action="store_true")
    parser.add_argument("--no-process", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ.update(DUMMY_AWS)

    missing = moto_available()
    moto_version = None
    if missing is None:
        import moto
        moto_version = moto.__version__
    from importlib.metadata import PackageNotFoundError, version
    try:
        se_version = version("stackengine")
    except PackageNotFoundError:
        se_version = None
    report: dict[str, Any] = {
        "environment": {"python": platform.python_version(), "platform": platform.platform(),
                        "cpus": os.cpu_count(), "stackengine": se_version, "moto": moto_version},
        "resources": args.resources, "modify_pct": args.modify, "repeat": args.repeat,
        "moto_missing": missing, "results": [], "plan_floor": {}, "checks": {}, "errors": []}
    with tempfile.TemporaryDirectory(prefix="bench_local-") as tmp:
        work = Path(tmp)
        template, template2 = generate(args.generator, args.resources, args.modify, work)
        if not args.no_in_process:
            in_process(template, template2, work, args.repeat, report)
        if not args.no_process:
            whole_process(template, template2, work, args.repeat, report)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
