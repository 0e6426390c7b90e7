"""Every snapshot belongs to a scenario and every scenario has its snapshot: none goes stale unseen.

(syrupy's own unused-snapshot report does not see files kept by a custom-location extension, nor
work across xdist workers; this check is plain and holds in both.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.characterize.pytest_part import scenarios_of

pytestmark = pytest.mark.golden_path
ROOT = Path(__file__).resolve().parents[2] / "snapshots" / "golden_path"
TESTS = {"test_golden_path": "test_golden_path"}  # snapshot folder (test module) -> parametrized test


def test_every_snapshot_file_belongs_to_a_scenario_and_back(request) -> None:
    scenarios = {s.name for s in scenarios_of(request.config)}
    stray = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.is_file()
                   and (p.parent.name not in TESTS or p.stem.partition("[")[2].rstrip("]") not in scenarios
                        or not p.stem.startswith(TESTS[p.parent.name] + "[")))  # fmt: skip
    assert stray == [], f"snapshots with no scenario (delete them or restore the scenario): {stray}"
    for folder, test in TESTS.items():
        missing = sorted(s for s in scenarios if not (ROOT / folder / f"{test}[{s}].txt").is_file())
        assert missing == [], f"scenarios without a snapshot (run pytest --snapshot-update): {missing}"
