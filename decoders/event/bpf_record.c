// SPDX-License-Identifier: GPL-2.0-or-later
/* Packed bpf calls and the state records around them: see bpf_record.h. */
#include "event/bpf_record.h"

#include <stdlib.h>
#include <string.h>

#include "event/bpf_stack.h"
#include "libbpf/libbpf_funcs.h"

#define COMMON_TAIL 12       /* u64 address, u32 size */
#define CTX_FDS     4096     /* fds above are rendered without a note */
#define CTX_TIDS    4096     /* open addressing; a power of two */
#define REC_BAD     ((size_t)-1)
/* Where a record's variable parts start (sizeof() would add padding). */
#define REC_HEAD    offsetof(struct bpf_record, bytes)

/* 196 KiB, but a short-lived process uses a few entries: reset clears
 * only what was written (fd_end, tids), so a fresh context's pages stay
 * untouched (a page fault costs microseconds here; clearing it all cost
 * 48 of them per drained spool). */
struct bpf_render_ctx {
	uint32_t fd_end;        /* fd[] is zero from here on */
	uint32_t tids;          /* tid[] entries in use */
	struct bpf_sym_table *syms;   /* BPF_REC_SYM; NULL until the first */
	struct bpf_render_hooks hooks;
	struct bpf_fd_note fd[CTX_FDS];
	struct bpf_rec_thread tid[CTX_TIDS];
};

static size_t common_tail(uint32_t cmd_raw)
{
	return (cmd_raw & BPF_COMMON_ATTRS_BIT) ? COMMON_TAIL : 0;
}

size_t bpf_record_size(const struct bpf_call *c, const struct bpf_event_env *env)
{
	return REC_HEAD + c->pre_len + (c->have_post ? c->post_len : 0) +
	       c->nblobs * sizeof(struct bpf_blob) + c->blob_used + common_tail(c->cmd_raw) +
	       (c->parent ? 8 : 0) + (c->facts.flags ? sizeof(struct bpf_facts) : 0) +
	       (env->stack ? bpf_stack_tail_size(env->stack) : 0);
}

void bpf_record_pack(void *dst, const struct bpf_call *c,
		     const struct bpf_event_env *env)
{
	struct bpf_record *r = dst;
	uint8_t *p;

	r->seq = env->seq;
	r->ts = env->ts;
	r->dur_ns = env->dur_ns;
	r->attr_addr = c->attr_addr;
	r->ret = c->ret;
	r->pid = env->pid;
	r->tid = env->tid;
	r->cmd_raw = c->cmd_raw;
	r->size = c->size;
	r->err = c->err;
	r->pre_err = c->pre_err;
	r->tail_nonzero_off = c->tail_nonzero_off;
	r->pre_len = (uint16_t)c->pre_len;
	r->post_len = c->have_post ? (uint16_t)c->post_len : 0;
	r->flags = (c->have_post ? BPF_REC_HAVE_POST : 0) |
		   (c->tail_unreadable ? BPF_REC_TAIL_UNREAD : 0) |
		   (c->parent ? BPF_REC_PARENT : 0) |
		   (c->facts.flags ? BPF_REC_FACTS : 0) |
		   (env->stack ? BPF_REC_STACK : 0);
	r->nblobs = c->nblobs;
	r->blob_used = c->blob_used;
	p = r->bytes;
	memcpy(p, c->pre, c->pre_len);
	p += c->pre_len;
	memcpy(p, c->post, r->post_len);
	p += r->post_len;
	memcpy(p, c->blobs, c->nblobs * sizeof(struct bpf_blob));
	p += c->nblobs * sizeof(struct bpf_blob);
	memcpy(p, c->blob_data, c->blob_used);
	p += c->blob_used;
	if (common_tail(c->cmd_raw)) {
		memcpy(p, &c->common_addr, 8);
		memcpy(p + 8, &c->common_size, 4);
		p += COMMON_TAIL;
	}
	if (c->parent) {
		memcpy(p, &c->parent, 8);
		p += 8;
	}
	if (c->facts.flags) {
		memcpy(p, &c->facts, sizeof(c->facts));
		p += sizeof(c->facts);
	}
	if (env->stack)
		bpf_stack_tail_pack(p, env->stack);
}

struct bpf_render_ctx *bpf_render_ctx_new(void)
{
	return calloc(1, sizeof(struct bpf_render_ctx));
}

void bpf_render_ctx_free(struct bpf_render_ctx *x)
{
	if (x)
		bpf_sym_table_free(x->syms);
	free(x);
}

void bpf_render_ctx_reset(void *vx)
{
	struct bpf_render_ctx *x = vx;

	memset(x->fd, 0, x->fd_end * sizeof(x->fd[0]));
	if (x->tids)
		memset(x->tid, 0, sizeof(x->tid));
	x->fd_end = 0;
	x->tids = 0;
	if (x->syms)
		bpf_sym_table_reset(x->syms);
	if (x->hooks.reset)
		x->hooks.reset(x->hooks.u);
}

