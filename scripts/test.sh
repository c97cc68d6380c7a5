#!/usr/bin/env bash
# The test command of the README: sets up what the tests need, then runs every
# test of the workspace. Extra arguments go to `cargo test`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh
export PATH="$root/.tools/venv/bin:$PATH"
if [ -z "${HOUSING_TEST_POSTGRES_URL:-}" ] && [ -f "$root/.tools/postgres-url" ]; then
    HOUSING_TEST_POSTGRES_URL="$(cat "$root/.tools/postgres-url")"
    export HOUSING_TEST_POSTGRES_URL
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --locked "$@" 2>&1 | tee "$log" || status=$?
# One closing line for the whole run: cargo prints one summary per test binary.
awk '/^test result:/ { passed += $4; failed += $6; ignored += $8 }
     END { printf "\ntotal: %d passed, %d failed, %d skipped\n", passed, failed, ignored }' "$log"
exit "$status"
