// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfspy attach, bpfspy run --kernel: trace the bpf(2) calls of processes
 * the shim cannot enter (running, statically linked, Go) from the kernel.
 *
 * bpf/attach.bpf.c copies each call on the syscall's entry and exit into a
 * ring buffer: attr, and the buffers the read plan names, which is
 * computed here, per command, from the decoders' own description of what
 * they read (bpf_kread_plan(), bpf_cmd_map_fd_off()).  Each call is then
 * rebuilt as the struct bpf_call the shim would have captured and
 * rendered by the same event renderer, reading the caller's memory from
 * those copies (mem_read_set_source()).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "attach.skel.h"
#include "attach_cli.h"
#include "kfunc_names.h"
#include "base/jsonw.h"
#include "base/memread.h"
#include "check/bpf_check.h"
#include "event/bpf_event.h"
#include "syscall/bpf_attr.h"
#include "syscall/bpf_decode.h"
#include "syscall/bpf_info.h"

#define INIT_USERNS_INO 4026531837u   /* PROC_USER_INIT_INO */
#define LINE_MAX_BYTES (1u << 20)
#define FDS_MAX 4096
#define CAP_PERFMON_BIT 38
#define CAP_BPF_BIT 39

_Static_assert((int)KLEN_COUNT == (int)KR_COUNT && (int)KLEN_KEY == (int)KR_KEY &&
	       (int)KLEN_VALUE == (int)KR_VALUE && (int)KLEN_STR == (int)KR_STR &&
	       (int)KLEN_STRARR == (int)KR_STR_ARRAY, "kreq_len is bpf_kread_len");
_Static_assert(KREQ_ENTER == KR_BEFORE && KREQ_EXIT == KR_AFTER, "phases");
_Static_assert(KATTR_SNAP == BPF_ATTR_SNAP, "attr snapshot");
_Static_assert(sizeof(struct knote) == sizeof(struct bpf_fd_note) && KNOTES == BPF_FD_NOTES,
	       "knote is bpf_fd_note");

/* One copied buffer of a call in flight. */
struct region {
	uint64_t addr;
	uint32_t len;
	uint8_t phase, fault;
	uint8_t *data;
};

/* A call between its entry and exit records. */
struct pending {
	struct pending *next;
	uint32_t tid;
	struct krec_enter e;
	struct region *regs;
	size_t nregs, cap;
};

/* What a traced process's fds are, as far as its calls told us. */
struct fdent {
	bool known;
	struct bpf_fd_note note;
};

struct proc {
	struct proc *next;
	uint32_t tgid;
	uint64_t seq;         /* of its current image's events */
	bool header_done;
	char *header;         /* read from /proc at its first record */
	size_t header_len;
	char *argv;           /* the kernel program's copy, NUL separated */
	size_t argv_len;
	char *exe;            /* the path the kernel program walked */
	char *block;          /* run --kernel: its image's lines, until it ends */
	size_t block_len, block_cap;
	struct fdent *fds;    /* FDS_MAX, allocated on first use */
};

struct tracer {
	struct attach_opts ao;
	struct decode_opts o;
	struct attach_bpf *skel;
	struct ring_buffer *rb;
	FILE *out;
	struct pending *pend;
	struct proc *procs;
	uint64_t realtime_off;
	uint32_t possible_cpus;
	char *line;
	struct kfunc_names *kfunc;   /* --insns: kfunc calls named */
	char *named;                 /* a line with them named */
	size_t named_cap;
	bool sys_read;
	struct bpf_priv sys;  /* the system part of the privilege context */
	bool blocks;          /* each image's lines in one block, as bpfspy run */
	char hook[96];        /* how the kernel program is attached */
	/* the call being rendered: mem_read answers from its regions */
	const struct pending *cur;
	uint8_t prefer;
};

static volatile sig_atomic_t stop;
static pid_t run_child;    /* run --kernel's PROGRAM */

static void on_signal(int sig __maybe_unused)
{
	stop = 1;
}

/* run --kernel: termination requests go to PROGRAM, as bpfspy run does;
 * we outlive it to finish the trace. */
static void forward_signal(int sig)
{
	if (run_child > 0)
		kill(run_child, sig);
}

/* ---- reading the copies ----------------------------------------------------- */

static const struct region *find_region(const struct pending *p, uint64_t a, uint8_t phase)
{
	size_t i;

	for (i = 0; i < p->nregs; i++) {
		const struct region *r = &p->regs[i];

		if (r->phase == phase && a >= r->addr && a - r->addr < r->len)
			return r;
	}
	return NULL;
}

/* mem_read's source: the call's copies, those of the phase the decoder is
 * in first (before the call for capture_before, after it otherwise). */
static size_t copies_read(void *ctx, void *dst, uint64_t addr, size_t len)
{
	struct tracer *t = ctx;
	size_t done = 0;

	while (done < len && t->cur) {
		uint64_t a = addr + done;
		const struct region *r = find_region(t->cur, a, t->prefer);
		size_t n;

		if (!r)
			r = find_region(t->cur, a, t->prefer == KREQ_ENTER ? KREQ_EXIT : KREQ_ENTER);
		if (!r)
			break;
		n = r->len - (size_t)(a - r->addr);
		if (n > len - done)
			n = len - done;
		memcpy((uint8_t *)dst + done, r->data + (a - r->addr), n);
		done += n;
	}
	return done;
}

/* ---- what the process's fds are ------------------------------------------------ */

static struct proc *proc_of(struct tracer *t, uint32_t tgid)
{
	struct proc *p;

	for (p = t->procs; p; p = p->next)
		if (p->tgid == tgid)
			return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->tgid = tgid;
	p->next = t->procs;
	t->procs = p;
	return p;
}


static void fd_from_fdinfo(uint32_t tgid, int fd, struct fdent *f)
{
	char path[64], text[1536];
	struct bpf_fdinfo fi;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%u/fdinfo/%d", tgid, fd);
	n = read_file_head(path, text, sizeof(text) - 1);
	bpf_fdinfo_parse(text, n, &fi);
	memset(&f->note, 0, sizeof(f->note));
	f->note.kind = (uint8_t)fi.kind;
	f->note.has_type = fi.has_type;
	f->note.type = (uint16_t)fi.type;
	f->note.id = fi.id;
	f->known = true;
}

