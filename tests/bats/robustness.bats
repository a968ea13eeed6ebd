#!/usr/bin/env bats
# Threads, fork, exec, abrupt deaths, hostile attrs, bare LD_PRELOAD mode,
# setuid programs.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
}

teardown() {
	collect_traces
	[ -z "${SECURE_DIR:-}" ] || rm -rf "$SECURE_DIR"
}

@test "threads: 8 x 10000 lookups, none lost or duplicated, no torn line" {
	require_bpf
	run --separate-stderr "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- "$EXERCISER" threads 8 10000
	expect_eq "$status" 0
	expect_eq "$output" "threads=8 calls=10000 total=80000"
	expect_eq "$stderr" "" "stderr (lost or torn events are reported there)"
	expect_eq "$(tc validate "$TRACE")" "lines=80002 headers=1 events=80001"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "tracecheck seq"
	expect_eq "${#lines[@]}" 1 "pids"
	expect_match "${lines[0]}" '^pid=[0-9]+ events=80001$'
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM ret=0)" 80000 "successful LOOKUPs"
	# 8 worker threads, 10000 calls each, none of them the main thread.
	local pid
	pid=$(tc get "$TRACE" pid event=header)
	tc get "$TRACE" tid cmd=BPF_MAP_LOOKUP_ELEM | sort | uniq -c | awk '{print $1}' >"$T/per_tid"
	expect_eq "$(sort -u "$T/per_tid")" 10000 "calls per thread"
	expect_eq "$(wc -l <"$T/per_tid")" 8 threads
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM tid="$pid")" 0 "LOOKUPs from the main thread"
	expect_eq "$(tc count "$TRACE" pid!="$pid")" 0 "events with another pid"
	expect_no_spools
}

@test "fork: the child's events carry the child's pid; each process's seq starts at 1" {
	require_bpf
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" fork
	expect_eq "$status" 0
	[[ $output =~ ^parent=([0-9]+)\ child=([0-9]+)$ ]]
	local parent=${BASH_REMATCH[1]} child=${BASH_REMATCH[2]}
	expect_valid "$TRACE"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "tracecheck seq"
	expect_eq "$(tc count "$TRACE" event=header)" 2 headers
	expect_eq "$(tc get "$TRACE" ppid event=header pid="$child")" "$parent" "child header's ppid"
	expect_eq "$(tc get "$TRACE" cmd pid="$parent" | tr '\n' ' ')" \
		"BPF_MAP_CREATE BPF_MAP_LOOKUP_ELEM BPF_MAP_LOOKUP_ELEM " "parent's calls"
	expect_eq "$(tc get "$TRACE" cmd pid="$child" | tr '\n' ' ')" \
		"BPF_MAP_LOOKUP_ELEM BPF_MAP_LOOKUP_ELEM BPF_MAP_LOOKUP_ELEM " "child's calls"
	expect_eq "$(tc get "$TRACE" seq pid="$child" | tr '\n' ' ')" "1 2 3 " "child's seq"
	expect_eq "$(tc get "$TRACE" seq pid="$parent" | tr '\n' ' ')" "1 2 3 " "parent's seq"
	expect_eq "$(tc count "$TRACE" pid="$child" tid="$child")" 3 "child's tid"
	# The child uses the fd it inherited.
	local fd
	fd=$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE)
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM attr.map_fd="$fd" ret=0)" 5 "LOOKUPs on the map"
}

@test "fork with --no-follow: only PROGRAM's own events" {
	require_bpf
	run --separate-stderr "$BPFSPY" run --no-follow -o "$TRACE" -- "$EXERCISER" fork
	expect_eq "$status" 0
	[[ $output =~ ^parent=([0-9]+)\ child=([0-9]+)$ ]]
	local parent=${BASH_REMATCH[1]}
	expect_eq "$(tc count "$TRACE" event=header)" 1 headers
	expect_eq "$(tc get "$TRACE" follow event=header)" false "header follow"
	expect_eq "$(tc count "$TRACE")" 3 events
	expect_eq "$(tc count "$TRACE" pid="$parent")" 3 "parent's events"
}

