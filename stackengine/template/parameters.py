"""Template parameters: where their values come from, their types, and their constraints.

Values come from `--parameter-overrides` (`parse_overrides`), a parameters file
(`load_parameters_file`) and the template's `Default`s; `resolve_parameters` checks every declared
parameter against its `Type`, `AllowedValues`, `AllowedPattern`, `MinLength`/`MaxLength` and
`MinValue`/`MaxValue` and reports every problem of every parameter at once.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from stackengine.diagnostics import Diagnostic, PathPart, Severity, Span, UsageError
from stackengine.template.marks import span_at
from stackengine.template.model import ParameterValue

MASK = "****"

MAX_PARAMETERS = 200
MAX_NAME_LENGTH = 255
MAX_VALUE_BYTES = 4096
MAX_DESCRIPTION_LENGTH = 4000

# Diagnostic codes of this module.
E_UNKNOWN_TYPE = "E2001"
E_DEFINITION = "E2002"
E_MISSING = "E2003"
E_BAD_VALUE = "E2004"
E_CONSTRAINT = "E2005"
E_SSM = "E2006"
E_LIMIT = "E2007"
W_UNDECLARED = "W2001"

SsmLookup = Callable[[str], str | None]
"""Reads an SSM parameter: its value (StringList values comma-joined), or None if it does not exist."""

# ---------------------------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------------------------

# The AWS-specific parameter types and the format of their values. CloudFormation also checks that
# the resource exists in the account; only the format can be checked without one. `None` = any
# string (names chosen by the user).
_HEX_ID = r"[0-9a-f]{8}(?:[0-9a-f]{9})?"  # EC2 IDs have 8 hex digits (old) or 17 (current)
AWS_SPECIFIC_TYPES: dict[str, re.Pattern[str] | None] = {
    "AWS::EC2::AvailabilityZone::Name": re.compile(r"[a-z]{2}(?:-[a-z0-9]+)+-\d+[a-z]"),
    "AWS::EC2::Image::Id": re.compile(r"ami-" + _HEX_ID),
    "AWS::EC2::Instance::Id": re.compile(r"i-" + _HEX_ID),
    "AWS::EC2::KeyPair::KeyName": None,
    "AWS::EC2::SecurityGroup::GroupName": None,
    "AWS::EC2::SecurityGroup::Id": re.compile(r"sg-" + _HEX_ID),
    "AWS::EC2::Subnet::Id": re.compile(r"subnet-" + _HEX_ID),
    "AWS::EC2::Volume::Id": re.compile(r"vol-" + _HEX_ID),
    "AWS::EC2::VPC::Id": re.compile(r"vpc-" + _HEX_ID),
    "AWS::Route53::HostedZone::Id": re.compile(r"[A-Z0-9]{1,32}"),
}
# The documentation lists a `List<…>` form for every AWS-specific type except key pair names.
_LISTABLE_AWS_TYPES = tuple(t for t in AWS_SPECIFIC_TYPES if t != "AWS::EC2::KeyPair::KeyName")

# What each value looks like when it is given in an example of an error message.
_EXAMPLES: dict[str, str] = {
    "Number": "42 or 3.5",
    "AWS::EC2::AvailabilityZone::Name": "us-east-1a",
    "AWS::EC2::Image::Id": "ami-0ff8a91507f77f867",
    "AWS::EC2::Instance::Id": "i-1e731a32",
    "AWS::EC2::SecurityGroup::Id": "sg-a123fd85",
    "AWS::EC2::Subnet::Id": "subnet-123a351e",
    "AWS::EC2::Volume::Id": "vol-3cdd3f56",
    "AWS::EC2::VPC::Id": "vpc-a123baa3",
    "AWS::Route53::HostedZone::Id": "Z23YXV4OVPL04A",
}

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class ParameterType:
    """A parameter `Type`: what each member must look like and whether Ref gives a list.

    `element` is `String`, `Number` or an AWS-specific type name. With `ssm`, the value given is
    the name of an SSM parameter, and the member checks apply to the SSM parameter's value.
    """

    name: str
    element: str
    is_list: bool = False
    ssm: bool = False


def _build_types() -> dict[str, ParameterType]:
    types = [
        ParameterType("String", "String"),
        ParameterType("Number", "Number"),
        ParameterType("List<Number>", "Number", is_list=True),
        ParameterType("CommaDelimitedList", "String", is_list=True),
        ParameterType("AWS::SSM::Parameter::Name", "String"),
        # Not in the type table of the documentation, but accepted by CloudFormation and produced by
        # the SAM translator (cfn-lint lists it too): refusing it would reject deployable templates.
        ParameterType("List<String>", "String", is_list=True),
    ]
    types += [ParameterType(t, t) for t in AWS_SPECIFIC_TYPES]
    types += [ParameterType(f"List<{t}>", t, is_list=True) for t in _LISTABLE_AWS_TYPES]
    ssm_values = [
        ("String", "String", False),
        ("List<String>", "String", True),
        ("CommaDelimitedList", "String", True),
        # Accepted by CloudFormation though not in the documentation's list (as above).
        ("Number", "Number", False),
        ("List<Number>", "Number", True),
        ("AWS::SSM::Parameter::Name", "String", False),
        *((t, t, False) for t in AWS_SPECIFIC_TYPES),
        *((f"List<{t}>", t, True) for t in _LISTABLE_AWS_TYPES),
    ]
    types += [ParameterType(f"AWS::SSM::Parameter::Value<{inner}>", element, is_list, ssm=True)
              for inner, element, is_list in ssm_values]
    return {t.name: t for t in types}


PARAMETER_TYPES: dict[str, ParameterType] = _build_types()

# ---------------------------------------------------------------------------------------------
# Where values come from: --parameter-overrides and --parameters-file
# ---------------------------------------------------------------------------------------------

_SHORTHAND = re.compile(r"ParameterKey=(?P<key>[^,]*),(?P<rest>.*)", re.DOTALL)


def parse_overrides(items: Sequence[str]) -> dict[str, str]:
    """`--parameter-overrides` values, as `aws cloudformation deploy` reads them.

    Each item is `Key=Value`, split at the first `=` (so the value may hold `=` and commas); the
    shorthand `ParameterKey=K,ParameterValue=V` of `create-stack --parameters` is accepted too, and
    `file://PATH` reads a parameters file. Later items win over earlier ones.
    """
    result: dict[str, str] = {}
    for item in items:
        if item.startswith("file://"):
            result.update(load_parameters_file(item[len("file://"):]))
            continue
        key, value = _parse_override(item)
        result[key] = value
    return result


def _parse_override(item: str) -> tuple[str, str]:
    shorthand = _SHORTHAND.fullmatch(item)
    if shorthand:
        return _parse_shorthand(item, shorthand.group("key"), shorthand.group("rest"))
    key, sep, value = item.partition("=")
    if not sep:
        raise UsageError(f"--parameter-overrides: {item!r} is not of the form Key=Value "
                         "(for example InstanceType=t3.micro)")
    if not key:
        raise UsageError(f"--parameter-overrides: {item!r} has no parameter name before '='")
    return key, value


def _parse_shorthand(item: str, key: str, rest: str) -> tuple[str, str]:
    if not key:
        raise UsageError(f"--parameter-overrides: {item!r} has an empty ParameterKey")
    if rest.startswith("ParameterValue="):
        return key, rest[len("ParameterValue="):]
    if rest.startswith("UsePreviousValue="):
        raise UsageError(f"--parameter-overrides: {item!r} uses UsePreviousValue; leave the "
                         "parameter out instead to keep its current value")
    raise UsageError(f"--parameter-overrides: {item!r} is not of the form "
                     "ParameterKey=KEY,ParameterValue=VALUE")


_LIST_ENTRY_KEYS = {"ParameterKey", "ParameterValue", "UsePreviousValue", "ResolvedValue"}
# Other sections of a CodePipeline template configuration file; they are not parameters.
_CONFIGURATION_SECTIONS = {"Parameters", "Tags", "StackPolicy"}


def load_parameters_file(path: str) -> dict[str, str]:
    """A `--parameters-file`: the CloudFormation list `[{"ParameterKey": …, "ParameterValue": …}]`
    or a CodePipeline template configuration `{"Parameters": {"Key": "Value"}}`."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        raise UsageError(f"parameters file {path}: the file is not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"cannot read parameters file {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"parameters file {path} is not valid JSON: {exc.msg} "
                         f"(line {exc.lineno}, column {exc.colno})") from None
    if isinstance(data, list):
        return _from_parameter_list(path, data)
    if isinstance(data, dict) and "Parameters" in data:
        return _from_configuration(path, data)
    raise UsageError(f"parameters file {path} must hold either a list of "
                     '{"ParameterKey": ..., "ParameterValue": ...} objects or an object '
                     '{"Parameters": {"Key": "Value", ...}}')


