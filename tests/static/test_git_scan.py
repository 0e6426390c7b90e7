"""Git-native scanning: inside a git work tree the file list comes from git and the candidates from
`git grep`, with the walk's answers: reports, baselines and exit codes byte-identical to `--no-git`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.config import load_config
from harness.pin.audit import scan_for
from harness.scan import gitfiles, index
from tests.static.conftest import FIXTURES, Outcome

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture(autouse=True)
def always_grep(monkeypatch: pytest.MonkeyPatch) -> None:
    """These trees are small: without this the scanner would search their few bytes itself."""
    monkeypatch.setattr(index, "GREP_BYTES", 0)


_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@localhost",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@localhost",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(tree: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always", *args],
        cwd=tree,
        env={**os.environ, **_ENV},
        check=True,
        capture_output=True,
    )
    return done.stdout.decode(errors="replace")


def repo(tmp_path: Path, *, commit: bool = True) -> Path:
    """The shop fixture as a git work tree (committed unless `commit` is False)."""
    tree = tmp_path / "shop"
    shutil.copytree(FIXTURES / "shop", tree, symlinks=True)
    (tree / ".gitignore").write_text(".ssot-cache/\n")
    git(tree, "init", "-q")
    if commit:
        git(tree, "add", "-A")
        git(tree, "commit", "-q", "-m", "shop")
    return tree


def outputs(
    tree: Path, cli: Callable[..., Outcome], *flags: str, formats: tuple[str, ...] = ()
) -> list[tuple[int, str, bytes]]:
    """Every answer the audit gives: `baseline --update` cold (with the file it writes), each
    report format warm then cold, `baseline` without --update; with exit codes."""
    got: list[tuple[int, str, bytes]] = []
    shutil.rmtree(tree / ".ssot-cache", ignore_errors=True)
    baseline = tree / ".ssot-baseline.json"
    baseline.unlink(missing_ok=True)
    r = cli("baseline", tree, "--update", "--allow-increase", *flags)
    got.append((r.code, r.out + r.err, baseline.read_bytes()))
    for fmt in formats or ("text", "json", "markdown", "sarif"):
        for cache in ((), ("--no-cache",)):
            r = cli("audit", tree, "--format", fmt, *cache, *flags)
            got.append((r.code, r.out + r.err, b""))
    r = cli("baseline", tree, *flags)
    got.append((r.code, r.out + r.err, b""))
    baseline.unlink()
    return got


def same_answers(tree: Path, cli: Callable[..., Outcome], **kw: tuple[str, ...]) -> str:
    """The answers on both paths are the same; returns the first audit report."""
    walked = outputs(tree, cli, "--no-git", **kw)
    assert outputs(tree, cli, **kw) == walked
    return walked[1][1]


def used_git(tree: Path) -> bool:
    """Whether the scan took the git path: it reads only the files git grep names."""
    config = load_config(tree / "pyproject.toml")
    via_git = scan_for(config, use_cache=False)
    walked = scan_for(config, use_cache=False, git=False)
    assert via_git.facts == walked.facts and via_git.skipped == walked.skipped
    return via_git.files_read < walked.files_read


def test_a_committed_tree_gives_the_walks_answers_reading_only_candidates(
    tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    tree = repo(tmp_path)
    assert "FAIL" in same_answers(tree, cli)  # the fixture fails its audit: exit codes compared
    assert used_git(tree)
    config = load_config(tree / "pyproject.toml")
    result = scan_for(config, use_cache=False)
    assert result.files_read < result.files_walked


def test_untracked_modified_and_deleted_files(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    tree = repo(tmp_path)
    (tree / "src/shop/extra.py").write_text("class ExtraEngineFactory:\n    pass\n")  # untracked
    app = tree / "src/shop/app.py"  # modified, not staged: a new member
    app.write_text(app.read_text() + "\n\nclass ModifiedEngineFactory:\n    pass\n")
    (tree / "tools/cli.py").unlink()  # deleted from the work tree, still in the index
    text = same_answers(tree, cli)
    assert "ExtraEngineFactory" in text and "ModifiedEngineFactory" in text
    assert "tools/cli.py" not in text
    assert used_git(tree)


def test_an_ignored_file_is_left_out_only_by_the_git_path(
    tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    tree = repo(tmp_path)
    (tree / "src/shop/generated.py").write_text("class GeneratedEngineFactory:\n    pass\n")
    with (tree / ".gitignore").open("a") as f:
        f.write("generated.py\n")
    cli("baseline", tree, "--update", "--allow-increase", "--no-git")
    via_git = cli("audit", tree, "--no-cache")
    walked = cli("audit", tree, "--no-cache", "--no-git")
    assert "GeneratedEngineFactory" in walked.out
    assert "GeneratedEngineFactory" not in via_git.out  # the documented difference
    (tree / ".gitignore").write_text(".ssot-cache/\n")
    same_answers(tree, cli)


def test_a_repository_with_no_commit_yet(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    tree = repo(tmp_path, commit=False)  # every file untracked: searched here
    same_answers(tree, cli)


def test_a_staged_only_repository_searches_with_git_grep(
    tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    tree = repo(tmp_path, commit=False)
    git(tree, "add", "-A")
    same_answers(tree, cli)
    assert used_git(tree)


def test_names_git_quotes_and_a_path_that_is_not_utf8(
    tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    tree = repo(tmp_path)
    odd = tree / 'src/shop/we ird"é.py'
    odd.write_text("from shop.legacy.old_factory import LegacyEngineFactory\n")
    raw = os.fsencode(tree / "src/shop") + b"/caf\xe9_mod.py"
    try:
        with open(raw, "wb") as f:
            f.write(b"class LatinEngineFactory:\n    pass\n")
    except OSError:  # pragma: no cover - a file system that insists on UTF-8 names
        pytest.skip("the file system refuses a non-UTF-8 name")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "odd names")
    # (json only in process: pytest's capture decodes what is printed as UTF-8)
    text = same_answers(tree, cli, formats=("json",))
    assert "LatinEngineFactory" in text and "we ird" in text
    assert used_git(tree)
    # a real process prints the path's own bytes in every format (JSON and SARIF escape them)
    cli("baseline", tree, "--update", "--allow-increase")
    (tree / "src/shop/new_engine.py").write_text("class NewEngineFactory:\n    pass\n")
    for fmt in ("text", "markdown", "json", "sarif"):
        done = subprocess.run(
            [sys.executable, "-m", "harness.cli", "audit", tree, "--format", fmt],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 1 and b"Traceback" not in done.stderr, done.stderr
        if fmt in ("json", "sarif"):
            assert json.loads(done.stdout) and b"caf\\udce9_mod.py" in done.stdout, fmt
        else:
            assert b"caf\xe9_mod.py" in done.stdout, fmt


def test_a_needle_after_a_nul_byte_and_a_non_ascii_name(
    tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    tree = repo(tmp_path)
    (tree / "src/shop/nul.py").write_bytes(b"x = '\0'\nclass NulEngineFactory:\n    pass\n")
    (tree / "src/shop/accent.py").write_text(
        "from shop.engines.factory import EngineFactory as ÉlanEngineFactory\n", encoding="utf-8"
    )
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "bytes")
    assert "nul.py" in same_answers(tree, cli)  # a candidate git grep found, then unparseable
    assert used_git(tree)


def test_a_submodule_is_walked_and_searched(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    lib = tmp_path / "lib"
    (lib / "vendored").mkdir(parents=True)
    (lib / "vendored/__init__.py").write_text("")
    (lib / "vendored/engines.py").write_text("class VendoredEngineFactory:\n    pass\n")
    git(lib, "init", "-q")
    git(lib, "add", "-A")
    git(lib, "commit", "-q", "-m", "lib")
    tree = repo(tmp_path)
    git(tree, "submodule", "add", "-q", os.fspath(lib), "src/lib")
    git(tree, "commit", "-q", "-m", "submodule")
    assert "VendoredEngineFactory" in same_answers(tree, cli)


def test_a_sparse_checkout(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    tree = repo(tmp_path)
    git(tree, "sparse-checkout", "set", "--no-cone", "/*", "!/src/plugins/")
    assert not (tree / "src/plugins").exists()
    assert "src/plugins" not in same_answers(tree, cli)
    (tree / "src/plugins/extra").mkdir(parents=True)  # written back by hand
    (tree / "src/plugins/extra/hooks.py").write_text("class HandEngineFactory:\n    pass\n")
    assert "HandEngineFactory" in same_answers(tree, cli)


@pytest.mark.parametrize("flag", ["--skip-worktree", "--assume-unchanged"])
def test_files_git_grep_reads_from_the_index_are_searched_here(
    tmp_path: Path, cli: Callable[..., Outcome], flag: str
) -> None:
    tree = repo(tmp_path)
    quiet = tree / "src/shop/quiet.py"
    quiet.write_text("x = 1\n")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "quiet")
    git(tree, "update-index", flag, "src/shop/quiet.py")
    quiet.write_text("class LocalEngineFactory:\n    pass\n")  # git grep reads the index copy
    assert "LocalEngineFactory" in same_answers(tree, cli)
    assert used_git(tree)


def test_a_symlink_makes_the_scan_walk(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    tree = repo(tmp_path)
    os.symlink("engines", tree / "src/shop/engines_link")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "link")
    same_answers(tree, cli)
    assert not used_git(tree)


def test_outside_a_work_tree_the_walk_answers(tmp_path: Path) -> None:
    tree = tmp_path / "plain"
    shutil.copytree(FIXTURES / "shop", tree)
    top = os.fspath(tree)
    assert gitfiles.git_tree(top, [os.path.join(top, "src")], (), {}) is None
    assert not used_git(tree)


def test_git_grep_failing_falls_back_to_searching_here(tmp_path: Path) -> None:
    tree = repo(tmp_path)
    top = os.fspath(tree)
    listing = gitfiles.git_tree(top, [os.path.join(top, "src")], (), {})
    assert listing is not None
    assert listing.candidates(["EngineFactory"])  # found something
    shutil.rmtree(tree / ".git")
    assert listing.candidates(["EngineFactory", "Other"]) is None  # git fails: no answer


def test_discover_lists_files_through_git_with_the_walks_answer(
    tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    tree = repo(tmp_path)
    (tree / "src/shop/extra.py").write_text("class ExtraEngineFactory:\n    pass\n")  # untracked
    (tree / "tools/cli.py").unlink()  # still in the index
    via_git = cli("discover", tree / "src", "--no-cache", "--format", "json")
    walked = cli("discover", tree / "src", "--no-cache", "--format", "json", "--no-git")
    assert via_git == walked and via_git.code == 0
    assert "ExtraEngineFactory" in walked.out
