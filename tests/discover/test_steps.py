"""Discover reads a git work tree through one `git grep` and parses in two steps: the same outline as
reading each file's bytes, and the same families shown as parsing every candidate."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.cli import main
from harness.discover import steps
from harness.discover.collect import Reading
from harness.discover.native import PATTERNS, outlines
from harness.discover.outline import Outline, outline
from harness.discover.rank import rank_groups
from harness.scan.gitfiles import GitTree, git_tree
from tests.discover import platform_tree
from tests.static.test_git_scan import _ENV

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _commit(tree: Path) -> Path:
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "tree"]):
        subprocess.run(
            ["git", "-c", "init.defaultBranch=main", *args],
            cwd=tree,
            env={**os.environ, **_ENV},
            check=True,
            capture_output=True,
        )
    return tree


_TRICKY = {
    "a.py": (
        b'"""A docstring that says\nclass NotReal:\n"""\n\n@deprecated("use B")\nclass Old(Base):\n'
        b"    def get_x(self):\n        pass\n\n\nclass Keep:  # deprecated? no: a comment\n    pass\n"
        b"\n\nMaker = other.Factory\nFactory2 = Factory   \n"
        b"from m import (\n    EngineFactory as UnifiedEngineFactory,\n    x as y,\n)\n"
        b"try:\n    import fast\nexcept (ImportError, AttributeError):\n    fast = None\n"
        b"with open(p) as Handle:\n    pass\nLast = tail"  # an alias on the last line, no newline
    ),
    "b.py": b"class Crlf:\r\n    pass\r\nAlias = Crlf\r\nasync def get_registry():\r\n    pass\r\n",
    "c.py": b"x = 1\n\x00 class AfterNul:\n    pass\nclass Real(object): pass\n",
    "d.py": b"def create_for_user(cls):\n    pass\n\nDEPRECATED_THING = 1\nsystem_check_deprecated = 2\n",
}


def test_git_grep_s_lines_outline_each_file_as_its_bytes_do(tmp_path: Path) -> None:
    tree = tmp_path / "t"
    tree.mkdir()
    for name, data in _TRICKY.items():
        (tree / name).write_bytes(data)
    platform_tree.build(tree)
    _commit(tree)
    top = os.fspath(tree)
    listing = git_tree(top, [top], (), {}, lines=PATTERNS)
    assert listing is not None
    printed = listing.lines()
    assert printed is not None
    native = outlines(printed)
    fields = ("classes", "top", "getters", "aliases", "targets", "renames", "constructors",
              "marks", "fallback")  # fmt: skip
    compared = 0
    for path in listing.paths:
        rel = os.path.relpath(path, top).replace(os.sep, "/")
        read = outline(Path(path).read_bytes(), "")
        got = native.get(rel, Outline())
        assert [getattr(got, f) for f in fields] == [getattr(read, f) for f in fields], rel
        compared += bool(read.classes or read.aliases or read.marks)
    assert compared > 80
    a = native["a.py"]
    assert a.classes == ("NotReal", "Old", "Keep") and a.renames == ("UnifiedEngineFactory",)
    assert a.aliases == ("Maker", "Factory2", "Last") and a.fallback
    assert a.marks == ((5, 1), (11, 2))  # a decorator; a word on a class statement (links.py
    # never reads the class statement itself as a deprecation)
    assert native["b.py"].getters == ("get_registry",) and not native["b.py"].aliases  # \r


def _json(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> dict:
    capsys.readouterr()
    assert main(["discover", os.fspath(root), "--no-cache", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_first_step_shows_what_parsing_every_candidate_shows(capsys, tmp_path: Path) -> None:
    tree = _commit(platform_tree.build(tmp_path))
    every = _json(capsys, tree, "--top", "1000")["families"]
    for top in (1, 2, 3, 5):
        assert _json(capsys, tree, "--top", str(top))["families"] == every[:top]
    assert _json(capsys, tree, "--no-git", "--top", "2") == _json(capsys, tree, "--top", "2")
    reading = Reading.open(tree, use_cache=False)
    try:
        groups = rank_groups(reading.parse_first(), reading.learned)
        # the two planted families of names are decided by the first step alone; the third
        # family shown (`*Calculator`, a learned role word) is in the second step's files
        assert steps.decided(groups, 2) and not steps.decided(groups, 3)
        assert len(reading.first) < len(reading.rest)
    finally:
        reading.close()


def test_without_the_ceiling_the_first_step_would_show_a_wrong_top(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard is needed: decided on a top that reaches below the names tier, the first step
    shows a weak group of its own where a learned role word's group (in no file it parsed)
    belongs."""
    setter = "class AttributeSetter:\n    def __init__(self, name, value):\n        setattr(self, name, value)\n"
    calc = "    def compute(self, order):\n        return 0\n\n    def explain(self):\n        return ''\n"
    files = {
        "db/utils.py": setter,
        "fields/composite.py": setter,
        "pay/a.py": "class PaymentFactory:\n    def make(self):\n        pass\n",
        "pay/b.py": "class PaymentFactory:\n    def make(self):\n        pass\n",
        "orders.py": "class OrderFactory:\n    def build(self):\n        pass\n\n\ndef get_order_factory():\n    pass\n",
        "billing.py": "".join(f"class {n}Calculator:\n{calc}\n\n" for n in ("Tax", "Price", "Fee")),
    }
    for rel, text in files.items():
        platform_tree.write_module(tmp_path, f"app/{rel}", text)
    tree = _commit(tmp_path)
    every = _json(capsys, tree, "--top", "1000")["families"]
    assert [f["name"] for f in every[:4]] == [
        "attribute-setter", "payment-factory", "calculator", "order-factory"
    ]  # fmt: skip
    assert _json(capsys, tree, "--top", "3")["families"] == every[:3]
    monkeypatch.setattr(steps, "DECIDED", 0.0)
    wrong = _json(capsys, tree, "--top", "3")["families"]
    assert [f["name"] for f in wrong] == ["attribute-setter", "payment-factory", "order-factory"]


