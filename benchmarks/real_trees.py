"""Real projects' sources for the benchmarks, fetched once into a cache outside the repository.

    .venv/bin/python benchmarks/real_trees.py [NAME ...]      # fetch (default: all), print paths
    .venv/bin/python benchmarks/real_trees.py --list          # what is known, and where it goes

Each project is an sdist from the package index (`pip download --no-deps --no-binary :all:`),
unpacked under the cache folder (`$SSOT_BENCH_CACHE`, default `~/.cache/ssot-harness-bench`) and
made a git work tree with one commit, so that the git-native paths are exercised as a user
inside their own checkout would exercise them. Nothing here is ever committed to this repository.

Other benchmarks import `tree(name)`: the path of the unpacked, committed tree (fetched if
missing), and `TREES`, the pinned versions and the roots a project's code lives under.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    name: str  # our short name
    requirement: str  # what pip downloads
    roots: tuple[str, ...]  # where the project's Python lives, relative to the tree

    @property
    def folder(self) -> str:
        return self.name + "-" + self.requirement.partition("==")[2]


TREES: dict[str, Project] = {
    p.name: p
    for p in (
        Project("homeassistant", "homeassistant==2024.3.3", ("homeassistant", "tests")),
        Project("django", "Django==5.2.19", ("django", "tests")),
        Project("sympy", "sympy==1.13.3", ("sympy",)),
        Project("airflow", "apache-airflow==2.10.5", ("airflow",)),
    )
}


def cache_dir() -> Path:
    return Path(os.environ.get("SSOT_BENCH_CACHE", Path.home() / ".cache" / "ssot-harness-bench"))


def _git(tree: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@localhost",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}  # fmt: skip
    subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=tree, env=env,
                   check=True, capture_output=True)  # fmt: skip


def tree(name: str) -> Path:
    """The project's unpacked sdist as a git work tree with one commit; fetched if missing."""
    project = TREES[name]
    target = cache_dir() / project.folder
    if (target / ".git" / "bench-ready").is_file():
        return target
    cache_dir().mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir()) as scratch:
        print(f"fetching {project.requirement} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", ":all:", "-d", scratch,
                        project.requirement], check=True)  # fmt: skip
        (archive,) = [p for p in Path(scratch).iterdir() if p.name.endswith(".tar.gz")]
        unpacked = Path(scratch) / "unpacked"
        with tarfile.open(archive) as tar:
            tar.extractall(unpacked, filter="data")
        (top,) = list(unpacked.iterdir())
        shutil.rmtree(target, ignore_errors=True)
        top.rename(target)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "--no-verify", "-m", f"{project.requirement} sdist")
    (target / ".git" / "bench-ready").write_text(project.requirement + "\n")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one of {', '.join(TREES)}")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        for p in TREES.values():
            print(f"{p.name}\t{p.requirement}\t{cache_dir() / p.folder}")
        return 0
    unknown = sorted(set(args.names) - set(TREES))
    if unknown:
        parser.error(f"unknown project {', '.join(unknown)}; known: {', '.join(TREES)}")
    for name in args.names or list(TREES):
        print(tree(name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
