"""The local emulator as a Cloud Control API endpoint (HTTP on 127.0.0.1).

    with EmulatorServer(state_path, EmulatorOptions(port=0, latency_ms=50)) as server:
        server.url   # http://127.0.0.1:PORT — pass as endpoint_url to boto3 / the aws provider
"""

from __future__ import annotations

from stackengine.emulator.server import EmulatorOptions, EmulatorServer
from stackengine.emulator.service import CallContext, CloudControlError, CloudControlService

__all__ = ["CallContext", "CloudControlError", "CloudControlService", "EmulatorOptions",
           "EmulatorServer"]
