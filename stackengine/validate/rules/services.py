"""Checks the registry schemas cannot express, registered by resource type (`TYPE_CHECKS`), plus
a few template-wide ones: registry-module restrictions, names shared by parameters and resources,
`${Name}` written outside Fn::Sub, and IAM policy documents.

Type checks look at literal values only: whatever an intrinsic computes is left to the schema pass.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from stackengine.diagnostics import Diagnostic, TemplatePath
from stackengine.intrinsics.references import PSEUDO_PARAMETERS, SUB_VARIABLE

if TYPE_CHECKING:
    from stackengine.validate.context import TemplateContext

Json = Any
MODULE = "E5001"
SHARED_NAME = "E3007"
SUB_OUTSIDE = "E1025"
POLICY = "E3040"
RUNTIME = "E3041"
DYNAMODB_KEYS = "E3039"
NESTED_PARAMETERS = "E3043"

TypeCheck = Callable[["TemplateContext", str, Mapping[str, Json]], Iterator[Diagnostic]]

# Lambda runtimes whose deprecation has reached the "function creation blocked" phase (AWS Lambda
# runtime deprecation policy); creating a function with one fails.
BLOCKED_RUNTIMES = frozenset({
    "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x",
    "python2.7", "python3.6", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1",
    "ruby2.5",
})
STATEMENT_KEYS = frozenset({"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
                            "NotResource", "Condition"})
POLICY_KEYS = frozenset({"Version", "Id", "Statement"})
POLICY_VERSIONS = ("2012-10-17", "2008-10-17")
# Properties whose strings are read by something else that substitutes `${...}` itself: an
# embedded template, a state machine with DefinitionSubstitutions, ...
OWN_SUBSTITUTION = frozenset({"TemplateBody", "DefinitionString", "Definition", "DefinitionSubstitutions",
                              "Metadata", "Description"})


def _literal(value: Json) -> bool:
    """No intrinsic function anywhere inside."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if len(item) == 1 and (next(iter(item)).startswith("Fn::") or "Ref" in item or "Condition" in item):
                return False
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _props(resource: Mapping[str, Json]) -> Mapping[str, Json]:
    props = resource.get("Properties")
    return props if isinstance(props, Mapping) else {}


def check_dynamodb_table(tc: TemplateContext, logical_id: str, resource: Mapping[str, Json]) -> Iterator[Diagnostic]:
    props = _props(resource)
    definitions = props.get("AttributeDefinitions")
    schemas = [props.get("KeySchema")]
    for index_kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        indexes = props.get(index_kind)
        if isinstance(indexes, list):
            schemas.extend(i.get("KeySchema") for i in indexes if isinstance(i, Mapping))
    if not _literal(definitions) or not _literal(schemas) or not isinstance(definitions, list):
        return
    defined = {d.get("AttributeName") for d in definitions if isinstance(d, Mapping)}
    keys = {k.get("AttributeName") for schema in schemas if isinstance(schema, list)
            for k in schema if isinstance(k, Mapping)}
    if defined != keys:
        path: TemplatePath = ("Resources", logical_id, "Properties", "AttributeDefinitions")
        extra, missing = sorted(map(str, defined - keys)), sorted(map(str, keys - defined))
        detail = "; ".join(part for part in (
            f"defined but used in no key schema: {', '.join(extra)}" if extra else "",
            f"used in a key schema but not defined: {', '.join(missing)}" if missing else "") if part)
        yield Diagnostic(DYNAMODB_KEYS, "AttributeDefinitions must list exactly the attributes of the key "
                         f"schemas (table and indexes): {detail}", path)


def check_lambda_function(tc: TemplateContext, logical_id: str, resource: Mapping[str, Json]) -> Iterator[Diagnostic]:
    runtime = _props(resource).get("Runtime")
    if isinstance(runtime, str) and runtime in BLOCKED_RUNTIMES:
        yield Diagnostic(RUNTIME, f"runtime {runtime!r} is deprecated and Lambda no longer creates functions "
                         "with it", ("Resources", logical_id, "Properties", "Runtime"))


