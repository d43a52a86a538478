#!/usr/bin/env bash
# Runs inside a clean Debian 12 root (.ci/clean-root) as root, started by .ci/packages.sh:
# installs the .debs of /tmp/debs with apt, then uses installed files only: a C program
# built with `pkg-config libkv-1`, kv-admin on a store that /usr/bin/k6-kv made, an
# example load test from /usr/share/doc/k6-plugin-kv/examples, every man page of the
# packages through `man --warnings` at 80 and 72 columns, a k6 built with the go command
# from golang-libkv-k6-plugin-dev's source (Go from /usr/local/go, modules from the host's
# module cache mounted at /root/go/pkg/mod, offline), the autopkgtests of /tmp/src
# (autopkgtest's null runner: this root is the test bed; one of them runs libkv-tests'
# installed tests with gnome-desktop-testing-runner), and at last a purge that must
# leave no file behind. Prints "N passed, N failed".
set -uo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
step() { printf '\n--- %s (%ss)\n' "$1" "$SECONDS"; }
die() { echo "installed-checks: $*" >&2; exit 1; }
packages=(libkv1 libkv-dev gir1.2-kv-1.0 kv-admin libkv-tests k6-plugin-kv golang-libkv-k6-plugin-dev)
work=$(mktemp -d)

# Everything that is not ours: the tools of the checks, and every Depends: of the
# autopkgtests, installed first so that the purge check below sees only our packages
# and what they pulled in.
step "test tools"
apt-get update -qq || die "apt-get update failed"
# python3-gi brings libglib2.0-0, which recommends libglib2.0-data: installed here too, or the
# purge check would see it stay behind (autoremove keeps what an installed package recommends).
apt-get install -y -qq --no-install-recommends build-essential pkgconf jq bsdutils man-db \
  autopkgtest python3-gi libglib2.0-data gnome-desktop-testing >"$work/tools.log" 2>&1 || { tail -20 "$work/tools.log"; die "installing the test tools failed"; }

# The file systems' state before, without what changes on its own (apt's and dpkg's
# databases and caches, logs, temporary files, Python's byte-code caches).
snapshot() {
  find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp \
    -o -path /var/tmp -o -path /root -o -path /var/cache -o -path /var/log -o -path /var/lib/apt \
    -o -path /var/lib/dpkg -o -name __pycache__ \) -prune -o -print | sort
}
snapshot >"$work/before"

step "apt install ${packages[*]}"
debs=()
for p in "${packages[@]}"; do debs+=(/tmp/debs/"${p}"_*.deb); done
if apt-get install -y -q --no-install-recommends "${debs[@]}" >"$work/install.log" 2>&1; then
  ok "apt installs the packages and their dependencies"
else
  tail -30 "$work/install.log"; not_ok "apt install"; echo "$passed passed, $failed failed"; exit 1
fi

step "a C program built with pkg-config libkv-1"
cat >"$work/hello.c" <<'EOF'
#include <libkv/kv.h>
#include <stdio.h>
#include <string.h>

