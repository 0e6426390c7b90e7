"""pytest hooks and fixtures of the prove wing (registered by harness.plugin)."""
