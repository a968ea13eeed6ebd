#!/usr/bin/env bats
# Packed traces (issue 16: the collector's CPU): --format packed writes the
# spools' records as they are, and whoever reads the trace renders them.
# Rendered (bpfspy export --format=jsonl) it must be the JSON the
# collector writes of the same spools, byte for byte; report, check and
# diff read it as they read JSON; what is malformed is said with its line.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
	SP=$T/spools
	LOOKUP_BENCH=$BUILDDIR/bench/lookup_bench
}

teardown() {
	collect_traces
}

# Programs traced in bare mode into $SP, their spools left for a collector:
# lookups (hits, misses), libbpf calls, PROG_LOAD/BTF_LOAD with logs
# (copies records), errors, threads, batches.
make_spools() {
	mkdir -m 700 "$SP"
	local p
	for p in "$EXERCISER lookup 300" "$EXERCISER errno" "$EXERCISER payload" \
		"$EXERCISER threads 3 100" "$EXERCISER batch" "$EXERCISER every"; do
		# shellcheck disable=SC2086  # the words of $p
		LD_PRELOAD=$SHIM BPFSPY_SPOOL_DIR=$SP $p >/dev/null 2>&1 || true
	done
	if [ -x "$LOADER" ] && [ -f "$BPF_OBJ" ]; then
		LD_PRELOAD=$SHIM BPFSPY_SPOOL_DIR=$SP "$LOADER" "$BPF_OBJ" >/dev/null 2>&1 || true
	fi
	if [ -x "$LOOKUP_BENCH" ]; then
		LD_PRELOAD=$SHIM BPFSPY_SPOOL_DIR=$SP "$LOOKUP_BENCH" --libbpf 500 >/dev/null 2>&1 || true
	fi
	[ -n "$(ls "$SP")" ]
}

@test "packed: rendered, the same bytes as the collector's JSON of the same spools" {
	require_bpf
	make_spools
	cp -a "$SP" "$T/spools2"
	run --separate-stderr "$BPFSPY" collect --once -d "$SP" -o "$T/json.jsonl"
	expect_eq "$status" 0 "collect json: $stderr"
	run --separate-stderr "$BPFSPY" collect --once --format packed -d "$T/spools2" -o "$T/p.trace"
	expect_eq "$status" 0 "collect packed: $stderr"
	run --separate-stderr "$BPFSPY" export --format=jsonl -o "$T/rendered.jsonl" "$T/p.trace"
	expect_eq "$status" 0 "export: $stderr"
	expect_valid "$T/rendered.jsonl"
	expect_eq "$(cmp "$T/json.jsonl" "$T/rendered.jsonl" && echo same)" same "rendered = JSON"
	local events json packed
	events=$(tc count "$T/json.jsonl" event=bpf)
	expect_match "$events" '^[0-9]+$' "bpf events"
	[ "$events" -ge 400 ] || { echo "only $events events" >&2; return 1; }
	# the copies records (PROG_LOAD, BTF_LOAD...) and hot ones are there
	expect_match "$(grep -c '^%R [0-9]* 10 ' "$T/p.trace")" '^[1-9]' "copies records"
	expect_match "$(grep -c '^%R [0-9]* 8 ' "$T/p.trace")" '^[1-9]' "hot records"
	expect_match "$(grep -c '^%D ' "$T/p.trace")" '^[1-9]' "templates"
	json=$(stat -c %s "$T/json.jsonl")
	packed=$(stat -c %s "$T/p.trace")
	[ "$((packed * 4))" -lt "$json" ] || { echo "packed $packed B, JSON $json B" >&2; return 1; }
	# the readers take it as they take JSON
	run --separate-stderr "$BPFSPY" report "$T/p.trace"
	expect_eq "$status" 0 "report: $stderr"
	expect_eq "$output" "$("$BPFSPY" report "$T/json.jsonl")" "report of both"
	run --separate-stderr "$BPFSPY" diff "$T/json.jsonl" "$T/p.trace"
	expect_eq "$status" 0 "diff: the same calls ($output)"
	"$BPFSPY" check --json "$T/json.jsonl" >"$T/c1" || true
	"$BPFSPY" check --json "$T/p.trace" >"$T/c2" || true
	expect_eq "$(jq -c 'del(.. | .file?, .line?)' "$T/c1" | sort | md5sum)" \
		"$(jq -c 'del(.. | .file?, .line?)' "$T/c2" | sort | md5sum)" "check's findings"
}

