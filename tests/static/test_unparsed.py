"""A candidate file that cannot be parsed: a pinned family fails on it (file, line, reason), a prove
family warns beside its counts, and a declared known-unparseable file lets a team move on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.static.conftest import plant

TREE = {
    "pkg/__init__.py": "",
    "pkg/factory.py": "class EngineFactory:\n    pass\n",
    "pkg/user.py": "from pkg.factory import EngineFactory\n",
    # a half-applied codemod: a second factory the pin cannot see
    "pkg/merged.py": "class OldEngineFactory:\n    def build(self:\n        pass\n",
    # unparseable, but holds none of the family's names: not a candidate of the family
    "pkg/other.py": "def broken(:\n    pass\n",
}

DECLARED = """
[[tool.ssot-harness.families.engine-factory.unparseable]]
path = "pkg/merged.py"
reason = "mid-merge, fixed in the next PR"
expires = {expires}
"""


def test_a_pinned_family_fails_on_an_unparseable_candidate_naming_file_line_and_reason(
    tmp_path: Path, cli
) -> None:
    tree = plant(tmp_path, TREE)
    result = cli("audit", tree)
    assert result.code == 1, result.out
    verdict = next(line for line in result.out.splitlines() if "verdict:" in line)
    assert verdict.startswith("  verdict: FAIL engine-factory [pinned]")
    assert "1 candidate file could not be parsed, so the pin cannot see what it holds" in verdict
    assert "pkg/merged.py:2: syntax error at line 2" in verdict
    assert "pkg/other.py" not in verdict  # it holds none of the family's names
    assert "[[tool.ssot-harness.families.engine-factory.unparseable]]" in verdict
    data = json.loads(cli("audit", tree, "--format", "json").out)
    (family,) = data["families"]
    assert family["failed"] is True
    assert family["unparseable"] == [
        {
            "declared": None,
            "line": 2,
            "path": "pkg/merged.py",
            "reason": family["unparseable"][0]["reason"],
        }
    ]
    assert family["unparseable"][0]["reason"].startswith("syntax error at line 2")


def test_the_pin_passes_once_the_file_parses(tmp_path: Path, cli) -> None:
    tree = plant(tmp_path, {**TREE, "pkg/merged.py": "X = 1\n"})
    result = cli("audit", tree)
    assert result.code == 0, result.out


def test_a_prove_family_warns_beside_its_counts_and_passes(tmp_path: Path, cli) -> None:
    tree = plant(tmp_path, TREE)
    pyproject = tree / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('stage = "pinned"', 'stage = "prove"'))
    assert cli("baseline", "--update", tree).code == 0
    result = cli("audit", tree)
    assert result.code == 0, result.out
    verdict = next(line for line in result.out.splitlines() if "verdict:" in line)
    assert verdict.startswith(
        "  verdict: ok   engine-factory [prove]: 1 member, 0 non-canonical places, warning: 1 "
        "candidate file could not be parsed not counted (pkg/merged.py:2: syntax error at line 2"
    ), verdict


def test_a_declared_known_unparseable_file_lets_the_pin_pass(tmp_path: Path, cli) -> None:
    tree = plant(tmp_path, TREE, extra=DECLARED.format(expires='"2999-12-31"'))
    result = cli("audit", tree)
    assert result.code == 0, result.out
    assert (
        "ok   engine-factory [pinned]: 1 member, 0 non-canonical places, 1 declared unparseable file"
        in result.out
    )


def test_an_expired_declaration_fails_again(tmp_path: Path, cli) -> None:
    tree = plant(tmp_path, TREE, extra=DECLARED.format(expires="2020-01-01"))
    result = cli("audit", tree)
    assert result.code == 1
    assert "unparseable pkg/merged.py expired on 2020-01-01" in result.out
    assert "pkg/merged.py:2: syntax error" in result.out


def test_a_declaration_whose_file_parses_again_is_stale_and_fails(tmp_path: Path, cli) -> None:
    files = {**TREE, "pkg/merged.py": "X = 1\n"}
    tree = plant(tmp_path, files, extra=DECLARED.format(expires='"2999-12-31"'))
    result = cli("audit", tree)
    assert result.code == 1
    assert "unparseable pkg/merged.py is declared but parses now" in result.out
    assert "remove its declaration from [tool.ssot-harness.families.engine-factory]" in result.out


def test_a_path_outside_the_narrowed_audit_is_not_judged(tmp_path: Path, cli) -> None:
    files = {**TREE, "lib/__init__.py": "", "lib/ok.py": "from pkg.factory import EngineFactory\n"}
    tree = plant(tmp_path, files, top='roots = ["pkg", "lib"]\nimport-roots = ["."]')
    assert cli("audit", tree / "lib").code == 0
    assert cli("audit", tree / "pkg").code == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            '[[tool.ssot-harness.families.engine-factory.unparseable]]\npath = "pkg/merged.py"\n',
            "unparseable #1: missing key 'reason'",
        ),
        (
            '[[tool.ssot-harness.families.engine-factory.unparseable]]\npath = "../x.py"\n'
            'reason = "r"\n',
            "unparseable #1 path: '../x.py' must be a file path relative to the project root",
        ),
        (
            '[[tool.ssot-harness.families.engine-factory.unparseable]]\npath = "a.py"\n'
            'reason = "r"\nexpires = "soon"\n',
            "unparseable #1 expires: 'soon' is not a date",
        ),
        (
            '[[tool.ssot-harness.families.engine-factory.unparseable]]\npath = "a.py"\n'
            'reason = "r"\nline = 3\n',
            "unparseable #1: unknown key 'line'",
        ),
    ],
)
def test_a_bad_declaration_is_a_config_error_naming_the_key(
    tmp_path: Path, cli, extra: str, message: str
) -> None:
    tree = plant(tmp_path, TREE, extra=extra)
    result = cli("audit", tree)
    assert result.code == 2
    assert message in result.err
