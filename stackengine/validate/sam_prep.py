"""What `sam build` / `sam package` would have filled in before the SAM transform runs.

Templates in a repository point at local folders (`CodeUri: ./src`), leave CodeUri out (SAM CLI
then uses the template's folder), name images by a Dockerfile, or name applications through the
Serverless Application Repository; CloudFormation only ever sees the packaged template. Validation
checks what CloudFormation will see, so these are replaced by packaged-looking stand-ins first —
as cfn-lint does. Only a copy is changed; positions of everything else are kept.
"""

from __future__ import annotations

from typing import Any, Mapping

Json = Any
PLACEHOLDER_URI = "s3://stackengine-validate/placeholder"
PLACEHOLDER_URL = "https://s3.amazonaws.com/stackengine-validate/placeholder.template"
PLACEHOLDER_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/placeholder:latest"

# SAM type → properties holding a packaged artifact location.
ARTIFACTS: dict[str, tuple[str, ...]] = {
    "AWS::Serverless::Function": ("CodeUri",),
    "AWS::Serverless::LayerVersion": ("ContentUri",),
    "AWS::Serverless::StateMachine": ("DefinitionUri",),
    "AWS::Serverless::Api": ("DefinitionUri",),
    "AWS::Serverless::HttpApi": ("DefinitionUri",),
    "AWS::Serverless::GraphQLApi": ("SchemaUri",),
}


def prepare(template: Mapping[str, Json]) -> Mapping[str, Json]:
    resources = template.get("Resources")
    if not isinstance(resources, Mapping):
        return template
    out = dict(template)
    new_resources = dict(resources)
    changed = False
    for logical_id, resource in resources.items():
        if not isinstance(resource, Mapping) or not isinstance(resource.get("Properties", {}), Mapping):
            continue
        kind = resource.get("Type")
        props = resource.get("Properties") or {}
        edits = _edits(str(kind), props, template)
        if edits:
            fixed = dict(resource)
            new_props = dict(props) if props else {}
            new_props.update(edits)
            fixed["Properties"] = new_props
            new_resources[logical_id] = fixed
            changed = True
    if not changed:
        return template
    out["Resources"] = new_resources
    return out


def _edits(kind: str, props: Mapping[str, Json], template: Mapping[str, Json]) -> dict[str, Json]:
    edits: dict[str, Json] = {}
    for name in ARTIFACTS.get(kind, ()):
        value = props.get(name)
        if isinstance(value, str) and not value.startswith("s3://"):
            edits[name] = PLACEHOLDER_URI
    if kind == "AWS::Serverless::Function":
        image = props.get("PackageType") == "Image" or _global(template, "PackageType") == "Image" \
            or "ImageUri" in props
        if image:
            if "ImageUri" not in props and _global(template, "ImageUri") is None:
                edits["ImageUri"] = PLACEHOLDER_IMAGE
        elif not any(k in props for k in ("CodeUri", "InlineCode")) and \
                _global(template, "CodeUri") is None and _global(template, "InlineCode") is None:
            edits["CodeUri"] = PLACEHOLDER_URI  # SAM CLI packages the template's folder
        elif isinstance(_global(template, "CodeUri"), str) and "CodeUri" not in props \
                and not str(_global(template, "CodeUri")).startswith("s3://"):
            edits["CodeUri"] = PLACEHOLDER_URI
    if kind == "AWS::Serverless::Application" and not isinstance(props.get("Location"), str):
        edits["Location"] = PLACEHOLDER_URL
    return edits


def _global(template: Mapping[str, Json], name: str) -> Json:
    section = template.get("Globals")
    function = section.get("Function") if isinstance(section, Mapping) else None
    return function.get(name) if isinstance(function, Mapping) else None
