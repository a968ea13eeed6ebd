#!/usr/bin/env bats
# Programs that load libbpf with dlopen(): a plugin linked with -lbpf
# (tests/progs/dlplugin.c) loaded by tests/progs/dlhost every way dlopen()
# allows, two plugins with two libbpf copies, Python's ctypes, and BCC's
# Python tools (bpfcc-tools: ctypes loads libbcc.so.0, which links
# libbpf.so.1).  Each runs natively and under bpfspy: the same output and
# status, and the libbpf layer records the calls with their syscalls
# nested.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
	require_bpf
	HOST=$BUILDDIR/tests/progs/dlhost
	PLUGIN=$BUILDDIR/tests/progs/libdlplugin.so
	[ -x "$HOST" ] && [ -f "$PLUGIN" ] ||
		skip "tests/progs/dlhost or libdlplugin.so was not built"
}

# native_and_spy CMD...: run CMD natively, then under bpfspy run -o $TRACE;
# the two outputs and statuses must be the same.  Leaves the spy's
# output in $output.
native_and_spy() {
	local native rc
	run "$@"
	native=$output rc=$status
	run "$BPFSPY" run -o "$TRACE" -- "$@"
	expect_eq "$status" "$rc" "status under bpfspy"
	expect_eq "$output" "$native" "output under bpfspy"
	expect_valid "$TRACE"
	expect_eq "$(tc count "$TRACE" event=libbpf missing=true)" 0 "calls without a target"
}

# nested FUNC [FILTER...]: every libbpf call of FUNC made a bpf call whose
# parent it is; prints how many calls there were.
nested() {
	local f=$1 seqs missing
	shift
	seqs=$(tc get "$TRACE" seq event=libbpf func="$f" "$@" | sort -u)
	missing=$(comm -23 <(echo "$seqs") <(tc get "$TRACE" parent parent | sort -u))
	[ -z "$missing" ] || { echo "$f: no bpf call nested under seq" $missing >&2; return 1; }
	grep -c . <<<"$seqs"
}

@test "plugin by dlopen: RTLD_LOCAL and RTLD_GLOBAL, RTLD_NOW and RTLD_LAZY" {
	local flags
	for flags in local,now local,lazy global,now global,lazy; do
		native_and_spy "$HOST" open "$flags" "$PLUGIN"
		expect_eq "$(head -1 <<<"$output")" "$flags map=ok rt=42" "$flags"
		# dlsym() finds what it finds natively: libbpf's own function
		# once libbpf is global, nothing while it is local
		case $flags in
		global*) expect_eq "$(tail -1 <<<"$output")" dlsym=libbpf "$flags: dlsym" ;;
		*) expect_eq "$(tail -1 <<<"$output")" dlsym=none "$flags: dlsym" ;;
		esac
		expect_eq "$(tc get "$TRACE" layers.1 event=header)" libbpf "$flags: header layers"
		expect_match "$(tc get "$TRACE" libbpf_path event=header)" '/libbpf\.so\.1$' \
			"$flags: header libbpf_path"
		expect_eq "$(nested bpf_map_create ret!=-38)" 1 "$flags: bpf_map_create"
		expect_eq "$(tc get "$TRACE" ret event=libbpf func=bpf_map_update_elem)" 0 \
			"$flags: update"
		expect_eq "$(nested bpf_map_lookup_elem)" 1 "$flags: lookup"
		expect_eq "$(tc get "$TRACE" attr.map_name cmd=BPF_MAP_CREATE)" dlhost \
			"$flags: the map"
	done
}

@test "a plugin's calls: --inject fails them, --stack names the plugin's function" {
	run "$BPFSPY" run -o "$TRACE" --inject bpf_map_create:EPERM -- "$HOST" open local,now "$PLUGIN"
	expect_eq "$status" 0
	expect_eq "$(head -1 <<<"$output")" "local,now map=-1 errno=1" "injected"
	expect_eq "$(tc get "$TRACE" injected event=libbpf func=bpf_map_create)" true "recorded"
	run "$BPFSPY" run -o "$TRACE" --stack -- "$HOST" open local,lazy "$PLUGIN"
	expect_eq "$(head -1 <<<"$output")" "local,lazy map=ok rt=42" "with --stack"
	expect_eq "$(tc get "$TRACE" stack.0.function event=libbpf func=bpf_map_create)" \
		plugin_make_map "frame 0"
	expect_eq "$(tc get "$TRACE" stack.0.module event=libbpf func=bpf_map_create)" \
		libdlplugin.so "its module"
}

