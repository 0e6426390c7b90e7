"""`ssot-harness replay`: recorded steps replayed on a temporary git copy, each verified; the bundled
execution-engine consolidation (migration/steps) replayed in full so that its steps cannot rot."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BAD_PATCH = """# Add a caller of the divergent SlowOven (not a safe step)
diff --git a/kitchen/extra.py b/kitchen/extra.py
new file mode 100644
--- /dev/null
+++ b/kitchen/extra.py
@@ -0,0 +1 @@
+from kitchen.old import SlowOven
"""


def test_a_replay_stops_at_the_first_unsafe_step(cli, repo, tmp_path) -> None:
    steps = tmp_path / "steps"
    steps.mkdir()
    (steps / "01-move-mechanical-callers.cmds").write_text(
        "# Move every mechanical caller (the codemod)\nrewrite oven kitchen tests --apply\n"
    )
    (steps / "02-add-a-caller.patch").write_text(BAD_PATCH)
    (steps / "03-never-reached.cmds").write_text("# never reached\nbaseline --update\n")
    outcome = cli(
        "replay", "oven", "--steps", steps, "--config", repo / "pyproject.toml", "--tests", "none"
    )
    assert outcome.code == 1
    lines = outcome.out.splitlines()
    assert (
        lines[2]
        == "| 01 | Move every mechanical caller (the codemod) | 7 -> 5 | 12 -> 5 | unchanged | not run | SAFE |"
    )
    assert lines[3].startswith(
        "| 02 | Add a caller of the divergent SlowOven (not a safe step) | 5 -> 5 | 5 -> 6 |"
    )
    assert lines[3].endswith("| NOT SAFE |") and "| 03 |" not in outcome.out
    assert (
        "  FAIL no new import site of a non-canonical member: kitchen/extra.py:1 import kitchen.old:SlowOven"
        in outcome.out
    )
    assert outcome.out.endswith("replay oven: FAILED (2 steps)\n")
    assert not (repo / "kitchen" / "extra.py").exists()  # the project itself is untouched


def test_a_patch_that_no_longer_applies_is_a_clear_error(cli, repo, tmp_path) -> None:
    steps = tmp_path / "steps"
    steps.mkdir()
    (steps / "01-stale.patch").write_text(
        BAD_PATCH.replace("new file mode 100644\n--- /dev/null", "--- a/kitchen/extra.py").replace(
            "@@ -0,0 +1 @@", "@@ -1 +1 @@\n-x = 1"
        )
    )
    outcome = cli(
        "replay", "oven", "--steps", steps, "--config", repo / "pyproject.toml", "--tests", "none"
    )
    assert (
        outcome.code == 2
        and "01-stale.patch: does not apply to the project any more" in outcome.err
    )


def test_the_bundled_consolidation_replays_to_one_pinned_member(cli) -> None:
    outcome = cli(
        "replay", "execution-engine-factory", "--steps", ROOT / "migration" / "steps", "--config", ROOT / "pyproject.toml",
        "--tests", "last", "--final-test", "tests/service/test_live_legacy.py", "-n", "0",
    )  # fmt: skip
    assert outcome.code == 0, outcome.out + outcome.err
    rows = [line for line in outcome.out.splitlines() if line.startswith("| 0")]
    assert [r.split(" | ")[2] for r in rows] == ["8 -> 6", "6 -> 4", "4 -> 3", "3 -> 1", "1 -> 1"]
    assert all(r.endswith("| unchanged | not run | SAFE |") for r in rows[:-1])
    assert rows[-1].endswith("| unchanged | green | SAFE |")
    for line in (
        "  ok   family pinned: stage pinned",
        "  ok   one member left: agent_platform.engine.factory:ExecutionEngineFactory",
        "  ok   baseline lowered: 10 -> 0 non-canonical places",
        "  ok   divergences file empty: 0 declarations left",
        "  ok   golden snapshots unchanged since before the migration: byte-identical",
    ):
        assert line in outcome.out
    assert "  ok   final tests: tests/service/test_live_legacy.py: 1 passed" in outcome.out
