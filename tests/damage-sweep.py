#!/usr/bin/env python3
"""damage-sweep.py — measures what kv-admin does with damaged store files.

Builds a store of about 500 KiB (3000 entries), then for each offset tried
XORs that one byte with 0xFF in a copy and runs `kv-admin verify`,
`kv-admin restore` (into a scratch store) and `kv-admin list` on it. Every
run must end with exit 0, or exit 1/2 with one line on stderr; a run killed
by a signal (SIGSEGV, SIGBUS, ...) or one that does not finish is a crash.
Prints a table per command and fails (exit 1) on any crash.

The offsets: every byte of the two meta pages (2 x page size) plus N random
offsets past them (fixed seed). Also runs the three commands on every file
given with --inputs (crafted snapshots, tests/data/crafted-snapshot-*.kvs).

  tests/damage-sweep.py --random 2000 --jobs 4   # the full sweep, by hand
  tests/damage-sweep.py --random 200 --meta 64   # the small one `make check` runs
  KV_ADMIN=/usr/bin/kv-admin tests/damage-sweep.py

With --tap it speaks TAP (one test per command and input set) for Automake.

SPDX-License-Identifier: LGPL-2.1-or-later
"""
import argparse
import collections
import concurrent.futures
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile

COMMANDS = ("verify", "restore", "list")


