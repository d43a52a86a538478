#!/bin/sh
# run-fuzzers.sh BUILDDIR SEEDS SECONDS TARGET... — `make fuzz`: runs each harness
# BUILDDIR/fuzz-TARGET for SECONDS on one worker, one after the other, starting from the
# seed corpus SEEDS/TARGET. New inputs go to BUILDDIR/corpus/TARGET, crashing inputs to
# BUILDDIR/artifacts/TARGET/, the output to BUILDDIR/fuzz-TARGET.log (never the source tree).
# Prints the executions and the outcome per harness; fails if any harness crashed.
# FUZZ_TIMEOUT (seconds per input, default 10) and FUZZ_RSS_MB (default 2048) override the limits;
# FUZZ_ARGS adds libFuzzer options (e.g. "-fork=1 -ignore_crashes=1" to go on past crashes).
set -u
builddir=$1 seeds=$2 seconds=$3
shift 3
crashed=
for t in "$@"; do
  work=$builddir/corpus/$t
  artifacts=$builddir/artifacts/$t
  log=$builddir/fuzz-$t.log
  mkdir -p "$work" "$artifacts"
  # Inputs saved before this run: with -ignore_crashes libFuzzer exits 0 after crashes.
  saved_before=$(ls "$artifacts" | wc -l)
  "$builddir/fuzz-$t" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" \
    -rss_limit_mb="${FUZZ_RSS_MB:-2048}" -print_final_stats=1 -artifact_prefix="$artifacts/" \
    ${FUZZ_ARGS:-} "$work" "$seeds/$t" >"$log" 2>&1
  rc=$?
  # The final stats when it ran to the end; else the last status line (#N ...).
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
  saved=$(($(ls "$artifacts" | wc -l) - saved_before))
  if [ "$rc" -eq 0 ] && [ "$saved" -eq 0 ]; then
    echo "fuzz-$t: ${execs:-?} executions in ${seconds}s, no crash"
  elif [ "$rc" -eq 0 ]; then
    echo "fuzz-$t: ${execs:-?} executions in ${seconds}s, $saved crashing input(s) saved in $artifacts/; see $log"
    crashed="$crashed $t"
  else
    input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    [ -n "$input" ] || [ "$saved" -eq 0 ] || input="$saved input(s) in $artifacts/"
    echo "fuzz-$t: CRASHED after ${execs:-?} executions (exit $rc): ${input:-no input saved}; see $log"
    grep -m 3 -e 'FUZZ PROPERTY FAILED' -e '^==[0-9]*==ERROR' -e 'runtime error:' -e 'deadly signal' \
      -e 'libFuzzer: timeout' -e 'out-of-memory' "$log" | sed 's/^/  /'
    crashed="$crashed $t"
  fi
done
if [ -n "$crashed" ]; then
  echo "make fuzz: crashed or broke a property:$crashed"
  exit 1
fi
echo "make fuzz: every harness ran ${seconds}s without a crash"
