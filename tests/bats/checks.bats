#!/usr/bin/env bats
# The checker: each rule passing and failing on real calls, the privilege
# audit under dropped capabilities, clean real loaders, bpfspy check and
# bpfspy rules.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
}

# verdict TAG RULE: the verdict RULE gave the call tagged TAG ("none" when
# the rule did not apply).
verdict() {
	local checks re
	checks=$(ev "$1" checks) || return 1
	re="\"rule\":\"$2\",\"verdict\":\"([a-z-]+)\""
	if [[ $checks =~ $re ]]; then
		echo "${BASH_REMATCH[1]}"
	else
		echo none
	fi
}

# verdicts RULE TAG=VERDICT...: each TAG got VERDICT from RULE.
verdicts() {
	local rule=$1 kv bad=
	shift
	for kv in "$@"; do
		local got
		got=$(verdict "${kv%%=*}" "$rule")
		[ "$got" = "${kv#*=}" ] || bad="$bad ${kv%%=*}:$got"
	done
	expect_eq "$bad" "" "$rule: calls whose verdict differs (tag:got)"
}

# run_rules: the exerciser's rules scenario in a private bpffs; OUT, TR.
run_rules() {
	require_bpf
	require_bpffs
	OUT=$T/rules.out
	TR=$T/rules.jsonl
	mkdir -p "$T/other"
	in_bpffs "$BPFSPY" run -o "$TR" -- "$EXERCISER" rules /sys/fs/bpf "$T/other" >"$OUT"
	index_calls
}

@test "rules: each rule passes on a good call and fails on a bad one (real calls)" {
	run_rules
	expect_valid "$TR"
	verdicts zero-tail tail_ok=pass tail_bad=fail tail_page=fail tail_union=fail
	verdicts update-flags upd_ok=pass upd_bad_flags=fail
	verdicts update-errno upd_noexist=pass upd_exist=pass upd_ok=none
	verdicts errno-documented upd_noexist=pass upd_exist=pass
	verdicts lookup-flags tail_ok=pass lookup_bad_flags=fail
	verdicts next-key nextkey_ok=pass nextkey_last=pass nextkey_null=doc-drift
	verdicts pop-key pop_ok=pass pop_key=fail pop_hash=doc-drift
	verdicts freeze-struct-ops freeze_ok=pass
	verdicts batch-zeroed ubatch_ok=pass ubatch_dirty=fail dbatch_values=fail
	verdicts batch-count ubatch_ok=pass dbatch_values=pass
	verdicts log-attrs log_ok=pass log_nolevel=fail log_nobuf=fail
	verdicts log-enospc log_small=pass log_ok=none
	verdicts next-id nextid=pass
	verdicts pin-path pin_ok=pass pin_dot=fail pin_other=fail
	verdicts fd-cloexec array=pass queue=pass log_ok=pass
	verdicts return array=pass tail_ok=pass tail_bad=pass
}

@test "rules: explanations name the cause and the errno, word for word" {
	run_rules
	is tail_bad explanation.rule zero-tail
	is tail_bad explanation.text \
		"nonzero byte at offset 40, past BPF_MAP_LOOKUP_ELEM's last field \`flags\` (ends at 32): the kernel returns EINVAL"
	is tail_page explanation.text "size 4097 is over a page (4096): the kernel returns E2BIG"
	is tail_union explanation.text \
		"nonzero byte at offset 180, past BPF_MAP_LOOKUP_ELEM's last field \`flags\` (ends at 32): the kernel returns E2BIG"
	is log_nobuf explanation.text "a log size without a log buffer: the kernel returns EINVAL"
	is upd_bad_flags explanation.text \
		"flags 0x3 are not one of BPF_ANY, BPF_NOEXIST, BPF_EXIST (optionally with BPF_F_LOCK): the kernel returns EINVAL"
	is upd_noexist explanation.text "the key exists and flags say BPF_NOEXIST: the kernel returns EEXIST"
	is log_nolevel explanation.text "a log buffer without a log level: the kernel returns EINVAL"
	expect_match "$(ev log_small explanation.text)" \
		'^the log did not fit in log_size 16 bytes: the kernel needed [0-9]+ \(log_true_size\): the kernel returns ENOSPC$'
	expect_eq "$(ev log_small explanation.text | grep -o 'needed [0-9]*')" "needed $(kv log_small log_true_size)" \
		"log_true_size in the explanation"
	is pin_dot explanation.text "the pathname's last component contains a dot: the kernel returns EPERM"
	expect_match "$(ev pin_other explanation.text)" \
		"^the pathname's parent directory is on .* \(f_type 0x[0-9a-f]+\), not a BPF filesystem \(BPF_FS_MAGIC 0xcafe4a11\): the kernel returns EPERM$"
	# A passing call carries no explanation.
	absent tail_ok explanation
}

