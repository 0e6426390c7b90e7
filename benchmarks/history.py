"""History replay speed on a generated git repository, against checkout + cold audit per commit, same run.

    .venv/bin/python benchmarks/history.py [--files 10000] [--commits 300] [--sample 15] [--repeat 3]

Generates (once, deterministically from --seed, with `git fast-import`) a repository under
benchmarks/.work/: a first commit of about 10,000 modules (the static-audit benchmark's generator)
with two families' members spread through them, then --commits commits touching three files each
(edits, and every few commits a member added, removed or a module renamed). Then measures:
- the replay: `ssot-harness history` over every commit (median of --repeat runs; peak RSS, also
  for a third of the range, to show memory does not grow with the number of commits);
- the naive method: checkout + cold audit (`ssot-harness audit --no-cache`) at --sample commits
  spread evenly over the range, extrapolated to every commit (mean time per commit × commits);
- one cold audit of the final tree.
It also checks that the replay's counts equal the cold audit's at every sampled commit.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from monorepo import records  # noqa: E402
from static_audit import measure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
START = 1767225600  # 2026-01-01
KINDS = ("definition", "alias", "reexport", "import", "reference")

# The small two-family project and module bodies this benchmark grows its history from (they
# lived in static_audit.py until that moved to a generated realistic monorepo).
PYPROJECT = """\
[tool.ssot-harness]
roots = ["mono"]
baseline = "baseline.json"

[tool.ssot-harness.families.payment-gateway-factory]
canonical = "mono.pkg000.payments:PaymentGatewayFactory"
names = ["*PaymentGatewayFactory", "get_*payment_gateway_factory"]

