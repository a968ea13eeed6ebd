// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libbpfspy.so: records every bpf(2) call made through libc's syscall().
 *
 * Contract with the traced program: it sees exactly what it would see
 * without us.  The call is forwarded unchanged; the return value and errno
 * are the kernel's; we take no low fd (ours live high, close-on-exec);
 * we write nothing to its stdout; nothing on the event path allocates,
 * locks or uses stdio, so it is safe in threads, signal handlers and
 * children after fork.
 *
 * Environment (ignored in AT_SECURE processes, which record nothing):
 *   BPFSPY_OUTPUT     trace file; events are appended at exit unless a
 *                     collector (bpfspy run, bpfspy collect) has the
 *                     spool directory: then it renders them, live
 *   BPFSPY_SPOOL_DIR  where processes spool events (default OUTPUT.spool);
 *                     alone, without BPFSPY_OUTPUT: for bpfspy collect
 *   BPFSPY_SPOOL_FD   N:DEV:INO, the spool directory open as fd N (given
 *                     by bpfspy run): reached through it after a chroot,
 *                     a new mount namespace or a private /tmp
 *   BPFSPY_SPOOL_SIZE ring bytes of each process's spool (32 MiB)
 *   BPFSPY_MODE       mode of a trace file the shim creates (0600)
 *   BPFSPY_FOLLOW=0   trace this process only: not children, not exec
 *   BPFSPY_LOG_BYTES, BPFSPY_STR_BYTES, BPFSPY_DATA_BYTES, BPFSPY_NO_DATA
 *   BPFSPY_NO_CHECK=1 no checks; BPFSPY_AUDIT=all audit every failure
 *   BPFSPY_INJECT, BPFSPY_DENY, BPFSPY_DROPPED_CAPS: see policy.c
 *   BPFSPY_SECCOMP_TRAP, BPFSPY_PASSTHROUGH: raw bpf(2) calls, see trap.c
 *
 * Every bpf(2) call the shim makes carries BPFSPY_TRAP_COOKIE as its 6th
 * argument (which bpf(2) ignores), so the --seccomp-trap filter lets it
 * through: a call made through libc is recorded once, here.
 *   BPFSPY_STACK=DEPTH  call-site stacks of DEPTH frames: see stack.c
 *   BPFSPY_UNWIND_LIB   the libunwind to dlopen for them (libunwind.so.8)
 */
#include "shim.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "policy/bpf_filter.h"
#include "syscall/bpf_attr.h"
#include "syscall/bpf_info.h"
#include "syscall/bpf_decode.h"
#include "event/bpf_record.h"
#include "event/bpf_stack.h"
#include "base/jsonw.h"
#include "base/memread.h"
#include "base/spool.h"

#define EVENT_STACK_BUF 2048   /* most events fit; larger ones use mmap */

enum spool_state { SP_NONE, SP_CREATING, SP_READY, SP_FAILED };

static struct {
	bool enabled;            /* record at all */
	bool follow;             /* children and exec'd images too */
	int fd_floor;            /* our fds go at or above this */
	int state;               /* enum spool_state, atomic */
	pid_t pid;
	int64_t realtime_off;    /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	uint64_t seq;            /* atomic */
	struct decode_opts opts;
	bool audit_all;          /* privilege context for every failure */
	struct spool spool;
	uint32_t spool_gen;      /* bumped with each spool made: templates' */
	uint64_t spool_size;     /* BPFSPY_SPOOL_SIZE; 0: the default */
	uint64_t state_seen;     /* the consumer's last request for state */
	uint32_t thread_epoch;   /* bumped when the state is wanted again */
	/* the parent's spool, still mapped in a child that has none of its
	 * own yet: where it counts what it cannot record */
	struct spool inherited;
	int inh_dirfd;           /* BPFSPY_SPOOL_FD, or -1 */
	uint64_t inh_dev, inh_ino;
	struct bpf_filter filter;  /* -e trace=SET (BPFSPY_TRACE) */
	bool failed_only;          /* --failed-only (BPFSPY_FAILED_ONLY) */
	bool replay;               /* replay_hit() may take calls (BPFSPY_NO_REPLAY) */
	bool stats;                /* BPFSPY_STATS: say_stats() at exit */
	bool summary;              /* --summary (BPFSPY_SUMMARY): counts only */
	bool fast;                 /* -e trace=SET or --summary: bpf_fast() first */
	uint64_t skip_cmds;        /* bit n: command n is only made (bpf_in()) */
	char filter_spec[256];
	int spool_dirfd;         /* checked once (spool_dir_open), then used */
	uint64_t dir_dev, dir_ino;  /* what spool_dirfd is, to tell it still is */
	mode_t mode;             /* of a trace file we create */
	char output[PATH_MAX];
	char spool_dir[PATH_MAX];
	char header[16384];      /* built on the first event of each process */
	size_t header_len;
} g;

/* Calls that went through without being recorded although this process
 * traces (no room for the work area, nesting too deep, no spool...):
 * reported with the lost events. */
static uint64_t untraced;

/* A page that every fork wipes (MADV_WIPEONFORK): a child made without
 * libc's fork() (syscall(SYS_fork), clone()) has no atfork handlers run,
 * and finds it zero on its first call.  One load on the hot path. */
static volatile int *fork_token;

static void fork_token_init(void);
static void area_free(void *p);
static void say_stats(void);
static pthread_key_t area_key;
static bool area_key_ok;

static __thread pid_t t_tid;
static __thread bool t_thread_spooled;  /* its BPF_REC_THREAD is in the spool */
static __thread uint32_t t_thread_epoch;  /* of g.thread_epoch, when spooled */
static __thread uint64_t t_seq;   /* the seq of the event being spooled */
static __thread bool t_creating;  /* this thread is creating the spool */
static uint32_t possible_cpus;    /* for per-CPU map values (0: unknown) */
static bool possible_cpus_read;   /* cpus_learn() */
static uint32_t count_possible_cpus(void);
static void spool_fdobj_replay(void);
static bool fd_note(int32_t fd, struct bpf_fd_note *out);
static uint64_t skip_cmds(void);
static void init_filter(void);
static __thread char t_comm[16];

static long resolve_syscall(long n, long a, long b, long c, long d, long e, long f);
syscall_fn bpfspy_real_syscall = resolve_syscall;

/* First call before our constructor ran: find glibc's syscall() now.
 * Once is enough: libc is loaded before the shim and stays, and nothing
 * loaded later comes before it in the global scope (see bpfspy_next_fn,
 * trap.c). */
static long resolve_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	syscall_fn real = (syscall_fn)dlsym(RTLD_NEXT, "syscall");

	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	__atomic_store_n(&bpfspy_real_syscall, real, __ATOMIC_RELEASE);
	return real(n, a, b, c, d, e, f);
}

#if !defined(__x86_64__)
/* Portable hook for targets without the assembly one: reads the six
 * argument registers as glibc's own syscall() does. */
#include <stdarg.h>
__attribute__((visibility("default"))) long syscall(long nr, ...)
{
	long a[6];
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_bpf)
		return bpfspy_bpf_syscall(nr, a[0], a[1], a[2], a[3], a[4]);
	return bpfspy_real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
#endif

static inline uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * The shim's clock: the TSC where it is the kernel's clocksource (so it
 * runs at one rate and in step on every CPU), converted to ns by a factor
 * measured against CLOCK_MONOTONIC over doubling windows since it was
 * turned on.  rdtsc costs ~10 ns here against ~24 ns for clock_gettime()
 * through the vDSO (10M of each, this VM), and a traced call reads the
 * clock twice (four times a libbpf call and its syscall).  Elsewhere
 * (another clocksource, another arch) it is CLOCK_MONOTONIC.
 *
 * --summary turns it on at start-up; a trace, once a thread has made
 * CLK_LEARN_AFTER calls (reading the clocksource costs ~10 us, which a
 * short-lived process does not win back).  Timestamps (now_ns()) are
 * CLOCK_MONOTONIC at a per-thread anchor, re-read every CLK_ANCHOR cycles
 * (~1 ms), plus the cycles since: the error is the factor's over that
 * span, ~ns, and a thread's timestamps never go back.
 */
enum { CLK_UNKNOWN, CLK_DECIDING, CLK_TSC, CLK_MONO };
#define CLK_LEARN_AFTER 256u
#define CLK_ANCHOR (1ull << 22)
static int clk_state;
static uint64_t tsc0, tsc_ns0, tsc_mult, tsc_next;   /* ns per cycle << 32 */
/* The thread's anchor (t_anc_tsc 0: none, the clock is not the TSC yet)
 * and the factor taken with it. */
static __thread uint64_t t_anc_tsc, t_anc_ns, t_mult, t_anc_span, t_last_ns;
static __thread uint32_t t_clk_calls;

static inline uint64_t tsc_read(void)
{
#if defined(__x86_64__)
	return __builtin_ia32_rdtsc();
#else
	return 0;
#endif
}

/*
 * The TSC and CLOCK_MONOTONIC at one instant: read between two rdtscs,
 * again when those lie far apart (a preemption or an interrupt between
 * them would pair the clock with a TSC value microseconds off, and every
 * timestamp extrapolated from the pair with it).
 */
#define TSC_PAIR_CYCLES 4096u
static void tsc_pair(uint64_t *tsc, uint64_t *ns)
{
	uint64_t a, b, m;
	int tries;

	for (tries = 0;; tries++) {
		a = tsc_read();
		m = mono_ns();
		b = tsc_read();
		if ((b >= a && b - a <= TSC_PAIR_CYCLES) || tries == 3)
			break;
	}
	*tsc = a + (b >= a ? (b - a) / 2 : 0);
	*ns = m;
}

static inline bool tsc_on(void)
{
	return __atomic_load_n(&clk_state, __ATOMIC_ACQUIRE) == CLK_TSC;
}

static void tsc_init(void)
{
	char buf[16];
	size_t n;
	int expect = CLK_UNKNOWN;
	bool tsc = false;

	if (!__atomic_compare_exchange_n(&clk_state, &expect, CLK_DECIDING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	n = read_file_head("/sys/devices/system/clocksource/clocksource0/current_clocksource",
			   buf, sizeof(buf) - 1);
#if defined(__x86_64__)
	tsc = n >= 3 && !memcmp(buf, "tsc", 3) && (n == 3 || buf[3] == '\n');
#endif
	if (tsc) {
		tsc_pair(&tsc0, &tsc_ns0);
		tsc_next = tsc0;
	}
	__atomic_store_n(&clk_state, tsc ? CLK_TSC : CLK_MONO, __ATOMIC_RELEASE);
}

/* The factor measured again, from the start to a pair read now; the
 * next measure after as many cycles again (at most 2^32). */
static __attribute__((noinline)) uint64_t tsc_calibrate(void)
{
	uint64_t t, m, cyc, mult;

	tsc_pair(&t, &m);
	cyc = t - tsc0;
	if (!cyc || t < tsc0)
		return __atomic_load_n(&tsc_mult, __ATOMIC_RELAXED);
	mult = (uint64_t)(((unsigned __int128)(m - tsc_ns0) << 32) / cyc);
	__atomic_store_n(&tsc_mult, mult, __ATOMIC_RELAXED);
	__atomic_store_n(&tsc_next, t + (cyc < (1ull << 32) ? cyc : (1ull << 32)),
			 __ATOMIC_RELAXED);
	return mult;
}

static inline uint64_t tsc_mult_at(uint64_t now)
{
	uint64_t mult = __atomic_load_n(&tsc_mult, __ATOMIC_RELAXED);

	if (__builtin_expect(now >= __atomic_load_n(&tsc_next, __ATOMIC_RELAXED) || !mult, 0))
		mult = tsc_calibrate();
	return mult;
}

/* now_ns() off its fast path: the clock not decided yet, or the thread's
 * anchor to take again. */
static __attribute__((noinline)) uint64_t now_slow(void)
{
	uint64_t t, ns, next;

	if (!tsc_on()) {
		if (__atomic_load_n(&clk_state, __ATOMIC_RELAXED) == CLK_UNKNOWN &&
		    ++t_clk_calls >= CLK_LEARN_AFTER)
			tsc_init();
		ns = mono_ns();
	} else {
		/* A handler of this thread reading the clock in between sees
		 * no anchor (t_anc_tsc 0: this way), never half of one. */
		t_anc_tsc = 0;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		tsc_pair(&t, &ns);
		t_mult = tsc_mult_at(t);
		t_anc_ns = ns;
		/* Until the factor is measured again: a young factor (its
		 * window as long as the time since the clock became the TSC)
		 * extrapolates no further than that window, so the jump
		 * back at the next anchor stays within the clock reads' jitter
		 * (without it: 5 lookups of 6,000 with dur_ns 0). */
		next = __atomic_load_n(&tsc_next, __ATOMIC_RELAXED);
		t_anc_span = next > t ? next - t : 0;
		if (t_anc_span > CLK_ANCHOR)
			t_anc_span = CLK_ANCHOR;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		t_anc_tsc = t_mult ? t : 0;   /* no factor yet: the clock again */
	}
	if (ns < t_last_ns)
		ns = t_last_ns;
	t_last_ns = ns;
	return ns;
}

/* CLOCK_MONOTONIC, in ns: the event timestamps and durations.  Between
 * anchors: rdtsc, a multiply and the clamp (a TSC behind the anchor is
 * a huge d: the slow path). */
static inline uint64_t now_ns(void)
{
	uint64_t t, d, ns;

	if (__builtin_expect(!t_anc_tsc, 0))
		return now_slow();
	t = tsc_read();
	d = t - t_anc_tsc;
	if (__builtin_expect(d > t_anc_span, 0))
		return now_slow();
	ns = t_anc_ns + (uint64_t)(((unsigned __int128)d * t_mult) >> 32);
	if (__builtin_expect(ns < t_last_ns, 0))
		ns = t_last_ns;
	t_last_ns = ns;
	return ns;
}

/* --summary's: durations only, never a timestamp. */
static inline uint64_t summary_start(void)
{
	return tsc_on() ? tsc_read() : mono_ns();
}

static inline uint64_t summary_dur(uint64_t start)
{
	uint64_t end;

	if (!tsc_on())
		return mono_ns() - start;
	end = tsc_read();
	return end > start ? (uint64_t)(((unsigned __int128)(end - start) * tsc_mult_at(end)) >> 32)
			   : 0;
}

uint64_t bpfspy_summary_start(void)
{
	return summary_start();
}

uint64_t bpfspy_summary_dur(uint64_t start)
{
	return summary_dur(start);
}

static uint64_t env_u32(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long long n;

	if (!v || !*v)
		return dflt;
	n = strtoull(v, &end, 0);
	return (*end || n > UINT32_MAX) ? dflt : n;
}

/* An octal file mode; anything else means the default. */
static mode_t env_mode(const char *name, mode_t dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return dflt;
	n = strtoul(v, &end, 8);
	return (*end || n > 0777) ? dflt : (mode_t)n;
}

static void set_realtime_off(void)
{
	struct timespec r, m;

	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m);
	g.realtime_off = ((int64_t)r.tv_sec - m.tv_sec) * 1000000000ll +
			 ((int64_t)r.tv_nsec - m.tv_nsec);
}

/* ---- the trace header: one line per process image ---------------------- */


/* Which layers record here: the syscall layer always; the libbpf layer
 * when a shared libbpf is loaded, in any scope (a plugin's RTLD_LOCAL one
 * too: its wrappers reach it).  A statically linked libbpf (bpftool,
 * libbpf-tools) is seen through its syscalls only.  This is what was
 * loaded when the header was written: a libbpf a call reaches later (a
 * plugin dlopen()ed after, a second copy) is announced by a "layer"
 * event. */
static void render_layers(struct jsonw *w)
{
	/* static, not on a stack that may be a signal stack: only the thread
	 * that creates the spool builds the header (spool_ready) */
	static char ver[64], path[PATH_MAX];
	bool have = bpfspy_libbpf_loaded(ver, sizeof(ver), path, sizeof(path));

	jw_arr_open(w, "layers");
	jw_str(w, NULL, "syscall");
	if (have)
		jw_str(w, NULL, "libbpf");
	jw_arr_close(w);
	jw_str(w, "libbpf", have ? ver : "static or absent");
	if (have)
		jw_str(w, "libbpf_path", path);
}

struct layer_note {
	const char *ver, *path;
};

static void render_layer(struct jsonw *w, const void *ctx)
{
	const struct layer_note *n = ctx;

	jw_obj_open(w, NULL);
	jw_str(w, "event", "layer");
	bpf_render_ts(w, "ts", mono_ns() + (uint64_t)g.realtime_off);
	jw_u64(w, "pid", (uint64_t)g.pid);
	jw_str(w, "layer", "libbpf");
	jw_str(w, "libbpf", n->ver);
	jw_str(w, "libbpf_path", n->path);
	jw_obj_close(w);
}

void bpfspy_layer_event(const char *ver, const char *path)
{
	struct layer_note n = { ver, path };

	if (__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) == SP_READY)
		bpfspy_emit_json(render_layer, &n);
}

