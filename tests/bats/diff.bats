#!/usr/bin/env bats
# bpfspy diff: two runs of the example loader are equivalent; variants of
# its object built with one change each (a map's max_entries, a program's
# instructions, an added map) and a run without capabilities diff to that
# change and nothing else.  Then the alignment on hand-made traces, the
# options and bad input.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

# Build a variant of examples/minimal.bpf.c: DIR OLD NEW (OLD replaced
# once by NEW).  Each variant is called minimal.bpf.o, in its own
# directory, so that libbpf names its .rodata map alike.
variant() {
	mkdir -p "$1"
	OLD=$2 NEW=$3 awk 'BEGIN { RS = "^$"; old = ENVIRON["OLD"]; new = ENVIRON["NEW"] }
		{ i = index($0, old); if (!i) exit 1
		  printf "%s%s%s", substr($0, 1, i - 1), new, substr($0, i + length(old)) }' \
		"$SRCDIR/examples/minimal.bpf.c" >"$1/minimal.bpf.c" || return 1
	clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I/usr/include/x86_64-linux-gnu \
		-c "$1/minimal.bpf.c" -o "$1/minimal.bpf.o"
}

# The traces are made once for the whole file.
setup_file() {
	local d=$BATS_FILE_TMPDIR
	"$EXERCISER" lookup 1 >/dev/null 2>&1 || return 0
	[ -x "$LOADER" ] && command -v clang >/dev/null || return 0
	variant "$d/max" '__uint(max_entries, 4);' '__uint(max_entries, 8);' &&
	variant "$d/prog" '__sync_fetch_and_add(val, 1);' '__sync_fetch_and_add(val, 2);' &&
	variant "$d/map" '/* Lives in .rodata' 'struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} extra SEC(".maps");

/* Lives in .rodata' || return 1
	local t
	for t in base again; do
		"$BPFSPY" run --insns -o "$d/$t.jsonl" -- "$LOADER" "$BPF_OBJ" >/dev/null || return 1
	done
	for t in max prog map; do
		"$BPFSPY" run --insns -o "$d/$t.jsonl" -- "$LOADER" "$d/$t/minimal.bpf.o" >/dev/null || return 1
	done
	"$BPFSPY" run -o "$d/plain1.jsonl" -- "$LOADER" "$BPF_OBJ" >/dev/null || return 1
	"$BPFSPY" run -o "$d/plain2.jsonl" -- "$LOADER" "$BPF_OBJ" >/dev/null || return 1
	if command -v setpriv >/dev/null; then
		"$BPFSPY" run --insns -o "$d/nocaps.jsonl" -- setpriv --inh-caps=-all --bounding-set=-all \
			--ambient-caps=-all "$LOADER" "$BPF_OBJ" >/dev/null 2>&1 || true
	fi
	touch "$d/ready"
}

setup() {
	common_setup
	require_cmd jq
	V=$BATS_FILE_TMPDIR
}

require_variants() {
	require_bpf
	[ -f "$V/ready" ] || skip "the example loader or clang is missing"
}

# dj OLD NEW [OPTIONS...]: the JSON diff, in $T/d.json; its status in $status.
dj() {
	local a=$1 b=$2
	shift 2
	run "$BPFSPY" diff --json "$@" "$a" "$b"
	printf '%s\n' "$output" >"$T/d.json"
}

# changes: one line per change: "change call object [fields...]".
changes() {
	jq -r '.processes[].changes[]? | [.change, .call, .object,
		((.inputs // []) + (.outcome // []) | map("\(.field)=\(.old)->\(.new)") | join(","))]
		| join(" ")' "$T/d.json"
}

# ---- real runs ------------------------------------------------------------------

@test "diff: two runs of the same loader are equivalent (exit 0)" {
	require_variants
	run "$BPFSPY" diff "$V/base.jsonl" "$V/again.jsonl"
	expect_eq "$status" 0 "diff status ($output)"
	expect_match "$output" 'equivalent: ' text
	dj "$V/base.jsonl" "$V/again.jsonl"
	expect_eq "$status" 0
	expect_eq "$(jq -r '.equivalent' "$T/d.json")" true equivalent
	expect_eq "$(jq -r '.summary | "\(.added) \(.removed) \(.changed)"' "$T/d.json")" "0 0 0" summary
	expect_eq "$(jq -r '.processes[0] | "\(.name) \(.old_calls) \(.new_calls)"' "$T/d.json")" \
		"minimal_loader 30 30" process
	# Different pids, fds, ids, pointers and times, all left out.
	[ "$(jq -r '.processes[0].old_pid' "$T/d.json")" != "$(jq -r '.processes[0].new_pid' "$T/d.json")" ]
	# Without --insns too.
	run "$BPFSPY" diff "$V/plain1.jsonl" "$V/plain2.jsonl"
	expect_eq "$status" 0 "plain traces ($output)"
}

@test "diff: a map's max_entries: that map, and the BTF that describes it" {
	require_variants
	dj "$V/base.jsonl" "$V/max.jsonl"
	expect_eq "$status" 1 "different"
	changes >"$T/got"
	# The map's definition lives in the object's BTF too: its blob changes.
	cat >"$T/want" <<-'EOF'
		changed BPF_BTF_LOAD btf attr.btf_size=1333->1330,attr.btf_digest=XX
		changed BPF_MAP_CREATE map counts attr.max_entries=4->8
	EOF
	sed -i -E 's/(btf_digest=)[^,]*$/\1XX/; s/(btf_size=)[0-9]+->[0-9]+/\11333->1330/' "$T/got"
	diff -u "$T/want" "$T/got"
	expect_eq "$(jq -r '.summary.maps_changed | map(.object) | join(" ")' "$T/d.json")" "map counts" maps_changed
	expect_eq "$(jq -r '.summary.programs_changed | length' "$T/d.json")" 0 programs_changed
	expect_eq "$(jq -r '.summary | "\(.added) \(.removed) \(.outcomes_changed) \(.probes_changed)"' "$T/d.json")" \
		"0 0 0 0" "nothing else"
	run "$BPFSPY" diff "$V/base.jsonl" "$V/max.jsonl"
	expect_eq "$status" 1
	expect_match "$output" $'\n  ~ seq [0-9]+ -> [0-9]+ BPF_MAP_CREATE map counts\n      attr.max_entries: 4 -> 8\n' text
	expect_match "$output" 'map counts changed: attr.max_entries 4 -> 8' "text summary"
}

@test "diff: a program's instructions: that program's digest, and the BTF of its source" {
	require_variants
	dj "$V/base.jsonl" "$V/prog.jsonl"
	expect_eq "$status" 1
	changes | sed -E 's/=[^,]*->[^,]*/=X/g' >"$T/got"
	cat >"$T/want" <<-'EOF'
		changed BPF_BTF_LOAD btf attr.btf_size=X,attr.btf_digest=X
		changed BPF_PROG_LOAD prog count_syscalls attr.insns_decoded=X
	EOF
	diff -u "$T/want" "$T/got"
	expect_eq "$(jq -r '.summary.programs_changed | map(.object) | join(" ")' "$T/d.json")" \
		"prog count_syscalls" programs_changed
	expect_eq "$(jq -r '.summary | "\(.added) \(.removed) \(.outcomes_changed)"' "$T/d.json")" "0 0 0" "nothing else"
}

