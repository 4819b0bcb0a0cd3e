"""Deploy then delete every template of a corpus folder on the local provider and list what did
not, with the reason and whether CloudFormation would refuse it too (`corpus_classify`). The test
`test_local_corpus_deploy.py` runs it over cfn-templates; for the report, run it as

    python tests/providers/local/corpus_local.py [../shared/corpus/cfn-templates] [substring]

Parameters are filled as `deploy --fill-parameters` fills them: defaults/AllowedValues/type-valid
values, re-chosen where the template's Rules refuse the first choice, with VPC, subnet and
security-group IDs taken from the emulated account;
SSM-typed parameters resolve from the emulated account, as the engine wires them.
A template that imports names another corpus template exports gets that exporter deployed first in
the same account (stack name and parameters chosen so the names match, `corpus_exports`), and
deleted after it. Child templates a solution expects in the user's bucket are uploaded to the
emulated S3 first, and its bucket parameters filled to match (`corpus_staging`).
"""

from __future__ import annotations

import collections
import dataclasses
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..", "..")))

from corpus_classify import AWS_REFUSES, NOT_SUPPORTED, OURS, classify  # noqa: E402
from corpus_exports import Exporter, plan_exporters, template_exports  # noqa: E402
from corpus_staging import STAGING_BUCKET, plan_staging  # noqa: E402
from stackengine.engine import Engine, EngineConfig, StackRequest  # noqa: E402
from stackengine.template.decode import decode_text  # noqa: E402

CAPS = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND")
ACCOUNT, REGION = "123456789012", "us-east-1"
PSEUDO = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws",
          "AWS::URLSuffix": "amazonaws.com"}


def _failure_reasons(engine: Engine, stack: str) -> list[str]:
    return [f"{e.logical_id}: {e.reason}" for e in engine.events(stack)
            if e.reason and "FAILED" in str(e.status) and "following resource" not in e.reason]


def _decoded(path: str) -> object:
    with open(path, encoding="utf-8") as handle:
        return decode_text(handle.read(), path).data


def _exporters(files: list[str]) -> list[Exporter]:
    found = []
    for path in files:
        try:
            exporter = template_exports(path, _decoded(path))
        except Exception:  # noqa: BLE001 - a template that does not decode exports nothing
            continue
        if exporter is not None:
            found.append(exporter)
    return found


def _deploy(engine: Engine, path: str, stack: str, given: dict[str, str]) -> bool:
    """Deploy one template, its other parameters filled as `deploy --fill-parameters` fills
    them; `given` wins over the filled values."""
    outcome = engine.deploy(StackRequest(path, stack, given, capabilities=CAPS,
                                         fill_parameters=True))
    return outcome.record is not None and not outcome.failed


def _stage(engine: Engine, uploads: dict[str, str]) -> None:
    """Upload child templates to the staging bucket of the emulated account."""
    store = engine.emulated_s3()
    store.ensure_bucket(STAGING_BUCKET)
    for key, local in sorted(uploads.items()):
        with open(local, "rb") as handle:
            store.put(STAGING_BUCKET, key, handle.read())


@dataclasses.dataclass
class Survey:
    total: int = 0
    counts: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    verdicts: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    categories: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    # (file, message, verdict) of every template that did not deploy and delete
    failures: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)

    @property
    def accepted(self) -> int:
        """Templates CloudFormation itself would take as they are."""
        return self.total - self.verdicts[AWS_REFUSES]


def survey(root: str, needle: str = "", workdir: str | None = None) -> Survey:
    """Deploy and delete each template in a state database of its own under `workdir` (a new
    temporary folder when None)."""
    every = sorted(os.path.join(d, f) for d, _, names in os.walk(root) for f in names
                   if f.endswith((".yaml", ".yml", ".json", ".template")))
    files = [f for f in every if needle in f]
    exporters = _exporters(every)
    tmp = workdir or tempfile.mkdtemp()
    result = Survey(total=len(files))
    for i, path in enumerate(files):
        relative = os.path.relpath(path, root)
        outcome, message = _one(path, root, i, tmp, exporters)
        result.counts[outcome] += 1
        if outcome == "ok":
            result.verdicts["ok"] += 1
            continue
        with open(path, encoding="utf-8", errors="replace") as handle:
            category = classify(message, handle.read())
        verdict = category.verdict if category else OURS
        result.failures.append((relative, message, verdict))
        result.verdicts[verdict] += 1
        result.categories[f"{verdict}: {category.name if category else relative}"] += 1
    return result


def run(root: str, needle: str = "") -> int:
    result = survey(root, needle)
    for relative, message, _ in result.failures:
        print(f"{relative}: {message[:300]}")
    print()
    for name, count in sorted(result.categories.items()):
        print(f"{count:4d}  {name}")
    verdicts = result.verdicts
    print(dict(result.counts), "of", result.total)
    print(f"{verdicts['ok']} of {result.accepted} templates CloudFormation accepts deploy and delete "
          f"({100 * verdicts['ok'] / max(result.accepted, 1):.1f}%); {verdicts[AWS_REFUSES]} it "
          f"refuses too; {verdicts[NOT_SUPPORTED]} not supported offline; {verdicts[OURS]} fail "
          "here only")
    return 0


def _one(path: str, root: str, index: int, tmp: str, exporters: list[Exporter]) -> tuple[str, str]:
    """Deploy and delete one template: (outcome, message)."""
    engine = Engine(EngineConfig(state_path=os.path.join(tmp, f"{index}.db")))
    name = f"corpus{index}"
    deployed: list[str] = []  # exporter stacks, deleted after the importer
    note = ""
    try:
        data = _decoded(path)
        # Imports: deploy the corpus templates that export the names first, as on AWS.
        plan = plan_exporters(path, data, {}, exporters, PSEUDO)
        if plan.missing:
            note = f"note: no corpus template exports a name like {', '.join(plan.missing)}; "
        for exporter in [] if plan.missing else plan.exporters:
            if not _deploy(engine, exporter.path, exporter.stack_name,
                           exporter.parameters):
                reasons = "; ".join(_failure_reasons(engine, exporter.stack_name))
                return "deploy failed", (f"deploy: exporter {os.path.relpath(exporter.path, root)}:"
                                         f" {reasons}")
            deployed.append(exporter.stack_name)
        given = {} if plan.missing else plan.importer_parameters
        staging = plan_staging(path, data, root)
        if staging is not None:
            _stage(engine, staging.uploads)
            given = {**staging.parameters, **given}
        if not _deploy(engine, path, name, given):
            return "deploy failed", f"deploy: {'; '.join(_failure_reasons(engine, name))}"
        deleted = engine.delete_stack(name)
        for stack in reversed(deployed):  # importer first: AWS refuses to delete a used export
            if "DELETE_COMPLETE" in str(deleted.status):
                deleted = engine.delete_stack(stack)
        if "DELETE_COMPLETE" not in str(deleted.status):
            return "delete failed", f"delete: {'; '.join(_failure_reasons(engine, name))}"
        return "ok", ""
    except Exception as exc:  # noqa: BLE001 - a report, not a test: record and go on
        first = str(exc).splitlines()[0] if str(exc) else ""
        return "not deployable (template/render)", f"{note}render: {type(exc).__name__}: {first}"


if __name__ == "__main__":
    default = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "corpus", "cfn-templates"))
    sys.exit(run(sys.argv[1] if len(sys.argv) > 1 else default, sys.argv[2] if len(sys.argv) > 2 else ""))