/*
 * The image's command line as its constructor received it, NUL-separated
 * as /proc/self/cmdline has it (at most 4095 bytes): copied before the
 * program can reorder argv (getopt) or rewrite it.  Opening and reading
 * /proc/self/cmdline in a new process cost 16-18 us here (bench/README).
 */
static struct {
	char text[4096];
	size_t len;
	bool have;
} init_argv;

static void keep_argv(int argc, char **argv, char **envp)
{
	size_t cap = sizeof(init_argv.text) - 1, n = 0, l;
	int i;

	/* Only what glibc passed: its envp is environ (a C library that
	 * calls constructors without arguments leaves registers that are
	 * not, and nothing is dereferenced before this test). */
	if (envp != environ || argc <= 0 || !argv)
		return;
	for (i = 0; i < argc && argv[i] && n < cap; i++) {
		l = strlen(argv[i]) + 1;
		if (l > cap - n)
			l = cap - n;
		memcpy(init_argv.text + n, argv[i], l);
		n += l;
	}
	init_argv.len = n;
	init_argv.have = true;
}

/* Into @buf (room for @cap bytes and a NUL): the kept command line, or
 * /proc/self/cmdline where the constructor had none. */
static size_t header_cmdline(char *buf, size_t cap)
{
	if (!init_argv.have)
		return read_file_head("/proc/self/cmdline", buf, cap);
	memcpy(buf, init_argv.text, init_argv.len);
	return init_argv.len;
}

static void build_header(void)
{
	char exe[PATH_MAX], cmdline[4096];
	struct utsname u;
	struct jsonw w;
	ssize_t n;
	size_t len, i;

	jw_init(&w, g.header, sizeof(g.header) - 1);
	jw_obj_open(&w, NULL);
	jw_str(&w, "event", "header");
	jw_u64(&w, "schema", BPF_TRACE_SCHEMA);
	jw_str(&w, "bpfspy", BPFSPY_VERSION);
	bpf_render_ts(&w, "ts", mono_ns() + (uint64_t)g.realtime_off);
	jw_u64(&w, "pid", (uint64_t)g.pid);
	jw_u64(&w, "ppid", (uint64_t)getppid());
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	jw_str(&w, "exe", exe);
	len = header_cmdline(cmdline, sizeof(cmdline) - 1);
	/* argv is at most 4 KiB and each argument capped, so the header
	 * always fits and keeps its other fields. */
	cmdline[len] = 0;
	jw_arr_open(&w, "argv");
	for (i = 0; i < len; i += strlen(cmdline + i) + 1)
		jw_strn(&w, NULL, cmdline + i, 1024);
	jw_arr_close(&w);
	if (len == sizeof(cmdline) - 1)
		jw_bool(&w, "argv_truncated", true);
	if (uname(&u) == 0) {
		jw_str(&w, "host", u.nodename);
		jw_str(&w, "kernel", u.release);
		jw_str(&w, "machine", u.machine);
	}
	bpfspy_ident_header(&w);
	render_layers(&w);
	jw_bool(&w, "follow", g.follow);
	if (g.filter.active)
		jw_str(&w, "trace", g.filter_spec);
	if (g.failed_only)
		jw_bool(&w, "failed_only", true);
	if (g.summary)
		jw_bool(&w, "summary", true);
	if (g.opts.insns)
		jw_bool(&w, "insns", true);
	bpfspy_policy_header(&w);
	bpfspy_trap_header(&w);
	bpfspy_stack_header(&w);
	jw_obj_close(&w);
	if (jw_overflowed(&w)) {   /* absurd argv: keep a valid minimal line */
		jw_init(&w, g.header, sizeof(g.header) - 1);
		jw_obj_open(&w, NULL);
		jw_str(&w, "event", "header");
		jw_u64(&w, "schema", BPF_TRACE_SCHEMA);
		jw_u64(&w, "pid", (uint64_t)g.pid);
		jw_obj_close(&w);
	}
	g.header_len = w.len;
}

/* ---- spool lifecycle ------------------------------------------------------ */

/* One line on standard error from @n parts, built without stdio: this
 * may run on the first event, in a signal handler. */
static void say_parts(const char *const *part, size_t n)
{
	char line[PATH_MAX + 256];
	size_t len = 0, i, l;

	for (i = 0; i < n; i++) {
		l = strlen(part[i]);
		if (l > sizeof(line) - len)
			l = sizeof(line) - len;
		memcpy(line + len, part[i], l);
		len += l;
	}
	(void)!write(2, line, len);
}

static void say(const char *what, const char *path, const char *why)
{
	const char *part[] = { "bpfspy: not tracing: ", what, " '", path, "': ", why, "\n" };

	say_parts(part, sizeof(part) / sizeof(part[0]));
}

/* Spools another user put in our directory were left alone: say so (once
 * per image, when it starts). */
static void say_foreign(const struct drain_stats *st)
{
	char num[24];
	const char *part[] = { "bpfspy: ignored ", num, " spool(s) in '", g.spool_dir,
			       "' not written by this user\n" };

	if (!st->foreign)
		return;
	num[fmt_u64(num, st->foreign)] = 0;
	say_parts(part, sizeof(part) / sizeof(part[0]));
}

/* The spool directory, created when missing; refused (with a message)
 * when another user could put spools in it or swap it. */
/* The directory bpfspy run handed down as an fd, while it still is that
 * directory: a chroot, a mount namespace or a private /tmp leave the path
 * elsewhere.  A copy of our own, checked as the path would be. */
