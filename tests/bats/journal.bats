#!/usr/bin/env bats
# bpfspy run --journal against a real systemd-journald (started here, in a
# private mount namespace, by tests/journal-ns.sh), and the fleet path:
# systemd-journal-upload to systemd-journal-remote on loopback.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
	require_bpf
	require_root
	require_cmd unshare journalctl jq
	grep -q '^#define HAVE_LIBSYSTEMD 1' "$BUILDDIR/config.h" ||
		skip "bpfspy was configured --without-journal"
	unshare -m --propagation private true 2>/dev/null ||
		skip "cannot make a private mount namespace (unshare -m) for a journald of our own"
}

# Run "$@" next to a journald of its own; its entries land in $T/journal.json.
with_journald() {
	local rc=0
	unshare -m --propagation private "$SRCDIR/tests/journal-ns.sh" "$T" "$@" || rc=$?
	if [ "$rc" -eq 77 ]; then
		skip "systemd-journald cannot start here: $(cat "$T/journald.why" 2>/dev/null)"
	fi
	return "$rc"
}

# The entries whose fields disagree with their event, as "seq: what" lines.
field_mismatches() {
	jq -r '
		(.BPFSPY_EVENT | fromjson) as $e
		| [ (if .BPFSPY_KIND != $e.event then "BPFSPY_KIND" else empty end),
		    (if .BPFSPY_PID != ($e.pid | tostring) then "BPFSPY_PID" else empty end),
		    (if $e.seq and .BPFSPY_SEQ != ($e.seq | tostring) then "BPFSPY_SEQ" else empty end),
		    (if $e.tid and .BPFSPY_TID != ($e.tid | tostring) then "BPFSPY_TID" else empty end),
		    (if .BPFSPY_CMD != $e.cmd then "BPFSPY_CMD" else empty end),
		    (if .BPFSPY_FUNC != $e.func then "BPFSPY_FUNC" else empty end),
		    (if .BPFSPY_ERRNO != $e.errno then "BPFSPY_ERRNO" else empty end),
		    (if $e.comm and .OBJECT_COMM != $e.comm then "OBJECT_COMM" else empty end),
		    (if .SYSLOG_IDENTIFIER != "bpfspy" then "SYSLOG_IDENTIFIER" else empty end),
		    (if (.MESSAGE | test("\n")) then "MESSAGE has a newline" else empty end)
		  ] | select(length > 0)
		| "\($e.event) seq \($e.seq): \(join(", "))"' "$1"
}

@test "journal: every event of the example loader once, intact, with its fields" {
	[ -x "$LOADER" ] || skip "examples/minimal_loader is not built"
	with_journald "$BPFSPY" run --journal -o "$TRACE" -- "$LOADER"
	local n
	n=$(wc -l <"$TRACE")
	[ "$n" -gt 20 ] || { echo "only $n events" >&2; false; }
	expect_eq "$(jq -s length "$T/journal.json")" "$n" "journal entries"
	# BPFSPY_EVENT is the line, byte for byte; each line once.
	jq -r .BPFSPY_EVENT "$T/journal.json" | sort >"$T/from-journal"
	sort "$TRACE" >"$T/from-file"
	cmp "$T/from-file" "$T/from-journal"
	expect_eq "$(field_mismatches "$T/journal.json")" "" "entries whose fields disagree with the event"
	# A healthy loader: nothing above info.
	expect_eq "$(jq -r 'select(.PRIORITY != "6") | .MESSAGE' "$T/journal.json")" "" "entries above info"
	# The traced process, as journald names objects: its host pid.
	local pid
	pid=$(jq -r 'select(.event == "header") | .host_pid' "$TRACE")
	expect_eq "$(jq -r .OBJECT_PID "$T/journal.json" | sort -u)" "$pid" OBJECT_PID
	expect_eq "$(jq -r .OBJECT_EXE "$T/journal.json" | sort -u)" "$(readlink -f "$LOADER")" OBJECT_EXE
	# The summary line.
	expect_match "$(jq -r 'select(.BPFSPY_CMD == "BPF_RAW_TRACEPOINT_OPEN") | .MESSAGE' "$T/journal.json")" \
		"^minimal_loader\\[$pid\\] bpf BPF_RAW_TRACEPOINT_OPEN = [0-9]+\$" MESSAGE
	expect_match "$(jq -r 'select(.BPFSPY_FUNC == "bpf_object__load") | .MESSAGE' "$T/journal.json")" \
		"^minimal_loader\\[$pid\\] libbpf bpf_object__load = 0\$" "MESSAGE of a libbpf call"
	expect_match "$(jq -r 'select(.BPFSPY_KIND == "header") | .MESSAGE' "$T/journal.json")" \
		"^minimal_loader\\[$pid\\] tracing .*/minimal_loader \\(bpfspy [0-9.]+\\)\$" "MESSAGE of the header"
}

