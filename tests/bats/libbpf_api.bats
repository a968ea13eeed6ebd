#!/usr/bin/env bats
# The libbpf layer over all of bpf.h: wide wrappers (7 and 9 arguments),
# opts structs decoded within their sz, the bpf_map__ helpers, functions
# the loaded libbpf lacks, one binary per symbol version, and two real
# loaders (xdp-loader, bpftrace).

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
	require_bpf
	MORE=$BUILDDIR/tests/progs/libbpf_more
	XDP_OBJ=$BUILDDIR/tests/progs/xdp_pass.bpf.o
	[ -x "$MORE" ] || skip "tests/progs/libbpf_more was not built"
}

# field LINE NAME: the value of NAME=VALUE in a line the program printed.
field() {
	sed -nE "s/.*[ ^]$2=([^ ]*).*/\1/p" <<<" $1"
}

# line FUNC [N]: the Nth (default 1) line the program printed for FUNC.
line() {
	grep "^$1 " <<<"$output" | sed -n "${2:-1}p"
}

@test "opts: fields within sz, sz short, long with a nonzero tail, tiny" {
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$MORE" opts
	expect_eq "$status" 0
	expect_valid "$TRACE"
	local n=(event=libbpf func=bpf_map_create) sz
	sz=$(field "$(line bpf_map_create 1)" sz)
	# the struct as the program's libbpf headers define it
	expect_eq "$(tc get "$TRACE" args.opts.sz "${n[@]}" args.map_name=lbo_normal)" "$sz" "normal sz"
	expect_eq "$(tc get "$TRACE" args.opts.map_flags "${n[@]}" args.map_name=lbo_normal)" \
		BPF_F_NO_PREALLOC "normal map_flags"
	expect_eq "$(tc get "$TRACE" args.opts.map_ifindex "${n[@]}" args.map_name=lbo_normal)" 0 \
		"normal map_ifindex (ends at 48)"
	expect_eq "$(tc get "$TRACE" args.opts.tail_nonzero_at "${n[@]}" args.map_name=lbo_normal)" \
		"<absent>" "no tail"
	# sz 24: the fields ending by 24 are there, map_flags (28..32) is not,
	# and libbpf did not pass it on either
	local s=("${n[@]}" args.map_name=lbo_short) create
	expect_eq "$(tc get "$TRACE" args.opts.sz "${s[@]}")" 24 "short sz"
	expect_eq "$(tc get "$TRACE" args.opts.btf_vmlinux_value_type_id "${s[@]}")" 0 "last field in sz"
	expect_eq "$(tc get "$TRACE" args.opts.inner_map_fd "${s[@]}")" "<absent>" "inner_map_fd past sz"
	expect_eq "$(tc get "$TRACE" args.opts.map_flags "${s[@]}")" "<absent>" "map_flags past sz"
	create=$(tc get "$TRACE" seq "${s[@]}")
	expect_eq "$(tc get "$TRACE" attr.map_flags parent="$create" cmd=BPF_MAP_CREATE)" 0 \
		"libbpf ignored map_flags past sz too"
	expect_match "$(tc get "$TRACE" ret "${s[@]}")" '^[0-9]+$' "short ret: an fd"
	# sz 96, byte 88 nonzero: past the newest layout (80); libbpf says EINVAL
	local t=("${n[@]}" args.map_name=lbo_tail)
	expect_eq "$(tc get "$TRACE" args.opts.sz "${t[@]}")" 96 "long sz"
	expect_eq "$(tc get "$TRACE" args.opts.tail_nonzero_at "${t[@]}")" 88 tail_nonzero_at
	expect_eq "$(tc get "$TRACE" args.opts.log_opts "${t[@]}")" null "newest field shown"
	expect_eq "$(tc get "$TRACE" ret "${t[@]}")" -22 "nonzero tail ret"
	expect_eq "$(tc get "$TRACE" errno "${t[@]}")" EINVAL "nonzero tail errno"
	expect_eq "$(tc get "$TRACE" syscalls "${t[@]}")" 0 "refused before any syscall"
	# the same size with a zero tail is accepted
	local z=("${n[@]}" args.map_name=lbo_zerotail)
	expect_eq "$(tc get "$TRACE" args.opts.tail_nonzero_at "${z[@]}")" "<absent>" "zero tail"
	expect_match "$(tc get "$TRACE" ret "${z[@]}")" '^[0-9]+$' "zero tail ret: an fd"
	# sz 4 < sizeof(size_t)
	local y=("${n[@]}" args.map_name=lbo_tiny)
	expect_eq "$(tc get "$TRACE" args.opts.sz "${y[@]}")" 4 "tiny sz"
	expect_eq "$(tc get "$TRACE" args.opts.sz_too_small "${y[@]}")" true sz_too_small
	expect_eq "$(tc get "$TRACE" args.opts.btf_fd "${y[@]}")" "<absent>" "no field of a tiny opts"
	expect_eq "$(tc get "$TRACE" ret "${y[@]}")" -22 "tiny ret"
	# the checker holds libbpf to its opts rule
	expect_eq "$(tc get "$TRACE" checks "${y[@]}" | grep -o '"rule":"libbpf-opts-sz","verdict":"[a-z-]*"')" \
		'"rule":"libbpf-opts-sz","verdict":"pass"' "tiny opts: the rule"
	expect_match "$(tc get "$TRACE" checks "${t[@]}")" \
		'"rule":"libbpf-opts-sz","verdict":"pass","why":"nonzero byte at offset 88 of sz 96, past the [0-9]+ bytes bpfspy knows: refused"' \
		"tail: the rule"
	expect_match "$(tc get "$TRACE" checks "${n[@]}" args.map_name=lbo_normal)" \
		'"rule":"libbpf-return","verdict":"pass"' "normal: libbpf-return"
	# the program saw the same results
	paste -d' ' <(tc get "$TRACE" func event=libbpf) <(tc get "$TRACE" ret event=libbpf) >"$T/got"
	sed -E 's/ ret=(-?[0-9]+) .*/ \1/' <<<"$output" >"$T/want"
	diff -u "$T/want" "$T/got"
}

