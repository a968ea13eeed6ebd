// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Map payload: which key and value buffers a call carries, and how they
 * read.  The shim captures what bpf_capture_plan() asks for (it alone reads
 * caller memory on the event path); these functions only decide and render.
 * What a command's buffers are is said once, by the pointer fields of its
 * table in bpf_cmds.c (bpf_field.to): the plan takes those with a blob tag,
 * as bpf_kread_plan() takes them all.
 */
#include "syscall/bpf_attr.h"
#include "base/memread.h"
#include "syscall/bpf_decode.h"
#include "syscall/bpf_info.h"

#include <errno.h>
#include <string.h>


int bpf_call_map_fd(const struct bpf_call *c)
{
	switch (c->cmd) {
	case XV_BPF_MAP_LOOKUP_ELEM:
	case XV_BPF_MAP_UPDATE_ELEM:
	case XV_BPF_MAP_DELETE_ELEM:
	case XV_BPF_MAP_GET_NEXT_KEY:
	case XV_BPF_MAP_LOOKUP_AND_DELETE_ELEM:
	case XV_BPF_MAP_FREEZE:
		return bpf_attr_has(c, ATTR_MAP_ELEM_map_fd, 4) ?
		       (int)(int32_t)bpf_attr_get(c, ATTR_MAP_ELEM_map_fd, 4) : -1;
	case XV_BPF_MAP_LOOKUP_BATCH:
	case XV_BPF_MAP_LOOKUP_AND_DELETE_BATCH:
	case XV_BPF_MAP_UPDATE_BATCH:
	case XV_BPF_MAP_DELETE_BATCH:
		return bpf_attr_has(c, ATTR_BATCH_map_fd, 4) ? (int)(int32_t)bpf_attr_get(c, ATTR_BATCH_map_fd, 4) : -1;
	}
	return -1;
}

static bool is_batch(uint32_t cmd)
{
	return cmd >= XV_BPF_MAP_LOOKUP_BATCH && cmd <= XV_BPF_MAP_DELETE_BATCH;
}

static bool is_percpu(uint32_t map_type)
{
	switch (map_type) {
	case XV_BPF_MAP_TYPE_PERCPU_HASH:
	case XV_BPF_MAP_TYPE_PERCPU_ARRAY:
	case XV_BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case XV_BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		return true;
	}
	return false;
}

bool bpf_map_type_is_percpu(uint32_t map_type)
{
	return is_percpu(map_type);
}

/* Queue, stack and bloom filter maps have no key (key_size 0). */

/* The value buffer's size as the kernel reads or writes it: per-CPU maps
 * take one 8-byte-aligned slot per possible CPU, unless the caller chose
 * one CPU (BPF_F_CPU) or all alike (BPF_F_ALL_CPUS). */
static uint32_t value_len(const struct bpf_call *c, const struct bpf_map_meta *m,
			  uint32_t *stride)
{
	uint64_t flags = bpf_attr_get(c, is_batch(c->cmd) ? ATTR_BATCH_elem_flags : ATTR_MAP_ELEM_flags, 8);

	*stride = 0;
	if (!is_percpu(m->map_type) || (flags & (XV_BPF_F_CPU | XV_BPF_F_ALL_CPUS)) ||
	    !m->possible_cpus)
		return m->value_size;
	*stride = (m->value_size + 7) & ~7u;
	if (*stride > UINT16_MAX) {
		*stride = 0;
		return m->value_size;   /* absurd sizes: show it unsplit */
	}
	return *stride * m->possible_cpus;
}

static const struct bpf_blob *find_blob(const struct bpf_call *c, uint8_t tag);

/* The batch cursor (in_batch, out_batch): hash maps walk buckets and
 * keep a u32 bucket index; the generic batch ops keep the last key. */
static uint32_t cursor_len(const struct bpf_map_meta *m)
{
	switch (m->map_type) {
	case XV_BPF_MAP_TYPE_HASH:
	case XV_BPF_MAP_TYPE_PERCPU_HASH:
	case XV_BPF_MAP_TYPE_LRU_HASH:
	case XV_BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case XV_BPF_MAP_TYPE_HASH_OF_MAPS:
		return 4;
	}
	return m->key_size;
}

