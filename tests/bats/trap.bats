#!/usr/bin/env bats
# bpfspy run --seccomp-trap: bpf(2) calls made by the syscall instruction
# itself (past libc's syscall()) are trapped by a seccomp filter to the
# shim, recorded once with "via":"seccomp", and answered as the kernel
# would; the filter is inherited, so children and the program's own SIGSYS
# handling must keep working.

load "${SRCDIR:-..}/tests/lib.bash"

setup() {
	common_setup
	[ "$(uname -m)" = x86_64 ] || skip "--seccomp-trap reads x86_64 registers"
}

# The errno a tagged exerciser line printed, as the trace names it.
trace_errno() {
	local e
	e=$(kv "$1" errno) || return 1
	[ "$e" = 0 ] && echo null || echo "$e"
}

@test "rawcalls: each raw call appears exactly once with the program's ret and errno, via seccomp" {
	require_bpf
	OUT=$T/out
	TR=$TRACE
	spy --seccomp-trap -- "$EXERCISER" rawcalls >"$OUT"
	index_calls
	expect_valid "$TR"
	expect_eq "$(grep -c ' tag=' "$OUT")" 8 "calls made"
	expect_eq "$(trace_count "$TR")" 8 "one event per call, libc or raw"
	for tag in "${!SEQ[@]}"; do
		is "$tag" cmd "${LINE[$tag]%% *}"
		is "$tag" ret "$(kv "$tag" ret)"
		is "$tag" errno "$(trace_errno "$tag")"
		if [[ $tag == raw_* ]]; then
			is "$tag" via seccomp
		else
			absent "$tag" via
		fi
	done
	expect_eq "$(tc count "$TR" via=seccomp)" 6 "raw calls"
	expect_match "$(kv raw_lookup_missing errno)" '^ENOENT$' "a failing raw call"
	is raw_create attr.map_name raw_array
	is raw_lookup out.value_data 8877665544332211
	expect_match "$(ev raw_load out.log)" '^processed 2 insns' "the verifier log of a raw load"
	expect_eq "$(grep '^# errno_clobbered=' "$OUT")" "# errno_clobbered=0" \
		"errno unchanged by the trapped calls"
	expect_eq "$(tc get "$TR" seccomp_trap event=header)" '{"filter":"installed"}' "header"
}

@test "rawcalls: the program's output is the same with and without the trap" {
	require_bpf
	"$EXERCISER" rawcalls >"$T/plain"
	spy --seccomp-trap -- "$EXERCISER" rawcalls >"$T/traced"
	diff -u "$T/plain" "$T/traced"
}

@test "rawcalls: without --seccomp-trap only the libc calls are recorded" {
	require_bpf
	spy -- "$EXERCISER" rawcalls >/dev/null
	expect_eq "$(trace_calls "$TRACE" | tr '\n' '|')" \
		"BPF_MAP_UPDATE_ELEM 0 -|BPF_MAP_LOOKUP_ELEM 0 -|" "libc calls only"
	expect_eq "$(tc count "$TRACE" event=header seccomp_trap)" 0 "no seccomp_trap key"
}

@test "rawcalls: the handler uses less than an 8 KiB signal stack (Go's is 32 KiB)" {
	require_bpf
	run spy --seccomp-trap -- "$EXERCISER" rawcalls altstack
	expect_eq "$status" 0 "$output"
	used=$(sed -n 's/^# altstack_used=//p' <<<"$output")
	echo "# signal stack used: $used bytes" >&3
	expect_match "$used" '^[0-9]+$' "measured"
	# the kernel's signal frame alone is over 1 KiB; the shim's work runs
	# on a stack of its own
	[ "$used" -gt 1024 ] || { echo "the handler did not run on the alternate stack ($used)" >&2; return 1; }
	[ "$used" -lt 8192 ] || { echo "the handler needs $used bytes of stack" >&2; return 1; }
	run "$EXERCISER" rawcalls altstack
	expect_eq "$(sed -n 's/^# altstack_used=//p' <<<"$output")" 0 "no signal without the trap"
}

@test "deny: a raw call of a denied command is trapped, refused by the policy and recorded as denied" {
	require_bpf
	run --separate-stderr spy --seccomp-trap --deny prog_load:EACCES -- "$EXERCISER" raw 5
	expect_eq "$output" "raw cmd=0x5 ret=-1 errno=13" "the program sees the policy's errno"
	expect_eq "$(trace_calls "$TRACE")" "BPF_PROG_LOAD -1 EACCES" "recorded"
	expect_eq "$(tc get "$TRACE" denied)" true "denied"
	expect_eq "$(tc get "$TRACE" via)" seccomp "via"
	expect_eq "$(tc count "$TRACE" checks)" 0 "no checks"
	run "$BPFSPY" check --json "$TRACE"
	expect_match "${lines[-1]}" '"failed_calls":0,.*"injected":0,"denied":1,' "check"
}