def _from_parameter_list(path: str, entries: list[Any]) -> dict[str, str]:
    result: dict[str, str] = {}
    for index, entry in enumerate(entries):
        where = f"parameters file {path}, entry {index + 1}"
        if not isinstance(entry, dict):
            raise UsageError(f"{where}: expected an object with ParameterKey and ParameterValue")
        unknown = sorted(set(entry) - _LIST_ENTRY_KEYS)
        if unknown:
            raise UsageError(f"{where}: unknown key{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(unknown)} (expected ParameterKey and ParameterValue)")
        key = entry.get("ParameterKey")
        if not isinstance(key, str) or not key:
            raise UsageError(f"{where}: ParameterKey is missing or not a string")
        if entry.get("UsePreviousValue") in (True, "true", "True"):
            raise UsageError(f"{where}: parameter {key} uses UsePreviousValue, which a parameters "
                             "file cannot use here; leave the entry out to keep the parameter's "
                             "current value or Default")
        if "ParameterValue" not in entry:
            raise UsageError(f"{where}: parameter {key} has no ParameterValue")
        if key in result:
            raise UsageError(f"{where}: parameter {key} is given more than once")
        result[key] = _stringify(entry["ParameterValue"], f"{where} ({key})")
    return result


def _from_configuration(path: str, data: dict[str, Any]) -> dict[str, str]:
    unknown = sorted(set(data) - _CONFIGURATION_SECTIONS)
    if unknown:
        raise UsageError(f"parameters file {path}: unknown section{'s' if len(unknown) > 1 else ''} "
                         f"{', '.join(unknown)} (a template configuration file has Parameters, "
                         "Tags and StackPolicy)")
    parameters = data["Parameters"]
    if not isinstance(parameters, dict):
        raise UsageError(f"parameters file {path}: Parameters must be an object of "
                         '"Key": "Value" pairs')
    return {str(key): _stringify(value, f"parameters file {path} ({key})")
            for key, value in parameters.items()}


