"""Fuzzed cached facts: a warm audit over a damaged cache answers exactly as a cold one, warns
(naming the cache file) when it had to rebuild, never shows a traceback and never trusts damage.

The damage is done to whatever files the audit left under its cache dir (the scan cache, the
findings kept per family), through the public path only (a real audit writes them, a real audit
reads them), so the test holds whatever the caches' layout: bytes cut short, overwritten or
prefixed, and, where a file holds JSON (one document or one a line), values replaced by junk of
another type, tables' keys dropped or added (`mutated(..., retype=True)`), each line sealed again
with its digest when it was (so the damage reaches the reader of what the line holds, as a line
written by another version or edited by hand and sealed again would). A value swapped for another
the writer writes at that place (one name for another, a flag flipped, a skip reason for a facts
line) is a plausible edit that no reader could tell from the real thing, and is not fuzzed.
`SSOT_FUZZ_EXAMPLES` as in test_parsers.py."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, reject
from hypothesis import strategies as st

from harness.cli import main
from harness.scan.digests import seal, unseal
from tests.fuzz.junk import FUZZ, JSON_JUNK, json_type, mutated

SHOP = Path(__file__).resolve().parents[1] / "fixtures" / "static" / "shop"
CACHE = ".ssot-cache"


def _audit(tree: Path, *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["audit", str(tree), "--config", str(tree / "pyproject.toml"), "--format", "json", *extra])
    return status, out.getvalue(), err.getvalue()


def _git(tree: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=fuzz@example.com", "-c", "user.name=fuzz", *args],
                   cwd=tree, check=True, capture_output=True)  # fmt: skip


class Shop:
    """The fixture tree, its cold audit (exit status, JSON report) and the cache files a warm audit
    left behind (relative path -> bytes); shown by its path alone in a falsifying example."""

    def __init__(self, tree: Path, cold: tuple[int, str], files: dict[str, bytes]) -> None:
        self.tree, self.cold, self.files = tree, cold, files

    def __repr__(self) -> str:
        return f"Shop({str(self.tree)!r})"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Shop:
    """A git work tree of the shop fixture (with a file that does not parse, whose skip is cached
    too), its cold audit, and the cache files a warm audit left behind (relative path -> bytes)."""
    tree = tmp_path_factory.mktemp("cache-fuzz") / "shop"
    shutil.copytree(SHOP, tree)
    (tree / "src" / "shop" / "broken.py").write_text(
        "from shop.engines.factory import EngineFactory\n\ndef (:\n", encoding="utf-8"
    )
    (tree / ".gitignore").write_text(f"{CACHE}/\n", encoding="utf-8")
    _git(tree, "init", "-q")
    _git(tree, "add", "-A")
    _git(tree, "commit", "-q", "-m", "shop")
    assert main(["baseline", str(tree), "--config", str(tree / "pyproject.toml"), "--update", "--no-cache"]) == 0
    status, cold, err = _audit(tree, "--no-cache")
    assert status == 1 and not err and '"src/shop/broken.py"' in cold  # the pinned notifier fails
    assert _audit(tree)[:2] == (status, cold)  # writes the cache
    assert _audit(tree) == (status, cold, "")  # reads it
    files = {p.relative_to(tree / CACHE).as_posix(): p.read_bytes()
             for p in sorted((tree / CACHE).rglob("*")) if p.is_file()}  # fmt: skip
    assert files, "the audit left no cache file"
    return Shop(tree, (status, cold), files)


def _restore(tree: Path, files: dict[str, bytes]) -> None:
    shutil.rmtree(tree / CACHE, ignore_errors=True)
    for rel, data in files.items():
        (tree / CACHE / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / CACHE / rel).write_bytes(data)


def _loads(text: bytes) -> tuple[Any, bool]:
    """One JSON document and whether it was sealed with its digest (a ValueError: not JSON)."""
    try:
        return json.loads(unseal(text)), True
    except ValueError:
        return json.loads(text), False


def _documents(data: bytes) -> tuple[list[tuple[Any, bool]], bool] | None:
    """The JSON documents of a cache file, each with whether it was sealed, and whether the file
    holds one a line (JSON lines); None when it holds no JSON."""
    try:
        return [_loads(data)], False
    except ValueError:
        pass
    try:
        return [_loads(line) for line in data.splitlines()], True
    except ValueError:
        return None


def _skeleton(data: bytes) -> object:
    """The JSON types at every path of `data`'s documents (None when it holds no JSON): two files
    with one skeleton differ only in values a reader cannot tell from real ones."""

    def shape(value: object) -> object:
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items()}
        if isinstance(value, list):
            return [shape(v) for v in value]
        return json_type(value)

    found = _documents(data)
    return None if found is None else [shape(d) for d, _sealed in found[0]]


@st.composite
def broken_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` cut short, overwritten in place, prefixed or replaced; never a plausible edit."""
    how = draw(st.sampled_from(["cut", "overwrite", "prefix", "replace"]))
    if how == "cut":
        out = data[: draw(st.integers(0, max(0, len(data) - 1)))]
    elif how == "overwrite":
        at = draw(st.integers(0, max(0, len(data) - 1)))
        junk = draw(st.binary(min_size=1, max_size=8))
        out = data[:at] + junk + data[at + len(junk) :]
    elif how == "prefix":
        out = draw(st.binary(min_size=1, max_size=8)) + data
    else:
        out = draw(st.binary(max_size=40))
    assume(_skeleton(out) is None or _skeleton(out) != _skeleton(data))
    return out