@test "libbpf loaded after the header: a layer event announces it" {
	native_and_spy "$HOST" late "$PLUGIN"
	expect_eq "$(tc get "$TRACE" libbpf event=header)" "static or absent" "header libbpf"
	expect_eq "$(tc get "$TRACE" layers event=header)" '["syscall"]' "header layers"
	expect_eq "$(tc count "$TRACE" event=layer)" 1 "layer events"
	expect_eq "$(tc get "$TRACE" layer event=layer)" libbpf "layer"
	expect_match "$(tc get "$TRACE" libbpf_path event=layer)" '/libbpf\.so\.1$' "its path"
	expect_match "$(tc get "$TRACE" libbpf event=layer)" '^v?[0-9]+\.[0-9]+' "its version"
	expect_eq "$(nested bpf_map_create)" 1 "bpf_map_create"
	# the raw call is the first event, with no parent
	expect_eq "$(tc get "$TRACE" parent seq=1)" "<absent>" "the raw call"
	# report names the libbpf the layer line announced
	local ver
	ver=$(tc get "$TRACE" libbpf event=layer)
	run "$BPFSPY" report "$TRACE"
	expect_match "$output" "libbpf  $ver, kernel" "report"
}

@test "dlclose and reopen: each round reaches the libbpf loaded then" {
	native_and_spy "$HOST" reopen 3 "$PLUGIN"
	# dlhost reserved the old libbpf's addresses: each round's libbpf is
	# elsewhere, so a call through a stale target would have faulted
	expect_eq "$(tail -1 <<<"$output")" "reserved=1" "libbpf moved each round"
	expect_eq "$(grep -c 'map=ok' <<<"$output")" 3 "rounds"
	expect_eq "$(nested bpf_map_create)" 3 "bpf_map_create"
	expect_eq "$(nested bpf_map_lookup_elem)" 3 "lookups"
	# the first libbpf is in the header, each reload at a new address is
	# announced
	expect_eq "$(tc count "$TRACE" event=layer)" 2 "layer events"
}

# A second libbpf: the real one with another soname (same length, so the
# ELF stays intact), and a copy of the plugin that needs it.
make_second_copy() {
	local libbpf
	libbpf=$(ldd "$PLUGIN" | awk '/libbpf\.so\.1/ {print $3}')
	[ -f "$libbpf" ] || skip "cannot find the plugin's libbpf.so.1"
	mkdir -p "$T/lib7"
	perl -0pe 's/libbpf\.so\.1\0/libbpf.so.7\0/g' "$libbpf" >"$T/lib7/libbpf.so.7"
	perl -0pe 's/libbpf\.so\.1\0/libbpf.so.7\0/g' "$PLUGIN" >"$T/lib7/libdlplugin7.so"
	readelf -d "$T/lib7/libdlplugin7.so" | grep -q 'NEEDED.*\[libbpf\.so\.7\]' ||
		skip "could not make a plugin that needs libbpf.so.7"
	export LD_LIBRARY_PATH=$T/lib7
}

@test "two plugins with two libbpf copies: each one's calls run in its own copy" {
	require_cmd perl readelf
	make_second_copy
	native_and_spy "$HOST" two "$PLUGIN" "$T/lib7/libdlplugin7.so"
	expect_eq "$(head -1 <<<"$output")" "copies=two" "two copies loaded"
	# each plugin's libbpf logged through that plugin's own callback
	expect_match "$output" $'a probe=own\nb probe=own' "each copy ran its own plugin's calls"
	expect_eq "$(tc count "$TRACE" event=libbpf func=bpf_object__open_mem)" 2 "open_mem calls"
	# libbpf's own code for "not an ELF object" has no errno name
	expect_eq "$(tc get "$TRACE" errno event=libbpf func=bpf_object__open_mem | sort -u)" \
		ERRNO_4001 "open_mem errno"
	expect_eq "$(tc get "$TRACE" errno_num event=libbpf func=bpf_object__open_mem | sort -u)" \
		4001 "open_mem errno_num"
	expect_eq "$(nested bpf_map_create)" 2 "bpf_map_create"
	expect_eq "$(tc get "$TRACE" libbpf_path event=layer)" "$T/lib7/libbpf.so.7" \
		"the second copy announced"
}

