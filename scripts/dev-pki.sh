#!/usr/bin/env bash
# Writes the development PKI docker-compose.yml mounts (deploy/dev-pki, or
# the directory given): a CA, a certificate per service, `operator-console`
# for operators' grpcurl, `python-government-system` for the contract
# client, the staff-token signing key, the development staff roster and
# an empty list of withdrawn staff.
# Development only: see
# docs/security.md for real certificates.
set -euo pipefail
cd "$(dirname "$0")/.."
directory="${1:-deploy/dev-pki}"
cargo run --quiet --package housing-platform --bin housing-dev-pki -- "$directory"
