"""`ssot-harness rewrite` at a monorepo's scale: only the files the audit names are parsed, progress
shows on long runs, a result that does not compile is refused, a dirty work tree is refused, and
the audit after --apply proves the move (moved places gone, none new)."""

from __future__ import annotations

import io
import json
import py_compile
import re
import subprocess
from pathlib import Path

from harness.config import load_config
from harness.finish import sweep
from harness.finish.progress import Progress
from harness.finish.rewrite import rewrite_moves
from harness.finish.sweep import audit_with_callers, moves_for
from harness.scan.facts import module_name

UNRELATED = '"""An unrelated module: nothing of the oven family in it."""\n\nVALUE = {n}\n'

# `global Oven` (legal, and a no-op, at module level) after the use: fine today (Oven is not used
# before it), a SyntaxError once the codemod turns LegacyOven() into Oven()
LATE = '''"""A caller whose rewrite would not compile."""

from kitchen.compat import LegacyOven

OVEN = LegacyOven(100)
global Oven
'''


def _rewrite(cli, kitchen: Path, *args: str):
    return cli("rewrite", "oven", kitchen / "kitchen", kitchen / "tests", "--config",
               kitchen / "pyproject.toml", "--no-cache", *args)  # fmt: skip


def _with_unrelated_files(kitchen: Path, n: int = 30) -> None:
    for i in range(n):
        (kitchen / "kitchen" / f"unrelated_{i}.py").write_text(UNRELATED.format(n=i))


