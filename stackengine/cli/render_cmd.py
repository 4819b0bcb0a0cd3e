"""`stackengine render`: the processed template, as CloudFormation would see it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import click

from stackengine.cli.options import (
    account_option,
    echo_diagnostics,
    handle_errors,
    parameter_options,
    region_option,
    resolve_region,
)
from stackengine.cli.params import collect_parameters

if TYPE_CHECKING:
    from stackengine.template.decode import Document


@click.command()
@click.argument("template", type=click.Path(dir_okay=False))
@parameter_options
@click.option("--stack-name", default=None, help="Stack name for AWS::StackName (default: the file's stem).")
@region_option
@account_option
@click.option("-o", "--output", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True, help="Output format.")
@click.pass_context
@handle_errors
def render(ctx: click.Context, template: str, parameter_overrides: tuple[str, ...], parameters_file: str | None,
           stack_name: str | None, region: str | None, account_id: str, fmt: str) -> None:
    """Print TEMPLATE processed: transforms applied, parameters, mappings and conditions folded,
    references to resources kept as intrinsic functions."""
    from stackengine.render import RenderOptions, process
    from stackengine.template.decode import load_file
    from stackengine.template.encode import to_json, to_yaml

    region = resolve_region(region)
    options = RenderOptions(
        stack_name=stack_name or default_stack_name(template), region=region,
        account_id=account_id, parameters=collect_parameters(parameter_overrides, parameters_file),
        ssm_lookup=_ssm_lookup(ctx, account_id, region))
    processed = process(_packaged_preview(load_file(template), account_id, region), options)
    echo_diagnostics(list(processed.warnings))
    rendered = processed.rendered()
    click.echo(to_json(rendered) if fmt == "json" else to_yaml(rendered), nl=fmt == "json")


def default_stack_name(template: str) -> str:
    """The template file's stem, made a valid stack name (a letter, then letters, digits and
    hyphens; at most 128 characters)."""
    import os
    import re

    stem = os.path.splitext(os.path.basename(template))[0]
    name = re.sub(r"[^A-Za-z0-9-]", "-", stem).strip("-") or "stack"
    return (name if name[0].isalpha() else f"stack-{name}")[:128]


def _ssm_lookup(ctx: click.Context, account_id: str, region: str) -> Callable[[str], str | None]:
    """SSM-typed parameters read the emulated account's parameters, loaded only when needed."""
    cached: dict[str, Callable[[str], str | None]] = {}

    def lookup(name: str) -> str | None:
        if "lookup" not in cached:
            from stackengine.engine import offline_ssm_lookup

            state = (ctx.find_root().obj or {}).get("state_path") or ".stackengine/state.db"
            cached["lookup"] = offline_ssm_lookup(state, account_id, region)
        found = cached["lookup"](name)
        return found if isinstance(found, str) else None

    return lookup


def _packaged_preview(document: Document, account_id: str, region: str) -> Document:
    """Local artifact paths (CodeUri: ./src, ...) shown as the S3 locations `deploy` would upload
    them to (same bucket, same content-addressed keys), without uploading anything."""
    from stackengine.package.rewrite import MemoryStore, PackageOptions, packaged_document
    from stackengine.package.stores import default_bucket
    from stackengine.regions import partition_for_region

    options = PackageOptions(bucket=default_bucket(account_id, region), region=region,
                             partition=partition_for_region(region))
    packaged: Document = packaged_document(document, options, MemoryStore())
    return packaged
