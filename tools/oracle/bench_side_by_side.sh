#!/usr/bin/env bash
# Side-by-side CPU speed of llama.cpp (the npm prebuilt, timed by tools/oracle/llama_greedy.mjs --bench)
# and the engine (`sigma bench`) on one GGUF, same prompt length, decode length and threads.
# Not a benchmark suite: one llama.cpp run against sigma bench's repetitions; on a shared machine
# the numbers are indicative only.
#
# usage: tools/oracle/bench_side_by_side.sh MODEL.gguf [-p 128] [-n 32] [-t 2] [-r 3]
# SIGMA_BIN names the sigma binary (default: build/bin/sigma).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
sigma="${SIGMA_BIN:-$root/build/bin/sigma}"
oracle="$root/tools/oracle/llama_greedy.mjs"

usage() {
  sed -n 's/^# usage: //p' "${BASH_SOURCE[0]}" >&2
  exit 2
}

[ $# -ge 1 ] || usage
model="$1"
shift
prompt=128 decode=32 threads=2 reps=3
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case "$1" in
    -p) prompt="$2" ;;
    -n) decode="$2" ;;
    -t) threads="$2" ;;
    -r) reps="$2" ;;
    *) usage ;;
  esac
  shift 2
done
for v in "$prompt" "$decode" "$threads" "$reps"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "bench_side_by_side: '$v' is not a positive integer" >&2; exit 2; }
done
[ -f "$model" ] || { echo "bench_side_by_side: no model file $model" >&2; exit 2; }
[ -x "$sigma" ] || { echo "bench_side_by_side: no sigma binary at $sigma (build it, or set SIGMA_BIN)" >&2; exit 2; }

llama_json="$(node "$oracle" -m "$model" --bench -p "$prompt" -n "$decode" --threads "$threads")"
sigma_json="$("$sigma" bench -m "$model" -p "$prompt" -n "$decode" -t "$threads" -r "$reps" --json)"

LLAMA_JSON="$llama_json" SIGMA_JSON="$sigma_json" python3 - "$model" "$prompt" "$decode" "$threads" <<'EOF'
import json, os, sys
model, prompt, decode, threads = sys.argv[1:]
llama = json.loads(os.environ["LLAMA_JSON"])
rows = [json.loads(line) for line in os.environ["SIGMA_JSON"].splitlines() if line.strip()]
sigma = {r["test"]: r["tokens_per_s"] for r in rows if "tokens_per_s" in r}
release = llama["llama_cpp"]["release"]
print(f"model {model}, {threads} threads; llama.cpp {release['release']} ({llama['llama_cpp']['build']}, CPU)")
print(f"{'test':<8}{'llama.cpp tok/s':>18}{'sigma tok/s':>14}{'sigma/llama':>13}")
for test, ref in ((f"pp{prompt}", llama["pp_tokens_per_s"]), (f"tg{decode}", llama["tg_tokens_per_s"])):
    mine = sigma.get(test)
    ratio = f"{mine / ref:.2f}" if mine and ref else "-"
    print(f"{test:<8}{ref:>18.1f}{(mine if mine is not None else float('nan')):>14.1f}{ratio:>13}")
EOF
