// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfspy run: start PROGRAM with libbpfspy.so preloaded, wait for it and
 * every process it spawns (we are their subreaper, like strace -f), then
 * gather the spools the processes could not drain themselves.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attach_cli.h"
#include "cli.h"
#include "event/bpf_record.h"
#include "event/bpf_stack.h"
#include "btf_values.h"
#include "sandbox.h"
#include "sink.h"
#include "summary.h"
#include "base/spool.h"
#include "collect.h"
#include "untraced.h"
#include "policy/bpf_filter.h"

static const char run_usage[] =
	"Usage: bpfspy run [OPTIONS] -- PROGRAM [ARGS...]\n"
	"\n"
	"Run PROGRAM with every bpf(2) call it makes recorded as JSON Lines.\n"
	"\n"
	"  -o, --output FILE   write the trace to FILE as the program runs (- :\n"
	"                      standard output; default: standard error)\n"
	"      --format FMT    json (the default in a file) or text: one line per\n"
	"                      call in strace's shape (the default on a terminal);\n"
	"                      packed: the records as they are, for -o FILE, read\n"
	"                      by bpfspy export --format=jsonl, report, check, diff\n"
	"      --spool-size N  bytes of each process's spool ring (default 32 MiB):\n"
	"                      events that find it full are counted as lost\n"
	"      --journal       send each event to the systemd journal, one entry\n"
	"                      each (MESSAGE, PRIORITY, BPFSPY_* fields); with -o\n"
	"                      FILE too, the trace is also in FILE\n"
	"      --mode MODE     give the trace file the octal MODE (default 0600)\n"
	"      --no-follow     trace PROGRAM only, not its children or exec'd images\n"
	"  -e trace=SET        record only the bpf commands and libbpf functions in\n"
	"                      SET (BPF_PROG_LOAD,bpf_object__load; !SET: all but)\n"
	"  -Z, --failed-only   record only failed calls, and the libbpf calls they\n"
	"                      were made in\n"
	"  -c, --summary[=json] no events: counts, errors and latency per command\n"
	"                      and function, printed on standard error at the end\n"
	"      --log-bytes N   keep at most N bytes of each verifier/BTF log (65536)\n"
	"      --str-bytes N   read at most N bytes of each C string (4096)\n"
	"      --data-bytes N  keep at most N bytes of each map key or value (64)\n"
	"      --no-data       record no key or value bytes at all\n"
	"      --insns         decode each loaded program's instructions\n"
	"      --check         when PROGRAM ends, print the findings of the checks\n"
	"                      (as bpfspy check does) on standard error\n"
	"      --no-check      record no checks, explanations or audits\n"
	"      --stack[=DEPTH] record each call's call-site stack, DEPTH frames\n"
	"                      (default 16, at most 64): module, function, offset\n"
	"      --audit-all     audit the privileges of every failed call, not only\n"
	"                      EPERM and EACCES\n"
	"      --spool-dir DIR where processes spool events until they reach the\n"
	"                      trace (default: /dev/shm when it is tmpfs with 1 GiB\n"
	"                      free, else $TMPDIR or /tmp)\n"
	"      --inject CMD:ERRNO[:N|:N+]\n"
	"                      fail calls of bpf command CMD (BPF_PROG_LOAD, prog_load\n"
	"                      or 5) with ERRNO (EPERM or 1) without making them: every\n"
	"                      call, only the Nth of each process, or the Nth on\n"
	"                      (repeatable; rules comma separated)\n"
	"      --inject FUNC:ERRNO[:N|:N+]\n"
	"                      the same for libbpf function FUNC (bpf_object__load,\n"
	"                      bpf_map_create): it returns -ERRNO or NULL with errno\n"
	"                      ERRNO without running (shared libbpf only)\n"
	"      --deny CMD[,CMD...][:ERRNO]\n"
	"                      a seccomp filter fails these bpf commands with ERRNO\n"
	"                      (default EPERM) in PROGRAM and its children, raw\n"
	"                      syscalls included; sets no_new_privs (repeatable)\n"
	"      --drop-caps CAPS\n"
	"                      drop capabilities (CAP_BPF,CAP_PERFMON or bpf,perfmon)\n"
	"                      from every set of PROGRAM, bounding and ambient too\n"
	"      --unprivileged  --drop-caps CAP_BPF,CAP_PERFMON,CAP_NET_ADMIN,CAP_SYS_ADMIN\n"
	"      --kernel        trace from the kernel, not with the shim (as bpfspy\n"
	"                      attach does): statically linked and Go programs too;\n"
	"                      needs CAP_BPF and CAP_PERFMON; not with --inject,\n"
	"                      --deny, --drop-caps, --seccomp-trap, --stack or\n"
	"                      --spool-dir.  See bpfspy(1), ATTACH\n"
	"      --seccomp-trap  also record bpf calls that bypass libc's syscall()\n"
	"                      (inline syscall instructions, Go): a seccomp filter\n"
	"                      traps them to the shim (x86_64).  The filter is\n"
	"                      inherited; a bpf call kills a child image without the\n"
	"                      shim (statically linked, set-user-ID, or exec'd with\n"
	"                      LD_PRELOAD cleared by system(), popen() or a raw\n"
	"                      execve) and a raw call from a thread with SIGSYS\n"
	"                      blocked.  Sets no_new_privs unless privileged; see\n"
	"                      bpfspy(1), SECCOMP TRAP\n"
	"  -h, --help          show this help\n"
	"\n"
	"Exit status: PROGRAM's, 128+N when it died of signal N, 2 when bpfspy\n"
	"could not start it (bad option, unwritable output), 127 when PROGRAM\n"
	"could not be executed.  With --check, 1 when PROGRAM exited 0 but a rule\n"
	"failed.\n";

