"""Two drivers, one transcript: in process and live on loopback give the same normalized transcript."""

from __future__ import annotations

import pytest

from harness.characterize.normalize import GOLDEN_PATH_RULES, normalize
from harness.characterize.recorder import record
from harness.characterize.transcript import render

pytestmark = [pytest.mark.golden_path, pytest.mark.asyncio]


async def test_live_and_in_process_transcripts_are_identical(ssot_scenario, ssot_target, tmp_path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "live").mkdir()
    in_process = await record(ssot_scenario, ssot_target, tmp_path / "in", driver="in_process")
    live = await record(ssot_scenario, ssot_target, tmp_path / "live", driver="live")
    assert render(normalize(live, GOLDEN_PATH_RULES)) == render(normalize(in_process, GOLDEN_PATH_RULES))