def _stringify(value: Any, where: str) -> str:
    """A JSON value as the string CloudFormation receives: numbers as written, booleans in JSON
    spelling, lists comma-joined (what a CommaDelimitedList or List<…> parameter takes)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list) and all(not isinstance(v, (list, dict)) for v in value):
        return ",".join(_stringify(v, where) for v in value)
    if value is None:
        return ""
    raise UsageError(f"{where}: a parameter value must be a string, number or list, not "
                     f"{type(value).__name__ if not isinstance(value, dict) else 'an object'}")


def mask(value: Any, no_echo: bool) -> Any:
    """What may be shown of a value: `****` for a NoEcho parameter."""
    return MASK if no_echo else value


# ---------------------------------------------------------------------------------------------
# Resolving declared parameters
# ---------------------------------------------------------------------------------------------

_DEFINITION_KEYS = ("AllowedPattern", "AllowedValues", "ConstraintDescription", "Default",
                    "Description", "MaxLength", "MaxValue", "MinLength", "MinValue", "NoEcho", "Type")


@dataclass(frozen=True)
class _Definition:
    """One declared parameter, its attributes checked and normalised."""

    name: str
    type: ParameterType
    default: str | None
    allowed_values: tuple[str, ...] | None
    allowed_pattern: re.Pattern[str] | None
    pattern_text: str | None
    min_length: int | None
    max_length: int | None
    min_value: float | None
    max_value: float | None
    constraint_description: str | None
    no_echo: bool


class _Reporter:
    """Builds diagnostics with the template path and, when marks are there, a file position."""

    def __init__(self, declared: Any, file: str | None) -> None:
        self.declared = declared
        self.file = file
        self.items: list[Diagnostic] = []

    def span(self, sub: Sequence[PathPart], *, key: bool = False) -> Span | None:
        if self.file is None:
            return None
        return span_at(self.file, self.declared, tuple(sub), key=key)

    def add(self, code: str, message: str, name: str, *attribute: PathPart,
            severity: Severity = Severity.ERROR, at_key: bool = False) -> None:
        sub = (name, *attribute)
        # Without an attribute the problem is the parameter as a whole: point at its name.
        key = at_key or not attribute
        self.items.append(Diagnostic(code, message, ("Parameters", *sub),
                                     self.span(sub, key=key), severity))

    @property
    def count(self) -> int:
        return len(self.items)


def resolve_parameters(
    declared: Mapping[str, Any] | None,
    given: Mapping[str, str],
    *,
    ssm_lookup: SsmLookup | None = None,
    file: str | None = None,
) -> tuple[dict[str, ParameterValue], list[Diagnostic]]:
    """The value of every declared parameter, and every problem found.

    `declared` is the template's `Parameters` section (marked, when it came from a file: then
    `file` names that file and diagnostics carry positions). `given` holds the values from the
    command line and parameters files; they win over `Default`. A parameter with a problem is left
    out of the result; the diagnostics say why.
    """
    report = _Reporter(declared, file)
    if declared is None:
        declared = {}
    if not isinstance(declared, Mapping):
        report.items.append(Diagnostic(E_DEFINITION, "the Parameters section must be a mapping of "
                                       "parameter names to their definitions", ("Parameters",),
                                       report.span(())))
        return {}, report.items
    if len(declared) > MAX_PARAMETERS:
        report.items.append(Diagnostic(E_LIMIT, f"the template declares {len(declared)} parameters; "
                                       f"CloudFormation allows at most {MAX_PARAMETERS}",
                                       ("Parameters",), report.span(())))
    values: dict[str, ParameterValue] = {}
    for name, spec in declared.items():
        value = _resolve_one(str(name), spec, given, ssm_lookup, report)
        if value is not None:
            values[value.name] = value
    for name in given:
        if name not in declared:
            report.add(W_UNDECLARED, f"a value was given for parameter '{name}', which the template "
                       "does not declare; it is ignored, as aws cloudformation deploy ignores it",
                       name, severity=Severity.WARNING)
    return values, report.items


def _resolve_one(name: str, spec: Any, given: Mapping[str, str], ssm_lookup: SsmLookup | None,
                 report: _Reporter) -> ParameterValue | None:
    before = report.count
    _check_name(name, report)
    definition = _read_definition(name, spec, report)
    if definition is None or report.count > before:
        return None
    # `at` is where a problem with the value points: the Default, or the parameter as a whole.
    at: tuple[PathPart, ...]
    if name in given:
        raw, at = _stringify_given(given[name]), ()
    elif definition.default is not None:
        raw, at = definition.default, ("Default",)
    else:
        report.add(E_MISSING, f"parameter '{name}' has no value: it has no Default and none was "
                   f"given (pass it with --parameter-overrides {name}=VALUE)", name, at_key=True)
        return None
    value = _check_value(definition, raw, report, at)
    if value is None or report.count > before:
        return None
    resolved = _lookup_ssm(definition, raw, ssm_lookup, report, at) if definition.type.ssm else None
    if report.count > before:
        return None
    return ParameterValue(name, definition.type.name, value, definition.no_echo, resolved)


def _stringify_given(value: Any) -> str:
    if isinstance(value, str):
        return value
    return _stringify(value, "parameter value")


def _check_name(name: str, report: _Reporter) -> None:
    if not _NAME.fullmatch(name):
        report.add(E_LIMIT, f"parameter name '{name}' must contain only letters and digits "
                   "(A-Z, a-z, 0-9)", name, at_key=True)
    elif len(name) > MAX_NAME_LENGTH:
        report.add(E_LIMIT, f"parameter name '{name[:40]}…' is {len(name)} characters long; "
                   f"CloudFormation allows at most {MAX_NAME_LENGTH}", name, at_key=True)


# ----- reading one definition ----------------------------------------------------------------


def _read_definition(name: str, spec: Any, report: _Reporter) -> _Definition | None:
    if not isinstance(spec, Mapping):
        report.add(E_DEFINITION, f"parameter '{name}' must be a mapping with at least a Type", name)
        return None
    for key in spec:
        if key not in _DEFINITION_KEYS:
            hint = _did_you_mean(str(key), _DEFINITION_KEYS)
            report.add(E_DEFINITION, f"parameter '{name}' has an unknown attribute '{key}'{hint}",
                       name, str(key), at_key=True)
    ptype = _read_type(name, spec, report)
    pattern_text, pattern = _read_pattern(name, spec, report)
    definition = _Definition(
        name=name,
        type=ptype or PARAMETER_TYPES["String"],
        default=_read_scalar(name, spec, "Default", report),
        allowed_values=_read_allowed_values(name, spec, report),
        allowed_pattern=pattern,
        pattern_text=pattern_text,
        min_length=_read_number(name, spec, "MinLength", report, integer=True),
        max_length=_read_number(name, spec, "MaxLength", report, integer=True),
        min_value=_read_number(name, spec, "MinValue", report),
        max_value=_read_number(name, spec, "MaxValue", report),
        constraint_description=_read_scalar(name, spec, "ConstraintDescription", report),
        no_echo=_read_no_echo(name, spec, report),
    )
    description = spec.get("Description")
    if isinstance(description, str) and len(description) > MAX_DESCRIPTION_LENGTH:
        report.add(E_DEFINITION, f"parameter '{name}' has a Description of {len(description)} "
                   f"characters; CloudFormation allows at most {MAX_DESCRIPTION_LENGTH}",
                   name, "Description")
    _check_ranges(definition, report)
    if ptype is not None and definition.default is not None:
        # A Default must be a value of the parameter's type even when a value is given instead.
        _convert(definition, definition.default, report, ("Default",))
    return definition if ptype is not None else None


def _read_type(name: str, spec: Mapping[str, Any], report: _Reporter) -> ParameterType | None:
    if "Type" not in spec:
        report.add(E_DEFINITION, f"parameter '{name}' has no Type (for example String, Number or "
                   "CommaDelimitedList)", name, at_key=True)
        return None
    type_name = spec["Type"]
    if not isinstance(type_name, str):
        report.add(E_DEFINITION, f"parameter '{name}': Type must be a type name such as String, not "
                   f"{type_name!r}", name, "Type")
        return None
    ptype = PARAMETER_TYPES.get(type_name)
    if ptype is None:
        hint = _did_you_mean(str(type_name), PARAMETER_TYPES)
        report.add(E_UNKNOWN_TYPE, f"parameter '{name}' has an unknown Type '{type_name}'{hint}",
                   name, "Type")
    return ptype


def _read_scalar(name: str, spec: Mapping[str, Any], key: str, report: _Reporter) -> str | None:
    """A string attribute; YAML numbers and booleans (`Default: 8080`) are taken as written."""
    if key not in spec or spec[key] is None:
        return None
    value = spec[key]
    if isinstance(value, (list, dict)):
        report.add(E_DEFINITION, f"parameter '{name}': {key} must be a string, not a "
                   f"{'list' if isinstance(value, list) else 'mapping'}", name, key)
        return None
    return _scalar_text(value)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _read_allowed_values(name: str, spec: Mapping[str, Any], report: _Reporter) -> tuple[str, ...] | None:
    if "AllowedValues" not in spec:
        return None
    values = spec["AllowedValues"]
    if not isinstance(values, list) or any(isinstance(v, (list, dict)) or v is None for v in values):
        report.add(E_DEFINITION, f"parameter '{name}': AllowedValues must be a list of strings",
                   name, "AllowedValues")
        return None
    return tuple(_scalar_text(v) for v in values)


def _read_pattern(name: str, spec: Mapping[str, Any],
                  report: _Reporter) -> tuple[str | None, re.Pattern[str] | None]:
    if "AllowedPattern" not in spec:
        return None, None
    text = spec["AllowedPattern"]
    if not isinstance(text, str):
        report.add(E_DEFINITION, f"parameter '{name}': AllowedPattern must be a string",
                   name, "AllowedPattern")
        return None, None
    try:
        return text, compile_java_regex(text)
    except re.error as exc:
        report.add(E_DEFINITION, f"parameter '{name}': AllowedPattern {text!r} is not a valid "
                   f"regular expression ({exc})", name, "AllowedPattern")
        return None, None


# In Java (CloudFormation's regex dialect) a '-' next to a class escape inside [...] is a literal:
# `[\w-\+]` is word characters, '-' and '+'. Python refuses it as a bad range.
_JAVA_CLASS_DASH = re.compile(r"(\\[wdsWDS])-|-(?=\\[wdsWDS])")


def compile_java_regex(text: str) -> re.Pattern[str]:
    try:
        return re.compile(text)
    except re.error:
        fixed = _JAVA_CLASS_DASH.sub(lambda m: (m.group(1) or "") + r"\-", text)
        if fixed == text:
            raise
        return re.compile(fixed)


def _read_number(name: str, spec: Mapping[str, Any], key: str, report: _Reporter, *,
                 integer: bool = False) -> Any:
    if key not in spec:
        return None
    raw = spec[key]
    number = _parse_number(raw) if isinstance(raw, (str, int, float)) and not isinstance(raw, bool) else None
    if number is None or not math.isfinite(number) or (integer and (number != int(number) or number < 0)):
        wanted = "a whole number not less than 0" if integer else "a number"
        report.add(E_DEFINITION, f"parameter '{name}': {key} must be {wanted}, not {raw!r}", name, key)
        return None
    return int(number) if integer else number


def _parse_number(raw: str | int | float) -> float | None:
    if isinstance(raw, (int, float)):
        return float(raw)
    text = raw.strip()
    return float(text) if _NUMBER.fullmatch(text) else None


def _read_no_echo(name: str, spec: Mapping[str, Any], report: _Reporter) -> bool:
    raw = spec.get("NoEcho", False)
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    report.add(E_DEFINITION, f"parameter '{name}': NoEcho must be true or false, not {raw!r}",
               name, "NoEcho")
    return False


def _check_ranges(definition: _Definition, report: _Reporter) -> None:
    pairs = (("MinLength", definition.min_length, "MaxLength", definition.max_length),
             ("MinValue", definition.min_value, "MaxValue", definition.max_value))
    for low_key, low, high_key, high in pairs:
        if low is not None and high is not None and low > high:
            report.add(E_DEFINITION, f"parameter '{definition.name}': {low_key} ({_fmt(low)}) is "
                       f"greater than {high_key} ({_fmt(high)}), so no value can satisfy both",
                       definition.name, low_key)


# ----- checking one value --------------------------------------------------------------------


def _members(ptype: ParameterType, raw: str) -> list[str]:
    """The strings the constraints apply to: the members of a list, or the value itself. For SSM
    types that is the SSM parameter's name, as CloudFormation validates the key, not its value."""
    return [raw] if ptype.ssm else _split(ptype, raw)


