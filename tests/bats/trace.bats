#!/usr/bin/env bats
# What a trace says about known bpf(2) calls, and that the traced program
# sees exactly what it sees without bpfspy.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
	require_bpf
}

@test "lookup 100: one header, MAP_CREATE decoded, 100 LOOKUPs on its fd, seq 1..101" {
	local native map_fd
	native=$("$EXERCISER" lookup 100)
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" lookup 100
	expect_eq "$status" 0
	expect_eq "$output" "$native" "stdout"
	map_fd=${output#map_fd=}
	map_fd=${map_fd%% *}

	expect_valid "$TRACE"
	expect_eq "$(tc validate "$TRACE")" "lines=102 headers=1 events=101"
	expect_eq "$(head -1 "$TRACE" | cut -c1-18)" '{"event":"header",' "first line"

	# MAP_CREATE with its inputs decoded.
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE)" 1 "MAP_CREATE events"
	expect_eq "$(tc get "$TRACE" attr.map_type cmd=BPF_MAP_CREATE)" BPF_MAP_TYPE_ARRAY map_type
	expect_eq "$(tc get "$TRACE" attr.key_size cmd=BPF_MAP_CREATE)" 4 key_size
	expect_eq "$(tc get "$TRACE" attr.value_size cmd=BPF_MAP_CREATE)" 8 value_size
	expect_eq "$(tc get "$TRACE" attr.max_entries cmd=BPF_MAP_CREATE)" 4 max_entries
	expect_eq "$(tc get "$TRACE" attr.map_flags cmd=BPF_MAP_CREATE)" 0 map_flags
	expect_eq "$(tc get "$TRACE" attr.map_name cmd=BPF_MAP_CREATE)" exerciser map_name
	expect_eq "$(tc get "$TRACE" size cmd=BPF_MAP_CREATE)" 72 size
	expect_eq "$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE)" "$map_fd" "MAP_CREATE ret"
	expect_eq "$(tc get "$TRACE" errno cmd=BPF_MAP_CREATE)" null "MAP_CREATE errno"
	expect_eq "$(tc get "$TRACE" seq cmd=BPF_MAP_CREATE)" 1 "MAP_CREATE seq"

	# 100 lookups, all on that fd, all successful.
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM)" 100 "LOOKUP events"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM attr.map_fd="$map_fd" \
		ret=0 errno=null attr.flags=BPF_ANY size=32)" 100 "LOOKUPs on fd $map_fd with ret 0"
	expect_eq "$(tc get "$TRACE" attr.key cmd=BPF_MAP_LOOKUP_ELEM | grep -cE '^0x[0-9a-f]+$')" 100 "key pointers"
	expect_eq "$(tc get "$TRACE" attr.value cmd=BPF_MAP_LOOKUP_ELEM | grep -cE '^0x[0-9a-f]+$')" 100 "value pointers"
	# A lookup writes nothing back into attr, only into the value buffer.
	# The array map is zeroed: every lookup read key 0 and got value 0.
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM attr.key_data=00000000 \
		out.value_data=0000000000000000)" 100 "LOOKUPs with their key and value bytes"

	# seq runs 1..101 in file order.
	expect_eq "$(tc get "$TRACE" seq | tr '\n' ' ')" "$(seq 1 101 | tr '\n' ' ')" "seq in file order"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "tracecheck seq"
	expect_eq "$output" "pid=$(tc get "$TRACE" pid event=header) events=101"
}

@test "the header describes the process, the machine and bpfspy" {
	local before after bpfspy_pid hpid
	before=$(date +%s%N)
	"$BPFSPY" run -o "$TRACE" -- "$EXERCISER" lookup 1 >/dev/null &
	bpfspy_pid=$!
	wait "$bpfspy_pid"
	after=$(date +%s%N)

	expect_eq "$(tc count "$TRACE" event=header)" 1 headers
	h() { tc get "$TRACE" "$1" event=header; }
	expect_eq "$(h schema)" 2 schema
	expect_eq "$(h bpfspy)" "$("$BPFSPY" --version | sed 's/^bpfspy //')" "bpfspy version"
	hpid=$(h pid)
	expect_eq "$(h ppid)" "$bpfspy_pid" "ppid (bpfspy's pid)"
	expect_eq "$(h exe)" "$(readlink -f "$EXERCISER")" exe
	expect_eq "$(h argv | sed 's#\\/#/#g')" "[\"$EXERCISER\",\"lookup\",\"1\"]" argv
	expect_eq "$(h host)" "$(uname -n)" host
	expect_eq "$(h kernel)" "$(uname -r)" kernel
	expect_eq "$(h machine)" "$(uname -m)" machine
	expect_eq "$(h layers)" '["syscall"]' layers
	# The exerciser calls bpf through syscall() and has no libbpf.
	expect_eq "$(h libbpf)" "static or absent" libbpf
	expect_eq "$(h follow)" true follow
	local ts
	ts=$(h ts)
	# a string of seconds and their nanoseconds, exact (schema 2)
	expect_match "$ts" '^[0-9]+\.[0-9]{9}$' "ts form"
	ts=${ts/./}
	((ts >= before && ts <= after)) || { echo "header ts $ts not in [$before, $after]" >&2; false; }
	# Every event belongs to that process.
	expect_eq "$(tc count "$TRACE" pid="$hpid")" 2 "events with the header's pid"
}