def test_a_git_without_pcre_outlines_from_the_bytes(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = _commit(platform_tree.build(tmp_path))
    expected = _json(capsys, tree, "--top", "8")
    monkeypatch.setattr(GitTree, "lines", lambda self: None)
    assert _json(capsys, tree, "--top", "8") == expected


def test_the_git_path_reads_only_the_files_it_parses(tmp_path: Path, reads: list[str]) -> None:
    tree = _commit(platform_tree.build(tmp_path))
    reading = Reading.open(tree, use_cache=False, jobs=1)
    try:
        assert not reads  # the outline came from git grep
        reading.parse_first()
        assert len(reads) == len(set(reads)) == len(reading.first) < len(reading.items)
    finally:
        reading.close()


def test_discover_starts_git_before_its_imports_and_takes_it_over(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.scan import early

    tree = _commit(platform_tree.build(tmp_path))
    started: list[subprocess.Popen[bytes]] = []
    ahead: list[tuple[str, ...]] = []
    real_popen, real_start = early.popen, early.head_start

    def popen(top: str, *args: str) -> subprocess.Popen[bytes]:
        started.append(real_popen(top, *args))
        return started[-1]

    def head_start(top: str, roots, **kw) -> None:  # type: ignore[no-untyped-def]
        ahead.append(tuple(kw["lines"]))
        real_start(top, roots, **kw)
        assert len(started) == 3  # the index, the untracked files, the outline's line search

    monkeypatch.setattr(early, "popen", popen)
    monkeypatch.setattr(early, "head_start", head_start)
    expected = _json(capsys, tree, "--no-git", "--top", "8")
    assert not started and not ahead
    assert _json(capsys, tree, "--top", "8") == expected
    assert ahead == [PATTERNS]
    # taken over by the reading, not started again: one line search (the evidence's grep is -l)
    assert sum("ls-files" in p.args for p in started) == 2
    assert sum("-n" in p.args for p in started) == 1
    assert not early._LISTINGS and not early._LINES
    assert all(p.returncode is not None for p in started)


def test_the_line_search_never_waits_on_a_full_pipe(tmp_path: Path) -> None:
    """git grep prints megabytes on a large tree; read only at the end, it would stop at 64 KiB
    until the reading is done with the listing. A thread drains it as it comes."""
    from harness.scan import early

    tree = tmp_path / "t"
    tree.mkdir()
    (tree / "many.py").write_text(
        "".join(f"class Many{i}Factory:\n    pass\n" for i in range(8000))
    )
    _commit(tree)
    top = os.fspath(tree)
    search = early.start_lines(top, (".",), PATTERNS)
    assert search.proc.wait(timeout=30) == 0  # finished with nobody reading yet
    out, _ = search.communicate()
    assert len(out) > 4 * 65536
    assert out.count(b"\n") == 8000 and outlines(out)["many.py"].classes[-1] == "Many7999Factory"
