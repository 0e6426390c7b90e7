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

With `keyed` (the scanner's cache), `git diff-files` over the roots' Python files runs beside:
git's own stat check (inode, ctime, mtime, size, and the content of racily clean entries, on
several threads) says which tracked files may differ from their index entry; the others are named
by their blob id and not even stat'ed here.

Differences that remain, by design: files ignored by `.gitignore`, `.git/info/exclude` or the
global excludes are not scanned; an empty folder named like a Python file is not reported (git
lists files, not folders). And with the cache, what git's stat check cannot see is not seen: git
built without USE_NSEC (Debian's, for one) compares whole seconds of mtime and ctime, so a tracked
file rewritten in place with the same size and its mtime put back, within the second git last
looked at it, keeps its index blob id (`git status` does not see that change either).
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.config import DEFAULT_EXCLUDE
from harness.scan import early
from harness.scan.digests import digest
from harness.scan.walk import _DOTTED_DIR, PY_SUFFIXES, StatKey, _Exclusion, walk_strings

__all__ = ["GitTree", "git_tree"]

_PY = tuple(s.encode() for s in PY_SUFFIXES)
_FS = sys.getfilesystemencoding()
_POSIX = os.sep == "/"
_S_IFMT = 0o170000
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
    # (keyed) absolute path -> blob id of the tracked files git's stat check finds unchanged: they
    # are in `paths` but not in the stats, whose bytes are that blob's
    blobs: dict[str, str] = field(default_factory=dict)
    digest: str = ""  # (keyed) of git's listing: equal digests, equal `paths` and `blobs`
    _greps: dict[tuple[str, ...], subprocess.Popen[bytes]] = field(default_factory=dict)
    _found: dict[tuple[str, ...], set[str] | None] = field(default_factory=dict)
    _lines: early.Drained | None = None

    def start(self, needles: Iterable[str], *, words: bool = False) -> None:
        """Start `git grep` for these needles now, so it runs while this process does other work
        (`words`: only where a needle stands as a word of its own, as `git grep -w`)."""
        key = _key(needles, words)
        if key[1:] and key not in self._greps and key not in self._found:
            if words:  # one PCRE alternation: `-F -w` with many needles is ten times slower
                pattern = r"\b" + shared_prefixes(key[1:]) + r"\b"
                self._greps[key] = early.grep(self.top, self.pathspecs, ("-l", "-P", "-e", pattern))
            else:
                self._greps[key] = early.take_grep(self.top, self.pathspecs, key[1:])

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
        procs: list[Any] = [*self._greps.values(), *([self._lines] if self._lines else [])]
        for proc in procs:
            proc.kill()
            proc.communicate()
        self._greps.clear()
        self._lines = None


def shared_prefixes(words: Sequence[str]) -> str:
    """A regex (PCRE or Python) matching exactly one of `words` (not empty, none empty), with
    their common prefixes written once: `(?:Ab(?:c|d)|E)` for Abc, Abd, E. PCRE tries an
    alternation's branches one by one at each place; shared, a prefix is tried once (Home
    Assistant's evidence search, 338 names: 0.2 -> 0.13 s of git's CPU)."""
    heads: dict[str, list[str]] = {}
    for word in sorted(set(words)):
        heads.setdefault(word[0], []).append(word[1:])
    branches = []
    for head, tails in heads.items():
        rest = [t for t in tails if t]
        if not rest:
            tail = ""
        elif len(rest) < len(tails):  # the head alone is a word too
            tail = f"(?:{shared_prefixes(rest)})?"
        else:
            tail = shared_prefixes(rest)
        branches.append(re.escape(head) + tail)
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


def _key(needles: Iterable[str], words: bool) -> tuple[str, ...]:
    return ("-w" if words else "", *sorted(set(needles)))


def git_tree(
    top: str,
    roots: Sequence[str],
    exclude: Iterable[str],
    stats: dict[str, StatKey],
    *,
    grep: Iterable[str] = (),
    keyed: bool = False,
    lines: Sequence[str] = (),
) -> GitTree | None:
    """The walk's listing of `roots` (absolute, normalized) under the project root `top`, from git;
    None when git cannot give the walk's exact answer (see the module's notes). Fills `stats`.

    `grep` needles start `git grep` at once, beside the listing (see GitTree.start); so do the
    PCRE patterns of `lines` (see GitTree.lines). With `keyed`, the files git's stat check finds
    unchanged are named by blob id in `blobs` instead of being stat'ed (see GitListing)."""
    listing = git_listing(top, roots, exclude, grep=grep, keyed=keyed, lines=lines)
    return None if listing is None else listing.tree(stats)


def git_listing(
    top: str,
    roots: Sequence[str],
    exclude: Iterable[str],
    *,
    grep: Iterable[str] = (),
    keyed: bool = False,
    lines: Sequence[str] = (),
) -> GitListing | None:
    """What git says of `roots` under `top`, before any per-file work (see GitListing); None when
    git cannot give the walk's answer (no git, not a work tree, a root git cannot list)."""
    rels = early.relative_roots(top, roots)
    if rels is None:
        return None
    greps = GitTree(top, tuple(r.replace(os.sep, "/") for r in rels), [], [])
    try:  # the index and the untracked files listed at the same time, beside the grep
        greps.start(grep)
        if lines:
            greps._lines = early.take_lines(top, greps.pathspecs, lines)
        runs = early.take_listing(top, rels, keyed)
    except OSError:  # no git
        greps.close()
        return None
    outputs = [_output(run) for run in runs]
    if any(out is None for out in outputs):
        greps.close()
        return None
    cached, others, *changed = outputs
    assert cached is not None and others is not None
    return GitListing(
        top, rels, tuple(exclude), cached, others, changed[0] if changed else None, greps
    )


# tracked symlinks, gitlinks and files under a folder named like a Python file need a look at
# every index entry; without them (the common case) only the Python entries are looked at (a
# path holding one of these is merely looked at the long way)
_SPECIAL = (b" 120000 ", b" 160000 ", b".py/", b".pyi/")


class GitListing:
    """git's answer for some roots, read but not yet turned into paths.

    `digest` identifies it (with `keyed`: the index with git's stat check, and the untracked
    files): when it and the content of the `loose` files are as on an earlier run, so is the tree.
    `loose` lists the files whose bytes git does not vouch for; `tree` the whole listing."""

    def __init__(
        self,
        top: str,
        rels: list[str],
        exclude: tuple[str, ...],
        cached: bytes,
        others: bytes,
        changed: bytes | None,
        early: GitTree,
    ) -> None:
        self.top, self.rels, self.exclude = top, rels, exclude
        self.cached, self.others = cached, others
        self.keyed = changed is not None
        # tracked paths whose file may differ from the index entry (or is gone)
        self.changed = set((changed or b"").split(b"\0"))
        self.digest = digest(cached, b"\0\0", others, b"\0\0", changed or b"")
        self._early = early
        # the length of a blob id (40: SHA-1, 64: SHA-256), from the first entry
        self.hex_len = max(cached.find(b" ", 9) - 9, 40) if cached[8:9] == b" " else 40

    def loose(self, stats: dict[str, StatKey]) -> list[str] | None:
        """The listed files whose bytes git does not vouch for (untracked, changed since the index
        says, assume-unchanged, skip-worktree, unmerged, in a submodule), with their stats; None
        when the scan must walk instead (see the module's notes)."""
        listing = _Listing(self.top, self.rels, self.exclude, stats, keyed=self.keyed)
        if self.keyed and _plain(self.cached):  # the common case: no entry needs a look
            for path in self.changed:
                if path and not listing.add(path, unsure=False):
                    return None
        else:
            entries = self._entries(listing)
            if entries is None:
                return None
            changed = self.changed
            for entry in entries:
                meta, _, path = entry.partition(b"\t")
                if path in changed or _unsure(meta) or not self.keyed:
                    if not listing.add(path, unsure=meta[0] in _UNSURE_TAGS):
                        return None
        if not listing.untracked(self.others):
            return None
        return listing.tree().paths

    def tree(self, stats: dict[str, StatKey]) -> GitTree | None:
        """The walk's listing, shaped as `walk_strings` gives it; None: walk instead."""
        listing = _Listing(self.top, self.rels, self.exclude, stats, keyed=self.keyed)
        entries = self._entries(listing)
        if entries is None or not (
            listing.tracked(entries, self.changed) and listing.untracked(self.others)
        ):
            self._early.close()
            return None
        found = listing.tree()
        found._greps, found._lines = self._early._greps, self._early._lines
        found.digest = self.digest
        return found

    def close(self) -> None:
        self._early.close()

    def _entries(self, listing: _Listing) -> list[bytes] | None:
        """The index entries of Python files (and, on the way, submodules noted in `listing`);
        None at a tracked symlink."""
        cached = self.cached
        if not any(special in cached for special in _SPECIAL):
            return [e for e in cached.split(b"\0") if e.endswith(_PY)]
        wanted: list[bytes] = []
        for entry in cached.split(b"\0"):
            if entry:
                meta, _, path = entry.partition(b"\t")
                if meta[2:8] == b"120000":
                    return None
                if meta[2:8] == b"160000":
                    listing.subtree(path)
                elif path.endswith(_PY) or _DOTTED.search(path):
                    wanted.append(entry)
        return wanted


def _plain(cached: bytes) -> bool:
    """Whether every index entry is an ordinary file at stage 0 that git's stat check covers
    (tag H), with nothing special (see _SPECIAL): searched for in C, not entry by entry."""
    if any(special in cached for special in _SPECIAL):
        return False
    if any(stage in cached for stage in (b" 1\t", b" 2\t", b" 3\t")):
        return False  # (or a path holding one: merely looked at the long way)
    return cached.count(b"\0") == cached.startswith(b"H ") + cached.count(b"\0H ")


def _unsure(meta: bytes) -> bool:
    """An index entry git grep and the stat check read from the index, not the work tree
    (assume-unchanged, skip-worktree), or one of several stages of an unmerged path."""
    return meta[0] in _UNSURE_TAGS or not meta.endswith(b" 0")


def _output(proc: subprocess.Popen[bytes]) -> bytes | None:
    out, _ = proc.communicate()
    return out if proc.returncode == 0 else None


class _Listing:
    """The files git lists, filtered as the walk filters its entries, with their stat keys."""

    def __init__(
        self,
        top: str,
        rels: list[str],
        exclude: tuple[str, ...],
        stats: dict[str, StatKey],
        *,
        keyed: bool = False,
    ) -> None:
        self.top = top
        self.head = top + os.sep
        self.exclude = exclude
        self.rules = _Exclusion((*DEFAULT_EXCLUDE, *exclude))
        self.stats = stats
        self.keyed = keyed
        self.roots = [r.replace(os.sep, "/") for r in rels]
        self.files: dict[str, str] = {}
        self.blobs: dict[str, str] = {}
        self.skipped: list[tuple[str, str]] = []
        self.unsure: set[str] = set()
        self.sub_roots: list[str] = []
        self._dirs: dict[str, bool] = {}  # folder (posix, relative) -> whether it is walked into
        self._folders: dict[str, bool] = {}  # the same, for the folder of a listed file
        self._dotted: set[str] = set()

    def tracked(self, entries: list[bytes], changed: set[bytes]) -> bool:
        """Record the index's Python entries (those not in `changed` by blob id, when keyed);
        False at a link (the caller then walks instead). `add` for each, in effect: the common
        entries (thousands) go through one loop that decodes their paths at once, and stats them
        only when git does not vouch for their bytes."""
        common: list[tuple[bytes, bytes]] = []
        for entry in entries:
            meta, _, listed = entry.partition(b"\t")
            if _unsure(meta):
                if not self.add(listed, unsure=meta[0] in _UNSURE_TAGS):
                    return False
            else:
                common.append((meta, listed))
        if not common:
            return True
        texts = b"\0".join([listed for _, listed in common]).decode(_FS, "surrogateescape")
        head, files, stats, blobs = self.head, self.files, self.stats, self.blobs
        name_match, path_match = self.rules.name_match, self.rules.path_match
        folders = self._folders
        keyed = self.keyed
        lstat = os.lstat
        for (meta, raw), rel in zip(common, texts.split("\0"), strict=True):
            folder, _, name = rel.rpartition("/")
            ok = folders.get(folder)
            if ok is None:
                ok = folders[folder] = self._folder_walked(folder)
            if not ok or not name.endswith(PY_SUFFIXES):
                continue
            if (name_match is not None and name_match(name)) or (
                path_match is not None and path_match(rel)
            ):
                continue
            path = head + (rel if _POSIX else rel.replace("/", os.sep))
            if path in files:
                continue
            if keyed and raw not in changed:
                files[path] = path
                blobs[path] = meta[9:-2].decode()
                continue
            if path in stats:  # stat'ed by `GitListing.loose` this run: one stat per file a run
                files[path] = path
                continue
            try:
                st = lstat(path)
            except (FileNotFoundError, NotADirectoryError):
                continue  # deleted from the work tree: not there
            except OSError as exc:
                files[path] = path
                stats[path] = exc
                continue
            kind = st.st_mode & _S_IFMT
            if kind == stat.S_IFREG:
                files[path] = path
                stats[path] = (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
            elif kind in (stat.S_IFLNK, stat.S_IFDIR):
                return False
        return True

    def _folder_walked(self, folder: str) -> bool:
        """Whether the walk enters `folder` (posix, relative to top) under one of the roots."""
        root = self._root_of(folder + "/") if folder else ("." if "." in self.roots else None)
        return root is not None and self._walked(folder, root)

    def untracked(self, others: bytes) -> bool:
        """Record the untracked, not ignored files; False where the caller must walk instead."""
        for path in others.split(b"\0"):
            if not path:
                continue
            if path.endswith(b"/"):  # a nested repository git does not enter
                self.subtree(path.rstrip(b"/"))
            elif path.endswith(_PY) or _DOTTED.search(path):
                if not self.add(path, unsure=True):  # git grep searches tracked files only
                    return False
            elif os.path.islink(self.head + os.fsdecode(path)):
                return False  # an untracked link (maybe to a folder the walk would enter)
        return True

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

    def add(self, raw: bytes, *, unsure: bool, blob: str | None = None) -> bool:
        """Record one listed file (named by `blob`, unstat'ed, when git vouches for its bytes);
        False when it is a link (the caller then walks instead)."""
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
        path = self.head + rel
        if path in self.files:
            return True
        if blob is not None:
            self.files[path] = path
            self.blobs[path] = blob
            return True
        if path in self.stats:  # stat'ed earlier this run: its bytes may have been read at it
            self.files[path] = path
            if unsure:
                self.unsure.add(path)
            return True
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
        self.files[path] = path
        self.stats[path] = (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
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
        ordered = sorted(self.files) if _POSIX else sorted(self.files, key=_posix)
        return GitTree(
            self.top, tuple(self.roots), ordered, sorted(skipped), self.unsure, blobs=self.blobs
        )


def _posix(path: str) -> str:  # pragma: no cover - Windows
    return path.replace(os.sep, "/")
