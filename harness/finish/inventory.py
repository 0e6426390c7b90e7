"""The test inventory use case: run a pytest selection under coverage.py with one context per test
and say, per family member, which tests execute it (measured, never guessed from names)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigError, UsageError
from harness.finish.contexts import DATA_ENV, INCLUDE_ENV
from harness.finish.extras import need
from harness.finish.spans import MemberSpan, member_spans
from harness.model import Config
from harness.pin.audit import run_audit

PLUGIN = "harness.finish.contexts"


@dataclass(frozen=True)
class MemberTests:
    """One member and the tests that executed a line of its bodies."""

    member: str
    kind: str  # "definition" or "alias"
    location: str  # path:line
    canonical: bool
    tests: tuple[str, ...]
    measured: bool  # False for an alias: it is its origin's code, coverage cannot tell them apart
    alias_of: str = ""

    @property
    def name(self) -> str:
        return self.member.partition(":")[2]


@dataclass(frozen=True)
class FamilyInventory:
    family: str
    canonical: str
    members: tuple[MemberTests, ...]

    @property
    def only_non_canonical(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(test, the non-canonical members it executes) for tests that never execute the canonical:
        they must move with the migration."""
        canonical = {t for m in self.members if m.canonical for t in m.tests}
        per_test: dict[str, set[str]] = {}
        for m in self.members:
            if not m.canonical:
                for t in m.tests:
                    if t not in canonical:
                        per_test.setdefault(t, set()).add(m.member)
        return tuple((t, tuple(sorted(ms))) for t, ms in sorted(per_test.items()))

    @property
    def unexercised(self) -> tuple[str, ...]:
        return tuple(m.member for m in self.members if m.measured and not m.tests)

    def tests_of(self, member: str) -> tuple[str, ...]:
        for m in self.members:
            if m.member == member or m.name == member:
                return m.tests
        return ()


@dataclass(frozen=True)
class Inventory:
    selection: tuple[str, ...]  # the pytest arguments of the measured run
    families: tuple[FamilyInventory, ...]
    pytest_exit: int


def pytest_command(args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", "--no-header", "-p", "no:cacheprovider", *args]


def run_inventory(
    config: Config,
    families: Sequence[str],
    pytest_args: Sequence[str],
    *,
    quiet: bool = False,
    shard: str | None = None,
) -> tuple[Inventory, bytes]:
    """Measure `pytest_args` (a selection: -m, paths, -n) over the members of `families` (all: empty);
    with `shard` ("K/N"), only that shard's tests. Also gives the combined coverage data (contexts
    kept) as coverage.py's own serialization, for `merge` to combine with other shards'."""
    need("coverage", "inventory", "inventory")
    root = Path(config.root).resolve()
    chosen, spans = spans_of(config, families)
    files = sorted({str(root / s.path) for ss in spans.values() for s in ss if s.lines})
    if not files:
        raise ConfigError("no member of the chosen families has a function body to measure")
    with tempfile.TemporaryDirectory(prefix="ssot-inventory-") as folder:
        env = dict(os.environ)
        plugins = [p for p in env.get("PYTEST_PLUGINS", "").split(",") if p]
        env["PYTEST_PLUGINS"] = ",".join([*plugins, PLUGIN])
        env[DATA_ENV] = folder
        env[INCLUDE_ENV] = os.pathsep.join(files)
        out = subprocess.DEVNULL if quiet else None
        command = pytest_command([*pytest_args, *([f"--ssot-shard={shard}"] if shard else [])])
        rc = subprocess.call(command, cwd=root, env=env, stdout=out)
        if rc == NO_TESTS and shard:
            rc = 0  # a shard may hold no test of the selection
        elif rc not in (0, 1):
            what = {5: "collected no tests", 4: "was a usage error", 2: "was interrupted"}
            raise UsageError(
                f"the measured pytest run {what.get(rc, f'exited {rc}')} "
                f"(pytest {' '.join(pytest_args) or '(no arguments)'}); fix the selection"
            )
        executed, data = executed_lines(folder, serialize=shard is not None)
    return inventory_of(root, chosen, spans, executed, tuple(pytest_args), rc), data


NO_TESTS = 5


def spans_of(
    config: Config, families: Sequence[str]
) -> tuple[list[tuple[str, str]], dict[str, tuple[MemberSpan, ...]]]:
    """The chosen families (name, canonical) and their members' measured lines, from the audit."""
    root = Path(config.root).resolve()
    report = run_audit(config, require_baseline=False)
    chosen = [report.family(n) for n in families] if families else list(report.families)
    return [(fa.family.name, fa.family.canonical.id) for fa in chosen], {
        fa.family.name: member_spans(root, fa) for fa in chosen
    }


def inventory_of(
    root: Path,
    chosen: list[tuple[str, str]],
    spans: dict[str, tuple[MemberSpan, ...]],
    executed: dict[str, dict[int, set[str]]],
    selection: tuple[str, ...],
    rc: int,
) -> Inventory:
    fams = tuple(
        FamilyInventory(name, canonical, _tests(root, spans[name], executed))
        for name, canonical in chosen
    )
    return Inventory(selection, fams, rc)


def executed_lines(
    folder: str, aliases: Sequence[str] = (), *, serialize: bool = False
) -> tuple[dict[str, dict[int, set[str]]], bytes]:
    """realpath -> line -> test node ids, from every data file in `folder` combined by coverage.py
    (`aliases`: the project roots of other machines, mapped onto the first); and the combined data."""
    import coverage

    cov = coverage.Coverage(data_file=os.path.join(folder, ".coverage"), config_file=False)
    if len(aliases) > 1:
        cov.set_option("paths", {"source": list(aliases)})
    cov.combine([folder], keep=True)
    data = cov.get_data()
    out: dict[str, dict[int, set[str]]] = {}
    for filename in data.measured_files():
        by_line = data.contexts_by_lineno(filename)
        out[os.path.realpath(filename)] = {
            line: {c for c in ctxs if c} for line, ctxs in by_line.items()
        }
    return out, data.dumps() if serialize else b""


def _tests(
    root: Path, spans: tuple[MemberSpan, ...], executed: dict[str, dict[int, set[str]]]
) -> tuple[MemberTests, ...]:
    by_member: dict[str, set[str]] = {}
    for s in spans:
        lines = executed.get(os.path.realpath(root / s.path), {})
        by_member[s.member] = {t for n in s.lines for t in lines.get(n, ())}
    out = []
    for s in spans:
        measured = s.kind == "definition"
        tests = by_member[s.member] if measured else set()
        out.append(
            MemberTests(
                s.member,
                s.kind,
                f"{s.path}:{s.line}",
                s.canonical,
                tuple(sorted(tests)),
                measured,
                s.alias_of,
            )
        )
    return tuple(out)
