// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfspy run --seccomp-trap: bpf(2) calls that bypass libc's syscall()
 * (an inline `syscall` instruction, Go's runtime) reach the shim through a
 * seccomp filter that turns them into SIGSYS.
 *
 * Environment (read in the constructor, never in AT_SECURE images):
 *   BPFSPY_SECCOMP_TRAP=1         install the filter and the SIGSYS handler;
 *                                 the image that installs the filter sets it
 *                                 to "inherited" for its descendants, which
 *                                 have the filter already (it survives fork
 *                                 and exec) and only install the handler
 *   BPFSPY_PASSTHROUGH=1          (trap mode only) record nothing: answer the
 *                                 traps and nothing else (--no-follow children)
 *
 * The filter: bpf(2) on x86_64 whose 6th argument (r9) is not COOKIE ->
 * SECCOMP_RET_TRAP with our data in the low 16 bits; everything else ->
 * ALLOW.  bpf(2) takes five arguments at most (cmd, attr, size and, with
 * BPF_COMMON_ATTRS, the common attr and its size: bpf-abi.md 1.1), so the
 * 6th is free: the shim's own calls pass COOKIE there (glibc's syscall()
 * moves its 7th C argument into r9) and go through untrapped, so a call
 * made through libc is recorded once, by the syscall() hook.  The filter
 * is ten classic-BPF instructions, hand-built: libseccomp would make every
 * traced process load one more library for them (/bin/true with
 * libseccomp.so.2 preloaded: 0.58 vs 0.52 ms a run here, medians of 8
 * rounds of 1500 posix_spawn+wait, +12%), for a filter it would compile
 * to the same instructions.
 *
 * Other syscalls leave the filter on its second compare without reading
 * an argument, so the kernel's cache of constant verdicts (the
 * SECCOMP_ARCH_NATIVE bitmap) lets them pass without running it; what
 * remains is the seccomp slow path any filter costs, about 50 ns per
 * system call here (getppid 205 -> 260 ns; a one-instruction allow-all
 * filter costs the same).  SECCOMP_FILTER_FLAG_SPEC_ALLOW: where the
 * kernel's Spectre v4 mitigation is "seccomp", a filter would otherwise
 * turn on speculative store bypass disable for the whole traced program
 * and slow down its own code; this filter guards nothing.  A call through
 * the i386 (int $0x80) or x32 entry is not trapped: it goes through
 * unrecorded, as without the option.
 *
 * Precedence: TRAP wins over ERRNO, so with --deny (src/sandbox.c, an
 * ERRNO filter installed before exec) a raw call of a denied command is
 * trapped first; the handler makes it with COOKIE, the deny filter answers
 * its errno, and the event is marked denied as for a libc call.
 *
 * The handler (SA_SIGINFO | SA_ONSTACK | SA_NODEFER) takes a SIGSYS with
 * si_code SYS_SECCOMP, our data in si_errno, si_arch x86_64 and si_syscall
 * __NR_bpf: it reads the arguments from the interrupted registers (rdi,
 * rsi, rdx, r10, r8), runs the shim's bpf path with them (decode, --inject,
 * the call with COOKIE, record with "via":"seccomp") and puts the kernel's
 * return (-errno on failure) into rax, where the syscall instruction would
 * have left it; errno of the interrupted code is restored.  Any other
 * SIGSYS (the program's own seccomp filter, a kill()) is handed to the
 * program's action as the kernel would have delivered it: its handler with
 * or without siginfo, its sa_mask blocked, SA_RESETHAND honoured; SIG_DFL
 * restores the default and re-sends the same siginfo, so the program dies
 * of SIGSYS as it would have; SIG_IGN drops it, except a SYS_SECCOMP one,
 * which the kernel never lets a process ignore.  SA_NODEFER: a raw bpf
 * call inside the program's SIGSYS handler must not find SIGSYS blocked
 * (see below); so its handler runs without SIGSYS blocked even when it
 * did not ask for SA_NODEFER.  SA_ONSTACK: Go requires it (its handler
 * must run on the gsignal stack), and on a thread without an alternate
 * stack it changes nothing.
 *
 * The program's SIGSYS action.  sigaction(), signal() (= bsd_signal,
 * ssignal), sysv_signal() and sigset() are interposed for SIGSYS while the
 * handler is installed: the program's action is stored, reported back as
 * the old action, and ours stays installed (mirroring its SA_RESTART).  Go
 * with cgo installs its handlers through libc's sigaction (x_cgo_sigaction
 * on linux/amd64), so Go is covered.  A program that installs a SIGSYS
 * action by the raw rt_sigaction syscall replaces ours: from then on our
 * traps reach its handler (or kill it, with SIG_DFL).
 *
 * Stack: the bpf path runs on the trapped thread's stack, or its
 * alternate signal stack when it has one.  15,400 bytes measured with the
 * kernel's signal frame (3.4 KiB on this CPU, AT_MINSIGSTKSZ; AVX-512
 * adds about 2.5 KiB), the most of it on a process's first event, which
 * builds the trace header (8.7 KiB frame): `exerciser rawcalls altstack`
 * runs the trapped calls on a poisoned alternate stack and reports it
 * (tests/bats/trap.bats holds it under Go's 32 KiB gsignal stack).
 *
 * What kills a process (the kernel's rules for a forced SIGSYS, which we
 * cannot change):
 * - a raw bpf call from a thread that has SIGSYS blocked: the kernel
 *   unblocks it and resets the action to SIG_DFL;
 * - a bpf call, raw or through libc, in an image without the shim but
 *   with the inherited filter: statically linked programs, AT_SECURE
 *   images (set-user-ID, file capabilities: LD_PRELOAD is ignored there,
 *   and sudo clears it for its children), and images exec'd with an
 *   environment without the shim in LD_PRELOAD by a path trap_exec.c does
 *   not cover (system(), popen(), raw execve as Go's os/exec does).  The
 *   filter cannot tell those images apart: it sees the syscall number,
 *   the arguments, the architecture and the instruction pointer, and
 *   neither the address of the shim (a new image maps it elsewhere, or
 *   not at all) nor any flag (SECCOMP_FILTER_FLAG_* has none that ends
 *   with exec) says whether the new image can answer a trap.
 *   SECCOMP_RET_USER_NOTIF with bpfspy run as supervisor could let such
 *   calls continue, but could not record them in the process.  So the
 *   shim keeps itself in the new images instead: --no-follow keeps it in
 *   LD_PRELOAD in trap mode (BPFSPY_PASSTHROUGH) rather than taking it
 *   out, and the exec functions put it back into an environment that
 *   lost it (trap_exec.c).
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "syscall/bpf_decode.h"
#include "base/jsonw.h"
#include "shim.h"

#define EXPORT __attribute__((visibility("default")))

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1   /* si_code of a seccomp SIGSYS (asm-generic/siginfo.h) */
#endif

enum trap_filter { TF_NONE, TF_INSTALLED, TF_INHERITED, TF_FAILED, TF_UNSUPPORTED };

static struct {
	bool on;          /* our handler is installed; SIGSYS calls are emulated */
	int filter;       /* enum trap_filter */
	int err;          /* errno of a failed install */
	bool set_nnp;     /* we set no_new_privs to install the filter */
	char shim[4096];  /* our path, for trap_exec.c */
} trap;

typedef void (*sighandler_fn)(int);
typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);

static sigaction_fn real_sigaction;

/*
 * Found once and kept.  Every name looked up here is libc's (sigaction,
 * signal, sysv_signal, sigset, the exec and posix_spawn functions, and
 * dlclose for libbpf_scope.c), and that is why once is right, unlike the
 * libbpf functions (libbpf_scope.c finds those per caller): libc is
 * loaded before the shim (it is the shim's own dependency) and never
 * unloaded, so the target cannot appear after the constructor or move;
 * it is in the global scope ahead of everything loaded later, with
 * RTLD_GLOBAL or not, so no later object changes what RTLD_NEXT finds; and
 * a plugin with a definition of its own in its local scope would not have
 * reached it without bpfspy either (the global scope, libc in it, is
 * searched first; an RTLD_DEEPBIND plugin binds to its own and never
 * reaches the shim).  A preloaded object after the shim that interposes
 * the same name is what RTLD_NEXT finds, as a chain of interposers
 * expects.  NULL (no such function in this libc) is not kept: looked up
 * again on the next call.
 */
void *bpfspy_next_fn(void **slot, const char *name)
{
	void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

	if (!f) {
		f = dlsym(RTLD_NEXT, name);
		__atomic_store_n(slot, f, __ATOMIC_RELEASE);
	}
	return f;
}

static int call_real_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	sigaction_fn f = (sigaction_fn)bpfspy_next_fn((void **)&real_sigaction, "sigaction");

	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	return f(sig, act, old);
}

