"""Accepted divergences: declared in one place with member, contract and reason; run as strict xfail.

A declaration that matches no collected test is an error, so the list cannot rot: once a divergence
is fixed its strict xfail passes, the run fails, and the declaration must go."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigError

_KEYS = {"member", "contract", "reason", "cases"}


@dataclass(frozen=True)
class Divergence:
    member: str  # short member name, as in test ids
    contract: str  # the contract's test function name
    reason: str
    cases: tuple[str, ...] = ()  # narrows to these parameter ids (e.g. scenario names); empty: all

    def matches(self, member: str, contract: str, case: str | None) -> bool:
        if (member, contract) != (self.member, self.contract):
            return False
        return not self.cases or case in self.cases


def load_divergences(path: Path) -> tuple[Divergence, ...]:
    if not path.is_file():
        return ()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 (byte {exc.start}); TOML files must be UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    entries = data.get("divergence", [])
    if set(data) - {"divergence"} or not isinstance(entries, list):
        raise ConfigError(f"{path}: expected only [[divergence]] tables")
    out = []
    for i, entry in enumerate(entries):
        where = f"{path}: [[divergence]] #{i + 1}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: expected a table with member, contract and reason")
        unknown = sorted(set(entry) - _KEYS)
        if unknown:
            raise ConfigError(
                f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(_KEYS))})"
            )
        for key in ("member", "contract", "reason"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ConfigError(f"{where}: {key!r} must be a non-empty string")
        cases = entry.get("cases", [])
        if not isinstance(cases, list) or not all(isinstance(c, str) and c for c in cases):
            raise ConfigError(
                f"{where}: 'cases' must be a list of case ids, e.g. [\"one_tool_call\"]"
            )
        out.append(
            Divergence(
                entry["member"],
                entry["contract"],
                entry["reason"].strip(),
                tuple(cases),
            )
        )
    return tuple(out)
