// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who the process is beyond its own pid: the header keys that tell the
 * traces of two containers apart (both say "pid":1).  Read once per
 * process, when its header is built at its first event, never on the
 * event path; raw syscalls only (no stdio, no allocation), as the rest of
 * the shim.
 *
 *   nspid              /proc/self/status NSpid: the pid in each pid
 *                      namespace from the one /proc belongs to down to
 *                      the process's own (when there is more than one)
 *   host_pid           the first of nspid: the pid as the host sees it
 *                      when the process sees the host's /proc
 *   ns                 the inode numbers of /proc/self/ns/{pid,mnt,user,
 *                      cgroup,net}, as lsns(8) and ip netns show them
 *   cgroup             the cgroup v2 path of /proc/self/cgroup (the
 *                      name=systemd one of a v1 host when v2 says "/")
 *   container_id       64 hex digits named by the cgroup path
 *   container_runtime  docker, containerd, cri-o or podman, when the
 *                      path's pattern says which
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/jsonw.h"

#define PROC_PID_INIT_INO 0xEFFFFFFCu   /* the initial pid namespace */
#define NSPID_MAX 32                    /* the kernel nests at most 32 */

static long raw(long nr, long a, long b, long c, long d)
{
	return bpfspy_real_syscall(nr, a, b, c, d, 0, 0);
}

