"""SARIF 2.1.0 of an audit, as GitHub code scanning accepts it: one rule per family, one result per offender."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from harness import __version__
from harness.pin.audit import AuditReport
from harness.pin.membership import FINDING_ORDER
from harness.scan.index import gc_paused

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def as_data(report: AuditReport) -> dict[str, Any]:
    rules = []
    results = []
    for index, fa in enumerate(report.families):
        fam = fa.family
        level = "error" if fam.stage == "pinned" else "warning"
        rules.append(
            {
                "id": f"ssot/{fam.name}",
                "name": "".join(p.capitalize() for p in fam.name.replace("_", "-").split("-")),
                "shortDescription": {
                    "text": f"only {fam.canonical.qualname} should implement {fam.name}"
                },
                "fullDescription": {
                    "text": (fam.description or f"family {fam.name}")
                    + f"; canonical {fam.canonical} (stage {fam.stage})"
                },
                "help": {
                    "text": f"Use {fam.canonical} instead of the other members of {fam.name}."
                },
                "defaultConfiguration": {"level": level},
                "properties": {"tags": ["ssot", "maintainability"]},
            }
        )
        shim_of = {f: st for st in fa.shims for f in st.places}
        covered = fa.covered
        # the order of Finding, as a key compared in C (its generated __lt__ takes seconds)
        for f in sorted((*fa.offenders, *covered), key=FINDING_ORDER):
            fingerprint = hashlib.sha256(
                f"{f.family}|{f.path}|{f.kind}|{f.member}|{f.detail}".encode(
                    errors="surrogateescape"
                )
            ).hexdigest()
            text = f"{f.kind} of {f.member} ({f.detail}): {f.fix}"
            shim = bool(covered) and f in covered
            if shim:
                st = shim_of[f].shim
                text = f"{f.kind} of {f.member}: declared shim until {st.expires.isoformat()} ({st.reason})"
            results.append(
                {
                    "ruleId": f"ssot/{fam.name}",
                    "ruleIndex": index,
                    "level": "note" if shim else level,
                    "message": {"text": text},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                                "region": {"startLine": f.line},
                            }
                        }
                    ],
                    "partialFingerprints": {"ssotFinding/v1": fingerprint[:32]},
                }
            )
    notifications: list[dict[str, Any]] = [
        {
            "level": "error",
            "message": {"text": f"{fa.family.name}: shim {st.shim.member} {st.problem}"},
        }
        for fa in report.families
        for st in fa.shim_problems
    ]
    notifications += [
        {
            "level": "warning",
            "message": {"text": f"skipped: {s.reason}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": s.path.as_posix(), "uriBaseId": "%SRCROOT%"}
                    }
                }
            ],
        }
        for s in report.skipped
    ]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ssot-harness",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/ssot-harness/",
                        "rules": rules,
                    }
                },
                "invocations": [
                    {"executionSuccessful": True, "toolExecutionNotifications": notifications}
                ],
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def render(report: AuditReport) -> str:
    with gc_paused():  # a dict per finding, no cycles
        data = as_data(report)
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
