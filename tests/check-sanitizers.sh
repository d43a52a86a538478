#!/bin/sh
# check-sanitizers.sh — make check-sanitizers: the C suite again, from a clean copy of
# the sources, once per entry of SANITIZER_RUNS (by default under AddressSanitizer +
# UndefinedBehaviorSanitizer, then under ThreadSanitizer). Each run configures its own
# tree (_build-san-<sanitizers> in the build directory), so the normal build is
# untouched; the first failing run stops here and shows the end of its test logs.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Not a TAP test itself: it runs make check (the TAP suite) in other trees, and make
# check in this one would build and run it inside itself. Run by Makefile-tests.am with
#   MAKE            the make command with its flags, from the build directory
#   SANITIZER_RUNS  one -fsanitize= list per run, separated by spaces
#   top_srcdir      the source tree (the suppression files)
#
# G_SLICE=always-malloc: GSlice's magazines are locked with futexes TSan cannot see,
# and plain malloc lets ASan check every block. Our locks are all pthread-based
# (GRWLock) so TSan sees them; tests/tsan.supp lists the one GLib-internal exception.
# --disable-introspection: g-ir-scanner would run its dumper on the instrumented
# library, and an uninstrumented python3 cannot load it for the PyGObject test.
# --disable-k6-plugin: the copies are C-only (DIST_GO_VENDOR=no: no Go module tree).
set -eu
: "${MAKE:?}" "${SANITIZER_RUNS:?}" "${top_srcdir:?}"
for san in $SANITIZER_RUNS; do
	dir=_build-san-$(echo "$san" | tr , -)
	echo "=== make check with -fsanitize=$san in $dir"
	rm -rf "$dir"
	$MAKE distdir distdir="$dir" DIST_GO_VENDOR=no >/dev/null
	if ! (cd "$dir" && ./configure -q --enable-sanitizers="$san" --disable-k6-plugin --enable-werror \
		--disable-introspection &&
		$MAKE check \
			G_SLICE=always-malloc \
			TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$top_srcdir/tests/tsan.supp" \
			ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0" \
			UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
			LSAN_OPTIONS="suppressions=$top_srcdir/tests/lsan.supp"); then
		cat "$dir"/tests/*.log 2>/dev/null | tail -100
		exit 1
	fi
done
