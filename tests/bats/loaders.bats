#!/usr/bin/env bats
# Real loaders under bpfspy: the bundled libbpf example, bpftool, execsnoop,
# bpftrace, and strace's independent view of the same calls.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
}

require_loader() {
	require_bpf
	[ -x "$LOADER" ] && [ -f "$BPF_OBJ" ] || skip "examples/minimal_loader or minimal.bpf.o was not built"
	local out
	out=$("$LOADER" "$BPF_OBJ" 2>&1) || skip "the example loader fails without bpfspy: $out"
}

# expect_chain FILE CMD: the GET_NEXT_ID events of CMD form one chain
# (each start_id is the previous next_id) that ends with ENOENT.
expect_chain() {
	local -a start next ret err
	mapfile -t start < <(tc get "$1" attr.start_id cmd="$2")
	mapfile -t next < <(tc get "$1" out.next_id cmd="$2")
	mapfile -t ret < <(tc get "$1" ret cmd="$2")
	mapfile -t err < <(tc get "$1" errno cmd="$2")
	local n=${#start[@]} i
	[ "$n" -ge 1 ] || { echo "no $2 events" >&2; return 1; }
	expect_eq "${start[0]}" 0 "first start_id" || return 1
	for ((i = 0; i < n - 1; i++)); do
		expect_eq "${ret[i]}/${err[i]}" "0/null" "$2 #$i" || return 1
		expect_match "${next[i]}" '^[1-9][0-9]*$' "$2 #$i next_id" || return 1
		expect_eq "${start[i + 1]}" "${next[i]}" "start_id of $2 #$((i + 1))" || return 1
	done
	expect_eq "${ret[n - 1]}/${err[n - 1]}" "-1/ENOENT" "last $2" || return 1
}

# ---- the bundled example ---------------------------------------------------

@test "example loader: its 30 calls, by command" {
	require_loader
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$LOADER" "$BPF_OBJ"
	expect_eq "$status" 0
	expect_match "$output" '^minimal_loader: counts\[0\]=[0-9]+ syscalls seen$' stdout
	expect_valid "$TRACE"
	expect_eq "$(tc count "$TRACE")" 30 "bpf events"
	expect_eq "$(tc count "$TRACE" errno!=null)" 0 "failed calls"
	tc get "$TRACE" cmd | sort | uniq -c | awk '{print $2, $1}' >"$T/got"
	cat >"$T/want" <<-EOF
		BPF_BTF_LOAD 9
		BPF_MAP_CREATE 6
		BPF_MAP_FREEZE 1
		BPF_MAP_GET_NEXT_KEY 1
		BPF_MAP_LOOKUP_ELEM 2
		BPF_MAP_UPDATE_ELEM 2
		BPF_PROG_BIND_MAP 2
		BPF_PROG_LOAD 6
		BPF_RAW_TRACEPOINT_OPEN 1
	EOF
	diff -u "$T/want" "$T/got"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "tracecheck seq"
	# libbpf is a shared library in the loader.
	expect_match "$(tc get "$TRACE" libbpf event=header)" '^v[0-9]+\.[0-9]+' "header libbpf"
}

@test "example loader: names, license, types and fds tie together" {
	require_loader
	"$BPFSPY" run -o "$TRACE" -- "$LOADER" "$BPF_OBJ" >/dev/null
	local prog_fd counts_fd seen_fd rodata_fd btf_fd
	# The program.
	expect_eq "$(tc count "$TRACE" cmd=BPF_PROG_LOAD attr.prog_name=count_syscalls)" 1 "count_syscalls loads"
	expect_eq "$(tc get "$TRACE" attr.prog_type cmd=BPF_PROG_LOAD attr.prog_name=count_syscalls)" \
		BPF_PROG_TYPE_RAW_TRACEPOINT prog_type
	expect_eq "$(tc get "$TRACE" attr.license cmd=BPF_PROG_LOAD | sort -u)" GPL "license of every PROG_LOAD"
	expect_eq "$(tc count "$TRACE" cmd=BPF_PROG_LOAD attr.prog_name=libbpf_nametest)" 1 "libbpf's name probe"
	prog_fd=$(tc get "$TRACE" ret cmd=BPF_PROG_LOAD attr.prog_name=count_syscalls)
	expect_match "$prog_fd" '^[0-9]+$' "count_syscalls fd"
	expect_match "$(tc get "$TRACE" attr.insn_cnt cmd=BPF_PROG_LOAD attr.prog_name=count_syscalls)" '^[1-9][0-9]*$' insn_cnt

	# The attach.
	expect_eq "$(tc get "$TRACE" attr.name cmd=BPF_RAW_TRACEPOINT_OPEN)" sys_enter "raw tracepoint name"
	expect_eq "$(tc get "$TRACE" attr.prog_fd cmd=BPF_RAW_TRACEPOINT_OPEN)" "$prog_fd" "raw tracepoint prog_fd"

	# The maps.
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE attr.map_name=counts attr.map_type=BPF_MAP_TYPE_ARRAY \
		attr.key_size=4 attr.value_size=8 attr.max_entries=4)" 1 "counts"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE attr.map_name=seen attr.map_type=BPF_MAP_TYPE_HASH \
		attr.key_size=4 attr.value_size=8 attr.max_entries=128)" 1 "seen"
	counts_fd=$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE attr.map_name=counts)
	seen_fd=$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE attr.map_name=seen)
	rodata_fd=$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE attr.map_name=minimal.rodata)
	expect_match "$(tc get "$TRACE" attr.map_flags cmd=BPF_MAP_CREATE attr.map_name=minimal.rodata)" \
		'BPF_F_RDONLY_PROG' ".rodata flags"
	# The object's BTF (the last, largest BTF_LOAD) describes the maps.
	btf_fd=$(tc get "$TRACE" ret cmd=BPF_BTF_LOAD | tail -1)
	expect_eq "$(tc get "$TRACE" attr.btf_fd cmd=BPF_MAP_CREATE attr.map_name=counts)" "$btf_fd" "counts btf_fd"
	expect_eq "$(tc get "$TRACE" attr.prog_btf_fd cmd=BPF_PROG_LOAD attr.prog_name=count_syscalls)" "$btf_fd" "prog_btf_fd"

	# .rodata: filled, frozen, bound to the program.
	expect_eq "$(tc get "$TRACE" attr.map_fd cmd=BPF_MAP_FREEZE)" "$rodata_fd" "FREEZE map_fd"
	expect_eq "$(tc get "$TRACE" attr.map_fd cmd=BPF_MAP_UPDATE_ELEM | head -1)" "$rodata_fd" "first UPDATE map_fd"
	expect_eq "$(tc count "$TRACE" cmd=BPF_PROG_BIND_MAP attr.prog_fd="$prog_fd" attr.map_fd="$rodata_fd")" 1 "BIND_MAP of .rodata"

	# The lookups and the rest use the fds MAP_CREATE returned.
	expect_eq "$(tc get "$TRACE" attr.map_fd cmd=BPF_MAP_LOOKUP_ELEM | tr '\n' ' ')" "$counts_fd $seen_fd " "LOOKUP map_fds"
	expect_eq "$(tc get "$TRACE" attr.map_fd cmd=BPF_MAP_UPDATE_ELEM | tail -1)" "$seen_fd" "UPDATE of seen"
	expect_eq "$(tc get "$TRACE" attr.map_fd cmd=BPF_MAP_GET_NEXT_KEY)" "$seen_fd" "GET_NEXT_KEY map_fd"
	local fd creates
	creates=" $(tc get "$TRACE" ret cmd=BPF_MAP_CREATE | tr '\n' ' ') "
	for fd in $(tc get "$TRACE" attr.map_fd cmd=BPF_MAP_LOOKUP_ELEM); do
		[[ $creates == *" $fd "* ]] || { echo "LOOKUP map_fd $fd is no MAP_CREATE ret ($creates)" >&2; false; }
	done
}

