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

	.section .note.GNU-stack,"",@progbits
#endif
