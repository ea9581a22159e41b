#!/bin/sh
# Runs the unit tests (cmocka, TAP output) and the end-to-end tests, then
# prints one line "N passed, M failed".  Usage: tests/run.sh BUILD [unit|e2e]
BUILD=${1:-build}
WHAT=${2:-all}
pass=0
fail=0
tmp=$(mktemp)

if [ "$WHAT" != e2e ]; then
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$tmp" 2>&1
		rc=$?
		p=$(grep -c '^ok ' "$tmp")
		f=$(grep -c '^not ok ' "$tmp")
		# A crash or sanitizer report fails the binary even if TAP said ok.
		if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
		if [ "$f" -ne 0 ]; then
			cat "$tmp"
			echo "FAIL unit $(basename "$t") (exit $rc)"
		else
			echo "ok   unit $(basename "$t"): $p tests"
		fi
		pass=$((pass + p))
		fail=$((fail + f))
	done
fi

if [ "$WHAT" != unit ]; then
	python3 tests/e2e/run.py --build "$BUILD" | tee "$tmp"
	line=$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed' "$tmp" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL e2e runner did not finish"
		fail=$((fail + 1))
	else
		p=$(echo "$line" | sed -E 's/^e2e: ([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
		pass=$((pass + p))
		fail=$((fail + f))
	fi
fi

rm -f "$tmp"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
