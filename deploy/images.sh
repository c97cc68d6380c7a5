#!/usr/bin/env bash
# Makes sure every image docker-compose.yml needs is on this Docker engine,
# then builds the suite's image.
#
#   deploy/images.sh              the suite image from source (target from-source)
#   deploy/images.sh --prebuilt   the suite image from binaries built here with cargo
#                                 (target prebuilt; the host must be Debian bookworm)
#
# An image the engine lacks is pulled; where it cannot be pulled (no registry,
# as in this project's CI) it is built here instead:
#   debian:bookworm-slim     debootstrap from Debian's packages, then `docker import`
#   postgres:15-bookworm     Debian's PostgreSQL 15 on that base (deploy/images/postgres.Dockerfile)
#   rust:1.95-slim-bookworm  (from source only) the host's Rust toolchain on that base
#
# Environment: HOUSING_IMAGE (default housing-provision-center:dev),
# DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

BASE_IMAGE=debian:bookworm-slim
POSTGRES_IMAGE=postgres:15-bookworm
RUST_IMAGE=rust:1.95-slim-bookworm
SUITE_IMAGE="${HOUSING_IMAGE:-housing-provision-center:dev}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
BINARIES=(application-intake eligibility-verification registry-gateway notification complaints housing-health-probe)

say() { printf 'images: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
have() { docker image inspect "$1" >/dev/null 2>&1; }
# True when the image is here, or could be pulled.
present_or_pulled() {
    have "$1" && return 0
    say "pulling $1"
    docker pull --quiet "$1" >/dev/null 2>&1 && return 0
    say "$1 cannot be pulled; building it here"
    return 1
}

debian_base() {
    present_or_pulled "$BASE_IMAGE" && return 0
    if ! command -v debootstrap >/dev/null; then
        say "installing debootstrap from Debian's packages"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    fi
    local rootfs
    rootfs="$(mktemp -d)"
    say "debootstrap bookworm (minbase) from $MIRROR"
    as_root debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >/dev/null
    # The same sources as the official image: main, updates and security.
    as_root tee "$rootfs/etc/apt/sources.list" >/dev/null <<SOURCES
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
    as_root rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
    as_root tar -C "$rootfs" -c . | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
    as_root rm -rf "$rootfs"
    say "built $BASE_IMAGE"
}

postgres_image() {
    present_or_pulled "$POSTGRES_IMAGE" && return 0
    docker build --quiet --build-arg "BASE_IMAGE=$BASE_IMAGE" \
        -f deploy/images/postgres.Dockerfile -t "$POSTGRES_IMAGE" deploy/images >/dev/null
    say "built $POSTGRES_IMAGE"
}

rust_image() {
    present_or_pulled "$RUST_IMAGE" && return 0
    local sysroot context
    sysroot="$(rustc --print sysroot)"
    context="$(mktemp -d)"
    say "packing the host's Rust toolchain ($("$sysroot/bin/rustc" --version))"
    mkdir -p "$context/rust"
    cp -a "$sysroot/bin" "$sysroot/lib" "$context/rust/"
    rm -rf "$context/rust/lib/rustlib/src" "$context/rust/share"
    # The builder fetches crates as this host does, so it trusts the
    # certificate authorities this host added to Debian's bundle.
    mkdir -p "$context/ca"
    cp /usr/local/share/ca-certificates/*.crt "$context/ca/" 2>/dev/null || true
    cat > "$context/Dockerfile" <<DOCKERFILE
FROM $BASE_IMAGE
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates gcc libc6-dev \\
 && rm -rf /var/lib/apt/lists/*
COPY ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
COPY rust/ /usr/local/rust/
ENV PATH=/usr/local/rust/bin:/usr/local/cargo/bin:\$PATH CARGO_HOME=/usr/local/cargo
DOCKERFILE
    docker build --quiet -t "$RUST_IMAGE" "$context" >/dev/null
    rm -rf "$context"
    say "built $RUST_IMAGE"
}

suite_image() {
    local target="$1"
    if [ "$target" = prebuilt ]; then
        say "building the binaries with cargo"
        local arguments=()
        for binary in "${BINARIES[@]}"; do arguments+=(--bin "$binary"); done
        cargo build --locked "${arguments[@]}"
        local target_dir
        target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
        find deploy/prebuilt -mindepth 1 ! -name README.md -delete
        for binary in "${BINARIES[@]}"; do
            # Debug information stays on the host: the image needs the code only.
            objcopy --strip-debug "$target_dir/debug/$binary" "deploy/prebuilt/$binary"
        done
    fi
    say "building $SUITE_IMAGE (target $target)"
    docker build --quiet --target "$target" \
        --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "RUST_IMAGE=$RUST_IMAGE" \
        -f deploy/Dockerfile -t "$SUITE_IMAGE" . >/dev/null
    say "built $SUITE_IMAGE"
}

target=from-source
case "${1:-}" in
    "") ;;
    --prebuilt) target=prebuilt ;;
    *) echo "usage: deploy/images.sh [--prebuilt]" >&2; exit 2 ;;
esac

debian_base
postgres_image
[ "$target" = from-source ] && rust_image
suite_image "$target"
