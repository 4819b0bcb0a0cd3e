"""Nested-stack templates a corpus solution expects its user to upload before deploying it.

Solutions such as VPCFlowLogs take the bucket (and region, key prefix) of their child templates as
parameters and build each `TemplateURL` from them with `Fn::Sub`. Their instructions say: upload
the `templates/` folder to your bucket, then deploy the main template with that bucket's name. The
corpus run does the same in the emulated account: `plan_staging` finds which parameters name the
bucket, region and key prefix, and which local files the keys refer to (looked up from the
template's folder upwards), so the runner can upload them and fill the parameters to match.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

STAGING_BUCKET = "corpus-nested-templates"
_URL = re.compile(r"^https://\$\{(?P<bucket>[\w:]+)\}\.s3(?:[.-]\$\{(?P<region>[\w:]+)\})?"
                  r"\.(?:\$\{AWS::URLSuffix\}|amazonaws\.com)/(?P<key>.+)$")
_VAR = re.compile(r"\$\{([\w:]+)\}")


@dataclass
class Staging:
    parameters: dict[str, str] = field(default_factory=dict)  # parameter -> value to fill
    uploads: dict[str, str] = field(default_factory=dict)  # S3 key -> local file


def _parameter(name: str, variables: Mapping[str, Any], declared: Mapping[str, Any]) -> str | None:
    """The template parameter a `${name}` of a Sub stands for, directly or through its map."""
    bound = variables.get(name)
    if isinstance(bound, Mapping) and set(bound) == {"Ref"} and bound["Ref"] in declared:
        return str(bound["Ref"])
    if bound is None and name in declared:
        return name
    return None


def _find_file(template_path: str, key: str, root: str) -> str | None:
    """`key` (e.g. `templates/child.yaml`) under the template's folder or one of its parents,
    not above `root`."""
    folder = os.path.dirname(os.path.abspath(template_path))
    root = os.path.abspath(root)
    while True:
        candidate = os.path.join(folder, *key.split("/"))
        if os.path.isfile(candidate):
            return candidate
        if folder == root or os.path.dirname(folder) == folder:
            return None
        folder = os.path.dirname(folder)


def plan_staging(template_path: str, data: Any, root: str) -> Staging | None:
    """What to upload and fill for the template's nested stacks; None when it has none whose
    URL is built from parameters."""
    if not isinstance(data, Mapping):
        return None
    declared = data.get("Parameters") or {}
    resources = data.get("Resources") or {}
    staging = Staging()
    for decl in resources.values() if isinstance(resources, Mapping) else ():
        if not isinstance(decl, Mapping) or decl.get("Type") != "AWS::CloudFormation::Stack":
            continue
        url = (decl.get("Properties") or {}).get("TemplateURL")
        sub = url.get("Fn::Sub") if isinstance(url, Mapping) else None
        text, variables = (sub[0], sub[1]) if isinstance(sub, list) and len(sub) == 2 else (sub, {})
        match = _URL.match(text) if isinstance(text, str) else None
        if match is None or not isinstance(variables, Mapping):
            continue
        bucket = _parameter(match["bucket"], variables, declared)
        if bucket is None:
            continue
        staging.parameters[bucket] = STAGING_BUCKET
        if match["region"]:
            region = _parameter(match["region"], variables, declared)
            if region is not None:
                staging.parameters[region] = "us-east-1"
        key = match["key"]
        for name in _VAR.findall(key):  # a key prefix parameter: empty, the files sit at the top
            prefix = _parameter(name, variables, declared)
            if prefix is None:
                break
            staging.parameters[prefix] = ""
            key = key.replace("${" + name + "}", "")
        else:
            local = _find_file(template_path, key, root)
            if local is not None:
                staging.uploads[key] = local
    return staging if staging.parameters else None
