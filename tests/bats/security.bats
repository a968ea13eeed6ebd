#!/usr/bin/env bats
# Trust boundaries: what another user can do to root's bpfspy through a
# shared directory, who can read a trace, and what bpfspy writes and
# reads.  Each attack is made by a throwaway unprivileged user that the
# suite creates and removes.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	command -v useradd >/dev/null 2>&1 || return 0
	command -v setpriv >/dev/null 2>&1 || return 0
	export EVIL=bpfspy-t$$
	useradd -M -N -d / -s /bin/sh "$EVIL" >/dev/null 2>&1 || EVIL=
}

teardown_file() {
	[ -n "${EVIL:-}" ] && userdel "$EVIL" >/dev/null 2>&1
	return 0
}

setup() {
	common_setup
	require_root
	[ -n "${EVIL:-}" ] || skip "cannot create a test user (useradd, setpriv, root)"
	# A place both users can reach, outside bats' private tree: the
	# suite's own /tmp.  Tests make it sticky or not, as they need.
	SHARED=$(mktemp -d /tmp/bpfspy-shared.XXXXXX)
	VICTIM=$(mktemp -d /tmp/bpfspy-victim.XXXXXX)
	chmod 755 "$SHARED" "$VICTIM"
	printf 'root owned\n' >"$VICTIM/trace.jsonl"
	printf 'root owned\n' >"$VICTIM/file"
}

teardown() {
	collect_traces
	rm -rf "${SHARED:-/nonexistent}" "${VICTIM:-/nonexistent}"
}

# Run "$@" as the test user, without the shim.
as_evil() {
	env -u LD_PRELOAD setpriv --reuid="$EVIL" --regid="$(id -g "$EVIL")" --clear-groups "$@"
}

expect_untouched() {
	expect_eq "$(cat "$1")" "root owned" "$1 is unchanged"
}

