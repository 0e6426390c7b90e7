"""Silent wrong answers of the static layer, each on a small tree: now correct, or a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import load_config
from harness.pin.audit import run_audit
from tests.static.conftest import plant

BASIC = {
    "pkg/__init__.py": "",
    "pkg/factory.py": "class EngineFactory:\n    pass\n",
    "pkg/old.py": "class OldEngineFactory:\n    pass\n",
    "other/__init__.py": "",
    "other/use.py": "from pkg.old import OldEngineFactory\n",
}


@pytest.mark.parametrize("narrow", ["pkg", "pkg/old.py", "./pkg/"])
def test_path_narrowing_with_default_roots_reports_the_violation(
    tmp_path: Path, cli, narrow
) -> None:
    tree = plant(tmp_path, BASIC)
    assert cli("baseline", "--update", tree).code == 0
    result = cli("audit", tree / narrow)
    assert result.code == 1, result.out + result.err
    assert "FIX pkg/old.py:1  pkg.old:OldEngineFactory" in result.out
    assert "other/use.py" not in result.out  # narrowed: the importer outside PATH is not listed


def test_finding_paths_never_start_with_dot_slash(tmp_path: Path) -> None:
    tree = plant(tmp_path, BASIC, top='roots = ["./", "."]')
    report = run_audit(
        load_config(tree / "pyproject.toml"), use_cache=False, require_baseline=False
    )
    paths = {f.path for f in report.family("engine-factory").findings}
    assert paths == {"pkg/factory.py", "pkg/old.py", "other/use.py"}


def test_a_path_outside_every_root_is_refused_not_reported_empty(tmp_path: Path, cli) -> None:
    tree = plant(tmp_path, {**BASIC, "tools/x.py": ""}, top='roots = ["pkg", "other"]')
    result = cli("audit", tree / "tools")
    assert result.code == 2
    assert "PATH" in result.err and "not under any of the roots (pkg, other)" in result.err


def test_a_package_beats_a_module_of_the_same_name_and_the_loser_is_shadowed(
    tmp_path: Path, cli
) -> None:
    tree = plant(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/factory.py": "class Decoy:\n    pass\n",
            "pkg/factory/__init__.py": "class EngineFactory:\n    pass\n\n\nclass SideEngineFactory:\n    pass\n",
        },
    )
    assert cli("baseline", "--update", tree).code == 0
    result = cli("audit", tree, "--format", "json")
    assert result.code == 1, result.err
    assert '"path": "pkg/factory/__init__.py"' in result.out and '"line": 5' in result.out
    assert "pkg.factory:SideEngineFactory" in result.out
    assert (
        '"reason": "shadowed: pkg/factory/__init__.py is the module pkg.factory (a package beats a module '
        'of the same name), so Python never imports this file"'
    ) in result.out


@pytest.mark.parametrize(
    "pattern", ["[", "*Factory[", "[!", "[ExecutionEngineFactory", "]x", "a[]b", "[!]"]
)
def test_a_malformed_name_pattern_is_a_config_error_naming_the_key(
    tmp_path: Path, cli, pattern: str
) -> None:
    tree = plant(tmp_path, BASIC, names=f'"*EngineFactory", "{pattern}"')
    result = cli("audit", tree)
    assert result.code == 2
    assert "[tool.ssot-harness.families.engine-factory] names" in result.err
    assert repr(pattern) in result.err
    assert "Traceback" not in result.err


def test_well_formed_bracket_patterns_are_accepted(tmp_path: Path) -> None:
    tree = plant(tmp_path, BASIC, names='"[EO]*EngineFactory", "[!X]ngineFactory", "*Factor[a-z]"')
    report = run_audit(
        load_config(tree / "pyproject.toml"), use_cache=False, require_baseline=False
    )
    assert "pkg.old:OldEngineFactory" in report.family("engine-factory").members


def test_an_outside_name_imported_under_a_family_name_is_a_member_with_its_importers(
    tmp_path: Path,
) -> None:
    tree = plant(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/factory.py": "class EngineFactory:\n    pass\n",
            "pkg/compat.py": (
                "from elsewhere import SomethingElse as LegacyEngineFactory\n"
                "from pkg.util import Helper\n"
                "OtherEngineFactory = Helper\n"
                '__all__ = ["LegacyEngineFactory", "OtherEngineFactory"]\n'
            ),
            "pkg/util.py": "class Helper:\n    pass\n",
            "pkg/app.py": "from pkg.compat import LegacyEngineFactory, OtherEngineFactory\n",
        },
    )
    report = run_audit(
        load_config(tree / "pyproject.toml"), use_cache=False, require_baseline=False
    )
    fa = report.family("engine-factory")
    assert {"pkg.compat:LegacyEngineFactory", "pkg.compat:OtherEngineFactory"} <= set(fa.members)
    places = {(f.location, f.kind, f.member) for f in fa.offenders}
    assert ("pkg/compat.py:1", "alias", "pkg.compat:LegacyEngineFactory") in places
    assert ("pkg/compat.py:3", "alias", "pkg.compat:OtherEngineFactory") in places
    assert ("pkg/app.py:1", "import", "pkg.compat:LegacyEngineFactory") in places
    assert ("pkg/app.py:1", "import", "pkg.compat:OtherEngineFactory") in places
    assert fa.pinned_violation


def test_a_canonical_in_a_file_with_a_syntax_error_reports_the_parse_error(
    tmp_path: Path, cli
) -> None:
    tree = plant(tmp_path, {**BASIC, "pkg/factory.py": "class EngineFactory(:\n    pass\n"})
    result = cli("audit", tree)
    assert result.code == 2
    assert "canonical" in result.err
    assert "pkg/factory.py" in result.err and "syntax error at line 1" in result.err
    assert "no module" not in result.err


@pytest.mark.parametrize("key", ["roots", "import-roots"])
def test_absolute_roots_outside_the_project_are_explained(tmp_path: Path, cli, key) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    project = tmp_path / "project"
    project.mkdir()
    plant(project, BASIC, top=f'{key} = ["{outside.as_posix()}"]')
    result = cli("audit", project)
    assert result.code == 2
    assert f"[tool.ssot-harness] {key}" in result.err and "outside the project" in result.err


def test_absolute_roots_inside_the_project_work_like_relative_ones(tmp_path: Path, cli) -> None:
    tree = plant(tmp_path, BASIC, top=f'roots = ["{(tmp_path / "pkg").as_posix()}"]')
    assert cli("baseline", "--update", tree).code == 0
    result = cli("audit", tree, "--format", "json")
    assert '"member": "pkg.old:OldEngineFactory"' in result.out
    assert '"path": "pkg/old.py"' in result.out


def test_relative_roots_escaping_the_project_are_explained(tmp_path: Path, cli) -> None:
    project = tmp_path / "project"
    project.mkdir()
    plant(tmp_path / "lib", BASIC)
    plant(project, {}, top='roots = ["../lib"]')
    result = cli("audit", project)
    assert result.code == 2
    assert "roots: '../lib' is outside the project" in result.err


def test_a_missing_canonical_mentions_import_roots_and_the_module_it_found(
    tmp_path: Path, cli
) -> None:
    files = {f"src/{k}": v for k, v in BASIC.items()}
    tree = plant(tmp_path, files, top="import-roots = []")
    result = cli("audit", tree)
    assert result.code == 2
    assert "import-roots" in result.err
    assert "src.pkg.factory" in result.err  # what it found instead, so the fix is obvious


def test_config_elsewhere_keeps_path_inside_the_audited_tree(
    tmp_path: Path, cli, monkeypatch
) -> None:
    """A trial config outside the repo: the project is still the repo PATH is in, not the config's folder."""
    repo = plant(tmp_path / "repo", BASIC)
    (repo / "pyproject.toml").write_text('[project]\nname = "repo"\n', encoding="utf-8")
    config = plant(tmp_path / "trial", {}) / "pyproject.toml"
    monkeypatch.chdir(tmp_path)
    assert cli("baseline", "--update", "repo", "--config", config).code == 0
    assert (repo / ".ssot-baseline.json").is_file()
    result = cli("audit", "repo/pkg", "--config", config)
    assert result.code == 1, result.err
    assert "FIX pkg/old.py:1" in result.out
    assert "../" not in result.out
    assert "other/use.py" not in result.out


