"""How well discover's ranking leads to what a reviewer would consolidate, on real projects.

    .venv/bin/python benchmarks/discover_ranking.py [NAME ...]   # default: every labelled project
        [--source DIR]   # run DIR/harness instead (e.g. `git archive main harness | tar -x -C DIR`)

The labelled groups are in benchmarks/discover_labels.toml (found by hand, the reasoning beside
each). For each project, `discover ROOT --no-cache --format json` runs on its code root (the first
of `real_trees.TREES[name].roots`); a family shown by discover *hits* a labelled group when at
least two of the group's members are among its members. Prints per project precision at 5 and at
10 (the share of the first 5 and 10 families that hit some labelled group), the rank of every
labelled group (the first family hitting it; "-" when none does), and the first 10 families with
the evidence each names.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_trees import TREES, tree  # noqa: E402

HERE = Path(__file__).resolve().parent
LABELS = HERE / "discover_labels.toml"


def hits(family: dict, label: dict) -> bool:
    members = {m["member"] for m in family["members"]}
    return len(members & set(label["members"])) >= min(2, len(label["members"]))


def precision(families: list[dict], labels: list[dict], k: int) -> float:
    top = families[:k]
    return sum(any(hits(f, lab) for lab in labels) for f in top) / k


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    labelled = tomllib.loads(LABELS.read_text(encoding="utf-8"))
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"of {', '.join(labelled)}")
    parser.add_argument(
        "--source",
        type=Path,
        default=HERE.parent,
        help="the folder whose harness/ runs (default: this checkout), e.g. another ref exported",
    )
    args = parser.parse_args()
    for name in args.names or list(labelled):
        labels = labelled[name]
        root = TREES[name].roots[0]
        out = subprocess.run(
            [sys.executable, "-m", "harness.cli", "discover", root, "--no-cache", "--format",
             "json", "--top", "100000"],  # fmt: skip
            cwd=tree(name), capture_output=True, text=True, check=True,
            env={"PYTHONPATH": str(args.source.resolve()), "PATH": ""},
        )  # fmt: skip
        families = json.loads(out.stdout)["families"]
        exact = [lab for lab in labels if lab["kind"] == "exact"]
        ranks = {
            lab["name"]: next((f["rank"] for f in families if hits(f, lab)), None) for lab in labels
        }
        in_top = sum(1 for lab in exact if (ranks[lab["name"]] or 10**9) <= 10)
        print(
            f"## {TREES[name].requirement} `{root}`: {len(families)} families, {len(labels)} labelled"
        )
        print(f"precision@5 {precision(families, labels, 5):.2f}, "
              f"precision@10 {precision(families, labels, 10):.2f}, "
              f"exact-name groups in the top 10: {in_top} of {len(exact)}")  # fmt: skip
        print("| labelled group | kind | rank |\n| --- | --- | --- |")
        for lab in labels:
            print(f"| {lab['name']} | {lab['kind']} | {ranks[lab['name']] or '-'} |")
        print("\nfirst 10:")
        for f in families[:10]:
            mark = next((lab["name"] for lab in labels if hits(f, lab)), "")
            print(f"{f['rank']:>3}. {f['name']} ({f['score']}){' = ' + mark if mark else ''}: "
                  f"{'; '.join(f['why'])}")  # fmt: skip
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