static struct fdent *fd_get(struct proc *p, int fd)
{
	if (!p || fd < 0 || fd >= FDS_MAX)
		return NULL;
	if (!p->fds)
		p->fds = calloc(FDS_MAX, sizeof(*p->fds));
	if (!p->fds)
		return NULL;
	if (!p->fds[fd].known)
		fd_from_fdinfo(p->tgid, fd, &p->fds[fd]);
	return &p->fds[fd];
}

/* What fd k->fd is from now on.  Names are kept as the shim keeps them:
 * as created by a MAP_CREATE or PROG_LOAD this process was seen making
 * (@created), not for objects it got by id or pin. */
static void fd_learn(struct proc *p, const struct knote *k, bool created)
{
	struct fdent *f;

	if (!p || k->fd < 0 || k->fd >= FDS_MAX)
		return;
	if (!p->fds)
		p->fds = calloc(FDS_MAX, sizeof(*p->fds));
	if (!p->fds)
		return;
	f = &p->fds[k->fd];
	if (!created && f->known && f->note.id == k->id && f->note.kind == k->kind)
		return;   /* the same object: keep the name it was created with */
	memcpy(&f->note, k, sizeof(f->note));
	if (!created)
		memset(f->note.name, 0, sizeof(f->note.name));
	f->known = true;
}

/* What the kernel program saw behind the fds at the call and behind the
 * fd it returned, then, for fds it did not look at, what we know. */
static void fd_notes(struct proc *p, struct bpf_call *c, const struct krec_enter *e,
		     const struct krec_exit *x)
{
	int32_t fds[BPF_FD_NOTES];
	unsigned n, i;

	for (i = 0; i < e->nnotes && i < KNOTES; i++)
		fd_learn(p, &e->notes[i], false);
	if (c->ret >= 0 && x->ret_note.kind)
		fd_learn(p, &x->ret_note,
			 c->cmd == XV_BPF_MAP_CREATE || c->cmd == XV_BPF_PROG_LOAD);
	n = bpf_call_fds(c, fds, BPF_FD_NOTES);
	c->nnotes = 0;
	for (i = 0; i < n; i++) {
		struct fdent *f = fd_get(p, fds[i]);

		if (!f || f->note.kind == OBJ_UNKNOWN)
			continue;
		c->notes[c->nnotes] = f->note;
		c->notes[c->nnotes++].fd = fds[i];
	}
}

/* ---- the call, rebuilt ------------------------------------------------------- */

/* The blobs are read from the copies the kernel program made: mem_read()
 * answers from them (mem_read_set_source). */

/* The blobs bpf_capture_plan() asks for, from the copies: what the
 * kernel will overwrite from those made on entry, the rest as the shim
 * takes them after the call. */
static void payload(struct tracer *t, struct bpf_call *c, const struct krec_enter *e)
{
	struct bpf_blob_req req[BPF_BLOB_MAX];
	struct bpf_map_meta m;
	unsigned n;

	c->nblobs = 0;
	c->blob_used = 0;
	t->prefer = KREQ_ENTER;
	bpf_call_capture(c, req, bpf_capture_plan(c, NULL, CAPTURE_BEFORE, &t->o, req));
	if (!e->map_known || bpf_call_map_fd(c) < 0 || t->o.no_data ||
	    (c->ret < 0 && (c->err == EBADF || c->err == EINVAL)))
		return;
	m.map_type = e->map_type;
	m.key_size = e->key_size;
	m.value_size = e->value_size;
	m.possible_cpus = t->possible_cpus;
	n = bpf_capture_plan(c, &m, CAPTURE_PRE, &t->o, req);
	bpf_call_capture(c, req, n);
	t->prefer = KREQ_EXIT;
	n = bpf_capture_plan(c, &m, CAPTURE_POST, &t->o, req);
	bpf_call_capture(c, req, n);
}



/* The privilege context of a failed call: the capabilities, the user
 * namespace and RLIMIT_MEMLOCK the kernel program read from the task at
 * the call; the system's settings read as the shim reads them. */
static void priv_fact(struct tracer *t, struct bpf_call *c, const struct krec_exit *x)
{
	struct bpf_priv *p = &c->facts.priv;

	if (!t->sys_read) {
		bpf_audit_read_system(&t->sys, read_file_head);
		t->sys_read = true;
	}
	*p = t->sys;
	p->cap_eff = x->cap_eff;
	p->cap_prm = x->cap_prm;
	p->have_caps = 1;
	p->memlock_cur = p->memlock_max = 0;
	if (x->have_limits) {
		/* RLIM_INFINITY is ~0UL: the shim's UINT64_MAX */
		p->memlock_cur = x->memlock_cur;
		p->memlock_max = x->memlock_max;
		p->userns = x->userns_ino == INIT_USERNS_INO ? BPF_USERNS_INIT : BPF_USERNS_CHILD;
	}
	c->facts.flags |= BPF_FACT_PRIV;
}

static void facts(struct tracer *t, struct bpf_call *c, const struct krec_exit *x)
{
	const struct bpf_cmd_desc *d = bpf_cmd_desc(c->cmd);

	memset(&c->facts, 0, sizeof(c->facts));
	c->facts.flags = BPF_FACT_VIA_KERNEL | (t->o.no_check ? BPF_FACT_NO_CHECK : 0) |
			 (x->copies_lost ? BPF_FACT_COPY_LOST : 0);
	if (t->o.no_check)
		return;
	if (c->ret >= 0 && d && d->ret == RET_FD && x->cloexec_known)
		c->facts.flags |= BPF_FACT_CLOEXEC_KNOWN | (x->cloexec ? BPF_FACT_CLOEXEC_SET : 0);
	if (c->ret < 0 && (t->ao.audit_all || c->err == EPERM || c->err == EACCES))
		priv_fact(t, c, x);
}

