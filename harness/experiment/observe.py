"""One observation: the control's and a candidate's results compared the way the contracts compare
(the normalizer's identity-preserving rules, or the caller's function), classified, with a diff."""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from harness.characterize.normalize import Rule, normalize
from harness.prove.divergences import Divergence

MATCH, MISMATCH, ACCEPTED, ERROR, TIMEOUT = "match", "mismatch", "accepted", "error", "timeout"
OUTCOMES: tuple[str, ...] = (MATCH, MISMATCH, ACCEPTED, ERROR, TIMEOUT)
MAX_DIFF_CHARS = 4000


@dataclass(frozen=True)
class Run:
    """What one side of a call did: returned `value` or raised `error`, in `seconds`."""

    value: Any = None
    error: BaseException | None = None
    seconds: float = 0.0
    timed_out: bool = False

    def unwrap(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


@dataclass(frozen=True)
class Observation:
    """One candidate beside the control on one call, as published (already redacted)."""

    family: str
    member: str
    call: str
    outcome: str  # one of OUTCOMES
    control_ms: float
    candidate_ms: float
    overhead_ms: float  # what the experiment added to the control path of this call
    diff: str = ""
    error: str = ""
    reason: str = ""  # the accepted divergence's reason
    at: str = ""  # UTC time of the call, ISO 8601

    def to_data(self) -> dict[str, Any]:
        return {"version": 1, **dataclasses.asdict(self)}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Observation:
        """The observation `to_data` wrote; a ValueError naming the field when it is not one."""
        missing = sorted(_REQUIRED - set(data))
        if missing or data.get("outcome") not in OUTCOMES:
            raise ValueError(
                f"not an observation (missing {', '.join(missing)})"
                if missing
                else f"unknown outcome {data.get('outcome')!r} (known: {', '.join(OUTCOMES)})"
            )
        if data.get("version", 1) != 1:
            raise ValueError(f"an observation of version {data['version']!r}, not 1")
        for name in _TEXT:
            if name in data and type(data[name]) is not str:
                raise ValueError(f"{name} is {_json_type(data[name])}, not a string")
        for name in _MS:
            if not _duration(data.get(name)):
                raise ValueError(
                    f"{name} is {data.get(name)!r}, not a duration in ms (a number >= 0)"
                )
        return cls(**{k: v for k, v in data.items() if k in _TEXT or k in _MS})


_REQUIRED = frozenset({"family", "member", "call", "outcome"})
_TEXT = ("family", "member", "call", "outcome", "diff", "error", "reason", "at")
_MS = ("control_ms", "candidate_ms", "overhead_ms")


def _duration(value: Any) -> bool:
    return type(value) in (int, float) and math.isfinite(value) and value >= 0


def _json_type(value: Any) -> str:
    """What JSON value stands where a string belongs."""
    if value is None:
        return "null"
    return {bool: "a boolean", dict: "an object", list: "a list"}.get(type(value), "a number")


def plain(value: Any) -> Any:
    """JSON-like data of a result: dataclasses as dicts, tuples as lists, sets sorted; an exception
    as its type and message; anything else that JSON cannot hold, as its repr."""
    if isinstance(value, BaseException):
        return {"raised": type(value).__name__, "message": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=repr)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def comparable(run: Run, rules: Sequence[Rule], clean: Callable[[Any], Any] | None) -> Any:
    """The side's result as the comparison sees it: cleaned, made plain, then normalized (each side
    on its own, so two fresh ids are equal when they are used the same way)."""
    data = run.error if run.error is not None else (clean(run.value) if clean else run.value)
    return normalize(plain(data), rules)


def text_diff(control: Any, candidate: Any, member: str) -> str:
    def lines(data: Any) -> list[str]:
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False).splitlines()

    diff = "\n".join(
        difflib.unified_diff(lines(control), lines(candidate), "control", member, lineterm="", n=2)
    )
    # the hunk headers' line numbers carry no meaning once grouped: keep them, they are stable
    return diff if len(diff) <= MAX_DIFF_CHARS else diff[:MAX_DIFF_CHARS] + "\n… (diff cut)"


def classify(
    control: Run,
    candidate: Run,
    *,
    member: str,
    call: str,
    rules: Sequence[Rule],
    clean: Callable[[Any], Any] | None,
    compare: Callable[[Any, Any], bool] | None,
    divergences: Iterable[Divergence],
    contract: str | None,
) -> tuple[str, str, str, str]:
    """(outcome, diff, error, reason) of `candidate` beside `control`."""
    if candidate.timed_out:
        return TIMEOUT, "", "", ""
    if candidate.error is not None and control.error is None:
        return ERROR, "", f"{type(candidate.error).__name__}: {candidate.error}", ""
    left, right = comparable(control, rules, clean), comparable(candidate, rules, clean)
    if compare is not None and control.error is None and candidate.error is None:
        try:
            equal = bool(compare(control.value, candidate.value))
        except Exception as exc:  # the caller's comparison is code too: its failure is observed
            return ERROR, "", f"compare raised {type(exc).__name__}: {exc}", ""
    else:
        equal = left == right
    if equal:
        return MATCH, "", "", ""
    diff = text_diff(left, right, member)
    for divergence in divergences:
        if accepts(divergence, member, call, contract):
            return ACCEPTED, diff, "", divergence.reason
    return MISMATCH, diff, "", ""


def accepts(divergence: Divergence, member: str, call: str, contract: str | None) -> bool:
    """A declared divergence covers this member's mismatch on this call: same member, the contract
    the experiment stands for (any, when it names none), and the call among its cases if it has any."""
    if contract is not None:
        return divergence.matches(member, contract, call)
    return divergence.member == member and (not divergence.cases or call in divergence.cases)