def run(kv_admin, args, timeout):
    try:
        p = subprocess.run([kv_admin] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return "crash", "timeout"
    if p.returncode < 0:
        return "crash", signal.Signals(-p.returncode).name
    lines = p.stderr.decode("utf-8", "replace").strip().splitlines()
    if p.returncode == 0:
        return "ok", ""
    # In a sanitizer build the worker's runtime reports a bad read of a
    # damaged page itself (AddressSanitizer: "unknown-crash" in memcpy) before
    # it aborts; what kv-admin says is still its one line after that report.
    if len(lines) > 1 and any("Sanitizer" in line for line in lines[:-1]) and \
            "crashed kv-admin's worker" in lines[-1]:
        lines = lines[-1:]
    if p.returncode in (1, 2) and len(lines) == 1:
        # A crash caught by a child process: kv-admin's worker, or the
        # page walk of verify/restore. Typed for the user, counted apart.
        if "crashed kv-admin's worker" in lines[0] or "crashed the checking process" in lines[0]:
            return "contained", lines[0]
        return "typed", lines[0]
    return "crash", "exit %d with %d stderr lines" % (p.returncode, len(lines))


def make_store(kv_admin, work, entries):
    seed = os.path.join(work, "seed.jsonl")
    with open(seed, "w") as f:
        for i in range(entries):
            f.write(json.dumps({"key": "user:%05d" % i,
                                "value": {"name": "n%d" % i, "pad": "x" * 100}}) + "\n")
    base = os.path.join(work, "base.kv")
    subprocess.run([kv_admin, "import", base, seed, "--no-progress"], check=True,
                   stdout=subprocess.DEVNULL)
    os.unlink(base + "-lock")
    return base


def try_file(kv_admin, work, path, counts, crashes, label, timeout):
    scratch = os.path.join(work, "scratch.kv")
    for cmd in COMMANDS:
        if cmd == "restore":
            for name in (scratch, scratch + "-lock"):
                if os.path.exists(name):
                    os.unlink(name)
            args = ["restore", scratch, path, "--no-progress"]
        else:
            args = [cmd, path, "--no-progress"]
        kind, detail = run(kv_admin, args, timeout)
        counts[cmd][kind] += 1
        if kind == "crash":
            crashes.append("%s %s: %s" % (cmd, label, detail))
    for name in (path + "-lock",):
        if os.path.exists(name):
            os.unlink(name)


def sweep_chunk(kv_admin, work, worker, data, offsets, timeout, progress):
    """Tries @offsets in a work directory of its own; returns (counts, crashes)."""
    wdir = os.path.join(work, "w%d" % worker)
    os.mkdir(wdir)
    counts = {c: collections.Counter() for c in COMMANDS}
    crashes = []
    damaged = os.path.join(wdir, "damaged.kv")
    for i, off in enumerate(offsets):
        if progress and worker == 0 and i % 200 == 0:
            print("… worker 0: %d of %d offsets" % (i, len(offsets)), file=sys.stderr, flush=True)
        b = bytearray(data)
        b[off] ^= 0xFF
        with open(damaged, "wb") as f:
            f.write(b)
        try_file(kv_admin, wdir, damaged, counts, crashes, "offset %d" % off, timeout)
    return counts, crashes


def table(title, counts, tried):
    out = ["%s: %d files" % (title, tried),
           "| command | tried | exit 0 | typed error (exit 1/2, one line) | of which a crash contained in a child | crashes |",
           "|---|---|---|---|---|---|"]
    for cmd in COMMANDS:
        c = counts[cmd]
        out.append("| %s | %d | %d | %d | %d | %d |" % (cmd, tried, c["ok"], c["typed"] + c["contained"],
                                                    c["contained"], c["crash"]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--random", type=int, default=2000, help="random offsets past the meta pages")
    ap.add_argument("--meta", type=int, default=-1,
                    help="meta-page offsets to try (default: every byte of both pages)")
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--entries", type=int, default=3000)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--inputs", nargs="*", default=[], help="more files to try as they are")
    ap.add_argument("--jobs", type=int, default=1, help="offsets tried at once")
    ap.add_argument("--tap", action="store_true")
    ap.add_argument("--no-contained", action="store_true",
                    help="also fail when a crash was only contained in a child process: "
                         "the checks before LMDB must refuse every damaged file themselves")
    a = ap.parse_args()

    kv_admin = os.environ.get("KV_ADMIN") or os.path.join(
        os.environ.get("top_builddir", "."), "tools", "kv-admin")
    work = tempfile.mkdtemp(prefix="damage-sweep.")
    try:
        base = make_store(kv_admin, work, a.entries)
        data = open(base, "rb").read()
        page = int.from_bytes(data[40:44], sys.byteorder) if len(data) > 44 else 4096
        rng = random.Random(a.seed)
        meta = list(range(2 * page))
        if 0 <= a.meta < len(meta):
            meta = sorted(rng.sample(meta, a.meta))
        offsets = meta + rng.sample(range(2 * page, len(data)), min(a.random, len(data) - 2 * page))

        counts = {c: collections.Counter() for c in COMMANDS}
        crashes = []
        # Each run mostly waits (for fork, exec and the page cache), so a few
        # workers shorten the wall time without much more CPU.
        chunks = [offsets[i::a.jobs] for i in range(a.jobs)]
        with concurrent.futures.ProcessPoolExecutor(a.jobs) as pool:
            jobs = [pool.submit(sweep_chunk, kv_admin, work, i, data, chunk, a.timeout, not a.tap)
                    for i, chunk in enumerate(chunks) if chunk]
            for job in jobs:
                c, cr = job.result()
                for cmd in COMMANDS:
                    counts[cmd].update(c[cmd])
                crashes += cr

        in_counts = {c: collections.Counter() for c in COMMANDS}
        for path in a.inputs:
            copy = os.path.join(work, "input.kvs")
            shutil.copyfile(path, copy)
            try_file(kv_admin, work, copy, in_counts, crashes, os.path.basename(path), a.timeout)

        lines = table("single-byte damage (XOR 0xFF) of a %d-byte store, %d meta-page + %d random offsets, seed %d"
                      % (len(data), len(meta), len(offsets) - len(meta), a.seed), counts, len(offsets))
        if a.inputs:
            lines += [""] + table("crafted inputs", in_counts, len(a.inputs))
        lines += crashes
        if a.tap:
            for line in lines:
                print("# " + line)
            n = 0
            for title, cs in (("damaged store", counts), ("crafted inputs", in_counts)):
                for cmd in COMMANDS:
                    n += 1
                    ok = cs[cmd]["crash"] == 0 and not (a.no_contained and cs[cmd]["contained"])
                    what = "no crash, not even one contained in a child," if a.no_contained else "no crash"
                    print("%s %d - %s: %s in %s" % ("ok" if ok else "not ok", n, cmd, what, title))
            print("1..%d" % n)
        else:
            print("\n".join(lines))
        return 1 if crashes else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