uint32_t bpf_pointee_cap(const struct bpf_pointee *p, const struct decode_opts *o)
{
	switch (p->cap) {
	case PT_CAP_DATA:
		return o->no_data ? 0 : o->data_cap;
	case PT_CAP_STR:
		return o->str_cap;
	case PT_CAP_LOG:
	case PT_CAP_LOG_STR:
		return o->log_cap;
	case PT_CAP_ARRAY:
		return 64u * p->mult;      /* render_*_array: the first 64 */
	case PT_CAP_INFO:
		return BPF_INFO_MAX;       /* covers every array count too */
	case PT_CAP_DIGEST:
		return BPF_DIGEST_MAX;
	}
	return 0;
}

/* Whether @phase captures pointee @p of @c: inputs after the call, unless
 * the call may overwrite them (then before it, and after only what could
 * not be read before), outputs after the calls that wrote them. */
static bool captured_in(const struct bpf_call *c, const struct bpf_pointee *p,
			enum bpf_capture_phase phase)
{
	switch (p->when) {
	case PT_IN_EARLY:
		if (phase == CAPTURE_BEFORE)
			return true;
		/* fall through */
	case PT_IN:
		return phase == CAPTURE_PRE && !find_blob(c, p->tag);
	case PT_INOUT:
		return phase == CAPTURE_BEFORE;   /* the renderer reads the rest */
	case PT_OUT:
		return phase == CAPTURE_POST && c->ret >= 0;
	case PT_OUT_ENOENT:
		return phase == CAPTURE_POST && (c->ret >= 0 || c->err == ENOENT);
	case PT_OUT_ANY:
		return phase == CAPTURE_POST;
	}
	return false;
}

/* The request for pointee @p of field @f: its size as the map @m and the
 * count attr holds in @phase say, cut at the pointee's cap.  False when
 * there is nothing to read. */
static bool pointee_req(const struct bpf_call *c, const struct bpf_field *f,
			const struct bpf_map_meta *m, enum bpf_capture_phase phase,
			const struct decode_opts *o, struct bpf_blob_req *r)
{
	const struct bpf_pointee *p = &f->to;
	uint32_t cap = bpf_pointee_cap(p, o), unit, stride = 0;
	uint64_t cnt = 1, full;

	if (!cap || !bpf_attr_has(c, f->off, 8))
		return false;
	if (p->cnt_off != PT_NO_COUNT)
		cnt = phase == CAPTURE_POST ? bpf_attr_get_post(c, p->cnt_off, 4) :
					      bpf_attr_get(c, p->cnt_off, 4);
	switch (p->len) {
	case PT_COUNT:
		unit = p->mult;
		break;
	case PT_KEY:
	case PT_VALUE:
	case PT_CURSOR:
		if (!m)
			return false;
		unit = p->len == PT_KEY ? m->key_size :
		       p->len == PT_VALUE ? value_len(c, m, &stride) : cursor_len(m);
		break;
	default:
		return false;
	}
	if (p->cnt_off != PT_NO_COUNT && p->len != PT_COUNT)
		stride = unit;     /* one entry per element: a per-CPU value is one */
	full = cnt * unit;
	if (stride > UINT16_MAX || full > UINT32_MAX)
		return false;
	r->tag = p->tag;
	r->proven = false;
	r->addr = bpf_attr_get(c, f->off, 8);
	r->full_len = (uint32_t)full;
	r->stride = stride;
	r->len = r->full_len < cap ? r->full_len : cap;
	return r->addr && r->full_len;
}

const uint8_t *bpf_call_blob(const struct bpf_call *c, uint8_t tag, uint32_t *len)
{
	const struct bpf_blob *b = find_blob(c, tag);

	if (!b || (uint32_t)b->off + b->len > c->blob_used)
		return NULL;
	*len = b->len;
	return c->blob_data + b->off;
}

static bool is_output(uint8_t when)
{
	return when == PT_OUT || when == PT_OUT_ENOENT || when == PT_OUT_ANY || when == PT_INOUT;
}

