"""Human text: per family its findings grouped by kind, a one-line verdict, then every skipped file."""

from __future__ import annotations

from harness.model import KINDS, Finding
from harness.pin.audit import AuditReport

_PLURAL = {
    "definition": "definitions",
    "alias": "aliases",
    "reexport": "re-exports",
    "import": "import sites",
    "reference": "references",
}


def render(report: AuditReport) -> str:
    lines = [
        f"ssot-harness audit: {len(report.families)} famil{'ies' if len(report.families) != 1 else 'y'}, "
        f"{report.files_walked} files walked, "
        f"baseline {report.baseline_path}",
    ]
    for fa in report.families:
        fam = fa.family
        lines += ["", f"{fam.name} [{fam.stage}]  canonical {fam.canonical}"]
        if fam.description:
            lines.append(f"  {fam.description}")
        canonical = fam.canonical.id
        members = [m + " (canonical)" if m == canonical else m for m in fa.members]
        lines.append(f"  members: {', '.join(members) or 'none found'}")
        groups: dict[str, list[Finding]] = {kind: [] for kind in KINDS}
        for f in fa.findings:  # one pass; a kind outside KINDS is not listed
            group = groups.get(f.kind)
            if group is not None:
                group.append(f)
        covered = fa.covered
        for kind, group in groups.items():
            if not group:
                continue
            old = "" if fa.baseline is None else f", baseline {fa.baseline.counts.get(kind, 0)}"
            lines.append(f"  {_PLURAL[kind]}: {fa.counts[kind]} non-canonical of {len(group)}{old}")
            for f in group:
                if f.canonical:
                    lines.append(f"    ok  {f.path}:{f.line}  {f.member}  ({f.detail})")
                elif covered and f in covered:
                    lines.append(f"    SHIM {f.path}:{f.line}  {f.member}  ({f.detail})")
                else:
                    lines.append(f"    FIX {f.path}:{f.line}  {f.member}  ({f.detail})  -> {f.fix}")
        if fam.shims:
            lines.append(f"  shims: {len(fam.shims)} declared")
            for status in fa.shims:
                lines.append(f"    {status.state:<7} {status.describe()}")
                lines += [
                    f"            {f.location}  {f.kind}  ({f.detail})" for f in status.places
                ]
        lines.append(f"  verdict: {fa.verdict}")
    lines += ["", f"skipped ({len(report.skipped)} file{'s' * (len(report.skipped) != 1)}):"]
    lines += [f"  {s.path.as_posix()}: {s.reason}" for s in report.skipped] or ["  none"]
    failed = [fa.family.name for fa in report.families if fa.failed]
    lines += [
        "",
        f"FAILED: {', '.join(failed)}"
        if failed
        else "OK: every family within its stage and baseline",
    ]
    return "\n".join(lines) + "\n"