@test "7-argument wrappers: bpf_map_lookup_batch hands libbpf every argument" {
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$MORE" batch
	expect_eq "$status" 0
	local l a=(event=libbpf func=bpf_map_lookup_batch args.opts.sz=24) seq
	l=$(line bpf_map_lookup_batch 1)
	# the real function saw keys, values, count (6th) and opts (7th)
	expect_eq "$(field "$l" count)" 3 "elements read"
	expect_eq "$(field "$l" sumk)" 66 "keys read (11+22+33)"
	expect_eq "$(field "$l" sumv)" 666 "values read"
	expect_eq "$(tc get "$TRACE" ret "${a[@]}")" -2 "end of map"
	expect_eq "$(tc get "$TRACE" errno "${a[@]}")" ENOENT errno
	expect_eq "$(tc get "$TRACE" args.in_batch "${a[@]}")" null in_batch
	expect_eq "$(tc get "$TRACE" args.out_batch "${a[@]}")" "$(field "$l" out_batch)" out_batch
	expect_eq "$(tc get "$TRACE" args.keys "${a[@]}")" "$(field "$l" keys)" keys
	expect_eq "$(tc get "$TRACE" args.values "${a[@]}")" "$(field "$l" values)" values
	expect_eq "$(tc get "$TRACE" args.count.addr "${a[@]}")" "$(field "$l" count_addr)" "count addr"
	expect_eq "$(tc get "$TRACE" args.count.in "${a[@]}")" 8 "count in"
	expect_eq "$(tc get "$TRACE" args.count.out "${a[@]}")" 3 "count out"
	expect_eq "$(tc get "$TRACE" args.opts.addr "${a[@]}")" "$(field "$l" opts)" "opts (7th) addr"
	seq=$(tc get "$TRACE" seq "${a[@]}")
	expect_eq "$(tc get "$TRACE" cmd parent="$seq")" BPF_MAP_LOOKUP_BATCH "its syscall"
	expect_eq "$(tc get "$TRACE" attr.count parent="$seq")" 8 "count passed down"
	# a tiny opts in 7th place is what libbpf refuses: it did get it
	local b=(event=libbpf func=bpf_map_lookup_batch args.opts.sz=4)
	expect_eq "$(tc get "$TRACE" ret "${b[@]}")" -22 "tiny opts refused"
	expect_eq "$(field "$(line bpf_map_lookup_batch 2)" ret)" -22 "the program's view"
	expect_eq "$(tc get "$TRACE" args.count.out event=libbpf func=bpf_map_lookup_and_delete_batch)" \
		3 "lookup_and_delete_batch count"
	expect_eq "$(tc get "$TRACE" version event=libbpf func=bpf_map_lookup_and_delete_batch)" \
		LIBBPF_0.0.7 version
	expect_eq "$(tc get "$TRACE" args.count.out event=libbpf func=bpf_map_update_batch)" 3 \
		"update_batch count"
}

