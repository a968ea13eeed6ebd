#!/bin/bash
# run-bench.sh - bpfspy's overhead against native runs (and strace).
#
# usage: BUILDDIR=/path/to/build bash bench/run-bench.sh     (or: make bench)
#        ONLY="startup lookup" ...: those sections alone (names: the end of this file)
#
# Prints one line per measurement; see bench/README.md.  A missing bpfspy,
# shim, strace or bpftool only skips that column.  Knobs (env):
#   LOOKUPS=1000000 STRACE_LOOKUPS=20000 GETPPIDS=5000000
#   REPEAT=5 (runs per ns/op figure, fastest)  RUNS=20 (start-up runs, median)
#   SPAWN_RUNS=200 (interleaved start-up runs, bench/spawn_bench)
#   LIVE_SECONDS=5 LIVE_RATE=100000 (live collection: seconds per run, calls/s)
#   LIVE_INTERVAL=MS (bpfspy collect --interval for the bare-mode lines)
# shellcheck disable=SC2317  # the bench_* helpers are called through pair()
set -u -o pipefail
export LC_ALL=C		# a '.' decimal point in EPOCHREALTIME and awk

LOOKUPS=${LOOKUPS:-1000000}
STRACE_LOOKUPS=${STRACE_LOOKUPS:-20000}
GETPPIDS=${GETPPIDS:-5000000}
REPEAT=${REPEAT:-5}
RUNS=${RUNS:-20}
LIVE_SECONDS=${LIVE_SECONDS:-5}
LIVE_RATE=${LIVE_RATE:-100000}
LIVE_INTERVAL=${LIVE_INTERVAL:-}

here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${BUILDDIR:-}" ]; then
	# An in-tree build has the binary next to this script; else try $PWD.
	for d in "$here/.." "$PWD"; do
		if [ -x "$d/bench/lookup_bench" ]; then
			BUILDDIR=$(cd "$d" && pwd)
			break
		fi
	done
fi
if [ -z "${BUILDDIR:-}" ] || [ ! -x "$BUILDDIR/bench/lookup_bench" ]; then
	echo "run-bench: no bench/lookup_bench in '${BUILDDIR:-}';" \
		"build it (make bench/lookup_bench) and set BUILDDIR" >&2
	exit 1
fi

BENCH=$BUILDDIR/bench/lookup_bench
LIVE=$BUILDDIR/bench/live_bench
SPAWN=$BUILDDIR/bench/spawn_bench
BPFSPY=$BUILDDIR/src/bpfspy
PRELOAD=$BUILDDIR/preload/.libs/libbpfspy.so
LOADER=$BUILDDIR/examples/minimal_loader
STRACE=$(command -v strace || true)
BPFTOOL=$(PATH=$PATH:/usr/sbin:/sbin command -v bpftool || true)
HYPERFINE=$(command -v hyperfine || true)

tmp=$(mktemp -d /tmp/bpfspy-bench.XXXXXX) || exit 1
pin_dir=
live_dir=
watch_pid=		# the background processes of a live run, while they run
collect_pid=
cleanup() {
	local p

	for p in $watch_pid $collect_pid; do
		kill -CONT "$p" 2>/dev/null
		kill -TERM "$p" 2>/dev/null
	done
	[ -n "$pin_dir" ] && rm -rf "$pin_dir"
	[ -n "$live_dir" ] && rm -rf "$live_dir"
	rm -rf "$tmp"
}
trap cleanup EXIT

note() { echo "# $*"; }

have_bpfspy() { [ -x "$BPFSPY" ]; }

# Median of the numbers on stdin (fails when there are none).
median() {
	sort -g | awk '{ v[NR] = $1 }
		END { if (!NR) exit 1
		      if (NR % 2) print v[(NR + 1) / 2]
		      else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Smallest number on stdin: for ns/op, the run least disturbed by the host.
minimum() { sort -g | head -n1 | grep .; }

# ns_once CMD...: run CMD once, print its ns_per_op.
ns_once() {
	"$@" 2>>"$tmp/stderr" | sed -n 's/^ns_per_op=//p' | grep .
}

# ms_once CMD...: run CMD once, print its wall time in ms.
ms_once() {
	local t0=$EPOCHREALTIME t1
	"$@" >/dev/null 2>>"$tmp/stderr" || return 1
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) * 1000 }'
}

# pair ONCE AGG N FN_A [FN_B]: N alternating runs of the functions FN_A and
# FN_B (so host drift hits both alike), each measured by ONCE; prints
# "A B", each side aggregated by AGG.  B is "n/a" without FN_B and
# "failed" when it fails; a failing FN_A fails the whole pair.
pair() {
	local once=$1 agg=$2 n=$3 fa=$4 fb=${5:-} i v b=n/a
	: >"$tmp/pair.a"
	: >"$tmp/pair.b"
	for ((i = 0; i < n; i++)); do
		v=$($once "$fa") || return 1
		echo "$v" >>"$tmp/pair.a"
		[ -n "$fb" ] || continue
		if v=$($once "$fb"); then
			echo "$v" >>"$tmp/pair.b"
		else
			fb=
			b=failed
		fi
	done
	[ "$b" = failed ] || b=$($agg <"$tmp/pair.b") || b=n/a
	echo "$($agg <"$tmp/pair.a") $b"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", b / a }'; }
fmt() { awk -v x="$1" -v d="$2" 'BEGIN { printf "%.*f", d, x }'; }

# column NAME NATIVE VALUE DIGITS UNIT: ", NAME 1210 ns/op (1.41x native)".
column() {
	case $3 in
	n/a | failed) printf ', %s %s' "$1" "$3" ;;
	*) printf ', %s %s %s (%s native)' "$1" "$(fmt "$3" "$4")" "$5" \
		"$(ratio "$2" "$3")" ;;
	esac
}

