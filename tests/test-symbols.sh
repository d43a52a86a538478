#!/bin/sh
# The library exports exactly the kv_* functions its public headers declare: no
# more (visibility leaks), no less (a prototype without KV_AVAILABLE_IN_*), and
# every one of them has a gtk-doc block that documents it completely (test 5).
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
lib="$builddir/libkv/.libs/libkv.so.1"
echo "1..5"
if [ ! -f "$lib" ]; then
  echo "not ok 1 - $lib exists"; exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {sub(/@.*/, "", $3); print $3}' | sort -u > "$tmp/exported"
# Every name declared in a public header as a function (name followed by " (").
# The generated headers (kv-enum-types.h) live in the build tree.
public_headers=$(ls "$srcdir"/libkv/kv.h "$srcdir"/libkv/kv-*.h "$builddir"/libkv/kv-enum-types.h \
  "$builddir"/libkv/kv-version.h 2>/dev/null | grep -v -- '-private\.h$' | sort -u)
# shellcheck disable=SC2086 # one word per file name; none has a space
cat $public_headers | grep -v '^#' | grep -oE '\bkv_[a-z0-9_]+ \(' | sed 's/ ($//' | sort -u > "$tmp/declared"
# G_DECLARE_FINAL_TYPE declares kv_store_get_type without spelling it out.
echo kv_store_get_type >> "$tmp/declared"; sort -u -o "$tmp/declared" "$tmp/declared"

bad=$(grep -v '^kv_' "$tmp/exported")
if [ -z "$bad" ]; then echo "ok 1 - only kv_* symbols are exported"; else echo "not ok 1 - non-kv symbols exported: $bad"; fi
extra=$(comm -23 "$tmp/exported" "$tmp/declared")
if [ -z "$extra" ]; then echo "ok 2 - every exported symbol is declared in a public header"; else echo "not ok 2 - exported but undeclared: $extra"; fi
missing=$(comm -13 "$tmp/exported" "$tmp/declared")
if [ -z "$missing" ]; then echo "ok 3 - every declared function is exported"; else echo "not ok 3 - declared but not exported: $missing"; fi
# Debian's symbols file (checked at level 4 by the package build) must list exactly these.
if [ -f "$srcdir/debian/libkv1.symbols" ]; then
  grep -o '^ kv_[a-z0-9_]*' "$srcdir/debian/libkv1.symbols" | tr -d ' ' | sort -u > "$tmp/debian"
  if cmp -s "$tmp/debian" "$tmp/exported"; then echo "ok 4 - debian/libkv1.symbols matches the library"
  else echo "not ok 4 - debian/libkv1.symbols differs from the library: $(diff "$tmp/debian" "$tmp/exported" | grep '^[<>]' | tr '\n' ' ')"; fi
else
  echo "ok 4 # SKIP no debian/libkv1.symbols in this tree"
fi
# gtk-doc blocks: every exported function (GType getters aside) has one, in a
# public header or a source file, with every parameter, Returns: unless it
# returns void, and Since:. g-ir-scanner and gi-docgen read the same blocks.
# shellcheck disable=SC2086
if awk -v exported="$tmp/exported" -f "$srcdir/tests/doc-coverage.awk" "$tmp/exported" \
  $public_headers "$srcdir"/libkv/*.c > "$tmp/undocumented"; then
  problems=$(sort "$tmp/undocumented")
else
  problems="doc-coverage.awk: failed"
fi
n_exported=$(grep -vc '_get_type$' "$tmp/exported")
if [ -z "$problems" ]; then echo "ok 5 - all $n_exported exported functions have complete doc blocks"
else
  echo "not ok 5 - $(echo "$problems" | cut -d: -f1 | sort -u | wc -l) of $n_exported exported functions are not fully documented"
  echo "$problems" | sed 's/^/# /'
fi