@test "9-argument wrapper: bpf_task_fd_query's stack arguments reach libbpf" {
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$MORE" taskfd
	expect_eq "$status" 0
	local l a=(event=libbpf func=bpf_task_fd_query)
	l=$(line bpf_task_fd_query)
	# the sentinels in fd_type, probe_offset, probe_addr (arguments 7-9,
	# on the stack) were overwritten by libbpf: it had the right pointers
	expect_eq "$(field "$l" ret)" 0 ret
	expect_eq "$(field "$l" buf)" sys_enter buf
	expect_eq "$(field "$l" prog_id)" "$(field "$l" want_id)" prog_id
	expect_eq "$(field "$l" fd_type)" 0 "fd_type (BPF_FD_TYPE_RAW_TRACEPOINT)"
	expect_eq "$(field "$l" probe_offset)" 0 probe_offset
	expect_eq "$(field "$l" probe_addr)" 0 probe_addr
	# and the trace says the same, argument by argument
	expect_eq "$(tc get "$TRACE" version "${a[@]}")" LIBBPF_0.0.1 version
	expect_eq "$(tc get "$TRACE" args.pid "${a[@]}")" "$(field "$l" pid)" pid
	expect_eq "$(tc get "$TRACE" args.fd "${a[@]}")" "$(field "$l" fd)" fd
	expect_eq "$(tc get "$TRACE" args.buf "${a[@]}")" sys_enter "buf out"
	expect_eq "$(tc get "$TRACE" args.buf_len.in "${a[@]}")" 64 "buf_len in"
	expect_eq "$(tc get "$TRACE" args.buf_len.out "${a[@]}")" "$(field "$l" buf_len)" "buf_len out"
	expect_eq "$(tc get "$TRACE" args.prog_id.out "${a[@]}")" "$(field "$l" want_id)" "prog_id out"
	expect_eq "$(tc get "$TRACE" args.fd_type.out "${a[@]}")" BPF_FD_TYPE_RAW_TRACEPOINT "fd_type out"
	expect_eq "$(tc get "$TRACE" args.fd_type.addr "${a[@]}")" "$(field "$l" fd_type_addr)" "7th addr"
	expect_eq "$(tc get "$TRACE" args.probe_offset.addr "${a[@]}")" \
		"$(field "$l" probe_offset_addr)" "8th addr"
	expect_eq "$(tc get "$TRACE" args.probe_addr.addr "${a[@]}")" \
		"$(field "$l" probe_addr_addr)" "9th addr"
	expect_eq "$(tc get "$TRACE" args.probe_addr.out "${a[@]}")" 0 "probe_addr out"
	expect_eq "$(tc get "$TRACE" cmd parent="$(tc get "$TRACE" seq "${a[@]}")")" \
		BPF_TASK_FD_QUERY "its syscall"
}

@test "bpf_map__ helpers: named by bpf_map__name, version LIBBPF_0.8.0, syscalls nested" {
	[ -f "$XDP_OBJ" ] || skip "tests/progs/xdp_pass.bpf.o was not built"
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$MORE" mapops "$XDP_OBJ"
	expect_eq "$status" 0
	expect_valid "$TRACE"
	local f
	for f in bpf_map__update_elem bpf_map__lookup_elem bpf_map__get_next_key \
		bpf_map__lookup_and_delete_elem bpf_map__delete_elem; do
		expect_eq "$(tc get "$TRACE" object event=libbpf func=$f | sort -u)" xdp_seen "$f object"
		expect_eq "$(tc get "$TRACE" version event=libbpf func=$f | sort -u)" LIBBPF_0.8.0 "$f version"
	done
	grep -E '^bpf_map__' <<<"$output" | sed -E 's/ ret=(-?[0-9]+) .*/ \1/' >"$T/want"
	for f in $(tc get "$TRACE" seq event=libbpf); do
		case $(tc get "$TRACE" func event=libbpf seq="$f") in
		bpf_map__*) echo "$(tc get "$TRACE" func event=libbpf seq="$f") $(tc get "$TRACE" ret event=libbpf seq="$f")" ;;
		esac
	done >"$T/got"
	diff -u "$T/want" "$T/got"
	# update: one syscall, made by bpf_map_update_elem inside it
	local up inner
	up=$(tc get "$TRACE" seq event=libbpf func=bpf_map__update_elem)
	inner=$(tc get "$TRACE" seq event=libbpf parent="$up")
	expect_eq "$(tc get "$TRACE" func event=libbpf seq="$inner")" bpf_map_update_elem "inner call"
	expect_eq "$(tc get "$TRACE" cmd parent="$inner")" BPF_MAP_UPDATE_ELEM "its syscall"
	expect_eq "$(tc get "$TRACE" syscalls event=libbpf seq="$up")" 1 "syscalls under update"
	# a wrong key size: libbpf refuses it without a syscall
	local bad=(event=libbpf func=bpf_map__lookup_elem args.key_sz=3)
	expect_eq "$(tc get "$TRACE" ret "${bad[@]}")" -22 "bad key_sz ret"
	expect_eq "$(tc get "$TRACE" syscalls "${bad[@]}")" 0 "bad key_sz syscalls"
	expect_eq "$(tc get "$TRACE" args.value_sz "${bad[@]}")" 8 value_sz
}