static bool trap_on(void)
{
	return __atomic_load_n(&trap.on, __ATOMIC_ACQUIRE);
}

bool bpfspy_trap_filtered(void)
{
	return trap_on() && (trap.filter == TF_INSTALLED || trap.filter == TF_INHERITED);
}

const char *bpfspy_trap_shim_path(void)
{
	return trap.shim[0] == '/' ? trap.shim : NULL;
}

static void *real_signal, *real_sysv_signal, *real_sigset;

/* Constructor, first thing: the real functions behind every wrapper of
 * trap.c and trap_exec.c, so none is looked up after a fork (dlsym is not
 * async-signal-safe).  Ten lookups: about 6 us here, next to some 500 us
 * for a process start. */
void bpfspy_trap_resolve(void)
{
	bpfspy_next_fn((void **)&real_sigaction, "sigaction");
	bpfspy_next_fn(&real_signal, "signal");
	bpfspy_next_fn(&real_sysv_signal, "sysv_signal");
	bpfspy_next_fn(&real_sigset, "sigset");
	bpfspy_trap_exec_init();
}

/* ---- the program's SIGSYS action ----------------------------------------- */

/*
 * Read by the handler, written by the interposed sigaction() family: a
 * sequence lock.  Writers block every signal and take a spin lock, so a
 * handler never waits for a writer of its own thread, and two writers of
 * different threads do not interleave.
 */
