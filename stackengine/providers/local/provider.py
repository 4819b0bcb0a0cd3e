"""LocalProvider: an offline AWS account behind the `Provider` protocol.

Every create/update/delete goes through the same steps: latency, idempotency token, injected
failure, the registry schema, the per-type AWS rules, then the account store. Names, IDs and
attributes come from `formats.json` (or the schema fallback) with a per-stack seeded RNG, so the
same deploy yields the same values on every machine.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from stackengine.diagnostics import Diagnostic, TemplateError
from stackengine.providers.base import ProviderError, ResourceResult, StackRef
from stackengine.providers.local import formats
from stackengine.providers.local.account_values import (account_parameter_values, missing_values,
                                                        wants_pool)
from stackengine.providers.local.custom_stand_ins import custom_stand_in
from stackengine.providers.local.dynamic_refs import resolve_dynamic_references
from stackengine.providers.local.naming import NameRule, generate_name, seeded_rng
from stackengine.providers.local.rules import (RuleContext, derived_vars, run_delete_rules,
                                               run_write_rules)
from stackengine.providers.local.schema_check import check_properties, format_problems
from stackengine.providers.local.stack_tags import with_stack_tags
from stackengine.providers.local.store import AccountStore, NameTaken, Snapshot, StoredResource
from stackengine.regions import availability_zones, partition_for_region
from stackengine.sqlite_db import Database

Json = Any

OPERATIONS = ("create", "update", "delete")

# Types whose DeletionPolicy: Snapshot is honoured by CloudFormation.
SNAPSHOT_TYPES = frozenset({
    "AWS::EC2::Volume", "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ReplicationGroup",
    "AWS::Neptune::DBCluster", "AWS::RDS::DBCluster", "AWS::RDS::DBInstance",
    "AWS::Redshift::Cluster", "AWS::DocDB::DBCluster",
})

# Types the local account cannot run: the engine shows the reason as the failure.
UNSUPPORTED_TYPES: dict[str, str] = {
    "AWS::CloudFormation::Stack": "Nested stacks (AWS::CloudFormation::Stack) are not yet supported "
                                  "by the local provider",
    "AWS::CloudFormation::StackSet": "Stack sets are not supported by the local provider",
}
CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource"
SERVERLESS_PREFIX = "AWS::Serverless::"
FILL_KEY_PAIR = "stackengine-fill"  # the key pair --fill-parameters makes when the account has none
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


@dataclass(frozen=True)
class FailureSpec:
    """`--inject-failure LOGICAL_ID[:create|update|delete]`: operation None fails every operation."""

    logical_id: str
    operation: str | None = None

    def matches(self, logical_id: str, operation: str) -> bool:
        return self.logical_id == logical_id and self.operation in (None, operation)


def parse_failure_spec(text: str) -> FailureSpec:
    logical_id, _, operation = text.partition(":")
    if not logical_id:
        raise ValueError(f"--inject-failure {text!r}: a logical ID is required")
    if operation and operation not in OPERATIONS:
        raise ValueError(f"--inject-failure {text!r}: the operation must be one of "
                         f"{', '.join(OPERATIONS)}")
    return FailureSpec(logical_id, operation or None)


def provider_options(latency_ms: int = 0, inject_failure: Sequence[str] = ()) -> dict[str, Any]:
    """Keyword arguments for LocalProvider from the CLI's `--latency MS` and repeatable
    `--inject-failure LOGICAL_ID[:create|update|delete]` (raises ValueError on a bad spec)."""
    if latency_ms < 0:
        raise ValueError("--latency must be zero or more milliseconds")
    return {"latency_ms": latency_ms,
            "inject_failures": tuple(parse_failure_spec(text) for text in inject_failure)}


class LocalProvider:
    """The emulated account. Persists in `db_path` (the state database) in `local_*` tables."""

    def __init__(self, db_path: str, *, latency_ms: int = 0,
                 inject_failures: Sequence[FailureSpec] = (), clock: Callable[[], float] | None = None,
                 sleep: Callable[[float], None] | None = None, registry: Any = None,
                 default_account_id: str = "123456789012", default_region: str = "us-east-1",
                 database: Database | None = None) -> None:
        self.store = AccountStore(db_path, clock=clock, database=database)
        self.latency_ms = latency_ms
        self.inject_failures = tuple(inject_failures)
        self._sleep = sleep or time.sleep
        self._registry = registry
        self.default_account_id = default_account_id
        self.default_region = default_region
        self._seeded: set[tuple[str, str]] = set()
        self._region_types: dict[str, frozenset[str]] = {}
        self._seed_lock = threading.Lock()

    @property
    def synchronous(self) -> bool:
        """Calls finish at once unless `--latency` asks otherwise (the executor then runs them
        in its own thread instead of a pool)."""
        return self.latency_ms <= 0

    def shares_transactions(self, state_store: object) -> bool:
        """True when this account's writes join `state_store`'s transactions (one connection):
        the executor may then journal a call and its result in the transaction that makes it."""
        database = self.store.database
        return database is not None and database is getattr(state_store, "database", None)

    def check_resources(self, resources_by_id: Mapping[str, str]) -> None:
        """Plan time, as CloudFormation validates a template before any change: a type the
        registry does not hold (in the default region) is refused with a TemplateError whose
        diagnostics name each resource's `Type` (the engine adds file:line:col)."""
        problems = [Diagnostic("E3010", message, ("Resources", logical_id, "Type"))
                    for logical_id, type_name in sorted(resources_by_id.items())
                    if (message := self._unrecognized(type_name, self.default_region)) is not None]
        if problems:
            raise TemplateError(problems)

    def check_parameter_values(self, parameters: Mapping[str, tuple[str, Json]], account_id: str,
                               region: str) -> None:
        """Plan time, as CloudFormation checks AWS-specific parameter types against the account:
        `parameters` maps each name to (type, value); a value naming a VPC, subnet, security
        group, key pair, instance, volume or hosted zone the account does not hold, or an AZ
        the region does not have, is refused (TemplateError at `Parameters.NAME`)."""
        self.ensure_defaults(account_id, region, partition_for_region(region))
        zones = availability_zones(region)

        def exists(type_name: str, physical_id: str) -> bool:
            return self.store.find_physical_id(account_id, region, [type_name],
                                               physical_id) is not None

        problems = [
            Diagnostic("E2006", f"Parameter validation failed: parameter value {member} for "
                                f"parameter name {name} does not exist", ("Parameters", name))
            for name, (type_name, value) in parameters.items()
            for member in missing_values(type_name, value, exists, zones)]
        if problems:
            raise TemplateError(problems)

    # -- the Provider protocol --------------------------------------------------------------

    def create(self, stack: StackRef, type_name: str, logical_id: str,
               properties: Mapping[str, Json], token: str) -> ResourceResult:
        self._delay()
        replay = self._replay(token, "create")
        if replay is not None:
            # the resource and its token were stored together; redo the idempotent follow-up
            self._after_write(type_name, stack, replay.physical_id, properties)
            return replay
        self._maybe_fail(logical_id, "create", type_name, token)
        properties = resolve_dynamic_references(properties, self.store, stack, public_parameter)
        schema = self._schema(type_name, stack.region)
        self._check_schema(schema, logical_id, properties)
        self.ensure_defaults(stack.account_id, stack.region, stack.partition)
        ctx = RuleContext(self.store, stack, type_name, logical_id, properties, "create")
        if self._is_custom(type_name):
            self._check_service_token(ctx)
        run_write_rules(ctx)
        generation = self.store.next_generation(stack.stack_id, logical_id)
        rng = seeded_rng(stack.stack_id, logical_id, generation)
        identity = formats.build_identity(
            type_name, schema, properties, self._context(stack, logical_id), rng,
            extra_vars=derived_vars(ctx))
        rid = f"{stack.stack_id}/{logical_id}/{generation}"
        result = ResourceResult(identity.physical_id, identity.attributes)
        self._put(StoredResource(rid, stack.account_id, stack.region, type_name, identity.physical_id,
                                 stack.stack_name, stack.stack_id, logical_id,
                                 *self._unique_name(type_name, stack, identity.name, properties),
                                 with_stack_tags(schema, properties, stack, logical_id),
                                 identity.attributes, identity.vars),
                  token=self._token_row(token, "create", result))
        self._after_write(type_name, stack, identity.physical_id, properties)
        return result

    def update(self, stack: StackRef, type_name: str, logical_id: str, physical_id: str,
               old: Mapping[str, Json], new: Mapping[str, Json], token: str) -> ResourceResult:
        self._delay()
        replay = self._replay(token, "update")
        if replay is not None:
            self._after_write(type_name, stack, replay.physical_id, new)
            return replay
        self._maybe_fail(logical_id, "update", type_name, token)
        new = resolve_dynamic_references(new, self.store, stack, public_parameter)
        schema = self._schema(type_name, stack.region)
        self._check_schema(schema, logical_id, new)
        existing = self._existing(stack, type_name, logical_id, physical_id)
        if existing is None:
            raise ProviderError(f"Resource of type '{type_name}' with identifier '{physical_id}' was "
                                "not found.", "NotFound")
        ctx = RuleContext(self.store, stack, type_name, logical_id, new, "update", old, physical_id)
        if self._is_custom(type_name):
            self._check_service_token(ctx)
        run_write_rules(ctx)
        generation = int(existing.rid.rsplit("/", 1)[-1]) if existing.rid.rsplit("/", 1)[-1].isdigit() else 0
        rng = seeded_rng(stack.stack_id, logical_id, generation)
        identity = formats.build_identity(
            type_name, schema, new, self._context(stack, logical_id), rng,
            saved_vars=existing.vars, extra_vars=derived_vars(ctx))
        result = ResourceResult(identity.physical_id, identity.attributes)
        self._put(StoredResource(existing.rid, stack.account_id, stack.region, type_name,
                                 identity.physical_id, stack.stack_name, stack.stack_id, logical_id,
                                 *self._unique_name(type_name, stack, identity.name, new),
                                 with_stack_tags(schema, new, stack, logical_id),
                                 identity.attributes, identity.vars,
                                 existing.created_at, self.store.now()), replace=True,
                  token=self._token_row(token, "update", result))
        self._after_write(type_name, stack, identity.physical_id, new)
        return result

    def delete(self, stack: StackRef, type_name: str, logical_id: str, physical_id: str,
               token: str, *, snapshot: bool = False) -> None:
        self._delay()
        if self._replay(token, "delete") is not None:
            return
        self._maybe_fail(logical_id, "delete", type_name, token)
        existing = self._existing(stack, type_name, logical_id, physical_id)
        if existing is None:
            return  # already gone: CloudFormation treats NotFound on delete as done
        ctx = RuleContext(self.store, stack, type_name, logical_id, existing.properties, "delete",
                          existing.properties, physical_id)
        run_delete_rules(ctx)
        if snapshot and self.supports_snapshot(type_name):
            self.store.record_snapshot(Snapshot(
                f"{physical_id}-snapshot-{int(self.store.now())}", stack.account_id, stack.region,
                type_name, physical_id, existing.properties, self.store.now()))
        if type_name == "AWS::SSM::Parameter":  # idempotent, so before the atomic delete + token
            self.store.delete_ssm_parameter(stack.account_id, stack.region, physical_id)
        self.store.delete_resource(existing.rid,
                                   token=self._token_row(token, "delete", ResourceResult(physical_id, {})))

    def read(self, type_name: str, physical_id: str) -> ResourceResult | None:
        found = self.store.find_by_id(type_name, physical_id)
        if not found:
            return None
        preferred = [r for r in found if (r.account_id, r.region) ==
                     (self.default_account_id, self.default_region)]
        chosen = (preferred or found)[0]
        return ResourceResult(chosen.physical_id, chosen.attributes)

    def supports_snapshot(self, type_name: str) -> bool:
        return type_name in SNAPSHOT_TYPES

    def custom_attribute(self, type_name: str, physical_id: str, attribute: str) -> str | None:
        """`Fn::GetAtt` of a custom resource: on AWS its function's `Data` answers; offline the
        function cannot run, so a stable stand-in of the kind the attribute's name denotes
        (`custom_stand_ins`) lets the stack deploy. None for other types, whose attributes come
        from their schema."""
        if not self._is_custom(type_name):
            return None
        found = self.store.find_by_id(type_name, physical_id)
        account, region = ((found[0].account_id, found[0].region) if found
                           else (self.default_account_id, self.default_region))
        return custom_stand_in(account, region, physical_id, attribute)

    # -- helpers the engine and the CLI use -------------------------------------------------

    def resolve_ssm_parameter(self, account_id: str, region: str, name: str) -> str:
        """The value behind an `AWS::SSM::Parameter::Value<...>` template parameter."""
        found = self.store.get_ssm_parameter(account_id, region, name)
        if found is None and public_parameter(name, region) is not None:
            return str(public_parameter(name, region))
        if found is None:
            raise ProviderError(f"Unable to fetch parameters [{name}] from parameter store for this "
                                "account.", "ValidationError")
        return found[1]

    def ssm_lookup(self, account_id: str, region: str) -> Callable[[str], str | None]:
        """A look-up for `RenderOptions.ssm_lookup`: the account's parameters, then AWS's public
        ones (`/aws/service/...`), which exist in every real account."""

        def lookup(name: str) -> str | None:
            found = self.store.get_ssm_parameter(account_id, region, name)
            if found is not None:
                return found[1]
            return public_parameter(name, region)

        return lookup

    def put_ssm_parameter(self, account_id: str, region: str, name: str, value: str,
                          type_: str = "String") -> None:
        self.store.put_ssm_parameter(account_id, region, name, value, type_)

    def put_secret(self, account_id: str, region: str, name: str, secret_string: str,
                   partition: str = "aws") -> str:
        """A Secrets Manager secret that exists before any stack (for `{{resolve:secretsmanager:..}}`
        references to secrets a template does not create). Returns its ARN."""
        return self._put_account_resource(
            "AWS::SecretsManager::Secret", f"secret/{name}", name,
            {"Name": name, "SecretString": secret_string}, account_id, region, partition)

    def create_key_pair(self, account_id: str, region: str, name: str,
                        partition: str = "aws") -> str:
        """An EC2 key pair that exists before any stack (for `AWS::EC2::KeyPair::KeyName`
        parameters); creating one that exists is a no-op. Returns its name."""
        return self._put_account_resource("AWS::EC2::KeyPair", f"key-pair/{name}", name,
                                          {"KeyName": name}, account_id, region, partition)

    def _put_account_resource(self, type_name: str, key: str, name: str,
                              props: Mapping[str, Json], account_id: str, region: str,
                              partition: str) -> str:
        """A resource of the account that belongs to no stack (as the user made it outside
        CloudFormation), created or overwritten; returns its physical ID."""
        stack = StackRef("", "", account_id, region, partition)
        rid = f"account/{account_id}/{region}/{key}"
        existing = self.store.get_by_rid(rid)
        rng = seeded_rng(f"{account_id}/{region}", key)
        identity = formats.build_identity(type_name, self.registry.get(type_name), props,
                                          self._context(stack, name), rng,
                                          saved_vars=existing.vars if existing else None)
        self._put(StoredResource(rid, account_id, region, type_name, identity.physical_id, "", "",
                                 key, *self._unique_name(type_name, stack, name), dict(props),
                                 identity.attributes, identity.vars),
                  replace=existing is not None)
        return identity.physical_id

    def put_object(self, bucket: str, key: str, body: bytes) -> str:
        """Upload to a bucket of the emulated account (for packaging); returns the ETag."""
        if not self.store.find_by_name("AWS::S3::Bucket", "global", bucket):
            raise ProviderError("The specified bucket does not exist", "NotFound")
        return self.store.put_object(bucket, key, body).etag

    def ensure_defaults(self, account_id: str, region: str, partition: str = "aws") -> None:
        """Every account has a default VPC with a subnet per AZ, a default security group and a
        main route table, as in AWS, so templates that take their IDs have something real to
        point at."""
        key = (account_id, region)
        if key in self._seeded:
            return
        with self._seed_lock:
            if key in self._seeded:
                return
            stack = StackRef("", "", account_id, region, partition)
            vpc = self._seed(stack, "AWS::EC2::VPC", "DefaultVpc",
                             {"CidrBlock": "172.31.0.0/16", "EnableDnsSupport": True})
            for index, zone in enumerate(availability_zones(region)):
                self._seed(stack, "AWS::EC2::Subnet", f"DefaultSubnet{zone[-1].upper()}",
                           {"VpcId": vpc, "CidrBlock": f"172.31.{index * 16}.0/20",
                            "AvailabilityZone": zone, "MapPublicIpOnLaunch": True})
            self._seed(stack, "AWS::EC2::SecurityGroup", "DefaultSecurityGroup",
                       {"GroupName": "default", "GroupDescription": "default VPC security group",
                        "VpcId": vpc})
            self._seed(stack, "AWS::EC2::RouteTable", "DefaultRouteTable", {"VpcId": vpc})  # the main one
            self._seeded.add(key)

    def default_ids(self, account_id: str, region: str) -> dict[str, str]:
        """Logical name -> physical ID of the account's default network (for parameter filling)."""
        self.ensure_defaults(account_id, region)
        return {r.logical_id: r.physical_id for r in self.store.list_resources(account_id, region)
                if r.stack_id == ""}

    def account_parameter_values(self, declared: Any, account_id: str,
                                 region: str) -> dict[str, str]:
        """Values from the emulated account for the template's AWS-specific parameters without a
        Default (VPC, subnet, security group IDs, AZ names; by type or by name, `account_values`):
        what `--fill-parameters` should use, so filled IDs name things that exist."""
        if not isinstance(declared, Mapping):
            return {}
        ids = self.default_ids(account_id, region)
        subnets = sorted((k, v) for k, v in ids.items() if k.startswith("DefaultSubnet"))
        key_pairs = sorted(r.physical_id for r in self.store.list_resources(
            account_id, region, "AWS::EC2::KeyPair"))
        if not key_pairs and wants_pool(declared, "key-pair"):
            # An account has no key pair of its own; a smoke test gets one to name.
            key_pairs = [self.create_key_pair(account_id, region, FILL_KEY_PAIR)]
        return account_parameter_values(declared, {
            "vpc": [ids["DefaultVpc"]], "subnet": [v for _, v in subnets],
            "security-group": [ids["DefaultSecurityGroup"]], "route-table": [ids["DefaultRouteTable"]],
            "availability-zone": availability_zones(region), "key-pair": key_pairs})

    # -- internals --------------------------------------------------------------------------

    def _seed(self, stack: StackRef, type_name: str, logical_id: str, props: dict[str, Json]) -> str:
        rid = f"default/{stack.account_id}/{stack.region}/{logical_id}"
        existing = self.store.get_by_rid(rid)
        if existing is not None:
            return existing.physical_id
        rng = seeded_rng(f"{stack.account_id}/{stack.region}", logical_id)
        identity = formats.build_identity(type_name, self.registry.get(type_name), props,
                                          self._context(stack, logical_id), rng)
        try:
            self.store.put_resource(StoredResource(
                rid, stack.account_id, stack.region, type_name, identity.physical_id, "", "", logical_id,
                None, None, None, props, identity.attributes, identity.vars))
        except NameTaken:  # another process seeded it first
            pass
        found = self.store.get_by_rid(rid)
        return found.physical_id if found else identity.physical_id

    @property
    def registry(self) -> Any:
        if self._registry is None:
            from stackengine.specs import default_registry

            self._registry = default_registry()
        return self._registry

    def _schema(self, type_name: str, region: str) -> Any:
        if type_name in UNSUPPORTED_TYPES:
            raise ProviderError(UNSUPPORTED_TYPES[type_name], "NotSupported")
        unrecognized = self._unrecognized(type_name, region)
        if unrecognized is not None:
            raise ProviderError(unrecognized, "ValidationError")
        return self.registry.get(type_name)

    def _unrecognized(self, type_name: str, region: str) -> str | None:
        """CloudFormation's refusal of a type the registry does not hold in `region`, or None."""
        if self.registry.get(type_name) is None:
            near = self.registry.suggest(type_name)
            hint = f" Did you mean {' or '.join(near)}?" if near else ""
            if type_name.startswith(SERVERLESS_PREFIX):
                hint = f" Serverless types need the transform: Transform: {SAM_TRANSFORM}"
            return f"Template format error: Unrecognized resource types: [{type_name}].{hint}"
        try:
            available = type_name.startswith("Custom::") or type_name in self._types_in_region(
                region)
        except KeyError:
            available = True  # no availability data for this region: do not guess
        if not available:
            return (f"Template format error: Unrecognized resource types: [{type_name}] "
                    f"(not available in {region})")
        return None

    def _types_in_region(self, region: str) -> frozenset[str]:
        if region not in self._region_types:
            self._region_types[region] = frozenset(self.registry.types_in_region(region))
        return self._region_types[region]

    def _check_schema(self, schema: Any, logical_id: str, properties: Mapping[str, Json]) -> None:
        if self._is_custom(schema.type_name):
            return  # custom resources take any properties besides ServiceToken
        problems = check_properties(schema, properties)
        if problems:
            raise ProviderError(format_problems(logical_id, problems), "InvalidRequest")

    @staticmethod
    def _is_custom(type_name: str) -> bool:
        return type_name.startswith("Custom::") or type_name == CUSTOM_RESOURCE

    def _check_service_token(self, ctx: RuleContext) -> None:
        """A custom resource's ServiceToken must be a Lambda function or SNS topic in the account."""
        token = ctx.properties.get("ServiceToken")
        if not isinstance(token, str) or not token:
            raise ProviderError("Custom resource is missing the required ServiceToken property",
                                "InvalidRequest")
        parts = token.split(":")
        if len(parts) >= 7 and parts[2] == "lambda":
            if ctx.find("AWS::Lambda::Function", parts[6]) is not None:
                return
        elif len(parts) >= 6 and parts[2] == "sns":
            if ctx.find("AWS::SNS::Topic", token) is not None:
                return
        raise ProviderError(f"Invalid service token: {token} does not name a Lambda function or SNS "
                            "topic in this account and region", "InvalidRequest")

    def _context(self, stack: StackRef, logical_id: str) -> dict[str, Json]:
        return formats.context_vars(stack.account_id, stack.region, stack.partition,
                                    stack.stack_name, stack.stack_id, logical_id)

    def _unique_name(self, type_name: str, stack: StackRef, name: str | None,
                     properties: Mapping[str, Json] | None = None
                     ) -> tuple[str | None, str | None, str | None]:
        properties = properties or {}
        rule: NameRule | None = formats.name_rule(type_name)
        if rule is None or rule.unique is None or name is None:
            return None, None, None
        scope = {"global": "global", "account": stack.account_id}.get(
            rule.unique, f"{stack.account_id}/{stack.region}")
        if rule.within:
            scope += "/" + str(properties.get(rule.within) or "default")
        return rule.kind or type_name, scope, name

    def _put(self, resource: StoredResource, *, replace: bool = False,
             token: tuple[str, str, Json] | None = None) -> None:
        try:
            self.store.put_resource(resource, replace=replace, token=token)
        except NameTaken as exc:
            if resource.type_name == "AWS::S3::Bucket":
                raise ProviderError(f"{exc.name} already exists", "AlreadyExists") from exc
            raise ProviderError(f"Resource of type '{resource.type_name}' with identifier "
                                f"'{exc.name}' already exists.", "AlreadyExists") from exc

    def _after_write(self, type_name: str, stack: StackRef, physical_id: str,
                     properties: Mapping[str, Json]) -> None:
        if type_name == "AWS::SSM::Parameter":
            self.store.put_ssm_parameter(stack.account_id, stack.region, physical_id,
                                         str(properties.get("Value", "")),
                                         str(properties.get("Type", "String")))

    def _existing(self, stack: StackRef, type_name: str, logical_id: str,
                  physical_id: str) -> StoredResource | None:
        candidates = self.store.find_physical(stack.account_id, stack.region, type_name,
                                              physical_id, stack.stack_id or None)
        mine = [r for r in candidates if r.logical_id == logical_id]
        if mine or candidates:
            return (mine or candidates)[0]
        return self.store.get_resource(stack.account_id, stack.region, type_name, physical_id)

    def _delay(self) -> None:
        if self.latency_ms > 0:
            self._sleep(self.latency_ms / 1000.0)

    def _replay(self, token: str, operation: str) -> ResourceResult | None:
        if not token:
            return None
        found = self.store.token_result(token)
        if found is None or found[0] != operation:
            return None
        return ResourceResult(found[1]["physical_id"], found[1]["attributes"])

    @staticmethod
    def _token_row(token: str, operation: str, result: ResourceResult) -> tuple[str, str, Json] | None:
        """The idempotency record stored in the same transaction as the change it answers."""
        if not token:
            return None
        return token, operation, {"physical_id": result.physical_id, "attributes": dict(result.attributes)}

    def _maybe_fail(self, logical_id: str, operation: str, type_name: str, token: str) -> None:
        if any(spec.matches(logical_id, operation) for spec in self.inject_failures):
            raise ProviderError(
                f"Resource handler returned message: \"Injected failure: {operation} of {logical_id} "
                f"({type_name}) failed as requested by --inject-failure\" (RequestToken: {token}, "
                "HandlerErrorCode: GeneralServiceException)", "GeneralServiceException")


def public_parameter(name: str, region: str) -> str | None:
    """AWS's public parameters (`/aws/service/...`, e.g. the latest Amazon Linux AMI): a stable
    stand-in value of the right shape, the same for every account in a region."""
    if not name.startswith("/aws/service/"):
        return None
    digest = hashlib.sha256(f"{region}\0{name}".encode()).hexdigest()
    lowered = name.lower()
    if "ami" in lowered or "image" in lowered or "/canonical/" in lowered or "/debian/" in lowered:
        return f"ami-{digest[:17]}"
    return digest[:32]


def generated_name(stack: StackRef, logical_id: str, type_name: str, generation: int = 0,
                   properties: Mapping[str, Json] | None = None) -> str | None:
    """The name CloudFormation would give an unnamed resource of this type (None if the type has
    no name rule) — what the local provider uses."""
    rule = formats.name_rule(type_name)
    if rule is None:
        return None
    return generate_name(stack.stack_name, logical_id, rule,
                         seeded_rng(stack.stack_id, logical_id, generation), properties)
