#!/usr/bin/env bash
# The training tests (tests/train) run tools/train's PyTorch code on the CPU: they need Debian's
# python3-torch and python3-numpy for /usr/bin/python3. Installed quietly when missing.
# Not for the GPU host: tools/train/run.sh uses whatever PyTorch that host already has.
# libopenblas0-pthread replaces Debian's reference BLAS under torch (about 28x faster matmuls here).
setup_train_deps() {
  if /usr/bin/python3 -c "import torch, numpy" >/dev/null 2>&1 && dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    return 0
  fi
  log "installing python3-torch and python3-numpy (training tests)"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3 python3-torch python3-numpy libopenblas0-pthread >/dev/null ||
    log "could not install python3-torch: the train.* tests will fail and say so"
  return 0
}
