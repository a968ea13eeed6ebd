#!/usr/bin/env bats
# -e trace=SET (strace's syntax) over bpf commands and libbpf functions,
# on the example loader and bpftool, through bpfspy run and in bare mode.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
	require_bpf
}

# kinds FILE: "bpf CMD" and "libbpf FUNC" of every event, sorted, unique.
kinds() {
	jq -r 'select(.event == "bpf" or .event == "libbpf") | .event + " " + (.cmd // .func)' "$1" |
		sort -u
}

@test "-e trace=SET records the commands named and nothing else; the header says so" {
	"$BPFSPY" run -o "$T/all.jsonl" -- "$LOADER" >/dev/null
	run --separate-stderr "$BPFSPY" run -e trace=BPF_PROG_LOAD,map_create -o "$TRACE" -- "$LOADER"
	expect_eq "$status" 0 "loader"
	expect_eq "$(kinds "$TRACE" | tr '\n' ' ')" "bpf BPF_MAP_CREATE bpf BPF_PROG_LOAD " kinds
	# every such call of the unfiltered run, no fewer
	expect_eq "$(tc count "$TRACE" cmd=BPF_PROG_LOAD)" "$(tc count "$T/all.jsonl" cmd=BPF_PROG_LOAD)" \
		"PROG_LOAD calls"
	expect_eq "$(tc get "$TRACE" trace event=header)" "BPF_PROG_LOAD,map_create" "header"
	expect_eq "$(tc get "$T/all.jsonl" trace event=header)" "<absent>" "no filter, no key"
	# what is recorded is numbered without gaps
	"$TRACECHECK" seq "$TRACE" >/dev/null
}

@test "-e 'trace=!SET' records everything but the set" {
	run --separate-stderr "$BPFSPY" run -e 'trace=!BPF_MAP_CREATE,bpf_map_create' -o "$TRACE" -- "$LOADER"
	expect_eq "$status" 0 "loader"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE)" 0 "MAP_CREATE"
	expect_eq "$(tc count "$TRACE" event=libbpf func=bpf_map_create)" 0 "bpf_map_create"
	[ "$(tc count "$TRACE" cmd=BPF_PROG_LOAD)" -gt 0 ]
	[ "$(tc count "$TRACE" event=libbpf func=bpf_object__load)" -eq 1 ]
}

@test "-e trace=FUNC: a libbpf function alone, its syscalls still counted" {
	run --separate-stderr "$BPFSPY" run -e trace=bpf_object__load -o "$TRACE" -- "$LOADER"
	expect_eq "$status" 0 "loader"
	expect_eq "$(kinds "$TRACE")" "libbpf bpf_object__load" kinds
	[ "$(tc get "$TRACE" syscalls event=libbpf func=bpf_object__load)" -gt 5 ]
}

@test "-e on bpftool: only map commands of bpftool map create" {
	require_cmd bpftool unshare
	in_bpffs "$BPFSPY" run -e trace=BPF_MAP_CREATE,BPF_OBJ_PIN -o "$TRACE" -- \
		bpftool map create /sys/fs/bpf/bpfspy_f type hash key 4 value 8 entries 4 name ff \
		>/dev/null 2>&1 || skip "bpftool map create failed here"
	expect_eq "$(kinds "$TRACE" | tr '\n' ' ')" "bpf BPF_MAP_CREATE bpf BPF_OBJ_PIN " kinds
	expect_eq "$(tc get "$TRACE" attr.map_name cmd=BPF_MAP_CREATE attr.map_name=ff)" ff "the map"
}

@test "-e leaves a command out: still made, and --inject still fails it" {
	local out=$T/out
	# left out, made: the program sees every lookup succeed
	"$BPFSPY" run -e 'trace=!BPF_MAP_LOOKUP_ELEM' -o "$TRACE" -- "$EXERCISER" threads 1 4 >"$out"
	expect_eq "$(cat "$out")" "threads=1 calls=4 total=4" "exerciser, left out"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM)" 0 "lookups recorded"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE)" 1 "the map"
	# left out and a rule on it: the rule still counts and fails calls
	"$BPFSPY" run -e 'trace=!BPF_MAP_LOOKUP_ELEM' --inject BPF_MAP_LOOKUP_ELEM:ENOENT:2+ \
		-o "$TRACE" -- "$EXERCISER" threads 1 4 >"$out" || true
	expect_eq "$(cat "$out")" "threads=1 calls=4 total=1" "exerciser, left out and injected"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM)" 0 "lookups recorded, injected"
}

