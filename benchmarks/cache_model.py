"""The warm scan cache against a cold walk on real trees, step by step, after random edits and checkouts.

    .venv/bin/python benchmarks/cache_model.py [--trees django,sympy] [--steps 300] [--seed 1]

Each tree (benchmarks/real_trees.py, in the cache outside the repository) is cloned with `git clone`
into a scratch folder (the cached tree is never written), configured with the 20 families
benchmarks/git_scan.py makes for it (config, caches and baseline in the scratch folder), and driven
through random steps: a member class, an alias of a canonical, an import site, a re-export or a
syntax error added to a file that holds a family's name; lines cut out of one; a rewrite in place of
the same size with the mtime put back; a touch; an untracked file; a file deleted; `git add`,
`commit`, `checkout` of an earlier commit and back, `stash` and `stash pop`; a family left out of the
config and put back. After every step the warm audit (git path, the cache kept from the steps
before) and a cold walk (`--no-git`, a fresh cache) answer in JSON, byte for byte and with the same
exit code; every tenth step the text reports and `baseline --update` (with the file it writes) too.
Both run in this process (harness.cli.main). Prints the steps, the mismatches (each with the steps
that led to it, written beside the clone) and the seconds of each side.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from git_scan import ONE, config, families  # noqa: E402
from real_trees import TREES, tree  # noqa: E402
from static_audit import loadavg  # noqa: E402

from harness.cli import main as cli  # noqa: E402
from harness.scan.early import ENV, GIT  # noqa: E402

_GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost",
            "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@localhost"}  # fmt: skip


def run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli([os.fspath(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def git(top: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=top, env={**os.environ, **_GIT_ENV},
                          capture_output=True, check=False)  # fmt: skip


class Walk:
    """One clone, its configs, and the random steps."""

    def __init__(self, name: str, scratch: Path, rng: random.Random) -> None:
        project = TREES[name]
        self.rng = rng
        self.top = scratch / name
        subprocess.run(["git", "clone", "-q", os.fspath(tree(name)), os.fspath(self.top)],
                       check=True)  # fmt: skip
        git(self.top, "status", "-s")  # the clone's index refreshed, as a user's is
        fams = [
            ONE[name],
            *(f for f in families(self.top, project.roots, 20) if f[1] != ONE[name][1]),
        ]
        self.fams = fams[:20]
        self.roots = project.roots
        self.scratch = scratch
        self.left_out: int | None = None
        self.files = sorted(
            p.relative_to(self.top).as_posix() for r in project.roots
            for p in (self.top / r).rglob("*.py")
        )  # fmt: skip
        words = [pattern.strip("*").encode() for _, pattern, _ in self.fams]
        self.candidates = [
            f for f in self.files if any(w in (self.top / f).read_bytes() for w in words)
        ]
        self.counter = 0
        self.write_configs()
        run("baseline", self.top, "--update", "--allow-increase", "--no-git", "--no-cache",
            "--config", self.warm_cfg)  # fmt: skip

    def write_configs(self) -> None:
        fams = [f for i, f in enumerate(self.fams) if i != self.left_out]
        self.warm_cfg = config(self.scratch, "warm", self.roots, fams)
        self.cold_cfg = config(self.scratch, "cold", self.roots, fams)
        for cfg in (self.warm_cfg, self.cold_cfg):  # one baseline for both
            text = cfg.read_text().replace(f"{cfg.stem}-baseline.json", "baseline.json")
            cfg.write_text(text)

    # the steps ------------------------------------------------------------------------------------
    def pick(self) -> Path:
        pool = self.candidates if self.rng.random() < 0.7 else self.files
        return self.top / self.rng.choice(pool)

    def snippet(self) -> bytes:
        _, pattern, canonical = self.rng.choice(self.fams)
        module, _, name = canonical.partition(":")
        self.counter += 1
        n = self.counter
        return self.rng.choice([
            f"\n\nclass Bench{n}{pattern.strip('*')}:\n    pass\n",
            f"\nfrom {module} import {name} as BenchAlias{n}\n",
            f"\nfrom {module} import {name}\n",
            f"\nfrom {module} import {name} as {name}\n__all__ = ['{name}']\n",
            f"\nBenchRef{n} = {name}\n",
            "\ndef broken(:\n",
        ]).encode()  # fmt: skip

    def step(self) -> str:
        rng, top = self.rng, self.top
        kind = rng.choices(
            ["append", "cut", "same-size", "touch", "untracked", "delete", "add", "commit",
             "checkout", "back", "stash", "pop", "family"],
            weights=[8, 3, 3, 2, 2, 1, 2, 2, 1, 1, 1, 1, 1],
        )[0]  # fmt: skip
        if kind in ("append", "cut", "same-size", "touch", "delete"):
            path = self.pick()
            if not path.is_file():
                return f"{kind} {path.relative_to(top)} (gone)"
            data = path.read_bytes()
            if kind == "append":
                path.write_bytes(data + self.snippet())
            elif kind == "cut":
                lines = data.split(b"\n")
                at = rng.randrange(len(lines))
                del lines[at : at + rng.randint(1, 5)]
                path.write_bytes(b"\n".join(lines))
            elif kind == "same-size":
                self.same_size(path, data)
            elif kind == "touch":
                os.utime(path)
            else:
                path.unlink()
            return f"{kind} {path.relative_to(top)}"
        if kind == "untracked":
            folder = (top / rng.choice(self.files)).parent
            path = folder / f"bench_new_{self.counter}.py"
            path.write_bytes(self.snippet())
            return f"untracked {path.relative_to(top)}"
        if kind == "family":
            self.left_out = None if self.left_out is not None else rng.randrange(len(self.fams))
            self.write_configs()
            return f"family {self.left_out} left out"
        args = {"add": ["add", "-A"], "commit": ["commit", "-q", "-am", "bench"],
                "checkout": ["checkout", "-q", f"HEAD~{rng.randint(1, 2)}"],
                "back": ["checkout", "-q", "-f", "main"], "stash": ["stash", "-q", "-u"],
                "pop": ["stash", "pop", "-q"]}[kind]  # fmt: skip
        done = git(top, *args)
        return f"git {' '.join(args)}" + ("" if done.returncode == 0 else " (refused)")

    def same_size(self, path: Path, data: bytes) -> None:
        """A byte swapped for another, in place, the mtime put back; in the next second if git's
        own stat check (whole seconds, see tests/static/test_cache_model.py) would not see it."""
        before = path.stat()
        at = self.rng.randrange(len(data)) if data else 0
        new = (
            data[:at] + (b"X" if data[at : at + 1] != b"X" else b"Y") + data[at + 1 :]
            if data
            else data
        )
        for attempt in range(2):
            with open(path, "r+b") as fh:
                fh.write(new)
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
            rel = path.relative_to(self.top).as_posix()
            seen = subprocess.run([*GIT, "diff-files", "--quiet", "--", rel], cwd=self.top,
                                  env=ENV, check=False).returncode  # fmt: skip
            tracked = git(self.top, "ls-files", "-s", "-v", "--", rel).stdout.split()
            blind = (
                seen == 0
                and tracked[:1] == [b"H"]
                and (git(self.top, "hash-object", "--", rel).stdout.strip() != tracked[2])
            )
            if not blind or attempt:
                return
            time.sleep(1 - time.time() % 1 + 0.01)

    # the answers ----------------------------------------------------------------------------------
    def answers(self, full: bool) -> tuple[list, list, float, float]:
        """(warm answers, cold answers, warm seconds, cold seconds)."""
        formats = ("json", "text") if full else ("json",)
        warm, cold = [], []
        t0 = time.perf_counter()
        for fmt in formats:
            warm.append(run("audit", self.top, "--config", self.warm_cfg, "--format", fmt))
        t1 = time.perf_counter()
        for fmt in formats:
            shutil.rmtree(self.scratch / "cold-cache", ignore_errors=True)
            cold.append(run("audit", self.top, "--config", self.cold_cfg, "--format", fmt,
                            "--no-git"))  # fmt: skip
        t2 = time.perf_counter()
        if full:
            baseline = self.scratch / "baseline.json"
            before = baseline.read_bytes()
            got = []
            for cfg, flags in ((self.warm_cfg, ()), (self.cold_cfg, ("--no-git",))):
                baseline.write_bytes(before)
                shutil.rmtree(self.scratch / "cold-cache", ignore_errors=True)
                got.append((run("baseline", self.top, "--update", "--allow-increase", "--config",
                                cfg, *flags), baseline.read_bytes()))  # fmt: skip
            baseline.write_bytes(before)
            warm.append(got[0])
            cold.append(got[1])
        return warm, cold, t1 - t0, t2 - t1


def quiet(outcome: tuple) -> tuple:
    """The cache's own warnings are not part of the answer."""
    if isinstance(outcome[0], tuple):
        return (quiet(outcome[0]), outcome[1])
    code, out, err = outcome
    kept = "".join(line for line in err.splitlines(True) if "ssot-harness: warning: " not in line)
    return code, out, kept


