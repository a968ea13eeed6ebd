// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Map payload: which key and value buffers a call carries, and how they
 * read.  The shim captures what bpf_capture_plan() asks for (it alone reads
 * caller memory on the event path); these functions only decide and render.
 */
#include "syscall/bpf_attr.h"
#include "base/memread.h"
#include "syscall/bpf_decode.h"

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

static unsigned add(struct bpf_blob_req *req, unsigned n, uint8_t tag, uint64_t addr,
		    uint32_t full, uint32_t stride, const struct decode_opts *o)
{
	if (!addr || !full || n >= BPF_BLOB_MAX)
		return n;
	req[n].tag = tag;
	req[n].addr = addr;
	req[n].full_len = full;
	req[n].stride = stride;
	req[n].len = full < o->data_cap ? full : o->data_cap;
	return n + 1;
}

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

/* Batches: count keys and values in one array each, one entry per
 * element (a per-CPU value counts as one element: all its CPUs), and the
 * cursor in (before) and out (after, for lookups). */
static unsigned batch_plan(const struct bpf_call *c, const struct bpf_map_meta *m,
			   enum bpf_capture_phase phase, const struct decode_opts *o,
			   struct bpf_blob_req *req)
{
	uint64_t keys = bpf_attr_get(c, ATTR_BATCH_keys, 8), vals = bpf_attr_get(c, ATTR_BATCH_values, 8);
	uint32_t stride, vlen = value_len(c, m, &stride), count;
	unsigned n = 0;

	if (phase == CAPTURE_BEFORE)
		return add(req, n, BLOB_IN_BATCH, bpf_attr_get(c, ATTR_BATCH_in_batch, 8),
			   cursor_len(m), 0, o);
	if (phase == CAPTURE_PRE) {
		count = (uint32_t)bpf_attr_get(c, ATTR_BATCH_count, 4);
		if (!find_blob(c, BLOB_IN_BATCH))
			n = add(req, n, BLOB_IN_BATCH, bpf_attr_get(c, ATTR_BATCH_in_batch, 8),
				cursor_len(m), 0, o);
		if (c->cmd == XV_BPF_MAP_UPDATE_BATCH || c->cmd == XV_BPF_MAP_DELETE_BATCH)
			n = add(req, n, BLOB_KEYS, keys, count * m->key_size, m->key_size, o);
		if (c->cmd == XV_BPF_MAP_UPDATE_BATCH)
			n = add(req, n, BLOB_VALUES, vals, count * vlen, vlen, o);
		return n;
	}
	/* Lookups report how many they copied in count, also with the final
	 * ENOENT ("no more elements"). */
	if (c->cmd != XV_BPF_MAP_LOOKUP_BATCH && c->cmd != XV_BPF_MAP_LOOKUP_AND_DELETE_BATCH)
		return 0;
	if (c->ret != 0 && c->err != ENOENT)
		return 0;
	count = (uint32_t)bpf_attr_get_post(c, ATTR_BATCH_count, 4);
	n = add(req, n, BLOB_KEYS, keys, count * m->key_size, m->key_size, o);
	n = add(req, n, BLOB_VALUES, vals, count * vlen, vlen, o);
	return add(req, n, BLOB_OUT_BATCH, bpf_attr_get(c, ATTR_BATCH_out_batch, 8), cursor_len(m), 0, o);
}

#define INFO_BEFORE_MAX 256   /* covers every array count of the info structs */

/* OBJ_GET_INFO_BY_FD: info.info_len at 4, info.info at 8.  The kernel
 * overwrites each array's count with the total; the caller's capacity
 * survives only in this copy taken before the call. */
static unsigned before_plan(const struct bpf_call *c, struct bpf_blob_req *req)
{
	uint64_t addr;
	uint32_t len;

	if (c->cmd != XV_BPF_OBJ_GET_INFO_BY_FD || !bpf_attr_has(c, ATTR_INFO_info, 8))   /* every call asks: be quick */
		return 0;
	addr = bpf_attr_get(c, ATTR_INFO_info, 8);
	len = (uint32_t)bpf_attr_get(c, ATTR_INFO_info_len, 4);
	if (!addr || !len)
		return 0;
	req[0].tag = BLOB_INFO_IN;
	req[0].addr = addr;
	req[0].full_len = len;
	req[0].stride = 0;
	req[0].len = len < INFO_BEFORE_MAX ? len : INFO_BEFORE_MAX;
	return 1;
}

const uint8_t *bpf_call_blob(const struct bpf_call *c, uint8_t tag, uint32_t *len)
{
	const struct bpf_blob *b = find_blob(c, tag);

	if (!b || (uint32_t)b->off + b->len > c->blob_used)
		return NULL;
	*len = b->len;
	return c->blob_data + b->off;
}

unsigned bpf_capture_plan(const struct bpf_call *c, const struct bpf_map_meta *m,
			  enum bpf_capture_phase phase, const struct decode_opts *o,
			  struct bpf_blob_req *req)
{
	uint64_t key = bpf_attr_get(c, ATTR_MAP_ELEM_key, 8), val = bpf_attr_get(c, ATTR_MAP_ELEM_value, 8);
	uint32_t stride, vlen;
	unsigned n = 0;

