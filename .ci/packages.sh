#!/usr/bin/env bash
# CI stage: the packages, from the release tarball to a clean Debian 12 root. Run as root
# from a configured and built tree (.ci/run's build), after `make check`:
#   1. make dist: the tarball, with k6-plugin/vendor (and the check that debian/copyright
#      and the RPM licence lines match it)
#   2. dpkg-buildpackage from the unpacked tarball with no network at all (unshare -n):
#      debian/rules prints its "offline Go build" line, kept in this log; the test suite
#      runs inside the build, on the bits that are packaged
#   3. k6-kv's hardening (PIE, BIND_NOW, RELRO) read off the packaged binary
#   4. lintian -I --pedantic on the .changes: no error or warning left (overrides carry
#      their reasons in debian/*.lintian-overrides)
#   5. a clean Debian 12 root (.ci/clean-root, cached per day on this machine): the .debs
#      installed with apt and checked from installed files only
#      (.ci/packages/installed-checks.sh)
#   6. rpmbuild -bb from the same tarball, offline too
# GOCACHE is the host build's: Go keys its build cache by the content of every input, so
# sharing it changes no byte of the result and saves most of the Go compile time.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
export PATH=$PATH:/usr/local/go/bin
go=$(command -v go) || { echo "packages: go not found" >&2; exit 1; }
# What this stage needs beyond the build's dependencies: tools/install-build-deps.sh
# --packaging installs them (debian/control's Build-Depends, rpm, lintian).
for tool in dpkg-buildpackage dh lintian rpmbuild readelf unshare; do
  command -v "$tool" >/dev/null || { echo "packages: $tool not found: run tools/install-build-deps.sh --packaging" >&2; exit 1; }
done
gocache=$(go env GOCACHE)
gomodcache=$(go env GOMODCACHE)
timing() { printf 'packages: %-28s %4ss\n' "$1" "$(($(date +%s) - $2))"; }
stage_start=$(date +%s)

work=$(mktemp -d /var/tmp/libkv-packages.XXXXXX)
root=$work/root
mounts=()
cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[i]}" || umount -l "${mounts[i]}" || true; done
  .ci/clean-root/remove-root.sh "$root" || return 1
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

t=$(date +%s)
rm -f libkv-*.tar.xz
# A fast xz level: the content is the same, CI does not ship the file.
XZ_OPT=-1 make dist >"$work/dist.log" 2>&1 || { tail -40 "$work/dist.log"; exit 1; }
tarball=$(ls "$top"/libkv-*.tar.xz)
timing "make dist" "$t"

t=$(date +%s)
mkdir "$work/deb" && tar -C "$work/deb" -xf "$tarball"
srcdir=$(ls -d "$work"/deb/libkv-*)
(cd "$srcdir" && unshare -n env GO="$go" GOCACHE="$gocache" \
   dpkg-buildpackage -us -uc -b -Ppkg.libkv.local-go) >"$work/deb-build.log" 2>&1 \
  || { tail -60 "$work/deb-build.log"; echo "packages: dpkg-buildpackage failed" >&2; exit 1; }
grep -E '^# (TOTAL|PASS|FAIL):' "$work/deb-build.log" || true
offline=$(grep -E '^debian/rules: offline Go build' "$work/deb-build.log") \
  || { echo "packages: no offline line in the build log" >&2; exit 1; }
echo "$offline" | sed 's/^/packages: /'
timing "dpkg-buildpackage (offline)" "$t"

# The packaged binary: PIE (ELF type DYN with the PIE flag), BIND_NOW, and a RELRO segment.
k6kv=$srcdir/debian/k6-plugin-kv/usr/bin/k6-kv
readelf -hlW "$k6kv" | grep -q 'Type: *DYN' && readelf -dW "$k6kv" | grep -q 'Flags:.*PIE' \
  && readelf -dW "$k6kv" | grep -Eq '\(FLAGS\).*BIND_NOW|Flags:.*NOW' \
  && readelf -lW "$k6kv" | grep -q GNU_RELRO \
  && ! readelf -dW "$k6kv" | grep -Eq 'RPATH|RUNPATH' \
  || { echo "packages: /usr/bin/k6-kv is not PIE + BIND_NOW + RELRO without rpath" >&2; exit 1; }