@test "two copies and fork: each process's block names both" {
	require_cmd perl readelf
	make_second_copy
	native_and_spy "$HOST" fork "$PLUGIN" "$T/lib7/libdlplugin7.so"
	expect_eq "$(tail -1 <<<"$output")" "child status=0" "child"
	local pid pids
	pids=$(tc get "$TRACE" pid event=header)
	expect_eq "$(wc -l <<<"$pids")" 2 "two process images"
	for pid in $pids; do
		expect_match "$(tc get "$TRACE" libbpf_path event=header pid="$pid")" \
			'/libbpf\.so\.1$' "$pid: header"
		expect_eq "$(tc get "$TRACE" libbpf_path event=layer pid="$pid")" \
			"$T/lib7/libbpf.so.7" "$pid: the second copy, announced in its block"
		# seq restarts in the child: the calls and their syscalls per pid
		expect_eq "$(comm -12 \
			<(tc get "$TRACE" seq event=libbpf func=bpf_map_create pid="$pid" | sort) \
			<(tc get "$TRACE" parent cmd=BPF_MAP_CREATE pid="$pid" | sort) | wc -l)" 2 \
			"$pid: bpf_map_create with its syscall nested"
	done
}

@test "a plugin loaded in one thread while another thread calls libbpf" {
	require_cmd perl readelf
	make_second_copy
	native_and_spy "$HOST" thread "$PLUGIN" "$T/lib7/libdlplugin7.so"
	expect_eq "$output" $'b map=ok bad=0\na loop=ok' "both threads"
	expect_eq "$(tc count "$TRACE" event=libbpf func=bpf_map_lookup_elem errno!=null)" 0 \
		"failed lookups"
	expect_eq "$(nested bpf_map_create)" 2 "bpf_map_create"
	[ "$(tc count "$TRACE" event=libbpf func=bpf_map_lookup_elem)" -ge 2000 ]
}

@test "a plugin opened and closed 200 times while another thread calls libbpf" {
	# each dlclose unloads the copy B (another file), so every cached
	# target is dropped 200 times under the thread that keeps calling
	cp "$PLUGIN" "$T/libdlpluginB.so"
	native_and_spy "$HOST" churn 200 "$PLUGIN" "$T/libdlpluginB.so"
	expect_eq "$output" $'b rounds=200 bad=0\na loop=ok' "both threads"
	expect_eq "$(nested bpf_map_create)" 201 "bpf_map_create"
	expect_eq "$(tc count "$TRACE" event=libbpf errno!=null)" 0 "failed calls"
}

@test "Python ctypes loads the plugin (RTLD_LOCAL) and calls libbpf through it" {
	require_cmd python3
	cat >"$T/use.py" <<-'PY'
	import ctypes, os, sys
	lib = ctypes.CDLL(sys.argv[1])
	fd = lib.plugin_make_map(b"pyctypes")
	print("map", "ok" if fd >= 0 else "failed errno=%d" % lib.plugin_errno())
	lib.plugin_roundtrip.restype = ctypes.c_long
	print("roundtrip", lib.plugin_roundtrip(fd, ctypes.c_long(7)))
	os.close(fd)
	PY
	native_and_spy python3 "$T/use.py" "$PLUGIN"
	expect_eq "$output" $'map ok\nroundtrip 7' "ctypes"
	expect_eq "$(tc get "$TRACE" ret event=libbpf func=bpf_map_create args.map_name=pyctypes \
		| awk '$1 >= 0 {print "fd"}')" fd "bpf_map_create"
	expect_eq "$(nested bpf_map_create args.map_name=pyctypes)" 1 "nested"
	expect_eq "$(nested bpf_map_update_elem)" 1 "update nested"
}