# ---- (a) map lookups: native, bpfspy, strace ------------------------------
lookup_native() { "$BENCH" "$LOOKUPS"; }
# spy_run ARGS...: bpfspy run ARGS..., its stderr kept in $tmp/spy.err too
# (for lost_note).
spy_run() {
	"$BPFSPY" run "$@" 2>"$tmp/spy.err"
	local rc=$?
	cat "$tmp/spy.err" >&2
	return $rc
}
lookup_bpfspy() { spy_run -o "$tmp/lookup.jsonl" -- "$BENCH" "$LOOKUPS"; }
# "; N events lost (last run)" when the last spy_run lost events: the
# collector could not keep up, and a lost event costs the program less.
lost_note() {
	local n
	n=$(sed -n 's/^bpfspy run: \([0-9]*\) event(s) found their spool full.*/\1/p' \
		"$tmp/spy.err" 2>/dev/null | tail -n1)
	[ -n "$n" ] && printf '; %s events lost (last run)' "$n"
	return 0
}
# strace is ~200x slower: fewer ops, compared per op.
lookup_strace() {
	"$STRACE" -f -e trace=bpf -o "$tmp/strace.txt" "$BENCH" "$STRACE_LOOKUPS"
}

bench_lookup() {
	local res native spy st
	res=$(pair ns_once minimum "$REPEAT" lookup_native \
		"$(have_bpfspy && echo lookup_bpfspy)") || {
		echo "lookup: lookup_bench failed (needs root and bpf()):" \
			"$(tail -n1 "$tmp/stderr")"
		return
	}
	read -r native spy <<<"$res"
	lookup_native_ns=$native lookup_spy_ns=$spy	# for the live collector line
	st=n/a
	if [ -n "$STRACE" ]; then
		st=$(ns_once lookup_strace) || st=failed
	fi
	echo "lookup: native $(fmt "$native" 0) ns/op$(column bpfspy "$native" \
		"$spy" 0 ns/op)$(lost_note)$(column strace "$native" "$st" 0 ns/op)"
}

# ---- (a') lookups the ways loaders make them, and what one costs in all ---
# --union passes sizeof(union bpf_attr) as the size; --heap keeps attr, key
# and value in malloc()ed memory, off the stack; --libbpf calls libbpf's
# bpf_map_lookup_elem(), which bpfspy records as a libbpf event around the
# bpf event.  The bpftrace column counts the same calls from the kernel
# (tracepoint:syscalls:sys_enter_bpf), the cheapest kernel-side tracer.
lookup_union_native() { "$BENCH" --union "$LOOKUPS"; }
lookup_union_bpfspy() { spy_run -o "$tmp/lookup.jsonl" -- "$BENCH" --union "$LOOKUPS"; }
lookup_heap_native() { "$BENCH" --heap "$LOOKUPS"; }
lookup_heap_bpfspy() { spy_run -o "$tmp/lookup.jsonl" -- "$BENCH" --heap "$LOOKUPS"; }
lookup_libbpf_native() { "$BENCH" --libbpf "$LOOKUPS"; }
lookup_libbpf_bpfspy() { spy_run -o "$tmp/lookup.jsonl" -- "$BENCH" --libbpf "$LOOKUPS"; }
BPFTRACE=$(command -v bpftrace || true)

