"""Faults mid-write: a process SIGKILLed while it writes a golden snapshot, the baseline, the scan
cache, the matrix, a history or audit report leaves each file with its previous content or its
new content, never a mix; the next write cleans up after it; a full disk (here a file-size limit,
RLIMIT_FSIZE, which fails a write the way a full disk does) is a clear error naming the file, exit
2, and the file keeps its previous content.

The writers run in a child process that writes two versions of a large file in turn, as fast as it
can, so a kill at a random moment lands inside a write most of the time; every kill is checked.
"""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KILLS = 6

# Each writer: the statement that writes version `i % 2` of the content to `target`.
WRITERS = {
    "snapshot": """
        from syrupy.data import Snapshot, SnapshotCollection
        from harness.characterize.snapshot import TranscriptSnapshotExtension as X
        def write(text):
            c = SnapshotCollection(location=str(target)); c.add(Snapshot(name="s", data=text))
            X.write_snapshot_collection(snapshot_collection=c)
    """,
    "baseline": """
        from harness.pin.baseline import FamilyBaseline, render_baseline, write_baseline
        def write(text):
            write_baseline(target, {"f": FamilyBaseline({"definition": 1}, frozenset(text.split()))})
    """,
    "cache": """
        from harness.scan.cache import ScanCache
        def write(text):
            ScanCache(target).save({}, learned=text.split(), loose={}, memo=None, modules=())
    """,
    "history-report": """
        from harness.history.history_cli import _write
        def write(text):
            _write(target, text)
    """,
}

CHILD = """
import itertools, sys
from pathlib import Path
target = Path(sys.argv[1])
{writer}
versions = ["\\n".join(f"a{{i}}" for i in range(30_000)), "\\n".join(f"bb{{i}}" for i in range(40_000))]
write(versions[0])
print("ready", flush=True)
for i in itertools.count(1):
    write(versions[i % 2])
"""


def _versions(kind: str, target: Path, tmp: Path) -> set[bytes]:
    """The two complete contents the child writes, as bytes, written once each by the same code."""
    out = set()
    for index in (0, 1):
        probe = tmp / f"probe-{index}" / target.name
        script = CHILD.format(writer=textwrap.dedent(WRITERS[kind])).replace(
            "print(\"ready\", flush=True)\nfor i in itertools.count(1):\n    write(versions[i % 2])",
            f"write(versions[{index}])",
        )
        subprocess.run([sys.executable, "-c", script, str(probe)], check=True, cwd=ROOT)
        out.add(probe.read_bytes())
    return out


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_a_writer_killed_at_any_moment_leaves_old_or_new_content(kind: str, tmp_path: Path) -> None:
    target = tmp_path / "out" / {"snapshot": "one.txt", "cache": "scan.jsonl"}.get(kind, "file.json")
    complete = _versions(kind, target, tmp_path)
    assert len(complete) == 2
    script = CHILD.format(writer=textwrap.dedent(WRITERS[kind]))
    rng = random.Random(20261202)
    for _ in range(KILLS):
        child = subprocess.Popen([sys.executable, "-c", script, str(target)], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.08))
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert target.read_bytes() in complete, f"{kind}: a kill left a torn {target.name}"
    # what the killed writers left behind is removed by the next completed write
    subprocess.run([sys.executable, "-c", script.replace("for i in itertools.count(1):", "for i in []:"),
                    str(target)], cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def _limited(limit: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A project with one family of 300 members: its baseline is ~25 KB."""
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "factory.py").write_text("class EngineFactory:\n    pass\n")
    for i in range(300):
        (root / "pkg" / f"m{i}.py").write_text(f"class Old{i}EngineFactory:\n    pass\n")
    (root / "pyproject.toml").write_text(
        '[tool.ssot-harness]\nroots = ["pkg"]\n\n[tool.ssot-harness.families.engine-factory]\n'
        'canonical = "pkg.factory:EngineFactory"\nnames = ["*EngineFactory"]\n'
    )
    return root


def _cli(tree: Path, *args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args], cwd=tree, capture_output=True, text=True,
        preexec_fn=_limited(limit) if limit else None, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip


def test_baseline_update_on_a_full_disk_names_the_file_and_keeps_the_old_one(tree: Path) -> None:
    old = '{\n  "version": 2,\n  "families": {}\n}\n'
    (tree / ".ssot-baseline.json").write_text(old)  # a previous content
    done = _cli(tree, "baseline", "--update", "--allow-increase", "--no-cache", limit=4096)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "cannot write" in done.stderr and ".ssot-baseline.json" in done.stderr
    assert (tree / ".ssot-baseline.json").read_text() == old
    assert sorted(p.name for p in tree.iterdir()) == [".ssot-baseline.json", "pkg", "pyproject.toml"]


def test_a_report_on_a_full_disk_names_the_file(tree: Path) -> None:
    _cli(tree, "baseline", "--update", "--no-cache")
    done = _cli(tree, "audit", "--no-cache", "--format", "json", "--output", "reports/audit.json", limit=2048)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "cannot write" in done.stderr and "audit.json" in done.stderr
    assert not (tree / "reports" / "audit.json").exists()


def test_a_report_to_a_device_is_written_in_place(tree: Path) -> None:
    """/dev/stdout is not replaced by a file (nor a temporary file made in /dev)."""
    _cli(tree, "baseline", "--update", "--no-cache")
    done = _cli(tree, "audit", "--no-cache", "--format", "json", "--output", "/dev/stdout")
    assert done.returncode == 0, done.stderr
    assert done.stdout.lstrip().startswith("{")


def test_the_scan_cache_on_a_full_disk_is_skipped_and_the_audit_answers(tree: Path) -> None:
    _cli(tree, "baseline", "--update", "--no-cache")
    done = _cli(tree, "audit", limit=8192)  # the cache is larger than that: not written
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "OK" in done.stdout


def test_baseline_update_killed_at_any_moment_leaves_a_whole_baseline(tree: Path) -> None:
    """The real command, killed at moments spread over its run: the baseline it leaves is the
    previous one or the new one, and the audit afterwards answers (repairs or reports), exit 0/1."""
    old = '{\n  "version": 2,\n  "families": {}\n}\n'
    _cli(tree, "baseline", "--update", "--no-cache")
    new = (tree / ".ssot-baseline.json").read_text()
    started = time.perf_counter()
    _cli(tree, "baseline", "--update", "--no-cache")
    duration = time.perf_counter() - started
    for step in range(8):
        (tree / ".ssot-baseline.json").write_text(old)
        child = subprocess.Popen([sys.executable, "-m", "harness.cli", "baseline", "--update",
                                  "--allow-increase", "--no-cache"], cwd=tree,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(duration * (0.3 + 0.1 * step))
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert (tree / ".ssot-baseline.json").read_text() in (old, new)
    after = _cli(tree, "audit", "--no-cache")
    assert after.returncode in (0, 1) and "Traceback" not in after.stderr