@test "diff: an added map: one MAP_CREATE more; the fds it shifts are not a change" {
	require_variants
	dj "$V/base.jsonl" "$V/map.jsonl"
	expect_eq "$status" 1
	changes | sed -E 's/(btf_size|btf_digest)=[^,]*->[^,]*/\1=X/g' >"$T/got"
	# .rodata's value type is a later BTF id now; every fd after the new
	# map is one higher, which the program's instructions hold (--insns).
	cat >"$T/want" <<-'EOF'
		changed BPF_BTF_LOAD btf attr.btf_size=X,attr.btf_digest=X
		added BPF_MAP_CREATE map extra 
		changed BPF_MAP_CREATE map minimal.rodata attr.btf_value_type_id=33->35
	EOF
	diff -u "$T/want" "$T/got"
	expect_eq "$(jq -r '.summary.programs_changed | length' "$T/d.json")" 0 "programs changed"
	expect_eq "$(jq -r '.processes[0] | "\(.old_calls) \(.new_calls)"' "$T/d.json")" "30 31" calls
}

@test "diff: without capabilities: the probes' outcomes change, the load is gone" {
	require_variants
	[ -s "$V/nocaps.jsonl" ] || skip "no trace without capabilities (setpriv)"
	[ "$(tc count "$V/nocaps.jsonl" errno=EPERM)" -ge 1 ] || skip "the loader was not refused here"
	dj "$V/base.jsonl" "$V/nocaps.jsonl"
	expect_eq "$status" 1
	# Every call both runs made changed its outcome only: success -> EPERM.
	expect_eq "$(jq -r '[.processes[].changes[] | select(.change == "changed")] | length' "$T/d.json")" \
		"$(jq -r '.summary.outcomes_changed' "$T/d.json")" "changed calls are outcome changes"
	expect_eq "$(jq -r '.summary.inputs_changed' "$T/d.json")" 0 "inputs changed"
	expect_eq "$(jq -r '[.processes[].changes[] | select(.change == "changed") | .outcome[] | select(.field == "errno") | "\(.old)->\(.new)"] | unique | join(" ")' "$T/d.json")" \
		"null->EPERM" "errno changes"
	expect_eq "$(jq -r '[.processes[].changes[] | select(.change == "changed") | .probe] | unique | join(" ")' "$T/d.json")" \
		true "the changed calls are feature probes"
	local n
	n=$(jq -r '.summary.probes_changed' "$T/d.json")
	[ "$n" -ge 1 ] || { echo "probes_changed $n" >&2; false; }
	# The rest of the load never happened.
	expect_eq "$(jq -r '[.processes[].changes[] | select(.change == "removed" and .object == "prog count_syscalls")] | length' "$T/d.json")" \
		1 "count_syscalls load removed"
	expect_eq "$(jq -r '.summary.removed' "$T/d.json")" \
		"$(( $(tc count "$V/base.jsonl") - $(tc count "$V/nocaps.jsonl") + $(jq -r '.summary.added' "$T/d.json") ))" \
		"removed = calls only the first run made"
	run "$BPFSPY" diff "$V/base.jsonl" "$V/nocaps.jsonl"
	expect_match "$output" $'\n  ! seq [0-9]+ -> [0-9]+ BPF_PROG_LOAD [^\n]*\\(feature probe\\)\n      ret: <prog [A-Z_]+> -> -1\n      errno: null -> "EPERM"\n' text
	expect_eq "$(printf '%s\n' "$output" | awk 'length > 80')" "" "lines over 80 columns"
}

