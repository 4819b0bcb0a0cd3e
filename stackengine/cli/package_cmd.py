"""`stackengine package`: upload local artifacts and print (or write) the rewritten template."""

from __future__ import annotations

import os

import click

from stackengine.cli.options import account_option, handle_errors, region_option, resolve_region
from stackengine.diagnostics import UsageError


@click.command("package")
@click.argument("template", type=click.Path(dir_okay=False))
@click.option("--s3-bucket", default=None, metavar="BUCKET",
              help="Bucket to upload to (default: stackengine-artifacts-ACCOUNT-REGION, created in "
                   "the emulated account when missing).")
@click.option("--s3-prefix", default="", metavar="PREFIX", help="Key prefix (a folder) for the uploads.")
@click.option("--output-template-file", default=None, type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the packaged template here instead of to stdout.")
@click.option("--use-json", is_flag=True, help="Write JSON instead of YAML.")
@click.option("--force-upload", is_flag=True, help="Upload even artifacts the bucket already holds.")
@click.option("--provider", "provider_name", default="local", envvar="STACKENGINE_PROVIDER",
              show_default=True, metavar="NAME",
              help="local: the emulated account's S3; aws: real S3 (env STACKENGINE_PROVIDER).")
@region_option
@account_option
@click.pass_context
@handle_errors
def package(ctx: click.Context, template: str, s3_bucket: str | None, s3_prefix: str,
            output_template_file: str | None, use_json: bool, force_upload: bool, provider_name: str,
            region: str | None, account_id: str) -> None:
    """Upload the local artifacts TEMPLATE names (function code, API definitions, nested templates,
    ...) and print the template rewritten to name their S3 locations, as `aws cloudformation
    package` does. Folders are zipped deterministically: the same content gives the same key."""
    from stackengine.cli.transform_cmd import partition_of
    from stackengine.package import PackageOptions, package_file
    from stackengine.package.stores import LocalArtifactStore, S3ArtifactStore, default_bucket
    from stackengine.template.encode import to_json, to_yaml

    region = resolve_region(region)
    target = "aws" if provider_name.startswith("aws") else provider_name
    partition = partition_of(region)
    if s3_bucket is None and target == "aws":
        raise UsageError("--s3-bucket is required with the aws provider")
    bucket = s3_bucket or default_bucket(account_id, region)
    store: LocalArtifactStore | S3ArtifactStore
    if target == "aws":
        store = S3ArtifactStore(region)
    elif target == "local":
        from stackengine.engine import Engine, EngineConfig

        state_path = (ctx.find_root().obj or {}).get("state_path") or ".stackengine/state.db"
        store = Engine(EngineConfig(state_path=state_path, region=region,
                                    account_id=account_id)).emulated_s3()
    else:
        raise UsageError(f"unknown provider {provider_name!r} for packaging (known: local, aws)")
    if store.ensure_bucket(bucket):
        click.echo(f"Created bucket {bucket} in the emulated account {account_id}.", err=True)
    options = PackageOptions(bucket=bucket, prefix=s3_prefix, region=region, partition=partition,
                             force_upload=force_upload, url_base=getattr(store, "url_base", None))
    result = package_file(template, options, store)
    for upload in result.uploads:
        if upload.uploaded:
            click.echo(f"Uploading to {upload.key}  {upload.size} / {upload.size}  (100.00%)", err=True)
        else:
            click.echo(f"File with same data already exists at {upload.key}, skipping upload", err=True)
    text = to_json(result.template) + "\n" if use_json else to_yaml(result.template)
    if output_template_file is None:
        click.echo(text, nl=False)
        return
    try:
        with open(output_template_file, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write {output_template_file}: {exc.strerror or exc}") from None
    click.echo(f"\nSuccessfully packaged artifacts and wrote output template to file "
               f"{output_template_file}.\nExecute the following command to deploy the packaged "
               f"template\nstackengine deploy {os.path.abspath(output_template_file)} "
               "--stack-name <YOUR STACK NAME>")