# A complete spool record (see preload/spool.c) holding the JSON-less line
# $1: the forgery a user would plant in someone's spool directory.
forged_record() {
	local text=$1 len=${#1} check pad
	check=$((len ^ 1 ^ 0x5a17c0de))
	le32() { printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)) \
		$(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
	pad=$(((8 - len % 8) % 8))
	printf "BSPY$(le32 "$len")$(le32 1)$(le32 "$check")%s" "$text"
	head -c "$pad" /dev/zero
}

# ---- 1. files and directories created safely -----------------------------

@test "spool-dir swap: a symlink put in place of bpfspy.XXXXXX is never used" {
	require_bpf
	chmod 0777 "$SHARED"    # others may rename what is in it
	# Between bpfspy's mkdtemp and the exerciser's first event, the other
	# user moves the spool directory away and puts a symlink to a
	# root-owned directory in its place.
	local swap='for d in "$1"/bpfspy.*; do mv "$d" "$d.moved" && ln -s "$2" "$d"; done'
	run --separate-stderr "$BPFSPY" run --spool-dir "$SHARED" -- sh -c '
		env -u LD_PRELOAD setpriv --reuid="$1" --regid="$(id -g "$1")" --clear-groups \
			sh -c "$2" sh "$3" "$4" || exit 99
		exec "$5" lookup 2' sh "$EVIL" "$swap" "$SHARED" "$VICTIM" "$EXERCISER"
	expect_eq "$status" 0 "the exerciser runs untouched"
	expect_match "$output" '^map_fd=' "exerciser stdout"
	# the processes reach the directory through the fd bpfspy run hands
	# them, never by its name: traced as if nothing had happened
	expect_eq "$(grep -c '"event":"bpf"' <<<"$stderr")" 3 "events recorded"
	expect_match "$stderr" "the spool directory $SHARED/bpfspy\.[A-Za-z0-9]+ was moved to" stderr
	expect_untouched "$VICTIM/trace.jsonl"
	expect_eq "$(ls "$VICTIM" | sort | tr '\n' ' ')" "file trace.jsonl " "no spool created in the victim directory"
}

@test "spool-dir swap: a directory of the other user put in place is never used" {
	require_bpf
	chmod 0777 "$SHARED"
	local swap='for d in "$1"/bpfspy.*; do mv "$d" "$d.moved" && mkdir -m 0700 "$d"; done'
	run --separate-stderr "$BPFSPY" run --spool-dir "$SHARED" -- sh -c '
		env -u LD_PRELOAD setpriv --reuid="$1" --regid="$(id -g "$1")" --clear-groups \
			sh -c "$2" sh "$3" || exit 99
		exec "$4" lookup 2' sh "$EVIL" "$swap" "$SHARED" "$EXERCISER"
	expect_eq "$status" 0
	expect_eq "$(grep -c '"event":"bpf"' <<<"$stderr")" 3 "events recorded"
	expect_eq "$(find "$SHARED" -name '*.spool' | wc -l)" 0 "spools left anywhere"
	# bare mode, which has only the name, refuses it
	local d
	d=$(as_evil mktemp -d "$SHARED/evil.XXXXXX")
	run --separate-stderr env LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$T/bare.jsonl" \
		BPFSPY_SPOOL_DIR="$d" "$EXERCISER" lookup 2
	expect_match "$stderr" "spool directory '$d': it belongs to another user" stderr
}

@test "bare mode: a spool directory pre-created 0777 by another user is refused, its spools not read" {
	require_bpf
	chmod 1777 "$SHARED"
	local out=$SHARED/out.jsonl spools=$SHARED/out.jsonl.spool
	as_evil mkdir -m 0777 "$spools"
	forged_record 'NOT JSON: injected by nobody' |
		as_evil sh -c 'cat >"$1"' sh "$spools/00000000000000000001-1.spool"
	# spools beside the trace (no /dev/shm to use), where it planted them
	run --separate-stderr beside_trace env LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$out" \
		"$EXERCISER" lookup 2
	[ "$status" -ne 125 ] || skip "cannot mount a tmpfs in a private mount namespace"
	expect_eq "$status" 0 "the exerciser runs untouched"
	expect_match "$stderr" "^bpfspy: not tracing: spool directory '$spools': it belongs to another user" stderr
	[ ! -e "$out" ] || ! grep -q injected "$out" || {
		echo "forged spool bytes reached root's trace:" >&2
		cat "$out" >&2
		return 1
	}
	expect_eq "$(ls "$spools")" "00000000000000000001-1.spool" "root created no spool in it"
}

@test "bare mode: spools go to /dev/shm/bpfspy-UID, unless another user made that directory" {
	require_bpf
	local out=$T/shm.jsonl
	# A /dev/shm of its own (2 GiB may be used: the shim's rule), so the
	# host's is neither seen nor touched.
	run --separate-stderr unshare -m sh -c '
		mount -t tmpfs -o size=2g,mode=1777 none /dev/shm || exit 125
		env LD_PRELOAD="$1" BPFSPY_OUTPUT="$2" "$3" sigkill >/dev/null
		ls -A /dev/shm/bpfspy-0
		rm -rf /dev/shm/bpfspy-0 "$2"
		mkdir -m 0777 /dev/shm/bpfspy-0 && chown "$4" /dev/shm/bpfspy-0
		env LD_PRELOAD="$1" BPFSPY_OUTPUT="$2" "$3" sigkill >/dev/null
		echo "theirs: $(ls -A /dev/shm/bpfspy-0)"
		ls -A "$2.spool" | wc -l' sh "$SHIM" "$out" "$EXERCISER" "$EVIL"
	[ "$status" -ne 125 ] || skip "cannot mount a tmpfs in a private mount namespace"
	# the killed process's spools wait in ours, named after the trace...
	local p=${out#/}
	p=${p//%/%25}
	expect_eq "${lines[0]}" "${p//\//%2F}.spool" "our spool directory in /dev/shm"
	# ...and with a planted /dev/shm/bpfspy-0, beside the trace instead
	expect_eq "${lines[1]}" "theirs: " "nothing spooled in theirs"
	expect_eq "${lines[2]}" 1 "the killed process's spool beside the trace"
}

@test "bare mode: a root-owned spool directory others can write to is refused" {
	require_bpf
	local out=$T/out.jsonl
	mkdir -m 0777 "$T/shared.spool"
	chmod 0777 "$T/shared.spool"    # whatever the umask
	run --separate-stderr env LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$out" \
		BPFSPY_SPOOL_DIR="$T/shared.spool" "$EXERCISER" lookup 2
	expect_eq "$status" 0
	expect_match "$stderr" "spool directory '$T/shared.spool': others can write to it" stderr
	expect_eq "$(ls "$T/shared.spool")" "" "no spool created"
}

@test "bare mode: a spool file of another user in our own spool directory is not drained" {
	require_bpf
	local out=$T/out.jsonl
	mkdir -m 0700 "$T/out.jsonl.spool"
	forged_record 'NOT JSON: injected by nobody' >"$T/out.jsonl.spool/00000000000000000001-1.spool"
	chown "$EVIL" "$T/out.jsonl.spool/00000000000000000001-1.spool"
	run --separate-stderr beside_trace env LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$out" \
		"$EXERCISER" lookup 2
	[ "$status" -ne 125 ] || skip "cannot mount a tmpfs in a private mount namespace"
	expect_eq "$status" 0
	expect_eq "$stderr" "bpfspy: ignored 1 spool(s) in '$T/out.jsonl.spool' not written by this user" stderr
	expect_valid "$out"
	expect_eq "$(tc count "$out" cmd=BPF_MAP_LOOKUP_ELEM)" 2 "our own events"
	! grep -q injected "$out"
	expect_eq "$(ls "$T/out.jsonl.spool")" 00000000000000000001-1.spool "theirs is left alone"
}

@test "run: a spool of another user in the spool directory is reported and left out" {
	require_bpf
	# The traced program itself (as root) hands the other user a spool
	# file in bpfspy's directory: only a process of ours could.
	forged_record 'NOT JSON: injected by nobody' >"$T/forged"
	run --separate-stderr "$BPFSPY" run --spool-dir "$T" -o "$TRACE" -- sh -c '
		for d in "$1"/bpfspy.*; do
			cat "$2" >"$d/forged" && chown "$3" "$d/forged" &&
				mv "$d/forged" "$d/00000000000000000001-1.spool"
		done
		exec "$4" lookup 1' sh "$T" "$T/forged" "$EVIL" "$EXERCISER"
	expect_eq "$status" 0 "$stderr"
	expect_match "$stderr" "bpfspy run: 1 spool\(s\) in $T/bpfspy\.[A-Za-z0-9]+ not written by us were ignored" stderr
	! grep -q injected "$TRACE"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM)" 1 "our own events"
}

@test "bare mode: a spool file others can write to is not drained" {
	require_bpf
	local out=$T/out.jsonl
	mkdir -m 0700 "$T/out.jsonl.spool"
	forged_record 'NOT JSON: injected by nobody' >"$T/out.jsonl.spool/00000000000000000001-1.spool"
	chmod 0666 "$T/out.jsonl.spool/00000000000000000001-1.spool"
	run --separate-stderr beside_trace env LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$out" \
		"$EXERCISER" lookup 1
	[ "$status" -ne 125 ] || skip "cannot mount a tmpfs in a private mount namespace"
	expect_eq "$status" 0
	expect_match "$stderr" "ignored 1 spool" stderr
	! grep -q injected "$out"
}

@test "run -o: a symlink planted in a sticky world-writable directory is not followed" {
	chmod 1777 "$SHARED"
	as_evil ln -s "$VICTIM/file" "$SHARED/x.jsonl"
	run --separate-stderr "$BPFSPY" run -o "$SHARED/x.jsonl" -- true
	expect_eq "$status" 2
	expect_match "$stderr" "cannot write the trace to '$SHARED/x.jsonl': it is a symbolic link" stderr
	expect_untouched "$VICTIM/file"
}

@test "BPFSPY_OUTPUT: a symlink planted in a sticky world-writable directory is not followed" {
	require_bpf
	chmod 1777 "$SHARED"
	as_evil ln -s "$VICTIM/file" "$SHARED/x.jsonl"
	run --separate-stderr env LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$SHARED/x.jsonl" \
		BPFSPY_SPOOL_DIR="$T/spool" "$EXERCISER" lookup 2
	expect_eq "$status" 0 "the exerciser runs untouched"
	expect_match "$stderr" "not tracing: trace file '$SHARED/x.jsonl': it is a symbolic link" stderr
	expect_untouched "$VICTIM/file"
	[ ! -e "$T/spool" ] || expect_eq "$(ls "$T/spool")" "" "nothing spooled"
}

@test "run -o: a hard link to a root file in a sticky world-writable directory is not truncated" {
	chmod 1777 "$SHARED"
	# With fs.protected_hardlinks=0 another user could make this link; the
	# test makes it as root, which the kernel allows whatever the setting.
	ln "$VICTIM/file" "$SHARED/h.jsonl"
	run --separate-stderr "$BPFSPY" run -o "$SHARED/h.jsonl" -- true
	expect_eq "$status" 2
	expect_match "$stderr" "cannot write the trace to '$SHARED/h.jsonl': it has other hard links" stderr
	expect_untouched "$VICTIM/file"
}

@test "run -o and BPFSPY_OUTPUT: an existing trace that belongs to another user is refused" {
	require_bpf
	chmod 0777 "$SHARED"   # not sticky: no symlink rule, the owner rule alone
	as_evil sh -c 'echo theirs >"$1"' sh "$SHARED/y.jsonl"
	run --separate-stderr "$BPFSPY" run -o "$SHARED/y.jsonl" -- true
	expect_eq "$status" 2
	expect_match "$stderr" "cannot write the trace to '$SHARED/y.jsonl': it belongs to another user" stderr
	run --separate-stderr env LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$SHARED/y.jsonl" \
		BPFSPY_SPOOL_DIR="$T/spool" "$EXERCISER" lookup 2
	expect_eq "$status" 0
	expect_match "$stderr" "trace file '$SHARED/y.jsonl': it belongs to another user" stderr
	expect_eq "$(cat "$SHARED/y.jsonl")" theirs "their file is unchanged"
}

@test "run -o: devices such as /dev/null are still accepted" {
	run --separate-stderr "$BPFSPY" run -o /dev/null -- true
	expect_eq "$status" 0 "$stderr"
}

# ---- 2. who can read a trace ------------------------------------------------

@test "modes: traces are created 0600 whatever the umask; --mode and BPFSPY_MODE say otherwise" {
	require_bpf
	chmod 755 "$T" "$T/.." 2>/dev/null || true
	local d
	d=$(mktemp -d /tmp/bpfspy-mode.XXXXXX)
	chmod 755 "$d"
	(umask 022; "$BPFSPY" run -o "$d/run.jsonl" -- "$EXERCISER" lookup 1 >/dev/null)
	expect_eq "$(stat -c %a "$d/run.jsonl")" 600 "run -o, new file"
	! as_evil cat "$d/run.jsonl" >/dev/null 2>&1 || { rm -rf "$d"; false; }
	printf 'old\n' >"$d/old.jsonl"
	chmod 644 "$d/old.jsonl"
	"$BPFSPY" run -o "$d/old.jsonl" -- "$EXERCISER" lookup 1 >/dev/null
	expect_eq "$(stat -c %a "$d/old.jsonl")" 600 "run -o, existing file"
	"$BPFSPY" run --mode 0640 -o "$d/m.jsonl" -- "$EXERCISER" lookup 1 >/dev/null
	expect_eq "$(stat -c %a "$d/m.jsonl")" 640 "run --mode 0640"
	(umask 022; LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$d/bare.jsonl" "$EXERCISER" lookup 1 >/dev/null)
	expect_eq "$(stat -c %a "$d/bare.jsonl")" 600 "bare mode, new file"
	(umask 077; LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$d/bm.jsonl" BPFSPY_MODE=0644 \
		"$EXERCISER" lookup 1 >/dev/null)
	expect_eq "$(stat -c %a "$d/bm.jsonl")" 644 "bare mode, BPFSPY_MODE=0644"
	expect_valid "$d/bm.jsonl"
	rm -rf "$d"
	run "$BPFSPY" run --mode 999 -o "$T/x" -- true
	expect_eq "$status" 2 "--mode 999"
	expect_match "$output" "--mode takes an octal file mode" "--mode 999 message"
}

@test "report --html and export -o: created 0600, no symlink followed in a sticky directory, no file of another user" {
	require_bpf
	"$BPFSPY" run -o "$TRACE" -- "$EXERCISER" lookup 1 >/dev/null
	chmod 1777 "$SHARED"
	(umask 022; "$BPFSPY" report --html "$SHARED/r.html" "$TRACE")
	expect_eq "$(stat -c %a "$SHARED/r.html")" 600 "report --html"
	(umask 022; "$BPFSPY" export --format=chrome -o "$SHARED/e.json" "$TRACE")
	expect_eq "$(stat -c %a "$SHARED/e.json")" 600 "export -o"
	as_evil ln -s "$VICTIM/file" "$SHARED/l.html"
	run --separate-stderr "$BPFSPY" report --html "$SHARED/l.html" "$TRACE"
	expect_eq "$status" 2 "report --html onto a symlink"
	expect_match "$stderr" "$SHARED/l.html: it is a symbolic link" stderr
	run --separate-stderr "$BPFSPY" export --format=chrome -o "$SHARED/l.html" "$TRACE"
	expect_eq "$status" 2 "export onto a symlink"
	expect_untouched "$VICTIM/file"
	as_evil sh -c 'echo theirs >"$1"' sh "$SHARED/theirs.json"
	run --separate-stderr "$BPFSPY" export --format=chrome -o "$SHARED/theirs.json" "$TRACE"
	expect_eq "$status" 2 "export onto another user's file"
	expect_match "$stderr" "it belongs to another user" stderr
	expect_eq "$(cat "$SHARED/theirs.json")" theirs
}

# ---- 3. what bpfspy writes -------------------------------------------------

# Bytes a hostile program puts in its comm, argv, a map name and a path:
# an OSC title change, a surrogate, a code point above U+10FFFF, an
# overlong '/', and a screen clear.
EVIL_NAME=$'\e]0;t\a\xed\xa0\x80\xf4\x90\x80\x80\xc0\xaf'
EVIL_ARG=$'\e[2J\e]0;pwned\a'

# Every line of $1 decodes as strict UTF-8 (python3's decoder, not ours).
expect_strict_utf8() {
	python3 -c '
import sys
for n, line in enumerate(open(sys.argv[1], "rb"), 1):
    try:
        line.decode("utf-8", "strict")
    except UnicodeDecodeError as e:
        sys.exit("%s:%d: %s" % (sys.argv[1], n, e))
' "$1"
}

@test "UTF-8: a trace of surrogates, > U+10FFFF and overlongs decodes strictly; names keep their bytes in _raw" {
	require_bpf
	require_cmd python3
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" names "$EVIL_NAME" "$EVIL_ARG" $'\xed\xa0\x80'
	expect_eq "$status" 0 "$stderr"
	expect_valid "$TRACE"
	expect_strict_utf8 "$TRACE"
	local raw=1b5d303b7407eda080f4908080c0af
	expect_eq "$(tc get "$TRACE" attr.map_name_raw cmd=BPF_MAP_CREATE)" "$raw" map_name_raw
	expect_eq "$(tc get "$TRACE" comm_raw cmd=BPF_MAP_CREATE)" "$raw" comm_raw
	# The replacement character stands for each byte that was not UTF-8.
	expect_match "$(grep -c 'u001b]0;t\\u0007\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd"' "$TRACE")" '^[1-9]' "replacement characters"
	expect_eq "$(tc count "$TRACE" cmd=BPF_OBJ_GET)" 1 "the path's call"
}

# No byte of @1 is a control character other than newline and tab, and no
# UTF-8 C1 control (U+0080..U+009F) either.
expect_no_controls() {
	if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$1" ||
	   LC_ALL=C grep -q $'\xc2[\x80-\x9f]' <<<"$1"; then
		printf 'control characters reach the terminal in %s:\n' "$2" >&2
		printf '%s\n' "$1" | cat -v >&2
		return 1
	fi
}

@test "terminal text: report, diff and check print the program's ESC, OSC and C1 escaped" {
	require_bpf
	"$BPFSPY" run -o "$TRACE" -- "$EXERCISER" names "$EVIL_NAME" "$EVIL_ARG" $'\xc2\x9b2J' >/dev/null
	"$BPFSPY" run -o "$T/plain.jsonl" -- "$EXERCISER" lookup 1 >/dev/null
	run --separate-stderr "$BPFSPY" report "$TRACE"
	expect_eq "$status" 0 "report: $stderr"
	expect_no_controls "$output" report
	expect_match "$output" '\\x1b\[2J\\x1b\]0;pwned\\x07' "argv shown with its escapes spelled out"
	expect_match "$output" '\\u009b2J' "a C1 CSI spelled out"
	run --separate-stderr "$BPFSPY" diff "$T/plain.jsonl" "$TRACE"
	expect_eq "$status" 1 "diff: $stderr"
	expect_no_controls "$output" diff
	expect_match "$output" '\\x1b\]0;t\\x07' "diff names the map as it was"
	run --separate-stderr "$BPFSPY" check "$TRACE"
	expect_no_controls "$output" check
	expect_match "$output" 'BPF_MAP_CREATE' "check output"
}

@test "terminal text: report's own colours still work on a terminal" {
	require_cmd script
	"$BPFSPY" run -o "$TRACE" -- "$EXERCISER" errno >/dev/null 2>&1 || true
	run script -qec "env -u NO_COLOR $BPFSPY report $TRACE" /dev/null
	expect_match "$output" $'\e\\[1m== process' "bold process rule"
	! grep -q $'\xff' <<<"$output"
}

@test "terminal text: --json on a terminal spells C1 controls as JSON escapes, in a file it is json-c's" {
	require_bpf
	require_cmd script
	"$BPFSPY" run -o "$TRACE" -- "$EXERCISER" names $'x\xc2\x9b2J' >/dev/null
	run script -qec "$BPFSPY report --json $TRACE" /dev/null
	output=${output//$'\r'/}   # the terminal's newline is CR LF
	expect_no_controls "$output" "report --json on a terminal"
	expect_match "$output" 'x\\u009b2J' "CSI as \\u009b"
	"$BPFSPY" report --json "$TRACE" >"$T/r.json"
	grep -q $'x\xc2\x9b2J' "$T/r.json"
}

# ---- 4. what bpfspy reads ----------------------------------------------------

@test "readers: a directory and /dev/zero are refused with exit 2" {
	local cmd
	for cmd in report check; do
		run --separate-stderr "$BPFSPY" $cmd "$T"
		expect_eq "$status" 2 "$cmd DIR"
		expect_eq "$stderr" "bpfspy $cmd: $T: is a directory, not a trace" "$cmd DIR"
		run --separate-stderr timeout 20 "$BPFSPY" $cmd /dev/zero
		expect_eq "$status" 2 "$cmd /dev/zero"
		expect_match "$stderr" "^bpfspy $cmd: /dev/zero: is a character device, not a trace" "$cmd /dev/zero"
	done
	run --separate-stderr timeout 20 "$BPFSPY" report - </dev/zero
	expect_eq "$status" 2 "report - </dev/zero"
	run --separate-stderr "$BPFSPY" diff "$T" "$T"
	expect_eq "$status" 2 "diff DIR DIR"
	expect_match "$stderr" "is a directory, not a trace" "diff DIR"
}

@test "readers: anything after the object on a line is refused with FILE:LINE, exit 2" {
	require_bpf
	"$BPFSPY" run -o "$TRACE" -- "$EXERCISER" lookup 1 >/dev/null
	local lost='{"event":"lost","pid":1,"count":1}' bad what cmd
	for what in text nul second utf8 ws; do
		bad=$T/$what.jsonl
		cp "$TRACE" "$bad"
		case $what in
		text) printf '%s junk\n' "$lost" ;;
		nul) printf '%s\0{"hidden":1}\n' "$lost" ;;
		second) printf '%s{"event":"lost","pid":2,"count":9}\n' "$lost" ;;
		utf8) printf '{"event":"lost","pid":1,"count":1,"x":"\xed\xa0\x80"}\n' ;;
		ws) printf '%s \t\r\n' "$lost" ;;
		esac >>"$bad"
		for cmd in report check "diff $TRACE"; do
			run --separate-stderr "$BPFSPY" $cmd "$bad"
			if [ $what = ws ]; then
				[ "$status" -ne 2 ] || { echo "$cmd: trailing blanks refused: $stderr" >&2; return 1; }
				continue
			fi
			expect_eq "$status" 2 "$cmd, $what"
			case $what in
			text) expect_match "$stderr" "^bpfspy ${cmd% *}: $bad:4: text after the JSON object$" "$cmd, $what" ;;
			nul) expect_match "$stderr" "^bpfspy ${cmd% *}: $bad:4: a NUL byte in the line$" "$cmd, $what" ;;
			second) expect_match "$stderr" "^bpfspy ${cmd% *}: $bad:4: a second JSON value after the object$" "$cmd, $what" ;;
			utf8) expect_match "$stderr" "^bpfspy ${cmd% *}: $bad:4: not valid UTF-8$" "$cmd, $what" ;;
			esac
		done
	done
}

