"""The structural part of the `AWS::LanguageExtensions` transform.

What this module does, in the order it does it:

1. `Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]` loops in the
   `Conditions`, `Resources` (resource properties included) and `Outputs` sections are expanded,
   nested loops too. In keys and strings `${Identifier}` becomes the item and `&{Identifier}` the
   item without its non-alphanumeric characters; `{"Ref": Identifier}` becomes the item.
2. Intrinsic functions used where only this transform allows them are folded when the answer is
   known before deployment (parameters, pseudo parameters, mappings, conditions): the argument of
   `Ref` / `Fn::GetAtt`, a resource's or output's `Condition`, `DeletionPolicy` and
   `UpdateReplacePolicy`.
3. `AWS::LanguageExtensions` is removed from the `Transform` section.

`Fn::Length`, `Fn::ToJsonString` and `Fn::FindInMap` with `DefaultValue` inside values are left in
place: the intrinsic evaluator resolves them (it accepts them only when this transform is declared).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from stackengine.diagnostics import DiagnosticSink, TemplatePath
from stackengine.template.marks import MarkedList, MarkedMap, new_list, new_map, span_at
from stackengine.transform import TransformContext

Json = Any

NAME = "AWS::LanguageExtensions"
FOREACH_PREFIX = "Fn::ForEach::"
LOOP_SECTIONS = ("Conditions", "Resources", "Outputs")
"""The only sections where CloudFormation accepts Fn::ForEach."""

CODE_FOREACH = "E1032"
CODE_DELETION_POLICY = "E3035"
CODE_UPDATE_REPLACE_POLICY = "E3036"

DELETION_POLICIES = frozenset({"Delete", "Retain", "RetainExceptOnCreate", "Snapshot"})
UPDATE_REPLACE_POLICIES = frozenset({"Delete", "Retain", "Snapshot"})

MAX_NESTED_LOOPS = 5
"""CloudFormation accepts up to 5 Fn::ForEach nested inside a single parent loop."""

_ALPHANUMERIC = re.compile(r"^[A-Za-z0-9]+$")
_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]")
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")

Bindings = Mapping[str, str]
"""Loop identifier → the current item, for every loop enclosing a value."""


class _Sentinel:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


UNRESOLVED: Any = _Sentinel("UNRESOLVED")
"""The value depends on something only known at deploy time (or is malformed): leave it as written."""
NO_VALUE: Any = _Sentinel("NO_VALUE")
"""`Ref: AWS::NoValue`: the attribute or property is removed."""


def transform_language_extensions(template: Json, context: TransformContext) -> Json:
    """Expand `Fn::ForEach` and fold the transform's statically known intrinsics.

    Raises TemplateError with every problem found. The input template is not modified.
    """
    if not isinstance(template, dict):
        return template
    sink = DiagnosticSink()
    expander = _Expander(template, context, sink)
    out = expander.expand_template()
    sink.raise_if_errors()
    return out


# ---------------------------------------------------------------------------------------------
# Static evaluation: what parameters, pseudo parameters, mappings and conditions already decide.


def _urlsuffix(partition: str) -> str:
    return "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"


def _is_list_type(type_name: str) -> bool:
    return type_name == "CommaDelimitedList" or type_name.startswith("List<")


def _split_list(value: str) -> list[str]:
    # CloudFormation trims the blanks around each member of a comma-delimited value.
    return [part.strip() for part in value.split(",")] if value != "" else []


@dataclass
class _Resolver:
    """Evaluates the intrinsics whose result is known before deployment; UNRESOLVED otherwise."""

    context: TransformContext
    parameters: Mapping[str, Json]
    mappings: Mapping[str, Json]
    conditions: Mapping[str, Json] = field(default_factory=dict)

    def parameter(self, name: str) -> Json:
        """A parameter's or pseudo parameter's value: a string, a list of strings or UNRESOLVED."""
        pseudo = self._pseudo(name)
        if pseudo is not None:
            return pseudo
        declared = self.parameters.get(name)
        if not isinstance(declared, dict):
            return UNRESOLVED
        type_name = declared.get("Type")
        if not isinstance(type_name, str) or type_name.startswith("AWS::SSM::"):
            return UNRESOLVED  # SSM-backed values are read at deploy time
        value = self.context.parameters.get(name, declared.get("Default", UNRESOLVED))
        if value is UNRESOLVED or value is None:
            return UNRESOLVED
        if _is_list_type(type_name):
            if isinstance(value, list):
                return [_scalar_text(v) for v in value]
            return _split_list(_scalar_text(value))
        return value if isinstance(value, str) else _scalar_text(value)

    def _pseudo(self, name: str) -> Json | None:
        ctx = self.context
        known: dict[str, Json] = {
            "AWS::Region": ctx.region,
            "AWS::AccountId": ctx.account_id,
            "AWS::Partition": ctx.partition,
            "AWS::StackName": ctx.stack_name,
            "AWS::URLSuffix": _urlsuffix(ctx.partition),
            "AWS::NoValue": NO_VALUE,
        }
        if name in known:
            return known[name]
        return UNRESOLVED if name.startswith("AWS::") else None

    def resolve(self, value: Json) -> Json:
        if isinstance(value, (str, int, float, bool)) or value is None:
            return value
        if isinstance(value, list):
            items = [self.resolve(v) for v in value]
            return UNRESOLVED if any(i is UNRESOLVED for i in items) else [i for i in items if i is not NO_VALUE]
        if isinstance(value, dict) and len(value) == 1:
            name, arg = next(iter(value.items()))
            handler = _RESOLVERS.get(name)
            if handler is not None:
                return handler(self, arg)
        return UNRESOLVED

    def resolve_text(self, value: Json) -> Json:
        """The value as a string (numbers as CloudFormation writes them), else UNRESOLVED."""
        result = self.resolve(value)
        if isinstance(result, (str, int, float)) and not isinstance(result, bool):
            return _scalar_text(result)
        return UNRESOLVED

    def condition(self, name: str, seen: frozenset[str] = frozenset()) -> Json:
        expr = self.conditions.get(name, UNRESOLVED)
        if expr is UNRESOLVED or name in seen:
            return UNRESOLVED  # unknown or cyclic: the condition evaluator reports it
        return self.condition_expr(expr, seen | {name})

    def condition_expr(self, expr: Json, seen: frozenset[str]) -> Json:
        if not isinstance(expr, dict) or len(expr) != 1:
            return UNRESOLVED
        name, arg = next(iter(expr.items()))
        if name == "Condition" and isinstance(arg, str):
            return self.condition(arg, seen)
        if name == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
            left, right = (self.resolve(a) for a in arg)
            if left is UNRESOLVED or right is UNRESOLVED:
                return UNRESOLVED
            return _equal_text(left, right)
        if name == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
            inner = self.condition_expr(arg[0], seen)
            return UNRESOLVED if inner is UNRESOLVED else not inner
        if name in ("Fn::And", "Fn::Or") and isinstance(arg, list):
            values = [self.condition_expr(a, seen) for a in arg]
            if any(v is UNRESOLVED for v in values):
                return UNRESOLVED
            return all(values) if name == "Fn::And" else any(values)
        return UNRESOLVED


def _scalar_text(value: Json) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _equal_text(left: Json, right: Json) -> bool:
    if isinstance(left, list) or isinstance(right, list):
        return bool(left == right)
    return _scalar_text(left) == _scalar_text(right)


def _resolve_ref(resolver: _Resolver, arg: Json) -> Json:
    return resolver.parameter(arg) if isinstance(arg, str) else UNRESOLVED


def _resolve_sub(resolver: _Resolver, arg: Json) -> Json:
    if isinstance(arg, str):
        text, variables = arg, {}
    elif isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
        text, variables = arg[0], arg[1]
    else:
        return UNRESOLVED
    unresolved = False

    def replace(match: re.Match[str]) -> str:
        nonlocal unresolved
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"  # ${!Literal} is the literal text ${Literal}
        value = resolver.resolve(variables[name]) if name in variables else resolver.parameter(name)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return _scalar_text(value)
        unresolved = True  # a resource attribute, a list, or unknown
        return match.group(0)

    result = _SUB_VARIABLE.sub(replace, text)
    return UNRESOLVED if unresolved else result


def _resolve_find_in_map(resolver: _Resolver, arg: Json) -> Json:
    if not isinstance(arg, list) or len(arg) not in (3, 4):
        return UNRESOLVED
    keys = [resolver.resolve_text(a) for a in arg[:3]]
    default: Json = UNRESOLVED
    if len(arg) == 4:
        if not isinstance(arg[3], dict) or "DefaultValue" not in arg[3]:
            return UNRESOLVED
        default = resolver.resolve(arg[3]["DefaultValue"])
    if any(k is UNRESOLVED for k in keys):
        return UNRESOLVED
    top = resolver.mappings.get(keys[0])
    second = top.get(keys[1]) if isinstance(top, dict) else None
    if isinstance(second, dict) and keys[2] in second:
        return second[keys[2]]
    return default


def _resolve_join(resolver: _Resolver, arg: Json) -> Json:
    if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[0], str):
        return UNRESOLVED
    items = resolver.resolve(arg[1])
    if not isinstance(items, list) or any(isinstance(i, (list, dict)) for i in items):
        return UNRESOLVED
    return arg[0].join(_scalar_text(i) for i in items)


def _resolve_split(resolver: _Resolver, arg: Json) -> Json:
    if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[0], str) or not arg[0]:
        return UNRESOLVED
    text = resolver.resolve_text(arg[1])
    return UNRESOLVED if text is UNRESOLVED else text.split(arg[0])


def _resolve_select(resolver: _Resolver, arg: Json) -> Json:
    if not isinstance(arg, list) or len(arg) != 2:
        return UNRESOLVED
    index, items = resolver.resolve_text(arg[0]), resolver.resolve(arg[1])
    if index is UNRESOLVED or not isinstance(items, list) or not index.isdigit():
        return UNRESOLVED
    return items[int(index)] if int(index) < len(items) else UNRESOLVED


def _resolve_if(resolver: _Resolver, arg: Json) -> Json:
    if not isinstance(arg, list) or len(arg) != 3 or not isinstance(arg[0], str):
        return UNRESOLVED
    chosen = resolver.condition(arg[0])
    if chosen is UNRESOLVED:
        return UNRESOLVED
    return resolver.resolve(arg[1] if chosen else arg[2])


_RESOLVERS = {
    "Ref": _resolve_ref,
    "Fn::Sub": _resolve_sub,
    "Fn::FindInMap": _resolve_find_in_map,
    "Fn::Join": _resolve_join,
    "Fn::Split": _resolve_split,
    "Fn::Select": _resolve_select,
    "Fn::If": _resolve_if,
}


# ---------------------------------------------------------------------------------------------
# Copying with marks: the output keeps the positions of everything it copied from the input.


def _map_like(source: Json) -> dict[str, Json]:
    return new_map(source.mark) if isinstance(source, MarkedMap) else {}


def _list_like(source: Json) -> list[Json]:
    return new_list(source.mark) if isinstance(source, MarkedList) else []


def _put(out: dict[str, Json], key: str, value: Json, source: Json, source_key: str) -> None:
    out[key] = value
    if isinstance(out, MarkedMap) and isinstance(source, MarkedMap):
        if source_key in source.key_marks:
            out.key_marks[key] = source.key_marks[source_key]
        if source_key in source.value_marks:
            out.value_marks[key] = source.value_marks[source_key]


def _append(out: list[Json], value: Json, source: Json, index: int) -> None:
    out.append(value)
    if isinstance(out, MarkedList) and isinstance(source, MarkedList) and index < len(source.item_marks):
        out.item_marks.append(source.item_marks[index])


def _substitute(text: str, bindings: Bindings) -> str:
    for identifier, item in bindings.items():
        text = text.replace("${" + identifier + "}", item)
        text = text.replace("&{" + identifier + "}", _NOT_ALPHANUMERIC.sub("", item))
    return text


def _is_loop(key: object) -> bool:
    return isinstance(key, str) and key.startswith(FOREACH_PREFIX)


def _mentions(text: str, identifier: str) -> bool:
    return "${" + identifier + "}" in text or "&{" + identifier + "}" in text


# ---------------------------------------------------------------------------------------------
# Expansion


class _Expander:
    """One run of the transform over one template; collects diagnostics in `sink`."""

    def __init__(self, template: dict[str, Json], context: TransformContext, sink: DiagnosticSink) -> None:
        self.template = template
        self.context = context
        self.sink = sink
        parameters = template.get("Parameters")
        mappings = template.get("Mappings")
        self.resolver = _Resolver(context, parameters if isinstance(parameters, dict) else {},
                                  mappings if isinstance(mappings, dict) else {})
        resources = template.get("Resources")
        self.resource_ids = {k for k in resources if not _is_loop(k)} \
            if isinstance(resources, dict) else set()
        self.loop_names: dict[str, TemplatePath] = {}
        self.reported: set[tuple[str, str, TemplatePath]] = set()

    # -- diagnostics -------------------------------------------------------------------------

    def error(self, message: str, path: TemplatePath, *, key: bool = False, code: str = CODE_FOREACH) -> None:
        # A loop body is expanded once per item: report each problem once.
        if (code, message, path) in self.reported:
            return
        self.reported.add((code, message, path))
        self.sink.add(code, message, path, span=span_at(self.context.file, self.template, path, key=key))

    # -- template ----------------------------------------------------------------------------

    def expand_template(self) -> dict[str, Json]:
        out = _map_like(self.template)
        for section, value in self.template.items():
            if section == "Transform":
                transform = _without_language_extensions(value)
                if transform is not None:
                    _put(out, section, transform, self.template, section)
                continue
            if section in LOOP_SECTIONS and isinstance(value, dict):
                value = self.expand_map(value, (section,), {}, logical_ids=True)
            else:
                self._reject_loops(value, (section,))
            _put(out, section, value, self.template, section)
        conditions = out.get("Conditions")
        self.resolver.conditions = conditions if isinstance(conditions, dict) else {}
        resources = out.get("Resources")
        if isinstance(resources, dict):
            for logical_id, resource in resources.items():
                if isinstance(resource, dict):
                    self._fold_attributes(resource, ("Resources", logical_id), policies=True)
        outputs = out.get("Outputs")
        if isinstance(outputs, dict):
            for logical_id, output in outputs.items():
                if isinstance(output, dict):
                    self._fold_attributes(output, ("Outputs", logical_id), policies=False)
        return out

    def _reject_loops(self, value: Json, path: TemplatePath) -> None:
        stack: list[tuple[Json, TemplatePath]] = [(value, path)]
        while stack:
            node, where = stack.pop()
            if isinstance(node, dict):
                for k, v in node.items():
                    if _is_loop(k):
                        self.error(f"Fn::ForEach can't be used in the {path[0]} section; only in "
                                   "Conditions, Resources (including resource properties) and Outputs",
                                   where + (k,), key=True)
                    else:
                        stack.append((v, where + (k,)))
            elif isinstance(node, list):
                stack.extend((v, where + (i,)) for i, v in enumerate(node))

    # -- values ------------------------------------------------------------------------------

    def expand(self, value: Json, path: TemplatePath, bindings: Bindings) -> Json:
        """A copy of `value` (found at `path` in the input) with loops expanded and items substituted."""
        if isinstance(value, dict):
            return self.expand_map(value, path, bindings, logical_ids=False)
        if isinstance(value, list):
            out = _list_like(value)
            for i, item in enumerate(value):
                _append(out, self.expand(item, path + (i,), bindings), value, i)
            return out
        if isinstance(value, str) and bindings:
            return _substitute(value, bindings)
        return value

    def expand_map(self, value: dict[str, Json], path: TemplatePath, bindings: Bindings,
                   *, logical_ids: bool) -> Json:
        if bindings and len(value) == 1 and isinstance(value.get("Ref"), str) and value["Ref"] in bindings:
            return bindings[value["Ref"]]
        out = _map_like(value)
        for key, item in value.items():
            if _is_loop(key):
                self.expand_loop(key, item, path + (key,), bindings, out, logical_ids=logical_ids)
                continue
            new_key = _substitute(key, bindings) if bindings and isinstance(key, str) else key
            self._place(out, new_key, self._expand_entry(key, item, path + (key,), bindings), value, key,
                        path + (key,), generated=new_key != key, logical_ids=logical_ids)
        return self._fold_reference_arguments(out)

    def _expand_entry(self, key: Json, value: Json, path: TemplatePath, bindings: Bindings) -> Json:
        """Expand a mapping entry's value; `Fn::Sub`'s own variables hide loop identifiers of the same name."""
        if key != "Fn::Sub" or not bindings or not isinstance(value, list) or len(value) != 2 \
                or not isinstance(value[1], dict):
            return self.expand(value, path, bindings)
        visible = {k: v for k, v in bindings.items() if k not in value[1]}
        out = _list_like(value)
        _append(out, self.expand(value[0], path + (0,), visible), value, 0)
        _append(out, self.expand(value[1], path + (1,), bindings), value, 1)
        return out

    def _place(self, out: dict[str, Json], key: str, value: Json, source: Json, source_key: str,
               path: TemplatePath, *, generated: bool, logical_ids: bool, output_key: bool = False) -> None:
        if output_key and "${" in key:
            # An output key is an implicit Fn::Sub over loop identifiers only.
            self.error(f"the generated key {key!r} refers to something other than a loop identifier; "
                       "only ${Identifier} and &{Identifier} of enclosing loops can be used in keys",
                       path, key=True)
            return
        if generated and logical_ids and not _ALPHANUMERIC.match(key):
            self.error(f"the generated logical ID {key!r} is not alphanumeric; use &{{Identifier}} to "
                       "drop the non-alphanumeric characters of the collection's items", path, key=True)
            return
        if key in out:
            self.error(f"the key {key!r} is generated more than once (or already exists); each "
                       "generated key must be unique", path, key=True)
            return
        _put(out, key, value, source, source_key)

    def _fold_reference_arguments(self, out: dict[str, Json]) -> dict[str, Json]:
        """`Ref` and `Fn::GetAtt` accept intrinsic arguments under this transform: fold the known ones."""
        if len(out) != 1:
            return out
        if isinstance(out.get("Ref"), dict):
            name = self.resolver.resolve_text(out["Ref"])
            if name is not UNRESOLVED:
                out["Ref"] = name
        elif isinstance(out.get("Fn::GetAtt"), list) and len(out["Fn::GetAtt"]) == 2:
            args = out["Fn::GetAtt"]
            for i, arg in enumerate(args):
                if isinstance(arg, dict):
                    text = self.resolver.resolve_text(arg)
                    if text is not UNRESOLVED:
                        args[i] = text
        return out

    # -- loops -------------------------------------------------------------------------------

    def expand_loop(self, key: str, spec: Json, path: TemplatePath, bindings: Bindings,
                    out: dict[str, Json], *, logical_ids: bool) -> None:
        """Expand `Fn::ForEach::Name: [Identifier, Collection, Fragment]` into `out`."""
        if not self._check_loop_name(key, path):
            return
        if not isinstance(spec, list) or len(spec) != 3:
            self.error(f"{key} takes a list of exactly three items: an identifier, a collection "
                       "and an output fragment (a mapping)", path)
            return
        identifier, collection, fragment = spec
        if not self._check_identifier(identifier, path + (0,), bindings):
            return
        if not isinstance(fragment, dict):
            self.error(f"the third item of {key} must be a mapping of output keys to output values",
                       path + (2,))
            return
        items = self.collection(collection, path + (1,), bindings)
        if items is None:
            return
        for fragment_key in fragment:
            if not _is_loop(fragment_key) and not _mentions(str(fragment_key), identifier):
                self.error(f"the output key {fragment_key!r} must contain ${{{identifier}}} or "
                           f"&{{{identifier}}}, otherwise every item generates the same key",
                           path + (2, fragment_key), key=True)
        for item in items:
            inner = {**bindings, identifier: item}
            for fragment_key, value in fragment.items():
                where = path + (2, fragment_key)
                if _is_loop(fragment_key):
                    self.expand_loop(fragment_key, value, where, inner, out, logical_ids=logical_ids)
                    continue
                new_key = _substitute(str(fragment_key), inner)
                new_value = self._expand_entry(fragment_key, value, where, inner)
                self._place(out, new_key, new_value, fragment, fragment_key, where,
                            generated=True, logical_ids=logical_ids, output_key=True)

    def _check_loop_name(self, key: str, path: TemplatePath) -> bool:
        name = key[len(FOREACH_PREFIX):]
        if not _ALPHANUMERIC.match(name):
            self.error(f"the loop name {name!r} in {key} must be alphanumeric and not empty", path, key=True)
            return False
        first = self.loop_names.setdefault(name, path)
        if first != path:
            self.error(f"the loop name {name!r} is used twice; loop names must be unique in the template",
                       path, key=True)
            return False
        if name in self.resource_ids:
            self.error(f"the loop name {name!r} is also a resource's logical ID; loop names must "
                       "not clash with logical IDs in Resources", path, key=True)
            return False
        return True

    def _check_identifier(self, identifier: Json, path: TemplatePath, bindings: Bindings) -> bool:
        if not isinstance(identifier, str) or not _ALPHANUMERIC.match(identifier):
            self.error("the loop identifier must be a non-empty alphanumeric string", path)
            return False
        if identifier in bindings:
            self.error(f"the identifier {identifier!r} is already used by an enclosing Fn::ForEach; "
                       "nested loops need different identifiers", path)
            return False
        if len(bindings) > MAX_NESTED_LOOPS:
            self.error(f"Fn::ForEach loops nest at most {MAX_NESTED_LOOPS} deep inside one loop", path)
            return False
        return True

    def collection(self, raw: Json, path: TemplatePath, bindings: Bindings) -> list[str] | None:
        """The loop's items as strings, or None (with an error reported) when not known offline."""
        value = self.expand(raw, path, bindings)
        if isinstance(value, dict):
            value = self.resolver.resolve(value)
            if value is UNRESOLVED or value is NO_VALUE:
                self.error("the collection cannot be resolved before deployment" + self._why_unresolved(raw)
                           + "; use a list, a Ref to a CommaDelimitedList or List<...> parameter that has "
                           "a value, or Fn::FindInMap over Mappings", path)
                return None
        if not isinstance(value, list):
            self.error(f"the collection must be a list of strings, not {_describe(value)}", path)
            return None
        items: list[str] = []
        for i, item in enumerate(value):
            text = self.resolver.resolve_text(item) if isinstance(item, dict) else (
                _scalar_text(item) if isinstance(item, (str, int, float)) and not isinstance(item, bool)
                else UNRESOLVED)
            if text is UNRESOLVED:
                self.error(f"the collection's items must be strings; item {i} is {_describe(item)}", path)
                return None
            items.append(text)
        return items

    def _why_unresolved(self, value: Json) -> str:
        """Name the parameters without a value that a collection refers to, the usual cause."""
        missing: list[str] = []
        ssm: list[str] = []
        stack = [value]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("Ref")
                if isinstance(ref, str) and self.resolver.parameter(ref) is UNRESOLVED \
                        and isinstance(self.resolver.parameters.get(ref), dict):
                    type_name = str(self.resolver.parameters[ref].get("Type", ""))
                    (ssm if type_name.startswith("AWS::SSM::") else missing).append(ref)
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
        reasons = []
        if missing:
            reasons.append(f"parameter {', '.join(sorted(set(missing)))} has no value and no Default")
        if ssm:
            reasons.append(f"parameter {', '.join(sorted(set(ssm)))} is read from SSM at deploy time")
        return f" ({'; '.join(reasons)})" if reasons else ""

    # -- attributes folded after expansion ---------------------------------------------------

    def _fold_attributes(self, entry: dict[str, Json], path: TemplatePath, *, policies: bool) -> None:
        """Fold intrinsic `Condition` (and, for resources, the two policy attributes) in place.

        `entry` is this run's own copy, so changing it does not touch the input.
        """
        condition = entry.get("Condition")
        if isinstance(condition, dict):
            name = self.resolver.resolve(condition)
            if name is NO_VALUE:
                del entry["Condition"]
            elif isinstance(name, str):
                entry["Condition"] = name
        if not policies:
            return
        for attribute, allowed, code in (("DeletionPolicy", DELETION_POLICIES, CODE_DELETION_POLICY),
                                         ("UpdateReplacePolicy", UPDATE_REPLACE_POLICIES,
                                          CODE_UPDATE_REPLACE_POLICY)):
            value = entry.get(attribute)
            if not isinstance(value, dict):
                continue
            resolved = self.resolver.resolve(value)
            if resolved is NO_VALUE:
                del entry[attribute]  # no policy: CloudFormation's default applies
            elif resolved is UNRESOLVED:
                if not _only_static_functions(value):
                    self.error(f"{attribute} must resolve from parameters, mappings and conditions; "
                               "it cannot depend on resources", path + (attribute,), code=code)
            elif resolved not in allowed:
                self.error(f"{attribute} resolves to {resolved!r}; it must be one of "
                           f"{', '.join(sorted(allowed))}", path + (attribute,), code=code)
            else:
                entry[attribute] = resolved


def _only_static_functions(value: Json) -> bool:
    """False when `value` uses a function whose result exists only after deployment."""
    if isinstance(value, dict):
        if any(k in ("Fn::GetAtt", "Fn::ImportValue", "Fn::GetStackOutput") for k in value):
            return False
        return all(_only_static_functions(v) for v in value.values())
    if isinstance(value, list):
        return all(_only_static_functions(v) for v in value)
    return True


def _describe(value: Json) -> str:
    if isinstance(value, dict):
        names = ", ".join(str(k) for k in value)
        return f"a mapping ({names})"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return f"{type(value).__name__} {value!r}"


def _without_language_extensions(transform: Json) -> Json | None:
    """The `Transform` section without this transform; None when nothing is left."""
    if transform == NAME:
        return None
    if isinstance(transform, list):
        out = _list_like(transform)
        for i, item in enumerate(transform):
            if item != NAME:
                _append(out, item, transform, i)
        return out or None
    return transform


__all__ = ["transform_language_extensions", "NAME", "FOREACH_PREFIX", "UNRESOLVED", "NO_VALUE"]
