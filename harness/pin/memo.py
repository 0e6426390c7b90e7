"""Each family's findings kept beside the scan cache, by what they were resolved from.

A family's findings are a function of its rules and of the scan's answer, which `ScanResult.digest`
identifies: when both are as on the last run, resolving them again (over thousands of files for
a family of `Entity`-like names) would give the same places, so the last run's are taken back.
The key also holds the resolver's own source files' stat, so a changed resolver starts afresh.

Plain JSON sealed with its digest (a changed byte is not taken for other findings), written by
atomic replace; an unreadable or corrupt file is rebuilt with a warning, one of another version
silently.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from harness.model import Family, Finding
from harness.scan.atomic import warn_unwritten, write_bytes_atomic
from harness.scan.digests import digest, seal, unseal

MEMO_FILE = "findings.json"
_FORMAT = "ssot-harness findings"
_VERSION = 2
# a kept finding's row, field by field as `put` writes it (family, path, line, kind, member,
# canonical, detail, fix, site): anything else is damage, never taken for a place
_ROW = (str, str, int, str, str, bool, str, str, str)


def _stamp() -> str:
    """The resolver's and the fact extractor's source files, as installed (size and mtime)."""
    from harness.pin import membership
    from harness.scan import facts

    found = []
    for module in (membership, facts):
        try:
            st = os.stat(module.__file__ or "")
            found.append((st.st_size, st.st_mtime_ns))
        except OSError:
            found.append((0, 0))
    return repr(found)


class FindingsMemo:
    """The findings of the last run's families, each under its key (see `key`)."""

    def __init__(self, path: Path | None, digest: str, context: str) -> None:
        self.path = path
        self.digest = digest  # the scan's; "" : nothing is kept
        self.context = context
        self.kept: dict[str, list[list[Any]]] = {}
        self.fresh: dict[str, list[list[Any]]] = {}

    @classmethod
    def load(cls, cache_dir: Path | None, digest: str, context: str) -> FindingsMemo:
        """The memo under `cache_dir` (None, or an empty `digest`: none is kept) for a scan of
        this `digest` with the audit settings `context` (import roots, every family's needles)."""
        path = None if cache_dir is None or not digest else cache_dir / MEMO_FILE
        memo = cls(path, digest, f"{context}\0{_stamp()}" if path else context)
        if memo.path is None:
            return memo
        try:
            raw = memo.path.read_bytes()
        except FileNotFoundError:
            return memo
        except OSError as exc:
            memo._warn(f"unreadable ({exc.strerror or exc})")
            return memo
        try:
            try:
                data = json.loads(unseal(raw))
            except ValueError:
                data = json.loads(raw)  # (of another version, unsealed) else corrupt
                if not isinstance(data, dict) or data.get("version") == _VERSION:
                    raise
            if not isinstance(data, dict) or data.get("format") != _FORMAT:
                raise ValueError("not a findings memo")
            if data.get("version") == _VERSION:
                kept = data["families"]
                if not isinstance(kept, dict) or not all(
                    isinstance(v, list) for v in kept.values()
                ):
                    raise TypeError("families is not a table of lists")
                memo.kept = kept
        except (ValueError, TypeError, KeyError) as exc:
            memo._warn(f"corrupt ({type(exc).__name__}: {exc})")
        return memo

    def key(self, family: Family) -> str:
        """What `family`'s findings depend on: its rules, the scan, the settings, the code."""
        rules = (family.name, family.canonical, family.names, family.bases, family.members)
        text = repr((self.digest, self.context, rules, family.ignore))
        return digest(text.encode())

    def get(self, family: Family) -> list[Finding] | None:
        """The findings kept for `family` under its key now; None: resolve them."""
        if self.path is None:
            return None
        key = self.key(family)
        rows = self.kept.get(key)
        if rows is None:
            return None
        try:
            found = [Finding(*row) for row in rows if _ROW == tuple(map(type, row))]
            if len(found) != len(rows):  # a row of another shape would be another place
                raise TypeError("a finding is not (family, path, line, kind, member, ...)")
        except TypeError as exc:
            self._warn(f"corrupt ({type(exc).__name__}: {exc})")
            self.kept.clear()
            return None
        self.fresh[key] = rows
        return found

    def put(self, family: Family, findings: list[Finding]) -> None:
        if self.path is not None:
            self.fresh[self.key(family)] = [
                [f.family, f.path, f.line, f.kind, f.member, f.canonical, f.detail, f.fix, f.site]
                for f in findings
            ]

    def save(self) -> None:
        """Keep this run's families' findings (only when they are not those kept already)."""
        if self.path is None or self.fresh.keys() == self.kept.keys():
            return
        payload = {"format": _FORMAT, "version": _VERSION, "families": self.fresh}
        try:
            write_bytes_atomic(self.path, seal(json.dumps(payload, separators=(",", ":")).encode()))
        except OSError as exc:  # a read-only tree still gets its audit
            then = "these findings are whole, the next run resolves them again"
            warn_unwritten("findings cache", self.path, exc, then)

    def _warn(self, why: str) -> None:
        print(
            f"ssot-harness: warning: findings cache {self.path} is {why}; rebuilding it",
            file=sys.stderr,
        )
