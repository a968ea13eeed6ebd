#!/usr/bin/env bats
# Every bpf(2) command of this kernel with known arguments (exerciser
# allcmds, sizes, eperm), success and failure paths, and the trace checked
# value by value against what the exerciser set and printed and against
# the kernel's rules (/work/shared/reference/bpf-abi.md).
#
# The exerciser prints one line per call, "NAME size=S ret=R errno=E
# tag=T KEY=VALUE... [log=TEXT]", so the Nth call line is the event with
# seq N.  The scenarios run once per file (setup_file); each test reads
# their outputs.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup_file() {
	local f d=$BATS_FILE_TMPDIR
	for f in "$BPFSPY" "$SHIM" "$EXERCISER" "$TRACECHECK"; do
		if [ ! -e "$f" ]; then
			echo "missing build product: $f (BUILDDIR=$BUILDDIR)" >&2
			return 1
		fi
	done
	export TMPDIR=$d
	if ! "$EXERCISER" lookup 1 >/dev/null 2>&1; then
		skip "bpf() is refused here (exerciser lookup 1 fails)"
	fi
	"$BPFSPY" run -o "$d/sizes.jsonl" -- "$EXERCISER" sizes \
		>"$d/sizes.out" 2>"$d/sizes.err"
	echo $? >"$d/sizes.status"
	# allcmds pins and creates a token: a fresh bpffs in a private mount
	# namespace.  Once without bpfspy, once with.
	if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null 2>&1 &&
		unshare -m sh -c 'mount -t bpf none /sys/fs/bpf' >/dev/null 2>&1; then
		in_bpffs "$EXERCISER" allcmds /sys/fs/bpf \
			>"$d/native.out" 2>"$d/native.err"
		echo $? >"$d/native.status"
		in_bpffs "$BPFSPY" run -o "$d/allcmds.jsonl" -- "$EXERCISER" allcmds /sys/fs/bpf \
			>"$d/allcmds.out" 2>"$d/allcmds.err"
		echo $? >"$d/allcmds.status"
	else
		echo nobpffs >"$d/allcmds.status"
	fi
}

setup() {
	common_setup
	D=$BATS_FILE_TMPDIR
}

# ---- reading the scenario outputs ------------------------------------------

# use_run NAME: OUT and TR are that run's exerciser output and trace; SEQ
# and LINE map each call's tag to its seq and its line.  Skips with the
# reason when the scenario could not run here.
use_run() {
	local st
	st=$(cat "$D/$1.status")
	case $st in
	0) ;;
	nobpffs) skip "needs root and a bpffs mount in a private mount namespace (unshare -m)" ;;
	77) skip "exerciser $1: $(grep -m1 '^# skip' "$D/$1.out")" ;;
	*)
		echo "exerciser $1 under bpfspy exited $st:" >&2
		cat "$D/$1.err" >&2
		return 1
		;;
	esac
	OUT=$D/$1.out
	TR=$D/$1.jsonl
	index_calls
}

# check_calls: $TR has one valid event per call line of $OUT, in order,
# with the NAME, size, ret and errno printed; the tags are unique.
check_calls() {
	local n
	n=$(grep -vc '^#' "$OUT")
	expect_valid "$TR"
	expect_eq "$(tc validate "$TR")" "lines=$((n + 1)) headers=1 events=$n"
	run tc seq "$TR"
	expect_eq "$status" 0 "tracecheck seq"
	expect_eq "${#SEQ[@]}" "$n" "distinct tags"
	grep -v '^#' "$OUT" | awk '{
		for (i = 2; i <= 4; i++) sub(/^[a-z]+=/, "", $i)
		print $1, $2, $3, $4 }' >"$T/printed"
	paste -d' ' <(tc get "$TR" cmd) <(tc get "$TR" size) <(tc get "$TR" ret) \
		<(tc get "$TR" errno | sed 's/^null$/0/') >"$T/traced"
	diff "$T/printed" "$T/traced" >&2
}

# le32 N: N as the little-endian hex of a __u32; le64 N likewise.
le32() { printf '%08x' "$1" | sed -E 's/(..)(..)(..)(..)/\4\3\2\1/'; }
le64() {
	local h
	h=$(printf '%016x' "$1")
	echo "$(le32 $((16#${h:8:8})))$(le32 $((16#${h:0:8})))"
}

# The 39 commands (bpf-abi.md §2).
ALL_CMDS="BPF_MAP_CREATE BPF_MAP_LOOKUP_ELEM BPF_MAP_UPDATE_ELEM BPF_MAP_DELETE_ELEM
BPF_MAP_GET_NEXT_KEY BPF_PROG_LOAD BPF_OBJ_PIN BPF_OBJ_GET BPF_PROG_ATTACH
BPF_PROG_DETACH BPF_PROG_TEST_RUN BPF_PROG_GET_NEXT_ID BPF_MAP_GET_NEXT_ID
BPF_PROG_GET_FD_BY_ID BPF_MAP_GET_FD_BY_ID BPF_OBJ_GET_INFO_BY_FD BPF_PROG_QUERY
BPF_RAW_TRACEPOINT_OPEN BPF_BTF_LOAD BPF_BTF_GET_FD_BY_ID BPF_TASK_FD_QUERY
BPF_MAP_LOOKUP_AND_DELETE_ELEM BPF_MAP_FREEZE BPF_BTF_GET_NEXT_ID
BPF_MAP_LOOKUP_BATCH BPF_MAP_LOOKUP_AND_DELETE_BATCH BPF_MAP_UPDATE_BATCH
BPF_MAP_DELETE_BATCH BPF_LINK_CREATE BPF_LINK_UPDATE BPF_LINK_GET_FD_BY_ID
BPF_LINK_GET_NEXT_ID BPF_ENABLE_STATS BPF_ITER_CREATE BPF_LINK_DETACH
BPF_PROG_BIND_MAP BPF_TOKEN_CREATE BPF_PROG_STREAM_READ_BY_FD
BPF_PROG_ASSOC_STRUCT_OPS"

# ---- allcmds: every command ---------------------------------------------------

@test "allcmds: one event per call, in order, with the name, size, ret and errno the program saw" {
	use_run allcmds
	(($(grep -vc '^#' "$OUT") > 100)) || { echo "only $(grep -vc '^#' "$OUT") calls" >&2; false; }
	check_calls

	# Without bpfspy the program saw the same results.
	expect_eq "$(cat "$D/native.status")" 0 "native run's exit status"
	diff <(grep -v '^#' "$D/native.out" | cut -d' ' -f1-5) \
		<(grep -v '^#' "$OUT" | cut -d' ' -f1-5) >&2
}

@test "allcmds: each of the 39 commands is issued and named; an unknown one is BPF_CMD_39" {
	use_run allcmds
	local c missing=
	for c in $ALL_CMDS; do
		[ "$(tc count "$TR" cmd="$c")" -gt 0 ] || missing="$missing $c"
		# ...and at least one success or one failure was printed for it.
		grep -q "^$c " "$OUT" || missing="$missing $c(printed)"
	done
	expect_eq "$missing" "" "commands missing from the trace"
	expect_eq "$(echo $ALL_CMDS | wc -w)" 39 "commands in the list"
	# Nothing else but BPF_CMD_39.
	expect_eq "$(tc get "$TR" cmd | sort -u | grep -vxF -f <(echo "$ALL_CMDS" | tr ' ' '\n'))" \
		BPF_CMD_39 "other command names"
	is cmd_39 cmd_num 39
	is cmd_39 attr "{}"
	is cmd_39 attr_raw "$(printf '0%.0s' {1..64})"
	is cmd_39 errno EINVAL
}

