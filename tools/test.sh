#!/usr/bin/env bash
# Installs what is missing (Debian packages, the KQL oracle's npm packages), builds in Release and
# runs every test with ctest. Extra arguments go to ctest (e.g. -R gguf).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
install_apt_packages
source "$SIGMA_ROOT/tools/lib/oracles.sh"
setup_kql_oracle
# Each tools/lib/NAME_deps.sh defines setup_NAME_deps, which installs what one group of tests needs.
for deps in "$SIGMA_ROOT"/tools/lib/*_deps.sh; do
  [ -f "$deps" ] || continue
  source "$deps"
  name="$(basename "$deps" .sh)"
  "setup_$name"
done
configure_and_build
cd "$SIGMA_BUILD"
ctest --output-on-failure -j "$SIGMA_JOBS" "$@"
