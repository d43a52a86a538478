#!/usr/bin/env bash
# Usage: .ci/readme-in-clean-root.sh
# Runs the README's set-up commands, as README.md writes them, as root in a freshly
# bootstrapped Debian 12 root (.ci/clean-root/): install git, clone (from this checkout's
# committed HEAD, filled in for the README's <libkv repository>), then the build-and-
# quickstart command and the test command, printing the time each took. The commands are
# read from README.md's "## Set up" section, so CI runs what a reader copies.
# Needs root on a Debian host.
set -euo pipefail
cd "$(dirname "$0")/.."
harness=.ci/clean-root

# The indented code lines of the Set up section, in order.
mapfile -t cmds < <(awk '/^## / { on = ($0 ~ /^## Set up/) } on && /^    [^ ]/ { sub(/^    /, ""); print }' README.md)
if [ ${#cmds[@]} -ne 4 ] || [[ ${cmds[1]} != "git clone <libkv repository> "* ]] \
  || [[ ${cmds[2]} != *install-build-deps.sh* ]]; then
  echo "readme-in-clean-root: README.md's Set up section no longer reads 'install git; clone; build and quickstart; test':" >&2
  printf '  %s\n' "${cmds[@]}" >&2
  exit 1
fi
cmds[1]=${cmds[1]/<libkv repository>/\/srv\/libkv.git}

root=$(mktemp -d "${TMPDIR:-/var/tmp}/libkv-readme-root.XXXXXX")
trap '"$harness/remove-root.sh" "$root"' EXIT
"$harness/make-root.sh" "$root"
# The repository the README's clone reads: this checkout's history, nothing uncommitted.
git clone -q --bare --no-local . "$root/srv/libkv.git"

script=$root/root/readme-commands.sh
{
  # No set -e: it ignores a failure inside an && list; each command's status is checked.
  echo 'cd /root'
  for c in "${cmds[@]}"; do
    q=$(printf %q "$c")
    echo "printf '\\n=== README: %s\\n' $q; s=\$SECONDS"
    echo "$c"
    echo "rc=\$?; printf '=== README: %ss (exit %s)  %s\\n' \"\$((SECONDS - s))\" \$rc $q; [ \$rc -eq 0 ] || exit \$rc"
  done
} >"$script"
"$harness/enter.sh" "$root" bash /root/readme-commands.sh
