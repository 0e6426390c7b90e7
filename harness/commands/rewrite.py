"""The `ssot-harness rewrite FAMILY` command: picks the mechanical members, refuses the others, runs
the codemod over the chosen paths and shows (--diff), checks (--check) or writes (--apply) the result."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from harness.commands import front
from harness.errors import UsageError
from harness.finish.plan import MemberStep, build_plan
from harness.model import Config
from harness.pin.audit import FamilyAudit

HELP = """\
Rewrite the import sites and references of a family's mechanical members (aliases, re-exports,
getters returning the canonical class) to the canonical: `from m import Alias [as X]`, `import m as
x` then `x.Alias`, `from p import m [as x]` (or `from . import m`) then `x.Alias`, `__all__`
entries, imports under TYPE_CHECKING and in try/except ImportError;
formatting and comments are kept, and a second run changes nothing. A member with an open declared
divergence is refused: fix the divergence first (`ssot-harness plan FAMILY` lists them). A place
where the canonical's name already means something else, or would once renamed (a parameter or
local of that name between the use and the import), is left as it was, with a note saying why;
so is any other place the audit names that the codemod does not move (a dotted path in a string).

Only the files the audit names for the chosen members are parsed (their modules, and every place
it found them), on every core. Each rewritten file must compile, or it is left as it was and named
with the reason. --apply refuses to write in a git work tree with uncommitted changes (unless
--allow-dirty), then reruns the audit: the moved places gone, no new place in any family.

exit status: 0 done (or, with --check, nothing to change); 1 --check found files to rewrite, a
file's rewrite was refused, or the audit after --apply shows a new place; 2 usage or config error
(unknown or refused member, dirty work tree)
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "rewrite",
        help="codemod: move callers of mechanical members to the canonical",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("family", metavar="FAMILY")
    front.add_paths(parser, "rewrite")
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the scan cache"
    )
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="with --apply, write even when the git work tree has uncommitted changes",
    )
    parser.add_argument(
        "--progress",
        choices=("auto", "on", "off"),
        default="auto",
        help="progress on stderr: a bar on a terminal, plain lines otherwise (auto: once the run "
        "has lasted a second)",
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


def run(args: argparse.Namespace) -> int:
    import time

    from harness.finish.progress import Progress
    from harness.finish.proof import dirty_files, prove
    from harness.finish.sweep import audit_with_callers, jobs_for, moves_for, run_jobs

    started = time.monotonic()
    config, under, extra = front.load_paths(args.paths, args.config)
    config.family(args.family)
    use_cache = not args.no_cache
    report = audit_with_callers(config, extra, use_cache=use_cache)
    fa = report.family(args.family)
    moves = moves_for(config, fa, chosen_steps(config, fa, args.member))
    if not moves:
        print(f"rewrite: {args.family} has no mechanical member left to move", file=sys.stderr)
        return 0
    root = Path(config.root)
    jobs = jobs_for(config, moves, under)
    if args.mode == "apply" and not args.allow_dirty:
        dirty = dirty_files(root, [j.path for j in jobs])
        if dirty:
            shown = ", ".join(dirty[:10]) + (
                f" and {len(dirty) - 10} more" if len(dirty) > 10 else ""
            )
            raise UsageError(
                f"rewrite --apply: the git work tree has uncommitted changes ({shown}); commit or "
                "stash them first, so that `git diff` shows exactly what the rewrite did, or pass "
                "--allow-dirty"
            )
    progress = Progress(
        len(jobs), "rewrite", delay={"auto": 1.0, "on": 0.0}.get(args.progress, float("inf"))
    )
    changed = refused = 0
    for outcome in run_jobs(str(root), jobs, tick=progress.advance):
        for note in outcome.notes:
            progress.note(f"rewrite: {note}")
        if outcome.skipped:
            progress.note(f"rewrite: skipped {outcome.path}: {outcome.skipped}")
            continue
        if outcome.refused:
            refused += 1
            progress.note(f"rewrite: refused {outcome.path}: {outcome.refused}; left as it was")
            continue
        if not outcome.changed:
            continue
        changed += 1
        if args.mode == "diff":
            sys.stdout.writelines(
                difflib.unified_diff(
                    outcome.before.splitlines(True),
                    outcome.new.splitlines(True),
                    f"a/{outcome.path}",
                    f"b/{outcome.path}",
                )
            )
        elif args.mode == "apply":
            (root / outcome.path).write_text(outcome.new, encoding="utf-8", newline="")
            print(f"rewrote {outcome.path}")
        else:
            print(f"would rewrite {outcome.path}")
        sys.stdout.flush()
    progress.close()
    names = ", ".join(step.name for step, _ in moves)
    print(
        f"rewrite: {changed} file{'s' * (changed != 1)} {'rewritten' if args.mode == 'apply' else 'to rewrite'} "
        f"({names} -> {fa.family.canonical}); {len(jobs)} file{'s' * (len(jobs) != 1)} parsed, the ones "
        f"the audit names of {report.files_walked} walked; {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    if refused:
        print(
            f"rewrite: {refused} file{'s' * (refused != 1)} refused (their result does not compile): "
            "move those callers by hand",
            file=sys.stderr,
        )
    failed = bool(refused)
    if args.mode == "apply" and changed:
        after = audit_with_callers(config, extra, use_cache=use_cache)
        in_place = frozenset(step.member for step, move in moves if move.local)
        moved = {m for step, _ in moves for m in (step.member, *step.aliases)}  # folded aliases too
        proof = prove(report, after, args.family, moved, in_place)
        print(
            f"rewrite: audit after the rewrite: {proof.gone} place{'s' * (proof.gone != 1)} of the "
            f"moved members gone, {proof.left} left"
            + (
                " (see the notes above, and dotted paths in strings, which it does not rewrite)"
                if proof.left
                else ""
            )
            + ("; no new place" if not proof.new else f"; {len(proof.new)} NEW places:"),
            file=sys.stderr,
        )
        for place in proof.new:
            print(f"  {place}", file=sys.stderr)
        failed = failed or bool(proof.new)
    return 1 if failed or (args.mode == "check" and changed) else 0
