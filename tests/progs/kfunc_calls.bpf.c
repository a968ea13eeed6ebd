// SPDX-License-Identifier: GPL-2.0-or-later
/* kfunc_calls: programs that call kfuncs, for --insns (tests/bats/insns.bats).
 * Each is a BPF_PROG_TYPE_SYSCALL program calling a pair of kfuncs of the
 * kernel's common set (allowed for every program type).  The externs are
 * weak: libbpf resolves them against vmlinux BTF when it loads, and a
 * kernel without one refuses that program only. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern void bpf_rcu_read_lock(void) __ksym __weak;
extern void bpf_rcu_read_unlock(void) __ksym __weak;
extern void bpf_preempt_disable(void) __ksym __weak;
extern void bpf_preempt_enable(void) __ksym __weak;

SEC("syscall")
int kf_rcu(void *ctx)
{
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	return 0;
}

SEC("syscall")
int kf_preempt(void *ctx)
{
	bpf_preempt_disable();
	bpf_preempt_enable();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
