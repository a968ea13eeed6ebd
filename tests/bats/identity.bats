#!/usr/bin/env bats
# The header's identity keys: pid namespaces, namespace ids, the cgroup and
# the container it names (man/bpfspy-trace.5, THE HEADER LINE).

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
	require_bpf
}

teardown() {
	collect_traces
	[ -n "${CG:-}" ] && [ -d "$CG" ] || return 0
	# Deepest first; a cgroup goes once its processes have exited.
	find "$CG" -depth -type d -exec rmdir {} + 2>/dev/null || true
}

header_of() {  # TRACE KEY: the value of KEY in the exerciser's header
	jq -c "select(.event == \"header\" and (.exe | endswith(\"/exerciser\"))) | .$2" "$1"
}

ns_of() {  # KIND [PID]: the namespace inode of this shell or of PID
	stat -L -c %i "/proc/${2:-self}/ns/$1"
}

@test "identity: on the host, host_pid is pid and ns names the host's namespaces" {
	run "$BPFSPY" run -o "$TRACE" -- "$EXERCISER" lookup 1
	expect_eq "$status" 0
	local pid
	pid=$(header_of "$TRACE" pid)
	expect_eq "$(header_of "$TRACE" host_pid)" "$pid" host_pid
	expect_eq "$(header_of "$TRACE" nspid)" null "no NSpid chain in the initial namespace"
	local kind
	for kind in pid mnt user cgroup net; do
		expect_eq "$(header_of "$TRACE" "ns.$kind")" "$(ns_of "$kind")" "ns.$kind"
	done
	expect_eq "$(header_of "$TRACE" cgroup)" \
		"\"$(sed -n 's/^0:://p' /proc/self/cgroup)\"" "cgroup (v2 line of /proc/self/cgroup)"
}

@test "identity: two pid namespaces both say pid 1; nspid and ns.pid tell them apart" {
	require_root
	require_cmd unshare
	unshare -p -f true 2>/dev/null || skip "cannot make a pid namespace (unshare -p)"
	"$BPFSPY" run -o "$T/a.jsonl" -- unshare -p -f "$EXERCISER" lookup 1
	"$BPFSPY" run -o "$T/b.jsonl" -- unshare -p -f "$EXERCISER" lookup 1
	local f
	for f in a b; do
		expect_eq "$(header_of "$T/$f.jsonl" pid)" 1 "pid in $f"
		expect_eq "$(header_of "$T/$f.jsonl" ppid)" 0 "ppid in $f"
		expect_match "$(header_of "$T/$f.jsonl" nspid)" '^\[[0-9]+,1\]$' "nspid in $f"
		# The host's /proc: its pid is the host's, the first of the chain.
		expect_eq "$(header_of "$T/$f.jsonl" host_pid)" \
			"$(header_of "$T/$f.jsonl" 'nspid[0]')" "host_pid in $f"
		[ "$(header_of "$T/$f.jsonl" ns.pid)" != "$(ns_of pid)" ]
		expect_eq "$(header_of "$T/$f.jsonl" ns.mnt)" "$(ns_of mnt)" "ns.mnt in $f"
	done
	[ "$(header_of "$T/a.jsonl" host_pid)" != "$(header_of "$T/b.jsonl" host_pid)" ]
	[ "$(header_of "$T/a.jsonl" ns.pid)" != "$(header_of "$T/b.jsonl" ns.pid)" ]
	# The events themselves still carry the pid the process sees.
	expect_eq "$(jq -s '[.[] | select(.event == "bpf" and .pid != 1)] | length' "$T/a.jsonl")" 0 \
		"events with a pid other than 1"
}

@test "identity: a container's own /proc (unshare --mount-proc): no host pid, its namespaces" {
	require_root
	require_cmd unshare
	unshare -p -f -m --mount-proc true 2>/dev/null || skip "cannot unshare -p -f -m --mount-proc"
	"$BPFSPY" run -o "$TRACE" -- unshare -p -f -m --mount-proc "$EXERCISER" lookup 1
	expect_eq "$(header_of "$TRACE" pid)" 1 pid
	# Its /proc holds its own pid alone: the host's is out of sight.
	expect_eq "$(header_of "$TRACE" nspid)" null nspid
	expect_eq "$(header_of "$TRACE" host_pid)" null host_pid
	[ "$(header_of "$TRACE" ns.pid)" != "$(ns_of pid)" ]
	[ "$(header_of "$TRACE" ns.mnt)" != "$(ns_of mnt)" ]
	expect_eq "$(header_of "$TRACE" ns.user)" "$(ns_of user)" ns.user
	expect_eq "$(header_of "$TRACE" ns.net)" "$(ns_of net)" ns.net
}

# A cgroup v2 directory to make cgroups in, or skip.
make_cgroup_root() {
	require_root
	local mnt
	mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
	[ -n "$mnt" ] || skip "no cgroup2 hierarchy mounted"
	CG=$mnt/bpfspy-test.$$
	mkdir "$CG" 2>/dev/null || skip "cannot create a cgroup under $mnt"
	CGPATH=$(sed -n 's/^0:://p' /proc/self/cgroup)
}