@test "ts increases, dur_ns > 0, pid/tid/comm are the calling process's" {
	local before after out pid
	before=$(date +%s%N)
	out=$("$BPFSPY" run -o "$TRACE" -- "$EXERCISER" exec /bin/true)
	after=$(date +%s%N)
	pid=${out#exec pid=}
	pid=${pid%% *}
	expect_match "$pid" '^[0-9]+$' "pid printed by the exerciser"
	expect_eq "$(tc count "$TRACE")" 2 events
	expect_eq "$(tc count "$TRACE" pid="$pid" tid="$pid" comm=exerciser)" 2 "events of pid $pid"
	expect_eq "$(tc get "$TRACE" pid event=header)" "$pid" "header pid"

	# Many events: ts strictly increasing in seq order, all inside the run.
	before=$(date +%s%N)
	"$BPFSPY" run -o "$TRACE" -- "$EXERCISER" lookup 50 >/dev/null
	after=$(date +%s%N)
	local -a ts dur
	mapfile -t ts < <(tc get "$TRACE" ts | tr -d .)
	mapfile -t dur < <(tc get "$TRACE" dur_ns)
	expect_eq "${#ts[@]}" 51 "events"
	local i prev=$(tc get "$TRACE" ts event=header | tr -d .)
	for ((i = 0; i < ${#ts[@]}; i++)); do
		((ts[i] > prev)) || { echo "event $i: ts ${ts[i]} <= previous $prev" >&2; false; }
		((ts[i] >= before && ts[i] + dur[i] <= after)) ||
			{ echo "event $i: [${ts[i]}, +${dur[i]}] outside the run [$before, $after]" >&2; false; }
		((dur[i] > 0)) || { echo "event $i: dur_ns ${dur[i]}" >&2; false; }
		# The next call starts after this one ended.
		prev=$((ts[i] + dur[i]))
	done
}

@test "errno scenario: the program sees the same rets and errnos as without bpfspy" {
	run "$EXERCISER" errno
	local native=$output native_status=$status
	expect_eq "$native_status" 0 "native exit status (the kernel itself misbehaves?)"
	run "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" errno
	# errno is preset to 12345 before each call: a successful call must
	# leave it alone under bpfspy too.
	diff -u <(printf '%s\n' "$native") <(printf '%s\n' "$output") >&2
	expect_eq "$status" "$native_status" "exit status under bpfspy"
}

@test "errno scenario: each failing call is recorded with the symbolic errno the program got" {
	run "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" errno
	local -a cmds rets errnos
	mapfile -t rets < <(tc get "$TRACE" ret)
	mapfile -t errnos < <(tc get "$TRACE" errno)
	expect_eq "${#lines[@]}" 7 "cases printed"
	expect_eq "${#rets[@]}" 7 "events recorded"
	local i line ret err failing=0
	for i in "${!lines[@]}"; do
		line=${lines[i]}
		[[ $line =~ ^case=([a-z_]+)\ ret=(-?[0-9]+)\ errno=([0-9]+) ]] ||
			{ echo "cannot parse: $line" >&2; false; }
		ret=${BASH_REMATCH[2]} err=${BASH_REMATCH[3]}
		expect_eq "${rets[i]}" "$ret" "ret of ${BASH_REMATCH[1]}"
		if [ "$ret" = -1 ]; then
			expect_eq "${errnos[i]}" "$(errno_name "$err")" "errno of ${BASH_REMATCH[1]}"
			failing=$((failing + 1))
		else
			expect_eq "${errnos[i]}" null "errno of ${BASH_REMATCH[1]}"
		fi
	done
	expect_eq "$failing" 4 "failing cases"
	expect_eq "$(tc get "$TRACE" errno | grep -v null | tr '\n' ' ')" "ENOENT EINVAL EBADF EEXIST " "errnos in order"
	# The map type the kernel rejected is shown as a number.
	expect_eq "$(tc get "$TRACE" attr.map_type cmd=BPF_MAP_CREATE errno=EINVAL)" 9999 "unknown map_type"
	expect_eq "$(tc get "$TRACE" attr.flags cmd=BPF_MAP_UPDATE_ELEM | tr '\n' ' ')" "BPF_ANY BPF_NOEXIST " "update flags"
}

@test "fds: no low fd is taken (same fds with and without bpfspy)" {
	local native
	native=$("$EXERCISER" fds)
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" fds
	expect_eq "$status" 0
	expect_eq "$output" "$native" "fds under bpfspy"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE)" 1
}

@test "fds: no low fd is taken under a smaller RLIMIT_NOFILE either (down to 129)" {
	# bpfspy(1): the spool's fd goes above the soft limit L (the hard
	# limit allowing); hardening.bats goes down to L = 4.
	local native traced lim
	for lim in 129 256 4096; do
		native=$(ulimit -n "$lim" && "$EXERCISER" fds)
		traced=$(ulimit -n "$lim" && "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" fds)
		expect_eq "$traced" "$native" "fds under bpfspy with ulimit -n $lim"
		expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE)" 1
	done
}

@test "fds: under a limit past 4096 the spool directory is handed down at 4095" {
	# bpfspy(1), Namespaces: a process's fd table is as large as its
	# highest fd and every fork copies it, so the handed-down descriptor
	# stays where the shim keeps its own, not just above a limit of 8192
	local hard max
	hard=$(ulimit -Hn)
	[ "$hard" = unlimited ] || [ "$hard" -ge 8192 ] || skip "hard RLIMIT_NOFILE is $hard"
	# shellcheck disable=SC2016  # expanded by the inner shells
	run --separate-stderr bash -c 'ulimit -n 8192 && exec "$1" run -o "$2" -- \
		sh -c '\''echo "$BPFSPY_SPOOL_FD"; ls /proc/self/fd'\' _ "$BPFSPY" "$TRACE"
	expect_eq "$status" 0
	expect_eq "${lines[0]%%:*}" 4095 "BPFSPY_SPOOL_FD"
	max=$(printf '%s\n' "${lines[@]:1}" | sort -n | tail -n1)
	expect_eq "$max" 4095 "the highest descriptor the program inherits"
}

@test "fds: the info struct of a map behind an fd past the shim's notes (4999) is decoded" {
	# The shim notes fds below 4096; past them what the struct is comes
	# from /proc/self/fdinfo, and the collector renders it from the record.
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" highfd
	expect_eq "$status" 0
	[[ $output == skip=* ]] && skip "${output#skip=}: no fd 4999 here"
	expect_eq "$output" "highfd=4999 ret=0 type=2 key_size=4" "the program's own view"
	expect_eq "$(tc get "$TRACE" attr.bpf_fd cmd=BPF_OBJ_GET_INFO_BY_FD)" 4999
	expect_eq "$(tc get "$TRACE" out.info.type cmd=BPF_OBJ_GET_INFO_BY_FD)" BPF_MAP_TYPE_ARRAY \
		"the map's info, decoded"
	expect_eq "$(tc get "$TRACE" out.info.key_size cmd=BPF_OBJ_GET_INFO_BY_FD)" 4
}

@test "timestamps: past the shim's switch to the TSC, each thread's are in order and within the run" {
	# The shim's clock becomes the TSC after CLK_LEARN_AFTER (256) calls
	# of a thread; its ts and dur_ns must still read as CLOCK_REALTIME and
	# CLOCK_MONOTONIC would: in order per thread, inside the run, and the
	# durations of the calls after the switch like those before it (no
	# lookup takes under 50 ns: one did when an anchor jumped back).
	local t0 t1
	t0=$(date +%s%N)
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" threads 3 2000
	t1=$(date +%s%N)
	expect_eq "$status" 0
	jq -rs --arg t0 "$t0" --arg t1 "$t1" '
		def ns: (split(".") | (.[0] | tonumber) * 1000000000 + (.[1] | tonumber));
		[.[] | select(.cmd == "BPF_MAP_LOOKUP_ELEM")] as $l
		| ($l | group_by(.tid)) as $by
		| "threads=\($by | length)",
		  "calls=\($l | length)",
		  "backwards=\([$by[] | sort_by(.seq) | [.[].ts | ns] as $t
			| range(1; $t | length) | select($t[.] < $t[. - 1])] | length)",
		  "outside=\([$l[] | .ts | ns | select(. < ($t0 | tonumber) or . > ($t1 | tonumber))] | length)",
		  "bad_dur=\([$l[] | select(.dur_ns < 50 or .dur_ns > 100000000)] | length)",
		  "dur_ratio_ok=\(
			([$by[] | sort_by(.seq) | .[0:200][] | .dur_ns] | sort | .[length / 2 | floor]) as $a
			| ([$by[] | sort_by(.seq) | .[-200:][] | .dur_ns] | sort | .[length / 2 | floor]) as $b
			| $b * 4 > $a and $a * 4 > $b)"
	' "$TRACE" >"$T/clock"
	expect_eq "$(cat "$T/clock")" "threads=3