# What 6.18 answers to each call (bpf-abi.md §2.2 where it says, else what
# the kernel does: "observed").  The exerciser's printout and the trace
# must both say it.
EXPECTED_ERRNOS="
map_hash 0
map_array 0
map_flags 0
map_bad_type EINVAL
map_bad_name EINVAL
update 0
update_exists EEXIST
update2 0
update_lock EINVAL
lookup 0
lookup_missing ENOENT
lookup_cpu EINVAL
next_key_first 0
next_key_second 0
next_key_end ENOENT
delete 0
delete_missing ENOENT
delete_value_ptr EINVAL
lookup_and_delete 0
lookup_and_delete_missing ENOENT
update_batch 0
lookup_batch ENOENT
delete_batch 0
lookup_and_delete_batch ENOENT
delete_batch_array ENOTSUPP
freeze 0
freeze_again EPERM
update_frozen EPERM
load_sock 0
load_bad EACCES
load_empty E2BIG
load_flags 0
load_skb_a 0
load_skb_b 0
load_rawtp 0
load_iter 0
btf_load 0
btf_load_bad_magic EINVAL
info_hash 0
info_array 0
info_sock 0
info_skb_a 0
info_skb_b 0
info_rawtp 0
info_btf 0
info_e2big E2BIG
info_bad_fd EBADFD
info_sock_8 0
prog_next_id_0 0
prog_next_id 0
prog_next_id_end ENOENT
prog_next_id_intmax EINVAL
map_next_id 0
map_next_id_end ENOENT
btf_next_id 0
btf_next_id_end ENOENT
prog_by_id 0
prog_by_id_missing ENOENT
prog_by_id_flags EINVAL
map_by_id_rdonly 0
map_by_id_rdwr EINVAL
update_rdonly EPERM
btf_by_id 0
btf_by_id_missing ENOENT
btf_by_id_1 0
info_btf_vmlinux 0
info_btf_name 0
pin 0
pin_exists EEXIST
obj_get 0
obj_get_missing ENOENT
obj_get_bad_flags EINVAL
obj_get_path_fd 0
test_run 0
test_run_enospc ENOSPC
test_run_ctx_out 0
test_run_ctx EINVAL
attach_a 0
attach_b 0
attach_bad_type EINVAL
query 0
query_enospc ENOSPC
query_bad_flags EINVAL
detach_b 0
detach_b_again ENOENT
detach_a 0
link_cgroup 0
link_bad_prog EINVAL
raw_tp_open 0
raw_tp_open_missing ENOENT
info_link 0
info_rawtp_link 0
info_rawtp_link_name 0
link_next_id 0
link_next_id_end ENOENT
link_by_id 0
link_by_id_missing ENOENT
link_update 0
link_update_stale EPERM
query_link 0
task_fd_query 0
task_fd_query_enospc ENOSPC
task_fd_query_map ENOTSUPP
link_iter 0
iter_create 0
iter_create_not_iter EINVAL
iter_create_flags EINVAL
link_detach 0
link_detach_again 0
link_detach_rawtp EOPNOTSUPP
link_kprobe_multi EINVAL
link_uprobe_multi EINVAL
link_tcx EINVAL
link_netkit EINVAL
link_netfilter EINVAL
link_perf_event EINVAL
link_fentry EINVAL
link_xdp EINVAL
link_struct_ops EINVAL
enable_stats 0
enable_stats_bad_type EINVAL
bind_map 0
bind_map_again 0
bind_map_flags EINVAL
info_sock_map_ids 0
bind_map_hash 0
info_sock_map_ids_short 0
token_create EOPNOTSUPP
token_create_not_bpffs EINVAL
stream_read 0
stream_read_bad_id ENOENT
assoc_struct_ops EINVAL
common_attrs EINVAL
cmd_39 EINVAL
"

@test "allcmds: each call's errno is the kernel's answer, in the printout and in the trace" {
	use_run allcmds
	local tag want got traced ret bad= iter
	local -a errnos rets
	iter=$(sed -n 's/^# .* iter_btf_id=\([0-9]*\).*/\1/p' "$OUT")
	mapfile -t errnos < <(tc get "$TR" errno | sed 's/^null$/0/')
	mapfile -t rets < <(tc get "$TR" ret)
	while read -r tag want; do
		[ -n "$tag" ] || continue
		case $tag in load_iter | link_iter | iter_create)
			[ "$iter" != 0 ] || continue ;;
		esac
		[ -n "${SEQ[$tag]:-}" ] || { bad="$bad $tag(missing)"; continue; }
		got=$(kv "$tag" errno)
		traced=${errnos[SEQ[$tag] - 1]}
		ret=${rets[SEQ[$tag] - 1]}
		[ "$got" = "$want" ] || bad="$bad $tag:printed=$got,want=$want"
		[ "$traced" = "$want" ] || bad="$bad $tag:traced=$traced,want=$want"
		# Successes return >= 0, failures -1.
		if [ "$want" = 0 ]; then
			((ret >= 0)) || bad="$bad $tag:ret=$ret"
		else
			[ "$ret" = -1 ] || bad="$bad $tag:ret=$ret"
		fi
	done <<<"$EXPECTED_ERRNOS"
	expect_eq "$bad" "" "calls whose errno differs"
	# The table covers every call the exerciser made.
	expect_eq "$(grep -v '^#' "$OUT" | sed -E 's/.* tag=([^ ]*).*/\1/' |
		grep -vxF -f <(awk 'NF { print $1 }' <<<"$EXPECTED_ERRNOS"))" "" "calls the table lacks"
}

@test "allcmds: map commands, attr fields and fds notes value by value" {
	use_run allcmds
	local t fd id
	for t in map_hash map_array map_flags map_bad_type map_bad_name; do
		is $t attr.key_size "$(kv $t key_size)"
		is $t attr.value_size "$(kv $t value_size)"
		is $t attr.max_entries "$(kv $t max_entries)"
		is $t attr.map_name "$(kv $t map_name)"
		is $t size 92
		absent $t attr_tail
	done
	is map_hash attr.map_type BPF_MAP_TYPE_HASH
	is map_hash attr.map_flags BPF_F_NO_PREALLOC
	is map_array attr.map_type BPF_MAP_TYPE_ARRAY
	is map_array attr.map_flags 0
	is map_flags attr.map_flags "BPF_F_RDONLY_PROG|BPF_F_MMAPABLE"
	is map_bad_type attr.map_type 9999
	is map_bad_name attr.map_name "ac-bad"
	# Failed creations name no object.
	absent map_bad_type fds

	# The fd MAP_CREATE returned: a map, with the id the kernel gave it.
	fd=$(kv map_hash ret)
	id=$(kv info_hash id)
	is map_hash "fds.$fd.kind" map
	is map_hash "fds.$fd.id" "$id"
	is map_hash "fds.$fd.type" BPF_MAP_TYPE_HASH
	is map_hash "fds.$fd.name" ac_hash
	fd=$(kv map_array ret)
	is map_array "fds.$fd.id" "$(kv info_array id)"
	is map_array "fds.$fd.name" ac_array
}

@test "allcmds: element commands: flags, keys and values in and out" {
	use_run allcmds
	local hash array
	hash=$(kv map_hash ret)
	array=$(kv map_array ret)
	is update attr.map_fd "$hash"
	is update attr.flags BPF_ANY
	is update attr.key_data "$(le32 "$(kv update key)")"
	is update attr.value_data "$(le64 "$(kv update value)")"
	is update_exists attr.flags BPF_NOEXIST
	is update2 attr.key_data "$(le32 2)"
	is update2 attr.value_data "$(le64 $((0x2222)))"
	is update_lock attr.flags "BPF_EXIST|BPF_F_LOCK"

	is lookup attr.key_data "$(le32 "$(kv lookup key)")"
	is lookup out.value_data "$(le64 "$(kv lookup value)")"
	absent lookup attr.value_data
	is lookup_missing attr.key_data "$(le32 7)"
	absent lookup_missing out
	# BPF_F_CPU: the CPU number in bits 32..63 is its own key.
	is lookup_cpu attr.flags "BPF_ANY|BPF_F_CPU"
	is lookup_cpu attr.cpu 3

	is next_key_first attr.key null
	is next_key_first out.next_key_data "$(le32 "$(kv next_key_first next_key)")"
	is next_key_second attr.key_data "$(le32 "$(kv next_key_first next_key)")"
	is next_key_second out.next_key_data "$(le32 "$(kv next_key_second next_key)")"
	absent next_key_end out

	# DELETE ends at key (16): size 16 carries no flags.
	is delete size 16
	absent delete attr.flags
	is delete attr.map_fd "$hash"
	# A value pointer in a DELETE: nonzero bytes from 16 on, EINVAL.
	is delete_value_ptr attr_tail.last_field_end 16
	expect_match "$(ev delete_value_ptr attr_tail.nonzero)" '^\[ *16,' "delete_value_ptr: nonzero"

	is lookup_and_delete attr.key_data "$(le32 1)"
	is lookup_and_delete out.value_data "$(le64 "$(kv lookup_and_delete value)")"

	is freeze attr.map_fd "$array"
	is freeze size 4
	is update_frozen attr.map_fd "$array"
	is update_frozen "fds.$array.name" ac_array
}