# ---- BCC ------------------------------------------------------------------

# BCC compiles its programs against the running kernel's headers, which
# this kernel does not ship: the tools run in a private mount namespace
# whose /lib/modules/$(uname -r) points at Debian's linux-headers (any
# installed version; 6.1 builds the tools used here), with tracefs and
# debugfs mounted.  Nothing of it outlives the namespace.
require_bcc() {
	local d
	require_root
	require_cmd unshare python3
	[ -x /usr/sbin/syscount-bpfcc ] || skip "bpfcc-tools is not installed"
	for d in /lib/modules/*/build; do
		[ -d "$d/" ] && [ -d "$(dirname "$d")/source/" ] && break
	done
	[ -d "$d/" ] || skip "no linux-headers package under /lib/modules"
	HEADERS=$(dirname "$d")
}

# in_bcc_ns CMD...: CMD in that namespace.
in_bcc_ns() {
	unshare -m sh -c '
		b=$(readlink -f "$1/build") s=$(readlink -f "$1/source")
		shift
		mount -t tmpfs none /lib/modules || exit 125
		k=/lib/modules/$(uname -r)
		mkdir -p "$k" && ln -s "$b" "$k/build" && ln -s "$s" "$k/source" || exit 125
		mount -t tracefs none /sys/kernel/tracing 2>/dev/null
		mount -t debugfs none /sys/kernel/debug 2>/dev/null
		exec "$@"' sh "$HEADERS" "$@"
}

# The shape of a tool's output: its first line and every line without a
# digit (headings, column names, "Detaching..."); counts differ per run.
shape() {
	sed -n '1p; /[0-9]/!p' <<<"$1"
}

# bcc_tool TOOL ARGS...: TOOL natively and under bpfspy, in the namespace:
# same status, same shape of output; the trace holds its libbpf calls.
bcc_tool() {
	local native rc
	run in_bcc_ns "$@"
	[ "$status" -ne 125 ] || skip "cannot set up the mount namespace"
	[ "$status" -eq 0 ] || skip "$1 fails natively here ($status): ${output:0:300}"
	native=$(shape "$output") rc=$status
	run in_bcc_ns "$BPFSPY" run -o "$TRACE" -- "$@"
	expect_eq "$status" "$rc" "$1: status under bpfspy"
	expect_eq "$(shape "$output")" "$native" "$1: output under bpfspy"
	expect_valid "$TRACE"
	expect_eq "$(tc get "$TRACE" layers.1 event=header)" libbpf "$1: header layers"
	expect_eq "$(tc count "$TRACE" event=libbpf missing=true)" 0 "$1: calls without a target"
	expect_eq "$(tc count "$TRACE" event=libbpf errno=ENOSYS)" 0 "$1: ENOSYS"
	[ "$(nested bpf_prog_load)" -ge 1 ] || { echo "$1: no bpf_prog_load" >&2; return 1; }
	[ "$(nested bpf_map_create)" -ge 1 ] || { echo "$1: no bpf_map_create" >&2; return 1; }
	# BCC makes its bpf calls through libbpf: each one (feature probes
	# under bpf_btf_load and bpf_map_create too) is nested under one
	expect_eq "$(tc count "$TRACE" parent)" "$(tc count "$TRACE")" \
		"$1: bpf calls made outside libbpf"
}

# Tracepoint tools only: this machine refuses kprobes and fentry (EPERM).
@test "BCC syscount-bpfcc (raw_syscalls tracepoints) for 2 s" {
	require_bcc
	bcc_tool /usr/sbin/syscount-bpfcc -d 2
}

@test "BCC runqlat-bpfcc (sched tracepoints), one 1 s interval" {
	require_bcc
	bcc_tool /usr/sbin/runqlat-bpfcc 1 1
}

@test "BCC softirqs-bpfcc (irq tracepoints), one 1 s interval" {
	require_bcc
	bcc_tool /usr/sbin/softirqs-bpfcc 1 1
}
