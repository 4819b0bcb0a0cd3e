"""Custom domains of HTTP APIs: AWS::ApiGatewayV2::DomainName, ApiMappings, Route 53 records."""

from __future__ import annotations

import json
from typing import Any

from stackengine.transform.sam.common import Json, fail, getatt, plain, ref, resource
from stackengine.transform.sam.context import SamContext
from stackengine.transform.sam.logical_ids import digest


def add_http_domain(logical_id: str, domain: Json, ctx: SamContext, path: tuple[Any, ...],
                    condition: Json, stage_id: str, tag: str = "httpapi:createdBy",
                    tags: dict[str, Json] | None = None) -> None:
    if not isinstance(domain, dict):
        raise fail(f"Resource with id [{logical_id}] is invalid. Invalid property type 'Domain'.", path)
    name = domain.get("DomainName")
    certificate = domain.get("CertificateArn")
    if name is None or certificate is None:
        raise fail(f"Resource with id [{logical_id}] is invalid. Custom Domains only works if both "
                   "DomainName and CertificateArn are provided.", path)
    endpoint = domain.get("EndpointConfiguration", "REGIONAL")
    if endpoint != "REGIONAL" and not (isinstance(endpoint, dict)):
        raise fail(f"Resource with id [{logical_id}] is invalid. EndpointConfiguration for Custom Domains "
                   "must be one of ['REGIONAL'].", path + ("EndpointConfiguration",))
    domain_id = "ApiGatewayDomainNameV2" + digest(name if isinstance(name, str) else
                                                   json.dumps(name, sort_keys=True))[:10]
    config: dict[str, Json] = {"CertificateArn": plain(certificate), "EndpointType": "REGIONAL"}
    for key in ("SecurityPolicy", "OwnershipVerificationCertificateArn", "IpAddressType"):
        if domain.get(key) is not None:
            config[key] = plain(domain[key])
    domain_props: dict[str, Json] = {"DomainName": plain(name), "DomainNameConfigurations": [config],
                                     "Tags": dict(tags) if tags else {tag: "SAM"}}
    if domain.get("MutualTlsAuthentication") is not None:
        domain_props["MutualTlsAuthentication"] = plain(domain["MutualTlsAuthentication"])
    ctx.add(domain_id, resource("AWS::ApiGatewayV2::DomainName", domain_props, condition=condition))
    ctx.refs[(logical_id, "DomainName")] = ref(domain_id)
    base_paths = domain.get("BasePath")
    if base_paths is None:
        base_paths = [None]
    if not isinstance(base_paths, list):
        if not isinstance(base_paths, str) or False:
            raise fail(f"Resource with id [{logical_id}] is invalid. Invalid Basepath name provided.",
                       path + ("BasePath",))
        base_paths = [base_paths]
    for base in base_paths:
        if base is not None and not isinstance(base, str):
            raise fail(f"Resource with id [{logical_id}] is invalid. Invalid Basepath name provided.",
                       path + ("BasePath",))
        mapping: dict[str, Json] = {"DomainName": ref(domain_id), "ApiId": ref(logical_id),
                                    "Stage": ref(stage_id)}
        suffix = ""
        if isinstance(base, str) and base.strip("/"):
            mapping["ApiMappingKey"] = base.strip("/")
            suffix = "".join(ch for ch in base if ch.isalnum())
        ctx.add(f"{logical_id}{suffix}ApiMapping", resource("AWS::ApiGatewayV2::ApiMapping", mapping,
                                                              condition=condition))
    route53 = domain.get("Route53")
    if isinstance(route53, dict):
        zone_id = route53.get("HostedZoneId")
        zone_name = route53.get("HostedZoneName")
        zone = zone_id if zone_id is not None else zone_name
        if zone is None:
            raise fail(f"Resource with id [{logical_id}] is invalid. HostedZoneId or HostedZoneName is "
                       "required to enable Route53 support on Custom Domains.", path + ("Route53",))
        group_id = "RecordSetGroup" + digest(zone if isinstance(zone, str) else json.dumps(zone, sort_keys=True))[:10]
        alias = {"HostedZoneId": getatt(domain_id, "RegionalHostedZoneId"),
                 "DNSName": getatt(domain_id, "RegionalDomainName")}
        record: dict[str, Json] = {"Name": plain(name), "Type": "A", "AliasTarget": alias}
        for k in ("SetIdentifier", "Region"):
            if route53.get(k) is not None:
                record[k] = plain(route53[k])
        records = [record]
        if route53.get("IpV6"):
            records.append({**record, "Type": "AAAA", "AliasTarget": dict(alias)})
        props: dict[str, Json] = {"RecordSets": records}
        props["HostedZoneId" if zone_id is not None else "HostedZoneName"] = plain(zone)
        ctx.add(group_id, resource("AWS::Route53::RecordSetGroup", props, condition=condition))