@test "diff: --ignore leaves fields out, by path or by key" {
	require_variants
	run "$BPFSPY" diff --ignore attr.max_entries --ignore btf_size --ignore btf_digest \
		"$V/base.jsonl" "$V/max.jsonl"
	expect_eq "$status" 0 "with the changed fields ignored ($output)"
	run "$BPFSPY" diff --ignore attr.max_entries "$V/base.jsonl" "$V/max.jsonl"
	expect_eq "$status" 1 "the BTF still differs"
	[[ $output != *max_entries* ]] || { echo "max_entries shown: $output" >&2; false; }
}

@test "diff: --libbpf compares the libbpf API calls too" {
	require_variants
	dj "$V/base.jsonl" "$V/max.jsonl" --libbpf
	expect_eq "$status" 1
	expect_eq "$(changes | grep -c '^changed bpf_map_create map counts args.max_entries=4->8$')" 1 \
		"bpf_map_create change"
	dj "$V/base.jsonl" "$V/again.jsonl" --libbpf
	expect_eq "$status" 0 "same loader, libbpf layer ($output)"
}

# ---- hand-made traces: the alignment ---------------------------------------------

# ev SEQ CMD NAME [RET [ERRNO]]: one MAP_CREATE-like bpf event of pid $PID.
ev() {
	local ret=${4:-3} err=${5:-null}
	[ "$err" = null ] || err="\"$err\""
	printf '{"event":"bpf","seq":%d,"ts":%d,"dur_ns":%d,"pid":%d,"tid":%d,"comm":"x","cmd":"%s","attr":{"map_type":"BPF_MAP_TYPE_HASH","key_size":4,"max_entries":%d,"map_name":"%s","value":"0x7ffe%08x"},"ret":%d,"errno":%s}\n' \
		"$1" "$((1000 + $1))" "$RANDOM" "$PID" "$PID" "$2" "${MAXE:-16}" "$3" "$RANDOM" "$ret" "$err"
}

header() {
	printf '{"event":"header","schema":1,"ts":1,"pid":%d,"exe":"/bin/%s","argv":["%s"]}\n' "$PID" "$1" "$1"
}

