#!/bin/bash
# Run every test of bpfspy, C unit tests and bats suites alike, and print
# one summary line: "N passed, N failed, N skipped".
#
# Environment: BUILDDIR (default: .), SRCDIR (default: the tree holding this
# script), BATS (default: bats).  Exits 1 when any test failed or a suite
# died without reporting.
#
# TESTS (default: all) picks suites by name or name prefix, space-separated:
#   TESTS=bats/trace.bats   TESTS="unit/decode_test bats/cli"   TESTS=unit
# Names are those of the summary lines (unit/X_test, fuzz/fuzz_decode,
# fuzz/fuzz_read, layering, bats/X.bats).  BATS_FILTER=REGEX runs only the
# bats tests whose name matches (bats --filter).  `make check` passes both.
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BUILDDIR=${BUILDDIR:-$PWD}
BATS=${BATS:-bats}
export SRCDIR BUILDDIR

passed=0 failed=0 skipped=0 ran=0
logdir=$BUILDDIR/tests/logs
mkdir -p "$logdir"
# The bats suites copy the traces they made here for the schema suite.
export BPFSPY_TRACE_ARCHIVE=$logdir/traces
rm -rf "$BPFSPY_TRACE_ARCHIVE"

# True when suite $1 is selected by TESTS (everything when TESTS is empty).
selected() {
	local t
	[ -z "${TESTS:-}" ] && return 0
	for t in $TESTS; do
		case $1 in "$t" | "$t".bats | "$t"*) return 0 ;; esac
	done
	return 1
}

# Tally one TAP stream (file $1) produced by suite $2 that exited with $3.
tally() {
	local tap=$1 name=$2 rc=$3 p f s
	p=$(grep -cE '^ok [0-9]+' "$tap" | head -1)
	s=$(grep -cE '^ok [0-9]+.*# [Ss][Kk][Ii][Pp]' "$tap" | head -1)
	f=$(grep -cE '^not ok [0-9]+' "$tap" | head -1)
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited $rc without reporting a failure" >>"$tap"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s)) ran=$((ran + 1))
	printf '%-40s %3d passed, %d failed, %d skipped\n' "$name" "$p" "$f" "$s"
	grep -E '^not ok|# [Ss][Kk][Ii][Pp]' "$tap" | sed 's/^/    /'
}

for t in "$BUILDDIR"/tests/unit/*_test; do
	[ -x "$t" ] || continue
	name=unit/$(basename "$t")
	selected "$name" || continue
	log=$logdir/$(basename "$t").tap
	"$t" >"$log" 2>"$log.err"
	tally "$log" "$name" $?
done

# The libFuzzer harnesses, each for a bounded time: the decoders
# (BPFSPY_FUZZ_SECONDS, default 30; 0 skips both) and the trace readers
# (half as long: their inputs cost more each).
fuzz_secs=${BPFSPY_FUZZ_SECONDS:-30}
if [ "$fuzz_secs" -gt 0 ] && [ -f "$SRCDIR/tests/fuzz/run-fuzz.sh" ]; then
	for target in decode read; do
		selected "fuzz/fuzz_$target" || continue
		secs=$fuzz_secs
		[ "$target" = read ] && secs=$(((fuzz_secs + 1) / 2))
		log=$logdir/fuzz_$target.tap
		sh "$SRCDIR/tests/fuzz/run-fuzz.sh" "$secs" "$target" >"$log" 2>&1
		tally "$log" "fuzz/fuzz_$target" $?
	done
fi

# The include rules between the layers of decoders/ (HACKING.md).
if selected layering; then
	log=$logdir/layering.tap
	sh "$SRCDIR/tests/layering.sh" "$SRCDIR" >"$log" 2>&1
	tally "$log" layering $?
fi

if command -v "$BATS" >/dev/null 2>&1; then
	for b in "$SRCDIR"/tests/bats/*.bats; do
		[ -f "$b" ] || continue
		name=bats/$(basename "$b")
		selected "$name" || continue
		log=$logdir/$(basename "$b" .bats).tap
		"$BATS" --tap ${BATS_FILTER:+--filter "$BATS_FILTER"} "$b" >"$log" 2>&1
		tally "$log" "$name" $?
	done
else
	echo "bats not found: the CLI suites did not run" >&2
	failed=$((failed + 1))
fi

# Every trace the suites made, against the trace format's JSON Schema, and
# one JSON type per key across them.
if selected schema; then
	log=$logdir/schema.tap
	if [ -x /usr/bin/python3 ]; then
		/usr/bin/python3 "$SRCDIR/tests/validate-traces.py" \
			"$SRCDIR/man/bpfspy-trace.schema.json" "$BPFSPY_TRACE_ARCHIVE" >"$log" 2>&1
	else
		echo "1..1" >"$log"
		echo "ok 1 - schema # SKIP /usr/bin/python3 is not installed" >>"$log"
	fi
	tally "$log" schema $?
fi

if [ "$ran" -eq 0 ]; then
	echo "run-tests.sh: no suite matches TESTS='${TESTS:-}'" >&2
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
