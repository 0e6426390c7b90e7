"""One file's bytes into facts, the scanner's per-file step: needle prefilter, decode, parse, extract."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from harness.scan.facts import FileFacts, extract
from harness.scan.parse import decode_source, parse_module
from harness.scan.skip import Skipped


def mentions(data: bytes, needles: Sequence[str]) -> bool:
    """The cheap prefilter: does the file's text contain any needle at all?"""
    return any(n.encode() in data for n in needles)


def facts_from_bytes(
    data: bytes, rel: str, needles: Sequence[str], import_roots: tuple[str, ...] = ("src",)
) -> FileFacts | str:
    """The facts of the file `rel` (posix, relative to the project root) holding `data`, or why not
    (bad encoding, syntax error). References are recorded for attributes containing a needle."""
    source = decode_source(Path(rel), data)
    if isinstance(source, Skipped):
        return source.reason
    tree = parse_module(Path(rel), source)
    if isinstance(tree, Skipped):
        return tree.reason
    return extract(tree, rel, lambda attr: any(n in attr for n in needles), import_roots)