static int inherited_dir(void)
{
	struct stat st;
	int fd, rc;

	if (g.inh_dirfd < 0 || fstat(g.inh_dirfd, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    (uint64_t)st.st_dev != g.inh_dev || (uint64_t)st.st_ino != g.inh_ino)
		return -ENOENT;
	fd = fcntl(g.inh_dirfd, F_DUPFD_CLOEXEC, g.fd_floor);
	if (fd < 0)
		return -errno;
	rc = spool_dir_check(fd);
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

static bool open_spool_dir(bool create)
{
	int fd = inherited_dir();
	struct stat st;

	if (fd < 0)
		fd = spool_dir_open(g.spool_dir, create, g.fd_floor);

	if (fd >= 0) {
		g.spool_dirfd = fd;
		g.dir_dev = fstat(fd, &st) == 0 ? (uint64_t)st.st_dev : 0;
		g.dir_ino = g.dir_dev ? (uint64_t)st.st_ino : 0;
		return true;
	}
	if (fd != -ENOENT || create)
		say("spool directory", g.spool_dir, spool_strerror(fd));
	return false;
}

static int output_fd_name(const char *out);

/* The spool directory's fd, if it still is that directory: the program
 * may have closed it (closefrom) or put its own file there.  Reopened
 * (and checked again) when not; -1 when that fails too. */
static bool spool_dir(bool create)
{
	struct stat st;

	if (g.spool_dirfd >= 0 && fstat(g.spool_dirfd, &st) == 0 &&
	    (uint64_t)st.st_dev == g.dir_dev && (uint64_t)st.st_ino == g.dir_ino)
		return true;
	g.spool_dirfd = -1;   /* not ours (any more): never closed or used */
	return open_spool_dir(create);
}

/* Where the program could get that number (spool_dir_open found no room
 * above its soft RLIMIT_NOFILE), the fd is not kept between uses. */
static void spool_dir_release(void)
{
	struct rlimit rl;

	if (g.spool_dirfd < 0 || getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur > 4096 ||
	    (rlim_t)g.spool_dirfd >= rl.rlim_cur)
		return;
	close(g.spool_dirfd);
	g.spool_dirfd = -1;
	if (__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) == SP_READY || t_creating)
		g.spool.dirfd = -1;
}

/* No BPFSPY_SPOOL_DIR: next to the trace (OUTPUT.spool), unless OUTPUT is
 * a descriptor (/dev/stderr), a device, a pipe or in /dev (but for
 * /dev/shm, a tmpfs of files) or /proc: then in $TMPDIR or /tmp, one
 * directory per user (which spool_dir_open() takes only when it is the
 * user's own and closed to others). */
/*
 * A trace file's spools: in a tmpfs when there is one with room
 * (spool_fast_base()), in /dev/shm/bpfspy-UID/, a directory of ours, under
 * the trace's absolute path with '%' and '/' escaped as %25 and %2F (one
 * directory per trace: a process drains the leftovers it finds into its
 * own trace); else beside the trace, as TRACE.spool.  Measured on
 * bpftool prog show (2.3 ms natively): 4.0 ms with the spools beside a
 * trace on ext4, 2.3 ms in /dev/shm.
 */
static bool fast_spool_dir(const char *out)
{
	char abs[PATH_MAX], base[64];
	size_t n = 0, i;
	int dfd, rc;

	if (!spool_fast_base("/dev/shm"))
		return false;
	if (out[0] != '/' && !getcwd(abs, sizeof(abs) / 2))
		return false;
	snprintf(abs + (out[0] == '/' ? 0 : strlen(abs)), sizeof(abs) / 2, "%s%s",
		 out[0] == '/' ? "" : "/", out);
	snprintf(base, sizeof(base), "/dev/shm/bpfspy-%u", (unsigned)geteuid());
	dfd = spool_dir_open(base, true, g.fd_floor);
	if (dfd < 0)
		return false;   /* not ours: beside the trace */
	close(dfd);
	rc = snprintf(g.spool_dir, sizeof(g.spool_dir), "%s/", base);
	n = (size_t)rc;
	for (i = 1; abs[i] && n + 8 < sizeof(g.spool_dir); i++) {
		if (abs[i] == '/' || abs[i] == '%') {
			memcpy(g.spool_dir + n, abs[i] == '/' ? "%2F" : "%25", 3);
			n += 3;
		} else {
			g.spool_dir[n++] = abs[i];
		}
	}
	memcpy(g.spool_dir + n, ".spool", 7);
	/* NAME_MAX for the last component */
	return !abs[i] && n + 6 - (size_t)rc <= 255;
}

static void default_spool_dir(const char *out)
{
	const char *tmp = getenv("TMPDIR");
	struct stat st;

	/* /dev/shm holds files: spooled in /tmp (ext4 here: mkdir, create,
	 * fallocate, rmdir), bpftool prog show took 3.65 ms against 3.06 */
	bool dev = !strncmp(out, "/dev/", 5) && strncmp(out, "/dev/shm/", 9);

	if (output_fd_name(out) < 0 && !dev && strncmp(out, "/proc/", 6) &&
	    (stat(out, &st) != 0 || S_ISREG(st.st_mode))) {
		if (!fast_spool_dir(out))
			snprintf(g.spool_dir, sizeof(g.spool_dir), "%s.spool", out);
		return;
	}
	if (!tmp || tmp[0] != '/' || strlen(tmp) > PATH_MAX / 2)
		tmp = "/tmp";
	snprintf(g.spool_dir, sizeof(g.spool_dir), "%s/bpfspy-%u.spool", tmp,
		 (unsigned)geteuid());
}

/* Create this process's spool on its first event.  Other threads that
 * arrive meanwhile wait for the one creating it: first event only. */
static bool spool_ready(void)
{
	int st = __atomic_load_n(&g.state, __ATOMIC_ACQUIRE);
	int expect = SP_NONE;
	sigset_t block, old;
	char *p;

	if (st == SP_READY)
		return true;
	/* A signal handler calling bpf while its thread creates the spool
	 * would wait for itself: let that one call through unrecorded. */
	if (st == SP_FAILED || t_creating)
		return false;
	if (!__atomic_compare_exchange_n(&g.state, &expect, SP_CREATING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		while ((st = __atomic_load_n(&g.state, __ATOMIC_ACQUIRE)) == SP_CREATING)
			sched_yield();
		return st == SP_READY;
	}
	/* A handler of this thread calling bpf now would find the spool
	 * half made and could neither wait nor record: hold the signals
	 * that can wait (not the ones a fault raises) until it is ready. */
	sigfillset(&block);
	sigdelset(&block, SIGSYS);
	sigdelset(&block, SIGSEGV);
	sigdelset(&block, SIGBUS);
	sigdelset(&block, SIGILL);
	sigdelset(&block, SIGFPE);
	sigdelset(&block, SIGTRAP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	t_creating = true;
	if (!spool_dir(true) ||
	    spool_create(&g.spool, g.spool_dirfd, g.fd_floor, g.spool_size) != 0) {
		spool_dir_release();
		t_creating = false;
		__atomic_store_n(&g.state, SP_FAILED, __ATOMIC_RELEASE);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return false;
	}
	/* for growing when neither the file's nor the directory's fd is kept */
	g.spool.dir = g.spool_dir;
	bpf_dict_init(spool_dict(&g.spool), SPOOL_DICT_SIZE, (uint32_t)g.pid);
	__atomic_add_fetch(&g.spool_gen, 1, __ATOMIC_RELEASE);
	spool_dir_release();
	build_header();
	p = spool_reserve(&g.spool, g.header_len);
	if (p) {
		memcpy(p, g.header, g.header_len);
		spool_commit(p, SPOOL_JSON, g.header_len);
	}
	/* calls that went through before there was a spool are its losses */
	spool_lost_n(&g.spool, __atomic_exchange_n(&untraced, 0, __ATOMIC_RELAXED));
	g.state_seen = spool_state_wanted(&g.spool);
	if (g.inherited.shm)
		spool_forget(&g.inherited);
	t_creating = false;
	__atomic_store_n(&g.state, SP_READY, __ATOMIC_RELEASE);
	spool_fdobj_replay();
	bpfspy_libbpf_announce_loaded();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return true;
}

/* The fd BPFSPY_OUTPUT names as /dev/stdout, /dev/stderr or /dev/fd/N,
 * or -1.  Reopening it through /proc would fail for another user's pipe
 * (a service's stderr, a container's): write to the descriptor itself. */
static int output_fd_name(const char *out)
{
	char *end;
	long n;

	if (!strcmp(out, "/dev/stdout"))
		return 1;
	if (!strcmp(out, "/dev/stderr"))
		return 2;
	if (strncmp(out, "/dev/fd/", 8) || !out[8])
		return -1;
	n = strtol(out + 8, &end, 10);
	return *end || n < 0 || n > INT_MAX ? -1 : (int)n;
}

/* The trace file is the user's: reached by path, but no symlink followed
 * in a sticky world-writable directory and no file of another user
 * written (spool_open_output).  Inside the spool directory (bpfspy run
 * without -o) it is reached through the directory's checked fd; a
 * descriptor it names (/dev/stderr) is written as it is. */
static int open_output(void)
{
	size_t dl = strlen(g.spool_dir);
	const char *name = g.output + dl + 1;
	int fd, flags = O_WRONLY | O_APPEND | O_CLOEXEC, named = output_fd_name(g.output);
	bool created;

	if (named >= 0)
		return fcntl(named, F_DUPFD_CLOEXEC, g.fd_floor);
	if (g.spool_dirfd >= 0 && !strncmp(g.output, g.spool_dir, dl) && g.output[dl] == '/' &&
	    !strchr(name, '/'))
		return openat(g.spool_dirfd, name, flags | O_CREAT | O_NOFOLLOW, 0600);
	/* Created here: exactly g.mode, whatever the umask.  An existing
	 * trace keeps its mode (bare mode appends to it). */
	fd = spool_open_output(g.output, flags | O_CREAT | O_EXCL, 0600, &created);
	if (fd >= 0 && created)
		fchmod(fd, g.mode);
	return fd;
}

/* Spools left by images that are gone (exec, _exit, kill): drain them so
 * their events precede ours. */
/* Drains run in the constructor and destructor, never on the event path:
 * the render context (~160 KiB) may come from malloc. */
static bool renderer_open(struct spool_renderer *r)
{
	r->ctx = bpf_render_ctx_new();
	r->begin_file = bpf_render_ctx_begin;
	r->render = bpf_render_ctx_record;
	return r->ctx != NULL;
}

static void drain_leftovers(int out)
{
	struct drain_stats st = { 0 };
	struct spool_renderer r = { 0 };

	if (g.spool_dirfd < 0 || !renderer_open(&r))
		return;
	spool_drain_dir(g.spool_dirfd, out, NULL, &r, &st);
	say_foreign(&st);
	bpf_render_ctx_free(r.ctx);
}

/* Events that found no room (disk full, spool exhausted) are not silently
 * gone: the trace says how many. */
static size_t lost_line(char *buf, size_t cap, pid_t pid, uint64_t count)
{
	struct jsonw w;

	jw_init(&w, buf, cap);
	jw_obj_open(&w, NULL);
	jw_str(&w, "event", "lost");
	jw_u64(&w, "pid", (uint64_t)pid);
	jw_u64(&w, "count", count);
	jw_obj_close(&w);
	return w.len;
}

/* Calls of a vfork child @pid, which could record nothing: a "lost" line
 * for it in our spool (or in the trace when we have none). */
static void spool_lost_line(pid_t pid, uint64_t count)
{
	char buf[128];
	size_t n = lost_line(buf, sizeof(buf) - 1, pid, count);
	char *p;
	int out;

	if (bpfspy_active() && (p = spool_reserve(&g.spool, n))) {
		memcpy(p, buf, n);
		spool_commit(p, SPOOL_JSON, n);
		return;
	}
	out = open_output();
	if (out < 0)
		return;
	buf[n] = '\n';
	(void)!write(out, buf, n + 1);
	close(out);
}

/* The calls this process made that are not in the trace: events that
 * found no room, and calls that went through untraced. */
static void report_lost(int out)
{
	uint64_t lost = __atomic_load_n(&untraced, __ATOMIC_RELAXED);
	char buf[256];
	size_t n;

	/* a spool's own losses are in its lost lines */
	if (!lost)
		return;
	n = lost_line(buf, sizeof(buf) - 1, g.pid, lost);
	buf[n] = '\n';
	(void)!write(out, buf, n + 1);
}

/* --summary: this process's counts as one line, after its header. */
static void spool_summary(void)
{
	size_t cap = 256 << 10, n;
	char *buf = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (buf == MAP_FAILED)
		return;
	n = bpfspy_summary_render(buf, cap, (uint32_t)g.pid,
				  mono_ns() + (uint64_t)g.realtime_off);
	if (n && (p = spool_begin(&g.spool, n, 0))) {
		memcpy(p, buf, n);
		spool_commit(p, SPOOL_JSON, n);
		bpfspy_summary_written();
	}
	munmap(buf, cap);
}

static void summary_fn(void *arg __maybe_unused)
{
	spool_summary();
}

void bpfspy_summary_flush(void)
{
	static int busy;
	int e = errno;

	/* a vfork child's, or a child's that has not called yet: the
	 * counts in memory are the parent's */
	if (!g.enabled || !g.summary || bpfspy_t_vfork ||
	    __atomic_load_n(&g.state, __ATOMIC_ACQUIRE) != SP_READY ||
	    g.pid != (pid_t)syscall(SYS_getpid))
		return;
	/* two threads at once: one line carries both's counts */
	if (!__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE)) {
		/* _exit() may be called from a handler on a small stack: the
		 * rendering runs on the work stack, as an event's does */
		bpfspy_on_work_stack(summary_fn, NULL);
		__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
	}
	errno = e;
}

__attribute__((destructor)) static void bpfspy_fini(void)
{
	struct drain_stats st = { 0 };
	struct spool_renderer r = { 0 };
	int out;

	if (!g.enabled)
		return;
	/* a vfork child's exit(), or a child of syscall(SYS_fork) that never
	 * called: the spool in memory is the parent's */
	if (g.pid != (pid_t)syscall(SYS_getpid))
		return;
	say_stats();
	if (__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) != SP_READY) {
		out = untraced && g.output[0] ? open_output() : -1;
		if (out >= 0) {
			report_lost(out);
			close(out);
		}
		return;
	}
	if (g.summary)
		bpfspy_summary_flush();   /* (not while a thread's _exit() writes it) */
	/* A collector has the directory (bpfspy run, bpfspy collect), or
	 * there is no trace but the collector's: the spool is left to it,
	 * which renders it to the end once we are gone. */
	spool_dir(false);
	g.spool.dirfd = g.spool_dirfd;
	if (!g.output[0] || (g.spool_dirfd >= 0 && spool_claimed(g.spool_dirfd)))
		return;
	if (!renderer_open(&r))
		return;
	out = open_output();
	if (out < 0) {
		bpf_render_ctx_free(r.ctx);
		return;
	}
	if (g.spool_dirfd >= 0)
		spool_drain_dir(g.spool_dirfd, out, g.spool.name, &r, &st);
	spool_drain_own(&g.spool, out, &r, &st);
	report_lost(out);
	close(out);
	bpf_render_ctx_free(r.ctx);
	rmdir(g.spool_dir);   /* only succeeds when empty */
}

static void atfork_child(void)
{
	g.pid = (pid_t)syscall(SYS_getpid);
	if (fork_token)
		*fork_token = 1;
	__atomic_store_n(&untraced, 0, __ATOMIC_RELAXED);
	t_tid = 0;
	t_thread_spooled = false;
	t_comm[0] = 0;
	mem_read_reset_process();
	/* The parent's spool stays mapped until ours exists: a child that
	 * cannot make one (its privileges dropped) counts its calls there. */
	if (__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) == SP_READY) {
		if (g.inherited.shm)
			spool_forget(&g.inherited);
		g.inherited = g.spool;
		memset(&g.spool, 0, sizeof(g.spool));
		g.spool.fd = -1;
		g.spool.dirfd = -1;
	}
	__atomic_store_n(&g.state, SP_NONE, __ATOMIC_RELEASE);
	__atomic_store_n(&g.seq, 0, __ATOMIC_RELAXED);
	bpfspy_policy_fork();
	bpfspy_summary_reset();
	bpfspy_trap_fork();
	bpfspy_stack_fork();
	bpfspy_scope_fork();
	if (!g.follow)
		g.enabled = false;
}

/* A child made without libc's fork() (fork_token wiped), on its first
 * call: what the atfork handler would have done. */
static void new_process(void)
{
	atfork_child();
}

/* --no-follow: take ourselves out of LD_PRELOAD so exec'd images run
 * untraced. */
static void drop_self_from_preload(void)
{
	const char *pl = getenv("LD_PRELOAD");
	char buf[4096], out[4096];
	size_t o = 0;
	char *tok, *save;

	if (!pl || strlen(pl) >= sizeof(buf))
		return;
	strcpy(buf, pl);
	for (tok = strtok_r(buf, " :", &save); tok; tok = strtok_r(NULL, " :", &save)) {
		if (strstr(tok, "libbpfspy"))
			continue;
		if (o)
			out[o++] = ':';
		memcpy(out + o, tok, strlen(tok));
		o += strlen(tok);
	}
	out[o] = 0;
	if (o)
		setenv("LD_PRELOAD", out, 1);
	else
		unsetenv("LD_PRELOAD");
}

static int pick_fd_floor(void)
{
	struct rlimit rl;
	rlim_t top = 1024;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		top = rl.rlim_cur;
	if (top > 4096)
		top = 4096;   /* a huge fd table costs the kernel memory */
	/* Stay below the limit, as far from the low fds as it allows. */
	if (top > 128)
		return (int)top - 64;
	return top > 16 ? (int)top - 8 : 3;
}

/* The version of the libbpf linked in, as decode_opts.libbpf_ver has it:
 * libbpf_major_version() exists since 0.6; a libbpf without it is older. */
static uint16_t libbpf_ver(void)
{
	uint32_t (*major)(void) = (uint32_t (*)(void))dlsym(RTLD_DEFAULT, "libbpf_major_version");
	uint32_t (*minor)(void) = (uint32_t (*)(void))dlsym(RTLD_DEFAULT, "libbpf_minor_version");

	if (major && minor)
		return (uint16_t)((major() & 0xff) << 8 | (minor() & 0xff));
	return dlsym(RTLD_DEFAULT, "bpf_object__open") ? 0x0005 : 0;
}

/* Refuse, once and with a message, a spool directory or trace another
 * user could have planted or could swap; returns the trace open, -EAGAIN
 * when there is none to open now (a collector's), or -1. */
static int paths_trusted(void)
{
	int fd = -1;

	g.spool_dirfd = -1;
	if ((access(g.spool_dir, F_OK) == 0 || errno != ENOENT || g.inh_dirfd >= 0) &&
	    !open_spool_dir(false))
		return -1;
	/* No trace of our own, or a collector has the directory: the trace
	 * is the collector's (BPFSPY_OUTPUT is its fallback, for our exit
	 * should it be gone by then, and may be out of our reach: a
	 * private /tmp). */
	if (!g.output[0] || (g.spool_dirfd >= 0 && spool_claimed(g.spool_dirfd)))
		return -EAGAIN;
	fd = open_output();
	if (fd >= 0)
		return fd;
	say("trace file", g.output, spool_strerror(fd));
	if (g.spool_dirfd >= 0) {
		close(g.spool_dirfd);
		g.spool_dirfd = -1;
	}
	return -1;
}

/* BPFSPY_SPOOL_FD=N:DEV:INO: the spool directory, open as fd N. */
static void inherit_spool_fd(const char *v)
{
	unsigned long long dev, ino;
	int fd, used = 0;

	g.inh_dirfd = -1;
	if (!v || sscanf(v, "%d:%llu:%llu%n", &fd, &dev, &ino, &used) != 3 || v[used] || fd < 0)
		return;
	g.inh_dirfd = fd;
	g.inh_dev = dev;
	g.inh_ino = ino;
}