/* Whether the buffer @r asks for may be written by the call: it meets a
 * buffer the command's fields say the kernel writes (with the counts as
 * they are before the call, the most it may write). */
static bool meets_output(const struct bpf_call *c, const struct bpf_cmd_desc *d,
			 const struct bpf_map_meta *m, const struct bpf_blob_req *r)
{
	unsigned i;

	for (i = 0; i < d->nfields; i++) {
		const struct bpf_field *f = &d->fields[i];
		struct bpf_blob_req out;
		struct decode_opts all = { .data_cap = UINT32_MAX };

		if (!f->to.len || !is_output(f->to.when) || (f->when && !f->when(c)))
			continue;
		/* of unknown size, or sized by what is not known: it may */
		if (!pointee_req(c, f, m, CAPTURE_PRE, &all, &out))
			return bpf_attr_get(c, f->off, 8) != 0;
		if (out.addr < r->addr + r->full_len && r->addr < out.addr + out.full_len)
			return true;
	}
	return false;
}

/* The command's pointees that have a blob tag (bpf_cmds.c), in the order
 * of its fields.  A key read before the call in case the call overwrites
 * it (PT_IN_EARLY) is read after it instead when no output meets it:
 * then the bytes are the same, and they are the ones the kernel read. */
unsigned bpf_capture_plan(const struct bpf_call *c, const struct bpf_map_meta *m,
			  enum bpf_capture_phase phase, const struct decode_opts *o,
			  struct bpf_blob_req *req)
{
	const struct bpf_cmd_desc *d = bpf_cmd_desc(c->cmd);
	unsigned i, n = 0;

	for (i = 0; d && i < d->nfields && n < BPF_BLOB_MAX; i++) {
		const struct bpf_field *f = &d->fields[i];

		if (!f->to.tag || !captured_in(c, &f->to, phase) || (f->when && !f->when(c)))
			continue;
		if (!pointee_req(c, f, m, phase, o, &req[n]))
			continue;
		if (phase == CAPTURE_BEFORE && f->to.when == PT_IN_EARLY &&
		    !meets_output(c, d, m, &req[n]))
			continue;
		n++;
	}
	return n;
}

static const struct bpf_blob *find_blob(const struct bpf_call *c, uint8_t tag)
{
	unsigned i;

	for (i = 0; i < c->nblobs && i < BPF_BLOB_MAX; i++)
		if (c->blobs[i].tag == tag)
			return &c->blobs[i];
	return NULL;
}


static __thread struct bpf_splices *t_splices;

void bpf_splices_record(struct bpf_splices *s)
{
	t_splices = s;
}

/* Where a recorded render_blob_typed() starts; NULL: not recorded. */
static struct bpf_splice *splice_open(struct bpf_splices *sp, const struct jsonw *w,
				      const char *name, uint8_t tag)
{
	struct bpf_splice *p;

	if (!sp)
		return NULL;
	if (sp->n >= BPF_SPLICES_MAX) {
		sp->bad = true;
		return NULL;
	}
	p = &sp->s[sp->n++];
	p->start = w->len;
	p->depth = w->depth;
	p->first_before = w->first;
	p->name = name;
	p->tag = tag;
	return p;
}

/*
 * "<name><suffix>" for the payload's keys, kept per thread by the two
 * pointers: the names are bpf_cmds.c's literals (a memo's splices keep
 * them), the suffixes this file's.  Made each time, the four of a
 * lookup's line took ~390 instructions of its ~4,330 (callgrind, bpfspy
 * collect).
 */
#define KEYS_KEPT 8u
static __thread struct blob_key {
	const char *name, *suffix;
	char key[48];
} t_blob_keys[KEYS_KEPT];
static __thread unsigned t_blob_keys_next;

static const char *blob_key(const char *name, const char *suffix)
{
	struct blob_key *k;
	unsigned i;

	for (i = 0; i < KEYS_KEPT; i++)
		if (t_blob_keys[i].name == name && t_blob_keys[i].suffix == suffix)
			return t_blob_keys[i].key;
	k = &t_blob_keys[t_blob_keys_next++ % KEYS_KEPT];
	k->name = name;
	k->suffix = suffix;
	key_suffixed(k->key, sizeof(k->key), name, suffix);
	return k->key;
}

