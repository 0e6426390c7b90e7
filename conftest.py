"""Wiring only. The target, scenarios, snapshots and families are declared in [tool.ssot-harness]."""

from hypothesis import settings

pytest_plugins = ["pytester"]  # the plugin's own tests run pytest in a scratch project

# The harness's own property tests check answers, not speed: on a shared 2-core machine an example
# can take longer than hypothesis's 200 ms default deadline and fail as flaky.
settings.register_profile("ssot-harness-own-tests", deadline=None)
settings.load_profile("ssot-harness-own-tests")
