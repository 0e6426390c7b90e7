"""Runs one function over batches of work as they are produced: forked helpers take batches while
this process produces more, then this process works through what is left beside them.

On 2 cores that is one helper plus this process: the reading this process does while the helper
parses is not lost time, and no core waits at the end for a pool to drain a queue.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Generic, TypeVar

B = TypeVar("B")
R = TypeVar("R")

# Batches handed to each helper at a time: one (the producer polls often enough that a helper
# hardly waits for the next), so that at the end no helper holds a queue this process could share.
AHEAD = 1
# Batches left waiting before this process stops producing and runs one itself: the producer
# (reading is cheaper than parsing) must not pile every file's bytes up in memory.
MOST_WAITING = 4


class Batches(Generic[B, R]):
    """`add(batch)` as batches are produced, then `results()`: `func(batch)` of each, in order."""

    def __init__(self, func: Callable[[B], R], jobs: int | None = None) -> None:
        self.func = func
        self.helpers = (jobs if jobs is not None else min(2, os.cpu_count() or 1)) - 1
        self._pool: Any = None
        self._waiting: list[tuple[int, B]] = []  # batches no helper has taken yet
        self._sent: list[tuple[int, Any]] = []  # (index, AsyncResult) handed to helpers
        self._busy: list[Any] = []  # those not ready when last looked at
        self._done: dict[int, R] = {}
        self._count = 0

    def add(self, batch: B, *, last: bool = False) -> None:
        """Queue `batch`; a helper may take it at once. The `last` batch starts no helper: with
        nothing else to do, this process runs it (forking would cost more)."""
        self._waiting.append((self._count, batch))
        self._count += 1
        if not last or self._pool is not None:
            self._feed()
        while not last and len(self._waiting) > MOST_WAITING:
            self._run_one()

    def poll(self) -> None:
        """Hand a waiting batch to a helper that finished its own (call it often while producing)."""
        if self._pool is not None and self._waiting:
            self._feed()

    def _run_one(self) -> None:
        if self._pool is not None:  # a second batch each, to go on with while this process is busy
            self._feed(ahead=AHEAD + 1, keep=1)
        # helpers take from the front, this process from the back
        index, batch = self._waiting.pop()
        self._done[index] = self.func(batch)
        if self._pool is not None:
            self._feed()

    def _feed(self, ahead: int = AHEAD, keep: int = 0) -> None:
        """Hand waiting batches to helpers with fewer than `ahead` unfinished, leaving `keep`."""
        if self.helpers <= 0:
            return
        if self._pool is None:
            import multiprocessing

            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._pool = ctx.Pool(self.helpers)
        self._busy = [r for r in self._busy if not r.ready()]
        while len(self._waiting) > keep and len(self._busy) < ahead * self.helpers:
            index, batch = self._waiting.pop(0)
            self._sent.append((index, self._pool.apply_async(self.func, (batch,))))
            self._busy.append(self._sent[-1][1])

    def results(self) -> list[R]:
        """Every batch's result in the order added; this process runs the batches no helper took."""
        try:
            while self._waiting:
                self._run_one()
            for index, result in self._sent:
                self._done[index] = result.get()
        finally:
            self.close()
        return [self._done[i] for i in range(self._count)]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