@test "example loader --pin: OBJ_PIN of counts on bpffs" {
	require_loader
	require_bpffs
	run --separate-stderr in_bpffs "$BPFSPY" run -o "$TRACE" -- "$LOADER" --pin /sys/fs/bpf "$BPF_OBJ"
	expect_eq "$status" 0
	expect_eq "$(tc count "$TRACE" cmd=BPF_OBJ_PIN)" 1 "OBJ_PIN events"
	expect_eq "$(tc get "$TRACE" attr.pathname cmd=BPF_OBJ_PIN)" /sys/fs/bpf/counts pathname
	expect_eq "$(tc get "$TRACE" attr.bpf_fd cmd=BPF_OBJ_PIN)" \
		"$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE attr.map_name=counts)" "OBJ_PIN bpf_fd"
	expect_eq "$(tc get "$TRACE" ret cmd=BPF_OBJ_PIN)" 0 "OBJ_PIN ret"
}

# ---- bpftool --------------------------------------------------------------

@test "bpftool map create: MAP_CREATE as asked, then OBJ_PIN of the path" {
	require_bpf
	require_cmd bpftool
	require_bpffs
	run --separate-stderr in_bpffs "$BPFSPY" run -o "$TRACE" -- bpftool map create /sys/fs/bpf/spymap \
		type hash key 4 value 8 entries 16 name spymap flags 1
	expect_eq "$status" 0 "bpftool map create ($stderr)"
	expect_valid "$TRACE"
	expect_eq "$(tc get "$TRACE" libbpf event=header)" "static or absent" "header libbpf (bpftool links libbpf statically)"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE attr.map_name=spymap)" 1 "MAP_CREATE of spymap"
	local m=(cmd=BPF_MAP_CREATE attr.map_name=spymap)
	expect_eq "$(tc get "$TRACE" attr.map_type "${m[@]}")" BPF_MAP_TYPE_HASH map_type
	expect_eq "$(tc get "$TRACE" attr.key_size "${m[@]}")" 4 key_size
	expect_eq "$(tc get "$TRACE" attr.value_size "${m[@]}")" 8 value_size
	expect_eq "$(tc get "$TRACE" attr.max_entries "${m[@]}")" 16 max_entries
	expect_eq "$(tc get "$TRACE" attr.map_flags "${m[@]}")" BPF_F_NO_PREALLOC map_flags
	local fd
	fd=$(tc get "$TRACE" ret "${m[@]}")
	expect_match "$fd" '^[0-9]+$' "MAP_CREATE ret"
	# The pin comes last, on the map just made.
	expect_eq "$(tc get "$TRACE" cmd | tail -1)" BPF_OBJ_PIN "last call"
	expect_eq "$(tc get "$TRACE" attr.pathname cmd=BPF_OBJ_PIN)" /sys/fs/bpf/spymap pathname
	expect_eq "$(tc get "$TRACE" attr.bpf_fd cmd=BPF_OBJ_PIN)" "$fd" "OBJ_PIN bpf_fd"
	expect_eq "$(tc get "$TRACE" ret cmd=BPF_OBJ_PIN)" 0 "OBJ_PIN ret"
}

