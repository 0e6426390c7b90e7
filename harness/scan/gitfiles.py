"""The walk's answer from git inside a work tree: the file list from the index, candidates by `git grep`.

Git already holds what a walk recomputes (the file list with the ignore rules applied) and has a
multi-threaded native grep, so inside a git work tree the scanner asks it: `git ls-files` for the
files (tracked, and untracked but not ignored), `git grep -l -F` for the files that may mention a
needle. The answer is the walk's, shaped the same (sorted absolute paths, the same skips, the
same stat keys), except where git's ignore rules leave a file out. Where git cannot give the
walk's answer exactly, `git_tree` returns None and the scanner walks:

- a symlink under the roots (the walk follows links and reports loops, broken links and second
  routes in its own order), overlapping roots, a root that is a file or lies outside the project
  or the work tree, git missing or failing;
- a submodule or a nested repository is walked by the walk itself (git does not list or search
  inside it) and its files are searched in Python, like untracked files (listed by `git ls-files
  --others`, so `git grep --untracked` would walk the tree a second time) and files git marks
  assume-unchanged or skip-worktree (`git grep` would search their index copy, not the file).

Differences that remain, by design: files ignored by `.gitignore`, `.git/info/exclude` or the
global excludes are not scanned; an empty folder named like a Python file is not reported (git
lists files, not folders).
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.config import DEFAULT_EXCLUDE
from harness.scan.walk import _DOTTED_DIR, PY_SUFFIXES, StatKey, _Exclusion, walk_strings

__all__ = ["GitTree", "git_tree"]

_ENV = {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}  # bytes, and no index refresh
_GIT = ("git", "-c", "core.quotePath=false")
_LITERAL = "--literal-pathspecs"
_PY = tuple(s.encode() for s in PY_SUFFIXES)
# an index entry git grep reads from its blob, not the work tree: assume-unchanged, skip-worktree
_UNSURE_TAGS = frozenset(b"hSs")
_DOTTED = re.compile(rb"\.pyi?/")


@dataclass
class GitTree:
    """One scan's view of a work tree through git: the listing, and `candidates(needles)`."""

    top: str  # the project root, git's working directory
    pathspecs: tuple[str, ...]  # the roots, relative to top
    paths: list[str]  # sorted absolute paths, as `walk_strings` gives them
    skipped: list[tuple[str, str]]
    unsure: set[str] = field(default_factory=set)  # paths whose bytes Python must search
    _greps: dict[tuple[str, ...], subprocess.Popen[bytes]] = field(default_factory=dict)
    _found: dict[tuple[str, ...], set[str] | None] = field(default_factory=dict)
    _lines: subprocess.Popen[bytes] | None = None

    def start(self, needles: Iterable[str], *, words: bool = False) -> None:
        """Start `git grep` for these needles now, so it runs while this process does other work
        (`words`: only where a needle stands as a word of its own, as `git grep -w`)."""
        key = _key(needles, words)
        if key[1:] and key not in self._greps and key not in self._found:
            if words:  # one PCRE alternation: `-F -w` with many needles is ten times slower
                pattern = r"\b(?:" + "|".join(re.escape(n) for n in key[1:]) + r")\b"
                self._greps[key] = _start_grep(self.top, self.pathspecs, (pattern,), ("-l", "-P"))
            else:
                self._greps[key] = _start_grep(self.top, self.pathspecs, key[1:])

    def started(self, needles: Iterable[str]) -> bool:
        key = _key(needles, False)
        return key in self._greps or key in self._found

    def candidates(self, needles: Iterable[str], *, words: bool = False) -> set[str] | None:
        """Absolute paths of the files whose bytes contain one of `needles` (as a word of its
        own with `words`; a superset for the files in `unsure`, which Python searches), or None
        when git grep failed."""
        key = _key(needles, words)
        if key in self._found:
            return self._found[key]
        self.start(key[1:], words=words)
        proc = self._greps.pop(key)
        out, _ = proc.communicate()
        found: set[str] | None = None
        if proc.returncode not in (0, 1) and words:  # a git without PCRE: every mention
            return self.candidates(key[1:])
        if proc.returncode in (0, 1):  # 1: nothing matched
            head = self.top + os.sep
            found = {head + os.fsdecode(p) for p in out.split(b"\0") if p}
            found |= self.unsure
        self._found[key] = found
        return found

    def lines(self) -> bytes | None:
        """What the line search `git_tree(..., lines=PATTERNS)` started printed: `path NUL number
        NUL text` and a newline per line of the roots' Python files matching a PCRE pattern (the
        files in `unsure` excepted: search those in Python), or None when none was started or git
        grep failed (a git built without PCRE, for one)."""
        proc, self._lines = self._lines, None
        if proc is None:
            return None
        out, _ = proc.communicate()
        return out if proc.returncode in (0, 1) else None

    def close(self) -> None:
        for proc in [*self._greps.values(), *([self._lines] if self._lines else [])]:
            proc.kill()
            proc.communicate()
        self._greps.clear()
        self._lines = None


