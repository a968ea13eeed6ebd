#!/usr/bin/env bats
# The audit toolkit of bpfspy run, on the real kernel: faults injected by
# the shim (--inject), a seccomp deny policy (--deny), capabilities taken
# away (--drop-caps, --unprivileged).

load "${SRCDIR:-..}/tests/lib.bash"

setup() {
	common_setup
}

# map_create_names FILE: the map_name of each BPF_MAP_CREATE, in order.
map_create_names() {
	tc get "$1" attr.map_name cmd=BPF_MAP_CREATE
}

# nth_create NAME FILE: the position of the first BPF_MAP_CREATE of NAME.
nth_create() {
	map_create_names "$2" | grep -n -x -m1 "$1" | cut -d: -f1
}

# ---- --inject ---------------------------------------------------------------------

@test "inject: the Nth BPF_MAP_CREATE fails with ENOMEM and libbpf retries without BTF" {
	require_bpf
	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
	"$BPFSPY" run -o "$T/clean.jsonl" -- "$LOADER" "$BPF_OBJ" >/dev/null 2>&1
	n=$(nth_create counts "$T/clean.jsonl")
	expect_match "$n" '^[1-9][0-9]*$' "position of the counts map"
	expect_match "$(tc get "$T/clean.jsonl" attr.btf_fd attr.map_name=counts)" '^[1-9]' \
		"a clean run creates counts with BTF"

	run --separate-stderr spy --inject "BPF_MAP_CREATE:ENOMEM:$n" -- "$LOADER" "$BPF_OBJ"
	expect_eq "$status" 0 "the loader survives: $stderr"
	expect_match "$stderr" 'bpf_create_map_xattr\(counts\).*Retrying without BTF' "libbpf's fallback"
	expect_valid "$TRACE"
	expect_eq "$(nth_create counts "$TRACE")" "$n" "same position"
	expect_eq "$(tc get "$TRACE" ret attr.map_name=counts | tr '\n' ' ')" \
		"-1 $(tc get "$TRACE" ret attr.map_name=counts | sed -n 2p) " "two creates of counts"
	expect_eq "$(tc get "$TRACE" errno attr.map_name=counts injected)" ENOMEM "injected errno"
	expect_eq "$(tc get "$TRACE" injected attr.map_name=counts | head -1)" true "marked"
	expect_eq "$(tc count "$TRACE" injected)" 1 "one injected call"
	expect_match "$(tc get "$TRACE" ret attr.map_name=counts | sed -n 2p)" '^[0-9]+$' "the retry succeeds"
	expect_eq "$(tc get "$TRACE" attr.btf_fd attr.map_name=counts | sed -n 2p)" 0 "retry without BTF"
	expect_eq "$(tc count "$TRACE" attr.map_name=counts injected checks)" 0 "no checks on it"
	expect_eq "$(tc count "$TRACE" attr.map_name=counts injected audit)" 0 "no audit on it"
	expect_eq "$(tc get "$TRACE" inject event=header)" \
		"[{\"cmd\":\"BPF_MAP_CREATE\",\"errno\":\"ENOMEM\",\"when\":\"$n\"}]" "header"
	run "$BPFSPY" check "$TRACE"
	expect_eq "$status" 0 "check: $output"
	[[ $output != *"error ENOMEM"* ]] || { echo "injected ENOMEM listed as an error: $output" >&2; return 1; }
	expect_match "$output" 'bpfspy run made 1 failures: 1 injected \(--inject\), 0 denied' "summary"
	# report keeps it apart from the loader's failures too
	run --separate-stderr "$BPFSPY" report --json "$TRACE"
	expect_eq "$status" 0 "report"
	expect_match "$output" '"injected":1,"denied":0' "report counts the injection"
	[[ $output != *'"errno":"ENOMEM"'* ]] || { echo "injected ENOMEM listed as a failure" >&2; return 1; }
}