static void build_call(struct tracer *t, struct bpf_call *c, const struct krec_enter *e,
		       const struct krec_exit *x)
{
	uint32_t n = e->attr_len < BPF_ATTR_SNAP ? e->attr_len : BPF_ATTR_SNAP;

	memset(c, 0, sizeof(*c));
	c->cmd_raw = e->cmd;
	c->cmd = e->cmd & ~BPF_COMMON_ATTRS_BIT;
	c->attr_addr = e->attr_addr;
	c->size = e->size;
	if (e->cmd & BPF_COMMON_ATTRS_BIT) {
		c->common_addr = e->arg4;
		c->common_size = (uint32_t)e->arg5;
	}
	memcpy(c->pre, e->attr, n);
	c->pre_len = n;
	c->pre_err = e->attr_err;
	c->tail_nonzero_off = e->tail_nonzero_off;
	c->tail_unreadable = e->tail_unreadable != 0;
	c->ret = x->ret < 0 ? -1 : x->ret;
	c->err = x->ret < 0 ? (int)-x->ret : 0;
	if (bpf_cmd_writes_attr(c->cmd) && c->pre_len) {
		c->post_len = x->attr_len < c->pre_len ? x->attr_len : c->pre_len;
		memcpy(c->post, x->attr, c->post_len);
		c->have_post = true;
	}
	facts(t, c, x);
}

/* ---- output ------------------------------------------------------------------ */

#define BLOCK_MAX (64u << 20)   /* a block bigger than this is written early */

static void block_flush(struct tracer *t, struct proc *p)
{
	if (!p->block_len)
		return;
	fwrite(p->block, 1, p->block_len, t->out);
	fflush(t->out);
	p->block_len = 0;
}

/* @n bytes of @p's: into its block (run --kernel), else out now. */
static void put_bytes(struct tracer *t, struct proc *p, const char *b, size_t n)
{
	if (t->blocks && p) {
		if (p->block_len + n > p->block_cap) {
			size_t cap = p->block_cap ? p->block_cap * 2 : 1 << 16;
			char *nb;

			while (cap < p->block_len + n)
				cap *= 2;
			nb = p->block_len + n <= BLOCK_MAX ? realloc(p->block, cap) : NULL;
			if (!nb) {
				block_flush(t, p);
				goto direct;
			}
			p->block = nb;
			p->block_cap = cap;
		}
		memcpy(p->block + p->block_len, b, n);
		p->block_len += n;
		return;
	}
direct:
	fwrite(b, 1, n, t->out);
	fflush(t->out);
}

static void put_line(struct tracer *t, struct proc *p, struct jsonw *w)
{
	if (jw_overflowed(w))
		return;
	t->line[w->len] = '\n';
	put_bytes(t, p, t->line, w->len + 1);
}

/* With --insns, a PROG_LOAD line whose kfunc calls get their names from
 * the kernel's BTF, as the collector names them in the shim's traces. */
static bool put_named(struct tracer *t, struct proc *p, struct jsonw *w)
{
	size_t n;

	if (!t->kfunc || jw_overflowed(w))
		return false;
	for (;;) {
		n = kfunc_names_json(t->kfunc, t->line, w->len, t->named, t->named_cap);
		if (!n)
			return false;
		if (n < t->named_cap)
			break;
		free(t->named);
		t->named_cap = n + 1;
		t->named = malloc(t->named_cap);
		if (!t->named) {
			t->named_cap = 0;
			return false;
		}
	}
	t->named[n] = '\n';
	put_bytes(t, p, t->named, n + 1);
	return true;
}

/* The process's header, as the shim writes it, read from /proc when its
 * first record arrives (the process may be gone by the time its call is
 * rendered); keys /proc no longer had are left out. */
static void header_prepare(struct tracer *t, struct proc *p, uint64_t ts)
{
	char path[64], exe[PATH_MAX], cmdline[4096], stat[512], *rp;
	struct utsname u;
	struct jsonw w;
	size_t len, i;
	ssize_t n;
	long ppid = 0;

	if (p->header || p->header_done)
		return;
	jw_init(&w, t->line, LINE_MAX_BYTES - 1);
	jw_obj_open(&w, NULL);
	jw_str(&w, "event", "header");
	jw_u64(&w, "schema", BPF_TRACE_SCHEMA);
	jw_str(&w, "bpfspy", BPFSPY_VERSION);
	bpf_render_ts(&w, "ts", ts + t->realtime_off);
	jw_u64(&w, "pid", p->tgid);
	snprintf(path, sizeof(path), "/proc/%u/stat", p->tgid);
	len = read_file_head(path, stat, sizeof(stat) - 1);
	stat[len] = 0;
	rp = strrchr(stat, ')');
	if (rp && sscanf(rp + 1, " %*c %ld", &ppid) == 1)
		jw_u64(&w, "ppid", (uint64_t)ppid);
	snprintf(path, sizeof(path), "/proc/%u/exe", p->tgid);
	n = p->exe ? -1 : readlink(path, exe, sizeof(exe) - 1);
	if (p->exe) {
		jw_str(&w, "exe", p->exe);
	} else if (n > 0) {
		exe[n] = 0;
		jw_str(&w, "exe", exe);
	}
	len = p->argv_len < sizeof(cmdline) - 1 ? p->argv_len : sizeof(cmdline) - 1;
	if (len)
		memcpy(cmdline, p->argv, len);
	cmdline[len] = 0;
	if (len) {
		jw_arr_open(&w, "argv");
		for (i = 0; i < len; i += strlen(cmdline + i) + 1)
			jw_strn(&w, NULL, cmdline + i, 1024);
		jw_arr_close(&w);
	}
	if (uname(&u) == 0) {
		jw_str(&w, "host", u.nodename);
		jw_str(&w, "kernel", u.release);
		jw_str(&w, "machine", u.machine);
	}
	jw_bool(&w, "follow", t->ao.follow);
	if (t->o.insns)
		jw_bool(&w, "insns", true);
	jw_str(&w, "via", "kernel");
	jw_obj_close(&w);
	if (jw_overflowed(&w))
		return;
	p->header = malloc(w.len + 1);
	if (!p->header)
		return;
	memcpy(p->header, t->line, w.len);
	p->header[w.len] = '\n';
	p->header_len = w.len + 1;
}