# sigint_caught PID: PID has a SIGINT handler (SigCgt's bit for signal 2).
sigint_caught() {
	local m
	m=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	[ -n "$m" ] && (((16#$m >> 1) & 1))
}

# bpftrace_once: lookups while bpftrace counts every bpf() entry.
# bpftrace prints "Attaching" before it attaches and catches SIGINT only
# once attached; until then the SIGINT of a background job of this shell
# is ignored.  Sent too early it was lost, and bpftrace counted on with
# the bench waiting for it (seen here: 10 minutes, then killed by hand).
# So the lookups start once its handler is in place, and the INT is sent
# again until it ends (KILL after 10 s: then the line is not counted).
bpftrace_once() {
	local pid i v
	# tracepoints need tracefs: mounted in a mount namespace of its own
	unshare -m sh -c 'mount -t tracefs none /sys/kernel/tracing 2>/dev/null
		exec "$@"' sh "$BPFTRACE" \
		-e 'tracepoint:syscalls:sys_enter_bpf { @calls = count(); }' \
		>"$tmp/bpftrace.out" 2>&1 &
	pid=$!
	for ((i = 0; i < 400; i++)); do
		grep -q '^Attaching' "$tmp/bpftrace.out" 2>/dev/null && sigint_caught "$pid" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	v=$("$BENCH" "$LOOKUPS")
	for ((i = 0; i < 40; i++)); do
		kill -INT "$pid" 2>/dev/null || break
		sleep 0.25
		kill -0 "$pid" 2>/dev/null || break
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# counted: the line is good (ns_once reads its ns_per_op)
	grep -q '@calls' "$tmp/bpftrace.out" && echo "$v"
}

bench_lookup_ways() {
	local res n s b=n/a
	have_bpfspy || return 0
	if res=$(pair ns_once minimum "$REPEAT" lookup_union_native lookup_union_bpfspy); then
		read -r n s <<<"$res"
		echo "lookup, size sizeof(union bpf_attr): native $(fmt "$n" 0) ns/op$(column \
			bpfspy "$n" "$s" 0 ns/op)$(lost_note)"
	fi
	if res=$(pair ns_once minimum "$REPEAT" lookup_heap_native lookup_heap_bpfspy); then
		read -r n s <<<"$res"
		echo "lookup, attr on the heap: native $(fmt "$n" 0) ns/op$(column \
			bpfspy "$n" "$s" 0 ns/op)$(lost_note)"
	fi
	if res=$(pair ns_once minimum "$REPEAT" lookup_libbpf_native lookup_libbpf_bpfspy); then
		read -r n s <<<"$res"
		echo "lookup, libbpf bpf_map_lookup_elem(): native $(fmt "$n" 0) ns/op$(column \
			"bpfspy (libbpf + bpf events)" "$n" "$s" 0 ns/op)$(lost_note)"
	else
		echo "lookup, libbpf: lookup_bench --libbpf failed: $(tail -n1 "$tmp/stderr")"
	fi
	if [ -n "$BPFTRACE" ] &&
		res=$(pair ns_once minimum 3 lookup_native bpftrace_once); then
		read -r n b <<<"$res"
	fi
	echo "lookup, kernel-side count: native $(fmt "$n" 0) ns/op$(column \
		"bpftrace (sys_enter_bpf count)" "$n" "$b" 0 ns/op)"
}

# What one traced lookup costs the machine: the CPU time of bpfspy run's
# whole tree (the program and the collector rendering into the trace)
# against the program's alone, natively; and what one event takes in the
# spool's ring (bare mode, read off the spool's header) and in the trace.
cpu_once() {
	"$LIVE" cpu "$@" 2>>"$tmp/stderr" >"$tmp/cpu.out" || return 1
	sed -n 's/.*tree_cpu_ns=\([0-9]*\).*/\1/p' "$tmp/cpu.out" | grep .
}

spool_bytes() {	# [--libbpf]: ring bytes per event of LOOKUPS lookups
	local d=$tmp/spool${1:-} f head
	rm -rf "$d"
	mkdir -m 700 "$d"
	LD_PRELOAD=$PRELOAD BPFSPY_SPOOL_DIR=$d BPFSPY_SPOOL_SIZE=1073741824 \
		"$BENCH" "$@" "$LOOKUPS" >/dev/null 2>>"$tmp/stderr" || return 1
	f=$(ls "$d"/*.spool 2>/dev/null | head -n1)
	[ -n "$f" ] || return 1
	# the header's head (bytes reserved, ever) is the u64 at offset 64
	head=$(od -An -t u8 -j 64 -N 8 "$f" | tr -d ' ')
	rm -rf "$d"
	awk -v h="$head" -v n="$(calls)" 'BEGIN { printf "%.0f", h / n }'
}

# The lookups lookup_bench makes for LOOKUPS: the loop and its warm-up.
calls() { echo $((LOOKUPS + (LOOKUPS < 10000 ? LOOKUPS : 10000))); }

bench_lookup_cpu() {
	local i v nat=() spy=() pk=() n s p bs bl jb pb
	have_bpfspy && [ -x "$LIVE" ] || return 0
	for ((i = 0; i < 3; i++)); do
		v=$(cpu_once "$BENCH" "$LOOKUPS") && nat+=("$v")
		rm -f "$tmp/cpu.jsonl" "$tmp/cpu.trace"
		v=$(cpu_once "$BPFSPY" run -o "$tmp/cpu.jsonl" -- "$BENCH" "$LOOKUPS") && spy+=("$v")
		v=$(cpu_once "$BPFSPY" run --format packed -o "$tmp/cpu.trace" -- \
			"$BENCH" "$LOOKUPS") && pk+=("$v")
	done
	n=$(printf '%s\n' "${nat[@]}" | minimum) || return 0
	s=$(printf '%s\n' "${spy[@]}" | minimum) || s=failed
	p=$(printf '%s\n' "${pk[@]}" | minimum) || p=failed
	jb=$(awk -v b="$(stat -c %s "$tmp/cpu.jsonl" 2>/dev/null || echo 0)" -v n="$(calls)" \
		'BEGIN { printf "%.0f", b / n }')
	pb=$(awk -v b="$(stat -c %s "$tmp/cpu.trace" 2>/dev/null || echo 0)" -v n="$(calls)" \
		'BEGIN { printf "%.0f", b / n }')
	rm -f "$tmp/cpu.jsonl" "$tmp/cpu.trace"
	[ "$s" = failed ] || s=$(awk -v c="$s" -v n="$(calls)" 'BEGIN { print c / n }')
	[ "$p" = failed ] || p=$(awk -v c="$p" -v n="$(calls)" 'BEGIN { print c / n }')
	n=$(awk -v c="$n" -v n="$(calls)" 'BEGIN { print c / n }')
	echo "lookup CPU (program + collector): native $(fmt "$n" 0) ns/op$(column \
		"bpfspy run" "$n" "$s" 0 ns/op)$(column "--format packed" "$n" "$p" 0 ns/op)"
	bs=$(spool_bytes) || bs=n/a
	bl=$(spool_bytes --libbpf) || bl=n/a
	echo "lookup bytes: spool ${bs} B/event (syscall), ${bl} B/lookup (libbpf: two events); trace JSON ${jb} B/event, packed ${pb} B/event"
}

# ---- (a0) the filters: calls -e trace=SET leaves out, and --summary ------
# Neither records the lookups: what they cost is the shim's test and, for
# --summary, the clock and the counters (bpfspy(1): targets 3% and 5%).
lookup_excluded() {
	"$BPFSPY" run -e 'trace=!BPF_MAP_LOOKUP_ELEM' -o "$tmp/filter.jsonl" -- "$BENCH" "$LOOKUPS"
}
lookup_summary() {
	"$BPFSPY" run --summary -o "$tmp/filter.jsonl" -- "$BENCH" "$LOOKUPS"
}

bench_filters() {
	local i v native=() ex=() sm=() n e s
	have_bpfspy || return 0
	for ((i = 0; i < REPEAT; i++)); do
		v=$(ns_once lookup_native) || {
			echo "lookup, filtered: lookup_bench failed (needs root and bpf())"
			return
		}
		native+=("$v")
		v=$(ns_once lookup_excluded) && ex+=("$v")
		v=$(ns_once lookup_summary) && sm+=("$v")
	done
	rm -f "$tmp/filter.jsonl"
	n=$(printf '%s\n' "${native[@]}" | minimum)
	e=$(printf '%s\n' "${ex[@]}" | minimum) || e=failed
	s=$(printf '%s\n' "${sm[@]}" | minimum) || s=failed
	echo "lookup, not recorded: native $(fmt "$n" 0) ns/op$(column "excluded (-e trace=!BPF_MAP_LOOKUP_ELEM)" \
		"$n" "$e" 0 ns/op)$(column "--summary" "$n" "$s" 0 ns/op)"
}

# ---- (a1) live collection: call-to-line latency, the collector's CPU ------
# live_bench load makes lookups (LIVE_RATE a second, or back to back) for
# LIVE_SECONDS under a collector: bpfspy run, or the bare shim with
# bpfspy collect.  live_bench watch follows the trace file and times each
# event line from the call's return (ts + dur_ns) to the read that saw it;
# live_bench cpu gives the collector's CPU time (bpfspy run's tree minus
# the program's own).  One run per line: percentiles over LIVE_RATE *
# LIVE_SECONDS events are stable, and the runs take long enough as it is.
lookup_native_ns=''
lookup_spy_ns=''

# Where bare-mode spools go: where bpfspy run puts its own (a tmpfs
# /dev/shm with 1 GiB free), else the bench's temporary directory.
live_spool_base() {
	local kib

	kib=$(df -P -k /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
	if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && [ -w /dev/shm ] &&
		[ "${kib:-0}" -ge 1048576 ]; then
		echo /dev/shm
	else
		echo "$tmp"
	fi
}

# A fresh spool directory for a bare-mode run, $live_dir/spool (the
# collector creates it).  Called in the script's own shell, not in $(),
# so that cleanup() knows the directory.
live_dir_new() {
	if [ -z "$live_dir" ]; then
		live_dir=$(mktemp -d "$(live_spool_base)/bpfspy-bench.XXXXXX") || return 1
	fi
	rm -rf "$live_dir/spool"
}

# wait_claim DIR: until a collector holds DIR, its flock(LOCK_EX) on the
# directory as /proc/locks lists it.  Not by probing with flock(1): a
# shared lock held at the moment the collector claims makes it give up
# ("another collector has it").
wait_claim() {
	local i ino

	for ((i = 0; i < 500; i++)); do
		if ino=$(stat -c %i "$1" 2>/dev/null) &&
			awk -v ino="$ino" '$2 == "FLOCK" && $4 == "WRITE" {
				n = split($6, f, ":"); if (f[n] == ino) found = 1 }
				END { exit !found }' /proc/locks; then
			return 0
		fi
		sleep 0.01
	done
	return 1
}

# collect_start [CMD-PREFIX...]: bpfspy collect on $live_dir/spool into
# $live_out, in the background ($collect_pid), until stopped.
collect_start() {
	"$@" "$BPFSPY" collect --spool-dir "$live_dir/spool" -o "$live_out" \
		${LIVE_INTERVAL:+--interval "$LIVE_INTERVAL"} >"$tmp/collect.out" 2>>"$tmp/stderr" &
	collect_pid=$!
	wait_claim "$live_dir/spool" && return 0
	collect_stop
	return 1
}
collect_stop() {
	kill -CONT "$collect_pid" 2>/dev/null
	kill -TERM "$collect_pid" 2>/dev/null
	wait "$collect_pid"
	collect_pid=
}

# kv FILE KEY: the value of KEY=VALUE among FILE's words.
kv() {
	awk -v k="$2=" '{ for (i = 1; i <= NF; i++) if (index($i, k) == 1) {
		print substr($i, length(k) + 1); found = 1; exit } }
		END { exit !found }' "$1"
}

watch_stop() {
	kill -TERM "$watch_pid"
	wait "$watch_pid"
	watch_pid=
}

bare_env() {
	LD_PRELOAD="$PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}" BPFSPY_SPOOL_DIR="$live_dir/spool" "$@"
}

# live_once run|bare RATE: one loaded run watched; writes "events lost p50
# p99 max collector_cpu_ns load_ns_per_op" (latencies in us) to live.res.
# Runs in the script's shell (cleanup() stops what it started).
live_once() {
	local mode=$1 rate=$2 i tree self=0 events rc

	live_out=$tmp/live.jsonl
	rm -f "$live_out"
	"$LIVE" watch "$live_out" >"$tmp/watch.out" 2>>"$tmp/stderr" &
	watch_pid=$!
	for ((i = 0; i < 500; i++)); do
		grep -q '^watching' "$tmp/watch.out" && break
		sleep 0.01
	done
	if [ "$mode" = run ]; then
		"$LIVE" cpu "$BPFSPY" run -o "$live_out" -- "$LIVE" load --rate "$rate" \
			"$LIVE_SECONDS" >"$tmp/load.out" 2>>"$tmp/stderr"
		rc=$?
		tree=$(kv "$tmp/load.out" tree_cpu_ns)
		self=$(kv "$tmp/load.out" cpu_ns)
	else
		if ! live_dir_new || ! collect_start "$LIVE" cpu; then
			watch_stop
			return 1
		fi
		bare_env "$LIVE" load --rate "$rate" "$LIVE_SECONDS" >"$tmp/load.out" 2>>"$tmp/stderr"
		rc=$?
		# it finishes the spool of a process that is gone, then exits
		collect_stop
		tree=$(kv "$tmp/collect.out" tree_cpu_ns)
	fi
	watch_stop
	rm -f "$live_out"
	[ "$rc" = 0 ] && [ -n "$tree" ] && [ -n "$self" ] || return 1
	events=$(kv "$tmp/watch.out" events) || return 1
	echo >"$tmp/live.res" "$events $(kv "$tmp/watch.out" lost) $(kv "$tmp/watch.out" p50_us)" \
		"$(kv "$tmp/watch.out" p99_us) $(kv "$tmp/watch.out" max_us)" \
		"$((tree - self)) $(kv "$tmp/load.out" ns_per_op)"
}

bench_live() {
	local mode rate name how events lost p50 p99 max cpu nsop cpus=()

	have_bpfspy && [ -f "$PRELOAD" ] || return 0
	if [ ! -x "$LIVE" ]; then
		note "bench/live_bench not built (make bench/live_bench): no live lines"
		return 0
	fi
	note "live: $LIVE_SECONDS s a run, $LIVE_RATE calls/s or back to back; trace in $tmp," \
		"bare-mode spools in $(live_spool_base)"
	for mode in run bare; do
		for rate in "$LIVE_RATE" 0; do
			case $mode in
			run) name="bpfspy run" ;;
			*) name="bare + bpfspy collect${LIVE_INTERVAL:+ --interval $LIVE_INTERVAL}" ;;
			esac
			how="$rate/s"
			[ "$rate" = 0 ] && how="back to back"
			if ! live_once "$mode" "$rate"; then
				echo "live ($name, $how): failed: $(tail -n1 "$tmp/stderr")"
				cpus+=(failed)
				continue
			fi
			read -r events lost p50 p99 max cpu nsop <"$tmp/live.res"
			printf 'live (%s, %s): call to line p50 %.0f us, p99 %.0f us, max %.0f us; %s events, %s lost' \
				"$name" "$how" "$p50" "$p99" "$max" "$events" "$lost"
			[ "$rate" = 0 ] && printf ' (%.0f ns/op)' "$nsop"
			echo
			cpus+=("$(awk -v c="$cpu" -v n="$events" 'BEGIN { printf "%.0f ns", c / n }')")
		done
	done
	printf 'collector CPU per event: bpfspy run %s at %s/s, %s back to back; bpfspy collect %s, %s' \
		"${cpus[0]}" "$LIVE_RATE" "${cpus[1]}" "${cpus[2]}" "${cpus[3]}"
	case $lookup_native_ns$lookup_spy_ns in
	'' | *n/a* | *failed*) echo ;;
	*) awk -v a="$lookup_native_ns" -v b="$lookup_spy_ns" \
		'BEGIN { printf "; in the program: %+.0f ns (lookup line)\n", b - a }' ;;
	esac
}

# The program's own timing with the collector stopped: lookup_bench in
# bare mode while bpfspy collect is SIGSTOPped (its ring fills, then the
# rest is dropped and counted), against native and a running collector,
# alternating.  stopped_once running|stopped: ns/op in stopped.v, events
# kept and lost in stopped.NAME; in the script's shell, like live_once.
stopped_once() {
	local v

	live_dir_new && collect_start || return 1
	[ "$1" = stopped ] && kill -STOP "$collect_pid"
	v=$(ns_once bare_env "$BENCH" "$LOOKUPS")
	collect_stop
	echo "$(grep -c '^{"event":"bpf"' "$live_out")" \
		"$(grep '^{"event":"lost"' "$live_out" | sed 's/.*"count":\([0-9]*\).*/\1/' |
			awk '{ n += $1 } END { print n + 0 }')" >"$tmp/stopped.$1"
	rm -f "$live_out"
	[ -n "$v" ] && echo "$v" >"$tmp/stopped.v"
}

# ", NAME X ns/op (Rx native, L of N events lost)" from stopped.NAME.
stopped_column() {
	local kept lost

	read -r kept lost <"$tmp/stopped.$2" 2>/dev/null || { kept=0 lost=0; }
	case $3 in
	n/a | failed) printf ', %s %s' "$1" "$3" ;;
	*) printf ', %s %s ns/op (%s native, %s of %s events lost)' "$1" "$(fmt "$3" 0)" \
		"$(ratio "$4" "$3")" "$lost" "$((kept + lost))" ;;
	esac
}

bench_live_stopped() {
	local i v native=() run=() stop=() n r s

	have_bpfspy && [ -f "$PRELOAD" ] || return 0
	live_out=$tmp/stopped.jsonl
	for ((i = 0; i < REPEAT; i++)); do
		v=$(ns_once lookup_native) || {
			echo "lookup, bare mode: lookup_bench failed (needs root and bpf())"
			return
		}
		native+=("$v")
		stopped_once running && run+=("$(cat "$tmp/stopped.v")")
		stopped_once stopped && stop+=("$(cat "$tmp/stopped.v")")
	done
	n=$(printf '%s\n' "${native[@]}" | minimum)
	r=$(printf '%s\n' "${run[@]}" | minimum) || r=failed
	s=$(printf '%s\n' "${stop[@]}" | minimum) || s=failed
	echo "lookup, bare mode: native $(fmt "$n" 0) ns/op$(stopped_column \
		"collector running" running "$r" "$n")$(stopped_column "collector stopped" stopped "$s" "$n")"
}

# ---- (a2) the same lookups with call-site stacks (--stack) -----------------
# Three sides alternate (native, bpfspy, bpfspy --stack): the cost per
# event of unwinding, naming (cached after the first call) and spooling 8
# bytes a frame.  lookup_bench's stack is 5 frames deep.
lookup_stack() {
	"$BPFSPY" run --stack -o "$tmp/stack.jsonl" -- "$BENCH" "$LOOKUPS"
	local rc=$?
	rm -f "$tmp/stack.jsonl"	# ~1 KiB an event: do not keep a GiB around
	return $rc
}

bench_stack() {
	local i v native=() spy=() st=() n s k
	have_bpfspy || return 0
	for ((i = 0; i < REPEAT; i++)); do
		v=$(ns_once lookup_native) || {
			echo "lookup --stack: lookup_bench failed (needs root and bpf())"
			return
		}
		native+=("$v")
		v=$(ns_once lookup_bpfspy) && spy+=("$v")
		v=$(ns_once lookup_stack) && st+=("$v")
	done
	rm -f "$tmp/lookup.jsonl"
	n=$(printf '%s\n' "${native[@]}" | minimum)
	s=$(printf '%s\n' "${spy[@]}" | minimum) || s=failed
	k=$(printf '%s\n' "${st[@]}" | minimum) || k=failed
	printf 'lookup --stack: native %s ns/op%s%s' "$(fmt "$n" 0)" \
		"$(column bpfspy "$n" "$s" 0 ns/op)" "$(column "bpfspy --stack" "$n" "$k" 0 ns/op)"
	case $s$k in
	*failed*) echo ;;
	*) awk -v a="$s" -v b="$k" 'BEGIN { printf ", %+.0f ns/event for the stack\n", b - a }' ;;
	esac
}

