#!/usr/bin/env bats
# The shim never crashes, starves or changes the traced program, and never
# loses an event without counting it (issue 13).  Each reproducer in
# tests/progs/hs_*.c runs natively and under bpfspy: same exit status, same
# stdout, and per process the calls it made = events recorded + counted
# lost.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
	HS=$BUILDDIR/tests/progs
}

# hs_both PROG ARGS...: run natively, then traced; compare.  Both without
# the fds bats keeps open (3 and up), as a program started by a shell.
hs_both() {
	HS_CALLS=$T/native.calls run --separate-stderr "$@" 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
	native_status=$status
	native_out=$output
	HS_CALLS=$T/traced.calls run --separate-stderr \
		"$BPFSPY" run --spool-dir "$T" -o "$TRACE" ${SPY_OPTS:-} -- "$@" \
		3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
	expect_eq "$status" "$native_status" "exit status (native: $native_out)"
	expect_eq "$output" "$native_out" "stdout"
	# torn or undecodable records, spools that could not be gathered
	expect_eq "$(grep '^bpfspy:' <<<"$stderr")" "" "bpfspy's complaints"
	expect_valid "$TRACE"
	expect_accounted
}

# lost events of @pid, summed over its lost lines
lost_of() {
	tc get "$TRACE" count event=lost pid="$1" | awk '{ s += $1 } END { print s + 0 }'
}

# Every process of $T/traced.calls: calls = events + lost.
expect_accounted() {
	local pid calls ev lost
	[ -s "$T/traced.calls" ] || { echo "no process reported its calls" >&2; return 1; }
	# a pid that exec'd reports once per image
	awk '{ n[$1] += $2 } END { for (p in n) print p, n[p] }' "$T/traced.calls" >"$T/per_pid"
	while read -r pid calls; do
		ev=$(tc count "$TRACE" pid="$pid")
		lost=$(lost_of "$pid")
		expect_eq "$((ev + lost))" "$calls" "pid $pid: $ev events + $lost lost"
	done <"$T/per_pid"
}

expect_none_lost() {
	expect_eq "$(tc count "$TRACE" event=lost)" 0 "lost lines"
}

# ---- stack ------------------------------------------------------------------

@test "stack: the first call and 1000 more on a thread with a 16 KiB stack" {
	require_bpf
	hs_both "$HS/hs_stack" thread16k 1000
	expect_eq "$output" "thread16k calls=1000 ok=1000"
	expect_none_lost
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE)" 1 "the map, made on that thread"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM ret=0)" 1000 "lookups recorded"
}

@test "stack: 1000 calls from a signal handler on an 8 KiB sigaltstack" {
	require_bpf
	hs_both "$HS/hs_stack" altstack8k 1000
	expect_eq "$output" "altstack8k calls=1000 ok=1000"
	expect_none_lost
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM ret=0)" 1000 "lookups recorded"
}

@test "stack: calls 1 KiB above the guard page, the attr at the frame's bottom" {
	require_bpf
	hs_both "$HS/hs_stack" guard 100
	expect_eq "$output" "guard calls=100 ok=100"
	expect_none_lost
}

@test "stack: an attr on the caller's stack is still copied, not read with process_vm_readv" {
	require_bpf
	require_cmd strace
	# the shim runs on its own stack: it must still know the caller's
	run --separate-stderr strace -f -qq -c -e trace=process_vm_readv -o "$T/strace" \
		"$BPFSPY" run -o "$TRACE" -- "$HS/hs_stack" thread16k 1000
	expect_eq "$status" 0
	local n
	n=$(awk '$NF == "process_vm_readv" { print $4 }' "$T/strace")
	[ "${n:-0}" -lt 100 ] || { echo "$n process_vm_readv calls for 1000 lookups" >&2; return 1; }
}

@test "stack: --stack unwinds from the shim's stack back to the caller's" {
	require_bpf
	SPY_OPTS=--stack hs_both "$HS/hs_stack" thread16k 10
	expect_none_lost
	# hs_lookup() is inlined into the thread's function
	expect_eq "$(tc get "$TRACE" stack.0.function cmd=BPF_MAP_LOOKUP_ELEM | sort -u)" \
		lookups "innermost frame: the program's, not the shim's"
	# then libc's start_thread and clone3 (libc has no .symtab here)
	expect_eq "$(tc get "$TRACE" stack.1.module cmd=BPF_MAP_LOOKUP_ELEM | sort -u)" \
		libc.so.6 "unwound off the shim's own stack to the thread's start"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM stack.2.module=libc.so.6)" 10 \
		"and to the bottom of the thread"
}

# ---- forks the shim's fork handler does not see ------------------------------

