"""REST API resource policies (`Auth.ResourcePolicy` on the API or on a function's Api event): the
`x-amazon-apigateway-policy` statements allowing/denying accounts, IP ranges and VPC endpoints per
method, plus custom statements."""

from __future__ import annotations

import re
from typing import Any

from stackengine.transform.sam.common import Json, fail, is_intrinsic, plain
from stackengine.transform.sam.swagger import ANY_METHOD, SwaggerEditor

POLICY_KEYS = frozenset({"AwsAccountWhitelist", "AwsAccountBlacklist", "IpRangeWhitelist", "IpRangeBlacklist",
                         "SourceVpcWhitelist", "SourceVpcBlacklist", "IntrinsicVpcWhitelist",
                         "IntrinsicVpcBlacklist", "IntrinsicVpceWhitelist", "IntrinsicVpceBlacklist",
                         "CustomStatements"})
_PARAM = re.compile(r"\{([a-zA-Z0-9._-]+|[a-zA-Z0-9._-]+\+|proxy\+)\}")


class ResourcePolicy:
    def __init__(self, doc: dict[str, Json]) -> None:
        self.doc = doc
        self.policy: dict[str, Json] = doc.get("x-amazon-apigateway-policy") or {}

    def save(self) -> None:
        if self.policy:
            self.doc["x-amazon-apigateway-policy"] = self.policy

    def add_statements(self, statements: Json) -> None:
        if statements is None:
            return
        self.policy["Version"] = "2012-10-17"
        if self.policy.get("Statement") is None:
            self.policy["Statement"] = plain(statements)
            return
        new = statements if isinstance(statements, list) else [statements]
        current = self.policy["Statement"]
        current = current if isinstance(current, list) else [current]
        for statement in new:
            if statement not in current:
                current.append(plain(statement))
        self.policy["Statement"] = current


def method_resources(editor: SwaggerEditor, path: str, stage: Json) -> list[Json]:
    resource_path = _PARAM.sub("*", path)
    out: list[Json] = []
    for method in editor.path_item(path):
        if method in ("parameters", "summary", "description", "servers"):
            continue
        verb = "*" if method.lower() in (ANY_METHOD, "any") else method.upper()
        out.append({"Fn::Sub": [f"execute-api:/${{__Stage__}}/{verb}{resource_path}", {"__Stage__": plain(stage)}]})
    return out


def add_resource_policy(owner: str, editor: SwaggerEditor, policy: Json, path: str, stage: Json,
                        where: tuple[Any, ...]) -> None:
    if policy is None:
        return
    if not isinstance(policy, dict):
        raise fail(f"Resource with id [{owner}] is invalid. 'ResourcePolicy' must be a map.", where)
    for key in policy:
        if key not in POLICY_KEYS:
            raise fail(f"Resource with id [{owner}] is invalid. Invalid 'ResourcePolicy' property '{key}'.",
                       where + (key,))
    rp = ResourcePolicy(editor.doc)
    resources = method_resources(editor, path, stage)
    for key, effect in (("AwsAccountWhitelist", "Allow"), ("AwsAccountBlacklist", "Deny")):
        accounts = policy.get(key)
        if accounts:
            # A first account statement stands alone (not in a list), as the reference writes it.
            rp.add_statements({"Action": "execute-api:Invoke", "Effect": effect, "Resource": resources,
                               "Principal": {"AWS": plain(accounts)}})
    for key, condition in (("IpRangeWhitelist", "NotIpAddress"), ("IpRangeBlacklist", "IpAddress")):
        ips = policy.get(key)
        if ips:
            ips = ips if isinstance(ips, list) else [ips]
            rp.add_statements(_allow_deny(resources, {condition: {"aws:SourceIp": plain(ips)}}))
    for suffix, condition in (("Whitelist", "StringNotEquals"), ("Blacklist", "StringEquals")):
        endpoints = policy.get(f"SourceVpc{suffix}")
        if endpoints is not None and (not isinstance(endpoints, list) or
                                      not all(isinstance(e, str) for e in endpoints)):
            raise fail(f"Resource with id [{owner}] is invalid. SourceVpc{suffix} must be a list of strings. "
                       f"Use IntrinsicVpc{suffix} instead for values that use Intrinsic Functions",
                       where + (f"SourceVpc{suffix}",))
        vpcs = [e for e in endpoints or [] if e.startswith("vpc-")]
        vpces = [e for e in endpoints or [] if e.startswith("vpce-")]
        cond: dict[str, Json] = {}
        intrinsic_vpc = policy.get(f"IntrinsicVpc{suffix}")
        intrinsic_vpce = policy.get(f"IntrinsicVpce{suffix}")
        if vpcs or intrinsic_vpc:
            cond["aws:SourceVpc"] = vpcs + plain(intrinsic_vpc or []) if not is_intrinsic(intrinsic_vpc) else plain(intrinsic_vpc)
        if vpces or intrinsic_vpce:
            cond["aws:SourceVpce"] = vpces + plain(intrinsic_vpce or []) if not is_intrinsic(intrinsic_vpce) else plain(intrinsic_vpce)
        if cond:
            rp.add_statements(_allow_deny(resources, {condition: cond}))
    rp.save()


def add_custom_statements(editor: SwaggerEditor, statements: Json) -> None:
    rp = ResourcePolicy(editor.doc)
    rp.add_statements(statements)
    rp.save()


def _allow_deny(resources: list[Json], condition: dict[str, Json]) -> list[Json]:
    return [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": resources, "Principal": "*"},
            {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": resources, "Principal": "*",
             "Condition": condition}]
