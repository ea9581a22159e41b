#!/bin/sh
# Runs the unit tests (cmocka, TAP output) and the end-to-end tests, then
# prints one line "N passed, M failed".  Usage: tests/run.sh BUILD [unit|e2e]
# With both, the unit tests run while the end-to-end tests do (these
# mostly wait on their servers); their report follows.
BUILD=${1:-build}
WHAT=${2:-all}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# unit_tests: runs every unit test binary, one line each, then the line
# "unit: N passed, M failed".
unit_tests() {
	p_all=0
	f_all=0
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$tmp/tap" 2>&1
		rc=$?
		p=$(grep -c '^ok ' "$tmp/tap")
		f=$(grep -c '^not ok ' "$tmp/tap")
		# A crash or sanitizer report fails the binary even if TAP said ok.
		if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
		if [ "$f" -ne 0 ]; then
			cat "$tmp/tap"
			echo "FAIL unit $(basename "$t") (exit $rc)"
		else
			echo "ok   unit $(basename "$t"): $p tests"
		fi
		p_all=$((p_all + p))
		f_all=$((f_all + f))
	done
	echo "unit: $p_all passed, $f_all failed"
}

# add FILE WHAT: adds the counts of FILE's last "WHAT: N passed, M failed"
# line to pass and fail; a missing line is one failure.
add() {
	line=$(grep -E "^$2: [0-9]+ passed, [0-9]+ failed" "$1" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $2 runner did not finish"
		fail=$((fail + 1))
		return
	fi
	p=$(echo "$line" | sed -E 's/^[a-z0-9]+: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	pass=$((pass + p))
	fail=$((fail + f))
}

case $WHAT in
unit) unit_tests | tee "$tmp/unit" ;;
all) unit_tests >"$tmp/unit" 2>&1 & unit_pid=$! ;;
esac

if [ "$WHAT" != unit ]; then
	python3 tests/e2e/run.py --build "$BUILD" | tee "$tmp/e2e"
	add "$tmp/e2e" e2e
fi
if [ "$WHAT" = all ]; then
	wait $unit_pid
	cat "$tmp/unit"
fi
[ "$WHAT" = e2e ] || add "$tmp/unit" unit

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
