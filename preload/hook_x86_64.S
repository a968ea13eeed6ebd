/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libc's syscall(), interposed.  Every number other than __NR_bpf costs one
 * compare and a tail jump to glibc's syscall(): the stack and all seven
 * argument slots arrive untouched, so errno handling and any 7th argument
 * stay glibc's business.  bpf goes to the C recorder.
 */
#if defined(__x86_64__)
#define NR_BPF 321

	.text
	.globl	syscall
	.type	syscall, @function
	.p2align 4
syscall:
	.cfi_startproc
	cmpq	$NR_BPF, %rdi
	je	bpfspy_bpf_syscall
	jmp	*bpfspy_real_syscall(%rip)
	.cfi_endproc
	.size	syscall, .-syscall

/*
 * void bpfspy_on_stack(void *top, void (*fn)(void *), void *arg)
 * Run fn(arg) on the stack that ends at @top (16-byte aligned), then come
 * back.  The CFA is kept in %rbp, so unwinders (libunwind for --stack,
 * gdb, perf) walk from fn's frames back onto the caller's stack.
 */
	.globl	bpfspy_on_stack
	.hidden	bpfspy_on_stack
	.type	bpfspy_on_stack, @function
	.p2align 4
bpfspy_on_stack:
	.cfi_startproc
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	movq	%rdi, %rsp
	movq	%rdx, %rdi
	call	*%rsi
	movq	%rbp, %rsp
	popq	%rbp
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size	bpfspy_on_stack, .-bpfspy_on_stack

/*
 * vfork(), interposed: the child shares our memory (and this thread's
 * TLS) until it execs or exits, so the shim must know it runs in one.
 * As glibc's: the return address leaves the stack before the syscall
 * (the child will overwrite it) and lives in %rdi, which the syscall
 * keeps.  The child marks itself and jumps back; the parent, resumed,
 * lets the shim account for the child's calls.
 */
	.globl	vfork
	.type	vfork, @function
	.p2align 4
vfork:
	.cfi_startproc
	popq	%rdi
	.cfi_adjust_cfa_offset -8
	.cfi_register %rip, %rdi
	movl	$58, %eax		/* __NR_vfork */
	syscall
	testq	%rax, %rax
	jnz	1f
	/* child: the stack below is ours to use, as the caller's is */
	pushq	%rdi
	subq	$8, %rsp
	call	bpfspy_vfork_child
	addq	$8, %rsp
	popq	%rdi
	xorl	%eax, %eax
	jmp	*%rdi			/* no ret: the shadow stack is shared */
1:	pushq	%rdi
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rip, 0
	cmpq	$-4095, %rax
	jae	2f
	pushq	%rax
	.cfi_adjust_cfa_offset 8
	movq	%rax, %rdi
	call	bpfspy_vfork_parent
	popq	%rax
	.cfi_adjust_cfa_offset -8
	ret
2:	negq	%rax
	movq	%rax, %rdi
	jmp	bpfspy_fail_errno
	.cfi_endproc
	.size	vfork, .-vfork

	.section .note.GNU-stack,"",@progbits
#endif