@test "check: failed rules and explained errors; exit 1" {
	run_rules
	run --separate-stderr "$BPFSPY" check "$TR"
	expect_eq "$status" 1 "exit status with failed rules"
	expect_eq "$(grep -c ': FAIL ' <<<"$output")" 12 "FAIL lines"
	expect_match "$(grep 'FAIL pin-path' <<<"$output" | head -1)" \
		"^$TR:[0-9]+ seq [0-9]+ pid [0-9]+ BPF_OBJ_PIN: FAIL pin-path: the pathname's last component contains a dot$"
	expect_match "$(tail -1 <<<"$output")" \
		'^[0-9]+ events, [0-9]+ checks: [0-9]+ pass, 12 fail, 2 doc-drift, 0 unknown, 0 probe; 14 failed calls, 0 feature probes \(0 failed\)$'
	# --json: one object a finding, then the summary.
	run --separate-stderr "$BPFSPY" check --json "$TR"
	expect_eq "$status" 1
	expect_eq "$(grep -c '"kind":"fail"' <<<"$output")" 12 "json fail findings"
	expect_match "$(tail -1 <<<"$output")" '^\{"summary":\{"events":[0-9]+,"pass":[0-9]+,"fail":12,'
}

@test "run --check: findings on stderr when the program ends, exit 1 for a failed rule" {
	require_bpf
	run --separate-stderr "$BPFSPY" run --check -o "$TRACE" -- "$EXERCISER" payload
	expect_eq "$status" 0 "no rule fails on the payload scenario"
	expect_match "$(tail -1 <<<"$stderr")" ' 0 fail, ' "summary on stderr"
	run --separate-stderr "$BPFSPY" run --check -o "$TRACE" -- "$EXERCISER" badattr
	expect_eq "$status" 1 "badattr breaks the zero-tail rule"
	expect_match "$stderr" 'FAIL zero-tail' "finding on stderr"
	expect_eq "$(grep -c 'FAIL' <<<"$output")" 0 "nothing on stdout"
}

@test "run --no-check: no checks in the trace; --audit-all audits an ENOENT" {
	require_bpf
	"$BPFSPY" run --no-check -o "$TRACE" -- "$EXERCISER" payload >/dev/null
	expect_eq "$(tc count "$TRACE" checks)" 0 "events with checks"
	expect_eq "$(tc count "$TRACE" ret!=null)" "$(tc count "$TRACE")" "events still there"
	run "$BPFSPY" run --check --no-check -- true
	expect_eq "$status" 2 "--check with --no-check"
	"$BPFSPY" run --audit-all -o "$TRACE" -- "$EXERCISER" errno >/dev/null
	expect_eq "$(tc count "$TRACE" errno=ENOENT audit.user_ns=init)" \
		"$(tc count "$TRACE" errno=ENOENT)" "ENOENT failures audited"
	"$BPFSPY" run -o "$TRACE" -- "$EXERCISER" errno >/dev/null
	expect_eq "$(tc count "$TRACE" errno=ENOENT audit)" 0 "ENOENT not audited by default"
}