def test_only_the_files_the_audit_names_are_parsed_and_none_is_missed(
    cli, kitchen, monkeypatch
) -> None:
    _with_unrelated_files(kitchen)
    parsed: list[str] = []
    real = sweep.rewrite_moves

    def counting(source: str, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        parsed.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(sweep, "rewrite_moves", counting)
    texts = {p.read_text(): p.relative_to(kitchen).as_posix() for p in kitchen.rglob("*.py")}
    before = {p: p.read_text() for p in kitchen.rglob("*.py")}
    outcome = _rewrite(cli, kitchen, "--check")
    assert outcome.code == 1, outcome.err
    files = sorted(texts[s] for s in parsed)
    # the members' modules and their callers: 6 of the 37 Python files
    assert files == [
        "kitchen/__init__.py", "kitchen/api.py", "kitchen/compat.py", "kitchen/menu.py",
        "kitchen/ovens.py", "tests/test_kitchen.py",
    ]  # fmt: skip
    assert "6 files parsed, the ones the audit names of" in outcome.err
    # parsing every file would have changed the same files: the audit missed none
    config = load_config(kitchen / "pyproject.toml")
    report = audit_with_callers(config, ("tests",), use_cache=False)
    fa = report.family("oven")
    from harness.commands.rewrite import chosen_steps

    moves = tuple(m for _, m in moves_for(config, fa, chosen_steps(config, fa, [])))
    everywhere = set()
    for path, text in before.items():
        rel = path.relative_to(kitchen).as_posix()
        module, is_package = module_name(rel, config.import_roots)
        package = module if is_package else module.rpartition(".")[0]
        if rewrite_moves(text, module, package, moves, rel).changed:
            everywhere.add(rel)
    would = {
        line.split()[-1] for line in outcome.out.splitlines() if line.startswith("would rewrite")
    }
    assert would == everywhere and len(everywhere) == 3


def test_progress_shows_on_a_long_run_as_lines_or_a_bar() -> None:
    now = [0.0]
    plain = io.StringIO()
    quiet = Progress(400, "rewrite", stream=plain, delay=1.0, every=5.0, clock=lambda: now[0])
    for _ in range(100):  # the first 100 files in half a second: nothing printed
        now[0] += 0.005
        quiet.advance()
    assert plain.getvalue() == ""
    for _ in range(300):  # then 300 more over 6 s: a line on passing 1 s, one 5 s later, the end
        now[0] += 0.02
        quiet.advance()
    quiet.close()
    lines = plain.getvalue().splitlines()
    assert lines[0].startswith("rewrite: 125/400 files, 1.0 s")
    assert lines[-1] == "rewrite: 400/400 files, 6.5 s" and len(lines) == 3

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Terminal()
    now[0] = 0.0
    bar = Progress(10, "rewrite", stream=tty, delay=0.0, clock=lambda: now[0])
    for _ in range(5):
        now[0] += 1.0
        bar.advance()
    bar.note("rewrite: a note")
    bar.close()
    out = tty.getvalue()
    assert "\rrewrite [" + "#" * 15 + "-" * 15 + "] 5/10 files, 5.0 s, ~5 s left" in out
    assert "\r\x1b[Krewrite: a note\n" in out and out.endswith("\n")


def test_progress_on_the_command_line(cli, kitchen) -> None:
    outcome = _rewrite(cli, kitchen, "--check", "--progress", "on")
    assert "rewrite: 6/6 files," in outcome.err
    off = _rewrite(cli, kitchen, "--check", "--progress", "off")
    assert off.code == 1 and not re.search(r"rewrite: \d+/\d+ files", off.err)


def test_a_result_that_does_not_compile_is_refused_and_the_others_go_on(cli, kitchen) -> None:
    late = kitchen / "kitchen" / "late.py"
    late.write_text(LATE)
    py_compile.compile(
        str(late), cfile=str(kitchen / "late.pyc"), doraise=True
    )  # it compiles today
    outcome = _rewrite(cli, kitchen, "--apply")
    assert outcome.code == 1
    assert (
        "rewrite: refused kitchen/late.py: the result does not compile: name 'Oven' is used prior "
        "to global declaration (line 6); left as it was" in outcome.err
    )
    assert late.read_text() == LATE
    assert "rewrote kitchen/menu.py" in outcome.out and "rewrote kitchen/late.py" not in outcome.out
    assert "1 file refused (their result does not compile)" in outcome.err


def test_a_dirty_work_tree_is_refused_unless_allowed(cli, repo) -> None:
    (repo / "kitchen" / "old.py").write_text("# edited, not committed\n")
    refused = _rewrite(cli, repo, "--apply")
    assert refused.code == 2
    assert "uncommitted changes (kitchen/old.py)" in refused.err and "--allow-dirty" in refused.err
    assert "compat.LegacyOven(220)" in (repo / "kitchen" / "menu.py").read_text()
    assert _rewrite(cli, repo, "--check").code == 1  # only --apply writes, only it is refused
    assert _rewrite(cli, repo, "--apply", "--allow-dirty").code == 0
    assert "compat.LegacyOven" not in (repo / "kitchen" / "menu.py").read_text()


def test_a_clean_work_tree_is_rewritten_and_git_shows_exactly_that(cli, repo) -> None:
    outcome = _rewrite(cli, repo, "--apply")
    assert outcome.code == 0, outcome.err
    rewritten = sorted(line.split()[-1] for line in outcome.out.splitlines())
    diff = subprocess.run(["git", "diff", "--name-only"], cwd=repo, capture_output=True, text=True)
    assert diff.stdout.split() == rewritten


def test_after_apply_the_audit_shows_the_moved_places_gone_and_check_is_clean(cli, kitchen) -> None:
    outcome = _rewrite(cli, kitchen, "--apply")
    assert outcome.code == 0, outcome.err
    assert (
        "audit after the rewrite: 6 places of the moved members gone, 0 left; no new place"
        in outcome.err
    )
    for line in outcome.out.splitlines():
        py_compile.compile(
            str(kitchen / line.split()[-1]), cfile=str(kitchen / "x.pyc"), doraise=True
        )
    audit = cli("audit", kitchen, "--format", "json", "--no-cache")
    (family,) = json.loads(audit.out)["families"]
    moved = {"kitchen:Stove", "kitchen.compat:LegacyOven", "kitchen.ovens:get_oven_class"}
    assert [f for f in family["findings"] if f["member"] in moved and not f["canonical"]
            and f["kind"] not in ("definition", "alias")] == []  # fmt: skip
    assert _rewrite(cli, kitchen, "--check").code == 0


def test_plan_and_rewrite_take_a_path_and_a_config_kept_outside_the_tree(
    cli, kitchen, tmp_path, monkeypatch
) -> None:
    text = (kitchen / "pyproject.toml").read_text()
    outside = tmp_path / "elsewhere" / "ssot.toml"
    outside.parent.mkdir()
    outside.write_text(text[text.index("[tool.ssot-harness]") :])
    (kitchen / "pyproject.toml").write_text(text[: text.index("[tool.ssot-harness]")])
    monkeypatch.chdir(tmp_path)
    plan = cli("plan", "oven", kitchen, "--config", outside)
    assert plan.code == 0, plan.err
    assert "`kitchen/menu.py:8` import" in plan.out
    narrowed = cli("plan", "oven", kitchen / "tests", "--config", outside)
    assert "kitchen/menu.py" not in narrowed.out and "`tests/test_kitchen.py:4`" in narrowed.out
    check = cli("rewrite", "oven", kitchen, "--config", outside, "--no-cache", "--check")
    assert check.code == 1 and "would rewrite kitchen/menu.py" in check.out
    missing = cli("rewrite", "oven", kitchen / "nowhere", "--config", outside)
    assert missing.code == 2 and "does not exist" in missing.err


def test_forked_workers_give_what_this_process_gives(kitchen) -> None:
    from harness.commands.rewrite import chosen_steps
    from harness.finish.sweep import FORK_FROM, jobs_for, run_jobs

    config = load_config(kitchen / "pyproject.toml")
    fa = audit_with_callers(config, ("tests",), use_cache=False).family("oven")
    jobs = jobs_for(config, moves_for(config, fa, chosen_steps(config, fa, [])), None) * 3
    assert len(jobs) >= FORK_FROM  # enough files to fork for
    ticks: list[int] = []
    forked = list(run_jobs(str(kitchen), jobs, processes=2, tick=lambda: ticks.append(1)))
    inline = list(run_jobs(str(kitchen), jobs, processes=1))
    assert forked == inline and len(ticks) == len(jobs)
    assert [o.path for o in forked] == [j.path for j in jobs]  # in the jobs' order
    assert sum(o.changed for o in forked) == 9


def test_importers_of_an_alias_folded_into_another_members_step_move_with_it(cli, kitchen) -> None:
    # OldOven aliases LegacyOven (a member, not the canonical): the plan folds it into LegacyOven's
    # step, so its importers are that step's callers, and the codemod moves them too
    (kitchen / "kitchen" / "legacy_api.py").write_text(
        '"""Older API."""\n\nfrom kitchen.compat import LegacyOven as OldOven\n\n__all__ = ["OldOven"]\n'
    )
    brunch = kitchen / "kitchen" / "brunch.py"
    brunch.write_text(
        'from kitchen.legacy_api import OldOven\n\n\ndef brunch() -> str:\n    return OldOven(170).bake("eggs")\n'
    )
    plan = cli(
        "plan",
        "oven",
        kitchen / "kitchen",
        kitchen / "tests",
        "--config",
        kitchen / "pyproject.toml",
    )
    assert (
        "- `kitchen/brunch.py:1` import: from kitchen.legacy_api import OldOven (import)"
        in plan.out
    )
    assert (
        "`kitchen/legacy_api.py:3` alias: OldOven (alias of LegacyOven: moves with it)" in plan.out
    )
    outcome = _rewrite(cli, kitchen, "--member", "LegacyOven", "--apply")
    assert outcome.code == 0, outcome.err
    assert brunch.read_text() == (
        'from kitchen.ovens import Oven\n\n\ndef brunch() -> str:\n    return Oven(170).bake("eggs")\n'
    )
    # brunch.py's import of OldOven counts among the places gone
    assert (
        "audit after the rewrite: 5 places of the moved members gone, 0 left; no new place"
        in outcome.err
    )


def test_an_alias_of_the_canonical_for_use_in_its_own_module_is_moved_there(cli, kitchen) -> None:
    # `Oven as TinyOven` is a member nothing imports: the audit says "use kitchen.ovens:Oven
    # instead", and the codemod does it in place; an exported one, or one whose module already
    # has another Oven, stays
    lunchbox = kitchen / "kitchen" / "lunchbox.py"
    lunchbox.write_text(
        "from kitchen.ovens import Oven as TinyOven, get_oven_class\n\n\n"
        "def pack() -> object:\n    return TinyOven(90), get_oven_class\n"
    )
    both = kitchen / "kitchen" / "both.py"  # (airflow: `TaskInstance, TaskInstance as TI`)
    both.write_text("from kitchen.ovens import Oven, Oven as BothOven\n\nX = (Oven, BothOven())\n")
    public = kitchen / "kitchen" / "public.py"
    public.write_text('from kitchen.ovens import Oven as PublicOven\n\n__all__ = ["PublicOven"]\n')
    clash = kitchen / "kitchen" / "clash.py"
    clash.write_text(
        "from kitchen.ovens import Oven as OtherOven\n\nOven = None\n\n\ndef f():\n    return OtherOven()\n"
    )
    outcome = _rewrite(cli, kitchen, "--member", "TinyOven", "--member", "PublicOven",
                       "--member", "OtherOven", "--member", "BothOven", "--apply")  # fmt: skip
    assert outcome.code == 0, outcome.err
    assert lunchbox.read_text() == (
        "from kitchen.ovens import Oven, get_oven_class\n\n\n"
        "def pack() -> object:\n    return Oven(90), get_oven_class\n"
    )
    assert both.read_text() == "from kitchen.ovens import Oven\n\nX = (Oven, Oven())\n"
    assert public.read_text().startswith("from kitchen.ovens import Oven as PublicOven\n")
    assert (
        "kitchen/clash.py:1: left OtherOven: Oven already names something else here" in outcome.err
    )
    assert "Oven as OtherOven" in clash.read_text()
    # the moved alias is a place gone; the refused one and the exported one are left
    assert "audit after the rewrite: 2 places of the moved members gone, 2 left" in outcome.err
