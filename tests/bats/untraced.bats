#!/usr/bin/env bats
# A traced program that execs an image the shim cannot enter says so in
# the trace (issue 15): one "untraced" event of the process that execs,
# naming the image and why (statically linked, set-user-ID, the shim's
# path missing in a mount namespace), from each exec function the shim
# wraps.  The exec itself is unchanged: the same output, status and errno
# as natively.  The static image is built here with gcc -static from
# tests/progs/untraced_static.c; tests/progs/untraced_exec is the
# dynamically linked program that execs it.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup_file() {
	local d
	d=$(realpath "$BATS_FILE_TMPDIR")
	STATIC=$d/static_bpf
	if ! ${CC:-cc} -static -O2 -o "$STATIC" "$SRCDIR/tests/progs/untraced_static.c" \
		>"$d/cc.err" 2>&1; then
		rm -f "$STATIC"
	fi
	export STATIC STATIC_ERR=$d/cc.err
}

setup() {
	common_setup
	WRAP=$BUILDDIR/tests/progs/untraced_exec
	[ -x "$WRAP" ] || {
		echo "missing build product: $WRAP (make tests/progs/untraced_exec)" >&2
		return 1
	}
	WRAP=$(realpath "$WRAP")
	TD=$(realpath "$T")
}

require_static() {
	[ -x "$STATIC" ] ||
		skip "cannot link a static program (gcc -static needs libc.a, in libc6-dev): $(head -c 300 "$STATIC_ERR")"
}

# untraced PATH [FILTER...]: PATH of each untraced event.
untraced() {
	local p=$1
	shift
	tc get "$TRACE" "$p" event=untraced "$@"
}

# both ARGS...: run ARGS natively, then under bpfspy run -o $TRACE with
# $SPY_OPTS; the same status and stdout.
both() {
	run --separate-stderr "$@"
	native_status=$status native_out=$output
	rm -f "$TRACE"
	run --separate-stderr "$BPFSPY" run -o "$TRACE" ${SPY_OPTS:-} -- "$@"
	expect_eq "$status" "$native_status" "exit status (native: $native_out)"
	expect_eq "$output" "$native_out" "stdout"
	expect_valid "$TRACE"
}

@test "a static program exec'd by a traced one: an untraced event names it, statically linked" {
	require_static
	both "$WRAP" execve "$STATIC"
	expect_eq "$output" "static map_create ok=1" "the static program ran"
	expect_eq "$(tc count "$TRACE" event=untraced)" 1 "untraced events"
	expect_eq "$(untraced exe)" "$STATIC" "exe"
	expect_eq "$(untraced why)" "statically linked" "why"
	expect_match "$(untraced ts)" '^[0-9]+\.[0-9]{9}$' "ts"
	expect_eq "$(untraced child)" "<absent>" "child"
	# the wrapper made no bpf call: its spool and header were made for it
	expect_eq "$(tc get "$TRACE" pid event=header)" "$(untraced pid)" "the header's pid"
	expect_eq "$(tc get "$TRACE" exe event=header)" "$WRAP" "the header names the wrapper"
	expect_eq "$(tc count "$TRACE")" 0 "bpf events: the static program's call is not seen"
}

@test "every exec function the shim wraps records it, posix_spawn with the child's pid" {
	require_static
	local how
	for how in execve execv execvp execvpe execl execlp execle fexecve execveat spawn spawnp; do
		both "$WRAP" "$how" "$STATIC"
		expect_eq "$output" "static map_create ok=1" "$how: the static program ran"
		expect_eq "$(tc count "$TRACE" event=untraced)" 1 "$how: untraced events"
		expect_eq "$(untraced exe)" "$STATIC" "$how: exe"
		expect_eq "$(untraced why)" "statically linked" "$how: why"
		case $how in
		spawn*)
			expect_match "$(untraced child)" '^[0-9]+$' "$how: child"
			[ "$(untraced child)" != "$(untraced pid)" ] ;;
		*) expect_eq "$(untraced child)" "<absent>" "$how: child" ;;
		esac
	done
}

@test "found through PATH, or by a relative path: exe is absolute" {
	require_static
	PATH=$(dirname "$STATIC"):$PATH both "$WRAP" execvp static_bpf
	expect_eq "$(untraced exe)" "$STATIC" "execvp through PATH"
	PATH=$(dirname "$STATIC"):$PATH both "$WRAP" spawnp static_bpf
	expect_eq "$(untraced exe)" "$STATIC" "posix_spawnp through PATH"
	cp "$STATIC" "$T/helper"
	cd "$T"
	both "$WRAP" execve ./helper
	expect_eq "$(untraced exe)" "$TD/helper" "./helper"
	both "$WRAP" execveat helper
	expect_eq "$(untraced exe)" "$TD/helper" "execveat(\".\", helper)"
}