calls=6000
backwards=0
outside=0
bad_dur=0
dur_ratio_ok=true" "the lookups' clock"
}

# A trace without what differs between two runs of the same program:
# times, ids, pids and addresses.
same_run_view() {
	sed -E 's/"(ts|dur_ns|pid|tid|ppid|wall_ns|host_pid|id|map_id|prog_id|btf_id|ino|mnt|net|user|cgroup)":("[^"]*"|[0-9]+)/"\1":N/g
		s/"nspid":\[[^]]*\]/"nspid":N/; s/"0x[0-9a-f]{6,}"/"ADDR"/g' "$1"
}

# expect_replayed STDERR RECORDED MIN: BPFSPY_STATS's line says RECORDED
# calls were recorded and at least MIN of them replayed.
expect_replayed() {
	[[ $1 =~ ([0-9]+)\ calls\ recorded,\ ([0-9]+)\ replayed ]] || {
		echo "stderr: $1" >&2
		false
	}
	expect_eq "${BASH_REMATCH[1]}" "$2" "calls recorded"
	[ "${BASH_REMATCH[2]}" -ge "$3" ] || { echo "replayed: ${BASH_REMATCH[2]}" >&2; false; }
}

@test "replay: repeated call sites trace the same with it off (BPFSPY_NO_REPLAY=1), and are replayed" {
	# Hits, misses, faults, changing keys and values, an fd made again
	# for another map, and sizeof(union bpf_attr) as the size with a
	# nonzero byte at its end last: replay_hit() takes all but each
	# site's first calls and that last one.
	BPFSPY_STATS=1 run --separate-stderr "$BPFSPY" run -o "$T/on.jsonl" -- "$EXERCISER" repeat 300
	expect_eq "$status" 0
	expect_eq "$output" "hits=600 misses=300 faults=300 wide=299 einval=1"
	expect_replayed "$stderr" 1803 1775
	BPFSPY_NO_REPLAY=1 BPFSPY_STATS=1 run --separate-stderr "$BPFSPY" run -o "$T/off.jsonl" -- \
		"$EXERCISER" repeat 300
	expect_eq "$status" 0
	[[ $stderr == *" 0 replayed"* ]] || { echo "stderr: $stderr" >&2; false; }
	same_run_view "$T/on.jsonl" >"$T/on.view"
	same_run_view "$T/off.jsonl" >"$T/off.view"
	diff "$T/on.view" "$T/off.view" >&2
	# the values after the fd was made again are the new map's 16 bytes
	expect_eq "$(jq -r 'select(.cmd == "BPF_MAP_LOOKUP_ELEM" and .errno == null)
		| .out.value_data | length' "$T/on.jsonl" | sort | uniq -c | tr -s ' ')" \
		" 300 16
 599 32" "value bytes before and after (and the wide calls')"
	for args in "lookup 2000" "threads 3 500"; do
		# shellcheck disable=SC2086  # the words are the arguments
		"$BPFSPY" run -o "$T/on.jsonl" -- "$EXERCISER" $args >/dev/null
		# shellcheck disable=SC2086
		BPFSPY_NO_REPLAY=1 "$BPFSPY" run -o "$T/off.jsonl" -- "$EXERCISER" $args >/dev/null
		diff <(same_run_view "$T/on.jsonl" | sort) <(same_run_view "$T/off.jsonl" | sort) >&2
	done
}

@test "replay: attrs off the stack are read after the call, without a process_vm_readv, and an output over an input is said" {
	require_cmd strace
	# The same calls with every attr on the heap: the shim reads attr
	# after the kernel copied it (late_ok()), so a call that succeeded or
	# missed (ENOENT) needs no process_vm_readv; the 300 EFAULTs still do.
	BPFSPY_STATS=1 run --separate-stderr strace -f -qq -e trace=process_vm_readv \
		-o "$T/on.strace" "$BPFSPY" run -o "$T/on.jsonl" -- "$EXERCISER" repeat 300 heap
	expect_eq "$status" 0
	expect_eq "$output" "hits=600 misses=300 faults=300 wide=299 einval=1 aliased=1"
	expect_replayed "$stderr" 1807 1775
	BPFSPY_NO_REPLAY=1 run strace -f -qq -e trace=process_vm_readv -o "$T/off.strace" \
		"$BPFSPY" run -o "$T/off.jsonl" -- "$EXERCISER" repeat 300 heap
	expect_eq "$status" 0
	local on off
	on=$(grep -c process_vm_readv "$T/on.strace")
	off=$(grep -c process_vm_readv "$T/off.strace")
	[ "$on" -ge 300 ] && [ "$on" -lt 350 ] && [ "$off" -ge 1800 ] ||
		{ echo "process_vm_readv calls: $on read late, $off read before" >&2; false; }
	# The same trace but for the last GET_NEXT_KEY, whose next_key was
	# made the buffer of its key: read after the call, the key is the
	# kernel's answer (6, not the 5 passed), and the event says so.
	same_run_view "$T/on.jsonl" | grep -v '"inputs_late":true' >"$T/on.view"
	same_run_view "$T/off.jsonl" |
		grep -v '"BPF_MAP_GET_NEXT_KEY".*"key_data":"05000000"' >"$T/off.view"
	diff "$T/on.view" "$T/off.view" >&2
	expect_eq "$(jq -c 'select(.inputs_late) | [.cmd, .attr.key_data, .out.next_key_data]' \
		"$T/on.jsonl")" '["BPF_MAP_GET_NEXT_KEY","06000000","06000000"]' "the late event"
	expect_eq "$(jq -c 'select(.attr.key_data == "05000000" and .cmd == "BPF_MAP_GET_NEXT_KEY")
		| [.cmd, .inputs_late]' \
		"$T/off.jsonl")" '["BPF_MAP_GET_NEXT_KEY",null]' "the same call read before"
}

@test "the example loader's stdout is byte-identical with and without bpfspy" {
	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
	run --separate-stderr "$LOADER" "$BPF_OBJ"
	[ "$status" -eq 0 ] || skip "the loader fails natively here: $stderr"
	local native=$output
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$LOADER" "$BPF_OBJ"
	expect_eq "$status" 0
	# The loader counts its own syscalls with a raw tracepoint, and the
	# shim's fault-safe read of a string off the stack (process_vm_readv)
	# is one of them: that number is an observer effect, documented in
	# bpfspy(1).  Everything else on stdout must be identical.
	expect_eq "$(sed -E 's/=[0-9]+/=N/' <<<"$output")" \
		"$(sed -E 's/=[0-9]+/=N/' <<<"$native")" "loader stdout under bpfspy"
	[[ $output =~ counts\[0\]=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]
}

@test "every: one event per call, each with the ret the program printed" {
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" every
	expect_eq "$status" 0
	expect_eq "${#lines[@]}" 14 "calls printed"
	paste -d' ' <(tc get "$TRACE" cmd) <(tc get "$TRACE" ret) <(tc get "$TRACE" errno) >"$T/got"
	printf '%s\n' "${lines[@]}" | sed -E 's/ ret=(-?[0-9]+) errno=0$/ \1 null/' >"$T/want"
	diff -u "$T/want" "$T/got"

	# Every common command is there.
	local c
	for c in MAP_CREATE MAP_UPDATE_ELEM MAP_LOOKUP_ELEM MAP_GET_NEXT_KEY \
		MAP_DELETE_ELEM MAP_FREEZE PROG_LOAD BTF_LOAD OBJ_GET_INFO_BY_FD \
		MAP_GET_NEXT_ID PROG_GET_NEXT_ID MAP_GET_FD_BY_ID PROG_BIND_MAP; do
		[ "$(tc count "$TRACE" cmd=BPF_$c)" -ge 1 ] || { echo "no BPF_$c event" >&2; false; }
	done
}

@test "every: what the kernel wrote back is under out" {
	"$BPFSPY" run -o "$TRACE" -- "$EXERCISER" every >/dev/null
	local id
	for id in $(tc get "$TRACE" out.next_id cmd=BPF_MAP_GET_NEXT_ID) \
		$(tc get "$TRACE" out.next_id cmd=BPF_PROG_GET_NEXT_ID); do
		expect_match "$id" '^[1-9][0-9]*$' "out.next_id"
	done
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_GET_NEXT_ID out.next_id)" 1 "MAP_GET_NEXT_ID with out.next_id"
	expect_eq "$(tc count "$TRACE" cmd=BPF_PROG_GET_NEXT_ID out.next_id)" 1 "PROG_GET_NEXT_ID with out.next_id"
	expect_eq "$(tc get "$TRACE" attr.start_id cmd=BPF_MAP_GET_NEXT_ID)" 0 "start_id"

	# PROG_LOAD with log_level 1: the verifier's log.
	expect_eq "$(tc get "$TRACE" attr.log_level cmd=BPF_PROG_LOAD)" BPF_LOG_LEVEL1 log_level
	expect_eq "$(tc get "$TRACE" attr.log_size cmd=BPF_PROG_LOAD)" 4096 log_size
	expect_eq "$(tc get "$TRACE" attr.license cmd=BPF_PROG_LOAD)" GPL license
	expect_eq "$(tc get "$TRACE" attr.prog_name cmd=BPF_PROG_LOAD)" exerciser prog_name
	expect_eq "$(tc get "$TRACE" attr.prog_type cmd=BPF_PROG_LOAD)" BPF_PROG_TYPE_SOCKET_FILTER prog_type
	expect_match "$(tc get "$TRACE" out.log cmd=BPF_PROG_LOAD)" '^processed 2 insns' "verifier log"
	# BTF_LOAD without a log buffer has nothing to say back.
	expect_eq "$(tc get "$TRACE" out cmd=BPF_BTF_LOAD)" "<absent>" "BTF_LOAD out"
	# info_len comes back for both GET_INFO calls.
	expect_eq "$(tc count "$TRACE" cmd=BPF_OBJ_GET_INFO_BY_FD out.info_len)" 2 "GET_INFO with out.info_len"

	# The fds tie together.
	local map_fd prog_fd
	map_fd=$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE)
	prog_fd=$(tc get "$TRACE" ret cmd=BPF_PROG_LOAD)
	expect_eq "$(tc get "$TRACE" attr.prog_fd cmd=BPF_PROG_BIND_MAP)" "$prog_fd" "BIND_MAP prog_fd"
	expect_eq "$(tc get "$TRACE" attr.map_fd cmd=BPF_PROG_BIND_MAP)" "$map_fd" "BIND_MAP map_fd"
	expect_eq "$(tc get "$TRACE" attr.map_fd cmd=BPF_MAP_FREEZE)" "$map_fd" "FREEZE map_fd"
	expect_eq "$(tc get "$TRACE" attr.key cmd=BPF_MAP_GET_NEXT_KEY)" null "GET_NEXT_KEY key"
	expect_eq "$(tc get "$TRACE" attr.map_type cmd=BPF_MAP_CREATE)" BPF_MAP_TYPE_HASH map_type
}

