"""git's processes for a scan, startable before the scanner is even imported (a head start).

A command knows the project root, its roots and the needles right after reading the config, tens
of milliseconds of imports before the scanner asks git anything: `head_start` starts git's
listing (and `git grep`, when the scan will want it) then, so git works on the other core while
this process imports; the scanner takes those processes over when it asks for the same thing
(`take_listing`, `take_grep`), and starts its own otherwise. Light on purpose: os and subprocess.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Iterable, Sequence
from typing import Any

PY_SUFFIXES: tuple[str, ...] = (".py", ".pyi")
ENV = {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}  # bytes, and no index refresh
# git's full stat check whatever the user's config: a rewrite of the same size with its mtime put
# back still changes the ctime (or the inode), which `core.trustctime=false` or
# `core.checkStat=minimal` would let through
GIT = (
    "git",
    "-c",
    "core.quotePath=false",
    "-c",
    "core.trustctime=true",
    "-c",
    "core.checkStat=default",
)
LITERAL = "--literal-pathspecs"
_PY_GLOBS = tuple("**/*" + s for s in PY_SUFFIXES)
_GLOB_SPECIAL = re.compile(r"([*?\[\]\\])")

_LISTINGS: dict[tuple[str, tuple[str, ...], bool], list[Any]] = {}
_GREPS: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Any] = {}
_LINES: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Any] = {}


def head_start(
    top: str,
    roots: Sequence[str],
    *,
    keyed: bool,
    grep: Iterable[str] = (),
    lines: Sequence[str] = (),
) -> None:
    """Start the listing of `roots` (absolute, normalized) under `top`, `git grep` for the
    `grep` needles (already minimal, see `minimal`), and the search of the lines matching the PCRE
    patterns of `lines` (see `start_lines`); quietly nothing when git cannot be run."""
    rels = relative_roots(top, roots)
    if rels is None:
        return
    try:
        key = (top, tuple(rels), keyed)
        if key not in _LISTINGS:
            _LISTINGS[key] = listing_runs(top, rels, keyed=keyed)
        needles = tuple(sorted(set(grep)))
        pathspecs = tuple(r.replace(os.sep, "/") for r in rels)
        if needles and (top, pathspecs, needles) not in _GREPS:
            _GREPS[(top, pathspecs, needles)] = start_grep(top, pathspecs, needles)
        if lines and (top, pathspecs, tuple(lines)) not in _LINES:
            _LINES[(top, pathspecs, tuple(lines))] = start_lines(top, pathspecs, lines)
    except OSError:  # no git: the scanner finds out for itself
        pass


def take_listing(top: str, rels: list[str], keyed: bool) -> list[Any]:
    """The listing processes for these roots: those started ahead, else new ones."""
    runs = _LISTINGS.pop((top, tuple(rels), keyed), None)
    return runs if runs is not None else listing_runs(top, rels, keyed=keyed)


def take_grep(top: str, pathspecs: tuple[str, ...], needles: tuple[str, ...]) -> Any:
    found = _GREPS.pop((top, pathspecs, needles), None)
    return found if found is not None else start_grep(top, pathspecs, needles)


def take_lines(top: str, pathspecs: tuple[str, ...], patterns: Sequence[str]) -> Any:
    found = _LINES.pop((top, pathspecs, tuple(patterns)), None)
    return found if found is not None else start_lines(top, pathspecs, patterns)


def discard() -> None:
    """Stop the processes started ahead that no scan took (another config, an error first)."""
    started = [*_LISTINGS.values(), *([g] for g in _GREPS.values())]
    for runs in [*started, *([g] for g in _LINES.values())]:
        for proc in runs:
            proc.kill()
            proc.communicate()
    _LISTINGS.clear()
    _GREPS.clear()
    _LINES.clear()


def minimal(needles: Iterable[str]) -> tuple[str, ...]:
    """Sorted needles without those containing another needle (a file matching 'X' is enough)."""
    unique = sorted({n for n in needles if n})
    return tuple(n for n in unique if not any(o != n and o in n for o in unique))


def relative_roots(top: str, roots: Sequence[str]) -> list[str] | None:
    """The roots relative to `top`, or None when one is not a folder under it or they overlap."""
    head = top + os.sep
    rels: list[str] = []
    for root in roots:
        if root == top:
            rels.append(".")
        elif root.startswith(head) and os.path.isdir(root) and not os.path.islink(root):
            rels.append(root[len(head) :])
        else:
            return None
    if any(a != b and (a == "." or b.startswith(a + os.sep)) for a in rels for b in rels):
        return None
    if len(set(rels)) != len(rels):
        return None
    return rels


def listing_runs(top: str, rels: list[str], *, keyed: bool) -> list[Any]:
    """`ls-files` of the index and of the untracked files; with `keyed`, `diff-files` of the
    Python files (paths relative to `top`, as ls-files gives them)."""
    runs = [
        popen(top, LITERAL, "ls-files", "-z", "-s", "-v", "--cached", "--", *rels),
        popen(top, LITERAL, "ls-files", "-z", "--others", "--exclude-standard", "--", *rels),
    ]
    if keyed:  # (one thread: the threads of core.preloadIndex cost more than they save here)
        globs = [spec for r in rels for spec in py_glob(r)]
        runs.append(
            popen(top, "-c", "core.preloadIndex=false", "diff-files", "--relative", "--name-only",
                  "-z", "--", *globs)
        )  # fmt: skip
    return runs


def start_grep(top: str, pathspecs: tuple[str, ...], needles: tuple[str, ...]) -> Any:
    return grep(top, pathspecs, ("-l", "-F", *(part for n in needles for part in ("-e", n))))


def start_lines(top: str, pathspecs: tuple[str, ...], patterns: Sequence[str]) -> Drained:
    """`git grep` printing `path NUL number NUL text` for each line matching a PCRE pattern."""
    return Drained(
        grep(top, pathspecs, ("-n", "-P", *(part for p in patterns for part in ("-e", p))))
    )


class Drained:
    """A git process whose output a thread reads as it comes, so that git never waits on a full
    pipe while this process is busy elsewhere (a line search prints megabytes; a pipe holds 64
    KiB). `communicate`, `kill` and `returncode` as a Popen's."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self._out: list[bytes] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        with self.proc.stdout:
            self._out.append(self.proc.stdout.read())

    def communicate(self) -> tuple[bytes, None]:
        self._reader.join()
        self.proc.wait()
        return (self._out[0] if self._out else b""), None

    def kill(self) -> None:
        self.proc.kill()

    @property
    def returncode(self) -> int | None:
        return self.proc.returncode


def grep(top: str, pathspecs: tuple[str, ...], mode: tuple[str, ...]) -> Any:
    """`git grep` over the Python files of `pathspecs` with `mode` (options and `-e` patterns)."""
    args = ["-c", "grep.fallbackToNoIndex=false", "grep", "-z", "-a", *mode]
    args += ["--no-color", "--no-recurse-submodules", "--no-textconv"]
    return popen(top, *args, "--", *(spec for p in pathspecs for spec in py_glob(p)))


def py_glob(root: str) -> list[str]:
    """Glob pathspecs of the Python files under `root` (its own glob characters escaped): git then
    opens only those, not the data files beside them."""
    head = "" if root == "." else _GLOB_SPECIAL.sub(r"\\\1", root.replace(os.sep, "/")) + "/"
    return [":(glob)" + head + tail for tail in _PY_GLOBS]


def popen(top: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*GIT, *args], cwd=top, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
