"""scan(): the byte prefilter decides what is parsed; two processes give the same facts as one."""

from __future__ import annotations

from pathlib import Path

from harness.scan.index import scan


def _tree(root: Path, files: int) -> None:
    for i in range(files):
        folder = root / "pkg" / f"sub{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        body = "class Plain:\n    pass\n"
        if i % 50 == 3:
            body = f"class Mod{i}EngineFactory:\n    pass\n"
        elif i % 50 == 4:
            body = "from pkg.sub0.m3 import Mod3EngineFactory\n\nMod3EngineFactory()\n"
        elif i % 97 == 5:
            body = "def broken(:\n    EngineFactory\n"
        (folder / f"m{i}.py").write_text(body)


def test_only_files_mentioning_a_needle_are_parsed(tmp_path: Path) -> None:
    _tree(tmp_path, 120)
    result = scan(tmp_path, ["pkg"], ["EngineFactory"], jobs=1)
    assert result.files_walked == 120
    assert result.files_parsed == len(result.facts) + len(result.skipped)
    assert {f.path.rsplit("/", 1)[1] for f in result.facts} == {
        f"m{i}.py" for i in range(120) if i % 50 in (3, 4)
    }
    assert [s.reason for s in result.skipped] == [
        "syntax error at line 1: invalid syntax"
    ] * 2  # m5, m102


def test_two_processes_give_the_same_result_as_one(tmp_path: Path) -> None:
    _tree(tmp_path, 450)  # above the pool threshold
    one = scan(tmp_path, ["pkg"], ["EngineFactory"], jobs=1)
    two = scan(tmp_path, ["pkg"], ["EngineFactory"], jobs=2)
    assert one.facts == two.facts and one.skipped == two.skipped
    assert len(one.facts) == 18 and one.files_walked == 450


def test_a_file_over_the_size_limit_is_skipped_with_its_size(tmp_path: Path) -> None:
    _tree(tmp_path, 10)
    big = tmp_path / "pkg" / "generated.py"
    big.write_text("TABLE = 'EngineFactory'\n" + "x = 1\n" * 2000)
    result = scan(tmp_path, ["pkg"], ["EngineFactory"], jobs=1, max_bytes=4096)
    size = big.stat().st_size
    assert [(s.path.as_posix(), s.reason) for s in result.skipped] == [
        ("pkg/generated.py", f"too large: {size} bytes (limit 4096)"),
        ("pkg/sub5/m5.py", "syntax error at line 1: invalid syntax"),
    ]
