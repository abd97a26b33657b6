#!/usr/bin/env bash
# Screenshots of the desktop app: starts sigma-ops under Xvfb with --scenario, which fills each
# panel with a fixed example, saves one PNG per panel (and the settings dialog) and quits.
# Usage: tools/screenshots.sh [OUT_DIR]   (default ./screenshots; the app from $SIGMA_BUILD/bin,
# or SIGMA_OPS=/path/to/sigma-ops). Uses a throwaway data and config directory, never the user's.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$SIGMA_ROOT/tools/lib/ui_deps.sh"
set -euo pipefail
out="${1:-./screenshots}"
app="${SIGMA_OPS:-$SIGMA_BUILD/bin/sigma-ops}"
if [ ! -x "$app" ]; then
  log "no $app: build it first (cmake --build \"$SIGMA_BUILD\" --target sigma-ops) or set SIGMA_OPS"
  exit 1
fi
setup_ui_deps
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$out"
out="$(cd "$out" && pwd)"
SIGMA_DATA_DIR="$scratch/data" SIGMA_CONFIG_DIR="$scratch/config" \
  timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" "$app" --scenario "$out"
ls -1 "$out"/*.png
