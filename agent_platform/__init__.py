"""agent_platform: a small agent-execution service in its pre-consolidation state (see MIGRATION.md)."""
