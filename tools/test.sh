#!/usr/bin/env bash
# Installs what is missing (Debian packages, the KQL oracle's npm packages), builds in Release and
# runs every test with ctest. Extra arguments go to ctest (e.g. -R gguf).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
install_apt_packages
source "$SIGMA_ROOT/tools/lib/oracles.sh"
setup_kql_oracle
source "$SIGMA_ROOT/tools/lib/llama_oracle.sh" && setup_llama_oracle
# Each tools/lib/NAME_deps.sh defines setup_NAME_deps, which installs what one group of tests needs.
for deps in "$SIGMA_ROOT"/tools/lib/*_deps.sh; do
  [ -f "$deps" ] || continue
  source "$deps"
  name="$(basename "$deps" .sh)"
  "setup_$name"
done
# One CUDA architecture keeps CI's build inside its time; the kernels' tests skip without a GPU.
configure_and_build -DSIGMA_CUDA_ARCHS="${SIGMA_CUDA_ARCHS:-90}"

# Bounded fuzzing of the parsers that take user input (GGUF reader, shell, KQL, logs), in its own
# clang build. SIGMA_FUZZ_SECONDS=0 skips it. It runs before ctest so ctest's summary closes the log.
fuzz_status=0
if [ "${SIGMA_FUZZ_SECONDS:-30}" != 0 ]; then
  SIGMA_FUZZ_SECONDS="${SIGMA_FUZZ_SECONDS:-30}" "$SIGMA_ROOT/tools/fuzz.sh" || fuzz_status=$?
fi

cd "$SIGMA_BUILD"
ctest_status=0
# A test that fails is run once more before it counts as failed, so one timing flake on a loaded
# 2-core machine does not fail the run; a real failure fails both times (ctest lists each retry).
ctest --output-on-failure -j "$SIGMA_JOBS" --repeat until-pass:2 "$@" || ctest_status=$?
if [ "$fuzz_status" != 0 ]; then
  log "fuzzing found a crash (exit $fuzz_status); see the [fuzz] lines above"
  exit "$fuzz_status"
fi
exit "$ctest_status"
