# Shared helpers of the bats suites in tests/bats/.  Load with
#   load "${SRCDIR:-..}/tests/lib.bash"   (or: source it)
#
# Environment: BUILDDIR (the build tree: src/bpfspy, preload/.libs/...),
# SRCDIR (the source tree).  tests/run-tests.sh and `make check` set both.
# Without them: SRCDIR is the tree holding this file and BUILDDIR the
# current directory when it holds a build, else SRCDIR (in-tree build).

SRCDIR=${SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
if [ -z "${BUILDDIR:-}" ]; then
	if [ -x "$PWD/src/bpfspy" ]; then BUILDDIR=$PWD; else BUILDDIR=$SRCDIR; fi
fi
export SRCDIR BUILDDIR

BPFSPY=$BUILDDIR/src/bpfspy
SHIM=$BUILDDIR/preload/.libs/libbpfspy.so
EXERCISER=$BUILDDIR/tests/progs/exerciser
TRACECHECK=$BUILDDIR/tests/progs/tracecheck
LOADER=$BUILDDIR/examples/minimal_loader
BPF_OBJ=$BUILDDIR/examples/minimal.bpf.o

# `run --separate-stderr` and `run -N` need bats >= 1.5.
if type bats_require_minimum_version >/dev/null 2>&1; then
	bats_require_minimum_version 1.5.0
fi

# ---- per-test setup -------------------------------------------------------

# Call from each suite's setup().  Fails (not skips) when the build is
# missing: a suite that silently skipped everything would prove nothing.
# Every test gets its own directory $T (under $BATS_TEST_TMPDIR, removed by
# bats), and TMPDIR points there.  bpfspy run spools in /dev/shm when it is
# a large tmpfs, else in TMPDIR: tests that check for leftover spool
# directories pass --spool-dir "$T" and call expect_no_spools.
common_setup() {
	local f
	for f in "$BPFSPY" "$SHIM" "$EXERCISER" "$TRACECHECK"; do
		if [ ! -e "$f" ]; then
			echo "missing build product: $f (BUILDDIR=$BUILDDIR)" >&2
			echo "build with: make && make tests/progs/exerciser tests/progs/tracecheck" >&2
			return 1
		fi
	done
	T=${BATS_TEST_TMPDIR:?bats >= 1.4 is needed}/t
	mkdir -p "$T"
	export TMPDIR=$T
	TRACE=$T/trace.jsonl
}

# ---- the traces a test made, for the schema suite ----------------------

# Copy the traces bpfspy wrote under $T and $BATS_FILE_TMPDIR to
# $BPFSPY_TRACE_ARCHIVE (set by tests/run-tests.sh), where the last suite
# (tests/validate-traces.py) holds them against the trace format's JSON
# Schema.  Traces over 8 MiB are left out (the schema suite must stay quick).
collect_traces() {
	local d=${BPFSPY_TRACE_ARCHIVE:-} f name
	[ -n "$d" ] || return 0
	mkdir -p "$d" || return 0
	for f in "${T:-/nonexistent}"/*.jsonl "${BATS_FILE_TMPDIR:-/nonexistent}"/*.jsonl; do
		[ -f "$f" ] && [ "$(stat -c %s "$f")" -le 8388608 ] || continue
		name=$(basename "$BATS_TEST_FILENAME" .bats)-${BATS_TEST_NUMBER:-0}-$(basename "$f")
		cp "$f" "$d/$name" 2>/dev/null || true
	done
}

# Suites with a teardown of their own call collect_traces from it.
teardown() {
	collect_traces
}

# ---- skips ----------------------------------------------------------------

# Skip when this machine refuses bpf() (no privileges, unprivileged_bpf...).
require_bpf() {
	local out
	if ! out=$("$EXERCISER" lookup 1 2>&1); then
		skip "bpf() is refused here: exerciser lookup 1 said: ${out:-nothing}"
	fi
}

# Skip when a command is not installed.
require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
	done
}

require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
}

# Skip unless we can make a private mount namespace and mount bpffs in it.
require_bpffs() {
	require_root
	require_cmd unshare
	unshare -m sh -c 'mount -t bpf none /sys/fs/bpf' >/dev/null 2>&1 ||
		skip "cannot mount bpffs in a private mount namespace (unshare -m)"
}

require_tracefs() {
	require_root
	require_cmd unshare
	# (one the host mounted already will do: mounting it again fails)
	unshare -m sh -c '[ -d /sys/kernel/tracing/events ] ||
		mount -t tracefs none /sys/kernel/tracing' >/dev/null 2>&1 ||
		skip "cannot mount tracefs in a private mount namespace (unshare -m)"
}

require_btf() {
	[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF at /sys/kernel/btf/vmlinux"
}

# ---- running things -------------------------------------------------------

# spy ARGS...: bpfspy run -o $TRACE ARGS... (no "--" added).
spy() {
	"$BPFSPY" run -o "$TRACE" "$@"
}

# in_bpffs CMD [ARGS...]: run CMD in a private mount namespace with a
# fresh bpffs on /sys/fs/bpf (unshare -m makes every mount private, so
# nothing leaks to the host and the mount dies with the namespace).
in_bpffs() {
	unshare -m sh -c 'mount -t bpf none /sys/fs/bpf && exec "$@"' sh "$@"
}

# bare_spool_dir TRACE: where the shim keeps the spools of bare-mode
# processes writing TRACE (an absolute path) by default: in
# /dev/shm/bpfspy-UID/ when /dev/shm is a tmpfs with 1 GiB free, the path
# escaped ('%' and '/' as %25 and %2F); else TRACE.spool (bpfspy(1),
# BPFSPY_SPOOL_DIR).
bare_spool_dir() {
	local p=${1#/} free
	free=$(df -k --output=avail /dev/shm 2>/dev/null | tail -n1 | tr -d ' ')
	if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && [ -w /dev/shm ] &&
		[ "${free:-0}" -ge 1048576 ]; then
		p=${p//%/%25}
		echo "/dev/shm/bpfspy-$(id -u)/${p//\//%2F}.spool"
	else
		echo "$1.spool"
	fi
}

# beside_trace CMD [ARGS...]: CMD where bare-mode spools go beside the
# trace, as TRACE.spool: a private mount namespace with a /dev/shm too
# small to be used for them.
beside_trace() {
	unshare -m sh -c 'mount -t tmpfs -o size=1m none /dev/shm || exit 125
		exec "$@"' sh "$@"
}

# in_tracefs CMD [ARGS...]: likewise with tracefs on /sys/kernel/tracing
# (and debugfs, for tools that still look there).
in_tracefs() {
	unshare -m sh -c '[ -d /sys/kernel/tracing/events ] ||
		mount -t tracefs none /sys/kernel/tracing || exit 125
		mount -t debugfs none /sys/kernel/debug 2>/dev/null
		exec "$@"' sh "$@"
}

# ---- reading traces -------------------------------------------------------

tc() { "$TRACECHECK" "$@"; }

# trace_cmds FILE [FILTER...]: the cmd of each bpf event, one a line.
trace_cmds() {
	local f=$1
	shift
	"$TRACECHECK" get "$f" cmd "$@"
}

# trace_get FILE PATH [FILTER...]: PATH of each matching bpf event.
trace_get() { "$TRACECHECK" get "$@"; }

# trace_count FILE [FILTER...]: number of matching bpf events.
trace_count() { "$TRACECHECK" count "$@"; }

# trace_calls FILE: "CMD RET ERRNO" per bpf event in file order (ERRNO is
# "-" for success), the form strace_calls prints.
trace_calls() {
	paste -d' ' <("$TRACECHECK" get "$1" cmd) <("$TRACECHECK" get "$1" ret) \
		<("$TRACECHECK" get "$1" errno | sed 's/^null$/-/')
}

# strace_calls FILE: the bpf calls of an `strace -f -e trace=bpf -o FILE`
# log as "CMD RET ERRNO", in the order they returned.  Understands
# "<unfinished ...>" / "<... bpf resumed>" pairs.
strace_calls() {
	awk '
	function result(line, cmd,   r) {
		if (!match(line, /\) += -?[0-9]+( [A-Z][A-Z0-9_]*)?( \(.*\))?$/))
			return
		r = substr(line, RSTART, RLENGTH)
		sub(/^\) += /, "", r)
		sub(/ \(.*$/, "", r)
		n = split(r, f, " ")
		print cmd, f[1], (n > 1 ? f[2] : "-")
	}
	function cmd_of(line,   s) {
		s = line
		sub(/^[0-9]+ +bpf\(/, "", s)
		sub(/,.*$/, "", s)
		return s
	}
	$2 ~ /^bpf\(/ && /<unfinished \.\.\.>$/ { pend[$1] = cmd_of($0); next }
	$2 == "<..." && $3 == "bpf" { result($0, pend[$1]); delete pend[$1]; next }
	$2 ~ /^bpf\(/ { result($0, cmd_of($0)) }
	' "$1"
}

# strace_spy LOG ARGS...: `strace -f -e trace=bpf -o LOG bpfspy ARGS...`,
# LOG without bpfspy's own calls: its collector types map values by
# looking maps up (BPF_MAP_GET_FD_BY_ID) while the program runs.
strace_spy() {
	local log=$1 rc=0
	shift
	strace -f -qq -e trace=bpf -o "$log.all" \
		sh -c 'echo $$ >"$0.pid"; exec "$@"' "$log" "$BPFSPY" "$@" || rc=$?
	awk -v p="$(cat "$log.pid")" '$1 != p' "$log.all" >"$log"
	return $rc
}

# ---- assertions -----------------------------------------------------------

# expect_eq ACTUAL EXPECTED [WHAT]: fail with both values shown.
expect_eq() {
	if [ "$1" != "$2" ]; then
		printf '%s: got [%s], want [%s]\n' "${3:-value}" "$1" "$2" >&2
		return 1
	fi
}

# expect_match ACTUAL ERE [WHAT]
expect_match() {
	if ! [[ $1 =~ $2 ]]; then
		printf '%s: [%s] does not match /%s/\n' "${3:-value}" "$1" "$2" >&2
		return 1
	fi
}

# expect_valid FILE: every line of a trace parses.
expect_valid() {
	local out
	if ! out=$("$TRACECHECK" validate "$1" 2>&1); then
		echo "trace $1 does not validate: $out" >&2
		return 1
	fi
}

# expect_no_spools [DIR]: `bpfspy run --spool-dir DIR` removed every spool
# directory it made there (DIR defaults to $T).
expect_no_spools() {
	local left
	left=$(find "${1:-$T}" -maxdepth 1 -name 'bpfspy.*' 2>/dev/null)
	if [ -n "$left" ]; then
		echo "spool directories left behind: $left" >&2
		ls -la $left >&2
		return 1
	fi
}

# errno_name N: the symbolic name of errno N (what the trace shows).
errno_name() {
	case $1 in
	1) echo EPERM ;; 2) echo ENOENT ;; 7) echo E2BIG ;; 9) echo EBADF ;;
	12) echo ENOMEM ;; 13) echo EACCES ;; 14) echo EFAULT ;; 17) echo EEXIST ;;
	22) echo EINVAL ;; 28) echo ENOSPC ;; 95) echo EOPNOTSUPP ;;
	524) echo ENOTSUPP ;; *) echo "ERRNO_$1" ;;
	esac
}

# ---- the exerciser's tagged calls ---------------------------------------------
# Scenarios print one line per call, "NAME size=.. ret=.. errno=.. tag=TAG ...",
# in the order of the trace's events: $OUT holds the lines, $TR the trace.

# index_calls: fill SEQ and LINE from $OUT.
index_calls() {
	local l tag n=0
	declare -gA SEQ=() LINE=()
	while IFS= read -r l; do
		[[ $l == '#'* ]] && continue
		n=$((n + 1))
		tag=${l#* tag=}
		tag=${tag%% *}
		SEQ[$tag]=$n
		LINE[$tag]=$l
	done <"$OUT"
}

# kv TAG KEY: the KEY=VALUE the exerciser printed for TAG (log excluded).
kv() {
	local l=${LINE[$1]:-}
	[ -n "$l" ] || { echo "no call tagged $1 in $OUT" >&2; return 1; }
	l=" ${l%% log=*} "
	[[ $l == *" $2="* ]] || { echo "$1: no $2= in: $l" >&2; return 1; }
	l=${l#* $2=}
	echo "${l%% *}"
}

# logof TAG: the log the exerciser printed for TAG, unescaped.
logof() {
	local l=${LINE[$1]:-}
	[[ $l == *" log="* ]] || { echo "$1: no log" >&2; return 1; }
	printf '%b' "${l#* log=}"
}

# ev TAG PATH: PATH of the event of the call tagged TAG.
ev() {
	[ -n "${SEQ[$1]:-}" ] || { echo "no call tagged $1 in $OUT" >&2; return 1; }
	"$TRACECHECK" get "$TR" "$2" seq="${SEQ[$1]}"
}

# is TAG PATH WANT: the event of TAG has PATH = WANT.
is() {
	expect_eq "$(ev "$1" "$2")" "$3" "$1: $2"
}

# absent TAG PATH: the event of TAG has no PATH.
absent() {
	[ -n "${SEQ[$1]:-}" ] || { echo "no call tagged $1 in $OUT" >&2; return 1; }
	expect_eq "$("$TRACECHECK" count "$TR" seq="${SEQ[$1]}" "$2")" 0 "$1: $2 should be absent"
}
