#!/usr/bin/env bash
# Build the one-folder app (dist/smallbiz-crm/) from a fresh virtual environment on Linux.
#
# Usage: packaging/build.sh [--reuse-venv]
#   --reuse-venv   keep build/venv if it exists (faster when only the spec changed)
# Environment: PYTHON (interpreter for the venv, default python3), BUILD_VENV, DIST_DIR, WORK_DIR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
python="${PYTHON:-python3}"
venv="${BUILD_VENV:-$root/build/venv}"
dist="${DIST_DIR:-$root/dist}"
work="${WORK_DIR:-$root/build/pyinstaller}"
reuse=0
for arg in "$@"; do
    case "$arg" in
        --reuse-venv) reuse=1 ;;
        *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done

if [[ $reuse -eq 0 || ! -x "$venv/bin/python" ]]; then
    echo "== fresh virtual environment in $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    # A regular (not editable) install: the build sees exactly what a wheel ships.
    "$venv/bin/python" -m pip install --quiet "$root" "pyinstaller>=6.10,<7"
else
    echo "== reusing $venv; reinstalling the app only"
    "$venv/bin/python" -m pip install --quiet --no-deps --force-reinstall "$root"
fi

echo "== pyinstaller"
rm -rf "$dist/smallbiz-crm"
# Run from the spec's folder, not the checkout root, so the analysis imports the installed
# package rather than the source tree next to it.
(cd "$here" && "$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$dist" --workpath "$work" smallbiz-crm.spec)

echo "== built $dist/smallbiz-crm ($(du -sh "$dist/smallbiz-crm" | cut -f1))"
"$dist/smallbiz-crm/smallbiz-crm" --version