@test "bare mode: BPFSPY_TRACE is the same set" {
	LD_PRELOAD=$SHIM BPFSPY_OUTPUT=$TRACE BPFSPY_TRACE='!BPF_MAP_LOOKUP_ELEM' \
		"$EXERCISER" lookup 3 >/dev/null
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM)" 0 "lookups"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE)" 1 "the map"
	expect_eq "$(tc get "$TRACE" trace event=header)" '!BPF_MAP_LOOKUP_ELEM' header
	# a set the shim cannot read records everything, with a word
	run --separate-stderr env LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$T/b.jsonl" BPFSPY_TRACE=nonsense \
		"$EXERCISER" lookup 1
	expect_match "$stderr" "BPFSPY_TRACE is not a set" "the word"
	expect_eq "$(tc count "$T/b.jsonl" cmd=BPF_MAP_LOOKUP_ELEM)" 1 "recorded"
}

@test "-e: a bad set is refused before the program runs, naming the word" {
	run --separate-stderr "$BPFSPY" run -e trace=BPF_PROG_LOAD,nosuch -- touch "$T/ran"
	expect_eq "$status" 2 status
	expect_match "$stderr" "'nosuch' is neither a bpf command nor a libbpf function" message
	[ ! -e "$T/ran" ]
	run --separate-stderr "$BPFSPY" run -e signal=all -- true
	expect_eq "$status" 2 "only trace= is known"
}