static void header(struct tracer *t, struct proc *p)
{
	if (p->header_done)
		return;
	p->header_done = true;
	if (p->header)
		put_bytes(t, p, p->header, p->header_len);
	free(p->header);
	p->header = NULL;
}

static void render(struct tracer *t, const struct pending *pd, const struct krec_exit *x)
{
	const struct krec_enter *e = &pd->e;
	struct proc *p = proc_of(t, e->h.tgid);
	struct bpf_event_env env = { 0 };
	struct bpf_call c;
	struct jsonw w;

	t->cur = pd;
	build_call(t, &c, e, x);
	payload(t, &c, e);
	fd_notes(p, &c, e, x);
	env.seq = p ? ++p->seq : 0;
	env.ts = e->h.ts + t->realtime_off;
	env.dur_ns = x->h.ts - e->h.ts;
	env.pid = e->h.tgid;
	env.tid = e->h.tid;
	env.comm = e->comm;
	if (p)
		header(t, p);
	t->prefer = KREQ_EXIT;
	jw_init(&w, t->line, LINE_MAX_BYTES - 1);
	bpf_render_event(&w, &env, &c, &t->o);
	if (!put_named(t, p, &w))
		put_line(t, p, &w);
	t->cur = NULL;
}

/* ---- the ring buffer ----------------------------------------------------------- */

static void pending_free(struct pending *p)
{
	size_t i;

	for (i = 0; i < p->nregs; i++)
		free(p->regs[i].data);
	free(p->regs);
	free(p);
}

static struct pending **pending_slot(struct tracer *t, uint32_t tid)
{
	struct pending **pp;

	for (pp = &t->pend; *pp; pp = &(*pp)->next)
		if ((*pp)->tid == tid)
			return pp;
	return pp;
}

static void on_enter(struct tracer *t, const struct krec_enter *e)
{
	struct pending **pp = pending_slot(t, e->h.tid), *p = *pp;
	struct proc *pr;

	if (p) {           /* its exit was lost: start over */
		*pp = p->next;
		pending_free(p);
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return;
	p->tid = e->h.tid;
	p->e = *e;
	p->next = t->pend;
	t->pend = p;
	pr = proc_of(t, e->h.tgid);
	if (pr)
		header_prepare(t, pr, e->h.ts);
}

static void on_mem(struct tracer *t, const struct krec_mem *m, size_t size)
{
	struct pending *p = *pending_slot(t, m->h.tid);
	struct region *r;
	uint32_t len = m->len;

	if (!p || size < offsetof(struct krec_mem, data) + len)
		return;
	if (p->nregs == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct region *n = realloc(p->regs, cap * sizeof(*n));

		if (!n)
			return;
		p->regs = n;
		p->cap = cap;
	}
	r = &p->regs[p->nregs];
	r->data = malloc(len ? len : 1);
	if (!r->data)
		return;
	memcpy(r->data, m->data, len);
	r->addr = m->addr;
	r->len = len;
	r->phase = m->phase;
	r->fault = m->fault;
	p->nregs++;
}

/* A process's first call, or its first after an exec: a new image, with
 * its own header, seq and (close-on-exec gone) fds to learn again. */
static void new_image(struct tracer *t, struct proc *p)
{
	bool exec = p->argv || p->header_done;   /* else its first: fds forked */
	unsigned i;

	block_flush(t, p);
	p->seq = 0;
	p->header_done = false;
	free(p->header);
	free(p->argv);
	free(p->exe);
	p->header = p->argv = p->exe = NULL;
	p->argv_len = 0;
	for (i = 0; exec && p->fds && i < FDS_MAX; i++)
		p->fds[i].known = false;
}

static void on_argv(struct tracer *t, const struct krec_mem *m, size_t size)
{
	struct proc *p = proc_of(t, m->h.tgid);

	if (!p || size < offsetof(struct krec_mem, data) + m->len)
		return;
	new_image(t, p);
	p->argv = malloc(m->len + 1);
	if (!p->argv)
		return;
	memcpy(p->argv, m->data, m->len);
	p->argv[m->len] = 0;
	p->argv_len = m->len;
}

/* The executable's path, its components leaf first. */
static void on_exe(struct tracer *t, const struct krec_mem *m, size_t size)
{
	struct proc *p = proc_of(t, m->h.tgid);
	char path[PATH_MAX];
	size_t at = 0;
	uint32_t i;

	if (!p || p->exe || !m->len || m->len > KEXE_DEPTH ||
	    size < offsetof(struct krec_mem, data) + (size_t)m->len * KEXE_NAME)
		return;
	for (i = m->len; i-- > 0;) {
		const char *c = (const char *)m->data + i * KEXE_NAME;
		size_t n = strnlen(c, KEXE_NAME);

		if (at + n + 2 > sizeof(path))
			return;
		path[at++] = '/';
		memcpy(path + at, c, n);
		at += n;
	}
	path[at] = 0;
	p->exe = strdup(path);
}

/* The child starts with its parent's fds (and their names). */
static void on_fork(struct tracer *t, const struct krec_fork *f)
{
	struct proc *parent, *child;

	for (parent = t->procs; parent; parent = parent->next)
		if (parent->tgid == f->h.tgid)
			break;

	if (!parent || !parent->fds)
		return;
	child = proc_of(t, f->child_tgid);
	if (!child)
		return;
	if (!child->fds)
		child->fds = calloc(FDS_MAX, sizeof(*child->fds));
	if (child->fds)
		memcpy(child->fds, parent->fds, FDS_MAX * sizeof(*child->fds));
}

static void proc_free(struct proc *p)
{
	free(p->header);
	free(p->argv);
	free(p->exe);
	free(p->block);
	free(p->fds);
	free(p);
}

/* A process ended: its block is complete, and nothing of it is needed
 * any more (a call it was in when killed never exits). */
static void on_exited(struct tracer *t, const struct krec_hdr *h)
{
	struct proc **pp, *p;
	struct pending **qq, *q;

	for (pp = &t->procs; (p = *pp); pp = &p->next)
		if (p->tgid == h->tgid)
			break;
	if (p) {
		block_flush(t, p);
		*pp = p->next;
		proc_free(p);
	}
	for (qq = &t->pend; (q = *qq);) {
		if (q->e.h.tgid == h->tgid) {
			*qq = q->next;
			pending_free(q);
		} else {
			qq = &q->next;
		}
	}
}

static void on_exit_rec(struct tracer *t, const struct krec_exit *x)
{
	struct pending **pp = pending_slot(t, x->h.tid), *p = *pp;

	if (!p)
		return;    /* its entry was lost */
	*pp = p->next;
	render(t, p, x);
	pending_free(p);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;
	const struct krec_hdr *h = data;

	if (size < sizeof(*h))
		return 0;
	switch (h->type) {
	case KREC_ENTER:
		if (size >= sizeof(struct krec_enter))
			on_enter(t, data);
		break;
	case KREC_MEM:
		on_mem(t, data, size);
		break;
	case KREC_PROC:
		on_argv(t, data, size);
		break;
	case KREC_EXE:
		on_exe(t, data, size);
		break;
	case KREC_FORK:
		if (size >= sizeof(struct krec_fork))
			on_fork(t, data);
		break;
	case KREC_EXITED:
		on_exited(t, h);
		break;
	case KREC_EXIT:
		if (size >= sizeof(struct krec_exit))
			on_exit_rec(t, data);
		break;
	}
	return 0;
}

static uint64_t lost_count(struct tracer *t)
{
	uint32_t k = 0, i;
	uint64_t *v, sum = 0;
	int n = libbpf_num_possible_cpus();

	if (n <= 0)
		return 0;
	v = calloc((size_t)n, sizeof(*v));
	if (!v)
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.lost), &k, v))
		for (i = 0; i < (uint32_t)n; i++)
			sum += v[i];
	free(v);
	return sum;
}

