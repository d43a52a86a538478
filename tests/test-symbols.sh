#!/bin/sh
# The library exports exactly the kv_* functions its public headers declare: no
# more (visibility leaks), no less (a prototype without KV_AVAILABLE_IN_*).
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
lib="$builddir/libkv/.libs/libkv.so.1"
echo "1..4"
if [ ! -f "$lib" ]; then
  echo "not ok 1 - $lib exists"; exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {sub(/@.*/, "", $3); print $3}' | sort -u > "$tmp/exported"
# Every name declared in a public header as a function (name followed by " (").
cat "$srcdir"/libkv/kv-*.h | grep -v '^#' | grep -oE '\bkv_[a-z0-9_]+ \(' | sed 's/ ($//' | sort -u > "$tmp/declared"
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