def bench(name: str, steps: int, seed: int, report: int = 50) -> int:
    scratch = Path(tempfile.mkdtemp(prefix=f"ssot-cache-model-{name}-"))
    rng = random.Random(seed)
    walk = Walk(name, scratch, rng)
    history: list[str] = []
    mismatches = 0
    warm_s = cold_s = 0.0
    print(f"{name}: {len(walk.files)} files, {len(walk.candidates)} hold a family's name, "
          f"{len(walk.fams)} families; load {loadavg()}", flush=True)  # fmt: skip
    for n in range(1, steps + 1):
        history.append(walk.step())
        warm, cold, w, c = walk.answers(full=n % 10 == 0)
        warm_s += w
        cold_s += c
        if [quiet(a) for a in warm] != [quiet(a) for a in cold]:
            mismatches += 1
            report = scratch / f"mismatch-{n}.txt"
            report.write_text("\n".join(history) + "\n\nwarm:\n" + repr(warm) + "\n\ncold:\n"
                              + repr(cold))  # fmt: skip
            print(f"  step {n}: MISMATCH after {history[-1]!r} (see {report})", flush=True)
        if n % report == 0:
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(f"  {n} steps, {mismatches} mismatches; warm {warm_s / n:.2f} s, "
                  f"cold --no-git {cold_s / n:.2f} s a step (JSON; text and baseline every "
                  f"tenth); peak RSS {rss} MiB; load {loadavg()}", flush=True)  # fmt: skip
    print(f"{name}: {steps} steps, {mismatches} mismatches (seed {seed})", flush=True)
    if not mismatches:
        shutil.rmtree(scratch, ignore_errors=True)
    return mismatches


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", default="django,sympy")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--report", type=int, default=50, help="print progress every N steps")
    args = parser.parse_args()
    bad = sum(bench(name, args.steps, args.seed, args.report) for name in args.trees.split(","))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