static struct {
	unsigned seq;     /* odd while a writer copies */
	int lock;
	struct sigaction act;
} prog;

static void prog_get(struct sigaction *out)
{
	unsigned s;

	for (;;) {
		s = __atomic_load_n(&prog.seq, __ATOMIC_ACQUIRE);
		if (!(s & 1)) {
			memcpy(out, &prog.act, sizeof(*out));
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (__atomic_load_n(&prog.seq, __ATOMIC_RELAXED) == s)
				return;
		}
		sched_yield();
	}
}

/* Store @act (if any) as the program's action; the previous one in @old. */
static void prog_swap(const struct sigaction *act, struct sigaction *old)
{
	sigset_t all, saved;
	int e = errno;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &saved);
	while (__atomic_exchange_n(&prog.lock, 1, __ATOMIC_ACQUIRE))
		sched_yield();
	if (old)
		*old = prog.act;
	if (act) {
		__atomic_store_n(&prog.seq, prog.seq + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		prog.act = *act;
		__atomic_store_n(&prog.seq, prog.seq + 1, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&prog.lock, 0, __ATOMIC_RELEASE);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	errno = e;
}

/* ---- the handler ------------------------------------------------------------ */

#if defined(__x86_64__)
#define TRAP_ARCH AUDIT_ARCH_X86_64
#define TRAP_DATA 0x0bf5u   /* SECCOMP_RET_DATA of our filter: si_errno */

/* Die of @sig as the kernel would have killed us: default action, same
 * siginfo (allowed to oneself whatever its si_code), unblocked. */
static void die_of(int sig, siginfo_t *si)
{
	struct sigaction dfl;
	sigset_t set;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	call_real_sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (syscall(SYS_rt_tgsigqueueinfo, getpid(), syscall(SYS_gettid), sig, si) != 0)
		raise(sig);
}

/* A SIGSYS that is not our trap: what the program's action does. */
static void chain(int sig, siginfo_t *si, void *ctx, int saved_errno)
{
	struct sigaction a;
	sigset_t mask;

	prog_get(&a);
	if (a.sa_handler == SIG_IGN && si->si_code != SYS_SECCOMP)
		return;
	if (a.sa_handler == SIG_IGN || a.sa_handler == SIG_DFL) {
		die_of(sig, si);
		return;
	}
	if (a.sa_flags & SA_RESETHAND) {
		struct sigaction dfl;

		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		prog_swap(&dfl, NULL);
	}
	mask = a.sa_mask;
	sigdelset(&mask, SIGSYS);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);   /* sigreturn restores it */
	errno = saved_errno;
	if (a.sa_flags & SA_SIGINFO)
		a.sa_sigaction(sig, si, ctx);
	else
		a.sa_handler(sig);
}