@test "inject: a raw call is injected like a libc one and never reaches the kernel" {
	require_bpf
	require_cmd strace
	OUT=$T/out
	TR=$TRACE
	strace -f -qq -e trace=bpf -o "$T/strace.log" \
		"$BPFSPY" run -o "$TR" --seccomp-trap --inject map_lookup_elem:E2BIG:1 -- \
		"$EXERCISER" rawcalls >"$OUT"
	index_calls
	expect_eq "$(kv raw_lookup errno)" E2BIG "the program sees the rule's errno"
	is raw_lookup injected true
	is raw_lookup via seccomp
	is raw_lookup_missing errno ENOENT
	absent raw_lookup_missing injected
	# strace sees a trapped call twice (the trap, then the shim's call):
	# the injected one only once, the kernel never answers it.
	expect_eq "$(grep -c 'BPF_MAP_LOOKUP_ELEM' "$T/strace.log")" 4 \
		"the trapped lookup, the missing one twice, the libc one"
}

@test "children: exec'd images inherit the filter and record their raw calls" {
	require_bpf
	run spy --seccomp-trap -- sh -c "'$EXERCISER' raw 0; '$EXERCISER' raw 0x20005"
	expect_eq "$status" 0 "$output"
	expect_eq "${lines[*]}" "raw cmd=0 ret=-1 errno=22 raw cmd=0x20005 ret=-1 errno=22" "output"
	expect_eq "$(trace_calls "$TRACE" | tr '\n' '|')" "BPF_MAP_CREATE -1 EINVAL|BPF_CMD_131077 -1 EINVAL|" \
		"both recorded"
	expect_eq "$(tc get "$TRACE" pid | sort -u | wc -l)" 2 "two processes"
	expect_eq "$(tc get "$TRACE" seccomp_trap event=header | sort -u)" '{"filter":"inherited"}' \
		"installed by sh, inherited by both"
}

@test "no-follow: exec'd images keep the shim, answer their traps and record nothing" {
	require_bpf
	run spy --seccomp-trap --no-follow -- sh -c "'$EXERCISER' raw 0; '$EXERCISER' rawcalls"
	expect_eq "$status" 0 "$output"
	expect_eq "${lines[0]}" "raw cmd=0 ret=-1 errno=22" "raw call answered"
	expect_match "${lines[3]}" 'tag=raw_lookup value=0x1122334455667788$' "rawcalls ran"
	expect_eq "$(trace_count "$TRACE")" 0 "nothing recorded"
	run spy --seccomp-trap --no-follow -- sh -c 'env | grep ^BPFSPY_PASSTHROUGH='
	expect_eq "$output" "BPFSPY_PASSTHROUGH=1" "children are told"
}

