"""Pre-consolidation code paths that still have callers (see MIGRATION.md)."""
