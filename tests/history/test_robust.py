"""The replay on awkward real history: each problem is reported at its commit and the replay goes on."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness.history.history_cli import collect
from harness.history.points import CommitPoint
from harness.history.render import History
from tests.history.conftest import Scripted
from tests.history.scripted import Git, pyproject

Awkward = tuple[History, dict[str, str]]


def factory(name: str) -> str:
    return f"class {name}:\n    def create(self):\n        return '{name}'\n"


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> tuple[History, dict[str, str]]:
    g = Git(tmp_path_factory.mktemp("awkward") / "repo")
    ids = {}
    ids["no-canonical"] = g.commit(
        "Legacy code before the canonical exists",
        {
            "pyproject.toml": pyproject(),
            "shop/__init__.py": "",
            "shop/legacy.py": factory("LegacyPaymentFactory"),
        },
    )
    ids["canonical"] = g.commit("The canonical arrives", {"shop/pay.py": factory("PaymentFactory")})
    ids["broken"] = g.commit(
        "Broken config, and a factory slips in meanwhile",
        {
            "pyproject.toml": "[tool.ssot-harness\nroots = [",
            "shop/extra.py": factory("ExtraPaymentFactory"),
        },
    )
    ids["fixed"] = g.commit("Config fixed", {"pyproject.toml": pyproject()})
    ids["syntax"] = g.commit(
        "A file that does not parse",
        {
            "shop/bad.py": "class BadPaymentFactory(:\n    pass\n",
        },
    )
    sub = g.run("rev-parse", "HEAD")
    g.run("update-index", "--add", "--cacheinfo", f"160000,{sub},shop/vendor")
    g.run("commit", "-q", "-m", "Vendor a submodule", when=g.commits * 86400 + 1767225600)
    g.commits += 1
    ids["submodule"] = g.run("rev-parse", "HEAD")
    g.run("mv", "shop/legacy.py", "shop/old_legacy.py")
    ids["rename"] = g.commit("Rename the legacy module", {})
    ids["lost"] = g.commit(
        "A blob this clone will not have", {"shop/lost.py": factory("LostPaymentFactory")}
    )
    blob = g.run("rev-parse", "HEAD:shop/lost.py")
    (g.root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()  # as a partial clone would lack it
    history, _ = collect(g.root)
    return history, ids


def point(awkward: tuple[History, dict[str, str]], step: str) -> CommitPoint:
    history, ids = awkward
    return next(p for p in history.points if p.commit.oid == ids[step])


def test_every_commit_is_replayed(awkward: tuple[History, dict[str, str]]) -> None:
    history, ids = awkward
    assert [p.commit.oid for p in history.points] == list(ids.values())


def test_canonical_not_there_yet_is_reported_and_not_a_rise_when_it_arrives(
    awkward: Awkward,
) -> None:
    first = point(awkward, "no-canonical")
    assert first.families == ()
    assert any("payment-factory not measured" in n and "shop.pay" in n for n in first.notes)
    arrived = point(awkward, "canonical")
    fp = arrived.family("payment-factory")
    assert fp is not None and fp.members == 2 and not arrived.movements


def test_a_config_that_does_not_parse_is_reported_and_the_rise_it_hid_is_caught_after(
    awkward: Awkward,
) -> None:
    broken = point(awkward, "broken")
    assert broken.families == ()
    assert any("not valid TOML" in n and "pyproject.toml" in n for n in broken.notes)
    fixed = point(awkward, "fixed")
    [rise] = fixed.rises
    assert rise.before[0] == 2 and rise.after[0] == 3
    assert [str(x) for x in rise.appeared] == [
        "shop/extra.py:1 definition shop.extra:ExtraPaymentFactory"
    ]


def test_a_syntax_error_is_reported_at_its_commit(awkward: Awkward) -> None:
    notes = point(awkward, "syntax").notes
    assert any(n.startswith("shop/bad.py: syntax error at line 1") for n in notes)
    history, _ = awkward
    later = [n for p in history.points[5:] for n in p.notes]
    assert later and not any("syntax error" in n for n in later)  # once, where it appeared


def test_a_submodule_is_reported_not_scanned(awkward: Awkward) -> None:
    notes = point(awkward, "submodule").notes
    assert any(n.startswith("shop/vendor: submodule (gitlink to ") for n in notes)
    assert point(awkward, "submodule").family("payment-factory") is not None


def test_a_rename_is_reported_and_moves_the_member_without_a_rise(awkward: Awkward) -> None:
    renamed = point(awkward, "rename")
    assert "renamed shop/legacy.py -> shop/old_legacy.py" in renamed.notes
    [move] = renamed.movements
    assert move.kind == "change" and not renamed.rises
    assert [str(x) for x in move.appeared] == [
        "shop/old_legacy.py:1 definition shop.old_legacy:LegacyPaymentFactory"
    ]
    assert [str(x) for x in move.went] == [
        "shop/legacy.py:1 definition shop.legacy:LegacyPaymentFactory"
    ]


def test_a_missing_blob_is_reported_and_the_replay_goes_on(awkward: Awkward) -> None:
    lost = point(awkward, "lost")
    assert any(
        n.startswith("shop/lost.py: blob ") and "missing from this clone" in n for n in lost.notes
    )
    fp = lost.family("payment-factory")
    assert fp is not None and fp.members == 3  # measured without it


def test_a_shallow_clone_says_how_far_back_it_goes(scripted: Scripted, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "3", f"file://{scripted.root}", str(clone)], check=True
    )
    history, _ = collect(clone)
    assert [p.commit.oid for p in history.points] == [
        scripted.ids[s] for s in ("regress", "done", "pinned")
    ]
    [note] = history.notes
    assert note.startswith(
        f"shallow clone: history stops at {scripted.short('regress')} (2026-01-06)"
    )
    full, _ = collect(scripted.root)
    assert full.notes == ()


def test_a_stub_is_audited_only_while_no_py_sits_beside_it(tmp_path: Path) -> None:
    g = Git(tmp_path / "repo")
    g.commit(
        "A stub alone",
        {
            "pyproject.toml": pyproject(),
            "shop/__init__.py": "",
            "shop/pay.pyi": "class PaymentFactory: ...\nclass StubPaymentFactory: ...\n",
        },
    )
    g.commit("The module arrives beside it", {"shop/pay.py": factory("PaymentFactory")})
    g.commit("The module goes again", {"shop/pay.py": None})
    history, _ = collect(g.root)
    counts = [p.family("payment-factory") for p in history.points]
    assert [c.members if c else None for c in counts] == [2, 1, 2]
