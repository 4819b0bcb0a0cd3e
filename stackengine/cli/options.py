"""Options shared by several commands, and the error handling every command goes through."""

from __future__ import annotations

import functools
import os
import sys
from typing import Any, Callable, TypeVar

import click

from stackengine.diagnostics import Diagnostic, Severity, StackEngineError, TemplateError

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"


def resolve_region(region: str | None) -> str:
    """--region, then AWS_REGION / AWS_DEFAULT_REGION, then us-east-1."""
    return region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


def region_option(f: F) -> F:
    return click.option("--region", default=None, metavar="REGION",
                        help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then us-east-1).")(f)


def account_option(f: F) -> F:
    return click.option("--account-id", default=DEFAULT_ACCOUNT_ID, envvar="STACKENGINE_ACCOUNT_ID",
                        show_default=True, metavar="ID",
                        help="Account ID of the emulated account (env STACKENGINE_ACCOUNT_ID).")(f)


def parameter_options(f: F) -> F:
    f = click.option("--parameters-file", type=click.Path(dir_okay=False), default=None,
                     help="JSON file: [{\"ParameterKey\": .., \"ParameterValue\": ..}] or "
                          "{\"Parameters\": {Key: Value}}.")(f)
    f = click.option("--parameter-overrides", multiple=True, metavar="KEY=VALUE...",
                     help="Parameter values, several after one flag as in the AWS CLI; repeatable.")(f)
    return f


def echo_diagnostics(diagnostics: list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        prefix = "error" if diagnostic.severity is Severity.ERROR else diagnostic.severity.value
        click.echo(f"{prefix}: {diagnostic.format()}", err=True)


def handle_errors(f: F) -> F:
    """Turn StackEngineError into a clear message and its exit code; never a traceback."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except TemplateError as exc:
            echo_diagnostics(exc.diagnostics)
            errors = len(exc.errors)
            if errors:
                click.echo(f"{errors} error{'s' if errors != 1 else ''} found.", err=True)
            sys.exit(exc.exit_code)
        except StackEngineError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]
