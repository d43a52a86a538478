#!/usr/bin/env bash
# Usage: enter.sh ROOT COMMAND [ARG...]
# Runs COMMAND as root inside ROOT (made by make-root.sh) with chroot, with /proc, /sys,
# /dev, /dev/pts and a private /dev/shm mounted, and a clean environment (a login
# shell's PATH, HOME=/root, LANG=C.UTF-8). Returns COMMAND's exit status. On any exit,
# also Ctrl-C, it ends the processes still running inside ROOT (by pid, found by their
# root directory) and unmounts everything it mounted, so that ROOT can be removed.
set -euo pipefail
root=$(realpath "${1:?usage: enter.sh ROOT COMMAND [ARG...]}"); shift
[ $# -gt 0 ] || { echo "enter: no command" >&2; exit 2; }
[ -x "$root/bin/sh" ] || { echo "enter: $root is not a root file system" >&2; exit 2; }

mounted=()
cleanup() {
  local pid i
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ] && kill -KILL "$pid" 2>/dev/null || true
  done
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" \
      || echo "enter: could not unmount ${mounted[i]}" >&2
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mnt() { local target=$root$1; shift; mount "$@" "$target"; mounted+=("$target"); }

mnt /proc -t proc proc
mnt /sys -t sysfs sysfs
mnt /dev --bind /dev
mnt /dev/pts --bind /dev/pts
mnt /dev/shm -t tmpfs -o mode=1777,nosuid,nodev tmpfs

rc=0
chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@" || rc=$?
exit $rc
