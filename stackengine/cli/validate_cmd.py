"""`stackengine validate`: check templates the way CloudFormation will, for CI and pre-commit.

Exit codes: 0 no error (warnings alone pass unless --strict), 1 a template has an error, 2 usage.
Only what validation needs is imported, so the command starts fast.
"""

from __future__ import annotations

import os
import sys

import click

from stackengine.cli.options import GreedyOption, handle_errors


def _list_rules(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from stackengine.validate.rules import RULES

    for rule in sorted(RULES.values(), key=lambda r: r.id):
        click.echo(f"{rule.id}  {rule.severity.value:<7}  {rule.description}")
    ctx.exit(0)


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "junit"]), default="text",
              show_default=True, help="Output format.")
@click.option("--region", "regions", multiple=True, metavar="REGION",
              help="Region(s) to check resource types against; repeatable (default: AWS_REGION, "
                   "AWS_DEFAULT_REGION, then us-east-1).")
@click.option("--parameter-overrides", cls=GreedyOption, metavar="KEY=VALUE...",
              help="Parameter values; parameters not given are checked as unknown values.")
@click.option("--strict", is_flag=True, default=False, help="Warnings fail the run too (exit 1).")
@click.option("--ignore", "ignore", multiple=True, metavar="RULE",
              help="Rule id not to report; repeatable, or comma-separated.")
@click.option("--templates-only", is_flag=True, default=False,
              help="Skip given files that are not templates (no Resources, AWSTemplateFormatVersion or "
                   "Transform key): for pre-commit, which passes every changed YAML/JSON file.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report to this file instead of standard output.")
@click.option("--list-rules", is_flag=True, expose_value=False, is_eager=True, callback=_list_rules,
              help="List every rule id with its severity and description, then exit.")
@handle_errors
def validate(paths: tuple[str, ...], fmt: str, regions: tuple[str, ...], parameter_overrides: tuple[str, ...],
             strict: bool, ignore: tuple[str, ...], templates_only: bool, output: str | None) -> None:
    """Validate CloudFormation and SAM templates: files, directories (searched recursively for
    templates) and glob patterns. Parameters without a value are unknown values, not errors;
    values that depend on conditions are checked for every branch."""
    from stackengine.diagnostics import UsageError
    from stackengine.template.parameters import parse_overrides
    from stackengine.validate.config import find_project_config
    from stackengine.validate.context import ValidateOptions
    from stackengine.validate.discover import expand
    from stackengine.validate.engine import validate_file
    from stackengine.validate.formats import get_formatter

    config = find_project_config()
    chosen = tuple(regions) or config.regions or (
        os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",)
    _check_regions(chosen)
    ignored = set(config.ignore)
    for item in ignore:
        ignored.update(part.strip() for part in item.split(",") if part.strip())
    try:
        overrides = parse_overrides(list(parameter_overrides))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    options = ValidateOptions(regions=chosen, parameters=overrides, ignore=frozenset(ignored))
    files = expand(paths)
    if templates_only:
        from pathlib import Path

        from stackengine.validate.discover import looks_like_template

        files = [f for f in files if looks_like_template(Path(f))]
    reports = [validate_file(file, options) for file in files]
    stream = sys.stdout
    colour = fmt == "text" and output is None and stream.isatty() and "NO_COLOR" not in os.environ
    text = get_formatter(fmt)(reports, colour)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        click.echo(text)
    failed = any(r.errors for r in reports) or ((strict or config.strict) and any(r.warnings for r in reports))
    sys.exit(1 if failed else 0)


def _check_regions(regions: tuple[str, ...]) -> None:
    from stackengine.diagnostics import UsageError
    from stackengine.regions import is_known_region, known_regions

    unknown = [r for r in regions if not is_known_region(r)]
    if unknown:
        raise UsageError(f"unknown region {', '.join(unknown)} (known: {', '.join(known_regions())})")
