#!/usr/bin/env bats
# bpfspy report: the figures of real traces (the example loader, bpftool,
# execsnoop, privilege and verifier failures), its text layout, and bad
# input (truncated, not JSON, a newer schema), strict and lenient.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
	require_cmd jq
}

require_loader() {
	require_bpf
	[ -x "$LOADER" ] && [ -f "$BPF_OBJ" ] || skip "examples/minimal_loader was not built"
}

# rj FILTER: jq FILTER over the JSON report of $TRACE.
rj() {
	"$BPFSPY" report --json "$TRACE" | jq -r "$1"
}

# ---- the example loader ---------------------------------------------------

@test "report: the example loader's commands, maps, program, link and probes" {
	require_loader
	"$BPFSPY" run -o "$TRACE" -- "$LOADER" "$BPF_OBJ" >/dev/null
	run "$BPFSPY" report --json "$TRACE"
	expect_eq "$status" 0 "report --json"
	echo "$output" >"$T/r.json"
	local p='.processes[0]'
	expect_eq "$(jq -r '.processes | length' "$T/r.json")" 1 processes
	expect_eq "$(jq -r "$p.comm" "$T/r.json")" minimal_loader comm
	expect_eq "$(jq -r "$p.bpf_calls" "$T/r.json")" 30 "bpf calls"
	expect_eq "$(jq -r "$p.failed" "$T/r.json")" 0 failed
	# Per command, the counts of the trace itself.
	jq -r "$p.commands[] | \"\(.cmd) \(.count) \(.failed)\"" "$T/r.json" | sort >"$T/got"
	tc get "$TRACE" cmd | sort | uniq -c | awk '{print $2, $1, 0}' >"$T/want"
	diff -u "$T/want" "$T/got"
	# The latency maximum is the largest dur_ns of that command.
	expect_eq "$(jq -r "$p.commands[] | select(.cmd == \"BPF_PROG_LOAD\") | .max_ns" "$T/r.json")" \
		"$(tc get "$TRACE" dur_ns cmd=BPF_PROG_LOAD | sort -n | tail -1)" "PROG_LOAD max_ns"
	local p50 p99 max
	read -r p50 p99 max < <(jq -r "$p.commands[] | select(.cmd == \"BPF_BTF_LOAD\") | \"\(.p50_ns) \(.p99_ns) \(.max_ns)\"" "$T/r.json")
	[ "$p50" -le "$p99" ] && [ "$p99" -le "$max" ] || { echo "p50 $p50 p99 $p99 max $max" >&2; false; }
	# The maps the object defines, not libbpf's probe maps.
	expect_eq "$(jq -r "[$p.maps[] | \"\(.name):\(.type):\(.key_size):\(.value_size):\(.max_entries)\"] | join(\" \")" "$T/r.json")" \
		"counts:BPF_MAP_TYPE_ARRAY:4:8:4 seen:BPF_MAP_TYPE_HASH:4:8:128 minimal.rodata:BPF_MAP_TYPE_ARRAY:4:4:1" maps
	expect_eq "$(jq -r "$p.maps[] | select(.name == \"minimal.rodata\") | .flags" "$T/r.json")" \
		"BPF_F_RDONLY_PROG|BPF_F_MMAPABLE" "rodata flags"
	# The program, its digest as traced, and the verifier's verdict.
	expect_eq "$(jq -r "[$p.programs[] | .name] | join(\" \")" "$T/r.json")" count_syscalls programs
	expect_eq "$(jq -r "$p.programs[0].insn_cnt" "$T/r.json")" \
		"$(tc get "$TRACE" attr.insn_cnt cmd=BPF_PROG_LOAD attr.prog_name=count_syscalls)" insn_cnt
	expect_eq "$(jq -r "$p.programs[0].insns_digest" "$T/r.json")" \
		"$(tc get "$TRACE" attr.insns_digest cmd=BPF_PROG_LOAD attr.prog_name=count_syscalls)" digest
	expect_eq "$(jq -r "$p.programs[0].verifier" "$T/r.json")" ok verifier
	expect_eq "$(jq -r "$p.programs[0].id" "$T/r.json")" \
		"$(tc get "$TRACE" "fds.$(tc get "$TRACE" ret cmd=BPF_PROG_LOAD attr.prog_name=count_syscalls).id" \
			cmd=BPF_PROG_LOAD attr.prog_name=count_syscalls)" "prog id"
	expect_eq "$(jq -r "$p.links[] | \"\(.type) \(.prog) \(.target)\"" "$T/r.json")" \
		"BPF_LINK_TYPE_RAW_TRACEPOINT prog count_syscalls sys_enter" link
	# Probes are apart: none of them is a failure.
	expect_eq "$(jq -r "$p.probes.calls" "$T/r.json")" "$(tc count "$TRACE" probe)" "probe calls"
	expect_eq "$(jq -r "$p.probes.failed" "$T/r.json")" 0 "failed probes"
	expect_eq "$(jq -r "$p.failures | length" "$T/r.json")" 0 failures
	expect_eq "$(jq -r "$p.libbpf_functions[] | select(.func == \"bpf_object__load\") | .count" "$T/r.json")" 1 \
		"bpf_object__load calls"
}