@test "inject N+: every BPF_MAP_CREATE from the Nth on fails and so does the loader" {
	require_bpf
	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
	"$BPFSPY" run -o "$T/clean.jsonl" -- "$LOADER" "$BPF_OBJ" >/dev/null 2>&1
	n=$(nth_create counts "$T/clean.jsonl")
	run --separate-stderr spy --inject "map_create:12:$n+" -- "$LOADER" "$BPF_OBJ"
	expect_eq "$status" 1 "the loader gives up"
	expect_match "$stderr" 'minimal_loader: load: Cannot allocate memory' "its message"
	# Before the Nth: made by the kernel; from it on: none is.
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE injected)" \
		"$(($(tc count "$TRACE" cmd=BPF_MAP_CREATE) - n + 1))" "injected from the Nth on"
	expect_eq "$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE injected | sort -u)" -1 "all fail"
	expect_eq "$(tc get "$TRACE" errno cmd=BPF_MAP_CREATE injected | sort -u)" ENOMEM "ENOMEM"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE injected!=true ret=-1)" 0 "no other failure"
	expect_eq "$(tc get "$TRACE" inject event=header)" \
		"[{\"cmd\":\"BPF_MAP_CREATE\",\"errno\":\"ENOMEM\",\"when\":\"$n+\"}]" "header"
	run "$BPFSPY" check --json "$TRACE"
	expect_eq "$status" 0 "check: $output"
	expect_match "${lines[-1]}" '"failed_calls":0,.*"injected":2,"denied":0,"libbpf_consequent":[1-9]' \
		"libbpf's failures are the injection's"
}

@test "inject: the kernel never sees an injected call; :N and :N+ count per command" {
	require_bpf
	require_cmd strace
	OUT=$T/out
	strace -f -qq -e trace=bpf -o "$T/strace.log" \
		"$BPFSPY" run -o "$TRACE" --inject BPF_MAP_LOOKUP_ELEM:ENOENT:2+ \
		--inject 0:EPERM:2 -- "$EXERCISER" threads 1 4 >"$OUT" || true
	expect_eq "$(cat "$OUT")" "threads=1 calls=4 total=1" "exerciser"
	fd=$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE)
	expect_match "$fd" '^[0-9]+$' "map fd"
	expect_eq "$(trace_calls "$TRACE" | tr '\n' '|')" \
		"BPF_MAP_CREATE $fd -|BPF_MAP_LOOKUP_ELEM 0 -|BPF_MAP_LOOKUP_ELEM -1 ENOENT|BPF_MAP_LOOKUP_ELEM -1 ENOENT|BPF_MAP_LOOKUP_ELEM -1 ENOENT|" \
		"the program's view"
	expect_eq "$(tc get "$TRACE" injected | tr '\n' ' ')" "<absent> <absent> true true true " "marks"
	expect_eq "$(strace_calls "$T/strace.log" | tr '\n' '|')" \
		"BPF_MAP_CREATE $fd -|BPF_MAP_LOOKUP_ELEM 0 -|" "the kernel's view"

	# Only the 3rd, by numbers.
	spy --inject 1:2:3 -- "$EXERCISER" threads 1 4 >/dev/null || true
	expect_eq "$(tc get "$TRACE" errno cmd=BPF_MAP_LOOKUP_ELEM | tr '\n' ' ')" \
		"null null ENOENT null " "only the third lookup"
	expect_eq "$(tc get "$TRACE" inject event=header)" \
		'[{"cmd":"BPF_MAP_LOOKUP_ELEM","errno":"ENOENT","when":"3"}]' "header"
}

@test "inject: one count per process shared by its threads" {
	require_bpf
	run spy --inject map_lookup_elem:ENOENT:201+ -- "$EXERCISER" threads 4 100
	expect_eq "$output" "threads=4 calls=100 total=200" "exactly 200 made"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM injected=true)" 200 "200 injected"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM ret=0)" 200 "200 by the kernel"
}

@test "inject: packed and live events both carry the mark" {
	require_bpf
	spy --no-check --inject map_lookup_elem:ENOENT -- "$EXERCISER" threads 1 2 >/dev/null || true
	expect_eq "$(tc get "$TRACE" injected cmd=BPF_MAP_LOOKUP_ELEM | tr '\n' ' ')" "true true " \
		"packed lookups, without checks"
	spy --inject MAP_CREATE:E2BIG -- "$EXERCISER" lookup 1 >/dev/null 2>&1 || true
	expect_eq "$(tc get "$TRACE" errno cmd=BPF_MAP_CREATE injected=true)" E2BIG "live create"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM)" 0 "the exerciser stopped"
}