static bool our_trap(const siginfo_t *si)
{
	return si->si_code == SYS_SECCOMP && si->si_errno == TRAP_DATA &&
	       si->si_arch == TRAP_ARCH && si->si_syscall == SYS_bpf;
}

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	greg_t *r = ((ucontext_t *)ctx)->uc_mcontext.gregs;
	int saved = errno;

	if (!our_trap(si)) {
		chain(sig, si, ctx, saved);
		return;
	}
	r[REG_RAX] = bpfspy_bpf_trapped(r[REG_RDI], r[REG_RSI], r[REG_RDX], r[REG_R10], r[REG_R8]);
	errno = saved;
}

static int install_handler(int restart)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | restart;
	sigemptyset(&sa.sa_mask);
	return call_real_sigaction(SIGSYS, &sa, NULL);
}

/* ---- the filter ------------------------------------------------------------- */

#define ARG5_LO (offsetof(struct seccomp_data, args) + 5 * sizeof(__u64))
#define ARG5_HI (ARG5_LO + 4)   /* little-endian */

static long seccomp_filter(unsigned flags, const struct sock_fprog *p)
{
	long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, p);

	/* SPEC_ALLOW is 4.17+. */
	if (rc < 0 && errno == EINVAL && (flags & SECCOMP_FILTER_FLAG_SPEC_ALLOW)) {
		flags &= ~SECCOMP_FILTER_FLAG_SPEC_ALLOW;
		rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, p);
	}
	/* TSYNC names a thread that has other filters: this one at least. */
	if (rc > 0)
		rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			     flags & ~SECCOMP_FILTER_FLAG_TSYNC, p);
	return rc;
}

static void install_filter(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TRAP_ARCH, 0, 6),               /* allow */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_bpf, 0, 4),                 /* allow */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG5_LO),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (__u32)BPFSPY_TRAP_COOKIE, 0, 3),  /* trap */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG5_HI),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (__u32)(BPFSPY_TRAP_COOKIE >> 32), 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP | TRAP_DATA),
	};
	const struct sock_fprog p = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	const unsigned flags = SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	long rc = seccomp_filter(flags, &p);

	/* Without CAP_SYS_ADMIN the kernel wants no_new_privs first: set it
	 * only then, and say so in the header (it changes the process). */
	if (rc < 0 && errno == EACCES && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0 &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0) {
		trap.set_nnp = true;
		rc = seccomp_filter(flags, &p);
	}
	trap.filter = rc == 0 ? TF_INSTALLED : TF_FAILED;
	trap.err = rc == 0 ? 0 : errno;
}

