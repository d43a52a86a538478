#!/bin/sh
# Usage: tools/provide-go.sh
# Makes sure a Go at least as new as k6-plugin/go.mod's `go` line is in PATH or in
# /usr/local/go (where configure also looks). When there is none, it installs the official
# Go toolchain $KV_GO_TOOLCHAIN (go1.27.3) in /usr/local/go: the module
# golang.org/toolchain@v0.0.1-go1.27.3.<os>-<arch>, the very artifact `GOTOOLCHAIN=go1.27.3`
# makes the go command fetch, downloaded through the configured module proxy and checked
# against the Go checksum database by an older go — the one in PATH, or else the
# distribution's (Debian 12: go 1.19, downloaded as a .deb and unpacked into a temporary
# directory, never installed). It never replaces an existing /usr/local/go.
# Exits non-zero with one line on stderr when it cannot provide Go.
# Uses sudo only for what needs root (installing packages, writing /usr/local/go).
set -eu
tree=$(cd "$(dirname "$0")/.." && pwd)
toolchain=${KV_GO_TOOLCHAIN:-go1.27.3}
dest=/usr/local/go
die() { printf 'provide-go: %s\n' "$*" >&2; exit 1; }
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

need=$(awk '$1 == "go" { print $2; exit }' "$tree/k6-plugin/go.mod" 2>/dev/null) || true
[ -n "$need" ] || die "no go line in $tree/k6-plugin/go.mod"

# The version a go binary reports for itself; GOTOOLCHAIN=local so that a go >= 1.21
# does not switch to another toolchain while answering.
# Run from / so that no go.mod around asks for a newer go.
go_version() { (cd / && GOTOOLCHAIN=local "$1" env GOVERSION 2>/dev/null) | sed -n 's/^go\([0-9][0-9.]*\).*/\1/p'; }
# new_enough VERSION: VERSION >= the go line (1.25 counts as 1.25.0).
new_enough() {
  [ -n "$1" ] || return 1
  set -- "$1" "$need"
  case $1 in *.*.*) ;; *) set -- "$1.0" "$2" ;; esac
  case $2 in *.*.*) ;; *) set -- "$1" "$2.0" ;; esac
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

old=
for go in "$(command -v go || true)" "$dest/bin/go"; do
  [ -n "$go" ] && [ -x "$go" ] || continue
  v=$(go_version "$go")
  if new_enough "$v"; then echo "provide-go: Go $v ($go)"; exit 0; fi
  [ -n "$old" ] || old=$go
done
if [ -e "$dest" ]; then
  has=$(go_version "$dest/bin/go" || true)
  die "$dest exists but holds no Go >= $need (it has ${has:+Go }${has:-none}); not replacing it: remove it or put a Go >= $need in PATH"
fi

tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# The bootstrap go only downloads: any version that knows modules and the checksum
# database will do.
if [ -n "$old" ]; then
  boot=$old
elif command -v apt-get >/dev/null 2>&1; then
  # golang-go names the distribution's current Go (golang-1.19-go on Debian 12).
  pkg=$(apt-cache depends golang-go 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^golang-[0-9.]+-go$/ { print $2; exit }')
  [ -n "$pkg" ] || die "apt knows no golang-go to bootstrap Go from (run apt-get update first)"
  pkgver=$(printf '%s\n' "$pkg" | sed 's/^golang-\(.*\)-go$/\1/')
  if new_enough "$pkgver"; then
    $SUDO apt-get install -y -qq --no-install-recommends golang-go >/dev/null || die "apt-get install golang-go failed"
    echo "provide-go: Go $(go_version /usr/bin/go) (golang-go)"; exit 0
  fi
  mkdir "$tmp/deb"
  # As root, apt would drop to _apt, which cannot write into our private directory.
  sandbox=; [ "$(id -u)" -ne 0 ] || sandbox="-o APT::Sandbox::User=root"
  (cd "$tmp/deb" && apt-get download -qq $sandbox "$pkg" >/dev/null) || die "apt-get download $pkg failed"
  dpkg-deb -x "$tmp/deb/$pkg"_*.deb "$tmp/deb/root" || die "cannot unpack $pkg"
  boot=$tmp/deb/root/usr/lib/go-$pkgver/bin/go
  export GOROOT="${boot%/bin/go}"
elif command -v dnf >/dev/null 2>&1; then
  # Fedora's golang is usually new enough itself; if not, it is the bootstrap.
  $SUDO dnf install -y -q golang >/dev/null || die "dnf install golang failed"
  v=$(go_version /usr/bin/go)
  if new_enough "$v"; then echo "provide-go: Go $v (golang)"; exit 0; fi
  boot=/usr/bin/go
else
  die "no go to bootstrap Go >= $need from, and neither apt-get nor dnf to get one"
fi

goenv() { (cd / && GOTOOLCHAIN=local "$boot" env "$1"); }
goos=$(goenv GOHOSTOS) && goarch=$(goenv GOHOSTARCH) || die "$boot does not run"
mod=golang.org/toolchain@v0.0.1-$toolchain.$goos-$goarch
proxy=$(goenv GOPROXY)
[ "$proxy" != off ] || die "GOPROXY=off: cannot download $mod"
# The go command always checks toolchains against the checksum database, whatever
# GOSUMDB/GONOSUMDB say; an older go has to be told to.
sumdb=$(goenv GOSUMDB)
[ -n "$sumdb" ] && [ "$sumdb" != off ] || sumdb=sum.golang.org
echo "provide-go: downloading $mod (proxy $proxy, checked against $sumdb)"
(cd "$tmp" && env GOTOOLCHAIN=local GO111MODULE=on GOFLAGS=-modcacherw \
  GOPATH="$tmp/gopath" GOMODCACHE="$tmp/modcache" GOCACHE="$tmp/gocache" \
  GOPROXY="$proxy" GOSUMDB="$sumdb" GONOSUMDB= GOPRIVATE= GOINSECURE= \
  "$boot" mod download -json "$mod" >"$tmp/download.json" 2>"$tmp/download.err") \
  || die "go mod download $mod failed: $( { sed -n 's/^[[:space:]]*"Error": "\(.*\)",*$/\1/p' "$tmp/download.json"; cat "$tmp/download.err"; } | grep . | head -n 1)"
dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p' "$tmp/download.json")
[ -f "$dir/bin/go" ] || die "$mod has no bin/go"
# The download left the database's tiles in the cache only if it consulted it.
[ -d "$tmp/modcache/cache/download/sumdb/${sumdb%%[+ ]*}" ] || die "$mod was not checked against $sumdb"
unset GOROOT

# As the toolchain switch does: a module zip keeps no modes, so the commands in bin/ and
# pkg/tool/ become executable; everything else is plain root-owned files.
stage=$($SUDO mktemp -d /usr/local/.go-install.XXXXXX)
$SUDO cp -R "$dir" "$stage/go"
$SUDO chmod -R u+w,go-w,a+rX "$stage/go"
$SUDO find "$stage/go/bin" "$stage/go/pkg/tool" -type f -exec chmod a+x {} +
[ ! -e "$dest" ] || { $SUDO rm -rf "$stage"; die "$dest appeared while installing; not replacing it"; }
$SUDO mv "$stage/go" "$dest"
$SUDO rmdir "$stage"

v=$(go_version "$dest/bin/go")
[ "go$v" = "$toolchain" ] && new_enough "$v" || die "$dest/bin/go reports '$v', not $toolchain"
echo "provide-go: installed $("$dest/bin/go" version | sed 's/^go version //') in $dest (add $dest/bin to PATH to use it yourself)"