@test "report: text fits 80 columns, aligned, no colour when not a tty" {
	require_loader
	# A long object path, as in a deep checkout: argv must wrap, not overflow.
	local deep=$BATS_TEST_TMPDIR/a-rather-long-directory-name/and-another-one
	mkdir -p "$deep" && cp "$BPF_OBJ" "$deep/minimal.bpf.o"
	"$BPFSPY" run -o "$TRACE" -- "$LOADER" "$deep/minimal.bpf.o" >/dev/null
	run "$BPFSPY" report "$TRACE"
	expect_eq "$status" 0
	expect_match "$output" $'\nargv    [^\n]*minimal_loader' "argv under its label"
	local long
	long=$(printf '%s\n' "$output" | awk 'length > 80')
	expect_eq "$long" "" "lines over 80 columns"
	[[ $output != *$'\033['* ]] || { echo "escape codes without a tty" >&2; false; }
	expect_match "$output" $'\ncounts +ARRAY +4 +8 +4  0\n' "counts row"
	expect_match "$output" $'\ncount_syscalls +RAW_TRACEPOINT +[0-9]+ xxh3:[0-9a-f]{16} ok\n' "program row"
	expect_match "$output" 'calls   30 bpf: 0 failed, [0-9]+ feature probes \(0 failed\)' "calls line"
	# The header row and the counts row end "max_entries" and 4 in one column.
	local h r end
	h=$(printf '%s\n' "$output" | grep '^maps ')
	r=$(printf '%s\n' "$output" | grep '^counts ')
	end=$(awk -v h="$h" 'BEGIN { print index(h, "max_entries") + 10 }')
	expect_eq "${r:end-2:3}" " 4 " "max_entries column of counts"
}

# ---- failures ----------------------------------------------------------------

