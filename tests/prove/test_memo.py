"""The canonical's memo: in the process, and shared between processes through the folder verify makes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.prove.memo import MEMO_ENV, CanonicalMemo

ROOT = Path(__file__).resolve().parents[2]


def test_without_a_folder_it_holds_in_the_process_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MEMO_ENV, raising=False)
    first, second = CanonicalMemo("fam.test"), CanonicalMemo("fam.test")
    first["case 1"] = "trace 1"
    assert "case 1" in first and first["case 1"] == "trace 1"
    assert "case 1" not in second  # another process (here: instance) does not see it
    with pytest.raises(KeyError):
        second["case 1"]


def test_with_a_folder_another_worker_reads_what_one_stored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(MEMO_ENV, str(tmp_path))
    CanonicalMemo("fam.test")["case 1"] = "trace 1\nwith ünïcode\n"
    code = (
        "from harness.prove.memo import CanonicalMemo\n"
        "m = CanonicalMemo('fam.test')\n"
        "print(repr(m['case 1']), 'case 2' in m, 'case 1' in CanonicalMemo('fam.other'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, MEMO_ENV: str(tmp_path)},
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert out.strip() == "'trace 1\\nwith ünïcode\\n' False False"
    assert [p.suffix for p in (tmp_path / "fam.test").iterdir()] == [".txt"]  # no temporary file left


def test_a_name_that_is_not_a_folder_name_is_refused() -> None:
    with pytest.raises(ValueError, match="memo name '../x'"):
        CanonicalMemo("../x")


def test_verify_gives_the_run_a_memo_folder_and_removes_it(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "checks").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\naddopts = ["-p", "no:randomly", "-p", "no:cacheprovider"]\n\n'
        '[tool.ssot-harness]\nroots = ["checks"]\nbaseline = "baseline.json"\nverify-paths = ["checks"]\n\n'
        '[tool.ssot-harness.families.thing]\ncanonical = "checks.things:Thing"\nnames = ["*Thing"]\n'
    )
    (project / "checks" / "__init__.py").write_text("")
    (project / "checks" / "things.py").write_text("class Thing:\n    pass\n")
    (project / "checks" / "test_memo_folder.py").write_text(
        "import os\nfrom pathlib import Path\nimport pytest\n\n\n@pytest.mark.ssot\ndef test_folder():\n"
        f"    folder = os.environ['{MEMO_ENV}']\n    assert Path(folder).is_dir()\n"
        "    Path('seen.txt').write_text(folder)\n"
    )
    subprocess.run([sys.executable, "-m", "harness.cli", "baseline", "--update"], cwd=project, check=True, capture_output=True)
    run = subprocess.run([sys.executable, "-m", "harness.cli", "verify", "-n", "0"], cwd=project, capture_output=True, text=True)
    assert "1 passed" in run.stdout, run.stdout + run.stderr
    folder = Path((project / "seen.txt").read_text())
    assert folder.name.startswith("ssot-memo-") and not folder.exists()