@test "allcmds: batch commands: counts in and out, elements" {
	use_run allcmds
	local t
	for t in update_batch lookup_batch delete_batch lookup_and_delete_batch delete_batch_array; do
		is $t attr.map_fd "$(kv $t map_fd)"
		is $t attr.count "$(kv $t count_in)"
		is $t out.count "$(kv $t count)"
		is $t attr.elem_flags BPF_ANY
		is $t size 56
	done
	is update_batch out.count 4
	is update_batch attr.keys_data '["01000000","02000000","03000000","04000000"]'
	is update_batch attr.values_data \
		'["0a00000000000000","1400000000000000","1e00000000000000","2800000000000000"]'
	is lookup_batch attr.in_batch null
	is lookup_batch out.count 4
	# Hash order: the same four pairs in some order.
	expect_eq "$(ev lookup_batch out.keys_data | tr -d '[]"' | tr , '\n' | sort | tr '\n' ' ')" \
		"01000000 02000000 03000000 04000000 " "lookup_batch keys"
	is delete_batch out.count 2
	is delete_batch attr.keys_data '["01000000","02000000"]'
	is lookup_and_delete_batch out.count 2
	expect_eq "$(ev lookup_and_delete_batch out.keys_data | tr -d '[]"' | tr , '\n' | sort | tr '\n' ' ')" \
		"03000000 04000000 " "lookup_and_delete_batch keys"
}

@test "allcmds: PROG_LOAD: type, license, name, flags, digest, log and log_true_size" {
	use_run allcmds
	local t log
	for t in load_sock load_bad load_flags load_skb_a load_skb_b load_rawtp; do
		is $t attr.insn_cnt "$(kv $t insn_cnt)"
		is $t attr.prog_name "$(kv $t prog_name)"
		is $t attr.license GPL
		is $t attr.log_size 4096
		is $t size 168
		is $t out.log_true_size "$(kv $t log_true_size)"
		log=$(logof $t)
		expect_eq "$(ev $t out.log)" "$log" "$t: out.log"
		# The whole log fit: log_true_size counts it and its NUL.
		expect_eq "$(ev $t out.log | wc -c)" "$(kv $t log_true_size)" "$t: log length + 1"
	done
	is load_sock attr.prog_type BPF_PROG_TYPE_SOCKET_FILTER
	is load_sock attr.log_level BPF_LOG_LEVEL1
	is load_skb_a attr.prog_type BPF_PROG_TYPE_CGROUP_SKB
	is load_rawtp attr.prog_type BPF_PROG_TYPE_RAW_TRACEPOINT
	is load_flags attr.prog_flags BPF_F_STRICT_ALIGNMENT
	is load_flags attr.kern_version 6.18.44
	is load_flags attr.log_level "BPF_LOG_LEVEL1|BPF_LOG_STATS"
	expect_match "$(ev load_sock out.log)" '^processed 2 insns' "load_sock log"
	expect_match "$(ev load_bad out.log)" 'R0 !read_ok' "load_bad log"
	absent load_bad out.log_enospc
	# insn_cnt 0 is E2BIG before the verifier: an empty log.
	is load_empty attr.insn_cnt 0
	is load_empty out.log ""

	# insns_digest is XXH3-64 of the instructions: r0 = 42; exit.
	if command -v xxhsum >/dev/null 2>&1; then
		local h
		h=$(printf '\xb7\x00\x00\x00\x2a\x00\x00\x00\x95\x00\x00\x00\x00\x00\x00\x00' |
			xxhsum -H3 | sed 's/.*= //; s/ .*//')
		is load_sock attr.insns_digest "xxh3:$h"
	fi
	# Same instructions, same digest; different, different.
	expect_eq "$(ev load_skb_a attr.insns_digest)" "$(ev load_skb_b attr.insns_digest)" "skb digests"
	[ "$(ev load_sock attr.insns_digest)" != "$(ev load_skb_a attr.insns_digest)" ]

	# The program fds, named.
	for t in load_sock load_skb_a load_skb_b load_rawtp; do
		local fd
		fd=$(kv $t ret)
		is $t "fds.$fd.kind" prog
		is $t "fds.$fd.name" "$(kv $t prog_name)"
		is $t "fds.$fd.id" "$(kv info_${t#load_} id)"
	done
	is load_sock "fds.$(kv load_sock ret).type" BPF_PROG_TYPE_SOCKET_FILTER
}

@test "allcmds: an iterator: TRACING prog, LINK_CREATE BPF_TRACE_ITER, ITER_CREATE" {
	use_run allcmds
	local iter
	iter=$(sed -n 's/^# .* iter_btf_id=\([0-9]*\).*/\1/p' "$OUT")
	[ "$iter" != 0 ] || skip "no FUNC bpf_iter_bpf_map in /sys/kernel/btf/vmlinux"
	is load_iter attr.prog_type BPF_PROG_TYPE_TRACING
	is load_iter attr.expected_attach_type BPF_TRACE_ITER
	is load_iter attr.attach_btf_id "$iter"
	is link_iter attr.prog_fd "$(kv load_iter ret)"
	is link_iter attr.attach_type BPF_TRACE_ITER
	is link_iter attr.iter_info null
	is link_iter attr.iter_info_len 0
	absent link_iter attr.cgroup
	is link_iter "fds.$(kv link_iter ret).kind" link
	is link_iter "fds.$(kv link_iter ret).type" BPF_LINK_TYPE_ITER
	is iter_create attr.link_fd "$(kv link_iter ret)"
	is iter_create attr.flags 0
	expect_eq "$(kv iter_create read)" 0 "bytes the iterator produced"
	# A cgroup link is no iterator; nonzero flags are EINVAL.
	is iter_create_not_iter "fds.$(kv link_cgroup ret).type" BPF_LINK_TYPE_CGROUP
	is iter_create_flags attr.flags 0x1
}

@test "allcmds: BTF_LOAD: sizes, log, btf_log_true_size; bad magic" {
	use_run allcmds
	local t
	for t in btf_load btf_load_bad_magic; do
		is $t attr.btf_size "$(kv $t btf_size)"
		is $t attr.btf_log_size "$(kv $t btf_log_size)"
		is $t attr.btf_log_level BPF_LOG_LEVEL1
		is $t out.btf_log_true_size "$(kv $t btf_log_true_size)"
		expect_eq "$(ev $t out.log)" "$(logof $t)" "$t: out.log"
		expect_eq "$(ev $t out.log | wc -c)" "$(kv $t btf_log_true_size)" "$t: log length + 1"
	done
	expect_match "$(ev btf_load out.log)" 'magic: 0xeb9f' "btf_load log"
	expect_match "$(ev btf_load_bad_magic out.log)" 'Invalid magic$' "bad magic log"
	expect_match "$(ev btf_load_bad_magic attr.btf_digest)" '^xxh3:[0-9a-f]{16}$' "btf_digest"
	[ "$(ev btf_load attr.btf_digest)" != "$(ev btf_load_bad_magic attr.btf_digest)" ]
	is btf_load "fds.$(kv btf_load ret).kind" btf
	is btf_load "fds.$(kv btf_load ret).id" "$(kv info_btf id)"
}

