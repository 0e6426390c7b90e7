"""Two drivers, one transcript: in process and live on loopback give the same normalized transcript."""

from __future__ import annotations

import pytest

from harness.characterize.recorder import record
from harness.characterize.snapshot import as_text

pytestmark = [pytest.mark.golden_path, pytest.mark.asyncio]


async def test_live_and_in_process_transcripts_are_identical(ssot_scenario, ssot_target, tmp_path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "live").mkdir()
    in_process = await record(ssot_scenario, ssot_target, tmp_path / "in", driver="in_process")
    live = await record(ssot_scenario, ssot_target, tmp_path / "live", driver="live")
    assert as_text(live, ssot_target) == as_text(in_process, ssot_target)
