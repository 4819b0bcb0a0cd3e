"""`--target aws --via cloudformation`: the template is processed here (transforms, validation),
then deployed as a real CloudFormation stack, with our preview next to the change set AWS computed.

boto3 is imported only on this path (through providers.aws)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import click

from stackengine.diagnostics import UsageError
Json = Any


@dataclass(frozen=True)
class AwsOptions:
    region: str
    profile: str | None = None
    role_arn: str | None = None
    endpoint_url: str | None = None


def stacks(options: AwsOptions) -> Any:
    from stackengine.providers.aws.cloudformation import NativeStacks
    from stackengine.providers.aws.session import AwsConnection

    connection = AwsConnection(region=options.region, profile=options.profile,
                               role_arn=options.role_arn, endpoint_url=options.endpoint_url)
    return NativeStacks(connection, default_region=options.region)


@dataclass(frozen=True)
class OurChange:
    """One row of our own preview, in the attributes preview.compare reads."""

    logical_id: str
    resource_type: str
    action: str
    replacement: str | None = None


def packaged(document: Any, native: Any, options: AwsOptions, bucket: str | None,
             prefix: str) -> Any:
    """Local artifact paths uploaded to S3 and replaced by their locations, as
    `aws cloudformation package` does; the document unchanged when it names none."""
    from stackengine.package.rewrite import PackageOptions, needs_packaging, packaged_document
    from stackengine.package.stores import S3ArtifactStore
    from stackengine.regions import partition_for_region

    if not needs_packaging(document.data):
        return document
    if not bucket:
        raise UsageError("the template names local files (CodeUri, ...) that must be uploaded to S3 "
                         "first: give --s3-bucket")
    store = S3ArtifactStore(options.region, client=native.clients.client("s3"))
    return packaged_document(document, PackageOptions(
        bucket=bucket, prefix=prefix, region=options.region,
        partition=partition_for_region(options.region)), store)


def transformed_body(document: Any, region: str, account_id: str, stack_name: str,
                     parameters: Mapping[str, str]) -> tuple[str, Any]:
    """Validate the template here (every problem at once, with positions) and return the body
    CloudFormation gets: transforms applied, parameters and conditions left for it to evaluate."""
    import os

    from stackengine.render import RenderOptions, process
    from stackengine.template.marks import strip_marks
    from stackengine.transform import TransformContext, apply_transforms

    template_file = document.file
    processed = process(document, RenderOptions(stack_name=stack_name, region=region,
                                                account_id=account_id, parameters=parameters))
    context = TransformContext(region=region, account_id=account_id, stack_name=stack_name,
                               parameters=dict(parameters),
                               base_dir=os.path.dirname(os.path.abspath(template_file)),
                               file=template_file)
    body = strip_marks(apply_transforms(document.data, context))
    return json.dumps(body, indent=1), processed


def our_changes(processed: Any, current: Mapping[str, Any] | None) -> list[OurChange]:
    """Adds, modifies and removes, from our processed template against the stack's current one
    (`current`: logical ID → {Type, Properties} as rendered from CloudFormation's template)."""
    from stackengine.specs import default_registry

    registry = default_registry()
    changes: list[OurChange] = []
    current = current or {}
    for logical_id, resource in processed.resources.items():
        before = current.get(logical_id)
        if before is None:
            changes.append(OurChange(logical_id, resource.type, "Add"))
            continue
        old = before.get("Properties") or {}
        new = dict(resource.properties)
        if old == new and before.get("Type") == resource.type:
            continue
        schema = registry.get(resource.type)
        changed = {k for k in set(old) | set(new) if old.get(k) != new.get(k)}
        replaces = schema is not None and any(schema.is_create_only((k,)) for k in changed)
        changes.append(OurChange(logical_id, resource.type, "Modify",
                                 "True" if replaces else ("Conditional" if schema is None else "False")))
    for logical_id, before in current.items():
        if logical_id not in processed.resources:
            changes.append(OurChange(logical_id, str(before.get("Type")), "Remove"))
    return changes


def current_resources(native: Any, stack_name: str, region: str, account_id: str) -> dict[str, Any] | None:
    """The deployed stack's resources as our renderer sees its current template and parameters."""
    stack = native.describe_stack(stack_name)
    if stack is None or stack.get("StackStatus") == "REVIEW_IN_PROGRESS":
        return None
    from stackengine.render import RenderOptions, process
    from stackengine.template.decode import decode_text

    template = native._cfn("get_template", StackName=stack_name,
                           TemplateStage="Original").get("TemplateBody")
    body = template if isinstance(template, str) else json.dumps(template)
    values = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
    try:
        processed = process(decode_text(body, f"{stack_name} (deployed)"),
                            RenderOptions(stack_name=stack_name, region=region, account_id=account_id,
                                          parameters=values))
    except Exception:  # noqa: BLE001 - a template we cannot render gives no "before" side
        return None
    return {lid: {"Type": r.type, "Properties": dict(r.properties)}
            for lid, r in processed.resources.items()}


def print_preview(rows: Sequence[Any]) -> None:
    from stackengine.cli.stack_cmds import table

    table("Change set: ours next to CloudFormation's",
          ("LogicalResourceId", "ResourceType", "Ours", "CloudFormation", "Replacement (ours / AWS)", ""),
          [(r.logical_id, r.resource_type, r.ours or "-", r.aws or "-",
            f"{r.our_replacement or '-'} / {r.aws_replacement or '-'}", "" if r.agree else "differs")
           for r in rows])


def deploy(options: AwsOptions, account_id: str, template: str, stack_name: str,
           parameters: Mapping[str, str], capabilities: Sequence[str], tags: Mapping[str, str],
           disable_rollback: bool, no_execute: bool, confirm: bool, human: bool,
           s3_bucket: str | None = None, s3_prefix: str = "") -> None:
    from stackengine.cli.stack_cmds import echo_json, print_outputs, progress_listener
    from stackengine.providers.aws.cloudformation import (MAX_TEMPLATE_BODY, NativeStackRequest,
                                                          to_listener)
    from stackengine.providers.aws.preview import compare
    from stackengine.template.decode import load_file

    native = stacks(options)
    document = packaged(load_file(template), native, options, s3_bucket, s3_prefix)
    body, processed = transformed_body(document, options.region, account_id, stack_name, parameters)
    before = current_resources(native, stack_name, options.region, account_id)
    url = None
    if len(body.encode()) > MAX_TEMPLATE_BODY:
        if not s3_bucket:
            raise UsageError(f"the processed template is {len(body.encode()):,} bytes, over "
                             f"CloudFormation's {MAX_TEMPLATE_BODY:,}-byte inline limit: give "
                             "--s3-bucket to upload it")
        url = native.upload_template(s3_bucket, body, prefix=s3_prefix)
    request = NativeStackRequest(stack_name, template_body=None if url else body, template_url=url,
                                 parameters=dict(parameters), capabilities=tuple(capabilities),
                                 tags=dict(tags), disable_rollback=disable_rollback)
    change_set = native.create_change_set(request)
    if change_set.no_changes:
        native.delete_change_set(stack_name, change_set.change_set_id)
        click.echo(f"No changes to deploy. Stack {stack_name} is up to date")
        return
    if change_set.status != "CREATE_COMPLETE":
        from stackengine.providers.aws.cloudformation import NativeStackError

        raise NativeStackError(f"Change set {change_set.change_set_name} failed: "
                               f"{change_set.status_reason}", "ChangeSetFailed")
    if human:
        print_preview(compare(our_changes(processed, before), change_set.changes))
    else:
        echo_json(dict(change_set.description))
    if no_execute:
        click.echo(f"Change set {change_set.change_set_name} created; not executed.")
        return
    if confirm and not click.confirm("Deploy this changeset?", default=False):
        click.echo("Changeset not executed.")
        return
    result = native.execute_change_set(change_set, to_listener(progress_listener()) if human else None)
    if human:
        click.echo(f"Successfully {'created' if change_set.change_set_type == 'CREATE' else 'updated'} "
                   f"stack - {stack_name} in {options.region}")
        print_outputs([dict(o) for o in result.outputs])


def delete(options: AwsOptions, stack_name: str, retain: Sequence[str], human: bool) -> None:
    from stackengine.cli.stack_cmds import progress_listener
    from stackengine.providers.aws.cloudformation import to_listener

    stacks(options).delete_stack(stack_name, retain=retain,
                                 on_event=to_listener(progress_listener()) if human else None)
    if human:
        click.echo(f"Deleted stack {stack_name}")


def describe(options: AwsOptions, stack_name: str) -> None:
    stack = stacks(options).describe_stack(stack_name)
    if stack is None:
        from stackengine.engine import StackNotFound

        raise StackNotFound(f"Stack with id {stack_name} does not exist")
    click.echo(json.dumps({"Stacks": [stack]}, indent=4, default=str))


def events(options: AwsOptions, stack_name: str) -> None:
    click.echo(json.dumps({"StackEvents": stacks(options).events(stack_name)}, indent=4, default=str))


def outputs(options: AwsOptions, stack_name: str) -> None:
    click.echo(json.dumps(stacks(options).outputs(stack_name), indent=4, default=str))


def resources(options: AwsOptions, stack_name: str) -> None:
    summaries = stacks(options).resources(stack_name)
    click.echo(json.dumps({"StackResourceSummaries": summaries}, indent=4, default=str))

