"""One deploy through the aws provider, killed by the test: aws_crash_worker.py STATE URL TEMPLATE STACK."""

from __future__ import annotations

import sys

from stackengine.engine import Engine, EngineConfig, ExecuteOptions, StackRequest
from stackengine.providers.aws.cloudcontrol import CloudControlOptions, CloudControlProvider, Polling

state, url, template, stack = sys.argv[1:5]
provider = CloudControlProvider(None, endpoint_url=url, region="us-east-1",
                                options=CloudControlOptions(polling=Polling(first_s=0.01)))
engine = Engine(EngineConfig(state_path=state), provider=provider)
seen: list[object] = []


def listener(event: object) -> None:
    if not seen:  # the parent starts its random delay when execution begins
        seen.append(event)
        print("started", flush=True)


engine.deploy(StackRequest(template, stack), ExecuteOptions(max_parallel=4), listener=listener)
print("done", flush=True)
