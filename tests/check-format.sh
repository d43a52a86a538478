#!/bin/sh
# check-format.sh [--fix] — the tree's rules: C through clang-format (.clang-format), Go
# through gofmt and go vet. Without --fix it changes nothing and fails, listing the files,
# when one is not formatted or vet reports something; with --fix it rewrites the files
# (make format; vet has nothing to fix, so it does not run).
#
# GO: the go command of the k6 plugin's build. make check-format sets it, with the cgo
# environment of the k6-kv build that go vet needs, when the plugin is built; then gofmt
# is that Go's and both Go checks must run. Without GO (a build without the plugin)
# gofmt runs if it is on PATH, and go vet does not (it needs the plugin's build).
set -eu
cd "${top_srcdir:-$(dirname "$0")/..}"
fix=no
[ "${1:-}" = --fix ] && fix=yes

# Sources of the project, not generated files nor the vendored Go modules.
c_files() {
  if [ -d .git ] && command -v git >/dev/null 2>&1; then
    git ls-files -- '*.c' '*.h'
  else
    find libkv tools tests fuzz bench k6-plugin -name '*.[ch]' -not -path '*/vendor/*'
  fi | grep -v -e '^libkv/kv-enum-types\.[ch]$' -e '^libkv/kv-version\.h$'
}

status=0
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
command -v "$CLANG_FORMAT" >/dev/null 2>&1 || { echo "check-format: $CLANG_FORMAT not found" >&2; exit 1; }
if [ $fix = yes ]; then
  c_files | xargs "$CLANG_FORMAT" -i
else
  bad=$(c_files | while read -r f; do
    "$CLANG_FORMAT" --dry-run --Werror "$f" >/dev/null 2>&1 || echo "$f"
  done)
  if [ -n "$bad" ]; then
    echo "check-format: not formatted as .clang-format says (make format fixes it):" >&2
    echo "$bad" | sed 's/^/  /' >&2
    status=1
  fi
fi

if [ -n "${GO:-}" ]; then
  GOFMT=${GOFMT:-$("$GO" env GOROOT)/bin/gofmt}
  command -v "$GOFMT" >/dev/null 2>&1 || { echo "check-format: $GOFMT not found (GO=$GO)" >&2; exit 1; }
else
  GOFMT=${GOFMT:-$(command -v gofmt || true)}
  [ -n "$GOFMT" ] || echo "check-format: no GO and no gofmt on PATH: Go files not checked" >&2
fi
if [ -n "$GOFMT" ]; then
  go_files=$(find k6-plugin -name '*.go' -not -path '*/vendor/*')
  if [ $fix = yes ]; then
    "$GOFMT" -w $go_files
  else
    bad=$("$GOFMT" -l $go_files)
    if [ -n "$bad" ]; then
      echo "check-format: not gofmt-formatted:" >&2
      echo "$bad" | sed 's/^/  /' >&2
      status=1
    fi
  fi
fi

if [ -n "${GO:-}" ] && [ $fix = no ]; then
  if ! (cd k6-plugin && "$GO" vet -trimpath ./...); then
    echo "check-format: go vet reports the problems above in k6-plugin/" >&2
    status=1
  fi
elif [ $fix = no ]; then
  echo "check-format: no GO (k6 plugin not built): go vet not run" >&2
fi
exit $status
