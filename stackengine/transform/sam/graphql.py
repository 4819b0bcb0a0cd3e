"""AWS::Serverless::GraphQLApi → AppSync: the API, its schema, data sources (with roles and
connector policies), pipeline functions and resolvers, API keys, cache, domain and logging role."""

from __future__ import annotations

from typing import Any

from stackengine.transform.sam.common import (
    attributes_of,
    ANY, BOOL, DICT, STR, Json, Prop, check_properties, fail, getatt, plain, ref, resource,
)
from stackengine.transform.sam.context import SamContext
from stackengine.transform.sam.policies import assume_role

GRAPHQL = "AWS::Serverless::GraphQLApi"
SCHEMA: dict[str, Prop] = {
    "Name": STR, "SchemaInline": STR, "SchemaUri": STR, "Auth": Prop((dict,), required=True),
    "Tags": DICT, "XrayEnabled": BOOL, "Logging": Prop((bool, dict)), "DataSources": DICT,
    "Functions": DICT, "Resolvers": DICT, "ApiKeys": DICT, "Cache": DICT, "DomainName": DICT,
    "Visibility": STR, "OwnerContact": STR, "IntrospectionConfig": STR, "QueryDepthLimit": ANY,
    "ResolverCountLimit": ANY, "ApiType": STR, "EnvironmentVariables": DICT, "MergedApiExecutionRoleArn": ANY,
}
DEFAULT_RESOLVER_CODE = ("\nexport function request(ctx) {\n    return {};\n}\n\n"
                         "export function response(ctx) {\n    return ctx.prev.result;\n}\n")
AUTH_TYPES = ("AWS_IAM", "API_KEY", "AWS_LAMBDA", "OPENID_CONNECT", "AMAZON_COGNITO_USER_POOLS")


def _invalid(owner: str, message: str, path: tuple[Any, ...]) -> Exception:
    return fail(f"Resource with id [{owner}] is invalid. {message}", path)


