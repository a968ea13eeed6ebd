#!/usr/bin/env bats
# Live, bounded, loss-free collection (issue 15): events reach the trace
# while the program runs, each exactly once, under bpfspy run and under
# bare mode + bpfspy collect; spools stay within their bound; what does
# not fit is counted by seq; a killed collector or program loses and
# repeats nothing; namespaces, chroots and dropped privileges do not hide
# a process's calls.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
	HS=$BUILDDIR/tests/progs
	LIVE=$HS/hs_live
	SP=$T/spools
	EXERCISER_STATIC=$HS/exerciser_static
}

teardown() {
	local p
	for p in ${KILL_AT_END:-}; do kill -9 "$p" 2>/dev/null || true; done
	collect_traces
}

# bpf events of @pid (all pids without one)
events() {
	if [ -n "${1:-}" ]; then tc count "$TRACE" event=bpf pid="$1"; else tc count "$TRACE" event=bpf; fi
}

# lost events, summed over the lost lines
lost_sum() {
	tc get "$TRACE" count event=lost | awk '{ s += $1 } END { print s + 0 }'
}

# all calls of $T/calls in the trace (or more: a failure shows)
all_in() {
	[ "$(cat "${1:-$TRACE}" 2>/dev/null | grep -c '"event":"bpf"')" -ge \
		"$(awk '{ s += $2 } END { print s + 0 }' "$T/calls")" ]
}

no_spools() {
	[ -z "$(ls -A "$SP")" ]
}

