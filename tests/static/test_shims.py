"""Declared shims: a pinned family passes while they live; expired, vanished or grown ones fail."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from harness.model import Family, Finding, MemberRef, Shim
from harness.pin.shims import ShimStatus, judge_shims
from tests.static.conftest import plant
from tests.static.test_cli import SCHEMA

TREE = {
    "pkg/__init__.py": "",
    "pkg/factory.py": "class EngineFactory:\n    pass\n",
    "pkg/compat.py": "from pkg.factory import EngineFactory\n\nOldEngineFactory = EngineFactory\n",
    "pkg/stubs.py": (
        "from pkg.factory import EngineFactory\n\n\n"
        "def MakeEngineFactory(*args, **kwargs):\n    return EngineFactory(*args, **kwargs)\n"
    ),
    "plugins/__init__.py": "",
    "plugins/user.py": "from pkg.compat import OldEngineFactory\n",
}

SHIMS = """
[[tool.ssot-harness.families.engine-factory.shims]]
member = "pkg.compat:OldEngineFactory"
reason = "third-party plugins import it"
expires = {expires}
callers = ["plugins.user"]

[[tool.ssot-harness.families.engine-factory.shims]]
member = "pkg.stubs:MakeEngineFactory"
reason = "old configs name it"
expires = "2999-12-31"
"""


def _tree(tmp_path: Path, cli, *, expires: str = "2999-12-31", extra: str = "", **files) -> Path:
    tree = plant(tmp_path, {**TREE, **files}, extra=SHIMS.format(expires=expires) + extra)
    assert cli("baseline", "--update", tree).code in (0, 1)
    return tree


def test_a_pinned_family_passes_with_live_declared_shims(tmp_path: Path, cli) -> None:
    tree = _tree(tmp_path, cli)
    result = cli("audit", tree)
    assert result.code == 0, result.out
    assert (
        "ok   engine-factory [pinned]: 3 members, 0 non-canonical places, 2 live declared shims"
        in (result.out)
    )
    assert "  shims: 2 declared" in result.out
    assert (
        "    live    pkg.compat:OldEngineFactory until 2999-12-31 (third-party plugins import it; "
        "callers: plugins.user)\n"
    ) in result.out
    assert "    SHIM plugins/user.py:1  pkg.compat:OldEngineFactory" in result.out


def test_without_the_declarations_the_same_tree_fails(tmp_path: Path, cli) -> None:
    tree = plant(tmp_path, TREE)
    assert cli("baseline", "--update", tree).code == 0
    result = cli("audit", tree)
    assert result.code == 1
    assert "FIX pkg/compat.py:3  pkg.compat:OldEngineFactory" in result.out


def test_an_expired_shim_fails_and_says_what_to_do(tmp_path: Path, cli) -> None:
    tree = _tree(tmp_path, cli, expires="2000-01-01")
    result = cli("audit", tree)
    assert result.code == 1
    assert (
        "shim pkg.compat:OldEngineFactory expired: on 2000-01-01; remove the shim and move its users "
        "to pkg.factory:EngineFactory, or extend `expires` (with its reason) in review"
    ) in result.out
    assert "FIX pkg/compat.py:3" in result.out  # no longer covered


def test_a_vanished_shim_fails(tmp_path: Path, cli) -> None:
    tree = _tree(tmp_path, cli, **{"pkg/stubs.py": ""})
    result = cli("audit", tree)
    assert result.code == 1
    assert (
        "shim pkg.stubs:MakeEngineFactory vanished: pkg.stubs:MakeEngineFactory no longer exists in "
        "the tree; remove its declaration from [tool.ssot-harness.families.engine-factory] shims"
    ) in result.out


@pytest.mark.parametrize(
    "use",
    [
        "from pkg.stubs import MakeEngineFactory\n",
        'FACTORY = "pkg.stubs.MakeEngineFactory"  # as settings name it\n',
    ],
    ids=["import", "dotted-path-string"],
)
def test_a_shim_with_new_callers_fails_naming_them(tmp_path: Path, cli, use: str) -> None:
    tree = _tree(tmp_path, cli)
    (tree / "plugins" / "other.py").write_text(use)
    result = cli("audit", tree)
    assert result.code == 1
    assert "shim pkg.stubs:MakeEngineFactory grown callers: used by plugins.other" in result.out


@pytest.mark.parametrize("fmt", ["json", "markdown", "sarif"])
def test_every_report_lists_the_shims_separately(tmp_path: Path, cli, fmt: str) -> None:
    tree = _tree(tmp_path, cli)
    out = cli("audit", tree, "--format", fmt).out
    if fmt == "json":
        shims = json.loads(out)["families"][0]["shims"]
        assert [(s["member"], s["state"], s["expires"]) for s in shims] == [
            ("pkg.compat:OldEngineFactory", "live", "2999-12-31"),
            ("pkg.stubs:MakeEngineFactory", "live", "2999-12-31"),
        ]
    elif fmt == "markdown":
        assert "### shims of engine-factory" in out
        assert (
            "| `pkg.compat:OldEngineFactory` | 2999-12-31 | third-party plugins import it |" in out
        )
    else:
        jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(out))
        results = json.loads(out)["runs"][0]["results"]
        notes = [r for r in results if r["level"] == "note"]
        assert len(notes) == 3 and all(
            "declared shim until 2999-12-31" in r["message"]["text"] for r in notes
        )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('member = "pkg.compat:X"\nreason = "r"', "shims #1: missing key 'expires'"),
        ('member = "pkg.compat:X"\nreason = "r"\nexpires = "soon"', "shims #1 expires: 'soon' is not a date"),
        ('member = "pkg.compat:X"\nreason = ""\nexpires = 2030-01-01', "shims #1 reason: say why"),
        ('member = "X"\nreason = "r"\nexpires = 2030-01-01', "shims #1 member: 'X' is not of the form"),
        ('member = "a:X"\nreason = "r"\nexpires = 2030-01-01\nuntil = 1', "shims #1: unknown key 'until'"),
        ('member = "a:X"\nreason = "r"\nexpires = 2030-01-01\ncallers = ["a b"]', "is not a dotted module"),
    ],
)  # fmt: skip
def test_a_malformed_shim_is_a_config_error_naming_the_key(
    tmp_path: Path, cli, table: str, message: str
) -> None:
    tree = plant(
        tmp_path, TREE, extra=f"\n[[tool.ssot-harness.families.engine-factory.shims]]\n{table}\n"
    )
    result = cli("audit", tree)
    assert result.code == 2
    assert "[tool.ssot-harness.families.engine-factory] shims #1" in result.err
    assert message in result.err


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sarif"])
def test_narrowing_to_a_path_outside_every_shim_reports_without_its_places(
    tmp_path: Path, cli, fmt: str
) -> None:
    """`audit plugins --format sarif` listed the live shims' places outside PATH, then failed
    with a KeyError on them (their shims were dropped as outside PATH): now no format lists them."""
    tree = _tree(tmp_path, cli)
    (tree / "other").mkdir()
    (tree / "other" / "__init__.py").write_text("", encoding="utf-8")
    result = cli("audit", tree / "other", "--format", fmt)
    assert result.code == 0, result.out + result.err
    assert "Traceback" not in result.err
    assert "pkg/stubs.py" not in result.out and "pkg/compat.py" not in result.out
    narrowed = cli("audit", tree / "plugins", "--format", fmt)
    assert narrowed.code == 0, narrowed.out + narrowed.err
    assert "plugins/user.py" in narrowed.out and "pkg/stubs.py" not in narrowed.out


# --- judge_shims on findings directly: the expiry boundary, the messages, what a live shim covers ---

OLD = "pkg.compat:OldEngineFactory"


def _finding(kind: str, site: str, line: int = 1, member: str = OLD) -> Finding:
    path = site.replace(".", "/") + ".py"
    return Finding("engine-factory", path, line, kind, member, False, site=site)


def _family(*shims: Shim) -> Family:
    return Family("engine-factory", MemberRef.parse("pkg.factory:EngineFactory"), stage="pinned", shims=shims)


def _shim(callers: tuple[str, ...] = ("plugins.user",), expires: date = date(2030, 6, 30)) -> Shim:
    return Shim(MemberRef.parse(OLD), "third-party plugins import it", expires, callers)


OWN = _finding("alias", "pkg.compat", 3)
USE = _finding("import", "plugins.user")


def test_a_shim_lives_through_its_expiry_day_and_expires_the_day_after() -> None:
    ((status,), covered) = judge_shims(_family(_shim()), [OWN, USE], date(2030, 6, 30))
    assert (status.state, status.problem, covered) == ("live", "", frozenset({OWN, USE}))
    ((status,), covered) = judge_shims(_family(_shim()), [OWN, USE], date(2030, 7, 1))
    assert status.state == "expired" and covered == frozenset()
    assert status.problem == (
        "expired: on 2030-06-30; remove the shim and move its users to pkg.factory:EngineFactory, "
        "or extend `expires` (with its reason) in review"
    )


def test_grown_callers_are_each_named_once_in_order() -> None:
    uses = [USE, _finding("import", "tools.zed"), _finding("import", "tools.abe"), _finding("reference", "tools.zed", 9)]
    ((status,), covered) = judge_shims(_family(_shim()), [OWN, *uses], date(2030, 1, 1))
    assert status.problem == (
        "grown callers: used by tools.abe, tools.zed, beyond the declared callers; move them to "
        "pkg.factory:EngineFactory, or add them to the shim's `callers` in review"
    )
    assert status.places == (OWN, USE) and covered == frozenset()  # a shim with a problem covers nothing


def test_a_live_shim_describes_itself_and_a_failing_one_says_why() -> None:
    live = ShimStatus(_shim(callers=("plugins.user", "tools.cli")), ())
    assert live.describe() == (
        f"{OLD} until 2030-06-30 (third-party plugins import it; callers: plugins.user, tools.cli)"
    )
    assert ShimStatus(_shim(callers=()), (), "vanished: gone").describe() == (
        f"{OLD} until 2030-06-30 (third-party plugins import it; callers: none in the tree): vanished: gone"
    )
