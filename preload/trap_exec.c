// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --seccomp-trap and exec: the trap filter survives execve(2), so a new
 * image must have the shim to answer it, or its first bpf(2) call kills it
 * (trap.c).  The exec functions of libc are interposed: when the filter is
 * in force and the environment a program passes on no longer names the
 * shim in LD_PRELOAD (env -i, env -u LD_PRELOAD, a program that builds its
 * own environment, or one that cleared its own), the new image gets a copy
 * of that environment with the shim put back, BPFSPY_SECCOMP_TRAP=inherited
 * and BPFSPY_PASSTHROUGH=1: it answers the traps and records nothing, as
 * whoever took the shim out meant it to run untraced.  An environment that
 * kept the shim and BPFSPY_SECCOMP_TRAP is passed on untouched (it costs
 * one scan of the environment per exec).  Without the filter the
 * environment goes to libc as it is.
 *
 * In every mode, trap or not, each wrapper also asks untraced.c whether
 * the image it is about to start would run without the shim (statically
 * linked, set-user-ID...) although the environment it passes on would
 * have it traced; that is recorded as an "untraced" event, before the
 * exec (after posix_spawn, when it started the child).  The exec itself
 * gets what it got before: same arguments, environment, return value and
 * errno.
 *
 * Interposed: execve, execv, execvp, execvpe, execl, execlp, execle,
 * fexecve, execveat, posix_spawn, posix_spawnp.  Not covered: libc's own
 * internal uses of them (system(), popen(), wordexp() run /bin/sh with the
 * process's environ as it is), and exec by the raw syscall (Go's os/exec,
 * syscall.Exec): those pass on whatever environment they are given.
 *
 * The copy is built on the stack up to ENV_STACK_MAX bytes (exec may
 * follow vfork(), where malloc is unsafe and a mapping would outlive the
 * exec in the parent), in a private mapping above that.  The real
 * functions are looked up in the constructor, not after a fork.
 */
#include <alloca.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

#define EXPORT __attribute__((visibility("default")))
#define ENV_STACK_MAX (32 * 1024)

typedef int (*execve_fn)(const char *, char *const[], char *const[]);
typedef int (*fexecve_fn)(int, char *const[], char *const[]);
typedef int (*execveat_fn)(int, const char *, char *const[], char *const[], int);
typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			const posix_spawnattr_t *, char *const[], char *const[]);

static struct {
	void *execve, *execvpe, *fexecve, *execveat, *posix_spawn, *posix_spawnp;
	void *exit_, *Exit;
} real;

void bpfspy_trap_exec_init(void)
{
	bpfspy_next_fn(&real.execve, "execve");
	bpfspy_next_fn(&real.execvpe, "execvpe");
	bpfspy_next_fn(&real.fexecve, "fexecve");
	bpfspy_next_fn(&real.execveat, "execveat");
	bpfspy_next_fn(&real.posix_spawn, "posix_spawn");
	bpfspy_next_fn(&real.posix_spawnp, "posix_spawnp");
	bpfspy_next_fn(&real.exit_, "_exit");
	bpfspy_next_fn(&real.Exit, "_Exit");
}

/* ---- the environment passed on -------------------------------------------- */

static const char pl_key[] = "LD_PRELOAD=";
static const char trap_var[] = "BPFSPY_SECCOMP_TRAP=inherited";
static const char pass_var[] = "BPFSPY_PASSTHROUGH=1";

struct env_plan {
	const char *pl;      /* value of the first LD_PRELOAD, or NULL */
	bool has_shim;       /* ... names libbpfspy */
	bool passthrough;    /* add BPFSPY_PASSTHROUGH=1 */
	size_t n;            /* entries */
	size_t bytes;        /* of the copy */
};

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Whether @envp needs the shim put back; then what the copy holds. */
static bool env_plan(char *const *envp, struct env_plan *p)
{
	const char *shim = bpfspy_trap_shim_path();
	bool has_trap = false, has_out = false;
	size_t i;

	if (!shim)
		return false;
	memset(p, 0, sizeof(*p));
	for (i = 0; envp && envp[i]; i++) {
		if (!p->pl && starts(envp[i], pl_key))
			p->pl = envp[i] + sizeof(pl_key) - 1;
		else if (starts(envp[i], "BPFSPY_SECCOMP_TRAP=") && envp[i][20] &&
			 strcmp(envp[i] + 20, "0"))
			has_trap = true;
		else if (starts(envp[i], "BPFSPY_OUTPUT=") && envp[i][14])
			has_out = true;
	}
	p->n = i;
	p->has_shim = p->pl && strstr(p->pl, "libbpfspy");
	if (p->has_shim && has_trap)
		return false;
	p->passthrough = !p->has_shim || !has_out;
	p->bytes = (p->n + 4) * sizeof(char *) + sizeof(pl_key) + strlen(shim) + 1 +
		   (p->pl ? strlen(p->pl) + 1 : 0);
	return true;
}