bool bpfspy_trap_init(void)
{
	const char *v = getenv("BPFSPY_SECCOMP_TRAP");
	struct sigaction cur;

	if (!v || !*v || !strcmp(v, "0"))
		return false;
	/* What the image starts with: SIG_DFL, an inherited SIG_IGN, or
	 * what a constructor that ran before ours set. */
	if (call_real_sigaction(SIGSYS, NULL, &cur) != 0 ||
	    install_handler(cur.sa_flags & SA_RESTART) != 0) {
		trap.filter = TF_FAILED;
		trap.err = errno;
		return false;
	}
	prog.act = cur;
	{
		Dl_info info;

		if (dladdr((void *)bpfspy_trap_init, &info) && info.dli_fname &&
		    strlen(info.dli_fname) < sizeof(trap.shim))
			strcpy(trap.shim, info.dli_fname);
	}
	__atomic_store_n(&trap.on, true, __ATOMIC_RELEASE);
	if (!strcmp(v, "inherited")) {
		trap.filter = TF_INHERITED;
		return true;
	}
	install_filter();
	if (trap.filter == TF_INSTALLED) {
		setenv("BPFSPY_SECCOMP_TRAP", "inherited", 1);
	} else {
		fprintf(stderr, "bpfspy: --seccomp-trap: cannot install the seccomp filter: %s; "
				"raw bpf(2) calls are not recorded\n", strerror(trap.err));
	}
	return true;
}
#else
/* Only x86_64 reads the arguments from the interrupted registers. */
bool bpfspy_trap_init(void)
{
	const char *v = getenv("BPFSPY_SECCOMP_TRAP");

	if (!v || !*v || !strcmp(v, "0"))
		return false;
	trap.filter = TF_UNSUPPORTED;
	return false;
}

static int install_handler(int restart)
{
	(void)restart;
	return 0;
}
#endif

bool bpfspy_trap_passthrough(void)
{
	const char *v = getenv("BPFSPY_PASSTHROUGH");

	return trap_on() && v && !strcmp(v, "1");
}

/* A forked child has the filter of the image that installed it. */
void bpfspy_trap_fork(void)
{
	if (trap.filter == TF_INSTALLED)
		trap.filter = TF_INHERITED;
	__atomic_store_n(&prog.lock, 0, __ATOMIC_RELAXED);
	if (prog.seq & 1)
		prog.seq++;
}

void bpfspy_trap_header(struct jsonw *w)
{
	static const char *const names[] = {
		[TF_INSTALLED] = "installed", [TF_INHERITED] = "inherited",
		[TF_FAILED] = "failed", [TF_UNSUPPORTED] = "unsupported",
	};

	if (trap.filter == TF_NONE)
		return;
	jw_obj_open(w, "seccomp_trap");
	jw_str(w, "filter", names[trap.filter]);
	if (trap.set_nnp)
		jw_bool(w, "set_no_new_privs", true);
	if (trap.filter == TF_FAILED) {
		const char *name = errno_name(trap.err);

		if (name)
			jw_str(w, "errno", name);
		else
			jw_u64(w, "errno", (uint64_t)trap.err);
	}
	jw_obj_close(w);
}

/* ---- sigaction() and friends, for SIGSYS in trap mode ---------------------- */

/* The program sets @act (may be NULL) and reads back @old (may be NULL). */
static int trap_sigaction(const struct sigaction *act, struct sigaction *old)
{
	struct sigaction prev;

	prog_swap(act, &prev);
	if (act && (act->sa_flags & SA_RESTART) != (prev.sa_flags & SA_RESTART))
		install_handler(act->sa_flags & SA_RESTART);
	if (old)
		*old = prev;
	return 0;
}

/* Not declared by <signal.h>: glibc's other names of sigaction and signal. */
int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);
sighandler_fn bsd_signal(int sig, sighandler_fn h);

