"""Deploy then delete every template of a corpus folder on the local provider and list what did
not, with the reason. Not collected by pytest (it takes ~10 s per 200 templates); run it as

    python tests/providers/local/corpus_local.py [../shared/corpus/cfn-templates] [substring]

Parameters are filled from defaults/AllowedValues/type-valid values, re-chosen where the template's
Rules refuse the first choice (`fill_parameters_for_rules`), with VPC, subnet and
security-group IDs taken from the emulated account (`LocalProvider.account_parameter_values`);
SSM-typed parameters resolve through `LocalProvider.ssm_lookup` (wired here until the engine does).
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
from stackengine.engine import Engine, EngineConfig, StackRequest  # noqa: E402
from stackengine.template.decode import decode_text  # noqa: E402
from stackengine.intrinsics.rule_fill import fill_parameters_for_rules  # noqa: E402

CAPS = ("CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND")
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


def run(root: str, needle: str = "") -> int:
    render.process = _process_with_ssm
    files = sorted(os.path.join(d, f) for d, _, names in os.walk(root) for f in names
                   if f.endswith((".yaml", ".yml", ".json", ".template")) and needle in os.path.join(d, f))
    tmp = tempfile.mkdtemp()
    counts: collections.Counter[str] = collections.Counter()
    for i, path in enumerate(files):
        engine = Engine(EngineConfig(state_path=os.path.join(tmp, f"{i}.db")))
        provider = engine.provider
        _current["provider"] = provider
        name = f"corpus{i}"
        relative = os.path.relpath(path, root)
        try:
            with open(path, encoding="utf-8") as handle:
                document = decode_text(handle.read(), path)
            declared = document.data.get("Parameters") if isinstance(document.data, dict) else None
            given = provider.account_parameter_values(declared, "123456789012", "us-east-1")  # type: ignore[attr-defined]
            outcome = engine.deploy(StackRequest(path, name, fill_parameters_for_rules(document.data, given),
                                                 capabilities=CAPS))
            if outcome.record is None or outcome.failed:
                counts["deploy failed"] += 1
                print(f"{relative}: deploy: {'; '.join(_failure_reasons(engine, name))[:300]}")
                continue
            deleted = engine.delete_stack(name)
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