@test "exec: events before and after exec, same pid, two headers, seq restarts per image" {
	require_bpf
	run --separate-stderr "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- "$EXERCISER" exec "$EXERCISER" lookup 2
	expect_eq "$status" 0
	[[ ${lines[0]} =~ ^exec\ pid=([0-9]+)\ map_fd=([0-9]+)$ ]]
	local pid=${BASH_REMATCH[1]}
	expect_valid "$TRACE"
	expect_eq "$(tc count "$TRACE" event=header)" 2 headers
	expect_eq "$(tc count "$TRACE" event=header pid="$pid")" 2 "headers of pid $pid"
	expect_eq "$(tc count "$TRACE" pid="$pid")" 5 "events of pid $pid"
	expect_eq "$(tc count "$TRACE" pid!="$pid")" 0 "events of other pids"
	# In file order: header, the first image's 2 calls, header, the new
	# image's 3 calls; the second header has the new argv.
	local shape
	shape=$(tc get "$TRACE" event event | paste -d' ' - <(tc get "$TRACE" seq event | sed 's/<absent>/-/') | tr '\n' ',')
	expect_eq "$shape" "header -,bpf 1,bpf 2,header -,bpf 1,bpf 2,bpf 3," "events in file order"
	expect_eq "$(tc get "$TRACE" argv event=header | sed -n 2p | sed 's#\\/#/#g')" \
		"[\"$EXERCISER\",\"lookup\",\"2\"]" "argv of the new image"
	expect_eq "$(tc get "$TRACE" cmd | tr '\n' ' ')" \
		"BPF_MAP_CREATE BPF_MAP_LOOKUP_ELEM BPF_MAP_CREATE BPF_MAP_LOOKUP_ELEM BPF_MAP_LOOKUP_ELEM " commands
	expect_no_spools
}

@test "exec with --no-follow: only the events before exec" {
	require_bpf
	run --separate-stderr "$BPFSPY" run --spool-dir "$T" --no-follow -o "$TRACE" -- "$EXERCISER" exec "$EXERCISER" lookup 2
	expect_eq "$status" 0
	expect_match "${lines[1]}" "^map_fd=[0-9]+ lookups=2$" "the new image ran"
	expect_eq "$(tc count "$TRACE" event=header)" 1 headers
	expect_eq "$(tc get "$TRACE" argv event=header | sed 's#\\/#/#g')" \
		"[\"$EXERCISER\",\"exec\",\"$EXERCISER\",\"lookup\",\"2\"]" "argv"
	expect_eq "$(tc get "$TRACE" cmd | tr '\n' ' ')" "BPF_MAP_CREATE BPF_MAP_LOOKUP_ELEM " commands
	expect_no_spools
}

# crash SCENARIO STATUS: the prelude's 4 calls survive the death.
crash() {
	run --separate-stderr "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- "$EXERCISER" "$1"
	expect_eq "$status" "$2" "exit status after $1"
	expect_eq "$output" done
	expect_valid "$TRACE"
	expect_eq "$(tc count "$TRACE" event=header)" 1 headers
	expect_eq "$(tc get "$TRACE" cmd | tr '\n' ' ')" \
		"BPF_MAP_CREATE BPF_MAP_LOOKUP_ELEM BPF_MAP_LOOKUP_ELEM BPF_MAP_LOOKUP_ELEM " "calls before $1"
	expect_eq "$(tc count "$TRACE" ret=0 cmd=BPF_MAP_LOOKUP_ELEM)" 3 "successful lookups"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "tracecheck seq"
	expect_no_spools
}

@test "SIGKILL: all events kept, exit status 137" {
	require_bpf
	crash sigkill 137
}