@test "diff: the alignment finds the removed, the added and the changed call" {
	PID=100
	{ header x; ev 1 BPF_MAP_CREATE a; ev 2 BPF_MAP_CREATE b; ev 3 BPF_MAP_CREATE c
	  ev 4 BPF_MAP_CREATE d; ev 5 BPF_MAP_CREATE e; } >"$T/old.jsonl"
	PID=200
	{ header x; ev 1 BPF_MAP_CREATE a; ev 2 BPF_MAP_CREATE c
	  MAXE=32 ev 3 BPF_MAP_CREATE d; ev 4 BPF_MAP_CREATE e -1 EPERM; ev 5 BPF_MAP_CREATE f; } >"$T/new.jsonl"
	dj "$T/old.jsonl" "$T/new.jsonl"
	expect_eq "$status" 1
	changes >"$T/got"
	cat >"$T/want" <<-'EOF'
		removed BPF_MAP_CREATE map b 
		changed BPF_MAP_CREATE map d attr.max_entries=16->32
		changed BPF_MAP_CREATE map e ret=3->-1,errno=null->EPERM
		added BPF_MAP_CREATE map f 
	EOF
	diff -u "$T/want" "$T/got"
	expect_eq "$(jq -r '.summary | "\(.added) \(.removed) \(.changed) \(.inputs_changed) \(.outcomes_changed)"' "$T/d.json")" \
		"1 1 2 1 1" summary
	expect_eq "$(jq -r '[.processes[0].changes[] | "\(.old_seq)/\(.new_seq)"] | join(" ")' "$T/d.json")" \
		"2/null 4/3 5/4 null/5" "seqs"
}

@test "diff: processes pair by program and rank; unpaired ones are added or removed" {
	PID=1; { header a; ev 1 BPF_MAP_CREATE m; } >"$T/old.jsonl"
	PID=2; { header b; ev 1 BPF_MAP_CREATE m; } >>"$T/old.jsonl"
	PID=7; { header b; ev 1 BPF_MAP_CREATE m; } >"$T/new.jsonl"
	PID=8; { header c; ev 1 BPF_MAP_CREATE m; } >>"$T/new.jsonl"
	dj "$T/old.jsonl" "$T/new.jsonl"
	expect_eq "$status" 1
	expect_eq "$(jq -r '[.processes[] | "\(.name):\(.change // "paired"):\(.old_pid):\(.new_pid)"] | join(" ")' "$T/d.json")" \
		"a:removed:1:null b:paired:2:7 c:added:null:8" processes
	expect_eq "$(jq -r '.summary | "\(.processes_added) \(.processes_removed) \(.changed)"' "$T/d.json")" "1 1 0" summary
}

@test "diff: a long trace with scattered changes aligns exactly" {
	local i
	PID=5
	{ header x; for i in $(seq 1 3000); do ev "$i" BPF_MAP_CREATE "m$((i % 97))"; done; } >"$T/old.jsonl"
	# Remove every 500th call, change every 700th.
	PID=6
	{ header x; for i in $(seq 1 3000); do
		((i % 500 == 0)) && continue
		if ((i % 700 == 0)); then MAXE=99 ev "$i" BPF_MAP_CREATE "m$((i % 97))"
		else ev "$i" BPF_MAP_CREATE "m$((i % 97))"; fi
	  done; } >"$T/new.jsonl"
	dj "$T/old.jsonl" "$T/new.jsonl"
	expect_eq "$status" 1
	expect_eq "$(jq -r '.summary | "\(.added) \(.removed) \(.changed) \(.approximate)"' "$T/d.json")" \
		"0 6 4 false" summary
	expect_eq "$(jq -r '[.processes[0].changes[] | select(.change == "removed") | .old_seq] | join(" ")' "$T/d.json")" \
		"500 1000 1500 2000 2500 3000" removed
}

@test "diff: bad input exits 2 with file and line; usage errors exit 2" {
	PID=1; { header a; ev 1 BPF_MAP_CREATE m; } >"$T/old.jsonl"
	{ cat "$T/old.jsonl"; printf '{"event":"bpf","seq":2,'; } >"$T/trunc.jsonl"
	run --separate-stderr "$BPFSPY" diff "$T/old.jsonl" "$T/trunc.jsonl"
	expect_eq "$status" 2
	expect_eq "$stderr" "bpfspy diff: $T/trunc.jsonl:3: truncated last line" stderr
	run --separate-stderr "$BPFSPY" diff --lenient "$T/old.jsonl" "$T/trunc.jsonl"
	expect_eq "$status" 0 "lenient: the rest is the same"
	run "$BPFSPY" diff "$T/old.jsonl"
	expect_eq "$status" 2 "one trace"
	run "$BPFSPY" diff "$T/old.jsonl" "$T/none.jsonl"
	expect_eq "$status" 2 "missing trace"
	run "$BPFSPY" diff --bogus "$T/old.jsonl" "$T/old.jsonl"
	expect_eq "$status" 2 "unknown option"
	run --separate-stderr "$BPFSPY" diff "$T/old.jsonl" - <"$T/old.jsonl"
	expect_eq "$status" 2 "standard input"
	expect_match "$stderr" "cannot be read twice" stderr
}
