"""SARIF 2.1.0, as GitHub code scanning reads it: one run, every rule that fired described in
`tool.driver.rules`, one result per finding with a physical location relative to the repository."""

from __future__ import annotations

import json
import os
from typing import Any, Sequence
from urllib.parse import quote

from stackengine import __version__
from stackengine.diagnostics import Severity, format_path
from stackengine.validate.engine import FileReport
from stackengine.validate.rules import describe

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
HELP_URI = "https://github.com/stackengine/stackengine/blob/main/docs/validate.md"


def _uri(file: str) -> str:
    """Relative to the working directory (the repository root in CI), with forward slashes."""
    path = os.path.relpath(file) if os.path.isabs(file) else file
    if path.startswith(".."):
        path = os.path.abspath(file)
    return quote(path.replace(os.sep, "/"))


def render(reports: Sequence[FileReport], colour: bool) -> str:
    rule_ids = sorted({d.code for r in reports for d in r.findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    rules = []
    for rule_id in rule_ids:
        info = describe(rule_id)
        rules.append({
            "id": rule_id,
            "name": rule_id,
            "shortDescription": {"text": info.description},
            "fullDescription": {"text": info.description},
            "defaultConfiguration": {"level": _LEVELS[info.severity]},
            "helpUri": HELP_URI,
        })
    results: list[dict[str, Any]] = []
    for report in reports:
        for d in report.findings:
            line = d.span.line if d.span else 1
            col = d.span.col if d.span else 1
            message = f"{format_path(d.path)}: {d.message}" if d.path else d.message
            results.append({
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": _LEVELS[d.severity],
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(d.span.file if d.span else report.file)},
                        "region": {"startLine": max(line, 1), "startColumn": max(col, 1)},
                    },
                    "logicalLocations": [{"fullyQualifiedName": format_path(d.path)}] if d.path else [],
                }],
            })
    log = {
        "version": "2.1.0",
        "$schema": SCHEMA,
        "runs": [{
            "tool": {"driver": {"name": "stackengine", "version": __version__,
                                "informationUri": HELP_URI, "rules": rules}},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)
