"""Human output: findings grouped by file, errors and warnings counted, coloured on a terminal."""

from __future__ import annotations

from typing import Sequence

from stackengine.diagnostics import Severity, format_path
from stackengine.validate.engine import FileReport

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _style(text: str, colour: bool, **kwargs: object) -> str:
    if not colour:
        return text
    import click

    return click.style(text, **kwargs)  # type: ignore[arg-type]


def render(reports: Sequence[FileReport], colour: bool) -> str:
    lines: list[str] = []
    errors = warnings = infos = 0
    for report in reports:
        if not report.findings:
            continue
        lines.append(_style(report.file, colour, bold=True))
        for d in report.findings:
            where = f"{d.span.line}:{d.span.col}" if d.span else "-"
            label = _style(f"{d.severity.value:<7}", colour, fg=_COLOURS[d.severity])
            path = f" {format_path(d.path)}:" if d.path else ""
            lines.append(f"  {where:>8}  {label} {_style(d.code, colour, bold=True)}{path} {d.message}")
            errors += d.severity is Severity.ERROR
            warnings += d.severity is Severity.WARNING
            infos += d.severity is Severity.INFO
        lines.append("")
    summary = (f"{len(reports)} file{'s' if len(reports) != 1 else ''} checked: "
               f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")
    if infos:
        summary += f", {infos} note{'s' if infos != 1 else ''}"
    colour_name = "red" if errors else "yellow" if warnings else "green"
    lines.append(_style(summary, colour, fg=colour_name, bold=True))
    return "\n".join(lines)