def translate_graphql(logical_id: str, res: dict[str, Json], ctx: SamContext) -> None:
    path = ("Resources", logical_id, "Properties")
    props: dict[str, Json] = res.get("Properties") or {}
    check_properties(GRAPHQL, logical_id, props, SCHEMA, path)
    condition = res.get("Condition")
    api_id = getatt(logical_id, "ApiId")
    api: dict[str, Json] = {"Name": plain(props.get("Name", logical_id))}
    api.update(_auth(logical_id, props["Auth"], ctx, path + ("Auth",), condition))
    for key in ("XrayEnabled", "Visibility", "OwnerContact", "IntrospectionConfig", "QueryDepthLimit",
                "ResolverCountLimit", "ApiType", "EnvironmentVariables", "MergedApiExecutionRoleArn"):
        if props.get(key) is not None:
            api[key] = plain(props[key])
    logging = props.get("Logging", True)
    if logging is not False:
        config = dict(plain(logging)) if isinstance(logging, dict) else {}
        if config.get("CloudWatchLogsRoleArn") is None:
            role_id = f"{logical_id}CloudWatchRole"
            ctx.add(role_id, resource("AWS::IAM::Role", {
                "AssumeRolePolicyDocument": assume_role("appsync.amazonaws.com"),
                "ManagedPolicyArns": [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/"
                                                  "AWSAppSyncPushToCloudWatchLogs"}]}, condition=condition))
            config["CloudWatchLogsRoleArn"] = getatt(role_id, "Arn")
        config.setdefault("FieldLogLevel", "ALL")
        api["LogConfig"] = config
    api["Tags"] = [{"Key": k, "Value": plain(v)} for k, v in (props.get("Tags") or {}).items()] + \
        [{"Key": "graphqlapi:createdBy", "Value": "SAM"}]
    attrs = attributes_of(res, "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata")
    ctx.add(logical_id, resource("AWS::AppSync::GraphQLApi", api, condition=condition, **attrs))
    schema_id = f"{logical_id}Schema"
    if props.get("SchemaInline") is not None and props.get("SchemaUri") is not None:
        raise _invalid(logical_id, "Only one of 'SchemaInline' or 'SchemaUri' can be set.", path)
    if props.get("SchemaInline") is not None:
        schema: dict[str, Json] = {"ApiId": api_id, "Definition": plain(props["SchemaInline"])}
    elif props.get("SchemaUri") is not None:
        schema = {"ApiId": api_id, "DefinitionS3Location": plain(props["SchemaUri"])}
    else:
        raise _invalid(logical_id, "One of 'SchemaInline' or 'SchemaUri' must be set.", path)
    ctx.add(schema_id, resource("AWS::AppSync::GraphQLSchema", schema, condition=condition))
    sources = _data_sources(logical_id, props.get("DataSources") or {}, ctx, path + ("DataSources",), condition)
    functions = _functions(logical_id, props.get("Functions") or {}, sources, ctx, path + ("Functions",),
                           condition)
    _resolvers(logical_id, props.get("Resolvers") or {}, functions, schema_id, ctx, path + ("Resolvers",),
               condition)
    for name, key_spec in (props.get("ApiKeys") or {}).items():
        api_key: dict[str, Json] = key_spec or {}
        key_props: dict[str, Json] = {"ApiId": api_id}
        for src, dst in (("ApiKeyId", "ApiKeyId"), ("Description", "Description"), ("ExpiresOn", "Expires")):
            if api_key.get(src) is not None:
                key_props[dst] = plain(api_key[src])
        ctx.add(f"{logical_id}{name}", resource("AWS::AppSync::ApiKey", key_props, condition=condition))
    if props.get("Cache") is not None:
        ctx.add(f"{logical_id}ApiCache", resource("AWS::AppSync::ApiCache",
                                                  {"ApiId": api_id, **plain(props["Cache"])}, condition=condition))
    if props.get("DomainName") is not None:
        domain_id = f"{logical_id}DomainName"
        ctx.add(domain_id, resource("AWS::AppSync::DomainName", plain(props["DomainName"]), condition=condition))
        ctx.add(f"{domain_id}ApiAssociation", resource("AWS::AppSync::DomainNameApiAssociation", {
            "ApiId": api_id, "DomainName": ref(domain_id)}, condition=condition))


def _provider(owner: str, spec: Json, path: tuple[Any, ...], *, default: bool) -> dict[str, Json]:
    if not isinstance(spec, dict):
        raise _invalid(owner, "Auth providers must be maps.", path)
    type_ = spec.get("Type")
    if type_ not in AUTH_TYPES:
        raise _invalid(owner, f"Auth Type must be one of {', '.join(AUTH_TYPES)}.", path + ("Type",))
    out: dict[str, Json] = {"AuthenticationType": type_}
    if spec.get("UserPool") is not None:
        pool = dict(plain(spec["UserPool"]))
        if not default:
            pool.pop("DefaultAction", None)
        out["UserPoolConfig"] = pool
    if spec.get("OpenIDConnect") is not None:
        out["OpenIDConnectConfig"] = plain(spec["OpenIDConnect"])
    if spec.get("LambdaAuthorizer") is not None:
        out["LambdaAuthorizerConfig"] = plain(spec["LambdaAuthorizer"])
    return out


def _auth(owner: str, auth: dict[str, Json], ctx: SamContext, path: tuple[Any, ...],
          condition: Json) -> dict[str, Json]:
    out = _provider(owner, auth, path, default=True)
    additional = auth.get("Additional")
    if additional is not None:
        if not isinstance(additional, list):
            raise _invalid(owner, "Auth 'Additional' must be a list.", path + ("Additional",))
        out["AdditionalAuthenticationProviders"] = [
            _provider(owner, item, path + ("Additional", i), default=False) for i, item in enumerate(additional)]
    for key in auth:
        if key not in ("Type", "UserPool", "OpenIDConnect", "LambdaAuthorizer", "Additional"):
            raise _invalid(owner, f"Invalid Auth property '{key}'.", path + (key,))
    return out


