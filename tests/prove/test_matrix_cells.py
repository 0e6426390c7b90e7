"""The equivalence matrix in process: each pytest outcome becomes the right cell, a contract's cases
aggregate with the right precedence, and the rendered markdown and JSON say exactly that.

The matrix is otherwise exercised through whole pytest runs in subprocesses (test_plumbing.py),
which the mutation run cannot attribute; these tests hold each rule on its own, so a matrix that
drops a cell, swaps a precedence or miscounts cases fails here by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.prove import matrix
from harness.prove.matrix import Cell

pytest_plugins = ["pytester"]

OUTCOMES = '''
import pytest

def test_passes():
    assert True

def test_fails():
    raise AssertionError("boom at 0x7f00deadbeef")

@pytest.mark.xfail(strict=True, reason="accepted: drops tool_completed")
def test_xfails():
    assert False

def test_skips():
    pytest.skip("needs a browser")

@pytest.fixture
def broken():
    raise RuntimeError("setup broke")

def test_setup_errors(broken):
    pass

@pytest.fixture
def leaky():
    yield
    raise RuntimeError("teardown broke")

def test_teardown_fails(leaky):
    pass
'''


@pytest.fixture
def reports(pytester: pytest.Pytester) -> dict[str, list]:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_outcomes=OUTCOMES)
    recorded = pytester.inline_run("-p", "no:randomly", "-p", "no:xdist", "-p", "no:cacheprovider")
    out: dict[str, list] = {}
    for report in recorded.getreports("pytest_runtest_logreport"):
        out.setdefault(report.nodeid.split("::")[-1], []).append(report)
    return out


def _phases(reports: list, **kwargs: object) -> list:
    return [matrix.outcome_of(r, **kwargs) for r in reports]  # type: ignore[arg-type]


def test_each_pytest_outcome_becomes_its_cell(reports: dict[str, list]) -> None:
    assert _phases(reports["test_passes"]) == [None, ("pass", "", ""), None]
    assert _phases(reports["test_fails"]) == [None, ("fail", "", "AssertionError: boom"), None]
    assert _phases(reports["test_fails"], detail="minimal case") == [None, ("fail", "", "minimal case"), None]
    assert _phases(reports["test_xfails"], detail="the diff") == [
        None, ("xfail", "accepted: drops tool_completed", "the diff"), None,
    ]  # fmt: skip
    assert _phases(reports["test_skips"]) == [None, ("skip", "needs a browser", ""), None]
    assert _phases(reports["test_setup_errors"]) == [("fail", "", "RuntimeError: setup broke"), None]
    assert _phases(reports["test_teardown_fails"]) == [
        None, ("pass", "", ""), ("fail", "teardown failed", "RuntimeError: teardown broke"),
    ]  # fmt: skip


def test_a_declared_divergence_that_passed_is_fixed_whatever_else(reports: dict[str, list]) -> None:
    fixed = ("fixed", "fixed: remove this declaration", "")
    assert _phases(reports["test_passes"], fixed=True) == [None, fixed, None]
    assert _phases(reports["test_xfails"], fixed=True) == [None, fixed, None]


def _cells(*outcomes: str, member: str = "M", contract: str = "test_c") -> list[Cell]:
    return [
        Cell("fam", member, contract, f"case{i}", o, reason=f"r{i}", detail=f"d{i}" if o != "pass" else "")
        for i, o in enumerate(outcomes)
    ]


@pytest.mark.parametrize(
    ("outcomes", "expected", "cases", "failing"),
    [
        (("pass", "pass"), "pass", "2/2", []),
        (("pass", "skip"), "pass", "1/2", []),
        (("skip", "skip"), "skip", "2/2", []),
        (("pass", "xfail", "skip"), "xfail", "1/3", ["case1"]),
        (("xfail", "fail", "pass"), "fail", "1/3", ["case0", "case1"]),
        (("fail", "fixed", "xfail"), "fixed", "1/3", ["case0", "case1", "case2"]),
    ],
)
def test_cases_aggregate_worst_first(outcomes: tuple[str, ...], expected: str, cases: str, failing: list[str]) -> None:
    (value,) = matrix.aggregate(_cells(*outcomes)).values()
    first = outcomes.index(expected)
    assert value == {
        "outcome": expected,
        "reason": f"r{first}",
        "cases": cases,
        "failing_cases": failing,
        "detail": f"d{first}" if expected != "pass" else "",
    }


def test_aggregate_keeps_every_member_and_contract_apart_in_sorted_order() -> None:
    cells = [*_cells("pass", member="B"), *_cells("fail", member="A"), *_cells("pass", member="A", contract="test_a")]
    assert list(matrix.aggregate(cells)) == [("fam", "A", "test_a"), ("fam", "A", "test_c"), ("fam", "B", "test_c")]


MATRIX = [
    Cell("fam", "Canonical", "test_order", "", "pass"),
    Cell("fam", "Canonical", "test_same", "one", "pass"),
    Cell("fam", "Canonical", "test_same", "two", "pass"),
    Cell("fam", "Legacy", "test_order", "", "fail", detail="minimal: 2 users\n- a\n+ b"),
    Cell("fam", "Legacy", "test_same", "one", "xfail", reason="shared emitter", detail="the diff"),
    Cell("fam", "Legacy", "test_same", "two", "pass"),
    Cell("fam", "Old", "test_order", "", "fixed", reason="fixed: remove this declaration"),
    Cell("fam", "Old", "test_same", "one", "skip", reason="no browser"),
    Cell("other", "X", "test_x", "", "xfail", reason="why"),
]

MARKDOWN = """\
# Equivalence matrix

