"""The audit on real trees, git path against the walk path, with every ratio of the git-native issue in one run.

    .venv/bin/python benchmarks/git_scan.py [--repeat 5] [--trees homeassistant,django,sympy] [--star]

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
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_trees import TREES, tree  # noqa: E402
from static_audit import loadavg, measure, parse_all  # noqa: E402

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


def import_ms(tool_python: str, top: Path, cfg: Path) -> float:
    """Milliseconds of imports of one audit, by `python -X importtime` (top-level modules)."""
    run = [tool_python, "-X", "importtime", "-m", "harness.cli", "audit", ".", "--config",
           str(cfg), "--no-cache"]  # fmt: skip
    err = subprocess.run(run, cwd=top, capture_output=True, text=True, check=False).stderr
    total = 0
    for line in err.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[2][1:2] != " " \
                and parts[1].strip().isdigit():  # fmt: skip
            total += int(parts[1])
    return total / 1000


def bench(name: str, repeat: int, star: bool) -> dict[str, float]:
    project = TREES[name]
    top = tree(name)
    tool = str(VENV_BIN / "ssot-harness")
    ruff = [str(VENV_BIN / "ruff"), "check", "--isolated", "--no-cache", "--select", "F401"]
    scratch = Path(tempfile.mkdtemp(prefix=f"ssot-bench-{name}-"))
    fams = [ONE[name], *(f for f in families(top, project.roots, 20) if f[1] != ONE[name][1])]
    fams = fams[:20]
    one = config(scratch, "one", project.roots, fams[:1])
    twenty = config(scratch, "twenty", project.roots, fams)
    for cfg, label in ((one, "one"), (twenty, "twenty")):
        if answers(tool, top, cfg, scratch, label) != answers(tool, top, cfg, scratch, label, "--no-git"):
            raise SystemExit(f"{name}: git and --no-git answers differ with {cfg}")  # fmt: skip
    print(f"{name}: {len(fams)} families ({', '.join(p for _, p, _ in fams)}); every answer "
          "byte-identical between the git path and --no-git", file=sys.stderr)  # fmt: skip
    runs: dict[str, list[tuple[float, int, float]]] = {}
    loads = [loadavg()]
    for _ in range(repeat):
        runs.setdefault("ruff", []).append(measure([*ruff, *project.roots], top))
        for cfg, label in ((one, "1"), (twenty, "20")):
            for flags, path in (((), "git"), (("--no-git",), "walk")):
                audit = [tool, "audit", ".", "--config", str(cfg), *flags]
                cold = [*audit, "--no-cache"]
                runs.setdefault(f"cold {label} {path}", []).append(measure(cold, top))
            audit = [tool, "audit", ".", "--config", str(cfg)]
            measure(audit, top)  # the cache written
            runs.setdefault(f"warm {label}", []).append(measure(audit, top))
        discover = [tool, "discover", project.roots[0], "--no-cache", "--format", "json"]
        runs.setdefault("discover", []).append(measure(discover, top))
        runs.setdefault("ruff root", []).append(measure([*ruff, project.roots[0]], top))
        loads.append(loadavg())
    parse_wall, parse_cpu = parse_all(*(top / r for r in project.roots))
    med = {k: statistics.median(w for w, _, _ in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _, _, c in v) for k, v in runs.items()}
    rss = {k: max(r for _, r, _ in v) for k, v in runs.items()}
    med["parse"], cpu["parse"], rss["parse"] = parse_wall, parse_cpu, 0
    if star:
        star_cfg = config(scratch, "star", project.roots, fams[:1], star=True)
        run = [tool, "baseline", "--update", "--allow-increase", "--no-cache", ".", "--config",
               str(star_cfg)]  # fmt: skip
        med["star"], rss["star"], cpu["star"] = measure(run, top)
    files = sum(1 for r in project.roots for _ in (top / r).rglob("*.py"))
    imports = import_ms(sys.executable, top, one)
    print(f"\ntree: {top.name}, {files} files under {', '.join(project.roots)}; cores: "
          f"{os.cpu_count()}; median of {repeat}; load average {loads[0]} -> {loads[-1]}; "
          f"imports of an audit {imports:.0f} ms (python -X importtime)")  # fmt: skip
    print("| measurement | wall seconds | CPU seconds | peak RSS MiB |\n| --- | --- | --- | --- |")
    for key in med:
        print(f"| {key} | {med[key]:.2f} | {cpu[key]:.2f} | {rss[key] or '—'} |")
    shutil.rmtree(scratch, ignore_errors=True)
    return {**{f"wall {k}": v for k, v in med.items()}, **{f"cpu {k}": v for k, v in cpu.items()}}


def ratios(results: dict[str, dict[str, float]]) -> None:
    names = list(results)
    print("\n| ratio (same run) | " + " | ".join(names) + " | target |")
    print("| --- |" + " --- |" * (len(names) + 1))

    def row(label: str, f, target: str) -> None:  # type: ignore[no-untyped-def]
        print(f"| {label} | " + " | ".join(f(results[n]) for n in names) + f" | {target} |")

    def ratio(a: str, b: str):  # type: ignore[no-untyped-def]
        return lambda r: f"{r['wall ' + a] / r['wall ' + b]:.2f} (CPU {r['cpu ' + a] / r['cpu ' + b]:.2f})"  # fmt: skip

    row("cold audit, 1 family, git / ruff F401", ratio("cold 1 git", "ruff"), "<= 0.4")
    row("cold audit, 20 families, git / ruff F401", ratio("cold 20 git", "ruff"), "<= 0.4")
    row("cold audit, 1 family, walk / ruff F401", ratio("cold 1 walk", "ruff"), "(before)")
    row("cold audit, 20 families, walk / ruff F401", ratio("cold 20 walk", "ruff"), "(before)")
    row("warm audit, 1 family (s)", lambda r: f"{r['wall warm 1']:.2f}", "<= 0.15 s (HA)")
    row("warm audit, 20 families (s)", lambda r: f"{r['wall warm 20']:.2f}", "<= 0.3 s (HA)")
    row("ast.parse-all / cold audit, 1 family", ratio("parse", "cold 1 git"), ">= 20")
    row("ast.parse-all / cold audit, 20 families", ratio("parse", "cold 20 git"), ">= 20")
    row("discover / ruff F401 on the root", ratio("discover", "ruff root"), "<= 3 (HA)")
    if all("wall star" in r for r in results.values()):
        row('names = ["*"] cold / ast.parse-all', ratio("star", "parse"), "<= 1.5")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--trees", default="homeassistant,django,sympy")
    parser.add_argument("--star", action="store_true", help='also names = ["*"] cold, once')
    args = parser.parse_args()
    results = {name: bench(name, args.repeat, args.star) for name in args.trees.split(",")}
    ratios(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
