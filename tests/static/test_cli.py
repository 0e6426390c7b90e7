"""`ssot-harness audit` and `baseline` from the command line: exit codes, formats, determinism."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.static.conftest import FIXTURES, set_stage

SCHEMA = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture
def green_shop(shop: Path, cli) -> Path:
    """The shop with the notifier family back in `prove` and a baseline recorded: audit exits 0."""
    set_stage(shop, "notifier", "prove")
    assert cli("baseline", "--update", shop).code == 0
    return shop


def test_audit_within_the_baseline_exits_0(green_shop: Path, cli) -> None:
    result = cli("audit", green_shop)
    assert result.code == 0, result.out + result.err
    assert (
        "ok   engine-factory [prove]: 8 members, 14 non-canonical places; within the baseline"
        in result.out
    )
    assert result.out.rstrip().endswith("OK: every family within its stage and baseline")


def test_text_report_groups_findings_and_gives_fix_its(green_shop: Path, cli) -> None:
    out = cli("audit", green_shop).out
    assert "engine-factory [prove]  canonical shop.engines.factory:EngineFactory" in out
    assert "  definitions: 4 non-canonical of 5, baseline 4" in out
    assert (
        "    FIX src/shop/app.py:4  shop.compat:FastEngineFactory  (from shop.compat import FastEngineFactory "
        "(import))  -> use shop.engines.factory:EngineFactory instead"
    ) in out
    assert "\nskipped (0 files):\n  none\n" in out


def test_a_pinned_family_with_more_than_its_canonical_exits_1(green_shop: Path, cli) -> None:
    set_stage(green_shop, "notifier", "pinned")
    result = cli("audit", green_shop)
    assert result.code == 1
    assert (
        "FAIL notifier [pinned]: 4 members, 5 non-canonical places; pinned to shop.notify:Notifier"
        in result.out
    )
    assert result.out.rstrip().endswith("FAILED: notifier")


def test_a_count_above_the_baseline_exits_1(green_shop: Path, cli) -> None:
    (green_shop / "src/shop/extra.py").write_text(
        "from shop.legacy.old_factory import LegacyEngineFactory\n"
    )
    result = cli("audit", green_shop)
    assert result.code == 1
    assert "rose above the baseline: import 5 -> 6" in result.out


def test_a_missing_baseline_exits_2_and_says_what_to_run(shop: Path, cli) -> None:
    result = cli("audit", shop)
    assert result.code == 2
    assert "no baseline file; run `ssot-harness baseline --update`" in result.err


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("[tool.ssot-harness]\n", "[tool.ssot-harness]\ncolour = 1\n"), "unknown key 'colour'"),
        (('stage = "pinned"', 'stage = "pinned"\nnames = ["Bad-Name"]'), "is not a name pattern"),
        (('stage = "pinned"', 'stage = "frozen"'), "stage: 'frozen' is not one of prove, pinned"),
        (
            ("shop.notify:Notifier", "shop.notify:Nobody"),
            "canonical: shop.notify:Nobody does not exist in the tree",
        ),
        (('roots = ["src", "tools"]', 'roots = ["lib"]'), "roots: 'lib' does not exist"),
        (
            ("[tool.ssot-harness]\n", '[tool.ssot-harness]\nimport-roots = ["lib"]\n'),
            "import-roots: 'lib' is not a folder",
        ),
    ],
)
def test_config_errors_exit_2_naming_the_key(
    shop: Path, cli, edit: tuple[str, str], message: str
) -> None:
    pyproject = shop / "pyproject.toml"
    text = pyproject.read_text()
    assert edit[0] in text
    pyproject.write_text(text.replace(edit[0], edit[1], 1))
    result = cli("audit", shop, "--no-cache")
    assert result.code == 2
    assert message in result.err


def test_usage_errors_exit_2(shop: Path, cli, tmp_path: Path) -> None:
    assert cli("audit", shop / "nowhere").code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    result = cli("audit", empty)
    assert result.code == 2 and "no families" in result.err
    with pytest.raises(SystemExit) as exc:
        cli("audit", "--format", "yaml")
    assert exc.value.code == 2


def test_json_report(green_shop: Path, cli) -> None:
    data = json.loads(cli("audit", green_shop, "--format", "json").out)
    family = {f["name"]: f for f in data["families"]}["engine-factory"]
    assert family["counts"]["alias"] == 4 and family["failed"] is False
    assert {
        "path": "tools/cli.py",
        "line": 1,
        "kind": "import",
        "member": "shop.engines.factory:EngineFactory",
        "canonical": True,
        "detail": "from shop.engines.factory import EngineFactory (import)",
        "fix": "",
        "shim": False,
    } in family["findings"]


def test_markdown_report(green_shop: Path, cli) -> None:
    out = cli("audit", green_shop, "--format", "markdown").out
    assert out.startswith("# ssot-harness audit\n")
    assert "| engine-factory | prove | `shop.engines.factory:EngineFactory` | ✅" in out
    assert (
        "| `src/shop/app.py:4` | import | `shop.compat:FastEngineFactory` | no | use shop.engines.factory:EngineFactory instead |"
        in out
    )


def test_sarif_report_validates_against_the_official_schema(green_shop: Path, cli) -> None:
    os.symlink("..", green_shop / "src/shop/loop")  # so the run carries a notification too
    data = json.loads(cli("audit", green_shop, "--format", "sarif").out)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    run = data["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [
        "ssot/engine-factory",
        "ssot/notifier",
    ]
    assert len(run["results"]) == 14 + 5
    assert all(
        r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in run["results"]
    )
    assert run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"].startswith(
        "skipped: symlink loop"
    )
    broken = dict(data, version="2.0.0")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(broken)


def test_output_file_and_byte_identical_reports(green_shop: Path, cli, tmp_path: Path) -> None:
    for fmt in ("text", "json", "markdown", "sarif"):
        cold = cli("audit", green_shop, "--format", fmt, "--no-cache").out
        warm = cli("audit", green_shop, "--format", fmt).out
        again = cli("audit", green_shop, "--format", fmt).out
        assert cold == warm == again, fmt
        target = tmp_path / f"report.{fmt}"
        assert cli("audit", green_shop, "--format", fmt, "--output", target).code == 0
        assert target.read_text(encoding="utf-8") == cold
        assert str(tmp_path) not in cold  # paths are relative to the project root


def test_path_narrows_the_audit_to_part_of_the_project(green_shop: Path, cli) -> None:
    out = cli("audit", green_shop / "tools", "--format", "json").out
    paths = {f["path"] for fam in json.loads(out)["families"] for f in fam["findings"]}
    assert paths and all(p.startswith("tools/") for p in paths)


def test_the_console_script_runs(green_shop: Path) -> None:
    script = Path(sys.executable).parent / "ssot-harness"
    done = subprocess.run(
        [str(script), "audit", str(green_shop)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "within the baseline" in done.stdout