def _key(needles: Iterable[str], words: bool) -> tuple[str, ...]:
    return ("-w" if words else "", *sorted(set(needles)))


_PY_GLOBS = tuple("**/*" + s for s in PY_SUFFIXES)
_GLOB_SPECIAL = re.compile(r"([*?\[\]\\])")


def _glob(root: str) -> str:
    """The root as the head of a glob pathspec (its own glob characters escaped): git grep then
    opens only the Python files, not the data files beside them."""
    head = "" if root == "." else _GLOB_SPECIAL.sub(r"\\\1", root.replace(os.sep, "/")) + "/"
    return ":(glob)" + head


def _start_grep(
    top: str,
    pathspecs: tuple[str, ...],
    needles: tuple[str, ...],
    mode: tuple[str, ...] = ("-l", "-F"),
) -> Any:
    args = [*_GIT, "-c", "grep.fallbackToNoIndex=false", "grep", *mode, "-z", "-a"]
    args += ["--no-color", "--no-recurse-submodules", "--no-textconv"]
    for n in needles:
        args += ["-e", n]
    args += ["--", *(_glob(p) + tail for p in pathspecs for tail in _PY_GLOBS)]
    return subprocess.Popen(
        args, cwd=top, env=_ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )


def git_tree(
    top: str,
    roots: Sequence[str],
    exclude: Iterable[str],
    stats: dict[str, StatKey],
    *,
    grep: Iterable[str] = (),
    lines: Sequence[str] = (),
) -> GitTree | None:
    """The walk's listing of `roots` (absolute, normalized) under the project root `top`, from git;
    None when git cannot give the walk's exact answer (see the module's notes). Fills `stats`.

    `grep` needles start `git grep` at once, beside the listing (see GitTree.start); so do the
    PCRE patterns of `lines` (see GitTree.lines)."""
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
    early = GitTree(top, tuple(r.replace(os.sep, "/") for r in rels), [], [])
    try:  # the index and the untracked files listed at the same time, beside the grep
        early.start(grep)
        if lines:
            early._lines = _start_grep(early.top, early.pathspecs, tuple(lines), ("-n", "-P"))
        cached_run = _popen(top, _LITERAL, "ls-files", "-z", "-s", "-v", "--cached", "--", *rels)
        others_run = _popen(
            top, _LITERAL, "ls-files", "-z", "--others", "--exclude-standard", "--", *rels
        )
    except OSError:  # no git
        early.close()
        return None
    cached, others = _output(cached_run), _output(others_run)
    tree = (
        None
        if cached is None or others is None
        else _listing(top, rels, exclude, stats, cached, others)
    )
    if tree is None:
        early.close()
        return None
    tree._greps, tree._lines = early._greps, early._lines
    return tree


# one index entry of `ls-files -s -v`: tag, mode, blob id, stage, path
_ENTRY = rb"(?<![^\0])([A-Za-z?]) (%s) [0-9a-f]+ \d\t([^\0]*%s)(?=\0)"
_PY_ENTRY = re.compile(_ENTRY % (rb"100\d{3}", rb"\.pyi?"))
_LINK_ENTRY = re.compile(_ENTRY % (rb"1[26]0000", b""))


def _listing(
    top: str,
    rels: list[str],
    exclude: Iterable[str],
    stats: dict[str, StatKey],
    cached: bytes,
    others: bytes,
) -> GitTree | None:
    head = top + os.sep
    listing = _Listing(top, rels, tuple(exclude), stats)
    if _DOTTED.search(cached) is None:  # the common case: the Python entries, found in C
        for _tag, mode, path in _LINK_ENTRY.findall(cached):
            if mode == b"120000":  # a tracked symlink
                return None
            listing.subtree(path)  # a submodule: walked, searched in Python
        for tag, _mode, path in _PY_ENTRY.findall(cached):
            if not listing.add(path, unsure=tag[0] in _UNSURE_TAGS):
                return None
    else:
        for entry in cached.split(b"\0"):
            if entry:
                meta, _, path = entry.partition(b"\t")
                if meta[2:8] == b"120000":
                    return None
                if meta[2:8] == b"160000":
                    listing.subtree(path)
                elif path.endswith(_PY) or _DOTTED.search(path):
                    if not listing.add(path, unsure=meta[0] in _UNSURE_TAGS):
                        return None
    for path in others.split(b"\0"):
        if not path:
            continue
        if path.endswith(b"/"):  # a nested repository git does not enter
            listing.subtree(path.rstrip(b"/"))
        elif path.endswith(_PY) or _DOTTED.search(path):
            if not listing.add(path, unsure=True):  # git grep searches tracked files only
                return None
        elif os.path.islink(head + os.fsdecode(path)):
            return None  # an untracked link (maybe to a folder the walk would enter)
    return listing.tree()


