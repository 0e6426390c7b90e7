"""Discover's outline of a git work tree from one `git grep`, without reading a file in Python.

Git's multi-threaded grep prints the lines that may name a class, a getter, an alias, a renaming
import, a deprecation or an import fallback (PATTERNS select a superset of what outline's
classifier takes); the classifier then reads those lines as it reads the lines of a file's bytes,
so both paths give the same outline. On Home Assistant that is ~10,000 lines of 6,700 files.
"""

from __future__ import annotations

import os

from harness.discover.early import PATTERNS
from harness.discover.outline import Lines, Outline

__all__ = ["PATTERNS", "outlines"]


def outlines(out: bytes) -> dict[str, Outline]:
    """Each file's outline from what `GitTree.lines()` printed (`path NUL number NUL text` and a
    newline per line; a path may hold a newline, a line may hold a NUL), by path relative to git's
    working directory; a file no line of which matched has no entry (its outline is empty)."""
    found: dict[bytes, Lines] = {}
    at, end = 0, len(out)
    while at < end:
        path_end = out.index(b"\0", at)
        number_end = out.index(b"\0", path_end + 1)
        line_end = out.find(b"\n", number_end + 1)
        if line_end < 0:
            line_end = end
        path = out[at:path_end]
        lines = found.get(path)
        if lines is None:
            lines = found[path] = Lines()
        lines.classify(int(out[path_end + 1 : number_end]), out[number_end + 1 : line_end])
        at = line_end + 1
    return {
        os.fsdecode(path).replace(os.sep, "/"): lines.outline() for path, lines in found.items()
    }
