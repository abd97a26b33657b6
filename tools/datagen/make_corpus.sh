#!/usr/bin/env bash
# Regenerates resources/train/ (corpus.jsonl.gz for tools/train/run.sh, the held-out chats and the
# held-out eval suites) with sigma-datagen. Needs cmake, ninja or make, a C++20 compiler and
# nlohmann-json3-dev; no Qt.
# Not the training: run tools/train/run.sh afterwards. Deterministic for a given SEED and SCALE.
#
# Environment: BUILD (default build-datagen), SEED (20261126), SCALE (2), SIGMA_TESTS (OFF).
# Prompts that must never appear in the corpus: the project's evaluation suites (tests/data/eval),
# the hand-written held-out requests (resources/train/heldout.handwritten.cmdgen.jsonl) and, when
# present, the suites under EVAL_DIR (default ../shared/eval).
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
mkdir "$tmp/exclude"
cp "$ROOT"/tests/data/eval/*.jsonl "$tmp/exclude/"
[ -f "$OUT/heldout.handwritten.cmdgen.jsonl" ] && cp "$OUT/heldout.handwritten.cmdgen.jsonl" "$tmp/exclude/"
if [ -d "$EVAL_DIR" ]; then
  for f in "$EVAL_DIR"/*.jsonl; do cp "$f" "$tmp/exclude/shared-$(basename "$f")"; done
fi
args=(--out "$tmp/out" --seed "$SEED" --scale "$SCALE" --eval-dir "$tmp/exclude")
mkdir "$tmp/out"
"$BUILD/bin/sigma-datagen" "${args[@]}"
gzip -n -9 -c "$tmp/out/corpus.jsonl" >"$OUT/corpus.jsonl.gz"
gzip -n -9 -c "$tmp/out/corpus-heldout.jsonl" >"$OUT/corpus-heldout.jsonl.gz"
cp "$tmp"/out/heldout.cmdgen.jsonl "$tmp"/out/heldout.kql.jsonl "$tmp"/out/heldout.diagnosis.jsonl "$OUT/"
ls -l "$OUT"