@test "pin: OBJ_PIN and OBJ_GET show the bpffs path" {
	require_bpffs
	run in_bpffs "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" pin /sys/fs/bpf
	expect_eq "$status" 0
	[[ ${lines[0]} =~ ^map_fd=([0-9]+)\ pinned_fd=([0-9]+)$ ]]
	local map_fd=${BASH_REMATCH[1]} pinned_fd=${BASH_REMATCH[2]}
	expect_eq "$(tc get "$TRACE" cmd | tr '\n' ' ')" "BPF_MAP_CREATE BPF_OBJ_PIN BPF_OBJ_GET " commands
	expect_eq "$(tc get "$TRACE" attr.pathname cmd=BPF_OBJ_PIN)" /sys/fs/bpf/m1 "OBJ_PIN pathname"
	expect_eq "$(tc get "$TRACE" attr.bpf_fd cmd=BPF_OBJ_PIN)" "$map_fd" "OBJ_PIN bpf_fd"
	expect_eq "$(tc get "$TRACE" ret cmd=BPF_OBJ_PIN)" 0 "OBJ_PIN ret"
	expect_eq "$(tc get "$TRACE" attr.pathname cmd=BPF_OBJ_GET)" /sys/fs/bpf/m1 "OBJ_GET pathname"
	expect_eq "$(tc get "$TRACE" ret cmd=BPF_OBJ_GET)" "$pinned_fd" "OBJ_GET ret"
}