/* glibc calls an object's constructors with main()'s arguments. */
__attribute__((constructor)) static void bpfspy_init(int argc, char **argv, char **envp)
{
	const char *out = getenv("BPFSPY_OUTPUT");
	const char *dir = getenv("BPFSPY_SPOOL_DIR");
	const char *follow = getenv("BPFSPY_FOLLOW");
	int out_fd, e;
	bool trap;

	keep_argv(argc, argv, envp);   /* before a setenv() can move environ */
	if (bpfspy_real_syscall == resolve_syscall)
		bpfspy_real_syscall = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
	bpfspy_trap_resolve();
	bpfspy_scope_init();
	/* setuid/setgid/capability-gaining exec: the environment belongs to
	 * the unprivileged caller, so no path it names is trusted. */
	if (getauxval(AT_SECURE))
		return;
	trap = bpfspy_trap_init();
	if (bpfspy_trap_passthrough())
		return;
	g.follow = !(follow && !strcmp(follow, "0"));
	/* --no-follow: exec'd images run untraced.  In trap mode they keep
	 * the shim, recording nothing, to answer the inherited filter. */
	if (!g.follow && trap)
		setenv("BPFSPY_PASSTHROUGH", "1", 1);
	else if (!g.follow)
		drop_self_from_preload();
	if ((!out || !*out) && (!dir || !*dir)) {
		static const char msg[] = "bpfspy: neither BPFSPY_OUTPUT nor BPFSPY_SPOOL_DIR "
					  "is set; not tracing (use `bpfspy run`)\n";

		(void)!write(2, msg, sizeof(msg) - 1);
		return;
	}
	if (out && strlen(out) + 8 >= sizeof(g.output)) {
		say("trace file", out, "its name is too long");
		return;
	}
	if (out && *out)
		strcpy(g.output, out);
	if (dir && *dir && strlen(dir) < sizeof(g.spool_dir)) {
		strcpy(g.spool_dir, dir);
	} else if (!g.output[0]) {
		say("spool directory", dir, "its name is too long");   /* no default */
		return;
	} else {
		default_spool_dir(out);
	}
	inherit_spool_fd(getenv("BPFSPY_SPOOL_FD"));
	g.spool_size = env_u32("BPFSPY_SPOOL_SIZE", 0);
	g.mode = env_mode("BPFSPY_MODE", 0600);
	decode_opts_default(&g.opts);
	g.opts.log_cap = (uint32_t)env_u32("BPFSPY_LOG_BYTES", g.opts.log_cap);
	g.opts.str_cap = (uint32_t)env_u32("BPFSPY_STR_BYTES", g.opts.str_cap);
	g.opts.data_cap = (uint32_t)env_u32("BPFSPY_DATA_BYTES", g.opts.data_cap);
	g.opts.no_data = env_u32("BPFSPY_NO_DATA", 0) != 0;
	g.opts.insns = env_u32("BPFSPY_INSNS", 0) != 0;
	g.opts.fd_note = fd_note;
	init_filter();
	g.failed_only = env_u32("BPFSPY_FAILED_ONLY", 0) != 0;
	g.replay = !g.failed_only && env_u32("BPFSPY_NO_REPLAY", 0) == 0;
	g.stats = env_u32("BPFSPY_STATS", 0) != 0;
	g.summary = env_u32("BPFSPY_SUMMARY", 0) != 0;
	g.fast = g.summary || g.filter.active;
	if (g.summary)
		tsc_init();
	g.opts.no_check = env_u32("BPFSPY_NO_CHECK", 0) != 0;
	g.opts.libbpf_ver = libbpf_ver();
	g.audit_all = getenv("BPFSPY_AUDIT") && !strcmp(getenv("BPFSPY_AUDIT"), "all");
	bpfspy_policy_init();
	g.skip_cmds = skip_cmds();
	g.fd_floor = pick_fd_floor();
	bpfspy_stack_init((unsigned)env_u32("BPFSPY_STACK", 0), g.fd_floor);
	g.pid = getpid();
	set_realtime_off();
	pthread_atfork(NULL, NULL, atfork_child);
	/* --no-follow: what an exec'd image would trace with is not its
	 * business (copied above; glibc keeps the strings) */
	if (!g.follow) {
		unsetenv("BPFSPY_OUTPUT");
		unsetenv("BPFSPY_SPOOL_DIR");
		unsetenv("BPFSPY_SPOOL_FD");
		unsetenv("BPFSPY_SPOOL_SIZE");
		unsetenv("BPFSPY_FOLLOW");
	}
	fork_token_init();
	area_key_ok = pthread_key_create(&area_key, area_free) == 0;
	e = errno;
	out_fd = paths_trusted();
	if (out_fd >= 0) {
		drain_leftovers(out_fd);
		close(out_fd);
		g.enabled = true;
	} else if (out_fd == -EAGAIN) {
		g.enabled = true;   /* spooling for a collector */
	}
	spool_dir_release();
	errno = e;
}

/* ---- the objects behind fds: for payload sizes and fd notes ------------ */

#define FDOBJ_MAX 4096
enum { FD_UNLEARNED, FD_BPF, FD_NOT_BPF };

/*
 * Learned when an fd-returning call succeeds (type and name from attr, id
 * from fdinfo) or, for fds we did not see made (OBJ_GET, inherited,
 * dup'd), from /proc/self/fdinfo on first use.  Written by whichever
 * thread learns it: a racing reader at worst sees the fd's previous
 * object, and every read stays fault-safe anyway.  The shim makes no bpf
 * calls of its own, so strace, BPF LSMs and the program's own tracers see
 * only the program's.
 */
static struct fdobj {
	uint32_t state;
	struct bpf_fd_note note;
	uint32_t key_size, value_size;   /* maps */
} fdobj[FDOBJ_MAX];

static void fdobj_from_fdinfo(int fd, struct fdobj *o)
{
	char path[48] = "/proc/self/fdinfo/", text[1536];
	struct bpf_fdinfo fi;
	size_t n;

	path[18 + fmt_u64(path + 18, (uint64_t)fd)] = 0;
	n = read_file_head(path, text, sizeof(text) - 1);
	bpf_fdinfo_parse(text, n, &fi);
	o->note.kind = (uint8_t)fi.kind;
	o->note.has_type = fi.has_type;
	o->note.frozen = fi.frozen;
	o->note.type = (uint16_t)fi.type;
	o->note.id = fi.id;
	if (fi.kind == OBJ_MAP) {
		o->key_size = fi.key_size;
		o->value_size = fi.value_size;
	}
}

/* Tell the spool what fd @fd is from now on: packed events name their
 * objects from these records when rendered. */
static void spool_fdobj(int fd, const struct bpf_fd_note *note)
{
	struct bpf_fd_note *p;

	if (__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) != SP_READY)
		return;
	p = spool_reserve(&g.spool, sizeof(*p));
	if (!p)
		return;
	*p = *note;
	p->fd = fd;
	spool_commit(p, BPF_REC_FDOBJ, sizeof(*p));
}

/* fdobj[] is zero from here on: a replay reads only the entries in use
 * (reading all of it faulted in ~40 pages of zeroes, ~0.1 ms here). */
static uint32_t fdobj_end;

/* Read when the first map is known (fdmeta_get() finds none before), not
 * at start-up: the sysfs file cost ~30 us of every traced process's start
 * here, most of which (a shell's children under bpfspy run) never name a
 * map.  open() and read() only: a handler's call may be the first. */
static void cpus_learn(void)
{
	if (__atomic_load_n(&possible_cpus_read, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&possible_cpus, count_possible_cpus(), __ATOMIC_RELAXED);
	__atomic_store_n(&possible_cpus_read, true, __ATOMIC_RELEASE);
}

static void fdobj_publish(long fd, const struct fdobj *o, uint32_t state)
{
	uint32_t end = __atomic_load_n(&fdobj_end, __ATOMIC_RELAXED);

	if (o->note.kind == OBJ_MAP)
		cpus_learn();   /* before fdmeta_get() can find this map */

	while (end <= (uint32_t)fd &&
	       !__atomic_compare_exchange_n(&fdobj_end, &end, (uint32_t)fd + 1, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	__atomic_store_n(&fdobj[fd].state, FD_UNLEARNED, __ATOMIC_RELAXED);
	fdobj[fd].note = o->note;
	fdobj[fd].key_size = o->key_size;
	fdobj[fd].value_size = o->value_size;
	__atomic_store_n(&fdobj[fd].state, state, __ATOMIC_RELEASE);
	spool_fdobj((int)fd, &o->note);
}

/* A new spool (after fork) starts with what the process already knows. */
static void spool_fdobj_replay(void)
{
	int fd, end = (int)__atomic_load_n(&fdobj_end, __ATOMIC_ACQUIRE);

	for (fd = 0; fd < end && fd < FDOBJ_MAX; fd++)
		if (__atomic_load_n(&fdobj[fd].state, __ATOMIC_ACQUIRE) == FD_BPF)
			spool_fdobj(fd, &fdobj[fd].note);
}

/* What fd @fd is, learning it from fdinfo the first time. */
/* An fd not seen yet: what fdinfo says it is.  Out of line: inlined, its
 * frame grew every hot call's. */
static __attribute__((noinline)) void fdobj_learn(int fd)
{
	struct fdobj o;

	memset(&o, 0, sizeof(o));   /* here: 15 instructions a hot call otherwise */
	fdobj_from_fdinfo(fd, &o);
	fdobj_publish(fd, &o, o.note.kind == OBJ_UNKNOWN ? FD_NOT_BPF : FD_BPF);
}

static inline __attribute__((always_inline)) const struct fdobj *fdobj_get(int fd)
{
	if (fd < 0 || fd >= FDOBJ_MAX)
		return NULL;
	if (__atomic_load_n(&fdobj[fd].state, __ATOMIC_ACQUIRE) == FD_UNLEARNED)
		fdobj_learn(fd);
	return &fdobj[fd];
}

/* BPFSPY_TRACE=SET (bpfspy run -e trace=SET): what is recorded.  A set
 * bpfspy run did not check and the shim cannot read records everything,
 * and says so once. */
static void init_filter(void)
{
	const char *spec = getenv("BPFSPY_TRACE");
	static const char msg[] = "bpfspy: BPFSPY_TRACE is not a set of bpf commands and "
				  "libbpf functions; recording all\n";
	char bad[64];

	if (!spec || !*spec || strlen(spec) >= sizeof(g.filter_spec))
		return;
	if (bpf_filter_parse(spec, &g.filter, bad, sizeof(bad))) {
		memset(&g.filter, 0, sizeof(g.filter));
		(void)!write(2, msg, sizeof(msg) - 1);
		return;
	}
	strcpy(g.filter_spec, spec);
}

bool bpfspy_summary_on(void)
{
	return g.summary && g.enabled;
}

bool bpfspy_failed_only(void)
{
	return g.failed_only;
}

bool bpfspy_filter_func(unsigned id)
{
	return bpf_filter_func(&g.filter, id);
}

/* decode_opts.fd_note: what the shim knows of an fd, for instruction text. */
static bool fd_note(int32_t fd, struct bpf_fd_note *out)
{
	const struct fdobj *o = fdobj_get(fd);

	if (!o || o->state != FD_BPF)
		return false;
	*out = o->note;
	out->fd = fd;
	return true;
}

static inline __attribute__((always_inline)) bool fdmeta_get(int fd, struct bpf_map_meta *m)
{
	const struct fdobj *o = fdobj_get(fd);

	if (!o || o->state != FD_BPF || o->note.kind != OBJ_MAP)
		return false;
	m->map_type = o->note.type;
	m->key_size = o->key_size;
	m->value_size = o->value_size;
	m->possible_cpus = __atomic_load_n(&possible_cpus, __ATOMIC_RELAXED);
	return true;
}

/* An fd-returning command succeeded: the number now means this object.
 * What attr says (type, name, sizes) is kept; fdinfo adds the id. */
static void fdobj_note_result(const struct bpf_call *c)
{
	const struct bpf_cmd_desc *d = bpf_cmd_desc(c->cmd);
	struct fdobj o = { 0 };
	char name[16] = "";

	if (!d || d->ret != RET_FD || c->ret < 0 || c->ret >= FDOBJ_MAX)
		return;
	fdobj_from_fdinfo((int)c->ret, &o);
	if (c->cmd == XV_BPF_MAP_CREATE && bpf_attr_has(c, 0, ATTR_MAP_CREATE_max_entries)) {
		o.key_size = (uint32_t)bpf_attr_get(c, ATTR_MAP_CREATE_key_size, 4);
		o.value_size = (uint32_t)bpf_attr_get(c, ATTR_MAP_CREATE_value_size, 4);
		if (bpf_attr_has(c, ATTR_MAP_CREATE_map_name, 16))
			memcpy(name, c->pre + ATTR_MAP_CREATE_map_name, 16);
	} else if (c->cmd == XV_BPF_PROG_LOAD && bpf_attr_has(c, ATTR_PROG_LOAD_prog_name, 16)) {
		memcpy(name, c->pre + ATTR_PROG_LOAD_prog_name, 16);
	}
	memcpy(o.note.name, name, sizeof(name));
	fdobj_publish(c->ret, &o, o.note.kind == OBJ_UNKNOWN ? FD_NOT_BPF : FD_BPF);
}

/* A MAP_FREEZE succeeded: the map behind its fd is frozen from now on. */
static void fdobj_note_freeze(const struct bpf_call *c)
{
	const struct fdobj *cur;
	struct fdobj o;
	int fd;

	if (c->cmd != XV_BPF_MAP_FREEZE || c->ret != 0)
		return;
	fd = bpf_call_map_fd(c);
	cur = fdobj_get(fd);
	if (!cur || cur->state != FD_BPF || cur->note.frozen)
		return;
	o = *cur;
	o.note.frozen = 1;
	fdobj_publish(fd, &o, FD_BPF);
}

/* Notes on the objects behind the fds @c mentions. */
static void capture_fd_notes(struct bpf_call *c)
{
	int32_t fds[BPF_FD_NOTES];
	unsigned n = bpf_call_fds(c, fds, BPF_FD_NOTES), i;

	c->nnotes = 0;
	for (i = 0; i < n; i++) {
		const struct fdobj *o = fdobj_get(fds[i]);

		if (!o || o->state != FD_BPF)
			continue;
		c->notes[c->nnotes] = o->note;
		c->notes[c->nnotes++].fd = fds[i];
	}
}

/* "0-1,4-7" -> 6, as the kernel lists possible CPUs. */
static uint32_t count_possible_cpus(void)
{
	char buf[256], *p = buf;
	size_t n = read_file_head("/sys/devices/system/cpu/possible", buf, sizeof(buf) - 1);
	uint32_t total = 0;

	buf[n] = 0;
	while (*p >= '0' && *p <= '9') {
		unsigned long a = strtoul(p, &p, 10), b = a;

		if (*p == '-')
			b = strtoul(p + 1, &p, 10);
		if (b >= a)
			total += (uint32_t)(b - a + 1);
		if (*p != ',')
			break;
		p++;
	}
	return total;
}

/*
 * Capture plans of hot calls (bpf_cmd_hot()), kept per call site.
 * bpf_capture_plan() walks the command's fields once per phase, three
 * times a call: 590 of the ~2,200 instructions the shim spent on a
 * lookup (callgrind, bench/lookup_bench).  The plan depends on the
 * command, attr's bytes, the map's sizes, the options and the outcome
 * (a hit, ENOENT, another error), and a call site passes the same attr
 * every time: each level of a thread's work area keeps the plans of its
 * last calls, PLAN_WAYS of them, each phase computed on first use.
 */
enum plan_class { PL_BEFORE, PL_PRE, PL_POST_OK, PL_POST_ENOENT, PL_POST_ERR, PL_CLASSES };
#define PLAN_WAYS 4u
#define PLAN_ATTR BPF_TMPL_ATTR   /* attr bytes a plan is keyed by */

struct plan_way {
	bool valid, have_meta;
	uint8_t known;                 /* bit per enum plan_class computed */
	uint8_t n[PL_CLASSES];
	uint32_t cmd_raw, size;
	uint64_t attr_addr;
	uint32_t post_len;             /* nonzero: the call writes attr back (either outcome) */
	struct bpf_map_meta m;
	uint8_t pre[PLAN_ATTR];
	/* the template of each outcome (a hit, ENOENT, another error) in
	 * the spool of generation tmpl_gen, slot tmpl_id (commit_hot()) */
	uint32_t tmpl_gen[3];
	int tmpl_id[3];
	struct bpf_tmpl tmpl[3];
	int32_t fd;                    /* the map fd attr names (have_meta) */
	/* replay_after()'s reads of each outcome, checked against its
	 * template in the spool of generation rcp_gen */
	uint32_t rcp_gen[3];
	struct replay_recipe {
		bool proven;           /* every read a plain copy: the kernel just
					* copied each in full */
		uint8_t n;
		struct { uint64_t addr; uint32_t len; } rd[BPF_TMPL_BLOBS];
	} rcp[3];
	struct bpf_blob_req req[PL_CLASSES][BPF_BLOB_MAX];
};

struct plan_cache {
	struct plan_way way[PLAN_WAYS];
	struct plan_way *cur;          /* this call's, found before it */
};

/* 32 bytes (a map element command's attr) at @a and @b the same. */
static inline __attribute__((always_inline)) bool same_words4(const void *a, const void *b)
{
	uint64_t x[4], y[4];

	memcpy(x, a, 32);
	memcpy(y, b, 32);
	return !((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]));
}

/* Two maps' sizes the same (16 bytes: two words). */
static inline __attribute__((always_inline)) bool same_meta(const struct bpf_map_meta *a,
							    const struct bpf_map_meta *b)
{
	uint64_t x[2], y[2];

	_Static_assert(sizeof(*a) == 16, "struct bpf_map_meta: four u32");
	memcpy(x, a, 16);
	memcpy(y, b, 16);
	return !((x[0] ^ y[0]) | (x[1] ^ y[1]));
}

/* @n bytes at @a and @b the same: a word at a time, inline, for the
 * 16-40 bytes a hot call compares three times (libc's memcmp() calls:
 * 1,302 -> 1,285 instructions a traced lookup, callgrind). */
static inline bool same_bytes(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	uint64_t u, v;

	for (; n >= 8; n -= 8, x += 8, y += 8) {
		memcpy(&u, x, 8);
		memcpy(&v, y, 8);
		if (u != v)
			return false;
	}
	for (; n; n--)
		if (*x++ != *y++)
			return false;
	return true;
}

/* @n bytes at @p all zero: a word at a time.  A call passing
 * sizeof(union bpf_attr) (144 with 6.1's header) has 104 bytes past the
 * ones its plan compares: byte by byte they cost 523 of a replayed
 * lookup's 1,361 instructions (callgrind, lookup_bench --union). */
static inline bool all_zero(const uint8_t *p, size_t n)
{
	uint64_t acc = 0, u;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&u, p, 8);
		acc |= u;
	}
	for (; n; n--)
		acc |= *p++;
	return !acc;
}

