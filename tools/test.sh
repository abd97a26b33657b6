#!/usr/bin/env bash
# Installs what is missing (Debian packages, the KQL oracle's npm packages), builds in Release and
# runs every test with ctest. Extra arguments go to ctest (e.g. -R gguf).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
install_apt_packages
source "$SIGMA_ROOT/tools/lib/oracles.sh"
setup_kql_oracle
if [ -f "$SIGMA_ROOT/tools/lib/vocab_deps.sh" ]; then
  source "$SIGMA_ROOT/tools/lib/vocab_deps.sh"
  setup_vocab_deps
fi
configure_and_build
cd "$SIGMA_BUILD"
ctest --output-on-failure -j "$SIGMA_JOBS" "$@"
