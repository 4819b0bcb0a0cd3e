"""Template transforms (the `Transform` section): a registry from transform name to function.

A transform takes the whole template (plain JSON values, marked where they came from the user's
file) and returns the new template. Transforms run in the order CloudFormation runs them:
`AWS::LanguageExtensions` first, then the others in the order the template lists them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from stackengine.diagnostics import Diagnostic, TemplateError

Json = Any


@dataclass(frozen=True)
class TransformContext:
    """What a transform may know about where the template is going. Pure data: no I/O handles."""

    region: str = "us-east-1"
    account_id: str = "123456789012"
    partition: str = "aws"
    stack_name: str = "stack"
    parameters: Mapping[str, Json] = field(default_factory=dict)
    """Parameter values as given by the user (overrides over defaults), before type conversion."""
    base_dir: str = "."
    """Directory of the template file, for local paths (CodeUri, Include Location, ...)."""
    file: str = "<template>"
    options: Mapping[str, Json] = field(default_factory=dict)
    """Transform-specific settings (e.g. the SAM look-ups), keyed by the transform's own names."""


TransformFunction = Callable[[Json, TransformContext], Json]

# transform name → "module:function", imported on first use so unused transforms cost nothing.
TRANSFORMS: dict[str, str] = {
    "AWS::LanguageExtensions": "stackengine.transform.language_extensions:transform_language_extensions",
    "AWS::Serverless-2016-10-31": "stackengine.transform.sam:transform_sam",
    "AWS::Include": "stackengine.transform.include:transform_include",
}


def transform_names(template: Json) -> list[str]:
    """The template's declared transforms, in the order CloudFormation applies them."""
    declared = template.get("Transform") if isinstance(template, dict) else None
    if declared is None:
        return []
    names = [declared] if isinstance(declared, str) else list(declared) if isinstance(declared, list) else []
    # Language extensions always run first, whatever the order written.
    names.sort(key=lambda n: 0 if n == "AWS::LanguageExtensions" else 1)
    return [n for n in names if isinstance(n, str)]


def get_transform(name: str) -> TransformFunction | None:
    target = TRANSFORMS.get(name)
    if target is None:
        return None
    module_name, attribute = target.split(":")
    function: TransformFunction = getattr(importlib.import_module(module_name), attribute)
    return function


def apply_transforms(template: Json, context: TransformContext, *, includes: bool = True) -> Json:
    """Apply every transform named in the template's `Transform` section.

    `AWS::Include` snippets inside the template (`Fn::Transform` with Name AWS::Include) are
    expanded by the include transform, which runs whenever such a snippet is present.
    `includes=False`: the caller knows the template holds no `Fn::Transform`; it is looked for
    only in what a named transform produced.
    """
    names = transform_names(template)
    unknown = [n for n in names if n not in TRANSFORMS]
    if unknown:
        raise TemplateError([
            Diagnostic("E1005", f"transform {n!r} is not supported: it is neither an AWS transform nor "
                       "one stackengine emulates (macros defined in your account cannot run offline)",
                       ("Transform",))
            for n in unknown
        ])
    for name in names:
        function = get_transform(name)
        assert function is not None
        template = function(template, context)
    if _has_top_level_include(template) or ((includes or names) and has_fn_transform(template)):
        include = get_transform("AWS::Include")
        assert include is not None
        template = include(template, context)
    if isinstance(template, dict) and "Transform" in template:
        template = {k: v for k, v in template.items() if k != "Transform"}
    return template


def _has_top_level_include(template: Json) -> bool:
    """`Transform: {Name: AWS::Include, Parameters: ...}`, alone or in the Transform list."""
    declared = template.get("Transform") if isinstance(template, dict) else None
    entries = declared if isinstance(declared, list) else [declared]
    return any(isinstance(e, dict) and e.get("Name") == "AWS::Include" for e in entries)


def has_fn_transform(value: Json) -> bool:
    """Does `value` hold an `Fn::Transform` anywhere (a snippet to include or a macro call)?"""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "Fn::Transform" in item:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
