"""The `ssot-harness rewrite FAMILY` command: picks the mechanical members, refuses the others, runs
the codemod over the chosen paths and shows (--diff), checks (--check) or writes (--apply) the result."""

from __future__ import annotations

import argparse
import difflib
import fnmatch
import sys
from pathlib import Path

from harness.commands import front
from harness.config import DEFAULT_EXCLUDE
from harness.errors import UsageError
from harness.finish.extras import need
from harness.finish.plan import MemberStep, build_plan
from harness.model import Config
from harness.pin.audit import FamilyAudit, run_audit
from harness.scan.facts import module_name

HELP = """\
Rewrite the import sites and references of a family's mechanical members (aliases, re-exports,
getters returning the canonical class) to the canonical: `from m import Alias [as X]`, `import m as
x` then `x.Alias`, `__all__` entries, imports under TYPE_CHECKING and in try/except ImportError;
formatting and comments are kept, and a second run changes nothing. A member with an open declared
divergence is refused: fix the divergence first (`ssot-harness plan FAMILY` lists them).

exit status: 0 done (or, with --check, nothing to change); 1 --check found files to rewrite;
2 usage or config error (unknown or refused member)
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "rewrite",
        help="codemod: move callers of mechanical members to the canonical",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("family", metavar="FAMILY")
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders to rewrite (default: the config's roots)",
    )
    parser.add_argument(
        "--config", metavar="PYPROJECT", help="pyproject.toml holding [tool.ssot-harness]"
    )
    parser.add_argument(
        "--member",
        action="append",
        default=[],
        metavar="M",
        help="a member's short name or module:qualname (repeatable; default: every mechanical member)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_const",
        const="check",
        dest="mode",
        help="exit 1 when anything would change (CI, pre-commit)",
    )
    mode.add_argument(
        "--diff",
        action="store_const",
        const="diff",
        dest="mode",
        help="print a unified diff (the default)",
    )
    mode.add_argument(
        "--apply",
        action="store_const",
        const="apply",
        dest="mode",
        help="write the rewritten files",
    )
    parser.set_defaults(run=run, mode="diff")  # fmt: skip


def chosen_steps(config: Config, fa: FamilyAudit, wanted: list[str]) -> list[MemberStep]:
    """The plan's steps for the members to rewrite; a UsageError naming a member that may not be."""
    steps = build_plan(config, fa, None).steps
    if not wanted:
        return [s for s in steps if s.codemod]
    by_name = {s.name: s for s in steps} | {s.member: s for s in steps}
    out = []
    for name in wanted:
        step = by_name.get(name)
        if step is None:
            known = ", ".join(sorted(s.name for s in steps)) or "none"
            raise UsageError(
                f"--member {name}: not a non-canonical member of {fa.family.name} (known: {known})"
            )
        if step.divergences:
            contracts = ", ".join(d.contract for d in step.divergences)
            raise UsageError(
                f"--member {name}: refused, {step.member} has {len(step.divergences)} open declared "
                f"divergence{'s' * (len(step.divergences) != 1)} ({contracts}); fix the behaviour and remove "
                "the declarations first, then move its callers"
            )
        if not step.codemod:
            raise UsageError(
                f"--member {name}: a {step.kind} is not a mechanical rename; move its callers by hand (see `ssot-harness plan {fa.family.name}`)"
            )
        out.append(step)
    return out


def moves_for(config: Config, fa: FamilyAudit, steps: list[MemberStep]):  # noqa: ANN201
    from harness.finish.rewrite import Move

    canonical = fa.family.canonical
    again = frozenset(
        (module_name(f.path, config.import_roots)[0], canonical.qualname)
        for f in fa.findings
        if f.canonical and f.kind == "reexport"
    )
    moves = []
    for step in steps:
        module, _, name = step.member.partition(":")
        sources = {(module, name)}
        for f in fa.findings:
            if f.member == step.member and f.kind == "reexport":
                sources.add((module_name(f.path, config.import_roots)[0], name))
        moves.append(
            (
                step,
                Move(
                    frozenset(sources),
                    canonical.module,
                    canonical.qualname,
                    step.kind == "getter-class",
                    again,
                ),
            )
        )
    return moves


def python_files(config: Config, paths: list[str]) -> list[Path]:
    root = Path(config.root).resolve()
    excluded = (*DEFAULT_EXCLUDE, *config.exclude)
    out: set[Path] = set()
    for p in paths or list(config.roots):
        base = (Path.cwd() / p if paths else root / p).resolve()
        if not base.exists():
            raise UsageError(f"PATH {p!r} does not exist")
        files = [base] if base.is_file() else base.rglob("*.py")
        for f in files:
            rel = f.relative_to(root) if f.is_relative_to(root) else f
            if not any(fnmatch.fnmatch(part, x) for part in rel.parts[:-1] for x in excluded):
                out.add(f)
    return sorted(out)


def run(args: argparse.Namespace) -> int:
    need("libcst", "rewrite", "rewrite")
    from libcst import ParserSyntaxError

    from harness.finish.rewrite import rewrite_source

    config = front.load_project(args)
    config.family(args.family)
    fa = run_audit(config, require_baseline=False).family(args.family)
    moves = moves_for(config, fa, chosen_steps(config, fa, args.member))
    if not moves:
        print(f"rewrite: {args.family} has no mechanical member left to move", file=sys.stderr)
        return 0
    root = Path(config.root).resolve()
    changed = 0
    for path in python_files(config, args.paths):
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        module, is_package = module_name(rel, config.import_roots)
        package = module if is_package else module.rpartition(".")[0]
        try:
            before = text = path.read_text(encoding="utf-8")
            for _step, move in moves:
                result = rewrite_source(text, module, package, move, rel)
                for note in result.notes:
                    print(f"rewrite: {note}", file=sys.stderr)
                text = result.new
        except (UnicodeDecodeError, ParserSyntaxError) as exc:
            print(
                f"rewrite: skipped {rel}: not parseable Python ({str(exc).splitlines()[0]})",
                file=sys.stderr,
            )
            continue
        if text == before:
            continue
        changed += 1
        if args.mode == "diff":
            sys.stdout.writelines(
                difflib.unified_diff(
                    before.splitlines(True), text.splitlines(True), f"a/{rel}", f"b/{rel}"
                )
            )
        elif args.mode == "apply":
            path.write_text(text, encoding="utf-8", newline="")
            print(f"rewrote {rel}")
        else:
            print(f"would rewrite {rel}")
    names = ", ".join(step.name for step, _ in moves)
    print(
        f"rewrite: {changed} file{'s' * (changed != 1)} {'rewritten' if args.mode == 'apply' else 'to rewrite'} ({names} -> {fa.family.canonical})",
        file=sys.stderr,
    )
    return 1 if args.mode == "check" and changed else 0