def _popen(top: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*_GIT, *args], cwd=top, env=_ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )


def _output(proc: subprocess.Popen[bytes]) -> bytes | None:
    out, _ = proc.communicate()
    return out if proc.returncode == 0 else None


class _Listing:
    """The files git lists, filtered as the walk filters its entries, with their stat keys."""

    def __init__(
        self, top: str, rels: list[str], exclude: tuple[str, ...], stats: dict[str, StatKey]
    ) -> None:
        self.top = top
        self.exclude = exclude
        self.rules = _Exclusion((*DEFAULT_EXCLUDE, *exclude))
        self.stats = stats
        self.roots = [r.replace(os.sep, "/") for r in rels]
        self.files: dict[str, str] = {}
        self.skipped: list[tuple[str, str]] = []
        self.unsure: set[str] = set()
        self.sub_roots: list[str] = []
        self._dirs: dict[str, bool] = {}  # folder (posix, relative) -> whether it is walked into
        self._dotted: set[str] = set()

    def _root_of(self, rel: str) -> str | None:
        for root in self.roots:
            if root == "." or rel.startswith(root + "/"):
                return root
        return None

    def _walked(self, folder: str, root: str) -> bool:
        """Whether the walk enters `folder` (posix, relative to top; under `root`)."""
        if folder == root or (root == "." and folder == ""):
            return True
        known = self._dirs.get(folder)
        if known is not None:
            return known
        parent, _, name = folder.rpartition("/")
        ok = self._walked(parent, root) and not self.rules.excluded(name, folder)
        if ok and name.endswith(PY_SUFFIXES):
            self._dotted.add(folder)
            ok = False
        self._dirs[folder] = ok
        return ok

    def add(self, raw: bytes, *, unsure: bool) -> bool:
        """Record one listed file; False when it is a link (the caller then walks instead)."""
        rel = os.fsdecode(raw)
        if os.sep != "/":  # pragma: no cover - git speaks posix
            rel = rel.replace("/", os.sep)
        posix = rel.replace(os.sep, "/")
        root = self._root_of(posix)
        if root is None:
            return True
        folder, _, name = posix.rpartition("/")
        if not self._walked(folder, root) or not name.endswith(PY_SUFFIXES):
            return True
        if self.rules.excluded(name, posix):
            return True
        path = self.top + os.sep + rel
        try:
            st = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return True  # deleted from the work tree, or not checked out (sparse): not there
        except OSError as exc:
            self.files[path] = path
            self.stats[path] = exc
            return True
        if stat.S_ISLNK(st.st_mode) or stat.S_ISDIR(st.st_mode):
            return False
        if not stat.S_ISREG(st.st_mode):
            return True  # a fifo or socket: the walk leaves it out too
        if path not in self.files:
            self.files[path] = path
            self.stats[path] = (st.st_size, st.st_mtime_ns, st.st_ino)
            if unsure:
                self.unsure.add(path)
        return True

    def subtree(self, raw: bytes) -> None:
        """A submodule or nested repository: walked as the walk would, if the walk enters it."""
        posix = os.fsdecode(raw)
        root = self._root_of(posix)
        if root is None:
            return
        folder, _, name = posix.rpartition("/")
        if not self._walked(folder, root) or self.rules.excluded(name, posix):
            return
        if name.endswith(PY_SUFFIXES):
            self._dotted.add(posix)
            return
        self.sub_roots.append(self.top + os.sep + posix.replace("/", os.sep))

    def tree(self) -> GitTree:
        skipped = [(self.top + os.sep + d.replace("/", os.sep), _DOTTED_DIR) for d in self._dotted]
        for sub in self.sub_roots:
            files, skips = walk_strings([sub], self.exclude, relative_to=self.top, stats=self.stats)
            for path in files:
                self.files[path] = path
                self.unsure.add(path)
            skipped += skips
        ordered = sorted(self.files, key=lambda p: p.replace(os.sep, "/"))
        return GitTree(
            self.top,
            tuple(self.roots),
            ordered,
            sorted(skipped),
            self.unsure,
        )
