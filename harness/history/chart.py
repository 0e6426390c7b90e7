"""The burndown chart: members per family over commit dates as step lines, rises marked, canonical-only at 1."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.sax.saxutils import escape

from harness.errors import UsageError
from harness.history.render import History
from harness.history.svg import Svg

COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f")
RISE = "#d62728"
WIDTH, HEIGHT = 880, 400
LEFT, RIGHT, TOP, BOTTOM = 56, 220, 48, 52  # margins: the legend sits on the right
SUFFIXES = (".svg", ".html")


def check_path(path: Path) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise UsageError(
            f"--chart {path}: the chart is drawn as .svg or .html, not {path.suffix or 'no suffix'!r}"
        )


def chart_file(history: History, path: Path) -> str:
    """The chart's file content for `path`: the SVG, or an HTML page holding it."""
    check_path(path)
    svg = chart_svg(history)
    if path.suffix.lower() == ".svg":
        return svg
    rises = "".join(
        f"<li><code>{escape(p.commit.short)}</code> {escape(p.commit.date)} {escape(m.summary())}: "
        f"{escape(', '.join(str(x) for x in m.appeared))}</li>\n"
        for p, m in history.rises
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>SSOT burndown: {escape(history.range)}</title>\n</head>\n"
        f'<body style="font-family: sans-serif">\n{svg}<p>{escape(history.summary())}</p>\n'
        f"<ul>\n{rises}</ul>\n</body>\n</html>\n"
    )


def _date(t: int) -> str:
    return dt.datetime.fromtimestamp(t, tz=dt.UTC).strftime("%Y-%m-%d")


def chart_svg(history: History) -> str:
    points = history.points
    svg = Svg(WIDTH, HEIGHT, title=f"SSOT burndown: {history.range}")
    svg.element("rect", x=0, y=0, width=WIDTH, height=HEIGHT, fill="white")
    svg.element(
        "text", "Members per family (1 = only the canonical left)", x=LEFT, y=24, font_size=15
    )
    x0, x1, y0, y1 = LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP
    times = [p.commit.time for p in points]
    t0, t1 = (min(times), max(times)) if times else (0, 0)

    def x_of(i: int) -> float:
        if t1 > t0:
            return x0 + (times[i] - t0) / (t1 - t0) * (x1 - x0)
        return x0 + (i / (len(points) - 1) if len(points) > 1 else 0.5) * (x1 - x0)

    top = max([f.members for p in points for f in p.families] + [2])
    step = max(1, -(-top // 8))
    top = -(-top // step) * step

    def y_of(v: float) -> float:
        return y0 - v / top * (y0 - y1)

    # axes, grid and ticks
    svg.group(class_="axes", stroke="#999999", fill="none")
    svg.element("path", d=f"M{x0} {y1} V{y0} H{x1}")
    svg.end()
    svg.group(class_="y-ticks", text_anchor="end", fill="#333333")
    for v in range(0, top + 1, step):
        svg.element("line", x1=x0, x2=x1, y1=y_of(v), y2=y_of(v), stroke="#eeeeee")
        svg.element("text", str(v), x=x0 - 6, y=y_of(v) + 4.0)
    svg.end()
    svg.group(class_="x-ticks", text_anchor="middle", fill="#333333")
    ticks = sorted({round(i * (len(points) - 1) / 5) for i in range(6)}) if points else []
    seen: set[str] = set()
    for i in ticks:
        label = _date(times[i]) if t1 > t0 else points[i].commit.short
        if label not in seen:
            seen.add(label)
            svg.element("line", x1=x_of(i), x2=x_of(i), y1=y0, y2=y0 + 4.0, stroke="#999999")
            svg.element("text", label, x=x_of(i), y=y0 + 18.0)
    svg.end()
    svg.element(
        "text",
        "commit date" if t1 > t0 else "commit",
        x=(x0 + x1) / 2,
        y=HEIGHT - 12,
        text_anchor="middle",
        fill="#333333",
    )

    # the target: only the canonical left
    svg.group(class_="canonical-only")
    svg.element(
        "line",
        x1=x0,
        x2=x1,
        y1=y_of(1),
        y2=y_of(1),
        stroke="#2ca02c",
        stroke_dasharray="6 4",
        stroke_width=1.5,
    )
    svg.element(
        "text", "canonical only", x=x1 - 4, y=y_of(1) - 6, text_anchor="end", fill="#2ca02c"
    )
    svg.end()

    # one step line per family, rises marked
    for k, family in enumerate(history.families):
        color = COLORS[k % len(COLORS)]
        svg.group(class_="family", id=f"family-{family}")
        svg.element("title", family)
        segments: list[str] = []
        last: tuple[float, float] | None = None
        for i, p in enumerate(points):
            fp = p.family(family)
            if fp is None:
                if last is not None:
                    segments.append(f"H{x_of(i):.2f}")
                last = None
                continue
            x, y = x_of(i), y_of(fp.members)
            if last is None:
                segments.append(f"M{x:.2f} {y:.2f}")
            else:
                segments.append(f"H{x:.2f} V{y:.2f}")
            last = (x, y)
        if last is not None and last[0] < x1:
            segments.append(f"H{x1:.2f}")
        d = " ".join(segments).replace(".00", "")
        svg.element("path", d=d, fill="none", stroke=color, stroke_width=2.5, class_="step")
        for i, p in enumerate(points):
            for m in p.rises:
                if m.family == family:
                    fp = p.family(family)
                    assert fp is not None
                    where = "; ".join(str(x) for x in m.appeared) or "counts rose"
                    svg.titled(
                        "circle",
                        f"{p.commit.short} {p.commit.date} {p.commit.subject}: rise, {m.summary()}: {where}",
                        cx=x_of(i),
                        cy=y_of(fp.members),
                        r=5,
                        fill=RISE,
                        stroke="white",
                        class_="rise",
                    )
        svg.end()

    # legend
    svg.group(class_="legend")
    lx, ly = x1 + 20, y1 + 8
    for k, family in enumerate(history.families):
        trend = history.trend(family)
        now = f" ({trend[1].members})" if trend else ""
        color = COLORS[k % len(COLORS)]
        svg.element(
            "line",
            x1=lx,
            x2=lx + 22,
            y1=ly + k * 20,
            y2=ly + k * 20,
            stroke=color,
            stroke_width=2.5,
        )
        svg.element("text", f"{family}{now}", x=lx + 28, y=ly + k * 20 + 4)
    ry = ly + len(history.families) * 20 + 8
    svg.element("circle", cx=lx + 11, cy=ry, r=5, fill=RISE)
    svg.element("text", f"rise ({len(history.rises)})", x=lx + 28, y=ry + 4)
    svg.element(
        "line", x1=lx, x2=lx + 22, y1=ry + 20, y2=ry + 20, stroke="#2ca02c", stroke_dasharray="6 4"
    )
    svg.element("text", "canonical only", x=lx + 28, y=ry + 24)
    svg.end()
    return svg.render()
