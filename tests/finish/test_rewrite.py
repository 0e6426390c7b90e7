"""`ssot-harness rewrite`: the codemod on the kitchen fixture, checked by re-running the audit and
the fixture project's own tests; idempotent; --check for CI; divergent members refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.finish.rewrite import Move, rewrite_source

MOVE = Move(frozenset({("kitchen.compat", "LegacyOven")}), "kitchen.ovens", "Oven", getter=False)


def _rewrite(cli, kitchen: Path, *args: str):
    return cli(
        "rewrite",
        "oven",
        kitchen / "kitchen",
        kitchen / "tests",
        "--config",
        kitchen / "pyproject.toml",
        *args,
    )


def _project_tests(kitchen: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"],
        cwd=kitchen,
        capture_output=True,
        text=True,
    )


def test_apply_moves_every_mechanical_use_and_the_project_still_passes(cli, kitchen) -> None:
    before = json.loads(cli("audit", kitchen, "--format", "json", "--no-cache").out)
    assert _rewrite(cli, kitchen, "--apply").code == 0
    after = cli("audit", kitchen, "--format", "json", "--no-cache")
    assert after.code == 0, after.err  # within the baseline
    (family,) = json.loads(after.out)["families"]
    left = {(f["kind"], f["member"]) for f in family["findings"] if not f["canonical"]}
    # only the definitions remain (deleted in the plan's last steps) and the divergent member's import
    assert left == {
        ("definition", "kitchen.old:SlowOven"),
        ("definition", "kitchen.ovens:get_oven_class"),
        ("alias", "kitchen:Stove"),
        ("alias", "kitchen.compat:LegacyOven"),
        ("import", "kitchen.old:SlowOven"),
    }
    assert len(family["findings"]) < len(before["families"][0]["findings"])
    run = _project_tests(kitchen)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "7 passed" in run.stdout


def test_formatting_comments_all_and_fallbacks_are_kept(cli, kitchen) -> None:
    assert _rewrite(cli, kitchen, "--apply").code == 0
    menu = (kitchen / "kitchen" / "menu.py").read_text()
    assert '    # the stove is fine for lunch\n    return Oven(190).bake("soup")' in menu
    assert (
        "try:\n    from kitchen.ovens import Oven\nexcept ImportError:  # very old installs\n    Oven = None"
        in menu
    )
    assert "if TYPE_CHECKING:\n    from kitchen.ovens import Oven\n" in menu
    assert "def dinner(oven: Oven | None = None) -> str:\n    oven = oven or Oven(220)" in menu
    assert 'return Oven(120).bake("bread")' in menu  # the getter's call became the canonical
    api = (kitchen / "kitchen" / "api.py").read_text()
    assert api.endswith('from kitchen.ovens import Oven\n\n__all__ = ["Oven"]\n')


def test_second_run_changes_nothing_and_check_says_so(cli, kitchen) -> None:
    assert _rewrite(cli, kitchen, "--check").code == 1
    diff = _rewrite(cli, kitchen)
    assert diff.code == 0 and "+++ b/kitchen/menu.py" in diff.out
    assert (
        "compat.LegacyOven" in (kitchen / "kitchen" / "menu.py").read_text()
    )  # --diff wrote nothing
    assert _rewrite(cli, kitchen, "--apply").code == 0
    snapshot = {p: p.read_bytes() for p in kitchen.rglob("*.py")}
    again = _rewrite(cli, kitchen, "--check")
    assert again.code == 0 and "0 files to rewrite" in again.err
    assert {p: p.read_bytes() for p in kitchen.rglob("*.py")} == snapshot


def test_a_member_with_an_open_divergence_is_refused_by_name(cli, kitchen) -> None:
    refused = _rewrite(cli, kitchen, "--member", "SlowOven", "--apply")
    assert refused.code == 2
    assert (
        "kitchen.old:SlowOven has 1 open declared divergence (test_bakes_at_the_asked_temperature)"
        in refused.err
    )
    unknown = _rewrite(cli, kitchen, "--member", "Grill")
    assert unknown.code == 2 and "not a non-canonical member of oven" in unknown.err


def test_one_member_at_a_time(cli, kitchen) -> None:
    assert _rewrite(cli, kitchen, "--member", "Stove", "--apply").code == 0
    menu = (kitchen / "kitchen" / "menu.py").read_text()
    assert "from kitchen import Stove" not in menu and "compat.LegacyOven(220)" in menu


def test_a_getter_used_other_than_as_a_call_is_left_with_a_note() -> None:
    move = Move(
        frozenset({("kitchen.ovens", "get_oven_class")}), "kitchen.ovens", "Oven", getter=True
    )
    source = "from kitchen.ovens import get_oven_class\n\nFACTORIES = [get_oven_class]\n"
    result = rewrite_source(source, "kitchen.menu", "kitchen", move, "kitchen/menu.py")
    assert not result.changed
    assert result.notes == (
        "kitchen/menu.py:1: left get_oven_class: used other than as `get_oven_class()`",
    )


def test_relative_imports_and_a_clash_with_the_canonical_name() -> None:
    source = "from .compat import LegacyOven  # old\n\nx = LegacyOven()\n"
    assert (
        rewrite_source(source, "kitchen.menu", "kitchen", MOVE).new
        == "from kitchen.ovens import Oven  # old\n\nx = Oven()\n"
    )
    clash = "from kitchen.compat import LegacyOven\n\nOven = 3\nx = LegacyOven()\n"
    result = rewrite_source(clash, "kitchen.menu", "kitchen", MOVE, "m.py")
    assert not result.changed and "Oven already names something else here" in result.notes[0]


def test_a_relative_import_of_the_canonical_is_no_clash() -> None:
    # sympy/__init__.py imports both names from `.matrices`: the canonical was taken for a clash
    source = (
        "from .ovens import Oven\nfrom .compat import LegacyOven\n\nx = LegacyOven()\ny = Oven()\n"
    )
    result = rewrite_source(source, "kitchen.menu", "kitchen", MOVE, "kitchen/menu.py")
    assert result.notes == () and "x = Oven()" in result.new
    compile(result.new, "kitchen/menu.py", "exec")


# `Oven` is a parameter of stoke(): LegacyOven() there becoming Oven() would call the argument
STOKE = "{head}\n\n\ndef stoke(Oven):\n    return {stoke}\n\n\ndef roast():\n    {roast}\n"


@pytest.mark.parametrize(
    ("head", "stoke", "roast", "note", "moved"),
    [
        (  # the import's binding: left whole; the other import, in a scope of its own, moves
            "from kitchen.compat import LegacyOven",
            "LegacyOven(Oven)",
            "from kitchen.compat import LegacyOven as Old\n\n    return Old(200)",
            "kitchen/menu.py:1: left LegacyOven: at line 5, Oven is a parameter of `stoke` (line 4)",
            [("from kitchen.compat import LegacyOven as Old\n\n    return Old(200)",
              "from kitchen.ovens import Oven\n\n    return Oven(200)")],
        ),
        (  # `module.Member`: that place is left, the other one moves
            "import kitchen.compat as compat",
            "compat.LegacyOven(Oven)",
            "return compat.LegacyOven(200)",
            "kitchen/menu.py:5: left compat.LegacyOven: Oven is a parameter of `stoke` (line 4)",
            [("return compat.LegacyOven(200)", "return Oven(200)"),
             ("compat\n", "compat\nfrom kitchen.ovens import Oven\n")],
        ),
    ],
)  # fmt: skip
def test_a_rename_that_an_inner_binding_of_the_canonical_name_would_capture_is_refused(
    head: str, stoke: str, roast: str, note: str, moved: list[tuple[str, str]]
) -> None:
    # it compiles either way, so neither the compile check nor the audit would see it
    source = STOKE.format(head=head, stoke=stoke, roast=roast)
    result = rewrite_source(source, "kitchen.menu", "kitchen", MOVE, "kitchen/menu.py")
    assert result.notes == (f"{note}: renamed, the use would mean that instead",)
    expected = source
    for old, new in moved:
        expected = expected.replace(old, new, 1)
    assert result.new == expected
    compile(result.new, "kitchen/menu.py", "exec")


def test_every_kind_of_inner_binding_of_the_canonical_name_is_seen() -> None:
    head = "from kitchen.compat import LegacyOven\n\n"
    shadowing = {
        "a local variable": "def f():\n    Oven = 3\n    return LegacyOven(Oven)\n",
        "a comprehension variable": "X = [LegacyOven(Oven) for Oven in range(3)]\n",
        "a lambda parameter": "F = lambda Oven: LegacyOven(Oven)\n",
        "a class attribute read in the class body": "class K:\n    Oven = 1\n    made = LegacyOven(Oven)\n",
        "an import": "def f():\n    import Oven\n    return LegacyOven(Oven)\n",
        "a global declaration (the import is local)": "def f():\n    from kitchen.compat import LegacyOven\n\n    def g():\n        global Oven\n        return LegacyOven()\n\n    return g\n",
        "a nested function's own name": "def f():\n    def Oven():\n        pass\n\n    return LegacyOven(Oven)\n",
    }
    for what, body in shadowing.items():
        source = body if body.startswith("def f():\n    from") else head + body
        result = rewrite_source(source, "kitchen.menu", "kitchen", MOVE, "m.py")
        assert not result.changed, what
        assert "renamed, the use would mean that instead" in result.notes[0], what
    # a class attribute is not seen from its methods: the rename there is safe
    fine = head + "class K:\n    Oven = 1\n\n    def bake(self):\n        return LegacyOven()\n"
    result = rewrite_source(fine, "kitchen.menu", "kitchen", MOVE, "m.py")
    assert result.notes == () and "        return Oven()\n" in result.new


def test_string_annotations_are_renamed_inside_the_string() -> None:
    source = (
        "from kitchen.compat import LegacyOven\n\n\n"
        "def pick(a: 'LegacyOven', b: 'list[LegacyOven]', c: \"LegacyOvenish\") -> 'LegacyOven':\n"
        "    return a\n"
    )
    result = rewrite_source(source, "kitchen.menu", "kitchen", MOVE, "m.py")
    assert result.new == (
        "from kitchen.ovens import Oven\n\n\n"
        "def pick(a: 'Oven', b: 'list[Oven]', c: \"LegacyOvenish\") -> 'Oven':\n"
        "    return a\n"
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (  # the whole import goes: the relative one already binds the canonical
            "from .ovens import Oven\nfrom .compat import LegacyOven\n\nx = LegacyOven()\ny = Oven()\n",
            "from .ovens import Oven\n\nx = Oven()\ny = Oven()\n",
        ),
        (  # part of an import goes: no absolute import is added beside the relative one
            "from .ovens import Oven\nfrom .compat import LegacyOven, LIMIT\n\nx = LegacyOven(LIMIT)\n",
            "from .ovens import Oven\nfrom .compat import LIMIT\n\nx = Oven(LIMIT)\n",
        ),
        (  # the same inside a function
            "def f():\n    from .ovens import Oven\n    from .compat import LegacyOven\n\n    return LegacyOven(), Oven()\n",
            "def f():\n    from .ovens import Oven\n\n    return Oven(), Oven()\n",
        ),
        (  # module.Member: the canonical is not imported again at the top
            "from .ovens import Oven\nimport kitchen.compat as compat\n\nx = compat.LegacyOven()\n",
            "from .ovens import Oven\n\nx = Oven()\n",
        ),
    ],
)  # fmt: skip
def test_a_relative_import_of_the_canonical_is_reused(source: str, expected: str) -> None:
    result = rewrite_source(source, "kitchen.menu", "kitchen", MOVE, "kitchen/menu.py")
    assert result.notes == ()
    assert result.new == expected


def test_a_file_starting_with_a_byte_order_mark_is_rewritten_and_keeps_it() -> None:
    source = "\ufefffrom kitchen.compat import LegacyOven\n\nx = LegacyOven()\n"
    result = rewrite_source(source, "kitchen.menu", "kitchen", MOVE, "kitchen/menu.py")
    assert result.new == "\ufefffrom kitchen.ovens import Oven\n\nx = Oven()\n"