@test "pin: a long pathname (under the default --str-bytes 4096) is recorded whole" {
	require_bpffs
	# 7 nested directories of 200 characters: a 1400+ byte path.
	local comp dir=/sys/fs/bpf i
	comp=$(printf 'd%.0s' {1..200})
	for i in 1 2 3 4 5 6 7; do dir=$dir/$comp; done
	run in_bpffs sh -c 'mkdir -p "$1" && exec "$2" run -o "$3" -- "$4" pin "$1"' sh \
		"$dir" "$BPFSPY" "$TRACE" "$EXERCISER"
	expect_eq "$status" 0
	local got
	got=$(tc get "$TRACE" attr.pathname cmd=BPF_OBJ_PIN)
	expect_eq "${#got}" "$((${#dir} + 3))" "length of the recorded pathname"
	expect_eq "$got" "$dir/m1" "OBJ_PIN pathname"
	expect_eq "$(tc count "$TRACE" attr.pathname_truncated)" 0 "events saying pathname_truncated"
}

@test "the header's argv is the one the image started with, not a rewritten one" {
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" retitle 1
	expect_eq "$status" 0
	# the program did rewrite it: /proc/self/cmdline before its first call
	expect_eq "$(grep '^cmdline=' <<<"$output")" "cmdline=retitled" "the rewritten command line"
	expect_valid "$TRACE"
	h() { tc get "$TRACE" "$1" event=header; }
	expect_eq "$(h argv | sed 's#\\/#/#g')" "[\"$EXERCISER\",\"retitle\",\"1\"]" argv
	expect_eq "$(tc count "$TRACE" event=bpf cmd=BPF_MAP_LOOKUP_ELEM)" 1 lookups
}

