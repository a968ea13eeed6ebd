#!/usr/bin/env bats
# The libbpf layer: libbpf's API calls recorded by exact symbol version,
# with the bpf syscalls they make nested under them.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
	require_bpf
	LIBBPF_CALLS=$BUILDDIR/tests/progs/libbpf_calls
	[ -x "$LIBBPF_CALLS" ] || skip "tests/progs/libbpf_calls was not built"
}

@test "libbpf calls: func, version, args, result; errno = -ret on failure" {
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$LIBBPF_CALLS"
	expect_eq "$status" 0
	expect_valid "$TRACE"
	expect_eq "$(tc get "$TRACE" layers event=header)" '["syscall","libbpf"]' "layers"
	expect_match "$(tc get "$TRACE" libbpf event=header)" '^v?[0-9]+\.[0-9]+' "libbpf version"
	# The calls in order, as the program printed them.
	paste -d' ' <(tc get "$TRACE" func event=libbpf) <(tc get "$TRACE" ret event=libbpf) >"$T/got"
	sed -E 's/ ret=(-?[0-9]+) errno=.*/ \1/' <<<"$output" >"$T/want"
	diff -u "$T/want" "$T/got"
	local a=(event=libbpf func=bpf_map_create args.map_name=lbc_array)
	expect_eq "$(tc get "$TRACE" version "${a[@]}")" LIBBPF_0.6.0 "bpf_map_create version"
	expect_eq "$(tc get "$TRACE" args.map_type "${a[@]}")" BPF_MAP_TYPE_ARRAY map_type
	expect_eq "$(tc get "$TRACE" args.value_size "${a[@]}")" 8 value_size
	expect_eq "$(tc get "$TRACE" version event=libbpf func=bpf_map_update_elem)" LIBBPF_0.0.1 \
		"bpf_map_update_elem version"
	# libbpf's convention: a negative code and errno the same.
	expect_eq "$(tc get "$TRACE" ret event=libbpf args.map_name=lbc_bad)" -22 "failed create ret"
	expect_eq "$(tc get "$TRACE" errno event=libbpf args.map_name=lbc_bad)" EINVAL "failed create errno"
	expect_eq "$(tc get "$TRACE" failed event=libbpf args.map_name=lbc_bad)" 1 "failed syscalls under it"
	expect_eq "$(tc get "$TRACE" errno event=libbpf func=bpf_map_lookup_elem ret=-2)" ENOENT \
		"missing key errno"
	expect_match "$(tc get "$TRACE" checks event=libbpf func=bpf_map_lookup_elem ret=-2)" \
		'"rule":"libbpf-errno-doc","verdict":"pass","why":"ENOENT is documented for bpf_map_lookup_elem"' \
		"the documented ENOENT"
	# seq is shared: no libbpf or bpf event lost or duplicated.
	tc seq "$TRACE" >/dev/null
}

@test "libbpf calls: each syscall's parent is the libbpf call that made it" {
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$LIBBPF_CALLS"
	expect_eq "$status" 0
	local seq n sum=0
	# Every libbpf call's "syscalls" equals the bpf events whose parent it is.
	for seq in $(tc get "$TRACE" seq event=libbpf); do
		n=$(tc get "$TRACE" syscalls event=libbpf seq="$seq")
		expect_eq "$(tc count "$TRACE" event=bpf parent="$seq")" "$n" "syscalls under $seq"
		sum=$((sum + n))
	done
	# and no bpf event is outside a libbpf call here.
	expect_eq "$(tc count "$TRACE" event=bpf)" "$sum" "bpf events in all"
	local create
	create=$(tc get "$TRACE" seq event=libbpf args.map_name=lbc_hash)
	expect_eq "$(tc get "$TRACE" cmd event=bpf parent="$create")" BPF_MAP_CREATE "the create's syscall"
	expect_eq "$(tc get "$TRACE" attr.map_name event=bpf parent="$create")" lbc_hash "its map_name"
}

