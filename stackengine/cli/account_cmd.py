"""`stackengine account`: what the emulated (local) account holds, and seeding it.

Reads the `local_*` tables of the state database directly through the provider's store, so it
works without a stack and never changes stack state.
"""

from __future__ import annotations

import json
import os
from typing import Any

import click

from stackengine.cli.options import handle_errors


def _store(ctx: click.Context) -> Any:
    from stackengine.providers.local.store import AccountStore

    path = (ctx.obj or {}).get("state_path") or ".stackengine/state.db"
    if not os.path.exists(path):
        raise click.ClickException(f"no state database at {path} (deploy something first, or pass "
                                   "--state)")
    return AccountStore(path)


def _target(f: Any) -> Any:
    """Where a command that makes something in the emulated account makes it."""
    f = click.option("--region", default=None, metavar="REGION")(f)
    f = click.option("--account-id", default="123456789012", envvar="STACKENGINE_ACCOUNT_ID",
                     show_default=True, metavar="ID")(f)
    return f


def _account_filters(f: Any) -> Any:
    f = click.option("--account-id", default=None, envvar="STACKENGINE_ACCOUNT_ID", metavar="ID",
                     help="Only this account (default: every account).")(f)
    f = click.option("--region", default=None, metavar="REGION",
                     help="Only this region (default: every region).")(f)
    return f


def _row(resource: Any) -> dict[str, Any]:
    return {"AccountId": resource.account_id, "Region": resource.region,
            "ResourceType": resource.type_name, "PhysicalResourceId": resource.physical_id,
            "StackName": resource.stack_name or "(account default)",
            "LogicalResourceId": resource.logical_id}


@click.group()
def account() -> None:
    """Inspect the emulated account of the local provider."""


@account.command("ls")
@_account_filters
@click.option("--type", "type_name", default=None, metavar="TYPE", help="Only this resource type.")
@click.option("--stack-name", default=None, help="Only resources of this stack.")
@click.option("--all", "show_all", is_flag=True,
              help="Include what belongs to no stack: the default VPC's resources, and the key "
                   "pairs, secrets and artifact buckets made outside stacks.")
@click.option("-o", "--output", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_context
@handle_errors
def ls(ctx: click.Context, account_id: str | None, region: str | None, type_name: str | None,
       stack_name: str | None, show_all: bool, fmt: str) -> None:
    """List the resources the emulated account holds, with their physical IDs."""
    store = _store(ctx)
    resources = [r for r in store.list_resources(account_id, region, type_name)
                 if (show_all or r.stack_id) and (stack_name is None or r.stack_name == stack_name)]
    rows = [_row(r) for r in resources]
    if fmt == "json":
        click.echo(json.dumps({"Resources": rows}, indent=2, sort_keys=True))
        return
    if not rows:
        click.echo("The emulated account holds no resources.")
        return
    columns = ["AccountId", "Region", "StackName", "LogicalResourceId", "ResourceType",
               "PhysicalResourceId"]
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    click.echo("  ".join(c.ljust(widths[c]) for c in columns).rstrip())
    for r in rows:
        click.echo("  ".join(str(r[c]).ljust(widths[c]) for c in columns).rstrip())


@account.command("show")
@click.argument("physical_id")
@_account_filters
@click.option("--type", "type_name", default=None, metavar="TYPE", help="The resource type.")
@click.pass_context
@handle_errors
def show(ctx: click.Context, physical_id: str, account_id: str | None, region: str | None,
         type_name: str | None) -> None:
    """Show one resource: properties and the attributes Fn::GetAtt returns."""
    store = _store(ctx)
    found = [r for r in store.list_resources(account_id, region, type_name)
             if r.physical_id == physical_id]
    if not found:
        raise click.ClickException(f"no resource with physical ID {physical_id!r}")
    out = [{**_row(r), "Properties": r.properties, "Attributes": r.attributes} for r in found]
    click.echo(json.dumps(out[0] if len(out) == 1 else out, indent=2, sort_keys=True, default=str))


@account.command("parameters")
@_account_filters
@click.pass_context
@handle_errors
def parameters(ctx: click.Context, account_id: str | None, region: str | None) -> None:
    """List the SSM parameters (what AWS::SSM::Parameter::Value<...> parameters resolve from)."""
    store = _store(ctx)
    for acct, reg, name, type_, value in store.list_ssm_parameters(account_id, region):
        click.echo(f"{acct}  {reg}  {name}  {type_}  {value}")


@account.command("put-parameter")
@click.argument("name")
@click.argument("value")
@click.option("--type", "type_", type=click.Choice(["String", "StringList", "SecureString"]),
              default="String", show_default=True)
@_target
@click.pass_context
@handle_errors
def put_parameter(ctx: click.Context, name: str, value: str, type_: str, account_id: str,
                  region: str | None) -> None:
    """Create or overwrite an SSM parameter in the emulated account."""
    from stackengine.cli.options import resolve_region
    from stackengine.providers.local.store import AccountStore

    path = (ctx.obj or {}).get("state_path") or ".stackengine/state.db"
    AccountStore(path).put_ssm_parameter(account_id, resolve_region(region), name, value, type_)
    click.echo(f"{name} = {value}")


@account.command("put-secret")
@click.argument("name")
@click.argument("secret_string")
@_target
@click.pass_context
@handle_errors
def put_secret(ctx: click.Context, name: str, secret_string: str, account_id: str,
               region: str | None) -> None:
    """Create or overwrite a Secrets Manager secret in the emulated account (for templates that
    read an existing secret through {{resolve:secretsmanager:...}})."""
    from stackengine.cli.options import resolve_region
    from stackengine.providers.local import LocalProvider

    path = (ctx.obj or {}).get("state_path") or ".stackengine/state.db"
    arn = LocalProvider(path).put_secret(account_id, resolve_region(region), name, secret_string)
    click.echo(arn)


@account.command("create-key-pair")
@click.argument("name")
@_target
@click.pass_context
@handle_errors
def create_key_pair(ctx: click.Context, name: str, account_id: str, region: str | None) -> None:
    """Create an EC2 key pair in the emulated account (for templates that take an existing key
    pair: an AWS::EC2::KeyPair::KeyName parameter, or an instance's KeyName)."""
    from stackengine.cli.options import resolve_region
    from stackengine.providers.local import LocalProvider

    path = (ctx.obj or {}).get("state_path") or ".stackengine/state.db"
    click.echo(LocalProvider(path).create_key_pair(account_id, resolve_region(region), name))
