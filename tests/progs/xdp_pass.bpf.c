// SPDX-License-Identifier: GPL-2.0-or-later
/* xdp_pass: the smallest XDP program with a map, for xdp-loader under
 * bpfspy (tests/bats/libbpf.bats).  Counts packets per protocol-less
 * key 0 and passes every packet. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} xdp_seen SEC(".maps");

SEC("xdp")
int xdp_pass_prog(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&xdp_seen, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&xdp_seen, &key, &one, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
