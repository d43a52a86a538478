#!/bin/sh
# Bootstraps the Autotools build from a git checkout; tarballs ship ./configure already.
set -e
srcdir=$(dirname "$0")
cd "$srcdir"
mkdir -p m4 build-aux
autoreconf --force --install --verbose
# Automake ships the TAP driver but never installs it by itself.
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
if [ -z "$NOCONFIGURE" ]; then
  exec ./configure "$@"
fi
