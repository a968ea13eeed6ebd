#!/usr/bin/env bats
# bpfspy run --stack: each event carries the call stack of its call site
# (module, function, offset), unwound inside the shim's hook.  The example
# loader's frames are named from its .symtab, libbpf's exported functions
# from its .dynsym; the shim's own frames never show.

load "${SRCDIR:-..}/tests/lib.bash"

setup() {
	common_setup
}

# frames FILE [FILTER...]: "module:function" of each frame of the first
# matching event, one a line ("?" for no function).
frames() {
	local f=$1 i=0 m fn
	shift
	while m=$(tc get "$f" "stack.$i.module" "$@" | head -1) && [ -n "$m" ] &&
		[ "$m" != "<absent>" ]; do
		fn=$(tc get "$f" "stack.$i.function" "$@" | head -1)
		echo "$m:${fn/<absent>/?}"
		i=$((i + 1))
	done
}

# stack_count FILE CMD JQ-PREDICATE: how many CMD events have a frame that
# satisfies the predicate, wherever it is in the stack.
stack_count() {
	jq -s --arg cmd "$2" "[.[] | select(.cmd == \$cmd) |
		select([.stack[]? | select($3)] | length > 0)] | length" "$1"
}

require_loader() {
	require_bpf
	[ -x "$LOADER" ] || skip "examples/minimal_loader was not built"
}

@test "stack: the libbpf call and its syscalls name the example loader's functions" {
	require_loader
	run --separate-stderr spy --stack -- "$LOADER" "$BPF_OBJ"
	expect_eq "$status" 0 "loader: $stderr"
	expect_valid "$TRACE"
	tc seq "$TRACE" >/dev/null || { tc seq "$TRACE" >&2; return 1; }
	expect_eq "$(tc get "$TRACE" stack event=header)" '{"depth":16}' "header"

	# bpf_object__load is called by run() (or main, if run was inlined)
	local load=(event=libbpf func=bpf_object__load)
	expect_eq "$(tc get "$TRACE" stack.0.module "${load[@]}")" minimal_loader "frame 0 module"
	expect_match "$(tc get "$TRACE" stack.0.function "${load[@]}")" '^(run|main)$' "frame 0"
	expect_match "$(tc get "$TRACE" stack.0.offset "${load[@]}")" '^[1-9][0-9]*$' "offset"
	expect_match "$(tc get "$TRACE" stack.0.addr "${load[@]}")" '^0x[0-9a-f]+$' "addr"
	expect_match "$(tc get "$TRACE" stack.0.module_addr "${load[@]}")" '^0x[0-9a-f]+$' "module_addr"
	expect_match "$(frames "$TRACE" "${load[@]}" | tr '\n' ' ')" \
		'^(minimal_loader:run )?minimal_loader:main libc\.so\.6:' "the whole stack"

	# BPF_PROG_LOAD is made inside libbpf, inside bpf_object__load
	local st
	st=$(frames "$TRACE" cmd=BPF_PROG_LOAD attr.prog_name=count_syscalls | tr '\n' ' ')
	expect_match "$st" '^libbpf\.so[.0-9]*:' "made in libbpf: $st"
	expect_match "$st" 'libbpf\.so[.0-9]*:bpf_object__load minimal_loader:(run|main) ' \
		"under bpf_object__load, called by the loader: $st"
	[[ $st != *libbpfspy* ]] || { echo "the shim's frames show: $st" >&2; return 1; }
	# the same call site, packed (lookups) and rendered live (loads), reads alike
	expect_match "$(frames "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM | tr '\n' ' ')" \
		'^libbpf\.so[.0-9]*:bpf_map_lookup_elem minimal_loader:(run|main) ' "lookup"
	expect_eq "$(tc count "$TRACE" event=libbpf stack)" "$(tc count "$TRACE" event=libbpf)" \
		"every libbpf event has a stack"
	expect_eq "$(tc count "$TRACE" stack)" "$(tc count "$TRACE")" "every bpf event has a stack"
	# libunwind's own fds (a pipe) are kept out of the loader's way
	"$BPFSPY" run -o "$T/plain.jsonl" -- "$LOADER" "$BPF_OBJ" >/dev/null
	expect_eq "$(tc get "$TRACE" ret cmd=BPF_MAP_CREATE | tr '\n' ' ')" \
		"$(tc get "$T/plain.jsonl" ret cmd=BPF_MAP_CREATE | tr '\n' ' ')" "same map fds"
}