int
main (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvOptions) options = kv_options_new_from_json ("{\"backend\":\"memory\"}", &error);
  g_autoptr (KvStore) store = options ? kv_store_open (options, &error) : NULL;
  gint64 hits = 0;

  if (store == NULL || !kv_store_set (store, "greeting", "\"hello\"", 7, &error)
      || !kv_store_increment_by (store, "hits", 3, &hits, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  printf ("hits=%" G_GINT64_FORMAT "\n", hits);
  kv_store_close (store);
  return 0;
}
EOF
# shellcheck disable=SC2046
if gcc -Wall -Werror -o "$work/hello" "$work/hello.c" $(pkg-config --cflags --libs libkv-1) \
   && [ "$("$work/hello")" = "hits=3" ]; then
  ok "cc \$(pkg-config --cflags --libs libkv-1) builds a program that runs"
else
  not_ok "C program against the installed libkv"
fi

step "kv-admin on a store made by /usr/bin/k6-kv"
mkdir "$work/store" && cd "$work/store" || die "no work directory"
cat >fill.js <<'EOF'
import { openKv } from "k6/x/kv";
const kv = openKv({ path: "./made-by-k6.kv" });
export const options = { iterations: 20, vus: 2 };
export default async function () {
  await kv.incrementBy("counter", 1);
  await kv.set(`user:${__VU}:${__ITER}`, { vu: __VU, iter: __ITER });
}
export function teardown() { kv.close(); }
EOF
if k6-kv run --quiet --no-usage-report fill.js >fill.log 2>&1 \
   && [ "$(kv-admin get made-by-k6.kv counter)" = 20 ] \
   && [ "$(kv-admin count made-by-k6.kv --prefix user:)" = 20 ] \
   && kv-admin verify made-by-k6.kv >verify.log \
   && kv-admin stats made-by-k6.kv --json | jq -e '.backend == "disk"' >/dev/null; then
  ok "kv-admin get/count/verify/stats read the store k6-kv wrote (20 iterations)"
else
  cat fill.log verify.log 2>/dev/null | tail -20; not_ok "kv-admin on a k6-kv store"
fi

step "example load test /usr/share/doc/k6-plugin-kv/examples/quickstart.js"
mkdir "$work/example" && cd "$work/example" || die "no work directory"
if k6-kv run --quiet --no-usage-report /usr/share/doc/k6-plugin-kv/examples/quickstart.js >run.log 2>&1; then
  ok "the quickstart example passes its thresholds"
else
  tail -20 run.log; not_ok "example load test"
fi

step "man --warnings on every man page of the packages"
pages=$(dpkg -L "${packages[@]}" | grep -E '^/usr/share/man/man[1-8]/.+\.[1-8](\.gz)?$' | sort)
[ -n "$pages" ] || not_ok "no man pages installed"
for page in $pages; do
  name=${page##*/}; name=${name%.gz}; section=${name##*.}; name=${name%.*}
  for width in 80 72; do
    warnings=$(MANWIDTH=$width man --warnings "$section" "$name" 2>&1 >/dev/null)
    if [ -z "$warnings" ]; then
      ok "man $section $name at $width columns: no warning"
    else
      echo "$warnings" | head -5; not_ok "man $section $name at $width columns"
    fi
  done
done

step "a k6 built with the go command from golang-libkv-k6-plugin-dev"
src=/usr/share/gocode/src/libkv.dev/k6-plugin
mkdir "$work/my-k6" && cd "$work/my-k6" || die "no work directory"
# The commands of k6-kv(1), BUILDING A K6 WITH OTHER EXTENSIONS. Offline: the versions
# pinned by the packaged go.sum, from the module cache (GOPROXY=off).
export PATH=$PATH:/usr/local/go/bin GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=1
if cp "$src/go.mod" "$src/go.sum" . && chmod u+w go.mod go.sum \
   && go mod edit -module=example.com/my-k6 -require=libkv.dev/k6-plugin@v0.0.0 -replace=libkv.dev/k6-plugin="$src" \
   && cp "$src/cmd/k6-kv/main.go" . \
   && go build -trimpath -o k6 . >build.log 2>&1 \
   && ./k6 version | grep -q 'k6/x/kv' \
   && ./k6 run --quiet --no-usage-report "$work/store/fill.js" >run.log 2>&1 \
   && [ "$(kv-admin get made-by-k6.kv counter)" = 20 ]; then
  ok "go build from $src gives a k6 with k6/x/kv that runs a test"
else
  cat build.log run.log 2>/dev/null | tail -20; not_ok "k6 from the Go source package"
fi
unset GOPROXY GOFLAGS GOTOOLCHAIN CGO_ENABLED

step "Python through the installed typelib (gir1.2-kv-1.0)"
if python3 - >"$work/python.log" 2>&1 <<'PY'
import gi
gi.require_version("Kv", "1.0")
from gi.repository import Kv
options = Kv.Options.new()
options.set_backend(Kv.BackendKind.MEMORY)
store = Kv.Store.open(options)
store.set("greeting", b'"hello"')
assert store.get("greeting").get_data() == b'"hello"', store.get("greeting").get_data()
PY
then
  ok "Python opens a store, sets and gets a value through gi.repository.Kv"
else
  cat "$work/python.log"; not_ok "Python through the typelib"
fi

step "autopkgtests (debian/tests, null runner)"
if autopkgtest --no-built-binaries /tmp/src -- null >"$work/autopkgtest.log" 2>&1; then
  sed -n '/@@@ summary/,$p' "$work/autopkgtest.log"
  ok "autopkgtest: every test passed"
else
  tail -40 "$work/autopkgtest.log"; not_ok "autopkgtest"
fi

step "purge"
cd / || exit 1
apt-get purge -y -q "${packages[@]}" >"$work/purge.log" 2>&1 \
  && apt-get autoremove --purge -y -q >>"$work/purge.log" 2>&1 || { tail -20 "$work/purge.log"; not_ok "purge"; }
snapshot >"$work/after"
left=$(comm -13 "$work/before" "$work/after")
gone=$(comm -23 "$work/before" "$work/after")
if [ -z "$left" ] && [ -z "$gone" ]; then
  ok "purging the packages leaves the root as it was before their installation"
else
  echo "left behind:"; echo "$left" | head -20; echo "removed:"; echo "$gone" | head -20
  not_ok "purge left the root changed"
fi
rm -rf "$work"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