void bpf_render_ctx_set_hooks(struct bpf_render_ctx *x, const struct bpf_render_hooks *h)
{
	x->hooks = *h;
}

static struct bpf_rec_thread *tid_slot(struct bpf_render_ctx *x, uint32_t tid, bool add)
{
	uint32_t i, h = tid * 2654435761u;

	for (i = 0; i < CTX_TIDS; i++) {
		struct bpf_rec_thread *t = &x->tid[(h + i) & (CTX_TIDS - 1)];

		if (t->tid == tid)
			return t;
		if (!t->tid) {
			x->tids += add;
			return add ? t : NULL;
		}
	}
	return NULL;   /* full: the thread goes unnamed */
}

/* A stack and the addresses it points to, unpacked from a record. */
struct unpacked_stack {
	struct bpf_stack s;
	uint64_t ip[BPF_STACK_MAX];
};

/* The stack tail of a record, @len bytes at @p, into @u; the symbols
 * come from the BPF_REC_SYM records spooled before it. */
static bool unpack_stack(struct bpf_render_ctx *x, const uint8_t *p, size_t len,
			 struct unpacked_stack *u, struct bpf_event_env *env)
{
	if (!bpf_stack_tail_unpack(p, len, u->ip, &u->s))
		return false;
	u->s.sym = bpf_sym_table_lookup;
	u->s.sym_ctx = x->syms;
	env->stack = &u->s;
	return true;
}

/* Unpack a BPF_REC_CALL into @c and @env (the stack into @u); false when
 * malformed. */
static bool unpack(struct bpf_render_ctx *x, const void *rec, size_t len, struct bpf_call *c,
		   struct bpf_event_env *env, struct unpacked_stack *u)
{
	const struct bpf_record *r = rec;
	const uint8_t *p;
	size_t fixed;

	if (len < REC_HEAD || r->pre_len > BPF_ATTR_SNAP || r->post_len > BPF_ATTR_SNAP ||
	    r->nblobs > BPF_BLOB_MAX || r->blob_used > BPF_BLOB_BYTES)
		return false;
	fixed = REC_HEAD + r->pre_len + r->post_len + r->nblobs * sizeof(struct bpf_blob) +
		r->blob_used + common_tail(r->cmd_raw) + ((r->flags & BPF_REC_PARENT) ? 8 : 0) +
		((r->flags & BPF_REC_FACTS) ? sizeof(struct bpf_facts) : 0);
	if (len < fixed)
		return false;
	memset(c, 0, offsetof(struct bpf_call, pre));
	c->cmd_raw = r->cmd_raw;
	c->cmd = r->cmd_raw & ~BPF_COMMON_ATTRS_BIT;
	c->attr_addr = r->attr_addr;
	c->size = r->size;
	c->pre_len = r->pre_len;
	c->pre_err = r->pre_err;
	c->have_post = r->flags & BPF_REC_HAVE_POST;
	c->post_len = r->post_len;
	c->tail_nonzero_off = r->tail_nonzero_off;
	c->tail_unreadable = r->flags & BPF_REC_TAIL_UNREAD;
	c->ret = r->ret;
	c->err = r->err;
	c->nblobs = r->nblobs;
	c->blob_used = r->blob_used;
	c->nnotes = 0;
	p = r->bytes;
	memcpy(c->pre, p, r->pre_len);
	p += r->pre_len;
	memcpy(c->post, p, r->post_len);
	p += r->post_len;
	memcpy(c->blobs, p, r->nblobs * sizeof(struct bpf_blob));
	p += r->nblobs * sizeof(struct bpf_blob);
	memcpy(c->blob_data, p, r->blob_used);
	p += r->blob_used;
	if (common_tail(r->cmd_raw)) {
		memcpy(&c->common_addr, p, 8);
		memcpy(&c->common_size, p + 8, 4);
		p += COMMON_TAIL;
	}
	env->parent = 0;
	if (r->flags & BPF_REC_PARENT) {
		memcpy(&env->parent, p, 8);
		p += 8;
	}
	memset(&c->facts, 0, sizeof(c->facts));
	if (r->flags & BPF_REC_FACTS)
		memcpy(&c->facts, p, sizeof(c->facts));
	env->stack = NULL;
	if ((r->flags & BPF_REC_STACK) &&
	    !unpack_stack(x, (const uint8_t *)rec + fixed, len - fixed, u, env))
		return false;
	env->seq = r->seq;
	env->ts = r->ts;
	env->dur_ns = r->dur_ns;
	env->wall_ns = 0;
	env->pid = r->pid;
	env->tid = r->tid;
	env->comm = "";
	return true;
}

/* The notes the shim would have taken live, from the fds spooled so far. */
static void notes_from_ctx(struct bpf_render_ctx *x, struct bpf_call *c)
{
	int32_t fds[BPF_FD_NOTES];
	unsigned n = bpf_call_fds(c, fds, BPF_FD_NOTES), i;

	for (i = 0; i < n; i++) {
		if (fds[i] < 0 || fds[i] >= CTX_FDS || x->fd[fds[i]].kind == OBJ_UNKNOWN)
			continue;
		c->notes[c->nnotes] = x->fd[fds[i]];
		c->notes[c->nnotes++].fd = fds[i];
	}
}

