"""The content-keyed scan cache: a warm run reads nothing; a changed file is re-read and re-parsed.

(These trees are not git work trees: the walk and the stat keys; see test_blob_cache.py for git's.)
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from harness.config import load_config
from harness.pin.audit import audit, scan_for
from harness.scan import index
from harness.scan.cache import CACHE_FILE
from harness.scan.digests import seal, unseal
from harness.scan.plain import facts_from_bytes, facts_from_data, facts_to_data
from harness.scan.skip import Skipped


def _scan(tree: Path):
    return scan_for(load_config(tree / "pyproject.toml"))


def lines(path: Path) -> list:
    """The cache file's JSON lines, decoded (see harness/scan/cache.py for what each holds): the
    header, then lines sealed with their digest."""
    head, *rest = path.read_bytes().split(b"\n")
    return [json.loads(head), *(json.loads(unseal(line)) for line in rest)]


def write_lines(path: Path, decoded: list) -> None:
    """Write `decoded` as `lines` reads it (each line after the header sealed again)."""
    head, *rest = (json.dumps(d).encode() for d in decoded)
    path.write_bytes(b"\n".join([head, *(seal(line) for line in rest)]))


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


def test_a_cold_scan_reads_each_file_once_and_parses_each_candidate_once_even_with_a_learned_alias(
    shop: Path, monkeypatch
) -> None:
    (shop / "src/shop/nick.py").write_text(
        "from shop.engines.factory import EngineFactory as Maker\n"
    )
    (shop / "src/shop/user.py").write_text("from shop.nick import Maker\n")
    reads: list[str] = []
    real = index.read_file

    def counted(path: str, size: int) -> bytes:
        reads.append(Path(path).relative_to(shop).as_posix())
        return real(path, size)

    monkeypatch.setattr(index, "read_file", counted)
    cold = _scan(shop)
    assert "Maker" in cold.needles  # a second pass looked for the learned alias name...
    assert ("src/shop/user.py:1", "shop.nick:Maker") in _imports(shop, cold)  # ...and found it
    assert sorted(reads) == sorted(set(reads)) and len(reads) == cold.files_walked  # no re-read
    assert cold.files_read == cold.files_walked
    parse_skips = [s for s in cold.skipped if s.reason.startswith(("syntax error", "bad encoding"))]
    assert cold.files_parsed == len(cold.facts) + len(parse_skips)


def test_beyond_the_bytes_it_may_hold_a_later_pass_reads_files_again(
    shop: Path, monkeypatch
) -> None:
    (shop / "src/shop/nick.py").write_text(
        "from shop.engines.factory import EngineFactory as Maker\n"
    )
    (shop / "src/shop/user.py").write_text("from shop.nick import Maker\n")
    config = load_config(shop / "pyproject.toml")
    kept = scan_for(config, use_cache=False)
    monkeypatch.setattr(index, "HOLD_BYTES", 0)
    reread = scan_for(config, use_cache=False)
    assert reread.facts == kept.facts and reread.needles == kept.needles
    assert reread.files_read > reread.files_walked == kept.files_read  # the counter sees re-reads


@pytest.mark.parametrize("garbage", [b"not json", b'{"format": 1}', b"\x80\x81", b"[]"])
def test_a_corrupt_cache_is_rebuilt_with_a_warning(shop: Path, capsys, garbage: bytes) -> None:
    cold = _scan(shop)
    path = shop / ".ssot-cache" / CACHE_FILE
    path.write_bytes(garbage)
    again = _scan(shop)
    assert again.facts == cold.facts and again.files_parsed == cold.files_parsed
    assert f"warning: scan cache {path} is corrupt" in capsys.readouterr().err
    assert lines(path)[0]["format"] == "ssot-harness scan cache"
    assert _scan(shop).files_read == 0


def test_the_cache_is_versioned_plain_json_lines(shop: Path) -> None:
    old = shop / ".ssot-cache" / "scan.json"  # the single JSON file of the previous format
    old.parent.mkdir()
    old.write_text('{"format": "ssot-harness scan cache", "version": 3004, "files": {}}')
    _scan(shop)
    head, state, modules, table, *facts = lines(shop / ".ssot-cache" / CACHE_FILE)
    assert head["format"] == "ssot-harness scan cache" and isinstance(head["version"], int)
    assert "src/shop/app.py" in {row[0] for row in table["files"]}
    assert isinstance(state["learned"], list) and isinstance(modules, list)
    assert facts and all(isinstance(f, dict) for f in facts)
    assert not old.exists() and not list((shop / ".ssot-cache").glob("*.pickle"))


def test_a_cache_of_another_version_starts_cold_quietly(shop: Path, capsys) -> None:
    _scan(shop)
    path = shop / ".ssot-cache" / CACHE_FILE
    data = lines(path)
    data[0]["version"] = -1
    write_lines(path, data)
    again = _scan(shop)
    assert again.files_read >= again.files_walked
    assert "warning" not in capsys.readouterr().err


def test_shared_files_are_written_with_the_normal_umask(shop: Path, cli) -> None:
    old = os.umask(0o022)
    try:
        assert cli("baseline", "--update", shop).code in (0, 1)
    finally:
        os.umask(old)
    assert stat.S_IMODE((shop / ".ssot-baseline.json").stat().st_mode) == 0o644
    assert stat.S_IMODE((shop / ".ssot-cache" / CACHE_FILE).stat().st_mode) == 0o644


def test_facts_are_a_function_of_bytes_and_round_trip_through_plain_data(shop: Path) -> None:
    for path in sorted((shop / "src").rglob("*.py")):
        rel = path.relative_to(shop).as_posix()
        facts = facts_from_bytes(path.read_bytes(), rel)
        if isinstance(facts, Skipped):
            continue
        data = json.loads(json.dumps(facts_to_data(facts)))
        assert facts_from_data(data) == facts
        assert facts_from_bytes(path.read_bytes(), rel) == facts  # no hidden state


APP = "src/shop/app.py"


@pytest.mark.parametrize(
    "bad",
    [[APP, None], [APP, None, 99, None], "x", [APP, None, 0, {"a": 1}], [APP, None, 0, 10**6]],
)
def test_a_corrupt_entry_rebuilds_the_cache_with_a_warning(shop: Path, capsys, bad) -> None:
    cold = _scan(shop)
    path = shop / ".ssot-cache" / CACHE_FILE
    data = lines(path)
    rows = data[3]["files"]
    rows[[row[0] for row in rows].index(APP)] = bad
    write_lines(path, data)
    again = _scan(shop)
    assert again.facts == cold.facts and again.files_read >= again.files_walked
    assert f"warning: scan cache {path} is corrupt" in capsys.readouterr().err


def test_a_file_replaced_with_the_same_size_and_mtime_is_still_seen(shop: Path) -> None:
    """Editors and `git checkout` replace files (a new inode): the stat key holds the inode beside
    size and mtime_ns, so a same-size replacement given the old mtime back is read again."""
    _scan(shop)
    target = shop / "tools/cli.py"
    before = target.stat()
    line = b"from shop.legacy.old_factory import LegacyEngineFactory\n#"
    spare = shop / "tools/cli.py.new"
    spare.write_bytes(line.ljust(before.st_size - 1, b"#") + b"\n")
    os.replace(spare, target)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert after.st_ino != before.st_ino
    result = _scan(shop)
    assert result.files_read == 1 and result.files_parsed == 1
    assert ("tools/cli.py:1", "shop.legacy.old_factory:LegacyEngineFactory") in _imports(
        shop, result
    )