/* The way that holds @c's plans (made afresh when it held another
 * call's), or NULL when @c's plans are not kept. */
static struct plan_way *plan_way(struct plan_cache *pc, const struct bpf_call *c,
				 const struct bpf_map_meta *m)
{
	struct plan_way *p;
	uint32_t i;

	if (!pc || !bpf_cmd_hot(c->cmd) || c->pre_len < c->size || c->pre_len > BPF_ATTR_SNAP)
		return NULL;
	for (i = PLAN_ATTR; i < c->pre_len; i++)
		if (c->pre[i])
			return NULL;
	p = &pc->way[(c->pre[0] ^ c->cmd) & (PLAN_WAYS - 1)];
	if (p->valid && p->cmd_raw == c->cmd_raw && p->size == c->size &&
	    p->attr_addr == c->attr_addr &&
	    p->have_meta == (m != NULL) && (!m || same_bytes(&p->m, m, sizeof(*m))) &&
	    same_bytes(p->pre, c->pre, c->pre_len < PLAN_ATTR ? c->pre_len : PLAN_ATTR))
		return p;
	memset(p, 0, offsetof(struct plan_way, req));
	p->cmd_raw = c->cmd_raw;
	p->size = c->size;
	p->attr_addr = c->attr_addr;
	p->post_len = bpf_cmd_post_len(c->cmd, c->size, true) |
		      bpf_cmd_post_len(c->cmd, c->size, false);
	p->have_meta = m != NULL;
	if (m)
		p->m = *m;
	memcpy(p->pre, c->pre, c->pre_len < PLAN_ATTR ? c->pre_len : PLAN_ATTR);
	p->valid = true;
	return p;
}

/* bpf_capture_plan() of @c in @phase, from @p when not NULL. */
static inline unsigned plan(struct plan_way *p, const struct bpf_call *c,
		     const struct bpf_map_meta *m, enum bpf_capture_phase phase,
		     struct bpf_blob_req *req)
{
	unsigned cls = phase == CAPTURE_BEFORE ? PL_BEFORE : phase == CAPTURE_PRE ? PL_PRE :
		       c->ret >= 0 ? PL_POST_OK : c->err == ENOENT ? PL_POST_ENOENT : PL_POST_ERR;
	unsigned i;

	if (!p)
		return bpf_capture_plan(c, m, phase, &g.opts, req);
	if (!(p->known & (1u << cls))) {
		p->n[cls] = (uint8_t)bpf_capture_plan(c, m, phase, &g.opts, p->req[cls]);
		p->known |= (uint8_t)(1u << cls);
	}
	for (i = 0; i < p->n[cls]; i++)   /* one or two: no memcpy() call */
		req[i] = p->req[cls][i];
	return p->n[cls];
}

/* Keys and values of map element commands, as bpf_capture_plan() asks.
 * Done after the call: then an fd the kernel refused (EBADF, EINVAL) is
 * not queried, and output buffers hold what the kernel wrote. */
static void capture_payload(struct bpf_call *c, struct plan_cache *pc)
{
	struct bpf_blob_req req[BPF_BLOB_MAX];
	struct plan_way *p;
	struct bpf_map_meta m;
	unsigned n, n1, i;
	int fd;

	p = pc->cur && pc->cur->have_meta ? pc->cur : NULL;
	if (p) {
		/* the map's fd and sizes as they were found before the call */
		if (c->ret < 0 && (c->err == EBADF || c->err == EINVAL)) {
			c->nblobs = 0;
			c->blob_used = 0;
			return;
		}
		n1 = plan(p, c, &p->m, CAPTURE_PRE, req);
		n = n1 + plan(p, c, &p->m, CAPTURE_POST, req + n1);
		/* What the kernel copied in full: every buffer of a call
		 * that succeeded, the inputs of one that missed (ENOENT
		 * comes after the key is read: kernel/bpf/syscall.c).  A
		 * heap or TLS buffer then costs a copy, not two
		 * process_vm_readv() (~1.1 us each here). */
		for (i = 0; i < n; i++)
			req[i].proven = c->ret >= 0 || (i < n1 && c->err == ENOENT);
		bpf_call_capture(c, req, n);
		return;
	}
	fd = bpf_call_map_fd(c);
	if (fd >= 0 && c->ret < 0 && (c->err == EBADF || c->err == EINVAL)) {
		/* a key read before the call of an fd the kernel refused */
		c->nblobs = 0;
		c->blob_used = 0;
	}
	if (fd < 0 || g.opts.no_data || (c->ret < 0 && (c->err == EBADF || c->err == EINVAL)))
		return;
	if (!fdmeta_get(fd, &m))
		return;
	n = bpf_capture_plan(c, &m, CAPTURE_PRE, &g.opts, req);
	n += bpf_capture_plan(c, &m, CAPTURE_POST, &g.opts, req + n);
	bpf_call_capture(c, req, n);
}

/* What the kernel will overwrite, read before the call (a map's key and
 * value sizes come from the fd table, no syscall). */
static void capture_before(struct bpf_call *c, struct plan_cache *pc)
{
	struct bpf_blob_req req[BPF_BLOB_MAX];
	struct bpf_map_meta m;
	int fd = bpf_call_map_fd(c);
	bool known = fd >= 0 && !g.opts.no_data && fdmeta_get(fd, &m);

	c->nblobs = 0;
	c->blob_used = 0;
	pc->cur = plan_way(pc, c, known ? &m : NULL);
	if (pc->cur)
		pc->cur->fd = fd;
	bpf_call_capture(c, req, plan(pc->cur, c, known ? &m : NULL, CAPTURE_BEFORE, req));
}


/* ---- the event path --------------------------------------------------------- */

/* A thread's first bpf call: learn its tid and name, and spool them once
 * for the packed events that follow. */
/* A consumer that starts on our spool part-way (a collector restarted)
 * asks for the state again: what the fds are, the threads' names, the
 * names of call sites. */
static void state_check(void)
{
	uint64_t want = spool_state_wanted(&g.spool);
	uint64_t seen = __atomic_load_n(&g.state_seen, __ATOMIC_RELAXED);

	if (want == seen ||
	    !__atomic_compare_exchange_n(&g.state_seen, &seen, want, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_RELAXED))
		return;
	__atomic_add_fetch(&g.thread_epoch, 1, __ATOMIC_RELAXED);
	spool_fdobj_replay();
	bpfspy_stack_fork();
}

static void thread_identity(void)
{
	struct bpf_rec_thread *r;

	state_check();

	if (t_tid && t_thread_spooled &&
	    t_thread_epoch == __atomic_load_n(&g.thread_epoch, __ATOMIC_RELAXED))
		return;
	if (!t_tid) {
		t_tid = (pid_t)syscall(SYS_gettid);
		if (prctl(PR_GET_NAME, t_comm) != 0)
			t_comm[0] = 0;
		t_comm[15] = 0;
	}
	/* State, not an event: a failure is not a lost event (the count
	 * would be one too many); the next call tries again. */
	r = spool_reserve(&g.spool, sizeof(*r));
	if (!r)
		return;
	r->tid = (uint32_t)t_tid;
	memcpy(r->comm, t_comm, sizeof(r->comm));
	spool_commit(r, BPF_REC_THREAD, sizeof(*r));
	t_thread_spooled = true;
	t_thread_epoch = __atomic_load_n(&g.thread_epoch, __ATOMIC_RELAXED);
}

/* Bytes of attr past what we snapshot: find the first nonzero one, as the
 * kernel does for sizes up to a page. */
static void scan_tail(struct bpf_call *c)
{
	uint8_t chunk[256];
	uint32_t off = BPF_ATTR_SNAP;

	if (c->size <= BPF_ATTR_SNAP || c->size > BPF_ATTR_PAGE || c->pre_len < BPF_ATTR_SNAP)
		return;
	while (off < c->size) {
		uint32_t n = c->size - off < sizeof(chunk) ? c->size - off : sizeof(chunk);
		size_t got = mem_read(chunk, c->attr_addr + off, n, NULL), i;

		for (i = 0; i < got; i++)
			if (chunk[i]) {
				c->tail_nonzero_off = off + (uint32_t)i;
				return;
			}
		if (got < n) {
			c->tail_unreadable = true;
			return;
		}
		off += n;
	}
}

/*
 * The BTF a successful BPF_BTF_LOAD loaded, spooled once as state
 * (BPF_REC_BTF), copied from the caller's buffer straight into the spool:
 * the drain types the keys and values of maps created with it.  Blobs
 * over BPF_REC_BTF_MAX are recorded by size only.
 */
static void spool_btf(const struct bpf_call *c)
{
	uint64_t addr = bpf_attr_get(c, ATTR_BTF_LOAD_btf, 8);
	uint32_t size = (uint32_t)bpf_attr_get(c, ATTR_BTF_LOAD_btf_size, 4);
	uint32_t want = size <= BPF_REC_BTF_MAX ? size : 0;
	struct bpf_rec_btf *r;
	size_t got;

	if (__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) != SP_READY || !addr ||
	    !bpf_attr_has(c, ATTR_BTF_LOAD_btf_size, 4))
		return;
	r = spool_reserve(&g.spool, sizeof(*r) + want);   /* state, not an event */
	if (!r)
		return;
	got = mem_read(r->data, addr, want, NULL);
	if (got < want)
		memset(r->data + got, 0, want - got);
	r->fd = (int32_t)c->ret;
	r->len = (uint32_t)got;
	r->full_len = size;
	r->pad = 0;
	spool_commit(r, BPF_REC_BTF, sizeof(*r) + want);
}

/* Hot commands (lookups, updates, ids...) render from the attr snapshots
 * alone: spool the packed call and render it at drain time. */
static void commit_packed(const struct bpf_call *c, const struct bpf_event_env *env)
{
	size_t n = bpf_record_size(c, env);
	void *p = spool_begin(&g.spool, n, env->seq);

	if (!p)
		return;
	bpf_record_pack(p, c, env);
	spool_commit(p, BPF_REC_CALL, n);
}

/*
 * A hot call as a BPF_REC_HOT after its template (bpf_record.h).  The
 * call site's plan way (@p, NULL: none) keeps the template of each
 * outcome: a call that captured what the last one did (the same blobs,
 * no fault) reuses it without making it again; else it is made and
 * looked up in the spool's dictionary.  False: the call cannot be one
 * (the caller packs it whole).
 */
