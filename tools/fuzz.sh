#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.cpp) with clang in build-fuzz and runs each for
# $SIGMA_FUZZ_SECONDS seconds (default 20) from a seed corpus, with a fixed libFuzzer seed
# ($SIGMA_FUZZ_SEED, default 1) so a run repeats. Exits non-zero if any target crashes.
# Seeds: tests/fuzz/seeds/<target>/ if present; fuzz_gguf also gets small models from sigma-mkmodel.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${SIGMA_FUZZ_BUILD:-$ROOT/build-fuzz}"
SECONDS_PER_TARGET="${SIGMA_FUZZ_SECONDS:-20}"
JOBS="${SIGMA_JOBS:-$(nproc)}"
log() { echo "[fuzz] $*" >&2; }

command -v clang++ >/dev/null || { log "clang++ is required (apt-get install clang libclang-rt-14-dev)"; exit 2; }

# Configured every run (cheap once configured), so changed flags take effect.
log "configuring $BUILD"
# The libraries are instrumented for coverage and sanitizers too; the fuzz targets add the libFuzzer main.
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSIGMA_FUZZ=ON -DSIGMA_APP=OFF -DSIGMA_UI=OFF -DSIGMA_TESTS=ON -DSIGMA_CUDA=OFF \
    -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined" \
    -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined" >/dev/null

targets=()
for src in "$ROOT"/tests/fuzz/fuzz_*.cpp; do
  [ -f "$src" ] && targets+=("$(basename "$src" .cpp)")
done
((${#targets[@]})) || { log "no tests/fuzz/fuzz_*.cpp"; exit 2; }
log "building ${targets[*]} (jobs: $JOBS)"
cmake --build "$BUILD" -j "$JOBS" --target "${targets[@]}" sigma-mkmodel

seed_gguf() {
  local dir="$1" mk="$BUILD/bin/sigma-mkmodel"
  "$mk" -o "$dir/llama_f32.gguf" --arch llama --layers 1 --hidden 32 --heads 2 --ffn 32 --vocab 300 --type f32 --seed 1 >/dev/null
  "$mk" -o "$dir/qwen2_f16.gguf" --arch qwen2 --layers 1 --hidden 32 --heads 2 --ffn 32 --vocab 300 --type f16 --tied --seed 2 >/dev/null
  "$mk" -o "$dir/sigma_q8.gguf" --arch sigma --layers 1 --hidden 64 --heads 1 --heads-k 1 --heads-v 1 --ffn 32 \
    --augq 32 --head-dim 64 --half-k --vocab 300 --type q8_0 --seed 3 >/dev/null
}

failed=()
for t in "${targets[@]}"; do
  corpus="$BUILD/corpus/$t"
  artifacts="$BUILD/artifacts/$t/"
  mkdir -p "$corpus" "$artifacts"
  if [ -d "$ROOT/tests/fuzz/seeds/$t" ]; then cp -n "$ROOT/tests/fuzz/seeds/$t"/* "$corpus"/ 2>/dev/null || true; fi
  [ "$t" = fuzz_gguf ] && seed_gguf "$corpus"
  log "running $t for ${SECONDS_PER_TARGET}s"
  if ! "$BUILD/fuzz/$t" "$corpus" -max_total_time="$SECONDS_PER_TARGET" -seed="${SIGMA_FUZZ_SEED:-1}" -artifact_prefix="$artifacts" \
       -print_final_stats=1 -rss_limit_mb=4096 2>"$BUILD/$t.log"; then
    log "$t FOUND A CRASH: see $BUILD/$t.log and $artifacts"
    tail -n 40 "$BUILD/$t.log" >&2
    failed+=("$t")
  else
    grep -E "stat::number_of_executed_runs|cov:" "$BUILD/$t.log" | tail -n 2 >&2 || true
  fi
done
if ((${#failed[@]})); then
  log "crashes in: ${failed[*]}"
  exit 1
fi
log "no crashes in ${targets[*]}"