def test_config_pointing_at_a_directory_is_a_clear_error(tmp_path: Path, cli) -> None:
    tree = plant(tmp_path, BASIC)
    result = cli("audit", tree, "--config", tree)
    assert result.code == 2
    assert "is a directory" in result.err and "pyproject.toml" in result.err


@pytest.mark.parametrize("which", ["pyproject.toml", ".ssot-baseline.json"])
def test_non_utf8_config_or_baseline_exits_2_with_a_clear_message(
    tmp_path: Path, cli, which: str
) -> None:
    tree = plant(tmp_path, BASIC)
    path = tree / which
    path.write_bytes((path.read_bytes() if path.exists() else b"{}") + b"\n# caf\xe9\n")
    result = cli("audit", tree)
    assert result.code == 2
    assert which in result.err and "UTF-8" in result.err
    assert "Traceback" not in result.err


def test_a_boolean_count_in_the_baseline_is_refused(tmp_path: Path, cli) -> None:
    tree = plant(tmp_path, BASIC)
    (tree / ".ssot-baseline.json").write_text(
        '{"version": 1, "families": {"engine-factory": {"definition": true}}}'
    )
    result = cli("audit", tree)
    assert result.code == 2
    assert "engine-factory" in result.err and "true" in result.err.lower()


def test_a_directory_named_like_a_python_file_is_not_walked_as_a_package(
    tmp_path: Path, cli
) -> None:
    tree = plant(tmp_path, {**BASIC, "pkg/x.py/inner.py": "class InnerEngineFactory:\n    pass\n"})
    assert cli("baseline", "--update", tree).code == 0
    result = cli("audit", tree, "--format", "json")
    assert "pkg.x.py.inner" not in result.out
    assert '"path": "pkg/x.py"' in result.out
    assert "not a package" in result.out