@test "allcmds: OBJ_GET_INFO_BY_FD: info_len in and out, the decoded structures" {
	use_run allcmds
	local t
	for t in info_hash info_array info_sock info_skb_a info_skb_b info_rawtp info_btf \
		info_link info_rawtp_link; do
		is $t attr.bpf_fd "$(kv $t bpf_fd)"
		is $t attr.info_len "$(kv $t info_len_in)"
		is $t out.info_len "$(kv $t info_len)"
		is $t out.info.id "$(kv $t id)"
	done
	is info_hash out.info.kind map
	is info_hash out.info.type BPF_MAP_TYPE_HASH
	is info_hash out.info.key_size 4
	is info_hash out.info.value_size 8
	is info_hash out.info.max_entries 16
	is info_hash out.info.map_flags BPF_F_NO_PREALLOC
	is info_hash out.info.name ac_hash
	is info_sock out.info.kind prog
	is info_sock out.info.type BPF_PROG_TYPE_SOCKET_FILTER
	is info_sock out.info.name ac_sock
	is info_sock out.info.xlated_prog_len 16
	is info_sock out.info.verified_insns 2
	is info_sock out.info.gpl_compatible true
	is info_sock out.info.created_by_uid "$(id -u)"
	is info_btf out.info.kind btf
	is info_btf out.info.btf_size 45
	is info_btf out.info.kernel_btf false

	# Links: the program they hold, the cgroup they are on.
	is info_link out.info.kind link
	is info_link out.info.type BPF_LINK_TYPE_CGROUP
	is info_link out.info.prog_id "$(kv info_skb_a id)"
	is info_link out.info.cgroup.attach_type BPF_CGROUP_INET_INGRESS
	is info_link out.info.cgroup.cgroup_id "$(sed -n 's/^# .* cgroup_ino=\([0-9]*\).*/\1/p' "$OUT")"
	is info_rawtp_link out.info.type BPF_LINK_TYPE_RAW_TRACEPOINT
	is info_rawtp_link out.info.prog_id "$(kv info_rawtp id)"
	is info_rawtp_link out.info.raw_tracepoint.tp_name_len 10
	is info_rawtp_link out.info.raw_tracepoint.cookie 0x1122334455667788

	# Arrays and names the structure points to are read.
	is info_rawtp_link_name out.info_len "$(kv info_rawtp_link_name info_len)"
	is info_rawtp_link_name out.info.raw_tracepoint.tp_name "$(kv info_rawtp_link_name tp_name)"
	is info_rawtp_link_name out.info.raw_tracepoint.tp_name sys_enter
	is info_sock_map_ids out.info.nr_map_ids "$(kv info_sock_map_ids nr_map_ids)"
	is info_sock_map_ids out.info.map_ids "[$(kv info_array id)]"
	is info_btf_vmlinux out.info.id 1
	is info_btf_vmlinux out.info.name vmlinux
	is info_btf_vmlinux out.info.name_len 7
	is info_btf_vmlinux out.info.kernel_btf true
	is info_btf_vmlinux out.info.btf_size "$(kv info_btf_vmlinux btf_size)"
	is info_btf_vmlinux out.info.btf_size "$(stat -c %s /sys/kernel/btf/vmlinux)"
	is info_btf_name out.info.name ""

	# A nonzero byte past the kernel's struct: E2BIG, info_len untouched.
	is info_e2big out.info_len 1024
	absent info_e2big out.info
	is info_bad_fd attr.bpf_fd 9999
	absent info_bad_fd fds
	# Room for 8 bytes: type and id, nothing more.
	is info_sock_8 attr.info_len 8
	is info_sock_8 out.info_len 8
	is info_sock_8 out.info.id "$(kv info_sock_8 id)"
	is info_sock_8 out.info.type BPF_PROG_TYPE_SOCKET_FILTER
	absent info_sock_8 out.info.tag
	absent info_sock_8 out.info.unknown_bytes
}

@test "allcmds: OBJ_GET_INFO_BY_FD: map_ids shows only the ids the kernel wrote (capacity 1, 2 maps)" {
	use_run allcmds
	local ids
	# The program has two maps (array, then hash, bound with
	# PROG_BIND_MAP); the caller has room for one.  The kernel copies one
	# id, says nr_map_ids 2 and returns 0.
	is bind_map_hash attr.map_fd "$(kv map_hash ret)"
	is info_sock_map_ids_short out.info.nr_map_ids 2
	expect_eq "$(kv info_sock_map_ids_short nr_map_ids_in)" 1 "capacity"
	ids=$(kv info_sock_map_ids_short map_ids)
	expect_eq "${ids%%,*}" "$(kv info_array id)" "the id the kernel wrote"
	# What is past it is the caller's 0xaaaaaaaa, not a map id.
	expect_eq "${ids#*,}" 2863311530 "the caller's filler"
	is info_sock_map_ids_short out.info.map_ids "[$(kv info_array id)]"
}

@test "allcmds: GET_NEXT_ID and GET_FD_BY_ID: ids in, next_id out, fds named" {
	use_run allcmds
	local t
	for t in prog_next_id_0 prog_next_id prog_next_id_end prog_next_id_intmax map_next_id \
		map_next_id_end btf_next_id btf_next_id_end link_next_id link_next_id_end; do
		is $t attr.start_id "$(kv $t start_id)"
		is $t out.next_id "$(kv $t next_id)"
		is $t size 12
		absent $t attr_tail
	done
	# The next id after id-1 is the object's own id.
	is prog_next_id out.next_id "$(kv info_sock id)"
	is map_next_id out.next_id "$(kv info_hash id)"
	is btf_next_id out.next_id "$(kv info_btf id)"
	is link_next_id out.next_id "$(kv info_link id)"
	(($(ev prog_next_id_0 out.next_id) > 0))
	# At the end the kernel writes nothing: the caller's 0xdeadbeef.
	is prog_next_id_end out.next_id 3735928559
	is prog_next_id_intmax attr.start_id 2147483647

	is prog_by_id attr.prog_id "$(kv info_sock id)"
	is prog_by_id "fds.$(kv prog_by_id ret).kind" prog
	is prog_by_id "fds.$(kv prog_by_id ret).id" "$(kv info_sock id)"
	is prog_by_id "fds.$(kv prog_by_id ret).type" BPF_PROG_TYPE_SOCKET_FILTER
	# open_flags lies past PROG_GET_FD_BY_ID's last field (prog_id).
	is prog_by_id_flags attr.open_flags BPF_F_RDONLY
	is prog_by_id_flags attr_tail.last_field_end 4
	is prog_by_id_flags attr_tail.nonzero "[8]"
	is map_by_id_rdonly attr.open_flags BPF_F_RDONLY
	absent map_by_id_rdonly attr_tail
	is map_by_id_rdonly "fds.$(kv map_by_id_rdonly ret).id" "$(kv info_hash id)"
	is map_by_id_rdonly "fds.$(kv map_by_id_rdonly ret).type" BPF_MAP_TYPE_HASH
	is map_by_id_rdwr attr.open_flags "BPF_F_RDONLY|BPF_F_WRONLY"
	is btf_by_id attr.btf_id "$(kv info_btf id)"
	is btf_by_id size 16
	is btf_by_id attr.fd_by_id_token_fd 0
	is btf_by_id "fds.$(kv btf_by_id ret).kind" btf
	is btf_by_id_1 "fds.$(kv btf_by_id_1 ret).id" 1
	is link_by_id attr.link_id "$(kv info_link id)"
	is link_by_id "fds.$(kv link_by_id ret).kind" link
	is link_by_id "fds.$(kv link_by_id ret).type" BPF_LINK_TYPE_CGROUP
	is link_by_id_missing attr.link_id 2147483646
	absent link_by_id_missing fds
}

@test "allcmds: OBJ_PIN and OBJ_GET: pathname, fd, file_flags" {
	use_run allcmds
	is pin attr.pathname "$(kv pin pathname)"
	is pin attr.pathname /sys/fs/bpf/ac_map
	is pin attr.bpf_fd "$(kv pin bpf_fd)"
	is pin attr.file_flags 0
	is pin attr.path_fd 0
	is pin "fds.$(kv pin bpf_fd).name" ac_hash
	is pin_exists attr.pathname /sys/fs/bpf/ac_map
	is obj_get attr.pathname /sys/fs/bpf/ac_map
	is obj_get attr.bpf_fd 0
	is obj_get attr.file_flags BPF_F_RDONLY
	is obj_get "fds.$(kv obj_get ret).kind" map
	is obj_get "fds.$(kv obj_get ret).id" "$(kv info_hash id)"
	is obj_get_missing attr.pathname /sys/fs/bpf/ac_missing
	is obj_get_bad_flags attr.file_flags 0x1
	is obj_get_path_fd attr.pathname ac_map
	is obj_get_path_fd attr.file_flags BPF_F_PATH_FD
	is obj_get_path_fd attr.path_fd "$(kv obj_get_path_fd path_fd)"
	# The directory fd is no bpf object: only the returned map is named.
	absent obj_get_path_fd "fds.$(kv obj_get_path_fd path_fd)"
	is obj_get_path_fd "fds.$(kv obj_get_path_fd ret).id" "$(kv info_hash id)"
}