# wait_for CMD...: until CMD succeeds, at most 10 s
wait_for() {
	local i
	for i in $(seq 100); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# every pid's seqs are increasing in the file: in order, none twice
expect_in_order() {
	local pid
	for pid in $(tc get "$TRACE" pid event=bpf | sort -u); do
		tc get "$TRACE" seq event=bpf pid="$pid" |
			awk -v p="$pid" '$1 <= last { print "pid " p ": seq " $1 " after " last; bad = 1 }
				{ last = $1 } END { exit bad }' >&2 || return 1
	done
}

start_collect() {
	"$BPFSPY" collect --spool-dir "$SP" -o "$TRACE" "$@" 2>>"$T/collect.err" &
	COLLECT=$!
	KILL_AT_END="${KILL_AT_END:-} $COLLECT"
	wait_for test -d "$SP"
}

bare() {
	env LD_PRELOAD="$SHIM" BPFSPY_SPOOL_DIR="$SP" "$@"
}

@test "run: lines reach the trace while the program runs, in order, each once" {
	require_bpf
	HS_CALLS=$T/calls "$BPFSPY" run -o "$TRACE" -- "$LIVE" steady 3 200 >"$T/out" &
	local run=$! mid
	sleep 1.5
	mid=$(grep -c '"event":"bpf"' "$TRACE" || true)
	kill -0 "$run" || { echo "the program ended early" >&2; false; }
	[ "$mid" -ge 100 ] || { echo "$mid events in the trace after 1.5 s of 3" >&2; false; }
	wait "$run"
	expect_valid "$TRACE"
	expect_eq "$(events)" "$(awk '{ print $2 }' "$T/calls")" "events = calls"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "seqs: none missing, none twice ($output)"
	expect_in_order
}

@test "collect: bare mode, live, each call once; SIGTERM stops it with exit 0" {
	require_bpf
	start_collect
	HS_CALLS=$T/calls bare "$LIVE" steady 3 200 >"$T/out" &
	local prog=$! mid
	sleep 1.5
	mid=$(grep -c '"event":"bpf"' "$TRACE" || true)
	[ "$mid" -ge 100 ] || { echo "$mid events after 1.5 s of 3" >&2; false; }
	wait "$prog"
	wait_for all_in || { echo "$(events) events for $(cat "$T/calls")" >&2; false; }
	kill -TERM "$COLLECT"
	local rc=0
	wait "$COLLECT" || rc=$?
	expect_eq "$rc" 0 "collect's exit status"
	expect_valid "$TRACE"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "seqs ($output)"
	expect_in_order
	expect_eq "$(ls -A "$SP")" "" "spools left"
	expect_eq "$(cat "$T/collect.err")" "" "collect's stderr"
}

@test "collect: a second collector on the same directory is refused" {
	start_collect
	run --separate-stderr "$BPFSPY" collect --spool-dir "$SP" -o "$T/other.jsonl" --once
	expect_eq "$status" 2
	expect_match "$stderr" "another collector has it"
}

@test "collect: SIGKILLed and restarted, every call exactly once" {
	require_bpf
	local prog i
	start_collect
	HS_CALLS=$T/calls bare "$LIVE" steady 4 2000 >"$T/out" &
	prog=$!
	for i in 1 2 3; do
		sleep 0.7
		kill -9 "$COLLECT"
		wait "$COLLECT" 2>/dev/null || true
		start_collect
	done
	wait "$prog"
	wait_for all_in || { echo "$(events) events for $(cat "$T/calls")" >&2; false; }
	kill -TERM "$COLLECT"
	wait "$COLLECT" || true
	expect_valid "$TRACE"
	expect_eq "$(events)" "$(awk '{ print $2 }' "$T/calls")" "events = calls"
	expect_eq "$(tc count "$TRACE" event=header)" 1 "headers"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "seqs: none missing, none twice ($output)"
}

@test "collect: SIGHUP reopens the output (logrotate's mv, then HUP)" {
	require_bpf
	local prog
	start_collect
	HS_CALLS=$T/calls bare "$LIVE" steady 3 300 >"$T/out" &
	prog=$!
	sleep 1
	mv "$TRACE" "$T/rotated.jsonl"
	kill -HUP "$COLLECT"
	wait "$prog"
	wait_for test -s "$TRACE"
	cat_both() { cat "$T/rotated.jsonl" "$TRACE" >"$T/both.jsonl"; all_in "$T/both.jsonl"; }
	wait_for cat_both || { echo "events missing" >&2; false; }
	kill -TERM "$COLLECT"
	wait "$COLLECT"
	[ "$(grep -c '"event":"bpf"' "$T/rotated.jsonl")" -gt 0 ] || { echo "nothing before the HUP" >&2; false; }
	cat "$T/rotated.jsonl" "$TRACE" >"$T/all.jsonl"
	TRACE=$T/all.jsonl
	run tc seq "$TRACE"
	expect_eq "$status" 0 "the two files together: every seq once ($output)"
}

@test "the ring: the spool stays within its bound; with the collector stopped, kept + lost = calls by seq" {
	require_bpf
	local prog max=0 size f
	start_collect
	kill -STOP "$COLLECT"
	HS_CALLS=$T/calls BPFSPY_SPOOL_SIZE=1048576 bare "$LIVE" flood 300000 >"$T/out" 2>"$T/flood.err" &
	prog=$!
	while kill -0 "$prog" 2>/dev/null; do
		for f in "$SP"/*.spool; do
			[ -e "$f" ] || continue
			size=$(stat -c %s "$f" 2>/dev/null || echo 0)
			[ "$size" -le "$max" ] || max=$size
		done
		sleep 0.05
	done
	wait "$prog"
	# the ring and the 32 KiB head (header page, template dictionary)
	[ "$max" -le $((1048576 + 32768)) ] || { echo "a spool grew to $max bytes" >&2; false; }
	kill -CONT "$COLLECT"
	wait_for grep -q '"event":"lost"' "$TRACE"
	wait_for no_spools
	kill -TERM "$COLLECT"
	wait "$COLLECT"
	local calls kept lost
	calls=$(awk '{ print $2 }' "$T/calls")
	kept=$(events)
	lost=$(lost_sum)
	echo "# 300000 lookups into a stopped collector: $kept kept, $lost lost, spool at most $max bytes" >&3
	[ "$kept" -gt 1000 ] || { echo "only $kept kept" >&2; false; }
	expect_eq "$((kept + lost))" "$calls" "kept + lost = calls"
	# the kept ones are seq 1..kept, the lost ones the rest
	expect_eq "$(tc get "$TRACE" seq event=bpf | sort -n | tail -1)" "$kept" "last seq kept"
	expect_eq "$(tc get "$TRACE" seq_first event=lost)" "$((kept + 1))" "first seq lost"
	expect_eq "$(tc get "$TRACE" seq_last event=lost)" "$calls" "last seq lost"
}

@test "exit() from main while 8 threads call: every completed call recorded or counted" {
	require_bpf
	HS_COUNT=$T/count "$BPFSPY" run -o "$TRACE" -- "$LIVE" exitthreads 8 300 >"$T/out"
	local done_ kept lost
	done_=$(od -An -t u8 "$T/count" | tr -d ' ')
	kept=$(events)
	lost=$(lost_sum)
	echo "# $done_ calls completed: $kept recorded, $lost counted lost" >&3
	# a call recorded and killed before it counted itself: at most one a thread
	[ "$((kept + lost))" -ge "$done_" ] && [ "$((kept + lost))" -le "$((done_ + 8))" ] ||
		{ echo "$done_ completed, $kept recorded + $lost lost" >&2; false; }
	expect_valid "$TRACE"
}

@test "a worker forked after setuid(nobody): its calls are counted in the parent's spool" {
	require_bpf
	require_root
	# where nobody may write its count
	local calls worker parent
	calls=$(mktemp /tmp/bpfspy-calls.XXXXXX)
	chmod 0666 "$calls"
	HS_CALLS=$calls "$BPFSPY" run -o "$TRACE" -- "$LIVE" setuidfork 100 >"$T/out"
	mv "$calls" "$T/calls"
	expect_eq "$(cat "$T/out")" "worker=0"
	worker=$(awk 'NR == 1 { print $1 }' "$T/calls")
	parent=$(awk 'NR == 2 { print $1 }' "$T/calls")
	expect_eq "$(wc -l <"$T/calls")" 2 "processes that reported"
	expect_eq "$(events "$parent")" 2 "the parent's calls, recorded"
	# its count includes the parent's 2 from before the fork
	expect_eq "$(tc get "$TRACE" count event=lost pid="$worker" | awk '{ s += $1 } END { print s + 0 }')" \
		100 "the worker's calls, counted lost"
	[ "$(tc count "$TRACE" event=lost pid="$worker")" -le 3 ] ||
		{ echo "the worker's losses are not merged into few lines" >&2; false; }
}

@test "namespaces: a private /tmp, a chroot, a pid + mount namespace: every call recorded" {
	require_bpf
	require_root
	require_cmd unshare
	# a tmpfs of the child's own over the spool directory's parent, as a
	# private /tmp hides /tmp (not /tmp itself: the build tree may be in it)
	mkdir -p "$T/tmp"
	run --separate-stderr "$BPFSPY" run --spool-dir "$T/tmp" -o "$TRACE" -- unshare -m sh -c \
		'mount -t tmpfs none "$1" || exit 125; exec "$2" lookup 3' sh "$T/tmp" "$EXERCISER"
	[ "$status" -ne 125 ] || skip "cannot mount a tmpfs in a private mount namespace"
	expect_eq "$status" 0 "private /tmp: $stderr"
	expect_eq "$(events)" 4 "private /tmp: events"

	# pid + mount namespace with its own /proc
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- unshare -pmf --mount-proc "$EXERCISER" lookup 3
	expect_eq "$status" 0 "pid namespace: $stderr"
	expect_eq "$(events)" 4 "pid namespace: events"

	# a chroot of the system's directories and the build tree: no /tmp,
	# no /dev/shm, so no path to the spool directory
	local root=$T/root d
	mkdir -p "$root"
	for d in usr lib lib64 bin etc "${BUILDDIR#/}"; do
		[ -e "/$d" ] || continue
		if [ -L "/$d" ]; then cp -P "/$d" "$root/$d"; continue; fi
		mkdir -p "$root/$d"
	done
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- unshare -m sh -c '
		r=$1; shift
		for d in usr etc "$BUILD"; do mount --bind "/$d" "$r/$d" || exit 125; done
		for d in lib lib64 bin; do [ -L "/$d" ] || [ ! -d "/$d" ] || mount --bind "/$d" "$r/$d"; done
		exec chroot "$r" "$@"' sh "$root" "$EXERCISER" lookup 3
	[ "$status" -ne 125 ] || skip "cannot bind-mount for a chroot"
	expect_eq "$status" 0 "chroot: $stderr"
	expect_eq "$(events)" 4 "chroot: events"
}

@test "run: untraceable images and an unwritable bare-mode trace are said on stderr" {
	require_bpf
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER_STATIC" lookup 1
	expect_match "$stderr" "PROGRAM '$EXERCISER_STATIC' cannot be traced: statically linked" stderr
	run --separate-stderr env LD_PRELOAD="$SHIM" BPFSPY_OUTPUT=/proc/nonexistent/x "$EXERCISER" lookup 1
	expect_eq "$status" 0
	expect_match "$stderr" "bpfspy: not tracing: trace file '/proc/nonexistent/x': No such file or directory"
	expect_eq "$(grep -c 'not tracing' <<<"$stderr")" 1 "said once"
}

@test "output: -o - is standard output; --format text is strace's shape" {
	require_bpf
	run --separate-stderr "$BPFSPY" run -o - -- "$EXERCISER" lookup 1
	expect_eq "$status" 0
	expect_eq "$(grep -c '^{"event":"bpf"' <<<"$output")" 2 "events on stdout"
	[ ! -e ./- ] || { echo "a file named - was created" >&2; false; }
	run --separate-stderr "$BPFSPY" run --format text -- "$EXERCISER" lookup 1
	expect_match "$stderr" '\[pid +[0-9]+\] bpf\(BPF_MAP_CREATE, \{map_type=BPF_MAP_TYPE_' stderr
	expect_match "$stderr" 'bpf\(BPF_MAP_LOOKUP_ELEM, .* = 0 <[0-9]+\.[0-9]{6}>' stderr
}

@test "run SIGKILLed: the program runs on, finishes its spool into -o FILE, leaves nothing" {
	require_bpf
	mkdir -p "$T/base"
	HS_CALLS=$T/calls "$BPFSPY" run --spool-dir "$T/base" -o "$TRACE" -- "$LIVE" steady 2 200 >"$T/out" &
	local run=$!
	sleep 0.7
	kill -9 "$run"
	wait "$run" 2>/dev/null || true
	wait_for test -s "$T/calls" || { echo "the program did not finish" >&2; false; }
	SP=$T/base
	wait_for no_spools || { echo "left: $(ls -R "$T/base")" >&2; false; }
	expect_valid "$TRACE"
	expect_eq "$(events)" "$(awk '{ print $2 }' "$T/calls")" "events = calls"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "seqs: none missing, none twice ($output)"
}

@test "bare mode: a process SIGKILLed while it drains its own spool: nothing twice, no torn line" {
	require_bpf
	local delay prog
	for delay in 0.02 0.1 0.25; do
		rm -f "$TRACE" "$T/calls" "$T/out"
		HS_CALLS=$T/calls BPFSPY_SPOOL_SIZE=67108864 env LD_PRELOAD="$SHIM" \
			BPFSPY_OUTPUT="$TRACE" BPFSPY_SPOOL_DIR="$SP" "$LIVE" flood 200000 >"$T/out" &
		prog=$!
		# main has returned: the shim's destructor is draining
		wait_for grep -q lookups= "$T/out"
		sleep "$delay"
		kill -9 "$prog" 2>/dev/null || true
		wait "$prog" 2>/dev/null || true
		# whoever comes next finishes it, where the killed drain stopped
		run --separate-stderr "$BPFSPY" collect --spool-dir "$SP" -o "$TRACE" --once
		expect_eq "$status" 0 "collect --once after a kill at $delay s: $stderr"
		expect_valid "$TRACE"
		# killed before it could count its calls: flood's 200000 + the map
		expect_eq "$(events)" 200001 "events after a kill at $delay s"
		run tc seq "$TRACE"
		expect_eq "$status" 0 "seqs after a kill at $delay s: $output"
		expect_eq "$(tc count "$TRACE" event=header)" 1 "headers"
		no_spools || { echo "spools left" >&2; false; }
	done
}

@test "output: -o - with --summary puts the summary line on standard output, the table on stderr" {
	require_bpf
	run --separate-stderr "$BPFSPY" run -o - --summary -- "$EXERCISER" lookup 2
	expect_eq "$status" 0
	expect_eq "$(grep -c '^{"event":"summary"' <<<"$output")" 1 "summary lines on stdout"
	expect_match "$stderr" "% time +total ms" "the table"
}
