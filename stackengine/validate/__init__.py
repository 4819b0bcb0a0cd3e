"""`stackengine validate`: every problem CloudFormation would reject, with file:line:col, fast and
with bounded work. `validate_file(path, ValidateOptions(...))` → FileReport."""

from __future__ import annotations

from stackengine.validate.context import ValidateOptions
from stackengine.validate.engine import FileReport, validate_document, validate_file

__all__ = ["FileReport", "ValidateOptions", "validate_document", "validate_file"]
