"""Git plumbing for the replay: commits of a range, tree listings and diffs, one long-lived blob reader."""

from __future__ import annotations

import os
import subprocess
import threading
from collections import Counter
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from harness.errors import UsageError

GITLINK = "160000"  # a submodule's entry in a tree: a commit id, not a blob
_ENV = {**os.environ, "GIT_NO_LAZY_FETCH": "1", "LC_ALL": "C"}  # a partial clone never fetches


@dataclass(frozen=True)
class Commit:
    """One commit of the replayed range: full id, committer time (unix), ISO date, subject."""

    oid: str
    time: int
    date: str  # YYYY-MM-DD
    subject: str

    @property
    def short(self) -> str:
        return self.oid[:10]


@dataclass(frozen=True)
class Entry:
    """A tree entry: mode ('100644', '160000'...) and object id."""

    mode: str
    oid: str


@dataclass(frozen=True)
class Change:
    """One path changed between two trees; `oid`/`mode` empty when the path went away."""

    path: str
    mode: str
    oid: str
    renamed_from: str = ""


class Repo:
    """A git repository found at or above a folder; every command runs with its toplevel as cwd."""

    def __init__(self, folder: Path) -> None:
        try:
            out = subprocess.run(
                ["git", "rev-parse", "--show-toplevel"],
                cwd=folder,
                capture_output=True,
                env=_ENV,
                check=False,
            )
        except FileNotFoundError:
            raise UsageError("git is not installed (no `git` on PATH)") from None
        if out.returncode != 0:
            raise UsageError(
                f"{folder} is not inside a git repository; run `ssot-harness history` in a checkout"
            )
        self.top = Path(out.stdout.decode().strip())

    def git(self, *args: str, what: str = "") -> bytes:
        out = subprocess.run(["git", *args], cwd=self.top, capture_output=True, env=_ENV)
        if out.returncode != 0:
            reason = out.stderr.decode(errors="replace").strip().splitlines()
            raise UsageError(f"{what or 'git ' + args[0]}: {reason[0] if reason else 'git failed'}")
        return out.stdout

    def commits(
        self,
        revision_range: str | None,
        *,
        first_parent: bool = True,
        since: str | None = None,
        max_count: int | None = None,
    ) -> list[Commit]:
        """The commits of the range, oldest first (newest `max_count` when bounded)."""
        args = ["log", "-z", "--reverse", "--format=%H%x1f%ct%x1f%cs%x1f%s"]
        if first_parent:
            args.append("--first-parent")
        if since:
            args.append(f"--since={since}")
        if max_count is not None:
            args.append(f"--max-count={max_count}")
        what = f"bad revision range {revision_range or 'HEAD'!r}"
        if revision_range is None:
            self.git("rev-parse", "--verify", "--quiet", "HEAD", what="no commits yet (HEAD)")
        args += ["--end-of-options", revision_range or "HEAD", "--"]
        out = self.git(*args, what=what).decode("utf-8", errors="replace")
        commits = []
        for record in out.split("\0"):
            if record.strip():
                oid, time, date, subject = record.lstrip("\n").split("\x1f", 3)
                commits.append(Commit(oid, int(time), date, subject))
        return commits

    def tree(self, commit: str) -> dict[str, Entry]:
        """Every blob and gitlink of the commit's tree, by repository-relative posix path."""
        out = self.git("ls-tree", "-r", "-z", "--full-tree", commit)
        entries = {}
        for record in out.split(b"\0"):
            if record:
                meta, _, path = record.partition(b"\t")
                mode, _kind, oid = meta.decode().split(" ")
                entries[path.decode("utf-8", errors="surrogateescape")] = Entry(mode, oid)
        return entries

    def diffs(self, pairs: list[tuple[str, str]]) -> Generator[list[Change], None, None]:
        """For each (old, new) pair of commits, the paths whose entry differs, streamed from one
        `git diff-tree --stdin` process. A path deleted while another is added with the same blob
        is a rename (exact renames only: no blob is read, so a partial clone works)."""
        if not pairs:
            return
        proc = subprocess.Popen(
            ["git", "diff-tree", "--stdin", "-r", "-z", "--raw", "--no-renames", "--always"],
            cwd=self.top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_ENV,
        )
        stdin, stdout = proc.stdin, proc.stdout
        assert stdin is not None and stdout is not None

        def feed() -> None:
            try:
                stdin.write("".join(f"{new} {old}\n" for old, new in pairs).encode())
                stdin.close()
            except OSError:
                pass  # git stopped early; what it said is read below

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        try:
            tokens = _tokens(stdout)
            header = next(tokens, None)
            for _ in pairs:
                records: list[bytes] = []
                for token in tokens:
                    if not token.startswith(b":"):
                        header = token
                        break
                    records += [token, next(tokens)]
                else:
                    header = None
                yield _changes(records)
                if header is None:
                    break
        finally:
            stdout.close()
            proc.wait()
            writer.join()

    def shallow_boundary(self) -> frozenset[str]:
        """Commits whose parents this (shallow) clone does not have; empty for a full clone."""
        path = Path(self.git("rev-parse", "--git-path", "shallow").decode().strip())
        path = path if path.is_absolute() else self.top / path
        try:
            return frozenset(path.read_text().split())
        except OSError:
            return frozenset()