@test "libbpf calls: a binary bound to bpf_map_create@LIBBPF_0.6.0 reaches that wrapper" {
	# libbpf_calls references bpf_map_create@LIBBPF_0.6.0 explicitly (.symver)
	# for lbc_hash; the dynamic linker binds it to the wrapper of that version,
	# which is exported as a non-default version "(LIBBPF_0.6.0)": an
	# unversioned dlsym() never finds it.
	objdump -T "$LIBBPF_CALLS" | grep -q 'LIBBPF_0.6.0.*bpf_map_create'
	objdump -T "$BUILDDIR/preload/.libs/libbpfspy.so" | grep -qE '\(LIBBPF_0\.6\.0\) +bpf_map_create$'
	objdump -T "$BUILDDIR/preload/.libs/libbpfspy.so" | grep -qE 'Base +syscall$'
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$LIBBPF_CALLS"
	expect_eq "$(tc get "$TRACE" version event=libbpf args.map_name=lbc_hash)" LIBBPF_0.6.0 version
}

@test "example loader: bpf_object__load names its object and counts the syscalls under it" {
	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$LOADER" "$BPF_OBJ"
	expect_eq "$status" 0
	local load child total
	load=$(tc get "$TRACE" seq event=libbpf func=bpf_object__load)
	expect_eq "$(tc get "$TRACE" object event=libbpf func=bpf_object__load)" minimal "object name"
	# Its syscalls: made directly, or inside the libbpf calls it made.
	total=$(tc count "$TRACE" event=bpf parent="$load")
	for child in $(tc get "$TRACE" seq event=libbpf parent="$load"); do
		total=$((total + $(tc count "$TRACE" event=bpf parent="$child")))
	done
	expect_eq "$(tc get "$TRACE" syscalls event=libbpf func=bpf_object__load)" "$total" \
		"syscalls under bpf_object__load"
	[ "$total" -ge 10 ]
	# The map "counts" was created by bpf_map_create called from the load.
	local mc
	mc=$(tc get "$TRACE" parent event=bpf cmd=BPF_MAP_CREATE attr.map_name=counts)
	expect_eq "$(tc get "$TRACE" func event=libbpf seq="$mc")" bpf_map_create "counts made by"
	expect_eq "$(tc get "$TRACE" parent event=libbpf seq="$mc")" "$load" "inside the load"
	expect_eq "$(tc get "$TRACE" object event=libbpf func=bpf_program__attach)" count_syscalls \
		"attached program"
}

@test "static libbpf (bpftool): only the syscall layer, and the header says so" {
	require_cmd bpftool
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- bpftool prog show
	expect_eq "$(tc get "$TRACE" layers event=header)" '["syscall"]' "layers"
	expect_eq "$(tc count "$TRACE" event=libbpf)" 0 "libbpf events"
}

@test "libbpf dur_ns: a thin wrapper's is its syscall's, not the shim's" {
	run --separate-stderr "$BPFSPY" run -o "$TRACE" -- "$LIBBPF_CALLS" loop 2000
	expect_eq "$status" 0
	# per bpf_map_lookup_elem: its dur_ns over its one syscall's
	jq -rs '(map(select(.event == "libbpf" and .func == "bpf_map_lookup_elem")) |
			map({key: (.seq | tostring), value: .dur_ns}) | from_entries) as $lib
		| .[] | select(.event == "bpf" and .parent != null and $lib[.parent | tostring])
		| "\($lib[.parent | tostring]) \(.dur_ns)"' "$TRACE" >"$T/durs"
	expect_eq "$(wc -l <"$T/durs")" 2000 "lookups paired with their syscall"
	# Called by the program, a lookup takes as long as its one syscall:
	# what the shim spent recording it (~110 ns a replayed lookup, on
	# 250-900 ns syscalls on the machines we had) is left out, and so
	# are libbpf's few instructions around it (bpfspy-trace(5)).
	expect_eq "$(awk '$1 != $2' "$T/durs" | wc -l)" 0 "libbpf calls not as long as their syscall"
	# wall_ns spans the syscall too (its start to the syscall's end)
	expect_eq "$(jq -s '[.[] | select(.event == "libbpf" and .func == "bpf_map_lookup_elem" and
		(.wall_ns // .dur_ns) < .dur_ns)] | length' "$TRACE")" 0 "wall_ns under dur_ns"
}