@test "bpftool prog show: the GET_NEXT_ID chain ends with ENOENT and covers what bpftool lists" {
	require_bpf
	require_cmd bpftool
	require_bpffs
	[ -f "$BPF_OBJ" ] || skip "examples/minimal.bpf.o was not built"
	# Keep one program loaded (pinned in the private bpffs) so the chain
	# has at least one link.
	run --separate-stderr in_bpffs sh -c '
		bpftool prog load "$1" /sys/fs/bpf/p || exit 125
		bpftool -j prog show pinned /sys/fs/bpf/p >"$2/pinned.json" || exit 125
		exec "$3" run -o "$4" -- bpftool -j prog show' sh "$BPF_OBJ" "$T" "$BPFSPY" "$TRACE"
	[ "$status" -ne 125 ] || skip "bpftool cannot load the example object here: $stderr"
	expect_eq "$status" 0 "bpftool prog show"
	expect_valid "$TRACE"
	expect_chain "$TRACE" BPF_PROG_GET_NEXT_ID
	expect_eq "$(tc get "$TRACE" libbpf event=header)" "static or absent" "header libbpf"
	# Every program bpftool printed was found through the chain.
	local ids id pinned
	ids=" $(tc get "$TRACE" out.next_id cmd=BPF_PROG_GET_NEXT_ID | tr '\n' ' ') "
	pinned=$(grep -o '^{"id":[0-9]*' "$T/pinned.json" | cut -d: -f2)
	[[ $ids == *" $pinned "* ]] || { echo "pinned program $pinned not in the chain:$ids" >&2; false; }
	for id in $(printf '%s\n' "$output" | grep -o '{"id":[0-9]*' | cut -d: -f2); do
		[[ $ids == *" $id "* ]] || { echo "listed program $id not in the chain:$ids" >&2; false; }
	done
	# ...and opened by id.
	expect_match "$(tc count "$TRACE" cmd=BPF_PROG_GET_FD_BY_ID attr.prog_id="$pinned")" '^[1-9]' "GET_FD_BY_ID of $pinned"
}

