"""Walks the configured roots into a sorted list of Python files, reporting what it leaves out and why."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.config import DEFAULT_EXCLUDE
from harness.scan.skip import Skipped

__all__ = ["PY_SUFFIXES", "Skipped", "WalkResult", "walk"]

PY_SUFFIXES: tuple[str, ...] = (".py", ".pyi")


@dataclass(frozen=True)
class WalkResult:
    """Python files in deterministic (sorted) order, and everything left out with its reason."""

    files: tuple[Path, ...]
    skipped: tuple[Skipped, ...]


class _Exclusion:
    """Exclude patterns: a pattern without '/' matches any path component's name (fnmatch);
    a pattern with '/' matches the posix path relative to the root it was found under."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.names: list[str] = []
        self.paths: list[str] = []
        for pattern in patterns:
            pattern = pattern.strip().rstrip("/")
            if not pattern:
                continue
            if "/" in pattern:
                self.paths.append(pattern.lstrip("./") if pattern.startswith("./") else pattern)
            else:
                self.names.append(pattern)

    def excluded(self, name: str, rel: str) -> bool:
        return any(fnmatch.fnmatchcase(name, p) for p in self.names) or any(
            fnmatch.fnmatchcase(rel, p) or rel.startswith(p + "/") for p in self.paths
        )


def walk(
    roots: Sequence[Path | str], exclude: Iterable[str] = (), *, relative_to: Path | None = None
) -> WalkResult:
    """Every `.py`/`.pyi` file under `roots` (files or directories), minus DEFAULT_EXCLUDE and `exclude`.

    Symlinked directories are followed once: a link back into its own ancestry is reported as a
    symlink loop, a second route to a directory already walked as a duplicate; broken links and
    unreadable directories are reported too. Non-Python files are not part of the scan and are
    left out silently, except when given explicitly as a root. Exclude patterns containing '/'
    match paths relative to `relative_to` (the project root), else relative to each root.
    """
    rules = _Exclusion((*DEFAULT_EXCLUDE, *exclude))
    files: dict[str, Path] = {}
    skipped: list[Skipped] = []
    seen_dirs: dict[tuple[int, int], Path] = {}
    for root in roots:
        root = Path(root)
        try:
            st = root.stat()
        except OSError as exc:
            skipped.append(Skipped(root, _os_reason(root, exc)))
            continue
        if root.is_dir():
            _walk_dir(relative_to or root, root, rules, files, skipped, seen_dirs, ancestry=())
        elif root.suffix in PY_SUFFIXES:
            files.setdefault(_real(root), root)
        else:
            skipped.append(Skipped(root, f"not a Python file (size {st.st_size} bytes)"))
    ordered = tuple(sorted(files.values(), key=lambda p: p.as_posix()))
    return WalkResult(ordered, tuple(sorted(skipped, key=lambda s: (s.path.as_posix(), s.reason))))


def _walk_dir(
    root: Path,
    folder: Path,
    rules: _Exclusion,
    files: dict[str, Path],
    skipped: list[Skipped],
    seen_dirs: dict[tuple[int, int], Path],
    ancestry: tuple[tuple[int, int], ...],
) -> None:
    try:
        st = folder.stat()
    except OSError as exc:
        skipped.append(Skipped(folder, _os_reason(folder, exc)))
        return
    key = (st.st_dev, st.st_ino)
    if key in ancestry:
        target = os.readlink(folder) if folder.is_symlink() else "an ancestor"
        skipped.append(Skipped(folder, f"symlink loop: points back to {target}"))
        return
    if key in seen_dirs:
        skipped.append(Skipped(folder, f"duplicate route to {seen_dirs[key].as_posix()} (already walked)"))
        return
    seen_dirs[key] = folder
    ancestry = (*ancestry, key)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        skipped.append(Skipped(folder, _os_reason(folder, exc)))
        return
    for entry in entries:
        path = folder / entry.name
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            rel = path.as_posix()
        if rules.excluded(entry.name, rel):
            continue
        try:
            is_dir = entry.is_dir()  # follows symlinks
            is_file = not is_dir and entry.is_file()
        except OSError as exc:
            skipped.append(Skipped(path, _os_reason(path, exc)))
            continue
        if is_dir:
            _walk_dir(root, path, rules, files, skipped, seen_dirs, ancestry)
        elif is_file:
            if entry.name.endswith(PY_SUFFIXES):
                real = _real(path) if entry.is_symlink() else str(path)
                if real in files:
                    skipped.append(Skipped(path, f"duplicate route to {files[real].as_posix()}"))
                else:
                    files[real] = path
        elif entry.is_symlink() and entry.name.endswith(PY_SUFFIXES):
            skipped.append(Skipped(path, f"broken symlink to {os.readlink(path)}"))
        elif entry.is_symlink():
            try:
                path.stat()
            except OSError as exc:
                if exc.errno == 40:  # ELOOP: a link that points at itself or a cycle of links
                    skipped.append(Skipped(path, "symlink loop: the link resolves to itself"))


def _real(path: Path) -> str:
    return os.path.realpath(path)


def _os_reason(path: Path, exc: OSError) -> str:
    if exc.errno == 40:
        return "symlink loop: the link resolves to itself"
    if path.is_symlink():
        return f"broken symlink to {os.readlink(path)}"
    return f"unreadable: {exc.strerror or exc}"
