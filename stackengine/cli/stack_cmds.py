"""Stack commands: deploy, delete, describe, events, resources, outputs, stacks, exports,
continue-update-rollback, update-termination-protection.

Thin: each builds an `Engine`, calls one method and renders the answer — `-o json` in the AWS
CLI's shape, otherwise tables and live progress (rich, imported only when drawing; plain when
NO_COLOR is set or output is not a terminal).
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar

import click

from stackengine.cli.options import (
    account_option, echo_diagnostics, handle_errors, parameter_options, region_option,
    resolve_region,
)
from stackengine.diagnostics import StackEngineError, UsageError

F = TypeVar("F", bound=Callable[..., Any])
Json = Any

STATUS_COLOURS = (("FAILED", "red"), ("ROLLBACK", "red"), ("DELETE", "magenta"),
                  ("COMPLETE", "green"), ("IN_PROGRESS", "yellow"), ("SKIPPED", "cyan"))


class MultiValueOption(click.Option):
    """`--capabilities A B` as in the AWS CLI: values up to the next option; repeatable too."""

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        super().add_to_parser(parser, ctx)
        for name in self.opts:
            opt = parser._long_opt.get(name) or parser._short_opt.get(name)
            if opt is None:
                continue
            original = opt.process

            def process(value: Any, state: Any, original: Any = original) -> None:
                original(value, state)
                while state.rargs and not state.rargs[0].startswith("-"):
                    original(state.rargs.pop(0), state)

            opt.process = process


# -- shared options -----------------------------------------------------------------------

def output_option(f: F) -> F:
    return click.option("-o", "--output", "fmt", type=click.Choice(["table", "json"]),
                        default="table", show_default=True, help="Output format.")(f)


def local_test_options(f: F) -> F:
    """For commands that make provider calls: the local provider's failure injection and
    latency, to watch a rollback or real-looking progress offline."""
    f = click.option("--inject-failure", "inject_failures", multiple=True, metavar="LOGICAL_ID[:OP]",
                     help="Local provider: make that resource's create, update or delete (OP; "
                          "every operation when omitted) fail with a realistic error, to watch a "
                          "rollback. Repeatable.")(f)
    f = click.option("--latency", "--provider-latency-ms", "provider_latency_ms",
                     type=click.IntRange(0, None), default=0, metavar="MS",
                     help="Local provider: every create, update and delete takes MS milliseconds, "
                          "to see real-looking progress.")(f)
    return f


def engine_options(f: F) -> F:
    f = click.option("--endpoint-url", default=None, envvar="AWS_ENDPOINT_URL", metavar="URL",
                     help="aws target: send AWS calls here, e.g. `stackengine emulator serve`.")(f)
    f = click.option("--role-arn", default=None, metavar="ARN",
                     help="aws target: role to assume for the operations.")(f)
    f = click.option("--profile", default=None, help="aws target: AWS CLI profile for credentials.")(f)
    f = click.option("--via", type=click.Choice(["cloudcontrol", "cloudformation"]), default="cloudcontrol",
                     show_default=True,
                     help="aws target: resources through Cloud Control, or a CloudFormation stack.")(f)
    f = click.option("--target", "--provider", "provider_name", type=click.Choice(["local", "aws"]),
                     default="local", envvar="STACKENGINE_PROVIDER", show_default=True,
                     help="Where resources are made: the emulated account or AWS "
                          "(env STACKENGINE_PROVIDER).")(f)
    f = account_option(f)
    f = region_option(f)
    return f


def make_engine(ctx: click.Context, region: str | None, account_id: str, provider_name: str,
                provider_latency_ms: int = 0, inject_failures: Sequence[str] = (),
                max_parallel: int = 10, via: str = "cloudcontrol", profile: str | None = None,
                role_arn: str | None = None, endpoint_url: str | None = None) -> Any:
    from stackengine.engine import Engine, EngineConfig, load_provider

    if via == "cloudformation":
        raise UsageError("--via cloudformation works with deploy, delete, describe, events, outputs "
                         "and resources; this command runs on the engine's own stacks")
    state = (ctx.find_root().obj or {}).get("state_path") or ".stackengine/state.db"
    if provider_name == "aws":
        if provider_latency_ms or inject_failures:
            raise UsageError("--latency and --inject-failure apply to the local target only")
        aws_options = {"profile": profile, "role_arn": role_arn, "endpoint_url": endpoint_url}
        config = EngineConfig(state_path=state, region=resolve_region(region), account_id=account_id,
                              provider="aws", provider_options=aws_options, max_parallel=max_parallel)
        provider = load_provider("aws", state, config)
        # Stack records and ARNs carry the account the credentials belong to.
        real_account = provider.resolve_account_id()  # type: ignore[attr-defined]
        config = EngineConfig(state_path=state, region=config.region, account_id=real_account,
                              provider="aws", provider_options=aws_options, max_parallel=max_parallel)
        return Engine(config, provider=provider)
    options: dict[str, Any] = {}
    if provider_latency_ms:
        options["latency_ms"] = provider_latency_ms
    if inject_failures:
        from stackengine.providers.local import parse_failure_spec
        try:
            options["inject_failures"] = [parse_failure_spec(s) for s in inject_failures]
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    return Engine(EngineConfig(state_path=state, region=resolve_region(region),
                               account_id=account_id, provider=provider_name,
                               provider_options=options, max_parallel=max_parallel))


def _engine_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    found = {k: kwargs.pop(k) for k in ("region", "account_id", "provider_name", "via", "profile",
                                        "role_arn", "endpoint_url")}
    # Only the commands that make provider calls take the local test options.
    found["provider_latency_ms"] = kwargs.pop("provider_latency_ms", 0)
    found["inject_failures"] = kwargs.pop("inject_failures", ())
    return found


def on_cloudformation(engine_kwargs: Mapping[str, Any], action: str, *args: Any) -> bool:
    """Run a read command on a real CloudFormation stack when `--via cloudformation` says so."""
    aws = native_options(engine_kwargs)
    if aws is None:
        return False
    from stackengine.cli import native

    getattr(native, action)(aws, *args)
    return True


def native_options(engine_kwargs: Mapping[str, Any]) -> Any:
    """The AWS options when the command should act on a real CloudFormation stack, else None."""
    if engine_kwargs.get("via") != "cloudformation":
        return None
    if engine_kwargs.get("provider_name") != "aws":
        raise UsageError("--via cloudformation needs --target aws")
    from stackengine.cli.native import AwsOptions

    return AwsOptions(resolve_region(engine_kwargs.get("region")), engine_kwargs.get("profile"),
                      engine_kwargs.get("role_arn"), engine_kwargs.get("endpoint_url"))


def echo_json(data: Json) -> None:
    click.echo(json.dumps(data, indent=4, default=str))


# -- rendering for people -------------------------------------------------------------------

def console() -> Any:
    from rich.console import Console
    return Console(highlight=False, soft_wrap=False)


def _colour(status: str) -> str:
    for key, colour in STATUS_COLOURS:
        if key in status:
            return colour
    return "white"


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from rich.table import Table
    from rich.text import Text

    t = Table(title=title, show_lines=False, title_justify="left")
    for column in columns:
        t.add_column(column, overflow="fold")
    for row in rows:
        cells = []
        for column, value in zip(columns, row):
            text = "" if value is None else str(value)
            style = _colour(text) if "Status" in column else None
            cells.append(Text(text, style=style or ""))
        t.add_row(*cells)
    console().print(t)


def _plain_writer(out: Any, *, wraps: bool) -> Callable[[str], bool] | None:
    """A cheap way to print what `out` would print as the bare text of the line.

    A console that draws no styles (no colour system: output is not a terminal, or a terminal
    without colours) prints a line of printable characters that needs no wrapping exactly as
    its text. Such lines are written directly: rich's rendering costs some 50 µs a line, a
    tenth of a second over the 1,500 lines a 500-resource deploy prints. The writer returns
    False for a line it cannot vouch for (control characters, tabs, too wide for a console
    that `wraps`): the caller prints that one through rich. None when `out` draws styles."""
    if out.color_system is not None:
        return None
    from rich.cells import cell_len

    width = out.width
    lock = threading.Lock()

    def write(text: str) -> bool:
        if not text.isprintable() or (wraps and cell_len(text) > width):
            return False
        with lock:
            out.file.write(text + "\n")
            out.file.flush()
        return True

    return write


def _styled(parts: Sequence[tuple[str, str]]) -> Any:
    from rich.text import Text

    line = Text()
    for text, style in parts:
        line.append(text, style=style or None)
    return line


def print_change_set(cs: Any) -> None:
    """The preview: adds, modifies (property old → new, NoEcho masked), removes, replacements
    with their reasons."""
    from rich.text import Text

    out = console()
    if not cs.changes:
        out.print(cs.status_reason or "No changes.")
        return
    plain = _plain_writer(out, wraps=True)

    def emit(*parts: tuple[str, str]) -> None:
        if plain is None or not plain("".join(text for text, _ in parts)):
            out.print(_styled(parts))

    styles = {"Add": "green", "Modify": "yellow", "Remove": "red"}
    out.print(Text(f"Change set {cs.name} for stack {cs.stack_name}:", style="bold"))
    for change in cs.changes:
        sign = {"Add": "+", "Modify": "~", "Remove": "-"}[change.action.value]
        parts = [(f"{sign} {change.action.value:<7}", styles[change.action.value]),
                 (f"{change.logical_id} ({change.resource_type})", "")]
        if change.replacement is not None and change.replacement.value != "False":
            label = "REPLACE" if change.replacement.value == "True" else "may replace"
            parts.append((f"  [{label}]", "red bold"))
        emit(*parts)
        for detail in change.details:
            what = detail.path or detail.name or detail.attribute.value
            text = f"      {what}"
            if detail.evaluation.value == "Dynamic":
                cause = detail.causing_entity or ""
                text += f": known at deploy time (depends on {cause})"
            elif detail.before is not None or detail.after is not None:
                text += f": {_short(detail.before)} → {_short(detail.after)}"
            if detail.change_source.value == "ParameterReference":
                text += f" (parameter {detail.causing_entity})"
            emit((text, "dim" if detail.evaluation.value == "Dynamic" else ""))
        for reason in change.replacement_reasons:
            emit((f"      replacement: {reason}", "red"))


def _short(value: Any, limit: int = 60) -> str:
    text = "(none)" if value is None else json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"


def progress_listener() -> Callable[[Any], None]:
    """Prints each event as it happens (events come from worker threads; rich serialises)."""
    from rich.console import Console

    out = Console(highlight=False, soft_wrap=True)  # one line per event, never re-wrapped
    plain = _plain_writer(out, wraps=False)

    def listener(event: Any) -> None:
        parts = [(event.timestamp[11:19] + "  ", ""), (f"{event.status:<36}", _colour(event.status)),
                 (f" {event.logical_id}  ({event.resource_type})", "")]
        if event.reason:
            parts.append((f"  {event.reason}", "dim"))
        if plain is None or not plain("".join(text for text, _ in parts)):
            out.print(_styled(parts))

    return listener


def print_outputs(outputs: Sequence[Mapping[str, Any]]) -> None:
    if outputs:
        table("Outputs", ["OutputKey", "OutputValue", "Description", "ExportName"],
              [(o.get("OutputKey"), o.get("OutputValue"), o.get("Description"),
                o.get("ExportName")) for o in outputs])


def read_policy(path: str | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read stack policy {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise UsageError(f"stack policy {path} must be a JSON object with a Statement list")
    return data


def parse_tags(items: Sequence[str]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--tags {item!r}: expected Key=Value")
        tags[key] = value
    return tags


def split_values(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(v for item in items for v in item.replace(",", " ").split())


# -- deploy ---------------------------------------------------------------------------------

@click.command()
@click.argument("template", type=click.Path(dir_okay=False))
@click.option("--stack-name", default=None, help="Stack name (default: the template's stem).")
@parameter_options
@click.option("--capabilities", cls=MultiValueOption, multiple=True, metavar="CAPABILITY...",
              help="CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND.")
@click.option("--tags", cls=MultiValueOption, multiple=True, metavar="KEY=VALUE...",
              help="Stack tags.")
@click.option("--disable-rollback", is_flag=True, help="Keep what was made when it fails.")
@click.option("--timeout-in-minutes", type=click.IntRange(min=1), default=None, metavar="MINUTES",
              help="When the deploy creates the stack: fail it (and roll back) if creation takes "
                   "longer. Ignored when it updates the stack, as CloudFormation ignores it.")
@click.option("--max-parallel", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="Most resource operations at once.")
@click.option("--no-execute-changeset", is_flag=True,
              help="Only create the change set (see --change-set-name).")
@click.option("--change-set-name", default=None, help="Name of the change set created.")
@click.option("--confirm-changeset", is_flag=True, help="Ask before executing the change set.")
@click.option("--fail-on-empty-changeset/--no-fail-on-empty-changeset", default=False,
              help="Exit 1 when there is nothing to deploy.")
@click.option("--stack-policy-file", type=click.Path(dir_okay=False), default=None)
@click.option("--stack-policy-during-update-file", type=click.Path(dir_okay=False), default=None)
@click.option("--enable-termination-protection", is_flag=True, default=None)
@click.option("--s3-bucket", default=None,
              help="--via cloudformation: bucket for local artifacts and large templates.")
@click.option("--s3-prefix", default="", help="Key prefix in --s3-bucket.")
@click.option("--fill-parameters", is_flag=True,
              help="Local provider: give parameters without a value type-valid stand-ins (IDs "
                   "from the emulated account's default VPC), for smoke tests.")
@engine_options
@local_test_options
@output_option
@click.pass_context
@handle_errors
def deploy(ctx: click.Context, template: str, stack_name: str | None,
           parameter_overrides: tuple[str, ...], parameters_file: str | None,
           capabilities: tuple[str, ...], tags: tuple[str, ...], disable_rollback: bool,
           timeout_in_minutes: int | None, max_parallel: int, no_execute_changeset: bool,
           change_set_name: str | None, confirm_changeset: bool, fail_on_empty_changeset: bool,
           stack_policy_file: str | None, stack_policy_during_update_file: str | None,
           enable_termination_protection: bool | None, s3_bucket: str | None, s3_prefix: str,
           fill_parameters: bool, fmt: str, **kwargs: Any) -> None:
    """Create or update the stack of TEMPLATE: compute the change set, show it, execute it."""
    from stackengine.cli.params import collect_parameters
    from stackengine.cli.render_cmd import default_stack_name
    from stackengine.engine import (FILL_PARAMETERS_LOCAL_ONLY, ExecuteOptions, StackRequest,
                                    describe_stack_json)

    engine_kwargs = _engine_kwargs(kwargs)
    name = stack_name or default_stack_name(template)
    aws = native_options(engine_kwargs)
    # Refused before an AWS target asks who the caller is.
    if fill_parameters and (engine_kwargs.get("provider_name") or "local") != "local":
        raise UsageError(FILL_PARAMETERS_LOCAL_ONLY)
    if aws is not None:
        from stackengine.cli import native

        if timeout_in_minutes is not None:
            raise UsageError("--timeout-in-minutes is not supported with --via cloudformation: "
                             "CloudFormation change sets take no creation timeout")
        native.deploy(aws, engine_kwargs["account_id"], template, name,
                      collect_parameters(parameter_overrides, parameters_file), split_values(capabilities),
                      parse_tags(split_values(tags)), disable_rollback, no_execute_changeset,
                      confirm_changeset, fmt != "json", s3_bucket, s3_prefix)
        return
    engine = make_engine(ctx, max_parallel=max_parallel, **engine_kwargs)
    request = StackRequest(template, name, collect_parameters(parameter_overrides, parameters_file),
                           split_values(capabilities), parse_tags(split_values(tags)),
                           fill_parameters=fill_parameters)
    options = ExecuteOptions(disable_rollback=disable_rollback, max_parallel=max_parallel,
                             stack_policy=read_policy(stack_policy_file),
                             stack_policy_during_update=read_policy(stack_policy_during_update_file),
                             termination_protection=enable_termination_protection,
                             timeout_in_minutes=timeout_in_minutes)
    human = fmt != "json"

    def confirm(cs: Any) -> bool:
        return click.confirm("Deploy this changeset?", default=False)

    cs = engine.create_change_set(request, change_set_name)
    echo_diagnostics(engine.warnings(cs))
    if human:
        print_change_set(cs)
    if cs.execution_status != "AVAILABLE":
        if human:
            click.echo(f"No changes to deploy. Stack {name} is up to date")
        else:
            echo_json(cs.to_json())
        sys.exit(1 if fail_on_empty_changeset else 0)
    if no_execute_changeset:
        if human:
            click.echo(f"Changeset created successfully. Run 'stackengine changeset execute "
                       f"{cs.name} --stack-name {name}' to apply it.")
        else:
            echo_json(cs.to_json())
        return
    if confirm_changeset and not confirm(cs):
        click.echo("Changeset not executed.")
        return
    record = engine.execute_change_set(name, cs.name, options,
                                       progress_listener() if human else None)
    if human:
        creating = cs.change_set_type.value == "CREATE"
        verb = "created" if creating else "updated"
        if record.status.failed:
            click.echo(f"Failed to {'create' if creating else 'update'} stack {name}: {record.status.value}"
                       + (f" ({record.status_reason})" if record.status_reason else ""), err=True)
            echo_located_failures(engine, name, template)
        else:
            click.echo(f"Successfully {verb} stack - {name} in {record.region}")
        print_outputs(record.outputs)
    else:
        echo_json({"Stacks": [describe_stack_json(record)]})
    if record.status.failed:
        sys.exit(1)


def echo_located_failures(engine: Any, stack_name: str, template: str) -> None:
    """After a failed create or update: each cause with its file:line:col and template path."""
    from stackengine.execute.failures import located_failures
    from stackengine.template.decode import decode_text

    try:
        with open(template, encoding="utf-8") as handle:
            document = decode_text(handle.read(), template)
    except (OSError, StackEngineError):
        return  # it deployed from this file a moment ago; if it is gone, the events must do
    for failure in located_failures(engine.events(stack_name), stack_name, document.data):
        click.echo(failure.format(template), err=True)


# -- delete, continue-update-rollback, termination protection ---------------------------------

@click.command()
@click.argument("stack")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--retain-resources", cls=MultiValueOption, multiple=True, metavar="LOGICAL_ID...",
              help="For a stack in DELETE_FAILED: leave these resources in place.")
@click.option("--max-parallel", type=click.IntRange(1, 1000), default=10, show_default=True)
@engine_options
@local_test_options
@output_option
@click.pass_context
@handle_errors
def delete(ctx: click.Context, stack: str, yes: bool, retain_resources: tuple[str, ...],
           max_parallel: int, fmt: str, **kwargs: Any) -> None:
    """Delete STACK and its resources (dependents first)."""
    from stackengine.engine import describe_stack_json

    engine_kwargs = _engine_kwargs(kwargs)
    aws = native_options(engine_kwargs)
    if aws is not None:
        from stackengine.cli import native

        if not yes:
            click.confirm(f"Are you sure you want to delete the stack {stack}?", abort=True)
        native.delete(aws, stack, split_values(retain_resources), fmt != "json")
        return
    engine = make_engine(ctx, max_parallel=max_parallel, **engine_kwargs)
    engine.stack(stack)  # a clear error before asking
    if not yes:
        click.confirm(f"Are you sure you want to delete the stack {stack}?", abort=True)
    human = fmt != "json"
    record = engine.delete_stack(stack, split_values(retain_resources),
                                 progress_listener() if human else None, max_parallel)
    if human:
        if record.status.value == "DELETE_COMPLETE":
            click.echo(f"Deleted stack {stack}")
        else:
            click.echo(f"Failed to delete stack {stack}: {record.status_reason}", err=True)
    else:
        echo_json({"Stacks": [describe_stack_json(record)]})
    if record.status.value != "DELETE_COMPLETE":
        sys.exit(1)


@click.command("continue-update-rollback")
@click.argument("stack")
@click.option("--resources-to-skip", cls=MultiValueOption, multiple=True, metavar="LOGICAL_ID...",
              help="Resources that cannot be rolled back: take them as rolled back.")
@engine_options
@local_test_options
@output_option
@click.pass_context
@handle_errors
def continue_update_rollback(ctx: click.Context, stack: str, resources_to_skip: tuple[str, ...],
                             fmt: str, **kwargs: Any) -> None:
    """Resume the rollback of STACK, in UPDATE_ROLLBACK_FAILED."""
    from stackengine.engine import describe_stack_json

    engine = make_engine(ctx, **_engine_kwargs(kwargs))
    human = fmt != "json"
    record = engine.continue_update_rollback(stack, split_values(resources_to_skip),
                                             progress_listener() if human else None)
    if human:
        click.echo(f"Stack {stack}: {record.status.value}")
    else:
        echo_json({"Stacks": [describe_stack_json(record)]})
    if record.status.value != "UPDATE_ROLLBACK_COMPLETE":
        sys.exit(1)


@click.command("update-termination-protection")
@click.argument("stack")
@click.option("--enable-termination-protection/--no-enable-termination-protection", "enable",
              required=True)
@engine_options
@click.pass_context
@handle_errors
def update_termination_protection(ctx: click.Context, stack: str, enable: bool,
                                  **kwargs: Any) -> None:
    """Turn termination protection of STACK on or off."""
    engine = make_engine(ctx, **_engine_kwargs(kwargs))
    record = engine.set_termination_protection(stack, enable)
    echo_json({"StackId": record.stack_id})


# -- reading --------------------------------------------------------------------------------

@click.command()
@click.argument("stack")
@engine_options
@output_option
@click.pass_context
@handle_errors
def describe(ctx: click.Context, stack: str, fmt: str, **kwargs: Any) -> None:
    """Show STACK (`describe-stacks`)."""
    from stackengine.engine import describe_stack_json

    engine_kwargs = _engine_kwargs(kwargs)
    if on_cloudformation(engine_kwargs, "describe", stack):
        return
    data = describe_stack_json(make_engine(ctx, **engine_kwargs).stack(stack))
    if fmt == "json":
        echo_json({"Stacks": [data]})
        return
    rows: list[tuple[str, Any]] = [(k, data[k]) for k in ("StackName", "StackId", "StackStatus", "StackStatusReason",
                                   "Description", "CreationTime", "LastUpdatedTime",
                                   "EnableTerminationProtection", "DisableRollback",
                                   "ParentId", "RootId")
            if k in data]
    rows += [(f"Parameter {p['ParameterKey']}", p["ParameterValue"]) for p in data["Parameters"]]
    rows += [(f"Tag {t['Key']}", t["Value"]) for t in data["Tags"]]
    table(None, ["Field", "Value"], rows)
    print_outputs(data.get("Outputs", []))


@click.command()
@click.argument("stack")
@engine_options
@output_option
@click.pass_context
@handle_errors
def events(ctx: click.Context, stack: str, fmt: str, **kwargs: Any) -> None:
    """Events of STACK, newest first (`describe-stack-events`)."""
    engine_kwargs = _engine_kwargs(kwargs)
    if on_cloudformation(engine_kwargs, "events", stack):
        return
    items = make_engine(ctx, **engine_kwargs).events(stack)
    if fmt == "json":
        echo_json({"StackEvents": [e.to_json() for e in items]})
        return
    table(None, ["Timestamp", "ResourceStatus", "ResourceType", "LogicalResourceId",
                 "PhysicalResourceId", "ResourceStatusReason"],
          [(e.timestamp, e.status, e.resource_type, e.logical_id, e.physical_id, e.reason)
           for e in items])


@click.command()
@click.argument("stack")
@engine_options
@output_option
@click.pass_context
@handle_errors
def resources(ctx: click.Context, stack: str, fmt: str, **kwargs: Any) -> None:
    """Resources of STACK (`list-stack-resources`)."""
    from stackengine.engine import resource_summary_json

    engine_kwargs = _engine_kwargs(kwargs)
    if on_cloudformation(engine_kwargs, "resources", stack):
        return
    items = [resource_summary_json(r) for r in make_engine(ctx, **engine_kwargs).resources(stack)]
    if fmt == "json":
        echo_json({"StackResourceSummaries": items})
        return
    table(None, ["LogicalResourceId", "ResourceType", "PhysicalResourceId", "ResourceStatus"],
          [(r["LogicalResourceId"], r["ResourceType"], r["PhysicalResourceId"],
            r["ResourceStatus"]) for r in items])


@click.command()
@click.argument("stack")
@engine_options
@output_option
@click.pass_context
@handle_errors
def outputs(ctx: click.Context, stack: str, fmt: str, **kwargs: Any) -> None:
    """Outputs of STACK."""
    engine_kwargs = _engine_kwargs(kwargs)
    if on_cloudformation(engine_kwargs, "outputs", stack):
        return
    record = make_engine(ctx, **engine_kwargs).stack(stack)
    # describe-stacks' Outputs shape: Description and ExportName only where the output has them.
    items = [dict(o) for o in record.outputs]
    if fmt == "json":
        echo_json(items)
        return
    print_outputs(items)


@click.command()
@click.option("--all", "include_deleted", is_flag=True, help="Include deleted stacks.")
@engine_options
@output_option
@click.pass_context
@handle_errors
def stacks(ctx: click.Context, include_deleted: bool, fmt: str, **kwargs: Any) -> None:
    """Stacks in the account and region (`list-stacks`)."""
    from stackengine.engine import stack_summary_json

    items = [stack_summary_json(r) for r in make_engine(ctx, **_engine_kwargs(kwargs))
             .stacks(include_deleted)]
    if fmt == "json":
        echo_json({"StackSummaries": items})
        return
    table(None, ["StackName", "StackStatus", "CreationTime", "LastUpdatedTime"],
          [(s["StackName"], s["StackStatus"], s["CreationTime"], s.get("LastUpdatedTime"))
           for s in items])


@click.command()
@engine_options
@output_option
@click.pass_context
@handle_errors
def exports(ctx: click.Context, fmt: str, **kwargs: Any) -> None:
    """Exports in the account and region (`list-exports`)."""
    items = [{"ExportingStackId": e.stack_id, "Name": e.name, "Value": e.value}
             for e in make_engine(ctx, **_engine_kwargs(kwargs)).exports()]
    if fmt == "json":
        echo_json({"Exports": items})
        return
    table(None, ["Name", "Value", "ExportingStackId"],
          [(e["Name"], e["Value"], e["ExportingStackId"]) for e in items])
