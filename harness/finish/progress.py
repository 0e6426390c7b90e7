"""Progress of a long run on stderr: a bar redrawn in place on a terminal, plain lines otherwise,
shown only once the run has lasted `delay` seconds (a quick run prints nothing)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

WIDTH = 30  # characters of the bar


class Progress:
    """`advance()` once per unit of work done, `close()` at the end (prints the last state if any
    was shown). On a terminal the bar is redrawn at most every `redraw` seconds; elsewhere (a CI
    log, a file) one line is written every `every` seconds."""

    def __init__(
        self,
        total: int,
        label: str,
        *,
        stream: TextIO | None = None,
        delay: float = 1.0,
        every: float = 5.0,
        redraw: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.delay = delay
        self.every = redraw if self.tty else every
        self.clock = clock
        self.start = clock()
        self.done = 0
        self.shown = False
        self._last = -1.0

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = self.clock()
        elapsed = now - self.start
        if elapsed < self.delay or (self.shown and now - self._last < self.every):
            return
        self._show(elapsed)
        self._last = now

    def note(self, text: str) -> None:
        """A line of its own (a note, a refusal), with the bar, when shown, redrawn below it."""
        if self.tty and self.shown:
            self.stream.write("\r\x1b[K" + text + "\n")
            self._show(self.clock() - self.start)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self._show(self.clock() - self.start)
            if self.tty:
                self.stream.write("\n")
            self.stream.flush()

    def _show(self, elapsed: float) -> None:
        self.shown = True
        if not self.tty:
            self.stream.write(f"{self.label}: {self.done}/{self.total} files, {elapsed:.1f} s\n")
            self.stream.flush()
            return
        filled = WIDTH * self.done // self.total if self.total else WIDTH
        bar = "#" * filled + "-" * (WIDTH - filled)
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (
            f", ~{(self.total - self.done) / rate:.0f} s left"
            if rate and self.done < self.total
            else ""
        )
        self.stream.write(
            f"\r{self.label} [{bar}] {self.done}/{self.total} files, {elapsed:.1f} s{left}\x1b[K"
        )
        self.stream.flush()
