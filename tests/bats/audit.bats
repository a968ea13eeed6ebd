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
	strace_spy "$T/strace.log" \
		run -o "$TRACE" --inject BPF_MAP_LOOKUP_ELEM:ENOENT:2+ \
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

# ---- --inject by libbpf function ------------------------------------------------------

# nth_func_create NAME FILE: the position of the first bpf_map_create() of NAME.
nth_func_create() {
	tc get "$2" args.map_name event=libbpf func=bpf_map_create | grep -n -x -m1 "$1" | cut -d: -f1
}

@test "inject FUNC: bpf_object__load fails with the errno, unrun; the loader says so; kept apart" {
	require_bpf
	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
	run --separate-stderr spy --inject bpf_object__load:EPERM -- "$LOADER" "$BPF_OBJ"
	expect_eq "$status" 1 "the loader gives up"
	expect_eq "$stderr" "minimal_loader: load: Operation not permitted" "its message, libbpf silent"
	expect_valid "$TRACE"
	expect_eq "$(tc get "$TRACE" func event=libbpf | tr '\n' ' ')" \
		"bpf_object__open_file bpf_object__load bpf_object__close " "the loader's calls"
	expect_eq "$(tc get "$TRACE" injected event=libbpf | tr '\n' ' ')" \
		"<absent> true <absent> " "only the load is marked"
	expect_eq "$(tc get "$TRACE" ret event=libbpf func=bpf_object__load)" -1 "-EPERM"
	expect_eq "$(tc get "$TRACE" errno event=libbpf func=bpf_object__load)" EPERM "errno"
	expect_eq "$(tc get "$TRACE" syscalls event=libbpf func=bpf_object__load)" 0 "no syscall in it"
	seq=$(tc get "$TRACE" seq event=libbpf func=bpf_object__load)
	expect_eq "$(tc count "$TRACE" parent="$seq")" 0 "no bpf event under it"
	expect_eq "$(tc count "$TRACE" event=libbpf parent="$seq")" 0 "no libbpf call under it"
	expect_eq "$(tc count "$TRACE" cmd=BPF_PROG_LOAD)" 0 "nothing loaded"
	expect_eq "$(tc count "$TRACE" event=libbpf injected checks)" 0 "no checks on it"
	expect_eq "$(tc get "$TRACE" inject event=header)" \
		'[{"func":"bpf_object__load","errno":"EPERM","when":"every"}]' "header"
	run "$BPFSPY" check --json "$TRACE"
	expect_eq "$status" 0 "check: $output"
	expect_match "${lines[-1]}" '"failed_calls":0,.*"injected":1,"denied":0,"libbpf_consequent":0' \
		"check counts it apart"
	run "$BPFSPY" check "$TRACE"
	[[ $output != *"error EPERM"* ]] || { echo "injected EPERM listed as an error: $output" >&2; return 1; }
	run --separate-stderr "$BPFSPY" report --json "$TRACE"
	expect_match "$output" '"injected":1,"denied":0,"libbpf_consequent":0' "report counts it"
	[[ $output != *'"errno":"EPERM","count"'* ]] || { echo "listed as a failure: $output" >&2; return 1; }
	run --separate-stderr "$BPFSPY" report "$TRACE"
	expect_match "$output" 'bpfspy run failed 1 \(1 injected, 0 denied\)' "report text"
	[[ $output != *"bpf_object__load() minimal: EPERM"* ]] || { echo "listed: $output" >&2; return 1; }
}

@test "inject FUNC:N: only the Nth call of the function fails, the others reach libbpf" {
	require_bpf
	LIBBPF_CALLS=$BUILDDIR/tests/progs/libbpf_calls
	[ -x "$LIBBPF_CALLS" ] || skip "tests/progs/libbpf_calls was not built"
	# three bpf_map_create: lbc_array, lbc_bad (EINVAL from the kernel), lbc_hash
	run --separate-stderr spy --inject bpf_map_create:E2BIG:2 -- "$LIBBPF_CALLS"
	expect_eq "$status" 0 "$stderr"
	expect_match "${lines[0]}" '^bpf_map_create ret=[0-9]+ errno=0$' "1st made"
	expect_eq "${lines[3]}" "bpf_map_create ret=-7 errno=7" "2nd: -E2BIG and errno E2BIG"
	expect_match "${lines[4]}" '^bpf_map_create ret=[0-9]+ errno=0$' "3rd made"
	expect_eq "$(tc get "$TRACE" injected event=libbpf func=bpf_map_create | tr '\n' ' ')" \
		"<absent> true <absent> " "the mark"
	expect_eq "$(tc get "$TRACE" args.map_name event=libbpf func=bpf_map_create injected)" \
		lbc_bad "the 2nd is lbc_bad"
	expect_eq "$(tc get "$TRACE" attr.map_name cmd=BPF_MAP_CREATE | tr '\n' ' ')" \
		"lbc_array lbc_hash " "the kernel never saw lbc_bad"
	expect_eq "$(tc get "$TRACE" inject event=header)" \
		'[{"func":"bpf_map_create","errno":"E2BIG","when":"2"}]' "header"
	run "$BPFSPY" check --json "$TRACE"
	expect_match "${lines[-1]}" '"injected":1,"denied":0,' "check"
}

