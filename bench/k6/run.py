#!/usr/bin/env python3
"""bench/k6/run.py: the k6 benchmark of k6/x/kv (make bench-k6).

Runs every row of bench/k6/README.md as its own k6 process, in its own
temporary directory, and prints one table. See the README for the rows, the
columns and how they are measured.

Environment:
  K6                  the k6 binary with k6/x/kv to measure (default: the
                      build tree's k6-plugin/k6-kv)
  BASELINE_K6         another k6 binary with k6/x/kv (e.g. the original Go
                      xk6-kv): every row runs A B A B... with K6 and it
  BENCH_K6_PAIRS      A/B pairs per row with BASELINE_K6 (default 2)
  BENCH_K6_REPS       runs per row without BASELINE_K6 (default 1)
  BENCH_K6_DURATION   length of the timed rows (default 10s; quick: 2s)
  BENCH_K6_QUICK=1    smoke test: 2s rows and 10x smaller data sets
  BENCH_K6_ROWS       only rows whose id matches this regular expression
  BENCH_K6_TMPDIR     where the per-run store directories go (default
                      $TMPDIR or /tmp; durable rows need a real disk there)
  BENCH_K6_JSON       also write every run's raw numbers to this file
  BENCH_K6_KEEP=1     keep the temporary directory (k6 logs, summaries)
Needs python3 (standard library only) and Linux /proc.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLK_TCK = os.sysconf("SC_CLK_TCK")


def env(name, default=""):
    v = os.environ.get(name, "")
    return v if v != "" else default


QUICK = env("BENCH_K6_QUICK", "0") not in ("0", "no", "false")
DURATION = env("BENCH_K6_DURATION", "2s" if QUICK else "10s")
SCALE = 10 if QUICK else 1


def size(n):
    n //= SCALE
    if n >= 1000000 and n % 1000000 == 0:
        return n, f"{n // 1000000}M"
    if n >= 1000 and n % 1000 == 0:
        return n, f"{n // 1000}k"
    return n, str(n)


def rows():
    """(id, label, script, env, kind); kind: "timed" or iterations count."""
    out = [
        ("empty", "empty iteration (no kv)", "noop.js", {"BENCH_MODE": "empty"}, "timed"),
        ("null", "async iteration: await null", "noop.js", {"BENCH_MODE": "null"}, "timed"),
        # k6's own cost of 64 VUs (more runtimes, more heap for the GC), for mix-64.
        ("null-64", "async iteration: await null, 64 VU", "noop.js", {"BENCH_MODE": "null", "BENCH_VUS": 64}, "timed"),
    ]
    out.append(("mix-floor", "the mix-1 script with `await null` for each call (no kv)",
                "memory-mix.js", {"BENCH_VUS": 1, "BENCH_KEYS": 10000, "BENCH_MODE": "floor"}, "timed"))
    for vus in (1, 64):
        out.append((f"mix-{vus}", f"memory get/set/incrementBy 60/30/10, 10k keys, {vus} VU",
                    "memory-mix.js", {"BENCH_VUS": vus, "BENCH_KEYS": 10000}, "timed"))
    for vus in (1, 8, 64):
        out.append((f"disk-set-{vus}", f"disk durable set 100 B, {vus} VU",
                    "disk-set.js", {"BENCH_VUS": vus}, "timed"))
    for track in ("true", "false"):
        t = "on" if track == "true" else "off"
        out.append((f"queue-track-{t}", f"disk queue claimRandom+completeClaim+set, trackKeys {t}, 64 VU",
                    "worker-queue.js", {"BENCH_VUS": 64, "BENCH_TRACK_KEYS": track, "BENCH_JOBS": 1000}, "timed"))
    n, s = size(1000000)
    out.append(("random-key", f"memory randomKey({{prefix}}), {s} tracked keys, 16 VU",
                "random-key.js", {"BENCH_VUS": 16, "BENCH_KEYS": n}, "timed"))
    for total in (100000, 1000000):
        n, s = size(total)
        out.append((f"set-many-{s}", f"memory setMany {s} keys, chunks of 1000, 1 VU",
                    "bulk-set-many.js", {"BENCH_KEYS": n, "BENCH_CHUNK": 1000}, n // 1000))
    n, s = size(100000)
    out.append(("scan", f"memory scan {s} untracked keys, pages of 1000, 1 VU",
                "scan.js", {"BENCH_KEYS": n, "BENCH_PAGE": 1000}, "timed"))
    return out


def cpu_seconds(pid):
    """user+sys CPU time of a running process (all its threads), from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def run_once(k6, row, workdir):
    rid, _label, script, renv, kind = row
    os.makedirs(workdir)
    summary = os.path.join(workdir, "summary.json")
    e = dict(os.environ)
    e["K6_NO_USAGE_REPORT"] = "true"
    e["BENCH_SUMMARY"] = summary
    e["BENCH_PATH"] = os.path.join(workdir, "store.kv")
    for k, v in renv.items():
        e[k] = str(v)
    if kind == "timed":
        e["BENCH_DURATION"] = DURATION
        e.pop("BENCH_ITERATIONS", None)
    else:
        e["BENCH_ITERATIONS"] = str(kind)
    cmd = [k6, "run", "--quiet", "--no-color", os.path.join(HERE, script)]
    log_path = os.path.join(workdir, "k6.log")
    marks = {}
    t_begin = time.monotonic()
    with open(log_path, "w") as log:
        p = subprocess.Popen(cmd, cwd=workdir, env=e, stdin=subprocess.DEVNULL,
                             stdout=log, stderr=subprocess.PIPE, text=True, errors="replace")
        for line in p.stderr:
            m = re.search(r"BENCH_MARK (start|end)", line)
            if m:
                # k6 pauses after printing a marker; sample right away.
                marks[m.group(1)] = (time.monotonic(), cpu_seconds(p.pid))
            log.write(line)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    wall_total = time.monotonic() - t_begin
    if p.returncode != 0 or "start" not in marks or "end" not in marks or not os.path.exists(summary):
        with open(log_path) as f:
            tail = f.readlines()[-30:]
        sys.stderr.write("".join(tail))
        raise SystemExit(f"bench-k6: {rid} failed with {k6} (exit {p.returncode}); log in {log_path}")
    with open(summary) as f:
        m = json.load(f)["metrics"]

    def metric(name):
        return m.get(name, {}).get("values", m.get(name, {}))

    iters = metric("iterations").get("count", 0)
    dur = metric("iteration_duration{scenario:bench}")
    # The iterations' wall time as k6 saw it (end of setup() to start of
    # teardown(), Date.now() in the script); the runner's own clock minus the
    # marker pause where a script did not report it.
    wms = metric("bench_window_ms").get("count")
    window = wms / 1000 if wms else marks["end"][0] - marks["start"][0] - 0.25
    cpu = marks["end"][1] - marks["start"][1]
    keys = metric("bench_keys").get("count")
    batches = metric("bench_commit_batches").get("count")
    ops = metric("bench_commit_ops").get("count")
    empty = metric("bench_empty").get("count", 0)
    return {
        "row": rid, "k6": k6, "iterations": iters, "window_s": window, "cpu_s": cpu,
        "iter_per_s": iters / window if window > 0 else 0.0,
        "keys_per_s": (keys / window) if keys is not None and window > 0 else None,
        "p50_us": dur.get("med", 0) * 1000, "p95_us": dur.get("p(95)", 0) * 1000,
        "p99_us": dur.get("p(99)", 0) * 1000,
        "cpu_us_per_iter": cpu / iters * 1e6 if iters else None,
        "commits_per_fsync": (ops / batches) if batches else None,
        "empty_claims": empty,
        "process_cpu_s": ru.ru_utime + ru.ru_stime, "process_wall_s": wall_total,
    }


