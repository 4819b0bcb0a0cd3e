"""CloudFormation's own resource types (nested stacks, stack sets), run for the local target."""

from stackengine.cfn_service.service import CloudFormationService, run_by_cloudformation
from stackengine.cfn_service.stacks import ChildStack, EngineStacks, StackOperations

__all__ = ["ChildStack", "CloudFormationService", "EngineStacks", "StackOperations",
           "run_by_cloudformation"]
