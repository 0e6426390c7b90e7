"""Reads one file's source (BOM, PEP 263 cookies, size limit) and parses it, reporting what fails."""

from __future__ import annotations

import ast
import io
import os
import tokenize
from pathlib import Path

from harness.scan.bodies import parse_definitions
from harness.scan.skip import Skipped

__all__ = ["MAX_BYTES", "Skipped", "decode_source", "parse_module", "read_source"]

# Files larger than this are generated data, not code worth auditing; they are reported, not read.
MAX_BYTES = 5 * 1024 * 1024


def read_source(path: Path, *, max_bytes: int = MAX_BYTES) -> str | Skipped:
    """The text of `path` decoded as Python source (BOM and coding cookie honoured), or why not."""
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            return Skipped(path, f"too large: {size} bytes (limit {max_bytes})")
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return Skipped(path, f"unreadable: {exc.strerror or exc}")
    return decode_source(path, data)


def decode_source(path: Path, data: bytes) -> str | Skipped:
    """Decode `data` the way the interpreter would: UTF-8 BOM, else a PEP 263 cookie, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            line = data.count(b"\n", 0, bad.start) + 1
            return Skipped(
                path,
                f"bad encoding: not valid utf-8 at line {line} (byte {bad.start}) and no coding cookie",
            )
        return Skipped(path, f"bad encoding: {exc.msg}")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return Skipped(
            path, f"bad encoding: not valid {encoding} at line {line} (byte {exc.start})"
        )
    except LookupError:
        return Skipped(path, f"bad encoding: unknown codec {encoding!r} in the coding cookie")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def parse_module(path: Path, source: str, *, bodies: bool = True) -> ast.Module | Skipped:
    """`ast.parse` of `source`; a syntax error is reported with its line, never raised. Without
    `bodies`, function bodies are cut out first where that is certain (see bodies.py): each
    function's body is then `...`, everything else the same, on the same lines."""
    try:
        if not bodies:
            return parse_definitions(source, str(path))
        return ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        where = f"line {exc.lineno}" if exc.lineno else "unknown line"
        return Skipped(path, f"syntax error at {where}: {exc.msg}")
    except ValueError as exc:  # e.g. source code string cannot contain null bytes
        return Skipped(path, f"not parseable: {exc}")
    except (RecursionError, MemoryError):
        return Skipped(path, "not parseable: nested too deeply for the parser")