static bool tmpl_still(const struct bpf_tmpl *t, const struct bpf_call *c,
		       const struct bpf_event_env *env)
{
	return c->nblobs == t->nblobs && c->blob_used == t->blob_used &&
	       c->facts.flags == t->facts_flags && !c->have_post && !t->flags &&
	       same_bytes(c->blobs, t->blobs, c->nblobs * sizeof(c->blobs[0])) &&
	       env->dur_ns <= UINT32_MAX && c->ret >= INT32_MIN && c->ret <= INT32_MAX &&
	       c->err >= 0 && c->err <= UINT16_MAX && !env->stack &&
	       (!c->parent || (c->parent <= env->seq && env->seq - c->parent <= UINT32_MAX));
}

static bool commit_hot(const struct bpf_call *c, const struct bpf_event_env *env,
		       struct plan_way *p)
{
	uint32_t gen = __atomic_load_n(&g.spool_gen, __ATOMIC_ACQUIRE);
	unsigned k = c->ret >= 0 ? 0 : c->err == ENOENT ? 1 : 2;
	size_t n;
	void *r;

	if (!p)
		return false;
	if (p->tmpl_gen[k] != gen || !tmpl_still(&p->tmpl[k], c, env)) {
		int id;

		p->rcp_gen[k] = 0;   /* replay_recipe() of the new one */
		if (!bpf_tmpl_make(&p->tmpl[k], c, env)) {
			p->tmpl_gen[k] = 0;
			return false;
		}
		id = bpf_dict_intern(spool_dict(&g.spool), &p->tmpl[k]);
		p->tmpl_gen[k] = id < 0 ? 0 : gen;
		if (id < 0)
			return false;
		p->tmpl_id[k] = id;
	}
	n = bpf_hot_size(&p->tmpl[k]);
	r = spool_begin(&g.spool, n, env->seq);
	if (!r)
		return true;   /* counted lost */
	bpf_hot_pack(r, c, env, &p->tmpl[k], p->tmpl_id[k]);
	spool_commit(r, BPF_REC_HOT, n);
	return true;
}

static void learn_fd(void *ctx __maybe_unused, int32_t fd)
{
	fdobj_get(fd);
}

/* The other commands with copies of the buffers their rendering reads
 * (bpf_record.h): false when they do not fit a record's regions, then it
 * renders live.  An info struct of an fd the notes do not name (past
 * FDOBJ_MAX, or noted as no BPF object) goes with the kind fdinfo gives
 * now (bpf_info_kind()).  With --insns
 * the map fds a program's instructions load are learned first, so that
 * their BPF_REC_FDOBJ records come before it. */
static bool commit_copies(const struct bpf_call *c, const struct bpf_event_env *env)
{
	struct bpf_region r[BPF_REGIONS_MAX];
	uint8_t scratch[BPF_REGIONS_SCRATCH];
	unsigned n = bpf_call_regions(c, &g.opts, r, BPF_REGIONS_MAX);
	size_t size;
	void *p;

	if (n > BPF_REGIONS_MAX)
		return false;
	if (g.opts.insns && c->cmd == XV_BPF_PROG_LOAD)
		bpf_insns_map_fds(bpf_attr_get(c, ATTR_PROG_LOAD_insns, 8),
				  (uint32_t)bpf_attr_get(c, ATTR_PROG_LOAD_insn_cnt, 4), learn_fd,
				  NULL);
	bpf_regions_measure(r, n, scratch, sizeof(scratch));
	size = bpf_copies_size(c, env, r, n);
	p = spool_begin(&g.spool, size, env->seq);
	if (!p)
		return true;   /* counted lost */
	bpf_copies_pack(p, c, env, &g.opts, r, n, scratch);
	spool_commit(p, BPF_REC_COPIES, size);
	return true;
}

static void commit_json(const char *line, size_t n)
{
	char *p = spool_begin(&g.spool, n, t_seq);

	if (!p)
		return;
	memcpy(p, line, n);
	spool_commit(p, SPOOL_JSON, n);
}

/* An event larger than the stack buffer (verifier logs): render into an
 * mmap'd buffer.  mmap, not malloc, so this stays async-signal-safe. */
static void emit_large(void (*fn)(struct jsonw *w, const void *ctx), const void *ctx,
		       size_t need)
{
	int tries;

	for (tries = 0; tries < 4; tries++) {
		size_t cap = (need + 4096) * (size_t)(tries + 1);
		char *buf = mmap(NULL, cap, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct jsonw w;
		bool fits;

		if (buf == MAP_FAILED)
			break;
		jw_init(&w, buf, cap);
		fn(&w, ctx);
		fits = !jw_overflowed(&w);
		if (fits)
			commit_json(buf, w.len);
		munmap(buf, cap);
		if (fits)
			return;
		need = w.len;   /* the caller's memory grew under us: retry */
	}
	spool_lost(&g.spool, t_seq);
}

void bpfspy_emit_json(void (*fn)(struct jsonw *w, const void *ctx), const void *ctx)
{
	char buf[EVENT_STACK_BUF];
	struct jsonw w;

	jw_init(&w, buf, sizeof(buf));
	fn(&w, ctx);
	if (!jw_overflowed(&w)) {
		commit_json(buf, w.len);
		return;
	}
	emit_large(fn, ctx, w.len);
}

struct live_event {
	const struct bpf_event_env *env;
	const struct bpf_call *c;
};

static void render_live(struct jsonw *w, const void *ctx)
{
	const struct live_event *e = ctx;

	bpf_render_event(w, e->env, e->c, &g.opts);
}

static void record(struct bpf_call *c, uint64_t start, uint64_t dur,
		   const struct bpf_stack *stack, struct plan_way *hot)
{
	struct bpf_event_env env;
	struct live_event e = { &env, c };

	bpfspy_env(&env, __atomic_add_fetch(&g.seq, 1, __ATOMIC_RELAXED), start, dur);
	env.parent = c->parent;
	env.stack = stack;
	if (hot || bpf_call_offline_ok(c)) {   /* hot: an element command, offline */
		/* fd notes come from BPF_REC_FDOBJ, names from BPF_REC_SYM */
		if (stack)
			bpfspy_stack_spool_syms(stack);
		else if (commit_hot(c, &env, hot))
			return;
		commit_packed(c, &env);
		return;
	}
	capture_fd_notes(c);   /* learns the call's fds: BPF_REC_FDOBJ first */
	if (stack)
		bpfspy_stack_spool_syms(stack);
	if (commit_copies(c, &env))
		return;
	t_seq = env.seq;
	bpfspy_emit_json(render_live, &e);
	t_seq = 0;
}

/* ---- the interface for the libbpf layer ------------------------------------ */

void bpfspy_spool_record(uint32_t type, const void *rec, size_t len)
{
	/* only events count as lost; names of addresses are state */
	void *p = type == BPF_REC_SYM ? spool_reserve(&g.spool, len) :
					spool_begin(&g.spool, len, 0);

	if (!p)
		return;
	memcpy(p, rec, len);
	spool_commit(p, type, len);
}

void *bpfspy_spool_begin(size_t len, uint64_t seq)
{
	return spool_begin(&g.spool, len, seq);
}

void bpfspy_spool_commit(void *rec, uint32_t type, size_t len)
{
	spool_commit(rec, type, len);
}

void *bpfspy_spool_dict(void)
{
	return spool_dict(&g.spool);
}

uint32_t bpfspy_spool_gen(void)
{
	return __atomic_load_n(&g.spool_gen, __ATOMIC_ACQUIRE);
}

static void ready_fn(void *arg)
{
	*(bool *)arg = spool_ready();
}

bool bpfspy_active(void)
{
	bool ok;

	/* a vfork child records nothing (see bpfspy_t_vfork); a child of
	 * syscall(SYS_fork) starts afresh first */
	if (!g.enabled || bpfspy_t_vfork)
		return false;
	if (fork_token && !*fork_token)
		new_process();
	if (__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) == SP_READY)
		return true;
	/* creating the spool (the header's buffers...) takes stack: not the
	 * caller's */
	bpfspy_on_work_stack(ready_fn, &ok);
	return ok;
}

uint64_t bpfspy_next_seq(void)
{
	return __atomic_add_fetch(&g.seq, 1, __ATOMIC_RELAXED);
}

uint64_t bpfspy_now_ns(void)
{
	return now_ns();
}

void bpfspy_env(struct bpf_event_env *env, uint64_t seq, uint64_t start, uint64_t dur)
{
	thread_identity();
	env->seq = seq;
	env->ts = start + (uint64_t)g.realtime_off;
	env->dur_ns = dur;
	env->pid = (uint32_t)g.pid;
	env->tid = (uint32_t)t_tid;
	env->comm = t_comm;
	env->parent = 0;
	env->stack = NULL;
	env->wall_ns = 0;
}

const struct decode_opts *bpfspy_opts(void)
{
	return &g.opts;
}

/* The facts flags of a call the policies decided: --inject failed it
 * without the kernel, or --deny's seccomp filter refused it. */
static uint32_t policy_flags(const struct bpf_call *c, int injected)
{
	if (injected)
		return BPF_FACT_INJECTED;
	if (c->ret < 0 && bpfspy_denied(c->cmd, c->err))
		return BPF_FACT_DENIED;
	return 0;
}

/* The call itself, with the cookie that gets it past the trap filter. */
static inline long real_bpf(long nr, long cmd, long attr, long size, long a4, long a5)
{
	return bpfspy_real_syscall(nr, cmd, attr, size, a4, a5, (long)BPFSPY_TRAP_COOKIE);
}

/* ---- the event path, off the caller's stack --------------------------------
 *
 * The captured call, its render buffer and every frame of the shim run on
 * a stack of the thread's own (WORK_STACK bytes, mmap'd on its first call),
 * not on the caller's: a thread made with a 16 KiB stack, a handler on an
 * 8 KiB sigaltstack and a frame right above a guard page call us as they
 * call libc.  The caller's stack holds bpf_enter()'s frame and the real
 * syscall only (bench/trace_bench stack measures it).  Level 1 is for a
 * signal handler's call that interrupts a call at level 0; a call deeper
 * than that (or when the area cannot be mapped) goes through untraced and
 * is counted with the lost events.
 */
#define WORK_LEVELS 2
#define WORK_STACK (64u << 10)
#define WORK_PAGE 4096u

enum work_mode {
	W_PASS,       /* through, unrecorded (counted when tracing) */
	W_FILTERED,   /* left out by -e trace=SET */
	W_SUMMARY,    /* --summary: timed and counted */
	W_TRACE,      /* recorded */
	W_REPLAY,     /* recorded, as its call site's last call was (replay_hit()) */
	W_LATE,       /* recorded, attr read after the call (late_ok()) */
};

struct work {
	struct bpf_call c;
	struct bpf_stack stack;
	uint64_t ips[BPF_STACK_MAX];
	long nr, cmd, attr, size, a4, a5;
	long ret;
	uint64_t start, end;
	uint32_t via;
	int inj;
	int saved;           /* errno on entry */
	int err;             /* errno after the call */
	uintptr_t caller_sp; /* memread's, before this call */
	int mode;            /* enum work_mode */
	bool have_stack;
	struct plan_cache plans;
};

/* [guard][stack 0][guard][stack 1][struct area], one mapping per thread */
struct area {
	struct work w[WORK_LEVELS];
};
#define AREA_STACKS ((size_t)WORK_LEVELS * (WORK_PAGE + WORK_STACK))
#define AREA_SIZE (AREA_STACKS + ((sizeof(struct area) + WORK_PAGE - 1) & ~(size_t)(WORK_PAGE - 1)))

static __thread struct area *t_area;
static __thread unsigned t_level;

/*
 * The work level this thread's call takes, and its release.  t_level is
 * the thread's alone, and a signal handler can interrupt the thread only
 * between two instructions: one add instruction on memory is atomic
 * enough without the bus lock __atomic_fetch_add() emits (~5.5 ns an
 * uncontended locked add here, AMD EPYC VM; two a traced call).  The
 * memory clobber keeps the work slot's stores after the increment.
 */
static inline unsigned level_take(void)
{
#if defined(__x86_64__)
	unsigned v = 1;

	__asm__ volatile("xaddl %0, %1" : "+r"(v), "+m"(t_level) : : "memory", "cc");
	return v;
#else
	return __atomic_fetch_add(&t_level, 1, __ATOMIC_RELAXED);
#endif
}

static inline void level_drop(void)
{
#if defined(__x86_64__)
	__asm__ volatile("subl $1, %0" : "+m"(t_level) : : "memory", "cc");
#else
	__atomic_fetch_sub(&t_level, 1, __ATOMIC_RELAXED);
#endif
}

void bpfspy_on_stack(void *top, void (*fn)(void *), void *arg);   /* hook_x86_64.S */
#if !defined(__x86_64__)
void bpfspy_on_stack(void *top, void (*fn)(void *), void *arg)
{
	(void)top;
	fn(arg);
}
#endif

static char *area_base(struct area *a)
{
	return (char *)a - AREA_STACKS;
}

/* Calls replay_after() spooled: per thread (a shared counter would bounce
 * a cache line between threads), added up when threads end. */
static __thread uint64_t t_replayed;
static uint64_t replayed;

/* At thread exit (pthread key destructor). */
static void area_free(void *p)
{
	__atomic_add_fetch(&replayed, t_replayed, __ATOMIC_RELAXED);
	t_replayed = 0;
	if (t_area == p)
		t_area = NULL;
	munmap(area_base(p), AREA_SIZE);
}

/* BPFSPY_STATS=1 (HACKING.md): what the shim did, on standard error at
 * exit (a thread still running has not added its part). */
static void say_stats(void)
{
	char line[128];
	int n;

	if (!g.stats)
		return;
	n = snprintf(line, sizeof(line), "bpfspy: pid %d: %llu calls recorded, %llu replayed\n",
		     (int)g.pid, (unsigned long long)__atomic_load_n(&g.seq, __ATOMIC_RELAXED),
		     (unsigned long long)(__atomic_load_n(&replayed, __ATOMIC_RELAXED) +
					  t_replayed));
	if (n > 0)
		(void)!write(2, line, (size_t)n);
}

static struct area *area_get(void)
{
	struct area *a = t_area, *expect = NULL;
	char *m;
	int e = errno;

