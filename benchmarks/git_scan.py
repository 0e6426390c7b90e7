"""The audit on real trees, git path against the walk path, with every ratio of the git-native issue in one run.

    .venv/bin/python benchmarks/git_scan.py [--repeat 5] [--trees homeassistant,django,sympy]
        [--star] [--ref main] [--history]

Each tree (benchmarks/real_trees.py: an unpacked sdist made a git work tree with one commit, in a
cache outside the repository) is audited with configs written to a scratch folder outside it (cache
and baseline there too, so the tree is only read): one family, and 20 families made from the
tree's own most repeated two-word class-name endings (canonical: the first such class by path). Measured in
the same rounds, alternating: `ruff check --isolated --no-cache --select F401` over the roots, the
audit cold on the git path and with --no-git (1 and 20 families), the audit warm (1 and 20),
discover on the first root (git path); then `ast.parse` of every file once, and with --star the
one-family config with names = ["*"] cold (as `baseline --update`, run once). Every answer of the
git path is compared byte for byte with --no-git's (reports, baseline files, exit codes). Prints
wall medians, CPU (user + system of the command and its children) and peak RSS, then the ratios.

With --ref REF, the audit cold and warm (1 and 20 families) also runs with REF's `harness/`
(exported by static_before_after.py, first on PYTHONPATH) in the same rounds, alternating; both are
then started as `python -c 'from harness.cli import main...'`. With --history, `ssot-harness
history` over benchmarks/history.py's generated repository (301 commits), alternating with REF's
when --ref is given. The imports of a warm audit are measured by `python -X importtime` with
--no-git (no git process beside it: imports only), the least of 5 runs. The floor of the 20-family cold run
is printed too: `ast.parse` of the files whose bytes hold one of those families' needles.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_trees import TREES, tree  # noqa: E402
from static_audit import ROOT, loadavg, measure, parse_all  # noqa: E402
from static_before_after import RUN, export  # noqa: E402

VENV_BIN = Path(sys.executable).parent
# the one-family config of each tree: (name, names pattern, canonical), as benchmarks/README.md had
ONE = {
    "homeassistant": ("notification-service", "*NotificationService",
                      "homeassistant.components.notify.legacy:BaseNotificationService"),
    "django": ("email-backend", "*EmailBackend", "django.core.mail.backends.smtp:EmailBackend"),
    "sympy": ("printer", "*Printer", "sympy.printing.str:StrPrinter"),
    "airflow": ("executor", "*Executor", "airflow.executors.base_executor:BaseExecutor"),
}  # fmt: skip
_CLASS = re.compile(rb"^class ([A-Z]\w*)", re.M)
_LAST_WORD = re.compile(r"[A-Z][a-z0-9]+[A-Z][a-z0-9]+$")


def module_of(rel: str) -> str:
    mod = rel[: -len(".py")].replace("/", ".")
    return mod[: -len(".__init__")] if mod.endswith(".__init__") else mod


def families(top: Path, roots: tuple[str, ...], count: int) -> list[tuple[str, str, str]]:
    """(name, pattern, canonical) of the `count` most repeated two-word class-name endings of the tree."""
    first: dict[str, str] = {}
    seen: Counter[str] = Counter()
    for root in roots:
        for path in sorted((top / root).rglob("*.py")):
            rel = path.relative_to(top).as_posix()
            for name in _CLASS.findall(path.read_bytes()):
                cls = name.decode()
                word = _LAST_WORD.search(cls)
                if word is None or word.group() == cls:
                    continue
                seen[word.group()] += 1
                first.setdefault(word.group(), f"{module_of(rel)}:{cls}")
    # endings a handful to a few dozen classes share: roles, not "every test case"
    top_words = [w for w, n in seen.most_common() if 3 <= n <= 60][:count]
    return [(w.lower(), f"*{w}", first[w]) for w in top_words]


def config(scratch: Path, name: str, roots: tuple[str, ...], fams: list[tuple[str, str, str]],
           star: bool = False) -> Path:  # fmt: skip
    lines = ["[tool.ssot-harness]", f"roots = {list(roots)!r}".replace("'", '"'),
             f'cache-dir = "{scratch / (name + "-cache")}"',
             f'baseline = "{scratch / (name + "-baseline.json")}"', ""]  # fmt: skip
    for fam, pattern, canonical in fams:
        lines += [f"[tool.ssot-harness.families.{fam}]", f'canonical = "{canonical}"',
                  f'names = ["{"*" if star else pattern}"]', ""]  # fmt: skip
    path = scratch / f"{name}.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def answers(tool: str, top: Path, cfg: Path, scratch: Path, name: str, *flags: str) -> list[str]:
    """Every output of the audit with this config: baseline --update (and its file), reports."""
    shutil.rmtree(scratch / (name + "-cache"), ignore_errors=True)
    base = scratch / (name + "-baseline.json")
    base.unlink(missing_ok=True)
    got = []
    run = [tool, "baseline", "--update", "--allow-increase", ".", "--config", str(cfg), *flags]
    done = subprocess.run(run, cwd=top, capture_output=True, text=True, check=False)
    got += [done.stdout, done.stderr, str(done.returncode), base.read_text()]
    for fmt in ("text", "json", "sarif"):
        run = [tool, "audit", ".", "--config", str(cfg), "--format", fmt, *flags]
        done = subprocess.run(run, cwd=top, capture_output=True, text=True, check=False)
        got += [done.stdout, done.stderr, str(done.returncode)]
    return got


def import_ms(env: dict[str, str], top: Path, cfg: Path) -> float:
    """Milliseconds of imports of one warm audit, by `python -X importtime` (top-level modules),
    the least of 5 runs, with --no-git so that no git process runs beside the imports (the same
    modules as the git path: git's own processes are what --no-git leaves out)."""
    run = [sys.executable, "-X", "importtime", "-c", RUN, "audit", ".", "--config", str(cfg),
           "--no-git"]  # fmt: skip
    subprocess.run(run, cwd=top, capture_output=True, check=False, env=env)  # the cache
    best = float("inf")
    for _ in range(5):
        err = subprocess.run(run, cwd=top, capture_output=True, text=True, check=False, env=env)
        total = 0
        for line in err.stderr.splitlines():
            parts = line.split("|")
            if line.startswith("import time:") and len(parts) == 3 and parts[2][1:2] != " " \
                    and parts[1].strip().isdigit():  # fmt: skip
                total += int(parts[1])
        best = min(best, total / 1000)
    return best


@contextlib.contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """`measure` runs its command with this process's environment: `env` for a while."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def candidates_parse(top: Path, roots: tuple[str, ...], cfg: Path) -> tuple[float, int]:
    """Seconds of `ast.parse` (one process) of the files whose bytes hold a needle of `cfg`'s
    families, and how many: the floor of a cold run that must parse them all."""
    from harness.config import load_config
    from harness.pin.membership import audit_needles

    needles = [n.encode() for n in audit_needles(load_config(cfg, root=top).families)]
    found = []
    for root in roots:
        for path in sorted((top / root).rglob("*.py")):
            data = path.read_bytes()
            if any(n in data for n in needles):
                found.append((path, data))
    started = time.process_time()
    for path, data in found:
        try:
            ast.parse(data, str(path))
        except (SyntaxError, ValueError):
            pass
    return time.process_time() - started, len(found)


def bench(name: str, repeat: int, star: bool, envs: dict[str, dict[str, str]]) -> dict[str, float]:
    """`envs`: "" (this checkout) and, with --ref, the ref's label -> the environment to run in."""
    project = TREES[name]
    top = tree(name)
    launcher = [sys.executable, "-c", RUN] if len(envs) > 1 else [str(VENV_BIN / "ssot-harness")]
    tool = str(VENV_BIN / "ssot-harness")
    ruff = [str(VENV_BIN / "ruff"), "check", "--isolated", "--no-cache", "--select", "F401"]
    scratch = Path(tempfile.mkdtemp(prefix=f"ssot-bench-{name}-"))
    fams = [ONE[name], *(f for f in families(top, project.roots, 20) if f[1] != ONE[name][1])]
    fams = fams[:20]
    one = config(scratch, "one", project.roots, fams[:1])
    twenty = config(scratch, "twenty", project.roots, fams)
    for cfg, label in ((one, "one"), (twenty, "twenty")):
        if answers(tool, top, cfg, scratch, label) != answers(
            tool, top, cfg, scratch, label, "--no-git"
        ):
            raise SystemExit(f"{name}: git and --no-git answers differ with {cfg}")  # fmt: skip
    print(f"{name}: {len(fams)} families ({', '.join(p for _, p, _ in fams)}); every answer "
          "byte-identical between the git path and --no-git", file=sys.stderr)  # fmt: skip
    runs: dict[str, list[tuple[float, int, float]]] = {}
    loads = [loadavg()]
    for _ in range(repeat):
        runs.setdefault("ruff", []).append(measure([*ruff, *project.roots], top))
        for cfg, label in ((one, "1"), (twenty, "20")):
            for who, env in envs.items():
                with environment(env):
                    audit = [*launcher, "audit", ".", "--config", str(cfg)]
                    runs.setdefault(f"cold {label} git{who}", []).append(
                        measure([*audit, "--no-cache"], top)
                    )
                    measure(audit, top)  # the cache written (each version its own, see below)
                    runs.setdefault(f"warm {label}{who}", []).append(measure(audit, top))
            cold = [tool, "audit", ".", "--config", str(cfg), "--no-git", "--no-cache"]
            runs.setdefault(f"cold {label} walk", []).append(measure(cold, top))
        discover = [tool, "discover", project.roots[0], "--no-cache", "--format", "json"]
        runs.setdefault("discover", []).append(measure(discover, top))
        runs.setdefault("ruff root", []).append(measure([*ruff, project.roots[0]], top))
        loads.append(loadavg())
    parse_wall, parse_cpu = parse_all(*(top / r for r in project.roots))
    floor_cpu, floor_files = candidates_parse(top, project.roots, twenty)
    med = {k: statistics.median(w for w, _, _ in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _, _, c in v) for k, v in runs.items()}
    rss = {k: max(r for _, r, _ in v) for k, v in runs.items()}
    med["parse"], cpu["parse"], rss["parse"] = parse_wall, parse_cpu, 0
    med["parse 20 candidates"], cpu["parse 20 candidates"] = floor_cpu, floor_cpu
    rss["parse 20 candidates"] = 0
    if star:
        star_cfg = config(scratch, "star", project.roots, fams[:1], star=True)
        run = [tool, "baseline", "--update", "--allow-increase", "--no-cache", ".", "--config",
               str(star_cfg)]  # fmt: skip
        med["star"], rss["star"], cpu["star"] = measure(run, top)
    files = sum(1 for r in project.roots for _ in (top / r).rglob("*.py"))
    imports = {who: import_ms(env, top, one) for who, env in envs.items()}
    said = ", ".join(
        f"{who.strip(' ()') or 'this checkout'} {ms:.0f} ms" for who, ms in imports.items()
    )
    print(f"\ntree: {top.name}, {files} files under {', '.join(project.roots)}; cores: "
          f"{os.cpu_count()}; median of {repeat}; load average {loads[0]} -> {loads[-1]}; "
          f"imports of a warm audit (python -X importtime, --no-git, least of 5): {said}; "
          f"{floor_files} files hold a 20-family needle")  # fmt: skip
    print("| measurement | wall seconds | CPU seconds | peak RSS MiB |\n| --- | --- | --- | --- |")
    for key in med:
        print(f"| {key} | {med[key]:.2f} | {cpu[key]:.2f} | {rss[key] or '—'} |")
    shutil.rmtree(scratch, ignore_errors=True)
    out = {**{f"wall {k}": v for k, v in med.items()}, **{f"cpu {k}": v for k, v in cpu.items()}}
    return {**out, **{f"imports{who}": ms for who, ms in imports.items()}}


def history(repeat: int, envs: dict[str, dict[str, str]]) -> dict[str, float]:
    """`ssot-harness history` over benchmarks/history.py's generated repository (10,000 files, 301
    commits), each version in turn; wall and CPU medians by version."""
    import history as generated

    repo = ROOT / "benchmarks" / ".work" / "history-10000-300-20261125"
    if (
        not (repo / ".git" / "refs" / "heads" / "main").exists()
        and not (repo / ".git" / "packed-refs").exists()
    ):
        shutil.rmtree(repo, ignore_errors=True)
        generated.generate(repo, 10_000, 300, 20261125)
    out = repo.parent / "history-bench.json"
    runs: dict[str, list[tuple[float, int, float]]] = {}
    for _ in range(repeat):
        for who, env in envs.items():
            with environment(env):
                command = [sys.executable, "-c", RUN, "history", "main", "--format", "json",
                           "--output", str(out)]  # fmt: skip
                runs.setdefault(who, []).append(measure(command, repo))
    found = {}
    for who, got in runs.items():
        found[f"wall history{who}"] = statistics.median(w for w, _, _ in got)
        found[f"cpu history{who}"] = statistics.median(c for _, _, c in got)
        print(f"| history over 301 commits{who} | {found[f'wall history{who}']:.2f} | "
              f"{found[f'cpu history{who}']:.2f} | {max(r for _, r, _ in got)} |")  # fmt: skip
    return found


def ratios(
    results: dict[str, dict[str, float]], ref: str, replayed: dict[str, float] | None
) -> None:
    names = list(results)
    print("\n| ratio (same run) | " + " | ".join(names) + " | target |")
    print("| --- |" + " --- |" * (len(names) + 1))

    def row(label: str, f, target: str) -> None:  # type: ignore[no-untyped-def]
        print(f"| {label} | " + " | ".join(f(results[n]) for n in names) + f" | {target} |")

    def ratio(a: str, b: str):  # type: ignore[no-untyped-def]
        def cell(r: dict[str, float]) -> str:
            if f"wall {a}" not in r or f"wall {b}" not in r:
                return "—"
            return (
                f"{r['wall ' + a] / r['wall ' + b]:.2f} (CPU {r['cpu ' + a] / r['cpu ' + b]:.2f})"
            )

        return cell

    def seconds(key: str):  # type: ignore[no-untyped-def]
        return lambda r: f"{r['wall ' + key]:.3f} (CPU {r['cpu ' + key]:.3f})"

    before = f" ({ref})"
    row("cold audit, 1 family, git / ruff F401", ratio("cold 1 git", "ruff"), "<= 0.4")
    row("cold audit, 20 families, git / ruff F401", ratio("cold 20 git", "ruff"), "<= 0.4")
    row("cold audit, 1 family, walk / ruff F401", ratio("cold 1 walk", "ruff"), "(the walk)")
    row("cold audit, 20 families, walk / ruff F401", ratio("cold 20 walk", "ruff"), "(the walk)")
    row("cold audit, 20 families / ast.parse of its candidates", ratio("cold 20 git",
        "parse 20 candidates"), "(the floor)")  # fmt: skip
    row("warm audit, 1 family (s)", seconds("warm 1"), "<= 0.15 s (HA)")
    row("warm audit, 20 families (s)", seconds("warm 20"), "<= 0.3 s (HA)")
    row("ast.parse-all / cold audit, 1 family", ratio("parse", "cold 1 git"), ">= 20")
    row("ast.parse-all / cold audit, 20 families", ratio("parse", "cold 20 git"), ">= 20")
    row("discover / ruff F401 on the root", ratio("discover", "ruff root"), "<= 3 (HA)")
    row('names = ["*"] cold / ast.parse-all', ratio("star", "parse"), "<= 1.5")
    row("imports of an audit (ms)", lambda r: f"{r['imports']:.0f}", "(state it)")
    if ref:
        for key in ("cold 1 git", "warm 1", "cold 20 git", "warm 20"):
            row(f"{key}: this / {ref}", ratio(key, key + before), "(before -> after)")
        row(
            f"imports of an audit (ms), {ref}", lambda r: f"{r['imports' + before]:.0f}", "(before)"
        )
    if replayed is not None and ref:
        h = replayed
        print(f"\nhistory over 301 commits, this / {ref}: "
              f"{h['wall history'] / h['wall history' + before]:.2f} wall "
              f"(CPU {h['cpu history'] / h['cpu history' + before]:.2f}); target: faster")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--trees", default="homeassistant,django,sympy")
    parser.add_argument("--star", action="store_true", help='also names = ["*"] cold, once')
    parser.add_argument("--ref", help="also REF's harness/, alternating (e.g. main)")
    parser.add_argument("--history", action="store_true", help="also `history` over 301 commits")
    args = parser.parse_args()
    base = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")
    }
    envs = {"": base}
    if args.ref:
        exported = export(args.ref, ROOT / "benchmarks" / ".work")
        envs[f" ({args.ref})"] = {**base, "PYTHONPATH": str(exported)}
    results = {name: bench(name, args.repeat, args.star, envs) for name in args.trees.split(",")}
    replayed = None
    if args.history:
        print(
            "\n| measurement | wall seconds | CPU seconds | peak RSS MiB |\n| --- | --- | --- | --- |"
        )
        replayed = history(args.repeat, envs)
    ratios(results, args.ref or "", replayed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