struct run_opts {
	const char *output;     /* NULL: standard error */
	bool follow;
	const char *log_bytes, *str_bytes, *data_bytes;
	bool no_data, insns;
	bool check, no_check, audit_all;
	bool seccomp_trap;
	bool kernel;             /* --kernel: bpfspy attach's tracer */
	bool journal;            /* --journal: the events go to journald */
	unsigned stack;          /* --stack frames; 0: none */
	const char *spool_base;  /* NULL: choose */
	const char *spool_size;  /* --spool-size, checked */
	int format;              /* 0: default, 1: json, 2: text, 3: packed */
	const char *trace_set;   /* -e trace=SET, checked; NULL: all */
	bool failed_only;        /* -Z */
	int summary;             /* -c: 1 text, 2 json */
	mode_t mode;             /* of the -o file */
	struct sandbox sb;       /* --inject, --deny, --drop-caps */
};

static pid_t main_child;

static void forward_signal(int sig)
{
	if (main_child > 0)
		kill(main_child, sig);
}

/* pkglibdir as seen from bindir, when both are under one prefix
 * ("../lib/x86_64-linux-gnu/bpfspy"): an installed tree unpacked
 * elsewhere (dpkg -x, a container's bind mount) still finds its shim. */
static bool relative_pkglibdir(char *out, size_t cap)
{
	const char *bin = BPFSPY_BINDIR, *lib = BPFSPY_PKGLIBDIR;
	const char *slash = strrchr(bin, '/');
	size_t pre;

	if (!slash || slash == bin)
		return false;
	pre = (size_t)(slash - bin);   /* bindir's parent: the prefix */
	if (strncmp(bin, lib, pre) || lib[pre] != '/')
		return false;
	return snprintf(out, cap, "..%s", lib + pre) < (int)cap;
}

/* The shim: $BPFSPY_PRELOAD_LIB, the build tree next to us, the installed
 * tree we are part of, or the installed copy.  @out holds PATH_MAX. */
int find_shim(char *out, size_t cap)
{
	const char *env = getenv("BPFSPY_PRELOAD_LIB");
	char exe[PATH_MAX - 64], *slash;  /* room for the suffix below */
	char built[PATH_MAX], rel[PATH_MAX / 2];
	ssize_t n;

	if (env && *env) {
		snprintf(out, cap, "%s", env);
		return access(out, R_OK);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			snprintf(built, sizeof(built), "%s/../preload/.libs/libbpfspy.so", exe);
			if (access(built, R_OK) == 0 && realpath(built, out))
				return 0;
			if (relative_pkglibdir(rel, sizeof(rel))) {
				n = snprintf(built, sizeof(built), "%s/%s/libbpfspy.so", exe, rel);
				if (n < (ssize_t)sizeof(built) && access(built, R_OK) == 0 &&
				    realpath(built, out))
					return 0;
			}
		}
	}
	snprintf(out, cap, "%s/libbpfspy.so", BPFSPY_PKGLIBDIR);
	return access(out, R_OK);
}

/* Absolute path of @path (its directory must exist): the traced program
 * may chdir before its shim drains. */