def check_nested_stack(tc: TemplateContext, logical_id: str, resource: Mapping[str, Json]) -> Iterator[Diagnostic]:
    """Parameters passed to a nested stack whose template is a local file: each must exist there,
    and every parameter without a Default there must be passed."""
    props = _props(resource)
    url = props.get("TemplateURL")
    if not isinstance(url, str) or "://" in url or not os.path.exists(tc.file):
        return
    nested_path = os.path.join(os.path.dirname(os.path.abspath(tc.file)), url)
    if not os.path.isfile(nested_path):
        return
    from stackengine.diagnostics import TemplateError
    from stackengine.template.decode import load_file

    try:
        nested = load_file(nested_path).data
    except TemplateError:
        return  # reported when that file is validated itself
    declared = nested.get("Parameters") if isinstance(nested, Mapping) else None
    declared = declared if isinstance(declared, Mapping) else {}
    from stackengine.validate.properties import ScenarioRunner
    from stackengine.values import NO_VALUE

    where: TemplatePath = ("Resources", logical_id, "Properties", "Parameters")
    given_raw = props.get("Parameters", {})
    own = resource.get("Condition") if isinstance(resource.get("Condition"), str) else None
    for given, _ in ScenarioRunner(tc).evaluate(given_raw, where, own):
        if given is NO_VALUE:
            given = {}
        if not isinstance(given, dict):
            continue
        for name in given:
            if name not in declared:
                yield Diagnostic(NESTED_PARAMETERS, f"parameter {name!r} is passed to the nested stack, whose "
                                 f"template {url} does not declare it", where + (name,))
        for name, spec in declared.items():
            if isinstance(spec, Mapping) and "Default" not in spec and name not in given:
                yield Diagnostic(NESTED_PARAMETERS, f"the nested stack's template {url} needs parameter "
                                 f"{name!r} (it has no Default), which is not passed", where)


# Where a policy document is resource-based (its statements say who: Principal is required) or
# identity-based (attached to a principal: Principal is not allowed). "*" steps into a list.
RESOURCE_POLICIES: dict[str, tuple[tuple[str, ...], ...]] = {
    "AWS::S3::BucketPolicy": (("PolicyDocument",),),
    "AWS::SQS::QueuePolicy": (("PolicyDocument",),),
    "AWS::SNS::TopicPolicy": (("PolicyDocument",),),
    "AWS::ECR::Repository": (("RepositoryPolicyText",),),
    "AWS::KMS::Key": (("KeyPolicy",),),
    "AWS::IAM::Role": (("AssumeRolePolicyDocument",),),
    "AWS::SecretsManager::ResourcePolicy": (("ResourcePolicy",),),
}
IDENTITY_POLICIES: dict[str, tuple[tuple[str, ...], ...]] = {
    "AWS::IAM::Policy": (("PolicyDocument",),),
    "AWS::IAM::ManagedPolicy": (("PolicyDocument",),),
    "AWS::IAM::Role": (("Policies", "*", "PolicyDocument"),),
    "AWS::IAM::User": (("Policies", "*", "PolicyDocument"),),
    "AWS::IAM::Group": (("Policies", "*", "PolicyDocument"),),
}


def _documents(props: Mapping[str, Json], spec: tuple[str, ...], path: TemplatePath) -> Iterator[tuple[Json, TemplatePath]]:
    if not spec:
        yield props, path
        return
    head, rest = spec[0], spec[1:]
    if head == "*":
        if isinstance(props, list):
            for index, item in enumerate(props):
                yield from _documents(item, rest, path + (index,))
    elif isinstance(props, Mapping) and head in props:
        yield from _documents(props[head], rest, path + (head,))


def check_policy_principals(tc: TemplateContext, logical_id: str, resource: Mapping[str, Json]) -> Iterator[Diagnostic]:
    kind = str(resource.get("Type"))
    base: TemplatePath = ("Resources", logical_id, "Properties")
    for specs, needed in ((RESOURCE_POLICIES.get(kind, ()), True), (IDENTITY_POLICIES.get(kind, ()), False)):
        for spec in specs:
            for document, path in _documents(_props(resource), spec, base):
                if not isinstance(document, Mapping):
                    continue
                statements = document.get("Statement")
                items = [statements] if isinstance(statements, dict) else statements \
                    if isinstance(statements, list) else []
                for index, statement in enumerate(items):
                    if not isinstance(statement, Mapping) or not _literal(statement):
                        continue
                    where = path + ("Statement",) + ((index,) if isinstance(statements, list) else ())
                    has = "Principal" in statement or "NotPrincipal" in statement
                    if needed and not has:
                        yield Diagnostic(POLICY, "a resource-based policy statement needs Principal or "
                                         "NotPrincipal", where)
                    elif not needed and has:
                        yield Diagnostic(POLICY, "an identity-based policy (attached to a role, user or group) "
                                         "cannot name a Principal", where)


TYPE_CHECKS: dict[str, TypeCheck] = {
    "AWS::DynamoDB::Table": check_dynamodb_table,
    "AWS::Lambda::Function": check_lambda_function,
    "AWS::CloudFormation::Stack": check_nested_stack,
}


def check(tc: TemplateContext) -> Iterator[Diagnostic]:
    seen: set[tuple[str, TemplatePath, str]] = set()
    for d in _all(tc):
        key = (d.code, d.path, d.message)
        if key not in seen:
            seen.add(key)
            yield d


