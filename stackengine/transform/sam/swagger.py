"""Editing a Swagger 2.0 / OpenAPI 3 document the way SAM does: paths, Lambda integrations,
security, CORS preflight methods, gateway responses, models and resource policies."""

from __future__ import annotations

from typing import Any

from stackengine.transform.sam.common import Json, fail, is_intrinsic

INTEGRATION = "x-amazon-apigateway-integration"
ANY_METHOD = "x-amazon-apigateway-any-method"
NO_VALUE = {"Ref": "AWS::NoValue"}


def default_swagger(title: Json = None) -> dict[str, Json]:
    return {"swagger": "2.0", "info": {"version": "1.0", "title": title or {"Ref": "AWS::StackName"}},
            "paths": {}}


def normalize_method(method: str) -> str:
    method = method.lower()
    return ANY_METHOD if method == "any" else method


def is_openapi3(doc: Json) -> bool:
    version = doc.get("openapi") if isinstance(doc, dict) else None
    return isinstance(version, str) and version.startswith("3")


class SwaggerEditor:
    """Wraps one document (edited in place)."""

    def __init__(self, doc: dict[str, Json]) -> None:
        if not isinstance(doc, dict) or not isinstance(doc.get("paths") or {}, dict):
            raise fail("Invalid Swagger document: 'paths' must be a map")
        self.doc = doc

    @property
    def paths(self) -> dict[str, Json]:
        """The document's paths (created on first use; a document without paths stays so)."""
        paths = self.doc.get("paths")
        if not isinstance(paths, dict):
            paths = self.doc["paths"] = {}
        return paths

    def path_item(self, path: str) -> dict[str, Json]:
        """The path's methods map (the inner map when the path is wrapped in Fn::If)."""
        item = self.paths.setdefault(path, {})
        if isinstance(item, dict) and "Fn::If" in item and len(item) == 1:
            branches = item["Fn::If"]
            for branch in branches[1:]:
                if isinstance(branch, dict) and branch != NO_VALUE:
                    return branch
        return item

    def path_items(self, path: str) -> list[dict[str, Json]]:
        """Every methods map of the path: both branches when the path is an Fn::If."""
        item = self.paths.get(path)
        if isinstance(item, dict) and "Fn::If" in item and len(item) == 1:
            branches = item["Fn::If"]
            return [b for b in branches[1:] if isinstance(b, dict) and b != NO_VALUE] \
                if isinstance(branches, list) else []
        return [item] if isinstance(item, dict) else []

    def has_integration(self, path: str, method: str) -> bool:
        item = self.paths.get(path)
        if not isinstance(item, dict):
            return False
        op = self.path_item(path).get(normalize_method(method))
        op = _unwrap_if(op)
        return isinstance(op, dict) and INTEGRATION in op

    def operations(self) -> list[tuple[str, str, dict[str, Json]]]:
        out: list[tuple[str, str, dict[str, Json]]] = []
        if not isinstance(self.doc.get("paths"), dict):
            return out
        for path in list(self.paths):
            for item in self.path_items(path):
                for method, op in item.items():
                    op = _unwrap_if(op)
                    if isinstance(op, dict) and method not in ("parameters", "summary", "description",
                                                               "servers", "$ref"):
                        out.append((path, method, op))
        return out

    def add_lambda_integration(self, path: str, method: str, uri: Json, condition: Json = None,
                               timeout: Json = None) -> dict[str, Json]:
        method = normalize_method(method)
        methods = self.path_item(path)
        if condition is not None:
            uri = {"Fn::If": [condition, uri, NO_VALUE]}
        op: dict[str, Json] = {INTEGRATION: {"type": "aws_proxy", "httpMethod": "POST", "uri": uri},
                               "responses": {}}
        if timeout is not None:
            op[INTEGRATION]["timeoutInMillis"] = timeout
        existing = methods.get(method)
        if isinstance(existing, dict):
            existing.update(op)
            op = existing
        if condition is not None:
            methods[method] = {"Fn::If": [condition, op, NO_VALUE]}
        else:
            methods[method] = op
        return op

    def security_definitions(self) -> dict[str, Json]:
        if is_openapi3(self.doc):
            components = self.doc.setdefault("components", {})
            schemes: dict[str, Json] = components.setdefault("securitySchemes", {})
            return schemes
        definitions: dict[str, Json] = self.doc.setdefault("securityDefinitions", {})
        return definitions


def _unwrap_if(op: Json) -> Json:
    if isinstance(op, dict) and "Fn::If" in op and len(op) == 1:
        for branch in op["Fn::If"][1:]:
            if isinstance(branch, dict) and branch != NO_VALUE:
                return branch
    return op


def lambda_uri(partition: str, function_arn_sub: str) -> Json:
    """Fn::Sub URI of a Lambda proxy integration; `function_arn_sub` is e.g. `${MyFn.Arn}`."""
    return {"Fn::Sub": f"arn:{partition}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/"
                       f"functions/{function_arn_sub}/invocations"}


def check_paths(doc: Json, owner: str, path: tuple[Any, ...]) -> None:
    if isinstance(doc, dict) and "paths" in doc and not isinstance(doc["paths"], dict) \
            and doc["paths"] is not None and not is_intrinsic(doc["paths"]):
        raise fail(f"Resource with id [{owner}] is invalid. Invalid Swagger document: 'paths' must be "
                   "a map", path)
