// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Facts for the checker that only the calling process can measure, taken
 * right after the call returns (decoders/check/bpf_check.h judges them):
 *
 * - the returned fd's FD_CLOEXEC flag: one fcntl() per fd-returning call
 *   that succeeded (not the element calls: they return no fd);
 * - for OBJ_PIN, the filesystem of the pathname's parent directory and
 *   whether its last component has a dot (statfs, no fd opened);
 * - for LINK_UPDATE that succeeded, the program link_fd holds after it
 *   (its fdinfo's prog_id);
 * - for PROG_ATTACH, PROG_DETACH and PROG_QUERY, the filesystem of
 *   target_fd (fstatfs) and whether it is a character device (fstat);
 * - for a call failing with EPERM or EACCES (any failure with
 *   BPFSPY_AUDIT=all) the privilege context: capget() at the call, then
 *   the system's settings (sysctl, lockdown, LSMs, user namespace), read
 *   once per process image.  Successful calls pay nothing for it.
 *
 * Reading the system files opens a short-lived fd in the traced process;
 * that happens once per process, on its first audited failure, and the fd
 * is closed before the call returns to the program.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check/bpf_check.h"
#include "syscall/bpf_attr.h"
#include "syscall/bpf_decode.h"
#include "syscall/bpf_info.h"
#include "base/memread.h"
#include "shim.h"

#define INIT_USERNS_INO "4026531837"   /* PROC_USER_INIT_INO */

static void cloexec_fact(struct bpf_call *c)
{
	int fl = fcntl((int)c->ret, F_GETFD);

	if (fl < 0)
		return;
	c->facts.flags |= BPF_FACT_CLOEXEC_KNOWN;
	if (fl & FD_CLOEXEC)
		c->facts.flags |= BPF_FACT_CLOEXEC_SET;
}

/* The parent directory of the pinned path, as a path statfs() can use. */
static void pin_fact(struct bpf_call *c)
{
	char path[PATH_MAX], dir[PATH_MAX + 32];
	const char *base;
	uint32_t flags;
	uint64_t addr;
	size_t n;
	int err = 0;
	struct statfs st;
	char *slash;

	/* pathname and file_flags end at 16, the size libbpf 1.1 passes;
	 * path_fd (at 16) is read only when the flags say it is there */
	if (c->pre_len < ATTR_OBJ_file_flags + 4 || c->size < ATTR_OBJ_file_flags + 4)
		return;
	memcpy(&addr, c->pre + ATTR_OBJ_pathname, 8);
	memcpy(&flags, c->pre + ATTR_OBJ_file_flags, 4);
	n = mem_read(path, addr, sizeof(path) - 1, &err);
	if (!n || strnlen(path, n) == n)
		return;  /* unreadable or unterminated: the decoder says so */
	slash = strrchr(path, '/');
	base = slash ? slash + 1 : path;
	if (strchr(base, '.'))
		c->facts.flags |= BPF_FACT_PIN_DOT;
	if (slash == path)
		slash[1] = 0;       /* "/x": the root */
	else if (slash)
		*slash = 0;
	else
		strcpy(path, ".");
	if (path[0] != '/' && (flags & XV_BPF_F_PATH_FD)) {
		int32_t pfd;

		if (c->pre_len < ATTR_OBJ_path_fd + 4 || c->size < ATTR_OBJ_path_fd + 4)
			return;
		memcpy(&pfd, c->pre + ATTR_OBJ_path_fd, 4);
		snprintf(dir, sizeof(dir), "/proc/self/fd/%d/%s", pfd, path);
	} else {
		snprintf(dir, sizeof(dir), "%s", path);
	}
	if (statfs(dir, &st)) {
		c->facts.pin_statfs_err = errno;
		return;
	}
	c->facts.pin_fstype = (uint64_t)(unsigned long)st.f_type;
	c->facts.flags |= BPF_FACT_PIN_KNOWN;
}

static void link_fact(struct bpf_call *c)
{
	char path[48] = "/proc/self/fdinfo/", text[1536];
	struct bpf_fdinfo fi;
	int32_t fd;
	size_t n;

	if (c->pre_len < ATTR_LINK_UPDATE_link_fd + 4)
		return;
	memcpy(&fd, c->pre + ATTR_LINK_UPDATE_link_fd, 4);
	if (fd < 0)
		return;
	path[18 + fmt_u64(path + 18, (uint64_t)fd)] = 0;
	n = read_file_head(path, text, sizeof(text) - 1);
	bpf_fdinfo_parse(text, n, &fi);
	if (fi.kind != OBJ_LINK || !fi.link_prog_id)
		return;
	c->facts.link_prog_id = fi.link_prog_id;
	c->facts.flags |= BPF_FACT_LINK_PROG;
}

/* What target_fd is: a cgroup directory, a LIRC device... */
static void target_fact(struct bpf_call *c)
{
	struct statfs sf;
	struct stat st;
	int32_t fd;

	if (c->pre_len < ATTR_PROG_ATTACH_target_fd + 4)
		return;
	memcpy(&fd, c->pre + ATTR_PROG_ATTACH_target_fd, 4);   /* QUERY's too: at 0 */
	if (fd < 0 || fstatfs(fd, &sf))
		return;
	c->facts.target_fstype = (uint64_t)(unsigned long)sf.f_type;
	c->facts.flags |= BPF_FACT_TARGET_KNOWN;
	if (!fstat(fd, &st) && S_ISCHR(st.st_mode))
		c->facts.flags |= BPF_FACT_TARGET_CHR;
}

/* ---- the privilege context --------------------------------------------------- */

enum { SYS_NONE, SYS_FILLING, SYS_READY };
static int sys_state;          /* atomic */
static struct bpf_priv sys_ctx;


static void read_system(struct bpf_priv *p)
{
	char buf[256];
	ssize_t k;

	bpf_audit_read_system(p, read_file_head);
	k = readlink("/proc/self/ns/user", buf, sizeof(buf) - 1);
	if (k > 0) {
		buf[k] = 0;
		p->userns = strstr(buf, INIT_USERNS_INO) ? BPF_USERNS_INIT : BPF_USERNS_CHILD;
	}
}

/* The system part, read once per process image; a thread that finds
 * another one reading reads its own copy instead of waiting. */
static void system_ctx(struct bpf_priv *p)
{
	int s = __atomic_load_n(&sys_state, __ATOMIC_ACQUIRE), want = SYS_NONE;

	if (s == SYS_READY) {
		*p = sys_ctx;
		return;
	}
	if (s == SYS_NONE &&
	    __atomic_compare_exchange_n(&sys_state, &want, SYS_FILLING, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		memset(&sys_ctx, 0, sizeof(sys_ctx));
		read_system(&sys_ctx);
		__atomic_store_n(&sys_state, SYS_READY, __ATOMIC_RELEASE);
		*p = sys_ctx;
		return;
	}
	memset(p, 0, sizeof(*p));
	read_system(p);
}

static void priv_fact(struct bpf_call *c)
{
	struct bpf_priv *p = &c->facts.priv;
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	struct rlimit rl;

	system_ctx(p);
	if (!syscall(SYS_capget, &h, d)) {
		p->cap_eff = (uint64_t)d[1].effective << 32 | d[0].effective;
		p->cap_prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
		p->have_caps = 1;
	}
	p->memlock_cur = p->memlock_max = 0;
	if (!getrlimit(RLIMIT_MEMLOCK, &rl)) {
		p->memlock_cur = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : rl.rlim_cur;
		p->memlock_max = rl.rlim_max == RLIM_INFINITY ? UINT64_MAX : rl.rlim_max;
	}
	c->facts.flags |= BPF_FACT_PRIV;
}

void bpfspy_gather_facts(struct bpf_call *c, bool audit_all)
{
	const struct bpf_cmd_desc *d;
	int saved;

	/* the map element calls' only fact: a refusal's privilege context */
	if (bpf_cmd_hot(c->cmd) &&
	    !(c->ret < 0 && (audit_all || c->err == EPERM || c->err == EACCES)))
		return;
	d = bpf_cmd_desc(c->cmd);
	saved = errno;

	if (c->ret >= 0 && d && d->ret == RET_FD)
		cloexec_fact(c);
	if (c->cmd == XV_BPF_OBJ_PIN)
		pin_fact(c);
	if (c->cmd == XV_BPF_LINK_UPDATE && c->ret == 0)
		link_fact(c);
	if (c->cmd == XV_BPF_PROG_ATTACH || c->cmd == XV_BPF_PROG_DETACH ||
	    c->cmd == XV_BPF_PROG_QUERY)
		target_fact(c);
	if (c->ret < 0 && (audit_all || c->err == EPERM || c->err == EACCES))
		priv_fact(c);
	errno = saved;
}
