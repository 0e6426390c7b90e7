"""Wiring only: which target the harness runs against, and its fixtures."""

import pytest

from contracts.target import TARGET


@pytest.fixture
def characterization_target():
    """The system under characterization: the bundled agent_platform."""
    return TARGET