@test "stack: a program's own bpf() calls, through syscall()" {
	require_bpf
	spy --stack -- "$EXERCISER" lookup 3 >"$T/out" 2>"$T/err" || { cat "$T/err" >&2; return 1; }
	"$EXERCISER" lookup 3 >"$T/native"
	expect_eq "$(cat "$T/out")" "$(cat "$T/native")" "same output, same fd numbers"
	expect_eq "$(tc count "$TRACE" stack.0.module=exerciser)" 4 "create and 3 lookups"
	# sys_bpf and the helpers above it may be inlined into do_lookup
	expect_match "$(tc get "$TRACE" stack.0.function cmd=BPF_MAP_LOOKUP_ELEM | sort -u)" \
		'^(sys_bpf|map_elem|map_lookup|lookups|do_lookup)$' "frame 0"
	expect_match "$(frames "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM | tr '\n' ' ')" \
		'exerciser:do_lookup .*libc\.so\.6:__libc_start_main exerciser:_start $' "stack"
	# a frame without a symbol (libc's static __libc_start_call_main) has
	# its module and module_addr, no function or offset; which index it
	# has depends on what the compiler inlined into do_lookup
	expect_eq "$(stack_count "$TRACE" BPF_MAP_LOOKUP_ELEM \
		'.module == "libc.so.6" and .module_addr != null and .function == null')" 3 \
		"unnamed frame"
	expect_eq "$(stack_count "$TRACE" BPF_MAP_LOOKUP_ELEM \
		'.offset != null and .function == null')" 0 "no offset without a function"
}

@test "stack: --stack=2 keeps two frames and says the stack was cut" {
	require_loader
	spy --stack=2 -- "$LOADER" "$BPF_OBJ" >/dev/null
	expect_eq "$(tc get "$TRACE" stack.depth event=header)" 2 "header depth"
	expect_eq "$(tc count "$TRACE" stack.1)" "$(tc count "$TRACE")" "two frames each (bpf)"
	expect_eq "$(tc count "$TRACE" stack.2)" 0 "never a third (bpf)"
	expect_eq "$(tc count "$TRACE" event=libbpf stack.2)" 0 "never a third (libbpf)"
	expect_eq "$(tc count "$TRACE" stack_truncated=true)" "$(tc count "$TRACE")" "cut"
	# depth 1: just the call site
	spy --stack=1 -- "$EXERCISER" lookup 2 >/dev/null
	expect_eq "$(tc count "$TRACE" stack.0.module=exerciser)" 3 "depth 1"
	expect_eq "$(tc count "$TRACE" stack.1)" 0 "one frame"
	# a deep enough stack is whole
	spy --stack=64 -- "$EXERCISER" lookup 2 >/dev/null
	expect_eq "$(tc count "$TRACE" stack_truncated)" 0 "64 frames: not cut"
	expect_eq "$(tc count "$TRACE" stack.0)" 3 "stacks"
}

@test "stack: bad depths are refused before anything runs" {
	for d in 0 65 x -1 ''; do
		run -2 "$BPFSPY" run -o "$TRACE" --stack="$d" -- "$EXERCISER" lookup 1
		expect_match "$output" "--stack takes a depth from 1 to 64 frames, not '$d'" "depth [$d]"
	done
	[ ! -s "$TRACE" ]
}

@test "stack: without --stack no event has a stack and libunwind stays out" {
	require_loader
	spy -- "$LOADER" "$BPF_OBJ" >/dev/null
	expect_eq "$(tc count "$TRACE" stack)" 0 "bpf events"
	expect_eq "$(tc count "$TRACE" event=libbpf stack)" 0 "libbpf events"
	expect_eq "$(tc count "$TRACE" event=header stack)" 0 "header"
	# the shim does not link libunwind; only --stack loads it
	run ldd "$SHIM"
	[[ $output != *libunwind* ]] || { echo "the shim links libunwind: $output" >&2; return 1; }
	local maps
	maps=$(LD_PRELOAD=$SHIM BPFSPY_OUTPUT=$T/bare.jsonl sh -c 'cat /proc/$$/maps')
	[[ $maps != *libunwind* ]] || { echo "libunwind mapped without --stack" >&2; return 1; }
	maps=$(LD_PRELOAD=$SHIM BPFSPY_OUTPUT=$T/bare.jsonl BPFSPY_STACK=4 sh -c 'cat /proc/$$/maps')
	[[ $maps == *libunwind* ]] || { echo "libunwind not mapped with BPFSPY_STACK" >&2; return 1; }
}

