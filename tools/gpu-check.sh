#!/usr/bin/env bash
# gpu-check.sh: one unattended check of the CUDA backend on a GPU host (CUDA 13, cmake, ninja, g++;
# no Qt, no GoogleTest, no network needed): configure, build the engine, kernels, CUDA tests,
# sigma-mkmodel and sigma-bench-cuda, run the CUDA tests, then the benchmarks; full logs and
# results.json land in $OUT (default ./gpu-check-out); a short table is printed last.
# Not a CI job: CI has no GPU. Without a GPU it stops at once with a message (--build-only builds
# and exits 0, to check the build on a machine without one).
#
# usage: tools/gpu-check.sh [--build-only] [--quick] [--arch 90]
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-$PWD/gpu-check-out}
BUILD=${SIGMA_GPU_BUILD_DIR:-$ROOT/build-gpu-check}
BUILD_ONLY=0
QUICK=0
ARCH=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build-only) BUILD_ONLY=1 ;;
    --quick) QUICK=1 ;;
    --arch) shift; ARCH=${1:-} ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "gpu-check: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

mkdir -p "$OUT"
T0=$(date +%s)
PHASES=()
phase_done() {  # name start_seconds
  local s=$(( $(date +%s) - $2 ))
  PHASES+=("$1 ${s}s")
  echo "== phase $1: ${s} s (total $(( $(date +%s) - T0 )) s)"
}

# A GPU first (fast failure), unless only the build is wanted.
GPU_NAME=""
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  GPU_NAME=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)
  if [ -z "$ARCH" ]; then
    ARCH=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' .')
  fi
elif [ "$BUILD_ONLY" = 0 ]; then
  echo "gpu-check: no NVIDIA GPU here (nvidia-smi is missing or sees no device)." >&2
  echo "gpu-check: run it on a GPU host, or pass --build-only to check that the CUDA build works." >&2
  exit 3
fi
case "$ARCH" in ''|*[!0-9]*) ARCH=90 ;; esac

NVCC=$(command -v nvcc || true)
[ -z "$NVCC" ] && [ -x /usr/local/cuda/bin/nvcc ] && NVCC=/usr/local/cuda/bin/nvcc
if [ -z "$NVCC" ]; then
  echo "gpu-check: nvcc not found (PATH or /usr/local/cuda/bin)" >&2
  exit 3
fi
GEN=()
command -v ninja >/dev/null 2>&1 && GEN=(-G Ninja)
JOBS=$(nproc 2>/dev/null || echo 4)
[ "${SIGMA_GPU_CHECK_JOBS:-}" != "" ] && JOBS=$SIGMA_GPU_CHECK_JOBS

echo "gpu-check: GPU '${GPU_NAME:-none}', sm_${ARCH}, nvcc $NVCC, build $BUILD, out $OUT"
S=$(date +%s)
if ! cmake -S "$ROOT" -B "$BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release -DSIGMA_APP=OFF -DSIGMA_UI=OFF \
     -DSIGMA_CUDA=ON -DSIGMA_CUDA_ARCHS="$ARCH" -DSIGMA_TESTS=ON -DSIGMA_GTEST=OFF -DCMAKE_CUDA_COMPILER="$NVCC" \
     >"$OUT/configure.log" 2>&1; then
  tail -30 "$OUT/configure.log"
  echo "gpu-check: configure failed (log: $OUT/configure.log)" >&2
  exit 1
fi
phase_done configure "$S"

TARGETS=(sigma_inference sigma_kernels sigma-mkmodel sigma-bench-cuda)
for src in "$ROOT"/tests/cuda/test_*.cpp; do
  TARGETS+=("cuda_$(basename "$src" .cpp)")
done
S=$(date +%s)
if ! cmake --build "$BUILD" -j"$JOBS" --target "${TARGETS[@]}" >"$OUT/build.log" 2>&1; then
  grep -E "error|FAILED" "$OUT/build.log" | head -30
  echo "gpu-check: build failed (log: $OUT/build.log)" >&2
  exit 1
fi
phase_done build "$S"
if [ "$BUILD_ONLY" = 1 ]; then
  echo "gpu-check: build ok (--build-only: no tests or benchmarks run)"
  exit 0
fi

S=$(date +%s)
TEST_RC=0
# -V keeps every check's error and its limit in the log, passing or not (the margins are the data).
(cd "$BUILD" && timeout 240 ctest -L cuda -V) >"$OUT/tests.log" 2>&1 || TEST_RC=$?
# On a GPU host a skipped CUDA test is a failure: the device was not usable.
N_PASS=$(grep -cE "Test +#[0-9]+: .* Passed" "$OUT/tests.log" || true)
N_FAIL=$(grep -cE "Test +#[0-9]+: .*(Failed|Timeout|Exception|Not Run)" "$OUT/tests.log" || true)
N_SKIP=$(grep -cE "Test +#[0-9]+: .*Skipped" "$OUT/tests.log" || true)
phase_done tests "$S"

S=$(date +%s)
BENCH_ARGS=(--json "$OUT/bench.json")
[ "$QUICK" = 1 ] && BENCH_ARGS+=(--quick)
BENCH_RC=0
timeout 240 "$BUILD/bin/sigma-bench-cuda" "${BENCH_ARGS[@]}" >"$OUT/bench.log" 2>&1 || BENCH_RC=$?
phase_done bench "$S"

TOTAL=$(( $(date +%s) - T0 ))
{
  echo "{"
  echo "  \"gpu\": \"${GPU_NAME}\", \"arch\": \"sm_${ARCH}\", \"seconds\": ${TOTAL},"
  echo "  \"tests\": {\"rc\": ${TEST_RC}, \"passed\": ${N_PASS}, \"failed\": ${N_FAIL}, \"skipped\": ${N_SKIP}},"
  echo "  \"phases\": \"${PHASES[*]}\","
  echo "  \"bench_rc\": ${BENCH_RC},"
  if [ -s "$OUT/bench.json" ]; then echo "  \"bench\": $(cat "$OUT/bench.json")"; else echo "  \"bench\": null"; fi
  echo "}"
} >"$OUT/results.json"

echo
echo "---- CUDA tests (full log: $OUT/tests.log)"
grep -E "Test +#|tests passed|FAIL |near tie accepted|block [0-9]+:" "$OUT/tests.log" | head -60
echo "---- benchmarks (full log: $OUT/bench.log; rc $BENCH_RC)"
sed -n '/^== /,$p' "$OUT/bench.log" | grep -v "^phase " | tail -60
echo "---- gpu-check: tests rc ${TEST_RC} (passed ${N_PASS}, failed ${N_FAIL}, skipped ${N_SKIP}), bench rc ${BENCH_RC}, ${TOTAL} s [${PHASES[*]}]"
[ "$TEST_RC" = 0 ] && [ "$N_SKIP" = 0 ] && [ "$BENCH_RC" = 0 ]
