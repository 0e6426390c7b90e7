"""A scan cache line whose digest is right but whose content this version never writes (written by
another version, or edited by hand and sealed again) is damage: the file is parsed again and the
cache rebuilt, with one warning naming it; never other facts, another answer or a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from harness.config import load_config
from harness.pin.audit import audit, scan_for
from harness.scan.cache import CACHE_FILE
from tests.static.test_cache import lines, write_lines
from tests.static.test_git_scan import repo

APP = "src/shop/app.py"

# a field of app.py's facts line -> a value of a type `facts_to_data` never writes there, that the
# reader took (converted or as it was) before it checked types
RETYPED_FACTS: dict[str, tuple[str, Any]] = {
    "path-list": ("path", [APP]),
    "module-false": ("module", False),
    "module-list": ("module", ["shop", "app"]),
    "is_package-string": ("is_package", "no"),
    "is_package-number": ("is_package", 0),
    "definitions-qualname": ("definitions", [[1, "function", 10, []]]),
    "definitions-kind": ("definitions", [["main", None, 10, []]]),
    "definitions-line": ("definitions", [["main", "function", True, []]]),
    "definitions-bases": ("definitions", [["main", "class", 10, "Base"]]),
    "definitions-base": ("definitions", [["main", "class", 10, [["Base"]]]]),
    "name_imports-module": ("name_imports", [[["shop"], "Engine", "Engine", 6, "module"]]),
    "name_imports-name": ("name_imports", [["shop.engines", 0, "Engine", 6, "module"]]),
    "name_imports-asname": ("name_imports", [["shop.engines", "Engine", None, 6, "module"]]),
    "name_imports-line": ("name_imports", [["shop.engines", "Engine", "Engine", 6.5, "module"]]),
    "name_imports-scope": ("name_imports", [["shop.engines", "Engine", "Engine", 6, "global"]]),
    "module_imports-module": ("module_imports", [[None, "importlib", 1, "module", False]]),
    "module_imports-binding": ("module_imports", [["importlib", 1, 1, "module", False]]),
    "module_imports-line": ("module_imports", [["importlib", "importlib", "1", "module", False]]),
    "module_imports-scope": ("module_imports", [["importlib", "importlib", 1, 2, False]]),
    "module_imports-dynamic": ("module_imports", [["importlib", "importlib", 1, "module", 1]]),
    "assignments-target": ("assignments", [[1, "Engine", 20]]),
    "assignments-value": ("assignments", [["X", ["Engine"], 20]]),
    "assignments-line": ("assignments", [["X", "Engine", False]]),
    "references-base": ("references", [[None, "build_for_user", 18]]),
    "references-attr": ("references", [["Engine", 7, 18]]),
    "references-line": ("references", [["Engine", "build_for_user", "18"]]),
    "all_names-string": ("all_names", "main"),
    "all_names-item": ("all_names", ["main", 1]),
    "dotted_strings-path": ("dotted_strings", [[False, 3]]),
    "dotted_strings-line": ("dotted_strings", [["shop.app:main", 3.0]]),
    "a-key-added": ("written_by", "another version"),
}


def _scan(tree: Path):
    return scan_for(load_config(tree / "pyproject.toml"))


@pytest.mark.parametrize(("field", "value"), RETYPED_FACTS.values(), ids=RETYPED_FACTS)
def test_a_facts_line_retyped_and_sealed_again_is_parsed_again(
    shop: Path, capsys: pytest.CaptureFixture[str], field: str, value: Any
) -> None:
    cold = _scan(shop)
    path = shop / ".ssot-cache" / CACHE_FILE
    data = lines(path)
    line = next(d for d in data[4:] if d["path"] == APP)
    line[field] = value
    write_lines(path, data)
    capsys.readouterr()
    again = _scan(shop)
    assert again.facts == cold.facts
    err = capsys.readouterr().err
    assert err.count("warning") == 1 and f"warning: scan cache {path} is corrupt" in err, err
    assert _scan(shop).facts == cold.facts
    assert capsys.readouterr().err == ""  # rebuilt


def test_two_retyped_facts_lines_are_one_warning(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cold = _scan(shop)
    path = shop / ".ssot-cache" / CACHE_FILE
    data = lines(path)
    for line in data[4:]:
        line["module"] = False
    write_lines(path, data)
    capsys.readouterr()
    assert _scan(shop).facts == cold.facts
    assert capsys.readouterr().err.count("warning") == 1


# a part of the cache's own lines (1: the state and the last answer, 2: its module names, 3: the
# table of conclusions, read when something changed) -> how to retype it; each was taken
# (converted, or as it was) before types were checked
def _state(key: str, value: Any) -> Any:
    def change(data: list[Any]) -> None:
        data[1][key] = value

    return change


def _memo(key: str, value: Any) -> Any:
    def change(data: list[Any]) -> None:
        data[1]["memo"][key] = value

    return change


def _files(rel: str, column: int, value: Any) -> Any:
    def change(data: list[Any]) -> None:
        next(row for row in data[3]["files"] if row[0] == rel)[column] = value

    return change


def _modules(data: list[Any]) -> None:
    data[2] = [*data[2], False]


def _sigs(data: list[Any]) -> None:
    data[3]["sigs"] = [1 for _ in data[3]["sigs"]]


EXTRA = "src/shop/extra.py"  # untracked: its stat is kept (line 1's loose, and the table)
RETYPED_PARTS = {
    "learned": _state("learned", [1]),
    "loose": _state("loose", [[EXTRA, True, 1, 2, 3, "0" * 40]]),
    "memo-digest": _memo("digest", 7),
    "memo-files_walked": _memo("files_walked", "12"),
    "memo-needles": _memo("needles", ["EngineFactory", 1]),
    "memo-skipped": _memo("skipped", [[APP, ["not", "parsed"]]]),
    "memo-facts": _memo("facts", [[APP, True]]),
    "modules": _modules,
    "table-sigs": _sigs,
    "table-key": _files(APP, 1, 7),
    "table-needles": _files(APP, 2, True),
    "table-stat": _files(EXTRA, 4, "6"),
}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize("part", RETYPED_PARTS)
def test_a_cache_line_retyped_and_sealed_again_is_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], part: str
) -> None:
    tree = repo(tmp_path)
    (tree / EXTRA).write_text("x = 1\n")
    _places(tree)
    path = tree / ".ssot-cache" / CACHE_FILE
    data = lines(path)
    RETYPED_PARTS[part](data)
    write_lines(path, data)
    if part.startswith("table"):
        (tree / "src/shop/more.py").write_text("y = 1\n")  # the table is read on a change
    cold = _places(tree, use_cache=False)
    capsys.readouterr()
    assert _places(tree) == cold
    err = capsys.readouterr().err
    assert err.count("warning") == 1 and f"warning: scan cache {path} is corrupt" in err, err
    assert _places(tree) == cold
    assert capsys.readouterr().err == ""  # rebuilt


def _places(tree: Path, *, use_cache: bool = True) -> tuple[set[str], tuple[Any, ...], int]:
    """Every place the audit finds, what the scan skipped, and how many files it walked."""
    config = load_config(tree / "pyproject.toml")
    result = scan_for(config, use_cache=use_cache)
    report = audit(config, result, None)
    found = {f"{f.kind} {f.member} {f.location}" for fa in report.families for f in fa.findings}
    return found, result.skipped, result.files_walked
