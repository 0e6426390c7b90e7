"""Names kept for integrations written against the pre-1.0 API (see MIGRATION.md)."""

from agent_platform.engine.factory import ExecutionEngineFactory as UnifiedExecutionEngineFactory

__all__ = ["UnifiedExecutionEngineFactory"]