@test "stack: without libunwind the header says why and events go without" {
	require_bpf
	BPFSPY_UNWIND_LIB=/nonexistent/libunwind.so.8 spy --stack -- "$EXERCISER" lookup 2 >"$T/out"
	expect_eq "$(cat "$T/out")" "$("$EXERCISER" lookup 2)" "the program runs as usual"
	expect_eq "$(tc get "$TRACE" stack.depth event=header)" 16 "depth asked"
	expect_match "$(tc get "$TRACE" stack.error event=header)" \
		'^cannot load libunwind: /nonexistent/libunwind.so.8: ' "why"
	expect_eq "$(tc count "$TRACE")" 3 "events"
	expect_eq "$(tc count "$TRACE" stack)" 0 "no stacks"
}

@test "stack: threads and a forked child name their own call sites" {
	require_bpf
	spy --stack -- "$EXERCISER" threads 3 20 >/dev/null
	tc seq "$TRACE" >/dev/null || { tc seq "$TRACE" >&2; return 1; }
	expect_eq "$(stack_count "$TRACE" BPF_MAP_LOOKUP_ELEM \
		'.module == "exerciser" and .function == "worker_main"')" 60 "every thread's lookups"
	expect_eq "$(tc get "$TRACE" tid cmd=BPF_MAP_LOOKUP_ELEM | sort -u | wc -l)" 3 "3 threads"

	# the child spools the names again in its own spool
	spy --stack -- "$EXERCISER" fork >"$T/out"
	local child
	child=$(sed -n 's/.*child=\([0-9]*\).*/\1/p' "$T/out")
	expect_match "$child" '^[0-9]+$' "child pid"
	expect_eq "$(tc count "$TRACE" pid="$child" stack.0.module=exerciser stack.0.function)" 3 \
		"the child's lookups, named"
	expect_eq "$(tc count "$TRACE" pid!="$child" stack.0.module=exerciser stack.0.function)" 3 \
		"the parent's create and lookups, named"
}

@test "stack: diff leaves stacks out; report says where a failure was called from" {
	require_bpf
	"$BPFSPY" run -o "$T/a.jsonl" --stack -- "$EXERCISER" errno >/dev/null
	"$BPFSPY" run -o "$T/b.jsonl" -- "$EXERCISER" errno >/dev/null
	run "$BPFSPY" diff "$T/a.jsonl" "$T/b.jsonl"
	expect_eq "$status" 0 "with and without stacks: $output"
	run "$BPFSPY" report "$T/a.jsonl"
	# the innermost frame of the program: do_errno or a helper of it
	local fn='(sys_bpf|map_elem|map_lookup|map_update|do_errno)\+[0-9]+ \(exerciser\)'
	expect_match "$output" "BPF_MAP_LOOKUP_ELEM: EBADF
    called from $fn" "text"
	run "$BPFSPY" report --json "$T/a.jsonl"
	expect_match "$output" "\"call\":\"BPF_MAP_UPDATE_ELEM\",[^}]*\"where\":\"$fn\"" "json"
	run "$BPFSPY" report "$T/b.jsonl"
	[[ $output != *"called from"* ]] || { echo "where without stacks: $output" >&2; return 1; }
}

@test "stack: a raw call trapped by --seccomp-trap starts at the program's frame" {
	require_bpf
	spy --stack --seccomp-trap -- "$EXERCISER" rawcalls >/dev/null
	local n
	n=$(tc count "$TRACE" via=seccomp)
	[ "$n" -gt 0 ] || { echo "no trapped calls" >&2; return 1; }
	# frame 0 is the function whose syscall instruction trapped, not libc's
	# sigreturn trampoline the handler returns through
	expect_eq "$(tc count "$TRACE" via=seccomp stack.0.module=exerciser stack.0.function)" \
		"$n" "frame 0 of every trapped call"
	expect_eq "$(stack_count "$TRACE" BPF_MAP_LOOKUP_ELEM \
		'.module == "exerciser" and .function == "do_rawcalls"')" \
		"$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM)" "do_rawcalls in every lookup's stack"
}
