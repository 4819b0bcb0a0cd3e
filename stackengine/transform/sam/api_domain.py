"""Custom domains of REST APIs: DomainName, BasePathMappings and Route 53 records."""

from __future__ import annotations

from typing import Any

from stackengine.transform.sam.common import Json, fail, getatt, is_intrinsic, plain, ref, resource
from stackengine.transform.sam.context import SamContext
from stackengine.transform.sam.logical_ids import digest

DOMAIN_KEYS = frozenset({"DomainName", "CertificateArn", "EndpointConfiguration", "BasePath",
                         "Route53", "MutualTlsAuthentication", "SecurityPolicy",
                         "OwnershipVerificationCertificateArn", "NormalizeBasePath", "IpAddressType",
                         "Policy", "AccessAssociation", "EndpointAccessMode"})


def add_domain(logical_id: str, props: dict[str, Json], ctx: SamContext, path: tuple[Any, ...],
               condition: Json, stage_id: str, attrs: dict[str, Json]) -> None:
    domain = props.get("Domain")
    if domain is None:
        return
    dpath = path + ("Domain",)
    if not isinstance(domain, dict):
        raise fail(f"Resource with id [{logical_id}] is invalid. Invalid property type 'Domain'.", dpath)
    for key in domain:
        if key not in DOMAIN_KEYS:
            raise fail(f"Resource with id [{logical_id}] is invalid. Invalid property '{key}' in 'Domain'.",
                       dpath + (key,))
    name = domain.get("DomainName")
    certificate = domain.get("CertificateArn")
    if name is None or certificate is None:
        raise fail(f"Resource with id [{logical_id}] is invalid. Custom Domains only works if both "
                   "DomainName and CertificateArn are provided.", dpath)
    endpoint = domain.get("EndpointConfiguration", "REGIONAL")
    if endpoint not in ("REGIONAL", "EDGE", "PRIVATE") and not is_intrinsic(endpoint):
        raise fail(f"Resource with id [{logical_id}] is invalid. EndpointConfiguration for Custom Domains "
                   "must be one of ['EDGE', 'REGIONAL', 'PRIVATE'].", dpath + ("EndpointConfiguration",))
    if endpoint == "PRIVATE":
        _private_domain(logical_id, domain, name, certificate, ctx, dpath, condition, stage_id)
        return
    domain_id = "ApiGatewayDomainName" + digest(name if isinstance(name, str) else
                                                 __import__("json").dumps(name, sort_keys=True))[:10]
    domain_props: dict[str, Json] = {"DomainName": plain(name)}
    if endpoint == "REGIONAL":
        domain_props["RegionalCertificateArn"] = plain(certificate)
    else:
        domain_props["CertificateArn"] = plain(certificate)
    domain_props["EndpointConfiguration"] = {"Types": [plain(endpoint)]}
    if domain.get("IpAddressType") is not None:
        domain_props["EndpointConfiguration"]["IpAddressType"] = plain(domain["IpAddressType"])
    for key in ("SecurityPolicy", "OwnershipVerificationCertificateArn", "Policy", "EndpointAccessMode"):
        if domain.get(key) is not None:
            domain_props[key] = plain(domain[key])
    mtls = domain.get("MutualTlsAuthentication")
    if mtls is not None:
        if not isinstance(mtls, dict):
            raise fail(f"Resource with id [{logical_id}] is invalid. MutualTlsAuthentication must be a map.",
                       dpath + ("MutualTlsAuthentication",))
        # Falsy values are dropped, as the reference does (TruststoreVersion: 0 is "unset").
        domain_props["MutualTlsAuthentication"] = {k: plain(v) for k, v in mtls.items() if v}
    ctx.add(domain_id, resource("AWS::ApiGateway::DomainName", domain_props, condition=condition))
    base_paths = domain.get("BasePath")
    explicit = base_paths is not None
    if base_paths is None:
        base_paths = ["/"]
    if not isinstance(base_paths, list):
        base_paths = [base_paths]
    for base in base_paths:
        if not isinstance(base, str):
            raise fail(f"Resource with id [{logical_id}] is invalid. Invalid Basepath name provided.",
                       dpath + ("BasePath",))
        mapping: dict[str, Json] = {"DomainName": ref(domain_id), "RestApiId": ref(logical_id),
                                    "Stage": ref(stage_id)}
        suffix = "".join(ch for ch in base if ch.isalnum())
        # Normalised base paths keep only letters and digits, as the reference does.
        trimmed = suffix if domain.get("NormalizeBasePath", True) else base
        if explicit:
            mapping["BasePath"] = trimmed
        ctx.add(f"{logical_id}{suffix}BasePathMapping",
                resource("AWS::ApiGateway::BasePathMapping", mapping, condition=condition))
    route53 = domain.get("Route53")
    if route53 is not None and not isinstance(route53, dict):
        raise fail(f"Resource with id [{logical_id}] is invalid. Invalid property type 'Route53' for "
                   "'Domain'; it must be a map.", dpath + ("Route53",))
    access = domain.get("AccessAssociation")
    if access is not None and not isinstance(access, dict):
        raise fail(f"Resource with id [{logical_id}] is invalid. Invalid property type 'AccessAssociation' "
                   "for 'Domain'; it must be a map.", dpath + ("AccessAssociation",))
    if isinstance(route53, dict):
        _route53(logical_id, route53, domain_id, endpoint, name, ctx, condition, dpath)


CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"


def _route53(logical_id: str, route53: dict[str, Json], domain_id: str, endpoint: Json, name: Json,
             ctx: SamContext, condition: Json, path: tuple[Any, ...]) -> None:
    zone_id = route53.get("HostedZoneId")
    zone_name = route53.get("HostedZoneName")
    separate = route53.get("SeparateRecordSetGroup")
    if separate is not None and not isinstance(separate, bool):
        raise fail(f"Resource with id [{logical_id}] is invalid. SeparateRecordSetGroup must be a boolean.",
                   path + ("Route53", "SeparateRecordSetGroup"))
    if zone_id is None and zone_name is None:
        raise fail(f"Resource with id [{logical_id}] is invalid. HostedZoneId or HostedZoneName is "
                   "required to enable Route53 support on Custom Domains.", path + ("Route53",))
    key = zone_id if zone_id is not None else zone_name
    group_key = key if isinstance(key, str) else __import__("json").dumps(key, sort_keys=True)
    if separate:
        # A separate group per domain (e.g. one that exists under a condition).
        group_key += str(name)
    group_id = "RecordSetGroup" + digest(group_key)[:10]
    regional = endpoint == "REGIONAL"
    # Edge domains are CloudFront distributions, whose alias zone is CloudFront's fixed one.
    alias = {"HostedZoneId": getatt(domain_id, "RegionalHostedZoneId") if regional else CLOUDFRONT_ZONE,
             "DNSName": getatt(domain_id, "RegionalDomainName" if regional else "DistributionDomainName")}
    if route53.get("EvaluateTargetHealth") is not None:
        alias["EvaluateTargetHealth"] = plain(route53["EvaluateTargetHealth"])
    record: dict[str, Json] = {"Name": plain(name), "Type": "A", "AliasTarget": alias}
    for k in ("SetIdentifier", "Region"):
        if route53.get(k) is not None:
            record[k] = plain(route53[k])
    records = [record]
    if route53.get("IpV6"):
        records.append({**record, "Type": "AAAA", "AliasTarget": dict(alias)})
    group_props: dict[str, Json] = {"RecordSets": records}
    if zone_id is not None:
        group_props["HostedZoneId"] = plain(zone_id)
    else:
        group_props["HostedZoneName"] = plain(zone_name)
    existing = ctx.output.get(group_id)
    if existing is not None:
        existing["Properties"]["RecordSets"].extend(records)
        return
    ctx.add(group_id, resource("AWS::Route53::RecordSetGroup", group_props, condition=condition))


