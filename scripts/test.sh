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
cargo test --workspace --locked "$@"