echo "packages: /usr/bin/k6-kv: PIE, BIND_NOW, RELRO, no rpath"

# Reproducible across build paths: k6-kv again from another unpacked copy at a longer
# path, with the package build's flags (dpkg-buildflags: their -ffile-prefix-map names
# that path), must be the same file as the package build's (unstripped) k6-kv.
t=$(date +%s)
mkdir -p "$work/repro/a/longer/build/path" && tar -C "$work/repro/a/longer/build/path" -xf "$tarball"
(cd "$work"/repro/a/longer/build/path/libkv-* \
   && eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)" \
   && ./configure -q --prefix=/usr --enable-k6-plugin GO="$go" \
   && GOCACHE="$gocache" make -j2 k6-plugin/k6-kv) >"$work/repro.log" 2>&1 \
  || { tail -30 "$work/repro.log"; echo "packages: the second build of k6-kv failed" >&2; exit 1; }
cmp "$srcdir/k6-plugin/k6-kv" "$work"/repro/a/longer/build/path/libkv-*/k6-plugin/k6-kv \
  || { echo "packages: k6-kv differs between build paths" >&2; exit 1; }
echo "packages: k6-kv built in $srcdir and in a longer path: identical ($(sha256sum <"$k6kv" | cut -c1-16)... packaged)"
rm -rf "$work/repro"
timing "k6-kv across build paths" "$t"

t=$(date +%s)
changes=$(ls "$work"/deb/*.changes)
lintian -I --pedantic "$changes" >"$work/lintian.txt" 2>&1 || true
sed 's/^/lintian: /' "$work/lintian.txt"
if grep -Eq '^[EW]: ' "$work/lintian.txt"; then
  echo "packages: lintian reports errors or warnings" >&2; exit 1
fi
timing "lintian" "$t"

t=$(date +%s)
.ci/clean-root/make-root.sh "$root"
mkdir -p "$root/tmp/debs" "$root/tmp/src" "$root/usr/local/go" "$root/root/go/pkg/mod" "$root/root/.cache/go-build"
cp "$work"/deb/*.deb "$root/tmp/debs/"
# The autopkgtests run in the source tree, as autopkgtest runs them: the pristine tarball.
tar -C "$root/tmp/src" --strip-components=1 -xf "$tarball"
cp .ci/packages/installed-checks.sh "$root/tmp/installed-checks.sh"
# Go for the Go source package's check: the host's toolchain (Debian 12 has none new
# enough), its module cache (read, never fetched: GOPROXY=off inside) and build cache.
for m in "$(go env GOROOT):/usr/local/go" "$gomodcache:/root/go/pkg/mod" "$gocache:/root/.cache/go-build"; do
  mount --bind "${m%%:*}" "$root${m#*:}"; mounts+=("$root${m#*:}")
done
mount -o remount,bind,ro "$root/usr/local/go"
.ci/clean-root/enter.sh "$root" bash /tmp/installed-checks.sh
timing "clean-root install checks" "$t"

t=$(date +%s)
mkdir -p "$work/rpm/SOURCES" && cp "$tarball" "$work/rpm/SOURCES/"
# --nodeps: Debian's rpm database knows none of the BuildRequires (dpkg has them).
# --nocheck: %check is the same `make check` that dpkg-buildpackage ran above, from the
# same tarball with the same compiler on this machine; here the spec is what is tested.
unshare -n env GOCACHE="$gocache" PATH="$PATH" \
  rpmbuild -bb --nodeps --nocheck --define "_topdir $work/rpm" "$srcdir/rpm/libkv.spec" \
  >"$work/rpm-build.log" 2>&1 || { tail -60 "$work/rpm-build.log"; echo "packages: rpmbuild failed" >&2; exit 1; }
grep -E '^offline Go build|^Wrote: ' "$work/rpm-build.log" | sed 's/^/packages: /'
timing "rpmbuild -bb (offline)" "$t"
timing "stage total" "$stage_start"
