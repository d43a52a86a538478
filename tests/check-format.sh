#!/bin/sh
# check-format.sh [--fix] — the tree's formatting: C through clang-format (.clang-format),
# Go through gofmt (go vet runs with the Go tests, in make check). Without --fix it changes
# nothing and fails, listing the files, when one is not formatted; with --fix it rewrites
# them (make format).
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

GOFMT=${GOFMT:-gofmt}
if command -v "$GOFMT" >/dev/null 2>&1; then
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
exit $status
