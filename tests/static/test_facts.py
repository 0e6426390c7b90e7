"""extract(): each construct the audit relies on, read from one module's AST."""

from __future__ import annotations

import ast
import textwrap

from harness.scan.facts import (
    Assignment,
    Definition,
    ModuleImport,
    Reference,
    extract,
    module_name,
    resolve_relative,
)

SOURCE = textwrap.dedent(
    """
    from __future__ import annotations
    import importlib
    import shop.legacy.old_factory
    import shop.engines.factory as factory_mod
    from typing import TYPE_CHECKING
    from .factory import EngineFactory
    from ..legacy import old_factory
    from . import factory as fmod

    if TYPE_CHECKING:
        from shop.notify import Notifier

    try:
        from fast_engines import EngineFactory as Fast
    except ImportError:
        from .factory import EngineFactory as Fast

    ShopEngineFactory = EngineFactory
    Other: type = factory_mod.EngineFactory
    __all__ = ["EngineFactory"]
    __all__ += ["ShopEngineFactory"]


    class Engine(Base, metaclass=Meta):
        Default = EngineFactory

        @classmethod
        def build_for_user(cls, user):
            return cls(user)

        @staticmethod
        def helper():
            pass

        def run(self):
            from shop.legacy.old_factory import LegacyEngineFactory
            return LegacyEngineFactory()

        class Inner:
            pass


    async def get_engine_factory():
        def local():
            pass
        legacy = importlib.import_module("shop.legacy.old_factory")
        return legacy.LegacyEngineFactory, shop.legacy.old_factory.get_legacy_engine_factory
    """
)


def _facts():
    return extract(
        ast.parse(SOURCE),
        "src/shop/engines/__init__.py",
        lambda attr: "Factory" in attr or "factory" in attr,
    )


def test_module_names_follow_src_layouts_packages_and_namespace_folders() -> None:
    assert module_name("src/shop/engines/__init__.py") == ("shop.engines", True)
    assert module_name("src/shop/engines/factory.py") == ("shop.engines.factory", False)
    assert module_name("plugins/extra/hooks.py") == (
        "plugins.extra.hooks",
        False,
    )  # no __init__ anywhere
    assert module_name("stubs/thing.pyi") == ("stubs.thing", False)
    assert module_name("lib/python/pkg/mod.py", ("lib/python", "lib")) == ("pkg.mod", False)
    assert module_name("src/pkg/mod.py", ()) == ("src.pkg.mod", False)


def test_relative_imports_resolve_against_the_package() -> None:
    assert resolve_relative("shop.engines", "factory", 1) == "shop.engines.factory"
    assert resolve_relative("shop.engines", "legacy", 2) == "shop.legacy"
    assert resolve_relative("shop.engines", None, 1) == "shop.engines"
    assert resolve_relative("shop", None, 3) == ""


def test_definitions_carry_qualnames_kinds_and_bases() -> None:
    defs = {d.qualname: d for d in _facts().definitions}
    assert defs["Engine"] == Definition("Engine", "class", 25, ("Base",))
    assert defs["Engine.build_for_user"].kind == "classmethod"
    assert defs["Engine.helper"].kind == "staticmethod"
    assert defs["Engine.run"].kind == "method"
    assert defs["Engine.Inner"].kind == "class"
    assert defs["get_engine_factory"].kind == "function"
    assert "get_engine_factory.<locals>.local" not in defs and "local" not in defs


def test_every_import_form_is_found_with_its_scope() -> None:
    facts = _facts()
    names = {(i.module, i.name, i.asname, i.scope) for i in facts.name_imports}
    assert (
        "shop.engines.factory",
        "EngineFactory",
        "EngineFactory",
        "module",
    ) in names  # relative, level 1
    assert ("shop.legacy", "old_factory", "old_factory", "module") in names  # relative, level 2
    assert ("shop.engines", "factory", "fmod", "module") in names
    assert ("shop.notify", "Notifier", "Notifier", "type_checking") in names
    assert ("fast_engines", "EngineFactory", "Fast", "fallback") in names
    assert ("shop.engines.factory", "EngineFactory", "Fast", "fallback") in names
    assert (
        "shop.legacy.old_factory",
        "LegacyEngineFactory",
        "LegacyEngineFactory",
        "function",
    ) in names
    modules = set(facts.module_imports)
    assert ModuleImport("shop.legacy.old_factory", "shop", 4, "module") in modules
    assert ModuleImport("shop.engines.factory", "factory_mod", 5, "module") in modules
    assert (
        ModuleImport("shop.legacy.old_factory", "legacy", 47, "function", dynamic=True) in modules
    )


def test_aliases_all_and_references() -> None:
    facts = _facts()
    assert Assignment("ShopEngineFactory", "EngineFactory", 19) in facts.assignments
    assert Assignment("Other", "factory_mod.EngineFactory", 20) in facts.assignments
    assert Assignment("Engine.Default", "EngineFactory", 26) in facts.assignments
    assert facts.all_names == ("EngineFactory", "ShopEngineFactory")
    assert Reference("legacy", "LegacyEngineFactory", 48) in facts.references
    assert Reference("shop.legacy.old_factory", "get_legacy_engine_factory", 48) in facts.references
    assert all("actory" in r.attr for r in facts.references)  # only interesting attributes are kept
