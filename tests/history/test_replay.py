"""The replay over the scripted shop history: counts per commit, rises and falls, cost, agreement with the audit."""

from __future__ import annotations

import subprocess
from pathlib import Path

from harness.config import load_config
from harness.history.history_cli import collect
from harness.history.render import History
from harness.pin.audit import audit, scan_for
from tests.history.conftest import Scripted

STEPS = ["start", "legacy", "refunds", "half", "docs", "regress", "done", "pinned"]


def members(history: History, family: str) -> list[int | None]:
    out = []
    for p in history.points:
        fp = p.family(family)
        out.append(None if fp is None else fp.members)
    return out


def test_counts_per_commit_follow_the_story(scripted: Scripted) -> None:
    history, _ = collect(scripted.root)
    assert [p.commit.oid for p in history.points] == [scripted.ids[s] for s in STEPS]
    assert members(history, "payment-factory") == [1, 2, 4, 3, 3, 4, 1, 1]
    # declared at "refunds": it starts there, and its first measurement is not a rise
    assert members(history, "notifier") == [None, None, 2, 2, 2, 2, 1, 1]
    legacy = history.points[1].family("payment-factory")
    assert legacy is not None
    assert (legacy.definitions, legacy.aliases, legacy.imports) == (1, 0, 1)
    refunds = history.points[2].family("payment-factory")
    assert refunds is not None and (refunds.definitions, refunds.aliases) == (2, 1)
    assert history.families == ("payment-factory", "notifier")


def test_rises_name_the_commit_and_the_members_that_appeared(scripted: Scripted) -> None:
    history, _ = collect(scripted.root)
    rises = [(p.commit.oid, m.family, [str(x) for x in m.appeared]) for p, m in history.rises]
    assert rises == [
        (
            scripted.ids["legacy"],
            "payment-factory",
            [
                "shop/checkout.py:1 import shop.legacy:LegacyPaymentFactory",
                "shop/legacy.py:1 definition shop.legacy:LegacyPaymentFactory",
            ],
        ),
        (
            scripted.ids["refunds"],
            "payment-factory",
            [
                "shop/refunds.py:1 definition shop.refunds:QuickPaymentFactory",
                "shop/refunds.py:6 alias shop.refunds:FastPaymentFactory",
            ],
        ),
        (
            scripted.ids["regress"],
            "payment-factory",
            ["shop/batch.py:4 definition shop.batch:BatchPaymentFactory"],
        ),
    ]


def test_falls_name_what_went_away(scripted: Scripted) -> None:
    history, _ = collect(scripted.root)
    falls = {(p.commit.oid, m.family): [str(x) for x in m.went] for p, m in history.falls}
    assert falls[(scripted.ids["half"], "payment-factory")] == [
        "shop/checkout.py:1 import shop.legacy:LegacyPaymentFactory",
        "shop/legacy.py:1 definition shop.legacy:LegacyPaymentFactory",
    ]
    assert falls[(scripted.ids["done"], "notifier")] == [
        "shop/notify.py:5 definition shop.notify:EmailNotifier"
    ]
    assert len(falls) == 3  # half (payment), done (payment and notifier)
    assert not history.points[4].movements  # "Tidy the cart" moves nothing


def test_only_changed_blobs_are_read_and_only_candidates_parsed(scripted: Scripted) -> None:
    _, stats = collect(scripted.root, record_parses=True)
    by_commit: dict[str, list[str]] = {s: [] for s in STEPS}
    step_of = {v: k for k, v in scripted.ids.items()}
    for oid, rel in stats.parsed:
        by_commit[step_of[oid]].append(rel)
    assert by_commit == {
        "start": ["shop/pay.py"],
        "legacy": ["shop/checkout.py", "shop/legacy.py"],
        # the notifier family brings new needles: every file is looked at again, once
        "refunds": [
            "shop/checkout.py",
            "shop/legacy.py",
            "shop/notify.py",
            "shop/pay.py",
            "shop/refunds.py",
        ],
        "half": ["shop/checkout.py"],
        "docs": [],  # shop/cart.py changed but mentions no family: read, not parsed
        "regress": ["shop/batch.py"],
        "done": ["shop/notify.py", "shop/refunds.py"],
        "pinned": [],  # only the stage changed: nothing to read again
    }
    assert stats.parses == len(stats.parsed) == 12