@test "functions no loaded libbpf has: dlsym finds nothing; dlvsym's call is missing, -ENOSYS" {
	local have
	have=$(objdump -T "$(ldd "$MORE" | awk '/libbpf\.so/ {print $3}')")
	grep -q ' libbpf_set_memlock_rlim$' <<<"$have" && skip "this libbpf has libbpf_set_memlock_rlim"
	grep -q 'LIBBPF_1.2.0' <<<"$have" && skip "this libbpf has LIBBPF_1.2.0"
	# without bpfspy, neither lookup finds anything
	run "$MORE" missing
	expect_eq "$output" $'dlsym absent\ndlvsym absent' "without bpfspy"
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$MORE" missing
	expect_eq "$status" 0
	# the wrappers are non-default versions: dlsym() does not see them
	expect_eq "$(head -1 <<<"$output")" "dlsym absent" "dlsym under bpfspy"
	expect_eq "$(tc count "$TRACE" event=libbpf func=libbpf_set_memlock_rlim)" 0 "memlock calls"
	# dlvsym() with the exact version does: the one way left to reach a
	# wrapper with no target
	expect_eq "$(line bpf_prog_get_info_by_fd)" "bpf_prog_get_info_by_fd ret=-38 errno=38" "info call"
	local i=(event=libbpf func=bpf_prog_get_info_by_fd)
	expect_eq "$(tc get "$TRACE" version "${i[@]}")" LIBBPF_1.2.0 "info version"
	expect_eq "$(tc get "$TRACE" missing "${i[@]}")" true "info missing"
	expect_eq "$(tc get "$TRACE" errno "${i[@]}")" ENOSYS errno
	expect_eq "$(tc get "$TRACE" syscalls "${i[@]}")" 0 syscalls
	expect_eq "$(tc get "$TRACE" args.info_len.in "${i[@]}")" 8 "info_len in"
	expect_eq "$(tc count "$TRACE")" 0 "no bpf syscall"
}

@test "one binary per version node: each call reaches the wrapper of that node" {
	local libbpf nodes node bin n=0 func
	libbpf=$(ldd "$MORE" | awk '/libbpf\.so/ {print $3}')
	# the nodes both our list and the installed libbpf have
	nodes=$(comm -12 \
		<(sed -nE 's/^LIBBPF_FUNC(_WIDE)?\([a-z_0-9]+, (LIBBPF_[0-9.]+).*/\2/p' \
			"$SRCDIR/decoders/libbpf/libbpf_funcs.def" | sort -u) \
		<(objdump -T "$libbpf" | grep -oE 'LIBBPF_[0-9.]+' | sort -u))
	[ -n "$nodes" ]
	for node in $nodes; do
		bin=$BUILDDIR/tests/progs/vercall_$(sed 's/^LIBBPF_//; s/\./_/g' <<<"$node")
		[ -x "$bin" ] || { echo "no test binary for $node: $bin" >&2; return 1; }
		run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$bin"
		expect_eq "$status" 0 "$bin exit"
		func=${output%% *}
		# the binary references FUNC@NODE ...
		objdump -T "$bin" | grep -qE "\($node\) +$func\$|$node +$func\$" ||
			{ echo "$bin does not reference $func@$node" >&2; return 1; }
		# ... and the top-level libbpf event is that function at that node
		expect_eq "$(tc get "$TRACE" version event=libbpf func="$func" | head -1)" "$node" \
			"$func version"
		expect_eq "$(tc get "$TRACE" ret event=libbpf func="$func" | head -1)" \
			"$(sed -nE 's/.* ret=([^ ]+) .*/\1/p' <<<"$output")" "$func ret"
		n=$((n + 1))
	done
	[ "$n" -ge 10 ]
}