[tool.ssot-harness.families.order-notifier]
canonical = "mono.pkg000.notify:OrderNotifier"
names = ["*OrderNotifier", "*OrderEmitter"]
"""


def module_text(rnd: random.Random, index: int, packages: int, lines_target: int) -> str:
    out = ["import os", "import sys", "from dataclasses import dataclass", ""]
    for _ in range(rnd.randint(2, 6)):
        out.append(
            f"from mono.pkg{rnd.randrange(packages):03d}.mod{rnd.randrange(40):03d} import helper_{rnd.randrange(50)}"
        )
    out.append("")
    return "\n".join(records(rnd, index, out, lines_target)) + "\n"


def member_text(i: int) -> str:
    return (
        "from mono.pkg000.payments import PaymentGatewayFactory\n\n\n"
        f"class Legacy{i}PaymentGatewayFactory(PaymentGatewayFactory):\n    pass\n\n\n"
        f"class Old{i}OrderEmitter:\n    def notify(self, e):\n        pass\n"
    )


def generate(repo: Path, files: int, commits: int, seed: int) -> None:
    """The repository, written through one `git fast-import` stream."""
    rnd = random.Random(seed)
    packages = max(1, files // 40)
    tree: dict[str, str] = {"pyproject.toml": PYPROJECT, "mono/__init__.py": ""}
    tree["baseline.json"] = json.dumps({"version": 1, "families": {}}) + "\n"
    written = 0
    for p in range(packages):
        tree[f"mono/pkg{p:03d}/__init__.py"] = ""
        for m in range(40):
            if written < files:
                tree[f"mono/pkg{p:03d}/mod{m:03d}.py"] = module_text(
                    rnd, written, packages, rnd.randint(70, 300)
                )
                written += 1
    tree["mono/pkg000/payments.py"] = (
        "class PaymentGatewayFactory:\n    def create(self):\n        return 1\n"
    )
    tree["mono/pkg000/notify.py"] = "class OrderNotifier:\n    def notify(self, e):\n        pass\n"
    members: list[str] = []
    for i in range(12):
        path = f"mono/pkg{rnd.randrange(packages):03d}/legacy_{i}.py"
        tree[path] = member_text(i)
        members.append(path)
    modules = sorted(p for p in tree if "/mod" in p)
    out: list[bytes] = []

    def commit(n: int, subject: str, changes: dict[str, str | None]) -> None:
        msg = subject.encode()
        out.append(f"commit refs/heads/main\nmark :{n + 1}\n".encode())
        out.append(f"committer Dev <dev@example.com> {START + n * 3600} +0000\n".encode())
        out.append(f"data {len(msg)}\n".encode() + msg + b"\n")
        if n:
            out.append(f"from :{n}\n".encode())
        for path, text in sorted(changes.items()):
            if text is None:
                out.append(f"D {path}\n".encode())
            else:
                data = text.encode()
                out.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")

    commit(0, "Initial import", dict(tree))
    for n in range(1, commits + 1):
        changes: dict[str, str | None] = {}
        subject = f"Edit {n}"
        if n % 10 == 0:  # a member slips in
            path = f"mono/pkg{rnd.randrange(packages):03d}/legacy_{100 + n}.py"
            changes[path] = member_text(100 + n)
            members.append(path)
            subject = f"Add legacy factory {100 + n}"
        elif n % 15 == 0 and members:  # a member is consolidated away
            changes[members.pop(rnd.randrange(len(members)))] = None
            subject = f"Consolidate a legacy factory ({n})"
        elif n % 50 == 0:  # a module is renamed
            old = modules.pop(rnd.randrange(len(modules)))
            new = old.replace("/mod", "/renamed_mod")
            changes[old], changes[new] = None, tree.pop(old)
            tree[new] = changes[new]  # type: ignore[assignment]
            modules.append(new)
        while len(changes) < 3:
            path = modules[rnd.randrange(len(modules))]
            tree[path] = tree[path] + f"\n\ndef edited_{n}_{len(changes)}(x):\n    return x + {n}\n"
            changes[path] = tree[path]
        commit(n, subject, changes)
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(out), check=True)
    subprocess.run(["git", "gc", "-q", "--aggressive"], cwd=repo, check=True)


def history_counts(report: dict) -> dict[str, dict[str, dict[str, int]]]:
    return {c["commit"]: c["families"] for c in report["commits"]}


def audit_counts(report: dict) -> dict[str, dict[str, int]]:
    out = {}
    for fa in report["families"]:
        c = fa["counts"]
        out[fa["name"]] = {
            "members": len(fa["members"]),
            "definitions": c["definition"],
            "aliases": c["alias"],
            "imports": c["reexport"] + c["import"] + c["reference"],
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--sample", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work")
    args = parser.parse_args()
    repo = args.work / f"history-{args.files}-{args.commits}-{args.seed}"
    if (
        not (repo / ".git" / "refs" / "heads" / "main").exists()
        and not (repo / ".git" / "packed-refs").exists()
    ):
        shutil.rmtree(repo, ignore_errors=True)
        print(f"generating {repo} ...", file=sys.stderr)
        generate(repo, args.files, args.commits, args.seed)
    ssot = str(VENV_BIN / "ssot-harness")
    shas = subprocess.run(["git", "rev-list", "--reverse", "main"], cwd=repo, capture_output=True, text=True,
                          check=True).stdout.split()  # fmt: skip
    files = int(subprocess.run("git ls-tree -r main | grep -c '\\.py$'", shell=True, cwd=repo, capture_output=True,
                               text=True).stdout)  # fmt: skip

    # the replay, over the whole range and over a third of it (memory must not grow with commits)
    out = args.work / "history-report.json"
    replay = [ssot, "history", "main", "--format", "json", "--output", str(out)]
    runs = [measure(replay, repo) for _ in range(args.repeat)]
    replay_s, replay_rss = statistics.median(r[0] for r in runs), max(r[1] for r in runs)
    replayed = history_counts(json.loads(out.read_text()))
    _, third_rss, _ = measure([*replay[:3], "--max-count", str(len(shas) // 3), *replay[3:]], repo)

    # the naive method at a sample of commits, in a separate checkout
    naive_dir = args.work / "history-naive-checkout"
    shutil.rmtree(naive_dir, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(repo), str(naive_dir)], check=True)
    step = max(1, len(shas) // args.sample)
    sample = shas[::step][: args.sample]
    naive: list[float] = []
    agree = 0
    subprocess.run(
        ["git", "checkout", "-q", "-f", sample[0]], cwd=naive_dir, check=True
    )  # untimed: the
    # first checkout writes the whole tree; each timed one moves from the previous sampled commit
    report = args.work / "history-naive-audit.json"
    audit = [
        ssot,
        "audit",
        "--no-cache",
        "--config",
        "pyproject.toml",
        "--format",
        "json",
        "--output",
        str(report),
    ]
    for sha in sample:
        started = time.perf_counter()
        subprocess.run(["git", "checkout", "-q", "-f", sha], cwd=naive_dir, check=True)
        checkout = time.perf_counter() - started
        seconds, _, _ = measure(audit, naive_dir)
        naive.append(checkout + seconds)
        agree += audit_counts(json.loads(report.read_text())) == replayed[sha]
    naive_total = statistics.mean(naive) * len(shas)

    # one cold audit of the final tree
    subprocess.run(["git", "checkout", "-q", "-f", shas[-1]], cwd=naive_dir, check=True)
    cold = [measure(audit, naive_dir) for _ in range(args.repeat)]
    cold_s, cold_rss = statistics.median(r[0] for r in cold), max(r[1] for r in cold)

    print(
        f"repository: {len(shas)} commits, {files} Python files at the tip; cores: {os.cpu_count()}"
    )
    print(
        f"naive method timed at {len(sample)} commits spread over the range, extrapolated to {len(shas)}"
    )
    print("| measurement | seconds | peak RSS MiB |")
    print("| --- | --- | --- |")
    print(
        f"| naive: checkout + cold audit, per commit (mean of {len(sample)}) | {statistics.mean(naive):.2f} | — |"
    )
    print(f"| naive: all {len(shas)} commits (extrapolated) | {naive_total:.1f} | — |")
    print(
        f"| replay: `ssot-harness history` over {len(shas)} commits (median of {args.repeat}) | {replay_s:.2f} | {replay_rss} |"
    )
    print(f"| replay over the newest {len(shas) // 3} commits | — | {third_rss} |")
    print(
        f"| one cold audit of the final tree (median of {args.repeat}) | {cold_s:.2f} | {cold_rss} |"
    )
    print()
    print(f"- naive / replay: {naive_total / replay_s:.1f}x (target >= 20x)")
    print(f"- replay / one cold audit: {replay_s / cold_s:.2f} (target <= 3)")
    print(
        f"- peak RSS, all commits / a third: {replay_rss / max(third_rss, 1):.2f} (flat: about 1)"
    )
    print(f"- replay counts equal the cold audit's at {agree}/{len(sample)} sampled commits")
    return 0 if agree == len(sample) else 1


if __name__ == "__main__":
    sys.exit(main())