def test_counts_equal_a_cold_audit_of_each_checked_out_commit(
    scripted: Scripted, tmp_path: Path
) -> None:
    history, _ = collect(scripted.root)
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", str(scripted.root), str(checkout)], check=True)
    for point in history.points:
        subprocess.run(["git", "checkout", "-q", point.commit.oid], cwd=checkout, check=True)
        config = load_config(checkout / "pyproject.toml")
        report = audit(config, scan_for(config, use_cache=False), None)
        for fa in report.families:
            fp = point.family(fa.family.name)
            assert fp is not None, (point.commit.subject, fa.family.name)
            imports = fa.counts["import"] + fa.counts["reexport"] + fa.counts["reference"]
            assert (fp.members, fp.definitions, fp.aliases, fp.imports) == (
                len(fa.members),
                fa.counts["definition"],
                fa.counts["alias"],
                imports,
            ), point.commit.subject
        assert {f.family for f in point.families} == {fa.family.name for fa in report.families}


def test_a_range_and_max_count_bound_the_replay(scripted: Scripted) -> None:
    history, _ = collect(scripted.root, f"{scripted.ids['half']}..HEAD")
    assert [p.commit.oid for p in history.points] == [scripted.ids[s] for s in STEPS[4:]]
    assert [p.commit.oid for p, _m in history.rises] == [scripted.ids["regress"]]
    newest, _ = collect(scripted.root, max_count=2)
    assert [p.commit.oid for p in newest.points] == [scripted.ids["done"], scripted.ids["pinned"]]
    assert not newest.rises and not newest.falls  # the first replayed commit is the starting point


def test_config_from_the_working_tree_for_every_commit(scripted: Scripted, tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text(
        '[tool.ssot-harness]\nroots = ["."]\n'
        '[tool.ssot-harness.families.notifier]\ncanonical = "shop.notify:Notifier"\nnames = ["*Notifier"]\n'
    )
    history, _ = collect(scripted.root, config=str(config))
    assert history.families == ("notifier",)
    # notify.py does not exist before "refunds": the canonical is missing there, reported per commit
    assert members(history, "notifier") == [None, None, 2, 2, 2, 2, 1, 1]
    assert "notifier not measured" in history.points[0].notes[0]
    assert "does not exist in the tree" in history.points[0].notes[0]


def test_first_parent_shows_a_merged_branch_rise_at_the_merge(tmp_path: Path) -> None:
    from tests.history.scripted import Git, pyproject

    g = Git(tmp_path / "repo")
    base = g.commit(
        "Start",
        {
            "pyproject.toml": pyproject(),
            "shop/__init__.py": "",
            "shop/pay.py": "class PaymentFactory:\n    pass\n",
        },
    )
    g.run("checkout", "-q", "-b", "feature")
    side = g.commit(
        "A side factory on a branch", {"shop/side.py": "class SidePaymentFactory:\n    pass\n"}
    )
    g.run("checkout", "-q", "main")
    g.commit("Unrelated work on main", {"shop/cart.py": "X = 1\n"})
    g.run("merge", "-q", "--no-ff", "-m", "Merge feature", "feature", when=1767225600 + 5 * 86400)
    merge = g.run("rev-parse", "HEAD")
    first, _ = collect(g.root)
    assert [p.commit.oid for p, _m in first.rises] == [merge]
    assert side not in [p.commit.oid for p in first.points]
    every, _ = collect(g.root, first_parent=False)
    assert side in [p.commit.oid for p in every.points] and base == every.points[0].commit.oid
    assert side in [p.commit.oid for p, _m in every.rises]  # where it really appeared
