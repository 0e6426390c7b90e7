"""Families of names: one class name in several modules, or one stem with migration words, ranked
above role words shared by classes with nothing in common; plugin layouts, homonyms and
specializations are shown as weak evidence, never as copies."""

from __future__ import annotations

import json
from pathlib import Path

from harness.cli import main
from harness.discover.names import repeated_names, stem
from tests.discover.platform_tree import write_module


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        write_module(root, f"app/{rel}", text)
    return root


def _families(capsys, root: Path) -> list[dict]:
    assert main(["discover", str(root), "--no-cache", "--format", "json", "--top", "1000"]) == 0
    return json.loads(capsys.readouterr().out)["families"]


def _noise(count: int = 100) -> dict[str, str]:
    """`count` unrelated *Validator classes, each with methods of its own."""
    return {
        f"checks/v{i}.py": f"class Subject{i}Validator:\n    def check_{i}(self):\n        pass\n"
        for i in range(count)
    }


def test_stems_drop_migration_words_only() -> None:
    assert stem("LegacyExecutionEngineFactory") == "ExecutionEngineFactory"
    assert stem("AirflowSecurityManagerV2") == "AirflowSecurityManager"
    assert stem("UnifiedToolDispatcher") == "ToolDispatcher"
    assert stem("EngineFactoryAdapter") == "EngineFactory"
    assert stem("TimeSensorAsync") == "TimeSensor"
    assert stem("Legacy") == "Legacy" and stem("Adapter") == "Adapter"
    assert stem("Holder") == "Holder" and stem("Newton") == "Newton"  # words, not letters


def test_repeated_names_are_names_of_two_files_or_of_one_stem() -> None:
    found = repeated_names(
        [("Setter", "Only"), ("Setter",), ("Engine", "EngineV2"), ("UserConfig",), ("UserConfig",)]
    )
    assert found == {"Setter", "Engine", "EngineV2"}  # a value class repeated is no family


def test_an_exact_copy_without_a_role_word_ranks_above_a_hundred_member_role_group(
    capsys, tmp_path
) -> None:
    copy = "class AttributeSetter:\n    def __init__(self, name, value):\n        setattr(self, name, value)\n"
    root = _tree(tmp_path, {"db/utils.py": copy, "fields/composite.py": copy, **_noise()})
    families = _families(capsys, root)
    assert families[0]["name"] == "attribute-setter"
    assert families[0]["why"][0].startswith("exact-name duplicates: AttributeSetter")
    validator = next(f for f in families if f["name"].endswith("validator"))
    assert validator["why"][0].startswith("low confidence")


def test_a_v2_beside_its_obsolete_stem_is_a_family_even_when_the_classes_differ(
    capsys, tmp_path
) -> None:
    root = _tree(tmp_path, {
        "www/security.py": "class SecurityGate:\n    pass\n",
        "www/security_v2.py": "class SecurityGateV2:\n    def check(self):\n        pass\n",
        **_noise(),
    })  # fmt: skip
    top = _families(capsys, root)[0]
    assert {m["member"] for m in top["members"]} == {
        "app.www.security:SecurityGate",
        "app.www.security_v2:SecurityGateV2",
    }
    assert any("migration-word variants" in w for w in top["why"])


def test_plugin_layouts_homonyms_and_specializations_rank_below_copies(capsys, tmp_path) -> None:
    command = "class Command(Plugin):\n    def handle(self):\n        pass\n"
    files = {
        f"cli/commands/c{i}.py": command for i in range(6)
    }  # one per module, as a loader wants
    files.update({
        "geometry/point.py": "class Point:\n    def distance(self, other):\n        pass\n",
        "physics/point.py": "class Point:\n    def velocity(self, frame):\n        pass\n",
        "db/base.py": "class Wrapper:\n    def run(self):\n        pass\n",
        "db/mysql.py": "from app.db import base\n\n\nclass Wrapper(base.Wrapper):\n    def run(self):\n        pass\n",
        "mail/message.py": "class BadHeaderError(ValueError):\n    pass\n",
        "http/response.py": "class BadHeaderError(ValueError):\n    pass\n",
    })  # fmt: skip
    families = _families(capsys, _tree(tmp_path, files))
    by_name = {f["name"]: f for f in families}
    assert families[0]["name"] == "bad-header-error"
    for weak, says in (("command", "laid out as plugins"), ("point", "homonyms"),
                       ("wrapper", "specializations")):  # fmt: skip
        assert by_name[weak]["rank"] > 1
        assert any(says in w for w in by_name[weak]["why"]), by_name[weak]["why"]
