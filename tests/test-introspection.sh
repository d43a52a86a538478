#!/bin/sh
# libkv from Python through Kv-1.0.typelib (tests/test-introspection.py), against the build tree.
# Skipped only when there is nothing to test with: a build without introspection
# (no typelib) or no python3 with PyGObject. A build with introspection must have
# made the typelib, so its absence is a failure, not a skip.
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
typelib="$builddir/libkv/Kv-1.0.typelib"
case "${KV_INTROSPECTION:-no}" in
  yes) [ -f "$typelib" ] || { echo "1..1"; echo "not ok 1 - $typelib was not built"; exit 0; } ;;
  *) echo "1..0 # SKIP libkv was configured without introspection"; exit 0 ;;
esac
python=${PYTHON_GI:-}
if [ -z "$python" ] || ! "$python" -c 'import gi' 2>/dev/null; then
  echo "1..0 # SKIP no python3 with PyGObject (Debian: python3-gi)"; exit 0
fi
GI_TYPELIB_PATH="$builddir/libkv${GI_TYPELIB_PATH:+:$GI_TYPELIB_PATH}" \
LD_LIBRARY_PATH="$builddir/libkv/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  exec "$python" "$srcdir/tests/test-introspection.py"
