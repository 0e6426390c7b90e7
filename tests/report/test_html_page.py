"""The HTML page in a real headless Chromium: every family, member and divergence of the bundled
target is on it, a grid cell opens its minimal scenario and diff (with and without JavaScript), no
console error, no request leaves the file; the same results give the same bytes. Keeps the
screenshot README shows (docs/verify-report.png: regenerated when missing or SSOT_SCREENSHOT=1)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.report.browser import chromium, executable, open_page
from tests.report.once import once

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "verify-report.png"
TOY = ROOT / "tests" / "fixtures" / "prove" / "toy_project"


def ssot(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="session")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """verify --html of the bundled target: every contract and the in-process golden path."""
    if executable() is None:
        pytest.skip("no Chromium installed (`apt-get install -y chromium`; .ci/run installs it)")

    def build(out: Path) -> None:
        run = ssot(
            ROOT, "verify", "-n", "2", "--reports", str(out), "--html", str(out / "page.html"),
            "--", "contracts", "tests/golden_path/test_golden_path.py",
        )  # fmt: skip
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr

    return once(tmp_path_factory, "bundled-page", build)


def test_every_family_member_and_divergence_of_the_bundled_target_is_on_the_page(bundled: Path) -> None:
    matrix = json.loads((bundled / "equivalence-matrix.json").read_text())["cells"]
    audit = json.loads((bundled / "verify-results.json").read_text())["audit"]["families"]
    divergences = [c for c in matrix if c["outcome"] == "xfail"]
    assert len(divergences) >= 10 and {c["family"] for c in matrix} == {f["name"] for f in audit}
    with chromium() as browser:
        page, errors = open_page(browser, (bundled / "page.html").as_uri())
        for family in audit:
            section = page.locator(f"section#family-{family['name']}")
            assert section.locator("h2").inner_text().startswith(family["name"])
            shown = set(section.locator("code.member").all_inner_texts())
            assert set(family["members"]) <= shown, family["name"]
            rows = set(section.locator("tr[data-member]").evaluate_all("rs => rs.map(r => r.dataset.member)"))
            assert rows == {c["member"] for c in matrix if c["family"] == family["name"]}
        listed = page.locator("li.divergence").all_inner_texts()
        for c in divergences:
            assert any(t.startswith(f"{c['member']} × {c['contract']}: accepted divergence") for t in listed), c
        # a cell opens its minimal scenario and diff
        cell = page.locator("td.o-xfail details", has=page.locator("pre.diff", has_text="Minimal scenario")).first
        diff = cell.locator("pre.diff")
        assert not diff.is_visible()
        cell.locator("summary").click()
        assert diff.is_visible() and "Diff (canonical -> member)" in diff.inner_text()
        # filtering (the page's only script): only failures hides every passing family here
        page.locator("#filter-problems").check()
        assert page.locator("section.family:visible").count() == 0
        page.locator("#filter-problems").uncheck()
        page.locator("#filter-text").fill("Legacy")
        kept = page.locator("tr[data-member]:visible").evaluate_all("rs => rs.map(r => r.dataset.member)")
        assert kept and all("legacy" in m.lower() for m in kept)
        assert len(kept) < page.locator("tr[data-member]").count()
        page.locator("#filter-text").fill("")
        golden = page.locator("#golden-path").inner_text()
        assert "15 of 15 golden-path tests match their snapshots" in golden
        assert errors == []
        cell.scroll_into_view_if_needed()
        shot = SCREENSHOT if os.environ.get("SSOT_SCREENSHOT") or not SCREENSHOT.exists() else bundled / "shot.png"
        page.screenshot(path=str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_without_javascript_the_grid_and_its_details_still_work(bundled: Path) -> None:
    with chromium() as browser:
        page, errors = open_page(browser, (bundled / "page.html").as_uri(), javascript=False)
        assert not page.locator("#filters").is_visible()  # the filter needs the script: hidden
        cell = page.locator("td.o-xfail details").first
        cell.locator("summary").click()
        assert cell.locator(".pop").is_visible()
        assert errors == []


def test_the_page_is_self_contained_and_the_same_results_give_the_same_bytes(bundled: Path, tmp_path: Path) -> None:
    results = bundled / "verify-results.json"
    one, two = tmp_path / "one.html", tmp_path / "two.html"
    for out in (one, two):
        run = ssot(ROOT, "report", str(results), "--html", str(out))
        assert run.returncode == 0, run.stderr
    assert one.read_bytes() == two.read_bytes()
    assert one.read_bytes() == (bundled / "page.html").read_bytes()  # verify's page is report's
    text = one.read_text()
    assert not re.search(r"""(src|href)=["'](?!#)""", text), "an external asset or link"
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in text


def test_report_renders_the_burndown_from_history_and_rejects_what_is_not_a_result(tmp_path: Path) -> None:
    toy = tmp_path / "toy"
    shutil.copytree(TOY, toy)
    with (toy / "pyproject.toml").open("a") as f:
        f.write('\n[[tool.ssot-harness.families.greeter.shims]]\nmember = "toy.greeters:OldGreeter"\n'
                'reason = "old callers"\nexpires = 2099-01-01\n')
    assert ssot(toy, "baseline", "--update").returncode == 0
    assert ssot(toy, "verify", "-n", "0", "--", "-k", "greets_by_name").returncode == 1
    for git in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "one"]):
        subprocess.run(["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", *git], cwd=toy, check=True)
    history = ssot(toy, "history", "--format", "json", "--output", "history.json")
    assert history.returncode == 0, history.stderr
    page = ssot(toy, "report", "--html", "page.html", "--history", "history.json")
    assert page.returncode == 0, page.stderr
    text = (toy / "page.html").read_text()
    assert '<section id="burndown">' in text and "<svg" in text and "family-greeter" in text
    assert "accepted divergence" in text and "LoudGreeter" in text
    left = (dt.date(2099, 1, 1) - dt.date.fromisoformat(json.loads((toy / "reports" / "verify-results.json").read_text())["date"])).days
    assert f"{left} days left" in text and "old callers" in text
    assert "Next steps" in text and "Move the" in text
    not_results = ssot(toy, "report", "history.json", "--html", "x.html")
    assert not_results.returncode == 2 and "not a result file of `ssot-harness verify`" in not_results.stderr
    no_history = ssot(toy, "report", "--html", "x.html", "--history", "missing.json")
    assert no_history.returncode == 2 and "ssot-harness history --format json" in no_history.stderr
