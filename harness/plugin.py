"""The pytest entry point: registers the markers and each wing's pytest part. Wiring only."""

from __future__ import annotations

import pytest

# Each wing keeps its own hooks (options, fixtures, parametrization, summaries) in `pytest_part`.
pytest_plugins = [
    "harness.characterize.pytest_part",
    "harness.prove.pytest_part",
    "harness.pin.pytest_part",
]

MARKERS = {
    "golden_path": "end-to-end characterization of login -> agent execution -> AI response",
    "contract": "a contract run against every implementation of a family",
    "ssot": "pins a family to its single source of truth (static and run time)",
    "staging": "smoke test against a deployed instance (needs --staging-url or SSOT_STAGING_URL)",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")
