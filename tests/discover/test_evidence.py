"""What the classes' own code says, weighed by discover and named on each group's line: shims,
deprecations, import fallbacks, links between copies, aliases and re-exports under another name.
Each test also shows the near miss that must not count."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.cli import main
from harness.scan.gitfiles import shared_prefixes
from tests.discover.platform_tree import write_module


def _families(capsys, root: Path, files: dict[str, str]) -> dict[str, dict]:
    for rel, text in files.items():
        write_module(root, f"app/{rel}", text)
    assert main(["discover", str(root), "--no-cache", "--format", "json", "--top", "1000"]) == 0
    return {f["name"]: f for f in json.loads(capsys.readouterr().out)["families"]}


def _names_tier(family: dict) -> bool:
    return family["score"] >= 40  # score.py: the names tier's floor


_FIELD = "class JSONField(Field):\n    def get_prep_value(self, value):\n        return value\n"
_FORM = "class JSONField(CharField):\n    def to_python(self, value):\n        return value\n"


def test_a_same_named_subclass_through_an_aliased_import_that_adds_nothing_is_a_shim(
    capsys, tmp_path
) -> None:
    shim = (
        "from app.db.fields import JSONField as BuiltinJSONField\n\n"
        "class JSONField(BuiltinJSONField):\n    removed = {'msg': 'use app.db.fields'}\n"
    )
    found = _families(
        capsys,
        tmp_path,
        {"db/fields.py": _FIELD, "postgres/jsonb.py": shim, "forms/fields.py": _FORM},
    )
    family = found["json-field"]
    assert _names_tier(family)
    assert any("app.postgres.jsonb subclasses app.db.fields's and adds no method" in w
               for w in family["why"]), family["why"]  # fmt: skip


def test_a_same_named_subclass_adding_a_method_is_a_specialization_not_a_shim(
    capsys, tmp_path
) -> None:
    special = (
        "from app.db.fields import JSONField as BuiltinJSONField\n\n"
        "class JSONField(BuiltinJSONField):\n    def to_python(self, value):\n        return 1\n"
    )
    found = _families(capsys, tmp_path, {"db/fields.py": _FIELD, "postgres/jsonb.py": special})
    family = found["json-field"]
    assert not _names_tier(family)
    assert not any("adds no method" in w for w in family["why"])
    assert any("specializations" in w for w in family["why"]), family["why"]


_LINK = "class ExternalDagLink(BaseLink):\n    def get_link(self, op):\n        return op\n"


def test_a_class_that_says_it_is_deprecated_and_only_warns_is_one_family_with_its_base(
    capsys, tmp_path
) -> None:
    old = (
        "from app.links import ExternalDagLink\n\n\n"
        "class ExternalTaskSensorLink(ExternalDagLink):\n"
        '    """\n    This external link is deprecated.\n    """\n\n'
        "    def __attrs_post_init__(self):\n        warnings.warn('use ExternalDagLink')\n"
    )
    found = _families(capsys, tmp_path, {"links.py": _LINK, "sensors/external.py": old})
    family = found["external-dag-link"]
    assert _names_tier(family)
    assert {m["member"] for m in family["members"]} == {
        "app.links:ExternalDagLink",
        "app.sensors.external:ExternalTaskSensorLink",
    }
    assert any("says it is deprecated" in w for w in family["why"])


def test_deprecation_words_that_speak_of_something_else_mark_no_class(capsys, tmp_path) -> None:
    """A behaviour deprecated far down a docstring, a warning category, a snake_case attribute,
    a comment after the class at module level: none says the class itself is deprecated."""
    behaviour = (
        "from app.links import ExternalDagLink\n\n\n"
        "class SensorLink(ExternalDagLink):\n"
        '    """A link.\n\n    Some more text.\n\n    More.\n\n    Even more.\n\n'
        '    Passing a string is deprecated.\n    """\n'
        "    system_check_deprecated_details = None\n\n\n"
        "class RemovedInNextWarning(DeprecationWarning):\n"
        '    """Issued for usage of deprecated features."""\n\n\n'
        "class TaskLink(ExternalDagLink):\n    pass\n\n\n"
        "# RemovedInNextWarning: when the deprecation ends, replace with:\n"
        "def find(path):\n    return path\n"
    )
    found = _families(capsys, tmp_path, {"links.py": _LINK, "sensors/external.py": behaviour})
    flat = json.dumps(found)
    assert "deprecated" not in flat.replace("Deprecat", ""), flat  # no "says it is deprecated"
    assert not any(_names_tier(f) for f in found.values())


def test_a_class_defined_where_its_import_fails_is_a_fallback_copy(capsys, tmp_path) -> None:
    engine = "class EngineCache:\n    def get(self, key):\n        return key\n"
    fallback = (
        "try:\n    from app.engine.cache import EngineCache\nexcept ImportError:\n"
        "    class EngineCache:\n        def fetch(self, key):\n            return None\n"
    )
    found = _families(capsys, tmp_path, {"engine/cache.py": engine, "compat/cache.py": fallback})
    family = found["engine-cache"]
    assert _names_tier(family)  # the classes share no method: only the fallback says it
    assert any("app.compat.cache is defined where its import fails" in w for w in family["why"])