@test "report: privilege failures keep their explanation and audit" {
	require_bpf
	require_cmd setpriv
	[ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null)" != 0 ] ||
		skip "kernel.unprivileged_bpf_disabled is 0"
	run setpriv --inh-caps=-all --bounding-set=-all --ambient-caps=-all \
		"$BPFSPY" run -o "$TRACE" -- "$EXERCISER" eperm
	[ -s "$TRACE" ] || skip "setpriv cannot drop the capabilities here: $output"
	local p='.processes[0]' n probes
	n=$(tc count "$TRACE" errno=EPERM)
	probes=$(tc count "$TRACE" errno=EPERM probe)
	[ "$n" -ge 3 ] || { echo "only $n EPERM calls" >&2; false; }
	expect_eq "$(rj "$p.failed")" "$n" "failed calls"
	expect_eq "$(rj "[$p.commands[] | .errors.EPERM // 0] | add")" "$n" "EPERM by command"
	expect_eq "$(rj "[$p.failures[] | .count] | add")" "$((n - probes))" "failures, grouped"
	expect_eq "$(rj "$p.probes.failed")" "$probes" "failed probes"
	expect_eq "$(rj "[$p.failures[] | select(.rule == \"capability\")] | length")" \
		"$(rj "$p.failures | length")" "every failure explained by the capability rule"
	expect_match "$(rj "$p.failures[] | select(.call == \"BPF_MAP_CREATE\") | .explanation")" \
		'CAP_BPF.*EPERM' "MAP_CREATE explanation"
	expect_match "$(rj "$p.failures[] | select(.call == \"BPF_MAP_CREATE\") | .audit")" \
		'lacks CAP_BPF' "MAP_CREATE audit"
	run "$BPFSPY" report "$TRACE"
	expect_match "$output" 'BPF_MAP_CREATE[^\n]*: EPERM' "text failure line"
	expect_match "$output" 'explanation \(capability\):' "text explanation"
}

@test "report: a loader without privileges: failed probes apart from the failed load" {
	require_loader
	require_cmd setpriv
	[ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null)" != 0 ] ||
		skip "kernel.unprivileged_bpf_disabled is 0"
	"$BPFSPY" run -o "$TRACE" -- setpriv --inh-caps=-all --bounding-set=-all --ambient-caps=-all \
		"$LOADER" "$BPF_OBJ" >/dev/null 2>&1 || true
	local p='.processes[0]' n
	n=$(tc count "$TRACE" errno=EPERM)
	[ "$n" -ge 1 ] || skip "the loader was not refused without capabilities"
	expect_eq "$(rj "$p.probes.failed")" "$(tc count "$TRACE" errno=EPERM probe)" "failed probes"
	expect_eq "$(rj "[$p.failures[] | select(.call == \"BPF_PROG_LOAD\")] | length")" 0 \
		"probe loads listed as failures"
	expect_eq "$(rj "$p.failures[] | select(.call == \"bpf_object__load()\") | .errno")" EPERM \
		"the load that failed, as the loader saw it"
	run "$BPFSPY" report "$TRACE"
	expect_match "$output" 'feature probes: [0-9]+ calls, [1-9][0-9]* failed' "text probes"
	expect_match "$output" $'\n  EPERM +[0-9]+  PROG_LOAD +an anonymous' "text failed probe"
}

@test "report: a program the verifier rejects: the reason, and the whole log with --full-log" {
	require_loader
	require_cmd clang
	# count_syscalls without its NULL check on the second lookup.
	sed -z 's/val = bpf_map_lookup_elem(&seen, &id);\n\tif (val)\n\t\t__sync_fetch_and_add(val, 1);\n\telse\n\t\tbpf_map_update_elem(&seen, &id, &one, BPF_NOEXIST);/val = bpf_map_lookup_elem(\&seen, \&id);\n\t__sync_fetch_and_add(val, one);/' \
		"$SRCDIR/examples/minimal.bpf.c" >"$T/minimal.bpf.c"
	! cmp -s "$SRCDIR/examples/minimal.bpf.c" "$T/minimal.bpf.c" || { echo "sed changed nothing" >&2; false; }
	clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I/usr/include/x86_64-linux-gnu \
		-c "$T/minimal.bpf.c" -o "$T/minimal.bpf.o"
	run "$BPFSPY" run -o "$TRACE" -- "$LOADER" "$T/minimal.bpf.o"
	expect_eq "$status" 1 "the loader fails"
	local p='.processes[0]' f
	f="$p.failures[] | select(.call == \"BPF_PROG_LOAD\")"
	expect_eq "$(rj "$f | .object")" "prog count_syscalls" "failed object"
	expect_eq "$(rj "$f | .errno")" EACCES errno
	expect_eq "$(rj "$f | .count")" 2 "loads (libbpf retries with a log)"
	expect_match "$(rj "$f | .verifier_reason")" "invalid mem access 'map_value_or_null'"$ "verifier reason"
	[[ $(rj "$f | .verifier_reason") != *processed* ]] || { echo "statistics in the reason" >&2; false; }
	expect_eq "$(rj "$p.programs[0].verifier")" EACCES "program verdict"
	expect_eq "$(rj "$f | .verifier_log")" null "full log without --full-log"
	expect_match "$("$BPFSPY" report --json --full-log "$TRACE" | jq -r "$f | .verifier_log")" \
		'^0: R1=ctx\(\) R10=fp0.*processed [0-9]+ insns' "full log"
	run "$BPFSPY" report "$TRACE"
	expect_match "$output" $'seq [0-9]+ BPF_PROG_LOAD prog count_syscalls: EACCES \\(2 calls\\)\n' "text failure"
	expect_match "$output" $'--full-log for all\\):\n' "text hint"
	expect_match "$output" $'      \\| R0 invalid mem access \'map_value_or_null\'\n' "text reason"
}

# ---- other loaders -----------------------------------------------------------

@test "report: bpftool map create: the map and its pin" {
	require_bpf
	require_cmd bpftool
	require_bpffs
	in_bpffs "$BPFSPY" run -o "$TRACE" -- bpftool map create /sys/fs/bpf/spymap \
		type hash key 4 value 8 entries 16 name spymap flags 1
	local p='.processes[0]'
	expect_eq "$(rj "$p.libbpf")" "static or absent" libbpf
	expect_eq "$(rj "$p.maps[] | select(.name == \"spymap\") | \"\(.type) \(.key_size) \(.value_size) \(.max_entries) \(.flags)\"")" \
		"BPF_MAP_TYPE_HASH 4 8 16 BPF_F_NO_PREALLOC" spymap
	expect_eq "$(rj "$p.pins[] | \"\(.path) \(.object)\"")" "/sys/fs/bpf/spymap map spymap" pin
	expect_eq "$(rj "$p.bpf_calls")" "$(tc count "$TRACE")" "bpf calls"
}

@test "report: bpftool prog show: the id walk and its final ENOENT" {
	require_bpf
	require_cmd bpftool
	"$BPFSPY" run -o "$TRACE" -- bpftool prog show >/dev/null
	local p='.processes[0]' n
	n=$(tc count "$TRACE" cmd=BPF_PROG_GET_NEXT_ID)
	[ "$n" -ge 1 ] || { echo "no GET_NEXT_ID" >&2; false; }
	expect_eq "$(rj "$p.commands[] | select(.cmd == \"BPF_PROG_GET_NEXT_ID\") | \"\(.count) \(.errors.ENOENT)\"")" \
		"$n 1" "GET_NEXT_ID count and ENOENT"
	expect_eq "$(rj "$p.failed")" "$(tc count "$TRACE" errno!=null)" "failed"
	# the final ENOENT is the documented end of the walk, not a failure
	expect_eq "$(rj "[$p.failures[] | select(.call == \"BPF_PROG_GET_NEXT_ID\")] | length")" 0 \
		"not among the failures"
	expect_eq "$(rj "$p.iteration_ends.calls")" 1 "one iteration end"
	expect_eq "$(rj "$p.loader_failure")" null "no loader failure"
	run "$BPFSPY" report "$TRACE"
	expect_match "$output" 'end of iteration: ENOENT after the last element' "text"
	[[ "$output" != *$'\nfailures\n'* ]] || { echo "$output" >&2; false; }
}

@test "report: bpftool map dump: the key walk ends with ENOENT, kept apart" {
	require_bpf
	require_cmd bpftool
	local p='.processes[0]'
	run in_bpffs sh -c 'bpftool map create /sys/fs/bpf/m type hash key 4 value 4 entries 4 name r18 &&
		bpftool map update pinned /sys/fs/bpf/m key 1 0 0 0 value 1 0 0 0 &&
		bpftool map update pinned /sys/fs/bpf/m key 2 0 0 0 value 2 0 0 0 || exit 125
		exec "$1" run -o "$2" -- bpftool map dump pinned /sys/fs/bpf/m' sh "$BPFSPY" "$TRACE"
	[ "$status" -ne 125 ] || skip "bpftool cannot make a pinned map here: $output"
	expect_eq "$status" 0 "map dump: $output"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_GET_NEXT_KEY errno=ENOENT)" 1 "the walk's end"
	expect_eq "$(rj "[$p.failures[] | select(.call == \"BPF_MAP_GET_NEXT_KEY\")] | length")" 0 \
		"not among the failures"
	expect_eq "$(rj "$p.iteration_ends.groups[0].call")" BPF_MAP_GET_NEXT_KEY "an iteration end"
}

@test "report: bpftrace's kprobe_multi feature test is a probe, not a failure" {
	require_bpf
	require_cmd bpftrace timeout
	run timeout 60 "$BPFSPY" run -o "$TRACE" -- bpftrace -e 'BEGIN { exit(); }'
	[ "$status" -eq 0 ] || skip "bpftrace does not run here: $output"
	[ "$(tc count "$TRACE" cmd=BPF_LINK_CREATE attr.attach_type=BPF_TRACE_KPROBE_MULTI errno=EOPNOTSUPP)" -ge 1 ] ||
		skip "this kernel has kprobe_multi links: bpftrace's test succeeds"
	local p='.processes[0]'
	expect_eq "$(rj "[$p.failures[] | select(.call == \"BPF_LINK_CREATE\" or .call == \"bpf_link_create()\")] | length")" 0 \
		"not among the failures"
	expect_eq "$(rj "[$p.probes.groups[] | select(.call == \"BPF_LINK_CREATE\" and .result == \"EOPNOTSUPP\")] | length")" 1 \
		"among the probes"
	expect_eq "$(rj "$p.loader_failure")" null "no loader failure"
	# bpf_link_create() failed at the top level, and bpftrace went on
	run "$BPFSPY" check "$TRACE"
	expect_eq "$status" 0 "check: $output"
	[[ "$output" != *"loader failure"* ]] || { echo "$output" >&2; false; }
}

@test "report: execsnoop: its tracepoint programs and perf-event links" {
	require_bpf
	require_cmd execsnoop timeout
	require_btf
	require_tracefs
	run in_tracefs timeout -s INT 1 execsnoop
	[ "$status" -eq 124 ] || skip "execsnoop does not run here (exit $status)"
	run in_tracefs "$BPFSPY" run -o "$TRACE" -- timeout -s INT 1 execsnoop
	local p='.processes[0]' progs links
	progs=$(tc count "$TRACE" cmd=BPF_PROG_LOAD attr.prog_type=BPF_PROG_TYPE_TRACEPOINT errno=null attr.prog_name!=)
	links=$(tc count "$TRACE" cmd=BPF_LINK_CREATE attr.attach_type=BPF_PERF_EVENT errno=null)
	[ "$progs" -ge 2 ] && [ "$links" -ge 2 ] || { echo "$progs programs, $links links" >&2; false; }
	expect_eq "$(rj "[$p.programs[] | select(.type == \"BPF_PROG_TYPE_TRACEPOINT\" and .verifier == \"ok\")] | length")" \
		"$progs" "tracepoint programs"
	expect_eq "$(rj "[$p.links[] | select(.target == \"BPF_PERF_EVENT\")] | length")" \
		"$links" "perf-event links"
	expect_eq "$(rj "[$p.links[] | select(.prog | startswith(\"prog \"))] | length")" "$links" \
		"links name their program"
	run "$BPFSPY" report "$TRACE"
	expect_eq "$(printf '%s\n' "$output" | awk 'length > 80')" "" "lines over 80 columns"
}

# ---- several files, bad input ------------------------------------------------------

# A trace of two processes made by hand: no kernel needed.
fake_trace() {
	cat >"$1" <<-'EOF'
		{"event":"header","schema":1,"ts":100,"pid":10,"ppid":1,"exe":"/bin/a","argv":["a"],"libbpf":"v1.1","kernel":"6.1"}
		{"event":"bpf","seq":1,"ts":110,"dur_ns":1000,"pid":10,"tid":10,"comm":"a","cmd":"BPF_MAP_CREATE","size":72,"attr":{"map_type":"BPF_MAP_TYPE_HASH","key_size":4,"value_size":8,"max_entries":64,"map_flags":"0","map_name":"m1"},"ret":3,"errno":null,"fds":{"3":{"kind":"map","id":7,"type":"BPF_MAP_TYPE_HASH","name":"m1"}}}
		{"event":"bpf","seq":2,"ts":130,"dur_ns":3000,"pid":10,"tid":10,"comm":"a","cmd":"BPF_MAP_LOOKUP_ELEM","size":32,"attr":{"map_fd":3,"key":"0x7ffe00001000","value":"0x7ffe00002000","flags":"BPF_ANY"},"ret":-1,"errno":"ENOENT","fds":{"3":{"kind":"map","id":7,"type":"BPF_MAP_TYPE_HASH","name":"m1"}}}
	EOF
	cat >"$2" <<-'EOF'
		{"event":"header","schema":1,"ts":105,"pid":20,"ppid":1,"exe":"/bin/b","argv":["b"],"libbpf":"v1.1","kernel":"6.1"}
		{"event":"bpf","seq":1,"ts":120,"dur_ns":2000,"pid":20,"tid":20,"comm":"b","cmd":"BPF_MAP_LOOKUP_ELEM","size":32,"attr":{"map_fd":5,"key":"0x7ffe00001000","value":"0x7ffe00002000","flags":"BPF_ANY"},"ret":-1,"errno":"EBADF"}
		{"event":"lost","pid":20,"count":4}
	EOF
}

@test "report: several files merge by time" {
	fake_trace "$T/a.jsonl" "$T/b.jsonl"
	run "$BPFSPY" report --json "$T/a.jsonl" "$T/b.jsonl"
	expect_eq "$status" 0
	echo "$output" >"$T/r.json"
	expect_eq "$(jq -r '[.processes[] | "\(.pid):\(.comm):\(.bpf_calls):\(.failed):\(.lost)"] | join(" ")' "$T/r.json")" \
		"10:a:2:1:0 20:b:1:1:4" processes
	expect_eq "$(jq -r '.processes[0].maps[0] | "\(.name) \(.id) \(.max_entries)"' "$T/r.json")" "m1 7 64" map
	expect_eq "$(jq -r '.processes[0].failures[0] | "\(.call) \(.object) \(.errno) \(.file):\(.line)"' "$T/r.json")" \
		"BPF_MAP_LOOKUP_ELEM map m1 ENOENT $T/a.jsonl:3" failure
	expect_eq "$(jq -r '.processes[0].commands[] | select(.cmd == "BPF_MAP_LOOKUP_ELEM") | "\(.max_ns) \(.errors.ENOENT)"' "$T/r.json")" \
		"3000 1" "lookup stats"
	expect_eq "$(jq -r '.events' "$T/r.json")" 4 "events (not headers)"
}

@test "report: a truncated last line, a non-JSON line, a newer schema: file and line, exit 2" {
	fake_trace "$T/a.jsonl" "$T/b.jsonl"
	# A killed writer: the last line stops in the middle.
	head -c -40 "$T/a.jsonl" >"$T/trunc.jsonl"
	run --separate-stderr "$BPFSPY" report "$T/trunc.jsonl"
	expect_eq "$status" 2 "truncated"
	expect_eq "$stderr" "bpfspy report: $T/trunc.jsonl:3: truncated last line" stderr
	expect_eq "$output" "" "no report from a bad trace"
	# --lenient: a warning, the line skipped, the rest reported.
	run --separate-stderr "$BPFSPY" report --lenient --json "$T/trunc.jsonl"
	expect_eq "$status" 0 "lenient"
	expect_eq "$stderr" "bpfspy report: $T/trunc.jsonl:3: truncated last line (skipped)" "lenient stderr"
	expect_eq "$(jq -r '"\(.skipped_lines) \(.processes[0].bpf_calls)"' <<<"$output")" "1 1" "lenient report"

	{ sed -n 1,2p "$T/a.jsonl"; echo 'not json {'; sed -n 3p "$T/a.jsonl"; } >"$T/garbage.jsonl"
	run --separate-stderr "$BPFSPY" report "$T/garbage.jsonl"
	expect_eq "$status" 2 "not JSON"
	expect_eq "$stderr" "bpfspy report: $T/garbage.jsonl:3: not a JSON object" stderr

	sed '1s/"schema":1/"schema":99/' "$T/a.jsonl" >"$T/newer.jsonl"
	run --separate-stderr "$BPFSPY" report "$T/newer.jsonl"
	expect_eq "$status" 2 "newer schema"
	expect_match "$stderr" "^bpfspy report: $T/newer.jsonl:1: schema 99 is newer than this bpfspy reads" stderr

	run --separate-stderr "$BPFSPY" report "$T/missing.jsonl"
	expect_eq "$status" 2 "missing file"
	expect_match "$stderr" "missing.jsonl: No such file" stderr
	run "$BPFSPY" report
	expect_eq "$status" 2 "no trace"
}

@test "report: garbage of every kind never crashes it" {
	fake_trace "$T/a.jsonl" "$T/b.jsonl"
	local i
	for i in $(seq 1 40); do
		head -c $((RANDOM % 600)) /dev/urandom >"$T/junk.$i"
		# JSON of the wrong shapes: arrays, numbers, wrong types in known keys.
		printf '%s\n' '[1,2]' '3' '{"event":"bpf","pid":"x","cmd":7,"attr":[],"fds":5,"ret":"y","errno":3}' \
			'{"event":"header","pid":{},"argv":"no","exe":1}' '{"event":"lost","pid":1,"count":"z"}' \
			'{"event":"bpf","cmd":"BPF_PROG_LOAD","ret":-1,"errno":"EACCES","out":{"log":7},"probe":null}' \
			'{"event":"bpf","cmd":"BPF_PROG_LOAD","ret":-1,"errno":"EACCES","out":{"log":""}}' \
			'{"event":"bpf","cmd":"BPF_PROG_LOAD","ret":-1,"errno":"EACCES","out":{"log":"\n\n\n"}}' >>"$T/junk.$i"
		run "$BPFSPY" report --lenient "$T/junk.$i" "$T/a.jsonl"
		[ "$status" -eq 0 ] || { echo "junk.$i: exit $status: $output" >&2; false; }
		run "$BPFSPY" report "$T/junk.$i"
		[ "$status" -eq 0 ] || [ "$status" -eq 2 ] || { echo "junk.$i strict: exit $status" >&2; false; }
	done
}
