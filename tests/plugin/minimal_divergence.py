"""Checks that the example project's reported divergence is shrunk to a minimal input: it diverges,
and no input one step smaller (a line dropped, one number lowered by one) does.

Also a script: `python minimal_divergence.py PROJECT` (run by .ci/adoption with the venv's python)."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import sys
from pathlib import Path

Case = tuple[list[tuple[int, int]], int]
LOWEST = (0, 1)  # the contract's strategy: price >= 0, quantity >= 1 (percent_off >= 0)


def reported(project: Path, member: str = "legacy_cart_total") -> Case:
    """The minimal scenario of `member`'s differential failure, from the matrix's JSON."""
    cells = json.loads((project / "reports" / "equivalence-matrix.json").read_text())["cells"]
    detail = next(
        c["detail"]
        for c in cells
        if c["member"] == member and c["contract"] == "test_same_total_as_the_canonical"
    )
    found = re.search(r"lines: (\[.*\])\n\s*percent_off: (\d+)", detail)
    assert found, f"no minimal scenario in the matrix detail: {detail!r}"
    return ast.literal_eval(found.group(1)), int(found.group(2))


def smaller(case: Case) -> list[Case]:
    lines, percent = case
    out: list[Case] = [(lines[:i] + lines[i + 1 :], percent) for i in range(len(lines))]
    for i, line in enumerate(lines):
        for j, value in enumerate(line):
            if value > LOWEST[j]:
                changed = tuple(v - 1 if k == j else v for k, v in enumerate(line))
                out.append((lines[:i] + [changed] + lines[i + 1 :], percent))  # type: ignore[list-item]
    if percent > 0:
        out.append((lines, percent - 1))
    return out


def _function(path: Path, name: str):
    """A function of the example's code, loaded from its file (nothing added to sys.path or sys.modules)."""
    spec = importlib.util.spec_from_file_location(f"_example_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def check(project: Path) -> Case:
    cart_total = _function(project / "pricing" / "engine.py", "cart_total")
    legacy_cart_total = _function(project / "pricing" / "legacy.py", "legacy_cart_total")

    case = reported(project)
    assert cart_total(*case) != legacy_cart_total(*case), (
        f"the reported scenario {case} does not diverge"
    )
    for less in smaller(case):
        assert cart_total(*less) == legacy_cart_total(*less), (
            f"{case} is not minimal: {less} diverges too"
        )
    return case


if __name__ == "__main__":
    print(f"minimal divergence: lines={check(Path(sys.argv[1]))}")
