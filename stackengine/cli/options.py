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


class GreedyOption(click.Option):
    """A repeatable option that, like the AWS CLI's list options, also takes the `KEY=VALUE`
    words that follow it: `--parameter-overrides A=1 B=2`. Words without `=` (a template path)
    end the list, so the option may come before the positional argument too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["multiple"] = True
        super().__init__(*args, **kwargs)

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        super().add_to_parser(parser, ctx)
        for name in self.opts:
            option = parser._long_opt.get(name) or parser._short_opt.get(name)
            if option is None:  # pragma: no cover - click always registers the names given
                continue
            single = option.process

            def process(value: Any, state: Any, single: Any = single) -> None:
                single(value, state)
                while state.rargs and "=" in state.rargs[0] and not state.rargs[0].startswith("-"):
                    single(state.rargs.pop(0), state)

            option.process = process


def parameter_options(f: F) -> F:
    f = click.option("--parameters-file", type=click.Path(dir_okay=False), default=None,
                     help="JSON file: [{\"ParameterKey\": .., \"ParameterValue\": ..}] or "
                          "{\"Parameters\": {Key: Value}}.")(f)
    f = click.option("--parameter-overrides", cls=GreedyOption, metavar="KEY=VALUE...",
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
