#!/bin/sh
# Durable set() throughput on the disk backend with 1, 8 and 64 concurrent
# writers, with group commit (the default) and without (LIBKV_LMDB_BATCH_MAX=1).
# Every set returns only after its commit is fsynced in both cases.
set -eu
bench=${BENCH_STORE:-$(dirname "$0")/bench-store}
seconds=${BENCH_SECONDS:-3}
dir=$(mktemp -d "${TMPDIR:-/tmp}/kv-bench-XXXXXX")
trap 'rm -rf "$dir"' EXIT
for batch in 512 1; do
  for threads in 1 8 64; do
    rm -f "$dir"/store.kv*
    printf 'group-commit=%-3s ' "$([ "$batch" = 1 ] && echo off || echo on)"
    LIBKV_LMDB_BATCH_MAX=$batch "$bench" --op=set --threads="$threads" --seconds="$seconds" \
      --keys=10000 --options="{\"backend\":\"disk\",\"path\":\"$dir/store.kv\"}" | tail -n 1
  done
done
