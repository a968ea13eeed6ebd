// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An exec the shim will not follow: a traced process execs (or spawns) an
 * image ld.so starts without the shim (statically linked, AT_SECURE, the
 * shim's path missing in this root: base/exe_check.h), whose bpf calls
 * then go unrecorded.  The exec wrappers (trap_exec.c) ask
 * bpfspy_untraced_probe() first and record
 *
 *   {"event":"untraced","ts":"S.N","pid":N,"exe":"/path","why":"statically linked"}
 *
 * in the process that execs, before the exec (after it for posix_spawn,
 * which says whether the child started, with "child":PID).  Only when the
 * environment passed on would have the image record: an environment
 * without the shim (--no-follow, env -i) or a trap passthrough one is an
 * untraced image by choice.
 *
 * The judging runs on the shim's work stack, not the program's: it takes
 * some 18 KiB (gcc -fstack-usage), the names and the shim's path with it;
 * only posix_spawn keeps its note (4.3 KiB) on the program's stack, over
 * the spawn.  Nothing here changes errno or what the exec does.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "shim.h"
#include "base/exe_check.h"
#include "base/jsonw.h"
#include "event/bpf_event.h"

/* The integrator's shim.c may define its own: this one relies on
 * bpfspy_active() creating the spool when there is none. */
__attribute__((weak)) void bpfspy_emit_json_ready(void (*fn)(struct jsonw *w, const void *ctx),
						   const void *ctx)
{
	if (bpfspy_active())
		bpfspy_emit_json(fn, ctx);
}

/* ---- the environment passed on ---------------------------------------------- */

/* The value of @key ("NAME=") in @envp: the first, as getenv() finds it. */
static const char *env_get(char *const envp[], const char *key)
{
	size_t n = strlen(key);

	for (; envp && *envp; envp++)
		if (!strncmp(*envp, key, n))
			return *envp + n;
	return NULL;
}

/* The bpfspy entry of LD_PRELOAD's list @pl (spaces or colons, as ld.so
 * splits it) into @shim (cap 0: only whether there is one); "" for a bare
 * name, which ld.so searches for and access() cannot check. */
static bool preload_entry(const char *pl, char *shim, size_t cap)
{
	size_t n;

	for (; *pl; pl += n) {
		pl += strspn(pl, " :");
		n = strcspn(pl, " :");
		if (!n || !memmem(pl, n, "libbpfspy", 9))
			continue;
		if (!cap)
			return true;
		if (n >= cap || !memchr(pl, '/', n))
			n = 0;
		memcpy(shim, pl, n);
		shim[n] = 0;
		return true;
	}
	return false;
}

/* An image given @envp would record, if the shim got into it. */
static bool env_traces(char *const envp[], char *shim, size_t cap)
{
	const char *pl = env_get(envp, "LD_PRELOAD="), *out = env_get(envp, "BPFSPY_OUTPUT=");
	const char *dir = env_get(envp, "BPFSPY_SPOOL_DIR=");
	const char *pass = env_get(envp, "BPFSPY_PASSTHROUGH=");
	const char *trap = env_get(envp, "BPFSPY_SECCOMP_TRAP=");

	/* a trace file, or a spool directory for a collector */
	if (!pl || ((!out || !*out) && (!dir || !*dir)))
		return false;
	if (pass && !strcmp(pass, "1") && trap && *trap && strcmp(trap, "0"))
		return false;
	return preload_entry(pl, shim, cap);
}

/* ---- the image's name ----------------------------------------------------------- */

/* "/proc/self/fd/N" into @proc (32 bytes). */
static void fd_proc(int fd, char *proc)
{
	memcpy(proc, "/proc/self/fd/", 14);
	proc[14 + fmt_u64(proc + 14, (uint64_t)fd)] = 0;
}

/* What @fd is open on, into @out; its length, 0 when unknown. */
static size_t fd_name(int fd, char *out, size_t cap)
{
	char proc[32];
	ssize_t n;

	fd_proc(fd, proc);
	n = readlink(proc, out, cap - 1);
	if (n <= 0)
		return 0;
	out[n] = 0;
	return (size_t)n;
}

/* @path (shorter than PATH_MAX) relative to @dirfd, as an absolute name
 * into @out when the directory's can be had, else as it is. */
static void exe_name(int dirfd, const char *path, char *out, size_t cap)
{
	char rel[PATH_MAX];
	size_t n = 0, l;

	while (path[0] == '.' && path[1] == '/')
		path += 2 + strspn(path + 2, "/");
	l = strlen(path);
	memcpy(rel, path, l + 1);   /* @path may be @out: a $PATH search's */
	if (rel[0] != '/') {
		if (dirfd == AT_FDCWD)
			n = getcwd(out, cap) ? strlen(out) : 0;
		else
			n = fd_name(dirfd, out, cap);
	}
	if (n && out[0] == '/' && n + 1 + l < cap) {   /* not "(unreachable)/..." */
		if (l && out[n - 1] != '/')
			out[n++] = '/';
		memcpy(out + n, rel, l + 1);
		return;
	}
	if (!l && dirfd >= 0)   /* an fd /proc cannot name */
		fd_proc(dirfd, rel);
	memcpy(out, rel, strlen(rel) + 1);
}

/* ---- probing, on the work stack ------------------------------------------------ */

struct probe {
	struct bpfspy_untraced *u;
	int dirfd;
	const char *path;
	char *const *envp;
	bool search;
	bool hit;
	pid_t child;
};

static void probe_fn(void *arg)
{
	struct probe *p = arg;
	const char *path = p->path;
	char shim[PATH_MAX];

	p->hit = false;
	if (!env_traces(p->envp, shim, sizeof(shim)))
		return;
	if (p->search) {
		if (exe_search(path, p->u->exe, sizeof(p->u->exe)) != 0)
			return;
		path = p->u->exe;
	}
	if (exe_untraceable(p->dirfd, path, shim[0] ? shim : NULL, p->u->why,
			    sizeof(p->u->why)) != EXE_UNTRACED)
		return;
	exe_name(p->dirfd, path, p->u->exe, sizeof(p->u->exe));
	p->hit = true;
}

bool bpfspy_untraced_probe(struct bpfspy_untraced *u, int dirfd, const char *path, bool search,
			   char *const envp[])
{
	struct probe p = { u, dirfd, path, envp, search, false, 0 };
	int e = errno;

	/* a vfork child records nothing; the common case costs one scan */
	if (bpfspy_t_vfork || !path || !env_traces(envp, NULL, 0))
		return false;
	bpfspy_on_work_stack(probe_fn, &p);
	errno = e;
	return p.hit;
}

/* ---- recording ---------------------------------------------------------------- */

static void render_untraced(struct jsonw *w, const void *ctx)
{
	const struct probe *p = ctx;
	struct bpf_event_env env;

	bpfspy_env(&env, 0, bpfspy_now_ns(), 0);
	jw_obj_open(w, NULL);
	jw_str(w, "event", "untraced");
	bpf_render_ts(w, "ts", env.ts);
	jw_u64(w, "pid", env.pid);
	if (p->child > 0)
		jw_u64(w, "child", (uint64_t)p->child);
	jw_str(w, "exe", p->u->exe);
	jw_str(w, "why", p->u->why);
	jw_obj_close(w);
}

static void record_fn(void *arg)
{
	bpfspy_emit_json_ready(render_untraced, arg);
}

void bpfspy_untraced_record(const struct bpfspy_untraced *u, pid_t child)
{
	struct probe p = { (struct bpfspy_untraced *)u, AT_FDCWD, NULL, NULL, false, true, child };
	int e = errno;

	bpfspy_on_work_stack(record_fn, &p);
	errno = e;
}

static void exec_fn(void *arg)
{
	struct probe *p = arg;
	struct bpfspy_untraced u;

	p->u = &u;
	probe_fn(p);
	if (p->hit)
		bpfspy_emit_json_ready(render_untraced, p);
}

void bpfspy_untraced_exec(int dirfd, const char *path, bool search, char *const envp[])
{
	struct probe p = { NULL, dirfd, path, envp, search, false, 0 };
	int e = errno;

	bpfspy_summary_flush();   /* the image's destructors will not run */
	if (bpfspy_t_vfork || !path || !env_traces(envp, NULL, 0))
		return;
	bpfspy_on_work_stack(exec_fn, &p);
	errno = e;
}
