#!/usr/bin/env bash
# One unattended training run of the embedded model on a GPU host: trains the tokenizer when none is
# given, then train.py's "base" preset under a hard time limit, writing at most 8 files of at most
# 16 MiB into $OUT. Needs python3 with PyTorch (CUDA); no network, no Qt, no build.
# Not the export: join the returned shards into a GGUF with export_gguf.py on any machine (README.md).
#
# Environment: OUT (default ./train-out), SIGMA_CORPUS (default resources/train/corpus.jsonl.gz),
# SIGMA_TOKENIZER (default resources/train/tokenizer.json, trained into $OUT when absent),
# SIGMA_TRAIN_MINUTES (default 8), PYTHON (default python3), SIGMA_TRAIN_ALLOW_CPU=1 to run without
# CUDA (for trying the script; far too slow to train). Extra arguments go to train.py.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="${OUT:-$PWD/train-out}"
CORPUS="${SIGMA_CORPUS:-$ROOT/resources/train/corpus.jsonl.gz}"
TOKENIZER="${SIGMA_TOKENIZER:-$ROOT/resources/train/tokenizer.json}"
MINUTES="${SIGMA_TRAIN_MINUTES:-8}"
PYTHON="${PYTHON:-python3}"
MAX_FILES=8
MAX_FILE_MB=16

say() { echo "[train] $*" >&2; }
die() { say "$*"; exit 1; }

[ -f "$CORPUS" ] || die "no corpus at $CORPUS: generate resources/train/corpus.jsonl.gz or set SIGMA_CORPUS"
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON)"
"$PYTHON" -c "import torch" 2>/dev/null || die "$PYTHON cannot import torch"
if ! "$PYTHON" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"; then
  [ "${SIGMA_TRAIN_ALLOW_CPU:-0}" = 1 ] || die "CUDA is not available to PyTorch (SIGMA_TRAIN_ALLOW_CPU=1 runs on the CPU)"
  say "no CUDA: running on the CPU"
fi
"$PYTHON" -c "import torch; print('[train] torch', torch.__version__, 'cuda', torch.version.cuda)" >&2
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >&2 2>/dev/null || true

mkdir -p "$OUT"
if [ ! -f "$TOKENIZER" ]; then
  say "no tokenizer at $TOKENIZER: training one on $CORPUS"
  "$PYTHON" "$HERE/tokenizer_train.py" "$CORPUS" "$OUT/tokenizer.json" --vocab-size 8192
  TOKENIZER="$OUT/tokenizer.json"
fi

# train.py keeps to --max-minutes itself (saving included); timeout is the backstop for a hang.
status=0
timeout --kill-after=30 "$(( ${MINUTES%.*} * 60 + 90 ))" \
  "$PYTHON" "$HERE/train.py" --corpus "$CORPUS" --tokenizer "$TOKENIZER" --out "$OUT" --preset base \
  --max-minutes "$MINUTES" --shard-mb 15 --max-files 5 "$@" || status=$?
[ "$status" = 0 ] || die "train.py failed (exit $status); see $OUT/train.log"

# What comes back from the host is limited: check before it is cut.
n=0
for f in "$OUT"/*; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  size=$(stat -c %s "$f")
  [ "$size" -le $((MAX_FILE_MB * 1024 * 1024)) ] || die "$f is $size bytes, over $MAX_FILE_MB MiB"
done
[ "$n" -le "$MAX_FILES" ] || die "$OUT holds $n files, over $MAX_FILES"
say "done: $n files in $OUT"
ls -l "$OUT" >&2