@test "rules: PROG_QUERY's fill and the kernel's undocumented errnos on the all-commands run" {
	require_bpf
	require_bpffs
	TR=$T/all.jsonl
	in_bpffs "$BPFSPY" run -o "$TR" -- "$EXERCISER" allcmds /sys/fs/bpf >"$T/all.out" 2>&1 ||
		skip "allcmds does not run here: $(tail -1 "$T/all.out")"
	local q
	q=$(tc get "$TR" checks cmd=BPF_PROG_QUERY)
	expect_match "$q" '"rule":"query-fill","verdict":"pass","why":"[0-9]+ ids fit in prog_cnt [0-9]+"' "a query that fits"
	expect_match "$q" '"rule":"query-fill","verdict":"doc-drift","why":"2 programs and room for 1: kernel [0-9.]+ fills the first 1 ids and returns ENOSPC' \
		"a query that does not fit"
	expect_match "$(tc get "$TR" checks cmd=BPF_MAP_LOOKUP_BATCH errno=ENOENT)" \
		'"rule":"errno-documented","verdict":"doc-drift","why":"ENOENT is not in BPF_MAP_LOOKUP_BATCH' \
		"the end of a batch lookup"
	expect_eq "$(tc count "$TR" checks cmd=BPF_PROG_LOAD errno=EACCES)" \
		"$(tc count "$TR" cmd=BPF_PROG_LOAD errno=EACCES)" "verifier refusals checked"
	expect_match "$(tc get "$TR" audit.verdict cmd=BPF_PROG_LOAD errno=EACCES | head -1)" \
		'EACCES is the verifier refusing the program' "a verifier EACCES is no privilege error"
}

# ---- the privilege audit --------------------------------------------------------

# run_privs SETPRIV_ARGS...: the privs scenario under setpriv; OUT, TR.
run_privs() {
	require_bpf
	require_cmd setpriv
	[ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null)" = 2 ] ||
		skip "the wording checked here assumes kernel.unprivileged_bpf_disabled=2"
	OUT=$T/privs.out
	TR=$T/privs.jsonl
	setpriv "$@" "$BPFSPY" run -o "$TR" -- "$EXERCISER" privs >"$OUT" ||
		skip "setpriv $* could not run the exerciser"
	index_calls
}

@test "audit: no capabilities: CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN, the sysctl" {
	run_privs --inh-caps=-all --bounding-set=-all --ambient-caps=-all
	expect_match "$(head -1 "$OUT")" '^# capeff=0+ ' "no capabilities"
	is map_hash explanation.text "BPF_MAP_CREATE of a BPF_MAP_TYPE_HASH map needs no capability, but kernel.unprivileged_bpf_disabled=2 requires CAP_BPF; the process lacks CAP_BPF: the kernel returns EPERM"
	is map_lru explanation.text "BPF_MAP_CREATE of a BPF_MAP_TYPE_LRU_HASH map needs CAP_BPF; the process lacks CAP_BPF; kernel.unprivileged_bpf_disabled=2: the kernel returns EPERM"
	is prog_tp audit.verdict "BPF_PROG_LOAD of a BPF_PROG_TYPE_TRACEPOINT program needs CAP_BPF and CAP_PERFMON; the process has neither; kernel.unprivileged_bpf_disabled=2"
	is prog_xdp audit.verdict "BPF_PROG_LOAD of a BPF_PROG_TYPE_XDP program needs CAP_BPF and CAP_NET_ADMIN; the process has neither; kernel.unprivileged_bpf_disabled=2"
	is prog_next_id explanation.text "BPF_PROG_GET_NEXT_ID needs CAP_SYS_ADMIN; the process lacks CAP_SYS_ADMIN: the kernel returns EPERM"
	is prog_tp audit.capabilities.effective "[]"
	is prog_tp audit.unprivileged_bpf_disabled 2
	is prog_tp audit.user_ns init
	is prog_tp audit.token_fd null
	verdicts capability map_hash=pass map_lru=pass prog_tp=pass prog_xdp=pass prog_next_id=pass
}

@test "audit: CAP_BPF only: the missing CAP_PERFMON and CAP_NET_ADMIN" {
	run_privs --bounding-set=-all,+bpf
	is map_hash ret "$(kv map_hash ret)"
	expect_match "$(kv map_hash ret)" '^[0-9]+$' "hash map created with CAP_BPF"
	is prog_tp audit.verdict "BPF_PROG_LOAD of a BPF_PROG_TYPE_TRACEPOINT program needs CAP_BPF and CAP_PERFMON; the process lacks CAP_PERFMON; kernel.unprivileged_bpf_disabled=2"
	is prog_tp audit.capabilities.effective '["CAP_BPF"]'
	is prog_xdp explanation.rule capability
	expect_match "$(ev prog_xdp explanation.text)" 'the process lacks CAP_NET_ADMIN;' "xdp"
	absent map_hash audit
}