	if (phase == CAPTURE_BEFORE && c->cmd == XV_BPF_OBJ_GET_INFO_BY_FD)
		return before_plan(c, req);
	if (!m || o->no_data || !o->data_cap)
		return 0;
	if (is_batch(c->cmd)) {
		if (phase == CAPTURE_BEFORE && c->cmd != XV_BPF_MAP_LOOKUP_BATCH &&
		    c->cmd != XV_BPF_MAP_LOOKUP_AND_DELETE_BATCH)
			return 0;
		return bpf_attr_has(c, ATTR_BATCH_elem_flags, 8) && m->key_size <= UINT16_MAX &&
		       m->value_size <= UINT16_MAX ? batch_plan(c, m, phase, o, req) : 0;
	}
	if (!bpf_attr_has(c, ATTR_MAP_ELEM_value, 8))
		return 0;
	vlen = value_len(c, m, &stride);
	/* A key the kernel may overwrite, read before the call: bpftool's
	 * map dump passes one buffer as key and next_key. */
	if (phase == CAPTURE_BEFORE) {
		switch (c->cmd) {
		case XV_BPF_MAP_LOOKUP_ELEM:
		case XV_BPF_MAP_GET_NEXT_KEY:
		case XV_BPF_MAP_LOOKUP_AND_DELETE_ELEM:
			return add(req, n, BLOB_KEY, key, m->key_size, 0, o);
		}
		return 0;
	}
	if (phase == CAPTURE_PRE) {
		if (find_blob(c, BLOB_KEY))
			return 0;   /* read before the call */
		switch (c->cmd) {
		case XV_BPF_MAP_UPDATE_ELEM:
			n = add(req, n, BLOB_KEY, key, m->key_size, 0, o);
			return add(req, n, BLOB_VALUE, val, vlen, stride, o);
		case XV_BPF_MAP_LOOKUP_ELEM:
		case XV_BPF_MAP_DELETE_ELEM:
		case XV_BPF_MAP_GET_NEXT_KEY:
		case XV_BPF_MAP_LOOKUP_AND_DELETE_ELEM:
			return add(req, n, BLOB_KEY, key, m->key_size, 0, o);
		}
		return 0;
	}
	if (c->ret != 0)
		return 0;   /* the kernel wrote nothing back */
	switch (c->cmd) {
	case XV_BPF_MAP_LOOKUP_ELEM:
	case XV_BPF_MAP_LOOKUP_AND_DELETE_ELEM:
		return add(req, n, BLOB_VALUE, val, vlen, stride, o);
	case XV_BPF_MAP_GET_NEXT_KEY:
		return add(req, n, BLOB_NEXT_KEY, val, m->key_size, 0, o);
	}
	return 0;
}

static const struct bpf_blob *find_blob(const struct bpf_call *c, uint8_t tag)
{
	unsigned i;

	for (i = 0; i < c->nblobs && i < BPF_BLOB_MAX; i++)
		if (c->blobs[i].tag == tag)
			return &c->blobs[i];
	return NULL;
}


void render_blob_typed(struct jsonw *w, const char *name, const struct bpf_call *c,
		       uint8_t tag, const struct decode_opts *o)
{
	char k[48];

	key_suffixed(k, sizeof(k), name, "_data");
	render_blob(w, k, c, tag);
	if (o->typer && find_blob(c, tag)) {
		key_suffixed(k, sizeof(k), name, "_typed");
		o->typer->render(o->typer->ctx, w, k, c, tag);
	}
}

void render_blob(struct jsonw *w, const char *key, const struct bpf_call *c, uint8_t tag)
{
	const struct bpf_blob *b = find_blob(c, tag);
	static const uint8_t addr_off[] = {
		[BLOB_KEY] = ATTR_MAP_ELEM_key, [BLOB_VALUE] = ATTR_MAP_ELEM_value, [BLOB_NEXT_KEY] = ATTR_MAP_ELEM_value,
		[BLOB_KEYS] = ATTR_BATCH_keys, [BLOB_VALUES] = ATTR_BATCH_values,
		[BLOB_IN_BATCH] = ATTR_BATCH_in_batch, [BLOB_OUT_BATCH] = ATTR_BATCH_out_batch,
	};
	uint64_t addr = tag < sizeof(addr_off) ? bpf_attr_get(c, addr_off[tag], 8) : 0;
	const uint8_t *p;
	char k2[64], kp[64];
	uint32_t at;

	if (!b || (uint32_t)b->off + b->len > c->blob_used)
		return;
	p = c->blob_data + b->off;
	if (b->fault && !b->len) {
		render_fault(w, key, addr);
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
		jw_hex(w, k2, addr + b->len);
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
		size_t got = mem_read(c->blob_data + c->blob_used, req[i].addr, want, NULL);

		b->full_len = req[i].full_len;
		b->stride = (uint16_t)req[i].stride;
		b->tag = req[i].tag;
		b->off = c->blob_used;
		b->len = (uint16_t)got;
		b->fault = got < want;
		c->blob_used += (uint16_t)got;
	}
}
