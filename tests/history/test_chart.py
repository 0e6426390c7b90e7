"""The burndown chart: parsed back as XML, its lines, rise markers and canonical line say what the history says."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.history.chart import chart_file, chart_svg
from harness.history.history_cli import collect
from harness.history.svg import Svg, num
from tests.history.conftest import Scripted

NS = {"s": "http://www.w3.org/2000/svg"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def svg(scripted: Scripted) -> ET.Element:
    history, _ = collect(scripted.root)
    return ET.fromstring(chart_svg(history))


def y_ticks(svg: ET.Element) -> dict[float, int]:
    group = svg.find("s:g[@class='y-ticks']", NS)
    assert group is not None
    return {float(t.get("y", "")) - 4: int(t.text or "") for t in group.findall("s:text", NS)}


def levels(path: str) -> list[float]:
    """The y of each step of a step line `M x y H x V y H x V y ...`."""
    ys = [float(re.match(r"M\S+ (\S+)", path).group(1))]  # type: ignore[union-attr]
    return ys + [float(v) for v in re.findall(r"V(\S+)", path)]


def test_a_step_line_per_family_follows_its_members(svg: ET.Element) -> None:
    ticks = y_ticks(svg)
    payment = svg.find("s:g[@id='family-payment-factory']/s:path", NS)
    notifier = svg.find("s:g[@id='family-notifier']/s:path", NS)
    assert payment is not None and notifier is not None
    assert [ticks[y] for y in levels(payment.get("d", ""))] == [1, 2, 4, 3, 3, 4, 1, 1]
    assert [ticks[y] for y in levels(notifier.get("d", ""))] == [2, 2, 2, 2, 1, 1]
    # the notifier starts where it was declared (the third commit), not at the left edge
    assert float(notifier.get("d", "").split()[0][1:]) > float(payment.get("d", "").split()[0][1:])


def test_rises_are_marked_at_their_commit_and_height(svg: ET.Element, scripted: Scripted) -> None:
    ticks = y_ticks(svg)
    rises = svg.findall("s:g[@id='family-payment-factory']/s:circle[@class='rise']", NS)
    titles = [c.findtext("s:title", "", NS) for c in rises]
    assert [t.split()[0] for t in titles] == [
        scripted.short(s) for s in ("legacy", "refunds", "regress")
    ]
    assert "shop/batch.py:4 definition shop.batch:BatchPaymentFactory" in titles[2]
    assert [ticks[float(c.get("cy", ""))] for c in rises] == [2, 4, 4]
    # x is the commit date: one day after the first commit of seven days is 1/7 of the axis
    axis = svg.find("s:g[@class='axes']/s:path", NS)
    assert axis is not None
    x0, x1 = 56.0, float(axis.get("d", "").split("H")[1])
    assert float(rises[0].get("cx", "")) == pytest.approx(x0 + (x1 - x0) / 7, abs=0.01)
    assert not svg.findall("s:g[@id='family-notifier']/s:circle", NS)


def test_the_canonical_only_line_is_at_one(svg: ET.Element) -> None:
    line = svg.find("s:g[@class='canonical-only']/s:line", NS)
    assert line is not None
    assert y_ticks(svg)[float(line.get("y1", ""))] == 1 and line.get("y1") == line.get("y2")


def test_the_chart_is_the_same_bytes_every_time_and_html_wraps_it(scripted: Scripted) -> None:
    history, _ = collect(scripted.root)
    again, _ = collect(scripted.root)
    assert chart_svg(history) == chart_svg(again)
    html = chart_file(history, Path("b.html"))
    assert chart_svg(history) in html and "<li><code>" in html
    ET.fromstring(html.split("\n", 1)[1])  # well-formed XHTML-ish body too


def test_a_history_without_rises_draws_no_rise_marker(scripted: Scripted) -> None:
    history, _ = collect(scripted.root, f"{scripted.ids['regress']}..HEAD")
    svg = ET.fromstring(chart_svg(history))
    assert not svg.findall(".//s:circle[@class='rise']", NS)


def test_the_readme_chart_regenerates_to_the_same_bytes(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "again.svg"
    subprocess.run(
        [sys.executable, str(ROOT / "docs" / "burndown_example.py"), str(out)], check=True
    )
    assert out.read_bytes() == (ROOT / "docs" / "burndown-example.svg").read_bytes()


def test_svg_writer_numbers_escaping_and_nesting() -> None:
    assert [num(v) for v in (12.0, 12.5, 12.125, -0.001, 0.1)] == [
        "12",
        "12.5",
        "12.12",
        "0",
        "0.1",
    ]
    s = Svg(10, 10, title='a < b & "c"')
    s.group(class_="g", stroke_width=1.5)
    s.element("text", "x < y", x=1.0, y=2)
    s.end()
    doc = ET.fromstring(s.render())
    assert doc.findtext("s:title", "", NS) == 'a < b & "c"'
    g = doc.find("s:g", NS)
    assert g is not None and g.get("class") == "g" and g.get("stroke-width") == "1.5"
    t = g.find("s:text", NS)
    assert t is not None and t.text == "x < y" and t.get("x") == "1"
    s.group()
    with pytest.raises(ValueError, match="unbalanced"):
        s.render()