# ---- real loaders: no false failures, probes labelled ----------------------------

@test "clean runs of real loaders have no failed rule; their probes are labelled" {
	require_bpf
	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
	"$BPFSPY" run -o "$T/example.jsonl" -- "$LOADER" "$BPF_OBJ" >/dev/null
	run "$BPFSPY" check "$T/example.jsonl"
	expect_eq "$status" 0 "example: $output"
	expect_eq "$(tc get "$T/example.jsonl" probe attr.prog_name=libbpf_nametest)" \
		"libbpf's probe program \"libbpf_nametest\"" "name probe labelled"
	expect_eq "$(tc count "$T/example.jsonl" attr.map_name=libbpf_mmap probe)" 1 "mmap probe labelled"
	expect_eq "$(tc count "$T/example.jsonl" attr.prog_name=count_syscalls probe)" 0 \
		"the real program is no probe"
	if command -v bpftool >/dev/null; then
		"$BPFSPY" run -o "$T/bpftool.jsonl" -- bpftool prog show >/dev/null
		"$BPFSPY" run -o "$T/bpftool2.jsonl" -- bpftool map list >/dev/null
		run "$BPFSPY" check "$T/bpftool.jsonl" "$T/bpftool2.jsonl"
		expect_eq "$status" 0 "bpftool: $output"
		expect_match "${lines[-1]}" ' 0 fail, ' "bpftool summary"
	fi
}

@test "execsnoop under bpfspy: no failed rule" {
	require_bpf
	require_cmd execsnoop timeout
	require_btf
	require_tracefs
	run in_tracefs "$BPFSPY" run -o "$TRACE" -- timeout -s INT 1 execsnoop
	[ "$status" -eq 124 ] || skip "execsnoop does not run here (exit $status)"
	run "$BPFSPY" check "$TRACE"
	expect_eq "$status" 0 "execsnoop: $output"
	expect_match "${lines[-1]}" ', 0 fail, ' "summary"
	expect_match "$(tc count "$TRACE" probe)" '^[1-9]' "execsnoop's libbpf probes labelled"
}

# ---- reading traces ---------------------------------------------------------------

@test "check: bad input is reported with file and line; --lenient skips it" {
	printf '%s\n' '{"event":"header","schema":1}' '{"event":"bpf","seq":1,"ts":5,"cmd":"BPF_MAP_CREATE","ret":3,"errno":null,"checks":[{"rule":"return","verdict":"pass","why":"x"}]}' \
		'not json' >"$T/bad.jsonl"
	run --separate-stderr "$BPFSPY" check "$T/bad.jsonl"
	expect_eq "$status" 2
	expect_eq "$stderr" "bpfspy check: $T/bad.jsonl:3: not a JSON object"
	run --separate-stderr "$BPFSPY" check --lenient "$T/bad.jsonl"
	expect_eq "$status" 0
	expect_eq "$stderr" "bpfspy check: $T/bad.jsonl:3: not a JSON object (skipped)"
	expect_match "${lines[-1]}" '^1 events, 1 checks: 1 pass, ' "summary"
	printf '{"event":"bpf","seq":1' >"$T/cut.jsonl"
	run --separate-stderr "$BPFSPY" check "$T/cut.jsonl"
	expect_eq "$status" 2
	expect_eq "$stderr" "bpfspy check: $T/cut.jsonl:1: truncated last line"
	printf '%s\n' '{"event":"header","schema":9}' >"$T/new.jsonl"
	run --separate-stderr "$BPFSPY" check "$T/new.jsonl"
	expect_eq "$status" 2
	expect_eq "$stderr" "bpfspy check: $T/new.jsonl:1: schema 9 is newer than this bpfspy reads (2)"
	run "$BPFSPY" check "$T/missing.jsonl"
	expect_eq "$status" 2
	run "$BPFSPY" check
	expect_eq "$status" 2
}

