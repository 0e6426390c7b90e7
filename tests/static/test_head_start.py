"""The head start: git's listing (and grep) started before the scanner is imported are taken over
by the scan that asks for the same roots and needles, and those no scan takes are stopped."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.config import load_config
from harness.pin.audit import scan_for
from harness.pin.membership import audit_needles
from harness.scan import early
from tests.static.conftest import Outcome
from tests.static.test_git_scan import repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def roots_of(tree: Path) -> tuple[str, list[str]]:
    config = load_config(tree / "pyproject.toml")
    top = os.fspath(tree.resolve())
    return top, [os.path.normpath(os.path.join(top, r)) for r in config.roots]


def test_the_scan_takes_over_what_was_started_for_it(tmp_path: Path) -> None:
    tree = repo(tmp_path)
    config = load_config(tree / "pyproject.toml")
    top, roots = roots_of(tree)
    needles = early.minimal(audit_needles(config.families))
    early.head_start(top, roots, keyed=False, grep=needles)
    started = [*next(iter(early._LISTINGS.values())), *early._GREPS.values()]
    assert len(started) == 3  # the index, the untracked files, git grep
    result = scan_for(config, use_cache=False)
    assert not early._LISTINGS and not early._GREPS  # taken, not started again
    assert all(proc.returncode == 0 for proc in started)  # and read to their end
    walked = scan_for(config, use_cache=False, git=False)
    assert result.facts == walked.facts and result.skipped == walked.skipped


def test_what_no_scan_asks_for_is_stopped(tmp_path: Path) -> None:
    tree = repo(tmp_path)
    top, roots = roots_of(tree)
    early.head_start(top, roots[:1], keyed=True, grep=("Nothing",))  # not the config's roots
    started = [*next(iter(early._LISTINGS.values())), *early._GREPS.values()]
    scan_for(load_config(tree / "pyproject.toml"), use_cache=False)
    assert not early._LISTINGS and not early._GREPS
    assert all(proc.returncode is not None for proc in started)  # stopped and reaped


def test_the_audit_command_starts_git_before_its_imports(
    tmp_path: Path, cli: Callable[..., Outcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = repo(tmp_path)
    calls: list[tuple[str, bool, tuple[str, ...]]] = []
    real = early.head_start

    def noted(top: str, roots, *, keyed: bool, grep=()) -> None:  # type: ignore[no-untyped-def]
        calls.append((top, keyed, tuple(grep)))
        real(top, roots, keyed=keyed, grep=grep)

    monkeypatch.setattr(early, "head_start", noted)
    cli("baseline", tree, "--update", "--allow-increase", "--no-git")
    first = cli("audit", tree)  # a cache already: no grep ahead
    again = cli("audit", tree, "--no-cache")  # no cache: grep ahead, with the scan's needles
    assert [c[1:] for c in calls[:1]] == [(True, ())]
    assert calls[1][1] is False and calls[1][2]
    assert first.out == again.out == cli("audit", tree, "--no-git", "--no-cache").out
    assert not early._LISTINGS and not early._GREPS
