"""Atomic file replacement with the process's normal umask (shared files are not made private)."""

from __future__ import annotations

import os
from pathlib import Path


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and `os.replace`.

    Concurrent writers (pytest -n 2) never leave a torn file. The temporary file is created with
    mode 0o666 filtered by the umask, as `open()` would create `path` itself: a baseline meant
    to be committed, or a cache shared by a team's checkout, is not left readable by its owner only.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """`write_bytes_atomic` of `text` as UTF-8 with the newlines as given."""
    write_bytes_atomic(path, text.encode("utf-8"))
