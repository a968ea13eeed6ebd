#!/usr/bin/env bats
# Real calls at the edges where decoding once lost or misnamed what the
# kernel saw (tests/progs/gaps.c): outputs written past the attr size,
# calls of size 0, arrays that run into unmapped memory, flags named for
# the commands that define them, and diff over --insns traces.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

GAPS=$BUILDDIR/tests/progs/gaps

setup() {
	common_setup
	require_bpf
	[ -x "$GAPS" ] || { echo "missing $GAPS" >&2; return 1; }
}

# gaps_run SCENARIO: run it under bpfspy into $TRACE, its stdout in $OUT.
gaps_run() {
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$GAPS" "$1"
	expect_eq "$status" 0 "gaps $1 exit"
	OUT=$output
}

@test "GET_NEXT_ID: next_id is shown at size 0 and 4 too, where the kernel writes it past size" {
	local size want
	gaps_run nextid
	for size in 0 4 8; do
		want=$(sed -n "s/^nextid $size ret=0 next_id=\([0-9]*\)$/\1/p" <<<"$OUT")
		[ -n "$want" ] || { echo "no call of size $size: $OUT" >&2; return 1; }
		expect_eq "$(tc get "$TRACE" out.next_id cmd=BPF_MAP_GET_NEXT_ID size=$size)" "$want" \
			"next_id at size $size"
	done
}

@test "a call of size 0 keeps the attr address" {
	gaps_run size0
	expect_eq "$(tc get "$TRACE" attr_addr cmd=BPF_MAP_GET_NEXT_ID size=0)" \
		"$(sed -n 's/^size0 attr=//p' <<<"$OUT")" "attr_addr"
	expect_eq "$(tc get "$TRACE" attr cmd=BPF_MAP_GET_NEXT_ID size=0)" "{}" "attr"
	# a call with a size has no attr_addr key
	gaps_run nextid
	expect_eq "$(tc get "$TRACE" attr_addr cmd=BPF_MAP_GET_NEXT_ID size=8)" "<absent>" "size 8"
}

@test "kprobe_multi arrays that run into an unmapped page: the readable entries, then where" {
	local page
	gaps_run kmulti
	page=$(sed -n 's/^kmulti page=\(0x[0-9a-f]*\) .*/\1/p' <<<"$OUT")
	[ -n "$page" ]
	local e=(cmd=BPF_LINK_CREATE)
	expect_eq "$(tc get "$TRACE" attr.kprobe_multi_data.syms "${e[@]}")" \
		'["bpfspy_gap_a","bpfspy_gap_b"]' "syms"
	for k in syms addrs cookies; do
		expect_eq "$(tc get "$TRACE" attr.kprobe_multi_data.${k}_fault.addr "${e[@]}")" "$page" \
			"$k fault address"
		expect_eq "$(tc get "$TRACE" attr.kprobe_multi_data.${k}_fault.index "${e[@]}")" 2 \
			"$k fault index"
	done
	expect_eq "$(tc get "$TRACE" errno "${e[@]}")" EBADF "the kernel's answer"
}

@test "tracing_multi ids that run into an unmapped page" {
	local page
	gaps_run tmulti
	page=$(sed -n 's/^tmulti page=\(0x[0-9a-f]*\) .*/\1/p' <<<"$OUT")
	expect_eq "$(tc get "$TRACE" attr.tracing_multi_data.ids cmd=BPF_LINK_CREATE)" "[11,12]" ids
	expect_eq "$(tc get "$TRACE" attr.tracing_multi_data.ids_fault.addr cmd=BPF_LINK_CREATE)" \
		"$page" "fault address"
}

@test "flags are named only for the commands that define them" {
	gaps_run flags
	# bit 14 is BPF_F_PATH_FD of OBJ_PIN/OBJ_GET, no map flag
	expect_eq "$(tc get "$TRACE" attr.map_flags cmd=BPF_MAP_CREATE)" "0x4000" map_flags
	# BPF_F_TOKEN_FD is BTF_GET_FD_BY_ID's, not MAP_GET_FD_BY_ID's
	expect_eq "$(tc get "$TRACE" attr.open_flags cmd=BPF_MAP_GET_FD_BY_ID)" "0x10000" \
		"map open_flags"
	expect_eq "$(tc get "$TRACE" attr.open_flags cmd=BPF_BTF_GET_FD_BY_ID)" "BPF_F_TOKEN_FD" \
		"btf open_flags"
}