@test "allcmds: PROG_TEST_RUN: retval, sizes, duration, data_out" {
	use_run allcmds
	is test_run attr.prog_fd "$(kv load_sock ret)"
	is test_run attr.data_size_in 64
	is test_run attr.data_size_out 128
	is test_run attr.repeat 1
	is test_run out.retval "$(kv test_run retval)"
	is test_run out.retval 42
	is test_run out.data_size_out "$(kv test_run data_size_out)"
	is test_run out.duration "$(kv test_run duration)"
	expect_match "$(ev test_run out.data_out)" "^$(kv test_run data_out)" "test_run data_out"
	expect_eq "$(ev test_run out.data_out | tr -d '\n' | wc -c)" $((2 * 64)) "data_out hex digits"
	# ENOSPC: the kernel still writes the sizes and the retval.
	is test_run_enospc attr.data_size_out 8
	is test_run_enospc out.data_size_out 64
	is test_run_enospc out.retval 42
	expect_eq "$(ev test_run_enospc out.data_out | tr -d '\n' | wc -c)" 16 "ENOSPC data_out: 8 bytes"
	is test_run_ctx attr.ctx_size_in 4
	is test_run_ctx attr.ctx_in null
	# A 192-byte __sk_buff in and out: ctx_out shown up to 64 bytes.
	is test_run_ctx_out attr.ctx_size_in 192
	is test_run_ctx_out attr.ctx_size_out 192
	is test_run_ctx_out out.ctx_size_out "$(kv test_run_ctx_out ctx_size_out)"
	is test_run_ctx_out out.retval 42
	expect_match "$(ev test_run_ctx_out out.ctx_out)" "^$(le32 "$(kv test_run_ctx_out ctx_len)")" "ctx_out: __sk_buff.len first"
	expect_eq "$(ev test_run_ctx_out out.ctx_out | tr -d '\n' | wc -c)" 128 "ctx_out: 64 bytes"
	is test_run_ctx_out out.ctx_out_truncated true
	# No data_out buffer: nothing shown for it.
	is test_run_ctx_out attr.data_out null
	absent test_run_ctx_out out.data_out
}

@test "allcmds: cgroup PROG_ATTACH, PROG_QUERY, PROG_DETACH" {
	use_run allcmds
	local cg a b
	cg=$(sed -n 's/^# .* cgroup_fd=\([0-9]*\).*/\1/p' "$OUT")
	a=$(kv info_skb_a id)
	b=$(kv info_skb_b id)
	is attach_a attr.target_fd "$cg"
	is attach_a attr.attach_bpf_fd "$(kv load_skb_a ret)"
	is attach_a attr.attach_type BPF_CGROUP_INET_INGRESS
	is attach_a attr.attach_flags BPF_F_ALLOW_MULTI
	is attach_a "fds.$(kv load_skb_a ret).name" ac_skb_a
	is attach_b attr.attach_bpf_fd "$(kv load_skb_b ret)"
	# BPF_F_ID: offset 20 is relative_id, not relative_fd.
	is attach_b attr.attach_flags "BPF_F_ALLOW_MULTI|BPF_F_BEFORE|BPF_F_ID"
	is attach_b attr.relative_id "$(kv attach_b relative_id)"
	is attach_b attr.relative_id "$a"
	absent attach_b attr.relative_fd
	is attach_bad_type attr.attach_type 9999

	is query attr.target_fd "$cg"
	is query attr.attach_type BPF_CGROUP_INET_INGRESS
	is query attr.query_flags 0
	is query attr.prog_cnt 8
	is query out.prog_cnt "$(kv query prog_cnt)"
	is query out.prog_cnt 2
	is query out.attach_flags BPF_F_ALLOW_MULTI
	is query out.revision "$(kv query revision)"
	# skb_b was attached before skb_a.
	is query out.prog_ids "[$b,$a]"
	expect_eq "$(kv query ids)" "$b,$a" "query ids printed"
	# Capacity 1 for 2 programs: ENOSPC, the total still written.
	is query_enospc attr.prog_cnt 1
	is query_enospc out.prog_cnt 2
	is query_enospc out.revision "$(kv query_enospc revision)"
	is query_bad_flags attr.query_flags 0x80

	is detach_b attr.attach_bpf_fd "$(kv load_skb_b ret)"
	is detach_b attr.attach_flags 0
	is detach_a attr.attach_bpf_fd "$(kv load_skb_a ret)"
}

@test "allcmds: links: LINK_CREATE, RAW_TRACEPOINT_OPEN, LINK_UPDATE, LINK_DETACH, TASK_FD_QUERY" {
	use_run allcmds
	local cg link rawtp
	cg=$(sed -n 's/^# .* cgroup_fd=\([0-9]*\).*/\1/p' "$OUT")
	link=$(kv link_cgroup ret)
	rawtp=$(kv raw_tp_open ret)
	is link_cgroup size 64
	is link_cgroup attr.prog_fd "$(kv load_skb_a ret)"
	is link_cgroup attr.target_fd "$cg"
	is link_cgroup attr.attach_type BPF_CGROUP_INET_INGRESS
	is link_cgroup attr.flags 0
	is link_cgroup attr.cgroup.relative_fd 0
	is link_cgroup attr.cgroup.expected_revision 0
	is link_cgroup "fds.$link.kind" link
	is link_cgroup "fds.$link.type" BPF_LINK_TYPE_CGROUP
	is link_cgroup "fds.$link.id" "$(kv info_link id)"
	is link_bad_prog "fds.$(kv load_sock ret).type" BPF_PROG_TYPE_SOCKET_FILTER

	is raw_tp_open attr.name sys_enter
	is raw_tp_open attr.prog_fd "$(kv load_rawtp ret)"
	is raw_tp_open attr.cookie "$(kv raw_tp_open cookie)"
	is raw_tp_open attr.cookie 0x1122334455667788
	is raw_tp_open "fds.$rawtp.type" BPF_LINK_TYPE_RAW_TRACEPOINT
	is raw_tp_open "fds.$rawtp.id" "$(kv info_rawtp_link id)"
	is raw_tp_open_missing attr.name bpfspy_no_such_tp

	is link_update attr.link_fd "$link"
	is link_update attr.new_prog_fd "$(kv load_skb_b ret)"
	is link_update attr.flags BPF_F_REPLACE
	is link_update attr.old_prog_fd "$(kv load_skb_a ret)"
	is link_update "fds.$(kv load_skb_b ret).name" ac_skb_b
	# After the update the cgroup runs skb_b through the link.
	is query_link out.prog_ids "[$(kv info_skb_b id)]"
	# ... and rule link-update read as much from the link's fdinfo
	expect_match "$(ev link_update checks)" \
		"\"rule\":\"link-update\",\"verdict\":\"pass\",\"why\":\"the link holds program $(kv info_skb_b id), new_prog_fd's\"" \
		"link-update"
	is task_fd_query_enospc explanation.rule task-fd-buf

	is task_fd_query attr.pid "$(kv task_fd_query pid)"
	is task_fd_query attr.fd "$rawtp"
	is task_fd_query attr.flags 0
	is task_fd_query attr.buf_len 64
	is task_fd_query out.buf_len "$(kv task_fd_query buf_len)"
	is task_fd_query out.buf_len 9
	is task_fd_query out.prog_id "$(kv info_rawtp id)"
	is task_fd_query out.fd_type BPF_FD_TYPE_RAW_TRACEPOINT
	is task_fd_query out.buf sys_enter
	is task_fd_query out.probe_offset 0x0
	absent task_fd_query out.buf_truncated
	# A 4-byte buffer: ENOSPC, the kernel wrote "sys" and the full length.
	is task_fd_query_enospc attr.buf_len 4
	is task_fd_query_enospc out.buf_len 9
	is task_fd_query_enospc out.buf "$(kv task_fd_query_enospc buf)"
	is task_fd_query_enospc out.buf_truncated true
	is task_fd_query_enospc out.prog_id "$(kv info_rawtp id)"
	is task_fd_query_map attr.fd "$(kv map_hash ret)"

	is link_detach attr.link_fd "$link"
	is link_detach size 4
	is link_detach_rawtp attr.link_fd "$rawtp"
}

