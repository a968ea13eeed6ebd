#!/bin/bash
# trace-bench.sh - bpfspy report and diff on large generated traces, next
# to bare json-c tokenizing of the same bytes.
#
# usage: BUILDDIR=/path/to/build bash bench/trace-bench.sh   (or: make bench-read)
#
# Knobs (env): REPORT_MB=1024 (the report trace), DIFF_MB=100 (each diff
# trace), PROCS="30000 100000" (traces of that many one-event processes,
# for per-process memory; empty skips them), ONLY_PROCS=1 (only those),
# DIR=/tmp (where the traces go; they are removed at the end, KEEP=1 keeps
# them).  Needs GNU time (/usr/bin/time) for peak memory.
set -u -o pipefail
export LC_ALL=C

REPORT_MB=${REPORT_MB:-1024}
PROCS=${PROCS-30000 100000}
DIFF_MB=${DIFF_MB:-100}
DIR=${DIR:-/tmp}
here=$(cd "$(dirname "$0")" && pwd)
BUILDDIR=${BUILDDIR:-$(cd "$here/.." && pwd)}
GEN=$BUILDDIR/bench/trace_bench
BPFSPY=$BUILDDIR/src/bpfspy
for f in "$GEN" "$BPFSPY" /usr/bin/time; do
	[ -x "$f" ] || { echo "trace-bench: $f is missing (make bench/trace_bench src/bpfspy)" >&2; exit 1; }
done

tmp=$(mktemp -d "$DIR/bpfspy-trace-bench.XXXXXX") || exit 1
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT

# measure NAME CMD...: "SECONDS PEAK_KB" (wall time, max RSS).
measure() {
	local name=$1 out
	shift
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err"
	local st=$?
	[ "$st" -le 1 ] || { echo "$name failed ($st): $(head -3 "$tmp/err")" >&2; return 1; }
	# GNU time puts "Command exited with non-zero status 1" first (diff)
	read -r secs kb < <(tail -1 "$tmp/time")
	echo "$secs $kb"
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "# build: $BUILDDIR; cpus: $(nproc); json-c $(pkg-config --modversion json-c 2>/dev/null)"

# --- many short processes: memory per process -------------------------------------
# report keeps a few hundred bytes per process, diff ~40 bytes per event
# plus its process; both look processes up by hash (bpfspy(1), READING
# TRACES).
for n in $PROCS; do
	pa=$tmp/procs-a.jsonl pb=$tmp/procs-b.jsonl
	"$GEN" procs "$pa" "$n" 0 && "$GEN" procs "$pb" "$n" 1 || exit 1
	cat "$pa" "$pb" >/dev/null
	read -r rsec rkb < <(measure report "$BPFSPY" report "$pa") || exit 1
	read -r dsec dkb < <(measure diff "$BPFSPY" diff "$pa" "$pb") || exit 1
	read -r jsec jkb < <(measure diff-json "$BPFSPY" diff --json "$pa" "$pb") || exit 1
	echo "$n one-event processes ($(($(stat -c %s "$pa") / 1048576)) MiB):" \
		"report $rsec s, $(mib "$rkb") MiB peak;" \
		"diff $dsec s, $(mib "$dkb") MiB peak;" \
		"diff --json $jsec s, $(mib "$jkb") MiB peak"
	rm -f "$pa" "$pb"
done
[ "${ONLY_PROCS:-0}" = 1 ] && exit 0

# --- report over one large trace -------------------------------------------------
big=$tmp/big.jsonl
"$GEN" gen "$big" "$REPORT_MB" 1 0 2>/dev/null || exit 1
bytes=$(stat -c %s "$big")
lines=$(wc -l <"$big")
cat "$big" >/dev/null   # page cache: both sides read from memory
read -r tsec tkb < <(measure tokenize "$GEN" tokenize "$big") || exit 1
read -r rsec rkb < <(measure report "$BPFSPY" report --json "$big") || exit 1
echo "trace: $((bytes / 1048576)) MiB, $lines lines"
echo "tokenize (bare json-c): $tsec s, $(mbps "$bytes" "$tsec") MB/s, $(mib "$tkb") MiB peak"
echo "report: $rsec s, $(mbps "$bytes" "$rsec") MB/s ($(ratio "$tsec" "$rsec")x json-c), $(mib "$rkb") MiB peak"
rm -f "$big"

# --- diff of two traces -------------------------------------------------------------
a=$tmp/a.jsonl b=$tmp/b.jsonl
"$GEN" gen "$a" "$DIFF_MB" 2 0 2>/dev/null && "$GEN" gen "$b" "$DIFF_MB" 2 1 2>/dev/null || exit 1
cat "$a" "$b" >/dev/null
read -r psec pkb < <(measure tokenize "$GEN" tokenize "$a" "$b") || exit 1
read -r dsec dkb < <(measure diff "$BPFSPY" diff --json "$a" "$b") || exit 1
read -r esec ekb < <(measure diff-same "$BPFSPY" diff "$a" "$a") || exit 1
echo "diff traces: 2 x $((($(stat -c %s "$a") + 1048575) / 1048576)) MiB"
echo "parse both (bare json-c): $psec s"
echo "diff (one change in 10000 calls): $dsec s ($(ratio "$dsec" "$psec")x parsing), $(mib "$dkb") MiB peak"
echo "diff (equivalent): $esec s ($(ratio "$esec" "$psec")x parsing), $(mib "$ekb") MiB peak"
