"""The mutation run of the harness itself: mutmut over the modules whose bugs would hide others.

    .venv/bin/pip install -e '.[mutation]'
    .venv/bin/python benchmarks/harness_mutation.py [--module characterize.normalize ...]
        [--max-children 2] [--report-only] [--survivors]

`[tool.mutmut]` in pyproject.toml names the modules and the tests (the in-process part of the
suite). mutmut records, once, which test reaches which function, then runs per mutant only the
tests that reach the mutated function, fastest first, and stops at the first failure.

The run happens in a copy of the checkout's files under `$SSOT_BENCH_CACHE/harness-mutation-<id>`
(default `~/.cache/ssot-harness-bench`), never in the checkout: mutmut writes a `mutants/` folder
beside the sources, which inside the checkout is a package named `mutants` to every tool, and a
folder that git ignores, so the audit tests would find no files there (git's listing is empty).
The copy is kept between runs and synced: mutmut's record of which test reaches what is collected
again when a test or a harness file changed since it was made, and each module named is run again
in full. Modules run one after the other (one mutmut process each, `--max-children` workers), so a
CI job may run one module, or a few (the nightly recipe in benchmarks/README.md).

Prints, per module, the mutants and how many were killed, survived, reached by no test, timed out,
and the kill rate (killed and timed out over all mutants), with CPU seconds and the load average;
`--survivors` also prints each survivor's diff (for the triage in benchmarks/README.md)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).with_name("mutmut")


def work_dir() -> Path:
    cache = Path(os.environ.get("SSOT_BENCH_CACHE", Path.home() / ".cache" / "ssot-harness-bench"))
    return cache / f"harness-mutation-{hashlib.sha1(str(ROOT).encode()).hexdigest()[:8]}"


def modules() -> list[str]:
    """The modules `[tool.mutmut] only_mutate` names, as dotted names below `harness`."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    return [p.removeprefix("harness/").removesuffix(".py").replace("/", ".") for p in config["only_mutate"]]


def checkout_files() -> list[str]:
    """Tracked files and untracked ones git does not ignore: what a commit of the checkout would hold."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    return sorted({name for name in out.decode().split("\0") if name and (ROOT / name).is_file()})


def sync(work: Path) -> str:
    """The work copy made equal to the checkout's files (its `mutants/` kept); returns a digest of
    the sources that mutmut's record of tests depends on (the harness, the tests, the config)."""
    work.mkdir(parents=True, exist_ok=True)
    files = checkout_files()
    wanted = set(files)
    for path in sorted(work.rglob("*"), reverse=True):
        rel = path.relative_to(work).as_posix()
        if rel == "mutants" or rel.startswith("mutants/"):
            continue
        if path.is_file() and rel not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    digest = hashlib.sha256()
    for name in files:
        source, target = ROOT / name, work / name
        data = source.read_bytes()
        if name.startswith(("harness/", "tests/", "conftest.py", "pyproject.toml")):
            digest.update(name.encode() + b"\0" + data)
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)  # a new mtime: mutmut mutates a file newer than its mutants
    return digest.hexdigest()


def prepare(work: Path, sources: str) -> None:
    """Fresh copies of what mutmut copies beside the mutants (a test deleted here must not run
    there), and its record of tests dropped when the sources changed since it was collected."""
    mutants = work / "mutants"
    stamp = mutants / "sources.sha256"
    if mutants.is_dir():
        for child in mutants.iterdir():
            if child.is_dir() and child.name != "harness":
                shutil.rmtree(child)
        if not stamp.is_file() or stamp.read_text() != sources:
            (mutants / "mutmut-stats.json").unlink(missing_ok=True)
    mutants.mkdir(exist_ok=True)
    stamp.write_text(sources)