@test "diff: a trace with --insns and one without are the same run" {
	local plain=$T/plain.jsonl insns=$T/insns.jsonl both=$T/insns2.jsonl
	"$BPFSPY" run -o "$plain" -- "$LOADER" >/dev/null 2>&1
	"$BPFSPY" run --insns -o "$insns" -- "$LOADER" >/dev/null 2>&1
	"$BPFSPY" run --insns -o "$both" -- "$LOADER" >/dev/null 2>&1
	[ "$(tc count "$insns" attr.insns_decoded)" -ge 1 ] || { echo "no insns_decoded" >&2; return 1; }
	expect_eq "$(tc count "$plain" attr.insns_decoded)" 0 "the plain trace decodes nothing"
	run "$BPFSPY" diff "$plain" "$insns"
	expect_eq "$status" 0 "plain vs --insns: $output"
	run "$BPFSPY" diff "$insns" "$both"
	expect_eq "$status" 0 "--insns vs --insns: $output"
}

@test "BTF-typed payloads: a map with types after one without, in one process" {
	# The collector remembers the last map without types; the next map's
	# payloads are typed nonetheless.
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$GAPS" untyped
	expect_eq "$status" 0
	expect_eq "$output" "btfmap ret=0"
	expect_eq "$(jq -r 'select(.cmd == "BPF_MAP_LOOKUP_ELEM") | .out.value_typed != null' "$TRACE" |
		tr '\n' ' ')" "false false false true " "typed: the second map's lookup only"
	expect_eq "$(tc get "$TRACE" out.value_typed.comm cmd=BPF_MAP_LOOKUP_ELEM | tail -1)" "bash"
}

@test "BTF-typed payloads: the key and value of a map created with BTF, next to their hex" {
	# the process was SIGKILLed: bpfspy run drains its spool, outside it
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$GAPS" btfmap kill
	expect_eq "$status" 137 "killed"
	local e
	for e in "cmd=BPF_MAP_UPDATE_ELEM attr.value_typed" "cmd=BPF_MAP_LOOKUP_ELEM out.value_typed"; do
		set -- $e
		expect_eq "$(tc get "$TRACE" "$2" "$1")" '{"count":18,"comm":"bash"}' "$1 $2"
		expect_eq "$(tc get "$TRACE" attr.key_typed "$1")" 7 "$1 key"
	done
	expect_eq "$(tc get "$TRACE" out.value_data cmd=BPF_MAP_LOOKUP_ELEM)" \
		1200000062617368000000000000000000000000 "the hex stays"
}

@test "BTF-typed payloads from the kernel's copy, for a map the trace did not see made" {
	local fifo=$T/hold id=
	mkfifo "$fifo"
	"$GAPS" btfmap hold <"$fifo" >"$T/hold.out" 2>&1 &
	exec 7>"$fifo"
	for _ in $(seq 50); do
		id=$(sed -n 's/^id=//p' "$T/hold.out")
		[ -n "$id" ] && break
		sleep 0.1
	done
	[ -n "$id" ] || { exec 7>&-; echo "no map id: $(cat "$T/hold.out")" >&2; return 1; }
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$GAPS" lookupid "$id"
	exec 7>&-
	wait
	expect_eq "$status" 137 "killed"
	expect_eq "$(tc get "$TRACE" out.value_typed cmd=BPF_MAP_LOOKUP_ELEM)" \
		'{"count":18,"comm":"bash"}' "typed by the kernel's BTF"
}

@test "--insns: each instruction has the verifier's text, helpers and maps named" {
	run --separate-stderr "$BPFSPY" run --insns -o "$TRACE" -- "$LOADER"
	expect_eq "$status" 0 "loader"
	local texts id
	texts=$(jq -r 'select(.cmd == "BPF_PROG_LOAD" and .attr.prog_name == "count_syscalls") |
		.attr.insns_decoded[].text' "$TRACE")
	id=$(jq -r 'select(.cmd == "BPF_MAP_CREATE" and .attr.map_name == "counts") |
		.fds[] | select(.kind == "map") | .id' "$TRACE")
	[ -n "$id" ] || { echo "no counts map" >&2; return 1; }
	grep -qx '(85) call bpf_map_lookup_elem#1' <<<"$texts"
	grep -qx "(18) r1 = map\[id:$id counts\]" <<<"$texts" ||
		{ echo "no map[id:$id counts] in: $texts" >&2; return 1; }
	expect_eq "$(tail -1 <<<"$texts")" "(95) exit" "last"
}
