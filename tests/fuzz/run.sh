#!/bin/sh
# Runs every fuzz target BUILD/fuzz/fuzz_<name> for SECONDS seconds on its
# seed corpus tests/fuzz/corpus/<name> (read only) and a working corpus in
# BUILD/fuzz/corpus/<name>; prints one line per target with its executions
# and exits non-zero if any target found a crash, a leak or a timeout (the
# input is then in BUILD/fuzz/<name>-crash-*: add it to
# tests/fuzz/corpus/<name>/ once fixed, the unit test test_fuzz_replay
# replays it from then on).  A slow input is a failure too: one run over
# FUZZ_TIMEOUT seconds is reported as a timeout with its input.  The
# default is 5: libFuzzer's alarm counts wall time, not CPU, and on a
# loaded 2-core machine a 60-byte YMCS answer that takes 1 ms once timed
# out at 1 s.  Five seconds still catches hangs and runaway parsing (the
# inputs are at most a few KiB; our target is 50 ms of CPU per vendor
# answer without sanitizers).  Usage: tests/fuzz/run.sh BUILD SECONDS
BUILD=${1:-build-fuzz}
SECONDS_EACH=${2:-60}
TIMEOUT=${FUZZ_TIMEOUT:-5}
fail=0

for bin in "$BUILD"/fuzz/fuzz_*; do
	case "$bin" in *.d|*.log) continue ;; esac
	[ -x "$bin" ] || continue
	name=${bin##*/fuzz_}
	work="$BUILD/fuzz/corpus/$name"
	log="$BUILD/fuzz/$name.log"
	mkdir -p "$work"
	"$bin" -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$BUILD/fuzz/$name-" \
		"$work" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ $rc -ne 0 ]; then
		tail -n 60 "$log"
		echo "FAIL fuzz $name: ${execs:-?} executions, exit $rc (see $log)"
		fail=1
	else
		echo "ok   fuzz $name: ${execs:-?} executions in ${SECONDS_EACH} s"
	fi
done
[ $fail -eq 0 ]