# ---- (a3) bpfspy attach: the same lookups traced from the kernel -----------
# Three sides alternate: native, under the shim, traced from the kernel
# (bpfspy run --kernel: the raw syscall tracepoints, the ring buffer, and
# bpfspy rendering in its own process).
lookup_kernel() { "$BPFSPY" run --kernel -o "$tmp/kernel.jsonl" -- "$BENCH" "$LOOKUPS"; }

bench_attach() {
	local i v native=() spy=() kern=() n s k
	have_bpfspy || return 0
	if ! "$BPFSPY" run --kernel -o "$tmp/kernel.jsonl" -- true 2>"$tmp/attach.err"; then
		echo "lookup (attach): bpfspy run --kernel failed: $(tail -n1 "$tmp/attach.err")"
		return 0
	fi
	for ((i = 0; i < REPEAT; i++)); do
		v=$(ns_once lookup_native) || {
			echo "lookup (attach): lookup_bench failed (needs root and bpf())"
			return
		}
		native+=("$v")
		v=$(ns_once lookup_bpfspy) && spy+=("$v")
		v=$(ns_once lookup_kernel) && kern+=("$v")
	done
	rm -f "$tmp/lookup.jsonl" "$tmp/kernel.jsonl"
	n=$(printf '%s\n' "${native[@]}" | minimum)
	s=$(printf '%s\n' "${spy[@]}" | minimum) || s=failed
	k=$(printf '%s\n' "${kern[@]}" | minimum) || k=failed
	echo "lookup (attach): native $(fmt "$n" 0) ns/op$(column "bpfspy (shim)" "$n" "$s" 0 ns/op)$(column \
		"bpfspy --kernel" "$n" "$k" 0 ns/op)"
}

