#!/usr/bin/env bash
# Shared by tools/run.sh and tools/test.sh: install what is missing, configure and build.
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail

SIGMA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SIGMA_BUILD="${SIGMA_BUILD:-$SIGMA_ROOT/build}"
SIGMA_JOBS="${SIGMA_JOBS:-$(nproc)}"

# Debian packages the build and the tests need.
SIGMA_APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  qt6-base-dev libqt6sql6-sqlite
  libgl-dev libsqlite3-dev libgit2-dev libgtest-dev libcli11-dev nlohmann-json3-dev clang-format
  clang libclang-rt-14-dev curl
)
# Installed from Debian only when the command is missing: a machine may already have Node.js from
# elsewhere, and Debian's npm package conflicts with that.
SIGMA_APT_BY_COMMAND=(node:nodejs npm:npm)

log() { echo "[sigma] $*" >&2; }

install_apt_packages() {
  local missing=()
  for p in "${SIGMA_APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  for pair in "${SIGMA_APT_BY_COMMAND[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# Configures on every run, so that flags of this run (SIGMA_WERROR, SIGMA_CUDA_ARCHS, ...) replace
# those of an earlier one; cmake reruns only the checks whose inputs changed. Warnings are errors in
# CI (CI=true) and whenever SIGMA_WERROR=ON is in the environment.
configure_and_build() {
  local extra=("$@")
  local werror="${SIGMA_WERROR:-OFF}"
  [ "${CI:-}" = "true" ] && werror=ON
  log "configuring $SIGMA_BUILD (warnings as errors: $werror)"
  cmake -S "$SIGMA_ROOT" -B "$SIGMA_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSIGMA_WERROR="$werror" "${extra[@]}" >/dev/null
  log "building (jobs: $SIGMA_JOBS)"
  cmake --build "$SIGMA_BUILD" -j "$SIGMA_JOBS"
}
