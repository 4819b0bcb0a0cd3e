"""Resources and outputs evaluated per condition scenario, and properties checked against the
registry schemas.

Each top-level property is a unit of work: it is evaluated under every scenario of the conditions
it mentions (its Fn::If names, the resource's own Condition, and the Conditions of the resources it
refers to), so twenty independent Fn::Ifs in twenty properties cost twenty small enumerations, not
2^20. The Properties mapping as a whole (required, unknown and read-only names, alternatives) is
checked under the scenarios of the Fn::Ifs that decide whether a property is there at all.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Iterator, Mapping

from stackengine.diagnostics import Diagnostic, DiagnosticSink, Severity, TemplatePath
from stackengine.intrinsics.evaluate import EvalContext, Evaluator, Scope
from stackengine.intrinsics.references import find_references
from stackengine.validate.branches import if_conditions
from stackengine.validate.context import TemplateContext
from stackengine.validate.schema import SchemaChecker
from stackengine.values import NO_VALUE, Unknown, contains_unknown

Json = Any
CUT_SHORT = "I3001"
_INTRINSIC_DATA = ("Metadata", "CreationPolicy", "UpdatePolicy", "DeletionPolicy", "UpdateReplacePolicy")


class _Deduper:
    def __init__(self) -> None:
        self.seen: set[tuple[str, TemplatePath, str]] = set()
        self.items: list[Diagnostic] = []

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for d in diagnostics:
            key = (d.code, d.path, d.message)
            if key not in self.seen:
                self.seen.add(key)
                self.items.append(d)


class ScenarioRunner:
    """Evaluates values of one template under condition scenarios."""

    def __init__(self, tc: TemplateContext) -> None:
        self.tc = tc
        self.conditions: dict[str, str] = {}
        for logical_id, resource in tc.resources.items():
            if isinstance(resource, Mapping) and isinstance(resource.get("Condition"), str):
                self.conditions[logical_id] = resource["Condition"]
        # Every declared resource counts, even one whose Type is malformed (reported already): a Ref
        # to it is not a second problem.
        types = tc.resource_types()
        self.types = {str(lid): types.get(lid, "") for lid in tc.resources}

    def evaluate(self, value: Json, path: TemplatePath, own: str | None, scope: Scope = Scope.RESOURCE,
                 ) -> Iterator[tuple[Json, list[Diagnostic]]]:
        """(resolved value, diagnostics) per scenario; then an info diagnostic if cut short."""
        results, truncated = self.run(value, path, own, scope)
        for resolved, diagnostics, _ in results:
            yield resolved, diagnostics
        if truncated:
            yield NO_VALUE, [self.cut_short(path, len(results))]

    def cut_short(self, path: TemplatePath, count: int) -> Diagnostic:
        return Diagnostic(CUT_SHORT, f"{count} condition scenarios checked; more exist (too many "
                          "combinations of conditions here)", path, severity=Severity.INFO)

    def run(self, value: Json, path: TemplatePath, own: str | None, scope: Scope = Scope.RESOURCE,
            ) -> tuple[list[tuple[Json, list[Diagnostic], dict[str, bool]]], bool]:
        """Evaluate `value` along every path of condition decisions it actually takes.

        Conditions are decided lazily, when the evaluator asks for one (an Fn::If, or whether a
        referenced resource exists); each decision that could go both ways (given the decisions
        taken so far) is explored both ways. A chain of 24 nested Fn::Ifs is 25 runs, not 2^24.
        At most `limit` runs; (results, True) when more paths remained."""
        def one(decide: _Decider) -> tuple[Json, list[Diagnostic], dict[str, bool]]:
            sink = DiagnosticSink()
            resolved = Evaluator(self.lazy_context(decide), sink, scope).resolve(value, path)
            return resolved, [_grade(d) for d in sink.items if self._keep(d)], dict(decide.decisions)

        return self.explore(one, own)

    def explore(self, fn: Any, own: str | None) -> tuple[list[Any], bool]:
        """fn(decide) once per path of condition decisions; (results, cut short?)."""
        model = self.tc.conditions
        from stackengine.validate import branches

        limit = self.tc.options.max_scenarios or branches.MAX_SCENARIOS
        start: dict[str, bool] = {own: True} if own else {}
        if own and not model.possible(start):
            return [], False
        pending = [start]
        results: list[Any] = []
        while pending:
            if len(results) >= limit:
                return results, True
            decide = _Decider(model, dict(pending.pop()), pending)
            results.append(fn(decide))
        return results, False

    def lazy_context(self, decide: Any) -> EvalContext:
        return replace(self.tc.base, condition_values=lambda name, path: decide(name),
                       resources=_Existing(self.types, self.conditions, decide, True),
                       inactive_resources=_Existing(self.types, self.conditions, decide, False))

    def _keep(self, d: Diagnostic) -> bool:
        if d.code in _REF_CODES and "is not created because its condition" in d.message:
            return True  # re-graded by _grade
        """The core says an import's name "depends on a resource" whenever it is unknown; here a
        parameter without a value is unknown too, which CloudFormation accepts."""
        if d.code != "E1016" or "depend on a resource" not in d.message:
            return True
        raw = _at(self.tc.template, d.path)
        return any(ref.target in self.tc.resources for ref in find_references(raw))


class _Decider:
    """Answers "is condition X true?" for one path of decisions, deciding each condition the first
    time it is asked; a decision that could also go the other way is queued in `pending`."""

    def __init__(self, model: Any, decisions: dict[str, bool], pending: list[dict[str, bool]]) -> None:
        self.model, self.decisions, self.pending = model, decisions, pending

    def __call__(self, name: str) -> bool:
        decisions = self.decisions
        if name not in decisions:
            if name not in self.model.formulas:
                return False
            can_true = self.model.possible({**decisions, name: True})
            can_false = self.model.possible({**decisions, name: False})
            if can_true and can_false:
                self.pending.append({**decisions, name: False})
            decisions[name] = can_true
        return decisions[name]


class _Existing(Mapping[str, str]):
    """Resources that exist (or, with `exists=False`, do not, mapped to their false condition)
    under lazily taken condition decisions: asking about a conditional resource decides its
    condition."""

    def __init__(self, types: Mapping[str, str], conditions: Mapping[str, str], decide: Any, exists: bool) -> None:
        self.types, self.conditions, self.decide, self.exists = types, conditions, decide, exists

    def _holds(self, logical_id: str) -> bool:
        condition = self.conditions.get(logical_id)
        return condition is None or bool(self.decide(condition))

    def __contains__(self, logical_id: object) -> bool:
        if not isinstance(logical_id, str) or logical_id not in self.types:
            return False
        return self._holds(logical_id) == self.exists

    def __getitem__(self, logical_id: str) -> str:
        if logical_id not in self:
            raise KeyError(logical_id)
        return self.types[logical_id] if self.exists else self.conditions[logical_id]

    def __iter__(self) -> Iterator[str]:
        return (lid for lid in self.types if lid in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def check_resources(tc: TemplateContext) -> list[Diagnostic]:
    runner = ScenarioRunner(tc)
    out = _Deduper()
    checkers: dict[str, SchemaChecker | None] = {}
    for logical_id, resource in tc.resources.items():
        if not isinstance(resource, Mapping) or not isinstance(resource.get("Type"), str):
            continue
        kind = resource["Type"]
        own = resource.get("Condition") if isinstance(resource.get("Condition"), str) else None
        path: TemplatePath = ("Resources", logical_id)
        if kind not in checkers:
            schema = tc.registry.get(kind)
            checkers[kind] = SchemaChecker(schema, tc.parameter_types, tc.parameter_choices,
                                           _getatt_shapes(tc)) if schema is not None else None
        checker = checkers[kind]
        properties = resource.get("Properties")
        if isinstance(properties, Mapping) and not _is_intrinsic(properties):
            _check_properties(runner, checker, properties, path + ("Properties",), own, out)
        elif properties is not None:
            # Properties written as one intrinsic (Fn::If of two mappings): evaluate it whole.
            for resolved, diagnostics in runner.evaluate(properties, path + ("Properties",), own):
                out.extend(diagnostics)
                if isinstance(resolved, dict) and checker is not None:
                    out.extend(checker.check_object(resolved, path + ("Properties",)))
                    for name, value in resolved.items():
                        out.extend(checker.check_property(name, value, path + ("Properties", name)))
        elif checker is not None:
            out.extend(checker.check_object({}, path + ("Properties",)))
        for attribute in _INTRINSIC_DATA:
            if attribute in ("DeletionPolicy", "UpdateReplacePolicy") and not tc.base.language_extensions:
                continue  # only literal strings allowed there; the structure pass checked them
            if attribute in resource:
                for resolved, diagnostics in runner.evaluate(resource[attribute], path + (attribute,), own):
                    out.extend(diagnostics)
                    if attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
                        out.extend(_policy_problems(attribute, resolved, path + (attribute,)))
    out.extend(_check_outputs(tc, runner))
    return out.items


def _check_properties(runner: ScenarioRunner, checker: SchemaChecker | None, properties: Mapping[str, Json],
                      path: TemplatePath, own: str | None, out: _Deduper) -> None:
    kind = checker.schema.type_name if checker is not None else ""
    for name, value in properties.items():
        node = checker.property_node(name) if checker is not None else {}
        _check_value(runner, checker, node, value, path + (name,), own, out, (kind, name) in PACKAGEABLE)
    if checker is None:
        return
    for present in _presence(runner, properties, path, own, out):
        out.extend(checker.check_object(present, path))


def _check_value(runner: ScenarioRunner, checker: SchemaChecker | None, node: Mapping[str, Json], value: Json,
                 path: TemplatePath, own: str | None, out: _Deduper, packageable: bool = False) -> None:
    """Check `value` under every scenario of its conditions. When they are too many and the value
    is a literal mapping or list, its members are checked one by one instead (each under its own,
    fewer, conditions) and the container by itself: independent Fn::Ifs never multiply."""
    results, truncated = runner.run(value, path, own)
    splittable = isinstance(value, (dict, list)) and not (isinstance(value, dict) and _is_intrinsic(value))
    if truncated and splittable:
        members = value.items() if isinstance(value, dict) else enumerate(value)
        for key, member in members:
            child = checker.child_schema(node, key) if checker is not None else {}
            _check_value(runner, checker, child, member, path + (key,), own, out)
        if checker is not None and node:
            for present in _presence(runner, value, path, own, out):
                out.extend(checker.check_value(present, node, path, shallow=True))
        return
    if truncated:
        out.extend([runner.cut_short(path, len(results))])
    for resolved, diagnostics, decisions in results:
        out.extend(diagnostics)
        if resolved is NO_VALUE or checker is None or (packageable and isinstance(resolved, str)):
            continue
        found = checker.check_value(resolved, node, path)
        if decisions and found:
            found = [_in_source(d, value, path, decisions) for d in found]
        out.extend(found)


def _presence(runner: ScenarioRunner, container: Json, path: TemplatePath, own: str | None,
              out: _Deduper) -> list[Json]:
    """The container with the members that are there (not AWS::NoValue), per path of decisions of
    the Fn::If chains at the members' roots: what required/unknown-key/count checks look at.
    A member whose value itself depends on conditions stands in as an unknown value (its own
    checks ran already)."""
    members = list(container.items()) if isinstance(container, Mapping) else list(enumerate(container))
    ctx = runner.lazy_context(lambda name: False)
    stand_ins: dict[Any, Json] = {}
    for key, value in members:
        if next(if_conditions(value), None) is None:
            stand_ins[key] = _resolve_quietly(ctx, value, path + (key,))
        else:
            stand_ins[key] = Unknown(None)

    def one(decide: Any) -> Json:
        kept = []
        for key, value in members:
            node = value
            while isinstance(node, dict) and len(node) == 1 and "Fn::If" in node and \
                    isinstance(node["Fn::If"], list) and len(node["Fn::If"]) == 3 and isinstance(node["Fn::If"][0], str):
                arg = node["Fn::If"]
                node = arg[1] if decide(arg[0]) else arg[2]
            if node == {"Ref": "AWS::NoValue"} or stand_ins[key] is NO_VALUE:
                continue
            kept.append((key, stand_ins[key]))
        return dict(kept) if isinstance(container, Mapping) else [v for _, v in kept]

    results, truncated = runner.explore(one, own)
    if truncated:
        out.extend([runner.cut_short(path, len(results))])
    return results


_REF_CODES = ("E1010", "E1019", "E1020")
CONDITIONAL_REF = "W1020"


def _grade(d: Diagnostic) -> Diagnostic:
    """A reference to a resource that one scenario does not create fails only for the parameter
    values of that scenario: a warning (as cfn-lint grades it), so CI is not blocked by a
    configuration that may never be deployed."""
    if d.code in _REF_CODES and "is not created because its condition" in d.message:
        return Diagnostic(CONDITIONAL_REF, d.message + " in some parameter combinations", d.path, d.span,
                          Severity.WARNING)
    return d


def _getatt_shapes(tc: TemplateContext) -> Any:
    """What a resource attribute is (a list or a single value), from the type's schema: the
    attribute is a read-only property there."""
    types = tc.resource_types()
    cache: dict[tuple[str, str], str | None] = {}

    def shape(logical_id: str, attribute: str) -> str | None:
        key = (logical_id, attribute)
        if key not in cache:
            cache[key] = None
            kind = types.get(logical_id)
            schema = tc.registry.get(kind) if kind else None
            if schema is not None and "*" not in attribute and schema.has_getatt(attribute):
                node = schema.property_schema(tuple(attribute.split(".")))
                kinds = node.get("type") if node else None
                if kinds == "array":
                    cache[key] = "list"
                elif kinds in ("string", "integer", "number", "boolean"):
                    cache[key] = "scalar"
        return cache[key]

    return shape


def _in_source(d: Diagnostic, raw: Json, base: TemplatePath, decisions: Mapping[str, bool]) -> Diagnostic:
    """`d` with its path through the Fn::If branches the value came from (`...Fn::If[2]`), so it
    points at the line of the branch, not of the Fn::If."""
    if d.path[:len(base)] != base:
        return d
    rest = d.path[len(base):]
    out: list[Any] = list(base)
    node = raw
    for part in (*rest, None):
        while isinstance(node, dict) and len(node) == 1 and "Fn::If" in node and isinstance(node["Fn::If"], list) \
                and len(node["Fn::If"]) == 3 and node["Fn::If"][0] in decisions:
            branch = 1 if decisions[node["Fn::If"][0]] else 2
            out.extend(("Fn::If", branch))
            node = node["Fn::If"][branch]
        if part is None:
            break
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int):
            index = _raw_index(node, part, decisions)
            if index is None:
                return d
            part, node = index, node[index]
        else:
            return d  # the value was computed (Fn::Select, Fn::FindInMap ...): keep the evaluated path
        out.append(part)
    return Diagnostic(d.code, d.message, tuple(out), d.span, d.severity)


def _raw_index(items: list[Json], index: int, decisions: Mapping[str, bool]) -> int | None:
    """The written position of the `index`-th item that is there (items that are AWS::NoValue under
    these decisions are skipped, as evaluation drops them)."""
    seen = -1
    for position, item in enumerate(items):
        node = item
        while isinstance(node, dict) and len(node) == 1 and "Fn::If" in node and isinstance(node["Fn::If"], list) \
                and len(node["Fn::If"]) == 3 and node["Fn::If"][0] in decisions:
            node = node["Fn::If"][1 if decisions[node["Fn::If"][0]] else 2]
        if node == {"Ref": "AWS::NoValue"}:
            continue
        seen += 1
        if seen == index:
            return position
    return None


def _at(root: Json, path: TemplatePath) -> Json:
    node = root
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


# Properties that `aws cloudformation package` / `sam package` rewrite from a local path into an
# S3 location: a plain string there is a template not yet packaged, not a wrong type.
PACKAGEABLE: frozenset[tuple[str, str]] = frozenset({
    ("AWS::Lambda::Function", "Code"), ("AWS::Lambda::LayerVersion", "Content"),
    ("AWS::ApiGateway::RestApi", "BodyS3Location"), ("AWS::AppSync::GraphQLSchema", "DefinitionS3Location"),
    ("AWS::AppSync::Resolver", "RequestMappingTemplateS3Location"),
    ("AWS::AppSync::Resolver", "ResponseMappingTemplateS3Location"),
    ("AWS::AppSync::FunctionConfiguration", "CodeS3Location"),
    ("AWS::ElasticBeanstalk::ApplicationVersion", "SourceBundle"),
    ("AWS::StepFunctions::StateMachine", "DefinitionS3Location"), ("AWS::Glue::Job", "Command"),
    ("AWS::CodeCommit::Repository", "Code"), ("AWS::ApiGatewayV2::Api", "BodyS3Location"),
    ("AWS::CloudFormation::ModuleVersion", "ModulePackage"),
    ("AWS::CloudFormation::ResourceVersion", "SchemaHandlerPackage"),
    ("AWS::ECS::TaskDefinition", "ContainerDefinitions"),
})


def _resolve_quietly(ctx: EvalContext, value: Json, path: TemplatePath) -> Json:
    return Evaluator(ctx, DiagnosticSink()).resolve(value, path)


def _is_intrinsic(value: Mapping[str, Json]) -> bool:
    return len(value) == 1 and (next(iter(value)).startswith("Fn::") or "Ref" in value)


_POLICIES = ("Delete", "Retain", "Snapshot", "RetainExceptOnCreate")


def _policy_problems(name: str, value: Json, path: TemplatePath) -> list[Diagnostic]:
    if value is NO_VALUE or isinstance(value, Unknown) or contains_unknown(value):
        return []
    if not isinstance(value, str) or value not in _POLICIES:
        return [Diagnostic("E3035", f"{name} must evaluate to Delete, Retain, Snapshot or "
                           "RetainExceptOnCreate", path)]
    return []


def _check_outputs(tc: TemplateContext, runner: ScenarioRunner) -> Iterator[Diagnostic]:
    section = tc.template.get("Outputs")
    if not isinstance(section, Mapping):
        return
    for name, output in section.items():
        if not isinstance(output, Mapping):
            continue
        own = output.get("Condition") if isinstance(output.get("Condition"), str) else None
        path: TemplatePath = ("Outputs", name)
        if "Value" in output:
            for resolved, diagnostics in runner.evaluate(output["Value"], path + ("Value",), own, Scope.OUTPUT):
                yield from diagnostics
                if resolved is NO_VALUE and not diagnostics:
                    yield Diagnostic("E6002", f"output {name!r} has no value (it evaluates to AWS::NoValue)",
                                     path + ("Value",))
                elif isinstance(resolved, dict):
                    yield Diagnostic("E6002", f"output {name!r} must be a string or a list of strings, "
                                     "not a mapping", path + ("Value",))
        export = output.get("Export")
        if isinstance(export, Mapping) and "Name" in export:
            where = path + ("Export", "Name")
            for resolved, diagnostics in runner.evaluate(export["Name"], where, own, Scope.OUTPUT):
                yield from diagnostics
                if isinstance(resolved, Unknown) or contains_unknown(resolved):
                    if _depends_on_resource(resolved, tc):
                        yield Diagnostic("E6003", "an export's Name cannot depend on a resource (Ref or "
                                         "Fn::GetAtt of a resource); use parameters and pseudo parameters", where)
                elif resolved is not NO_VALUE and not isinstance(resolved, (str, int, float)):
                    yield Diagnostic("E6003", "an export's Name must be a string", where)


def _depends_on_resource(value: Json, tc: TemplateContext) -> bool:
    from stackengine.values import to_template

    return any(ref.target in tc.resources for ref in find_references(to_template(value)))
