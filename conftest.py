"""Wiring only. The target, scenarios, snapshots and families are declared in [tool.ssot-harness]."""

pytest_plugins = ["pytester"]  # the plugin's own tests run pytest in a scratch project
