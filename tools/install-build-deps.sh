#!/bin/sh
# Installs what building and testing libkv needs on Debian 12 (run as root or through sudo).
# Go >= 1.25 is a prerequisite for the k6 plugin: Debian 12's golang-go is too old, so it is
# checked, not installed. clang is for the libFuzzer harnesses (make fuzz).
set -eu
export DEBIAN_FRONTEND=noninteractive
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential autoconf automake libtool autoconf-archive pkg-config \
  libglib2.0-dev libjson-glib-dev liblmdb-dev lmdb-utils \
  python3 python3-docutils jq ca-certificates git clang >/dev/null
PATH=$PATH:/usr/local/go/bin
if command -v go >/dev/null 2>&1; then
  v=$(go env GOVERSION | sed 's/^go//')
  major=${v%%.*}; rest=${v#*.}; minor=${rest%%.*}
  if [ "$major" -lt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -lt 25 ]; }; then
    echo "install-build-deps: Go $v is too old for the k6 plugin (need >= 1.25)" >&2; exit 1
  fi
  echo "install-build-deps: ok (Go $v)"
else
  echo "install-build-deps: Go >= 1.25 not found; the k6 plugin will not be built" >&2
fi
