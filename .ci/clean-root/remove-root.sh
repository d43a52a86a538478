#!/usr/bin/env bash
# Usage: remove-root.sh ROOT
# Deletes ROOT, refusing while anything is mounted under it (a bind mount of /dev would
# otherwise take the host's device nodes with it), and never crossing into another
# file system.
set -euo pipefail
root=$(realpath "${1:?usage: remove-root.sh ROOT}")
[ -d "$root" ] || exit 0
if awk -v r="$root" '$2 == r || index($2, r "/") == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
  echo "remove-root: $root still has mounts; not removing it" >&2; exit 1
fi
rm -rf --one-file-system "$root"
