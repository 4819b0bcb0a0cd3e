"""`stackengine changeset create|describe|list|execute|delete`: named, stored change sets."""

from __future__ import annotations

import sys
from typing import Any

import click

from stackengine.cli.options import echo_diagnostics, handle_errors, parameter_options
from stackengine.cli.stack_cmds import (
    MultiValueOption, _engine_kwargs, echo_json, engine_options, local_test_options, make_engine,
    output_option, parse_tags, print_change_set, print_outputs, progress_listener, read_policy,
    split_values, table,
)


@click.group()
def changeset() -> None:
    """Create, inspect, execute and delete named change sets."""


@changeset.command()
@click.argument("template", type=click.Path(dir_okay=False))
@click.option("--stack-name", required=True)
@click.option("--change-set-name", required=True)
@click.option("--description", default=None)
@parameter_options
@click.option("--capabilities", cls=MultiValueOption, multiple=True, metavar="CAPABILITY...")
@click.option("--tags", cls=MultiValueOption, multiple=True, metavar="KEY=VALUE...")
@engine_options
@output_option
@click.pass_context
@handle_errors
def create(ctx: click.Context, template: str, stack_name: str, change_set_name: str,
           description: str | None, parameter_overrides: tuple[str, ...],
           parameters_file: str | None, capabilities: tuple[str, ...], tags: tuple[str, ...],
           fmt: str, **kwargs: Any) -> None:
    """Compute a change set for TEMPLATE against the stack and store it."""
    from stackengine.cli.params import collect_parameters
    from stackengine.engine import StackRequest

    engine = make_engine(ctx, **_engine_kwargs(kwargs))
    request = StackRequest(template, stack_name,
                           collect_parameters(parameter_overrides, parameters_file),
                           split_values(capabilities), parse_tags(split_values(tags)))
    cs = engine.create_change_set(request, change_set_name, description)
    echo_diagnostics(engine.warnings(cs))
    if fmt == "json":
        echo_json({"Id": cs.change_set_id, "StackId": cs.stack_id})
    else:
        print_change_set(cs)


@changeset.command()
@click.argument("name")
@click.option("--stack-name", required=True)
@engine_options
@output_option
@click.pass_context
@handle_errors
def describe(ctx: click.Context, name: str, stack_name: str, fmt: str, **kwargs: Any) -> None:
    """Show change set NAME (`describe-change-set`)."""
    cs = make_engine(ctx, **_engine_kwargs(kwargs)).describe_change_set(stack_name, name)
    if fmt == "json":
        echo_json(cs.to_json())
    else:
        click.echo(f"{cs.name}: {cs.status} / {cs.execution_status}"
                   + (f" ({cs.status_reason})" if cs.status_reason else ""))
        print_change_set(cs)


@changeset.command("list")
@click.option("--stack-name", required=True)
@engine_options
@output_option
@click.pass_context
@handle_errors
def list_(ctx: click.Context, stack_name: str, fmt: str, **kwargs: Any) -> None:
    """Change sets of a stack (`list-change-sets`)."""
    from stackengine.engine import change_set_summary_json

    items = [change_set_summary_json(c)
             for c in make_engine(ctx, **_engine_kwargs(kwargs)).list_change_sets(stack_name)]
    if fmt == "json":
        echo_json({"Summaries": items})
        return
    table(None, ["ChangeSetName", "Status", "ExecutionStatus", "CreationTime"],
          [(c["ChangeSetName"], c["Status"], c["ExecutionStatus"], c["CreationTime"])
           for c in items])


@changeset.command()
@click.argument("name")
@click.option("--stack-name", required=True)
@click.option("--disable-rollback", is_flag=True)
@click.option("--max-parallel", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--stack-policy-during-update-file", type=click.Path(dir_okay=False), default=None)
@engine_options
@local_test_options
@output_option
@click.pass_context
@handle_errors
def execute(ctx: click.Context, name: str, stack_name: str, disable_rollback: bool,
            max_parallel: int, stack_policy_during_update_file: str | None, fmt: str,
            **kwargs: Any) -> None:
    """Execute change set NAME (refused if the stack changed since it was created)."""
    from stackengine.engine import ExecuteOptions, describe_stack_json

    engine = make_engine(ctx, max_parallel=max_parallel, **_engine_kwargs(kwargs))
    human = fmt != "json"
    options = ExecuteOptions(disable_rollback=disable_rollback, max_parallel=max_parallel,
                             stack_policy_during_update=read_policy(stack_policy_during_update_file))
    template = engine.describe_change_set(stack_name, name).extra.get("TemplateFile")
    record = engine.execute_change_set(stack_name, name, options,
                                       progress_listener() if human else None)
    if human:
        click.echo(f"Stack {stack_name}: {record.status.value}")
        if record.status.failed and template:
            from stackengine.cli.stack_cmds import echo_located_failures

            echo_located_failures(engine, stack_name, template)
        print_outputs(record.outputs)
    else:
        echo_json({"Stacks": [describe_stack_json(record)]})
    if record.status.failed:
        sys.exit(1)


@changeset.command()
@click.argument("name")
@click.option("--stack-name", required=True)
@engine_options
@click.pass_context
@handle_errors
def delete(ctx: click.Context, name: str, stack_name: str, **kwargs: Any) -> None:
    """Delete change set NAME."""
    make_engine(ctx, **_engine_kwargs(kwargs)).delete_change_set(stack_name, name)