static size_t render_libbpf(struct bpf_render_ctx *x, const void *rec, size_t len,
			    char *out, size_t cap)
{
	const size_t fixed = sizeof(struct libbpf_record);
	struct unpacked_stack u;
	struct bpf_rec_thread *t;
	struct bpf_event_env env;
	struct libbpf_call c;
	struct decode_opts o;
	struct jsonw w;

	if (!libbpf_record_unpack(rec, len, &env, &c) || !libbpf_func_offline_ok(c.id))
		return REC_BAD;
	env.stack = NULL;
	if (len > fixed && !unpack_stack(x, (const uint8_t *)rec + fixed, len - fixed, &u, &env))
		return REC_BAD;
	t = tid_slot(x, env.tid, false);
	if (t)
		env.comm = t->comm;
	decode_opts_default(&o);
	o.offline = true;
	jw_init(&w, out, cap);
	libbpf_render_event(&w, &env, &c, &o);
	return w.len;
}

size_t bpf_render_ctx_record(void *vx, uint32_t type, const void *rec, size_t len,
			     char *out, size_t cap)
{
	struct bpf_render_ctx *x = vx;
	struct unpacked_stack u;
	struct bpf_event_env env;
	struct decode_opts o;
	struct bpf_call c;
	struct jsonw w;

	if (type == BPF_REC_THREAD) {
		const struct bpf_rec_thread *t = rec;
		struct bpf_rec_thread *slot;

		if (len < sizeof(*t))
			return REC_BAD;
		slot = tid_slot(x, t->tid, true);
		if (slot)
			*slot = *t;
		return 0;
	}
	if (type == BPF_REC_FDOBJ) {
		const struct bpf_fd_note *n = rec;

		if (len < sizeof(*n))
			return REC_BAD;
		if (n->fd >= 0 && n->fd < CTX_FDS) {
			x->fd[n->fd] = *n;
			if ((uint32_t)n->fd >= x->fd_end)
				x->fd_end = (uint32_t)n->fd + 1;
		}
		return 0;
	}
	if (type == BPF_REC_SYM) {
		if (!x->syms && !(x->syms = bpf_sym_table_new()))
			return 0;      /* no memory: frames go unnamed */
		return bpf_sym_table_add(x->syms, rec, len) ? 0 : REC_BAD;
	}
	if (type == BPF_REC_BTF) {
		const struct bpf_rec_btf *b = rec;

		if (len < sizeof(*b) || b->len > len - sizeof(*b))
			return REC_BAD;
		if (x->hooks.btf)
			x->hooks.btf(x->hooks.u, b->fd, b->data, b->len, b->full_len);
		return 0;
	}
	if (type == BPF_REC_LIBBPF)
		return render_libbpf(x, rec, len, out, cap);
	if (type != BPF_REC_CALL || !unpack(x, rec, len, &c, &env, &u))
		return REC_BAD;
	{
		struct bpf_rec_thread *t = tid_slot(x, env.tid, false);

		if (t)
			env.comm = t->comm;
	}
	notes_from_ctx(x, &c);
	if (x->hooks.call)
		x->hooks.call(x->hooks.u, &c);
	decode_opts_default(&o);
	o.offline = true;
	o.no_check = c.facts.flags & BPF_FACT_NO_CHECK;
	if (x->hooks.typer.render)
		o.typer = &x->hooks.typer;
	jw_init(&w, out, cap);
	bpf_render_event(&w, &env, &c, &o);
	return w.len;
}

void libbpf_record_pack(struct libbpf_record *r, const struct bpf_event_env *env,
			const struct libbpf_call *c)
{
	r->seq = env->seq;
	r->ts = env->ts;
	r->dur_ns = env->dur_ns;
	r->parent = env->parent;
	r->wall_ns = env->wall_ns;
	memcpy(r->args, c->args, sizeof(r->args));   /* the first six */
	r->ret = c->ret;
	r->nsys = c->nsys;
	r->nfail = c->nfail;
	r->pid = env->pid;
	r->tid = env->tid;
	r->id = c->id;
	r->err = c->err;
}

bool libbpf_record_unpack(const void *rec, size_t len, struct bpf_event_env *env,
			  struct libbpf_call *c)
{
	const struct libbpf_record *r = rec;

	if (len < sizeof(*r) || r->id >= LF_COUNT)
		return false;
	memset(c, 0, sizeof(*c));
	env->seq = r->seq;
	env->ts = r->ts;
	env->dur_ns = r->dur_ns;
	env->parent = r->parent;
	env->wall_ns = r->wall_ns;
	env->pid = r->pid;
	env->tid = r->tid;
	env->comm = "";
	env->stack = NULL;   /* a stack tail is the caller's to read */
	memcpy(c->args, r->args, sizeof(r->args));
	c->id = r->id;
	c->ret = r->ret;
	c->err = r->err;
	c->nsys = r->nsys;
	c->nfail = r->nfail;
	return true;
}