@test "rules: every rule listed with what it applies to and its source" {
	run --separate-stderr "$BPFSPY" rules --json
	expect_eq "$status" 0
	local n ids
	n=${#lines[@]}
	[ "$n" -ge 19 ] || { echo "only $n rules" >&2; return 1; }
	ids=$(grep -o '"id":"[^"]*"' <<<"$output" | sort)
	expect_eq "$(uniq -d <<<"$ids")" "" "duplicate rule ids"
	expect_eq "$(grep -c '"source":".\{20,\}' <<<"$output")" "$n" "rules with a source"
	for id in return fd-cloexec errno-documented update-flags update-errno lookup-flags next-id \
		next-key pin-path pop-key freeze-struct-ops batch-zeroed batch-count query-fill \
		zero-tail log-attrs log-enospc capability libbpf-return libbpf-fd-range libbpf-opts-sz libbpf-errno-doc; do
		grep -q "\"id\":\"$id\"" <<<"$output" || { echo "rule $id missing" >&2; return 1; }
	done
	run "$BPFSPY" rules
	expect_match "${lines[0]}" '^return \(bpf: every command\)$' "text listing"
	# The man page documents each rule.
	for id in $(grep -o '"id":"[^"]*"' <<<"$(bpfspy_rules_json)" | cut -d'"' -f4); do
		grep -q "^\\\\fB$id\\\\fR" "$SRCDIR/man/bpfspy.1" || { echo "man page lacks $id" >&2; return 1; }
	done
}

bpfspy_rules_json() { "$BPFSPY" rules --json; }

@test "bpftool map dump: one buffer for key and next_key; the key is read before the call, next-key passes" {
	require_bpf
	require_cmd bpftool
	run in_bpffs sh -c 'bpftool map create /sys/fs/bpf/m type hash key 4 value 4 entries 4 name r18 &&
		bpftool map update pinned /sys/fs/bpf/m key 1 0 0 0 value 1 0 0 0 &&
		bpftool map update pinned /sys/fs/bpf/m key 2 0 0 0 value 2 0 0 0 || exit 125
		exec "$1" run -o "$2" -- bpftool map dump pinned /sys/fs/bpf/m' sh "$BPFSPY" "$TRACE"
	[ "$status" -ne 125 ] || skip "bpftool cannot make a pinned map here: $output"
	expect_eq "$status" 0 "map dump: $output"
	# bpftool passes the same address as key and next_key
	expect_eq "$(tc get "$TRACE" attr.key cmd=BPF_MAP_GET_NEXT_KEY errno=null attr.key!=null)" \
		"$(tc get "$TRACE" attr.next_key cmd=BPF_MAP_GET_NEXT_KEY errno=null attr.key!=null)" "one buffer"
	local k nk
	k=$(tc get "$TRACE" attr.key_data cmd=BPF_MAP_GET_NEXT_KEY errno=null attr.key!=null)
	nk=$(tc get "$TRACE" out.next_key_data cmd=BPF_MAP_GET_NEXT_KEY errno=null attr.key!=null)
	[ "$k" != "$nk" ] || { echo "key_data $k is what the kernel wrote over it" >&2; false; }
	# the last key walked is the one the final ENOENT was asked about
	expect_eq "$(tc get "$TRACE" attr.key_data cmd=BPF_MAP_GET_NEXT_KEY errno=ENOENT)" "$nk" "the walk's last key"
	run "$BPFSPY" check "$TRACE"
	expect_eq "$status" 0 "check: $output"
	[[ "$output" != *"FAIL next-key"* ]] || { echo "$output" >&2; false; }
}

@test "bpftool feature probe kernel unprivileged: libbpf's anonymous map probes are probes, not failed calls" {
	require_bpf
	require_cmd bpftool
	[ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null)" != 0 ] ||
		skip "kernel.unprivileged_bpf_disabled is 0: the probes succeed"
	run timeout 120 "$BPFSPY" run --unprivileged -o "$TRACE" -- bpftool feature probe kernel unprivileged
	expect_eq "$status" 0 "bpftool: $output"
	local maps
	maps=$(tc count "$TRACE" cmd=BPF_MAP_CREATE errno=EPERM attr.map_name= attr.max_entries=1)
	[ "$maps" -ge 20 ] || { echo "only $maps anonymous one-entry maps refused" >&2; false; }
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE errno=EPERM probe)" \
		"$(tc count "$TRACE" cmd=BPF_MAP_CREATE errno=EPERM)" "every refused map create is a probe"
	expect_eq "$(tc get "$TRACE" probe cmd=BPF_MAP_CREATE attr.map_type=BPF_MAP_TYPE_RINGBUF)" \
		"an anonymous map of 4096 entries" "the one-page ring buffer"
	expect_eq "$(tc get "$TRACE" probe cmd=BPF_PROG_LOAD attr.insn_cnt=4097)" \
		"an anonymous 4097-instruction program" "the large instruction limit probe"
	run "$BPFSPY" check --json "$TRACE"
	expect_eq "$status" 0 "check: $output"
	expect_match "${lines[-1]}" '"failed_calls":0,' "no failed call left: ${lines[-1]}"
}

