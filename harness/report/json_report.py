"""Machine-readable JSON of an audit: sorted keys, relative posix paths, no timestamps."""

from __future__ import annotations

import json
from typing import Any

from harness.pin.audit import AuditReport
from harness.scan.index import gc_paused


def as_data(report: AuditReport) -> dict[str, Any]:
    return {
        "version": 1,
        "failed": report.failed,
        "files_walked": report.files_walked,
        "baseline": report.baseline_path,
        "families": [
            {
                "name": fa.family.name,
                "stage": fa.family.stage,
                "canonical": fa.family.canonical.id,
                "failed": fa.failed,
                "verdict": fa.verdict,
                "members": list(fa.members),
                "counts": fa.counts,
                "baseline": None if fa.baseline is None else dict(fa.baseline.counts),
                "added": list(fa.added),
                "removed": list(fa.judgement.removed),
                "shims": [
                    {
                        "member": st.shim.member.id,
                        "reason": st.shim.reason,
                        "expires": st.shim.expires.isoformat(),
                        "callers": list(st.shim.callers),
                        "state": st.state,
                        "problem": st.problem,
                        "places": [f"{f.location} {f.kind}" for f in st.places],
                    }
                    for st in fa.shims
                ],
                "unparseable": [
                    {
                        "path": u.skipped.path.as_posix(),
                        "line": u.skipped.line,
                        "reason": u.skipped.reason,
                        "declared": None if u.declared is None else u.declared.reason,
                    }
                    for u in (*fa.unparsed.unaccepted, *fa.unparsed.accepted)
                ],
                "findings": [
                    {
                        "path": f.path,
                        "line": f.line,
                        "kind": f.kind,
                        "member": f.member,
                        "canonical": f.canonical,
                        "detail": f.detail,
                        "fix": f.fix,
                        "shim": bool(fa.covered) and f in fa.covered,
                    }
                    for f in fa.findings
                ],
            }
            for fa in report.families
        ],
        "skipped": [{"path": s.path.as_posix(), "reason": s.reason} for s in report.skipped],
    }


def render(report: AuditReport) -> str:
    with gc_paused():  # a dict per finding, no cycles
        data = as_data(report)
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
