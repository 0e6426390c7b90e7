"""Golden path characterization: every scenario, in process, against its reviewed snapshot."""

from __future__ import annotations

import pytest

from harness.characterize.recorder import record

pytestmark = [pytest.mark.golden_path, pytest.mark.asyncio]


async def test_golden_path(scenario, characterization_target, transcript_snapshot, tmp_path) -> None:
    transcript = await record(scenario, characterization_target, tmp_path)
    assert transcript == transcript_snapshot
