"""The `ssot-harness discover` command: collect, rank, print the likely families with a config each."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from harness.discover.early import head_start
from harness.errors import UsageError
from harness.scan import early

if TYPE_CHECKING:
    from harness.discover.rank import Definition, Evidence, Group

DESCRIPTION = """\
Rank likely SSOT families in a tree with no config yet, best first, each with a config block
ready to paste and the evidence that put it there. Strongest first: one class name defined in
several non-test modules, or names that differ by a migration word (Legacy..., Unified..., ...V2,
...Async, a module under legacy/ or named old_...), whose classes are alike (bases and methods) or
linked (one copy's module imports from the other's); a same-named subclass that adds nothing (a
shim), a class defined where its import fails, a deprecation a class states (one that only warns
forms a family with the class it subclasses); then the same laid out as plugins (one class per
module of a folder), homonyms with nothing in common, or subclasses of their own name; then a
role word shared (Factory, Registry, Supervisor, Notifier/Bridge/Emitter..., and words the tree
itself uses for three or more subjects, e.g. *Calculator) with similar public methods. A role group
whose methods hardly overlap is low confidence and ranks below all of those. Getters (`get_*`,
async too), classmethod constructors, aliases and re-exports under another name join as ways in,
each alias with the class it stands for. Classes defined in try/except or if blocks count. Test
doubles (under test folders, or named Fake/Mock/Stub/Test...) are listed apart and never counted.
The canonical guess is the member the tree imports and calls most. Inside a git work tree, one git
grep outlines the files and only the files that may make the families shown are parsed. The
project's [tool.ssot-harness] exclude is honoured.
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "discover",
        help="rank likely SSOT families in a tree with no config, with a ready-to-paste config for each",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "path", nargs="?", default=".", metavar="PATH", help="the tree to read (default: .)"
    )
    parser.add_argument(
        "--top", type=int, default=10, help="how many families to show (default: 10)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the scan cache"
    )
    parser.add_argument(
        "--no-git",
        action="store_true",
        help="walk PATH even inside a git work tree (by default git lists the files, honouring "
        "its ignore rules)",
    )
    parser.set_defaults(run=run)


def _project_exclude(path: Path) -> tuple[str, ...]:
    """The `exclude` of the project's [tool.ssot-harness] (found at or above `path`), if any."""
    from harness.config import find_pyproject, load_config

    pyproject = find_pyproject(path)
    return () if pyproject is None else load_config(pyproject).exclude


def _shown(path: Path, base: Path) -> str:
    """A skipped path relative to the working directory when under it; links are not followed (a
    symlink loop is reported where the link is, not where it points)."""
    full = os.path.abspath(base / path)
    cwd = os.getcwd()
    if full == cwd or full.startswith(cwd.rstrip(os.sep) + os.sep):
        return Path(os.path.relpath(full, cwd)).as_posix()
    return Path(full).as_posix()


def _member(m: Definition) -> dict[str, object]:
    return {"member": m.member, "kind": m.kind, "path": m.path, "line": m.line}


def _family(i: int, g: Group, evidence: Evidence) -> dict[str, object]:
    from harness.discover.config_block import toml_block

    return {
        "rank": i,
        "name": g.name,
        "score": g.score,
        "why": g.why,
        "members": [_member(m) for m in g.members],
        "test_doubles": [_member(m) for m in g.doubles],
        "config": toml_block(g, evidence),
    }


def run(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.exists():
        raise UsageError(f"PATH {args.path!r} does not exist")
    if not args.no_git:
        head_start(root)  # git lists and searches the tree while the rest is imported
    try:
        return _run(args, root)
    finally:
        early.discard()  # what an error left untaken


def _run(args: argparse.Namespace, root: Path) -> int:
    from harness.discover.collect import Reading
    from harness.discover.config_block import toml_block
    from harness.discover.rank import rank_groups, sort_members
    from harness.discover.steps import decided
    from harness.scan.index import gc_paused

    reading = Reading.open(
        root, exclude=_project_exclude(root), use_cache=not args.no_cache, git=not args.no_git
    )
    try:
        with gc_paused():  # outlines, facts and groups are many objects and no cycles
            groups = rank_groups(reading.parse_first(), reading.learned)
            if not decided(groups, args.top):  # the second step's files may matter (see steps.py)
                groups = rank_groups(reading.parse_rest(), reading.learned)
            shown = [g for g in groups if g.score > 0][: args.top]
            evidence = reading.evidence({m.name.split(".")[0] for g in shown for m in g.members})
            sort_members(shown, evidence)
    finally:
        reading.close()
    found = reading.collected(evidence)
    skipped = [{"path": _shown(s.path, found.base), "reason": s.reason} for s in found.skipped]
    if args.format == "json":
        data = {
            "families": [_family(i, g, found.evidence) for i, g in enumerate(shown, 1)],
            "learned_roles": sorted(found.learned),
            "skipped": skipped,
        }
        print(json.dumps(data, indent=2, sort_keys=True))
        return 0
    print(
        f"ssot-harness discover: {found.files} files, {len(found.defs)} "
        f"candidate definitions under {args.path}; likely families, best first"
    )
    if found.learned:
        print(f"role words learned from the tree: {', '.join(sorted(found.learned))}")
    for i, g in enumerate(shown, 1):
        print(f"\n{i}. {g.name}  (score {g.score}: {'; '.join(g.why)})")
        for m in g.members:
            print(f"     {m.path}:{m.line}  {m.member}  ({m.kind})")
        if g.doubles:
            print("   test doubles (not counted):")
            for m in g.doubles:
                print(f"     {m.path}:{m.line}  {m.member}  ({m.kind})")
        print("\n   " + toml_block(g, found.evidence).replace("\n", "\n   "))
    if not shown:
        print("\nno group of two or more definitions shares a role: nothing to consolidate found")
    print(f"\nskipped ({len(skipped)} files):")
    for s in skipped:
        print(f"  {s['path']}: {s['reason']}")
    return 0
