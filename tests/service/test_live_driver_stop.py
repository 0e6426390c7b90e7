"""How the live driver ends a scenario: the service gets SIGTERM and its grace (it may still be
writing), the stateless LLM stub is killed at once (it may be asleep in a scripted 30 s delay that
nobody waits for any more). Demo-specific: the demo's target has an LLM stub."""

from __future__ import annotations

import signal

import pytest

from harness.characterize.drivers import LiveDriver
from harness.characterize.golden_hooks import scenarios_of
from harness.characterize.recorder import play

pytestmark = pytest.mark.asyncio


async def test_the_service_is_terminated_and_the_sleeping_stub_killed(request, ssot_target, tmp_path) -> None:
    (scenario,) = [s for s in scenarios_of(request.config) if s.name == "disconnect_mid_run"]
    assert any(step.get("delay", 0) >= 30 for step in scenario.llm_script)  # the stub is still asleep at the end
    async with LiveDriver(ssot_target, scenario, tmp_path) as driver:
        (stub, stub_grace), (service, service_grace) = driver._processes
        await play(scenario, driver, ssot_target)
    assert (stub_grace, service_grace) == (0.0, 10.0)
    assert stub.returncode == -signal.SIGKILL
    assert service.returncode in (0, -signal.SIGTERM)  # it exited on its own after SIGTERM
    assert driver._processes == []
