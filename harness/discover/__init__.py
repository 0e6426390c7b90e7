"""Stage 0, discover: rank likely SSOT families in a tree that has no config yet."""

from __future__ import annotations

from harness.discover.cli import add_parser, run

__all__ = ["add_parser", "run"]
