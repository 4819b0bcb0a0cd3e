"""One pure function per intrinsic, registered by name in `FUNCTIONS`.

Each receives the evaluator, its raw (unevaluated) argument and the template path of the function
key, so it controls what it evaluates (Fn::If evaluates one branch only) and where errors point.
A function whose inputs are only known after deployment returns an `Unknown` holding the
residual expression, with everything known already folded in.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any, Callable

from stackengine.intrinsics.references import PSEUDO_PARAMETERS, SUB_VARIABLE
from stackengine.values import NO_VALUE, Unknown, as_string, contains_unknown, to_template

if TYPE_CHECKING:
    from stackengine.diagnostics import TemplatePath
    from stackengine.intrinsics.evaluate import Evaluator

Json = Any
Function = Callable[["Evaluator", Json, "TemplatePath"], Json]

MASK = "****"
CONDITION_FUNCTIONS = ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition")
RULE_FUNCTIONS = ("Fn::Contains", "Fn::EachMemberEquals", "Fn::EachMemberIn", "Fn::RefAll",
                  "Fn::ValueOf", "Fn::ValueOfAll")


def _scope_is(ev: Evaluator, *names: str) -> bool:
    return ev.scope.name in names


def _args(ev: Evaluator, arg: Json, path: TemplatePath, name: str, count: int | tuple[int, int],
          shape: str) -> list[Json] | None:
    low, high = (count, count) if isinstance(count, int) else count
    if not isinstance(arg, list) or not low <= len(arg) <= high:
        ev.error("E1001", f"{name} takes {shape}", path)
        return None
    return arg


def _string(ev: Evaluator, value: Json, path: TemplatePath, what: str) -> str | Unknown | None:
    """Evaluate `value` to a string (or an Unknown); report and return None otherwise."""
    resolved = ev.resolve(value, path)
    if isinstance(resolved, Unknown):
        return resolved
    text = as_string(resolved)
    if text is None:
        ev.error("E1001", f"{what} must be a string, not {_describe(resolved)}", path)
    return text


def _describe(value: Json) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "null"
    if value is NO_VALUE:
        return "AWS::NoValue"
    return type(value).__name__


# -- Ref / GetAtt -------------------------------------------------------------------------------

def fn_ref(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    if not isinstance(arg, str):
        if ev.ctx.language_extensions and isinstance(arg, dict):
            arg = ev.resolve(arg, path)
        if not isinstance(arg, str):
            return ev.error("E1020", "Ref takes the name of a parameter, resource or pseudo parameter "
                            "as a string", path, {"Ref": to_template(arg)})
    if arg in PSEUDO_PARAMETERS:
        return ev.ctx.stack.pseudo(arg)
    parameter = ev.ctx.parameters.get(arg)
    if parameter is not None:
        value = parameter.effective
        if parameter.no_echo and ev.ctx.mask_no_echo:
            return [MASK for _ in value] if isinstance(value, list) else MASK
        return list(value) if isinstance(value, list) else value
    if _scope_is(ev, "CONDITION", "RULE") and not arg.startswith("AWS::"):
        # Checked before the resource tables: those sections are evaluated before the resources
        # (which depend on the conditions) are known.
        return ev.error("E1020", f"{ev.scope.value} can refer only to parameters and pseudo "
                        f"parameters; {arg!r} is not a parameter", path, {"Ref": arg})
    if arg in ev.ctx.resources:
        return _resource_value(ev, arg, None, {"Ref": arg})
    if arg in ev.ctx.inactive_resources:
        return ev.error("E1020", f"Ref to {arg!r}, a resource that is not created because its "
                        f"condition {ev.ctx.inactive_resources[arg]!r} is false", path, {"Ref": arg})
    if arg.startswith("AWS::"):
        return ev.error("E1020", f"{arg!r} is not a pseudo parameter (known: "
                        f"{', '.join(sorted(PSEUDO_PARAMETERS))})", path, {"Ref": arg})
    return ev.error("E1020", f"Ref to {arg!r}, which is neither a parameter nor a resource of this "
                    "template", path, {"Ref": arg})


def _resource_value(ev: Evaluator, logical_id: str, attribute: str | None, expr: Json) -> Json:
    lookup = ev.ctx.resource_value
    if lookup is None:
        return Unknown(expr)
    try:
        return lookup(logical_id, attribute)
    except KeyError:
        return Unknown(expr)


def fn_getatt(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    if isinstance(arg, str) and "." in arg:
        arg = list(arg.split(".", 1))
    if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[0], str):
        return ev.error("E1010", "Fn::GetAtt takes [LogicalId, AttributeName] (or "
                        "LogicalId.AttributeName in the short form)", path,
                        {"Fn::GetAtt": to_template(arg)})
    resource, attribute = arg[0], arg[1]
    if not isinstance(attribute, str):
        attribute = _string(ev, attribute, path + (1,), "the Fn::GetAtt attribute name")
        if not isinstance(attribute, str):
            return Unknown({"Fn::GetAtt": [resource, to_template(arg[1])]})
    expr = {"Fn::GetAtt": [resource, attribute]}
    if _scope_is(ev, "CONDITION", "RULE"):
        return ev.error("E1010", f"{ev.scope.value} cannot use Fn::GetAtt", path, expr)
    if resource in ev.ctx.resources:
        return _resource_value(ev, resource, attribute, expr)
    if resource in ev.ctx.inactive_resources:
        return ev.error("E1010", f"Fn::GetAtt of {resource!r}, a resource that is not created because "
                        f"its condition {ev.ctx.inactive_resources[resource]!r} is false", path, expr)
    return ev.error("E1010", f"Fn::GetAtt refers to {resource!r}, which is not a resource of this "
                    "template", path, expr)


# -- Strings ------------------------------------------------------------------------------------

def fn_sub(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    variables: dict[str, Json] = {}
    if isinstance(arg, str):
        template, template_path = arg, path
    elif (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)
          and isinstance(arg[1], dict)):
        template, template_path = arg[0], path + (0,)
        for name, value in arg[1].items():
            resolved = ev.resolve(value, path + (1, name))
            variables[name] = resolved
    else:
        return ev.error("E1019", "Fn::Sub takes a string, or [string, {Name: value, ...}]", path,
                        {"Fn::Sub": to_template(arg)})

    residual_vars: dict[str, Json] = {}
    pieces: list[str] = []
    position = 0
    open_ended = False
    for match in SUB_VARIABLE.finditer(template):
        pieces.append(template[position:match.start()])
        position = match.end()
        name = match.group(1).strip()
        value = _sub_variable(ev, name, variables, template_path)
        if isinstance(value, Unknown):
            open_ended = True
            if name in variables:
                residual_vars[name] = to_template(value)
            pieces.append("${" + name + "}")
        else:
            pieces.append(_SubText(value))
    pieces.append(template[position:])
    if not open_ended:
        return "".join(_unescape(p) if not isinstance(p, _SubText) else str(p) for p in pieces)
    # Still open: known values are inlined (escaped, so they stay literal), the rest remain.
    text = "".join(str(p).replace("${", "${!") if isinstance(p, _SubText) else p for p in pieces)
    return Unknown({"Fn::Sub": [text, residual_vars] if residual_vars else text})


class _SubText(str):
    """A substituted value, kept apart from template text so escapes apply only to the latter."""


def _unescape(text: str) -> str:
    return text.replace("${!", "${")


def _sub_variable(ev: Evaluator, name: str, variables: dict[str, Json],
                  path: TemplatePath) -> Json:
    if name in variables:
        value = variables[name]
    elif name in PSEUDO_PARAMETERS or name in ev.ctx.parameters or "." not in name:
        value = fn_ref(ev, name, path)
    else:
        resource, _, attribute = name.partition(".")
        value = fn_getatt(ev, [resource, attribute], path)
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        ev.error("E1019", f"Fn::Sub variable ${{{name}}} is a list; Fn::Sub can insert only "
                 "strings (use Fn::Join to turn a list into one)", path)
        return Unknown({"Ref": name})
    text = as_string(value)
    if text is None:
        ev.error("E1019", f"Fn::Sub variable ${{{name}}} is {_describe(value)}, not a string", path)
        return Unknown({"Ref": name})
    return text


def fn_join(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    args = _args(ev, arg, path, "Fn::Join", 2, "[delimiter, [values...]]")
    if args is None:
        return Unknown({"Fn::Join": to_template(arg)})
    delimiter = ev.resolve(args[0], path + (0,))
    if not isinstance(delimiter, str):
        return ev.error("E1022", "the Fn::Join delimiter must be a string", path + (0,),
                        {"Fn::Join": to_template(arg)})
    items = ev.resolve(args[1], path + (1,))
    if isinstance(items, Unknown):
        return Unknown({"Fn::Join": [delimiter, items.expr]})
    if not isinstance(items, list):
        return ev.error("E1022", f"Fn::Join joins a list, not {_describe(items)}", path + (1,),
                        {"Fn::Join": to_template(arg)})
    texts: list[str] = []
    for index, item in enumerate(items):
        if isinstance(item, Unknown):
            return Unknown({"Fn::Join": [delimiter, to_template(items)]})
        text = as_string(item)
        if text is None:
            return ev.error("E1022", f"Fn::Join can join only strings; item {index} is "
                            f"{_describe(item)}", path + (1, index), {"Fn::Join": to_template(arg)})
        texts.append(text)
    return delimiter.join(texts)


def fn_split(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    args = _args(ev, arg, path, "Fn::Split", 2, "[delimiter, source string]")
    if args is None:
        return Unknown({"Fn::Split": to_template(arg)})
    delimiter = ev.resolve(args[0], path + (0,))
    if not isinstance(delimiter, str) or not delimiter:
        return ev.error("E1018", "the Fn::Split delimiter must be a non-empty string", path + (0,),
                        {"Fn::Split": to_template(arg)})
    source = _string(ev, args[1], path + (1,), "the Fn::Split source")
    if isinstance(source, Unknown):
        return Unknown({"Fn::Split": [delimiter, source.expr]})
    if source is None:
        return Unknown({"Fn::Split": to_template(arg)})
    return source.split(delimiter)


def fn_select(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    args = _args(ev, arg, path, "Fn::Select", 2, "[index, list]")
    if args is None:
        return Unknown({"Fn::Select": to_template(arg)})
    index = ev.resolve(args[0], path + (0,))
    if isinstance(index, Unknown):
        return Unknown({"Fn::Select": [index.expr, to_template(ev.resolve(args[1], path + (1,)))]})
    if isinstance(index, bool) or not (isinstance(index, int) or
                                       (isinstance(index, str) and index.strip().isdigit())):
        return ev.error("E1017", f"the Fn::Select index must be a whole number, not {index!r}",
                        path + (0,), {"Fn::Select": to_template(arg)})
    position = int(index)
    items = ev.resolve(args[1], path + (1,))
    if isinstance(items, Unknown):
        return Unknown({"Fn::Select": [position, items.expr]})
    if not isinstance(items, list):
        return ev.error("E1017", f"Fn::Select picks from a list, not {_describe(items)}", path + (1,),
                        {"Fn::Select": to_template(arg)})
    if not 0 <= position < len(items):
        return ev.error("E1017", f"Fn::Select index {position} is out of range for a list of "
                        f"{len(items)} item{'s' if len(items) != 1 else ''}", path + (0,),
                        {"Fn::Select": to_template(arg)})
    return items[position]


def fn_base64(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    text = _string(ev, arg, path, "the Fn::Base64 value")
    if isinstance(text, Unknown):
        return Unknown({"Fn::Base64": text.expr})
    if text is None:
        return Unknown({"Fn::Base64": to_template(arg)})
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def fn_getazs(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    from stackengine.regions import availability_zones

    region = ev.resolve(arg, path) if arg is not None else ""
    if isinstance(region, Unknown):
        return Unknown({"Fn::GetAZs": region.expr})
    if region is None:
        region = ""
    if not isinstance(region, str):
        return ev.error("E1015", "Fn::GetAZs takes a region name, or '' for the stack's region",
                        path, {"Fn::GetAZs": to_template(arg)})
    return list(availability_zones(region or ev.ctx.stack.region))


def fn_cidr(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    from stackengine.intrinsics.cidr import cidr

    args = _args(ev, arg, path, "Fn::Cidr", 3, "[ipBlock, count, cidrBits]")
    if args is None:
        return Unknown({"Fn::Cidr": to_template(arg)})
    values = [ev.resolve(item, path + (i,)) for i, item in enumerate(args)]
    if any(contains_unknown(v) for v in values):
        return Unknown({"Fn::Cidr": to_template(values)})
    block, count, bits = values
    numbers = []
    for i, number in ((1, count), (2, bits)):
        text = as_string(number)
        if isinstance(number, bool) or text is None or not text.isdigit():
            return ev.error("E1024", f"Fn::Cidr {('count', 'cidrBits')[i - 1]} must be a whole number, "
                            f"not {number!r}", path + (i,), {"Fn::Cidr": to_template(arg)})
        numbers.append(int(text))
    if not isinstance(block, str):
        return ev.error("E1024", "the Fn::Cidr ipBlock must be a CIDR string", path + (0,),
                        {"Fn::Cidr": to_template(arg)})
    try:
        return cidr(block, numbers[0], numbers[1])
    except ValueError as exc:
        return ev.error("E1024", f"Fn::Cidr: {exc}", path, {"Fn::Cidr": to_template(arg)})


# -- Mappings, imports --------------------------------------------------------------------------

def fn_findinmap(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    if not isinstance(arg, list) or len(arg) not in (3, 4):
        return ev.error("E1011", "Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]", path,
                        {"Fn::FindInMap": to_template(arg)})
    default: Json = _MISSING
    if len(arg) == 4:
        option = arg[3]
        if not (isinstance(option, dict) and set(option) == {"DefaultValue"}):
            return ev.error("E1011", "the fourth Fn::FindInMap argument must be {DefaultValue: ...}",
                            path + (3,), {"Fn::FindInMap": to_template(arg)})
        if not ev.ctx.language_extensions:
            return ev.error("E1011", "Fn::FindInMap with DefaultValue needs "
                            "'Transform: AWS::LanguageExtensions'", path + (3,),
                            {"Fn::FindInMap": to_template(arg)})
        default = option["DefaultValue"]
    keys = []
    for index in range(3):
        key = _string(ev, arg[index], path + (index,), "a Fn::FindInMap key")
        if isinstance(key, Unknown):
            return Unknown({"Fn::FindInMap": to_template(arg)})
        if key is None:
            return Unknown({"Fn::FindInMap": to_template(arg)})
        keys.append(key)
    name, top, second = keys
    mapping = ev.ctx.mappings.get(name)
    if not isinstance(mapping, dict):
        if default is not _MISSING:
            return ev.resolve(default, path + (3, "DefaultValue"))
        return ev.error("E1011", f"Fn::FindInMap: there is no mapping {name!r} in Mappings", path + (0,),
                        {"Fn::FindInMap": keys})
    level = mapping.get(top)
    if not isinstance(level, dict) or second not in level:
        if default is not _MISSING:
            return ev.resolve(default, path + (3, "DefaultValue"))
        missing = f"key {top!r}" if not isinstance(level, dict) else f"key {second!r} under {top!r}"
        return ev.error("E1011", f"Fn::FindInMap: mapping {name!r} has no {missing}",
                        path + ((1,) if not isinstance(level, dict) else (2,)), {"Fn::FindInMap": keys})
    value = level[second]
    return list(value) if isinstance(value, list) else value


_MISSING = object()


def fn_importvalue(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    name = ev.resolve(arg, path)
    if isinstance(name, Unknown) or contains_unknown(name):
        return ev.error("E1016", "Fn::ImportValue cannot depend on a resource (its name must be "
                        "known before the stack is deployed)", path, {"Fn::ImportValue": to_template(arg)})
    if not isinstance(name, str):
        return ev.error("E1016", "Fn::ImportValue takes the export's name as a string", path,
                        {"Fn::ImportValue": to_template(arg)})
    lookup = ev.ctx.import_value
    if lookup is None:
        return Unknown({"Fn::ImportValue": name})
    try:
        return lookup(name)
    except KeyError:
        return ev.error("E1016", f"no stack exports {name!r} in this account and region", path,
                        {"Fn::ImportValue": name})


def fn_getstackoutput(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    if not isinstance(arg, dict) or not {"StackName", "OutputName"} <= set(arg) or \
            not set(arg) <= {"StackName", "OutputName", "Region", "RoleArn"}:
        return ev.error("E1016", "Fn::GetStackOutput takes {StackName, OutputName[, Region][, RoleArn]}",
                        path, {"Fn::GetStackOutput": to_template(arg)})
    values = {key: ev.resolve(value, path + (key,)) for key, value in arg.items()}
    if contains_unknown(values):
        return ev.error("E1016", "Fn::GetStackOutput cannot depend on a resource", path,
                        {"Fn::GetStackOutput": to_template(values)})
    region = values.get("Region")
    if isinstance(region, str) and region:
        from stackengine.regions import partition_for_region

        if partition_for_region(region) != ev.ctx.stack.partition:
            return ev.error("E1016", f"Fn::GetStackOutput does not support cross-partition references: "
                            f"{region!r} is in partition {partition_for_region(region)!r}, this stack in "
                            f"{ev.ctx.stack.partition!r}", path + ("Region",),
                            {"Fn::GetStackOutput": values})
    lookup = ev.ctx.stack_output
    if lookup is None:
        return Unknown({"Fn::GetStackOutput": values})
    try:
        return lookup(str(values["StackName"]), str(values["OutputName"]),
                      str(values["Region"]) if "Region" in values else None)
    except KeyError:
        return ev.error("E1016", f"stack {values['StackName']!r} has no output "
                        f"{values['OutputName']!r}", path, {"Fn::GetStackOutput": values})


# -- Conditions ---------------------------------------------------------------------------------

def fn_if(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    if _scope_is(ev, "CONDITION"):
        return ev.error("E1028", "Fn::If cannot be used in the Conditions section", path)
    args = _args(ev, arg, path, "Fn::If", 3, "[ConditionName, value if true, value if false]")
    if args is None:
        return Unknown({"Fn::If": to_template(arg)})
    chosen = ev.condition(args[0], path + (0,))
    if chosen is None:
        return Unknown({"Fn::If": to_template(arg)})
    branch = 1 if chosen else 2
    return ev.resolve(args[branch], path + (branch,))


def _condition_only(name: str) -> Callable[[Evaluator, TemplatePath], Unknown | None]:
    def check(ev: Evaluator, path: TemplatePath) -> Unknown | None:
        if _scope_is(ev, "CONDITION", "RULE"):
            return None
        return ev.error("E1028", f"{name} can be used only in the Conditions and Rules sections "
                        "(use Fn::If with a named condition elsewhere)", path)
    return check


def _truth(ev: Evaluator, value: Json, path: TemplatePath) -> bool | None:
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in CONDITION_FUNCTIONS:
        result = ev.resolve(value, path)
        return result if isinstance(result, bool) else None
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in RULE_FUNCTIONS and \
            _scope_is(ev, "RULE"):
        result = ev.resolve(value, path)
        return result if isinstance(result, bool) else None
    ev.error("E1028", "expected a condition (Fn::Equals, Fn::And, Fn::Or, Fn::Not or "
             "{Condition: Name})", path)
    return None


def fn_equals(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    if (bad := _condition_only("Fn::Equals")(ev, path)) is not None:
        return bad
    args = _args(ev, arg, path, "Fn::Equals", 2, "a list of two values to compare")
    if args is None:
        return Unknown(None)
    left, right = (ev.resolve(args[i], path + (i,)) for i in range(2))
    if contains_unknown(left) or contains_unknown(right):
        return Unknown({"Fn::Equals": to_template([left, right])})
    return _comparable(left) == _comparable(right)


def _comparable(value: Json) -> Json:
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    text = as_string(value)
    return text if text is not None else value


def _logical(name: str, combine: Callable[[list[bool]], bool]) -> Function:
    def function(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
        if (bad := _condition_only(name)(ev, path)) is not None:
            return bad
        args = _args(ev, arg, path, name, (2, 10), "a list of 2 to 10 conditions")
        if args is None:
            return Unknown(None)
        values = [_truth(ev, item, path + (i,)) for i, item in enumerate(args)]
        if any(v is None for v in values):
            return Unknown(None)
        return combine([bool(v) for v in values])
    return function


def fn_not(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    if (bad := _condition_only("Fn::Not")(ev, path)) is not None:
        return bad
    args = _args(ev, arg, path, "Fn::Not", 1, "a list of exactly one condition")
    if args is None:
        return Unknown(None)
    value = _truth(ev, args[0], path + (0,))
    return Unknown(None) if value is None else not value


def fn_condition(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    if (bad := _condition_only("Condition")(ev, path)) is not None:
        return bad
    value = ev.condition(arg, path)
    return Unknown(None) if value is None else value


# -- Language extensions ------------------------------------------------------------------------

def _needs_language_extensions(ev: Evaluator, name: str, path: TemplatePath, arg: Json) -> Unknown | None:
    if ev.ctx.language_extensions:
        return None
    return ev.error("E1030", f"{name} needs 'Transform: AWS::LanguageExtensions'", path,
                    {name: to_template(arg)})


def fn_length(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    if (bad := _needs_language_extensions(ev, "Fn::Length", path, arg)) is not None:
        return bad
    items = ev.resolve(arg, path)
    if isinstance(items, Unknown):
        return Unknown({"Fn::Length": items.expr})
    if not isinstance(items, list):
        return ev.error("E1030", f"Fn::Length counts a list, not {_describe(items)}", path,
                        {"Fn::Length": to_template(arg)})
    return len(items)


def fn_tojsonstring(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    if (bad := _needs_language_extensions(ev, "Fn::ToJsonString", path, arg)) is not None:
        return bad
    value = ev.resolve(arg, path)
    if contains_unknown(value):
        return Unknown({"Fn::ToJsonString": to_template(value)})
    if not isinstance(value, (dict, list)):
        return ev.error("E1031", "Fn::ToJsonString converts a mapping or a list", path,
                        {"Fn::ToJsonString": to_template(arg)})
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def fn_transform(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
    name = arg.get("Name") if isinstance(arg, dict) else None
    return ev.error("E1032", f"Fn::Transform {name or ''} was not expanded: only AWS::Include runs "
                    "offline; macros defined in an account cannot", path, {"Fn::Transform": arg})


# -- Rules --------------------------------------------------------------------------------------

def _rule_only(name: str) -> Callable[[Evaluator, TemplatePath], Unknown | None]:
    def check(ev: Evaluator, path: TemplatePath) -> Unknown | None:
        if _scope_is(ev, "RULE"):
            return None
        return ev.error("E1029", f"{name} can be used only in the Rules section", path)
    return check


def _string_list(value: Json) -> list[str] | None:
    if isinstance(value, list):
        texts = [as_string(v) for v in value]
        return None if any(t is None for t in texts) else [t for t in texts if t is not None]
    text = as_string(value)
    return None if text is None else [text]


def _rule_pair(name: str, test: Callable[[list[str], list[str]], bool]) -> Function:
    def function(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
        if (bad := _rule_only(name)(ev, path)) is not None:
            return bad
        args = _args(ev, arg, path, name, 2, "a list of two arguments")
        if args is None:
            return Unknown(None)
        left, right = (ev.resolve(args[i], path + (i,)) for i in range(2))
        if contains_unknown(left) or contains_unknown(right):
            return Unknown({name: to_template([left, right])})
        left_list, right_list = _string_list(left), _string_list(right)
        if left_list is None or right_list is None:
            return ev.error("E1029", f"{name} compares strings and lists of strings", path)
        return test(left_list, right_list)
    return function


def _rule_offline(name: str) -> Function:
    """Functions that read the account (all VPC IDs, a VPC's tags ...): unknown offline, so the
    assertions that use them are skipped with a note rather than guessed."""

    def function(ev: Evaluator, arg: Json, path: TemplatePath) -> Json:
        if (bad := _rule_only(name)(ev, path)) is not None:
            return bad
        return Unknown({name: to_template(ev.resolve(arg, path))})
    return function


FUNCTIONS: dict[str, Function] = {
    "Ref": fn_ref,
    "Fn::GetAtt": fn_getatt,
    "Fn::Sub": fn_sub,
    "Fn::Join": fn_join,
    "Fn::Split": fn_split,
    "Fn::Select": fn_select,
    "Fn::Base64": fn_base64,
    "Fn::GetAZs": fn_getazs,
    "Fn::Cidr": fn_cidr,
    "Fn::FindInMap": fn_findinmap,
    "Fn::ImportValue": fn_importvalue,
    "Fn::GetStackOutput": fn_getstackoutput,
    "Fn::If": fn_if,
    "Fn::Equals": fn_equals,
    "Fn::And": _logical("Fn::And", all),
    "Fn::Or": _logical("Fn::Or", any),
    "Fn::Not": fn_not,
    "Condition": fn_condition,
    "Fn::Length": fn_length,
    "Fn::ToJsonString": fn_tojsonstring,
    "Fn::Transform": fn_transform,
    "Fn::Contains": _rule_pair("Fn::Contains", lambda items, value: value[0] in items if len(value) == 1
                               else False),
    "Fn::EachMemberEquals": _rule_pair("Fn::EachMemberEquals",
                                       lambda items, value: all(i == value[0] for i in items)
                                       if len(value) == 1 else False),
    "Fn::EachMemberIn": _rule_pair("Fn::EachMemberIn", lambda items, allowed: set(items) <= set(allowed)),
    "Fn::RefAll": _rule_offline("Fn::RefAll"),
    "Fn::ValueOf": _rule_offline("Fn::ValueOf"),
    "Fn::ValueOfAll": _rule_offline("Fn::ValueOfAll"),
}
