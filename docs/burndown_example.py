"""Draws docs/burndown-example.svg, the README's chart, from the scripted shop history of the tests.

    .venv/bin/python docs/burndown_example.py [OUT.svg]

Builds the scripted history (tests/history/scripted.py: a family grows, is half-consolidated,
regresses, is consolidated and pinned) in a temporary folder with real git, replays it with
`ssot-harness history` and writes the chart. Same script, same bytes: a test regenerates it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.history.chart import chart_svg  # noqa: E402
from harness.history.history_cli import collect  # noqa: E402
from tests.history.scripted import build  # noqa: E402

OUT = ROOT / "docs" / "burndown-example.svg"


def render() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "shop"
        build(repo)
        history, _ = collect(repo)
    return chart_svg(history)


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.write_text(render(), encoding="utf-8", newline="\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
