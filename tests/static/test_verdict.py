"""A family's verdict line, built from its parts in process: the counts said right (one member, two
members), each reason to fail in its order of precedence, and each way to pass, word for word."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.model import Family, Finding, KnownUnparseable, MemberRef, Shim
from harness.pin.audit import AuditReport, FamilyAudit
from harness.pin.baseline import Change, FamilyBaseline, Judgement
from harness.pin.shims import ShimStatus
from harness.pin.unparsed import Unparsed, UnparsedJudgement
from harness.scan.skip import Skipped

CANONICAL = MemberRef.parse("pkg.factory:EngineFactory")


def _family(stage: str = "prove") -> Family:
    return Family("engine", CANONICAL, stage=stage)  # type: ignore[arg-type]


def _place(member: str, kind: str = "definition", canonical: bool = False, line: int = 1) -> Finding:
    return Finding("engine", "pkg/x.py", line, kind, member, canonical)


CANON = _place("pkg.factory:EngineFactory", canonical=True)
OLD = _place("pkg.old:OldFactory", line=2)
ALIAS = _place("pkg.compat:Fast", kind="alias", line=3)
USE = _place("pkg.old:OldFactory", kind="import", line=4)
BASE = FamilyBaseline({"definition": 1})
SHIM = Shim(MemberRef.parse("pkg.compat:Fast"), "plugins", date(2999, 1, 1))
BROKEN = Unparsed(Skipped(Path("pkg/merged.py"), "syntax error at line 2: invalid syntax"))
DECLARED = Unparsed(Skipped(Path("pkg/tpl.py"), "syntax error at line 1: x"), KnownUnparseable("pkg/tpl.py", "a template"))


NOTHING, ALL_PARSED = Judgement(), UnparsedJudgement()


def _audit(
    *findings: Finding, stage: str = "prove", baseline: FamilyBaseline | None = BASE, judgement: Judgement = NOTHING,
    shims: tuple[ShimStatus, ...] = (), covered: frozenset[Finding] = frozenset(), unparsed: UnparsedJudgement = ALL_PARSED,
) -> FamilyAudit:  # fmt: skip
    return FamilyAudit(_family(stage), findings, {}, baseline, judgement, shims, covered, unparsed)


@pytest.mark.parametrize(
    ("audit", "verdict"),
    [
        (_audit(CANON, OLD), "ok   engine [prove]: 2 members, 1 non-canonical place; within the baseline"),
        (_audit(CANON, OLD, ALIAS, USE),
         "ok   engine [prove]: 3 members, 3 non-canonical places; within the baseline"),
        (_audit(CANON), "ok   engine [prove]: 1 member, 0 non-canonical places; within the baseline"),
        (_audit(CANON, OLD, baseline=None),
         "FAIL engine [prove]: 2 members, 1 non-canonical place; not in the baseline yet "
         "(run `ssot-harness baseline --update`)"),
        (_audit(CANON, OLD, judgement=Judgement(rises=(Change("engine", "import", 1, 2), Change("engine", "alias", 0, 1)))),
         "FAIL engine [prove]: 2 members, 1 non-canonical place; rose above the baseline: import 1 -> 2, "
         "alias 0 -> 1 (use pkg.factory:EngineFactory instead; `baseline --update` only ever removes entries)"),
        (_audit(CANON, OLD, judgement=Judgement(added=("definition a:B", "definition a:C"))),
         "FAIL engine [prove]: 2 members, 1 non-canonical place; new places not in the baseline: added "
         "definition a:B; added definition a:C (use pkg.factory:EngineFactory instead; `baseline --update` "
         "only ever removes entries)"),
        (_audit(CANON, OLD, judgement=Judgement(added=("definition a:B",), removed=("definition a:A", "alias a:Z"))),
         "FAIL engine [prove]: 2 members, 1 non-canonical place; new places not in the baseline: added "
         "definition a:B, removed definition a:A; removed alias a:Z (use pkg.factory:EngineFactory instead; "
         "`baseline --update` only ever removes entries)"),
        (_audit(CANON, OLD, judgement=Judgement(rises=(Change("engine", "import", 1, 2),), removed=("alias a:Z",))),
         "FAIL engine [prove]: 2 members, 1 non-canonical place; rose above the baseline: import 1 -> 2 "
         "(use pkg.factory:EngineFactory instead; `baseline --update` only ever removes entries)"),
        (_audit(CANON, OLD, judgement=Judgement(drops=(Change("engine", "import", 3, 1), Change("engine", "alias", 1, 0)))),
         "ok   engine [prove]: 2 members, 1 non-canonical place; below the baseline (import 3 -> 1, alias 1 -> 0): "
         "tighten it with `ssot-harness baseline --update`"),
        (_audit(CANON, OLD, judgement=Judgement(removed=("definition a:A", "alias a:Z"))),
         "ok   engine [prove]: 2 members, 1 non-canonical place; below the baseline (removed definition a:A; "
         "removed alias a:Z): tighten it with `ssot-harness baseline --update`"),
        (_audit(CANON, stage="pinned", baseline=None),
         "ok   engine [pinned]: 1 member, 0 non-canonical places; pinned to pkg.factory:EngineFactory: only "
         "the canonical and live shims remain"),
        (_audit(CANON, OLD, stage="pinned", baseline=None),
         "FAIL engine [pinned]: 2 members, 1 non-canonical place; pinned to pkg.factory:EngineFactory, so "
         "only the canonical may remain"),
        (_audit(CANON, ALIAS, stage="pinned", shims=(ShimStatus(SHIM, (ALIAS,)),), covered=frozenset({ALIAS})),
         "ok   engine [pinned]: 2 members, 0 non-canonical places, 1 live declared shim; pinned to "
         "pkg.factory:EngineFactory: only the canonical and live shims remain"),
        (_audit(CANON, ALIAS, stage="pinned", shims=(ShimStatus(SHIM, (ALIAS,)), ShimStatus(SHIM, (ALIAS,))),
                covered=frozenset({ALIAS})),
         "ok   engine [pinned]: 2 members, 0 non-canonical places, 2 live declared shims; pinned to "
         "pkg.factory:EngineFactory: only the canonical and live shims remain"),
        (_audit(CANON, ALIAS, stage="pinned", shims=(ShimStatus(SHIM, (ALIAS,), "expired: on 2020-01-01"),
                                                     ShimStatus(SHIM, (), "vanished: gone"))),
         "FAIL engine [pinned]: 2 members, 1 non-canonical place; shim pkg.compat:Fast expired: on 2020-01-01; "
         "shim pkg.compat:Fast vanished: gone"),
        (_audit(CANON, unparsed=UnparsedJudgement(unaccepted=(BROKEN,))),
         "ok   engine [prove]: 1 member, 0 non-canonical places, warning: 1 candidate file could not be "
         "parsed not counted (pkg/merged.py:2: syntax error at line 2: invalid syntax); within the baseline"),
        (_audit(CANON, unparsed=UnparsedJudgement(unaccepted=(BROKEN, BROKEN))),
         "ok   engine [prove]: 1 member, 0 non-canonical places, warning: 2 candidate files could not be "
         "parsed not counted (pkg/merged.py:2: syntax error at line 2: invalid syntax; pkg/merged.py:2: "
         "syntax error at line 2: invalid syntax); within the baseline"),
        (_audit(CANON, stage="pinned", unparsed=UnparsedJudgement(unaccepted=(BROKEN,))),
         "FAIL engine [pinned]: 1 member, 0 non-canonical places; 1 candidate file could not be parsed, so the "
         "pin cannot see what it holds: pkg/merged.py:2: syntax error at line 2: invalid syntax (fix the file, "
         "or declare it in [[tool.ssot-harness.families.engine.unparseable]] with path and reason)"),
        (_audit(CANON, stage="pinned", unparsed=UnparsedJudgement(unaccepted=(BROKEN, BROKEN))),
         "FAIL engine [pinned]: 1 member, 0 non-canonical places; 2 candidate files could not be parsed, so the "
         "pin cannot see what they hold: pkg/merged.py:2: syntax error at line 2: invalid syntax; "
         "pkg/merged.py:2: syntax error at line 2: invalid syntax (fix the file, or declare it in "
         "[[tool.ssot-harness.families.engine.unparseable]] with path and reason)"),
        (_audit(CANON, stage="pinned", unparsed=UnparsedJudgement(accepted=(DECLARED, DECLARED))),
         "ok   engine [pinned]: 1 member, 0 non-canonical places, 2 declared unparseable files; pinned to "
         "pkg.factory:EngineFactory: only the canonical and live shims remain"),
        (_audit(CANON, stage="pinned", unparsed=UnparsedJudgement(accepted=(DECLARED,), problems=("stale: pkg/tpl.py parses",))),
         "FAIL engine [pinned]: 1 member, 0 non-canonical places, 1 declared unparseable file; stale: pkg/tpl.py parses"),
    ],
)  # fmt: skip
def test_the_verdict_says_exactly_why(audit: FamilyAudit, verdict: str) -> None:
    audit = replace(audit)  # built at collection: a copy computes its verdict here, in this test
    assert audit.verdict == verdict
    assert audit.failed == verdict.startswith("FAIL")


def test_the_members_are_what_is_defined_or_aliased_sorted_once() -> None:
    audit = _audit(USE, ALIAS, OLD, CANON, _place("pkg.old:OldFactory", line=9))
    assert audit.members == ("pkg.compat:Fast", "pkg.factory:EngineFactory", "pkg.old:OldFactory")
    assert audit.offenders == (USE, ALIAS, OLD, _place("pkg.old:OldFactory", line=9))


def test_the_report_fails_when_a_family_fails_and_names_its_families() -> None:
    ok, bad = _audit(CANON), _audit(CANON, OLD, baseline=None)
    assert not AuditReport((ok,), (), 3, "b.json").failed
    assert AuditReport((ok, bad), (), 3, "b.json").failed
    other = FamilyAudit(Family("cache", CANONICAL), (), {}, None)
    report = AuditReport((ok, other), (), 3, "b.json")
    assert report.family("engine") is ok and report.family("cache") is other
    with pytest.raises(ConfigError) as caught:
        report.family("motor")
    assert str(caught.value) == "no family named 'motor' in [tool.ssot-harness.families] (known: engine, cache)"
    with pytest.raises(ConfigError, match=r"\(known: none\)"):
        AuditReport((), (), 0, "b.json").family("engine")
