#!/usr/bin/env bats
# The bpfspy command line: help, errors, exit statuses, where the trace goes.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
}

@test "--help, -h and help print the usage on stdout and exit 0" {
	local opt
	for opt in --help -h help; do
		run --separate-stderr "$BPFSPY" "$opt"
		expect_eq "$status" 0 "exit status of bpfspy $opt"
		expect_match "${lines[0]}" '^Usage: bpfspy COMMAND' "first line of bpfspy $opt"
		[[ $output == *"run [-o FILE] [--no-follow]"* ]]
		[[ $output == *"-- PROGRAM [ARGS...]"* ]]
		[[ $output == *"--spool-dir DIR"* ]]
		[[ $output == *"--version"* ]]
		expect_eq "$stderr" "" "stderr of bpfspy $opt"
	done
}

@test "--version and -V print the configured version" {
	local want
	want=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$BUILDDIR/config.h")
	[ -n "$want" ]
	for opt in --version -V; do
		run --separate-stderr "$BPFSPY" "$opt"
		expect_eq "$status" 0 "exit status of bpfspy $opt"
		expect_eq "$output" "bpfspy $want" "bpfspy $opt"
		expect_eq "$stderr" "" "stderr of bpfspy $opt"
	done
}

@test "run --help describes run's options and exit statuses on stdout" {
	run --separate-stderr "$BPFSPY" run --help
	expect_eq "$status" 0
	expect_match "${lines[0]}" '^Usage: bpfspy run '
	local want
	for want in "-o, --output FILE" "--no-follow" "--log-bytes N" "--str-bytes N" \
		"--spool-dir DIR" "128+N" "127"; do
		[[ $output == *"$want"* ]] || { echo "run --help lacks '$want'" >&2; false; }
	done
	expect_eq "$stderr" ""
}

@test "no command at all: one error line and a Try line on stderr, exit 2" {
	run --separate-stderr "$BPFSPY"
	expect_eq "$status" 2
	expect_eq "$output" "" "stdout"
	expect_match "${stderr_lines[0]}" '^bpfspy: no COMMAND given' "error line"
	expect_eq "${stderr_lines[1]}" "Try 'bpfspy --help'." "Try line"
	expect_eq "${#stderr_lines[@]}" 2 "stderr lines"
}

@test "an unknown command exits 2 and names the command" {
	run --separate-stderr "$BPFSPY" frobnicate
	expect_eq "$status" 2
	expect_eq "$output" "" "stdout"
	expect_eq "$stderr" "bpfspy: unknown command 'frobnicate'
Try 'bpfspy --help'."
}

# Every subcommand: "bpfspy SUBCOMMAND: message", one Try line, exit 2, no
# help dumped, nothing on stdout.
expect_usage_error() {
	local sub=$1 want=$2
	shift 2
	run --separate-stderr "$BPFSPY" "$sub" "$@"
	expect_eq "$status" 2 "exit status of bpfspy $sub $*"
	expect_eq "$output" "" "stdout of bpfspy $sub $*"
	expect_eq "$stderr" "bpfspy $sub: $want
Try 'bpfspy $sub --help'." "stderr of bpfspy $sub $*"
}

@test "a bad option of any subcommand: the option named, one Try line, exit 2" {
	local sub
	for sub in run check report diff export rules shim-path env; do
		expect_usage_error "$sub" "unknown option '--bogus'" --bogus
		expect_usage_error "$sub" "unknown option '-q'" -q
	done
	expect_usage_error run "option '--output' needs an argument" --output
	expect_usage_error run "option '-o' needs an argument" -o
	expect_usage_error env "option '--spool-dir' needs an argument" --spool-dir
	expect_usage_error run "--log-bytes takes a number of bytes, not 'lots'" --log-bytes lots -- true
	expect_usage_error run "--stack takes a depth from 1 to 64 frames, not '99'" --stack=99 -- true
	expect_usage_error run "--check needs the checks --no-check leaves out" --check --no-check -- true
	expect_usage_error check "no TRACE given (bpfspy check [--json] [--lenient] TRACE...)"
	expect_usage_error report "no TRACE given (bpfspy report [--json] TRACE...)"
	expect_usage_error diff "takes two traces, OLD and NEW, not 1" only-one.jsonl
	expect_usage_error rules "takes no arguments, not 'extra'" extra
	run --separate-stderr "$BPFSPY" --bogus
	expect_eq "$status" 2
	expect_eq "$stderr" "bpfspy: unknown option '--bogus'
Try 'bpfspy --help'."
}

