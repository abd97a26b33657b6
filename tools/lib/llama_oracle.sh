#!/usr/bin/env bash
# The llama.cpp oracle: node-llama-cpp and its prebuilt Linux x64 CPU binaries from npm, installed in
# tools/.deps/llama-oracle (nothing global). Never compiles llama.cpp: install scripts are off.
# Exports SIGMA_LLAMA_ORACLE (the npm folder) and SIGMA_LLAMA_ORACLE_LIB (libllama and libggml);
# when the install is impossible the oracle tests skip and say why.
SIGMA_LLAMA_ORACLE="$SIGMA_ROOT/tools/.deps/llama-oracle"
SIGMA_LLAMA_ORACLE_VERSION=3.22.1
SIGMA_LLAMA_ORACLE_LIB="$SIGMA_LLAMA_ORACLE/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64"

# True when the pinned version and its shared libraries are already installed.
llama_oracle_installed() {
  local pkg="$SIGMA_LLAMA_ORACLE/node_modules/node-llama-cpp/package.json"
  [ -f "$pkg" ] && grep -q "\"version\": \"$SIGMA_LLAMA_ORACLE_VERSION\"" "$pkg" &&
    compgen -G "$SIGMA_LLAMA_ORACLE_LIB/libllama*.so" >/dev/null
}

setup_llama_oracle() {
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    log "the llama.cpp oracle has prebuilt binaries for Linux x86-64 only: its tests will be skipped"
    return 0
  fi
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    log "no node/npm: the llama.cpp oracle tests will be skipped"
    return 0
  fi
  if ! llama_oracle_installed; then
    log "installing the llama.cpp oracle (node-llama-cpp $SIGMA_LLAMA_ORACLE_VERSION, prebuilt CPU binaries) into $SIGMA_LLAMA_ORACLE"
    mkdir -p "$SIGMA_LLAMA_ORACLE"
    cat >"$SIGMA_LLAMA_ORACLE/package.json" <<EOF
{
  "name": "sigma-llama-oracle",
  "private": true,
  "type": "module",
  "dependencies": {
    "node-llama-cpp": "$SIGMA_LLAMA_ORACLE_VERSION",
    "@node-llama-cpp/linux-x64": "$SIGMA_LLAMA_ORACLE_VERSION"
  }
}
EOF
    # --ignore-scripts: node-llama-cpp's postinstall would fetch or build llama.cpp; the prebuilt
    # package above is all it needs. --omit=optional: the GPU builds for other platforms are large.
    if ! (cd "$SIGMA_LLAMA_ORACLE" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true \
          npm install --ignore-scripts --omit=optional --no-audit --no-fund --silent) >&2 ||
       ! llama_oracle_installed; then
      log "could not install the llama.cpp oracle (npm registry unreachable?): its tests will be skipped"
      return 0
    fi
  fi
  export SIGMA_LLAMA_ORACLE SIGMA_LLAMA_ORACLE_LIB
}