def _kind(value: object) -> str:
    """A value's JSON type, true and false one type (a flag flipped is a plausible edit)."""
    return "bool" if isinstance(value, bool) else json_type(value)


def _shapes(value: object, at: tuple[object, ...] = ()) -> set[tuple[object, ...]]:
    """(place, kind) of every value in `value`, and each table's keys. A list's items share one
    place ("*"), unless they are of several kinds: a row, each column its own place. The kinds
    that a writer writes at one place (a conclusion that is null, a line number or a skip reason;
    `__all__` as null or a list) are each a plausible value there, that no reader can tell from
    the real one."""
    found = {(at, _kind(value))}
    if isinstance(value, dict):
        found.add((at, "keys", frozenset(value)))
        for key, item in value.items():
            found |= _shapes(item, (*at, key))
    elif isinstance(value, list):
        row = len({_kind(item) for item in value}) > 1
        for i, item in enumerate(value):
            found |= _shapes(item, (*at, i if row else "*"))
    return found


@st.composite
def retyped(draw: st.DrawFn, data: bytes) -> bytes:
    """A JSON (or JSON lines) cache file with values replaced by junk of a kind the writer never
    writes there, keys dropped or added, in one of its documents; sealed again when it was (its
    digest right, as in a file written by another version, or edited by hand and sealed again)."""
    found = _documents(data)
    if found is None or not found[0]:
        reject()
    documents, as_lines = found
    at = draw(st.integers(0, len(documents) - 1))
    doc, sealed = documents[at]
    damaged = draw(mutated(doc, JSON_JUNK, retype=True))
    written = set().union(*(_shapes(d, ("*",)) for d, _sealed in documents))
    assume(not _shapes(damaged, ("*",)) <= written)  # else a plausible edit: not fuzzed
    documents[at] = (damaged, sealed)
    texts = [json.dumps(d).encode() for d, _sealed in documents]
    texts = [seal(t) if sealed else t for t, (_d, sealed) in zip(texts, documents, strict=True)]
    return b"\n".join(texts) if as_lines else texts[0]


def _damage_and_audit(shop: Shop, data: st.DataObject, damage: Any) -> None:
    tree, (status, cold), files = shop.tree, shop.cold, shop.files
    _restore(tree, files)
    rel = data.draw(st.sampled_from(sorted(files)), label="cache file")
    (tree / CACHE / rel).write_bytes(data.draw(damage(files[rel]), label="damaged"))
    got, out, err = _audit(tree)
    assert "Traceback" not in err
    assert (got, out) == (status, cold), err  # the same facts, so the same report
    for line in err.splitlines():  # a rebuild is said, naming the cache file
        assert "warning" in line and str(tree / CACHE) in line, line
    assert _audit(tree) == (status, cold, "")  # and it was rebuilt: the next run is quiet


@FUZZ
@given(data=st.data())
def test_a_warm_audit_over_broken_cache_bytes_answers_as_a_cold_one(shop: Shop, data: st.DataObject) -> None:
    _damage_and_audit(shop, data, broken_bytes)


@FUZZ
@given(data=st.data())
def test_a_warm_audit_over_retyped_cache_values_answers_as_a_cold_one(shop: Shop, data: st.DataObject) -> None:
    _damage_and_audit(shop, data, retyped)


def test_a_cache_cut_in_half_is_rebuilt_with_a_warning_naming_it(shop: Shop) -> None:
    _restore(shop.tree, shop.files)
    for rel, data in shop.files.items():
        (shop.tree / CACHE / rel).write_bytes(data[: len(data) // 2])
    status, out, err = _audit(shop.tree)
    assert (status, out) == shop.cold
    assert "warning" in err and "rebuilding" in err and str(shop.tree / CACHE) in err, err
    assert _audit(shop.tree) == (*shop.cold, "")
