// SPDX-License-Identifier: GPL-2.0-or-later
/* Packed bpf calls: see bpf_record.h. */
#include "bpf_record.h"

#include <string.h>

#define COMMON_TAIL 12   /* u64 address, u32 size */

static size_t common_tail(uint32_t cmd_raw)
{
	return (cmd_raw & BPF_COMMON_ATTRS_BIT) ? COMMON_TAIL : 0;
}

size_t bpf_record_size(const struct bpf_call *c)
{
	return sizeof(struct bpf_record) + c->pre_len + (c->have_post ? c->post_len : 0) +
	       c->nblobs * sizeof(struct bpf_blob) + c->blob_used + common_tail(c->cmd_raw);
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
		   (c->tail_unreadable ? BPF_REC_TAIL_UNREAD : 0);
	r->nblobs = c->nblobs;
	r->blob_used = c->blob_used;
	memcpy(r->comm, env->comm, sizeof(r->comm));
	memcpy(r->bytes, c->pre, c->pre_len);
	if (c->have_post)
		memcpy(r->bytes + c->pre_len, c->post, c->post_len);
	memcpy(r->bytes + c->pre_len + r->post_len, c->blobs, c->nblobs * sizeof(struct bpf_blob));
	p = r->bytes + c->pre_len + r->post_len + c->nblobs * sizeof(struct bpf_blob);
	memcpy(p, c->blob_data, c->blob_used);
	if (common_tail(c->cmd_raw)) {
		p += c->blob_used;
		memcpy(p, &c->common_addr, 8);
		memcpy(p + 8, &c->common_size, 4);
	}
}

int bpf_record_render(struct jsonw *w, const void *rec, size_t len,
		      const struct decode_opts *o)
{
	const struct bpf_record *r = rec;
	struct bpf_event_env env;
	struct bpf_call c;

	size_t blobs_at;

	if (len < sizeof(*r) || r->pre_len > BPF_ATTR_SNAP || r->post_len > BPF_ATTR_SNAP ||
	    r->nblobs > BPF_BLOB_MAX || r->blob_used > BPF_BLOB_BYTES ||
	    len < sizeof(*r) + r->pre_len + r->post_len + r->nblobs * sizeof(struct bpf_blob) +
			  r->blob_used + common_tail(r->cmd_raw))
		return -1;
	blobs_at = (size_t)r->pre_len + r->post_len;
	memset(&c, 0, offsetof(struct bpf_call, pre));
	c.nblobs = 0;
	c.cmd_raw = r->cmd_raw;
	c.cmd = r->cmd_raw & ~BPF_COMMON_ATTRS_BIT;
	c.attr_addr = r->attr_addr;
	c.size = r->size;
	c.pre_len = r->pre_len;
	c.pre_err = r->pre_err;
	memcpy(c.pre, r->bytes, r->pre_len);
	c.have_post = r->flags & BPF_REC_HAVE_POST;
	c.post_len = r->post_len;
	memcpy(c.post, r->bytes + r->pre_len, r->post_len);
	c.tail_nonzero_off = r->tail_nonzero_off;
	c.tail_unreadable = r->flags & BPF_REC_TAIL_UNREAD;
	c.ret = r->ret;
	c.err = r->err;
	c.nblobs = r->nblobs;
	c.blob_used = r->blob_used;
	memcpy(c.blobs, r->bytes + blobs_at, r->nblobs * sizeof(struct bpf_blob));
	blobs_at += r->nblobs * sizeof(struct bpf_blob);
	memcpy(c.blob_data, r->bytes + blobs_at, r->blob_used);
	if (common_tail(r->cmd_raw)) {
		memcpy(&c.common_addr, r->bytes + blobs_at + r->blob_used, 8);
		memcpy(&c.common_size, r->bytes + blobs_at + r->blob_used + 8, 4);
	}
	env.seq = r->seq;
	env.ts = r->ts;
	env.dur_ns = r->dur_ns;
	env.pid = r->pid;
	env.tid = r->tid;
	env.comm = r->comm;
	bpf_render_event(w, &env, &c, o);
	return 0;
}

size_t bpf_record_render_line(const void *rec, size_t len, char *out, size_t cap)
{
	struct decode_opts o;
	struct jsonw w;

	decode_opts_default(&o);
	o.offline = true;
	jw_init(&w, out, cap);
	if (bpf_record_render(&w, rec, len, &o) != 0)
		return 0;
	return w.len;
}
