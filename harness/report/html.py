"""One self-contained HTML page of a verify run: per family the audit verdict and fix-its, the
equivalence matrix as a coloured grid whose cells open their minimal scenario and diff, the shims
with days to expiry, the plan's next steps; the burndown and the golden-path snapshots. No external
asset, no network; readable without JavaScript (a small script only adds filtering); the same
data gives the same bytes."""

from __future__ import annotations

import re
from html import escape
from typing import Any

OUTCOMES = {  # outcome -> (label, class)
    "pass": ("pass", "o-pass"),
    "fail": ("FAIL", "o-fail"),
    "xfail": ("accepted divergence", "o-xfail"),
    "fixed": ("stale declaration", "o-fixed"),
    "skip": ("skipped", "o-skip"),
}

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d1d1f;background:#f6f7f9}
header{background:#20262e;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#c9d1d9}main{padding:8px 24px 40px}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:8px}
nav a{display:inline-block;padding:4px 10px;border-radius:12px;background:#e6e9ee;color:#1d1d1f;text-decoration:none}
section.family{background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:4px 18px 14px;margin:16px 0}
h2{font-size:18px;margin:12px 0 4px}h3{font-size:15px;margin:14px 0 6px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;vertical-align:middle}
.ok{background:#d5f5dd;color:#125c26}.bad{background:#fde0e0;color:#8a1010}
table{border-collapse:collapse}th,td{border:1px solid #d8dde3;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5;font-weight:600}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
table.grid td.cell{padding:0;min-width:56px}
table.grid th.contract{font:11px ui-monospace,monospace;max-width:96px;vertical-align:bottom}
details:target>summary{outline:3px solid #0969da}
td.cell details{position:relative}td.cell summary{padding:4px 8px;cursor:pointer;list-style:none;font-weight:600}
td.cell summary::-webkit-details-marker{display:none}
td.cell .pop{position:absolute;z-index:5;left:0;top:100%;width:min(72vw,760px);background:#fff;border:1px solid #8b949e;
box-shadow:0 6px 18px rgba(0,0,0,.18);padding:8px 12px;font-weight:400}
.o-pass{background:#c9f0d2}.o-fail{background:#f7b9b9}.o-xfail{background:#fde5a8}.o-fixed{background:#e2c8f5}
.o-skip{background:#e4e6ea}.o-none{background:#fafafa;color:#999}
pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:8px;overflow:auto;max-height:360px;font-size:12px;white-space:pre-wrap}
.legend span{display:inline-block;padding:1px 8px;margin-right:6px;border-radius:3px;font-size:12px}
.filters{margin:10px 0;padding:8px 12px;background:#fff;border:1px solid #d8dde3;border-radius:6px}
.muted{color:#57606a}ul.tight{margin:4px 0;padding-left:20px}
"""

SCRIPT = """
(function(){
  var bar=document.getElementById('filters');bar.hidden=false;
  var text=document.getElementById('filter-text'),only=document.getElementById('filter-problems');
  function apply(){
    var q=text.value.toLowerCase();
    document.querySelectorAll('tr[data-member]').forEach(function(row){
      var hit=row.getAttribute('data-member').toLowerCase().indexOf(q)>=0;
      var bad=row.getAttribute('data-problem')==='1';
      row.hidden=!(hit&&(!only.checked||bad));
    });
    document.querySelectorAll('section.family').forEach(function(sec){
      sec.hidden=only.checked&&sec.getAttribute('data-problem')!=='1';
    });
  }
  text.addEventListener('input',apply);only.addEventListener('change',apply);
})();
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def slug(*parts: str) -> str:
    return "-".join(re.sub(r"[^A-Za-z0-9_.-]+", "_", p) for p in parts)


def _cell(family: str, member: str, contract: str, cell: dict[str, Any] | None) -> str:
    if cell is None:
        return '<td class="cell o-none" title="not run">—</td>'
    label, cls = OUTCOMES.get(cell["outcome"], (cell["outcome"], "o-skip"))
    body = [
        f"<p><b>{_e(member)}</b> × <code>{_e(contract)}</code>: {_e(label)}, cases {_e(cell['cases'])}</p>"
    ]
    if cell["reason"]:
        body.append(f"<p>{_e(cell['reason'])}</p>")
    if cell["failing_cases"]:
        body.append(f"<p>cases: {_e(', '.join(cell['failing_cases']))}</p>")
    if cell["detail"]:
        body.append(f'<pre class="diff">{_e(cell["detail"])}</pre>')
    short = label if cell["outcome"] != "xfail" else "xfail"
    return (
        f'<td class="cell {cls}" data-outcome="{_e(cell["outcome"])}">'
        f'<details id="{_e(slug("cell", family, member, contract))}"><summary>{_e(short)}</summary>'
        f'<div class="pop">{"".join(body)}</div></details></td>'
    )


def _matrix(fam: dict[str, Any]) -> list[str]:
    m = fam["matrix"]
    if not m["cells"]:
        return ['<p class="muted">No contract of this family ran.</p>']
    out = ['<table class="grid"><thead><tr><th>member</th>']
    out += [
        f'<th class="contract" title="{_e(c)}">{_e(c).replace("_", "_<wbr>")}</th>'
        for c in m["contracts"]
    ]
    out.append("</tr></thead><tbody>")
    for member in m["members"]:
        row = [m["cells"].get((member, c)) for c in m["contracts"]]
        problem = any(c is not None and c["outcome"] in ("fail", "fixed") for c in row)
        out.append(
            f'<tr data-member="{_e(member)}" data-problem="{int(problem)}"><th>{_e(member)}</th>'
        )
        out += [
            _cell(fam["name"], member, c, cell) for c, cell in zip(m["contracts"], row, strict=True)
        ]
        out.append("</tr>")
    out.append("</tbody></table>")
    notes = [
        (member, contract, v)
        for (member, contract), v in sorted(m["cells"].items())
        if v["outcome"] in ("xfail", "fail", "fixed")
    ]
    if notes:
        out.append('<h3>Divergences and failures</h3><ul class="tight divergences">')
        for member, contract, v in notes:
            label = OUTCOMES[v["outcome"]][0]
            said = v["reason"].removeprefix("accepted divergence: ")
            reason = f" — {_e(said)}" if said else ""
            cases = f" (cases: {_e(', '.join(v['failing_cases']))})" if v["failing_cases"] else ""
            out.append(
                f'<li class="divergence"><a href="#{_e(slug("cell", fam["name"], member, contract))}">'
                f"<b>{_e(member)}</b> × <code>{_e(contract)}</code></a>: {_e(label)}{cases}{reason}</li>"
            )
        out.append("</ul>")
    return out


def _audit(fam: dict[str, Any]) -> list[str]:
    out = ["<h3>Audit</h3>", f"<p>{_e(fam['verdict'])}</p>"]
    out.append(
        '<p>Members: ' + ", ".join(
            f'<code class="member">{_e(m)}</code>' + (" (canonical)" if m == fam["canonical"] else "")
            for m in fam["members"]
        ) + "</p>"
    )  # fmt: skip
    places = [f for f in fam["findings"] if not f["canonical"]]
    if not places:
        return [*out, '<p class="muted">No non-canonical place.</p>']
    out.append(
        f"<details><summary>{len(places)} non-canonical place{'s' * (len(places) != 1)}, each with its fix</summary>"
        "<table><thead><tr><th>where</th><th>kind</th><th>member</th><th>fix</th></tr></thead><tbody>"
    )
    for f in places:
        fix = "declared shim" if f["shim"] else f["fix"]
        out.append(
            f"<tr><td><code>{_e(f['path'])}:{f['line']}</code></td><td>{_e(f['kind'])}</td>"
            f"<td><code>{_e(f['member'])}</code></td><td>{_e(fix)}</td></tr>"
        )
    out.append("</tbody></table></details>")
    return out


def _days(days: int) -> str:
    if days < 0:
        return f"expired {-days} day{'s' * (days != -1)} ago"
    return "expires today" if days == 0 else f"{days} day{'s' * (days != 1)} left"


def _shims(fam: dict[str, Any]) -> list[str]:
    if not fam["shims"]:
        return []
    out = [
        "<h3>Shims</h3><table><thead><tr><th>shim</th><th>expires</th><th>days</th><th>reason</th>"
        "<th>state</th></tr></thead><tbody>"
    ]
    for s in sorted(fam["shims"], key=lambda s: (s["days"], s["member"])):
        cls = "bad" if s["problem"] or s["days"] < 0 else "ok"
        out.append(
            f"<tr><td><code>{_e(s['member'])}</code></td><td>{_e(s['expires'])}</td>"
            f'<td><span class="badge {cls}">{_e(_days(s["days"]))}</span></td><td>{_e(s["reason"])}</td>'
            f"<td>{_e(s['problem'] or s['state'])}</td></tr>"
        )
    out.append("</tbody></table>")
    return out


def _plan(fam: dict[str, Any]) -> list[str]:
    steps = fam["plan"]
    if not steps:
        return []
    out = ['<h3>Next steps</h3><ol class="plan">']
    for s in steps:
        if s["action"] == "move":
            how = f"<code>{_e(s['codemod'])}</code>" if s["codemod"] else "by hand"
            fix = s["divergences_to_fix_first"]
            first = (
                " — fix first: "
                + "; ".join(f"<code>{_e(d['contract'])}</code> ({_e(d['reason'])})" for d in fix)
                if fix
                else ""
            )
            out.append(
                f"<li>Move the {len(s['callers'])} caller{'s' * (len(s['callers']) != 1)} of "
                f"<code>{_e(s['member'])}</code> ({_e(s['kind'])}; {_e(s['move'])}): {how}{first}</li>"
            )
        elif s["action"] == "delete":
            where = s["divergences_file"]
            out.append(f"<li>Delete the {len(s['members'])} non-canonical members"
                       + (f" and their declarations in <code>{_e(where)}</code>" if where else "")
                       + "</li>")  # fmt: skip
        else:
            out.append(
                "<li>Pin: " + "; ".join(f"<code>{_e(c)}</code>" for c in s["commands"]) + "</li>"
            )
    out.append("</ol>")
    return out


def _golden(tests: list[dict[str, Any]]) -> list[str]:
    out = ['<section id="golden-path"><h2>Golden-path snapshots</h2>']
    if not tests:
        return [*out, '<p class="muted">No golden-path test ran.</p></section>']
    passed = sum(t["outcome"] == "pass" for t in tests)
    out.append(f"<p>{passed} of {len(tests)} golden-path tests match their snapshots.</p>")
    out.append("<table><thead><tr><th>test</th><th>outcome</th></tr></thead><tbody>")
    for t in tests:
        cls = {"pass": "o-pass", "skip": "o-skip"}.get(t["outcome"], "o-fail")
        msg = f"<br><small>{_e(t['message'])}</small>" if t["message"] else ""
        out.append(
            f'<tr><td><code>{_e(t["id"])}</code>{msg}</td><td class="{cls}">{_e(t["outcome"])}</td></tr>'
        )
    out.append("</tbody></table></section>")
    return out


def render(page: dict[str, Any]) -> str:
    problems = page["problems"]
    verdict = (
        '<span class="badge bad">FAILED</span> ' + _e("; ".join(problems))
        if problems
        else '<span class="badge ok">OK</span> everything passed; every divergence is an accepted, declared one'
    )
    merged = f", merged from {page['merged']} shards" if page["merged"] else ""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>ssot-harness verify</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<header><h1>ssot-harness verify</h1><p>{_e(page['date'])}{_e(merged)} · ssot-harness {_e(page['version'])}</p></header>",
        "<main>",
        f'<p id="verdict">{verdict}</p>',
        '<nav><ul>' + "".join(
            f'<li><a href="#{_e(slug("family", f["name"]))}">{_e(f["name"])}</a></li>' for f in page["families"]
        ) + '<li><a href="#golden-path">golden path</a></li></ul></nav>',
        '<div class="filters" id="filters" hidden><label>member <input id="filter-text" type="search" '
        'placeholder="filter members"></label> <label><input id="filter-problems" type="checkbox"> only failures</label></div>',
        '<p class="legend">' + "".join(
            f'<span class="{cls}">{_e(label)}</span>' for label, cls in OUTCOMES.values()
        ) + '<span class="o-none">not run</span></p>',
    ]  # fmt: skip
    for fam in page["families"]:
        bad = fam["failed"] or any(
            v["outcome"] in ("fail", "fixed") for v in fam["matrix"]["cells"].values()
        )
        badge = (
            '<span class="badge bad">failed</span>' if bad else '<span class="badge ok">ok</span>'
        )
        out.append(
            f'<section class="family" id="{_e(slug("family", fam["name"]))}" data-problem="{int(bad)}">'
            f'<h2>{_e(fam["name"])} {badge}</h2><p class="muted">stage {_e(fam["stage"])} · canonical '
            f"<code>{_e(fam['canonical'])}</code></p>"
        )
        out += [
            "<h3>Equivalence matrix</h3>",
            *_matrix(fam),
            *_audit(fam),
            *_shims(fam),
            *_plan(fam),
        ]
        out.append("</section>")
    if page["burndown"]:
        out.append(
            f'<section id="burndown"><h2>Burndown</h2><p>{_e(page["history"])}</p>{page["burndown"]}</section>'
        )
    out += _golden(page["golden"])
    if page["stale"]:
        out.append(
            "<h2>Stale declarations</h2><ul>"
            + "".join(f"<li>{_e(s)}</li>" for s in page["stale"])
            + "</ul>"
        )
    out += ["</main>", f"<script>{SCRIPT}</script>", "</body></html>", ""]
    return "\n".join(out)
