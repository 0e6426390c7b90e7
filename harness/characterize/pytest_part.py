"""pytest hooks and fixtures of the characterize wing (registered by harness.plugin)."""