# What an attached bpfspy costs processes it does not trace: every system
# call on the machine runs the tracepoint programs up to their syscall
# number test (and a bpf call up to the target test).  getppid and
# lookup loops of another process, with and without an attach to a
# sleeping process, alternating.
attach_start() {
	sleep 1000 &
	att_target=$!
	"$BPFSPY" attach -o /dev/null -p "$att_target" 2>"$tmp/attach.err" &
	att_pid=$!
	for ((w = 0; w < 200; w++)); do
		grep -q '^bpfspy: attached' "$tmp/attach.err" && return 0
		kill -0 "$att_pid" 2>/dev/null || break
		sleep 0.05
	done
	attach_stop
	return 1
}
attach_stop() {
	kill "$att_pid" "$att_target" 2>/dev/null
	wait "$att_pid" "$att_target" 2>/dev/null
}

bench_attach_others() {
	local i v g0=() g1=() l0=() l1=() a b c d
	have_bpfspy || return 0
	for ((i = 0; i < REPEAT; i++)); do
		v=$(ns_once getppid_native) && g0+=("$v")
		v=$(ns_once lookup_native) && l0+=("$v")
		attach_start || {
			echo "untraced while attached: bpfspy attach failed: $(tail -n1 "$tmp/attach.err")"
			return 0
		}
		v=$(ns_once getppid_native) && g1+=("$v")
		v=$(ns_once lookup_native) && l1+=("$v")
		attach_stop
	done
	a=$(printf '%s\n' "${g0[@]}" | minimum) || return 0
	b=$(printf '%s\n' "${g1[@]}" | minimum) || return 0
	c=$(printf '%s\n' "${l0[@]}" | minimum) || return 0
	d=$(printf '%s\n' "${l1[@]}" | minimum) || return 0
	echo "untraced while attached: getppid $(fmt "$a" 1) -> $(fmt "$b" 1) ns/op" \
		"($(awk -v a="$a" -v b="$b" 'BEGIN { printf "%+.1f", b - a }') ns/call)," \
		"lookup $(fmt "$c" 0) -> $(fmt "$d" 0) ns/op" \
		"($(awk -v a="$c" -v b="$d" 'BEGIN { printf "%+.0f", b - a }') ns/call)"
}