void render_blob_typed(struct jsonw *w, const char *name, const struct bpf_call *c,
		       uint8_t tag, const struct decode_opts *o)
{
	struct bpf_splices *sp = t_splices;
	struct bpf_splice *p = splice_open(sp, w, name, tag);

	t_splices = NULL;
	render_blob(w, blob_key(name, "_data"), c, tag);
	if (p)
		p->mid = w->len;
	if (o->typer && find_blob(c, tag))
		o->typer->render(o->typer->ctx, w, blob_key(name, "_typed"), c, tag);
	t_splices = sp;
	if (p) {
		p->end = w->len;
		p->first_after = w->first;
	}
}

/* The address attr gave buffer @tag, for what a fault names. */
static uint64_t blob_addr(const struct bpf_call *c, uint8_t tag)
{
	static const uint8_t addr_off[] = {
		[BLOB_KEY] = ATTR_MAP_ELEM_key, [BLOB_VALUE] = ATTR_MAP_ELEM_value, [BLOB_NEXT_KEY] = ATTR_MAP_ELEM_value,
		[BLOB_KEYS] = ATTR_BATCH_keys, [BLOB_VALUES] = ATTR_BATCH_values,
		[BLOB_IN_BATCH] = ATTR_BATCH_in_batch, [BLOB_OUT_BATCH] = ATTR_BATCH_out_batch,
	};

	return tag < sizeof(addr_off) ? bpf_attr_get(c, addr_off[tag], 8) : 0;
}

void render_blob(struct jsonw *w, const char *key, const struct bpf_call *c, uint8_t tag)
{
	const struct bpf_blob *b = find_blob(c, tag);
	const uint8_t *p;
	char k2[64], kp[64];
	uint32_t at;

	if (t_splices)   /* payload outside render_blob_typed(): not spliced */
		t_splices->bad = true;
	if (!b || (uint32_t)b->off + b->len > c->blob_used)
		return;
	p = c->blob_data + b->off;
	if (b->fault && !b->len) {
		render_fault(w, key, blob_addr(c, tag));
		return;
	}
	if (!b->stride) {
		jw_bytes_hex(w, key, p, b->len);
	} else {
		/* per-CPU: one string per CPU, as far as the cap reached; a
		 * key of its own, so that value_data is always a string */
		if (tag == BLOB_VALUE) {
			key_suffixed(kp, sizeof(kp), key, "_percpu");
			key = kp;
		}
		jw_arr_open(w, key);
		for (at = 0; at < b->len; at += b->stride)
			jw_bytes_hex(w, NULL, p + at, b->len - at < b->stride ? b->len - at : b->stride);
		jw_arr_close(w);
	}
	if (b->fault) {
		key_suffixed(k2, sizeof(k2), key, "_unreadable_at");
		jw_hex(w, k2, blob_addr(c, tag) + b->len);
	} else if (b->len < b->full_len) {
		key_suffixed(k2, sizeof(k2), key, "_truncated");
		jw_bool(w, k2, true);
	}
}

void bpf_call_capture(struct bpf_call *c, const struct bpf_blob_req *req, unsigned n)
{
	unsigned i;

	for (i = 0; i < n && c->nblobs < BPF_BLOB_MAX; i++) {
		struct bpf_blob *b = &c->blobs[c->nblobs++];
		uint32_t room = BPF_BLOB_BYTES - c->blob_used;
		uint32_t want = req[i].len < room ? req[i].len : room;
		size_t got = req[i].proven && want <= req[i].full_len ?
			     mem_read_proven(c->blob_data + c->blob_used, req[i].addr, want) :
			     mem_read(c->blob_data + c->blob_used, req[i].addr, want, NULL);

		b->full_len = req[i].full_len;
		b->stride = (uint16_t)req[i].stride;
		b->tag = req[i].tag;
		b->off = c->blob_used;
		b->len = (uint16_t)got;
		b->fault = got < want;
		c->blob_used += (uint16_t)got;
	}
}
