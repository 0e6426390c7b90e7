"""Candidates' bytes into facts, in batches: a forked helper takes batches while this process reads on."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from harness.scan.batches import Batches
from harness.scan.facts import FileFacts
from harness.scan.plain import facts_from_bytes
from harness.scan.skip import Skipped

# Candidates are parsed in batches of about this many bytes: one batch per worker task.
BATCH_BYTES = 64 * 1024


class Parser:
    """Parses candidates in batches of about BATCH_BYTES, handed to a forked helper as soon as
    they are full while this process reads on (see Batches)."""

    def __init__(
        self, jobs: int | None, import_roots: tuple[str, ...], definitions_only: bool
    ) -> None:
        func = functools.partial(
            parse_batch, import_roots=import_roots, definitions_only=definitions_only
        )
        self.batches: Batches[list[tuple[str, bytes]], list[tuple[str, FileFacts | str]]] = Batches(
            func, jobs
        )
        self.batch: list[tuple[str, bytes]] = []
        self.size = 0
        self.meta: dict[str, Any] = {}

    def add(self, rel: str, data: bytes, meta: Any) -> None:
        self.batch.append((rel, data))
        self.meta[rel] = meta
        self.size += len(data)
        if self.size >= BATCH_BYTES:
            self.batches.add(self.batch)
            self.batch, self.size = [], 0

    def results(self) -> Iterator[tuple[str, FileFacts | str, Any]]:
        if self.batch:
            self.batches.add(self.batch, last=True)
        for found in self.batches.results():
            for rel, result in found:
                yield rel, result, self.meta[rel]

    def close(self) -> None:
        self.batches.close()


def parse_batch(
    batch: list[tuple[str, bytes]], import_roots: tuple[str, ...], definitions_only: bool = False
) -> list[tuple[str, FileFacts | str]]:
    """Facts (or the reason there are none) of each (rel, bytes) of a batch."""
    out: list[tuple[str, FileFacts | str]] = []
    for rel, data in batch:
        result = facts_from_bytes(data, rel, import_roots, definitions_only=definitions_only)
        out.append((rel, result.reason if isinstance(result, Skipped) else result))
    return out