/* Runs of the syscall programs the kernel skipped because one was already
 * running on that CPU (preempted): calls in them were not seen. */
static uint64_t missed_runs(struct tracer *t)
{
	struct bpf_program *progs[] = { t->skel->progs.on_enter, t->skel->progs.on_exit,
					t->skel->progs.on_fentry, t->skel->progs.on_fexit };
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < 4; i++) {
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);

		if (bpf_program__fd(progs[i]) < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(bpf_program__fd(progs[i]), &info, &len))
			sum += info.recursion_misses;
	}
	return sum;
}

static void report_lost(struct tracer *t)
{
	uint64_t n = lost_count(t), missed = missed_runs(t);
	struct jsonw w;

	if (!n && !missed)
		return;
	jw_init(&w, t->line, LINE_MAX_BYTES - 1);
	jw_obj_open(&w, NULL);
	jw_str(&w, "event", "lost");
	jw_u64(&w, "pid", 0);
	jw_u64(&w, "count", n);
	if (missed)
		jw_u64(&w, "missed_runs", missed);
	jw_str(&w, "via", "kernel");
	jw_obj_close(&w);
	put_line(t, NULL, &w);
}

/* ---- loading --------------------------------------------------------------------- */

/* The release functions of bpf object files, by kind (OBJ_MAP...): the
 * kernel program tells a bpf object's fd from any other by them. */
static void release_addrs(volatile __u64 *out)
{
	static const char *const names[KOBJ_KINDS] = {
		"bpf_map_release", "bpf_prog_release", "bpf_link_release", "btf_release",
	};
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[256], name[128], type;
	unsigned long long a;
	unsigned i;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s", &a, &type, name) != 3)
			continue;
		for (i = 0; i < KOBJ_KINDS; i++)
			if (!strcmp(name, names[i]) && !out[i])
				out[i] = a;
	}
	fclose(f);
}

static bool has_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint64_t eff;

	if (syscall(SYS_capget, &h, d))
		return false;
	eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	if (eff & (1ull << CAP_SYS_ADMIN))
		return true;
	return (eff & (1ull << CAP_BPF_BIT)) && (eff & (1ull << CAP_PERFMON_BIT));
}

static void set_rodata(struct tracer *t)
{
	struct attach_bpf *s = t->skel;
	uint32_t cmd, type;

	s->rodata->self_tgid = (uint32_t)getpid();
	s->rodata->mode = t->ao.mode;
	s->rodata->follow = t->ao.follow;
	if (t->ao.comm)
		strncpy((char *)s->rodata->want_comm, t->ao.comm, 15);
	release_addrs(s->rodata->obj_release);
	s->rodata->ncpus = t->possible_cpus;
	for (type = 0; type < 64; type++)
		if (bpf_map_type_is_percpu(type))
			s->rodata->percpu_types |= 1ull << type;
	for (cmd = 0; cmd < KCMD_MAX; cmd++) {
		int off = bpf_cmd_map_fd_off(cmd);

		const struct bpf_cmd_desc *d = bpf_cmd_desc(cmd);
		uint16_t offs[KNOTES];
		unsigned n = bpf_cmd_fd_offs(cmd, offs, KNOTES), i;

		s->rodata->map_fd_off[cmd] = off < 0 ? 0xffff : (uint16_t)off;
		for (i = 0; i < KNOTES; i++)
			s->rodata->fd_offs[cmd][i] = i < n ? offs[i] : 0xffff;
		if (d && d->ret == RET_FD)
			s->rodata->ret_fd_cmds |= 1ull << cmd;
	}
}

/* The read plan, per command, from the decoders (bpf_kread_plan()). */
static int load_plans(struct tracer *t)
{
	int fd = bpf_map__fd(t->skel->maps.plans);
	uint32_t cmd;

	for (cmd = 0; cmd < KCMD_MAX && cmd < BPF_CMD_COUNT; cmd++) {
		struct bpf_kread r[KREQ_MAX + 1];
		struct kplan p;
		unsigned n = bpf_kread_plan(cmd, &t->o, r, KREQ_MAX + 1), i;

		if (n > KREQ_MAX) {   /* a plan that outgrew struct kplan: a build bug */
			die_msg("the read plan of command %u has more than %u buffers",
				cmd, KREQ_MAX);
			return -E2BIG;
		}
		memset(&p, 0, sizeof(p));
		for (i = 0; i < n; i++) {
			p.r[i].ptr_off = r[i].ptr_off;
			p.r[i].len_off = r[i].cnt_off;
			p.r[i].len_src = r[i].len;
			p.r[i].phase = r[i].phase;
			p.r[i].need_ok = r[i].need_ok;
			p.r[i].mult = r[i].mult;
			/* one copy spans at most KMEM_CHUNKS records: a digest
			 * of a bigger buffer reads as unreadable */
			p.r[i].cap = r[i].cap < KMEM_CHUNK * KMEM_CHUNKS ? r[i].cap :
				     KMEM_CHUNK * KMEM_CHUNKS;
		}
		if (bpf_map_update_elem(fd, &cmd, &p, BPF_ANY))
			return -errno;
	}
	return 0;
}

