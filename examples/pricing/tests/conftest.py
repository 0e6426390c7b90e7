"""The project's own test setup: its hypothesis profile and an `implementation` fixture of its own."""

import pytest
from hypothesis import settings

settings.register_profile("pricing", max_examples=7, deadline=1000)
settings.load_profile("pricing")


@pytest.fixture
def implementation() -> str:
    """Which pricing backend the project's own tests exercise (a name the harness must not take)."""
    return "engine"
