#!/bin/sh
# make-seeds.sh KV_ADMIN — regenerates the binary seeds: a small store file
# (fuzz/corpus/store-file/) and snapshots of it (fuzz/corpus/snapshot/), with kv-admin.
# Snapshot seeds start with the harness's mode byte: 0 = the file as written
# (trailer included), 1 = the LMDB part only (the harness appends the trailer).
# Run from the source tree: fuzz/make-seeds.sh tools/kv-admin
set -eu
admin=${1:-tools/kv-admin}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
corpus=$(dirname "$0")/corpus

printf '%s\n' '{"key":"user:1","value":{"name":"Alice","n":1}}' \
  '{"key":"user:2","value":[1,2.5,null,true]}' '{"key":"job:a","value":"text"}' >"$dir/data.jsonl"
"$admin" import "$dir/s.kv" "$dir/data.jsonl" --no-progress >/dev/null
"$admin" backup "$dir/s.kv" "$dir/s.kvs" --no-progress >/dev/null
# A string-serialization store.
printf '%s\n' '{"key":"k","value":"v"}' >"$dir/str.jsonl"
"$admin" import "$dir/str.kv" "$dir/str.jsonl" --options='{"serialization":"string"}' \
  --no-progress >/dev/null
"$admin" backup "$dir/str.kv" "$dir/str.kvs" --options='{"serialization":"string"}' \
  --no-progress >/dev/null

{ printf '\000'; cat "$dir/s.kvs"; } >"$corpus/snapshot/mode0-snapshot"
size=$(($(wc -c <"$dir/s.kvs") - 64))
{ printf '\001'; head -c "$size" "$dir/s.kvs"; } >"$corpus/snapshot/mode1-lmdb"
{ printf '\000'; cat "$dir/str.kvs"; } >"$corpus/snapshot/mode0-string"
{ printf '\001'; cat "$dir/s.kv"; } >"$corpus/snapshot/mode1-store-file"
ls -l "$corpus/store-file" "$corpus/snapshot"
