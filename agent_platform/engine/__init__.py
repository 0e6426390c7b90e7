"""Execution engines and the production factory."""

from agent_platform.engine.factory import ExecutionEngineFactory

# Older name, still imported by callers that predate the factory's rename.
EngineFactory = ExecutionEngineFactory

__all__ = ["EngineFactory", "ExecutionEngineFactory"]
