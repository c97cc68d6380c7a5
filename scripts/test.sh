#!/usr/bin/env bash
# The test command of the README: sets up what the tests need, runs every test
# of the workspace, then the end-to-end test of the docker-compose stack.
# Extra arguments go to the workspace's `cargo test`.
#
#   HOUSING_TEST_SKIP_COMPOSE=1   leaves the compose stack out, on purpose
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

if [ -z "${HOUSING_TEST_SKIP_COMPOSE:-}" ]; then
    # The images from this checkout's binaries (deploy/images.sh builds the
    # Debian and PostgreSQL images first where they cannot be pulled).
    if deploy/images.sh --prebuilt 2>&1 | tee -a "$log"; then
        cargo test --locked -p housing-e2e-tests --features compose --test compose \
            -- --nocapture 2>&1 | tee -a "$log" || status=$?
    else
        echo "compose: the images could not be built" | tee -a "$log"
        status=1
    fi
fi

# One closing line for the whole run: cargo prints one summary per test binary.
awk '/^test result:/ { passed += $4; failed += $6; ignored += $8 }
     END { printf "\ntotal: %d passed, %d failed, %d skipped\n", passed, failed, ignored }' "$log"
exit "$status"