def test_copies_whose_modules_import_each_other_are_linked_not_homonyms(capsys, tmp_path) -> None:
    symbolic = (
        "class Wigner3j(Expr):\n    def doit(self):\n        return wigner_3j(self)\n"
        + "".join(
            f"\n    def {p}(self):\n        pass\n" for p in ("j1", "j2", "j3", "m1", "m2", "m3")
        )
    )
    numeric = "class Wigner3j(Function):\n    def doit(self):\n        return 0\n\n\ndef wigner_3j(x):\n    return x\n"
    files = {"physics/wigner.py": numeric, "physics/quantum/cg.py": symbolic}
    unlinked = _families(capsys, tmp_path / "a", files)["wigner3j"]
    assert not _names_tier(unlinked) and any("homonyms" in w for w in unlinked["why"])
    files["physics/quantum/cg.py"] = "from app.physics.wigner import wigner_3j\n\n\n" + symbolic
    linked = _families(capsys, tmp_path / "b", files)["wigner3j"]
    assert _names_tier(linked)
    assert any("linked: app.physics.quantum.cg imports from app.physics.wigner" in w
               for w in linked["why"]), linked["why"]  # fmt: skip


_FACTORY = "class ExecutionEngineFactory:\n    def create(self):\n        pass\n"
_LEGACY = "class LegacyExecutionEngineFactory:\n    def create(self):\n        pass\n"


def test_a_renaming_re_export_and_an_alias_join_the_family_of_what_they_stand_for(
    capsys, tmp_path
) -> None:
    compat = (
        "from app.engine.factory import ExecutionEngineFactory as UnifiedExecutionEngineFactory\n\n"
        '__all__ = ["UnifiedExecutionEngineFactory"]\n'
    )
    private = "from app.engine.factory import ExecutionEngineFactory as _Factory\nfrom app.engine.factory import ExecutionEngineFactory as PrivateFactory\n"
    files = {
        "engine/factory.py": _FACTORY,
        "legacy/factory.py": _LEGACY,
        "compat.py": compat,
        "internal.py": private,  # renamed for its own use: not re-exported, no way in
        "engine/__init__.py": "from app.engine.factory import ExecutionEngineFactory\n\nMaker = ExecutionEngineFactory\n",
    }
    family = _families(capsys, tmp_path, files)["execution-engine-factory"]
    members = {m["member"]: m["kind"] for m in family["members"]}
    assert members == {
        "app.engine.factory:ExecutionEngineFactory": "class",
        "app.legacy.factory:LegacyExecutionEngineFactory": "class",
        "app.compat:UnifiedExecutionEngineFactory": "alias",
        "app.engine:Maker": "alias",  # its own name plays no role: it joins what it stands for
    }
    assert any("1 re-exported under another name" in w for w in family["why"]), family["why"]


_LETTERS = st.sampled_from("ABab_1")
_WORDS = st.sets(
    st.text(_LETTERS, min_size=1, max_size=5).filter(lambda w: not w[0].isdigit()),
    min_size=1,
    max_size=12,
)
_TEXTS = st.lists(st.text(st.sampled_from("ABab_1 .(\n"), max_size=12), max_size=6)


def _agrees(sharer: Callable[[list[str]], str], words: set[str], texts: list[str]) -> bool:
    """Whether the pattern made by `sharer` matches exactly `words`, and finds one in each text
    (and in near misses) exactly where the plain alternation does."""
    shared = re.compile(r"\b" + sharer(sorted(words)) + r"\b")
    plain = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words)) + r")\b")
    near = [*(w + "x" for w in words), *(w[:-1] for w in words)]
    for text in [*texts, " ".join(words), "_".join(words), *near, *words]:
        if bool(shared.search(text)) != bool(plain.search(text)):
            return False
        if bool(shared.fullmatch(text)) != (text in words):
            return False
    return True


@settings(max_examples=300, deadline=None)
@given(_WORDS, _TEXTS)
def test_the_evidence_search_finds_a_name_where_the_plain_alternation_does(
    words: set[str], texts: list[str]
) -> None:
    """The names' common prefixes are written once (git grep -P is faster so): the pattern
    matches exactly the names, and finds one in a text exactly where the plain one does."""
    assert _agrees(shared_prefixes, words, texts)


def test_a_sharing_that_drops_a_name_inside_another_is_caught() -> None:
    def broken(words: list[str]) -> str:  # `A` of A, AB lost: AB's prefix only
        return shared_prefixes(
            [w for w in words if not any(o != w and o.startswith(w) for o in words)]
        )

    assert _agrees(shared_prefixes, {"A", "AB", "Ba"}, ["A b", "AB", "Bab"])
    assert not _agrees(broken, {"A", "AB", "Ba"}, ["A b", "AB", "Bab"])
