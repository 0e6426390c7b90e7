"""Renderers: text, markdown, JSON, SARIF; each module has `render(report) -> str`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.pin.audit import AuditReport

FORMATS: dict[str, str] = {
    "text": "harness.report.text",
    "json": "harness.report.json_report",
    "markdown": "harness.report.markdown",
    "sarif": "harness.report.sarif",
}


def renderer(fmt: str) -> Callable[[AuditReport], str]:
    return importlib.import_module(FORMATS[fmt]).render