def _split(ptype: ParameterType, raw: str) -> list[str]:
    """A list type's members: split on commas, each member space-trimmed as CloudFormation does."""
    if not ptype.is_list:
        return [raw]
    if raw.strip() == "" and ptype.element in AWS_SPECIFIC_TYPES:
        return []  # no IDs selected
    return [member.strip() for member in raw.split(",")]


def _convert(definition: _Definition, raw: str, report: _Reporter,
             at: tuple[PathPart, ...]) -> list[str] | None:
    """The members of `raw` if each is a value of the parameter's type; otherwise report why."""
    ptype = definition.type
    members = _members(ptype, raw)
    if ptype.ssm:
        return members  # the value names an SSM parameter; its looked-up value is checked later
    ok = True
    for member in members:
        problem = _member_problem(ptype.element, member)
        if problem:
            ok = False
            shown = _show(definition, member)
            where = " (Default)" if at else ""
            report.add(E_BAD_VALUE, f"parameter '{definition.name}'{where}: {shown} {problem}",
                       definition.name, *at)
    return members if ok else None


def _member_problem(element: str, member: str) -> str | None:
    if element == "Number":
        return None if _NUMBER.fullmatch(member) else f"is not a number (such as {_EXAMPLES['Number']})"
    pattern = AWS_SPECIFIC_TYPES.get(element)
    if pattern is not None and not pattern.fullmatch(member):
        return f"is not a valid {element} (such as {_EXAMPLES[element]})"
    if element in AWS_SPECIFIC_TYPES and member == "":
        return f"is empty; a {element} is required"
    return None


