"""JUnit XML as CI systems read it: one testsuite per file, one testcase per rule that fired there
(a failure for each error or warning, its type the severity; notes are left out),
and one passing testcase for a clean file."""

from __future__ import annotations

from typing import Sequence
from xml.etree import ElementTree as ET

from stackengine.diagnostics import Severity, format_path
from stackengine.validate.engine import FileReport


def render(reports: Sequence[FileReport], colour: bool) -> str:
    root = ET.Element("testsuites", name="stackengine validate")
    total_tests = total_failures = 0
    for report in reports:
        suite = ET.SubElement(root, "testsuite", name=report.file)
        tests = failures = 0
        findings = [d for d in report.findings if d.severity is not Severity.INFO]
        if not findings:
            ET.SubElement(suite, "testcase", name="valid", classname=report.file)
            tests += 1
        for d in findings:
            where = f"{d.span.line}:{d.span.col}" if d.span else "1:1"
            case = ET.SubElement(suite, "testcase", name=f"{d.code} {format_path(d.path)}".strip(),
                                 classname=report.file)
            failure = ET.SubElement(case, "failure", message=d.message, type=d.severity.value)
            failure.text = f"{report.file}:{where}: {d.code} {format_path(d.path)}: {d.message}"
            tests += 1
            failures += 1
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        total_tests += tests
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
