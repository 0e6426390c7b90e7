"""The audit over the shop fixture: each member, alias, re-export and import site, canonical or not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.config import load_config
from harness.errors import ConfigError
from harness.model import Finding
from harness.pin.audit import AuditReport, run_audit

CANONICAL = "shop.engines.factory:EngineFactory"


def _audit(tree: Path) -> AuditReport:
    return run_audit(load_config(tree / "pyproject.toml"), use_cache=False, require_baseline=False)


def _index(report: AuditReport, family: str) -> dict[tuple[str, str, str], Finding]:
    return {(f.location, f.kind, f.member): f for f in report.family(family).findings}


@pytest.mark.parametrize(
    ("location", "kind", "member", "canonical"),
    [
        # definitions: class, function, classmethod (with qualname)
        ("src/shop/engines/factory.py:4", "definition", CANONICAL, True),
        (
            "src/shop/engines/factory.py:12",
            "definition",
            "shop.engines.factory:get_engine_factory",
            False,
        ),
        (
            "src/shop/legacy/old_factory.py:11",
            "definition",
            "shop.legacy.old_factory:LegacyEngineFactory",
            False,
        ),
        (
            "src/shop/engines/engine.py:6",
            "definition",
            "shop.engines.engine:Engine.build_for_user",
            False,
        ),
        # aliases: `X = Y` and `from m import Y as X` (module level, try/except fallback, function-local)
        ("src/shop/engines/__init__.py:4", "alias", "shop.engines:ShopEngineFactory", False),
        ("src/shop/compat.py:2", "alias", "shop.compat:FastEngineFactory", False),
        ("src/shop/compat.py:4", "alias", "shop.compat:FastEngineFactory", False),
        ("src/shop/legacy/old_factory.py:16", "alias", "shop.legacy.old_factory:Modern", False),
        # re-export through the package __init__ / __all__
        ("src/shop/engines/__init__.py:1", "reexport", CANONICAL, True),
        # import sites: absolute, relative-resolved, TYPE_CHECKING, of an alias, `import a.b.c`, importlib
        ("tools/cli.py:1", "import", CANONICAL, True),
        ("src/shop/legacy/old_factory.py:8", "import", CANONICAL, True),
        ("src/shop/app.py:4", "import", "shop.compat:FastEngineFactory", False),
        ("src/shop/app.py:5", "import", "shop.engines:ShopEngineFactory", False),
        ("src/shop/app.py:7", "import", "shop.engines.factory:get_engine_factory", False),
        ("src/shop/app.py:3", "import", "shop.legacy.old_factory:get_legacy_engine_factory", False),
        ("src/shop/app.py:11", "import", "shop.legacy.old_factory:LegacyEngineFactory", False),
        # a classmethod reached through its class
        ("src/shop/app.py:18", "reference", "shop.engines.engine:Engine.build_for_user", False),
    ],
)
def test_engine_factory_findings(
    shop: Path, location: str, kind: str, member: str, canonical: bool
) -> None:
    finding = _index(_audit(shop), "engine-factory")[(location, kind, member)]
    assert finding.canonical is canonical
    assert finding.fix == ("" if canonical else f"use {CANONICAL} instead")


def test_scopes_are_named_in_the_detail(shop: Path) -> None:
    found = _index(_audit(shop), "engine-factory")
    assert (
        "under TYPE_CHECKING"
        in found[("src/shop/legacy/old_factory.py:8", "import", CANONICAL)].detail
    )
    assert (
        "ImportError fallback"
        in found[("src/shop/compat.py:4", "alias", "shop.compat:FastEngineFactory")].detail
    )
    assert (
        "function-local"
        in found[
            ("src/shop/legacy/old_factory.py:16", "alias", "shop.legacy.old_factory:Modern")
        ].detail
    )
    dynamic = found[("src/shop/app.py:11", "import", "shop.legacy.old_factory:LegacyEngineFactory")]
    assert dynamic.detail.startswith("importlib.import_module('shop.legacy.old_factory')")


def test_config_exclude_keeps_generated_code_out(shop: Path) -> None:
    report = _audit(shop)
    assert not any(
        f.path.startswith("tools/generated/") for fa in report.families for f in fa.findings
    )


def test_bases_members_and_ignore_shape_the_notifier_family(shop: Path) -> None:
    fa = _audit(shop).family("notifier")
    definitions = {f.member for f in fa.findings if f.kind == "definition"}
    assert definitions == {
        "shop.notify:Notifier",
        "shop.notify:LoudNotifier",  # subclass of BaseNotifier
        "shop.notify:LouderNotifier",  # subclass of a subclass
        "shop.legacy.sender:send_events",  # explicit member
    }  # shop.notify:BaseNotifier is ignored
    imports = {(f.location, f.member) for f in fa.findings if f.kind == "import"}
    assert (
        "src/plugins/extra/hooks.py:2",
        "shop.legacy.sender:send_events",
    ) in imports  # namespace package
    assert fa.pinned_violation and fa.failed


def test_counts_are_non_canonical_findings_per_kind(shop: Path) -> None:
    fa = _audit(shop).family("engine-factory")
    assert fa.counts == {"definition": 4, "alias": 4, "reexport": 0, "import": 5, "reference": 1}
    assert sum(fa.counts.values()) == len(fa.offenders)


def test_skipped_files_are_listed_with_their_reasons(shop: Path) -> None:
    src = shop / "src/shop"
    (src / "broken.py").write_text("from shop.engines.factory import EngineFactory\ndef f(:\n")
    (src / "latin.py").write_bytes(b"from shop.engines.factory import EngineFactory\nx = '\xff'\n")
    (src / "bom.py").write_bytes(b"\xef\xbb\xbffrom shop.engines.factory import EngineFactory\n")
    (src / "factory_stub.pyi").write_text("class EngineFactory: ...\n")
    (src / "engines/factory.pyi").write_text("class EngineFactory: ...\n")
    os.symlink("..", src / "loop")
    report = _audit(shop)
    reasons = {s.path.as_posix(): s.reason for s in report.skipped}
    assert reasons["src/shop/broken.py"] == "syntax error at line 2: invalid syntax"
    assert reasons["src/shop/latin.py"].startswith("bad encoding: not valid utf-8 at line 2")
    assert reasons["src/shop/engines/factory.pyi"].startswith("type stub")
    assert reasons["src/shop/loop"].startswith("symlink loop")
    assert "src/shop/bom.py" not in reasons and "src/shop/factory_stub.pyi" not in reasons
    found = _index(report, "engine-factory")
    assert ("src/shop/bom.py:1", "import", CANONICAL) in found  # the BOM file is audited
    assert ("src/shop/factory_stub.pyi:1", "definition", "shop.factory_stub:EngineFactory") in found


def test_a_canonical_that_does_not_exist_is_a_config_error(shop: Path) -> None:
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            "shop.engines.factory:EngineFactory", "shop.engines.factory:Nope"
        )
    )
    with pytest.raises(
        ConfigError, match=r"engine-factory\] canonical: shop.engines.factory:Nope does not exist"
    ):
        _audit(shop)


def test_a_member_in_a_missing_module_is_a_config_error(shop: Path) -> None:
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("shop.legacy.sender:send_events", "shop.gone:send_events")
    )
    with pytest.raises(
        ConfigError, match=r"members: shop.gone:send_events does not exist.*no module 'shop.gone'"
    ):
        _audit(shop)


def test_a_stale_ignore_is_a_config_error(shop: Path) -> None:
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("shop.notify:BaseNotifier", "shop.notify:Gone")
    )
    with pytest.raises(ConfigError, match=r"ignore: shop.notify:Gone matches no definition"):
        _audit(shop)


def test_a_canonical_named_at_its_re_export_stands_for_its_definition(shop: Path) -> None:
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            f'canonical = "{CANONICAL}"', 'canonical = "shop.engines:EngineFactory"'
        )
    )
    found = _index(_audit(shop), "engine-factory")
    assert found[("src/shop/engines/factory.py:4", "definition", CANONICAL)].canonical
    assert found[("tools/cli.py:1", "import", CANONICAL)].canonical
    fix = found[("src/shop/app.py:4", "import", "shop.compat:FastEngineFactory")].fix
    assert fix == "use shop.engines:EngineFactory instead"


def test_import_roots_name_modules_below_them(shop: Path) -> None:
    (shop / "src" / "shop").rename(shop / "tools" / "shop")  # tools/ is now the folder on sys.path
    (shop / "src" / "plugins").rename(shop / "tools" / "plugins")
    pyproject = shop / "pyproject.toml"
    text = pyproject.read_text().replace(
        'roots = ["src", "tools"]', 'roots = ["tools"]\nimport-roots = ["tools"]'
    )
    pyproject.write_text(text)
    found = _index(_audit(shop), "engine-factory")
    assert found[("tools/shop/engines/factory.py:4", "definition", CANONICAL)].canonical
    assert ("tools/shop/app.py:5", "import", "shop.engines:ShopEngineFactory") in found


def test_each_familys_findings_are_unique_and_in_finding_order(shop: Path) -> None:
    """FamilyResolver sorts each file's places and then the files by path: that must be the
    order of the dataclass (what every report lists), with no place twice, across files."""
    report = _audit(shop)
    for fa in report.families:
        assert len(fa.findings) > 1, fa.family.name
        assert len({f.path for f in fa.findings}) > 1, fa.family.name
        assert list(fa.findings) == sorted(set(fa.findings)), fa.family.name
        # the derived views, computed once, agree with the findings they come from
        assert fa.offenders == tuple(
            f for f in fa.findings if not f.canonical and f not in fa.covered
        )
        assert fa.members == tuple(
            sorted({f.member for f in fa.findings if f.kind in ("definition", "alias")})
        )
