"""Discover's git processes started before its imports: the listing and the outline's line search.

`head_start` starts them as soon as the command knows its PATH, so git lists and searches the
tree on the other core while this process imports the rest of discover and reads the config;
the reading (collect.py) takes them over (see scan/early.py). Light on purpose: os and pathlib.
"""

from __future__ import annotations

import os
from pathlib import Path

from harness.scan import early

__all__ = ["PATTERNS", "head_start", "project_base"]

# PCRE (git grep -P): every line outline.Lines.classify may take matches one of these
_KINDS = (
    r"^[ \t]*class[ \t]+[A-Za-z_]",
    r"^[ \t]*(?:async[ \t]*)?def[ \t]+(?:get_|create_for_|for_user|from_context)",
    r"^[A-Z]\w* = [A-Za-z_][\w.]*[ \t]*$",
    r"[ \t]as[ \t]+[A-Z]",
    r"[Dd]eprecat|DEPRECAT|RemovedIn\w*Warning",
    r"^[ \t]*except\b.*(?:ImportError|ModuleNotFoundError)",
)
# one alternation: git grep tries each `-e` pattern on each line in turn (a fifth more CPU)
PATTERNS = ("|".join(_KINDS),)


def project_base(path: Path) -> Path:
    """The folder module names start from: PATH (or its folder), above any package it is in."""
    base = path.resolve() if path.is_dir() else path.resolve().parent
    while (base / "__init__.py").is_file() and base.parent != base:
        base = base.parent
    return base


def head_start(path: Path) -> None:
    """Start git's listing of PATH and the search of its outline's lines (as `Reading.open` asks
    for them), quietly nothing when git cannot be run there."""
    early.head_start(
        os.fspath(project_base(path)), [os.path.abspath(path)], keyed=False, lines=PATTERNS
    )