@test "a #! script whose interpreter is static: named, with its interpreter" {
	require_static
	printf '#!%s\n' "$STATIC" >"$T/script"
	chmod 755 "$T/script"
	both "$WRAP" execve "$T/script"
	expect_eq "$(untraced exe)" "$TD/script" "exe"
	expect_eq "$(untraced why)" "statically linked (interpreter $STATIC)" "why"
	printf '#!/bin/sh\nexit 3\n' >"$T/shell"
	chmod 755 "$T/shell"
	both "$WRAP" execve "$T/shell"
	expect_eq "$status" 3 "the shell script ran"
	expect_eq "$(tc count "$TRACE" event=untraced)" 0 "a /bin/sh script is traced"
}

@test "a dynamic program, a failing exec, a vfork child: nothing recorded, the exec as natively" {
	both "$WRAP" execve /bin/true
	expect_eq "$(tc count "$TRACE" event=untraced)" 0 "/bin/true"
	both "$WRAP" execve "$T/missing"
	expect_eq "$output" "execve: errno=2" "ENOENT, as natively"
	expect_eq "$(tc count "$TRACE" event=untraced)" 0 "a missing file"
	printf 'no interpreter\n' >"$T/text"
	chmod 755 "$T/text"
	both "$WRAP" execve "$T/text"
	expect_eq "$output" "execve: errno=8" "ENOEXEC, as natively"
	expect_eq "$(tc count "$TRACE" event=untraced)" 0 "a text file"
	both "$WRAP" spawn "$T/missing"
	expect_eq "$(tc count "$TRACE" event=untraced)" 0 "posix_spawn of a missing file"
	require_static
	# a vfork child records nothing (bpfspy-trace(5)): its exec works
	both "$WRAP" vfork "$STATIC"
	expect_eq "$output" "static map_create ok=1" "the static program ran"
	expect_eq "$(tc count "$TRACE" event=untraced)" 0 "vfork child"
}

@test "after a bpf call: the event follows the process's own events" {
	require_static
	both "$WRAP" -b execve "$STATIC"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_CREATE)" 1 "the wrapper's own call"
	expect_eq "$(tc get "$TRACE" pid)" "$(untraced pid)" "one process"
	expect_eq "$(grep -o '"event":"[a-z]*"' "$TRACE" | tr '\n' ' ')" \
		'"event":"header" "event":"bpf" "event":"untraced" ' "order"
}

@test "--no-follow: exec'd images are untraced by choice, nothing recorded" {
	require_static
	SPY_OPTS=--no-follow both "$WRAP" execve "$STATIC"
	expect_eq "$(tc count "$TRACE" event=untraced)" 0 "untraced events"
}

@test "--seccomp-trap: recorded too, and the static program meets the inherited filter as before" {
	require_static
	require_bpf
	[ "$(uname -m)" = x86_64 ] || skip "--seccomp-trap reads x86_64 registers"
	run --separate-stderr "$BPFSPY" run --seccomp-trap -o "$TRACE" -- "$WRAP" -b execve "$STATIC"
	# its raw bpf call traps with no shim to answer it (bpfspy(1), SECCOMP TRAP)
	expect_eq "$status" $((128 + 31)) "killed by SIGSYS"
	expect_valid "$TRACE"
	expect_eq "$(untraced exe)" "$STATIC" "exe"
	expect_eq "$(untraced why)" "statically linked" "why"
	expect_eq "$(tc get "$TRACE" seccomp_trap.filter event=header)" installed "the filter"
}

@test "a set-user-ID program of another user: why says set-user-ID" {
	require_root
	if findmnt -no OPTIONS -T "$T" 2>/dev/null | grep -qw nosuid; then
		skip "$T is on a nosuid mount"
	fi
	cp /bin/true "$T/suid"
	chown 65534 "$T/suid"
	chmod 4755 "$T/suid"
	both "$WRAP" execve "$T/suid"
	expect_eq "$(untraced exe)" "$TD/suid" "exe"
	expect_eq "$(untraced why)" "set-user-ID" "why"
	# root running a set-user-ID-root program is not AT_SECURE: traced
	chown 0 "$T/suid"
	chmod 4755 "$T/suid"
	both "$WRAP" execve "$T/suid"
	expect_eq "$(tc count "$TRACE" event=untraced)" 0 "set-user-ID root, run by root"
}

@test "a mount namespace that hides the shim: shim not found at its path" {
	require_root
	require_cmd unshare findmnt
	local shim
	shim=$("$BPFSPY" shim-path)
	unshare -m sh -c 'mount -t tmpfs none "$1"' sh "$(dirname "$shim")" 2>/dev/null ||
		skip "cannot mount a tmpfs in a private mount namespace"
	# sh is traced; after the mount, the /bin/true it execs cannot be
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- \
		unshare -m sh -c 'mount -t tmpfs none "$1" && exec /bin/true' sh "$(dirname "$shim")"
	expect_eq "$status" 0 "status"
	expect_match "$stderr" "cannot be preloaded" "ld.so's own line"
	expect_valid "$TRACE"
	expect_eq "$(untraced exe)" /bin/true "exe"
	expect_eq "$(untraced why)" "shim not found at $shim" "why"
}