	if (a)
		return a;
	m = mmap(NULL, AREA_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (m == MAP_FAILED) {
		errno = e;
		return NULL;
	}
	mprotect(m, WORK_PAGE, PROT_NONE);
	mprotect(m + WORK_PAGE + WORK_STACK, WORK_PAGE, PROT_NONE);
	a = (struct area *)(m + AREA_STACKS);
	/* a handler of this thread may have beaten us to it */
	if (!__atomic_compare_exchange_n(&t_area, &expect, a, false, __ATOMIC_RELAXED,
					 __ATOMIC_RELAXED)) {
		munmap(m, AREA_SIZE);
		errno = e;
		return expect;
	}
	if (area_key_ok)
		pthread_setspecific(area_key, a);
	errno = e;
	return a;
}

static void *work_stack_top(struct area *a, unsigned level)
{
	return area_base(a) + (size_t)(level + 1) * (WORK_PAGE + WORK_STACK);
}


/* A call this process could not record: counted in its spool, or, in a
 * child that has none (it could not make one: its privileges dropped),
 * as a lost line of its own in the parent's, or at exit. */
static void count_untraced(void)
{
	if (!g.enabled)
		return;
	if (__atomic_load_n(&g.state, __ATOMIC_ACQUIRE) == SP_READY) {
		spool_lost_n(&g.spool, 1);
		return;
	}
	if (!g.inherited.shm) {
		__atomic_add_fetch(&untraced, 1, __ATOMIC_RELAXED);
		return;
	}
	spool_lost_of(&g.inherited, (uint32_t)g.pid, 0);
}

static void new_process(void);


static void fork_token_init(void)
{
	void *p = mmap(NULL, WORK_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return;
	if (madvise(p, WORK_PAGE, MADV_WIPEONFORK) != 0) {
		munmap(p, WORK_PAGE);
		return;
	}
	fork_token = p;
	*fork_token = 1;
}

/*
 * A hot call repeated: the same attr at the same address, the map behind
 * its fd as it was, and the call site's plans and templates made by the
 * calls before it (plan_way(), commit_hot()).  Such a call skips the
 * general path: before the call only attr is read and compared
 * (replay_hit()); after it the payload is read straight into the
 * BPF_REC_HOT that commit_hot() would have spooled (replay_after()).
 * Anything else about it (an outcome without a template yet, a buffer
 * that faults, a refusal the checks explain) goes the usual way, so the
 * trace is the same byte for byte (BPFSPY_NO_REPLAY=1 turns it off:
 * tests/bats/trace.bats compares).  callgrind, a traced lookup_bench
 * lookup: 1,360 instructions in the shim the usual way, 926 this way.
 */
static inline __attribute__((always_inline)) bool replay_hit(struct work *w)
{
	struct bpf_call *c = &w->c;
	struct plan_way *p;
	struct bpf_map_meta m;
	int fd;

	if (!g.replay || w->inj || w->have_stack || !bpf_cmd_hot(c->cmd) || c->pre_err ||
	    c->pre_len != c->size)
		return false;
	p = &w->plans.way[(c->pre[0] ^ c->cmd) & (PLAN_WAYS - 1)];
	if (!p->valid || !p->have_meta || p->post_len || p->cmd_raw != c->cmd_raw ||
	    p->size != c->size || p->attr_addr != c->attr_addr ||
	    (p->known & (1u << PL_BEFORE | 1u << PL_PRE)) != (1u << PL_BEFORE | 1u << PL_PRE) ||
	    p->n[PL_BEFORE])
		return false;
	if (!(c->pre_len == 32 ? same_words4(p->pre, c->pre) :
	      same_bytes(p->pre, c->pre, c->pre_len < PLAN_ATTR ? c->pre_len : PLAN_ATTR)))
		return false;
	if (c->pre_len > PLAN_ATTR && !all_zero(c->pre + PLAN_ATTR, c->pre_len - PLAN_ATTR))
		return false;
	/* the same attr bytes: the same fd, whose object must still be the
	 * map the plans were made for */
	fd = p->fd;
	if (g.opts.no_data || mem_read_has_source() || !fdmeta_get(fd, &m) ||
	    !same_meta(&p->m, &m))
		return false;
	w->plans.cur = p;
	c->nblobs = 0;
	c->blob_used = 0;
	return true;
}

/* Read @i of a replayed call of outcome class @post: the PRE reads, then
 * the outcome's (bpf_call_capture() takes them in that order). */
static const struct bpf_blob_req *replay_req(const struct plan_way *p, unsigned post,
					     unsigned i)
{
	unsigned n1 = p->n[PL_PRE];

	return i < n1 ? &p->req[PL_PRE][i] : &p->req[post][i - n1];
}

/* Whether read @r of @want bytes at @used lands as blob @b of the
 * template, read in full. */
static bool replay_fits(const struct bpf_blob *b, const struct bpf_blob_req *r, uint32_t used,
			uint32_t want)
{
	return b->off == used && b->len == want && !b->fault && b->full_len == r->full_len &&
	       b->stride == r->stride && b->tag == r->tag;
}

/* The payload of a replayed call, as bpf_call_capture() would read it
 * under @p's plans, into @data: its length, or -1 when it would not be
 * laid out as @t's blobs (or a buffer faults). */
static long replay_payload(const struct bpf_call *c, const struct plan_way *p, unsigned post,
			   const struct bpf_tmpl *t, uint8_t *data)
{
	unsigned n1 = p->n[PL_PRE], n = n1 + p->n[post], i;
	uint32_t used = 0;

	if (n != t->nblobs)
		return -1;
	for (i = 0; i < n; i++) {
		const struct bpf_blob_req *r = replay_req(p, post, i);
		uint32_t want = r->len < BPF_BLOB_BYTES - used ? r->len : BPF_BLOB_BYTES - used;
		bool proven = c->ret >= 0 || (i < n1 && c->err == ENOENT);

		if (!replay_fits(&t->blobs[i], r, used, want))
			return -1;
		if ((proven && want <= r->full_len ? mem_read_proven(data + used, r->addr, want) :
						     mem_read(data + used, r->addr, want, NULL)) != want)
			return -1;
		used += want;
	}
	return used == t->blob_used ? (long)used : -1;
}

/* The reads of outcome @k (@post its plan class) when each is a plain
 * copy laid out as template @t's blobs: rcp[k].proven. */
static void replay_recipe(struct plan_way *p, unsigned k, unsigned post, const struct bpf_tmpl *t)
{
	struct replay_recipe *rc = &p->rcp[k];
	unsigned n1 = p->n[PL_PRE], n = n1 + p->n[post], i;
	uint32_t used = 0;

	rc->proven = false;
	rc->n = 0;
	p->rcp_gen[k] = p->tmpl_gen[k];
	if (n != t->nblobs || n > BPF_TMPL_BLOBS)
		return;
	for (i = 0; i < n; i++) {
		const struct bpf_blob_req *r = replay_req(p, post, i);

		/* as bpf_call_capture(): k 0 succeeded (every buffer copied
		 * in full), k 1 ENOENT (the inputs) */
		if (!(k == 0 || (k == 1 && i < n1)) || r->len > r->full_len ||
		    r->len > BPF_BLOB_BYTES - used || !replay_fits(&t->blobs[i], r, used, r->len))
			return;
		rc->rd[i].addr = r->addr;
		rc->rd[i].len = r->len;
		used += r->len;
	}
	rc->n = (uint8_t)n;
	rc->proven = used == t->blob_used;
}

/* A recipe's reads into @dst: plain copies, short ones inline (libc's
 * memcpy() costs a call and ~15 instructions for a 4-byte key). */
static void replay_copy(uint8_t *dst, const struct replay_recipe *rc)
{
	unsigned i;

	for (i = 0; i < rc->n; i++) {
		const uint8_t *src = (const uint8_t *)(uintptr_t)rc->rd[i].addr;
		uint32_t n = rc->rd[i].len;
		uint64_t a, b;
		uint32_t x, y;

		if (n >= 8 && n <= 16) {
			memcpy(&a, src, 8);
			memcpy(&b, src + n - 8, 8);
			memcpy(dst, &a, 8);
			memcpy(dst + n - 8, &b, 8);
		} else if (n >= 4 && n < 8) {
			memcpy(&x, src, 4);
			memcpy(&y, src + n - 4, 4);
			memcpy(dst, &x, 4);
			memcpy(dst + n - 4, &y, 4);
		} else {
			memcpy(dst, src, n);
		}
		dst += n;
	}
}

/* After a replayed call: true when it is spooled, false (nothing done)
 * when it must go the usual way. */
static bool replay_after(struct work *w)
{
	struct bpf_call *c = &w->c;
	struct plan_way *p = w->plans.cur;
	uint8_t data[BPF_BLOB_BYTES];
	struct bpf_event_env env;
	const struct bpf_tmpl *t;
	const struct replay_recipe *rc;
	uint64_t dur = w->end - w->start, parent, seq;
	unsigned k, post;
	size_t size;
	long len;
	void *r;

	c->ret = w->ret;
	c->err = w->ret < 0 ? w->err : 0;
	/* what capture_payload(), the facts and the policies would add */
	if (c->ret < 0 && (c->err == EBADF || c->err == EINVAL || c->err == EPERM ||
			   c->err == EACCES || g.audit_all || bpfspy_denied(c->cmd, c->err)))
		return false;
	k = c->ret >= 0 ? 0 : c->err == ENOENT ? 1 : 2;
	post = k == 0 ? PL_POST_OK : k == 1 ? PL_POST_ENOENT : PL_POST_ERR;
	t = &p->tmpl[k];
	if (!(p->known & (1u << post)) ||
	    p->tmpl_gen[k] != __atomic_load_n(&g.spool_gen, __ATOMIC_ACQUIRE) || t->flags ||
	    t->facts_flags != c->facts.flags || dur > UINT32_MAX || c->ret < INT32_MIN ||
	    c->ret > INT32_MAX || c->err > UINT16_MAX)
		return false;
	if (p->rcp_gen[k] != p->tmpl_gen[k])
		replay_recipe(p, k, post, t);
	rc = &p->rcp[k];
	len = rc->proven ? (long)t->blob_used : replay_payload(c, p, post, t, data);
	parent = bpfspy_libbpf_parent();
	seq = __atomic_load_n(&g.seq, __ATOMIC_RELAXED) + 1;
	if (len < 0 || (parent && (parent >= seq || seq - parent > UINT32_MAX / 2)))
		return false;
	/* from here on as record() and commit_hot() */
	bpfspy_libbpf_count(c->cmd, c->ret);
	bpfspy_env(&env, __atomic_add_fetch(&g.seq, 1, __ATOMIC_RELAXED), w->start, dur);
	size = bpf_hot_size(t);
	r = spool_begin(&g.spool, size, env.seq);
	if (r) {
		bpf_hot_pack_parts(r, &env, c->ret, c->err, parent, p->tmpl_id[k], data,
				   rc->proven ? 0 : (size_t)len);
		if (rc->proven)
			replay_copy(((struct bpf_rec_hot *)r)->data, rc);
		spool_commit(r, BPF_REC_HOT, size);
	}
	t_replayed++;
	return true;
}

/*
 * A hot call whose attr lies off this thread's stack, in a mapping of its
 * own: a malloc()ed attr, a ctypes buffer.  Read before the call it costs
 * a process_vm_readv(): a traced lookup_bench --heap lookup took 2,690 ns
 * against 970 natively, and trapped (--seccomp-trap) 5,400 ns against
 * 3,700 with attr on the stack.  (A Go loader's attr is not one: its
 * goroutine stacks and the signal stack the trap runs on share one heap
 * arena, which on_own_stack() finds mapped from sp up.)  Where the call
 * site's plans say such a call reads nothing before the kernel runs (no
 * input an output may overwrite, no attr written back), attr is read
 * after it instead: a plain copy of what the kernel has just copied in
 * full (it succeeded, or the map said ENOENT), else as ever
 * (read_attr_late()).
 */
static bool late_ok(const struct work *w)
{
	const uint32_t both = 1u << PL_BEFORE | 1u << PL_PRE;
	const struct plan_way *p;
	unsigned i;

	if (!g.replay || w->inj || w->have_stack || !w->size || (uint64_t)w->size > BPF_ATTR_SNAP ||
	    !bpf_cmd_hot((uint32_t)w->cmd & ~BPF_COMMON_ATTRS_BIT) || g.opts.no_data ||
	    mem_read_has_source())
		return false;
	for (i = 0; i < PLAN_WAYS; i++) {
		p = &w->plans.way[i];
		if (p->valid && p->have_meta && !p->post_len && (p->known & both) == both &&
		    !p->n[PL_BEFORE] && p->cmd_raw == (uint32_t)w->cmd &&
		    p->size == (uint32_t)w->size && p->attr_addr == (uint64_t)w->attr)
			return true;
	}
	return false;
}

static void read_attr_late(struct work *w)
{
	struct bpf_call *c = &w->c;

	if (w->ret >= 0 || w->err == ENOENT) {
		c->pre_len = (uint32_t)mem_read_proven(c->pre, c->attr_addr, c->size);
		c->pre_err = 0;
	} else {
		c->pre_len = (uint32_t)mem_read(c->pre, c->attr_addr, c->size, &c->pre_err);
	}
}

static void trace_before(struct work *w);

/* A W_LATE call not replayed: the usual way from here.  Its plan may read
 * inputs before the call after all (attr changed at the same address):
 * read now, they may hold what the kernel wrote, and the event says so. */
static void trace_late(struct work *w)
{
	trace_before(w);
	if (w->c.nblobs)
		w->c.facts.flags |= BPF_FACT_INPUTS_LATE;
}

/* The rest of bpf_before() for a call not replayed. */
static void trace_before(struct work *w)
{
	struct bpf_call *c = &w->c;
	uint32_t flags = c->facts.flags;

	memset(&c->facts, 0, sizeof(c->facts));
	c->facts.flags = flags;
	scan_tail(c);
	capture_before(c, &w->plans);
}

/* Before the call, on the work stack. */
static void bpf_before(void *arg)
{
	struct work *w = arg;
	struct bpf_call *c = &w->c;
	uint32_t want;

	if (fork_token && !*fork_token)
		new_process();
	w->inj = bpfspy_inject_errno((uint32_t)w->cmd & ~BPF_COMMON_ATTRS_BIT);
	w->mode = W_PASS;
	if (g.enabled && !bpf_filter_cmd(&g.filter, (uint32_t)w->cmd & ~BPF_COMMON_ATTRS_BIT)) {
		/* -e trace=SET leaves it out: made, counted in its libbpf
		 * call's syscalls, not recorded */
		w->mode = W_FILTERED;
		return;
	}
	if (!g.enabled || !spool_ready()) {
		count_untraced();
		return;
	}
	if (g.summary) {
		/* --summary: counted, timed, nothing captured or spooled */
		w->mode = W_SUMMARY;
		w->start = now_ns();
		return;
	}
	w->mode = W_TRACE;
	w->have_stack = false;   /* (the thread's identity: when recorded, bpfspy_env()) */
	if (bpfspy_stack_depth)
		w->have_stack = bpfspy_stack_capture(&w->stack, w->ips, w->via ? 1 : 0);
	c->cmd_raw = (uint32_t)w->cmd;
	c->cmd = c->cmd_raw & ~BPF_COMMON_ATTRS_BIT;
	c->attr_addr = (uint64_t)w->attr;
	c->size = (uint32_t)w->size;
	c->common_addr = (uint64_t)w->a4;
	c->common_size = (uint32_t)w->a5;
	c->have_post = false;
	c->tail_nonzero_off = 0;
	c->tail_unreadable = false;
	c->facts.flags = (g.opts.no_check ? BPF_FACT_NO_CHECK : 0) | w->via;
	want = c->size < BPF_ATTR_SNAP ? c->size : BPF_ATTR_SNAP;
	c->pre_err = 0;
	c->pre_len = (uint32_t)mem_read_direct(c->pre, c->attr_addr, want);
	if (!c->pre_len && late_ok(w)) {   /* off the stack: read after the call */
		w->mode = W_LATE;
		w->start = now_ns();
		return;
	}
	if (!c->pre_len)
		c->pre_len = (uint32_t)mem_read(c->pre, c->attr_addr, want, &c->pre_err);
	if (replay_hit(w)) {
		w->mode = W_REPLAY;
		w->start = now_ns();
		return;
	}
	trace_before(w);
	w->start = now_ns();
}

/* After the call, on the work stack. */
static void bpf_after(void *arg)
{
	struct work *w = arg;
	struct bpf_call *c = &w->c;
	struct plan_way *hot;
	uint32_t post;

	if (w->mode == W_FILTERED) {
		bpfspy_libbpf_count((uint32_t)w->cmd & ~BPF_COMMON_ATTRS_BIT, w->ret);
		return;
	}
	if (w->mode == W_SUMMARY) {
		w->end = now_ns();
		bpfspy_summary_cmd((uint32_t)w->cmd & ~BPF_COMMON_ATTRS_BIT, w->end - w->start,
				   w->ret < 0);
		bpfspy_libbpf_count((uint32_t)w->cmd & ~BPF_COMMON_ATTRS_BIT, w->ret);
		return;
	}
	if (w->mode == W_LATE) {
		w->end = now_ns();
		read_attr_late(w);
		w->mode = W_REPLAY;
		if (replay_hit(w) && replay_after(w))
			return;
		trace_late(w);
		w->mode = W_TRACE;
	} else if (w->mode == W_REPLAY) {
		w->end = now_ns();
		if (replay_after(w))
			return;
		trace_before(w);   /* what replay_hit() left: the usual way on */
		w->mode = W_TRACE;
	} else if (w->mode == W_TRACE) {
		w->end = now_ns();
	} else {
		return;
	}
	hot = w->plans.cur;   /* a hot call's, or NULL */
	c->ret = w->ret;
	c->err = w->ret < 0 ? w->err : 0;
	c->parent = bpfspy_libbpf_parent();
	c->facts.flags |= policy_flags(c, w->inj);
	bpfspy_libbpf_count((uint32_t)w->cmd & ~BPF_COMMON_ATTRS_BIT, w->ret);
	post = w->inj || (!c->pre_len && !c->attr_addr) || (hot && !hot->post_len) ? 0 :
	       bpf_cmd_post_len(c->cmd, c->size, w->ret >= 0);
	if (post) {
		c->post_len = (uint32_t)mem_read(c->post, c->attr_addr, post, NULL);
		c->have_post = true;
	}
	if (!hot) {   /* element commands return no fd and freeze nothing */
		fdobj_note_result(c);
		fdobj_note_freeze(c);
	}
	if (c->cmd == XV_BPF_BTF_LOAD && w->ret >= 0 && !g.opts.no_data)
		spool_btf(c);
	capture_payload(c, &w->plans);
	if (!g.opts.no_check && !(c->facts.flags & (BPF_FACT_INJECTED | BPF_FACT_DENIED)))
		bpfspy_gather_facts(c, g.audit_all);
	/* --failed-only (BPFSPY_FAILED_ONLY): successes are left out */
	if (!g.failed_only || w->ret < 0)
		record(c, w->start, w->end - w->start, w->have_stack ? &w->stack : NULL, hot);
}

/* Run @fn(@arg) on this thread's work stack (the next free level). */
void bpfspy_on_work_stack(void (*fn)(void *), void *arg)
{
	struct area *a = area_get();
	uintptr_t sp;
	unsigned level;

	if (!a) {
		fn(arg);
		return;
	}
	sp = mem_read_caller_sp((uintptr_t)__builtin_frame_address(0));
	level = level_take();
	if (level < WORK_LEVELS)
		bpfspy_on_stack(work_stack_top(a, level), fn, arg);
	else
		fn(arg);
	level_drop();
	mem_read_caller_sp(sp);
}

/* No work area for this call: straight through, counted. */
static long bpf_untraced(long nr, long cmd, long attr, long size, long a4, long a5)
{
	int saved = errno;
	int inj = bpfspy_inject_errno((uint32_t)cmd & ~BPF_COMMON_ATTRS_BIT);

	count_untraced();
	errno = inj ? inj : saved;
	return inj ? -1 : real_bpf(nr, cmd, attr, size, a4, a5);
}

/*
 * Calls that are not recorded at all: only counted and timed
 * (--summary), or left out by -e trace=SET where bpf_in() cannot simply
 * make them (an --inject rule on the command, a libbpf call to count
 * them in, a fork not yet noticed).  They are made here, on the caller's
 * stack, without the work area and its stack switch.  1M lookups
 * (lookup_bench, the fastest of 6, on a 940 ns lookup): +4-6% excluded
 * and +13-16% with --summary over native through the work stack; here
 * +2.7% and +7.1%.  False: the call takes the full path.
 */
static bool bpf_fast(long nr, long cmd, long attr, long size, long a4, long a5, long *ret)
{
	uint32_t c = (uint32_t)cmd & ~BPF_COMMON_ATTRS_BIT;
	uint64_t start = 0;
	bool summary = false;
	int inj;

	if (!g.enabled || (fork_token && !*fork_token))
		return false;
	if (bpf_filter_cmd(&g.filter, c)) {
		if (!g.summary || __atomic_load_n(&g.state, __ATOMIC_ACQUIRE) != SP_READY)
			return false;
		summary = true;
		start = summary_start();
	}
	/* Nothing from here on sets errno but the call (the clock is the
	 * TSC or the vDSO's, the tallies atomics): the call's stays. */
	inj = bpfspy_inject_errno(c);
	if (inj) {
		*ret = -1;
		errno = inj;
	} else {
		*ret = real_bpf(nr, cmd, attr, size, a4, a5);
	}
	if (summary)
		bpfspy_summary_cmd(c, summary_dur(start), *ret < 0);
	bpfspy_libbpf_count(c, *ret);
	return true;
}

/*
 * The commands -e trace=SET leaves out, with no --inject rule on them and
 * no --summary: made, and nothing else, when no libbpf call of this
 * thread would count them.  Through bpf_fast() an excluded lookup took
 * 128 instructions (callgrind) and ~14 ns over a 270 ns native one; here
 * 56 and 0-8 ns.
 */
static uint64_t skip_cmds(void)
{
	uint64_t m = 0;
	uint32_t c;

	if (g.summary || !g.filter.active)
		return 0;
	for (c = 0; c < 64; c++)
		if (!bpf_filter_cmd(&g.filter, c))
			m |= 1ull << c;
	return m & ~bpfspy_inject_cmds();
}

static inline bool skip_now(void)
{
	return g.enabled && !bpfspy_t_vfork && !(fork_token && !*fork_token) &&
	       !bpfspy_libbpf_depth();
}

/* A call recorded (or counted untraced): the work area's way.  @via:
 * BPF_FACT_VIA_SECCOMP for a trapped call, else 0.  The frame that stays
 * on the caller's stack: keep it small.  Not inlined into bpf_in(), so
 * the calls it only makes do not pay for the registers it saves. */
static __attribute__((noinline)) long bpf_enter(long cmd, long attr, long size, long a4, long a5,
						 uint32_t via)
{
	const long nr = SYS_bpf;
	struct area *a;
	struct work *w;
	unsigned level;
	uint64_t entry;
	long ret;
	int lb = bpfspy_libbpf_timing();

	/* Inside a libbpf call, the shim's own time is not the call's: from
	 * here to the return, less the syscall (the wrapper's dur_ns). */
	entry = lb == LB_TIMED ? now_ns() : 0;
	a = area_get();
	if (!a)
		return bpf_untraced(nr, cmd, attr, size, a4, a5);
	level = level_take();
	if (level >= WORK_LEVELS) {
		level_drop();
		return bpf_untraced(nr, cmd, attr, size, a4, a5);
	}
	w = &a->w[level];
	/* errno first: creating the spool (mkdir's EEXIST...) must not leak
	 * into what the traced program sees. */
	w->saved = errno;
	w->nr = nr;
	w->cmd = cmd;
	w->attr = attr;
	w->size = size;
	w->a4 = a4;
	w->a5 = a5;
	w->via = via;
	/* the caller's stack, from this frame up, is safe to copy from */
	w->caller_sp = mem_read_caller_sp((uintptr_t)__builtin_frame_address(0));
	bpfspy_on_stack(work_stack_top(a, level), bpf_before, w);
	if (w->inj) {
		ret = -1;
		w->err = w->inj;
	} else {
		errno = w->saved;
		ret = real_bpf(nr, cmd, attr, size, a4, a5);
		w->err = errno;
	}
	w->ret = ret;
	bpfspy_on_stack(work_stack_top(a, level), bpf_after, w);
	mem_read_caller_sp(w->caller_sp);
	if (lb && (w->mode == W_TRACE || w->mode == W_REPLAY)) {   /* timed */
		if (lb == LB_TIMED)
			bpfspy_libbpf_overhead(entry, w->end - w->start, now_ns());
		else
			bpfspy_libbpf_syscall(w->start, w->end);
	}
	errno = w->err;
	level_drop();
	return ret;
}

/* A vfork child's call, or one bpf_fast() may take. */
static __attribute__((noinline)) long bpf_slow(long cmd, long attr, long size, long a4, long a5,
					       uint32_t via)
{
	long ret;

	if (bpfspy_t_vfork)
		return bpfspy_vfork_call(SYS_bpf, cmd, attr, size, a4, a5);
	if (g.fast && bpf_fast(SYS_bpf, cmd, attr, size, a4, a5, &ret))
		return ret;
	return bpf_enter(cmd, attr, size, a4, a5, via);
}

/*
 * Every bpf(2) call the shim sees, by syscall() or the trap.  Three ways,
 * none paying for the others' frames: made and nothing else (the
 * commands -e trace=SET leaves out), bpf_fast()'s (counted, timed), and
 * bpf_enter()'s, a tail call.
 */
static inline long bpf_in(long cmd, long attr, long size, long a4, long a5, uint32_t via)
{
	uint32_t c = (uint32_t)cmd & ~BPF_COMMON_ATTRS_BIT;

	if (c < 64 && (g.skip_cmds >> c & 1) && skip_now())
		return real_bpf(SYS_bpf, cmd, attr, size, a4, a5);
	if (!bpfspy_t_vfork && !g.fast)
		return bpf_enter(cmd, attr, size, a4, a5, via);
	return bpf_slow(cmd, attr, size, a4, a5, via);
}

/* (@nr is SYS_bpf: the hook and syscall() send nothing else) */
long bpfspy_bpf_syscall(long nr, long cmd, long attr, long size, long a4, long a5)
{
	(void)nr;
	return bpf_in(cmd, attr, size, a4, a5, 0);
}

long bpfspy_bpf_trapped(long cmd, long attr, long size, long a4, long a5)
{
	int saved = errno;
	long ret = bpf_in(cmd, attr, size, a4, a5, BPF_FACT_VIA_SECCOMP);

	if (ret < 0)
		ret = -(long)errno;
	errno = saved;
	return ret;
}

/* ---- vfork() children ------------------------------------------------------
 *
 * A vfork child shares the parent's memory until it execs or exits: the
 * shim's state (the spool, seq, the fd cache, this thread's work area)
 * is the parent's, and the parent resumes with whatever the child left.
 * So the child records nothing and touches none of it: its calls go
 * straight through and are counted in bpfspy_t_vfork_calls, which the
 * parent (resuming in our vfork()) spools as the child's "lost" line.
 * Our vfork (hook_x86_64.S) sets bpfspy_t_vfork in the child.
 */
__thread int bpfspy_t_vfork;
__thread unsigned long bpfspy_t_vfork_calls;

long bpfspy_vfork_call(long nr, long cmd, long attr, long size, long a4, long a5)
{
	if (g.enabled)
		bpfspy_t_vfork_calls++;
	return real_bpf(nr, cmd, attr, size, a4, a5);
}

void bpfspy_vfork_child(void)
{
	bpfspy_t_vfork = 1;
}

struct vfork_lost {
	pid_t pid;
	unsigned long n;
};

static void vfork_lost_line(void *arg)
{
	const struct vfork_lost *l = arg;

	spool_lost_line(l->pid, l->n);
}

/* In the parent, the child gone (exec'd or exited). */
void bpfspy_vfork_parent(long child)
{
	unsigned long n = bpfspy_t_vfork_calls;
	int e = errno;

	/* a vfork child that vforked: its child's calls count as its own */
	if (g.pid != (pid_t)syscall(SYS_getpid)) {
		errno = e;
		return;
	}
	bpfspy_t_vfork = 0;
	bpfspy_t_vfork_calls = 0;
	if (n && child > 0) {
		struct vfork_lost l = { (pid_t)child, n };

		/* the first record may create the spool: not on the caller's
		 * stack */
		bpfspy_on_work_stack(vfork_lost_line, &l);
	}
	errno = e;
}

long bpfspy_fail_errno(long e)
{
	errno = (int)e;
	return -1;
}