# The traced program: the process of $T/per_pid whose parent is not one.
parent_pid() {
	local pid ppid
	paste <(tc get "$TRACE" pid event=header) <(tc get "$TRACE" ppid event=header) |
	while read -r pid ppid; do
		awk -v p="$ppid" '$1 == p { f = 1 } END { exit f }' "$T/per_pid" && echo "$pid"
	done | sort -u
}

# The other one.
child_pid() {
	awk -v p="$(parent_pid)" '$1 != p { print $1 }' "$T/per_pid"
}

@test "vfork: the child's calls are counted as its lost events, the parent's all recorded" {
	require_bpf
	hs_both "$HS/hs_fork" vfork 1000 2000
	expect_eq "$output" $'child exit=0\nparent ok=4000'
	local child
	child=$(child_pid)
	expect_eq "$(lost_of "$child")" 1000 "the vfork child's calls, counted"
	expect_eq "$(tc count "$TRACE" pid="$child")" 0 "events under the child's pid"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "no seq gap"
}

@test "vfork first: a child that leaves by exit() does not take the parent's spool" {
	require_bpf
	hs_both "$HS/hs_fork" vforkfirst 1000 20000
	expect_eq "$output" $'child exit=0\nparent ok=20000'
	expect_eq "$(tc count "$TRACE" pid="$(parent_pid)")" 20001 \
		"the parent's calls, all recorded"
}

@test "vfork then exec: the exec'd image is traced, the calls before exec counted" {
	require_bpf
	hs_both "$HS/hs_fork" vforkexec 1000 500
	expect_eq "$(tc count "$TRACE" event=header)" 2 "headers"
}

@test "syscall(SYS_fork): the child has its own spool, pid and seq" {
	require_bpf
	hs_both "$HS/hs_fork" sysfork 1000 2000
	expect_eq "$(tc count "$TRACE" pid="$(child_pid)")" 1000 "the child's events"
	expect_eq "$(tc count "$TRACE" event=lost)" 0 "lost lines"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "each process's seq runs 1..N"
}

@test "clone() without CLONE_VM: the child has its own spool, pid and seq" {
	require_bpf
	hs_both "$HS/hs_fork" clone 1000 2000
	expect_eq "$(tc count "$TRACE" pid="$(child_pid)")" 1000 "the child's events"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "each process's seq runs 1..N"
}

# ---- signals ------------------------------------------------------------------

@test "signals: handlers' calls during each process's first call are all recorded" {
	require_bpf
	hs_both "$HS/hs_signal" 100 20
	expect_eq "$output" "children=100 failed=0"
	expect_none_lost
	run tc seq "$TRACE"
	expect_eq "$status" 0 "each process's seq runs 1..N"
}

@test "signals: under --summary every call is counted, the handlers' among them" {
	require_bpf
	# the handlers' lookups land in the middle of the thread's own
	# counting: a torn add loses one
	HS_CALLS=$T/traced.calls run --separate-stderr "$BPFSPY" run --summary -o "$TRACE" -- \
		"$HS/hs_signal" 20 3000 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
	expect_eq "$status" 0 "hs_signal: $stderr"
	expect_eq "$output" "children=20 failed=0"
	local pid calls counted n=0
	while read -r pid calls; do
		counted=$(jq -s --argjson p "$pid" '[.[] | select(.event == "summary" and .pid == $p) |
			.commands[].calls] | add' "$TRACE")
		expect_eq "$counted" "$calls" "pid $pid: calls counted"
		n=$((n + 1))
	done <"$T/traced.calls"
	expect_eq "$n" 20 "processes that reported"
	expect_eq "$(tc count "$TRACE" event=lost)" 0 "lost lines"
}

# ---- accounting -----------------------------------------------------------------

# In a private mount namespace with a tmpfs of @size on $T/small, run
# bpfspy with its spool there.
spy_small_spool() {
	local size=$1
	shift
	mkdir -p "$T/small"
	HS_CALLS=$T/traced.calls run --separate-stderr unshare -m sh -c \
		'mount -t tmpfs -o size="$1" none "$2" || exit 125; shift 2; exec "$@"' \
		sh "$size" "$T/small" "$BPFSPY" run --spool-dir "$T/small" -o "$TRACE" -- "$@"
	[ "$status" -ne 125 ] || skip "cannot mount a tmpfs in a private mount namespace"
}

@test "a full spool: a thread that starts after it filled is not counted twice" {
	require_bpf
	require_root
	require_cmd unshare
	# 20001 events (~5 MB) into a 512 KiB tmpfs, then one more call from
	# a new thread: its name finds no room either, and is no event
	spy_small_spool 512k "$HS/hs_spool" 20000
	expect_eq "$status" 0
	expect_eq "$output" "ok=20000 late=1"
	expect_valid "$TRACE"
	# a lost line for each stretch the collector found losses in
	[ "$(tc count "$TRACE" event=lost)" -ge 1 ] || { echo "no lost line" >&2; false; }
	expect_accounted
}

