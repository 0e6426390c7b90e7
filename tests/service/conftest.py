"""Fixtures of the service's own tests (definitions in support.py)."""

from tests.service.support import live_service, live_service_llm_down, llm, sinks  # noqa: F401