@test "allcmds: LINK_CREATE, one call per arm of the union: the arm's fields under its name" {
	use_run allcmds
	local sock
	sock=$(kv load_sock ret)
	is link_kprobe_multi attr.attach_type BPF_TRACE_KPROBE_MULTI
	is link_kprobe_multi attr.prog_fd "$sock"
	is link_kprobe_multi attr.kprobe_multi.flags BPF_F_KPROBE_MULTI_RETURN
	is link_kprobe_multi attr.kprobe_multi.cnt 2
	is link_kprobe_multi attr.kprobe_multi.addrs null
	expect_match "$(ev link_kprobe_multi attr.kprobe_multi.syms)" '^0x[0-9a-f]+$' "kprobe_multi.syms"
	absent link_kprobe_multi attr.target_btf_id

	is link_uprobe_multi attr.attach_type BPF_TRACE_UPROBE_MULTI
	is link_uprobe_multi attr.uprobe_multi.path /proc/self/exe
	is link_uprobe_multi attr.uprobe_multi.cnt 1
	is link_uprobe_multi attr.uprobe_multi.flags BPF_F_UPROBE_MULTI_RETURN
	is link_uprobe_multi attr.uprobe_multi.pid "$(kv link_uprobe_multi pid)"
	is link_uprobe_multi attr.uprobe_multi.ref_ctr_offsets null
	is link_uprobe_multi attr.uprobe_multi.path_fd 0

	# tcx: an ifindex at 4; BPF_F_ID makes 16 an id.
	is link_tcx attr.target_ifindex 1
	absent link_tcx attr.target_fd
	is link_tcx attr.flags "BPF_F_BEFORE|BPF_F_ID"
	is link_tcx attr.tcx.relative_id 12345
	absent link_tcx attr.tcx.relative_fd
	is link_tcx attr.tcx.expected_revision 7
	# netkit without BPF_F_ID: 16 is an fd, and named.
	is link_netkit attr.attach_type BPF_NETKIT_PRIMARY
	is link_netkit attr.flags BPF_F_AFTER
	is link_netkit attr.netkit.relative_fd "$(kv load_skb_a ret)"
	is link_netkit "fds.$(kv load_skb_a ret).name" ac_skb_a

	is link_netfilter attr.netfilter.pf 2
	is link_netfilter attr.netfilter.hooknum 1
	is link_netfilter attr.netfilter.priority -100
	is link_netfilter attr.netfilter.flags BPF_F_NETFILTER_IP_DEFRAG
	is link_perf_event attr.perf_event.bpf_cookie 0xabcdef
	is link_fentry attr.tracing.target_btf_id 777
	is link_fentry attr.tracing.cookie 0x99
	is link_xdp attr.target_ifindex 1
	is link_xdp attr.flags XDP_FLAGS_SKB_MODE
	is link_xdp attr.target_btf_id 0
	# struct_ops: offset 0 is a map.
	is link_struct_ops attr.map_fd "$(kv map_array ret)"
	absent link_struct_ops attr.prog_fd
	is link_struct_ops "fds.$(kv map_array ret).kind" map
}

@test "allcmds: ENABLE_STATS, PROG_BIND_MAP, TOKEN_CREATE, STREAM_READ, ASSOC_STRUCT_OPS" {
	use_run allcmds
	is enable_stats attr.type BPF_STATS_RUN_TIME
	# A stats fd is no map, program, link, BTF or token.
	absent enable_stats fds
	is enable_stats_bad_type attr.type 1

	is bind_map attr.prog_fd "$(kv load_sock ret)"
	is bind_map attr.map_fd "$(kv map_array ret)"
	is bind_map attr.flags 0
	is bind_map "fds.$(kv map_array ret).name" ac_array
	is bind_map "fds.$(kv load_sock ret).name" ac_sock
	is bind_map_flags attr.flags 0x1
	absent bind_map_flags attr_tail

	# From the init user namespace: EOPNOTSUPP; not a bpffs root: EINVAL.
	is token_create attr.flags 0
	is token_create attr.bpffs_fd "$(kv token_create bpffs_fd)"
	absent token_create fds
	is token_create_not_bpffs attr.bpffs_fd "$(kv token_create_not_bpffs bpffs_fd)"

	is stream_read attr.stream_buf_len 256
	is stream_read attr.stream_id BPF_STREAM_STDERR
	is stream_read attr.prog_fd "$(kv stream_read prog_fd)"
	is stream_read ret "$(kv stream_read read)"
	is stream_read "fds.$(kv load_sock ret).kind" prog
	is stream_read_bad_id attr.stream_id 3

	is assoc_struct_ops attr.map_fd "$(kv map_array ret)"
	is assoc_struct_ops attr.prog_fd "$(kv load_sock ret)"
	is assoc_struct_ops attr.flags 0
}

@test "allcmds: BPF_COMMON_ATTRS: the 5-argument form is decoded, 6.18 says EINVAL" {
	use_run allcmds
	is common_attrs cmd BPF_PROG_LOAD
	absent common_attrs cmd_num
	is common_attrs size 148
	is common_attrs common_attrs.addr "$(kv common_attrs common_addr)"
	is common_attrs common_attrs.size "$(kv common_attrs common_size)"
	is common_attrs common_attrs.log_size 256
	is common_attrs common_attrs.log_level BPF_LOG_LEVEL1
	is common_attrs common_attrs.log_true_size "$(kv common_attrs log_true_size)"
	expect_match "$(ev common_attrs common_attrs.log_buf)" '^0x[0-9a-f]+$' "log_buf"
	# The attr itself: all zero, 148 bytes (through prog_token_fd).
	is common_attrs attr.prog_type BPF_PROG_TYPE_UNSPEC
	is common_attrs attr.prog_token_fd 0
	absent common_attrs attr.fd_array_cnt
	is common_attrs errno EINVAL
}

# ---- sizes: the size argument and the tail rules -----------------------------

@test "sizes: one event per call, in order, with the name, size, ret and errno the program saw" {
	use_run sizes
	check_calls
}

@test "sizes: MAP_CREATE at each historical size decodes exactly the fields the size covers" {
	use_run sizes
	local s t
	for s in 20 44 48 60 64 72 80 92 168 4096; do
		t=map_create_$s
		is $t size "$s"
		is $t errno null
		absent $t attr_tail
		absent $t size_over_page
		is $t attr.map_type BPF_MAP_TYPE_ARRAY
		is $t attr.max_entries 1
	done
	absent map_create_20 attr.map_name
	is map_create_20 attr.map_flags 0
	is map_create_44 attr.map_name sz
	absent map_create_44 attr.map_ifindex
	is map_create_48 attr.map_ifindex 0
	absent map_create_60 attr.btf_vmlinux_value_type_id
	is map_create_64 attr.btf_vmlinux_value_type_id 0
	absent map_create_64 attr.map_extra
	is map_create_72 attr.map_extra 0
	absent map_create_72 attr.value_type_btf_obj_fd
	is map_create_80 attr.map_token_fd 0
	absent map_create_80 attr.excl_prog_hash
	is map_create_92 attr.excl_prog_hash null
	is map_create_92 attr.excl_prog_hash_size 0
	is map_create_168 attr.excl_prog_hash_size 0

	# Size 0: nothing read, the kernel sees a zero attr (map_type 0).
	is map_create_0 size 0
	is map_create_0 attr "{}"
	is map_create_0 errno EINVAL
	absent map_create_0 attr_fault
}