@test "inject, deny, drop-caps: malformed rules are refused before PROGRAM runs" {
	local bad
	for bad in "--inject FOO:EPERM" "--inject BPF_MAP_CREATE" "--inject map_create:EWHAT" \
		"--inject map_create:EPERM:0" "--inject map_create:EPERM:x+" "--deny" \
		"--deny map_create,:EPERM" "--deny nope" "--deny map_create:0" \
		"--deny map_create --deny 0:EACCES" \
		"--drop-caps cap_nope" "--drop-caps bpf,,perfmon"; do
		# shellcheck disable=SC2086
		run "$BPFSPY" run -o "$TRACE" $bad -- touch "$T/ran"
		expect_eq "$status" 2 "$bad: $output"
		[ ! -e "$T/ran" ] || { echo "$bad: PROGRAM ran" >&2; return 1; }
	done
}

# ---- --deny -----------------------------------------------------------------------

@test "deny: holds in children, raw syscalls and with BPF_COMMON_ATTRS; the header records it" {
	require_bpf
	run --separate-stderr spy --deny BPF_MAP_CREATE,prog_load:EACCES -- \
		sh -c "'$EXERCISER' lookup 1; '$EXERCISER' raw 5; '$EXERCISER' raw 0x10005; '$EXERCISER' raw 0x20005; grep NoNewPrivs /proc/self/status"
	expect_eq "${lines[0]}" "raw cmd=0x5 ret=-1 errno=13" "raw PROG_LOAD denied"
	expect_eq "${lines[1]}" "raw cmd=0x10005 ret=-1 errno=13" "with BPF_COMMON_ATTRS too"
	expect_eq "${lines[2]}" "raw cmd=0x20005 ret=-1 errno=22" "other bits are another command"
	expect_match "${lines[3]}" '^NoNewPrivs:[[:space:]]+1$' "no_new_privs"
	expect_match "$stderr" 'exerciser: BPF_MAP_CREATE: Permission denied' "the child's create"
	expect_eq "$(trace_calls "$TRACE")" "BPF_MAP_CREATE -1 EACCES" "only the libc call is traced"
	expect_eq "$(tc get "$TRACE" denied)" true "marked denied"
	expect_eq "$(tc count "$TRACE" checks)" 0 "no checks"
	expect_eq "$(tc get "$TRACE" deny event=header)" \
		'[{"cmd":"BPF_MAP_CREATE","errno":"EACCES"},{"cmd":"BPF_PROG_LOAD","errno":"EACCES"}]' \
		"header of the child"
	run "$BPFSPY" check --json "$TRACE"
	expect_match "${lines[-1]}" '"failed_calls":0,.*"injected":0,"denied":1,' "check"
}

@test "deny: EPERM by default, past --no-follow, and the same errno from elsewhere is no denial" {
	require_bpf
	run spy --no-follow --deny map_create -- sh -c "'$EXERCISER' lookup 1"
	expect_eq "$status" 1 "untraced child refused: $output"
	expect_match "$output" 'BPF_MAP_CREATE: Operation not permitted' "EPERM"
	expect_eq "$(trace_count "$TRACE")" 0 "nothing traced"
	# An EPERM of an undenied command is the kernel's.
	spy --deny map_create --drop-caps sys_admin,bpf -- "$EXERCISER" raw 0 >/dev/null || true
	spy --deny prog_load --drop-caps sys_admin,bpf -- "$EXERCISER" privs >"$T/out" || true
	expect_eq "$(tc get "$TRACE" errno cmd=BPF_MAP_CREATE | sort -u)" EPERM "kernel EPERM"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE denied)" 0 "not denied"
	expect_eq "$(tc count "$TRACE" cmd=BPF_PROG_LOAD denied=true)" 2 "the loads are"
}

# ---- --drop-caps, --unprivileged ----------------------------------------------------