def test_importers_of_a_member_found_through_bases_are_found_whatever_its_name(
    tmp_path: Path,
) -> None:
    tree = plant(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/factory.py": "class EngineFactory:\n    pass\n",
            "pkg/odd.py": "from pkg.factory import EngineFactory\n\n\nclass Maker(EngineFactory):\n    pass\n",
            "pkg/user.py": "from pkg.odd import Maker\n",
            "pkg/attr.py": "import pkg.odd\n\nx = pkg.odd.Maker\n",
        },
        extra='bases = ["EngineFactory"]\n',
    )
    report = run_audit(
        load_config(tree / "pyproject.toml"), use_cache=False, require_baseline=False
    )
    places = {(f.location, f.kind) for f in report.family("engine-factory").offenders}
    assert ("pkg/odd.py:4", "definition") in places
    assert ("pkg/user.py:1", "import") in places  # mentions no family literal
    assert ("pkg/attr.py:1", "import") in places


def test_a_subclass_of_a_parametrized_member_is_a_member_through_bases(tmp_path: Path) -> None:
    """`class C(Base[T])` subclasses Base: Home Assistant's 260 `DataUpdateCoordinator[...]`
    subclasses were 110 short before (a generic base was no base at all)."""
    tree = plant(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/factory.py": "from typing import Generic, TypeVar\n\nT = TypeVar('T')\n\n\n"
            "class EngineFactory(Generic[T]):\n    pass\n",
            "pkg/odd.py": "from pkg import factory\nfrom pkg.factory import EngineFactory\n\n\n"
            "class Maker(EngineFactory[dict[str, int]]):\n    pass\n\n\n"
            "class Dotted(factory.EngineFactory[int]):\n    pass\n\n\n"
            "class Grand(Maker):\n    pass\n",
        },
        extra='bases = ["EngineFactory"]\n',
    )
    report = run_audit(
        load_config(tree / "pyproject.toml"), use_cache=False, require_baseline=False
    )
    assert set(report.family("engine-factory").members) == {
        "pkg.factory:EngineFactory",
        "pkg.odd:Maker",
        "pkg.odd:Dotted",
        "pkg.odd:Grand",
    }