# ---- (b) a non-bpf syscall through the shim's syscall() hook ---------------
getppid_native() { "$BENCH" --getppid "$GETPPIDS"; }
getppid_shim() {
	LD_PRELOAD="$PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}" \
	BPFSPY_OUTPUT="$tmp/getppid.jsonl" "$BENCH" --getppid "$GETPPIDS"
}

bench_getppid() {
	local res native shim line
	res=$(pair ns_once minimum "$REPEAT" getppid_native \
		"$([ -f "$PRELOAD" ] && echo getppid_shim)") || {
		echo "getppid: lookup_bench --getppid failed"
		return
	}
	read -r native shim <<<"$res"
	line="getppid: native $(fmt "$native" 1) ns/op"
	case $shim in
	n/a | failed) line+=", shim $shim" ;;
	*) line+=", shim $(fmt "$shim" 1) ns/op ($(awk -v a="$native" \
		-v b="$shim" 'BEGIN { printf "%+.1f", b - a }') ns/call)" ;;
	esac
	echo "$line"
}

# ---- (b') --seccomp-trap: raw lookups trapped, other syscalls past the filter
raw_native() { "$BENCH" --raw "$LOOKUPS"; }
raw_trap() { "$BPFSPY" run -o "$tmp/raw.jsonl" --seccomp-trap -- "$BENCH" --raw "$LOOKUPS"; }
getppid_trap() {
	LD_PRELOAD="$PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}" BPFSPY_SECCOMP_TRAP=1 \
	BPFSPY_OUTPUT="$tmp/getppid-trap.jsonl" "$BENCH" --getppid "$GETPPIDS"
}

