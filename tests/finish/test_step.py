"""`ssot-harness step FAMILY --before REV`: a remediation step judged against the commit before it,
in a real git repository (static checks here; the bundled replay runs the contract part)."""

from __future__ import annotations

from pathlib import Path

from tests.finish.conftest import git_in as _git


def _step(cli, repo: Path, *args: str):
    return cli(
        "step", "oven", "--before", "HEAD", "--config", repo / "pyproject.toml", "--no-tests", *args
    )


def test_a_codemod_step_is_safe_and_prints_members_before_and_after(cli, repo) -> None:
    assert (
        cli(
            "rewrite",
            "oven",
            repo / "kitchen",
            repo / "tests",
            "--config",
            repo / "pyproject.toml",
            "--member",
            "LegacyOven",
            "--apply",
        ).code
        == 0
    )
    outcome = _step(cli, repo)
    assert outcome.code == 0, outcome.out
    assert (
        outcome.out.splitlines()[0]
        == "step oven (against HEAD): members 7 -> 5, non-canonical places 12 -> 7"
    )
    assert (
        "ok   oven strictly lower than before: alias 4 -> 2, reexport 1 -> 0, import 5 -> 3"
        in outcome.out
    )
    assert outcome.out.endswith("verdict: SAFE\n")


def test_a_new_import_site_and_no_drop_are_not_safe(cli, repo) -> None:
    (repo / "kitchen" / "extra.py").write_text(
        "from kitchen.compat import LegacyOven\n\nOVEN = LegacyOven()\n"
    )
    outcome = _step(cli, repo)
    assert outcome.code == 1
    assert (
        "FAIL no new import site of a non-canonical member: kitchen/extra.py:1 import kitchen.compat:LegacyOven -> use kitchen.ovens:Oven instead"
        in outcome.out
    )
    assert "FAIL oven strictly lower than before: rose: import 5 -> 6" in outcome.out
    assert "FAIL audit within the baseline" in outcome.out
    assert outcome.out.endswith("verdict: NOT SAFE\n")


def test_a_declaration_for_a_deleted_member_is_reported_stale(cli, repo) -> None:
    (repo / "kitchen" / "old.py").unlink()
    menu = repo / "kitchen" / "menu.py"
    menu.write_text(
        menu.read_text()
        .replace(
            "    from kitchen.old import SlowOven\n\n    return SlowOven(200)",
            "    return Oven(180)",
        )
        .replace(
            "from kitchen.ovens import get_oven_class",
            "from kitchen.ovens import Oven, get_oven_class",
        )
    )
    outcome = _step(cli, repo)
    assert "ok   oven strictly lower than before: definition 2 -> 1, import 5 -> 4" in outcome.out
    assert (
        "FAIL no stale divergence declaration: remove this declaration: divergences.toml member 'SlowOven' "
        "contract 'test_bakes_at_the_asked_temperature' (the member is gone)"
    ) in outcome.out
    assert outcome.code == 1


def test_a_changed_snapshot_is_not_safe(cli, repo) -> None:
    (repo / "snapshots").mkdir()
    (repo / "snapshots" / "lunch.ambr").write_text("soup\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "snapshot")
    (repo / "snapshots" / "lunch.ambr").write_text("stew\n")
    outcome = _step(cli, repo)
    assert "FAIL golden snapshots byte-identical: snapshots/lunch.ambr" in outcome.out


def test_an_unknown_revision_is_a_usage_error(cli, repo) -> None:
    outcome = cli(
        "step", "oven", "--before", "nope", "--config", repo / "pyproject.toml", "--no-tests"
    )
    assert (
        outcome.code == 2
        and "git rev-parse --verify nope^{commit}" in outcome.err
        and "Traceback" not in outcome.err
    )
