"""Positions, template paths, diagnostics and the one exception tree of stackengine."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Iterable, Sequence, Union

PathPart = Union[str, int]
TemplatePath = tuple[PathPart, ...]


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a file: 1-based line and column."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


def format_path(path: Sequence[PathPart]) -> str:
    """`("Resources", "Q", "Properties", "Tags", 0)` -> `Resources.Q.Properties.Tags[0]`."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif out:
            out.append("." + part)
        else:
            out.append(part)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a template, with where it is."""

    code: str
    message: str
    path: TemplatePath = ()
    span: Span | None = None
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def with_span(self, span: Span | None) -> Diagnostic:
        if span is None or self.span is not None:
            return self
        return Diagnostic(self.code, self.message, self.path, span, self.severity)

    def format(self) -> str:
        where = f"{self.span}: " if self.span else ""
        path = f" {format_path(self.path)}:" if self.path else ""
        return f"{where}{self.code}{path} {self.message}"

    def __str__(self) -> str:
        return self.format()


class StackEngineError(Exception):
    """Root of every error stackengine reports to a user. `exit_code` is the process exit code."""

    exit_code = 1


class UsageError(StackEngineError):
    """The command line was wrong (unknown option value, unreadable parameters file, ...)."""

    exit_code = 2


class TemplateError(StackEngineError):
    """A template (or its parameters) is invalid; carries every diagnostic found, not only the first."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics) or "invalid template")

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


class DiagnosticSink:
    """Collects diagnostics while a phase runs, so every problem is reported at once."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def add(self, code: str, message: str, path: Sequence[PathPart] = (),
            severity: Severity = Severity.ERROR, span: Span | None = None) -> None:
        self.items.append(Diagnostic(code, message, tuple(path), span, severity))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)

    def raise_if_errors(self) -> None:
        if self.has_errors:
            raise TemplateError(self.items)
