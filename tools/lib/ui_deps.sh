#!/usr/bin/env bash
# The desktop app's screenshots run it under a virtual X server: xvfb (xvfb-run) and xauth, from
# Debian, installed only when missing. The widget tests themselves need neither (offscreen platform).
setup_ui_deps() {
  local missing=()
  command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
  command -v xauth >/dev/null 2>&1 || missing+=(xauth)
  if ((${#missing[@]})); then
    log "installing Debian packages for the app's screenshots: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
