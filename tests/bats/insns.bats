#!/usr/bin/env bats
# --insns against the real kernel: kfunc calls, which the shim can only
# number (call kernel-function#ID), are named by the collector from the
# kernel's BTF as the verifier's log names them (src/kfunc_names.c), under
# bpfspy run, under bare mode + bpfspy collect and from the kernel.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

KLOADER=$BUILDDIR/tests/progs/kfunc_loader
KOBJ=$BUILDDIR/tests/progs/kfunc_calls.bpf.o
VMLINUX=/sys/kernel/btf/vmlinux

setup() {
	common_setup
	local f
	for f in "$KLOADER" "$KOBJ"; do
		[ -e "$f" ] || { echo "missing build product: $f (make check builds it)" >&2; return 1; }
	done
	require_bpf
	require_btf
	require_cmd jq bpftool
}

teardown() {
	[ -z "${COLLECT:-}" ] || kill -9 "$COLLECT" 2>/dev/null || true
	collect_traces
}

# btf_id NAME: the id of FUNC NAME in the kernel's BTF, as bpftool lists it.
btf_id() {
	bpftool btf dump file "$VMLINUX" | sed -n "s/^\[\([0-9]*\)\] FUNC '$1' .*/\1/p" | head -1
}

# need_kfuncs NAME...: skip unless the kernel's BTF has each kfunc.
need_kfuncs() {
	local k
	for k in "$@"; do
		[ -n "$(btf_id "$k")" ] || skip "the kernel's BTF has no $k"
	done
}

# texts PROG [FILE]: the text of each instruction of PROG's loads.
texts() {
	jq -r --arg p "$1" 'select(.event == "bpf" and .cmd == "BPF_PROG_LOAD" and
		.attr.prog_name == $p) | .attr.insns_decoded[]?.text' "${2:-$TRACE}"
}

# expect_named PROG KFUNC...: PROG's loads call each KFUNC as the verifier
# prints it, "(85) call NAME#ID" with the id of its FUNC in vmlinux BTF.
expect_named() {
	local prog=$1 k t
	shift
	t=$(texts "$prog")
	[ -n "$t" ] || { echo "no load of $prog with insns_decoded in $TRACE" >&2; return 1; }
	for k in "$@"; do
		grep -qx "(85) call $k#$(btf_id "$k")" <<<"$t" ||
			{ printf 'no "(85) call %s#%s" in the texts of %s:\n%s\n' "$k" \
				"$(btf_id "$k")" "$prog" "$t" >&2; return 1; }
	done
	! grep 'kernel-function' <<<"$t" >&2
}

@test "--insns: kfunc calls named from the kernel's BTF, with their BTF ids" {
	need_kfuncs bpf_rcu_read_lock bpf_rcu_read_unlock
	run --separate-stderr "$BPFSPY" run --insns -o "$TRACE" -- "$KLOADER" "$KOBJ"
	expect_eq "$status" 0 "kfunc_loader: $stderr"
	expect_valid "$TRACE"
	# named whether or not the kernel took the program: the names come
	# from its BTF, not from the verifier
	expect_named kf_rcu bpf_rcu_read_lock bpf_rcu_read_unlock
	# a packed trace's reader names them the same way
	run --separate-stderr "$BPFSPY" run --insns --format packed -o "$T/p.trace" -- "$KLOADER" "$KOBJ"
	expect_eq "$status" 0 "kfunc_loader, packed: $stderr"
	"$BPFSPY" export --format=jsonl "$T/p.trace" >"$T/p.jsonl"
	expect_eq "$(jq -r 'select(.attr.prog_name == "kf_rcu") | .attr.insns_decoded[].text' \
		"$T/p.jsonl" | grep -c 'call bpf_rcu_read_\(un\)\?lock#')" \
		"$(jq -r 'select(.attr.prog_name == "kf_rcu") | .attr.insns_decoded[].text' "$TRACE" |
			grep -c 'call bpf_rcu_read_\(un\)\?lock#')" "kfuncs named in the packed trace"
	# the rest of the instruction as the shim decoded it
	expect_eq "$(jq -c 'select(.attr.prog_name == "kf_rcu") | .attr.insns_decoded[0] |
		[.op, .src_reg, .off, .imm]' "$TRACE" | head -1)" \
		"[\"CALL\",2,0,$(btf_id bpf_rcu_read_lock)]" "the call's fields"
}

@test "--insns: a kfunc call's text is the line the verifier's log prints" {
	local prog loaded=0 want got
	run --separate-stderr "$BPFSPY" run --insns -o "$TRACE" -- "$KLOADER" "$KOBJ"
	expect_eq "$status" 0 "kfunc_loader: $stderr"
	for prog in kf_rcu kf_preempt; do
		grep -qx "load $prog ret=0" <<<"$output" || continue
		loaded=$((loaded + 1))
		# the log at level 2: "0: (85) call bpf_rcu_read_lock#65481   ; state"
		want=$(sed -nE "s/^log $prog: [0-9]+: (\([0-9a-f]{2}\) call [^ ]*).*/\1/p" <<<"$output" |
			sort -u)
		got=$(texts "$prog" | grep '^(85) call' | sort -u)
		[ -n "$want" ] || { echo "no call in the verifier's log of $prog: $output" >&2; return 1; }
		expect_eq "$got" "$want" "$prog: the trace's calls vs the verifier's log"
	done
	[ "$loaded" -gt 0 ] || skip "the kernel refused both kfunc programs: $(grep '^load' <<<"$output")"
}

@test "--insns: bare mode + bpfspy collect names kfunc calls too" {
	need_kfuncs bpf_preempt_disable bpf_preempt_enable
	local sp=$T/spools i
	"$BPFSPY" collect --spool-dir "$sp" -o "$TRACE" 2>"$T/collect.err" &
	COLLECT=$!
	for i in $(seq 100); do [ -d "$sp" ] && break; sleep 0.1; done
	env LD_PRELOAD="$SHIM" BPFSPY_SPOOL_DIR="$sp" BPFSPY_INSNS=1 \
		"$KLOADER" "$KOBJ" >"$T/out" 2>"$T/err" ||
		{ echo "kfunc_loader: $(cat "$T/err")" >&2; return 1; }
	for i in $(seq 100); do [ -z "$(ls -A "$sp")" ] && break; sleep 0.1; done
	kill -TERM "$COLLECT"
	wait "$COLLECT"
	COLLECT=
	expect_valid "$TRACE"
	expect_named kf_preempt bpf_preempt_disable bpf_preempt_enable
	expect_eq "$(cat "$T/collect.err")" "" "collect's stderr"
}

@test "--insns: run --kernel (bpfspy attach's tracer) names kfunc calls too" {
	need_kfuncs bpf_rcu_read_lock bpf_rcu_read_unlock
	require_root
	run --separate-stderr timeout 60 "$BPFSPY" run --kernel --insns -o "$TRACE" -- "$KLOADER" "$KOBJ"
	[ "$status" -ne 2 ] || skip "cannot trace from the kernel here: $stderr"
	expect_eq "$status" 0 "kfunc_loader: $stderr"
	expect_valid "$TRACE"
	expect_named kf_rcu bpf_rcu_read_lock bpf_rcu_read_unlock
}