static int add_targets(struct tracer *t)
{
	int fd = bpf_map__fd(t->skel->maps.targets);
	uint8_t one = 1;
	unsigned i;

	for (i = 0; i < t->ao.npids; i++) {
		uint32_t tgid = (uint32_t)t->ao.pids[i];

		if (bpf_map_update_elem(fd, &tgid, &one, BPF_ANY))
			return -errno;
	}
	return 0;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("BPFSPY_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/*
 * Open, configure, load and attach the kernel program by fentry/fexit on
 * __x64_sys_bpf (@fentry) or by the syscall tracepoints.
 *
 * Some kernels refuse the first.  Measured on Linux 6.18 (6.18.44-fc,
 * x86_64, lockdown "integrity" from its configuration; LSMs lockdown,
 * capability, landlock, bpf), as root with CAP_SYS_ADMIN, CAP_BPF and
 * CAP_PERFMON in the initial user namespace: BPF_PROG_LOAD of any program
 * that needs a BPF trampoline (BPF_PROG_TYPE_TRACING with
 * BPF_TRACE_FENTRY, BPF_TRACE_FEXIT or BPF_MODIFY_RETURN, on
 * __x64_sys_bpf, __sys_bpf, do_nanosleep or another BPF program;
 * BPF_PROG_TYPE_EXT; BPF_PROG_TYPE_LSM) fails with EPERM and an empty
 * verifier log at log_level 1 and 2, also a two-instruction program and
 * one with attach_btf_id 0, which a verifier would refuse with EINVAL:
 * the kernel refuses before verifying anything, and lockdown logs no
 * denial.  libbpf says "prog 'on_fentry': BPF program load failed:
 * Operation not permitted" and, wrongly here, to raise 'ulimit -l'.  The
 * same program type loads as tp_btf (BPF_TRACE_RAW_TP) or an iterator, so
 * the tracepoints are used; the "attached" line names the hook and why.
 */
static int load_skel(struct tracer *t, bool fentry)
{
	struct attach_bpf *s = attach_bpf__open();
	int err;

	if (!s)
		return errno ? -errno : -ENOMEM;
	t->skel = s;
	bpf_program__set_autoload(s->progs.on_enter, !fentry);
	bpf_program__set_autoload(s->progs.on_exit, !fentry);
	bpf_program__set_autoload(s->progs.on_fentry, fentry);
	bpf_program__set_autoload(s->progs.on_fexit, fentry);
	set_rodata(t);
	err = t->ao.buffer_size ? bpf_map__set_max_entries(s->maps.rb, t->ao.buffer_size) : 0;
	if (!err)
		err = attach_bpf__load(s);
	if (!err)
		err = load_plans(t);
	if (!err)
		err = add_targets(t);
	if (!err)
		err = attach_bpf__attach(s);
	if (err) {
		attach_bpf__destroy(s);
		t->skel = NULL;
		return err;
	}
	snprintf(t->hook, sizeof(t->hook), "%s", fentry ? "fentry" : "syscall tracepoints");
	return 0;
}

static int tracer_open(struct tracer *t)
{
	struct timespec rt, mono;
	const char *hook;
	int err, fentry_err = 0;

	if (!has_caps()) {
		die_msg("needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN, or root) "
			"to load its kernel program; this process lacks them");
		return -EPERM;
	}
	libbpf_set_print(libbpf_quiet);
	t->possible_cpus = (uint32_t)libbpf_num_possible_cpus();
	t->line = malloc(LINE_MAX_BYTES);
	if (t->o.insns)
		t->kfunc = kfunc_names_new();
	if (!t->line) {
		die_msg("%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	/* fentry/fexit where the kernel allows them, else the tracepoints */
	hook = getenv("BPFSPY_ATTACH_HOOK");
	err = -EPERM;
	if (!hook || strcmp(hook, "tracepoint"))
		err = fentry_err = load_skel(t, true);
	if (err && hook && !strcmp(hook, "fentry")) {
		die_msg("cannot load the kernel program by fentry/fexit on __x64_sys_bpf: %s "
			"(BPFSPY_ATTACH_HOOK=fentry; some kernels refuse every program attached "
			"by a trampoline: bpfspy(1), ATTACH)", strerror(-err));
		return err;
	}
	if (err)
		err = load_skel(t, false);
	if (err) {
		/* the capabilities were checked: the kernel itself refuses */
		die_msg("cannot load the kernel program: %s%s", strerror(-err),
			err == -EPERM ? " (refused by the kernel: lockdown or an LSM)" : "");
		return err;
	}
	if (fentry_err)
		snprintf(t->hook, sizeof(t->hook), "syscall tracepoints; fentry refused: %s",
			 strerror(-fentry_err));
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.rb), on_record, t, NULL);
	if (!t->rb) {
		die_msg("cannot read the ring buffer: %s", strerror(errno));
		return -errno;
	}
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	t->realtime_off = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec -
			  ((uint64_t)mono.tv_sec * 1000000000ull + (uint64_t)mono.tv_nsec);
	mem_read_set_source(copies_read, t);
	return 0;
}

/* What is still held in blocks, oldest process first. */
static void flush_all(struct tracer *t, struct proc *p)
{
	if (!p)
		return;
	flush_all(t, p->next);
	block_flush(t, p);
}

static void tracer_close(struct tracer *t)
{
	struct proc *p;

	if (t->out)
		flush_all(t, t->procs);
	mem_read_set_source(NULL, NULL);
	ring_buffer__free(t->rb);
	if (t->skel)
		attach_bpf__destroy(t->skel);
	while (t->pend) {
		struct pending *n = t->pend->next;

		pending_free(t->pend);
		t->pend = n;
	}
	while ((p = t->procs)) {
		t->procs = p->next;
		proc_free(p);
	}
	free(t->line);
	free(t->named);
	kfunc_names_free(t->kfunc);
}

/* ---- the loop ------------------------------------------------------------------- */

/* A process that has exited, reaped or not (a zombie's parent may never
 * reap it). */
static bool gone(pid_t pid)
{
	char path[64], stat[512], *rp;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	n = read_file_head(path, stat, sizeof(stat) - 1);
	stat[n] = 0;
	rp = strrchr(stat, ')');
	return !rp || rp[1] != ' ' || rp[2] == 'Z' || rp[2] == 'X';
}

/* Any process of the targets map (those given, and with --follow their
 * children) still running. */
static bool targets_alive(const struct tracer *t)
{
	int fd = bpf_map__fd(t->skel->maps.targets);
	uint32_t key, next;
	void *prev = NULL;

	if (t->ao.mode != ATTACH_PIDS)
		return true;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (!gone((pid_t)next))
			return true;
		key = next;
		prev = &key;
	}
	return false;
}

/* Until a signal, or until every target is gone; @child: run --kernel's
 * program, waited for (and its descendants when following). */
static int trace_loop(struct tracer *t, pid_t child)
{
	int status = 0, st;
	pid_t p;

	while (!stop) {
		int n = ring_buffer__poll(t->rb, 100);

		if (n < 0 && n != -EINTR)
			break;
		if (child > 0) {
			while ((p = waitpid(-1, &st, WNOHANG)) > 0)
				if (p == child)
					status = st;
			if (p < 0 && errno == ECHILD)
				break;
		} else if (!targets_alive(t)) {
			break;
		}
	}
	ring_buffer__consume(t->rb);
	report_lost(t);
	return status;
}

/* The trace: standard output or error, or -o FILE opened as bpfspy run
 * opens traces (open_output_file(): 0600, no symlink followed in a
 * sticky directory, no file of another user), then given --mode. */
static int open_out(struct tracer *t, bool to_stderr)
{
	const char *why = NULL;

	if (!t->ao.output) {
		t->out = to_stderr ? stderr : stdout;
		return 0;
	}
	t->out = open_output_file(t->ao.output, &why);
	if (!t->out) {
		die_msg("cannot write the trace to '%s': %s", t->ao.output, why ? why : "?");
		return -1;
	}
	if (t->ao.file_mode && fchmod(fileno(t->out), t->ao.file_mode) != 0) {
		die_msg("cannot give '%s' mode %o: %s", t->ao.output, (unsigned)t->ao.file_mode,
			strerror(errno));
		return -1;
	}
	return 0;
}

static void init_opts(struct tracer *t, const struct attach_opts *ao)
{
	t->ao = *ao;
	decode_opts_default(&t->o);
	if (ao->log_bytes)
		t->o.log_cap = (uint32_t)strtoul(ao->log_bytes, NULL, 0);
	if (ao->str_bytes)
		t->o.str_cap = (uint32_t)strtoul(ao->str_bytes, NULL, 0);
	if (ao->data_bytes)
		t->o.data_cap = (uint32_t)strtoul(ao->data_bytes, NULL, 0);
	t->o.no_data = ao->no_data;
	t->o.insns = ao->insns;
	t->o.no_check = ao->no_check;
	/* what one copy can hold: a string in one record, a buffer in
	 * KMEM_CHUNKS (bpfspy(1), ATTACH) */
	if (t->o.str_cap > KMEM_CHUNK)
		t->o.str_cap = KMEM_CHUNK;
	if (t->o.log_cap > KMEM_CHUNK * KMEM_CHUNKS)
		t->o.log_cap = KMEM_CHUNK * KMEM_CHUNKS;
	if (t->o.data_cap > KMEM_CHUNK * KMEM_CHUNKS)
		t->o.data_cap = KMEM_CHUNK * KMEM_CHUNKS;
}

static void catch_signals(void)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int attach_trace(const struct attach_opts *ao)
{
	struct tracer t = { 0 };
	int rc = 0;

	init_opts(&t, ao);
	if (open_out(&t, false))
		return EXIT_USAGE;
	if (tracer_open(&t)) {
		tracer_close(&t);
		return EXIT_USAGE;
	}
	catch_signals();
	if (ao->mode == ATTACH_PIDS)
		fprintf(stderr, "bpfspy: attached to %u process%s (%s)\n", ao->npids,
			ao->npids == 1 ? "" : "es", t.hook);
	else
		fprintf(stderr, "bpfspy: attached to %s (%s)\n",
			ao->mode == ATTACH_ALL ? "every process" : ao->comm, t.hook);
	trace_loop(&t, 0);
	tracer_close(&t);
	if (t.out != stdout)
		fclose(t.out);
	return rc;
}

/* run --kernel: the program waits on a pipe until the kernel program
 * watches its pid, then runs. */
int attach_run(const struct attach_opts *ao, char **prog)
{
	struct tracer t = { 0 };
	struct attach_opts a = *ao;
	int go[2], status;
	pid_t child;
	char c;

	if (pipe2(go, O_CLOEXEC))
		return EXIT_USAGE;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	child = fork();
	if (child < 0) {
		die_msg("fork: %s", strerror(errno));
		return EXIT_USAGE;
	}
	if (child == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(prog[0], prog);
		fprintf(stderr, "bpfspy: cannot run '%s': %s\n", prog[0], strerror(errno));
		_exit(127);
	}
	close(go[0]);
	a.mode = ATTACH_PIDS;
	a.pids = &child;
	a.npids = 1;
	init_opts(&t, &a);
	t.blocks = true;
	if (open_out(&t, true) || tracer_open(&t)) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		tracer_close(&t);
		return EXIT_USAGE;
	}
	run_child = child;
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, forward_signal);
	signal(SIGHUP, forward_signal);
	(void)!write(go[1], "1", 1);
	close(go[1]);
	status = trace_loop(&t, child);
	tracer_close(&t);
	if (t.out != stderr)
		fclose(t.out);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* ---- the command ----------------------------------------------------------------- */