/* The copy, in @buf of p->bytes. */
static char **env_build(char *const *envp, const struct env_plan *p, void *buf)
{
	const char *shim = bpfspy_trap_shim_path();
	char **v = buf, *s = (char *)(v + p->n + 4);
	size_t i, k = 0;

	for (i = 0; i < p->n; i++) {
		if (starts(envp[i], pl_key) || starts(envp[i], "BPFSPY_SECCOMP_TRAP=") ||
		    (p->passthrough && starts(envp[i], "BPFSPY_PASSTHROUGH=")))
			continue;
		v[k++] = envp[i];
	}
	v[k++] = s;
	s = stpcpy(s, pl_key);
	if (p->has_shim) {
		strcpy(s, p->pl);
	} else {
		s = stpcpy(s, shim);
		if (p->pl && *p->pl) {
			*s++ = ':';
			strcpy(s, p->pl);
		}
	}
	v[k++] = (char *)trap_var;
	if (p->passthrough)
		v[k++] = (char *)pass_var;
	v[k] = NULL;
	return v;
}

/* In a wrapper: ENV becomes @envp with the shim put back when needed. */
#define FIX_ENV(envp, env, map, plan)                                                     \
	do {                                                                              \
		void *buf_;                                                               \
		(plan).bytes = 0;                                                         \
		(env) = (char *const *)(envp);                                            \
		(map) = NULL;                                                             \
		if (!bpfspy_trap_filtered() || !env_plan((envp), &(plan)))                \
			break;                                                            \
		if ((plan).bytes <= ENV_STACK_MAX) {                                      \
			buf_ = alloca((plan).bytes);                                      \
		} else {                                                                  \
			buf_ = mmap(NULL, (plan).bytes, PROT_READ | PROT_WRITE,           \
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);                  \
			if (buf_ == MAP_FAILED)                                           \
				break;                                                    \
			(map) = buf_;                                                     \
		}                                                                         \
		(env) = env_build((envp), &(plan), buf_);                                 \
	} while (0)

static void unmap(void *map, size_t bytes)
{
	int e = errno;

	if (map)
		munmap(map, bytes);
	errno = e;
}

static int call_execve(const char *path, char *const argv[], char *const envp[])
{
	execve_fn f = (execve_fn)bpfspy_next_fn(&real.execve, "execve");
	struct env_plan plan;
	char *const *env;
	void *map;
	int rc;

	FIX_ENV(envp, env, map, plan);
	bpfspy_untraced_exec(AT_FDCWD, path, false, env);
	rc = f(path, argv, env);
	unmap(map, plan.bytes);
	return rc;
}

static int call_execvpe(const char *file, char *const argv[], char *const envp[])
{
	execve_fn f = (execve_fn)bpfspy_next_fn(&real.execvpe, "execvpe");
	struct env_plan plan;
	char *const *env;
	void *map;
	int rc;

	FIX_ENV(envp, env, map, plan);
	bpfspy_untraced_exec(AT_FDCWD, file, true, env);
	rc = f(file, argv, env);
	unmap(map, plan.bytes);
	return rc;
}

/* ---- the exec family --------------------------------------------------------- */

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	return call_execve(path, argv, envp);
}

EXPORT int execv(const char *path, char *const argv[])
{
	return call_execve(path, argv, environ);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return call_execvpe(file, argv, envp);
}

EXPORT int execvp(const char *file, char *const argv[])
{
	return call_execvpe(file, argv, environ);
}

/* The arguments of an execl-style call, up to its NULL, counted: @arg
 * and those after it (glibc reads them the same way). */
static size_t count_args(va_list ap)
{
	size_t n = 1;

	while (va_arg(ap, char *))
		n++;
	return n;
}