def _private_domain(logical_id: str, domain: dict[str, Json], name: Json, certificate: Json, ctx: SamContext,
                    path: tuple[Any, ...], condition: Json, stage_id: str) -> None:
    """Private custom domains: AWS::ApiGateway::DomainNameV2, V2 base path mappings, an access
    association with the VPC endpoint, and Route 53 records aliasing the endpoint."""
    key = name if isinstance(name, str) else __import__("json").dumps(name, sort_keys=True)
    domain_id = "ApiGatewayDomainNameV2" + digest(key)[:10]
    props: dict[str, Json] = {"DomainName": plain(name), "CertificateArn": plain(certificate),
                              "EndpointConfiguration": {"Types": ["PRIVATE"]}}
    if domain.get("IpAddressType") is not None:
        props["EndpointConfiguration"]["IpAddressType"] = plain(domain["IpAddressType"])
    for prop in ("Policy", "SecurityPolicy", "EndpointAccessMode"):
        if domain.get(prop) is not None:
            props[prop] = plain(domain[prop])
    ctx.add(domain_id, resource("AWS::ApiGateway::DomainNameV2", props, condition=condition))
    ctx.refs[(logical_id, "DomainNameV2")] = ref(domain_id)
    access = domain.get("AccessAssociation")
    if access is not None and (not isinstance(access, dict) or access.get("VpcEndpointId") is None):
        raise fail(f"Resource with id [{logical_id}] is invalid. 'AccessAssociation' must be a map with "
                   "'VpcEndpointId'.", path + ("AccessAssociation",))
    if isinstance(access, dict):
        source = plain(access["VpcEndpointId"])
        association_id = "DomainNameAccessAssociation" + digest(
            source if isinstance(source, str) else __import__("json").dumps(source, sort_keys=True))[:10]
        ctx.add(association_id, resource("AWS::ApiGateway::DomainNameAccessAssociation", {
            "AccessAssociationSource": source, "AccessAssociationSourceType": "VPCE",
            "DomainNameArn": ref(domain_id)}, condition=condition))
    base_paths = domain.get("BasePath")
    explicit = base_paths is not None
    for base in (base_paths if isinstance(base_paths, list) else [base_paths or "/"]):
        if not isinstance(base, str):
            raise fail(f"Resource with id [{logical_id}] is invalid. Invalid Basepath name provided.",
                       path + ("BasePath",))
        suffix = "".join(ch for ch in base if ch.isalnum())
        mapping: dict[str, Json] = {"DomainNameArn": ref(domain_id), "RestApiId": ref(logical_id),
                                    "Stage": ref(stage_id)}
        if explicit:
            mapping["BasePath"] = suffix if domain.get("NormalizeBasePath", True) else base
        ctx.add(f"{logical_id}{suffix}BasePathMapping", resource("AWS::ApiGateway::BasePathMappingV2", mapping,
                                                               condition=condition))
    route53 = domain.get("Route53")
    if isinstance(route53, dict):
        zone_id = route53.get("HostedZoneId")
        zone_name = route53.get("HostedZoneName")
        zone = zone_id if zone_id is not None else zone_name
        if zone is None:
            raise fail(f"Resource with id [{logical_id}] is invalid. HostedZoneId or HostedZoneName is "
                       "required to enable Route53 support on Custom Domains.", path + ("Route53",))
        alias = {"DNSName": plain(route53.get("VpcEndpointDomainName")),
                 "HostedZoneId": plain(route53.get("VpcEndpointHostedZoneId"))}
        record: dict[str, Json] = {"Name": plain(name), "Type": "A", "AliasTarget": alias}
        records = [record]
        if route53.get("IpV6"):
            records.append({**record, "Type": "AAAA", "AliasTarget": dict(alias)})
        group: dict[str, Json] = {"RecordSets": records}
        group["HostedZoneId" if zone_id is not None else "HostedZoneName"] = plain(zone)
        group_id = "RecordSetGroup" + digest(zone if isinstance(zone, str) else
                                             __import__("json").dumps(zone, sort_keys=True))[:10]
        ctx.add(group_id, resource("AWS::Route53::RecordSetGroup", group, condition=condition))
