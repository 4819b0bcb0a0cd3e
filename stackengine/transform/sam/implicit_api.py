"""Implicit APIs: function `Api` / `HttpApi` events without an API ID create `ServerlessRestApi` /
`ServerlessHttpApi`, an AWS::Serverless::Api / HttpApi that the events then fill with paths."""

from __future__ import annotations

from stackengine.transform.sam.context import SamContext


def add_implicit_apis(ctx: SamContext) -> None:
    from stackengine.transform.sam import implicit_api_impl

    implicit_api_impl.add(ctx)
