"""What an audit looks at, in process on real trees: a PATH narrows the report (never to drops it did
not look for), a pinned family's old baseline entry is moot, the scan is cached and git-aware by
default, and a missing baseline says how to record one."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.config import load_config
from harness.errors import ConfigError
from harness.pin.audit import audit, run_audit, scan_for
from harness.pin.baseline import load_baseline
from tests.static.conftest import plant, set_stage
from tests.static.test_shims import _tree


@pytest.fixture
def recorded(shop: Path, cli) -> Path:
    set_stage(shop, "notifier", "prove")
    assert cli("baseline", "--update", shop).code == 0
    return shop


def test_a_path_narrows_the_report_to_its_places_and_reports_no_drops(recorded: Path) -> None:
    config = load_config(recorded / "pyproject.toml")
    result, baseline = scan_for(config), load_baseline(recorded / ".ssot-baseline.json")
    whole = audit(config, result, baseline)
    assert whole.files_walked == result.files_walked > 0 and whole.baseline_path == ".ssot-baseline.json"
    for everything in (("",), (".",), ("src", ".")):
        assert audit(config, result, baseline, only=everything).family("engine-factory").findings == (
            whole.family("engine-factory").findings
        )
    for only in (("tools",), ("tools/",), ("tools/cli.py",)):
        narrow = audit(config, result, baseline, only=only)
        family = narrow.family("engine-factory")
        assert {f.path for f in family.findings} == {"tools/cli.py"}
        assert (family.judgement.drops, family.judgement.removed) == ((), ())  # outside PATH: not looked at
        assert family.verdict.endswith("; within the baseline"), family.verdict
        assert narrow.files_walked == whole.files_walked
    assert audit(config, result, baseline, only=("tool",)).family("engine-factory").findings == ()  # not a prefix


def test_a_pinned_familys_baseline_entry_is_moot(tmp_path: Path, cli) -> None:
    tree = _tree(tmp_path, cli)  # pinned, with live declared shims
    (tree / ".ssot-baseline.json").write_text(json.dumps({
        "version": 2, "families": {"engine-factory": {"counts": {}, "entries": []}},
    }))  # fmt: skip
    result = cli("audit", tree)
    assert result.code == 0, result.out
    assert "ok   engine-factory [pinned]" in result.out


def test_a_missing_baseline_says_how_to_record_one(recorded: Path) -> None:
    (recorded / ".ssot-baseline.json").unlink()
    with pytest.raises(ConfigError) as caught:
        run_audit(load_config(recorded / "pyproject.toml"))
    assert str(caught.value) == (
        ".ssot-baseline.json: no baseline file; run `ssot-harness baseline --update` to record today's "
        "counts, then commit it"
    )
    assert run_audit(load_config(recorded / "pyproject.toml"), require_baseline=False).failed


def test_the_scan_is_cached_and_asks_git_by_default(recorded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                       cwd=recorded, check=True, capture_output=True)  # fmt: skip

    (recorded / ".gitignore").write_text(".ssot-cache/\nsrc/shop/scratch.py\n")
    (recorded / "src" / "shop" / "scratch.py").write_text("class ScratchEngineFactory:\n    pass\n")
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "shop")
    config = load_config(recorded / "pyproject.toml")
    shutil.rmtree(recorded / ".ssot-cache")  # the baseline's run made one
    members = run_audit(config).family("engine-factory").members
    assert "shop.scratch:ScratchEngineFactory" not in members  # git ignores it, so does the audit
    assert list((recorded / ".ssot-cache").iterdir())  # and the scan was cached
    assert "shop.scratch:ScratchEngineFactory" in run_audit(config, git=False).family("engine-factory").members
    cache = {p: b"not read" for p in (recorded / ".ssot-cache").iterdir()}
    for path, junk in cache.items():
        path.write_bytes(junk)
    run_audit(config, use_cache=False)  # reads and writes no cache: no warning, nothing rewritten
    assert {p: p.read_bytes() for p in (recorded / ".ssot-cache").iterdir()} == cache
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize("stub", ["factory.py", "factory.pyi"])
def test_a_canonical_in_a_file_that_does_not_parse_says_which_file_and_why(tmp_path: Path, cli, stub: str) -> None:
    tree = plant(tmp_path, {"lib/pkg/__init__.py": "", f"lib/pkg/{stub}": "class EngineFactory(:\n    pass\n"},
                 top='roots = ["lib"]\nimport-roots = ["lib"]')  # fmt: skip
    result = cli("audit", tree)
    assert result.code == 2
    assert (
        "[tool.ssot-harness.families.engine-factory] canonical: pkg.factory:EngineFactory cannot be checked: "
        f"its file lib/pkg/{stub} was not read (syntax error at line 1: "
    ) in result.err


def test_a_narrowed_audit_judges_only_the_declarations_under_its_paths(tmp_path: Path, cli) -> None:
    declared = (
        '\n[[tool.ssot-harness.families.engine-factory.unparseable]]\npath = "pkg/fixed.py"\n'
        'reason = "was mid-merge"\n'
    )
    tree = plant(tmp_path, {"pkg/__init__.py": "", "pkg/factory.py": "class EngineFactory:\n    pass\n",
                            "pkg/fixed.py": "from pkg.factory import EngineFactory\n", "tools/run.py": "x = 1\n"},
                 top='roots = ["pkg", "tools"]\nimport-roots = ["."]', extra=declared)  # fmt: skip
    whole = cli("audit", tree)
    assert whole.code == 1 and "unparseable pkg/fixed.py is declared but parses now" in whole.out
    narrowed = cli("audit", tree / "tools")
    assert narrowed.code == 0, narrowed.out  # pkg/ was not looked at: its declaration is not judged


def test_a_family_of_every_name_looks_at_every_file(tmp_path: Path, cli) -> None:
    tree = plant(tmp_path, {"pkg/__init__.py": "", "pkg/factory.py": "class EngineFactory:\n    pass\n",
                            "pkg/other.py": "class Unrelated:\n    pass\n"},
                 top='roots = ["pkg"]\nimport-roots = ["."]', names='"*"')  # fmt: skip
    result = cli("audit", tree, "--format", "json")
    (family,) = json.loads(result.out)["families"]
    assert "pkg.other:Unrelated" in family["members"] and result.code == 1


def test_an_alias_of_an_alias_is_followed_to_its_callers(shop: Path) -> None:
    (shop / "src/shop/nick.py").write_text("from shop.engines.factory import EngineFactory as Maker\n")
    (shop / "src/shop/nick2.py").write_text("from shop.nick import Maker as Tool\n")
    (shop / "src/shop/user2.py").write_text("from shop.nick2 import Tool\n")  # mentions no pattern literal
    config = load_config(shop / "pyproject.toml")
    imports = {(f.location, f.member) for f in audit(config, scan_for(config, use_cache=False), None)
               .family("engine-factory").findings if f.kind == "import"}  # fmt: skip
    assert ("src/shop/user2.py:1", "shop.nick2:Tool") in imports
