#!/usr/bin/env bash
# The install footprint of the harness's wheel at one or more git revisions: builds each revision's
# wheel (from `git archive`, so the checkout is untouched), installs it into a fresh venv, and
# prints what it added over an empty venv (packages, MiB of site-packages) and the wheel's
# top-level entries.   Usage: benchmarks/install_footprint.sh [REV...]   (default: HEAD)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_PY="${BUILD_PY:-.venv/bin/python}"   # needs `build` (the test extra has it)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/empty"
empty_pkgs=$("$work/empty/bin/python" -m pip list --format=freeze 2>/dev/null | wc -l)
site() { "$1/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'; }
empty_kib=$(du -sk "$(site "$work/empty")" | cut -f1)
echo "| revision | packages added | MiB added | wheel top level | pulls |"
echo "| --- | --- | --- | --- | --- |"
for rev in "${@:-HEAD}"; do
  dir="$work/$rev"; mkdir -p "$dir/src"
  git archive "$rev" | tar -x -C "$dir/src"
  "$BUILD_PY" -m build --wheel --outdir "$dir/dist" "$dir/src" >"$dir/build.log" 2>&1
  python3 -m venv "$dir/venv"
  "$dir/venv/bin/python" -m pip install --quiet "$dir"/dist/*.whl 2>&1 | { grep -v '^WARNING: Location' || true; }
  pkgs=$("$dir/venv/bin/python" -m pip list --format=freeze 2>/dev/null)
  kib=$(du -sk "$(site "$dir/venv")" | cut -f1)
  tops=$(unzip -Z1 "$dir"/dist/*.whl | cut -d/ -f1 | grep -v '\.dist-info$' | sort -u | tr '\n' ' ')
  pulls=$(grep -ioE '^(starlette|uvicorn|pyjwt)==' <<<"$pkgs" | tr -d '=' | tr '\n' ' ' || true)
  printf '| %s | %d | %.1f | %s| %s |\n' "$(git rev-parse --short "$rev")" "$(( $(wc -l <<<"$pkgs") - empty_pkgs ))" \
    "$(echo "($kib - $empty_kib) / 1024" | bc -l)" "$tops" "${pulls:-none of starlette/uvicorn/PyJWT}"
done