static const char attach_usage[] =
	"Usage: bpfspy attach [OPTIONS] -p PID[,PID...] | --comm NAME | --all\n"
	"\n"
	"Trace the bpf(2) calls of running processes from the kernel, as JSON Lines,\n"
	"until they exit or bpfspy is interrupted.  Needs CAP_BPF and CAP_PERFMON\n"
	"(or CAP_SYS_ADMIN, or root).\n"
	"\n"
	"  -p, --pid PID[,PID...]  these processes (a thread id names its process)\n"
	"      --comm NAME     every process whose threads are named NAME (as\n"
	"                      /proc/PID/comm says, at most 15 characters)\n"
	"      --all           every process but bpfspy itself\n"
	"  -f, --follow        also the children the traced processes start\n"
	"  -o, --output FILE   write the trace to FILE (default: standard output)\n"
	"      --log-bytes N   keep at most N bytes of each verifier/BTF log (65536)\n"
	"      --str-bytes N   copy at most N bytes of each C string (4096)\n"
	"      --data-bytes N  keep at most N bytes of each map key or value (64)\n"
	"      --no-data       copy no key or value bytes at all\n"
	"      --insns         decode each loaded program's instructions\n"
	"      --no-check      record no checks, explanations or audits\n"
	"      --audit-all     audit the privileges of every failed call\n"
	"      --buffer-size N the kernel program's ring buffer, in bytes: a power of\n"
	"                      two, at least a page (default 16 MiB)\n"
	"  -h, --help          show this help\n"
	"\n"
	"Exit status: 0, 2 when bpfspy could not attach (bad option, no such\n"
	"process, missing privileges).\n";


