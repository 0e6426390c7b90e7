"""Every snapshot belongs to a scenario and every scenario has its snapshot: none goes stale unseen.

(syrupy's own unused-snapshot report does not see files kept by a custom-location extension, nor
work across xdist workers; this check is plain and holds in both.) The harness's ready test."""

from harness import test_every_snapshot_file_belongs_to_a_scenario_and_back  # noqa: F401
