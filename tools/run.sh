#!/usr/bin/env bash
# Installs what is missing, builds in Release, then runs Sigma Ops:
#   tools/run.sh cmd "show memory used on every GPU"   # the CLI, on the embedded default model
#   tools/run.sh                                        # the desktop app when a display is present
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
install_apt_packages
# CUDA kernels for this machine's GPU when it has one; one architecture otherwise (compile only).
archs="${SIGMA_CUDA_ARCHS:-90}"
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1 && archs="${SIGMA_CUDA_ARCHS:-native}"
configure_and_build -DSIGMA_CUDA_ARCHS="$archs"
if [ $# -eq 0 ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; } && [ -x "$SIGMA_BUILD/bin/sigma-ops" ]; then
  exec "$SIGMA_BUILD/bin/sigma-ops"
fi
exec "$SIGMA_BUILD/bin/sigma" "$@"
