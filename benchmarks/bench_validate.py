#!/usr/bin/env python3
"""Whole-process time of `stackengine validate` next to `cfn-lint`, in one run.

Cases (each timed as a fresh process, best of --repeat runs):
  trivial      one SNS topic
  gen500       `../shared/tools/gen_template.py 500` (500 resources)
  corpus       every template of ../shared/corpus/cfn-templates in one invocation
  conditions   24 conditions nested in the properties of 40 resources (stackengine must finish in
               seconds; cfn-lint gets --cfn-lint-timeout seconds, then is reported as "> N s")

Usage:  python benchmarks/bench_validate.py [--repeat 3] [--cfn-lint-timeout 120]

Both tools are started through their real console scripts (pyenv shims resolved), and the
stackengine package is byte-compiled first, as an installed package would be.

The goal is stackengine ≤ 1/10 of cfn-lint's time on trivial, gen500 and corpus.

Notes (one run on the shared development machine, other work running; cfn-lint 1.x):

    case                       stackengine      cfn-lint     ratio
    trivial                         0.13 s        1.47 s    1/11.6
    gen500                          0.39 s       11.19 s    1/28.6
    corpus (201 files)              1.13 s       22.56 s    1/19.9
    conditions                      2.01 s       30.98 s    1/15.4

- trivial is dominated by interpreter start-up (a bare `python -c pass` takes ~0.08 s here):
  validate imports only the template core, click and PyYAML; schemas are read per type from the
  zip, and the region availability list is decoded for the chosen regions only.
- conditions: each value is evaluated once per path of condition decisions it actually takes
  (a chain of 24 nested Fn::Ifs is 25 evaluations), at most 64 per value; a list of 24
  independently conditional items is checked item by item, and the bound on its presence
  combinations is reported as an I3001 note rather than exceeded. Exit status is
not used to judge; the table is the result. Both tools' exit codes are ignored (templates with
findings exit non-zero).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "cfn-templates"
GEN = SHARED / "tools" / "gen_template.py"

TRIVIAL = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n"


def conditions_template(n_conditions: int = 24, n_resources: int = 40) -> str:
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", "Parameters:"]
    lines += [f"  P{i}:\n    Type: String" for i in range(n_conditions)]
    lines.append("Conditions:")
    lines += [f"  C{i}: !Equals [!Ref P{i}, 'on']" for i in range(n_conditions)]
    lines.append("Resources:")
    for r in range(n_resources):
        nested = "'q'"
        for i in range(n_conditions):
            nested = f"!If [C{(i + r) % n_conditions}, {nested}, 'q{i}']"
        tags = "\n".join(f"        - !If [C{i}, {{Key: k{i}, Value: !If [C{(i + 1) % n_conditions}, a, b]}}, "
                         "!Ref 'AWS::NoValue']" for i in range(n_conditions))
        lines.append(f"  Queue{r}:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                     f"      QueueName: {nested}\n"
                     f"      DelaySeconds: !If [C{r % n_conditions}, 5, 10]\n      Tags:\n{tags}")
    return "\n".join(lines) + "\n"


def executable(name: str) -> str | None:
    """The real script, not a pyenv shim: a shim adds a bash + pyenv start-up (~0.3 s here) to
    both tools alike, which would hide the difference being measured."""
    found = shutil.which(name)
    if found is None:
        return None
    if shutil.which("pyenv") and "/shims/" in found:
        real = subprocess.run(["pyenv", "which", name], capture_output=True, text=True, check=False).stdout.strip()
        return real or found
    return found


def timed(command: list[str], timeout: float | None = None) -> float | None:
    start = time.perf_counter()
    try:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def best(command: list[str], repeat: int, timeout: float | None = None) -> float | None:
    times = [timed(command, timeout) for _ in range(repeat)]
    if any(t is None for t in times):
        return None
    return min(t for t in times if t is not None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cfn-lint-timeout", type=float, default=120.0)
    args = parser.parse_args()
    stackengine = executable("stackengine") or sys.exit("stackengine is not installed")
    cfn_lint = executable("cfn-lint")
    # An installed package ships compiled bytecode (cfn-lint's does); an editable checkout under
    # PYTHONDONTWRITEBYTECODE would recompile every module on every run. Compile once, like pip.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "stackengine")],
                   stdout=subprocess.DEVNULL, check=False)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "trivial.yaml").write_text(TRIVIAL)
        gen = subprocess.run([sys.executable, str(GEN), "500"], capture_output=True, text=True, check=True).stdout
        (work / "gen500.yaml").write_text(gen)
        (work / "conditions.yaml").write_text(conditions_template())
        corpus_files = sorted(str(p) for p in CORPUS.rglob("*") if p.is_file())
        cases = [
            ("trivial", [str(work / "trivial.yaml")], None),
            ("gen500", [str(work / "gen500.yaml")], None),
            (f"corpus ({len(corpus_files)} files)", corpus_files, None),
            ("conditions", [str(work / "conditions.yaml")], args.cfn_lint_timeout),
        ]
        print(f"{'case':<24}{'stackengine':>14}{'cfn-lint':>14}{'ratio':>10}")
        for name, files, timeout in cases:
            ours = best([stackengine, "validate", *files], args.repeat)
            theirs = best([cfn_lint, *files], 1 if timeout else args.repeat, timeout) if cfn_lint else None
            ours_text = f"{ours:.2f} s" if ours is not None else "-"
            if theirs is None:
                theirs_text = f"> {timeout:.0f} s" if (cfn_lint and timeout) else "-"
                ratio = "-"
            else:
                theirs_text = f"{theirs:.2f} s"
                ratio = f"1/{theirs / ours:.1f}" if ours else "-"
            print(f"{name:<24}{ours_text:>14}{theirs_text:>14}{ratio:>10}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