/* Up to @cap - 1 bytes of @path, NUL-terminated; the length. */
static size_t raw_read(const char *path, char *buf, size_t cap)
{
	long fd = raw(SYS_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC, 0);
	size_t len = 0;
	long n;

	buf[0] = 0;
	if (fd < 0)
		return 0;
	while (len < cap - 1) {
		n = raw(SYS_read, fd, (long)(buf + len), (long)(cap - 1 - len), 0);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	raw(SYS_close, fd, 0, 0, 0);
	buf[len] = 0;
	return len;
}

/* The inode of namespace link @name in directory @dfd, from its target
 * "pid:[4026531836]": readlink() formats the name, stat() would
 * instantiate the nsfs inode (in a new process, five links: 6.1 against
 * 3.2 us each warm here). */
static unsigned long long ns_ino(long dfd, const char *name)
{
	char t[64];
	long n = raw(SYS_readlinkat, dfd, (long)name, (long)t, sizeof(t) - 1);
	unsigned long long v = 0;
	const char *p;

	if (n <= 0)
		return 0;
	t[n] = 0;
	p = strchr(t, '[');
	if (!p)
		return 0;
	for (p++; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned long long)(*p - '0');
	return *p == ']' ? v : 0;
}

/* The NSpid line's pids, outermost first; how many. */
static unsigned parse_nspid(const char *status, unsigned long long *pids)
{
	const char *p = strstr(status, "\nNSpid:");
	unsigned n = 0;

	if (!p)
		return 0;
	p += 7;
	while (n < NSPID_MAX) {
		unsigned long long v = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			break;
		while (*p >= '0' && *p <= '9')
			v = v * 10 + (unsigned long long)(*p++ - '0');
		pids[n++] = v;
	}
	return n;
}

/* @own: the inode of our pid namespace (0: unknown). */
static void render_pids(struct jsonw *w, const unsigned long long *pids, unsigned n,
			unsigned long long own)
{
	unsigned i;

	if (n > 1) {
		jw_arr_open(w, "nspid");
		for (i = 0; i < n; i++)
			jw_u64(w, NULL, pids[i]);
		jw_arr_close(w);
	}
	/* NSpid starts in the pid namespace of the /proc mounted here: the
	 * host's, unless the container mounted a /proc of its own, when the
	 * line holds the process's own pid alone.  (The parent namespace's
	 * id cannot be asked from below: NS_GET_PARENT says EPERM.) */
	if (n > 1 || (n == 1 && own == PROC_PID_INIT_INO))
		jw_u64(w, "host_pid", pids[0]);
}

static const char *const ns_kinds[] = { "pid", "mnt", "user", "cgroup", "net" };
#define NS_KINDS (sizeof(ns_kinds) / sizeof(ns_kinds[0]))

/* Relative to /proc/self/ns, opened once: in a new process five links
 * by their full paths took 49 us here, through the directory's fd 36. */
static void read_ns(unsigned long long *ino)
{
	long dfd = raw(SYS_openat, AT_FDCWD, (long)"/proc/self/ns",
		       O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	unsigned i;

	for (i = 0; i < NS_KINDS; i++)
		ino[i] = dfd >= 0 ? ns_ino(dfd, ns_kinds[i]) : 0;
	if (dfd >= 0)
		raw(SYS_close, dfd, 0, 0, 0);
}

static void render_ns(struct jsonw *w, const unsigned long long *ino)
{
	unsigned i;

	jw_obj_open(w, "ns");
	for (i = 0; i < NS_KINDS; i++)
		if (ino[i])
			jw_u64(w, ns_kinds[i], ino[i]);
	jw_obj_close(w);
}

/* The path of the /proc/self/cgroup line whose controller field is
 * @ctl ("" for v2); its length, 0 if absent. */
static size_t cgroup_line(const char *cg, const char *ctl, const char **path)
{
	size_t cl = strlen(ctl);
	const char *p = cg, *f, *end;

	for (; *p; p = *end ? end + 1 : end) {
		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		f = memchr(p, ':', (size_t)(end - p));
		if (!f)
			continue;
		f++;
		if ((size_t)(end - f) > cl && !strncmp(f, ctl, cl) && f[cl] == ':') {
			*path = f + cl + 1;
			return (size_t)(end - *path);
		}
	}
	return 0;
}

static bool hex64(const char *s, size_t n)
{
	size_t i;

	if (n != 64)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static const struct {
	const char *prefix, *runtime;
} scopes[] = {
	{ "docker-", "docker" },
	{ "cri-containerd-", "containerd" },
	{ "crio-", "cri-o" },
	{ "libpod-", "podman" },
};

/* A cgroup path component that names a container: docker-ID.scope,
 * cri-containerd-ID.scope, crio-ID.scope, libpod-ID.scope (systemd
 * driver), or ID alone under docker/ or kubepods (cgroupfs driver). */
static bool container_of(const char *c, size_t n, const char *parent, size_t pn,
			 const char **id, const char **runtime)
{
	size_t i, pl;

	if (n > 6 && !memcmp(c + n - 6, ".scope", 6))
		n -= 6;
	for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		pl = strlen(scopes[i].prefix);
		if (n > pl && !memcmp(c, scopes[i].prefix, pl) && hex64(c + pl, n - pl)) {
			*id = c + pl;
			*runtime = scopes[i].runtime;
			return true;
		}
	}
	if (!hex64(c, n))
		return false;
	*id = c;
	*runtime = pn == 6 && !memcmp(parent, "docker", 6) ? "docker" : NULL;
	return true;
}

static bool render_container(struct jsonw *w, const char *path, size_t len)
{
	const char *end = path + len, *c, *prev = path, *id, *runtime;
	const char *pc = NULL;
	size_t pn = 0;

	/* Innermost first: the container is the deepest component naming one. */
	while (end > path) {
		c = end;
		while (c > path && c[-1] != '/')
			c--;
		prev = c > path ? c - 1 : path;
		pc = prev;
		while (pc > path && pc[-1] != '/')
			pc--;
		pn = (size_t)(prev - pc);
		if (container_of(c, (size_t)(end - c), pc, pn, &id, &runtime)) {
			jw_strn(w, "container_id", id, 64);
			if (runtime)
				jw_str(w, "container_runtime", runtime);
			return true;
		}
		end = prev;
	}
	return false;
}

static void render_cgroup(struct jsonw *w)
{
	char cg[4096];
	const char *path = NULL, *v1 = NULL;
	size_t len, v1len;

	if (!raw_read("/proc/self/cgroup", cg, sizeof(cg)))
		return;
	len = cgroup_line(cg, "", &path);
	v1len = cgroup_line(cg, "name=systemd", &v1);
	if ((!len || (len == 1 && path[0] == '/')) && v1len) {
		path = v1;
		len = v1len;
	}
	if (!len)
		return;
	jw_strn(w, "cgroup", path, len);
	/* On a v1 host the v2 path may be "/" or a systemd scope while the
	 * name=systemd one names the container. */
	if (!render_container(w, path, len) && v1 && v1 != path)
		render_container(w, v1, v1len);
}

void bpfspy_ident_header(struct jsonw *w)
{
	unsigned long long ns[NS_KINDS], pids[NSPID_MAX];
	char status[4096];
	int saved = errno;
	unsigned n = 1;

	read_ns(ns);
	/* In the initial pid namespace NSpid is this pid alone: the status
	 * file (14.5 us warm here, more in a new process) is not read. */
	if (ns[0] == PROC_PID_INIT_INO) {   /* ns_kinds[0]: "pid" */
		pids[0] = (unsigned long long)raw(SYS_getpid, 0, 0, 0, 0);
	} else {
		raw_read("/proc/self/status", status, sizeof(status));
		n = parse_nspid(status, pids);
	}
	render_pids(w, pids, n, ns[0]);
	render_ns(w, ns);
	render_cgroup(w);
	errno = saved;
}
