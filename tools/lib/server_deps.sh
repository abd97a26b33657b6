#!/usr/bin/env bash
# What the server tests need beyond the build: curl (a real HTTP client) and the `openai` npm
# package (a real OpenAI client), installed in its own folder under tools/.deps, never globally.
SIGMA_OPENAI_DIR="$SIGMA_ROOT/tools/.deps/openai"
SIGMA_OPENAI_VERSION="${SIGMA_OPENAI_VERSION:-4.104.0}"

setup_server_deps() {
  if ! command -v curl >/dev/null 2>&1; then
    log "installing curl"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends curl >/dev/null
  fi
  if ! command -v npm >/dev/null 2>&1; then
    log "npm is missing: the openai client tests will be skipped"
    return 0
  fi
  if [ ! -f "$SIGMA_OPENAI_DIR/node_modules/openai/package.json" ]; then
    log "installing the openai npm package $SIGMA_OPENAI_VERSION into $SIGMA_OPENAI_DIR"
    mkdir -p "$SIGMA_OPENAI_DIR"
    (npm install --prefix "$SIGMA_OPENAI_DIR" --no-audit --no-fund --silent "openai@$SIGMA_OPENAI_VERSION") >&2 ||
      log "could not install the openai npm package: its tests will be skipped"
  fi
  export SIGMA_OPENAI_NODE_MODULES="$SIGMA_OPENAI_DIR/node_modules"
}
