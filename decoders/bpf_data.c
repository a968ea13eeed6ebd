// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Map payload: which key and value buffers a call carries, and how they
 * read.  The shim captures what bpf_capture_plan() asks for (it alone reads
 * caller memory on the event path); these functions only decide and render.
 */
#include "bpf_decode.h"

#include <string.h>

enum {
	CMD_LOOKUP = 1,
	CMD_UPDATE = 2,
	CMD_DELETE = 3,
	CMD_GET_NEXT_KEY = 4,
	CMD_LOOKUP_AND_DELETE = 21,
};

/* Element commands: map_fd at 0, key at 8, value/next_key at 16, flags 24. */
#define OFF_KEY   8
#define OFF_VALUE 16
#define OFF_FLAGS 24
#define ELEM_F_CPU      0x8
#define ELEM_F_ALL_CPUS 0x10

int bpf_call_map_fd(const struct bpf_call *c)
{
	switch (c->cmd) {
	case CMD_LOOKUP:
	case CMD_UPDATE:
	case CMD_DELETE:
	case CMD_GET_NEXT_KEY:
	case CMD_LOOKUP_AND_DELETE:
		return bpf_attr_has(c, 0, 4) ? (int)(int32_t)bpf_attr_get(c, 0, 4) : -1;
	}
	return -1;
}

static bool is_percpu(uint32_t map_type)
{
	switch (map_type) {
	case 5:   /* BPF_MAP_TYPE_PERCPU_HASH */
	case 6:   /* BPF_MAP_TYPE_PERCPU_ARRAY */
	case 10:  /* BPF_MAP_TYPE_LRU_PERCPU_HASH */
	case 21:  /* BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE */
		return true;
	}
	return false;
}

/* Queue, stack and bloom filter maps have no key (key_size 0). */

/* The value buffer's size as the kernel reads or writes it: per-CPU maps
 * take one 8-byte-aligned slot per possible CPU, unless the caller chose
 * one CPU (BPF_F_CPU) or all alike (BPF_F_ALL_CPUS). */
static uint32_t value_len(const struct bpf_call *c, const struct bpf_map_meta *m,
			  uint32_t *stride)
{
	uint64_t flags = bpf_attr_get(c, OFF_FLAGS, 8);

	*stride = 0;
	if (!is_percpu(m->map_type) || (flags & (ELEM_F_CPU | ELEM_F_ALL_CPUS)) ||
	    !m->possible_cpus)
		return m->value_size;
	*stride = (m->value_size + 7) & ~7u;
	if (*stride > UINT16_MAX) {
		*stride = 0;
		return m->value_size;   /* absurd sizes: show it unsplit */
	}
	return *stride * m->possible_cpus;
}

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

unsigned bpf_capture_plan(const struct bpf_call *c, const struct bpf_map_meta *m,
			  enum bpf_capture_phase phase, const struct decode_opts *o,
			  struct bpf_blob_req *req)
{
	uint64_t key = bpf_attr_get(c, OFF_KEY, 8), val = bpf_attr_get(c, OFF_VALUE, 8);
	uint32_t stride, vlen;
	unsigned n = 0;

	if (!m || o->no_data || !o->data_cap || !bpf_attr_has(c, OFF_VALUE, 8))
		return 0;
	vlen = value_len(c, m, &stride);
	if (phase == CAPTURE_PRE) {
		switch (c->cmd) {
		case CMD_UPDATE:
			n = add(req, n, BLOB_KEY, key, m->key_size, 0, o);
			return add(req, n, BLOB_VALUE, val, vlen, stride, o);
		case CMD_LOOKUP:
		case CMD_DELETE:
		case CMD_GET_NEXT_KEY:
		case CMD_LOOKUP_AND_DELETE:
			return add(req, n, BLOB_KEY, key, m->key_size, 0, o);
		}
		return 0;
	}
	if (c->ret != 0)
		return 0;   /* the kernel wrote nothing back */
	switch (c->cmd) {
	case CMD_LOOKUP:
	case CMD_LOOKUP_AND_DELETE:
		return add(req, n, BLOB_VALUE, val, vlen, stride, o);
	case CMD_GET_NEXT_KEY:
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

static void suffixed(char *out, size_t cap, const char *key, const char *suffix)
{
	size_t k = strlen(key), s = strlen(suffix);

	if (k + s + 1 > cap)
		k = cap - s - 1;
	memcpy(out, key, k);
	memcpy(out + k, suffix, s + 1);
}

void render_blob(struct jsonw *w, const char *key, const struct bpf_call *c, uint8_t tag)
{
	const struct bpf_blob *b = find_blob(c, tag);
	uint64_t addr = bpf_attr_get(c, tag == BLOB_KEY ? OFF_KEY : OFF_VALUE, 8);
	const uint8_t *p;
	char k2[64];
	uint32_t at;

	if (!b || (uint32_t)b->off + b->len > c->blob_used)
		return;
	p = c->blob_data + b->off;
	if (b->fault && !b->len) {
		jw_obj_open(w, key);
		jw_hex(w, "unreadable", addr);
		jw_str(w, "error", "EFAULT");
		jw_obj_close(w);
		return;
	}
	if (!b->stride) {
		jw_bytes_hex(w, key, p, b->len);
	} else {
		/* per-CPU: one string per CPU, as far as the cap reached */
		jw_arr_open(w, key);
		for (at = 0; at < b->len; at += b->stride)
			jw_bytes_hex(w, NULL, p + at, b->len - at < b->stride ? b->len - at : b->stride);
		jw_arr_close(w);
	}
	if (b->fault) {
		suffixed(k2, sizeof(k2), key, "_unreadable_at");
		jw_hex(w, k2, addr + b->len);
	} else if (b->len < b->full_len) {
		suffixed(k2, sizeof(k2), key, "_truncated");
		jw_bool(w, k2, true);
	}
}