@test "journal: journalctl selects by field: BPFSPY_CMD=BPF_PROG_LOAD across the journal" {
	with_journald bash -c '
		"$1" run --journal -o "$2/a.jsonl" -- "$3" lookup 2 >/dev/null &&
		"$1" run --journal -o "$2/b.jsonl" -- "$3" every >/dev/null &&
		journalctl --sync &&
		journalctl --directory="$JOURNAL_DIR" -o json --all BPFSPY_CMD=BPF_PROG_LOAD >"$2/loads.json"
	' sh "$BPFSPY" "$T" "$EXERCISER"
	local want
	want=$(cat "$T/a.jsonl" "$T/b.jsonl" | grep '"cmd":"BPF_PROG_LOAD"' | sort)
	[ -n "$want" ]
	expect_eq "$(jq -r .BPFSPY_EVENT "$T/loads.json" | sort)" "$want" "BPF_PROG_LOAD entries"
}

@test "journal: PRIORITY by outcome: failed call warning, failed rule error, with BPFSPY_RULE" {
	with_journald "$BPFSPY" run --journal -o "$TRACE" -- "$EXERCISER" badattr
	expect_eq "$(field_mismatches "$T/journal.json")" "" "entries whose fields disagree with the event"
	local fails rules
	# A failed rule: error (3), each failed rule as BPFSPY_RULE.
	rules=$(jq -c 'select(.event == "bpf" and any(.checks[]?; .verdict == "fail"))' "$TRACE" | wc -l)
	[ "$rules" -gt 0 ]
	expect_eq "$(jq -c 'select(.PRIORITY == "3")' "$T/journal.json" | wc -l)" "$rules" "error entries"
	expect_eq "$(jq -r 'select(.PRIORITY == "3") | .BPFSPY_RULE' "$T/journal.json" | sort -u)" zero-tail BPFSPY_RULE
	expect_match "$(jq -r 'select(.PRIORITY == "3") | .MESSAGE' "$T/journal.json" | head -1)" \
		'^exerciser\[[0-9]+\] bpf BPF_MAP_CREATE failed: E2BIG: .*; rule zero-tail failed$' "MESSAGE of a failed rule"
	# Other failed calls (not probes): warning (4).
	fails=$(jq -c 'select(.errno != null and .probe == null and all(.checks[]?; .verdict != "fail"))' "$TRACE" | wc -l)
	[ "$fails" -gt 0 ]
	expect_eq "$(jq -c 'select(.PRIORITY == "4")' "$T/journal.json" | wc -l)" "$fails" "warning entries"
	expect_eq "$(jq -r 'select(.PRIORITY == "4" and .BPFSPY_ERRNO == null) | .MESSAGE' "$T/journal.json")" "" \
		"warnings without an errno"
	# Successes and failed feature probes (a loader asking what the kernel
	# has) are info.
	expect_eq "$(jq -c 'select(all(.checks[]?; .verdict != "fail") and (.errno == null or .probe != null))' "$TRACE" | wc -l)" \
		"$(jq -c 'select(.PRIORITY == "6")' "$T/journal.json" | wc -l)" "info entries"
	expect_eq "$(jq -r 'select(.PRIORITY == "6" and .BPFSPY_ERRNO != null) | .MESSAGE' "$T/journal.json")" \
		"exerciser[$(jq -r 'select(.event == "header") | .pid' "$TRACE")] bpf BPF_PROG_LOAD failed: EFAULT (feature probe)" \
		"the failed probe"
}