def _check_value(definition: _Definition, raw: str, report: _Reporter,
                 at: tuple[PathPart, ...]) -> Any:
    """Ref's value for `raw` (a string, or a list of strings for list types), or None after
    reporting every type and constraint violation."""
    name = definition.name
    if len(raw.encode("utf-8")) > MAX_VALUE_BYTES:
        report.add(E_LIMIT, f"the value of parameter '{name}' is {len(raw.encode('utf-8'))} bytes; "
                   f"CloudFormation allows at most {MAX_VALUE_BYTES}", name, *at)
        return None
    before = report.count
    # The Default's type was already checked while reading the definition.
    members = _convert(definition, raw, report, at) if not at else _members(definition.type, raw)
    if members is None:
        return None
    messages: list[str] = []
    for member in members:
        for message in _constraint_violations(definition, member):
            if message not in messages:
                messages.append(message)
    where = " (Default)" if at else ""
    for message in messages:
        report.add(E_CONSTRAINT, f"parameter '{name}'{where} {message}", name, *at)
    if report.count > before:
        return None
    return members if definition.type.is_list and not definition.type.ssm else raw


def _constraint_violations(definition: _Definition, member: str) -> Iterable[str]:
    """Each constraint `member` breaks, worded as CloudFormation words it. As in CloudFormation,
    a ConstraintDescription replaces that wording ("Parameter MyParameter must only contain ...")."""
    description = (definition.constraint_description or "").strip()
    for broken in _broken_constraints(definition, member):
        if not description:
            yield broken
        elif description[0].islower():
            yield description  # written to follow the parameter's name, as in the AWS examples
        else:
            yield f"failed to satisfy constraint: {description}"


