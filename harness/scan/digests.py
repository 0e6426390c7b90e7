"""The scanner's digests: blake2b for what identifies a run, git's blob id for a file's content.

`hashlib` loads OpenSSL when imported (about 2 ms of every command's start-up); blake2b is
hashlib's own built-in module, so it is taken from there, and hashlib is imported only when a
blob id is computed (a file read whose content git did not name).
"""

from __future__ import annotations

try:
    from _blake2 import blake2b  # what hashlib.blake2b is
except ImportError:  # pragma: no cover - an interpreter without the built-in module
    from hashlib import blake2b

__all__ = ["blake2b", "blob_id", "digest", "seal", "unseal"]


def digest(*parts: bytes) -> str:
    """A 128-bit digest of `parts` joined, as hex."""
    found = blake2b(digest_size=16)
    for part in parts:
        found.update(part)
    return found.hexdigest()


def seal(data: bytes) -> bytes:
    """`data` (JSON text: no tab in it) with a tab and its digest: what `unseal` checks."""
    return data + b"\t" + blake2b(data, digest_size=8).hexdigest().encode()


def unseal(line: bytes) -> bytes:
    """The data `seal` sealed in `line`; a ValueError when the line is not whole (a part cut off,
    bytes changed, lines moved): a cache read back must be what was written, not merely parse."""
    data, tab, found = line.rpartition(b"\t")
    if not tab or blake2b(data, digest_size=8).hexdigest().encode() != found:
        raise ValueError("a line does not match its digest")
    return data


def blob_id(data: bytes, hex_len: int = 40) -> str:
    """The git blob id of `data` (SHA-1; SHA-256 for a repository whose ids are 64 digits)."""
    import hashlib

    head = b"blob %d\0" % len(data)
    found = (
        hashlib.sha1(head, usedforsecurity=False)
        if hex_len == 40
        else hashlib.sha256(head, usedforsecurity=False)
    )
    found.update(data)
    return found.hexdigest()
