"""`ssot-harness history` from the command line: formats, --fail-on-rise, usage errors with exit 2."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.history.conftest import Outcome, Scripted


def test_text_table_marks_rises_with_their_places(
    scripted: Scripted, cli: Callable[..., Outcome]
) -> None:
    r = cli(scripted.root)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "history of HEAD (first parent): 8 commits, 3 rises, 3 falls"
    row = next(line for line in lines if line.startswith(scripted.short("regress")))
    assert row.split()[2:7] == ["payment-factory", "4", "2", "1", "0"]
    at = lines.index(row)
    assert lines[at + 2 : at + 4] == [
        "  RISE payment-factory: members 3 -> 4, definitions 1 -> 2",
        "    + shop/batch.py:4 definition shop.batch:BatchPaymentFactory",
    ]
    assert "  note: config changed: pyproject.toml" in lines


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "markdown"])
def test_every_format_is_byte_identical_across_runs(
    scripted: Scripted, cli: Callable[..., Outcome], fmt: str
) -> None:
    first, second = cli(scripted.root, "--format", fmt), cli(scripted.root, "--format", fmt)
    assert first.code == second.code == 0
    assert first.out == second.out and first.out


def test_json_holds_counts_movements_and_places(
    scripted: Scripted, cli: Callable[..., Outcome]
) -> None:
    data = json.loads(cli(scripted.root, "--format", "json").out)
    assert data["summary"] == {"commits": 8, "rises": 3, "falls": 3}
    regress = data["commits"][5]
    assert regress["commit"] == scripted.ids["regress"]
    assert regress["families"]["payment-factory"] == {
        "members": 4,
        "definitions": 2,
        "aliases": 1,
        "imports": 0,
    }
    [move] = regress["movements"]
    assert move["kind"] == "rise"
    assert move["appeared"] == [
        {
            "path": "shop/batch.py",
            "line": 4,
            "kind": "definition",
            "member": "shop.batch:BatchPaymentFactory",
            "detail": "class",
        }
    ]


def test_csv_one_row_per_commit_and_family(scripted: Scripted, cli: Callable[..., Outcome]) -> None:
    rows = list(csv.DictReader(io.StringIO(cli(scripted.root, "--format", "csv").out)))
    assert len(rows) == 8 + 6  # payment-factory at every commit, notifier from "refunds" on
    rises = [(r["commit"], r["family"]) for r in rows if r["change"] == "rise"]
    assert rises == [
        (scripted.short(s), "payment-factory") for s in ("legacy", "refunds", "regress")
    ]


def test_markdown_table_has_a_column_per_family(
    scripted: Scripted, cli: Callable[..., Outcome]
) -> None:
    out = cli(scripted.root, "--format", "markdown").out
    assert "| commit | date | payment-factory | notifier | subject |" in out
    assert f"| `{scripted.short('regress')}` | 2026-01-06 | 4 (2/1/0) ▲ | 2 (1/0/0) |" in out
    assert f"| `{scripted.short('start')}` | 2026-01-01 | 1 (0/0/0) | – |" in out


def test_fail_on_rise_exits_1_only_when_the_range_rises(
    scripted: Scripted, cli: Callable[..., Outcome]
) -> None:
    assert cli(scripted.root, "--fail-on-rise").code == 1
    assert cli(scripted.root, f"{scripted.ids['half']}..HEAD", "--fail-on-rise").code == 1
    clean = cli(scripted.root, f"{scripted.ids['regress']}..HEAD", "--fail-on-rise")
    assert clean.code == 0 and "0 rises" in clean.out
    assert cli(scripted.root).code == 0  # rises are reported, not failed, without the flag


def test_output_file_and_chart(
    scripted: Scripted, cli: Callable[..., Outcome], tmp_path: Path
) -> None:
    r = cli(scripted.root, "--format", "json", "--output", str(tmp_path / "h.json"),
            "--chart", str(tmp_path / "out" / "burndown.html"))  # fmt: skip
    assert r.code == 0 and r.out == ""
    assert json.loads((tmp_path / "h.json").read_text())["summary"]["rises"] == 3
    html = (tmp_path / "out" / "burndown.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "<svg " in html
    assert "wrote burndown chart to" in r.err


def test_not_a_git_repository_is_a_usage_error(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    r = cli(tmp_path)
    assert r.code == 2
    assert "is not inside a git repository" in r.err and "Traceback" not in r.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-branch"], "bad revision range 'no-such-branch'"),
        (["HEAD..no-such-branch"], "bad revision range 'HEAD..no-such-branch'"),
        (["--max-count", "0"], "--max-count must be at least 1"),
        (["--since", "2030-01-01"], "no commits in 'HEAD'"),
        (["--chart", "burndown.png"], "the chart is drawn as .svg or .html"),
        (["--config", "missing.toml"], "missing.toml: no such file"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(
    scripted: Scripted, cli: Callable[..., Outcome], args: list[str], message: str
) -> None:
    r = cli(scripted.root, *args)
    assert r.code == 2, r
    assert message in r.err
    assert r.err.startswith("ssot-harness history: error: ")
    assert "Traceback" not in r.err


def test_an_empty_repository_is_a_usage_error(tmp_path: Path, cli: Callable[..., Outcome]) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    r = cli(tmp_path)
    assert r.code == 2 and "no commits yet" in r.err
