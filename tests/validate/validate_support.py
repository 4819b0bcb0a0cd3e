"""Helpers shared by the validate tests (a uniquely named module: several test folders have a
conftest.py, so importing from "conftest" would be ambiguous)."""

from __future__ import annotations

from stackengine.validate import FileReport


def codes(report: FileReport) -> set[str]:
    return {d.code for d in report.findings}


def error_codes(report: FileReport) -> set[str]:
    return {d.code for d in report.errors}
