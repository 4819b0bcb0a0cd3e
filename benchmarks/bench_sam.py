#!/usr/bin/env python3
"""SAM transform speed, side by side with aws-sam-translator's `Translator.translate`, in one run.

    python benchmarks/bench_sam.py [--json] [--repeat 5] [--resources 500] [--per-file]
                                   [--corpus DIR] [--lookups FILE] [--generator gen_template.py]

Cases:
  corpus      every file of the SAM translator's own test inputs (`../shared/corpus/sam-input`),
              each timed on its own; the row is the sum over files of each side's best time.
  generated   the template made by `gen_template.py N --sam` (N resources, a SAM mix).

Both sides get the same parsed template (parsing is not timed), the same managed-policy map and the
same Serverless Application Repository answers (`sam-lookups.json`: ours through `--lookup-file`'s
loader, theirs through a stub SAR client), and region ap-southeast-1. Timed per side: building the
translator/context and the transform itself. Every figure is the best of N runs (time.perf_counter)
after one warm-up run; the input is copied before each run, outside the timer.

Outcomes are counted per side: `ok` (a template came out), `rejected` (the side's own error for an
invalid template: TemplateError for stackengine, InvalidDocumentException for the translator) and
`crashed` (any other exception). `error_*` inputs are expected to be rejected.

The goal is a ratio (stackengine / translator) of at most 0.5. This is a script, not a test: it
prints numbers and never fails on a missed goal. aws-sam-translator is used here only.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEFAULT_CORPUS = SHARED / "corpus" / "sam-input"
DEFAULT_LOOKUPS = SHARED / "corpus" / "sam-lookups.json"
DEFAULT_GENERATOR = SHARED / "tools" / "gen_template.py"
REGION = "ap-southeast-1"
GOAL = 0.5

OK, REJECTED, CRASHED = "ok", "rejected", "crashed"


# --- stackengine ---------------------------------------------------------------------------------

class Ours:
    def __init__(self, lookups_file: Path) -> None:
        from stackengine.cli.transform_cmd import with_implied_sam
        from stackengine.diagnostics import TemplateError
        from stackengine.transform import TransformContext, apply_transforms
        from stackengine.transform.sam.lookups import load_lookup_file

        self.lookups = load_lookup_file(str(lookups_file))
        self._context = TransformContext
        self._apply = apply_transforms
        self._implied = with_implied_sam
        self.rejection = TemplateError

    def load(self, path: Path) -> Any:
        from stackengine.template.decode import load_file

        return load_file(str(path)).data

    def run(self, data: Any) -> Any:
        context = self._context(region=REGION, account_id="123456789012", partition="aws",
                                stack_name="stack", options={"sam": {"lookups": self.lookups}})
        return self._apply(self._implied(data), context)


# --- aws-sam-translator --------------------------------------------------------------------------

class _ClientError(Exception):
    pass


class StubSar:
    """The SAR client the translator calls, answering from sam-lookups.json's `applications`."""

    def __init__(self, applications: dict[str, Any]) -> None:
        self.applications = applications

    def _answer(self, app_id: str, semver: str) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        answer = self.applications.get(app_id, self.applications.get("*", {}))
        if "error" in answer:
            raise ClientError({"Error": {"Code": "NotFoundException", "Message": answer["error"]}},
                              "GetApplication")
        return {"ApplicationId": app_id, "SemanticVersion": semver, "TemplateId": "id",
                "Status": answer.get("Status", "ACTIVE"),
                "TemplateUrl": answer.get("TemplateUrl", "https://example.com/t")}

    def get_application(self, ApplicationId: str, SemanticVersion: str) -> dict[str, Any]:  # noqa: N803
        return self._answer(ApplicationId, SemanticVersion)

    def create_cloud_formation_template(self, ApplicationId: str,  # noqa: N803
                                        SemanticVersion: str) -> dict[str, Any]:  # noqa: N803
        return self._answer(ApplicationId, SemanticVersion)

    def get_cloud_formation_template(self, ApplicationId: str,  # noqa: N803
                                     TemplateId: str) -> dict[str, Any]:  # noqa: N803
        return {"Status": "ACTIVE", "TemplateId": TemplateId, "ApplicationId": ApplicationId}


class Theirs:
    def __init__(self, lookups_file: Path) -> None:
        os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
        from samtranslator.model.exceptions import InvalidDocumentException
        from samtranslator.parser.parser import Parser
        from samtranslator.plugins.application.serverless_app_plugin import ServerlessAppPlugin
        from samtranslator.translator.arn_generator import ArnGenerator
        from samtranslator.translator.translator import Translator

        lookups = json.loads(lookups_file.read_text())
        self.policies: dict[str, str] = lookups.get("managed_policies", {})
        self.applications: dict[str, Any] = lookups.get("applications", {})
        self._translator = Translator
        self._parser = Parser
        self._plugin = ServerlessAppPlugin
        self.session = _Session(REGION)
        ArnGenerator.BOTO_SESSION_REGION_NAME = REGION
        self.rejection = InvalidDocumentException

    def setup_only(self) -> None:
        """What every `translate` call does before it reads the template: build its plugins (the
        policy-template plugin validates the policy templates against their JSON schema)."""
        from samtranslator.translator.translator import prepare_plugins

        prepare_plugins([self._plugin(sar_client=StubSar(self.applications))], {})

    def load(self, path: Path) -> Any:
        from samtranslator.yaml_helper import yaml_parse

        return yaml_parse(path.read_text())

    def run(self, data: Any) -> Any:
        plugin = self._plugin(sar_client=StubSar(self.applications))
        translator = self._translator(self.policies, self._parser(), plugins=[plugin],
                                      boto_session=self.session)
        return translator.translate(data, parameter_values={},
                                    get_managed_policy_map=lambda: self.policies)