@test "inject FUNC inside libbpf: the Nth bpf_map_create of the load fails and libbpf retries without BTF" {
	require_bpf
	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
	"$BPFSPY" run -o "$T/clean.jsonl" -- "$LOADER" "$BPF_OBJ" >/dev/null 2>&1
	n=$(nth_func_create counts "$T/clean.jsonl")
	expect_match "$n" '^[1-9][0-9]*$' "position of counts"
	run --separate-stderr spy --inject "bpf_map_create:ENOMEM:$n" -- "$LOADER" "$BPF_OBJ"
	expect_eq "$status" 0 "the loader survives: $stderr"
	expect_match "$stderr" 'bpf_create_map_xattr\(counts\).*Retrying without BTF' "libbpf's fallback"
	expect_eq "$(nth_func_create counts "$TRACE")" "$n" "same position"
	expect_eq "$(tc get "$TRACE" injected event=libbpf args.map_name=counts | tr '\n' ' ')" \
		"true <absent> " "the first create of counts injected, the retry made"
	expect_eq "$(tc get "$TRACE" parent event=libbpf injected)" \
		"$(tc get "$TRACE" seq event=libbpf func=bpf_object__load)" "made in bpf_object__load"
	expect_eq "$(tc get "$TRACE" syscalls event=libbpf injected)" 0 "no syscall"
	expect_eq "$(tc get "$TRACE" attr.btf_fd attr.map_name=counts)" 0 \
		"the kernel saw only the retry, without BTF"

	# From the Nth on: the retry fails too and so does the load, a consequence
	run --separate-stderr spy --inject "bpf_map_create:ENOMEM:$n+" -- "$LOADER" "$BPF_OBJ"
	expect_eq "$status" 1 "the loader gives up"
	expect_match "$stderr" 'minimal_loader: load: Cannot allocate memory' "its message"
	expect_eq "$(tc count "$TRACE" event=libbpf func=bpf_object__load ret=-12 injected)" 0 \
		"the load is not injected"
	run "$BPFSPY" check --json "$TRACE"
	expect_eq "$status" 0 "check: $output"
	expect_match "${lines[-1]}" '"failed_calls":0,.*"injected":2,"denied":0,"libbpf_consequent":1' \
		"the load's failure is the injection's"
	run --separate-stderr "$BPFSPY" report --json "$TRACE"
	expect_match "$output" '"injected":2,"denied":0,"libbpf_consequent":1' "report alike"
	[[ $output != *'bpf_object__load()'* ]] || { echo "the load listed as a failure: $output" >&2; return 1; }
}

@test "inject: command and function rules in one list; the header says where function rules cannot apply" {
	require_bpf
	LIBBPF_CALLS=$BUILDDIR/tests/progs/libbpf_calls
	[ -x "$LIBBPF_CALLS" ] || skip "tests/progs/libbpf_calls was not built"
	run --separate-stderr spy --inject bpf_map_lookup_elem:EPERM:2,BPF_MAP_UPDATE_ELEM:ENOENT \
		--inject bpf_token_create:EPERM -- "$LIBBPF_CALLS"
	expect_eq "${lines[1]}" "bpf_map_update_elem ret=-2 errno=2" "the command rule, through libbpf"
	expect_eq "${lines[2]}" "bpf_map_lookup_elem ret=0 errno=0" "1st lookup made"
	expect_eq "${lines[5]}" "bpf_map_lookup_elem ret=-1 errno=1" "2nd lookup injected"
	expect_eq "$(tc get "$TRACE" injected cmd=BPF_MAP_UPDATE_ELEM)" true "syscall marked"
	expect_eq "$(tc get "$TRACE" injected event=libbpf func=bpf_map_update_elem)" "<absent>" \
		"its libbpf call is not"
	expect_eq "$(tc get "$TRACE" injected event=libbpf func=bpf_map_lookup_elem | tr '\n' ' ')" \
		"<absent> true " "function marked"
	hdr=$(tc get "$TRACE" inject event=header)
	expect_match "$hdr" '^\[\{"func":"bpf_map_lookup_elem","errno":"EPERM","when":"2"\},\{"cmd":"BPF_MAP_UPDATE_ELEM","errno":"ENOENT","when":"every"\},\{"func":"bpf_token_create","errno":"EPERM","when":"every"(,"inactive":"the loaded libbpf lacks it")?\}\]$' \
		"header"
	case $(tc get "$TRACE" libbpf event=header) in
	v0.* | v1.[0-3]) expect_match "$hdr" '"inactive":"the loaded libbpf lacks it"' \
		"libbpf before 1.4 has no bpf_token_create" ;;
	*) expect_match "$hdr" '"when":"every"\}\]$' "this libbpf has bpf_token_create" ;;
	esac
	# No shared libbpf: function rules cannot apply, command rules do.
	run spy --inject bpf_map_lookup_elem:EPERM,map_lookup_elem:ENOENT:2 -- "$EXERCISER" threads 1 2
	expect_eq "$output" "threads=1 calls=2 total=1" "one lookup failed"
	expect_eq "$(tc get "$TRACE" inject event=header)" \
		'[{"func":"bpf_map_lookup_elem","errno":"EPERM","when":"every","inactive":"no libbpf layer: libbpf is static or absent"},{"cmd":"BPF_MAP_LOOKUP_ELEM","errno":"ENOENT","when":"2"}]' \
		"header of a process without libbpf"
	expect_eq "$(tc get "$TRACE" errno cmd=BPF_MAP_LOOKUP_ELEM | tr '\n' ' ')" "null ENOENT " "the command rule"
}

