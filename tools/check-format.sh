#!/usr/bin/env bash
# Checks that every tracked C++ and CUDA source is laid out as .clang-format says (no rewrite: a
# dry run that fails on the first difference and names the file and line). With --fix, rewrites.
# Not a linter: clang-format checks layout only. Needs clang-format 14 or later (Debian: clang-format).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CF="${CLANG_FORMAT:-clang-format}"
if ! command -v "$CF" >/dev/null; then
  echo "check-format: $CF not found; install clang-format (tools/test.sh does)" >&2
  exit 1
fi
cd "$ROOT"
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check-format: $ROOT is not a git checkout; nothing to list" >&2
  exit 1
fi
mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.cu' '*.cuh')
if [ "${1:-}" = "--fix" ]; then
  printf '%s\0' "${files[@]}" | xargs -0 "$CF" -i --style=file
  exit 0
fi
printf '%s\0' "${files[@]}" | xargs -0 "$CF" --dry-run --Werror --style=file
echo "check-format: ${#files[@]} files laid out as .clang-format says"