@test "--failed-only: only failed calls, and the libbpf calls they were made in" {
	require_root
	run --separate-stderr "$BPFSPY" run --unprivileged --failed-only -o "$TRACE" -- "$LOADER"
	[ "$status" -ne 0 ] || skip "the loader did not fail without privileges here"
	expect_eq "$(tc get "$TRACE" failed_only event=header)" true header
	[ "$(tc count "$TRACE")" -gt 0 ]
	expect_eq "$(tc count "$TRACE" errno=null)" 0 "successful bpf calls"
	# each libbpf event failed, or a recorded event names it as parent
	jq -s -e '
		[.[] | select(.event == "bpf" or .event == "libbpf") | .parent // empty] as $parents |
		all(.[] | select(.event == "libbpf");
		    .errno != null or (.seq as $s | $parents | index($s) != null))' "$TRACE" >/dev/null
	# the load's own failure is there, as are the probes that failed
	expect_eq "$(tc count "$TRACE" event=libbpf func=bpf_object__load)" 1 "bpf_object__load"
	# and -Z is the short form; a healthy run records no success
	run --separate-stderr "$BPFSPY" run -Z -o "$T/ok.jsonl" -- "$EXERCISER" lookup 5
	expect_eq "$status" 0
	expect_eq "$(tc count "$T/ok.jsonl" errno=null)" 0 "successes recorded"
	expect_eq "$(tc count "$T/ok.jsonl" cmd=BPF_MAP_LOOKUP_ELEM)" 0 "lookups that found the key"
}

@test "--summary: no events, the counts of a plain run, a table and JSON" {
	"$BPFSPY" run -o "$T/all.jsonl" -- "$LOADER" >/dev/null
	run --separate-stderr "$BPFSPY" run --summary -o "$TRACE" -- "$LOADER"
	expect_eq "$status" 0 "loader"
	expect_eq "$(tc count "$TRACE")" 0 "bpf events"
	expect_eq "$(tc count "$TRACE" event=libbpf)" 0 "libbpf events"
	expect_eq "$(tc count "$TRACE" event=summary)" 1 "one summary"
	expect_eq "$(tc get "$TRACE" summary event=header)" true header
	local cmd
	for cmd in BPF_PROG_LOAD BPF_MAP_CREATE BPF_BTF_LOAD; do
		expect_eq "$(tc get "$TRACE" "commands.$cmd.calls" event=summary)" \
			"$(tc count "$T/all.jsonl" cmd=$cmd)" "$cmd calls"
	done
	expect_eq "$(tc get "$TRACE" functions.bpf_object__load.calls event=summary)" 1 \
		"bpf_object__load"
	# the table on stderr, sorted by time, the short -c too
	expect_match "$stderr" "% time +total ms" "table header"
	expect_match "$stderr" "BPF_PROG_LOAD" "a row"
	run --separate-stderr "$BPFSPY" run --summary=json -- "$EXERCISER" lookup 7
	expect_eq "$status" 0
	expect_eq "$(jq -r '.commands.BPF_MAP_LOOKUP_ELEM.calls' <<<"$stderr")" 7 "lookups in JSON"
	expect_eq "$(jq -r '.processes' <<<"$stderr")" 1 processes
}

@test "--summary: the program sees each call's return and errno as natively, injected ones too" {
	# exerciser errno: successes leave errno as it was, failures set it
	local native
	native=$("$EXERCISER" errno)
	run --separate-stderr "$BPFSPY" run --summary -o "$TRACE" -- "$EXERCISER" errno
	expect_eq "$status" 0
	expect_eq "$output" "$native" "exerciser errno under --summary"
	run --separate-stderr "$BPFSPY" run --summary --inject BPF_MAP_CREATE:EPERM:2 -o "$TRACE" -- \
		"$EXERCISER" errno
	expect_match "$output" "case=bad_map_type ret=-1 errno=1 " "the injected call's errno"
	expect_eq "$(grep -v bad_map_type <<<"$output")" "$(grep -v bad_map_type <<<"$native")" \
		"the other calls"
	expect_eq "$(tc get "$TRACE" commands.BPF_MAP_CREATE.errors event=summary)" 1 "counted"
}

@test "--summary: its latencies agree with the traced run's dur_ns (TSC or not)" {
	require_bpf
	"$BPFSPY" run -o "$T/all.jsonl" -- "$EXERCISER" lookup 3000 >/dev/null
	run --separate-stderr "$BPFSPY" run --summary -o "$TRACE" -- "$EXERCISER" lookup 3000
	expect_eq "$status" 0
	local traced summed hist
	# medians: one preempted call of a few ms moves the mean of 3000
	# 300 ns lookups threefold (seen: 850 ns against 283)
	traced=$(jq -s '[.[] | select(.cmd == "BPF_MAP_LOOKUP_ELEM") | .dur_ns] | sort |
		.[length / 2 | floor]' "$T/all.jsonl")
	# the histogram's median bucket: at least that many ns, under twice it
	summed=$(jq -s '.[] | select(.event == "summary") | .commands.BPF_MAP_LOOKUP_ELEM.hist_ns |
		to_entries | map({b: (.key | tonumber), n: .value}) | sort_by(.b) |
		reduce .[] as $e ({sum: 0, at: null};
			if .at == null and .sum + $e.n > 1500 then .at = $e.b else . end |
			.sum += $e.n) | .at' "$TRACE")
	hist=$(jq -s '.[] | select(.event == "summary") | .commands.BPF_MAP_LOOKUP_ELEM.hist_ns |
		[.[]] | add' "$TRACE")
	expect_eq "$hist" 3000 "the histogram's calls"
	# a factor of 3 either way (the bucket is 2x wide): runs differ, a
	# wrong clock rate is 1000x off
	expect_eq "$(awk -v a="$traced" -v b="$summed" 'BEGIN { print (b > a / 6 && b < a * 3) }')" 1 \
		"median under --summary in [$summed, $((summed * 2))) ns, $traced ns traced"
}

@test "--summary: every thread's calls are counted, and a child's are its own" {
	require_bpf
	run --separate-stderr "$BPFSPY" run --summary -o "$TRACE" -- "$EXERCISER" threads 4 500
	expect_eq "$status" 0 "exerciser: $stderr"
	expect_eq "$(tc get "$TRACE" commands.BPF_MAP_LOOKUP_ELEM.calls event=summary)" 2000 lookups
	# a child's summary holds its own calls, not its parent's before the fork
	run --separate-stderr "$BPFSPY" run --summary -o "$T/fork.jsonl" -- "$EXERCISER" fork
	expect_eq "$status" 0
	expect_eq "$(jq -s -c '[.[] | select(.event == "summary") | .commands |
		map_values(.calls)] | sort_by(length)' "$T/fork.jsonl")" \
		'[{"BPF_MAP_LOOKUP_ELEM":3},{"BPF_MAP_CREATE":1,"BPF_MAP_LOOKUP_ELEM":2}]' "parent and child"
}

@test "--summary: _exit() and exec write the image's counts; a killed process is said to be uncounted" {
	require_bpf
	# _exit(): no destructor runs
	run --separate-stderr "$BPFSPY" run --summary -o "$TRACE" -- "$EXERCISER" _exit
	expect_eq "$status" 3 "_exit's status"
	expect_eq "$(tc get "$TRACE" commands.BPF_MAP_LOOKUP_ELEM.calls event=summary)" 3 "lookups"
	# exec: the image before it writes its own line, the next one its own
	run --separate-stderr "$BPFSPY" run --summary -o "$T/exec.jsonl" -- \
		"$EXERCISER" exec "$EXERCISER" lookup 4
	expect_eq "$status" 0
	expect_eq "$(jq -s -c '[.[] | select(.event == "summary") | .commands |
		map_values(.calls)]' "$T/exec.jsonl")" \
		'[{"BPF_MAP_CREATE":1,"BPF_MAP_LOOKUP_ELEM":1},{"BPF_MAP_CREATE":1,"BPF_MAP_LOOKUP_ELEM":4}]' \
		"each image's line"
	expect_match "$stderr" "summary of 1 process" "one process, two images"
	# an exec that fails: the next line has only what came after it
	run --separate-stderr "$BPFSPY" run --summary=json -o "$T/fail.jsonl" -- \
		"$EXERCISER" exec /nonexistent
	expect_eq "$(jq -s '[.[] | select(.event == "summary") |
		.commands.BPF_MAP_LOOKUP_ELEM.calls // 0] | add' "$T/fail.jsonl")" 1 "lookups over the lines"
	expect_eq "$(grep '^{' <<<"$stderr" | jq -r '.commands.BPF_MAP_LOOKUP_ELEM.calls')" 1 \
		"lookups in the table"
	# SIGKILL: nothing can be written, and that is said
	run --separate-stderr "$BPFSPY" run --summary -o "$T/kill.jsonl" -- "$EXERCISER" sigkill
	expect_eq "$status" 137
	expect_eq "$(tc count "$T/kill.jsonl" event=summary)" 0 "summary lines"
	expect_match "$stderr" "1 process ended before writing its counts" "run's table"
	run --separate-stderr "$BPFSPY" report "$T/kill.jsonl"
	expect_match "$output" "calls   not counted: the process ended before writing" "report"
}

@test "--summary: _exit() from a handler on an alternate stack writes the counts off that stack" {
	require_bpf
	# two children: one ends by _exit() in the handler, one by the raw
	# exit_group (which writes no counts: the run says one is uncounted)
	run --separate-stderr "$BPFSPY" run --summary -o "$TRACE" -- "$EXERCISER" exit_handler
	expect_eq "$status" 0 "exerciser: $stderr"
	[[ $output =~ exit_stack=([0-9]+)\ raw_stack=([0-9]+) ]] || { echo "output: $output" >&2; false; }
	# rendering and spooling the line take the shim's work stack: on the
	# handler's, _exit() costs ~140 bytes over the bare syscall (~520
	# when the line was rendered there)
	[ $((BASH_REMATCH[1] - BASH_REMATCH[2])) -le 256 ] ||
		{ echo "_exit() took $((BASH_REMATCH[1] - BASH_REMATCH[2])) bytes more" >&2; false; }
	expect_eq "$(tc count "$TRACE" event=summary)" 1 "summary lines"
	expect_eq "$(tc get "$TRACE" commands.BPF_MAP_LOOKUP_ELEM.calls event=summary)" 3 lookups
	expect_match "$stderr" "1 process ended before writing its counts" "the raw child"
}

@test "--summary: bpfspy report of the trace shows the table, not zero calls" {
	run --separate-stderr "$BPFSPY" run --summary -o "$TRACE" -- "$EXERCISER" lookup 20
	expect_eq "$status" 0
	run --separate-stderr "$BPFSPY" report "$TRACE"
	expect_eq "$status" 0 "report: $stderr"
	expect_match "$output" "calls   counted, not recorded \\(bpfspy run --summary\\)" "the process's line"
	[[ $output != *"calls   0 bpf"* ]] || { echo "report says 0 calls: $output" >&2; false; }
	expect_match "$output" "% time +total ms" "the table"
	expect_match "$output" " 20 +0  BPF_MAP_LOOKUP_ELEM" "the lookups' row"
	# from standard input the trace cannot be read twice: said so
	run --separate-stderr sh -c '"$1" report - <"$2"' sh "$BPFSPY" "$TRACE"
	expect_match "$output" "needs the trace as a file" "report -"
}
