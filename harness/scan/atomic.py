"""Atomic file replacement with the process's normal umask (shared files are not made private).

A process killed at any moment (SIGKILL, a CI job cancelled) leaves a file written here with its
previous content or its new content, never a mix; a full disk or a size limit is a WriteError
naming the file, which then keeps its previous content.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from harness.errors import WriteError


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and `os.replace`.

    Concurrent writers (pytest -n 2) never leave a torn file. The temporary file is created with
    mode 0o666 filtered by the umask, as `open()` would create `path` itself: a baseline meant
    to be committed, or a cache shared by a team's checkout, is not left readable by its owner only.
    An existing path that is not a regular file (`/dev/stdout`, a pipe) is written in place.
    Temporary files left by writers that were killed are removed by the next write.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not _regular_or_absent(path):
            with open(path, "wb") as fh:
                fh.write(data)
            return
        tmp = path.parent / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except WriteError:
        raise
    except OSError as exc:
        raise WriteError(
            exc.errno, f"cannot write {path}: {exc.strerror or exc}; it keeps its previous content"
        ) from None
    _remove_orphans(path)


def warn_unwritten(what: str, path: Path | None, exc: OSError, then: str) -> None:
    """A cache that cannot be written (`what` at `path`): a warning on stderr saying what that
    costs (`then`), and the command goes on."""
    reason = os.strerror(exc.errno) if exc.errno else exc
    print(
        f"ssot-harness: warning: {what} {path} cannot be written ({reason}); {then}",
        file=sys.stderr,
    )


def write_text_atomic(path: Path, text: str) -> None:
    """`write_bytes_atomic` of `text` as UTF-8 with the newlines as given; a path that is not
    UTF-8 (held as surrogate escapes) is written as its own bytes."""
    write_bytes_atomic(path, text.encode("utf-8", "surrogateescape"))


def _regular_or_absent(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True


def _remove_orphans(path: Path) -> None:
    """Temporary files of `path` whose writer process is gone (killed before its replace)."""
    prefix = f".{path.name}."
    try:
        names = [n for n in os.listdir(path.parent) if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            try:
                os.unlink(path.parent / name)
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True