def test_a_subclass_through_an_aliased_import_is_a_member_through_bases(tmp_path: Path) -> None:
    """`from m import Base as Other; class C(Other)` subclasses Base: Django's filebased email
    backend subclasses the console backend so, and was no member of `bases = ["BaseEmailBackend"]`."""
    tree = plant(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/factory.py": "class EngineFactory:\n    pass\n",
            "pkg/console.py": "from pkg.factory import EngineFactory\n\n\n"
            "class Maker(EngineFactory):\n    pass\n",
            "pkg/files.py": "from pkg.console import Maker as ConsoleMaker\n\n\n"
            "class Maker(ConsoleMaker):\n    pass\n",
            "pkg/local.py": "class ConsoleMaker:\n    pass\n\n\nclass Unrelated(ConsoleMaker):\n    pass\n",
        },
        extra='bases = ["EngineFactory"]\n',
    )
    report = run_audit(
        load_config(tree / "pyproject.toml"), use_cache=False, require_baseline=False
    )
    assert set(report.family("engine-factory").members) == {
        "pkg.factory:EngineFactory",
        "pkg.console:Maker",
        "pkg.files:ConsoleMaker",  # the alias, a way in
        "pkg.files:Maker",
    }  # pkg.local's own ConsoleMaker and its subclass are no members


def test_a_canonical_module_that_does_not_mention_the_name_defines_no_such_name(
    tmp_path: Path, cli
) -> None:
    tree = plant(tmp_path, {**BASIC, "pkg/factory.py": "class Something:\n    pass\n"})
    result = cli("audit", tree)
    assert result.code == 2
    assert "pkg.factory:EngineFactory does not exist in the tree" in result.err
    assert "pkg.factory defines no 'EngineFactory'" in result.err and "no module" not in result.err


def test_a_file_naming_only_another_module_of_the_same_tail_is_not_parsed(tmp_path: Path) -> None:
    """`cache.backends.db` is not `sessions.backends.db`: a file that names no member's name is no
    candidate, whatever module paths it mentions (Django's tests/cache/tests.py was parsed for it)."""
    from harness.config import load_config
    from harness.pin.audit import scan_for

    tree = plant(
        tmp_path,
        {
            **BASIC,
            "other/cache.py": "import other.pkg.factory\n\nBACKEND = 'x.pkg.factory.Thing'\n",
        },
    )
    result = scan_for(load_config(tree / "pyproject.toml"), use_cache=False)
    assert "other/cache.py" not in {f.path for f in result.facts}
    assert {f.path for f in result.facts} == {"pkg/factory.py", "pkg/old.py", "other/use.py"}


def test_a_dotted_path_in_a_string_is_a_reference_to_the_member_it_names(tmp_path: Path) -> None:
    """Settings, `import_string`, entry points and `mock.patch` name a member by its dotted path in a
    string: Django configures its email backends so, and a pinned family passed with such uses."""
    tree = plant(
        tmp_path,
        {
            **BASIC,
            "conf/__init__.py": "",
            "conf/settings.py": (
                'ENGINE = "pkg.old.OldEngineFactory"\n'
                'ENTRY = "pkg.old:OldEngineFactory"\n'
                'CANONICAL = "pkg.factory.EngineFactory"\n'
                'OTHER = "pkg.old.OldEngineFactoryConfig"\n'
                'PROSE = "see pkg.old.OldEngineFactory for details"\n'
                'OUTSIDE = "elsewhere.OldEngineFactory"\n'
            ),
            "conf/test_it.py": (
                "from unittest import mock\n\n\n"
                "def test_x():\n"
                '    with mock.patch("pkg.old.OldEngineFactory.build"):\n'
                "        pass\n"
            ),
        },
    )
    report = run_audit(
        load_config(tree / "pyproject.toml"), use_cache=False, require_baseline=False
    )
    found = {
        (f.location, f.kind, f.member, f.canonical)
        for f in report.family("engine-factory").findings
        if f.path.startswith("conf/")
    }
    assert found == {
        ("conf/settings.py:1", "reference", "pkg.old:OldEngineFactory", False),
        ("conf/settings.py:2", "reference", "pkg.old:OldEngineFactory", False),
        ("conf/settings.py:3", "reference", "pkg.factory:EngineFactory", True),
    }  # the method patched is no member (its class is): nothing for conf/test_it.py
    detail = next(
        f.detail for f in report.family("engine-factory").findings if f.location == "conf/settings.py:1"
    )
    assert detail == "'pkg.old.OldEngineFactory' (the dotted path of a member in a string)"
