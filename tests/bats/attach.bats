#!/usr/bin/env bats
# bpfspy attach and run --kernel: bpf(2) traced from the kernel (raw
# syscall tracepoints, a ring buffer), decoded by the shim's decoders.
# Processes the shim cannot enter: already running, statically linked, Go.

load "${SRCDIR:-..}/tests/lib.bash"

setup() {
	common_setup
	[ "$(uname -m)" = x86_64 ] || skip "the kernel program reads x86_64 registers"
	STATIC=$BUILDDIR/tests/progs/exerciser_static
	GOLOADER=$BUILDDIR/tests/progs/goloader
}

teardown() {
	local p
	for p in ${KILL_PIDS:-}; do
		kill "$p" 2>/dev/null || true
	done
	collect_traces
}

# Skip unless this machine lets us load and attach the kernel program.
require_attach() {
	require_bpf
	require_root
	[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF: the kernel program is CO-RE"
	local out
	out=$(timeout 20 "$BPFSPY" run --kernel -o "$T/probe.jsonl" -- true 2>&1) ||
		skip "cannot load the kernel program here: $out"
}

# wait_for FILE PATTERN: until FILE has a line matching PATTERN (at most 20 s).
wait_for() {
	local i
	for ((i = 0; i < 200; i++)); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "timed out waiting for '$2' in $1:" >&2
	cat "$1" >&2
	return 1
}

# start_waiting PROGRAM [ARGS...]: start PROGRAM, held before it runs by
# a fifo (the same process execs it): LPID, GO (write to release it).
start_waiting() {
	GO=$T/go
	mkfifo "$GO"
	bash -c 'read -r _ <"$1"; shift; exec "$@"' _ "$GO" "$@" >"$T/loader.out" &
	LPID=$!
	KILL_PIDS="$KILL_PIDS $LPID"
}

# attach_bg ARGS...: bpfspy attach -o $TRACE ARGS... in the background
# until it says it is attached: APID.
attach_bg() {
	# a fresh file: the child truncates it only once it runs
	: >"$T/attach.err"
	"$BPFSPY" attach -o "$TRACE" "$@" 2>>"$T/attach.err" &
	APID=$!
	KILL_PIDS="$KILL_PIDS $APID"
	wait_for "$T/attach.err" '^bpfspy: attached'
}

@test "attach -p: a loader started before bpfspy: every call strace sees, once, with its cmd, ret and errno" {
	require_attach
	require_cmd strace
	local w
	for w in every errno payload batch; do
		rm -f "$T/go" "$T/strace" "$T/strace.err"
		start_waiting "$EXERCISER" "$w"
		: >"$T/strace.err"
		strace -f -e trace=bpf -o "$T/strace" -p "$LPID" 2>>"$T/strace.err" &
		SPID=$!
		wait_for "$T/strace.err" 'attached'
		attach_bg -p "$LPID"
		echo go >"$GO"
		wait "$LPID" || true
		wait "$SPID" || true
		wait "$APID"
		expect_valid "$TRACE"
		strace_calls "$T/strace" >"$T/want"
		trace_calls "$TRACE" >"$T/got"
		[ -s "$T/want" ] || { echo "strace saw no bpf calls of $w" >&2; return 1; }
		diff -u "$T/want" "$T/got"
		expect_eq "$(tc count "$TRACE" via=kernel)" "$(wc -l <"$T/want")" "$w: all via kernel"
		expect_eq "$(tc get "$TRACE" pid event=header)" "$LPID" "$w: the header's pid"
	done
}

@test "attach -p: a daemon's map made before bpfspy came is still decoded from the kernel" {
	require_attach
	mkfifo "$T/go"
	"$EXERCISER" daemon "$T/go" 3 >"$T/daemon.out" &
	LPID=$!
	KILL_PIDS="$KILL_PIDS $LPID"
	wait_for "$T/daemon.out" ready
	attach_bg -p "$LPID"
	echo go >"$T/go"
	wait "$LPID"
	wait "$APID"
	expect_valid "$TRACE"
	expect_eq "$(trace_cmds "$TRACE" | sort | uniq -c | sed 's/^ *//')" "3 BPF_MAP_LOOKUP_ELEM" \
		"only the calls made after attaching"
	fd=$(sed -n 's/^map_fd=\([0-9]*\) ready$/\1/p' "$T/daemon.out")
	expect_eq "$(tc get "$TRACE" attr.key_data | sort -u)" 01000000 "the key"
	expect_eq "$(tc get "$TRACE" out.value_data | sort -u)" 2a00000000000000 "the value"
	expect_eq "$(tc get "$TRACE" "fds.$fd.type" | sort -u)" BPF_MAP_TYPE_ARRAY \
		"the map, from the kernel"
	expect_eq "$(tc get "$TRACE" argv.1 event=header) $(tc get "$TRACE" argv.3 event=header)" \
		"daemon 3" "its argv"
	expect_eq "$(tc get "$TRACE" exe event=header)" "$EXERCISER" "its exe"
}

@test "attach -p -f: the children a traced process starts are traced too" {
	require_attach
	start_waiting "$EXERCISER" fork
	attach_bg -f -p "$LPID"
	echo go >"$GO"
	wait "$LPID" || true
	wait "$APID"
	expect_valid "$TRACE"
	expect_eq "$(tc count "$TRACE" event=header)" 2 "the parent and its child"
	expect_eq "$(trace_count "$TRACE" pid="$LPID")" 3 "the parent's calls"
	expect_eq "$(trace_count "$TRACE" pid!="$LPID")" 3 "the child's calls"
	# without -f only the process named
	start_waiting2() { rm -f "$T/go"; start_waiting "$@"; }
	start_waiting2 "$EXERCISER" fork
	attach_bg -p "$LPID"
	echo go >"$GO"
	wait "$LPID" || true
	wait "$APID"
	expect_eq "$(tc count "$TRACE" event=header)" 1 "only the parent"
}

@test "attach -p: the payload is decoded from the kernel's copies, as the shim decodes it" {
	require_attach
	start_waiting "$EXERCISER" payload
	attach_bg -p "$LPID"
	echo go >"$GO"
	wait "$LPID" || true
	wait "$APID"
	expect_eq "$(tc get "$TRACE" attr.key_data cmd=BPF_MAP_UPDATE_ELEM | head -1)" 01000000 "key"
	expect_eq "$(tc get "$TRACE" out.value_data_percpu cmd=BPF_MAP_LOOKUP_ELEM | head -1)" \
		'["1111111111111111","2222222222222222"]' "per-CPU value"
	fd=$(tc get "$TRACE" attr.map_fd cmd=BPF_MAP_LOOKUP_ELEM | head -1)
	expect_eq "$(tc get "$TRACE" "fds.$fd.kind" cmd=BPF_MAP_LOOKUP_ELEM | head -1)" map \
		"the fd's object"
	expect_eq "$(tc get "$TRACE" "fds.$fd.type" cmd=BPF_MAP_LOOKUP_ELEM | head -1)" \
		BPF_MAP_TYPE_PERCPU_ARRAY "its type"
}

@test "run --kernel: a statically linked loader is traced completely, without --seccomp-trap" {
	require_attach
	require_cmd strace
	[ -x "$STATIC" ] || skip "tests/progs/exerciser_static was not built (needs a static libc)"
	file "$STATIC" 2>/dev/null | grep -q 'statically linked' || skip "exerciser_static is not static"
	spy -- "$STATIC" every >/dev/null
	expect_eq "$(trace_count "$TRACE")" 0 "the shim cannot enter it"
	strace -f -e trace=bpf -o "$T/strace" "$STATIC" every >/dev/null
	"$BPFSPY" run --kernel -o "$TRACE" -- "$STATIC" every >/dev/null
	expect_valid "$TRACE"
	diff -u <(strace_calls "$T/strace") <(trace_calls "$TRACE")
	expect_match "$(tc get "$TRACE" out.log cmd=BPF_PROG_LOAD)" 'processed [0-9]+ insns' \
		"the verifier log, copied after the call"
	expect_match "$(tc get "$TRACE" exe event=header)" 'exerciser_static$' "the header's exe"
}

@test "run --kernel: a Go loader is traced completely, without --seccomp-trap" {
	require_attach
	require_cmd strace
	[ -x "$GOLOADER" ] ||
		skip "tests/progs/goloader was not built (needs golang-go and golang-github-cilium-ebpf-dev)"
	"$GOLOADER" >"$T/plain"
	strace -f -e trace=bpf -o "$T/strace" "$GOLOADER" >/dev/null
	"$BPFSPY" run --kernel -o "$TRACE" -- "$GOLOADER" >"$T/traced"
	diff -u "$T/plain" "$T/traced"
	expect_valid "$TRACE"
	# Go's threads may return in another order than strace printed them
	diff -u <(strace_calls "$T/strace" | sort) <(trace_calls "$TRACE" | sort)
	expect_eq "$(tc get "$TRACE" ret attr.map_name=go_array)" "$(sed -n 's/^map_fd=//p' "$T/plain")" \
		"the map create"
	expect_eq "$(tc get "$TRACE" ret attr.prog_name=go_prog)" "$(sed -n 's/^prog_fd=//p' "$T/plain")" \
		"the program load"
}

@test "diff: the same loader traced by the shim and from the kernel is equivalent" {
	require_attach
	local w
	for w in "$EXERCISER every" "$EXERCISER payload" "$EXERCISER batch" "$EXERCISER fork" \
		"$EXERCISER threads 4 50" "$EXERCISER sizes" "$EXERCISER badattr" \
		"$EXERCISER exec $EXERCISER lookup 2" "$LOADER"; do
		# shellcheck disable=SC2086
		spy -- $w >/dev/null 2>&1
		mv "$TRACE" "$T/shim.jsonl"
		# shellcheck disable=SC2086
		"$BPFSPY" run --kernel -o "$T/kernel.jsonl" -- $w >/dev/null 2>&1
		# badattr's huge_size call runs past its attr into the stack,
		# whose bytes (the program's own, with pointers in them) differ
		# from run to run: where they are nonzero is no fact of the call
		if [ "$w" = "$EXERCISER badattr" ]; then
			run "$BPFSPY" diff --ignore attr_tail "$T/shim.jsonl" "$T/kernel.jsonl"
		else
			run "$BPFSPY" diff "$T/shim.jsonl" "$T/kernel.jsonl"
		fi
		expect_eq "$status" 0 "bpfspy diff of $w: $output"
		expect_eq "$(grep -c '"event":"header"' "$T/kernel.jsonl")" \
			"$(grep -c '"event":"header"' "$T/shim.jsonl")" "$w: a header per image"
		tc seq "$T/kernel.jsonl" >/dev/null
		# the loader's .rodata holds its pid: its payload differs by run
		[ "$w" = "$LOADER" ] && continue
		if [ "$w" = "$EXERCISER badattr" ]; then
			run "$BPFSPY" diff --payload --ignore attr_tail "$T/shim.jsonl" "$T/kernel.jsonl"
		else
			run "$BPFSPY" diff --payload "$T/shim.jsonl" "$T/kernel.jsonl"
		fi
		expect_eq "$status" 0 "bpfspy diff --payload of $w: $output"
	done
}

# ids_of FILE [NAMES...]: the ids of `bpftool -j prog show` output FILE,
# only programs so named when NAMES are given, only those whose ids file
# $IDS lists when set; with MAPS=1 their map ids.
ids_of() {
	python3 -c 'import json, os, sys
progs = json.load(open(sys.argv[1]))
names = sys.argv[2:]
ids = os.environ.get("IDS")
ids = set(int(l) for l in open(ids)) if ids else None
for p in progs:
    if names and p.get("name") not in names:
        continue
    if ids is not None and p["id"] not in ids:
        continue
    for i in (p.get("map_ids", []) if os.environ.get("MAPS") else [p["id"]]):
        print(i)' "$@" | sort -n
}

@test "run --kernel: an unprivileged loader's failures are audited as the shim audits them" {
	require_attach
	require_cmd setpriv
	spy --unprivileged -- "$EXERCISER" eperm >/dev/null 2>&1
	mv "$TRACE" "$T/shim.jsonl"
	"$BPFSPY" run --kernel -o "$T/kernel.jsonl" -- setpriv --inh-caps=-all --ambient-caps=-all \
		--bounding-set=-bpf,-perfmon,-net_admin,-sys_admin -- "$EXERCISER" eperm >/dev/null 2>&1
	[ "$(tc count "$T/kernel.jsonl" errno=EPERM)" -ge 1 ] || {
		echo "no EPERM: the loader kept its capabilities" >&2
		return 1
	}
	# capabilities, user namespace and RLIMIT_MEMLOCK from the task
	diff -u <(tc get "$T/shim.jsonl" audit) <(tc get "$T/kernel.jsonl" audit)
	diff -u <(tc get "$T/shim.jsonl" explanation) <(tc get "$T/kernel.jsonl" explanation)
}

@test "attach: detaching leaves no program or map of bpfspy loaded" {
	require_attach
	require_cmd bpftool python3
	bpftool -j prog show >"$T/before"
	start_waiting "$EXERCISER" lookup 3
	attach_bg -p "$LPID"
	bpftool -j prog show >"$T/during"
	# ours: the kernel program's five, new since before (by fentry or by
	# the tracepoints)
	comm -13 <(ids_of "$T/before") <(ids_of "$T/during" on_enter on_exit on_fentry on_fexit \
		on_fork on_exec on_task_exit) >"$T/ours"
	expect_eq "$(wc -l <"$T/ours")" 5 "programs while attached"
	# the maps of our programs: another tracer's (a bpfspy attach of
	# someone else's) have the same names
	MAPS=1 IDS=$T/ours ids_of "$T/during" on_enter on_exit on_fentry on_fexit >"$T/maps"
	[ -s "$T/maps" ] || { echo "no maps" >&2; return 1; }
	echo go >"$GO"
	wait "$LPID" || true
	wait "$APID"
	bpftool -j prog show >"$T/after"
	bpftool -j map show >"$T/maps_after"
	# the kernel frees a detached program after an RCU grace period:
	# wait for that (bounded), then nothing of ours may be left
	for ((i = 0; i < 100; i++)); do
		bpftool -j prog show >"$T/after"
		[ -z "$(comm -12 "$T/ours" <(ids_of "$T/after"))" ] && break
		sleep 0.1
	done
	expect_eq "$(comm -12 "$T/ours" <(ids_of "$T/after") | tr '\n' ' ')" "" "programs left loaded"
	bpftool -j map show >"$T/maps_after"
	expect_eq "$(comm -12 "$T/maps" <(python3 -c 'import json,sys
for m in json.load(open(sys.argv[1])): print(m["id"])' "$T/maps_after" | sort -n) | tr '\n' ' ')" "" \
		"maps left"
	expect_eq "$(trace_count "$TRACE")" 4 "the calls of lookup 3"
}

@test "attach --all and --comm: other processes' calls, never bpfspy's own" {
	require_attach
	attach_bg --all
	"$EXERCISER" lookup 2 >/dev/null
	"$EXERCISER" lookup 2 >/dev/null
	kill -INT "$APID"
	wait "$APID"
	expect_valid "$TRACE"
	expect_eq "$(trace_count "$TRACE" pid="$APID")" 0 "bpfspy's own calls"
	[ "$(trace_count "$TRACE" comm=exerciser)" -ge 6 ] || {
		echo "the exercisers' calls are missing" >&2
		return 1
	}
	# a name no other process on the machine has
	cp "$EXERCISER" "$T/bpfspyattcomm"
	attach_bg --comm bpfspyattcomm
	"$T/bpfspyattcomm" lookup 2 >/dev/null
	"$EXERCISER" lookup 2 >/dev/null
	kill -INT "$APID"
	wait "$APID"
	expect_eq "$(trace_count "$TRACE")" 3 "the calls of one lookup 2"
	expect_eq "$(tc get "$TRACE" comm | sort -u)" bpfspyattcomm "only processes so named"
}

@test "attach: records that find no room in the ring buffer are counted as lost" {
	require_attach
	start_waiting "$EXERCISER" every
	# one page: the 4 KiB verifier log's copy cannot fit
	attach_bg --buffer-size 4096 -p "$LPID"
	echo go >"$GO"
	wait "$LPID" || true
	wait "$APID"
	expect_valid "$TRACE"
	[ "$(tc get "$TRACE" count event=lost)" -ge 1 ] || {
		echo "no lost event" >&2
		cat "$TRACE" >&2
		return 1
	}
	# the load itself may be lost too (the buffer holds a few records)
	if [ "$(trace_count "$TRACE" cmd=BPF_PROG_LOAD)" = 1 ]; then
		expect_eq "$(tc get "$TRACE" copies_lost cmd=BPF_PROG_LOAD)" true "the load's copies"
	fi
	run "$BPFSPY" report "$TRACE"
	expect_eq "$status" 0 "report reads it"
}

@test "attach: without CAP_BPF and CAP_PERFMON it says so" {
	require_attach
	run --separate-stderr spy --no-check --unprivileged -- "$BPFSPY" attach -p $$
	expect_eq "$status" 2 "exit status"
	expect_match "$stderr" 'CAP_BPF and CAP_PERFMON' "the message"
}

@test "run --kernel --check: the findings when the program ends, its status; SIGTERM goes to it" {
	require_attach
	run --separate-stderr "$BPFSPY" run --kernel --check -o "$TRACE" -- "$EXERCISER" eperm
	expect_eq "$status" 1 "a rule failed"
	expect_match "$stderr" 'FAIL zero-tail' "the findings"
	run "$BPFSPY" run --kernel -o "$TRACE" -- sh -c 'exit 7'
	expect_eq "$status" 7 "the program's status"
	"$BPFSPY" run --kernel -o "$TRACE" -- sh -c "\"$EXERCISER\" lookup 1; exec sleep 60" \
		>/dev/null &
	pid=$!
	KILL_PIDS="$KILL_PIDS $pid"
	for ((i = 0; i < 200; i++)); do
		[ "$(trace_count "$TRACE" 2>/dev/null)" = 2 ] && break
		sleep 0.1
	done
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	expect_eq "$st" 143 "SIGTERM killed the program, not the trace"
	expect_eq "$(trace_count "$TRACE")" 2 "the trace was finished"
}

@test "attach: by fentry where the kernel loads it, else by the syscall tracepoints, saying which and why" {
	require_attach
	local pid forced
	sleep 3 &
	pid=$!
	KILL_PIDS="$KILL_PIDS $pid"
	BPFSPY_ATTACH_HOOK=fentry run timeout 20 "$BPFSPY" attach -p "$pid" -o "$T/fentry.jsonl"
	forced=$output
	echo "# BPFSPY_ATTACH_HOOK=fentry: status $status: $forced" >&3
	attach_bg -p "$pid"
	if [ "$status" -eq 0 ]; then
		expect_match "$forced" '^bpfspy: attached to 1 process \(fentry\)$' "fentry forced"
		expect_match "$(cat "$T/attach.err")" '^bpfspy: attached to 1 process \(fentry\)$' \
			"fentry chosen where it loads"
	else
		# the kernel's refusal, as errno and as the reason for the fallback
		expect_eq "$status" 2 "fentry refused: usage status"
		expect_match "$forced" 'cannot load the kernel program by fentry/fexit on __x64_sys_bpf: ' \
			"what was refused"
		local why=${forced#*__x64_sys_bpf: }
		why=${why%% (BPFSPY_ATTACH_HOOK*}
		expect_eq "$(cat "$T/attach.err")" \
			"bpfspy: attached to 1 process (syscall tracepoints; fentry refused: $why)" \
			"the tracepoints, and why"
	fi
	kill "$pid"
	wait "$APID"
}

@test "attach: bad arguments" {
	run "$BPFSPY" attach
	expect_eq "$status" 2 "no target"
	run "$BPFSPY" attach -p 0
	expect_eq "$status" 2 "pid 0"
	run "$BPFSPY" attach --all --comm x
	expect_eq "$status" 2 "two targets"
	run "$BPFSPY" attach --buffer-size 1000 --all
	expect_eq "$status" 2 "not a power of two"
	run "$BPFSPY" run --kernel --seccomp-trap -- true
	expect_eq "$status" 2 "--kernel with --seccomp-trap"
	run "$BPFSPY" attach --help
	expect_match "$output" 'CAP_BPF' "--help"
	sleep 1 &
	BPFSPY_ATTACH_HOOK=tracepoint attach_bg -p $!
	wait "$APID"
	expect_match "$(cat "$T/attach.err")" 'attached.*\(syscall tracepoints\)' "the hook forced"
	grep -q '^\.SH ATTACH' "$SRCDIR/man/bpfspy.1" || { echo "bpfspy.1 lacks ATTACH" >&2; return 1; }
	grep -q 'kernel' "$SRCDIR/man/bpfspy-trace.5" || { echo "bpfspy-trace.5 lacks via kernel" >&2; return 1; }
}