def _all(tc: TemplateContext) -> Iterator[Diagnostic]:
    for logical_id, resource in tc.resources.items():
        if not isinstance(resource, Mapping) or not isinstance(resource.get("Type"), str):
            continue
        type_check = TYPE_CHECKS.get(resource["Type"])
        if type_check is not None:
            yield from type_check(tc, str(logical_id), resource)
        if resource["Type"] in RESOURCE_POLICIES or resource["Type"] in IDENTITY_POLICIES:
            yield from check_policy_principals(tc, str(logical_id), resource)
        if resource["Type"].endswith("::MODULE"):
            yield from _module(str(logical_id), resource)
    yield from _shared_names(tc)
    yield from _strings(tc)


def _module(logical_id: str, resource: Mapping[str, Json]) -> Iterator[Diagnostic]:
    path: TemplatePath = ("Resources", logical_id)
    for attribute in ("CreationPolicy", "UpdatePolicy"):
        if attribute in resource:
            yield Diagnostic(MODULE, f"{attribute} is not permitted on a module", path + (attribute,))
    if "Tags" in _props(resource):
        yield Diagnostic(MODULE, "Tags is not permitted on a module", path + ("Properties", "Tags"))
    metadata = resource.get("Metadata")
    if isinstance(metadata, Mapping) and "AWS::CloudFormation::Module" in metadata:
        yield Diagnostic(MODULE, "the Metadata key AWS::CloudFormation::Module is reserved for CloudFormation",
                         path + ("Metadata", "AWS::CloudFormation::Module"))


def _shared_names(tc: TemplateContext) -> Iterator[Diagnostic]:
    parameters = tc.template.get("Parameters")
    if not isinstance(parameters, Mapping):
        return
    for name in tc.resources:
        if name in parameters:
            yield Diagnostic(SHARED_NAME, f"{name!r} names both a parameter and a resource; logical IDs must be "
                             "unique across Parameters and Resources", ("Resources", name))


def _strings(tc: TemplateContext) -> Iterator[Diagnostic]:
    """Plain strings (not in Fn::Sub) holding `${Name}` of a parameter, resource or pseudo
    parameter: CloudFormation keeps them literally, which is almost never what was meant. Also
    every literal IAM policy document met on the way."""
    names = set(tc.resources) | set(tc.parameters) | PSEUDO_PARAMETERS
    for section in ("Resources", "Outputs"):
        body = tc.template.get(section)
        if not isinstance(body, Mapping):
            continue
        stack: list[tuple[Json, TemplatePath]] = [(body, (section,))]
        while stack:
            item, path = stack.pop()
            if isinstance(item, dict):
                if len(item) == 1 and next(iter(item)) in ("Fn::Sub", "Fn::If", "Fn::Transform"):
                    if "Fn::If" not in item:
                        continue
                if "Statement" in item and "Version" in item:
                    yield from _policy(item, path)
                for key, value in item.items():
                    if key not in OWN_SUBSTITUTION:
                        stack.append((value, path + (key,)))
            elif isinstance(item, list):
                stack.extend((v, path + (i,)) for i, v in enumerate(item))
            elif isinstance(item, str) and "${" in item:
                for match in SUB_VARIABLE.finditer(item):
                    name = match.group(1).strip()
                    if name in names or name.split(".", 1)[0] in tc.resources:
                        yield Diagnostic(SUB_OUTSIDE, f"'${{{name}}}' is written outside Fn::Sub, so it stays "
                                         "literal text; wrap the string in !Sub", path)
                        break


def _policy(document: Mapping[str, Json], path: TemplatePath) -> Iterator[Diagnostic]:
    version = document.get("Version")
    if isinstance(version, str) and version not in POLICY_VERSIONS:
        yield Diagnostic(POLICY, f"policy Version must be {' or '.join(POLICY_VERSIONS)}, not {version!r}",
                         path + ("Version",))
    for key in document:
        if key not in POLICY_KEYS:
            yield Diagnostic(POLICY, f"{key!r} is not a policy document element (Version, Id, Statement)",
                             path + (key,))
    statements = document.get("Statement")
    items = [statements] if isinstance(statements, dict) else statements if isinstance(statements, list) else []
    for index, statement in enumerate(items):
        where = path + ("Statement",) + ((index,) if isinstance(statements, list) else ())
        if not isinstance(statement, dict) or (len(statement) == 1 and next(iter(statement)).startswith("Fn::")):
            continue
        effect = statement.get("Effect")
        if isinstance(effect, str) and effect not in ("Allow", "Deny"):
            yield Diagnostic(POLICY, f"Effect must be Allow or Deny, not {effect!r}", where + ("Effect",))
        for key in statement:
            if key not in STATEMENT_KEYS:
                yield Diagnostic(POLICY, f"{key!r} is not a policy statement element", where + (key,))
        for a, b in (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal")):
            if a in statement and b in statement:
                yield Diagnostic(POLICY, f"a statement has either {a} or {b}, not both", where)
