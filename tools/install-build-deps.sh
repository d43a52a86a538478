#!/bin/sh
# Usage: tools/install-build-deps.sh [--packaging]
# Installs what building and testing libkv needs (make, make check-all, make fuzz) on
# Debian 12 (apt-get) or Fedora (dnf), then makes sure a Go new enough for the k6 plugin
# is there (tools/provide-go.sh: the official toolchain in /usr/local/go when none is).
# --packaging also installs what building the Debian packages needs (debian/control's
# Build-Depends, through apt-get build-dep) or the RPMs (rpm/libkv.spec's BuildRequires,
# through dnf builddep), and rpmbuild and lintian on Debian.
# Run it as root or as a user who may sudo: it uses sudo only when it is not root.
# Exits non-zero with a message on stderr when something cannot be installed.
set -eu
tree=$(cd "$(dirname "$0")/.." && pwd)
packaging=no
for arg; do
  case $arg in
    --packaging) packaging=yes ;;
    *) echo "usage: $0 [--packaging]" >&2; exit 2 ;;
  esac
done
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-build-deps: not root and no sudo" >&2; exit 1; }
  SUDO=sudo
fi

# The same set on both, by each distribution's names:
#   build       Debian: build-essential autoconf automake libtool autoconf-archive pkg-config
#               Fedora: gcc make autoconf automake libtool autoconf-archive pkgconf-pkg-config
#   libraries   Debian: libglib2.0-dev libjson-glib-dev liblmdb-dev
#               Fedora: glib2-devel json-glib-devel lmdb-devel
#   man pages   python3-docutils (rst2man) on both
#   tests       Debian: python3 jq lmdb-utils (mdb_stat, mdb_dump)   Fedora: python3 jq lmdb
#   sanitizers  Debian: in gcc (libasan, libubsan, libtsan come with it)
#               Fedora: libasan libubsan libtsan
#   make fuzz   Debian: clang (libFuzzer and its runtime come with it)
#               Fedora: clang compiler-rt
#   GObject Introspection and the API reference (Kv-1.0.gir, the Python test, gi-docgen)
#               Debian: gobject-introspection libgirepository1.0-dev python3-gi
#                       gir1.2-glib-2.0 gir1.2-json-1.0 gi-docgen
#               Fedora: gobject-introspection-devel python3-gobject gi-docgen
#   formatting  Debian: clang-format   Fedora: clang-tools-extra (make check-format)
#   k6 plugin   ca-certificates (the Go module proxy over HTTPS), git (go build stamps the
#               checkout's commit into k6-kv)
#   packaging   Debian: debian/control's Build-Depends (debhelper, ...), rpm (rpmbuild), lintian
#               Fedora: rpm/libkv.spec's BuildRequires and rpm-build, dnf-plugins-core
if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends \
    build-essential autoconf automake libtool autoconf-archive pkg-config \
    libglib2.0-dev libjson-glib-dev liblmdb-dev lmdb-utils \
    python3 python3-docutils jq ca-certificates git clang clang-format \
    gobject-introspection libgirepository1.0-dev python3-gi gir1.2-glib-2.0 gir1.2-json-1.0 \
    gi-docgen >/dev/null
  if [ "$packaging" = yes ]; then
    # Debian 12's golang-go is too old: the local-go profile takes Go from provide-go.sh.
    (cd "$tree" && $SUDO apt-get build-dep -y -qq -P pkg.libkv.local-go ./ >/dev/null)
    $SUDO apt-get install -y -qq --no-install-recommends rpm lintian >/dev/null
  fi
elif command -v dnf >/dev/null 2>&1; then
  $SUDO dnf install -y -q \
    gcc make autoconf automake libtool autoconf-archive pkgconf-pkg-config \
    glib2-devel json-glib-devel lmdb-devel lmdb \
    python3 python3-docutils jq libasan libubsan libtsan ca-certificates git clang compiler-rt \
    clang-tools-extra gobject-introspection-devel python3-gobject gi-docgen
  if [ "$packaging" = yes ]; then
    $SUDO dnf install -y -q rpm-build dnf-plugins-core
    $SUDO dnf builddep -y -q "$tree/rpm/libkv.spec"
  fi
else
  echo "install-build-deps: neither apt-get nor dnf found (Debian 12 and Fedora are supported)" >&2
  exit 1
fi

"$tree/tools/provide-go.sh"
echo "install-build-deps: ok"
