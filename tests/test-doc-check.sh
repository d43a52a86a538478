#!/bin/sh
# gi-docgen check: every symbol of Kv-1.0.gir, with its parameters, return value
# and enum members, carries documentation. tests/test-symbols.sh checks the doc
# blocks of the exported functions from the sources; this checks what the API
# reference will show, types, constants and macros included.
set -u
builddir=${top_builddir:-.}
gir="$builddir/libkv/Kv-1.0.gir"
case "${KV_INTROSPECTION:-no}" in
  yes) [ -f "$gir" ] || { echo "1..1"; echo "not ok 1 - $gir was not built"; exit 0; } ;;
  *) echo "1..0 # SKIP libkv was configured without introspection: no Kv-1.0.gir"; exit 0 ;;
esac
docgen=${GI_DOCGEN:-}
if [ -z "$docgen" ]; then
  echo "1..0 # SKIP no gi-docgen (Debian: gi-docgen)"; exit 0
fi
echo "1..1"
if out=$("$docgen" check --quiet --config "$builddir/docs/reference/libkv.toml" "$gir" 2>&1) \
   && [ -z "$out" ]; then
  echo "ok 1 - gi-docgen check finds every symbol of Kv-1.0.gir documented"
else
  echo "not ok 1 - gi-docgen check:"
  printf '%s\n' "$out" | sed 's/^/# /'
fi
