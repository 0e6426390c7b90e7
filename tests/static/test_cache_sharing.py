"""One scan cache shared by audits running at once (a pre-commit hook and an editor), and a cache that
cannot be written (a read-only file system, a cache file that is not a file): each audit gives the
cold answer, and the cache is never left torn or wrong."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.static.conftest import Outcome
from tests.static.test_git_scan import repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

MEMBER = "class Round{n}EngineFactory:\n    pass\n"


def start(tree: Path, *flags: str, wrap: tuple[str, ...] = ()) -> subprocess.Popen[str]:
    """`ssot-harness audit --format json` of `tree` in a process of its own."""
    return subprocess.Popen(
        [*wrap, sys.executable, "-m", "harness.cli", "audit", os.fspath(tree), "--format", "json",
         *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def ended(proc: subprocess.Popen[str]) -> Outcome:
    out, err = proc.communicate(timeout=120)
    return Outcome(proc.returncode, out, err)


def cold(cli: Callable[..., Outcome], tree: Path) -> Outcome:
    return cli("audit", tree, "--format", "json", "--no-git", "--no-cache")


def test_two_audits_at_once_give_the_cold_answer_and_leave_a_whole_cache(
    tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    """Rounds of two audits started together on one cache (atomic replace: a reader sees the old
    file or the new one); in half of them a file is rewritten in place while they run (truncated,
    then written, as `write_text` and many editors do), and each answer is then the tree's before,
    after, or in between (that file empty). The cache they leave gives the cold answer warm."""
    tree = repo(tmp_path)
    cli("baseline", tree, "--update", "--allow-increase", "--no-git", "--no-cache")
    app = tree / "src/shop/app.py"
    for n in range(8):
        text = app.read_text()
        edit = text + "\n" + MEMBER.format(n=n)
        mid_run = n % 2 == 1
        answers: dict[str, Outcome] = {}
        if mid_run:
            app.write_text("")
            answers["in between (app.py empty)"] = cold(cli, tree)
            app.write_text(text)
        else:
            app.write_text(edit)
        answers["before"] = cold(cli, tree)
        procs = [start(tree), start(tree, *(("--no-git",) if n % 4 == 2 else ()))]
        if mid_run:
            time.sleep(0.05 * (n % 3))
            app.write_text(edit)
        answers["after"] = after = cold(cli, tree)
        for proc in procs:
            got = ended(proc)
            assert "warning" not in got.err and "Traceback" not in got.err, got.err
            which = [name for name, a in answers.items() if (a.code, a.out) == (got.code, got.out)]
            assert which, f"round {n}, flags {proc.args[7:]}: an answer of no state the tree was in"
        warm = cli("audit", tree, "--format", "json")
        assert warm == after, f"round {n}: the cache the two left gives another answer"


def _read_only(folder: Path) -> tuple[str, ...]:
    """A command prefix that runs what follows with `folder` mounted read-only over itself, in a
    private user and mount namespace (nothing outside sees it); skips where that is not allowed."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("needs unshare(1)")
    wrap = (
        unshare,
        "-rm",
        "sh",
        "-c",
        'mount --bind -o ro "$0" "$0" && exec "$@"',
        os.fspath(folder),
    )
    probe = subprocess.run([*wrap, "sh", "-c", f"! touch '{folder}/probe'"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount read-only here: {probe.stderr.decode(errors='replace')[:200]}")
    return wrap


@pytest.mark.parametrize("warm", [False, True], ids=["empty", "from-an-earlier-run"])
def test_a_cache_on_a_read_only_file_system_still_answers_with_a_warning(
    tmp_path: Path, cli: Callable[..., Outcome], warm: bool
) -> None:
    tree = repo(tmp_path)
    cli("baseline", tree, "--update", "--allow-increase", "--no-git", "--no-cache")
    folder = tree / ".ssot-cache"
    folder.mkdir()
    if warm:
        cli("audit", tree)
        app = tree / "src/shop/app.py"  # changed since: the run has something to write
        app.write_text(app.read_text() + "\n" + MEMBER.format(n=1))
    wrap = _read_only(folder)
    kept = sorted((p.name, p.read_bytes()) for p in folder.iterdir())
    for _ in range(2):
        got = ended(start(tree, wrap=wrap))
        assert (got.code, got.out) == (cold(cli, tree).code, cold(cli, tree).out)
        assert "Traceback" not in got.err
        assert (
            f"warning: scan cache {folder / 'scan.jsonl'} cannot be written (Read-only" in got.err
        )
        assert f"warning: findings cache {folder / 'findings.json'} cannot be written" in got.err
    assert sorted((p.name, p.read_bytes()) for p in folder.iterdir()) == kept


def test_a_cache_file_that_is_not_a_file_still_answers_with_a_warning(
    tmp_path: Path, cli: Callable[..., Outcome]
) -> None:
    """The cache's path taken by a folder: it can be neither read nor replaced."""
    tree = repo(tmp_path)
    cli("baseline", tree, "--update", "--allow-increase", "--no-git", "--no-cache")
    (tree / ".ssot-cache" / "scan.jsonl").mkdir(parents=True)
    for _ in range(2):
        got = cli("audit", tree, "--format", "json")
        assert (got.code, got.out) == (cold(cli, tree).code, cold(cli, tree).out)
        assert "scan.jsonl is unreadable" in got.err and "cannot be written" in got.err