@test "abort: all events kept, exit status 134" {
	require_bpf
	crash abort 134
}

@test "_exit: all events kept, exit status 3" {
	require_bpf
	crash _exit 3
}

@test "badattr: hostile attrs are recorded with the kernel's ret/errno, without crashing" {
	require_bpf
	run "$EXERCISER" badattr
	local native=$output native_status=$status
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" badattr
	expect_eq "$status" "$native_status" "exit status"
	expect_eq "$output" "$native" "stdout"
	expect_valid "$TRACE"
	expect_eq "$(tc count "$TRACE")" 9 "events (1 map + 8 cases)"

	# Event i+2 (after the header and the array map) is case i.
	local -a rets errnos
	mapfile -t rets < <(tc get "$TRACE" ret)
	mapfile -t errnos < <(tc get "$TRACE" errno)
	local i=1 line
	for line in "${lines[@]}"; do
		[[ $line =~ ^case=([a-z_0-9]+)\ ret=(-?[0-9]+)\ errno=([0-9]+)\ ok$ ]] ||
			{ echo "unexpected line: $line" >&2; false; }
		expect_eq "${rets[i]}" "${BASH_REMATCH[2]}" "ret of ${BASH_REMATCH[1]}"
		expect_eq "${errnos[i]}" "$(errno_name "${BASH_REMATCH[3]}")" "errno of ${BASH_REMATCH[1]}"
		i=$((i + 1))
	done
	expect_eq "$i" 9 "cases"

	ev() { tc get "$TRACE" "$1" seq="$2"; }
	# null_attr: attr is an empty object, the fault is at offset 0 of address 0.
	expect_eq "$(ev attr 2)" "{}" "null_attr: attr"
	expect_eq "$(ev attr_fault.addr 2)" 0x0 "null_attr: attr_fault.addr"
	expect_eq "$(ev attr_fault.offset 2)" 0 "null_attr: attr_fault.offset"
	expect_eq "$(ev attr_fault.error 2)" EFAULT "null_attr: attr_fault.error"
	# unmapped_attr: nothing readable.
	expect_eq "$(ev attr_fault.offset 3)" 0 "unmapped_attr: attr_fault.offset"
	expect_match "$(ev attr_fault.addr 3)" '^0x[0-9a-f]+000$' "unmapped_attr: attr_fault.addr"
	# size_0: nothing to read, nothing faulted.
	expect_eq "$(ev size 4)" 0 "size_0: size"
	expect_eq "$(ev attr_fault 4)" "<absent>" "size_0: attr_fault"
	# size_4097: over a page.
	expect_eq "$(ev size 5)" 4097 "size_4097: size"
	expect_eq "$(ev size_over_page 5)" true "size_4097: size_over_page"
	expect_eq "$(ev attr.map_type 5)" BPF_MAP_TYPE_ARRAY "size_4097: map_type still decoded"
	# unknown_cmd_77: named by number, raw bytes kept.
	expect_eq "$(ev cmd 6)" BPF_CMD_77 "unknown_cmd_77: cmd"
	expect_eq "$(ev cmd_num 6)" 77 "unknown_cmd_77: cmd_num"
	expect_match "$(ev attr_raw 6)" '^[0-9a-f]{64}$' "unknown_cmd_77: attr_raw (32 bytes)"
	expect_eq "$(ev attr_raw 6 | cut -c1-8)" 02000000 "unknown_cmd_77: attr_raw starts with map_type 2"
	# bad_license: the pointer that could not be read.
	expect_eq "$(ev cmd 7)" BPF_PROG_LOAD "bad_license: cmd"
	expect_eq "$(ev attr.license 7)" null "bad_license: license"
	expect_match "$(ev attr.license_fault.addr 7)" '^0x[0-9a-f]+$' "bad_license: license_fault.addr"
	expect_eq "$(ev attr.license_fault.error 7)" EFAULT "bad_license: license_fault.error"
	expect_eq "$(ev attr.insn_cnt 7)" 2 "bad_license: the rest is decoded"
	# straddle: 16 bytes readable, then the fault.
	expect_eq "$(ev cmd 8)" BPF_MAP_LOOKUP_ELEM "straddle: cmd"
	expect_eq "$(ev attr_fault.offset 8)" 16 "straddle: attr_fault.offset"
	expect_eq "$(ev attr.map_fd 8)" "${rets[0]}" "straddle: map_fd read before the fault"
	expect_match "$(ev attr.key 8)" '^0x[0-9a-f]+$' "straddle: key read before the fault"
	expect_eq "$(ev attr.value 8)" "<absent>" "straddle: value is past the fault"
	# huge_size.
	expect_eq "$(ev size 9)" 2147483647 "huge_size: size"
	expect_eq "$(ev size_over_page 9)" true "huge_size: size_over_page"
	# No fault where the attr was readable.
	expect_eq "$(tc count "$TRACE" attr_fault)" 3 "events with attr_fault"
}