def _data_sources(owner: str, sources: Json, ctx: SamContext, path: tuple[Any, ...],
                  condition: Json) -> dict[str, str]:
    """name → generated DataSource logical ID."""
    from stackengine.transform.sam.connector import _statements, profiles, _fill

    out: dict[str, str] = {}
    if not isinstance(sources, dict):
        raise _invalid(owner, "'DataSources' must be a map.", path)
    for kind, entries in sources.items():
        if kind not in ("DynamoDb", "Lambda"):
            raise _invalid(owner, f"Unsupported data source kind '{kind}'.", path + (kind,))
        for name, spec in (entries or {}).items():
            spath = path + (kind, name)
            if not isinstance(spec, dict):
                raise _invalid(owner, f"Data source '{name}' must be a map.", spath)
            suffix = "DynamoDBDataSource" if kind == "DynamoDb" else "LambdaDataSource"
            ds_id = f"{owner}{name}{suffix}"
            ds: dict[str, Json] = {"ApiId": getatt(owner, "ApiId"), "Name": plain(spec.get("Name", name))}
            if spec.get("Description") is not None:
                ds["Description"] = plain(spec["Description"])
            if kind == "DynamoDb":
                if spec.get("TableName") is None:
                    raise _invalid(owner, f"Data source '{name}' requires 'TableName'.", spath)
                ds["Type"] = "AMAZON_DYNAMODB"
                config: dict[str, Json] = {"TableName": plain(spec["TableName"]),
                                           "AwsRegion": plain(spec.get("Region", {"Ref": "AWS::Region"}))}
                for src, dst in (("UseCallerCredentials", "UseCallerCredentials"), ("Versioned", "Versioned"),
                                 ("DeltaSync", "DeltaSyncConfig")):
                    if spec.get(src) is not None:
                        config[dst] = plain(spec[src])
                ds["DynamoDBConfig"] = config
                destination_arn = plain(spec.get("TableArn")) or {"Fn::Sub": [
                    "arn:${AWS::Partition}:dynamodb:${__Region__}:${AWS::AccountId}:table/${__TableName__}",
                    {"__Region__": config["AwsRegion"], "__TableName__": plain(spec["TableName"])}]}
                dest_type, connector_name = "AWS::DynamoDB::Table", "ToTableConnector"
                permissions = spec.get("Permissions") or ["Read", "Write"]
            else:
                if spec.get("FunctionArn") is None:
                    raise _invalid(owner, f"Data source '{name}' requires 'FunctionArn'.", spath)
                ds["Type"] = "AWS_LAMBDA"
                ds["LambdaConfig"] = {"LambdaFunctionArn": plain(spec["FunctionArn"])}
                destination_arn = plain(spec["FunctionArn"])
                dest_type, connector_name = "AWS::Lambda::Function", "ToLambdaConnector"
                permissions = ["Write"]
            if spec.get("ServiceRoleArn") is not None:
                ds["ServiceRoleArn"] = plain(spec["ServiceRoleArn"])
            else:
                role_id = f"{ds_id}Role"
                ctx.add(role_id, resource("AWS::IAM::Role", {
                    "AssumeRolePolicyDocument": assume_role("appsync.amazonaws.com")}, condition=condition))
                ds["ServiceRoleArn"] = getatt(role_id, "Arn")
                profile = profiles()["AWS::AppSync::DataSource"][dest_type]
                statements = _statements(profile, permissions, owner, "AWS::AppSync::DataSource", dest_type, spath)
                connector_id = f"{ds_id}{connector_name}"
                ctx.add(f"{connector_id}Policy", {
                    **resource("AWS::IAM::ManagedPolicy", {
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": _fill(
                            statements, {"Destination.Arn": destination_arn}, owner, spath)},
                        "Roles": [ref(role_id)]}, condition=condition),
                    "Metadata": {"aws:sam:connectors": {connector_id: {
                        "Source": {"Type": "AWS::AppSync::DataSource"}, "Destination": {"Type": dest_type}}}}})
            ctx.add(ds_id, resource("AWS::AppSync::DataSource", ds, condition=condition))
            out[name] = ds_id
    return out


