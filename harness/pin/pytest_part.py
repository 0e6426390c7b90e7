"""pytest hooks and fixtures of the pin wing (registered by harness.plugin)."""
