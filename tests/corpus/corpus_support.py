"""Where the shared corpus is, and how a corpus template is rendered in tests."""

from __future__ import annotations

import os
from pathlib import Path

from stackengine.render import ProcessedTemplate, RenderOptions, process
from stackengine.template.decode import load_file
from stackengine.intrinsics.rule_fill import fill_parameters_for_rules
from stackengine.template.fill import sample_ssm_lookup

CORPUS = Path(os.environ.get("STACKENGINE_CORPUS",
                             Path(__file__).resolve().parents[2].parent / "shared" / "corpus"))
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")


def corpus_files(*folders: str) -> list[str]:
    """Paths relative to the corpus root, sorted; empty when the corpus is absent."""
    found: list[str] = []
    for folder in folders:
        root = CORPUS / folder
        if root.is_dir():
            found.extend(str(p.relative_to(CORPUS)) for p in root.rglob("*")
                         if p.is_file() and p.suffix in TEMPLATE_SUFFIXES)
    return sorted(found)


def render_corpus_file(relative: str) -> ProcessedTemplate:
    """Render with parameters filled from defaults, AllowedValues or type-valid stand-ins, chosen
    so that the template's Rules hold where some choice makes them hold."""
    document = load_file(str(CORPUS / relative))
    declared = document.data.get("Parameters") if isinstance(document.data, dict) else None
    options = RenderOptions(stack_name="corpus", parameters=fill_parameters_for_rules(document.data, {}),
                            ssm_lookup=sample_ssm_lookup(declared))
    return process(document, options)
