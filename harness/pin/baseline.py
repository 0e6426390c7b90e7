"""The ratchet: a JSON file of non-canonical counts per family and kind that may only go down."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigError
from harness.model import KINDS

Counts = dict[str, dict[str, int]]  # family -> kind -> count of non-canonical findings
_VERSION = 1


@dataclass(frozen=True)
class Change:
    family: str
    kind: str
    old: int | None  # None: the family is not in the baseline yet
    new: int

    def __str__(self) -> str:
        old = "absent" if self.old is None else str(self.old)
        return f"{self.family} {self.kind}: {old} -> {self.new}"


def load_baseline(path: Path) -> Counts | None:
    """The recorded counts, or None when the file does not exist."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not valid UTF-8 (byte {exc.start}); a baseline is JSON written by "
            "`ssot-harness baseline --update`: restore it from version control or delete it and "
            "record a new one"
        ) from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(
            f"{path}: not a readable baseline ({exc}); fix it or delete it and run "
            "`ssot-harness baseline --update`"
        ) from None
    families = data.get("families") if isinstance(data, dict) else None
    if not isinstance(families, dict):
        raise ConfigError(f"{path}: a baseline needs a 'families' table of family -> kind -> count")
    out: Counts = {}
    for family, kinds in families.items():
        if not isinstance(kinds, dict) or not all(
            k in KINDS and type(v) is int and v >= 0 for k, v in kinds.items()
        ):
            raise ConfigError(
                f"{path}: family {family!r} must map kinds ({', '.join(KINDS)}) to whole counts >= 0 "
                f"(got {json.dumps(kinds)})"
            )
        out[family] = dict(kinds)
    return out


def render_baseline(counts: Counts) -> str:
    """Byte-stable JSON: sorted families, every kind, two-space indent, trailing newline."""
    body = {
        "version": _VERSION,
        "families": {f: {k: counts[f].get(k, 0) for k in KINDS} for f in sorted(counts)},
    }
    return json.dumps(body, indent=2) + "\n"


def write_baseline(path: Path, counts: Counts) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".baseline-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(render_baseline(counts))
    os.replace(tmp, path)


def compare(old: Counts, current: Counts) -> tuple[list[Change], list[Change]]:
    """(rises, drops) of `current` against `old`, for the families in `current`."""
    rises: list[Change] = []
    drops: list[Change] = []
    for family in sorted(current):
        for kind in KINDS:
            new = current[family].get(kind, 0)
            if family not in old:
                if new:
                    rises.append(Change(family, kind, None, new))
                continue
            before = old[family].get(kind, 0)
            if new > before:
                rises.append(Change(family, kind, before, new))
            elif new < before:
                drops.append(Change(family, kind, before, new))
    return rises, drops


def ratchet(
    old: Counts | None, current: Counts, *, allow_increase: bool
) -> tuple[Counts, list[Change]]:
    """The next baseline: every count lowered to today's, families no longer configured dropped.

    A rise is kept at the old count unless `allow_increase`; the rises are returned either way, so
    the caller can refuse (exit 1) or warn loudly. A family absent from the old baseline is recorded
    as it is today: adding a family is not a rise.
    """
    if old is None:
        return {f: dict(current[f]) for f in current}, []
    rises = [c for c in compare(old, current)[0] if c.old is not None]
    new: Counts = {}
    for family, kinds in current.items():
        if family not in old:
            new[family] = dict(kinds)
            continue
        new[family] = {
            k: (kinds.get(k, 0) if allow_increase else min(kinds.get(k, 0), old[family].get(k, 0)))
            for k in KINDS
        }
    return new, rises