@test "sizes: a page with a zero tail works; page+1 and more are E2BIG with size_over_page" {
	use_run sizes
	is map_create_4096 size 4096
	(($(ev map_create_4096 ret) >= 0))
	absent map_create_4096 size_over_page
	is map_create_4097 size 4097
	is map_create_4097 size_over_page true
	is map_create_4097 errno E2BIG
	is map_create_4097 attr.map_type BPF_MAP_TYPE_ARRAY
	is map_create_huge size 2147483647
	is map_create_huge size_over_page true
	is map_create_huge errno E2BIG
	is prog_load_4096 errno null
	is prog_load_4097 size_over_page true
	is prog_load_4097 errno E2BIG
}

@test "sizes: a nonzero byte past the last field: EINVAL, past the kernel's union: E2BIG; attr_tail names it" {
	use_run sizes
	local t at
	for t in map_create_tail_92 map_create_tail_167 map_create_tail_168 \
		map_create_tail_200 map_create_tail_3000; do
		at=$(kv $t nonzero_at)
		is $t attr_tail.last_field_end 92
		is $t attr_tail.nonzero "[$at]"
		absent $t attr_tail.nonzero_count
		# sizeof(union bpf_attr) is 168 on this kernel.
		if ((at < 168)); then
			is $t errno EINVAL
		else
			is $t errno E2BIG
		fi
	done
	is map_create_tail_3000 size 4096
	absent map_create_tail_3000 attr_tail_unreadable
	# 40 nonzero bytes: the first 16 offsets and the count.
	is map_create_tail_many attr_tail.nonzero "[$(seq -s, 100 115)]"
	is map_create_tail_many attr_tail.nonzero_count 40
	is map_create_tail_many errno EINVAL

	is prog_load_tail_168 attr_tail.last_field_end 168
	is prog_load_tail_168 attr_tail.nonzero "[168]"
	is prog_load_tail_168 errno E2BIG
	is prog_load_tail_3000 attr_tail.nonzero "[3000]"
	is prog_load_tail_3000 errno E2BIG
	is lookup_tail_33 attr_tail.last_field_end 32
	is lookup_tail_33 attr_tail.nonzero "[33]"
	is lookup_tail_33 errno EINVAL
}

# Where each command's zero tail starts: bpf-abi.md §2's "zero-tail from"
# column, command by command (0..38).
ZERO_TAIL="92 32 32 16 24 168 20 20 32 32 76 8 8 4 12 16 64 24 40 16 48 32 4 8 56 56 56 56 60 16 4 8 4 8 4 12 8 20 8"

@test "sizes: every command, one nonzero byte at its zero-tail offset: attr_tail.last_field_end per bpf-abi.md" {
	use_run sizes
	local -a want=($ZERO_TAIL) names=($ALL_CMDS)
	local i t w bad=
	expect_eq "${#want[@]}" 39 "zero-tail table"
	for ((i = 0; i < 39; i++)); do
		t=tail_$i
		w=${want[i]}
		# LINK_CREATE: the byte goes to 64, past both 60 (bpf-abi.md,
		# 6.18) and 64 (bpfspy's newest layout); which one the trace
		# names as last_field_end is the test after this one.
		if ((i == 28)); then
			w=64
		elif [ "$(ev $t attr_tail.last_field_end)" != "$w" ]; then
			bad="$bad $t:last_field_end=$(ev $t attr_tail.last_field_end),want=$w"
		fi
		[ "$(ev $t cmd)" = "${names[i]}" ] || bad="$bad $t:cmd"
		[ "$(kv $t nonzero_at)" = "$w" ] || bad="$bad $t:nonzero_at"
		[ "$(ev $t attr_tail.nonzero)" = "[$w]" ] || bad="$bad $t:nonzero"
		# The kernel: EINVAL inside its union, E2BIG past it (168).
		if ((w < 168)); then
			[ "$(ev $t errno)" = EINVAL ] || bad="$bad $t:errno=$(ev $t errno)"
		else
			[ "$(ev $t errno)" = E2BIG ] || bad="$bad $t:errno=$(ev $t errno)"
		fi
	done
	expect_eq "$bad" "" "commands whose tail is wrong"
}

@test "sizes: LINK_CREATE, nonzero byte 60: 6.18 says EINVAL, and attr_tail must say why (last field ends at 60)" {
	use_run sizes
	is link_create_tail_60 errno EINVAL
	is link_create_tail_60 size 64
	# attach_type 0 (cgroup arm): bytes 60..63 are no field of that arm.
	is link_create_tail_60 attr.attach_type BPF_CGROUP_INET_INGRESS
	absent link_create_tail_60 attr.cgroup.path_fd
	# The kernel checks from offsetofend(uprobe_multi.pid) = 60
	# (bpf-abi.md §2 and note L; 6.18 answers EINVAL to this byte), so
	# the byte is a tail byte.  bpfspy starts its tail at 64 for the
	# newest UAPI's uprobe_multi.path_fd, which no kernel source in the
	# reference checks, and says nothing about it.
	is link_create_tail_60 attr_tail.last_field_end 60
	is link_create_tail_60 attr_tail.nonzero "[60]"
	is tail_28 attr_tail.last_field_end 60
}

@test "sizes: NULL, unmapped and half-mapped attrs: EFAULT and attr_fault" {
	use_run sizes
	is null_attr_32 attr '{}'
	is null_attr_32 attr_fault.addr 0x0
	is null_attr_32 attr_fault.offset 0
	is null_attr_32 attr_fault.error EFAULT
	is null_attr_32 errno EFAULT
	# NULL with size 0: nothing to read, the kernel sees zeros: EINVAL.
	is null_attr_0 attr "{}"
	absent null_attr_0 attr_fault
	is null_attr_0 errno EINVAL

	is unmapped_attr attr "{}"
	is unmapped_attr attr_fault.offset 0
	is unmapped_attr errno EFAULT
	# 16 readable bytes: the four fields in them decoded, the fault at 16.
	is straddle_16 attr_fault.offset 16
	is straddle_16 attr.map_type BPF_MAP_TYPE_ARRAY
	is straddle_16 attr.max_entries 1
	absent straddle_16 attr.map_flags
	is straddle_16 errno EFAULT
	local a
	a=$(ev straddle_16 attr_fault.addr)
	expect_match "$a" '^0x[0-9a-f]*000$' "straddle_16: the fault is at a page boundary"
	# 256 readable bytes, size 4096: the tail cannot be checked.
	is tail_unreadable attr_tail_unreadable true
	absent tail_unreadable attr_fault
	is tail_unreadable errno EFAULT
}

@test "sizes: PROG_LOAD at each historical size: fields, and log_true_size only from 144" {
	use_run sizes
	local s t
	for s in 72 108 116 120 128 144 148 152 168 4096; do
		t=prog_load_$s
		is $t size "$s"
		is $t errno null
		is $t attr.prog_name sz
		is $t attr.license GPL
		absent $t attr_tail
		expect_eq "$(ev $t out.log)" "$(logof $t)" "$t: out.log"
		if ((s >= 144)); then
			is $t out.log_true_size "$(kv $t log_true_size)"
		else
			absent $t out.log_true_size
		fi
	done
	is prog_load_72 attr.expected_attach_type BPF_CGROUP_INET_INGRESS
	absent prog_load_72 attr.prog_btf_fd
	is prog_load_108 attr.line_info_cnt 0
	absent prog_load_108 attr.attach_btf_id
	is prog_load_116 attr.attach_prog_fd 0
	absent prog_load_116 attr.core_relo_cnt
	is prog_load_120 attr.core_relo_cnt 0
	absent prog_load_120 attr.fd_array
	is prog_load_128 attr.fd_array null
	absent prog_load_128 attr.core_relos
	absent prog_load_144 attr.prog_token_fd
	is prog_load_148 attr.prog_token_fd 0
	absent prog_load_148 attr.fd_array_cnt
	is prog_load_152 attr.fd_array_cnt 0
	absent prog_load_152 attr.signature
	is prog_load_168 attr.signature null
	is prog_load_168 attr.signature_size 0
	is prog_load_168 attr.keyring_id 0
}