@test "rules --help and --json still work" {
	run --separate-stderr "$BPFSPY" rules --help
	expect_eq "$status" 0
	expect_match "${lines[0]}" '^Usage: bpfspy rules'
	run --separate-stderr "$BPFSPY" rules --json
	expect_eq "$status" 0
	expect_match "${lines[0]}" '^\{"id":'
}

@test "shim-path prints the shim bpfspy run preloads" {
	run --separate-stderr "$BPFSPY" shim-path
	expect_eq "$status" 0
	expect_eq "$stderr" ""
	[[ $output == /* ]] || { echo "not absolute: $output" >&2; false; }
	[ -r "$output" ]
	expect_eq "$(readlink -f "$output")" "$(readlink -f "$BUILDDIR/preload/.libs/libbpfspy.so")" "the built shim"
	# The one run preloads.
	local pre
	pre=$("$BPFSPY" run -o "$TRACE" -- sh -c 'echo "$LD_PRELOAD"')
	expect_eq "$pre" "$output" "LD_PRELOAD under bpfspy run"
	run --separate-stderr env BPFSPY_PRELOAD_LIB=/nonexistent/libbpfspy.so "$BPFSPY" shim-path
	expect_eq "$status" 2
	expect_eq "$stderr" "bpfspy shim-path: no libbpfspy.so at /nonexistent/libbpfspy.so; set BPFSPY_PRELOAD_LIB"
}

@test "env prints bare mode's environment; a program run with it is traced" {
	require_bpf
	local shim
	shim=$("$BPFSPY" shim-path)
	mkdir "$T/work"
	cd "$T/work"
	run --separate-stderr "$BPFSPY" env -o bare.jsonl
	expect_eq "$status" 0
	expect_eq "$output" "LD_PRELOAD=$shim
BPFSPY_OUTPUT=$T/work/bare.jsonl"
	run --separate-stderr env $("$BPFSPY" env -o bare.jsonl) "$EXERCISER" lookup 2
	expect_eq "$status" 0
	expect_valid "$T/work/bare.jsonl"
	expect_eq "$(tc count "$T/work/bare.jsonl" cmd=BPF_MAP_LOOKUP_ELEM)" 2 "lookups"
	# --export, for eval; --spool-dir made absolute.
	mkdir "$T/sp"
	run --separate-stderr "$BPFSPY" env --export -o "it's.jsonl" --spool-dir "$T/sp"
	expect_eq "$status" 0
	expect_eq "${lines[1]}" "export BPFSPY_OUTPUT='$T/work/it'\\''s.jsonl'"
	expect_eq "${lines[2]}" "export BPFSPY_SPOOL_DIR='$T/sp'"
	( eval "$output"; "$EXERCISER" lookup 1 )
	expect_eq "$(tc count "$T/work/it's.jsonl" cmd=BPF_MAP_LOOKUP_ELEM)" 1 "lookups after eval"
	run --separate-stderr "$BPFSPY" env -o /nonexistent/dir/x.jsonl
	expect_eq "$status" 2
	[[ $stderr == "bpfspy env: "*"/nonexistent/dir/x.jsonl"* ]]
}

@test "run without a PROGRAM exits 2 with a message" {
	run --separate-stderr "$BPFSPY" run
	expect_eq "$status" 2 "bpfspy run"
	[[ $stderr == *"no PROGRAM"* ]]
	run --separate-stderr "$BPFSPY" run --spool-dir "$T" --
	expect_eq "$status" 2 "bpfspy run --"
	[[ $stderr == *"no PROGRAM"* ]]
	run --separate-stderr "$BPFSPY" run --spool-dir "$T" -o "$TRACE" --
	expect_eq "$status" 2 "bpfspy run -o FILE --"
	expect_no_spools
}

@test "an unknown run option exits 2 before PROGRAM starts" {
	run --separate-stderr "$BPFSPY" run --spool-dir "$T" --bogus -- touch "$T/started"
	expect_eq "$status" 2
	[[ $stderr == *"bogus"* ]]
	[ ! -e "$T/started" ]
	expect_no_spools
}

@test "an unwritable -o path exits 2, names the path, and never starts PROGRAM" {
	run --separate-stderr "$BPFSPY" run --spool-dir "$T" -o /nonexistent/dir/x -- touch "$T/started"
	expect_eq "$status" 2 "missing directory"
	[[ $stderr == *"/nonexistent/dir/x"* ]]
	[ ! -e "$T/started" ]

	# A directory is not a writable trace file either.
	mkdir "$T/adir"
	run --separate-stderr "$BPFSPY" run --spool-dir "$T" -o "$T/adir" -- touch "$T/started"
	expect_eq "$status" 2 "directory as output"
	[[ $stderr == *"$T/adir"* ]]
	[ ! -e "$T/started" ]
	expect_no_spools
}

@test "exit status: PROGRAM's own" {
	run "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- sh -c 'exit 7'
	expect_eq "$status" 7
	run "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- true
	expect_eq "$status" 0
	run "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- sh -c 'exit 255'
	expect_eq "$status" 255
	expect_no_spools
}

@test "exit status: 128+N when PROGRAM dies of signal N" {
	run "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- sh -c 'kill -TERM $$'
	expect_eq "$status" 143 "SIGTERM"
	run "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- sh -c 'kill -KILL $$'
	expect_eq "$status" 137 "SIGKILL"
	expect_no_spools
}

@test "exit status: 127 when PROGRAM does not exist or cannot be executed" {
	run -127 --separate-stderr "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- "$T/no-such-program"
	[[ $stderr == *"no-such-program"* ]]
	run -127 --separate-stderr "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- no-such-program-in-path-$$
	printf 'not a program\n' >"$T/plain"
	chmod 644 "$T/plain"
	run -127 --separate-stderr "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- "$T/plain"
	[[ $stderr == *"$T/plain"* ]]
	expect_no_spools
}

@test "PROGRAM is found on PATH and gets its arguments unchanged" {
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- printf '%s|' a 'b c' '' '--' -o
	expect_eq "$status" 0
	expect_eq "$output" "a|b c||--|-o|"
}

@test "without -o the trace goes to stderr after PROGRAM ends; stdout is PROGRAM's alone" {
	require_bpf
	local native
	native=$("$EXERCISER" lookup 3)
	run --separate-stderr "$BPFSPY" run --spool-dir "$T" -- sh -c "echo before; echo to-stderr >&2; \"$EXERCISER\" lookup 3"
	expect_eq "$status" 0
	expect_eq "$output" "before
$native" "stdout"
	# PROGRAM's own stderr first, then the trace.
	expect_eq "${stderr_lines[0]}" "to-stderr" "first stderr line"
	printf '%s\n' "${stderr_lines[@]:1}" >"$T/from-stderr.jsonl"
	expect_valid "$T/from-stderr.jsonl"
	expect_eq "$(tc count "$T/from-stderr.jsonl" event=header)" 1 "headers"
	expect_eq "$(tc count "$T/from-stderr.jsonl")" 4 "bpf events"
	expect_eq "$(tc count "$T/from-stderr.jsonl" cmd=BPF_MAP_LOOKUP_ELEM)" 3 "lookups"
	expect_no_spools
}

@test "-o FILE: the trace is in FILE, nothing of it on stdout or stderr" {
	require_bpf
	local native
	native=$("$EXERCISER" lookup 2)
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" lookup 2
	expect_eq "$status" 0
	expect_eq "$output" "$native" "stdout"
	expect_eq "$stderr" ""
	expect_valid "$TRACE"
	expect_eq "$(tc count "$TRACE")" 3
}

@test "-o truncates an existing file" {
	require_bpf
	printf 'old content that is not JSON\n%.0s' {1..100} >"$TRACE"
	run "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" lookup 1
	expect_eq "$status" 0
	expect_valid "$TRACE"
	expect_eq "$(wc -l <"$TRACE")" 3 "lines"
}

@test "a relative -o path is relative to bpfspy's directory even if PROGRAM chdirs" {
	require_bpf
	mkdir "$T/here" "$T/elsewhere"
	cd "$T/here"
	run "$BPFSPY" run -o rel.jsonl -- sh -c "cd '$T/elsewhere' && exec \"$EXERCISER\" lookup 1"
	expect_eq "$status" 0
	[ -f "$T/here/rel.jsonl" ]
	[ ! -e "$T/elsewhere/rel.jsonl" ]
	expect_eq "$(tc count "$T/here/rel.jsonl")" 2
}

@test "SIGTERM and SIGHUP to bpfspy are passed on to PROGRAM; bpfspy exits 128+N" {
	# (default actions: under nohup PROGRAM would inherit SIGHUP ignored,
	# as it should, and outlive the signal bpfspy passes on)
	env --default-signal=TERM,HUP "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- sleep 30 &
	local pid=$! st=0 i
	# Wait until sleep runs under bpfspy, then ask bpfspy to stop.
	for i in $(seq 50); do
		pgrep -P "$pid" -x sleep >/dev/null && break
		sleep 0.1
	done
	kill -TERM "$pid"
	SECONDS=0
	wait "$pid" || st=$?
	expect_eq "$st" 143 "bpfspy's exit status"
	[ "$SECONDS" -lt 10 ]
	expect_no_spools

	# SIGHUP likewise.
	env --default-signal=TERM,HUP "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- sleep 30 &
	pid=$! st=0
	for i in $(seq 50); do
		pgrep -P "$pid" -x sleep >/dev/null && break
		sleep 0.1
	done
	kill -HUP "$pid"
	wait "$pid" || st=$?
	expect_eq "$st" 129 "bpfspy's exit status after SIGHUP"
	expect_no_spools
}

@test "PROGRAM inherits the signal dispositions bpfspy was started with" {
	# A program started with SIGINT/SIGQUIT ignored (nohup, `cmd &` in a
	# script) must keep them ignored under bpfspy, as it would without it.
	local native traced
	native=$(sh -c "trap '' INT QUIT; exec grep '^SigIgn:' /proc/self/status")
	traced=$(sh -c "trap '' INT QUIT; exec \"$BPFSPY\" run -o \"$TRACE\" -- grep '^SigIgn:' /proc/self/status")
	expect_eq "$traced" "$native" "SigIgn of PROGRAM with INT and QUIT ignored"
	# And a default disposition stays default.
	native=$(grep '^SigIgn:' /proc/self/status)
	traced=$("$BPFSPY" run -o "$TRACE" -- grep '^SigIgn:' /proc/self/status)
	expect_eq "$traced" "$native" "SigIgn of PROGRAM with nothing ignored"
}

@test "--log-bytes caps the verifier log kept in the trace" {
	require_bpf
	run "$BPFSPY" run --log-bytes 16 -o "$TRACE" -- "$EXERCISER" every
	expect_eq "$status" 0
	local log
	log=$(tc get "$TRACE" out.log cmd=BPF_PROG_LOAD)
	expect_eq "$log" "processed 2 insn" "log kept with --log-bytes 16"
	expect_eq "$(tc get "$TRACE" out.log_truncated cmd=BPF_PROG_LOAD)" true "log_truncated"
	# Without the option the whole log is there.
	run "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" every
	log=$(tc get "$TRACE" out.log cmd=BPF_PROG_LOAD)
	expect_match "$log" '^processed 2 insns \(limit [0-9]+\)' "default log"
	expect_eq "$(tc get "$TRACE" out.log_truncated cmd=BPF_PROG_LOAD)" "<absent>" "log_truncated"
}

@test "an unusable --spool-dir exits 2 before PROGRAM starts" {
	run --separate-stderr "$BPFSPY" run --spool-dir "$T/no/such/dir" -o "$TRACE" -- touch "$T/started"
	expect_eq "$status" 2
	[[ $stderr == *"$T/no/such/dir"* ]]
	[ ! -e "$T/started" ]
}

@test "the default spool directory (/dev/shm or TMPDIR) is removed, even after a SIGKILL" {
	require_bpf
	# PROGRAM is told where to spool; look there after the run.
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- \
		sh -c 'echo "$BPFSPY_SPOOL_DIR"; exec "$1" sigkill' sh "$EXERCISER"
	expect_eq "$status" 137
	local dir=${lines[0]}
	expect_match "$dir" "^(/dev/shm|$T)/bpfspy\.[A-Za-z0-9]{6}\$" "spool directory"
	[ ! -e "$dir" ] || { echo "$dir was left behind:" >&2; ls -la "$dir" >&2; false; }
	expect_eq "$(tc count "$TRACE")" 4 "events of the killed process"
	expect_eq "$stderr" "" stderr
}

@test "the caller's own LD_PRELOAD is kept; --no-follow takes only the shim out of it" {
	require_bpf
	local other
	other=$(ldconfig -p 2>/dev/null | awk '$1 == "libdl.so.2" && /x86-64|x86_64|64bit/ {print $NF; exit}')
	[ -n "$other" ] && [ -r "$other" ] || other=$(readlink -f /lib/x86_64-linux-gnu/libdl.so.2 2>/dev/null)
	[ -n "$other" ] && [ -r "$other" ] || skip "no libdl.so.2 to preload"
	run --separate-stderr env LD_PRELOAD="$other" "$BPFSPY" run -o "$TRACE" -- sh -c 'echo "$LD_PRELOAD"'
	expect_eq "$status" 0
	[[ $output == *libbpfspy.so* ]] || { echo "the shim is not preloaded: $output" >&2; false; }
	[[ $output == *"$other"* ]] || { echo "the caller's LD_PRELOAD was dropped: $output" >&2; false; }
	# --no-follow: the image PROGRAM execs keeps the caller's library only.
	run --separate-stderr env LD_PRELOAD="$other" "$BPFSPY" run --no-follow -o "$TRACE" -- \
		"$EXERCISER" exec /bin/sh -c 'echo "[${LD_PRELOAD-unset}]"'
	expect_eq "$status" 0
	expect_eq "${lines[1]}" "[$other]" "LD_PRELOAD after exec with --no-follow"
	run --separate-stderr env -u LD_PRELOAD "$BPFSPY" run --no-follow -o "$TRACE" -- \
		"$EXERCISER" exec /bin/sh -c 'echo "[${LD_PRELOAD-unset}]"'
	expect_eq "${lines[1]}" "[unset]" "LD_PRELOAD after exec with --no-follow, none before"
}

@test "bare mode: BPFSPY_OUTPUT=/dev/stderr writes to the descriptor, spools outside /dev, works for any user" {
	require_bpf
	require_cmd setpriv
	local shim
	shim=$("$BPFSPY" shim-path)
	[ ! -e /dev/stderr.spool ] || skip "/dev/stderr.spool exists already"
	run --separate-stderr env TMPDIR="$T" LD_PRELOAD="$shim" BPFSPY_OUTPUT=/dev/stderr "$EXERCISER" lookup 2
	expect_eq "$status" 0
	printf '%s\n' "${stderr_lines[@]}" >"$T/root.jsonl"
	expect_valid "$T/root.jsonl"
	expect_eq "$(tc count "$T/root.jsonl" cmd=BPF_MAP_LOOKUP_ELEM)" 2 "lookups on stderr"
	[ ! -e /dev/stderr.spool ] || { rmdir /dev/stderr.spool; echo "a spool directory in /dev" >&2; false; }
	[ ! -e "$T/bpfspy-0.spool" ] || { echo "spool directory left behind" >&2; false; }
	# Another user, writing to root's pipe (which it could not reopen
	# through /proc): bpf(2) refuses it, and the refusals are traced.
	local shared
	shared=$(mktemp -d /tmp/bpfspy-shared.XXXXXX)
	chmod 1777 "$shared"
	setpriv --reuid 65534 --regid 65534 --clear-groups \
		env TMPDIR="$shared" LD_PRELOAD="$shim" BPFSPY_OUTPUT=/dev/stderr "$EXERCISER" lookup 1 \
		2>&1 >/dev/null | grep -v '^exerciser:' >"$T/nobody.jsonl" || true
	local left
	left=$(ls -A "$shared")
	rm -rf "$shared"
	expect_valid "$T/nobody.jsonl"
	expect_eq "$(tc count "$T/nobody.jsonl" event=header)" 1 "headers of the other user's trace"
	expect_eq "$(tc get "$T/nobody.jsonl" errno cmd=BPF_MAP_CREATE)" EPERM "the refused call"
	expect_eq "$left" "" "left in the shared TMPDIR"
}

@test "bare mode: a trace in /dev/shm spools in /dev/shm, not in TMPDIR" {
	require_bpf
	require_cmd strace
	local shim out=/dev/shm/bpfspy-test-$$.jsonl
	shim=$("$BPFSPY" shim-path)
	rm -f "$out"
	run --separate-stderr strace -f -qq -e trace=mkdir -o "$T/mkdir.txt" \
		env TMPDIR="$T" LD_PRELOAD="$shim" BPFSPY_OUTPUT="$out" "$EXERCISER" lookup 2
	expect_eq "$status" 0
	expect_eq "$(tc count "$out" cmd=BPF_MAP_LOOKUP_ELEM)" 2 lookups
	rm -f "$out"
	expect_match "$(cat "$T/mkdir.txt")" "mkdir\(\"/dev/shm/bpfspy-$(id -u)/dev%2Fshm%2Fbpfspy-test-$$\.jsonl\.spool\"" \
		"the spool directory"
	[[ $(cat "$T/mkdir.txt") != *"$T/"* ]] || { cat "$T/mkdir.txt" >&2; false; }
}

@test "bare mode: a spool directory in a shared TMPDIR that another user made is not used" {
	require_bpf
	local shim
	shim=$("$BPFSPY" shim-path)
	# Made by someone else (here: open to all): the shim must not spool there.
	mkdir -m 0777 "$T/bpfspy-0.spool"
	run --separate-stderr env TMPDIR="$T" LD_PRELOAD="$shim" BPFSPY_OUTPUT=/dev/stderr "$EXERCISER" lookup 1
	expect_eq "$status" 0
	expect_eq "$(ls -A "$T/bpfspy-0.spool")" "" "files in the foreign spool directory"
	[[ $stderr != *'"event":"bpf"'* ]] || { echo "events were spooled there: $stderr" >&2; false; }
}