@test "long command lines: the header keeps every field, argv capped per argument" {
	local long
	long=$(printf 'x%.0s' {1..1500})
	# The exerciser ignores arguments after the count.
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" lookup 1 "$long"
	expect_eq "$status" 0
	expect_valid "$TRACE"
	h() { tc get "$TRACE" "$1" event=header; }
	# bpfspy-trace(5): each argument is kept up to 1024 bytes.
	expect_eq "$(h argv | sed 's#\\/#/#g')" "[\"$EXERCISER\",\"lookup\",\"1\",\"${long:0:1024}\"]" "argv capped at 1 KiB"
	expect_eq "$(h exe)" "$(readlink -f "$EXERCISER")" "header exe"
	expect_eq "$(h libbpf)" "static or absent" "header libbpf"

	# Beyond 4 KiB of command line, argv is cut and says so; the other
	# fields stay.
	local args=()
	for i in 1 2 3 4 5 6; do args+=("$(printf 'y%.0s' {1..900})"); done
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" lookup 1 "${args[@]}"
	expect_eq "$status" 0
	expect_valid "$TRACE"
	expect_eq "$(h argv_truncated)" true "argv_truncated"
	expect_eq "$(h exe)" "$(readlink -f "$EXERCISER")" "header exe with a long argv"
	expect_eq "$(h schema)" 2 schema
	expect_eq "$(tc count "$TRACE" pid="$(h pid)")" 2 "events with the header's pid"
}

@test "payload: keys and values as bytes, per-CPU values split per CPU, EFAULT shown" {
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" payload
	expect_eq "$status" 0
	local ncpu=${output#cpus=} want="" i
	for ((i = 1; i <= ncpu; i++)); do
		want+=${want:+,}\"$(printf '%02x' $((0x11 * i)))
		want+=$(printf '%02x' $((0x11 * i)))$(printf '%02x' $((0x11 * i)))
		want+=$(printf '%02x' $((0x11 * i)))$(printf '%02x' $((0x11 * i)))
		want+=$(printf '%02x' $((0x11 * i)))$(printf '%02x' $((0x11 * i)))
		want+=$(printf '%02x' $((0x11 * i)))\"
	done
	# The per-CPU update: the key, and one 8-byte value per possible CPU,
	# until the 64-byte cap.
	expect_eq "$(tc get "$TRACE" attr.key_data cmd=BPF_MAP_UPDATE_ELEM ret=0)" 01000000 "update key"
	if [ "$ncpu" -le 8 ]; then
		expect_eq "$(tc get "$TRACE" attr.value_data_percpu cmd=BPF_MAP_UPDATE_ELEM ret=0)" "[$want]" "per-CPU value"
		expect_eq "$(tc get "$TRACE" out.value_data_percpu cmd=BPF_MAP_LOOKUP_ELEM)" "[$want]" "per-CPU value read back"
	fi
	# The update with an unmapped value: the key was read, the value not.
	expect_eq "$(tc get "$TRACE" errno cmd=BPF_MAP_UPDATE_ELEM ret=-1)" EFAULT "failed update errno"
	expect_eq "$(tc get "$TRACE" attr.key_data cmd=BPF_MAP_UPDATE_ELEM ret=-1)" 01000000 "failed update key"
	expect_eq "$(tc get "$TRACE" attr.value_data cmd=BPF_MAP_UPDATE_ELEM ret=-1)" null "unreadable value"
	expect_eq "$(tc get "$TRACE" attr.value_data_fault.error cmd=BPF_MAP_UPDATE_ELEM ret=-1)" EFAULT "unreadable value"
	expect_eq "$(tc get "$TRACE" attr.value_data_fault.addr cmd=BPF_MAP_UPDATE_ELEM ret=-1)" \
		"$(tc get "$TRACE" attr.value cmd=BPF_MAP_UPDATE_ELEM ret=-1)" "unreadable value address"
}

@test "payload: --data-bytes caps each buffer, --no-data records none" {
	run --separate-stderr "$BPFSPY" run --data-bytes 2 -o "$TRACE" -- "$EXERCISER" lookup 3
	expect_eq "$status" 0
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM attr.key_data=0000 \
		attr.key_data_truncated=true out.value_data=0000 out.value_data_truncated=true)" 3 \
		"lookups with 2-byte key and value"
	run --separate-stderr "$BPFSPY" run --no-data -o "$TRACE" -- "$EXERCISER" lookup 3
	expect_eq "$status" 0
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM)" 3 "lookups"
	expect_eq "$(tc count "$TRACE" attr.key_data)" 0 "events with key bytes under --no-data"
	expect_eq "$(tc count "$TRACE" out.value_data)" 0 "events with value bytes under --no-data"
	run --separate-stderr "$BPFSPY" run --data-bytes x -- true
	expect_eq "$status" 2 "--data-bytes x"
}