/* The process a pid or thread id belongs to, from /proc/PID/status. */
static pid_t tgid_of(pid_t pid)
{
	char path[64], buf[2048], *p;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	n = read_file_head(path, buf, sizeof(buf) - 1);
	buf[n] = 0;
	p = strstr(buf, "\nTgid:");
	return p ? (pid_t)strtol(p + 6, NULL, 10) : -1;
}

static int parse_pids(const char *arg, struct attach_opts *ao)
{
	char *copy = strdup(arg), *tok, *save = NULL, *end;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		long v = strtol(tok, &end, 10);
		pid_t tg;
		pid_t *n;

		if (!*tok || *end || v <= 0 || v > INT32_MAX) {
			die_msg("-p takes process ids, not '%s'", tok);
			free(copy);
			return -1;
		}
		tg = tgid_of((pid_t)v);
		if (tg <= 0) {
			die_msg("no process %ld", v);
			free(copy);
			return -1;
		}
		n = realloc(ao->pids, (ao->npids + 1) * sizeof(*n));
		if (!n) {
			free(copy);
			return -1;
		}
		ao->pids = n;
		ao->pids[ao->npids++] = tg;
	}
	free(copy);
	return 0;
}

static int parse_bytes(int c, const char *arg, struct attach_opts *ao)
{
	if (!cli_byte_count(arg)) {
		die_msg("--%s takes a number of bytes, not '%s'",
			c == 'L' ? "log-bytes" : c == 'S' ? "str-bytes" : "data-bytes", arg);
		return -1;
	}
	if (c == 'L')
		ao->log_bytes = arg;
	else if (c == 'S')
		ao->str_bytes = arg;
	else
		ao->data_bytes = arg;
	return 0;
}

static int parse_buffer_size(const char *arg, struct attach_opts *ao)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (!*arg || *end || errno || arg[0] == '-' || v < (unsigned long long)page ||
	    v > (1ull << 30) || (v & (v - 1))) {
		die_msg("--buffer-size takes a power of two from %ld to 1073741824, not '%s'",
			page, arg);
		return -1;
	}
	ao->buffer_size = (uint32_t)v;
	return 0;
}

int cmd_attach(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, 'c' },
		{ "all", no_argument, NULL, 'a' },
		{ "follow", no_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "log-bytes", required_argument, NULL, 'L' },
		{ "str-bytes", required_argument, NULL, 'S' },
		{ "data-bytes", required_argument, NULL, 'B' },
		{ "no-data", no_argument, NULL, 'N' },
		{ "insns", no_argument, NULL, 'I' },
		{ "no-check", no_argument, NULL, 'K' },
		{ "audit-all", no_argument, NULL, 'A' },
		{ "buffer-size", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct attach_opts ao = { 0 };
	int c, modes = 0, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:p:fo:h", longs, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_pids(optarg, &ao))
				return EXIT_USAGE;
			if (!modes++ || ao.mode == ATTACH_PIDS)
				ao.mode = ATTACH_PIDS;
			break;
		case 'c':
			if (!*optarg || strlen(optarg) > 15)
				return usage_error("--comm takes a name of 1 to 15 characters");
			ao.comm = optarg;
			ao.mode = ATTACH_COMM;
			modes++;
			break;
		case 'a': ao.mode = ATTACH_ALL; modes++; break;
		case 'f': ao.follow = true; break;
		case 'o': ao.output = optarg; break;
		case 'L':
		case 'S':
		case 'B':
			if (parse_bytes(c, optarg, &ao))
				return EXIT_USAGE;
			break;
		case 'N': ao.no_data = true; break;
		case 'I': ao.insns = true; break;
		case 'K': ao.no_check = true; break;
		case 'A': ao.audit_all = true; break;
		case 'R':
			if (parse_buffer_size(optarg, &ao))
				return EXIT_USAGE;
			break;
		case 'h': fputs(attach_usage, stdout); exit(0);
		default: return bad_option(c, argv);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s' (to start a program: bpfspy run --kernel)",
				   argv[optind]);
	if (!modes || (ao.mode != ATTACH_PIDS && modes > 1) ||
	    (ao.mode == ATTACH_PIDS && ao.comm))
		return usage_error("give one of -p PID, --comm NAME or --all");
	rc = attach_trace(&ao);
	free(ao.pids);
	return rc;
}