@test "exec: an environment without the shim gets it back in pass-through mode" {
	require_bpf
	run spy --seccomp-trap -- sh -c "env -u LD_PRELOAD '$EXERCISER' raw 0; env -i '$EXERCISER' raw 0"
	expect_eq "$status" 0 "$output"
	expect_eq "${lines[*]}" "raw cmd=0 ret=-1 errno=22 raw cmd=0 ret=-1 errno=22" "both survive"
	expect_eq "$(trace_count "$TRACE")" 0 "and record nothing"
	run spy --seccomp-trap -- env -i /usr/bin/env
	expect_eq "${#lines[@]}" 3 "what env -i passes on: $output"
	expect_eq "$(realpath "${lines[0]#LD_PRELOAD=}")" "$(realpath "$SHIM")" "the shim"
	expect_eq "${lines[1]}|${lines[2]}" "BPFSPY_SECCOMP_TRAP=inherited|BPFSPY_PASSTHROUGH=1" \
		"answering traps, recording nothing"
	# Without the trap nothing is added.
	run spy -- env -i /usr/bin/env
	expect_eq "$output" "" "plain run"
}

@test "documented limits: a raw execve without the shim and a raw call with SIGSYS blocked die of SIGSYS" {
	require_bpf
	run "$EXERCISER" rawexec "$EXERCISER" raw 0
	expect_eq "$output" "raw cmd=0 ret=-1 errno=22" "without bpfspy"
	run spy --seccomp-trap -- "$EXERCISER" rawexec "$EXERCISER" raw 0
	expect_eq "$status" 159 "the new image has no shim: $output"
	run "$EXERCISER" rawblocked
	expect_eq "$status" 0 "without bpfspy: $output"
	run spy --seccomp-trap -- "$EXERCISER" rawblocked
	expect_eq "$status" 159 "SIGSYS blocked: $output"
}

@test "sigsys: the program's own SIGSYS handling is what it is without bpfspy" {
	require_bpf
	local mode want
	for mode in sigaction signal sysv ign dfl; do
		run "$EXERCISER" sigsys "$mode"
		want="$status|$output"
		run spy --seccomp-trap -- "$EXERCISER" sigsys "$mode"
		expect_eq "$status|$output" "$want" "sigsys $mode"
	done
	# The handler ran: its own trap answered, a kill() delivered, and a
	# raw bpf call inside it trapped and recorded like the one after it.
	run spy --seccomp-trap -- "$EXERCISER" sigsys sigaction
	expect_eq "$output" "# old_is_mine=1
# after_kill count=1 code=0
# getpgid=4242 count=2 code=1 nested=-22
# raw=-22" "sigaction"
	expect_eq "$(trace_calls "$TRACE" | tr '\n' '|')" "BPF_CMD_999 -1 EINVAL|BPF_CMD_999 -1 EINVAL|" \
		"both raw calls"
	expect_eq "$(tc get "$TRACE" via | sort -u)" seccomp "via"
}

@test "header: no_new_privs is set only when the filter needs it, and said so" {
	require_bpf
	require_root
	run spy --seccomp-trap -- sh -c "'$EXERCISER' raw 0 >/dev/null; grep NoNewPrivs /proc/self/status"
	expect_match "$output" '^NoNewPrivs:[[:space:]]+0$' "root needs none"
	expect_eq "$(tc get "$TRACE" seccomp_trap event=header)" '{"filter":"inherited"}' "header"
	run spy --seccomp-trap --drop-caps sys_admin -- sh -c "'$EXERCISER' raw 0 >/dev/null; grep NoNewPrivs /proc/self/status"
	expect_match "$output" '^NoNewPrivs:[[:space:]]+1$' "without CAP_SYS_ADMIN"
	run spy --seccomp-trap --drop-caps sys_admin -- "$EXERCISER" raw 0
	expect_eq "$(tc get "$TRACE" seccomp_trap event=header)" \
		'{"filter":"installed","set_no_new_privs":true}' "header"
}

@test "go: a cilium/ebpf loader's calls are recorded once each, and its own SIGSYS handler still runs" {
	require_bpf
	require_cmd strace
	GOLOADER=$BUILDDIR/tests/progs/goloader
	[ -x "$GOLOADER" ] ||
		skip "tests/progs/goloader was not built (needs golang-go and golang-github-cilium-ebpf-dev)"
	"$GOLOADER" >"$T/plain"
	n=$(strace -f -qq -e trace=bpf "$GOLOADER" 2>&1 >/dev/null | grep -c '^bpf(\|^\[pid  *[0-9]*\] bpf(')
	expect_match "$n" '^[1-9][0-9]*$' "bpf calls strace counts"
	spy -- "$GOLOADER" >/dev/null
	expect_eq "$(trace_count "$TRACE")" 0 "Go bypasses libc: nothing without the trap"
	spy --seccomp-trap -- "$GOLOADER" >"$T/traced"
	diff -u "$T/plain" "$T/traced"
	expect_valid "$TRACE"
	expect_eq "$(trace_count "$TRACE")" "$n" "one event per call"
	expect_eq "$(tc count "$TRACE" via=seccomp)" "$n" "all trapped"
	expect_eq "$(tc get "$TRACE" ret attr.map_name=go_array)" "$(sed -n 's/^map_fd=//p' "$T/plain")" \
		"the map create"
	expect_eq "$(tc get "$TRACE" errno cmd=BPF_MAP_LOOKUP_ELEM | tr '\n' ' ')" "null ENOENT " "lookups"
	expect_eq "$(tc get "$TRACE" ret attr.prog_name=go_prog)" "$(sed -n 's/^prog_fd=//p' "$T/plain")" \
		"the program load"
	# Go installs its SIGSYS handler through libc's sigaction: a SIGSYS
	# sent by kill() reaches it, and Go crashes as it would without us.
	run --separate-stderr "$GOLOADER" kill
	expect_eq "$status|${stderr%%$'\n'*}" "2|SIGSYS: bad system call" "without bpfspy"
	run --separate-stderr spy --seccomp-trap -- "$GOLOADER" kill
	expect_eq "$status|${stderr%%$'\n'*}" "2|SIGSYS: bad system call" "under the trap"
}

@test "run --help and the man page document --seccomp-trap" {
	run "$BPFSPY" run --help
	expect_match "$output" '--seccomp-trap' "--help"
	expect_match "$output" 'SIGSYS' "--help names the risk"
	grep -q 'seccomp\\-trap' "$SRCDIR/man/bpfspy.1" || { echo "bpfspy.1 lacks it" >&2; return 1; }
	grep -q 'seccomp_trap' "$SRCDIR/man/bpfspy-trace.5" || { echo "bpfspy-trace.5 lacks it" >&2; return 1; }
}
