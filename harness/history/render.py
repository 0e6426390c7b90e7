"""Renderers of a replayed history: text, JSON, CSV, markdown; each `render(history) -> str`, byte-stable."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from harness.history.points import COUNTS, CommitPoint, FamilyPoint, Movement, Place


@dataclass(frozen=True)
class History:
    """The replayed range: a point per commit (oldest first), the families seen, notes on the range."""

    range: str
    points: tuple[CommitPoint, ...]
    families: tuple[str, ...]  # in the order they were first measured
    notes: tuple[str, ...] = ()

    @property
    def rises(self) -> tuple[tuple[CommitPoint, Movement], ...]:
        return tuple((p, m) for p in self.points for m in p.rises)

    @property
    def falls(self) -> tuple[tuple[CommitPoint, Movement], ...]:
        return tuple((p, m) for p in self.points for m in p.falls)

    def summary(self) -> str:
        rises, falls = len(self.rises), len(self.falls)
        return (
            f"{len(self.points)} commit{'s' * (len(self.points) != 1)}, "
            f"{rises} rise{'s' * (rises != 1)}, {falls} fall{'s' * (falls != 1)}"
        )

    def trend(self, family: str) -> tuple[FamilyPoint, FamilyPoint] | None:
        """The family's first and last measurement in the range."""
        found = [f for p in self.points if (f := p.family(family)) is not None]
        return (found[0], found[-1]) if found else None


def _counts(fp: FamilyPoint) -> dict[str, int]:
    return {c: fp.count(c) for c in COUNTS}


def _place(p: Place) -> dict[str, object]:
    return {"path": p.path, "line": p.line, "kind": p.kind, "member": p.member, "detail": p.detail}


# text -----------------------------------------------------------------------------------------
def render_text(h: History) -> str:
    out = [f"history of {h.range}: {h.summary()}"]
    out += [f"note: {n}" for n in h.notes]
    width = max([len(f) for f in h.families] + [6])
    head = f"{'commit':<10}  {'date':<10}  {'family':<{width}}  members  defs  aliases  imports  subject"
    out.append(head)
    for p in h.points:
        c = p.commit
        rows = p.families or ()
        if not rows:
            out.append(
                f"{c.short:<10}  {c.date:<10}  {'-':<{width}}  {'':>7}  {'':>4}  {'':>7}  {'':>7}  {c.subject}"
            )
        for i, fp in enumerate(rows):
            lead = f"{c.short:<10}  {c.date:<10}" if i == 0 else " " * 22
            tail = f"  {c.subject}" if i == 0 else ""
            out.append(
                f"{lead}  {fp.family:<{width}}  {fp.members:>7}  {fp.definitions:>4}  "
                f"{fp.aliases:>7}  {fp.imports:>7}{tail}".rstrip()
            )
        for m in p.movements:
            out.append(f"  {m.kind.upper() if m.rise else m.kind} {m.summary()}")
            out += [f"    + {pl}" for pl in m.appeared]
            out += [f"    - {pl}" for pl in m.went]
        out += [f"  note: {n}" for n in p.notes]
    for fam in h.families:
        trend = h.trend(fam)
        if trend:
            first, last = trend
            out.append(f"{fam}: members {first.members} -> {last.members} over the range")
    return "\n".join(out) + "\n"


# JSON -----------------------------------------------------------------------------------------
def render_json(h: History) -> str:
    body = {
        "range": h.range,
        "families": list(h.families),
        "notes": list(h.notes),
        "summary": {"commits": len(h.points), "rises": len(h.rises), "falls": len(h.falls)},
        "commits": [
            {
                "commit": p.commit.oid,
                "short": p.commit.short,
                "date": p.commit.date,
                "time": p.commit.time,
                "subject": p.commit.subject,
                "families": {fp.family: _counts(fp) for fp in p.families},
                "movements": [
                    {
                        "family": m.family,
                        "kind": m.kind,
                        "before": dict(zip(COUNTS, m.before, strict=True)),
                        "after": dict(zip(COUNTS, m.after, strict=True)),
                        "appeared": [_place(x) for x in m.appeared],
                        "went": [_place(x) for x in m.went],
                    }
                    for m in p.movements
                ],
                "notes": list(p.notes),
            }
            for p in h.points
        ],
    }
    return json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# CSV ------------------------------------------------------------------------------------------
def render_csv(h: History) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        ["commit", "date", "family", *COUNTS, "change", "appeared", "went", "subject", "notes"]
    )
    for p in h.points:
        c = p.commit
        moves = {m.family: m for m in p.movements}
        notes = "; ".join(p.notes)
        if not p.families:
            w.writerow([c.short, c.date, "", *([""] * len(COUNTS)), "", "", "", c.subject, notes])
        for fp in p.families:
            m = moves.get(fp.family)
            w.writerow(
                [
                    c.short,
                    c.date,
                    fp.family,
                    *(fp.count(k) for k in COUNTS),
                    m.kind if m else "",
                    "; ".join(str(x) for x in m.appeared) if m else "",
                    "; ".join(str(x) for x in m.went) if m else "",
                    c.subject,
                    notes,
                ]
            )
    return buf.getvalue()


# markdown -------------------------------------------------------------------------------------
def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(h: History) -> str:
    out = [f"# SSOT burndown: {_md(h.range)}", "", h.summary(), ""]
    out += [f"> {_md(n)}" for n in h.notes]
    if h.notes:
        out.append("")
    out.append(
        "Each cell: members (non-canonical definitions / aliases / import sites); ▲ a rise, ▼ a fall."
    )
    out.append("")
    out.append("| commit | date | " + " | ".join(_md(f) for f in h.families) + " | subject |")
    out.append("| --- | --- | " + " | ".join("---:" for _ in h.families) + " | --- |")
    for p in h.points:
        kinds = {m.family: m.kind for m in p.movements}
        cells = []
        for fam in h.families:
            fp = p.family(fam)
            mark = {"rise": " ▲", "fall": " ▼"}.get(kinds.get(fam, ""), "")
            cells.append(
                "–"
                if fp is None
                else f"{fp.members} ({fp.definitions}/{fp.aliases}/{fp.imports}){mark}"
            )
        out.append(
            f"| `{p.commit.short}` | {p.commit.date} | "
            + " | ".join(cells)
            + f" | {_md(p.commit.subject)} |"
        )
    moved = [(p, m) for p in h.points for m in p.movements]
    if moved:
        out += ["", "## Rises and falls", ""]
        for p, m in moved:
            out.append(f"- `{p.commit.short}` **{m.kind}** {_md(m.summary())}")
            out += [f"  - `+` `{_md(str(x))}`" for x in m.appeared]
            out += [f"  - `-` `{_md(str(x))}`" for x in m.went]
    noted = [(p, n) for p in h.points for n in p.notes]
    if noted:
        out += ["", "## Notes", ""]
        out += [f"- `{p.commit.short}` {_md(n)}" for p, n in noted]
    return "\n".join(out) + "\n"


FORMATS: dict[str, Callable[[History], str]] = {
    "text": render_text,
    "json": render_json,
    "csv": render_csv,
    "markdown": render_markdown,
}