# ---- file descriptors -------------------------------------------------------------

@test "fds: under RLIMIT_NOFILE 4, 8 and 16 the program gets the fds and headroom it gets natively" {
	require_bpf
	local lim
	for lim in "4 4" "8 8" "16 16" "4 64" "16 1024" "1024 4096"; do
		rm -f "$TRACE" "$T/traced.calls"
		# shellcheck disable=SC2086
		hs_both "$HS/hs_fds" $lim 100
		expect_match "$output" '^map=3 err=-' "soft:hard $lim: the first map is fd 3"
		expect_none_lost
	done
}

# ---- files the program owns ----------------------------------------------------------

@test "files: a program that closes the spool's fd and dup2()s its own file there" {
	require_bpf
	hs_both "$HS/hs_files" steal "$T/own" 200000
	expect_eq "$output" "lookups=200000 ok=200000 size=5" "its file is untouched"
	expect_none_lost
}

@test "files: closefrom(3) after the first call" {
	require_bpf
	hs_both "$HS/hs_files" closefrom 200000
	expect_eq "$output" "map=3 lookups=200000 ok=200000"
	expect_none_lost
}

@test "files: a full ext2 spool (no fallocate) is lost events, never a SIGBUS" {
	require_bpf
	require_root
	require_cmd unshare mkfs.ext2
	truncate -s 2M "$T/ext2.img"
	mkfs.ext2 -q -F "$T/ext2.img" >/dev/null 2>&1 || skip "mkfs.ext2 failed"
	mkdir -p "$T/small"
	HS_CALLS=$T/traced.calls run --separate-stderr unshare -m sh -c \
		'mount -o loop "$1" "$2" || exit 125; shift 2; exec "$@"' \
		sh "$T/ext2.img" "$T/small" "$BPFSPY" run --spool-dir "$T/small" -o "$TRACE" -- \
		"$HS/hs_files" calls 50000
	[ "$status" -ne 125 ] || skip "cannot mount an ext2 image on a loop device here"
	expect_eq "$status" 0 "exit status (135: SIGBUS)"
	expect_eq "$output" "calls done"
	# a lost line for each stretch the collector found losses in
	[ "$(tc count "$TRACE" event=lost)" -ge 1 ] || { echo "no lost line" >&2; false; }
	expect_accounted
}

# ---- address space ---------------------------------------------------------------

@test "address space: under RLIMIT_AS 256 MiB and 1 GiB the largest mmap drops by 3 MiB at most" {
	require_bpf
	local mib native traced
	for mib in 256 1024; do
		rm -f "$TRACE" "$T/traced.calls"
		hs_both "$HS/hs_as" "$mib" 100
		expect_eq "$output" "map=3 lookups=100 ok=100"
		expect_none_lost
		HS_CALLS= run --separate-stderr "$HS/hs_as" "$mib" 100
		native=${stderr#largest=}
		HS_CALLS= run --separate-stderr "$BPFSPY" run -o "$T/as.jsonl" -- "$HS/hs_as" "$mib" 100
		traced=${stderr#largest=}
		echo "# RLIMIT_AS $mib MiB: largest mmap $native MiB natively, $traced traced" >&3
		[ "$((native - traced))" -le 3 ] ||
			{ echo "RLIMIT_AS $mib MiB: $native MiB natively, $traced traced" >&2; return 1; }
	done
}

@test "address space: 50000 events under RLIMIT_AS 256 MiB, a small ring, every call accounted" {
	require_bpf
	# the ring is sized to the limit (256 KiB here): back-to-back calls
	# may outrun the collector, and what does not fit is counted
	hs_both "$HS/hs_as" 256 50000
	expect_eq "$output" "map=3 lookups=50000 ok=50000"
}

# ---- environment ---------------------------------------------------------------------

@test "environment: the exec'd image of --no-follow gets no BPFSPY_OUTPUT, _FOLLOW, _SPOOL_DIR" {
	require_bpf
	SPY_OPTS=--no-follow hs_both "$HS/hs_env" exec 10
	expect_eq "$(grep -cE '^BPFSPY_(OUTPUT|SPOOL_DIR|FOLLOW)$' <<<"$output")" 0 "variables shown"
	expect_eq "$(tail -1 <<<"$output")" "shown"
	expect_eq "$(tc count "$TRACE" event=header)" 1 "headers: the exec'd image is not traced"
}
