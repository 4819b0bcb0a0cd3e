"""`stackengine transform`: print the CloudFormation a template becomes after its transforms."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from stackengine.cli.options import handle_errors, parameter_options, region_option, resolve_region
from stackengine.diagnostics import Diagnostic, TemplateError, UsageError


@click.command("transform")
@click.argument("template", type=click.Path(dir_okay=False))
@region_option
@parameter_options
@click.option("--lookup-file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="JSON answering SAM look-ups offline (managed policy ARNs, SAR applications).")
@click.option("-o", "--output", "output_format", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True, help="Output format.")
@click.option("--account-id", default="123456789012", envvar="STACKENGINE_ACCOUNT_ID", show_default=True)
@click.option("--stack-name", default="stack", show_default=True)
@handle_errors
def transform(template: str, region: str | None, parameters_file: str | None,
              parameter_overrides: tuple[str, ...], lookup_file: str | None, output_format: str,
              account_id: str, stack_name: str) -> None:
    """Expand TEMPLATE's transforms (SAM, language extensions, includes) and print the result."""
    from stackengine.template.decode import load_file
    from stackengine.transform import TransformContext, apply_transforms
    from stackengine.transform.sam.lookups import default_lookups, load_lookup_file

    region = resolve_region(region)
    partition = partition_of(region)
    document = load_file(template)
    from stackengine.template.parameters import load_parameters_file, parse_overrides

    parameters: dict[str, Any] = load_parameters_file(parameters_file) if parameters_file else {}
    parameters.update(parse_overrides(_split_overrides(parameter_overrides)))
    try:
        lookups = load_lookup_file(lookup_file, partition) if lookup_file else default_lookups(partition)
    except (OSError, ValueError) as exc:
        raise UsageError(f"--lookup-file {lookup_file}: {exc}") from None
    context = TransformContext(region=region, account_id=account_id, partition=partition,
                               stack_name=stack_name, parameters=parameters,
                               base_dir=os.path.dirname(os.path.abspath(template)), file=template,
                               options={"sam": {"lookups": lookups}})
    data = with_implied_sam(document.data)
    try:
        result = apply_transforms(data, context)
    except TemplateError as exc:
        raise TemplateError([_located(d, document) for d in exc.diagnostics]) from None
    if output_format == "json":
        click.echo(json.dumps(result, indent=2))
    else:
        import yaml

        click.echo(yaml.safe_dump(_plain(result), sort_keys=False, default_flow_style=False), nl=False)


def _split_overrides(values: tuple[str, ...]) -> list[str]:
    """Several `Key=Value` pairs may share one argument, space separated, as in the AWS CLI."""
    return [item for value in values for item in value.split()]


SAM = "AWS::Serverless-2016-10-31"


def with_implied_sam(data: Any) -> Any:
    """A template using SAM resource types without declaring the transform gets it implied: SAM
    types mean nothing to CloudFormation otherwise, and `transform` is asked to show SAM's output."""
    from stackengine.transform import transform_names

    if not isinstance(data, dict) or SAM in transform_names(data):
        return data
    resources = data.get("Resources")
    uses_sam = "Globals" in data or (isinstance(resources, dict) and any(
        isinstance(r, dict) and str(r.get("Type", "")).startswith("AWS::Serverless::")
        for r in resources.values()))
    if not uses_sam:
        return data
    declared = data.get("Transform")
    names = [declared] if isinstance(declared, str) else list(declared) if isinstance(declared, list) else []
    return {**data, "Transform": [*names, SAM]}


def _located(diagnostic: Diagnostic, document: Any) -> Diagnostic:
    if diagnostic.span is not None:
        return diagnostic
    return diagnostic.with_span(document.span(diagnostic.path))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"
