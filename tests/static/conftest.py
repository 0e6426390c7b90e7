"""Fixtures of the static-audit tests: a fresh copy of a fixture tree per test, and the CLI in process."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "static"


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A private copy of tests/fixtures/static/shop (the audit writes its cache and baseline there)."""
    target = tmp_path / "shop"
    shutil.copytree(FIXTURES / "shop", target, symlinks=True)
    return target


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Outcome]:
    """Run `ssot-harness ARGS` in process; returns the exit code and what it printed."""

    def run(*args: str | Path) -> Outcome:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


def set_stage(tree: Path, family: str, stage: str) -> None:
    """Rewrite a family's stage in the tree's pyproject.toml (appending it when the family has none)."""
    pyproject = tree / "pyproject.toml"
    lines = pyproject.read_text().splitlines()
    header = f"[tool.ssot-harness.families.{family}]"
    start = lines.index(header)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    body = [line for line in lines[start + 1 : end] if not line.startswith("stage")]
    lines[start + 1 : end] = [f'stage = "{stage}"', *body]
    pyproject.write_text("\n".join(lines) + "\n")


PINNED = """\
[tool.ssot-harness]
{top}

[tool.ssot-harness.families.engine-factory]
canonical = "pkg.factory:EngineFactory"
names = [{names}]
stage = "pinned"
{extra}"""


def plant(
    root: Path,
    files: dict[str, str],
    *,
    top: str = "",
    names: str = '"*EngineFactory"',
    extra: str = "",
) -> Path:
    """Write `files` (posix path -> text) under `root` with a one-family pinned pyproject.toml;
    `top` goes into [tool.ssot-harness], `extra` after the family's table (e.g. its shims)."""
    root.mkdir(parents=True, exist_ok=True)
    text = PINNED.format(top=top, names=names, extra=extra)
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
