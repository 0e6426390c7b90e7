"""Mutation run over the endpoint and lifecycle layer: does the suite `ssot-harness verify` runs
(-m "contract or golden_path") kill every mutant of the WebSocket endpoint, context validation,
supervisor and notifier state, and release on disconnect?

    .venv/bin/python benchmarks/mutation_endpoint.py [--only NAME ...]

Same machinery as benchmarks/mutation.py (a copy of the tracked files, the unmutated suite first,
then one run per mutant, killed = the run fails); the mutants are in benchmarks/mutants_endpoint.py.
The suite runs the golden path first, then the contracts, then the other marked tests (not the
live drivers-agree test, see SUITE), stopping at the first failure."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants_endpoint import MUTANTS  # noqa: E402
from mutation import measure  # noqa: E402

# the folders holding this repo's contract and golden_path tests (collecting all of tests/ per mutant
# only costs time), the golden path first; without the live drivers-agree test (two processes per
# scenario, minutes per mutant on a shared machine): killing every mutant with this subset of the
# verify suite means the whole verify suite kills them too
SUITE = ["-m", "contract or golden_path", "tests/golden_path/test_golden_path.py", "contracts", "tests/golden_path",
         "--deselect", "tests/golden_path/test_drivers_agree.py"]  # fmt: skip

if __name__ == "__main__":
    sys.exit(measure(MUTANTS, [SUITE], __doc__))