bench_trap() {
	local res native trap
	have_bpfspy || return 0
	if res=$(pair ns_once minimum "$REPEAT" raw_native raw_trap); then
		read -r native trap <<<"$res"
		echo "raw lookup: native $(fmt "$native" 0) ns/op$(column "bpfspy --seccomp-trap" \
			"$native" "$trap" 0 ns/op)"
	else
		echo "raw lookup: lookup_bench --raw failed: $(tail -n1 "$tmp/stderr")"
	fi
	res=$(pair ns_once minimum "$REPEAT" getppid_native getppid_trap) || return 0
	read -r native trap <<<"$res"
	echo "getppid: native $(fmt "$native" 1) ns/op, shim with the trap filter" \
		"$(fmt "$trap" 1) ns/op ($(awk -v a="$native" -v b="$trap" \
		'BEGIN { printf "%+.1f", b - a }') ns/call)"
}

# ---- (b'') a prober's own CPU: PROG_LOAD with logs, rendered elsewhere ------
# bpftool feature probe makes ~5,400 PROG_LOADs with a 4 KiB verifier log:
# the traced process's user + system CPU alone (bash's time, inside the
# run), which rendering JSON there used to fill; the collector's is not
# in it.  Prints "native_ms traced_ms", the medians of RUNS each.
self_cpu_once() {
	local out
	out=$("$@" 2>&1 >/dev/null | tail -n1) || return 1
	awk '$1 ~ /^[0-9.]+$/ && $2 ~ /^[0-9.]+$/ { printf "%.1f\n", ($1 + $2) * 1000; ok = 1 }
		END { exit !ok }' <<<"$out"
}

bench_prober_cpu() {
	local i v nat=() spy=() n s timed='TIMEFORMAT="%3U %3S"; time "$@" >/dev/null 2>&1'
	have_bpfspy && [ -n "$BPFTOOL" ] || return 0
	for ((i = 0; i < RUNS && i < 7; i++)); do
		v=$(self_cpu_once bash -c "$timed" sh "$BPFTOOL" feature probe kernel) && nat+=("$v")
		v=$(self_cpu_once "$BPFSPY" run -o "$tmp/probe.jsonl" -- bash -c "$timed" sh \
			"$BPFTOOL" feature probe kernel) && spy+=("$v")
	done
	n=$(printf '%s\n' "${nat[@]}" | median) || return 0
	s=$(printf '%s\n' "${spy[@]}" | median) || s=failed
	echo "bpftool feature probe CPU (the program alone, $(grep -c '"event":"bpf"' \
		"$tmp/probe.jsonl" 2>/dev/null || echo '?') calls): native $(fmt "$n" 1) ms$(column \
		"bpfspy run" "$n" "$s" 1 ms)"
	rm -f "$tmp/probe.jsonl"
}

# ---- (c) start-up: a whole short-lived libbpf/bpftool process --------------
# startup NAME CMD...: wall time of CMD, native and under `bpfspy run`.
startup_cmd=()
startup_native() { "${startup_cmd[@]}"; }
startup_bpfspy() {
	rm -f "$tmp/startup.jsonl"   # a new trace each run, as startup_hyperfine
	"$BPFSPY" run -o "$tmp/startup.jsonl" -- "${startup_cmd[@]}"
}

startup() {
	local name=$1 res native spy bare_base bare
	shift
	startup_cmd=("$@")
	if [ -n "$HYPERFINE" ] && res=$(startup_hyperfine); then
		:
	elif ms_once startup_native >/dev/null; then	# also a warm-up
		res=$(pair ms_once median "$RUNS" startup_native \
			"$(have_bpfspy && echo startup_bpfspy)")
	else
		echo "startup $name: failed natively: $(tail -n1 "$tmp/stderr")"
		return
	fi
	read -r native spy bare_base bare <<<"$res"
	echo "startup $name: native $(fmt "$native" 2) ms$(column "bpfspy run" \
		"$native" "$spy" 2 ms)"
	# The shim alone (bare LD_PRELOAD), against the same command started
	# through env(1): what a traced process pays, without the wrapper's
	# own exec and fork (~1 ms on a VM, a fixed cost per run).
	[ -n "${bare:-}" ] && [ "$bare" != n/a ] &&
		echo "startup $name (shim alone): env $(fmt "$bare_base" 2) ms$(column \
			"env+shim" "$bare_base" "$bare" 2 ms)"
	startup_interleaved "$name"
	# bpfspy run against the shim started through env(1): run's own
	# start (its exec, spool directory, spawn, collector) against one
	# process start; issue 16's target is 1.00x.
	[ -n "${bare:-}" ] && [ "$bare" != n/a ] && [ "$spy" != n/a ] &&
		echo "startup $name (run's own start): env+shim $(fmt "$bare" 2) ms," \
			"bpfspy run $(fmt "$spy" 2) ms ($(ratio "$bare" "$spy") env+shim)"
	return 0
}

