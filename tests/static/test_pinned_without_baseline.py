"""A pinned family needs no baseline entry, and a config kept outside the tree works for `audit` and
`baseline` alike, with or without PATH, whether the tree has a pyproject.toml or is only a git tree."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.static.conftest import plant

TREE = {
    "pkg/__init__.py": "",
    "pkg/factory.py": "class EngineFactory:\n    pass\n",
    "pkg/user.py": "from pkg.factory import EngineFactory\n",
}

PROVE = """
[tool.ssot-harness.families.notifier]
canonical = "pkg.notify:Notifier"
names = ["*Notifier"]
"""


def test_a_pinned_only_config_audits_with_no_baseline_file(tmp_path: Path, cli) -> None:
    tree = plant(tmp_path, TREE)
    result = cli("audit", tree)
    assert result.code == 0, result.err
    assert not (tree / ".ssot-baseline.json").exists()
    assert (
        "ok   engine-factory [pinned]: 1 member, 0 non-canonical places; pinned to "
        "pkg.factory:EngineFactory: only the canonical and live shims remain"
    ) in result.out


def test_a_pinned_family_still_fails_on_a_second_member_without_a_baseline(
    tmp_path: Path, cli
) -> None:
    tree = plant(tmp_path, {**TREE, "pkg/old.py": "class OldEngineFactory:\n    pass\n"})
    result = cli("audit", tree)
    assert result.code == 1
    assert "pinned to pkg.factory:EngineFactory, so only the canonical may remain" in result.out


def test_a_prove_family_beside_a_pinned_one_still_needs_the_baseline(tmp_path: Path, cli) -> None:
    files = {**TREE, "pkg/notify.py": "class Notifier:\n    pass\n"}
    tree = plant(tmp_path, files, extra=PROVE)
    result = cli("audit", tree)
    assert result.code == 2
    assert "no baseline file" in result.err
    assert cli("baseline", "--update", tree).code == 0
    recorded = json.loads((tree / ".ssot-baseline.json").read_text())["families"]
    assert sorted(recorded) == ["notifier"]  # the pinned family has no entry
    assert cli("audit", tree).code == 0


def _outside(tmp_path: Path, *, pyproject: bool) -> tuple[Path, Path]:
    """A tree with no [tool.ssot-harness] (a pyproject.toml without it, or only a git tree) and a
    config for it in a folder of its own."""
    tree = plant(tmp_path / "tree", TREE)
    (tree / "pyproject.toml").unlink()
    if pyproject:
        (tree / "pyproject.toml").write_text('[project]\nname = "tree"\n', encoding="utf-8")
    else:
        subprocess.run(["git", "init", "-q", str(tree)], check=True)
    config = (
        plant(tmp_path / "trial", {}, top='baseline = "base.json"', extra=PROVE) / "pyproject.toml"
    )
    (tree / "pkg/notify.py").write_text("class Notifier:\n    pass\n", encoding="utf-8")
    return tree, config


@pytest.mark.parametrize("pyproject", [True, False], ids=["pyproject", "git-tree"])
@pytest.mark.parametrize("with_path", [True, False], ids=["PATH", "cwd"])
def test_a_config_outside_the_tree_works_for_baseline_and_audit(
    tmp_path: Path, cli, monkeypatch, pyproject: bool, with_path: bool
) -> None:
    tree, config = _outside(tmp_path, pyproject=pyproject)
    monkeypatch.chdir(tree)
    where = (str(tree),) if with_path else ()
    done = cli("baseline", "--update", "--config", config, *where)
    assert done.code == 0, done.err
    assert (tree / "base.json").is_file()
    assert not (config.parent / "base.json").exists()
    result = cli("audit", "--config", config, *where)
    assert result.code == 0, result.err
    assert "ok   notifier [prove]: 1 member, 0 non-canonical places; within the baseline" in (
        result.out
    )


def test_a_subprojects_config_inside_the_tree_keeps_its_own_folder(
    tmp_path: Path, cli, monkeypatch
) -> None:
    """`--config sub/pyproject.toml` from the repo's top: the subproject is the project."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text('[project]\nname = "repo"\n', encoding="utf-8")
    sub = plant(repo / "sub", TREE)
    monkeypatch.chdir(repo)
    result = cli("audit", "--config", sub / "pyproject.toml")
    assert result.code == 0, result.err
    assert "pkg/factory.py:1" in result.out
