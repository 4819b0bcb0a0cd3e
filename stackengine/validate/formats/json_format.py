"""JSON for scripts: one object per finding, plus per-file and overall counts."""

from __future__ import annotations

import json
from typing import Any, Sequence

from stackengine.diagnostics import Diagnostic, format_path
from stackengine.validate.engine import FileReport
from stackengine.validate.rules import describe


def finding(d: Diagnostic, file: str) -> dict[str, Any]:
    return {
        "rule": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "file": d.span.file if d.span else file,
        "line": d.span.line if d.span else None,
        "column": d.span.col if d.span else None,
        "path": format_path(d.path),
        "pathParts": list(d.path),
        "description": describe(d.code).description,
    }


def render(reports: Sequence[FileReport], colour: bool) -> str:
    files: list[dict[str, Any]] = [{"file": r.file, "errors": len(r.errors), "warnings": len(r.warnings), "suppressed": r.suppressed,
              "findings": [finding(d, r.file) for d in r.findings]} for r in reports]
    out = {
        "version": 1,
        "files": files,
        "summary": {"files": len(reports), "errors": sum(f["errors"] for f in files),
                    "warnings": sum(f["warnings"] for f in files)},
    }
    return json.dumps(out, indent=2, ensure_ascii=False)
