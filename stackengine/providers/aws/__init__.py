"""The AWS provider: Cloud Control API (`cloudcontrol`) and the CloudFormation-native mode.

boto3 is imported only inside these modules' functions, so importing this package stays cheap.

    CloudControlProvider(state_path, region=..., profile=..., role_arn=..., endpoint_url=...)
    unsupported_types(type_names) -> list[str]   # plan time: what Cloud Control cannot provision
    patch.diff(old, new, WriteOnly) / patch.apply(doc, ops)
"""

from __future__ import annotations

from typing import Any

__all__ = ["CloudControlProvider", "unsupported_types"]


def __getattr__(name: str) -> Any:
    # Lazy: `stackengine.providers.aws.CloudControlProvider` without importing boto3 up front.
    if name == "CloudControlProvider":
        from stackengine.providers.aws.cloudcontrol import CloudControlProvider
        return CloudControlProvider
    if name == "unsupported_types":
        from stackengine.providers.aws.support import unsupported_types
        return unsupported_types
    raise AttributeError(name)