## fam

| member | test_order | test_same |
| --- | --- | --- |
| Canonical | pass | pass |
| Legacy | **FAIL** | xfail (1/2) |
| Old | **FIXED: remove the declaration** | skip |

Divergences and failures:

- **Legacy** × `test_order`: fail

  ```
  minimal: 2 users
  - a
  + b
  ```

- **Legacy** × `test_same`: xfail (cases: one) — shared emitter

  ```
  the diff
  ```

- **Old** × `test_order`: fixed — fixed: remove this declaration

## other

| member | test_x |
| --- | --- |
| X | xfail |

Divergences and failures:

- **X** × `test_x`: xfail — why
"""


def test_the_markdown_matrix_says_exactly_what_each_cell_is() -> None:
    assert matrix.to_markdown(MATRIX) == MARKDOWN


def test_a_missing_cell_shows_as_a_dash_not_a_pass() -> None:
    cells = [Cell("fam", "A", "test_1", "", "pass"), Cell("fam", "B", "test_2", "", "pass")]
    assert "| A | pass | — |" in matrix.to_markdown(cells)
    assert "| B | — | pass |" in matrix.to_markdown(cells)


def test_the_json_matrix_holds_every_cell_with_its_cases() -> None:
    data = json.loads(matrix.to_json(MATRIX))
    assert data["version"] == 1
    rows = {(r["family"], r["member"], r["contract"]): r for r in data["cells"]}
    assert len(rows) == 7
    assert rows[("fam", "Legacy", "test_same")] == {
        "family": "fam", "member": "Legacy", "contract": "test_same", "outcome": "xfail",
        "reason": "shared emitter", "cases": "1/2", "failing_cases": ["one"], "detail": "the diff",
    }  # fmt: skip
    assert matrix.to_json(MATRIX) == matrix.to_json(list(reversed(MATRIX)))  # order-free


def test_write_puts_both_renderings_in_the_folder(tmp_path: Path) -> None:
    md, js = matrix.write(MATRIX, tmp_path / "reports")
    assert (md.name, js.name) == ("equivalence-matrix.md", "equivalence-matrix.json")
    assert md.read_text(encoding="utf-8") == MARKDOWN
    assert js.read_text(encoding="utf-8") == matrix.to_json(MATRIX)


def test_the_json_matrix_is_byte_stable_two_space_sorted_with_a_final_newline() -> None:
    cells = [Cell("fam", "B", "test_c", "", "pass"), Cell("fam", "A", "test_c", "one", "xfail", reason="why")]
    assert matrix.to_json(cells) == (
        '{\n  "cells": [\n    {\n      "cases": "1/1",\n      "contract": "test_c",\n      "detail": "",\n'
        '      "failing_cases": [\n        "one"\n      ],\n      "family": "fam",\n      "member": "A",\n'
        '      "outcome": "xfail",\n      "reason": "why"\n    },\n    {\n      "cases": "1/1",\n'
        '      "contract": "test_c",\n      "detail": "",\n      "failing_cases": [],\n      "family": "fam",\n'
        '      "member": "B",\n      "outcome": "pass",\n      "reason": ""\n    }\n  ],\n  "version": 1\n}\n'
    )


def test_verify_re_renders_the_same_markdown_from_the_json() -> None:
    assert matrix.render_markdown(matrix.table_from_json(matrix.to_json(MATRIX))) == MARKDOWN


def test_the_observed_column_holds_each_members_staging_mark_or_a_dash() -> None:
    cells = [Cell("fam", "A", "test_1", "", "pass"), Cell("fam", "B", "test_1", "", "pass"),
             Cell("other", "X", "test_x", "", "pass")]  # fmt: skip
    observed = {("fam", "A"): "99.0% of 100", ("fam", "C"): "50.0% of 2", ("staged", "S"): "100.0% of 1"}
    assert matrix.to_markdown(cells, observed) == (
        "# Equivalence matrix\n\n## fam\n\n| member | test_1 | observed |\n| --- | --- | --- |\n"
        "| A | pass | 99.0% of 100 |\n| B | pass | — |\n| C | — | 50.0% of 2 |\n\n"
        "## other\n\n| member | test_x | observed |\n| --- | --- | --- |\n| X | pass | — |\n\n"
        "## staged\n\n| member | observed |\n| --- | --- |\n| S | 100.0% of 1 |\n"
    )


def test_each_failing_case_is_named_in_the_notes() -> None:
    cells = [Cell("fam", "M", "test_c", case, "fail") for case in ("b", "a", "c")] + [
        Cell("fam", "M", "test_c", "", "fail"),  # a test with no other parameter names no case
    ]
    assert "- **M** × `test_c`: fail (cases: a, b, c)\n" in matrix.to_markdown(cells)


def test_write_makes_the_folder_and_rewrites_what_is_there(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "reports"
    matrix.write(MATRIX[:1], folder)
    md, js = matrix.write(MATRIX, folder)
    assert md.read_text(encoding="utf-8") == MARKDOWN and sorted(p.name for p in folder.iterdir()) == [
        "equivalence-matrix.json", "equivalence-matrix.md",
    ]  # fmt: skip


def test_the_cells_file_holds_every_cell_and_the_stale_declarations_and_reads_back(tmp_path: Path) -> None:
    stale = ["accepted divergence matches no test: member 'Old'"]
    path = matrix.write_cells(list(reversed(MATRIX)), stale, tmp_path)
    assert path == tmp_path / matrix.CELLS_FILE
    text = path.read_text(encoding="utf-8")
    assert text == matrix.cells_json(MATRIX, stale) and text.endswith("}\n")  # order-free, byte-stable
    assert text.startswith('{\n  "cells": [\n    {\n      "case": "",\n      "contract": "test_order",\n')
    data = json.loads(text)
    assert data["version"] == 1 and data["stale"] == stale and len(data["cells"]) == len(MATRIX)
    cells, got_stale = matrix.load_cells(path)
    assert set(cells) == set(MATRIX) and len(cells) == len(MATRIX) and got_stale == stale


class _Report:
    """A test report as a plugin may leave it: a plain-text or missing longrepr (pytest's own carry
    a structured one)."""

    def __init__(self, when: str, outcome: str, longrepr: object) -> None:
        self.when, self.longrepr = when, longrepr
        self.passed, self.failed, self.skipped = (outcome == o for o in ("passed", "failed", "skipped"))


def test_a_report_without_pytests_structured_crash_still_gives_its_cell() -> None:
    assert matrix.outcome_of(_Report("call", "failed", "plugin says no\nmore")) == ("fail", "", "plugin says no")
    assert matrix.outcome_of(_Report("call", "failed", None)) == ("fail", "", "")
    assert matrix.outcome_of(_Report("setup", "skipped", None)) == ("skip", "", "")
    assert matrix.outcome_of(_Report("teardown", "failed", "")) == ("fail", "teardown failed", "")
