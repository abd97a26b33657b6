#!/usr/bin/env bash
# Installs what is missing, builds in Release, then runs the `sigma` CLI with the given arguments.
#   tools/run.sh cmd "show memory used on every GPU"
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
install_apt_packages
configure_and_build
exec "$SIGMA_BUILD/bin/sigma" "$@"