@test "diff: a missing file is said to be missing" {
	"$BPFSPY" run -o "$TRACE" -- true
	run --separate-stderr "$BPFSPY" diff "$TRACE" "$T/none.jsonl"
	expect_eq "$status" 2
	expect_eq "$stderr" "bpfspy diff: $T/none.jsonl: no such file"
}

# ---- 5. reader memory -------------------------------------------------------

# $1 processes, one after another, each a header and one MAP_CREATE; $2
# changes max_entries in every 1000th (for diff).
many_procs() {
	awk -v n="$1" -v v="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			pid = 100000 + i; ts = 1795316104866490819 + i * 1000
			printf "{\"event\":\"header\",\"schema\":1,\"bpfspy\":\"0.1.0\",\"ts\":%d,\"pid\":%d,\"ppid\":1,\"exe\":\"/usr/bin/tool%d\",\"argv\":[\"tool\"],\"kernel\":\"6.18\"}\n", ts, pid, i % 50
			printf "{\"event\":\"bpf\",\"seq\":1,\"ts\":%d,\"dur_ns\":900,\"pid\":%d,\"tid\":%d,\"comm\":\"tool%d\",\"cmd\":\"BPF_MAP_CREATE\",\"size\":72,\"attr\":{\"map_type\":\"BPF_MAP_TYPE_HASH\",\"key_size\":4,\"value_size\":8,\"max_entries\":%d,\"map_name\":\"counts\"},\"ret\":3,\"errno\":null,\"fds\":{\"3\":{\"kind\":\"map\",\"id\":%d,\"type\":\"BPF_MAP_TYPE_HASH\",\"name\":\"counts\"}}}\n", ts + 1, pid, pid, i % 50, (v && i % 1000 == 999) ? 256 : 128, 5000 + i
		}
	}'
}

