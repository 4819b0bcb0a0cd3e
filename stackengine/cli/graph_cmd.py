"""`stackengine graph TEMPLATE`: the resources, their types and the edges between them."""

from __future__ import annotations

import json

import click

from stackengine.cli.options import (
    account_option, handle_errors, parameter_options, region_option, resolve_region,
)


@click.command()
@click.argument("template", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["dot", "mermaid", "json"]), default="dot",
              show_default=True)
@click.option("--stack-name", default=None)
@parameter_options
@region_option
@account_option
@handle_errors
def graph(template: str, fmt: str, stack_name: str | None, parameter_overrides: tuple[str, ...],
          parameters_file: str | None, region: str | None, account_id: str) -> None:
    """Print the dependency graph of TEMPLATE (edges labelled Ref / GetAtt / DependsOn)."""
    from stackengine.cli.params import collect_parameters
    from stackengine.cli.render_cmd import default_stack_name
    from stackengine.engine import locator
    from stackengine.graph import build_graph
    from stackengine.render import RenderOptions, render_file

    processed = render_file(template, RenderOptions(
        stack_name=stack_name or default_stack_name(template), region=resolve_region(region),
        account_id=account_id, parameters=collect_parameters(parameter_overrides, parameters_file)))
    g = build_graph(processed.resources, locator(processed.source, template))
    if fmt == "json":
        click.echo(json.dumps(g.to_json(), indent=2))
    elif fmt == "mermaid":
        click.echo(g.to_mermaid(), nl=False)
    else:
        click.echo(g.to_dot(), nl=False)
