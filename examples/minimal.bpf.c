// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * minimal.bpf.c - the BPF side of the bpfspy example loader.
 *
 * Counts the syscalls of one process (target_pid, set by the loader in
 * .rodata before load) from the sys_enter raw tracepoint, which needs no
 * tracefs.  Only <linux/bpf.h> and libbpf's helpers: no vmlinux.h, no CO-RE.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

/* Syscall id -> how many times the target made it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

/* Lives in .rodata: libbpf creates, fills and freezes a map for it. */
const volatile __u32 target_pid = 0;

/*
 * raw_tp/sys_enter gets (struct pt_regs *regs, long id) as u64 args; only
 * the syscall id in ctx->args[1] is used, so no pt_regs layout is needed.
 */
SEC("raw_tp/sys_enter")
int count_syscalls(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u32 zero = 0, id;
	__u64 one = 1, *val;

	if (pid != target_pid)
		return 0;

	val = bpf_map_lookup_elem(&counts, &zero);
	if (val)
		__sync_fetch_and_add(val, 1);

	id = (__u32)ctx->args[1];
	val = bpf_map_lookup_elem(&seen, &id);
	if (val)
		__sync_fetch_and_add(val, 1);
	else
		bpf_map_update_elem(&seen, &id, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
