"""`ssot-harness scaffold` on a fixture family (classes, an alias, a factory function, a getter,
async methods, a constructor the tool cannot build, a generic base): what it writes, that it
never overwrites, and that the written suite runs at once and finds the planted divergences."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "prove" / "scaffold_project"


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = tmp_path / "shop_project"
    shutil.copytree(FIXTURE, project)
    monkeypatch.chdir(project)
    return project


def scaffold(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["scaffold", *args])
    out, err = capsys.readouterr()
    return status, out, err


def suite_of(project: Path) -> Path:
    return project / "contracts" / "store"


def test_it_writes_the_suite_says_what_to_add_and_a_second_run_writes_nothing(shop, capsys) -> None:
    status, out, _ = scaffold(capsys, "store")
    assert status == 0
    suite = suite_of(shop)
    assert sorted(p.relative_to(suite).as_posix() for p in suite.rglob("*") if p.is_file()) == [
        "__init__.py",
        "adapters/__init__.py",
        "adapters/get_store.py",
        "adapters/legacy_store.py",
        "adapters/make_store.py",
        "adapters/memory_store.py",
        "adapters/old_memory_store.py",
        "adapters/remote_store.py",
        "adapters/shared_store.py",
        "divergences.toml",
        "protocol.py",
        "strategies.py",
        "test_contracts.py",
        "test_differential.py",
    ]
    assert (shop / "contracts" / "__init__.py").is_file()  # so the suite is contracts.store
    assert '[tool.ssot-harness.families.store]\n  adapters = "contracts.store"' in out
    assert "7 member(s), canonical shop.stores:MemoryStore; 1 TODO(s)" in out

    before = {p: p.stat().st_mtime_ns for p in suite.rglob("*.py")}
    status, out, _ = scaffold(capsys, "store")
    assert status == 0
    assert "wrote" not in out
    assert "nothing to write: 14 file(s) up to date, 0 kept" in out
    assert {p: p.stat().st_mtime_ns for p in suite.rglob("*.py")} == before


def test_an_edited_file_is_kept_unless_forced(shop, capsys) -> None:
    scaffold(capsys, "store")
    adapter = suite_of(shop) / "adapters" / "remote_store.py"
    adapter.write_text(adapter.read_text().replace("raise ScaffoldTODO(", "raise ScaffoldTODO(  # mine"))
    edited = adapter.read_text()
    _, out, _ = scaffold(capsys, "store")
    assert "kept" in out and "remote_store.py (it differs" in out
    assert adapter.read_text() == edited
    _, out, _ = scaffold(capsys, "store", "--force")
    assert f"wrote {adapter}" in out
    assert "# mine" not in adapter.read_text()


def test_the_protocol_keeps_async_and_binds_the_generic_base(shop, capsys) -> None:
    scaffold(capsys, "store")
    protocol = (suite_of(shop) / "protocol.py").read_text()
    assert "class StoreProtocol(Protocol):" in protocol
    assert "    def put(self, key: str, value: int) -> None: ..." in protocol  # T bound to int
    assert "    def get(self, key: str) -> int: ..." in protocol
    assert "    async def keys(self) -> list[str]: ..." in protocol


def test_each_kind_of_member_is_built_its_own_way(shop, capsys) -> None:
    scaffold(capsys, "store")
    adapters = suite_of(shop) / "adapters"
    assert "from shop.stores import OldMemoryStore" in (adapters / "old_memory_store.py").read_text()
    assert "an alias of shop.stores:MemoryStore" in (adapters / "old_memory_store.py").read_text()
    assert "return make_store()" in (adapters / "make_store.py").read_text()
    getter = (adapters / "get_store.py").read_text()
    assert "return get_store()" in getter
    assert 'preserve(shop_stores, "_default")' in getter  # the global it rebinds
    assert 'preserve(SharedStore, "_items")' in (adapters / "shared_store.py").read_text()
    remote = (adapters / "remote_store.py").read_text()
    assert "its constructor needs url: str, timeout: float (no default)" in remote


def test_a_member_without_the_protocols_method_gets_a_todo_naming_the_closest(shop, capsys) -> None:
    stores = shop / "shop" / "stores.py"
    stores.write_text(stores.read_text().replace("    def get(self, key: str) -> int:\n        return self._items[key]", "    def fetch(self, key: str) -> int:\n        return self._items[key]"))
    scaffold(capsys, "store")
    shared = (suite_of(shop) / "adapters" / "shared_store.py").read_text()
    assert "def get(obj, key) -> Any:" in shared
    assert "SharedStore has no method 'get'" in shared
    assert '"get": get,' in shared


def run_suite(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "contract", "contracts/store", "-q", "-rA",
         "--ssot-hypothesis-profile", "ssot-ci", "--ssot-reports", "reports", *args],
        cwd=project, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def matrix(project: Path) -> dict[tuple[str, str], dict]:
    cells = json.loads((project / "reports" / "equivalence-matrix.json").read_text())["cells"]
    return {(c["member"], c["contract"]): c for c in cells}


def test_the_written_suite_runs_at_once_todos_are_errors_and_divergences_have_minimal_cases(
    shop, capsys
) -> None:
    _, out, _ = scaffold(capsys, "store")
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\nadapters = "contracts.store"\n')
    run = run_suite(shop)
    assert run.returncode == 1, run.stdout + run.stderr
    cells = matrix(shop)
    outcome = {key: cell["outcome"] for key, cell in cells.items()}
    differential = "test_same_outcomes_as_the_canonical"
    # every member ran every contract; those equivalent to the canonical pass
    for member in ("OldMemoryStore", "make_store"):
        assert {c: o for (m, c), o in outcome.items() if m == member} == {
            "test_put_answers_like_the_canonical": "pass",
            "test_get_answers_like_the_canonical": "pass",
            "test_keys_answers_like_the_canonical": "pass",
            differential: "pass",
        }
    # the TODO: an error naming the file and line to fill in
    todo_line = next(
        i for i, line in enumerate((suite_of(shop) / "adapters" / "remote_store.py").read_text().splitlines(), 1)
        if "raise ScaffoldTODO(" in line
    )
    assert outcome[("RemoteStore", differential)] == "fail"
    assert f"contracts/store/adapters/remote_store.py:{todo_line}: TODO: build RemoteStore" in cells[("RemoteStore", differential)]["detail"]
    assert f"ScaffoldTODO: contracts/store/adapters/remote_store.py:{todo_line}: TODO" in run.stdout
    # the planted divergences, each with its minimal case
    legacy = cells[("LegacyStore", differential)]
    assert legacy["outcome"] == "fail"
    assert "1. [0] get(key='')" in legacy["detail"]
    assert "-1. [0] get(key='') -> raises KeyError\n+1. [0] get(key='') -> returns None" in legacy["detail"]
    assert outcome[("LegacyStore", "test_get_answers_like_the_canonical")] == "fail"
    shared = cells[("SharedStore", differential)]["detail"]
    assert "put(key='', value=" in shared and "[1]" in shared  # seen from the other object
    assert outcome[("get_store", differential)] == "fail"  # the getter hands out one instance


def test_a_declared_divergence_runs_as_strict_xfail(shop, capsys) -> None:
    scaffold(capsys, "store")
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\nadapters = "contracts.store"\n')
    with (suite_of(shop) / "divergences.toml").open("a") as f:
        f.write('\n[[divergence]]\nmember = "LegacyStore"\ncontract = "test_same_outcomes_as_the_canonical"\nreason = "None for a missing key"\n')
    run = run_suite(shop, "--ssot-implementation", "LegacyStore")
    assert matrix(shop)[("LegacyStore", "test_same_outcomes_as_the_canonical")]["outcome"] == "xfail"
    assert run.returncode == 1  # test_get_answers_like_the_canonical still fails: not declared


def test_unknown_family_and_a_canonical_with_no_methods_are_usage_errors(shop, capsys) -> None:
    status, _, err = scaffold(capsys, "no-such-family")
    assert status == 2
    assert "no family named 'no-such-family'" in err and "known: store" in err
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('canonical = "shop.stores:MemoryStore"', 'canonical = "shop.stores:get_store"'))
    stores = shop / "shop" / "stores.py"
    stores.write_text(stores.read_text().replace("def get_store() -> MemoryStore:", "def get_store():"))
    status, _, err = scaffold(capsys, "store")
    assert status == 2
    assert "cannot tell the protocol's methods" in err and "annotate it" in err
    assert "Traceback" not in err


def test_the_written_code_is_clean_python(shop, capsys) -> None:
    scaffold(capsys, "store")
    for path in suite_of(shop).rglob("*.py"):
        compile(path.read_text(), str(path), "exec")
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "E9,F", "--isolated", str(suite_of(shop))],
        capture_output=True, text=True,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout


def test_verify_shows_the_new_familys_matrix(shop, capsys) -> None:
    scaffold(capsys, "store")
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\nadapters = "contracts.store"\n')
    assert main(["baseline", "--update"]) == 0
    capsys.readouterr()
    run = subprocess.run(
        [sys.executable, "-m", "harness.cli", "verify", "-n", "0"],
        cwd=shop, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 1  # the planted divergences and the TODO
    assert "## store" in run.stdout
    for row in ("| make_store | pass | pass | pass | pass |", "| MemoryStore | pass | pass | pass | skip |"):
        assert row in run.stdout
