"""Runs truly overlap in process: a notifier shared across users (the legacy emitter's defect, planted
in the production factory) fails the three-user snapshot in process, not only live.

Demo-specific (it plants a defect in agent_platform), so it lives beside the service tests, not in
the generic golden-path suite that also runs against the echo desk."""

from __future__ import annotations

import pytest

import agent_platform.engine.factory as production
from agent_platform.notifications import WebSocketNotifier
from harness.characterize import recorder
from harness.characterize.golden_hooks import golden_transcript, scenarios_of
from harness.characterize.recorder import ScenarioError, record
from harness.characterize.snapshot import as_text

pytestmark = pytest.mark.asyncio  # a test of the harness, not of the target: verify leaves it out


def shared_notifier(monkeypatch: pytest.MonkeyPatch) -> None:
    """One notifier for every engine of the production factory; the latest context wins."""
    shared: dict[str, WebSocketNotifier] = {}

    def one_for_all(connections, context):
        notifier = shared.setdefault("one", WebSocketNotifier(connections, context))
        notifier.context = context
        return notifier

    monkeypatch.setattr(production, "WebSocketNotifier", one_for_all)


async def test_a_shared_notifier_fails_the_three_user_snapshot_in_process(
    request, ssot_target, tmp_path, monkeypatch
) -> None:
    (scenario,) = [s for s in scenarios_of(request.config) if s.name == "three_users_overlap"]
    (tmp_path / "clean").mkdir()
    (tmp_path / "planted").mkdir()
    expected = golden_transcript(request.config, "three_users_overlap")
    clean = as_text(await record(scenario, ssot_target, tmp_path / "clean"), ssot_target)
    assert clean == expected  # unplanted, the in-process recording matches the snapshot
    shared_notifier(monkeypatch)
    monkeypatch.setattr(recorder, "STEP_TIMEOUT", 3.0)
    # the runs overlap: alice's later events go to carol, whose engine was made last, so alice's
    # terminal event never comes (live, the same happens; in process it no longer goes unseen)
    with pytest.raises(ScenarioError, match=r"step 5 \(alice\): no 'terminal' event"):
        await record(scenario, ssot_target, tmp_path / "planted")
