#!/usr/bin/env python3
"""Load and render speed, side by side with a plain libyaml parse and with cfn-lint, in one run.

    python benchmarks/bench_render.py [--json] [--resources 500] [--repeat 5] [--process-repeat 3]
                                      [--corpus DIR] [--generator gen_template.py] [--no-cfn-lint]

Figures (each the best of N runs, time.perf_counter):

  load, N-resource template   stackengine.template.decode.load_file (positions, checks)
                              vs yaml.load with a yaml.CSafeLoader subclass (libyaml, short-form
                              tags turned into plain dicts) of the same file.      goal ratio <= 1.5
  load, corpus                the same two for every file of the cfn-templates corpus.
                                                                                   goal ratio <= 1.5
  render, N-resource template load_file + stackengine.render.process, parameters filled by
                              stackengine.template.fill (in-process), vs the whole `cfn-lint FILE`
                              process.                                             goal ratio <= 0.1
  render, corpus              the same for every corpus file (failures counted, never fatal) vs one
                              `cfn-lint FILES...` process over the corpus.         goal ratio <= 0.1
  render CLI process          the whole `stackengine render FILE` process (start-up included) vs
                              the whole `cfn-lint FILE` process, N-resource template.

This is a script, not a test: it prints numbers and never fails on a missed goal.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEFAULT_CORPUS = SHARED / "corpus" / "cfn-templates"
DEFAULT_GENERATOR = SHARED / "tools" / "gen_template.py"
TEMPLATE_SUFFIXES = {".yaml", ".yml", ".json", ".template", ".txt"}

LOAD_GOAL = 1.5
RENDER_GOAL = 0.1


# --- the baseline: a plain libyaml parse --------------------------------------------------------

class PlainLoader(yaml.CSafeLoader):  # type: ignore[misc, valid-type]
    """libyaml's safe loader, plus CloudFormation's short forms (`!Ref x` → {"Ref": "x"})."""


def _short_form(loader: yaml.Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    key = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    return {key: value}


PlainLoader.add_multi_constructor("!", _short_form)


def plain_load(path: str) -> Any:
    with open(path, "rb") as handle:
        return yaml.load(handle.read(), Loader=PlainLoader)  # noqa: S506 - safe loader subclass


# --- stackengine ---------------------------------------------------------------------------------

def se_load(path: str) -> Any:
    from stackengine.template.decode import load_file

    return load_file(path)


@dataclass
class RenderCount:
    rendered: int = 0
    failed: int = 0
    """TemplateError: the template was refused with diagnostics."""
    crashed: int = 0
    """Any other exception: a bug."""
    crashes: list[str] = field(default_factory=list)


def se_render(path: str, count: RenderCount | None = None) -> None:
    """load_file + process with filled parameters; outcomes go to `count`."""
    from stackengine.diagnostics import TemplateError
    from stackengine.render import RenderOptions, process
    from stackengine.template.decode import load_file
    from stackengine.template.fill import fill_parameters, sample_ssm_lookup

    try:
        document = load_file(path)
        data = document.data
        declared = data.get("Parameters") if isinstance(data, dict) else None
        options = RenderOptions(stack_name="bench", parameters=fill_parameters(declared, {}),
                                ssm_lookup=sample_ssm_lookup(declared))
        process(document, options)
    except TemplateError:
        if count is not None:
            count.failed += 1
        return
    except Exception as exc:  # noqa: BLE001 - counted, reported, never fatal
        if count is not None:
            count.crashed += 1
            count.crashes.append(f"{path}: {type(exc).__name__}: {exc}")
        return
    if count is not None:
        count.rendered += 1


# --- timing ---------------------------------------------------------------------------------------

def best_of(n: int, run: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(max(1, n)):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def over_files(function: Callable[[str], Any], files: list[str]) -> Callable[[], None]:
    def run() -> None:
        for path in files:
            function(path)
    return run


def tolerant(function: Callable[[str], Any]) -> Callable[[str], Any]:
    """`function` with exceptions swallowed: a file the baseline cannot parse still costs its time."""
    def run(path: str) -> Any:
        try:
            return function(path)
        except Exception:  # noqa: BLE001
            return None
    return run


def process_runner(argv: list[str], expect_ok: bool) -> Callable[[], int]:
    def run() -> int:
        result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if expect_ok and result.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[:3])} ... exited {result.returncode}")
        return result.returncode
    return run


def stackengine_command() -> list[str]:
    found = shutil.which("stackengine")
    if found:
        return [found]
    return [sys.executable, "-c", "from stackengine.cli.main import main; main()"]


def cfn_lint_command() -> list[str] | None:
    found = shutil.which("cfn-lint")
    if found:
        return [found]
    try:
        import cfnlint  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "cfnlint"]


def cfn_lint_version(command: list[str]) -> str:
    result = subprocess.run(command + ["--version"], capture_output=True, text=True, check=False)
    return (result.stdout or result.stderr).strip()


# --- the run --------------------------------------------------------------------------------------

@dataclass
class Row:
    name: str
    ours: float | None
    baseline_name: str
    baseline: float | None
    goal: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline

    @property
    def met(self) -> bool | None:
        if self.goal is None or self.ratio is None:
            return None
        return self.ratio <= self.goal

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "stackengine_s": self.ours, "baseline": self.baseline_name,
                "baseline_s": self.baseline, "ratio": self.ratio, "goal": self.goal, "met": self.met}


def corpus_files(corpus: Path) -> list[str]:
    return sorted(str(p) for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in TEMPLATE_SUFFIXES)


def generate(generator: Path, resources: int, directory: str) -> str:
    target = os.path.join(directory, f"template-{resources}.yaml")
    subprocess.run([sys.executable, str(generator), str(resources), "-o", target], check=True,
                   stdout=subprocess.DEVNULL)
    return target


def run(args: argparse.Namespace) -> dict[str, Any]:
    n, p = args.repeat, args.process_repeat
    files = corpus_files(Path(args.corpus))
    if not files:
        raise SystemExit(f"no templates under {args.corpus}")
    lint = None if args.no_cfn_lint else cfn_lint_command()
    rows: list[Row] = []
    notes: list[str] = []

    with tempfile.TemporaryDirectory() as tmp:
        big = generate(Path(args.generator), args.resources, tmp)
        label = f"{args.resources}-resource template"

        # Warm up: imports, the schema registry, file cache.
        se_render(big)
        plain_load(big)

        # (a) load of the generated template
        rows.append(Row(f"load, {label}", best_of(n, lambda: se_load(big)),
                        "yaml.load CSafeLoader", best_of(n, lambda: plain_load(big)), LOAD_GOAL))

        # (b) load of the corpus
        plain_failures = 0
        for path in files:
            try:
                plain_load(path)
            except Exception:  # noqa: BLE001
                plain_failures += 1
        if plain_failures:
            notes.append(f"the plain C loader could not parse {plain_failures} corpus file(s) "
                         "(their time up to the error is still counted)")
        se_load_failures = 0
        for path in files:
            try:
                se_load(path)
            except Exception:  # noqa: BLE001
                se_load_failures += 1
        if se_load_failures:
            notes.append(f"stackengine refused to load {se_load_failures} corpus file(s)")
        rows.append(Row(f"load, corpus ({len(files)} files)",
                        best_of(n, over_files(tolerant(se_load), files)),
                        "yaml.load CSafeLoader",
                        best_of(n, over_files(tolerant(plain_load), files)), LOAD_GOAL))

        # (c) render, in-process, vs cfn-lint as a whole process
        big_count = RenderCount()
        se_render(big, big_count)
        corpus_count = RenderCount()
        for path in files:
            se_render(path, corpus_count)
        render_big = best_of(n, lambda: se_render(big))
        render_corpus = best_of(n, over_files(se_render, files))
        lint_big = lint_corpus = None
        if lint is not None:
            lint_big = best_of(p, process_runner(lint + ["--", big], expect_ok=False))
            lint_corpus = best_of(p, process_runner(lint + ["--"] + files, expect_ok=False))
        elif args.no_cfn_lint:
            notes.append("cfn-lint skipped (--no-cfn-lint)")
        else:
            notes.append("cfn-lint is not installed (pip install -e '.[bench]'): its figures are skipped")
        rows.append(Row(f"render, {label}", render_big, "cfn-lint process", lint_big, RENDER_GOAL))
        rows.append(Row(f"render, corpus ({len(files)} files)", render_corpus, "cfn-lint process",
                        lint_corpus, RENDER_GOAL))

        # whole `stackengine render` process vs whole cfn-lint process
        cli = stackengine_command() + ["render", big]
        try:
            cli_big: float | None = best_of(p, process_runner(cli, expect_ok=True))
        except RuntimeError as exc:
            cli_big = None
            notes.append(f"stackengine render failed: {exc}")
        rows.append(Row(f"stackengine render process, {label}", cli_big, "cfn-lint process", lint_big,
                        RENDER_GOAL))

    return {
        "environment": {
            "python": platform.python_version(),
            "pyyaml": yaml.__version__,
            "libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
            "cfn_lint": cfn_lint_version(lint) if lint else None,
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "repeat": {"in_process": n, "process": p},
        "resources": args.resources,
        "corpus": {"path": str(args.corpus), "files": len(files)},
        "render_counts": {
            "template": {"rendered": big_count.rendered, "failed": big_count.failed,
                         "crashed": big_count.crashed},
            "corpus": {"rendered": corpus_count.rendered, "failed": corpus_count.failed,
                       "crashed": corpus_count.crashed, "crashes": corpus_count.crashes},
        },
        "results": [row.as_json() for row in rows],
        "notes": notes,
    }


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def print_table(report: dict[str, Any]) -> None:
    env = report["environment"]
    print(f"stackengine benchmarks: Python {env['python']}, PyYAML {env['pyyaml']} "
          f"(libyaml {'yes' if env['libyaml'] else 'no'}), {env['cfn_lint'] or 'cfn-lint not installed'}, "
          f"{env['cpus']} CPUs")
    print(f"best of {report['repeat']['in_process']} in-process, best of {report['repeat']['process']} "
          f"for processes; corpus: {report['corpus']['files']} files in {report['corpus']['path']}")
    print()
    header = ("measurement", "stackengine", "baseline", "baseline time", "ratio", "goal", "met")
    lines = [header]
    for row in report["results"]:
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.3f}"
        goal = "-" if row["goal"] is None else f"<= {row['goal']}"
        met = "-" if row["met"] is None else ("yes" if row["met"] else "NO")
        lines.append((row["name"], _seconds(row["stackengine_s"]), row["baseline"], _seconds(row["baseline_s"]),
                      ratio, goal, met))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for index, line in enumerate(lines):
        print("  ".join(cell.ljust(widths[i]) if i in (0, 2) else cell.rjust(widths[i])
                        for i, cell in enumerate(line)).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))
    counts = report["render_counts"]
    print()
    print(f"render outcomes: {report['resources']}-resource template: "
          f"{'rendered' if counts['template']['rendered'] else 'NOT rendered'}; corpus: "
          f"{counts['corpus']['rendered']} rendered, {counts['corpus']['failed']} refused with diagnostics, "
          f"{counts['corpus']['crashed']} crashed")
    for crash in counts["corpus"]["crashes"]:
        print(f"  crash: {crash}")
    for note in report["notes"]:
        print(f"note: {note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--resources", type=int, default=500, help="resources in the generated template")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each in-process measurement (best kept)")
    parser.add_argument("--process-repeat", type=int, default=3,
                        help="runs of each whole-process measurement (best kept)")
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="directory of templates")
    parser.add_argument("--generator", default=str(DEFAULT_GENERATOR), help="gen_template.py")
    parser.add_argument("--no-cfn-lint", action="store_true", help="skip the cfn-lint measurements")
    args = parser.parse_args(argv)
    report = run(args)
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