@test "bare LD_PRELOAD mode: events appended to BPFSPY_OUTPUT at exit" {
	require_bpf
	local out=$T/bare.jsonl native
	native=$("$EXERCISER" lookup 2)
	run --separate-stderr env LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$out" "$EXERCISER" lookup 2
	expect_eq "$status" 0
	expect_eq "$output" "$native" stdout
	expect_eq "$stderr" "" stderr
	expect_eq "$(tc validate "$out")" "lines=4 headers=1 events=3"
	# A second process appends.
	LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$out" "$EXERCISER" lookup 1 >/dev/null
	expect_eq "$(tc validate "$out")" "lines=7 headers=2 events=5"
	run tc seq "$out"
	expect_eq "$status" 0 "tracecheck seq"
	expect_eq "${#lines[@]}" 2 "pids"
	# Nothing left behind when every process exited normally.
	local spools
	spools=$(bare_spool_dir "$out")
	[ ! -e "$spools" ] || { ls -la "$spools" >&2; false; }
	[ ! -e "$out.spool" ]
}

@test "bare LD_PRELOAD mode: a killed process's spool is drained by the next traced run" {
	require_bpf
	local out=$T/bare.jsonl spools
	spools=$(bare_spool_dir "$out")
	run env LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$out" "$EXERCISER" sigkill
	expect_eq "$status" 137
	# Nothing reached the output; the events wait in the spool.
	[ ! -s "$out" ]
	[ "$(find "$spools" -type f -name '*.spool' | wc -l)" -eq 1 ]
	local killed_pid
	killed_pid=$(basename "$(find "$spools" -type f -name '*.spool')" .spool)
	killed_pid=${killed_pid##*-}

	LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$out" "$EXERCISER" lookup 1 >/dev/null
	expect_valid "$out"
	expect_eq "$(tc count "$out" event=header)" 2 headers
	expect_eq "$(tc count "$out" pid="$killed_pid")" 4 "events of the killed process"
	expect_eq "$(tc count "$out" pid!="$killed_pid")" 2 "events of the second run"
	# The killed process's events come first.
	expect_eq "$(tc get "$out" pid event=header | head -1)" "$killed_pid" "first header"
	run tc seq "$out"
	expect_eq "$status" 0 "tracecheck seq"
	[ ! -e "$spools" ] || [ -z "$(ls -A "$spools")" ] || { ls -la "$spools" >&2; false; }
}

@test "bare LD_PRELOAD mode without BPFSPY_OUTPUT: one line on stderr, nothing recorded" {
	require_bpf
	local native
	native=$("$EXERCISER" lookup 2)
	cd "$T"
	run --separate-stderr env -u BPFSPY_OUTPUT -u BPFSPY_SPOOL_DIR LD_PRELOAD="$SHIM" "$EXERCISER" lookup 2
	expect_eq "$status" 0
	expect_eq "$output" "$native" stdout
	expect_eq "${#stderr_lines[@]}" 1 "stderr lines"
	expect_match "$stderr" '^bpfspy: .*BPFSPY_OUTPUT' stderr
	expect_eq "$(find "$T" -mindepth 1 | wc -l)" 0 "files created"
}

@test "bpfspy run waits for orphaned grandchildren and records them" {
	require_bpf
	run "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- sh -c "(sleep 0.3; \"$EXERCISER\" lookup 2 >/dev/null) & exit 5"
	expect_eq "$status" 5
	expect_valid "$TRACE"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM)" 2 "grandchild's lookups"
	expect_no_spools
}

# make_secure_dir: a world-readable directory outside bats' private
# temporary tree, with a setuid-root copy of the exerciser and a
# world-writable output directory.
make_secure_dir() {
	require_root
	require_cmd setpriv
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	SECURE_DIR=$(mktemp -d /tmp/bpfspy-secure.XXXXXX)
	chmod 755 "$SECURE_DIR"
	cp "$EXERCISER" "$SECURE_DIR/suid-exerciser"
	cp "$EXERCISER" "$SECURE_DIR/plain-exerciser"
	chmod 4755 "$SECURE_DIR/suid-exerciser"
	chmod 755 "$SECURE_DIR/plain-exerciser"
	mkdir -m 1777 "$SECURE_DIR/out"
	NOGROUP=$(id -gn nobody)
	# A nosuid /tmp would make the setuid bit meaningless.
	cp /bin/cat "$SECURE_DIR/suid-cat"
	chmod 4755 "$SECURE_DIR/suid-cat"
	as_nobody "$SECURE_DIR/suid-cat" /proc/self/status 2>/dev/null |
		grep -qE '^Uid:[[:space:]]+[0-9]+[[:space:]]+0[[:space:]]' ||
		skip "setuid programs in $SECURE_DIR do not gain euid 0 (nosuid?)"
}

as_nobody() {
	setpriv --reuid=nobody --regid="$NOGROUP" --clear-groups "$@"
}

@test "AT_SECURE: a setuid program run by nobody records nothing (LD_PRELOAD)" {
	require_bpf
	make_secure_dir
	local out=$SECURE_DIR/out/t.jsonl
	run as_nobody env LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$out" "$SECURE_DIR/suid-exerciser" lookup 2
	# Its euid is root: the calls succeed.
	expect_eq "$status" 0 "setuid exerciser"
	[[ $output == *"lookups=2"* ]]
	[ ! -s "$out" ] || { echo "recorded:" >&2; cat "$out" >&2; false; }
	[ ! -e "$out.spool" ] && [ ! -e "$(bare_spool_dir "$out")" ]
	# Control: a plain copy run the same way is traced (its calls fail
	# with EPERM as nobody, and that is recorded).
	run as_nobody env LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$SECURE_DIR/out/c.jsonl" "$SECURE_DIR/plain-exerciser" lookup 2
	expect_eq "$(tc count "$SECURE_DIR/out/c.jsonl" cmd=BPF_MAP_CREATE errno=EPERM)" 1 "control: traced"
}

@test "AT_SECURE: the shim loaded into a setuid program (ld.so.preload) records nothing" {
	# ld.so drops LD_PRELOAD paths in setuid programs, so the test above
	# passes without the shim even being there.  /etc/ld.so.preload is
	# honoured for them: put the shim there, in a private mount namespace
	# with an overlay on /etc, so the shim's own AT_SECURE check is what
	# is tested.
	require_bpf
	make_secure_dir
	require_cmd unshare
	mkdir "$SECURE_DIR/up" "$SECURE_DIR/work"
	run unshare -m sh -c '
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/up,workdir=$1/work" /etc || exit 125
		echo "$2" >/etc/ld.so.preload
		setpriv --reuid=nobody --regid="$3" --clear-groups "$1/suid-cat" /proc/self/maps >"$1/out/maps" 2>/dev/null
		setpriv --reuid=nobody --regid="$3" --clear-groups env BPFSPY_OUTPUT="$1/out/s.jsonl" \
			"$1/suid-exerciser" lookup 2 2>/dev/null
		echo "suid=$?"
		setpriv --reuid=nobody --regid="$3" --clear-groups env BPFSPY_OUTPUT="$1/out/c.jsonl" \
			"$1/plain-exerciser" lookup 2 2>/dev/null
		echo "plain=$?"' sh "$SECURE_DIR" "$SHIM" "$NOGROUP"
	[ "$status" -ne 125 ] || skip "cannot mount an overlay on /etc in a private mount namespace"
	[ ! -e /etc/ld.so.preload ] || [ "$(cat /etc/ld.so.preload)" != "$SHIM" ]
	# The shim is mapped into setuid programs in that namespace...
	grep -q libbpfspy "$SECURE_DIR/out/maps" ||
		{ echo "the shim is not loaded in a setuid program" >&2; false; }
	# ...the setuid exerciser ran (as euid root) and recorded nothing...
	[[ $output == *"lookups=2"*"suid=0"* ]]
	[ ! -s "$SECURE_DIR/out/s.jsonl" ] || { cat "$SECURE_DIR/out/s.jsonl" >&2; false; }
	[ ! -e "$SECURE_DIR/out/s.jsonl.spool" ] && [ ! -e "$(bare_spool_dir "$SECURE_DIR/out/s.jsonl")" ]
	# ...while the plain copy, same environment, was traced.
	expect_eq "$(tc count "$SECURE_DIR/out/c.jsonl" cmd=BPF_MAP_CREATE errno=EPERM)" 1 "control: traced"
}

@test "a full spool: the events that fit, then a lost line with the exact count" {
	require_bpf
	require_root
	require_cmd unshare
	mkdir "$T/small"
	# 10001 events (~2.5 MB) into a 512 KiB tmpfs.
	run --separate-stderr unshare -m sh -c 'mount -t tmpfs -o size=512k none "$1" || exit 125
		shift; exec "$@"' sh "$T/small" \
		"$BPFSPY" run --spool-dir "$T/small" -o "$TRACE" -- "$EXERCISER" threads 2 5000
	[ "$status" -ne 125 ] || skip "cannot mount a tmpfs in a private mount namespace"
	expect_eq "$status" 0
	expect_eq "$output" "threads=2 calls=5000 total=10000" "the program is unaffected"
	expect_valid "$TRACE"
	local pid kept lost
	pid=$(tc get "$TRACE" pid event=header)
	kept=$(tc count "$TRACE")
	[ "$kept" -gt 0 ] && [ "$kept" -lt 10001 ] || { echo "$kept events kept" >&2; false; }
	# the collector writes a lost line each time it finds more lost
	[ "$(tc count "$TRACE" event=lost)" -ge 1 ] || { echo "no lost line" >&2; false; }
	expect_eq "$(tail -1 "$TRACE" | sed -E 's/[0-9]+/N/g')" \
		'{"event":"lost","pid":N,"count":N,"seq_first":N,"seq_last":N}' "last line"
	expect_eq "$(tc get "$TRACE" pid event=lost | sort -u)" "$pid" "lost lines' pid"
	lost=$(tc get "$TRACE" count event=lost | awk '{ s += $1 } END { print s }')
	expect_eq "$((kept + lost))" 10001 "kept + lost"
	# the disk filled once: what came after is lost, so the lost seqs
	# follow the kept ones
	expect_eq "$(tc get "$TRACE" seq_first event=lost | head -1)" "$((kept + 1))" "first seq lost"
	run tc seq "$TRACE"
	expect_eq "$status" 0 "the kept events' seq has no hole"
}