def _broken_constraints(d: _Definition, member: str) -> Iterable[str]:
    shown = _show(d, member)
    if d.allowed_values is not None and not _is_allowed(d, member):
        yield f"must be one of AllowedValues [{', '.join(d.allowed_values)}], not {shown}"
    if d.allowed_pattern is not None and not d.allowed_pattern.fullmatch(member):
        yield f"must match pattern {d.pattern_text}; {shown} does not"
    if not _is_numeric(d.type):
        if d.min_length is not None and len(member) < d.min_length:
            yield f"must contain at least {d.min_length} characters; {shown} has {len(member)}"
        if d.max_length is not None and len(member) > d.max_length:
            yield f"must contain at most {d.max_length} characters; {shown} has {len(member)}"
    else:
        number = float(member)
        if d.min_value is not None and number < d.min_value:
            yield f"must be a number not less than {_fmt(d.min_value)}, not {shown}"
        if d.max_value is not None and number > d.max_value:
            yield f"must be a number not greater than {_fmt(d.max_value)}, not {shown}"


def _is_numeric(ptype: ParameterType) -> bool:
    """Whether the constraints apply to numbers; an SSM type's constraints apply to its key."""
    return ptype.element == "Number" and not ptype.ssm


def _is_allowed(d: _Definition, member: str) -> bool:
    assert d.allowed_values is not None
    if member in d.allowed_values:
        return True
    if _is_numeric(d.type):
        # `AllowedValues: [1, 2]` and the value "1.0" mean the same number.
        allowed = (_parse_number(v) for v in d.allowed_values)
        return float(member) in {a for a in allowed if a is not None}
    return False


def _lookup_ssm(definition: _Definition, key: str, ssm_lookup: SsmLookup | None,
                report: _Reporter, at: tuple[PathPart, ...]) -> Any:
    name = definition.name
    if ssm_lookup is None:
        report.add(E_SSM, f"parameter '{name}' has type {definition.type.name}, whose value is read "
                   f"from SSM Parameter Store ({key!r}); SSM parameter types need the local "
                   "provider's SSM parameters or an AWS account, and neither is available here",
                   name, *at)
        return None
    found = ssm_lookup(key)
    if found is None:
        report.add(E_SSM, f"parameter '{name}': the SSM parameter {key!r} does not exist, so its "
                   "value cannot be read", name, *at)
        return None
    members = _split(definition.type, found)
    for member in members:
        problem = _member_problem(definition.type.element, member)
        if problem:
            report.add(E_BAD_VALUE, f"parameter '{name}': the SSM parameter {key!r} holds "
                       f"{_show(definition, member)}, which {problem}", name, *at)
    return members if definition.type.is_list else found


# ----- small helpers -------------------------------------------------------------------------


def _show(definition: _Definition, member: str) -> str:
    """A value for a message; NoEcho values never appear in output."""
    return MASK if definition.no_echo else repr(member)


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
