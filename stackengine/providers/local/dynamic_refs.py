"""Dynamic references (`{{resolve:ssm:...}}`, `{{resolve:ssm-secure:...}}`,
`{{resolve:secretsmanager:...}}`) resolved from the emulated account at provisioning time, as
CloudFormation resolves them: the template keeps the reference, the resource gets the value."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Callable, Mapping

from stackengine.providers.base import ProviderError, StackRef
from stackengine.providers.local.store import AccountStore

Json = Any

_REFERENCE = re.compile(r"\{\{resolve:([a-z-]+):([^}]*)\}\}")


def resolve_dynamic_references(value: Json, store: AccountStore, stack: StackRef,
                               public: Callable[[str, str], str | None]) -> Json:
    """`value` with every dynamic reference replaced by what the account holds."""
    if isinstance(value, str):
        if "{{resolve:" not in value:
            return value
        return _REFERENCE.sub(lambda m: _resolve(m.group(1), m.group(2), store, stack, public), value)
    if isinstance(value, list):
        return [resolve_dynamic_references(v, store, stack, public) for v in value]
    if isinstance(value, Mapping):
        return {k: resolve_dynamic_references(v, store, stack, public) for k, v in value.items()}
    return value


def _resolve(service: str, rest: str, store: AccountStore, stack: StackRef,
             public: Callable[[str, str], str | None]) -> str:
    resolver = _RESOLVERS.get(service)
    if resolver is None:
        raise ProviderError(f"Unsupported dynamic reference service '{service}' in "
                            f"{{{{resolve:{service}:{rest}}}}}", "InvalidRequest")
    return resolver(rest, store, stack, public)


def _ssm(rest: str, store: AccountStore, stack: StackRef,
         public: Callable[[str, str], str | None]) -> str:
    # name[:version]; names may not contain ':' except in an ARN, which is not allowed here
    name = rest.rsplit(":", 1)[0] if re.search(r":\d+$", rest) else rest
    found = store.get_ssm_parameter(stack.account_id, stack.region, name)
    if found is not None:
        return found[1]
    value = public(name, stack.region)
    if value is not None:
        return value
    raise ProviderError(f"Parameters: [{name}] cannot be found.", "NotFound")


def _secretsmanager(rest: str, store: AccountStore, stack: StackRef,
                    public: Callable[[str, str], str | None]) -> str:
    # secret-id:SecretString:json-key:version-stage:version-id; secret-id may be a full ARN
    if rest.startswith("arn:"):
        head = rest.split(":")
        secret_id, fields = ":".join(head[:7]), head[7:]
    else:
        secret_id, *fields = rest.split(":")
    secret = _find_secret(store, stack, secret_id)
    if secret is None:
        raise ProviderError("Secrets Manager can't find the specified secret. (Service: "
                            "AWSSecretsManager; Status Code: 400; Error Code: "
                            "ResourceNotFoundException)", "NotFound")
    text = secret_string(secret.physical_id, secret.properties)
    json_key = fields[1] if len(fields) > 1 and fields[1] else None
    if json_key is None:
        return text
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict) or json_key not in document:
        raise ProviderError(f"Could not find SecretString JSON key '{json_key}' in secret "
                            f"{secret_id}", "InvalidRequest")
    return str(document[json_key])


def _find_secret(store: AccountStore, stack: StackRef, secret_id: str) -> Any:
    for resource in store.list_resources(stack.account_id, stack.region, "AWS::SecretsManager::Secret"):
        if secret_id in (resource.physical_id, resource.name, resource.properties.get("Name"),
                         str(resource.vars.get("Name"))):
            return resource
    return None


def secret_string(physical_id: str, properties: Mapping[str, Json]) -> str:
    """The secret's value: SecretString, or the password GenerateSecretString makes (stable per
    secret, so every reader sees the same value)."""
    given = properties.get("SecretString")
    if isinstance(given, str):
        return given
    spec = properties.get("GenerateSecretString")
    spec = spec if isinstance(spec, Mapping) else {}
    length = int(str(spec.get("PasswordLength", 32)))
    excluded = set(str(spec.get("ExcludeCharacters", "")))
    alphabet = [c for c in "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789" if c not in excluded]
    digest = hashlib.sha256(physical_id.encode()).digest() * (length // 32 + 1)
    password = "".join(alphabet[b % len(alphabet)] for b in digest[:length])
    template, key = spec.get("SecretStringTemplate"), spec.get("GenerateStringKey")
    if isinstance(template, str) and isinstance(key, str):
        try:
            document = json.loads(template)
        except ValueError:
            document = {}
        if isinstance(document, dict):
            document[key] = password
            return json.dumps(document)
    return password


_RESOLVERS: dict[str, Callable[[str, AccountStore, StackRef, Callable[[str, str], str | None]], str]] = {
    "ssm": _ssm,
    "ssm-secure": _ssm,
    "secretsmanager": _secretsmanager,
}