def _functions(owner: str, functions: Json, sources: dict[str, str], ctx: SamContext, path: tuple[Any, ...],
               condition: Json) -> dict[str, Json]:
    """name → the FunctionId value resolvers use."""
    out: dict[str, Json] = {}
    none_source: str | None = None
    for name, spec in functions.items():
        fpath = path + (name,)
        if not isinstance(spec, dict):
            raise _invalid(owner, f"Function '{name}' must be a map.", fpath)
        if spec.get("Id") is not None:
            out[name] = plain(spec["Id"])
            continue
        fn_id = f"{owner}{name}"
        fn: dict[str, Json] = {"ApiId": getatt(owner, "ApiId"), "Name": plain(spec.get("Name", name))}
        source = spec.get("DataSource")
        if isinstance(source, str) and source.lower() == "none":
            if none_source is None:
                none_source = f"{owner}NoneDataSource"
                ctx.add(none_source, resource("AWS::AppSync::DataSource", {
                    "ApiId": getatt(owner, "ApiId"), "Name": none_source, "Type": "NONE"}, condition=condition))
            fn["DataSourceName"] = getatt(none_source, "Name")
        elif isinstance(source, str) and source in sources:
            fn["DataSourceName"] = getatt(sources[source], "Name")
        elif source is not None:
            fn["DataSourceName"] = plain(source)
        else:
            raise _invalid(owner, f"Function '{name}' requires 'DataSource'.", fpath)
        if spec.get("InlineCode") is not None:
            fn["Code"] = plain(spec["InlineCode"])
        elif spec.get("CodeUri") is not None:
            fn["CodeS3Location"] = plain(spec["CodeUri"])
        runtime = spec.get("Runtime")
        if runtime is not None:
            fn["Runtime"] = {"Name": plain(runtime.get("Name")), "RuntimeVersion": plain(runtime.get("Version"))}
        for key in ("Description", "MaxBatchSize", "Sync"):
            if spec.get(key) is not None:
                fn["SyncConfig" if key == "Sync" else key] = plain(spec[key])
        ctx.add(fn_id, resource("AWS::AppSync::FunctionConfiguration", fn, condition=condition))
        out[name] = getatt(fn_id, "FunctionId")
    return out


def _resolvers(owner: str, resolvers: Json, functions: dict[str, Json], schema_id: str, ctx: SamContext,
               path: tuple[Any, ...], condition: Json) -> None:
    for type_name, entries in resolvers.items():
        for name, spec in (entries or {}).items():
            rpath = path + (type_name, name)
            if not isinstance(spec, dict):
                raise _invalid(owner, f"Resolver '{name}' must be a map.", rpath)
            pipeline = spec.get("Pipeline") or []
            for fn in pipeline:
                if fn not in functions:
                    raise _invalid(owner, f"Function '{fn}' in the pipeline of resolver '{name}' is not "
                                   "defined in 'Functions'.", rpath + ("Pipeline",))
            resolver: dict[str, Json] = {
                "ApiId": getatt(owner, "ApiId"), "TypeName": type_name,
                "FieldName": plain(spec.get("FieldName", name)), "Kind": "PIPELINE",
                "PipelineConfig": {"Functions": [functions[fn] for fn in pipeline]}}
            if spec.get("CodeUri") is not None:
                resolver["CodeS3Location"] = plain(spec["CodeUri"])
            else:
                resolver["Code"] = plain(spec.get("InlineCode", DEFAULT_RESOLVER_CODE))
            runtime = spec.get("Runtime") or {"Name": "APPSYNC_JS", "Version": "1.0.0"}
            resolver["Runtime"] = {"Name": plain(runtime.get("Name")), "RuntimeVersion": plain(runtime.get("Version"))}
            for src, dst in (("MaxBatchSize", "MaxBatchSize"), ("Caching", "CachingConfig"), ("Sync", "SyncConfig")):
                if spec.get(src) is not None:
                    resolver[dst] = plain(spec[src])
            ctx.add(f"{owner}{type_name}{name}", resource("AWS::AppSync::Resolver", resolver,
                                                         condition=condition, DependsOn=[schema_id]))
