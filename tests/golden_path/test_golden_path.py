"""Golden path characterization: every ssot_scenario, in process, against its reviewed snapshot."""

from __future__ import annotations

import pytest

from harness.characterize.recorder import record

pytestmark = [pytest.mark.golden_path, pytest.mark.asyncio]


async def test_golden_path(ssot_scenario, ssot_target, ssot_transcript_snapshot, tmp_path) -> None:
    transcript = await record(ssot_scenario, ssot_target, tmp_path)
    assert transcript == ssot_transcript_snapshot