@test "bpftool prog load of the example object: the outcome matches the trace" {
	require_bpf
	require_cmd bpftool
	require_bpffs
	[ -f "$BPF_OBJ" ] || skip "examples/minimal.bpf.o was not built"
	run --separate-stderr in_bpffs "$BPFSPY" run -o "$TRACE" -- bpftool prog load "$BPF_OBJ" /sys/fs/bpf/minimal
	expect_valid "$TRACE"
	local p=(cmd=BPF_PROG_LOAD attr.prog_name=count_syscalls)
	[ "$(tc count "$TRACE" "${p[@]}")" -ge 1 ] || { echo "no PROG_LOAD of count_syscalls" >&2; false; }
	local last_ret
	last_ret=$(tc get "$TRACE" ret "${p[@]}" | tail -1)
	if [ "$status" -eq 0 ]; then
		# Loaded: a raw tracepoint program, GPL, pinned at the path.
		expect_match "$last_ret" '^[0-9]+$' "PROG_LOAD ret"
		expect_eq "$(tc get "$TRACE" attr.prog_type "${p[@]}" | tail -1)" BPF_PROG_TYPE_RAW_TRACEPOINT prog_type
		expect_eq "$(tc get "$TRACE" attr.license "${p[@]}" | tail -1)" GPL license
		expect_eq "$(tc get "$TRACE" attr.pathname cmd=BPF_OBJ_PIN)" /sys/fs/bpf/minimal "pin path"
		expect_eq "$(tc get "$TRACE" attr.bpf_fd cmd=BPF_OBJ_PIN)" "$last_ret" "pinned fd"
		expect_eq "$(tc get "$TRACE" ret cmd=BPF_OBJ_PIN)" 0 "OBJ_PIN ret"
		expect_eq "$(tc get "$TRACE" cmd | tail -1)" BPF_OBJ_PIN "last call"
	else
		# Refused: the trace says why, and nothing was pinned.
		expect_eq "$last_ret" -1 "PROG_LOAD ret when bpftool failed ($stderr)"
		expect_match "$(tc get "$TRACE" errno "${p[@]}" | tail -1)" '^E[A-Z0-9]+$' "PROG_LOAD errno"
		expect_eq "$(tc count "$TRACE" cmd=BPF_OBJ_PIN ret=0)" 0 "successful pins"
	fi
}