static int do_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (sig != SIGSYS || !trap_on())
		return call_real_sigaction(sig, act, old);
	return trap_sigaction(act, old);
}

EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return do_sigaction(sig, act, old);
}

EXPORT int __sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return do_sigaction(sig, act, old);
}

/* The old-style calls for SIGSYS in trap mode: set @h with @flags (and
 * the signal blocked in its handler unless SA_NODEFER) as the program's
 * action; any other signal goes to libc's @name, found in @slot. */
static sighandler_fn simple_signal(int sig, sighandler_fn h, int flags, void **slot,
				   const char *name)
{
	struct sigaction a, old;
	sighandler_fn (*f)(int, sighandler_fn);

	if (sig != SIGSYS || !trap_on()) {
		f = (sighandler_fn(*)(int, sighandler_fn))bpfspy_next_fn(slot, name);
		return f ? f(sig, h) : SIG_ERR;
	}
	if (h == SIG_ERR) {
		errno = EINVAL;
		return SIG_ERR;
	}
	memset(&a, 0, sizeof(a));
	a.sa_handler = h;
	sigemptyset(&a.sa_mask);
	if (!(flags & SA_NODEFER))
		sigaddset(&a.sa_mask, sig);
	a.sa_flags = flags;
	trap_sigaction(&a, &old);
	return old.sa_handler;
}

/* glibc's signal(): BSD semantics, restarting, the signal blocked in its
 * handler.  signal, bsd_signal and ssignal are one function in glibc. */
static sighandler_fn do_signal(int sig, sighandler_fn h)
{
	return simple_signal(sig, h, SA_RESTART, &real_signal, "signal");
}

EXPORT sighandler_fn signal(int sig, sighandler_fn h)
{
	return do_signal(sig, h);
}

EXPORT sighandler_fn bsd_signal(int sig, sighandler_fn h)
{
	return do_signal(sig, h);
}

EXPORT sighandler_fn ssignal(int sig, sighandler_fn h)
{
	return do_signal(sig, h);
}

/* System V: reset on delivery, not blocked in its handler. */
static sighandler_fn do_sysv_signal(int sig, sighandler_fn h)
{
	return simple_signal(sig, h, SA_RESETHAND | SA_NODEFER, &real_sysv_signal,
			     "sysv_signal");
}

EXPORT sighandler_fn sysv_signal(int sig, sighandler_fn h)
{
	return do_sysv_signal(sig, h);
}

EXPORT sighandler_fn __sysv_signal(int sig, sighandler_fn h)
{
	return do_sysv_signal(sig, h);
}

/* sigset(): SIG_HOLD blocks; anything else sets the action and unblocks.
 * Returns SIG_HOLD when the signal was blocked before. */
EXPORT sighandler_fn sigset(int sig, sighandler_fn disp)
{
	struct sigaction a, old;
	sigset_t set, was;
	sighandler_fn (*f)(int, sighandler_fn);

	if (sig != SIGSYS || !trap_on()) {
		f = (sighandler_fn(*)(int, sighandler_fn))bpfspy_next_fn(&real_sigset, "sigset");
		return f ? f(sig, disp) : SIG_ERR;
	}
	sigemptyset(&set);
	sigaddset(&set, sig);
	if (disp == SIG_HOLD) {
		if (pthread_sigmask(SIG_BLOCK, &set, &was) != 0)
			return SIG_ERR;
		trap_sigaction(NULL, &old);
		return sigismember(&was, sig) ? SIG_HOLD : old.sa_handler;
	}
	if (disp == SIG_ERR) {
		errno = EINVAL;
		return SIG_ERR;
	}
	memset(&a, 0, sizeof(a));
	a.sa_handler = disp;
	sigemptyset(&a.sa_mask);
	trap_sigaction(&a, &old);
	if (pthread_sigmask(SIG_UNBLOCK, &set, &was) != 0)
		return SIG_ERR;
	return sigismember(&was, sig) ? SIG_HOLD : old.sa_handler;
}
