"""Runs one function over many files' work items on up to 2 processes (fork), in order."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items, a process pool costs more than it saves.
POOL_THRESHOLD = 400


def map_items(func: Callable[[T], R], items: Sequence[T], jobs: int | None = None) -> list[R]:
    """`[func(i) for i in items]`, on `jobs` processes (default: up to 2) when there are many."""
    workers = jobs if jobs is not None else min(2, os.cpu_count() or 1)
    if workers <= 1 or len(items) < POOL_THRESHOLD:
        return [func(i) for i in items]
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ctx.Pool(workers) as pool:
        return pool.map(func, items, chunksize=max(1, len(items) // (workers * 16)))
