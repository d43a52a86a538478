#!/usr/bin/env bash
# Usage: make-root.sh ROOT
# Makes ROOT a fresh minimal Debian 12 root (debootstrap --variant=minbase, what a
# container image or a new install starts from) that trusts what this host trusts for
# package downloads: its Debian apt sources and keyrings, its locally added CA
# certificates (/usr/local/share/ca-certificates, picked up when the root installs
# ca-certificates) and its resolv.conf. Nothing else of the host goes in.
#
# debootstrap takes minutes, so its result is kept as a tarball under
# $LIBKV_CI_CACHE (/var/cache/libkv-ci) keyed by suite, architecture and UTC date: a run
# on the same machine and day unpacks it in seconds, the next day bootstraps anew and
# deletes the older tarballs. The cache is local to this machine and is never shared.
# Needs root (debootstrap, chroot). Shared harness: .ci/clean-root/README.md.
set -euo pipefail
root=${1:?usage: make-root.sh ROOT}
suite=bookworm
cache=${LIBKV_CI_CACHE:-/var/cache/libkv-ci}
arch=$(dpkg --print-architecture)
die() { echo "make-root: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap and chroot)"
[ ! -e "$root" ] || [ -z "$(ls -A "$root")" ] || die "$root exists and is not empty"

# The host's Debian sources: deb822 debian.sources (Debian 12's default) or a sources.list.
host_sources=()
for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
  [ -s "$f" ] && grep -q '^[^#]' "$f" && host_sources+=("$f")
done
[ ${#host_sources[@]} -gt 0 ] || die "no Debian apt sources on this host to copy"
# debootstrap fetches from the first mirror the host uses for the main suite.
mirror=$(awk '/^URIs:/ { print $2; exit } /^deb / { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' \
  "${host_sources[@]}")
[ -n "$mirror" ] || die "no mirror URI in ${host_sources[*]}"

tarball=$cache/debian-$suite-minbase-$arch-$(date -u +%Y%m%d).tar
if [ ! -s "$tarball" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/bootstrap.XXXXXX")
  trap 'rm -rf --one-file-system "$work"' EXIT
  echo "make-root: debootstrap $suite from $mirror (cached in $tarball)"
  debootstrap --variant=minbase --arch="$arch" \
    --keyring=/usr/share/keyrings/debian-archive-keyring.gpg "$suite" "$work/root" "$mirror" \
    >"$work/debootstrap.log" 2>&1 || { tail -30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  # The downloaded .debs are not part of a fresh system.
  rm -f "$work"/root/var/cache/apt/archives/*.deb
  tar --numeric-owner -C "$work/root" -cf "$work/root.tar" .
  mv "$work/root.tar" "$tarball"
  find "$cache" -maxdepth 1 -name "debian-$suite-minbase-$arch-*.tar" ! -name "${tarball##*/}" -delete
fi

mkdir -p "$root"
tar --numeric-owner -C "$root" -xf "$tarball"

# Package downloads: the host's Debian sources replace debootstrap's one-line sources.list,
# with the keyrings they name (Signed-By) and apt's trusted keys.
rm -f "$root/etc/apt/sources.list"
for f in "${host_sources[@]}"; do cp "$f" "$root$f"; done
for key in $(awk '/^Signed-By:/ { print $2 } /^deb .*signed-by=/ { match($0, /signed-by=[^] ]+/); print substr($0, RSTART + 10, RLENGTH - 10) }' \
  "${host_sources[@]}" | sort -u); do
  [ -e "$root$key" ] || { mkdir -p "$root${key%/*}"; cp "$key" "$root$key"; }
done
for d in /etc/apt/trusted.gpg.d /etc/apt/keyrings; do
  [ -d "$d" ] && mkdir -p "$root$d" && cp -a "$d/." "$root$d/"
done
# TLS: certificates this host's administrator added (a proxy's CA, say); Debian's
# ca-certificates adds them to the root's bundle when a package installs it.
if [ -d /usr/local/share/ca-certificates ]; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp -a /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
fi
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
# chroot keeps the host's name; an installed system resolves its own (sudo asks).
printf '127.0.1.1\t%s\n' "$(hostname)" >>"$root/etc/hosts"
echo "make-root: $root is a fresh $suite root ($(du -sh --one-file-system "$root" | cut -f1))"
