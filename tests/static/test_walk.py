"""walk(): which files the scan covers, in which order, and every skip reported with its reason."""

from __future__ import annotations

import os
from pathlib import Path

from harness.scan.walk import walk


def _touch(path: Path, text: str = "x = 1\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _rel(paths: tuple[Path, ...], root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_default_excludes_and_non_python_files_are_left_out(tmp_path: Path) -> None:
    for rel in (
        "pkg/a.py",
        "pkg/b.pyi",
        ".venv/lib/x.py",
        "pkg/__pycache__/a.py",
        "node_modules/m.py",
        "build/gen.py",
        "pkg/notes.txt",
        "x.egg-info/y.py",
        ".git/hooks/h.py",
    ):
        _touch(tmp_path / rel)
    result = walk([tmp_path])
    assert _rel(result.files, tmp_path) == ["pkg/a.py", "pkg/b.pyi"]
    assert result.skipped == ()


def test_config_excludes_match_names_and_project_relative_paths(tmp_path: Path) -> None:
    for rel in (
        "src/keep.py",
        "src/generated/drop.py",
        "tools/generated/keep_too.py",
        "src/skip_me.py",
    ):
        _touch(tmp_path / rel)
    result = walk(
        [tmp_path / "src", tmp_path / "tools"], ["src/generated", "skip_*.py"], relative_to=tmp_path
    )
    assert _rel(result.files, tmp_path) == ["src/keep.py", "tools/generated/keep_too.py"]


def test_order_is_sorted_whatever_the_roots_order(tmp_path: Path) -> None:
    for rel in ("b/z.py", "b/a.py", "a/m.py", "a/sub/b.py"):
        _touch(tmp_path / rel)
    first = walk([tmp_path / "b", tmp_path / "a"])
    second = walk([tmp_path / "a", tmp_path / "b"])
    assert first == second
    assert _rel(first.files, tmp_path) == ["a/m.py", "a/sub/b.py", "b/a.py", "b/z.py"]


def test_symlink_loops_broken_links_and_duplicate_routes_are_reported(tmp_path: Path) -> None:
    _touch(tmp_path / "pkg/mod.py")
    os.symlink("..", tmp_path / "pkg/up")  # a directory loop
    os.symlink("self.py", tmp_path / "pkg/self.py")  # a link to itself
    os.symlink("missing.py", tmp_path / "pkg/broken.py")
    os.symlink("mod.py", tmp_path / "pkg/again.py")  # a second route to the same file
    result = walk([tmp_path])
    assert _rel(result.files, tmp_path) == ["pkg/again.py"] or _rel(result.files, tmp_path) == [
        "pkg/mod.py"
    ]
    reasons = {s.path.relative_to(tmp_path).as_posix(): s.reason for s in result.skipped}
    assert reasons["pkg/up"].startswith("symlink loop")
    assert reasons["pkg/self.py"].startswith("symlink loop")
    assert reasons["pkg/broken.py"] == "broken symlink to missing.py"
    assert any(r.startswith("duplicate route") for r in reasons.values())
    assert len(result.files) + sum(r.startswith("duplicate route") for r in reasons.values()) == 2


def test_a_missing_root_and_a_non_python_root_are_reported(tmp_path: Path) -> None:
    text = _touch(tmp_path / "README.txt")
    result = walk([tmp_path / "nope", text])
    reasons = [s.reason for s in result.skipped]
    assert result.files == ()
    assert any(r.startswith("unreadable") for r in reasons)
    assert any(r.startswith("not a Python file") for r in reasons)