def med(runs, key):
    vals = [r[key] for r in runs if r[key] is not None]
    return statistics.median(vals) if vals else None


def fmt(v, unit=""):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:,.0f}{unit}"
    if abs(v) >= 10:
        return f"{v:.1f}{unit}"
    return f"{v:.2f}{unit}"


def spread(runs, key):
    vals = [r[key] for r in runs if r[key] is not None]
    if not vals:
        return "-"
    s = fmt(statistics.median(vals))
    if len(vals) > 1:
        s += f" ({fmt(min(vals))}-{fmt(max(vals))})"
    return s


def main():
    k6 = os.path.abspath(env("K6", os.path.join(HERE, "..", "..", "k6-plugin", "k6-kv")))
    base = env("BASELINE_K6")
    base = os.path.abspath(base) if base else None
    for b in [k6] + ([base] if base else []):
        if not os.access(b, os.X_OK):
            raise SystemExit(f"bench-k6: {b} is not an executable k6 (set K6= or BASELINE_K6=)")
    reps = int(env("BENCH_K6_PAIRS", "2")) if base else int(env("BENCH_K6_REPS", "1"))
    sel = re.compile(env("BENCH_K6_ROWS", "."))
    todo = [r for r in rows() if sel.search(r[0])]
    if not any(r[0] == "null" for r in todo):
        todo.insert(0, next(r for r in rows() if r[0] == "null"))  # the CPU reference
    binaries = [("ours", k6)] + ([("base", base)] if base else [])

    tmp_root = env("BENCH_K6_TMPDIR", env("TMPDIR", "/tmp"))
    tmp = tempfile.mkdtemp(prefix="kv-bench-k6-", dir=tmp_root)
    fstype = subprocess.run(["stat", "-f", "-c", "%T", tmp], capture_output=True, text=True).stdout.strip()
    t0 = time.monotonic()
    load0 = os.getloadavg()[0]
    print(f"bench-k6: ours={k6}" + (f" baseline={base}" if base else ""), flush=True)
    print(f"bench-k6: timed rows {DURATION}, {reps} {'A/B pair(s)' if base else 'run(s)'} per row"
          f"{', QUICK' if QUICK else ''}; stores in {tmp} ({fstype}); {os.cpu_count()} CPUs", flush=True)
    results = {}  # (row id, tag) -> [run]
    try:
        for row in todo:
            for rep in range(reps):
                for tag, binary in binaries:
                    r = run_once(binary, row, os.path.join(tmp, f"{row[0]}-{tag}-{rep}"))
                    results.setdefault((row[0], tag), []).append(r)
                    print(f"  {row[0]:<16} {tag} #{rep + 1}: {r['iter_per_s']:,.0f} it/s "
                          f"({r['iterations']} it in {r['window_s']:.2f}s; process {r['process_wall_s']:.1f}s)",
                          file=sys.stderr, flush=True)
    finally:
        if env("BENCH_K6_KEEP", "0") in ("0", ""):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"bench-k6: kept {tmp}", file=sys.stderr)

    null_cpu = {tag: med(results[("null", tag)], "cpu_us_per_iter") for tag, _ in binaries}
    head = ["row", "k6", "iter/s", "keys/s", "p50 µs", "p95 µs", "p99 µs", "CPU µs/iter", "CPU/null",
            "commits/fsync"]
    if base:
        head.append("ours/base")
    table = []
    for row in todo:
        ours_ips = med(results[(row[0], "ours")], "iter_per_s")
        for tag, _ in binaries:
            runs = results[(row[0], tag)]
            cpu = med(runs, "cpu_us_per_iter")
            line = [row[0] if tag == "ours" else "", tag, spread(runs, "iter_per_s"), spread(runs, "keys_per_s"),
                    fmt(med(runs, "p50_us")), fmt(med(runs, "p95_us")), fmt(med(runs, "p99_us")), fmt(cpu),
                    fmt(cpu / null_cpu[tag]) if cpu and null_cpu[tag] else "-",
                    fmt(med(runs, "commits_per_fsync"))]
            if base:
                b = med(results[(row[0], "base")], "iter_per_s")
                line.append(f"{ours_ips / b:.2f}" if tag == "ours" and b else "")
            table.append(line)
            if sum(r["empty_claims"] for r in runs):
                print(f"bench-k6: warning: {row[0]} ({tag}) found the pool empty "
                      f"{sum(r['empty_claims'] for r in runs)} times", file=sys.stderr)
    if not base:
        head.pop(1)
        table = [line[:1] + line[2:] for line in table]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *table)]
    print()
    for row in todo:
        print(f"  {row[0]:<16} {row[1]}")
    print()
    for i, line in enumerate([head] + table):
        print("  ".join(str(x).ljust(w) if j == 0 or (base and j == 1) else str(x).rjust(w)
                        for j, (x, w) in enumerate(zip(line, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    load1 = os.getloadavg()[0]
    busy = " (above the CPU count: something else was running)" if max(load0, load1) > os.cpu_count() else ""
    print(f"\nbench-k6: total wall time {time.monotonic() - t0:.0f}s; load average at start {load0:.1f}, "
          f"at end {load1:.1f}{busy}")
    out = env("BENCH_K6_JSON")
    if out:
        with open(out, "w") as f:
            json.dump([r for runs in results.values() for r in runs], f, indent=1)


if __name__ == "__main__":
    main()