@dataclass
class _Session:
    region_name: str


# --- measuring -----------------------------------------------------------------------------------

@dataclass
class Timed:
    best: float | None  # seconds; None when the side did not finish (rejected or crashed)
    outcome: str
    message: str = ""


def measure(side: Any, data: Any, repeat: int) -> Timed:
    """Best of `repeat` runs after a warm-up; a rejection or crash is timed too (the time to say
    no counts), but reported by outcome."""
    def once() -> tuple[float, str, str]:
        work = copy.deepcopy(data)
        start = time.perf_counter()
        try:
            side.run(work)
            outcome, message = OK, ""
        except side.rejection as exc:
            outcome, message = REJECTED, str(exc).splitlines()[0][:160] if str(exc) else ""
        except Exception as exc:  # noqa: BLE001 - a crash is an outcome to count
            outcome, message = CRASHED, f"{type(exc).__name__}: {exc}"[:160]
        return time.perf_counter() - start, outcome, message

    once()  # warm-up
    times = []
    outcome = message = ""
    for _ in range(repeat):
        elapsed, outcome, message = once()
        times.append(elapsed)
    return Timed(min(times), outcome, message)


@dataclass
class Case:
    name: str
    ours: Timed
    theirs: Timed

    @property
    def ratio(self) -> float | None:
        if self.ours.best is None or self.theirs.best is None or self.theirs.best == 0:
            return None
        return self.ours.best / self.theirs.best


@dataclass
class Tally:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, kind: str, side: str, outcome: str) -> None:
        self.counts.setdefault(f"{side} {kind}", {OK: 0, REJECTED: 0, CRASHED: 0})[outcome] += 1


def _timed(function: Callable[[], Any]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.suffix in (".yaml", ".yml", ".json"))


def generated_template(generator: Path, resources: int) -> Path:
    out = Path(tempfile.mkdtemp(prefix="bench-sam-")) / f"sam-{resources}.yaml"
    subprocess.run([sys.executable, str(generator), str(resources), "--sam", "-o", str(out)],
                   check=True, capture_output=True)
    return out


def run_case(path: Path, ours: Ours, theirs: Theirs, repeat: int) -> Case:
    try:
        our_data = ours.load(path)
    except Exception as exc:  # noqa: BLE001 - a file our loader refuses is a rejection
        our_timed = Timed(None, REJECTED, f"load: {exc}"[:160])
    else:
        our_timed = measure(ours, our_data, repeat)
    try:
        their_data = theirs.load(path)
    except Exception as exc:  # noqa: BLE001
        their_timed = Timed(None, REJECTED, f"load: {exc}"[:160])
    else:
        their_timed = measure(theirs, their_data, repeat)
    return Case(path.name, our_timed, their_timed)


def fmt_ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:10.2f}"


