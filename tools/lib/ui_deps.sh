#!/usr/bin/env bash
# The desktop app's screenshots run it under a virtual X server with a window manager: xvfb
# (xvfb-run), xauth and openbox, from Debian, installed only when missing. The widget tests
# themselves need none of them (offscreen platform).
setup_ui_deps() {
  local missing=()
  command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
  command -v xauth >/dev/null 2>&1 || missing+=(xauth)
  command -v openbox >/dev/null 2>&1 || missing+=(openbox)
  # Qt's xcb platform plugin needs the X libraries below at run time (absent on a headless build host).
  dpkg -s libxcb-cursor0 >/dev/null 2>&1 || missing+=(libxcb-cursor0)
  if ((${#missing[@]})); then
    log "installing Debian packages for the app's screenshots: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
