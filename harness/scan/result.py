"""What a scan answers (`ScanResult`), and the cyclic collector paused around the heavy parts."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from harness.scan.cache import CANDIDATE, Known
from harness.scan.digests import digest
from harness.scan.facts import FileFacts
from harness.scan.skip import UNREAD, Skipped

Facts = tuple[FileFacts, ...]


@dataclass(frozen=True)
class ScanResult:
    """Facts of every candidate file, every skipped file with its reason, and what it cost.

    `facts` and `modules` are computed on first use (a warm run that needs neither decodes
    nothing); `digest`, when not empty, identifies them with the skips and needles: two results
    of the same digest (and settings) hold the same answer."""

    skipped: tuple[Skipped, ...]  # paths relative to the project root
    files_walked: int
    files_read: int  # files whose bytes were read this run (the rest came from the cache)
    files_parsed: int  # candidates parsed this run
    needles: tuple[str, ...]
    load: Callable[[], tuple[Facts, frozenset[str]]] = field(repr=False, compare=False)
    digest: str = ""

    @cached_property
    def _loaded(self) -> tuple[Facts, frozenset[str]]:
        return self.load()

    @property
    def facts(self) -> Facts:
        return self._loaded[0]

    @property
    def modules(self) -> frozenset[str]:
        """Dotted names of every walked file, parsed or not."""
        return self._loaded[1]


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: parsing and resolving make millions of objects and
    no cycles, and each collection would walk all of them again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def answer_digest(listed: str, *inputs: object) -> str:
    """What a scan's answer depends on: the tree (`fingerprint`) and the scan's `inputs`."""
    return digest(f"{listed}\0{inputs!r}".encode())


_STUB = "type stub: the .py beside it is audited instead"


def holds_facts(rel: str, known: Known, stems: set[str]) -> bool:
    """Whether the answer holds facts of `rel` (not a type stub beside its .py, in `stems`)."""
    result = known.result
    if result is None or type(result) is str or result == CANDIDATE:
        return False
    return not (rel.endswith(".pyi") and rel[:-1] in stems)


def reasons(entries: dict[str, Known], stems: set[str]) -> Iterator[tuple[str, str]]:
    """(path, why) of each file read or named whose facts are not part of the answer."""
    for rel, known in entries.items():
        result = known.result
        if result is None:
            continue
        if rel.endswith(".pyi") and rel[:-1] in stems:
            too = type(result) is str and result.startswith(UNREAD)
            yield rel, result if too else _STUB  # type: ignore[misc]
        elif type(result) is str:
            yield rel, result