# Peak RSS in KiB of "$@" (GNU time), its output discarded.
peak_kb() {
	/usr/bin/time -f %M -o "$T/rss" "$@" >/dev/null 2>"$T/err"
	tail -1 "$T/rss"
}

@test "reader memory: 30,000 one-event processes, report and diff stay small (no per-process arrays)" {
	[ -x /usr/bin/time ] || skip "GNU time is not installed"
	many_procs 30000 0 >"$T/a.jsonl"
	many_procs 30000 1 >"$T/b.jsonl"
	local kb
	kb=$(peak_kb "$BPFSPY" report "$T/a.jsonl")
	# ~1.3 KiB a process: ~45 MiB.  It was 34 KiB a process (~1 GiB).
	[ "$kb" -lt $((128 * 1024)) ] || { echo "report peak ${kb} KiB" >&2; return 1; }
	kb=$(peak_kb "$BPFSPY" diff "$T/a.jsonl" "$T/b.jsonl")
	# It was ~500 MiB, and quadratic in time.
	[ "$kb" -lt $((128 * 1024)) ] || { echo "diff peak ${kb} KiB" >&2; return 1; }
	run "$BPFSPY" diff "$T/a.jsonl" "$T/b.jsonl"
	expect_eq "$status" 1
	expect_match "$output" "summary: 0 added, 0 removed, 30 changed" "30 processes paired and changed"
}