@test "journal: a 600 KB event (bpftool's verifier log) arrives intact" {
	require_cmd bpftool clang
	cat >"$T/big.bpf.c" <<'C'
#include <linux/bpf.h>
#define SEC(n) __attribute__((section(n), used))
/* 9000 instructions, then a load the verifier rejects: a long log. */
SEC("xdp")
int big(struct xdp_md *ctx)
{
	volatile unsigned long x = 0;
#pragma clang loop unroll(full)
	for (int i = 0; i < 3000; i++)
		x += i;
	return *(int *)(long)x;
}
char _license[] SEC("license") = "GPL";
C
	clang -O2 -target bpf -I/usr/include/x86_64-linux-gnu -c "$T/big.bpf.c" -o "$T/big.bpf.o"
	with_journald sh -c 'mount -t bpf none /sys/fs/bpf &&
		exec "$1" run --journal --log-bytes 4194304 -o "$2" -- bpftool prog load "$3" /sys/fs/bpf/big' \
		sh "$BPFSPY" "$TRACE" "$T/big.bpf.o" >/dev/null 2>&1 || true
	local line
	line=$(jq -c 'select(.cmd == "BPF_PROG_LOAD" and (.out.log | length) > 500000)' "$TRACE" | head -1)
	[ -n "$line" ] || skip "the verifier wrote no long log for the program here"
	expect_eq "$(jq -s length "$T/journal.json")" "$(wc -l <"$TRACE")" "journal entries"
	jq -r .BPFSPY_EVENT "$T/journal.json" | sort >"$T/from-journal"
	sort "$TRACE" >"$T/from-file"
	cmp "$T/from-file" "$T/from-journal"
	local seq
	seq=$(jq -r .seq <<<"$line")
	expect_eq "$(jq -r "select(.BPFSPY_SEQ == \"$seq\") | .BPFSPY_ERRNO, .PRIORITY" "$T/journal.json")" \
		"EACCES
4" "errno and priority of the rejected load"
}

@test "journal: --journal without a journald exits 2 before PROGRAM starts" {
	run --separate-stderr unshare -m --propagation private sh -c \
		'mount -t tmpfs tmpfs /run && exec "$@"' sh \
		"$BPFSPY" run --journal --spool-dir "$T" -- touch "$T/started"
	expect_eq "$status" 2
	expect_eq "$stderr" "bpfspy run: --journal: no journald listens here (/run/systemd/journal/socket: No such file or directory)"
	[ ! -e "$T/started" ]
	expect_no_spools
}

# ---- the fleet path -----------------------------------------------------------