@test "unknown-command: bpf(99) gets EINVAL, a check and an explanation" {
	require_bpf
	run "$BPFSPY" run --seccomp-trap -o "$TRACE" -- "$EXERCISER" raw 99
	[ "$status" -eq 0 ] || skip "--seccomp-trap does not run here: $output"
	expect_eq "$output" "raw cmd=0x63 ret=-1 errno=22" "the kernel's answer"
	expect_eq "$(tc get "$TRACE" cmd cmd_num=99)" BPF_CMD_99 "decoded as unknown"
	expect_match "$(tc get "$TRACE" checks cmd_num=99)" '"rule":"unknown-command","verdict":"pass","why":"command 99 is past the last one the text documents' "the check"
	expect_eq "$(tc get "$TRACE" explanation.rule cmd_num=99)" unknown-command "explained"
	expect_match "$(tc get "$TRACE" explanation.text cmd_num=99)" ': the kernel returns EINVAL$' "explanation text"
	run "$BPFSPY" check "$TRACE"
	expect_eq "$status" 0 "$output"
	expect_match "$output" 'explanation \(unknown-command\): command 99 is past' "check"
}

@test "libbpf-wraps: the example loader's libbpf calls make the commands their documentation names" {
	require_bpf
	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
	"$BPFSPY" run -o "$TRACE" -- "$LOADER" "$BPF_OBJ" >/dev/null 2>&1
	local n
	n=$(tc count "$TRACE" event=libbpf func=bpf_map_create errno=null)
	[ "$n" -ge 1 ] || { echo "no bpf_map_create" >&2; false; }
	expect_eq "$(tc get "$TRACE" checks event=libbpf func=bpf_map_create errno=null | grep -c '"rule":"libbpf-wraps","verdict":"pass","why":"bpf_map_create made BPF_MAP_CREATE"')" \
		"$n" "every bpf_map_create made BPF_MAP_CREATE"
	run "$BPFSPY" check "$TRACE"
	[[ "$output" != *"FAIL libbpf-wraps"* ]] || { echo "$output" >&2; false; }
}

