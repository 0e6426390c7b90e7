"""The codemod over a project: the moves of the chosen members, the files the audit names for them
(nothing else is parsed), each rewritten on a core of its own and compiled before it is kept."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from harness.finish.plan import MemberStep
from harness.finish.rewrite import Move, rewrite_moves
from harness.model import Config
from harness.pin.audit import AuditReport, FamilyAudit, run_audit
from harness.scan.facts import module_name

# Below this many files the work is done in this process: forking costs more than it saves.
FORK_FROM = 8


@dataclass(frozen=True)
class Job:
    """One file to rewrite, with the moves the audit named it for (in the plan's order)."""

    path: str  # project-relative, posix
    module: str
    package: str
    moves: tuple[Move, ...]
    # the places the audit names in this file (line, what it saw): each must be rewritten or noted
    sites: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class FileOutcome:
    path: str
    before: str
    new: str
    notes: tuple[str, ...] = ()
    refused: str = ""  # why the rewritten text is not kept (it does not compile)
    skipped: str = ""  # why the file was not rewritten (not parseable)

    @property
    def changed(self) -> bool:
        return not self.refused and not self.skipped and self.new != self.before


def audit_with_callers(
    config: Config, extra: tuple[str, ...], *, use_cache: bool = True
) -> AuditReport:
    """The audit of the config's roots and of `extra` folders outside them, where only callers are
    looked for: a member is what is defined under the roots (a tests folder's fixture projects
    define classes of the same names, and are not the family)."""
    if not extra:
        return run_audit(config, require_baseline=False, use_cache=use_cache)
    wide = replace(config, roots=(*config.roots, *extra))
    report = run_audit(wide, require_baseline=False, use_cache=use_cache)
    families = []
    for fa in report.families:
        members = {
            f.member
            for f in fa.findings
            if f.kind in ("definition", "alias") and any(_covers(r, f.path) for r in config.roots)
        }
        families.append(replace(fa, findings=tuple(f for f in fa.findings if f.member in members)))
    return replace(report, families=tuple(families))


def moves_for(
    config: Config, fa: FamilyAudit, steps: list[MemberStep]
) -> list[tuple[MemberStep, Move]]:
    """Each step's move: the names under which its member is reachable (its module, the modules
    re-exporting it) to the canonical."""
    canonical = fa.family.canonical
    again = frozenset(
        (module_name(f.path, config.import_roots)[0], canonical.qualname)
        for f in fa.findings
        if f.canonical and f.kind == "reexport"
    )
    out = []
    for step in steps:
        sources: set[tuple[str, str]] = set()
        for member in (step.member, *step.aliases):  # its own names, and the aliases folded into it
            module, _, name = member.partition(":")
            sources |= {(module, name)} | {
                (module_name(f.path, config.import_roots)[0], name)
                for f in fa.findings
                if f.member == member and f.kind == "reexport"
            }
        # an alias no other module imports (`from m import Canonical as Alias` for use in its own
        # module) is moved where it is; one that others import stays until its deletion step
        home = step.location.rpartition(":")[0]
        elsewhere = [
            c for c in step.callers
            if c.kind != "through a wrapper" and c.location.rpartition(":")[0] != home
        ]  # fmt: skip
        imported_as = any(  # `from m import Canonical as Alias`, not `Alias = Canonical`
            f.kind == "alias" and f.location == step.location and f.detail.startswith("from ")
            for f in fa.findings
        )
        local = frozenset(sources if imported_as and not elsewhere else ())
        move = Move(
            frozenset(sources),
            canonical.module,
            canonical.qualname,
            step.kind == "getter-class",
            again,
            local,
        )
        out.append((step, move))
    return out


def jobs_for(
    config: Config, moves: list[tuple[MemberStep, Move]], paths: tuple[str, ...] | None
) -> list[Job]:
    """The files to parse: where each member is defined and every place the audit found it (its
    callers, re-exports, aliases folded into it), under `paths` (project-relative; None: anywhere)."""
    per_file: dict[str, list[Move]] = {}
    sites: dict[str, set[tuple[int, str]]] = {}
    for step, move in moves:
        callers = [c for c in step.callers if c.kind != "through a wrapper"]
        for location in [step.location] + [c.location for c in callers]:
            path = location.rpartition(":")[0]
            if paths is not None and not under(path, paths):
                continue
            chosen = per_file.setdefault(path, [])
            if move not in chosen:
                chosen.append(move)
        for c in callers:
            if c.kind == "alias":  # another member's own definition: the deletion step's
                continue
            path, _, line = c.location.rpartition(":")
            if path in per_file:
                sites.setdefault(path, set()).add((int(line), c.detail))
    jobs = []
    for path in sorted(per_file):
        module, is_package = module_name(path, config.import_roots)
        package = module if is_package else module.rpartition(".")[0]
        jobs.append(
            Job(path, module, package, tuple(per_file[path]), tuple(sorted(sites.get(path, ()))))
        )
    return jobs


def leftovers(job: Job, done: frozenset[tuple[int, str]]) -> tuple[str, ...]:
    """A note for each place the audit names in `job`'s file that the codemod neither rewrote nor
    left with a note of its own (`done`: see FileResult.sites): nothing is left silently."""
    return tuple(
        f"{job.path}:{line}: left {detail}: the audit names it and the codemod has no rule for "
        "it; move it by hand"
        for line, detail in job.sites
        if (line, "") not in done and (line, detail) not in done
    )


def under(path: str, folders: tuple[str, ...]) -> bool:
    """Whether the project-relative `path` lies at or under one of `folders`."""
    return any(_covers(f, path) for f in folders)


def _covers(folder: str, path: str) -> bool:
    return folder in ("", ".") or path == folder or path.startswith(folder.rstrip("/") + "/")


def rewrite_file(root: str, job: Job) -> FileOutcome:
    """`job`'s file with its moves applied; refused when the result would not compile."""
    try:
        before = (Path(root) / job.path).read_text(encoding="utf-8")
        result = rewrite_moves(before, job.module, job.package, job.moves, job.path)
        text, notes = result.new, result.notes + leftovers(job, result.sites)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return FileOutcome(job.path, "", "", skipped=f"not parseable Python ({reason})")
    if text == before:
        return FileOutcome(job.path, before, text, notes)
    refused = _does_not_compile(text, job.path)
    if refused:
        if _does_not_compile(before, job.path):
            refused += " (the file did not compile before the rewrite either)"
        return FileOutcome(job.path, before, text, notes, refused=refused)
    return FileOutcome(job.path, before, text, notes)


def _does_not_compile(source: str, path: str) -> str:
    """Why `source` does not compile ("" when it does): the check py_compile makes, without a .pyc."""
    try:
        compile(source, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        return f"the result does not compile: {getattr(exc, 'msg', exc)}" + (
            f" (line {line})" if line else ""
        )
    return ""


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_jobs(
    root: str,
    jobs: list[Job],
    *,
    processes: int | None = None,
    tick: Callable[[], None] = lambda: None,
) -> Iterator[FileOutcome]:
    """Every job's outcome, in the jobs' order, as they come: on every core when there are enough
    files to be worth forking for (`processes`: default the cores this process may use)."""
    processes = cores() if processes is None else processes
    if processes <= 1 or len(jobs) < FORK_FROM:
        for job in jobs:
            outcome = rewrite_file(root, job)
            tick()
            yield outcome
        return
    import functools
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ctx.Pool(min(processes, len(jobs))) as pool:
        for outcome in pool.imap(functools.partial(rewrite_file, root), jobs):
            tick()
            yield outcome