def fmt_ratio(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:6.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="machine-readable figures")
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (best is kept)")
    parser.add_argument("--resources", type=int, default=500, help="size of the generated template")
    parser.add_argument("--per-file", action="store_true", help="print every corpus file's times")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--lookups", type=Path, default=DEFAULT_LOOKUPS)
    parser.add_argument("--generator", type=Path, default=DEFAULT_GENERATOR)
    args = parser.parse_args(argv)

    import logging

    logging.disable(logging.CRITICAL)  # the translator logs at INFO on every call
    ours, theirs = Ours(args.lookups), Theirs(args.lookups)
    tally = Tally()
    cases: list[Case] = []
    # the translator's fixed cost per call, measured before, between and after the cases (best of
    # all: other load on the machine only ever adds time)
    setups = [_timed(theirs.setup_only) for _ in range(30)]
    for index, path in enumerate(corpus_files(args.corpus)):
        if index % 100 == 99:
            setups.append(_timed(theirs.setup_only))
        case = run_case(path, ours, theirs, args.repeat)
        kind = "error inputs" if path.name.startswith("error_") else "valid inputs"
        tally.add(kind, "stackengine", case.ours.outcome)
        tally.add(kind, "translator", case.theirs.outcome)
        cases.append(case)
    generated = run_case(generated_template(args.generator, args.resources), ours, theirs, args.repeat)
    setups.extend(_timed(theirs.setup_only) for _ in range(30))
    setup = min(setups)

    both = [c for c in cases if c.ours.best is not None and c.theirs.best is not None]
    valid_both = [c for c in both if not c.name.startswith("error_")
                  and c.ours.outcome == OK and c.theirs.outcome == OK]
    ours_total = sum(c.ours.best for c in valid_both)  # type: ignore[misc]
    theirs_total = sum(c.theirs.best for c in valid_both)  # type: ignore[misc]
    all_ours = sum(c.ours.best for c in both)  # type: ignore[misc]
    all_theirs = sum(c.theirs.best for c in both)  # type: ignore[misc]
    ratios = sorted(c.ratio for c in valid_both if c.ratio is not None)
    median = ratios[len(ratios) // 2] if ratios else None
    rows = [
        (f"corpus, {len(valid_both)} inputs both transform", ours_total, theirs_total),
        (f"corpus, all {len(both)} inputs (rejections timed)", all_ours, all_theirs),
        (f"generated SAM template, {args.resources} resources", generated.ours.best,
         generated.theirs.best),
        (f"corpus, {len(valid_both)} inputs, translator set-up excluded", ours_total,
         theirs_total - setup * len(valid_both)),
        (f"generated, {args.resources} resources, set-up excluded", generated.ours.best,
         None if generated.theirs.best is None else generated.theirs.best - setup),
    ]

    if args.json:
        print(json.dumps({
            "environment": environment(),
            "repeat": args.repeat,
            "goal": GOAL,
            "results": [{"case": name, "stackengine_s": o, "translator_s": t,
                         "ratio": (o / t) if o and t else None,
                         "met": bool(o and t and o / t <= GOAL)} for name, o, t in rows],
            "median_file_ratio": median,
            "translator_setup_s": setup,
            "generated_outcomes": {"stackengine": generated.ours.outcome,
                                   "translator": generated.theirs.outcome},
            "outcomes": tally.counts,
            "files": [{"file": c.name, "stackengine_s": c.ours.best, "stackengine": c.ours.outcome,
                       "translator_s": c.theirs.best, "translator": c.theirs.outcome,
                       "ratio": c.ratio} for c in cases],
        }, indent=2))
        return 0

    env = environment()
    print(f"SAM transform: stackengine vs aws-sam-translator {env['aws_sam_translator']} "
          f"(Python {env['python']}, best of {args.repeat}, region {REGION})\n")
    print(f"{'case':52} {'stackengine ms':>14} {'translator ms':>14} {'ratio':>7}  goal <= {GOAL}")
    for name, o, t in rows:
        ratio = (o / t) if o and t else None
        met = "-" if ratio is None else ("met" if ratio <= GOAL else "MISSED")
        print(f"{name:52} {fmt_ms(o):>14} {fmt_ms(t):>14} {fmt_ratio(ratio):>7}  {met}")
    print(f"\nmedian per-file ratio (inputs both transform): {fmt_ratio(median).strip()}")
    print(f"translator per-call set-up (plugins; policy-template schema check): {setup * 1000:.2f} ms "
          "- the 'set-up excluded' rows subtract it once per input")
    print(f"generated template outcomes: stackengine {generated.ours.outcome}, "
          f"translator {generated.theirs.outcome}")
    print("\noutcomes (ok / rejected / crashed):")
    for key in sorted(tally.counts):
        counts = tally.counts[key]
        print(f"  {key:28} {counts[OK]:4} / {counts[REJECTED]:4} / {counts[CRASHED]:4}")
    crashed = [(c.name, side, t.message) for c in cases for side, t in
               (("stackengine", c.ours), ("translator", c.theirs)) if t.outcome == CRASHED]
    for name, side, message in crashed[:20]:
        print(f"  crashed: {side} on {name}: {message}")
    disagreements = [c for c in cases if (c.ours.outcome == OK) != (c.theirs.outcome == OK)]
    if disagreements:
        print(f"\ninputs one side transforms and the other does not ({len(disagreements)}):")
        for c in disagreements[:30]:
            why = c.ours.message or c.theirs.message
            print(f"  {c.name}: stackengine {c.ours.outcome}, translator {c.theirs.outcome}"
                  f"{f' ({why})' if why else ''}")
    listed = cases if args.per_file else sorted(
        (c for c in valid_both if c.ratio is not None), key=lambda c: -(c.ratio or 0))[:10]
    title = "every file" if args.per_file else "the 10 files with the highest ratio"
    print(f"\n{title}:")
    print(f"  {'file':64} {'stackengine ms':>14} {'translator ms':>14} {'ratio':>7}")
    for c in listed:
        print(f"  {c.name:64} {fmt_ms(c.ours.best):>14} {fmt_ms(c.theirs.best):>14} "
              f"{fmt_ratio(c.ratio):>7}")
    return 0


def environment() -> dict[str, Any]:
    from importlib.metadata import version

    return {"python": platform.python_version(), "aws_sam_translator": version("aws-sam-translator"),
            "cpus": os.cpu_count(), "platform": platform.platform()}


if __name__ == "__main__":
    sys.exit(main())
