"""`ssot-harness merge RESULTS…`: the shards of one `verify --shard K/N` (or `inventory --shard K/N`)
run combined into what one machine would have produced: the equivalence matrix, the verdict and
the result file (or the inventory, its coverage data combined by coverage.py). Every shard 1..N
must be given exactly once: a missing or duplicated one is an error, never a partial matrix."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.commands import front, inventory, outputs, results
from harness.errors import UsageError
from harness.finish import shard_data
from harness.prove import matrix
from harness.scan.checked import read_shaped

EPILOG = """\
exit status (verify shards): as verify's: 0 everything passed or failed only as an accepted
  divergence, 1 anything else; (inventory shards): 0 written, 1 a measured run had failing tests;
  2 usage error: a shard missing or given twice, files of different runs or kinds
"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "merge",
        help="combine the result files of `verify --shard K/N` (or `inventory --shard K/N`) runs",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="+", metavar="RESULTS", help="every shard's result file")
    parser.add_argument(
        "--config", metavar="PYPROJECT", help="pyproject.toml holding [tool.ssot-harness]"
    )
    parser.add_argument(
        "--reports",
        metavar="DIR",
        help="verify shards: where the merged matrix and result file go (default: config key reports)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="inventory shards: the inventory's format (default: text)",
    )
    parser.add_argument(
        "--output", metavar="FILE", help="inventory shards: write the inventory to FILE"
    )
    outputs.add_arguments(parser, shard=False)
    parser.set_defaults(run=run)


def _kind(path: Path) -> object:
    return read_shaped(path, {}, "a shard's result file").get("kind")


def run(args: argparse.Namespace) -> int:
    outputs.check(args)
    config = front.load_project(args)
    paths = [Path(f) for f in args.files]
    kinds = {path: _kind(path) for path in paths}
    for path, kind in kinds.items():
        if kind not in (shard_data.KIND, results.KIND):
            raise UsageError(
                f"{path}: key kind is {kind!r}: not a result file of `verify --shard` nor the "
                "--output of `inventory --shard`"
            )
    if set(kinds.values()) == {shard_data.KIND}:
        inv = shard_data.merge(config, [(str(p), shard_data.load(p)) for p in paths])
        return inventory.emit(args, inv)
    if set(kinds.values()) != {results.KIND}:
        raise UsageError(
            "merge: give the result files of one kind: verify-shard-K-of-N.json of `verify --shard`, "
            "or the --output files of `inventory --shard`"
        )
    found = results.merge([(str(p), results.load(p)) for p in paths])
    reports = (Path(config.root) / (args.reports or config.reports)).resolve()
    cells = results.cells_of(found)
    if cells:
        matrix.write(cells, reports)
        matrix.write_cells(cells, found["stale"], reports)
        print(matrix.to_markdown(cells))
    else:
        print("(no equivalence matrix: no contract ran in any shard)")
    written = results.write(found, reports / results.file_name(None))
    print(f"merged {found['merged']} shards into {written}")
    return outputs.finish(args, config, found, None)