@test "sizes: a log too small for the verifier's: ENOSPC, log_enospc, the end of the log" {
	use_run sizes
	local t
	for t in prog_load_enospc prog_load_enospc_128; do
		is $t errno ENOSPC
		is $t attr.log_size 16
		is $t out.log_enospc true
		expect_eq "$(ev $t out.log)" "$(logof $t)" "$t: out.log"
		# At most log_size - 1 characters and the NUL.
		(($(ev $t out.log | wc -c) <= 16))
	done
	is prog_load_enospc out.log_true_size "$(kv prog_load_enospc log_true_size)"
	(($(ev prog_load_enospc out.log_true_size) > 16))
	absent prog_load_enospc_128 out.log_true_size
	# The rotating log keeps the end, the fixed one (BPF_LOG_FIXED) the
	# start.
	expect_match "$(ev prog_load_enospc out.log)" 'mark_read 0$' "rotating: the end"
	is prog_load_enospc_fixed attr.log_level "BPF_LOG_LEVEL1|BPF_LOG_FIXED"
	is prog_load_enospc_fixed errno ENOSPC
	is prog_load_enospc_fixed out.log_enospc true
	is prog_load_enospc_fixed out.log "$(logof prog_load_enospc_fixed)"
	expect_match "$(ev prog_load_enospc_fixed out.log)" '^0: R1=ctx' "fixed: the start"
	is prog_load_enospc_fixed out.log_true_size "$(kv prog_load_enospc log_true_size)"
}

@test "sizes: PROG_TEST_RUN at 64/72/76/80, LINK_CREATE at 16/28/64, OBJ_GET at 16/20" {
	use_run sizes
	local s
	for s in 64 72 76 80; do
		is test_run_$s errno null
		is test_run_$s out.retval "$(kv test_run_$s retval)"
		is test_run_$s out.retval 7
		is test_run_$s out.data_size_out 64
		absent test_run_$s attr_tail
	done
	absent test_run_64 attr.flags
	is test_run_72 attr.cpu 0
	absent test_run_72 attr.batch_size
	is test_run_76 attr.batch_size 0
	is test_run_80 attr.batch_size 0

	is link_create_16 attr.attach_type BPF_TRACE_ITER
	is link_create_16 attr.flags 0
	absent link_create_16 attr.iter_info
	is link_create_28 attr.iter_info null
	is link_create_28 attr.iter_info_len 8
	is link_create_64 attr.iter_info_len 8
	for s in 16 28 64; do
		# A socket filter is no iterator program.
		is link_create_$s errno EINVAL
	done

	is obj_get_16 attr.file_flags 0
	absent obj_get_16 attr.path_fd
	is obj_get_20 attr.path_fd 0
	is obj_get_16 errno ENOENT
	is obj_get_16 attr.pathname /sys/fs/bpf/bpfspy-sizes-missing
}

@test "sizes: LOOKUP at 24 and 32, BTF_LOAD at 28/32/40, RAW_TRACEPOINT_OPEN at 16/24, GET_NEXT_ID at 8/12" {
	use_run sizes
	is lookup_24 errno null
	absent lookup_24 attr.flags
	is lookup_24 out.value_data 0000000000000000
	is lookup_32 attr.flags BPF_ANY
	is lookup_32 out.value_data 0000000000000000

	local s
	for s in 28 32 40; do
		is btf_load_$s errno null
		is btf_load_$s attr.btf_size 45
		expect_eq "$(ev btf_load_$s out.log)" "$(logof btf_load_$s)" "btf_load_$s: out.log"
	done
	absent btf_load_28 out.btf_log_true_size
	absent btf_load_28 attr.btf_flags
	is btf_load_32 out.btf_log_true_size "$(kv btf_load_32 btf_log_true_size)"
	absent btf_load_32 attr.btf_flags
	is btf_load_40 out.btf_log_true_size "$(kv btf_load_40 btf_log_true_size)"
	is btf_load_40 attr.btf_flags 0
	is btf_load_40 attr.btf_token_fd 0

	is raw_tp_open_16 attr.name sys_enter
	absent raw_tp_open_16 attr.cookie
	is raw_tp_open_24 attr.cookie 0x0
	is raw_tp_open_16 "fds.$(kv raw_tp_open_16 ret).type" BPF_LINK_TYPE_RAW_TRACEPOINT

	is map_next_id_8 out.next_id "$(kv map_next_id_8 next_id)"
	is map_next_id_12 out.next_id "$(kv map_next_id_12 next_id)"
	absent map_next_id_8 attr_tail
}

# ---- eperm: without capabilities ---------------------------------------------

EPERM_TAGS="map_create_array map_create_hash prog_load_socket_filter prog_get_next_id
map_get_next_id btf_get_next_id link_get_next_id prog_get_fd_by_id map_get_fd_by_id
btf_get_fd_by_id link_get_fd_by_id btf_load enable_stats task_fd_query prog_query_tail"

# check_eperm: every call of the eperm run ($OUT, $TR) failed with EPERM,
# as the exerciser printed and as the trace says.
check_eperm() {
	local t bad= n
	n=$(grep -vc '^#' "$OUT")
	expect_eq "$n" "$(echo $EPERM_TAGS | wc -w)" "calls"
	expect_eq "$(tc count "$TR")" "$n" "events"
	for t in $EPERM_TAGS; do
		[ "$(kv $t errno)" = EPERM ] || bad="$bad $t:printed=$(kv $t errno)"
		[ "$(ev $t errno)" = EPERM ] || bad="$bad $t:traced=$(ev $t errno)"
		[ "$(ev $t ret)" = -1 ] || bad="$bad $t:ret"
	done
	expect_eq "$bad" "" "calls that did not fail with EPERM"
	is map_create_array attr.map_type BPF_MAP_TYPE_ARRAY
	is map_create_array attr.map_name ep_array
	is prog_load_socket_filter attr.prog_type BPF_PROG_TYPE_SOCKET_FILTER
	is prog_load_socket_filter attr.prog_name ep_sock
	is prog_get_next_id cmd BPF_PROG_GET_NEXT_ID
	is prog_get_next_id out.next_id 3735928559
	# PROG_QUERY checks the capability before the tail: EPERM, not EINVAL.
	is prog_query_tail attr_tail.nonzero "[64]"
	is prog_query_tail attr_tail.last_field_end 64
}

@test "eperm: no capabilities (setpriv): MAP_CREATE, PROG_LOAD, GET_NEXT_ID... all EPERM" {
	require_cmd setpriv
	[ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null)" != 0 ] ||
		skip "kernel.unprivileged_bpf_disabled is 0: unprivileged MAP_CREATE would work"
	OUT=$T/eperm.out
	TR=$T/eperm.jsonl
	run setpriv --inh-caps=-all --bounding-set=-all --ambient-caps=-all \
		"$BPFSPY" run -o "$TR" -- "$EXERCISER" eperm
	[ "$status" -eq 0 ] || skip "setpriv cannot drop the capabilities here: $output"
	printf '%s\n' "$output" >"$OUT"
	index_calls
	expect_match "$(head -1 "$OUT")" '^# capeff=0+ ' "the exerciser has no capabilities"
	check_eperm
}

@test "eperm: as nobody (setpriv --reuid), traced through LD_PRELOAD" {
	require_root
	require_cmd setpriv
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	[ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null)" != 0 ] ||
		skip "kernel.unprivileged_bpf_disabled is 0"
	# nobody writes its trace in a directory of its own (teardown
	# removes it), and spools in a subdirectory its shim creates: a
	# world-writable spool directory is refused.
	EPERM_DIR=$(mktemp -d /tmp/bpfspy-eperm.XXXXXX)
	chmod 1777 "$EPERM_DIR"
	OUT=$EPERM_DIR/eperm.out
	TR=$EPERM_DIR/eperm.jsonl
	run setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups \
		--inh-caps=-all --bounding-set=-all \
		env LD_PRELOAD="$SHIM" BPFSPY_OUTPUT="$TR" BPFSPY_SPOOL_DIR="$EPERM_DIR/spool" \
		"$EXERCISER" eperm
	printf '%s\n' "$output" >"$OUT"
	index_calls
	if [ "$status" -ne 0 ] || [ ! -s "$TR" ]; then
		skip "nobody cannot run $EXERCISER here (status $status): $output"
	fi
	expect_match "$(head -1 "$OUT")" "^# capeff=0+ uid=$(id -u nobody) " "nobody, no capabilities"
	check_eperm
}

teardown() {
	collect_traces
	if [ -n "${EPERM_DIR:-}" ]; then
		rm -rf "$EPERM_DIR"
	fi
}