def run_module(work: Path, module: str, max_children: int) -> tuple[float, float]:
    """mutmut over one module's mutants; (wall seconds, CPU seconds of mutmut and its children)."""
    # inside the work copy git finds no repository (the scan walks); never the one above it
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(work.parent)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(
        [str(MUTMUT), "run", "--max-children", str(max_children), f"harness.{module}.*"],
        cwd=work, env=env, capture_output=True, text=True,
    )  # fmt: skip
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).replace("\r", "\n").splitlines()[-30:])
        raise SystemExit(f"mutmut failed on {module} (exit {done.returncode}):\n{tail}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


STATUSES = ("killed", "survived", "no tests", "timeout")


def results(work: Path, module: str) -> dict[str, str]:
    """mutant name -> mutmut's status, from its record beside the mutated file."""
    from mutmut.stats import status_by_exit_code

    meta = work / "mutants" / "harness" / (module.replace(".", "/") + ".py.meta")
    if not meta.is_file():
        return {}
    data = json.loads(meta.read_text(encoding="utf-8"))
    return {name: status_by_exit_code[code] for name, code in data["exit_code_by_key"].items()}


def table(rows: list[tuple[str, dict[str, str], str]]) -> str:
    lines = [
        "| module | mutants | killed | survived | no test reaches it | timeout | other | kill rate | time |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    total: Counter[str] = Counter()
    for module, statuses, timing in rows:
        counts = Counter(statuses.values())
        total.update(counts)
        lines.append(_row(module, counts, timing))
    lines.append(_row("all", total, ""))
    return "\n".join(lines)


def _row(name: str, counts: Counter[str], timing: str) -> str:
    n = sum(counts.values())
    other = n - sum(counts[s] for s in STATUSES)
    rate = f"{100 * (counts['killed'] + counts['timeout']) / n:.1f} %" if n else "-"
    cells = [name, n, *(counts[s] for s in STATUSES), other, rate, timing]
    return "| " + " | ".join(str(c) for c in cells) + " |"


def survivors(work: Path, names: dict[str, str]) -> str:
    """Each survivor's status and diff, as `mutmut show` prints it."""
    from mutmut.mutation.diff_apply import find_mutant, get_diff_for_mutant

    out = []
    here = Path.cwd()
    os.chdir(work)
    try:
        for name, status in sorted(names.items()):
            out.append(f"# {name} ({status})\n{get_diff_for_mutant(name, path=find_mutant(name).path)}")
    finally:
        os.chdir(here)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", choices=modules(), help="(repeatable) default: all")
    parser.add_argument("--max-children", type=int, default=2, help="mutmut's workers (default 2)")
    parser.add_argument("--report-only", action="store_true", help="print the last results, run nothing")
    parser.add_argument("--survivors", action="store_true", help="print each survivor's diff")
    parser.add_argument("--work", type=Path, default=None, help="the work copy (default: under the bench cache)")
    parser.add_argument("--fail-under", type=float, default=None, metavar="PERCENT",
                        help="exit 1 when the kill rate over the modules run is below PERCENT")  # fmt: skip
    args = parser.parse_args(argv)
    work = args.work or work_dir()
    chosen = args.module or modules()
    rows = []
    if not args.report_only:
        prepare(work, sync(work))
    for module in chosen:
        timing = ""
        if not args.report_only:
            wall, cpu = run_module(work, module, args.max_children)
            timing = f"{wall:.0f} s wall, {cpu:.0f} s CPU, load {os.getloadavg()[0]:.1f}"
            print(f"{module}: {timing}", file=sys.stderr)
        rows.append((module, results(work, module), timing))
    print(f"work copy: {work}")
    print(table(rows))
    if args.survivors:
        left = {n: s for _, statuses, _ in rows for n, s in statuses.items() if s not in ("killed", "timeout")}
        print(survivors(work, left))
    counts = Counter(s for _, statuses, _ in rows for s in statuses.values())
    rate = 100 * (counts["killed"] + counts["timeout"]) / max(1, sum(counts.values()))
    if args.fail_under is not None and rate < args.fail_under:
        print(f"kill rate {rate:.1f} % is below {args.fail_under:g} %", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
