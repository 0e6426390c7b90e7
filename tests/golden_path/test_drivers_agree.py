"""Two drivers, one transcript: live on loopback (the service and its LLM stub as real processes, a
real WebSocket client) gives the golden snapshot that the in-process golden path is checked against,
so the in-process driver stands for the live service. While snapshots are being updated the live
transcript is compared with an in-process recording instead."""

from __future__ import annotations

import pytest

from harness.characterize.pytest_part import golden_transcript
from harness.characterize.recorder import record
from harness.characterize.snapshot import as_text

pytestmark = [pytest.mark.golden_path, pytest.mark.asyncio]


async def test_live_and_in_process_transcripts_are_identical(
    request, ssot_scenario, ssot_target, tmp_path
) -> None:
    (tmp_path / "live").mkdir()
    live = await record(ssot_scenario, ssot_target, tmp_path / "live", driver="live")
    if request.config.getoption("update_snapshots", False):
        (tmp_path / "in").mkdir()
        in_process = await record(ssot_scenario, ssot_target, tmp_path / "in", driver="in_process")
        expected = as_text(in_process, ssot_target)
    else:  # test_golden_path holds the in-process recording to this same file
        expected = golden_transcript(request.config, ssot_scenario.name)
    assert as_text(live, ssot_target) == expected
