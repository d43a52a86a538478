#!/bin/sh
# test-damage-sweep.sh — the small, fixed-seed damage sweep (D9, D23 of the
# hostile-testing report): 64 meta-page and 200 random single-byte flips of a
# 500 KiB store, and the crafted snapshots in tests/data, through kv-admin
# verify, restore and list. No run may die of a signal, and none may crash
# the child process that kv-admin and verify run LMDB in: the preflight and
# the page check (kv-lmdb-check.c) refuse every damaged file first. The full sweep (every
# meta-page byte, 2000 random offsets) is `tests/damage-sweep.py` by hand.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

srcdir=${top_srcdir:-.}
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 is not installed"
	exit 0
fi
exec python3 "$srcdir/tests/damage-sweep.py" --tap --no-contained --random 200 --meta 64 --seed 7 --jobs 2 \
	--inputs "$srcdir"/tests/data/crafted-snapshot-*.kvs
