"""`stackengine emulator serve`: the emulated account as a Cloud Control API endpoint.

Any Cloud Control client — our aws provider with `--endpoint-url`, the AWS CLI, boto3 — can then
create, update, read and delete resources of the local account over HTTP on 127.0.0.1.
"""

from __future__ import annotations

from typing import Sequence

import click

from stackengine.cli.options import handle_errors


@click.group()
def emulator() -> None:
    """Serve the emulated (local) account over the Cloud Control API wire protocol."""


@emulator.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=4580, show_default=True,
              help="TCP port on 127.0.0.1 (0 picks a free one).")
@click.option("--latency", "latency_ms", type=click.IntRange(0, None), default=0, show_default=True,
              metavar="MS", help="Simulated latency of every create/update/delete.")
@click.option("--account-id", default="123456789012", envvar="STACKENGINE_ACCOUNT_ID",
              show_default=True, help="Account of the resources created through the endpoint.")
@click.option("--inject-failure", "inject_failures", multiple=True, metavar="LOGICAL_ID[:OP]",
              help="Make an operation on this logical ID fail (repeatable).")
@click.option("--log-requests", is_flag=True, help="Log every HTTP request to stderr.")
@click.pass_context
@handle_errors
def serve(ctx: click.Context, port: int, latency_ms: int, account_id: str,
          inject_failures: Sequence[str], log_requests: bool) -> None:
    """Serve until interrupted. Point clients at the printed endpoint URL with any credentials,
    e.g. `AWS_ENDPOINT_URL=http://127.0.0.1:4580 stackengine deploy t.yml --target aws`."""
    import os

    from stackengine.emulator import EmulatorOptions, EmulatorServer
    from stackengine.providers.local import parse_failure_spec

    try:
        failures = tuple(parse_failure_spec(text) for text in inject_failures)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--inject-failure") from exc
    state_path = (ctx.find_root().obj or {}).get("state_path") or ".stackengine/state.db"
    os.makedirs(os.path.dirname(os.path.abspath(state_path)), exist_ok=True)
    try:
        server = EmulatorServer(state_path, EmulatorOptions(
            port=port, latency_ms=latency_ms, inject_failures=failures, account_id=account_id,
            log_requests=log_requests))
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from exc
    click.echo(f"Cloud Control endpoint: {server.url}  (state: {state_path})", err=True)
    click.echo(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
