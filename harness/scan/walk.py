"""Walks the configured roots into a sorted list of Python files, reporting what it leaves out and why."""

from __future__ import annotations

import fnmatch
import operator
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.config import DEFAULT_EXCLUDE
from harness.scan.skip import Skipped

__all__ = ["PY_SUFFIXES", "Skipped", "StatKey", "WalkResult", "excluder", "walk", "walk_strings"]

PY_SUFFIXES: tuple[str, ...] = (".py", ".pyi")
_ELOOP = 40
_DOTTED_DIR = (
    "a directory named like a Python file is not a package Python can import "
    "(a dot in a package name); its files are not scanned"
)


@dataclass(frozen=True)
class WalkResult:
    """Python files in deterministic (sorted) order, and everything left out with its reason."""

    files: tuple[Path, ...]
    skipped: tuple[Skipped, ...]


class _Exclusion:
    """Exclude patterns: a pattern without '/' matches any path component's name (fnmatch);
    a pattern with '/' matches the posix path relative to the project root (or to each root)."""

    def __init__(self, patterns: Iterable[str]) -> None:
        names: list[str] = []
        paths: list[str] = []
        for pattern in patterns:
            pattern = pattern.strip().rstrip("/")
            if pattern.startswith("./"):
                pattern = pattern[2:]
            if pattern:
                (paths if "/" in pattern else names).append(pattern)
        self._names = re.compile("|".join(fnmatch.translate(p) for p in names)) if names else None
        self._paths = (
            re.compile("|".join(f"(?:{fnmatch.translate(p)[:-2]}(?:/.*)?\\Z)" for p in paths))
            if paths
            else None
        )
        self.has_paths = self._paths is not None

    def excluded(self, name: str, rel: str | None) -> bool:
        if self._names is not None and self._names.match(name):
            return True
        return rel is not None and self._paths is not None and self._paths.match(rel) is not None

    @property
    def name_match(self) -> Callable[[str], object] | None:
        return None if self._names is None else self._names.match

    @property
    def path_match(self) -> Callable[[str], object] | None:
        return None if self._paths is None else self._paths.match


def excluder(exclude: Iterable[str] = ()) -> Callable[[str], bool]:
    """For paths not on disk (a git tree): True when `walk` would leave out this posix path, relative
    to the project root, because it or one of its folders matches DEFAULT_EXCLUDE or `exclude`."""
    rules = _Exclusion((*DEFAULT_EXCLUDE, *exclude))

    def excluded(rel: str) -> bool:
        parts = rel.split("/")
        return any(rules.excluded(name, "/".join(parts[: i + 1])) for i, name in enumerate(parts))

    return excluded


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
    files, skipped = walk_strings([os.fspath(r) for r in roots], exclude, relative_to=relative_to)
    return WalkResult(tuple(Path(f) for f in files), tuple(Skipped(Path(p), r) for p, r in skipped))


# A stat key: (size, mtime_ns, inode, ctime_ns), or why the file could not be stat'ed.
StatKey = tuple[int, int, int, int] | OSError