@test "xdp-loader load/unload in a private netns: libbpf layer, nesting, results" {
	require_root
	require_cmd unshare ip
	command -v xdp-loader >/dev/null 2>&1 ||
		skip "xdp-loader is not installed (scripts/install-deps.sh installs xdp-tools)"
	[ -f "$XDP_OBJ" ] || skip "tests/progs/xdp_pass.bpf.o was not built"
	unshare -n true 2>/dev/null || skip "cannot make a network namespace"
	run unshare -n sh -c '
		ip link set lo up || exit 90
		"$1" run -o "$2/load.jsonl" -- xdp-loader load -m skb lo "$3" || exit 91
		xdp-loader status lo >"$2/status" 2>&1
		"$1" run -o "$2/unload.jsonl" -- xdp-loader unload -a lo || exit 92
		xdp-loader status lo >"$2/status2" 2>&1
		exit 0' sh "$BPFSPY" "$T" "$XDP_OBJ"
	expect_eq "$status" 0 "netns script"
	grep -q xdp_pass_prog "$T/status"
	! grep -q xdp_pass_prog "$T/status2"
	local L=$T/load.jsonl U=$T/unload.jsonl load pl seq
	expect_valid "$L"
	expect_eq "$(tc get "$L" layers event=header)" '["syscall","libbpf"]' layers
	expect_eq "$(tc get "$L" comm event=libbpf | sort -u)" xdp-loader comm
	# the program: bpf_prog_load of our XDP program, its syscall nested
	pl=(event=libbpf func=bpf_prog_load args.prog_name=xdp_pass_prog)
	seq=$(tc get "$L" seq "${pl[@]}" | tail -1)
	expect_eq "$(tc get "$L" args.prog_type event=libbpf seq="$seq")" BPF_PROG_TYPE_XDP prog_type
	expect_eq "$(tc get "$L" version event=libbpf seq="$seq")" LIBBPF_0.6.0 version
	expect_eq "$(tc get "$L" args.opts.expected_attach_type event=libbpf seq="$seq")" BPF_XDP \
		"opts.expected_attach_type"
	expect_eq "$(tc get "$L" cmd parent="$seq")" BPF_PROG_LOAD "its syscall"
	expect_eq "$(tc get "$L" attr.prog_name parent="$seq")" xdp_pass_prog "syscall prog_name"
	expect_eq "$(tc get "$L" ret parent="$seq")" "$(tc get "$L" ret event=libbpf seq="$seq")" \
		"the fd libbpf returned is the syscall's"
	# bpf_prog_load ran inside bpf_object__load
	load=$(tc get "$L" parent event=libbpf seq="$seq")
	expect_eq "$(tc get "$L" func event=libbpf seq="$load")" bpf_object__load "made in"
	expect_eq "$(tc get "$L" ret event=libbpf seq="$load")" 0 "object load ret"
	# the map: bpf_map_create of xdp_seen, BPF_MAP_CREATE under it
	seq=$(tc get "$L" seq event=libbpf func=bpf_map_create args.map_name=xdp_seen)
	expect_eq "$(tc get "$L" cmd parent="$seq")" BPF_MAP_CREATE "map syscall"
	expect_eq "$(tc get "$L" attr.max_entries parent="$seq")" 16 max_entries
	# every bpf event is inside a libbpf call, whose syscalls count it
	local s n sum=0
	for s in $(tc get "$L" seq event=libbpf); do
		n=$(tc count "$L" parent="$s")
		for c in $(tc get "$L" seq event=libbpf parent="$s"); do
			n=$((n + $(tc get "$L" syscalls event=libbpf seq="$c")))
		done
		expect_eq "$(tc get "$L" syscalls event=libbpf seq="$s")" "$n" "syscalls under $s"
	done
	expect_eq "$(tc count "$L" parent)" "$(tc count "$L")" "bpf events all nested"
	tc seq "$L" >/dev/null
	# unload: finds the program by id and reads its info through libbpf
	expect_valid "$U"
	expect_eq "$(tc get "$U" layers event=header)" '["syscall","libbpf"]' "unload layers"
	[ "$(tc count "$U" event=libbpf func=bpf_prog_get_fd_by_id)" -ge 1 ]
	seq=$(tc get "$U" seq event=libbpf func=bpf_prog_get_fd_by_id | head -1)
	expect_eq "$(tc get "$U" func event=libbpf parent="$seq")" bpf_prog_get_fd_by_id_opts \
		"get_fd_by_id calls the opts variant"
	expect_eq "$(tc get "$U" version event=libbpf parent="$seq")" LIBBPF_1.1.0 "opts variant version"
	expect_eq "$(tc get "$U" cmd parent="$(tc get "$U" seq event=libbpf parent="$seq")")" \
		BPF_PROG_GET_FD_BY_ID "its syscall"
}

