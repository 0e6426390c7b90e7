"""What one pytest run did, test by test: id, file, line, the harness's markers, outcome; written as
`tests.json` beside the matrix (on the controller under xdist) for the page, the CI annotations and
shard merging. Inert where the project has no `[tool.ssot-harness]` or no `--ssot-reports`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from harness import pytest_session
from harness.scan.atomic import write_text_atomic

FILE = "tests.json"
MARKED = ("golden_path", "contract", "ssot", "staging")
_RANK = {"pass": 0, "skip": 1, "xfail": 2, "fail": 3, "error": 4}


class _Outcomes:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.tests: dict[str, dict[str, Any]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        outcome = _outcome(report)
        if outcome is None:
            return
        path, line, _ = report.location
        entry = self.tests.setdefault(
            report.nodeid,
            {
                "id": report.nodeid,
                "file": Path(path).as_posix(),
                "line": (line or 0) + 1,
                "markers": [m for m in MARKED if m in report.keywords],
                "outcome": "pass",
                "message": "",
            },
        )
        if _RANK[outcome] >= _RANK[entry["outcome"]]:
            entry["outcome"] = outcome
            if outcome in ("fail", "error"):
                entry["message"] = _message(report)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(self.config, "workerinput"):
            return
        folder = pytest_session.setting(self.config, "ssot_reports", None)
        if not folder:
            return
        out = pytest_session.project_path(self.config, folder)
        out.mkdir(parents=True, exist_ok=True)
        body = {"version": 1, "tests": [self.tests[k] for k in sorted(self.tests)]}
        write_text_atomic(out / FILE, json.dumps(body, indent=2, sort_keys=True) + "\n")


def _outcome(report: pytest.TestReport) -> str | None:
    if report.when == "call":
        if hasattr(report, "wasxfail"):
            return "xfail" if report.skipped else "pass"  # a non-strict xpass passed
        return "pass" if report.passed else "fail" if report.failed else "skip"
    if report.failed:
        return "error"
    if report.when == "setup" and report.skipped:
        return "skip"
    return None


def _message(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = str(crash.message) if crash is not None and crash.message else str(report.longrepr)
    return re.sub(r" at 0x[0-9a-f]+", "", (text.strip().splitlines() or [""])[0])[:500]


def pytest_configure(config: pytest.Config) -> None:
    if pytest_session.project_config(config) is not None:
        config.pluginmanager.register(_Outcomes(config), "ssot-harness-outcomes")