@test "packed: bpfspy run --format packed; malformed lines said with their number" {
	require_loader_or_skip
	run --separate-stderr "$BPFSPY" run --format packed -o "$T/p.trace" -- "$LOADER" "$BPF_OBJ"
	expect_eq "$status" 0 "run: $stderr"
	expect_match "$(head -c 1 "$T/p.trace")" '^\{$' "the header line is JSON"
	expect_match "$(grep -c '^%S ' "$T/p.trace")" '^[1-9]' "a stream"
	run --separate-stderr "$BPFSPY" export --format=jsonl "$T/p.trace"
	expect_eq "$status" 0 "export: $stderr"
	printf '%s\n' "$output" >"$T/r.jsonl"
	expect_valid "$T/r.jsonl"
	expect_eq "$(tc count "$T/r.jsonl" cmd=BPF_PROG_LOAD)" \
		"$(grep -c '"cmd":"BPF_PROG_LOAD"' "$T/r.jsonl")" "PROG_LOAD events"
	expect_match "$(tc get "$T/r.jsonl" attr.license cmd=BPF_PROG_LOAD | head -n1)" '^(GPL|Dual)' \
		"a license rendered from its copy"
	expect_match "$(tc count "$T/r.jsonl" event=libbpf)" '^[1-9]' "libbpf events (copies too)"
	# a packed line cut in its base64, a stream never begun, bad base64
	sed '0,/^%R /s/^\(%R [0-9]* [0-9]* \).*/\1AAAA/' "$T/p.trace" >"$T/bad.trace"
	printf '%%R 99 2 AAAA\n%%R 1 2 !!!!\n' >>"$T/bad.trace"
	run --separate-stderr "$BPFSPY" export --format=jsonl "$T/bad.trace"
	expect_eq "$status" 2 "malformed: stops"
	expect_match "$stderr" "bad.trace:[0-9]+: a malformed record" "the line number"
	run --separate-stderr "$BPFSPY" export --format=jsonl --lenient "$T/bad.trace"
	expect_match "$stderr" "a stream no %S line began" "a stream never begun"
	expect_match "$stderr" "bad base64" "bad base64"
	run --separate-stderr "$BPFSPY" report "$T/bad.trace"
	expect_eq "$status" 2 "report stops at it"
	expect_match "$stderr" "bad.trace:[0-9]+" "report says the line"
	# packed goes to a file only
	run --separate-stderr "$BPFSPY" run --format packed -o - -- true
	expect_eq "$status" 2 "-o - refused"
	expect_match "$stderr" "give -o FILE" "why"
}

require_loader_or_skip() {
	require_bpf
	[ -x "$LOADER" ] && [ -f "$BPF_OBJ" ] || skip "examples/minimal_loader or minimal.bpf.o was not built"
}

@test "packed: a trace write that fails (ENOSPC) is tried again, its %S and %D lines too" {
	require_bpf
	require_cmd unshare
	mkdir -m 700 "$SP"
	# A 256 KiB tmpfs for the trace, most of it taken by a filler file;
	# the collector runs live while the filler is there, then it goes.
	run --separate-stderr unshare -m sh -c '
		t=$1 sp=$2 bpfspy=$3 shim=$4 ex=$5
		mkdir -p "$t/fs" && mount -t tmpfs -o size=256k none "$t/fs" || exit 125
		head -c 254k /dev/zero >"$t/fs/filler"
		"$bpfspy" collect --format packed -d "$sp" -o "$t/fs/p.trace" --interval 5 2>"$t/collect.err" &
		c=$!
		LD_PRELOAD=$shim BPFSPY_SPOOL_DIR=$sp "$ex" lookup 2000 >/dev/null || exit 3
		sleep 0.5
		rm -f "$t/fs/filler"
		sleep 0.5
		kill -TERM "$c"; wait "$c"
		cp "$t/fs/p.trace" "$t/p.trace"' sh "$T" "$SP" "$BPFSPY" "$SHIM" "$EXERCISER"
	[ "$status" -ne 125 ] || skip "cannot mount a tmpfs in a private mount namespace"
	expect_eq "$status" 0 "the run: $stderr"
	expect_match "$(cat "$T/collect.err")" "No space left on device" "the collector said the write failed"
	run --separate-stderr "$BPFSPY" export --format=jsonl -o "$T/r.jsonl" "$T/p.trace"
	expect_eq "$status" 0 "export: $stderr"
	# every lookup, once; the templates they name were said again
	expect_eq "$(tc count "$T/r.jsonl" cmd=BPF_MAP_LOOKUP_ELEM)" 2000 "lookups rendered"
	expect_eq "$(tc count "$T/r.jsonl" event=lost)" 0 "nothing lost"
}