@test "unprivileged: the privs calls fail with EPERM and their audits name the dropped capabilities" {
	require_bpf
	[ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null)" = 2 ] ||
		skip "the wording checked here assumes kernel.unprivileged_bpf_disabled=2"
	full=$("$EXERCISER" privs | head -1 | sed -n 's/^# capeff=\([0-9a-f]*\) .*/\1/p')
	OUT=$T/privs.out
	TR=$T/privs.jsonl
	"$BPFSPY" run -o "$TR" --unprivileged -- "$EXERCISER" privs >"$OUT"
	index_calls
	want=$(printf '%016x' $((0x$full & ~(1 << 39 | 1 << 38 | 1 << 21 | 1 << 12))))
	expect_match "$(head -1 "$OUT")" "^# capeff=$want " "effective set without the four"
	expect_eq "$(tc get "$TR" dropped_caps event=header)" \
		'["CAP_NET_ADMIN","CAP_SYS_ADMIN","CAP_PERFMON","CAP_BPF"]' "header"
	expect_eq "$(tc get "$TR" errno | sort -u)" EPERM "every call EPERM"
	expect_eq "$(tc count "$TR" denied)" 0 "none denied"
	is map_hash explanation.text "BPF_MAP_CREATE of a BPF_MAP_TYPE_HASH map needs no capability, but kernel.unprivileged_bpf_disabled=2 requires CAP_BPF; the process lacks CAP_BPF: the kernel returns EPERM"
	is prog_tp audit.verdict "BPF_PROG_LOAD of a BPF_PROG_TYPE_TRACEPOINT program needs CAP_BPF and CAP_PERFMON; the process has neither; kernel.unprivileged_bpf_disabled=2"
	is prog_xdp audit.verdict "BPF_PROG_LOAD of a BPF_PROG_TYPE_XDP program needs CAP_BPF and CAP_NET_ADMIN; the process has neither; kernel.unprivileged_bpf_disabled=2"
	is prog_next_id explanation.text "BPF_PROG_GET_NEXT_ID needs CAP_SYS_ADMIN; the process lacks CAP_SYS_ADMIN: the kernel returns EPERM"
	run "$BPFSPY" run -o "$T/x.jsonl" --unprivileged -- grep -E '^Cap(Bnd|Amb|Prm):' /proc/self/status
	expect_eq "$status" 0 "$output"
	for l in "${lines[@]}"; do
		v=0x${l##*:[[:space:]]}
		v=${v//[[:space:]]/}
		expect_eq "$((v & (1 << 39 | 1 << 38 | 1 << 21 | 1 << 12)))" 0 "$l"
	done
}

@test "drop-caps: CAP_BPF kept, the missing CAP_PERFMON and CAP_NET_ADMIN named" {
	require_bpf
	[ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null)" = 2 ] ||
		skip "the wording checked here assumes kernel.unprivileged_bpf_disabled=2"
	OUT=$T/privs.out
	TR=$T/privs.jsonl
	"$BPFSPY" run -o "$TR" --drop-caps perfmon,CAP_NET_ADMIN,sys_admin -- "$EXERCISER" privs >"$OUT"
	index_calls
	expect_eq "$(tc get "$TR" dropped_caps event=header)" \
		'["CAP_NET_ADMIN","CAP_SYS_ADMIN","CAP_PERFMON"]' "header"
	expect_match "$(kv map_hash ret)" '^[0-9]+$' "hash map created with CAP_BPF"
	is map_hash ret "$(kv map_hash ret)"
	is prog_tp audit.verdict "BPF_PROG_LOAD of a BPF_PROG_TYPE_TRACEPOINT program needs CAP_BPF and CAP_PERFMON; the process lacks CAP_PERFMON; kernel.unprivileged_bpf_disabled=2"
	is prog_tp audit.capabilities.effective '["CAP_BPF"]'
	expect_match "$(ev prog_xdp audit.verdict)" 'the process lacks CAP_NET_ADMIN;' "xdp"
	is prog_next_id errno EPERM
}

@test "run --help documents the audit options" {
	run "$BPFSPY" run --help
	expect_eq "$status" 0
	for o in --inject --deny --drop-caps --unprivileged; do
		[[ $output == *"$o"* ]] || { echo "--help lacks $o" >&2; return 1; }
	done
}