@test "bpftool -d prog load: the large verifier log is recorded as bpftool printed it" {
	require_bpf
	require_cmd bpftool
	require_bpffs
	[ -f "$BPF_OBJ" ] || skip "examples/minimal.bpf.o was not built"
	run --separate-stderr in_bpffs "$BPFSPY" run -o "$TRACE" -- bpftool -d prog load "$BPF_OBJ" /sys/fs/bpf/minimal
	expect_eq "$status" 0 "bpftool -d prog load"
	expect_valid "$TRACE"
	local p=(cmd=BPF_PROG_LOAD attr.prog_name=count_syscalls errno=null)
	expect_match "$(tc get "$TRACE" attr.log_level "${p[@]}")" 'BPF_LOG_LEVEL' log_level
	local log
	log=$(tc get "$TRACE" out.log "${p[@]}")
	# Bigger than one event's stack buffer: the large-event path.
	[ "${#log}" -gt 2048 ] || skip "the verifier log is only ${#log} bytes here"
	expect_match "$log" 'processed [0-9]+ insns' "end of the log"
	[[ $stderr == *"$log"* ]] || {
		echo "the recorded log (${#log} bytes) is not what bpftool printed" >&2
		diff <(printf '%s\n' "$log") <(printf '%s\n' "$stderr") | head -20 >&2
		false
	}
}

# ---- libbpf-tools, bpftrace ---------------------------------------------

@test "execsnoop: tracepoint programs loaded and attached through perf links" {
	require_bpf
	require_cmd execsnoop timeout
	require_btf
	require_tracefs
	# Does execsnoop run here at all?
	run in_tracefs timeout -s INT 1 execsnoop
	[ "$status" -eq 124 ] || skip "execsnoop does not run here (exit $status): ${output:0:200}"

	run --separate-stderr in_tracefs sh -c '
		(for i in $(seq 12); do sleep 0.2; /bin/true; done) &
		"$@"; st=$?; wait; exit $st' sh "$BPFSPY" run -o "$TRACE" -- timeout -s INT 2 execsnoop
	expect_eq "$status" 124 "timeout's status, passed on by bpfspy"
	# execsnoop worked: it saw our true.
	printf '%s\n' "$output" | grep -qE '^true +[0-9]+ ' ||
		{ echo "execsnoop saw no exec of true: ${output:0:500}" >&2; false; }
	expect_valid "$TRACE"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "tracecheck seq"
	expect_eq "$(tc get "$TRACE" exe event=header)" "$(readlink -f "$(command -v execsnoop)")" "header exe"
	expect_eq "$(tc get "$TRACE" libbpf event=header)" "static or absent" "header libbpf"

	# The execve tracepoint programs...
	local tp=(cmd=BPF_PROG_LOAD attr.prog_type=BPF_PROG_TYPE_TRACEPOINT errno=null)
	local n_tp
	n_tp=$(tc count "$TRACE" "${tp[@]}" attr.prog_name!=)
	[ "$n_tp" -ge 2 ] || { echo "$n_tp named tracepoint programs loaded" >&2; false; }
	expect_eq "$(tc get "$TRACE" attr.license "${tp[@]}" | sort -u)" GPL license
	# ...attached through perf-event links, each to one of them.
	local links prog_fds fd
	links=$(tc count "$TRACE" cmd=BPF_LINK_CREATE attr.attach_type=BPF_PERF_EVENT errno=null)
	[ "$links" -ge 2 ] || { echo "$links successful perf-event LINK_CREATEs" >&2; false; }
	prog_fds=" $(tc get "$TRACE" ret "${tp[@]}" | tr '\n' ' ') "
	for fd in $(tc get "$TRACE" attr.prog_fd cmd=BPF_LINK_CREATE attr.attach_type=BPF_PERF_EVENT errno=null); do
		[[ $prog_fds == *" $fd "* ]] || { echo "link prog_fd $fd is no tracepoint program ($prog_fds)" >&2; false; }
	done
	expect_eq "$(tc count "$TRACE" cmd=BPF_LINK_CREATE attr.attach_type=BPF_PERF_EVENT errno=null attr.target_fd=-1)" 0 \
		"successful links without a perf event fd"
}