# The shim alone again, the runs of env and env+shim interleaved (the
# order rotating each round): on a noisy host hyperfine's one command
# after the other lets a slow minute fall on one side.
SPAWN_RUNS=${SPAWN_RUNS:-200}
startup_interleaved() {
	local name=$1 res base shim spy run=()
	[ -x "$SPAWN" ] && [ -f "$PRELOAD" ] || return 0
	have_bpfspy && run=(::: "$BPFSPY" run -o "$tmp/startup.jsonl" -- "${startup_cmd[@]}")
	res=$("$SPAWN" -n "$SPAWN_RUNS" -r "$tmp/bare.jsonl" -r "$tmp/startup.jsonl" \
		env "${startup_cmd[@]}" ::: \
		env LD_PRELOAD="$PRELOAD" BPFSPY_OUTPUT="$tmp/bare.jsonl" "${startup_cmd[@]}" \
		"${run[@]}" 2>>"$tmp/stderr") || return 0
	# lines: "fastest p25 median command..." in us, in the order given
	read -r base shim spy <<<"$(awk '{ printf "%s ", $3 / 1000 }' <<<"$res")"
	echo "startup $name (shim alone, $SPAWN_RUNS interleaved, median):" \
		"env $(fmt "$base" 2) ms$(column "env+shim" "$base" "$shim" 2 ms)"
	[ -n "$spy" ] &&
		echo "startup $name (run's own start, interleaved): env+shim $(fmt "$shim" 2) ms," \
			"bpfspy run $(fmt "$spy" 2) ms ($(ratio "$shim" "$spy") env+shim)"
	return 0
}

# All sides in one hyperfine run; prints
# "native_ms bpfspy_ms|n/a env_ms env_shim_ms|n/a".
startup_hyperfine() {
	local cmds=("$(printf '%q ' "${startup_cmd[@]}")")
	local spy=n/a shim=n/a
	if have_bpfspy; then
		cmds+=("$(printf '%q ' "$BPFSPY" run -o "$tmp/startup.jsonl" -- "${startup_cmd[@]}")")
		spy=
	fi
	cmds+=("$(printf '%q ' env "${startup_cmd[@]}")")
	if [ -f "$PRELOAD" ]; then
		cmds+=("$(printf '%q ' env LD_PRELOAD="$PRELOAD" \
			BPFSPY_OUTPUT="$tmp/bare.jsonl" "${startup_cmd[@]}")")
		shim=
	fi
	# Every run writes a new trace: rewriting one a run left costs ext4
	# ~0.3 ms more for the truncation and the flush it starts on close,
	# which bpfspy run paid (it truncates) and bare mode not (it appends).
	"$HYPERFINE" -N --warmup 3 --runs "$RUNS" --export-csv "$tmp/hf.csv" \
		--prepare "rm -f $tmp/startup.jsonl $tmp/bare.jsonl" \
		"${cmds[@]}" >/dev/null 2>>"$tmp/stderr" || return 1
	# columns: command,mean,stddev,median,... in seconds; rows in order
	awk -F, -v spy="$spy" -v shim="$shim" 'NR > 1 { m[NR - 1] = $4 * 1000 }
		END {
			i = 1; printf "%s ", m[i++]
			printf "%s ", spy == "" ? m[i++] : "n/a"
			printf "%s ", m[i++]
			print shim == "" ? m[i] : "n/a"
		}' "$tmp/hf.csv"
}

# A bpffs that is already mounted, if any (bpffs names may not hold a dot).
find_bpffs() {
	awk '$3 == "bpf" { print $2; exit }' /proc/self/mounts
}

bench_startup() {
	local fs
	if [ -x "$LOADER" ]; then
		startup minimal_loader "$LOADER"
	else
		echo "startup minimal_loader: not built (make examples/minimal_loader)"
	fi
	if [ -z "$BPFTOOL" ]; then
		note "bpftool not found: no bpftool start-up line"
		return
	fi
	fs=$(find_bpffs)
	if [ -n "$fs" ] && pin_dir=$(mktemp -d "$fs/bpfspy_bench_XXXXXX" 2>/dev/null); then
		# Pin then remove, so every run starts from the same state.
		# shellcheck disable=SC2016  # expanded by the inner sh
		startup "bpftool map create" sh -c \
			'"$1" map create "$2/m" type array key 4 value 8 entries 4 name bench && rm -f "$2/m"' \
			sh "$BPFTOOL" "$pin_dir"
	else
		pin_dir=
		startup "bpftool prog show" "$BPFTOOL" prog show
	fi
}

note "bpfspy bench: BUILDDIR=$BUILDDIR kernel $(uname -r)"
note "timing: start-up is the median of $RUNS runs$([ -n "$HYPERFINE" ] && echo " (hyperfine)"), ns/op the fastest of $REPEAT; native and traced runs alternate"
have_bpfspy || note "bpfspy not built ($BPFSPY missing): bpfspy columns skipped"
[ -f "$PRELOAD" ] || note "shim not built ($PRELOAD missing): shim column skipped"
[ -n "$STRACE" ] || note "strace not installed: strace column skipped"

sections="lookup lookup_ways lookup_cpu filters live live_stopped stack attach attach_others
	getppid trap prober_cpu startup"
for section in ${ONLY:-$sections}; do
	if ! declare -F "bench_$section" >/dev/null; then
		echo "run-bench: no section '$section' (ONLY= takes: $(echo $sections))" >&2
		exit 2
	fi
	"bench_$section"
done
exit 0
