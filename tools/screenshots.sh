#!/usr/bin/env bash
# Screenshots of the desktop app: starts sigma-ops under Xvfb with a window manager (openbox) and
# --scenario, which walks through the panels with the shipped default model and the real pipelines
# (a command request, a pasted log, a KQL question, History with what they recorded, Settings) and
# saves one PNG per panel at 1200x760 and again at 800x500 (NAME-800x500.png), then quits.
# Usage: tools/screenshots.sh [OUT_DIR]   (default ./screenshots; the README's are docs/screenshots).
# The app comes from $SIGMA_BUILD/bin (built here when missing, so a fresh clone works) or
# SIGMA_OPS=/path/to/sigma-ops. Uses a throwaway data and config directory, never the user's, so
# the default model and default settings are what the pictures show.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$SIGMA_ROOT/tools/lib/ui_deps.sh"
set -euo pipefail
out="${1:-./screenshots}"
app="${SIGMA_OPS:-$SIGMA_BUILD/bin/sigma-ops}"
if [ ! -x "$app" ]; then
  if [ -n "${SIGMA_OPS:-}" ]; then
    log "no $app"
    exit 1
  fi
  install_apt_packages
  log "building sigma-ops in $SIGMA_BUILD"
  cmake -S "$SIGMA_ROOT" -B "$SIGMA_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIGMA_CUDA=OFF >/dev/null
  cmake --build "$SIGMA_BUILD" -j "$SIGMA_JOBS" --target sigma-ops
fi
setup_ui_deps
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$out"
out="$(cd "$out" && pwd)"
# The window manager gives the window a frame and focus, as on a desktop; the app waits for it.
cat >"$scratch/session.sh" <<'EOF'
#!/usr/bin/env bash
openbox >/dev/null 2>&1 &
wm=$!
sleep 1
"$@"
status=$?
kill "$wm" 2>/dev/null || true
exit $status
EOF
chmod +x "$scratch/session.sh"
# Fixed fonts and scaling, so pictures from different machines look alike.
SIGMA_DATA_DIR="$scratch/data" SIGMA_CONFIG_DIR="$scratch/config" XDG_CONFIG_HOME="$scratch/xdg" \
  QT_QPA_PLATFORM=xcb QT_SCALE_FACTOR=1 QT_AUTO_SCREEN_SCALE_FACTOR=0 \
  timeout 600 xvfb-run -a -s "-screen 0 1280x800x24" "$scratch/session.sh" "$app" --scenario "$out"
ls -1 "$out"/*.png