# systemd-journal-remote on 127.0.0.1:PORT writing $T/remote/all.journal;
# its pid in REMOTE_PID, its port in PORT.
start_remote() {
	local remote=/lib/systemd/systemd-journal-remote try i
	[ -x "$remote" ] || skip "systemd-journal-remote is not installed (apt-get install systemd-journal-remote)"
	mkdir -p "$T/remote"
	for try in 1 2 3 4 5; do
		PORT=$((20000 + RANDOM % 20000))
		# Someone else's listener would answer for ours below.
		(: </dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && continue
		"$remote" --listen-http="127.0.0.1:$PORT" --split-mode=none --seal=no \
			--output="$T/remote/all.journal" >"$T/remote.log" 2>&1 &
		REMOTE_PID=$!
		for i in $(seq 50); do
			(: </dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && return 0
			kill -0 "$REMOTE_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill "$REMOTE_PID" 2>/dev/null
		wait "$REMOTE_PID" 2>/dev/null
	done
	skip "systemd-journal-remote would not listen on loopback: $(cat "$T/remote.log")"
}

@test "fleet: every event of a traced loader reaches systemd-journal-remote with its fields" {
	[ -x "$LOADER" ] || skip "examples/minimal_loader is not built"
	local upload=/lib/systemd/systemd-journal-upload
	[ -x "$upload" ] || skip "systemd-journal-upload is not installed (apt-get install systemd-journal-remote)"
	start_remote
	with_journald sh -c '
		"$1" run --journal -o "$2" -- "$3" >/dev/null || exit
		journalctl --sync
		# Upload what is there, then stop (--follow=no).
		"$4" --url="http://127.0.0.1:$5" --directory="$JOURNAL_DIR" --follow=no \
			--save-state="$6/upload.state"
	' sh "$BPFSPY" "$TRACE" "$LOADER" "$upload" "$PORT" "$T" >"$T/upload.log" 2>&1 || {
		cat "$T/upload.log" "$T/remote.log" >&2
		false
	}
	kill -TERM "$REMOTE_PID"
	wait "$REMOTE_PID" || true
	journalctl --file="$T/remote/all.journal" --all -o json SYSLOG_IDENTIFIER=bpfspy >"$T/remote.json"
	expect_eq "$(jq -s length "$T/remote.json")" "$(wc -l <"$TRACE")" "entries in the remote journal"
	jq -r .BPFSPY_EVENT "$T/remote.json" | sort >"$T/from-remote"
	sort "$TRACE" >"$T/from-file"
	cmp "$T/from-file" "$T/from-remote"
	expect_eq "$(field_mismatches "$T/remote.json")" "" "remote entries whose fields disagree with the event"
	# The remote side selects as the local one does.
	expect_eq "$(journalctl --file="$T/remote/all.journal" -o json --all BPFSPY_CMD=BPF_PROG_LOAD | wc -l)" \
		"$(jq -c 'select(.cmd == "BPF_PROG_LOAD")' "$TRACE" | wc -l)" "BPF_PROG_LOAD entries, remote"
}

@test "journal: a process in a pid namespace: OBJECT_PID is its host pid, BPFSPY_PID its own" {
	unshare -p -f true 2>/dev/null || skip "cannot make a pid namespace (unshare -p)"
	with_journald "$BPFSPY" run --journal -o "$TRACE" -- unshare -p -f "$EXERCISER" lookup 1 >/dev/null
	local host
	host=$(jq -r 'select(.event == "header") | .nspid[0]' "$TRACE")
	expect_match "$host" '^[0-9]+$' "the host pid in the header"
	[ "$host" != 1 ]
	expect_eq "$(jq -r .BPFSPY_PID "$T/journal.json" | sort -u)" 1 BPFSPY_PID
	expect_eq "$(jq -r .OBJECT_PID "$T/journal.json" | sort -u)" "$host" OBJECT_PID
	expect_eq "$(jq -r .BPFSPY_HOST_PID "$T/journal.json" | sort -u)" "$host" BPFSPY_HOST_PID
	expect_eq "$(field_mismatches "$T/journal.json")" "" "entries whose fields disagree with the event"
}

@test "journal: bpftool feature probe's thousands of events, none lost, none twice" {
	require_cmd bpftool
	with_journald "$BPFSPY" run --journal -o "$TRACE" -- bpftool feature probe >/dev/null 2>&1 || true
	local n
	n=$(wc -l <"$TRACE")
	[ "$n" -gt 1000 ] || skip "bpftool feature probe made only $n calls here"
	expect_eq "$(jq -s length "$T/journal.json")" "$n" "journal entries"
	jq -r .BPFSPY_EVENT "$T/journal.json" | sort >"$T/from-journal"
	sort "$TRACE" >"$T/from-file"
	diff "$T/from-file" "$T/from-journal" | head -6 >&2
	cmp "$T/from-file" "$T/from-journal"
}

@test "journal: bpfspy collect --journal renders a bare-mode program's events into the journal, each once" {
	with_journald bash -c '
		spy=$1 t=$2 shim=$3 ex=$4
		"$spy" collect --journal -o "$t/c.jsonl" --spool-dir "$t/sp" 2>"$t/collect.err" &
		c=$!
		for _ in $(seq 100); do [ -d "$t/sp" ] && break; sleep 0.05; done
		LD_PRELOAD=$shim BPFSPY_SPOOL_DIR=$t/sp "$ex" every >/dev/null || exit 1
		LD_PRELOAD=$shim BPFSPY_SPOOL_DIR=$t/sp "$ex" lookup 3 >/dev/null || exit 1
		for _ in $(seq 100); do [ -z "$(ls -A "$t/sp")" ] && break; sleep 0.05; done
		kill -TERM "$c" && wait "$c"' sh "$BPFSPY" "$T" "$SHIM" "$EXERCISER"
	expect_eq "$(cat "$T/collect.err")" "" "collect's stderr"
	local n
	n=$(wc -l <"$T/c.jsonl")
	[ "$n" -ge 15 ] || { echo "only $n events" >&2; false; }
	expect_eq "$(tc count "$T/c.jsonl" event=header)" 2 "two processes"
	expect_eq "$(jq -s length "$T/journal.json")" "$n" "journal entries"
	jq -r .BPFSPY_EVENT "$T/journal.json" | sort >"$T/from-journal"
	sort "$T/c.jsonl" >"$T/from-file"
	cmp "$T/from-file" "$T/from-journal"
	expect_eq "$(field_mismatches "$T/journal.json")" "" "entries whose fields disagree with the event"
}