@test "bpftrace: the libbpf layer shows and syscalls nest under its calls" {
	require_root
	require_cmd bpftrace
	ldd "$(command -v bpftrace)" | grep -q 'libbpf\.so' || skip "bpftrace does not link libbpf shared"
	run --separate-stderr timeout 120 "$BPFSPY" run -o "$TRACE" -- bpftrace -e 'BEGIN { exit(); }'
	expect_eq "$status" 0
	expect_valid "$TRACE"
	expect_eq "$(tc get "$TRACE" layers event=header)" '["syscall","libbpf"]' layers
	[ "$(tc count "$TRACE" event=libbpf func=bpf_prog_load)" -ge 1 ]
	# each bpf_prog_load made a BPF_PROG_LOAD with the same type
	local s
	for s in $(tc get "$TRACE" seq event=libbpf func=bpf_prog_load); do
		expect_eq "$(tc get "$TRACE" cmd parent="$s" | sort -u)" BPF_PROG_LOAD "syscall of $s"
		expect_eq "$(tc get "$TRACE" attr.prog_type parent="$s" | sort -u)" \
			"$(tc get "$TRACE" args.prog_type event=libbpf seq="$s")" "prog_type of $s"
		expect_eq "$(tc count "$TRACE" parent="$s")" \
			"$(tc get "$TRACE" syscalls event=libbpf seq="$s")" "syscalls of $s"
	done
	# the BEGIN probe is attached through bpf_link_create, nested syscall
	s=$(tc get "$TRACE" seq event=libbpf func=bpf_link_create | head -1)
	if [ -n "$s" ]; then
		expect_eq "$(tc get "$TRACE" cmd parent="$s")" BPF_LINK_CREATE "link syscall"
		expect_eq "$(tc get "$TRACE" attr.attach_type parent="$s")" \
			"$(tc get "$TRACE" args.attach_type event=libbpf seq="$s")" "link attach_type"
		expect_eq "$(tc get "$TRACE" errno parent="$s")" \
			"$(tc get "$TRACE" errno event=libbpf seq="$s")" "link errno"
		if [ "$(tc get "$TRACE" args.attach_type event=libbpf seq="$s")" = \
		     BPF_TRACE_KPROBE_MULTI ]; then
			expect_eq "$(tc get "$TRACE" args.opts.kprobe_multi.cnt event=libbpf seq="$s")" \
				"$(tc get "$TRACE" attr.kprobe_multi.cnt parent="$s")" "kprobe_multi arm"
		fi
	fi
	tc seq "$TRACE" >/dev/null
}

@test "bpf_program__attach: the variant it picks, the bpf.h wrapper and the syscall nest" {
	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
	"$BPFSPY" run -o "$TRACE" -- "$LOADER" "$BPF_OBJ" >/dev/null
	local top inner
	top=$(tc get "$TRACE" seq event=libbpf func=bpf_program__attach)
	expect_match "$top" '^[0-9]+$' "one bpf_program__attach"
	expect_eq "$(tc get "$TRACE" func event=libbpf parent="$top")" bpf_program__attach_raw_tracepoint \
		"the variant under it"
	inner=$(tc get "$TRACE" seq event=libbpf parent="$top")
	expect_eq "$(tc get "$TRACE" version event=libbpf seq="$inner")" LIBBPF_0.0.4 "variant version"
	expect_eq "$(tc get "$TRACE" args.tp_name event=libbpf seq="$inner")" sys_enter "tp_name"
	local wrapper
	wrapper=$(tc get "$TRACE" seq event=libbpf parent="$inner")
	expect_eq "$(tc get "$TRACE" func event=libbpf seq="$wrapper")" bpf_raw_tracepoint_open \
		"the bpf.h wrapper under the variant"
	expect_eq "$(tc get "$TRACE" cmd parent="$wrapper")" BPF_RAW_TRACEPOINT_OPEN "the syscall under that"
	expect_eq "$(tc get "$TRACE" ret event=libbpf seq="$inner")" \
		"$(tc get "$TRACE" ret event=libbpf seq="$top")" "the same link returned"
}
