"""GitHub Actions workflow commands (`::error file=…,line=…::…`) from verify's results: the audit's
places in failed families, and every failed test, so the job's page marks the lines."""

from __future__ import annotations

from typing import Any


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, file: str, line: int, title: str, message: str) -> str:
    return f"::{level} file={_prop(file)},line={line},title={_prop(title)}::{_data(message)}\n"


def render(results: dict[str, Any]) -> str:
    out = []
    for family in results["audit"]["families"]:
        if not family["failed"]:
            continue
        for f in family["findings"]:
            if f["canonical"] or f["shim"]:
                continue
            out.append(
                command(
                    "error",
                    f["path"],
                    f["line"],
                    f"ssot {family['name']}",
                    f"{f['kind']} of {f['member']} ({f['detail']}): {f['fix']}",
                )
            )
    for test in results["tests"]:
        if test["outcome"] in ("fail", "error"):
            out.append(
                command(
                    "error",
                    test["file"],
                    test["line"],
                    f"{test['outcome']}: {test['id']}",
                    test["message"] or test["id"],
                )
            )
    return "".join(out)
