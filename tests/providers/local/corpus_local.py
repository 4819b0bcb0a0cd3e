"""Deploy then delete every template of a corpus folder on the local provider and list what did
not, with the reason. Not collected by pytest (it takes ~10 s per 200 templates); run it as

    python tests/providers/local/corpus_local.py [../shared/corpus/cfn-templates] [substring]

Parameters are filled from defaults/AllowedValues/type-valid values, re-chosen where the template's
Rules refuse the first choice (`fill_parameters_for_rules`), with VPC, subnet and
security-group IDs taken from the emulated account (`LocalProvider.account_parameter_values`);
SSM-typed parameters resolve through `LocalProvider.ssm_lookup` (wired here until the engine does).
A template that imports names another corpus template exports gets that exporter deployed first in
the same account (stack name and parameters chosen so the names match, `corpus_exports`), and
deleted after it.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..", "..")))

import stackengine.render as render  # noqa: E402
from corpus_exports import Exporter, plan_exporters, template_exports  # noqa: E402
from stackengine.engine import Engine, EngineConfig, StackRequest  # noqa: E402
from stackengine.template.decode import decode_text  # noqa: E402
from stackengine.intrinsics.rule_fill import fill_parameters_for_rules  # noqa: E402

CAPS = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND")
ACCOUNT, REGION = "123456789012", "us-east-1"
PSEUDO = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws",
          "AWS::URLSuffix": "amazonaws.com"}
_current: dict[str, object] = {}
_process = render.process


def _process_with_ssm(document, options):  # type: ignore[no-untyped-def]
    provider = _current.get("provider")
    if options.ssm_lookup is None and provider is not None:
        options = dataclasses.replace(
            options, ssm_lookup=provider.ssm_lookup(options.account_id, options.region))  # type: ignore[attr-defined]
    return _process(document, options)


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


def _deploy(engine: Engine, path: str, data: object, stack: str, given: dict[str, str]) -> bool:
    """Deploy one template with filled parameters; `given` wins over the filled values."""
    declared = data.get("Parameters") if isinstance(data, dict) else None
    account = engine.provider.account_parameter_values(declared, ACCOUNT, REGION)  # type: ignore[attr-defined]
    parameters = fill_parameters_for_rules(data, {**account, **given})
    outcome = engine.deploy(StackRequest(path, stack, parameters, capabilities=CAPS))
    return outcome.record is not None and not outcome.failed


def run(root: str, needle: str = "") -> int:
    render.process = _process_with_ssm
    every = sorted(os.path.join(d, f) for d, _, names in os.walk(root) for f in names
                   if f.endswith((".yaml", ".yml", ".json", ".template")))
    files = [f for f in every if needle in f]
    exporters = _exporters(every)
    tmp = tempfile.mkdtemp()
    counts: collections.Counter[str] = collections.Counter()
    for i, path in enumerate(files):
        engine = Engine(EngineConfig(state_path=os.path.join(tmp, f"{i}.db")))
        provider = engine.provider
        _current["provider"] = provider
        name = f"corpus{i}"
        relative = os.path.relpath(path, root)
        deployed: list[str] = []  # exporter stacks, deleted after the importer
        try:
            data = _decoded(path)
            # Imports: deploy the corpus templates that export the names first, as on AWS.
            plan = plan_exporters(path, data, {}, exporters, PSEUDO)
            if plan.missing:
                print(f"{relative}: note: no corpus template exports a name like {', '.join(plan.missing)}")
            ready = [] if plan.missing else plan.exporters
            failed = None
            for exporter in ready:
                if not _deploy(engine, exporter.path, _decoded(exporter.path), exporter.stack_name,
                               exporter.parameters):
                    failed = exporter
                    break
                deployed.append(exporter.stack_name)
            if failed is not None:
                counts["deploy failed"] += 1
                reasons = "; ".join(_failure_reasons(engine, failed.stack_name))
                print(f"{relative}: deploy: exporter {os.path.relpath(failed.path, root)}: {reasons[:300]}")
                continue
            given = {} if plan.missing else plan.importer_parameters
            if not _deploy(engine, path, data, name, given):
                counts["deploy failed"] += 1
                print(f"{relative}: deploy: {'; '.join(_failure_reasons(engine, name))[:300]}")
                continue
            deleted = engine.delete_stack(name)
            for stack in reversed(deployed):  # importer first: AWS refuses to delete a used export
                if "DELETE_COMPLETE" in str(deleted.status):
                    deleted = engine.delete_stack(stack)
            if "DELETE_COMPLETE" not in str(deleted.status):
                counts["delete failed"] += 1
                print(f"{relative}: delete: {'; '.join(_failure_reasons(engine, name))[:300]}")
                continue
            counts["ok"] += 1
        except Exception as exc:  # noqa: BLE001 - a report, not a test: record and go on
            counts["not deployable (template/render)"] += 1
            print(f"{relative}: render: {type(exc).__name__}: {str(exc).splitlines()[0][:240]}")
    print(dict(counts), "of", len(files))
    return 0


if __name__ == "__main__":
    default = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "corpus", "cfn-templates"))
    sys.exit(run(sys.argv[1] if len(sys.argv) > 1 else default, sys.argv[2] if len(sys.argv) > 2 else ""))
