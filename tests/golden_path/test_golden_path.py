"""Golden path characterization: every ssot_scenario, in process, against its reviewed snapshot
(the harness's ready test, collected as any adopting project collects it)."""

from harness import test_golden_path  # noqa: F401
