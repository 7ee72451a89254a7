#!/usr/bin/env bash
# Smoke-test a built app: --version, a new database filled, checked, searched, imported into,
# backed up and restored, the window opened offscreen for a few seconds, and the start-up probe
# (SMALLBIZ_CRM_STARTUP_PROBE=1: window shown, list filled, clean exit). Fails on any error.
#
# Usage: packaging/smoke.sh [PATH/TO/smallbiz-crm]    (default: dist/smallbiz-crm/smallbiz-crm)
# Environment: SMOKE_WINDOW_SECONDS (default 3). Needs a build (packaging/build.sh); not part
# of the pytest run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
app="${1:-$root/dist/smallbiz-crm/smallbiz-crm}"
window_seconds="${SMOKE_WINDOW_SECONDS:-3}"
if [[ ! -x "$app" ]]; then
    echo "smoke: no built app at $app (run packaging/build.sh first)" >&2
    exit 1
fi
app="$(cd "$(dirname "$app")" && pwd)/$(basename "$app")"

tmp="$(mktemp -d)"
window_pid=""
cleanup() {
    if [[ -n "$window_pid" ]] && kill -0 "$window_pid" 2>/dev/null; then
        kill "$window_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# A private home: the app must not read or write the real one, whatever the step.
export HOME="$tmp/home"
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config"
export XDG_CACHE_HOME="$HOME/.cache" XDG_RUNTIME_DIR="$tmp/runtime"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset SMALLBIZ_CRM_DATA_DIR
export QT_QPA_PLATFORM=offscreen
cd "$tmp"

# Lines that mean something is missing from the bundle even when the exit status is 0.
BAD='Traceback|Error:|ModuleNotFoundError|ImportError|Cannot load library|Could not load|could not find the Qt platform plugin|Unexpected error'
db="$tmp/shop.db"
failures=0
out="$tmp/out.txt"

fail() {
    echo "FAIL: $*" >&2
    sed 's/^/    | /' "$out" >&2
    failures=$((failures + 1))
}

# run EXPECTED_STATUS DESCRIPTION -- ARGS...: the app's output goes to $out.
run() {
    local expected="$1" what="$2"
    shift 3
    local status=0
    "$app" "$@" >"$out" 2>&1 || status=$?
    if [[ $status -ne $expected ]]; then
        fail "$what: exit status $status, expected $expected"
        return 1
    fi
    if grep -Eq "$BAD" "$out"; then
        fail "$what: error output"
        return 1
    fi
    echo "ok   $what"
}

expect() {  # expect PATTERN DESCRIPTION: the last run's output matches PATTERN
    grep -Eq "$1" "$out" || fail "$2: output does not match /$1/"
}

run 0 "--version" -- --version && expect '^Smallbiz CRM [0-9]' "--version"
run 1 "check on a missing database fails cleanly" -- --db "$tmp/missing.db" check \
    && expect 'There is no database' "check on a missing database"
run 0 "demo --customers 20 on a new database (runs the migrations)" -- \
    --db "$db" demo --customers 20 && expect 'customers=20' "demo"
run 0 "check" -- --db "$db" check && expect 'integrity ok; schema [0-9]+ \(current\)' "check"
if run 0 "search" -- --db "$db" search a; then
    [[ -s "$out" ]] || fail "search found nothing"
fi
sample="$(dirname "$app")/_internal/resources/samples/customers.csv"
if [[ -f "$sample" ]]; then
    run 0 "import csv of the bundled sample" -- --db "$db" import csv "$sample" \
        && expect 'Imported [0-9,]+ customer' "import"
else
    echo "FAIL: the bundled sample $sample is missing" >&2
    failures=$((failures + 1))
fi
if run 0 "backup" -- --db "$db" backup "$tmp/copy.db"; then
    [[ -s "$tmp/copy.db" ]] || fail "backup wrote no file"
fi
run 0 "restore" -- --db "$db" restore "$tmp/copy.db"
# No --db: the per-user data folder (platformdirs) inside the private home.
if run 0 "demo in the default data folder" -- demo --customers 5; then
    [[ -f "$XDG_DATA_HOME/smallbiz-crm/smallbiz-crm.db" ]] \
        || fail "no database in $XDG_DATA_HOME/smallbiz-crm"
fi

# The window: started in the background, alive after a few seconds, then stopped.
"$app" --db "$db" >"$out" 2>&1 &
window_pid=$!
sleep "$window_seconds"
if kill -0 "$window_pid" 2>/dev/null; then
    kill "$window_pid"
    wait "$window_pid" 2>/dev/null || true
    window_pid=""
    # A start-up failure prints "smallbiz-crm: ..." and then waits in a message box.
    if grep -Eq "$BAD|^smallbiz-crm: " "$out"; then
        fail "window: error output"
    else
        echo "ok   window stayed open ${window_seconds}s offscreen"
    fi
else
    status=0
    wait "$window_pid" || status=$?
    window_pid=""
    fail "window: exited early with status $status"
fi
# The start-up probe: the window shown, its customer list filled, then a clean exit.
status=0
SMALLBIZ_CRM_STARTUP_PROBE=1 timeout 60 "$app" --db "$db" >"$out" 2>&1 || status=$?
if [[ $status -ne 0 ]]; then
    fail "start-up probe: exit status $status"
elif grep -Eq "$BAD|^smallbiz-crm: " "$out" || ! grep -Eq '^ready [0-9.]+' "$out"; then
    fail "start-up probe: no clean \"ready\""
else
    echo "ok   window shown and filled ($(grep -E '^(shown|ready) ' "$out" | tr '\n' ' '))"
fi

log="$tmp/logs/smallbiz-crm.log"
if [[ -f "$log" ]] && grep -Eq 'Traceback|ERROR' "$log"; then
    cp "$log" "$out"
    fail "the app's log has errors"
fi

if [[ $failures -ne 0 ]]; then
    echo "smoke: $failures failure(s)" >&2
    exit 1
fi
echo "smoke: passed ($app)"
