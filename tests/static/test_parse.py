"""read_source() and parse_module(): encodings, size, syntax — reported with a reason, never raised."""

from __future__ import annotations

import ast
from pathlib import Path

from harness.scan.parse import Skipped, parse_module, read_source


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_bom_is_read_and_parsed(tmp_path: Path) -> None:
    path = _write(tmp_path, "bom.py", b"\xef\xbb\xbfclass EngineFactory:\n    pass\n")
    source = read_source(path)
    assert isinstance(source, str) and source.startswith("class")
    tree = parse_module(path, source)
    assert isinstance(tree, ast.Module) and isinstance(tree.body[0], ast.ClassDef)


def test_a_pep263_cookie_is_honoured(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "latin.py", '# -*- coding: latin-1 -*-\nname = "caf\xe9"\n'.encode("latin-1")
    )
    assert read_source(path) == '# -*- coding: latin-1 -*-\nname = "café"\n'


def test_invalid_utf8_without_cookie_is_reported_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.py", b"x = 1\ny = '\xff'\n")
    result = read_source(path)
    assert isinstance(result, Skipped)
    assert result.reason.startswith("bad encoding") and "line 2" in result.reason


def test_bytes_that_do_not_match_the_cookie_are_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "liar.py", b"# coding: ascii\nx = '\xc3\xa9'\n")
    result = read_source(path)
    assert isinstance(result, Skipped) and "not valid ascii" in result.reason


def test_an_unknown_codec_is_reported(tmp_path: Path) -> None:
    result = read_source(_write(tmp_path, "odd.py", b"# coding: klingon\nx = 1\n"))
    assert isinstance(result, Skipped) and result.reason.startswith("bad encoding")


def test_a_file_over_the_limit_is_reported_not_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "huge.py", b"x = 1\n" * 100)
    result = read_source(path, max_bytes=100)
    assert isinstance(result, Skipped) and result.reason == "too large: 600 bytes (limit 100)"


def test_syntax_errors_are_reported_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    result = parse_module(path, "x = 1\n\ndef f(:\n    pass\n")
    assert isinstance(result, Skipped) and result.reason.startswith("syntax error at line 3")


def test_null_bytes_are_reported(tmp_path: Path) -> None:
    result = parse_module(tmp_path / "nul.py", "x = 1\x00\n")
    assert isinstance(result, Skipped)
    assert "not parseable" in result.reason or "syntax error" in result.reason