# Run the exerciser in cgroup $CG/$1 and check the header's keys.
expect_container() {
	local name=$1 id=$2 runtime=$3
	mkdir "$CG/$name"
	"$BPFSPY" run -o "$TRACE" -- sh -c "echo \$\$ >'$CG/$name/cgroup.procs' && exec '$EXERCISER' lookup 1"
	expect_match "$(header_of "$TRACE" cgroup)" "/bpfspy-test\\.$$/${name//./\\.}\"\$" "cgroup of $name"
	expect_eq "$(header_of "$TRACE" container_id)" "$id" "container_id of $name"
	expect_eq "$(header_of "$TRACE" container_runtime)" "$runtime" "container_runtime of $name"
}

@test "identity: the container id a cgroup path names (docker, containerd, cri-o, podman)" {
	make_cgroup_root
	local id=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	local id2=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
	expect_container "docker-$id.scope" "\"$id\"" '"docker"'
	expect_eq "$("$BPFSPY" report "$TRACE" | grep '^host ')" "host    container ${id:0:12} (docker)" \
		"report's host line"
	expect_container "cri-containerd-$id2.scope" "\"$id2\"" '"containerd"'
	expect_container "crio-$id.scope" "\"$id\"" '"cri-o"'
	expect_container "libpod-$id2.scope" "\"$id2\"" '"podman"'
	# cgroupfs driver: the id alone, under docker/ (runtime known) or not.
	mkdir "$CG/docker"
	expect_container "docker/$id" "\"$id\"" '"docker"'
	expect_container "$id2" "\"$id2\"" null
	# Not a container: conmon's scope, a short id, an ordinary service.
	expect_container "crio-conmon-$id.scope" null null
	expect_container "docker-0123abcd.scope" null null
	expect_container "loader.service" null null
}

@test "identity: the container recipe: shim and spool bind-mounted in, traced in its own pid namespace" {
	require_root
	require_cmd unshare
	unshare -p -f -m --mount-proc true 2>/dev/null || skip "cannot unshare -p -f -m --mount-proc"
	# The "container" sees the shim and its spool directory at its own
	# paths, as docker run -v would mount them.
	mkdir -p "$T/host-spool" "$T/ctr/opt/bpfspy" "$T/ctr/spool"
	unshare -p -f -m --mount-proc --propagation private sh -c '
		mount --bind "$(dirname "$1")" "$2/opt/bpfspy" &&
		mount --bind "$3" "$2/spool" &&
		LD_PRELOAD="$2/opt/bpfspy/$(basename "$1")" BPFSPY_OUTPUT="$2/spool/trace.jsonl" \
			exec "$4" lookup 2' sh "$("$BPFSPY" shim-path)" "$T/ctr" "$T/host-spool" "$EXERCISER"
	# The host reads the trace where it mounted the spool from.
	local tr=$T/host-spool/trace.jsonl
	expect_valid "$tr"
	expect_eq "$(tc count "$tr" cmd=BPF_MAP_LOOKUP_ELEM)" 2 lookups
	expect_eq "$(header_of "$tr" pid)" 1 pid
	[ "$(header_of "$tr" ns.pid)" != "$(ns_of pid)" ]
	[ ! -e "$T/ctr/spool/trace.jsonl" ]
}

@test "identity: report tells two processes 1 apart by their host pids" {
	require_root
	require_cmd unshare
	unshare -p -f true 2>/dev/null || skip "cannot make a pid namespace (unshare -p)"
	"$BPFSPY" run -o "$T/a.jsonl" -- unshare -p -f "$EXERCISER" lookup 1 >/dev/null
	"$BPFSPY" run -o "$T/b.jsonl" -- unshare -p -f "$EXERCISER" lookup 2 >/dev/null
	run --separate-stderr "$BPFSPY" report "$T/a.jsonl" "$T/b.jsonl"
	expect_eq "$status" 0
	local a b
	a=$(header_of "$T/a.jsonl" host_pid)
	b=$(header_of "$T/b.jsonl" host_pid)
	expect_eq "$(grep -c '^== process 1 exerciser ' <<<"$output")" 2 "two processes 1"
	expect_eq "$(grep '^host ' <<<"$output" | sort)" "$(printf 'host    pid %s\nhost    pid %s\n' "$a" "$b" | sort)" \
		"host lines"
	run --separate-stderr "$BPFSPY" report --json "$T/a.jsonl"
	expect_eq "$(jq -c '.processes[0] | [.pid, .host_pid]' <<<"$output")" "[1,$a]" "report --json"
	# On the host, no host line.
	"$BPFSPY" run -o "$TRACE" -- "$EXERCISER" lookup 1 >/dev/null
	expect_eq "$("$BPFSPY" report "$TRACE" | grep -c '^host ')" 0 "host lines of a host process"
}
