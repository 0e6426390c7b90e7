"""The CI recipes in docs/ci/ and .pre-commit-hooks.yaml run real `ssot-harness` commands: every
command they show must parse with today's CLI (a renamed option would break users' CI)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from harness.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
RECIPES = [ROOT / ".pre-commit-hooks.yaml", *sorted((ROOT / "docs" / "ci").glob("*.yml"))]


def commands(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return re.findall(r"^\s*(?:-\s+)?(?:run|entry):\s*(ssot-harness [^#\n]*)", text, flags=re.MULTILINE)


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_every_ssot_harness_command_in_the_recipe_parses(path: Path) -> None:
    found = commands(path)
    assert found, f"{path.name} runs no ssot-harness command"
    for command in found:
        args = build_parser().parse_args(shlex.split(command)[1:])
        assert getattr(args, "run", None) is not None, command


def test_the_audit_recipe_uploads_the_sarif_file_it_writes() -> None:
    text = (ROOT / "docs" / "ci" / "ssot-audit.yml").read_text(encoding="utf-8")
    written = re.search(r"--output (\S+)", text)
    assert written and f"sarif_file: {written.group(1)}" in text