@test "payload: a pinned map opened with OBJ_GET is sized from fdinfo" {
	require_bpf
	require_cmd bpftool
	require_bpffs
	# bpftool opens the pinned map (OBJ_GET): the shim never saw it created.
	run --separate-stderr in_bpffs sh -c '
		bpftool map create /sys/fs/bpf/pm type array key 4 value 8 entries 4 name pm &&
		bpftool map update pinned /sys/fs/bpf/pm key 1 0 0 0 value 7 0 0 0 0 0 0 0 &&
		"$1" run -o "$2" -- bpftool map lookup pinned /sys/fs/bpf/pm key 1 0 0 0' \
		sh "$BPFSPY" "$TRACE"
	expect_eq "$status" 0 "bpftool map lookup ($stderr)"
	local fd
	fd=$(tc get "$TRACE" ret cmd=BPF_OBJ_GET)
	expect_match "$fd" '^[0-9]+$' "OBJ_GET fd"
	expect_eq "$(tc get "$TRACE" attr.key_data cmd=BPF_MAP_LOOKUP_ELEM attr.map_fd="$fd")" 01000000 "lookup key"
	expect_eq "$(tc get "$TRACE" out.value_data cmd=BPF_MAP_LOOKUP_ELEM attr.map_fd="$fd")" \
		0700000000000000 "lookup value"
}

@test "identity: insns_digest is XXH3-64 of the instructions, stable across runs" {
	require_cmd xxhsum
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" every
	expect_eq "$status" 0
	# every loads "r0 = 0; exit": two 8-byte instructions.
	printf '\xb7\x00\x00\x00\x00\x00\x00\x00\x95\x00\x00\x00\x00\x00\x00\x00' >"$T/insns"
	local want
	want=xxh3:$(xxhsum -H3 "$T/insns" | sed -E 's/.* = //')
	expect_eq "$(tc get "$TRACE" attr.insns_digest cmd=BPF_PROG_LOAD)" "$want" "insns_digest"
	expect_eq "$(tc get "$TRACE" attr.insn_cnt cmd=BPF_PROG_LOAD)" 2 insn_cnt
	expect_match "$(tc get "$TRACE" attr.btf_digest cmd=BPF_BTF_LOAD)" '^xxh3:[0-9a-f]{16}$' "btf_digest"

	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
	"$BPFSPY" run -o "$T/a.jsonl" -- "$LOADER" "$BPF_OBJ" >/dev/null
	"$BPFSPY" run -o "$T/b.jsonl" -- "$LOADER" "$BPF_OBJ" >/dev/null
	expect_eq "$(tc get "$T/a.jsonl" attr.insns_digest cmd=BPF_PROG_LOAD | tr '\n' ' ')" \
		"$(tc get "$T/b.jsonl" attr.insns_digest cmd=BPF_PROG_LOAD | tr '\n' ' ')" "digests of two runs"
	# The loader's probes and its program are different programs.
	[ "$(tc get "$T/a.jsonl" attr.insns_digest cmd=BPF_PROG_LOAD | sort -u | wc -l)" -ge 2 ]
}

@test "fds: fd fields and returned fds name the object behind them" {
	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$LOADER" "$BPF_OBJ"
	expect_eq "$status" 0
	local fd
	# MAP_CREATE of "counts" returns an fd named as that map, with its id.
	fd=$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE attr.map_name=counts)
	expect_eq "$(tc get "$TRACE" "fds.$fd.kind" cmd=BPF_MAP_CREATE attr.map_name=counts)" map "kind"
	expect_eq "$(tc get "$TRACE" "fds.$fd.name" cmd=BPF_MAP_CREATE attr.map_name=counts)" counts "name"
	expect_match "$(tc get "$TRACE" "fds.$fd.id" cmd=BPF_MAP_CREATE attr.map_name=counts)" '^[1-9][0-9]*$' "id"
	# Lookups on that fd (packed events, rendered at drain) say the same.
	expect_eq "$(tc get "$TRACE" "fds.$fd.name" cmd=BPF_MAP_LOOKUP_ELEM attr.map_fd="$fd")" counts \
		"lookup's map"
	# The attach: the program by name, the link it returned by type.
	local prog link
	prog=$(tc get "$TRACE" attr.prog_fd cmd=BPF_RAW_TRACEPOINT_OPEN)
	link=$(tc get "$TRACE" ret cmd=BPF_RAW_TRACEPOINT_OPEN)
	expect_eq "$(tc get "$TRACE" "fds.$prog.name" cmd=BPF_RAW_TRACEPOINT_OPEN)" count_syscalls "attached prog"
	expect_eq "$(tc get "$TRACE" "fds.$link.type" cmd=BPF_RAW_TRACEPOINT_OPEN)" \
		BPF_LINK_TYPE_RAW_TRACEPOINT "returned link"
}

@test "fds: a forked child's events name fds the parent learned before fork" {
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" fork
	expect_eq "$status" 0
	local child=${output#*child=} fd
	fd=$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE)
	expect_eq "$(tc count "$TRACE" pid="$child" cmd=BPF_MAP_LOOKUP_ELEM "fds.$fd.name=exerciser")" 3 \
		"child lookups naming the parent's map"
}