@test "rules --coverage: every statement of both texts accounted for, the counts, 80% checked" {
	run "$BPFSPY" rules --coverage
	expect_eq "$status" 0 "coverage: ${lines[-1]}"
	expect_match "$output" 'include/uapi/linux/bpf.h \(Linux 5.13\): [0-9]+ statements, [0-9]+ checked \([0-9]+%\), [0-9]+ uncheckable \(with a reason\), 0 not yet done' "bpf text"
	expect_match "$output" "libbpf's src/bpf.h: [0-9]+ statements, [0-9]+ checked \\([0-9]+%\\), [0-9]+ uncheckable \\(with a reason\\), 0 not yet done" "libbpf text"
	[[ "$output" != *"bpf-syscall-commands"* && "$output" != *"libbpf-api-docs"* ]] ||
		{ echo "a reference file name shown to users" >&2; false; }
	run "$BPFSPY" rules --coverage --json
	local all checked
	all=$(jq -r 'select(.summary.text == "all") | .summary.statements' <<<"$output")
	checked=$(jq -r 'select(.summary.text == "all") | .summary.checked' <<<"$output")
	[ "$((checked * 100))" -ge "$((all * 80))" ] || { echo "$checked of $all checked" >&2; false; }
	# every checked row names a rule bpfspy rules lists
	run "$BPFSPY" rules --json
	local ids
	ids=$(jq -r .id <<<"$output" | sort -u)
	"$BPFSPY" rules --coverage --json | jq -r 'select(.state == "checked") | .rule' | sort -u |
		while read -r r; do grep -qx "$r" <<<"$ids" || { echo "unknown rule $r" >&2; exit 1; }; done
	run "$BPFSPY" rules --json
	[[ "$output" != *"bpf-syscall-commands"* && "$output" != *"bpf-abi.md"* && "$output" != *"libbpf-api-docs"* ]] ||
		{ echo "a rule cites a reference file" >&2; false; }
}

@test "rules2: the new rules pass on good calls and fail on bad ones a correct kernel refuses (real calls)" {
	require_bpf
	OUT=$T/rules2.out
	TR=$T/rules2.jsonl
	mkdir -p "$T/cg"
	# a cgroup v2 hierarchy of our own, in a private mount namespace
	run unshare -m sh -c 'mount -t cgroup2 none "$1" || exit 125
		exec "$2" run -o "$3" -- "$4" rules2 "$1" >"$5"' sh "$T/cg" "$BPFSPY" "$TR" "$EXERCISER" "$OUT"
	[ "$status" -ne 125 ] || skip "cannot mount cgroup2 here: $output"
	expect_eq "$status" 0 "rules2: $output"
	index_calls
	expect_valid "$TR"
	expect_eq "$(kv query_ok errno)" 0 "PROG_QUERY on a cgroup v2 directory"
	verdicts attach-target query_ok=pass query_not_cgroup=pass
	expect_match "$(ev query_not_cgroup checks)" '"rule":"attach-target","verdict":"pass","why":"target_fd 0 is not a cgroup v2 directory, as BPF_CGROUP_INET_INGRESS needs"' "refused"
	verdicts query-flags query_ok=pass query_bad_flags=fail
	verdicts attach-type query_ok=pass query_bad_type=fail
	verdicts delete-flags dbatch_bad_flags=fail
	verdicts btf-buffer btf_null=fail
	verdicts iter-link iter_on_map=pass
	verdicts info-len info_ok=pass
	verdicts fd-by-id fdbyid_ok=pass
	verdicts fd-kind fdbyid_ok=pass prog=pass hash=pass
	verdicts test-run-enospc testrun_small=pass
	verdicts bind-map bind_ok=pass bind_swapped=pass
	verdicts frozen-map upd_frozen=pass freeze=none
	expect_eq "$(kv upd_frozen errno)" EPERM "a frozen map refuses the update"
	is upd_frozen explanation.text "the map is frozen: no syscall may alter it: the kernel returns EPERM"
	expect_eq "$(ev upd_frozen fds.$(kv hash ret).frozen)" true "the fd note says frozen"
	is query_bad_flags explanation.rule query-flags
	is query_bad_flags explanation.text \
		"query_flags 0x2: only BPF_F_QUERY_EFFECTIVE is documented: the kernel returns EINVAL"
	is query_bad_type explanation.text \
		"attach_type 999 is not one of enum bpf_attach_type: the kernel returns EINVAL"
	is dbatch_bad_flags explanation.rule delete-flags
	expect_match "$(ev testrun_small explanation.text)" \
		'^data_size_out 8 is too small: the output needs [0-9]+: the kernel returns ENOSPC$' "test run"
	expect_eq "$(kv testrun_small errno)" ENOSPC "the kernel's answer"
	expect_eq "$(kv iter_on_map errno)" EINVAL "ITER_CREATE on a map refused"
	expect_match "$(ev iter_on_map explanation.text)" '^link_fd [0-9]+ is a map, not a link: the kernel returns EINVAL$' "iter"
}
