"""Markdown of an audit, for a pull request comment or a job summary: a verdict table, then details."""

from __future__ import annotations

from harness.pin.audit import AuditReport


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(report: AuditReport) -> str:
    lines = [
        "# ssot-harness audit",
        "",
        "| family | stage | canonical | verdict |",
        "| --- | --- | --- | --- |",
    ]
    for fa in report.families:
        status = "❌" if fa.failed else "✅"
        lines.append(
            f"| {fa.family.name} | {fa.family.stage} | `{fa.family.canonical}` | {status} {_cell(fa.verdict)} |"
        )
    for fa in report.families:
        lines += [
            "",
            f"## {fa.family.name}",
            "",
            "| where | kind | member | canonical | fix |",
            "| --- | --- | --- | --- | --- |",
        ]
        for f in fa.findings:
            fix = "declared shim" if fa.covered and f in fa.covered else f.fix
            lines.append(
                f"| `{f.location}` | {f.kind} | `{f.member}` | {'yes' if f.canonical else 'no'} | {_cell(fix)} |"
            )
        if fa.shims:
            lines += [
                "",
                f"### shims of {fa.family.name}",
                "",
                "| shim | expires | reason | callers | state |",
                "| --- | --- | --- | --- | --- |",
            ]
            for st in fa.shims:
                state = "✅ live" if not st.problem else f"❌ {_cell(st.problem)}"
                lines.append(
                    f"| `{st.shim.member}` | {st.shim.expires.isoformat()} | {_cell(st.shim.reason)} "
                    f"| {', '.join(st.shim.callers) or 'none'} | {state} |"
                )
    lines += ["", f"## skipped ({len(report.skipped)})", ""]
    lines += [f"- `{s.path.as_posix()}`: {_cell(s.reason)}" for s in report.skipped] or ["none"]
    return "\n".join(lines) + "\n"
