#!/usr/bin/env bash
# Regenerates resources/train/ (corpus.jsonl.gz for tools/train/run.sh, the held-out chats and the
# held-out eval suites) with sigma-datagen. Needs cmake, ninja or make and a C++20 compiler; no Qt.
# Not the training: run tools/train/run.sh afterwards. Deterministic for a given SEED and SCALE.
#
# Environment: BUILD (default build-datagen), SEED (20261126), SCALE (2), EVAL_DIR (../shared/eval:
# suite prompts that must not appear in the corpus; skipped when absent), SIGMA_TESTS (OFF).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${BUILD:-$ROOT/build-datagen}"
SEED="${SEED:-20261126}"
SCALE="${SCALE:-2}"
EVAL_DIR="${EVAL_DIR:-$ROOT/../shared/eval}"
OUT="$ROOT/resources/train"

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSIGMA_APP=OFF -DSIGMA_UI=OFF -DSIGMA_CUDA=OFF -DSIGMA_TESTS="${SIGMA_TESTS:-OFF}" >/dev/null
cmake --build "$BUILD" -j1 --target sigma-datagen
mkdir -p "$OUT"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
args=(--out "$tmp" --seed "$SEED" --scale "$SCALE")
[ -d "$EVAL_DIR" ] && args+=(--eval-dir "$EVAL_DIR")
"$BUILD/bin/sigma-datagen" "${args[@]}"
gzip -n -9 -c "$tmp/corpus.jsonl" >"$OUT/corpus.jsonl.gz"
gzip -n -9 -c "$tmp/corpus-heldout.jsonl" >"$OUT/corpus-heldout.jsonl.gz"
cp "$tmp"/heldout.cmdgen.jsonl "$tmp"/heldout.kql.jsonl "$tmp"/heldout.diagnosis.jsonl "$OUT/"
ls -l "$OUT"