@test "inject FUNC: unknown and void functions are refused with exit 2, naming them" {
	run --separate-stderr "$BPFSPY" run -o "$TRACE" --inject map_create:EPERM,bpf_object__lod:EPERM -- touch "$T/ran"
	expect_eq "$status" 2 "unknown"
	expect_match "$stderr" "'bpf_object__lod' is neither a bpf command nor a libbpf function" "named"
	run --separate-stderr "$BPFSPY" run -o "$TRACE" --inject bpf_object__close:EPERM -- touch "$T/ran"
	expect_eq "$status" 2 "void"
	expect_match "$stderr" "'bpf_object__close' is a libbpf function returning void" "named"
	[ ! -e "$T/ran" ] || { echo "PROGRAM ran" >&2; return 1; }
}

@test "inject, deny, drop-caps: malformed rules are refused before PROGRAM runs" {
	local bad
	for bad in "--inject FOO:EPERM" "--inject BPF_MAP_CREATE" "--inject map_create:EWHAT" \
		"--inject map_create:EPERM:0" "--inject map_create:EPERM:x+" \
		"--inject bpf_map__fd:EPERM" "--inject bpf_object__close:EPERM" \
		"--inject map_create:EPERM,,prog_load:EPERM" "--inject map_create:EPERM," "--deny" \
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

@test "unprivileged: the loader's failure inherits its probe's explanation; check says it first and exits 3" {
	require_bpf
	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
	[ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null)" = 2 ] ||
		skip "the wording checked here assumes kernel.unprivileged_bpf_disabled=2"
	run "$BPFSPY" run --unprivileged -o "$TRACE" -- "$LOADER" "$BPF_OBJ"
	expect_eq "$status" 1 "libbpf gives up: $output"
	expect_eq "$(tc get "$TRACE" status event=exit)" 1 "the exit line"
	# the last failed probe is the one libbpf gave up after
	last=$(tc get "$TRACE" seq cmd=BPF_PROG_LOAD errno=EPERM probe | sort -n | tail -1)
	expect_match "$last" '^[0-9]+$' "a failed probe"
	expect_match "$(tc get "$TRACE" audit.fix seq="$last")" '^run with CAP_BPF' "the probe's fix"
	run "$BPFSPY" check "$TRACE"
	expect_eq "$status" 3 "check: the loader failed for want of a privilege: $output"
	expect_match "${lines[0]}" "^loader failure \\(pid [0-9]+\\): exit status 1 after bpf_object__load\\(\\) failed with EPERM because BPF_PROG_LOAD \\(seq $last, the feature probe it gave up after\\) failed with EPERM, rule capability: .*the process (lacks|has neither).*; to pass, run with CAP_BPF" "one sentence first"
	expect_match "$output" "bpf_object__load\\(\\): error EPERM
    explanation \\(capability, inherited from seq $last BPF_PROG_LOAD EPERM, a feature probe\\)" "inherited, marked"
	[[ "$output" != *"no rule explains it"* ]] || { echo "$output" >&2; false; }
	run "$BPFSPY" check --json "$TRACE"
	expect_eq "$status" 3 "check --json"
	expect_eq "$(jq -r .loader_failure.explanation.inherited_from.seq <<<"${lines[0]}")" "$last" "json: inherited from"
	expect_eq "$(jq -r .loader_failure.privilege <<<"${lines[0]}")" true "json: a privilege"
	run "$BPFSPY" report "$TRACE"
	expect_eq "$status" 0 "report"
	expect_match "${lines[0]}" "^loader failure \\(pid [0-9]+\\): exit status 1 after bpf_object__load" "report: the sentence first"
	expect_match "$output" "the failure of seq $last ended the load" "report: the ending probe is no mere probe"
	[[ "$output" != *"3 failed (not failures of the loader)"* ]] || { echo "$output" >&2; false; }
	run "$BPFSPY" report --json "$TRACE"
	expect_eq "$(jq -r '.processes[0].loader_failure.ending_probe_seq' <<<"$output")" "$last" "report --json"
	expect_eq "$(jq -r '.processes[0].failures[] | select(.call == "bpf_object__load()") | .rule' <<<"$output")" capability "report: the load's rule"
}

@test "unprivileged bpftool (libbpf linked in statically): its failed syscall is the loader's failure" {
	require_bpf
	require_cmd bpftool
	[ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null)" = 2 ] ||
		skip "the wording checked here assumes kernel.unprivileged_bpf_disabled=2"
	run in_bpffs "$BPFSPY" run --unprivileged -o "$TRACE" -- \
		bpftool map create /sys/fs/bpf/m type hash key 4 value 4 entries 4 name m
	[ "$status" -ne 0 ] || skip "bpftool created the map without privileges"
	expect_eq "$(tc get "$TRACE" status event=exit)" "$status" "the exit line"
	expect_eq "$(tc count "$TRACE" event=libbpf)" 0 "no libbpf events"
	run "$BPFSPY" check "$TRACE"
	expect_eq "$status" 3 "check: $output"
	expect_match "${lines[0]}" '^loader failure \(pid [0-9]+\): exit status [0-9]+ after BPF_MAP_CREATE failed with EPERM, rule capability: .*; to pass, run with CAP_BPF, or set kernel.unprivileged_bpf_disabled=0\.$' "the sentence"
}

@test "check: a loader that goes on after a failed call has no loader failure" {
	require_bpf
	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
	# the 2nd bpf_map_create of the load fails; libbpf retries and loads
	run "$BPFSPY" run -o "$TRACE" --inject bpf_map_create:E2BIG:2 -- "$LOADER" "$BPF_OBJ"
	expect_eq "$status" 0 "the loader survives: $output"
	run "$BPFSPY" check "$TRACE"
	expect_eq "$status" 0 "check: $output"
	[[ "$output" != *"loader failure"* ]] || { echo "$output" >&2; false; }
	expect_eq "$(tc count "$TRACE" event=exit)" 0 "no exit line after exit 0"
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

@test "drop-caps: dropping CAP_BPF, CAP_PERFMON or CAP_NET_ADMIN but not CAP_SYS_ADMIN warns" {
	local a
	for a in "--drop-caps CAP_BPF" "--drop-caps perfmon" "--drop-caps chown,net_admin" \
		"--drop-caps bpf --drop-caps chown"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$BPFSPY" run -o "$TRACE" $a -- echo ran
		expect_eq "$output" ran "$a: PROGRAM runs"
		expect_eq "$stderr" "bpfspy run: warning: --drop-caps keeps CAP_SYS_ADMIN, which the kernel accepts in place of CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN; drop it too (or use --unprivileged)" \
			"$a: one line"
	done
	for a in "--drop-caps bpf,sys_admin" "--drop-caps bpf --drop-caps CAP_SYS_ADMIN" \
		"--unprivileged" "--drop-caps chown" "--unprivileged --drop-caps bpf"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$BPFSPY" run -o "$TRACE" $a -- echo ran
		expect_eq "$output" ran "$a: PROGRAM runs"
		expect_eq "$stderr" "" "$a: no warning"
	done
	# What it warns about: with kernel.unprivileged_bpf_disabled set, a map
	# needs CAP_BPF, and CAP_SYS_ADMIN alone still gets it.
	require_bpf
	[ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null)" != 0 ] ||
		skip "kernel.unprivileged_bpf_disabled is 0: a map needs no capability"
	run spy --drop-caps bpf -- "$EXERCISER" lookup 1
	expect_eq "$status" 0 "CAP_SYS_ADMIN stands in for CAP_BPF: $output"
	expect_eq "$(tc get "$TRACE" dropped_caps event=header)" '["CAP_BPF"]' "dropped all the same"
	run spy --drop-caps bpf,sys_admin -- "$EXERCISER" lookup 1
	expect_eq "$(tc get "$TRACE" errno cmd=BPF_MAP_CREATE)" EPERM "without both: EPERM"
}

@test "run --help documents the audit options" {
	run "$BPFSPY" run --help
	expect_eq "$status" 0
	for o in --inject --deny --drop-caps --unprivileged FUNC:ERRNO; do
		[[ $output == *"$o"* ]] || { echo "--help lacks $o" >&2; return 1; }
	done
}
