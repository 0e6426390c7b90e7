"""The audit of `M.Member` where M is a module bound by `from PKG import MOD [as M]` or a relative
`from . import MOD [as M]` / `from .. import MOD`: every spelling is a place, two on one line too."""

from __future__ import annotations

from pathlib import Path

from harness.config import load_config
from harness.pin.audit import run_audit

CONFIG = """\
[tool.ssot-harness]
roots = ["src"]

[tool.ssot-harness.families.engine]
canonical = "pkg.engine:Engine"
names = ["Engine", "OldEngine"]
"""

# every form of a module bound by an import, then `M.OldEngine`; user.py's line 7 holds three
MODULE_MEMBERS = {
    "pyproject.toml": CONFIG,
    "src/pkg/__init__.py": "",
    "src/pkg/engine.py": "class Engine:\n    pass\n",
    "src/pkg/old.py": "from pkg.engine import Engine\n\nOldEngine = Engine\n",
    "src/pkg/user.py": (
        "from pkg import old\n"
        "from . import old as o2\n"
        "import pkg.old\n"
        "\n"
        "\n"
        "def f():\n"
        "    return old.OldEngine(), o2.OldEngine(), pkg.old.OldEngine()\n"
    ),
    "src/pkg/more.py": (
        "from pkg import old as o\n"
        "from . import old\n"
        "\n"
        "MADE = o.OldEngine()\n"
        "OTHER = old.OldEngine()\n"
    ),
    "src/pkg/sub/__init__.py": "",
    "src/pkg/sub/deep.py": (
        "from .. import old\n"
        "from .. import old as o3\n"
        "\n"
        "\n"
        "def g():\n"
        "    return old.OldEngine(), o3.OldEngine()\n"
    ),
}


def plant_module_members(root: Path) -> Path:
    for rel, text in MODULE_MEMBERS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def sites(root: Path) -> list[tuple[str, str, str]]:
    """The non-canonical places of `pkg.old:OldEngine` other than its own alias: (location, kind,
    detail)."""
    report = run_audit(load_config(root / "pyproject.toml"), use_cache=False, require_baseline=False)
    return sorted(
        (f.location, f.kind, f.detail)
        for f in report.family("engine").findings
        if f.member == "pkg.old:OldEngine" and f.kind not in ("definition", "alias")
    )


def test_every_module_bound_by_an_import_is_followed_to_its_members(tmp_path: Path) -> None:
    root = plant_module_members(tmp_path)
    assert sites(root) == [
        ("src/pkg/more.py:4", "reference", "o.OldEngine"),
        ("src/pkg/more.py:5", "reference", "old.OldEngine"),
        ("src/pkg/sub/deep.py:6", "reference", "o3.OldEngine"),
        ("src/pkg/sub/deep.py:6", "reference", "old.OldEngine"),
        ("src/pkg/user.py:3", "import", "import pkg.old, then pkg.old.OldEngine (import)"),
        ("src/pkg/user.py:7", "reference", "o2.OldEngine"),
        ("src/pkg/user.py:7", "reference", "old.OldEngine"),
    ]


def test_one_spelling_used_twice_on_a_line_is_one_place(tmp_path: Path) -> None:
    root = plant_module_members(tmp_path)
    (root / "src/pkg/more.py").write_text(
        "from pkg import old\n\nPAIR = old.OldEngine(), old.OldEngine()\n"
    )
    assert [s for s in sites(root) if s[0].startswith("src/pkg/more.py")] == [
        ("src/pkg/more.py:3", "reference", "old.OldEngine")
    ]