#define COLLECT_ARGS(arg, argv, ap)                    \
	do {                                           \
		size_t i_;                             \
		(argv)[0] = (char *)(arg);             \
		for (i_ = 1; ((argv)[i_] = va_arg((ap), char *)); i_++) \
			;                              \
	} while (0)

EXPORT int execl(const char *path, const char *arg, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, arg);
	n = count_args(ap);
	va_end(ap);
	{
		char *argv[n + 1];

		va_start(ap, arg);
		COLLECT_ARGS(arg, argv, ap);
		va_end(ap);
		return call_execve(path, argv, environ);
	}
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, arg);
	n = count_args(ap);
	va_end(ap);
	{
		char *argv[n + 1];

		va_start(ap, arg);
		COLLECT_ARGS(arg, argv, ap);
		va_end(ap);
		return call_execvpe(file, argv, environ);
	}
}

/* execle: the environment follows the NULL that ends the arguments. */
EXPORT int execle(const char *path, const char *arg, ...)
{
	char *const *envp;
	va_list ap;
	size_t n;

	va_start(ap, arg);
	n = count_args(ap);
	va_end(ap);
	{
		char *argv[n + 1];

		va_start(ap, arg);
		COLLECT_ARGS(arg, argv, ap);
		envp = va_arg(ap, char *const *);
		va_end(ap);
		return call_execve(path, argv, envp);
	}
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	fexecve_fn f = (fexecve_fn)bpfspy_next_fn(&real.fexecve, "fexecve");
	struct env_plan plan;
	char *const *env;
	void *map;
	int rc;

	FIX_ENV(envp, env, map, plan);
	bpfspy_untraced_exec(fd, "", false, env);
	rc = f(fd, argv, env);
	unmap(map, plan.bytes);
	return rc;
}

EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags)
{
	execveat_fn f = (execveat_fn)bpfspy_next_fn(&real.execveat, "execveat");
	struct env_plan plan;
	char *const *env;
	void *map;
	int rc;

	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	FIX_ENV(envp, env, map, plan);
	/* "" without AT_EMPTY_PATH fails with ENOENT: nothing starts */
	if (*path || (flags & AT_EMPTY_PATH))
		bpfspy_untraced_exec(dirfd, path, false, env);
	rc = f(dirfd, path, argv, env, flags);
	unmap(map, plan.bytes);
	return rc;
}

/* @search: posix_spawnp, which looks @path up in $PATH. */
static int spawn(void **slot, const char *name, bool search, pid_t *pid, const char *path,
		 const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *attr,
		 char *const argv[], char *const envp[])
{
	spawn_fn f = (spawn_fn)bpfspy_next_fn(slot, name);
	struct bpfspy_untraced u;
	struct env_plan plan;
	char *const *env;
	bool untraced;
	void *map;
	int rc;

	if (!f)
		return ENOSYS;
	FIX_ENV(envp, env, map, plan);
	untraced = bpfspy_untraced_probe(&u, AT_FDCWD, path, search, env);
	rc = f(pid, path, fa, attr, argv, env);
	/* 0: the child exec'd the image (glibc waits for that) */
	if (untraced && rc == 0)
		bpfspy_untraced_record(&u, pid ? *pid : 0);
	unmap(map, plan.bytes);
	return rc;
}

EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
		       const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return spawn(&real.posix_spawn, "posix_spawn", false, pid, path, fa, attr, argv, envp);
}

EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
			const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return spawn(&real.posix_spawnp, "posix_spawnp", true, pid, file, fa, attr, argv, envp);
}

/* ---- _exit(), _Exit() ------------------------------------------------------- */

/*
 * A process that ends by _exit() (a forked child, a daemon's fast path)
 * runs no destructor: under --summary its counts are spooled here first.
 * Nothing else changes: the real function ends the process with @status
 * (glibc's exit() reaches its own _exit() directly, not through here).
 */
typedef void (*exit_fn)(int);

static __attribute__((noreturn)) void call_exit(void *fn, int status)
{
	bpfspy_summary_flush();
	if (fn)
		((exit_fn)fn)(status);
	for (;;)
		syscall(SYS_exit_group, status);
}

EXPORT void _exit(int status)
{
	call_exit(__atomic_load_n(&real.exit_, __ATOMIC_ACQUIRE), status);
}

EXPORT void _Exit(int status)
{
	call_exit(__atomic_load_n(&real.Exit, __ATOMIC_ACQUIRE), status);
}