@test "--insns: each instruction decoded; ld_imm64 names its map" {
	run --separate-stderr "$BPFSPY" run --insns -o "$TRACE" -- "$EXERCISER" every
	expect_eq "$status" 0
	# "r0 = 0; exit"
	expect_eq "$(tc get "$TRACE" attr.insns_decoded cmd=BPF_PROG_LOAD)" \
		'[{"code":"0xb7","class":"ALU64","op":"MOV","src":"K","dst":0,"src_reg":0,"off":0,"imm":0,"text":"(b7) r0 = 0"},{"code":"0x95","class":"JMP","op":"EXIT","src":"K","dst":0,"src_reg":0,"off":0,"imm":0,"text":"(95) exit"}]' \
		"decoded instructions"
	# Without --insns, only the digest.
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" every
	expect_eq "$(tc count "$TRACE" attr.insns_decoded)" 0 "events with insns_decoded by default"

	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
	run --separate-stderr "$BPFSPY" run --insns -o "$TRACE" -- "$LOADER" "$BPF_OBJ"
	expect_eq "$status" 0
	# The program reads target_pid from .rodata (a map value) and updates
	# counts and seen (map fds): each ld_imm64 names a map the loader made.
	local p=(cmd=BPF_PROG_LOAD attr.prog_name=count_syscalls) rodata counts
	rodata=$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE attr.map_name=minimal.rodata)
	counts=$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE attr.map_name=counts)
	tc get "$TRACE" attr.insns_decoded "${p[@]}" >"$T/insns"
	grep -q "\"pseudo\":\"BPF_PSEUDO_MAP_VALUE\",\"map_fd\":$rodata," "$T/insns"
	grep -qE "\"pseudo\":\"BPF_PSEUDO_MAP_FD\",\"map_fd\":$counts[,}]" "$T/insns"
	expect_eq "$(grep -o '"code"' "$T/insns" | wc -l)" \
		"$(( $(tc get "$TRACE" attr.insn_cnt "${p[@]}") - $(grep -o '"imm64"' "$T/insns" | wc -l) ))" \
		"decoded entries (ld_imm64 takes two slots)"
}

@test "batch: elements handed in and copied out, one array entry each" {
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" batch
	expect_eq "$status" 0
	expect_eq "${lines[0]}" "updated=4 looked_up=4 deleted=2"
	local hfd afd
	hfd=$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE attr.map_type=BPF_MAP_TYPE_HASH)
	afd=$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE attr.map_type=BPF_MAP_TYPE_ARRAY)
	expect_eq "$(tc get "$TRACE" attr.keys_data cmd=BPF_MAP_UPDATE_BATCH)" \
		'["01000000","02000000","03000000","04000000"]' "UPDATE_BATCH keys"
	expect_eq "$(tc get "$TRACE" attr.values_data cmd=BPF_MAP_UPDATE_BATCH)" \
		'["0a00000000000000","1400000000000000","1e00000000000000","2800000000000000"]' \
		"UPDATE_BATCH values"
	# LOOKUP_BATCH ends with ENOENT (no more) and still reports 4 copied,
	# in the map's own order: compare as sets of key/value pairs.
	expect_eq "$(tc get "$TRACE" errno cmd=BPF_MAP_LOOKUP_BATCH attr.map_fd="$hfd")" ENOENT "LOOKUP_BATCH errno"
	expect_eq "$(tc get "$TRACE" out.count cmd=BPF_MAP_LOOKUP_BATCH attr.map_fd="$hfd")" 4 "LOOKUP_BATCH count"
	paste -d= <(tc get "$TRACE" out.keys_data cmd=BPF_MAP_LOOKUP_BATCH attr.map_fd="$hfd" | tr -d '[]"' | tr , '\n') \
		<(tc get "$TRACE" out.values_data cmd=BPF_MAP_LOOKUP_BATCH attr.map_fd="$hfd" | tr -d '[]"' | tr , '\n') |
		sort >"$T/pairs"
	printf '%s\n' 01000000=0a00000000000000 02000000=1400000000000000 \
		03000000=1e00000000000000 04000000=2800000000000000 >"$T/want"
	diff -u "$T/want" "$T/pairs"
	expect_eq "$(tc get "$TRACE" attr.keys_data cmd=BPF_MAP_DELETE_BATCH)" '["01000000","02000000"]' \
		"DELETE_BATCH keys"
	# Cursors: the hash walk ends on a u32 bucket index; the array map,
	# walked two at a time, hands out its last key (1, then 3) and gets
	# it back as in_batch.
	expect_eq "${lines[1]} ${lines[2]}" "cursor=1 cursor=3" "array cursors"
	expect_eq "$(tc get "$TRACE" out.out_batch_data cmd=BPF_MAP_LOOKUP_BATCH attr.map_fd="$afd" | tr '\n' ' ')" \
		"01000000 03000000 " "array out_batch cursors"
	expect_eq "$(tc get "$TRACE" attr.in_batch_data cmd=BPF_MAP_LOOKUP_BATCH attr.map_fd="$afd" | tr '\n' ' ')" \
		"<absent> 01000000 " "array in_batch cursors (NULL starts a walk)"
	expect_match "$(tc get "$TRACE" out.out_batch_data cmd=BPF_MAP_LOOKUP_BATCH attr.map_fd="$hfd")" \
		'^[0-9a-f]{8}$' "hash cursor: a u32 bucket index"
}

