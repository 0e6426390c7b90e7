"""Every snapshot belongs to a scenario and every scenario has its snapshot: none goes stale unseen.

(syrupy's own unused-snapshot report does not see files kept by a custom-location extension, nor
work across xdist workers; this check is plain and holds in both.)"""

from __future__ import annotations

import pytest

from harness.characterize.pytest_part import scenarios_of, snapshots_dir
from harness.characterize.snapshot import stray_and_missing

pytestmark = pytest.mark.golden_path


def test_every_snapshot_file_belongs_to_a_scenario_and_back(request) -> None:
    stray, missing = stray_and_missing(snapshots_dir(request.config), {s.name for s in scenarios_of(request.config)})
    assert stray == [], f"snapshots with no scenario (delete them or restore the scenario): {stray}"
    assert missing == [], f"scenarios without a snapshot (run pytest -m golden_path --snapshot-update): {missing}"
