"""The content-keyed scan cache: a warm run reads nothing; a changed file is re-read and re-parsed."""

from __future__ import annotations

import os
from pathlib import Path

from harness.config import load_config
from harness.pin.audit import audit, scan_for
from harness.scan.cache import CACHE_FILE


def _scan(tree: Path):
    return scan_for(load_config(tree / "pyproject.toml"))


def _imports(tree: Path, result) -> set[tuple[str, str]]:
    report = audit(load_config(tree / "pyproject.toml"), result, None)
    return {
        (f.location, f.member)
        for f in report.family("engine-factory").findings
        if f.kind == "import"
    }


def test_warm_run_reads_no_file_and_gives_the_same_facts(shop: Path) -> None:
    cold = _scan(shop)
    assert (shop / ".ssot-cache" / CACHE_FILE).is_file()
    warm = _scan(shop)
    assert cold.files_read >= cold.files_walked > 0  # a second pass looks for learned alias names
    assert warm.files_read == 0 and warm.files_parsed == 0
    assert warm.facts == cold.facts and warm.skipped == cold.skipped


def test_a_changed_file_invalidates_its_entry(shop: Path) -> None:
    _scan(shop)
    cli_py = shop / "tools/cli.py"
    cli_py.write_text(
        "from shop.legacy.old_factory import LegacyEngineFactory\n\n\ndef run():\n    return 1\n"
    )
    result = _scan(shop)
    assert result.files_read == 1 and result.files_parsed == 1
    assert ("tools/cli.py:1", "shop.legacy.old_factory:LegacyEngineFactory") in _imports(
        shop, result
    )
    assert ("tools/cli.py:1", "shop.engines.factory:EngineFactory") not in _imports(shop, result)


def test_a_touched_but_unchanged_file_is_read_not_parsed(shop: Path) -> None:
    _scan(shop)
    target = shop / "src/shop/app.py"
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    result = _scan(shop)
    assert result.files_read == 1 and result.files_parsed == 0


def test_a_file_that_starts_mentioning_a_member_becomes_a_candidate(shop: Path) -> None:
    _scan(shop)
    (shop / "src/shop/late.py").write_text("x = 1\n")
    assert not any(f.path == "src/shop/late.py" for f in _scan(shop).facts)
    (shop / "src/shop/late.py").write_text("from shop.engines.factory import get_engine_factory\n")
    result = _scan(shop)
    assert ("src/shop/late.py:1", "shop.engines.factory:get_engine_factory") in _imports(
        shop, result
    )


def test_callers_of_an_alias_with_an_unrelated_name_are_found_and_remembered(shop: Path) -> None:
    (shop / "src/shop/nick.py").write_text(
        "from shop.engines.factory import EngineFactory as Maker\n"
    )
    (shop / "src/shop/user.py").write_text(
        "from shop.nick import Maker\n"
    )  # mentions no pattern literal
    cold = _scan(shop)
    assert ("src/shop/user.py:1", "shop.nick:Maker") in _imports(shop, cold)
    assert "Maker" in cold.needles
    warm = _scan(shop)
    assert warm.files_read == 0 and warm.facts == cold.facts


def test_a_corrupt_cache_is_ignored(shop: Path) -> None:
    cold = _scan(shop)
    (shop / ".ssot-cache" / CACHE_FILE).write_bytes(b"not a pickle")
    again = _scan(shop)
    assert again.files_read >= again.files_walked and again.facts == cold.facts