@test "bpftrace: its calls are recorded; the header shows the shared libbpf" {
	require_bpf
	require_cmd bpftrace
	run --separate-stderr timeout 30 bpftrace -e 'BEGIN { exit(); }'
	[ "$status" -eq 0 ] || skip "bpftrace does not run here (exit $status): ${stderr:0:300}"
	local native=$output
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- timeout 30 bpftrace -e 'BEGIN { exit(); }'
	expect_eq "$status" 0 "bpftrace under bpfspy ($stderr)"
	expect_eq "$output" "$native" "bpftrace's stdout"
	expect_valid "$TRACE"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "tracecheck seq"
	expect_eq "$(tc get "$TRACE" exe event=header)" "$(readlink -f "$(command -v bpftrace)")" "header exe"
	expect_match "$(tc get "$TRACE" libbpf event=header)" '^v[0-9]+\.[0-9]+' "header libbpf (bpftrace links libbpf.so)"
	[ "$(tc count "$TRACE")" -ge 5 ] || { echo "only $(tc count "$TRACE") bpf events" >&2; false; }
	expect_eq "$(tc count "$TRACE" cmd=BPF_PROG_LOAD attr.prog_name=BEGIN errno=null)" 1 "PROG_LOAD of BEGIN"
}

# ---- strace cross-checks ----------------------------------------------------

# strace_check CMD...: run CMD under bpfspy under strace; the bpf calls
# strace saw (the shim adds none) must be the ones in the trace, in order,
# with the same results.
strace_check() {
	strace_spy "$T/strace.log" run -o "$TRACE" -- "$@" >"$T/stdout" 2>"$T/stderr" ||
		{ echo "exit $?: $(tail -5 "$T/stderr")" >&2; return 1; }
	expect_valid "$TRACE" || return 1
	strace_calls "$T/strace.log" >"$T/strace.calls"
	trace_calls "$TRACE" >"$T/trace.calls"
	[ -s "$T/strace.calls" ] || { echo "strace saw no bpf call" >&2; return 1; }
	diff -u "$T/strace.calls" "$T/trace.calls" >&2 || {
		echo "strace saw $(wc -l <"$T/strace.calls") calls, the trace has $(wc -l <"$T/trace.calls")" >&2
		return 1
	}
}

@test "strace cross-check: the example loader" {
	require_loader
	require_cmd strace
	strace_check "$LOADER" "$BPF_OBJ"
	expect_eq "$(wc -l <"$T/trace.calls")" 30 calls
}

@test "strace cross-check: bpftool prog show" {
	require_bpf
	require_cmd strace bpftool
	strace_check bpftool prog show
	expect_eq "$(tail -1 "$T/trace.calls")" "BPF_PROG_GET_NEXT_ID -1 ENOENT" "last call"
}

@test "strace cross-check: bpftool feature probe (thousands of calls, most failing)" {
	require_bpf
	require_cmd strace bpftool
	strace_check bpftool feature probe kernel
	[ "$(grep -vc ' -$' "$T/trace.calls")" -ge 100 ] || { echo "few failing calls" >&2; false; }
}

@test "strace cross-check: bpftrace" {
	require_bpf
	require_cmd strace bpftrace
	timeout 30 bpftrace -e 'BEGIN { exit(); }' >/dev/null 2>&1 || skip "bpftrace does not run here"
	strace_check bpftrace -e 'BEGIN { exit(); }'
}

@test "strace cross-check: 4 threads, same calls and results (order aside)" {
	require_bpf
	require_cmd strace
	strace_spy "$T/strace.log" run -o "$TRACE" -- "$EXERCISER" threads 4 500 >/dev/null
	expect_eq "$(strace_calls "$T/strace.log" | sort | uniq -c)" "$(trace_calls "$TRACE" | sort | uniq -c)" "calls"
	expect_eq "$(trace_calls "$TRACE" | wc -l)" 2001 "calls"
}