def walk_strings(
    roots: Sequence[str],
    exclude: Iterable[str] = (),
    *,
    relative_to: Path | str | None = None,
    stats: dict[str, StatKey] | None = None,
) -> tuple[list[str], list[tuple[str, str]]]:
    """`walk` on plain strings (the scanner's fast path): sorted file paths and (path, reason) skips.

    With `stats`, each file's (size, mtime_ns, inode, ctime_ns) is recorded there by path, from
    the directory entry the walk already holds (one `fstatat` relative to the open directory:
    cheaper than a `stat` of the full path later).
    """
    rules = _Exclusion((*DEFAULT_EXCLUDE, *exclude))
    files: dict[str, str] = {}
    skipped: list[tuple[str, str]] = []
    seen_dirs: dict[tuple[int, int], str] = {}
    for root in roots:
        root = root.rstrip("/") or "/"
        try:
            st = os.stat(root)
        except OSError as exc:
            skipped.append((root, _os_reason(root, exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            base = os.fspath(relative_to) if relative_to is not None else root
            _walk_dir(base, root, rules, files, skipped, seen_dirs, (), stats)
        elif root.endswith(PY_SUFFIXES):  # (discover hands thousands of file roots over)
            real = os.path.realpath(root)
            if real not in files:
                files[real] = root
                if stats is not None:
                    stats[root] = (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
        else:
            skipped.append((root, f"not a Python file (size {st.st_size} bytes)"))
    ordered = sorted(files.values(), key=lambda p: p.replace(os.sep, "/"))
    return ordered, sorted(skipped)


_NAME = operator.attrgetter("name")
_BY_FD = os.scandir in os.supports_fd and os.stat in os.supports_dir_fd
_OPEN_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)


def _walk_dir(
    base: str,
    folder: str,
    rules: _Exclusion,
    files: dict[str, str],
    skipped: list[tuple[str, str]],
    seen_dirs: dict[tuple[int, int], str],
    ancestry: tuple[tuple[int, int], ...],
    stats: dict[str, StatKey] | None,
) -> None:
    fd = -1
    try:
        if _BY_FD:  # entries are then stat'ed relative to the open directory
            fd = os.open(folder, _OPEN_DIR)
            st = os.fstat(fd)
        else:  # pragma: no cover - platforms without dir_fd support
            st = os.stat(folder)
    except OSError as exc:
        skipped.append((folder, _os_reason(folder, exc)))
        return
    try:
        key = (st.st_dev, st.st_ino)
        if key in ancestry:
            target = os.readlink(folder) if os.path.islink(folder) else "an ancestor"
            skipped.append((folder, f"symlink loop: points back to {target}"))
            return
        if key in seen_dirs:
            skipped.append((folder, f"duplicate route to {seen_dirs[key]} (already walked)"))
            return
        seen_dirs[key] = folder
        ancestry = (*ancestry, key)
        try:
            with os.scandir(fd if _BY_FD else folder) as it:
                found = list(it)
        except OSError as exc:
            skipped.append((folder, _os_reason(folder, exc)))
            return
        try:  # data, templates, locales (most entries of a real tree) are dropped unlooked at:
            # their type is in the directory entry, so no stat and no exclusion match
            found = [
                e for e in found if e.name.endswith(PY_SUFFIXES) or e.is_dir() or e.is_symlink()
            ]
        except OSError:
            pass  # an entry whose type needs a stat that fails: the loop below reports it
        entries = sorted(found, key=_NAME)
        _walk_entries(base, folder, entries, rules, files, skipped, seen_dirs, ancestry, stats)
    finally:
        if fd >= 0:
            os.close(fd)


def _walk_entries(
    base: str,
    folder: str,
    entries: list[os.DirEntry[str]],
    rules: _Exclusion,
    files: dict[str, str],
    skipped: list[tuple[str, str]],
    seen_dirs: dict[tuple[int, int], str],
    ancestry: tuple[tuple[int, int], ...],
    stats: dict[str, StatKey] | None,
) -> None:
    prefix = len(base) + 1
    head = folder if folder.endswith(os.sep) else folder + os.sep
    name_match, path_match = rules.name_match, rules.path_match
    for entry in entries:
        name = entry.name
        if name_match is not None and name_match(name):
            continue
        path = head + name
        if (
            path_match is not None
            and path.startswith(base)
            and path_match(path[prefix:].replace(os.sep, "/"))
        ):
            continue
        try:
            is_dir = entry.is_dir()  # follows symlinks
            is_file = not is_dir and entry.is_file()
        except OSError as exc:
            skipped.append((path, _os_reason(path, exc)))
            continue
        if is_dir and name.endswith(PY_SUFFIXES):
            skipped.append((path, _DOTTED_DIR))
        elif is_dir:
            _walk_dir(base, path, rules, files, skipped, seen_dirs, ancestry, stats)
        elif is_file:
            if name.endswith(PY_SUFFIXES):
                real = os.path.realpath(path) if entry.is_symlink() else path
                if real in files:
                    skipped.append((path, f"duplicate route to {files[real]}"))
                    continue
                files[real] = path
                if stats is not None:
                    try:
                        st = entry.stat()  # follows symlinks, as open() will
                        stats[path] = (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
                    except OSError as exc:
                        stats[path] = exc
        elif entry.is_symlink():
            try:
                os.stat(path)
            except OSError as exc:
                if exc.errno == _ELOOP:
                    skipped.append((path, "symlink loop: the link resolves to itself"))
                elif name.endswith(PY_SUFFIXES):
                    skipped.append((path, f"broken symlink to {os.readlink(path)}"))


def _os_reason(path: str, exc: OSError) -> str:
    if exc.errno == _ELOOP:
        return "symlink loop: the link resolves to itself"
    if os.path.islink(path):
        return f"broken symlink to {os.readlink(path)}"
    return f"unreadable: {exc.strerror or exc}"