int absolute_path(const char *path, char *out, size_t cap)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *base = strrchr(path, '/');

	if (!base) {
		if (!getcwd(real, sizeof(real)))
			return -1;
		return snprintf(out, cap, "%s/%s", real, path) >= (int)cap ? -1 : 0;
	}
	snprintf(dir, sizeof(dir), "%.*s", (int)(base - path), path);
	if (!realpath(dir[0] ? dir : "/", real))
		return -1;
	return snprintf(out, cap, "%s%s", real, base) >= (int)cap ? -1 : 0;
}

/* --stack or --stack=DEPTH. */
static int parse_stack(const char *arg, unsigned *depth)
{
	char *end;
	unsigned long v;

	if (!arg) {
		*depth = BPF_STACK_DEFAULT;
		return 0;
	}
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (!*arg || *end || errno || v < 1 || v > BPF_STACK_MAX || arg[0] == '-') {
		usage_error("--stack takes a depth from 1 to %u frames, not '%s'",
			BPF_STACK_MAX, arg);
		return -1;
	}
	*depth = (unsigned)v;
	return 0;
}

static int parse(int argc, char **argv, struct run_opts *o)
{
	static const struct option longs[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "no-follow", no_argument, NULL, 'F' },
		{ "log-bytes", required_argument, NULL, 'L' },
		{ "str-bytes", required_argument, NULL, 'S' },
		{ "spool-dir", required_argument, NULL, 'D' },
		{ "data-bytes", required_argument, NULL, 'B' },
		{ "no-data", no_argument, NULL, 'N' },
		{ "insns", no_argument, NULL, 'I' },
		{ "check", no_argument, NULL, 'C' },
		{ "no-check", no_argument, NULL, 'K' },
		{ "audit-all", no_argument, NULL, 'A' },
		{ "inject", required_argument, NULL, 'J' },
		{ "deny", required_argument, NULL, 'Y' },
		{ "drop-caps", required_argument, NULL, 'P' },
		{ "unprivileged", no_argument, NULL, 'U' },
		{ "seccomp-trap", no_argument, NULL, 'T' },
		{ "kernel", no_argument, NULL, 'X' },
		{ "stack", optional_argument, NULL, 'W' },
		{ "journal", no_argument, NULL, 'j' },
		{ "mode", required_argument, NULL, 'M' },
		{ "failed-only", no_argument, NULL, 'Z' },
		{ "summary", optional_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "spool-size", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char why[256];
	int c;

	o->follow = true;
	o->mode = 0600;
	optind = 1;
	argv[0] = "bpfspy run";  /* getopt's messages name the command */
	while ((c = getopt_long(argc, argv, "+:o:e:Zch", longs, NULL)) != -1) {
		switch (c) {
		case 'Z': o->failed_only = true; break;
		case 'f':
			if (strcmp(optarg, "json") && strcmp(optarg, "text") &&
			    strcmp(optarg, "packed")) {
				usage_error("--format takes json, text or packed, not '%s'", optarg);
				return -1;
			}
			o->format = !strcmp(optarg, "json") ? 1 : !strcmp(optarg, "text") ? 2 : 3;
			break;
		case 'z':
			if (!cli_byte_count(optarg) || strtoull(optarg, NULL, 0) < (64u << 10) ||
			    strtoull(optarg, NULL, 0) > (1u << 30)) {
				usage_error("--spool-size takes a number of bytes from 65536 "
					    "to 1073741824, not '%s'", optarg);
				return -1;
			}
			o->spool_size = optarg;
			break;
		case 'c':
			if (optarg && strcmp(optarg, "json") && strcmp(optarg, "text")) {
				usage_error("--summary takes text or json, not '%s'", optarg);
				return -1;
			}
			o->summary = optarg && !strcmp(optarg, "json") ? 2 : 1;
			break;
		case 'e': {
			struct bpf_filter f;
			char bad[64];

			if (strncmp(optarg, "trace=", 6)) {
				usage_error("-e takes trace=SET, not '%s'", optarg);
				return -1;
			}
			if (bpf_filter_parse(optarg, &f, bad, sizeof(bad))) {
				usage_error("-e %s: '%s' is neither a bpf command nor a "
					    "libbpf function bpfspy interposes", optarg, bad);
				return -1;
			}
			o->trace_set = optarg + 6;
			break;
		}
		case 'o': o->output = optarg; break;
		case 'F': o->follow = false; break;
		case 'L':
		case 'S':
		case 'B':
			if (!cli_byte_count(optarg)) {
				usage_error("--%s takes a number of bytes, not '%s'",
					c == 'L' ? "log-bytes" : c == 'S' ? "str-bytes" : "data-bytes",
					optarg);
				return -1;
			}
			if (c == 'L')
				o->log_bytes = optarg;
			else if (c == 'S')
				o->str_bytes = optarg;
			else
				o->data_bytes = optarg;
			break;
		case 'N': o->no_data = true; break;
		case 'I': o->insns = true; break;
		case 'C': o->check = true; break;
		case 'K': o->no_check = true; break;
		case 'A': o->audit_all = true; break;
		case 'D': o->spool_base = optarg; break;
		case 'J':
			if (sandbox_add_inject(&o->sb, optarg))
				return -1;
			break;
		case 'Y':
			if (sandbox_add_deny(&o->sb, optarg))
				return -1;
			break;
		case 'P':
			if (sandbox_add_caps(&o->sb, optarg))
				return -1;
			break;
		case 'U': sandbox_unprivileged(&o->sb); break;
		case 'T': o->seccomp_trap = true; break;
		case 'X': o->kernel = true; break;
		case 'j': o->journal = true; break;
		case 'W':
			if (parse_stack(optarg, &o->stack))
				return -1;
			break;
		case 'M':
			if (cli_file_mode(optarg, &o->mode))
				return -1;
			break;
		case 'h': fputs(run_usage, stdout); exit(0);
		default: bad_option(c, argv); return -1;
		}
	}
	if (o->check && o->no_check) {
		usage_error("--check needs the checks --no-check leaves out");
		return -1;
	}
	if (o->format == 3 && (!o->output || !strcmp(o->output, "-") || o->journal)) {
		usage_error("--format packed writes a file: give -o FILE, without --journal");
		return -1;
	}
	if (o->journal && !sink_journal_available(why, sizeof(why))) {
		die_msg("--journal: %s", why);
		return -1;
	}
	if (optind >= argc) {
		usage_error("no PROGRAM given (bpfspy run [OPTIONS] -- PROGRAM [ARGS...])");
		return -1;
	}
	if (o->kernel && (o->seccomp_trap || o->stack || o->spool_base || o->journal ||
			  o->sb.ninject || o->sb.ndeny || o->sb.drop_caps || o->trace_set ||
			  o->failed_only || o->summary)) {
		usage_error("--kernel traces from outside the program: no --inject, --deny, "
			    "--drop-caps, --seccomp-trap, --stack, --spool-dir, --journal, -e, "
			    "--failed-only or --summary with it");
		return -1;
	}
	sandbox_warn(&o->sb);
	return optind;
}

/* PROGRAM's environment, made before it is started: ours, with entries
 * replaced, added or removed.  The strings are never freed (the array
 * lives until bpfspy exits). */
struct child_env {
	char **v;
	size_t n, cap;
	bool failed;
};

static void cenv_set(void *u, const char *name, const char *value)
{
	struct child_env *e = u;
	size_t len = strlen(name), i;
	char *entry = NULL;

	if (value && asprintf(&entry, "%s=%s", name, value) < 0) {
		e->failed = true;
		return;
	}
	for (i = 0; i < e->n; i++)
		if (!strncmp(e->v[i], name, len) && e->v[i][len] == '=')
			break;
	if (i < e->n && entry) {
		e->v[i] = entry;
	} else if (i < e->n) {
		memmove(e->v + i, e->v + i + 1, (e->n - i) * sizeof(e->v[0]));
		e->n--;
	} else if (entry) {
		if (e->n + 2 > e->cap) {
			size_t cap = e->cap * 2 + 16;
			char **v = realloc(e->v, cap * sizeof(v[0]));

			if (!v) {
				e->failed = true;
				return;
			}
			e->v = v;
			e->cap = cap;
		}
		e->v[e->n++] = entry;
		e->v[e->n] = NULL;
	}
}

static void cenv_flag(struct child_env *e, const char *name, bool on)
{
	cenv_set(e, name, on ? "1" : NULL);
}

/* What the shim in PROGRAM reads: where to spool, what to record. */
static char **child_environ(const char *shim, const char *trace, const char *spool_dir,
			    const char *dir_id, const struct run_opts *o)
{
	struct child_env e = { 0 };
	const char *old = getenv("LD_PRELOAD");
	char *pl = NULL, depth[16];

	while (environ[e.n])
		e.n++;
	e.cap = e.n + 1;
	e.v = malloc(e.cap * sizeof(e.v[0]));
	if (!e.v)
		return NULL;
	memcpy(e.v, environ, e.cap * sizeof(e.v[0]));
	if (old && *old && asprintf(&pl, "%s:%s", shim, old) < 0)
		return NULL;
	cenv_set(&e, "LD_PRELOAD", pl ? pl : shim);
	/* The trace file, for the processes to finish themselves should
	 * we be killed; else we are their only collector. */
	cenv_set(&e, "BPFSPY_OUTPUT", trace);
	cenv_set(&e, "BPFSPY_SPOOL_DIR", spool_dir);
	cenv_set(&e, "BPFSPY_SPOOL_FD", dir_id[0] ? dir_id : NULL);
	cenv_set(&e, "BPFSPY_SPOOL_SIZE", o->spool_size);
	cenv_set(&e, "BPFSPY_FOLLOW", o->follow ? "1" : "0");
	cenv_set(&e, "BPFSPY_TRACE", o->trace_set);
	cenv_flag(&e, "BPFSPY_FAILED_ONLY", o->failed_only);
	cenv_flag(&e, "BPFSPY_SUMMARY", o->summary);
	if (o->log_bytes)
		cenv_set(&e, "BPFSPY_LOG_BYTES", o->log_bytes);
	if (o->str_bytes)
		cenv_set(&e, "BPFSPY_STR_BYTES", o->str_bytes);
	if (o->data_bytes)
		cenv_set(&e, "BPFSPY_DATA_BYTES", o->data_bytes);
	if (o->no_data)
		cenv_set(&e, "BPFSPY_NO_DATA", "1");
	if (o->insns)
		cenv_set(&e, "BPFSPY_INSNS", "1");
	if (o->no_check)
		cenv_set(&e, "BPFSPY_NO_CHECK", "1");
	if (o->audit_all)
		cenv_set(&e, "BPFSPY_AUDIT", "all");
	/* An inherited BPFSPY_SECCOMP_TRAP stays: it means our PROGRAM has a
	 * trap filter already (we run under bpfspy run --seccomp-trap) and
	 * must answer it.  PASSTHROUGH is the outer run's, not ours. */
	cenv_set(&e, "BPFSPY_PASSTHROUGH", NULL);
	if (o->seccomp_trap)
		cenv_set(&e, "BPFSPY_SECCOMP_TRAP", "1");
	if (o->stack) {
		snprintf(depth, sizeof(depth), "%u", o->stack);
		cenv_set(&e, "BPFSPY_STACK", depth);
	}
	sandbox_env(&o->sb, cenv_set, &e);
	return e.failed ? NULL : e.v;
}

static __attribute__((noreturn)) void child_exec(char **prog, char **envp,
						 const struct run_opts *o)
{
	if (sandbox_apply(&o->sb) != 0)
		_exit(127);
	execvpe(prog[0], prog, envp);
	die_msg("cannot run '%s': %s", prog[0], strerror(errno));
	_exit(127);
}

/*
 * PROGRAM, started before we ignore SIGINT/SIGQUIT and before we install
 * any handler: it keeps the dispositions bpfspy was started with.  With
 * nothing to do between fork and exec (no --drop-caps, no --deny) it is
 * started by vfork(), which shares our memory until the exec: fork()
 * copied our page tables and made both processes take copy-on-write
 * faults until the exec, 120-200 us of bpfspy run's start here against
 * ~20 us.  Not posix_spawnp(): glibc's child asks the kernel for every
 * signal's action, to reset handlers we do not have (122 rt_sigaction()
 * calls, ~45 us on this VM: 605 -> 564 us to start /bin/true), and
 * leaves its own two signals ignored for PROGRAM.  The child only execs;
 * what it could not exec it leaves in @err, which we share, and the
 * message is ours to write, as child_exec() would.
 */
static bool spawn_program(pid_t *pid, char **prog, char **envp)
{
	volatile int err = 0;
	pid_t p;

	p = vfork();
	if (p == 0) {
		execvpe(prog[0], prog, envp);
		err = errno;
		_exit(127);
	}
	if (p < 0)
		return false;
	if (err)
		die_msg("cannot run '%s': %s", prog[0], strerror(err));
	*pid = p;
	return true;
}

static pid_t start_program(char **prog, char **envp, const char *shim, const struct run_opts *o)
{
	pid_t pid;

	run_warn_untraceable(prog[0], shim);
	if (!sandbox_in_child(&o->sb) && spawn_program(&pid, prog, envp))
		return pid;
	pid = fork();
	if (pid == 0)
		child_exec(prog, envp, o);
	return pid;
}

/* bpfspy check of @trace, printed on standard error: its exit code. */
static int findings_to_stderr(const char *trace)
{
	char *paths[] = { (char *)trace };
	int saved, rc;

	fflush(stdout);
	saved = dup(1);
	if (saved < 0 || dup2(2, 1) < 0)
		return EXIT_USAGE;
	rc = check_traces(paths, 1, false, false);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	return rc;
}

/*
 * The line that ends the trace: how PROGRAM ended, so readers can tell a
 * loader that failed (a non-zero exit) from one that shrugged a failed
 * call off.  Only bpfspy run knows it; a trace made without it (bare
 * mode) has no such line, and neither has a run that exited 0.
 */
static void write_exit(struct collector *c, pid_t pid, int status)
{
	struct timespec ts;
	char line[160];
	int n;

	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof(line), "{\"event\":\"exit\",\"ts\":\"%llu.%09ld\",\"pid\":%d,"
		     "\"%s\":%d}", (unsigned long long)ts.tv_sec, (long)ts.tv_nsec, (int)pid,
		     WIFSIGNALED(status) ? "signal" : "status",
		     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	if (n > 0)
		collector_line(c, line, (size_t)n);
}

/* Reap what has ended; true while any descendant lives. */
static bool reap(int *status)
{
	int st;
	pid_t p;

	for (;;) {
		p = waitpid(-1, &st, WNOHANG);
		if (p > 0) {
			if (p == main_child)
				*status = st;
			continue;
		}
		if (p < 0 && errno == EINTR)
			continue;
		return p == 0;   /* -1: ECHILD, everyone is gone */
	}
}

/* The collector for our children, live, until the last one is gone.  An
 * idle round waits 10 ms (the writers make no syscall to wake us), or
 * until a child ends: a millisecond-long PROGRAM is not kept waiting. */
static int collect_children(struct collector *c)
{
	int status = 0;
	sigset_t chld;
	uint64_t t0, wait_ns;
	long moved;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	for (;;) {
		bool alive = reap(&status);

		t0 = collector_now_ns();
		moved = collector_poll(c, !alive);
		if (!alive)
			break;
		wait_ns = collector_wait_ns(moved, collector_now_ns() - t0, 10);
		if (wait_ns) {   /* a child's exit ends the wait */
			struct timespec ts = collector_ts(wait_ns);

			sigtimedwait(&chld, NULL, &ts);
		}
	}
	sigprocmask(SIG_UNBLOCK, &chld, NULL);
	return status;
}

/* Spools are short-lived and rewritten per event: on a tmpfs when there is
 * one with room to spare (spool_fast_base()). */
static const char *spool_base(const struct run_opts *o)
{
	const char *tmp = getenv("TMPDIR");

	if (o->spool_base)
		return o->spool_base;
	if (spool_fast_base("/dev/shm"))
		return "/dev/shm";
	return tmp && *tmp ? tmp : "/tmp";
}

/* run --kernel: bpfspy attach's tracer on PROGRAM. */
static int run_kernel(const struct run_opts *o, char **prog)
{
	struct attach_opts ao = { 0 };
	int rc;

	ao.output = o->output;
	ao.follow = o->follow;
	ao.log_bytes = o->log_bytes;
	ao.str_bytes = o->str_bytes;
	ao.data_bytes = o->data_bytes;
	ao.no_data = o->no_data;
	ao.insns = o->insns;
	ao.no_check = o->no_check;
	ao.audit_all = o->audit_all;
	ao.file_mode = o->mode;
	rc = attach_run(&ao, prog);
	if (o->check && o->output && rc == 0)
		rc = findings_to_stderr(o->output) ? 1 : 0;
	return rc;
}

/* The -o file: opened as spool_open_output() rules (no symlink followed
 * in a sticky world-writable directory, no file of another user), then
 * emptied and given --mode, so a trace is never more readable than asked
 * whoever created the file first. */
/* The trace at -o @path; readable too when @read_back (--journal reads it
 * back to send it). */
static int open_trace(const char *path, mode_t mode, bool read_back)
{
	struct stat st;
	int fd = spool_open_output(path, (read_back ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND,
				   0600, NULL);

	if (fd < 0)
		return fd;
	/* An empty file is not truncated: on ext4 truncating to 0 (even from
	 * 0) makes close() start the data's writeback (auto_da_alloc) */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    ((st.st_size && ftruncate(fd, 0) != 0) || fchmod(fd, mode) != 0)) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/*
 * The spool directory, handed down to the processes as an inherited fd
 * (BPFSPY_SPOOL_FD): they reach it through a chroot, a mount namespace
 * or a private /tmp.  It goes just above the soft RLIMIT_NOFILE (raised
 * for the moment of the dup, within the hard one), where the program's
 * open() and dup() never reach, so its own fds keep their numbers.  With
 * no room above (soft = hard, as containers often have it) it takes the
 * topmost fd below a limit of 1024 or more, which only a program that
 * opens that many fds could miss; under a smaller limit, none is handed
 * down and the path serves.  Under a limit past 4096 it is fd 4095, at
 * the top of where the shim keeps its own (pick_fd_floor()): the kernel
 * sizes a process's fd table by its highest fd, every fork copies it, and
 * at 19999 (a limit of 20000) each process of the tree carried a table of
 * 32768 fds, ~110 us of `bpfspy run -- /bin/true`'s 1.96 ms here in
 * dup_fd() alone (perf).  Returns the fd, or -1, @id empty.
 */
#define HAND_DOWN_TOP 4095

static int hand_down_dir(int dir_fd, char *id, size_t cap)
{
	struct rlimit rl, up;
	struct stat st;
	int fd = -1;

	id[0] = 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	up = rl;
	up.rlim_cur = rl.rlim_cur + 1;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > HAND_DOWN_TOP + 1) {
		fd = fcntl(dir_fd, F_DUPFD, HAND_DOWN_TOP);   /* inherited: no CLOEXEC */
	} else if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max <= rl.rlim_cur) {
		if (rl.rlim_cur >= 1024)
			fd = fcntl(dir_fd, F_DUPFD, (int)rl.rlim_cur - 1);
	} else if (setrlimit(RLIMIT_NOFILE, &up) == 0) {
		fd = fcntl(dir_fd, F_DUPFD, (int)rl.rlim_cur);   /* inherited: no CLOEXEC */
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (fd < 0 || fstat(fd, &st) != 0)
		return -1;
	snprintf(id, cap, "%d:%llu:%llu", fd, (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	return fd;
}

/* Remove the spool directory, by the name it has now (someone may have
 * renamed it, and put something else in its old place). */
static void remove_spool_dir(int dir_fd, const char *path)
{
	char proc[64], now[PATH_MAX];
	struct stat a, b;
	ssize_t n;

	if (lstat(path, &a) == 0 && fstat(dir_fd, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino) {
		if (rmdir(path) != 0 && errno != ENOENT)
			die_msg("left undrained spools in %s", path);
		return;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dir_fd);
	n = readlink(proc, now, sizeof(now) - 1);
	if (n <= 0 || now[0] != '/')
		return;
	now[n] = 0;
	die_msg("the spool directory %s was moved to %s (and something else put in its "
		"place); the trace was kept through it", path, now);
	if (lstat(now, &a) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		rmdir(now);
}

/* Where the trace goes.  A JSON -o FILE is the trace file (the processes'
 * fallback too: *@shim_trace); text, -o - and standard error get live
 * lines; --summary and --check read a JSON copy in the spool directory
 * when there is no JSON file. */
static int run_outputs(const struct run_opts *o, int dir_fd, char *trace, size_t cap,
		       bool *json_file, int *trace_fd, struct live_out *live)
{
	bool to_file = o->output && strcmp(o->output, "-");
	int fd = -1;

	live->fd = -1;
	*trace_fd = -1;
	*json_file = false;
	if (to_file) {
		fd = -ENOENT;
		if (absolute_path(o->output, trace, cap) == 0)
			fd = open_trace(trace, o->mode, false);
		if (fd < 0) {
			die_msg("cannot write the trace to '%s': %s", o->output, spool_strerror(fd));
			return -1;
		}
	}
	live->text = o->format ? o->format == 2 : !to_file && !o->output && isatty(2);
	if (to_file && !live->text) {
		*trace_fd = fd;
		*json_file = true;
	} else if (to_file) {
		live->fd = fd;
	} else if (o->output) {
		live->fd = 1;   /* -o -: what was asked for, journal or not */
	} else if (!o->summary && !o->journal) {
		live->fd = 2;
	}
	if (!*json_file && (o->summary || o->check)) {
		*trace_fd = openat(dir_fd, "trace.jsonl",
				   O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC, 0600);
		if (*trace_fd < 0) {
			die_msg("cannot keep the trace in the spool directory: %s", strerror(errno));
			return -1;
		}
		snprintf(trace, cap, "/proc/self/fd/%d", *trace_fd);
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	char shim[PATH_MAX], trace[PATH_MAX], spool_dir[PATH_MAX - 64], dir_id[80];
	struct live_out live = { .fd = -1 };
	struct collector coll;
	const char *base;
	char **envp;
	int first, trace_fd, dir_fd, claim, down_fd, status, check_rc = 0;
	bool json_file;

	first = parse(argc, argv, &o);
	if (first < 0)
		return EXIT_USAGE;
	if (o.kernel)
		return run_kernel(&o, argv + first);
	if (find_shim(shim, sizeof(shim)) != 0) {
		die_msg("cannot find libbpfspy.so (looked for %s); set BPFSPY_PRELOAD_LIB", shim);
		return EXIT_USAGE;
	}
	base = spool_base(&o);
	snprintf(spool_dir, sizeof(spool_dir), "%s/bpfspy.XXXXXX", base);
	if (!mkdtemp(spool_dir)) {
		die_msg("cannot create a spool directory in %s: %s", base, strerror(errno));
		return EXIT_USAGE;
	}
	/* From here on the directory is reached through this fd only: in a
	 * --spool-dir others can write to, its name may be swapped. */
	dir_fd = spool_dir_open(spool_dir, false, 0);
	if (dir_fd < 0) {
		die_msg("cannot use the spool directory %s: %s", spool_dir, spool_strerror(dir_fd));
		rmdir(spool_dir);
		return EXIT_USAGE;
	}
	/* Ours while we live: the processes leave their spools to us. */
	claim = spool_claim(dir_fd);
	down_fd = hand_down_dir(dir_fd, dir_id, sizeof(dir_id));
	if (claim < 0 ||
	    run_outputs(&o, dir_fd, trace, sizeof(trace), &json_file, &trace_fd, &live)) {
		if (claim < 0)
			die_msg("cannot use the spool directory %s: %s", spool_dir, strerror(-claim));
		close(dir_fd);
		rmdir(spool_dir);
		return EXIT_USAGE;
	}
	if (o.journal) {
		live.journal = sink_journal_open();
		if (!live.journal) {
			die_msg("--journal: %s", strerror(errno));
			return EXIT_USAGE;
		}
	}

	envp = child_environ(shim, json_file ? trace : NULL, spool_dir, dir_id, &o);
	if (!envp) {
		die_msg("cannot make PROGRAM's environment: %s", strerror(errno));
		return EXIT_USAGE;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	main_child = start_program(argv + first, envp, shim, &o);
	if (main_child < 0) {
		die_msg("fork: %s", strerror(errno));
		return EXIT_USAGE;
	}
	if (down_fd >= 0)
		close(down_fd);

	/* The terminal's ^C reaches PROGRAM directly; we outlive it to
	 * collect the trace.  Other termination requests are passed on. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, forward_signal);
	signal(SIGHUP, forward_signal);
	collector_init(&coll, dir_fd, trace_fd, &live);
	coll.packed = o.format == 3;
	status = collect_children(&coll);
	write_exit(&coll, main_child, status);
	collector_report(&coll, spool_dir);
	if (coll.st.untraced)
		die_msg("%llu process image(s) could not be traced (see the \"untraced\" events): "
			"their bpf calls are not in the trace; %llu were traced",
			(unsigned long long)coll.st.untraced, (unsigned long long)coll.st.headers);
	collector_fini(&coll);
	if (live.journal) {
		if (live.journal->failed)
			die_msg("%llu of %llu event(s) could not be sent to the journal: %s",
				live.journal->failed, live.journal->lines,
				strerror(live.journal->last_err));
		sink_close(live.journal);
	}
	if (o.summary && summary_print((char *[]){ trace }, 1, o.summary == 2, stderr))
		die_msg("cannot read the summary back from the trace");
	if (o.check)
		check_rc = findings_to_stderr(trace);
	if (trace_fd >= 0)
		close(trace_fd);
	if (live.fd > 2)
		close(live.fd);
	unlinkat(dir_fd, "trace.jsonl", 0);
	close(claim);
	remove_spool_dir(dir_fd, spool_dir);
	close(dir_fd);

	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	/* check's 3 (the loader failed for want of a privilege) says nothing
	 * more when PROGRAM exited 0 */
	return WEXITSTATUS(status) ? WEXITSTATUS(status) : check_rc == 3 ? 0 : check_rc;
}