def _tokens(stream: IO[bytes]) -> Iterator[bytes]:
    """The NUL-separated fields of a stream, read in chunks."""
    rest = b""
    while chunk := stream.read(1 << 16):
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def _changes(records: list[bytes]) -> list[Change]:
    gone: dict[str, str] = {}  # blob -> a path deleted with it
    gone_all: list[str] = []
    kept: list[tuple[str, str, str, bool]] = []  # path, mode, oid, added
    for meta, raw in zip(records[0::2], records[1::2], strict=True):
        _old_mode, new_mode, old_oid, new_oid, status = meta.decode().lstrip(":").split(" ")
        path = raw.decode("utf-8", errors="surrogateescape")
        if status == "D":
            gone.setdefault(old_oid, path)
            gone_all.append(old_oid)
            kept.append((path, "", "", False))
        else:
            kept.append((path, new_mode, new_oid, status == "A"))
    # a rename only when one path went and one came with that blob (not, e.g., empty __init__.py files)
    went = Counter(oid for oid in gone_all)
    came = Counter(oid for _path, _mode, oid, added in kept if added)
    return [
        Change(path, mode, oid, gone[oid] if added and went[oid] == came[oid] == 1 else "")
        for path, mode, oid, added in kept
    ]


# A write of at most this many bytes to a pipe that holds nothing never blocks (POSIX's PIPE_BUF,
# the least capacity a pipe has); the previous request's lines were all read by git before its
# last answer came back, so the pipe holds nothing when a request starts.
_PIPE_BUF = 4096


class BlobReader:
    """One `git cat-file --batch` process for the whole replay; `read_many` streams many blobs."""

    def __init__(self, repo: Repo) -> None:
        self._proc = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=repo.top,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_ENV,
        )
        self.blobs_read = 0

    def read_many(self, oids: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
        """(oid, bytes) for each oid in order; bytes is None for an object missing from the clone."""
        wanted = list(oids)
        if not wanted:
            return
        stdin, stdout = self._proc.stdin, self._proc.stdout
        assert stdin is not None and stdout is not None

        request = "".join(f"{oid}\n" for oid in wanted).encode()

        def feed() -> None:  # a writer thread, so a long request never deadlocks on full pipes
            stdin.write(request)
            stdin.flush()

        writer = None
        if len(request) <= _PIPE_BUF:  # (most commits): fits in the empty pipe, never blocks
            feed()
        else:
            writer = threading.Thread(target=feed, daemon=True)
            writer.start()
        for oid in wanted:
            header = stdout.readline().split()
            if len(header) == 2 and header[1] == b"missing":
                yield oid, None
                continue
            size = int(header[2])
            data = stdout.read(size)
            stdout.read(1)  # the newline after the content
            self.blobs_read += 1
            yield oid, data
        if writer is not None:
            writer.join()

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        if self._proc.stdout:
            self._proc.stdout.close()
        self._proc.wait()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
