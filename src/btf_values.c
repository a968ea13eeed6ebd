// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Typed map keys and values at drain time: "value_typed":{"count":18,
 * "comm":"bash"} next to "value_data", for maps created with BTF.
 *
 * Where the types come from, in this order:
 *  1. the BTF blob the same process loaded (BPF_BTF_LOAD), which the shim
 *     spools once (BPF_REC_BTF), and the map's BPF_MAP_CREATE with that
 *     btf_fd and its btf_key_type_id/btf_value_type_id;
 *  2. for a map the trace did not see made (bpftool map dump, a pinned
 *     map), the kernel's copy, by the map's id from its fd note, while the
 *     map still exists: BPF_MAP_GET_FD_BY_ID, then its info's btf_id.
 * libbpf parses the BTF (btf__new, btf__load_from_kernel_by_id); the walk
 * over the types into JSON is ours, since btf_dump__dump_type_data()
 * prints C, not JSON.  This runs in bpfspy, never in the traced process.
 *
 * Bounded: at most MAX_BTFS blobs and MAX_MAPS maps per process, the walk
 * at most MAX_DEPTH levels and 64 array elements deep; bytes the capture
 * did not keep (--data-bytes) are left out, not guessed.
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf_values.h"
#include "kfunc_names.h"
#include "syscall/bpf_attr.h"

#define MAX_BTFS   64
#define MAX_MAPS   256
#define MAX_KERNEL 64
#define MAX_DEPTH  8
#define MAX_ELEMS  64

struct map_types {
	int32_t fd;            /* -1: a kernel entry, found by id */
	uint32_t id;
	struct btf *btf;       /* borrowed from btfs[] or kernel[] */
	uint32_t key_tid, value_tid;
	bool percpu;
};

struct btf_values {
	struct { int32_t fd; struct btf *btf; } btfs[MAX_BTFS];
	size_t nbtfs;
	struct map_types maps[MAX_MAPS];
	size_t nmaps;
	struct { uint32_t id; struct btf *btf; } kernel[MAX_KERNEL];
	size_t nkernel;
	/* The id of the last map found to have no types: a map's BTF is
	 * its creation's, so its element calls need not look again (~170
	 * instructions a lookup's line, callgrind). */
	uint32_t untyped_id;
	/* Bumped by every change that can change what typer_render()
	 * writes (not untyped_id: a cache of what the maps say anyway). */
	uint32_t gen;
};

/* ---- learning ------------------------------------------------------------- */

static void hook_reset(void *u)
{
	struct btf_values *v = u;
	size_t i;

	for (i = 0; i < v->nbtfs; i++)
		btf__free(v->btfs[i].btf);
	for (i = 0; i < v->nkernel; i++)
		btf__free(v->kernel[i].btf);
	v->nbtfs = v->nmaps = v->nkernel = 0;
	v->untyped_id = 0;
	v->gen++;
}

static struct btf *btf_of_fd(struct btf_values *v, int32_t fd)
{
	size_t i;

	for (i = v->nbtfs; i-- > 0;)
		if (v->btfs[i].fd == fd)
			return v->btfs[i].btf;
	return NULL;
}

static void hook_btf(void *u, int32_t fd, const uint8_t *data, uint32_t len, uint32_t full)
{
	struct btf_values *v = u;
	struct btf *b;

	if (!len || len != full || v->nbtfs == MAX_BTFS)
		return;
	b = btf__new(data, len);
	if (!b || libbpf_get_error(b))
		return;
	v->btfs[v->nbtfs].fd = fd;          /* a newer blob on the same fd wins */
	v->btfs[v->nbtfs++].btf = b;
	v->gen++;
}

static struct map_types *map_slot(struct btf_values *v, int32_t fd, uint32_t id)
{
	size_t i;

	for (i = 0; i < v->nmaps; i++)
		if ((fd >= 0 && v->maps[i].fd == fd) || (fd < 0 && v->maps[i].fd < 0 &&
							 v->maps[i].id == id))
			return &v->maps[i];
	return NULL;
}

static bool is_percpu(uint32_t t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

static void remember(struct btf_values *v, int32_t fd, uint32_t id, struct btf *b,
		     uint32_t key, uint32_t value, bool percpu)
{
	struct map_types *m = map_slot(v, fd, id);

	if (!m) {
		if (v->nmaps == MAX_MAPS)
			return;
		m = &v->maps[v->nmaps++];
	}
	*m = (struct map_types){ fd, id, b, key, value, percpu };
	v->gen++;
}

static void hook_call(void *u, const struct bpf_call *c)
{
	struct btf_values *v = u;
	struct btf *b;

	if (c->cmd != BPF_MAP_CREATE || c->ret < 0 ||
	    !bpf_attr_has(c, ATTR_MAP_CREATE_btf_value_type_id, 4))
		return;
	b = btf_of_fd(v, (int32_t)bpf_attr_get(c, ATTR_MAP_CREATE_btf_fd, 4));
	if (!b) {
		struct map_types *m = map_slot(v, (int32_t)c->ret, 0);

		if (m) {
			m->btf = NULL;    /* the fd is another map now */
			v->gen++;
		}
		return;
	}
	remember(v, (int32_t)c->ret, 0, b,
		 (uint32_t)bpf_attr_get(c, ATTR_MAP_CREATE_btf_key_type_id, 4),
		 (uint32_t)bpf_attr_get(c, ATTR_MAP_CREATE_btf_value_type_id, 4),
		 is_percpu((uint32_t)bpf_attr_get(c, ATTR_MAP_CREATE_map_type, 4)));
}

/* The kernel's BTF of map @id, while the map exists. */
static struct map_types *from_kernel(struct btf_values *v, uint32_t id)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	struct map_types *m = map_slot(v, -1, id);
	struct btf *b = NULL;
	size_t i;
	int fd;

	if (m || !id)
		return m && m->btf ? m : NULL;
	memset(&info, 0, sizeof(info));
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) || !info.btf_id) {
		if (fd >= 0)
			close(fd);
		remember(v, -1, id, NULL, 0, 0, false);   /* do not ask again */
		return NULL;
	}
	close(fd);
	for (i = 0; i < v->nkernel && !b; i++)
		if (v->kernel[i].id == info.btf_id)
			b = v->kernel[i].btf;
	if (!b && v->nkernel < MAX_KERNEL) {
		b = btf__load_from_kernel_by_id(info.btf_id);
		if (b && libbpf_get_error(b))
			b = NULL;
		if (b) {
			v->kernel[v->nkernel].id = info.btf_id;
			v->kernel[v->nkernel++].btf = b;
		}
	}
	remember(v, -1, id, b, info.btf_key_type_id, info.btf_value_type_id,
		 is_percpu(info.type));
	m = map_slot(v, -1, id);
	return m && m->btf ? m : NULL;
}

/* ---- rendering ------------------------------------------------------------ */

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t x = 0;

	while (n--)
		x = x << 8 | p[n];
	return x;
}

static void walk(struct jsonw *w, const char *key, const struct btf *b, uint32_t tid,
		 const uint8_t *p, size_t avail, int depth);

static bool is_char(const struct btf *b, uint32_t tid)
{
	const struct btf_type *t = btf__type_by_id(b, tid);

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(b, t->type);
	return t && btf_is_int(t) && t->size == 1 &&
	       ((btf_int_encoding(t) & BTF_INT_CHAR) ||
		!strcmp(btf__name_by_offset(b, t->name_off) ?: "", "char"));
}

static void walk_int(struct jsonw *w, const char *key, const struct btf_type *t,
		     const uint8_t *p)
{
	uint8_t enc = btf_int_encoding(t);
	unsigned bits = btf_int_bits(t);
	uint64_t x;

	if (t->size > 8) {
		jw_bytes_hex(w, key, p, t->size);
		return;
	}
	x = get_le(p, t->size) >> btf_int_offset(t);
	if (bits < 64)
		x &= (1ull << bits) - 1;
	if (enc & BTF_INT_BOOL)
		jw_bool(w, key, x != 0);
	else if ((enc & BTF_INT_SIGNED) && bits && bits < 64 && (x >> (bits - 1)) & 1)
		jw_s64(w, key, (int64_t)(x | ~((1ull << bits) - 1)));
	else if (enc & BTF_INT_SIGNED)
		jw_s64(w, key, (int64_t)x);
	else
		jw_u64(w, key, x);
}

static void walk_enum(struct jsonw *w, const char *key, const struct btf *b,
		      const struct btf_type *t, const uint8_t *p)
{
	uint64_t x = get_le(p, t->size);
	unsigned i, n = btf_vlen(t);

	for (i = 0; i < n; i++) {
		uint64_t e = btf_is_enum(t) ? (uint32_t)btf_enum(t)[i].val
					    : btf_enum64_value(&btf_enum64(t)[i]);
		const char *name = btf__name_by_offset(b, btf_is_enum(t) ? btf_enum(t)[i].name_off
									 : btf_enum64(t)[i].name_off);

		if ((t->size < 8 ? e & ((1ull << (8 * t->size)) - 1) : e) == x && name) {
			jw_str(w, key, name);
			return;
		}
	}
	jw_u64(w, key, x);
}

static void walk_members(struct jsonw *w, const struct btf *b, const struct btf_type *t,
			 const uint8_t *p, size_t avail, int depth)
{
	const struct btf_member *m = btf_members(t);
	unsigned i, n = btf_vlen(t);

	for (i = 0; i < n; i++, m++) {
		const char *name = btf__name_by_offset(b, m->name_off);
		uint32_t bit = btf_member_bit_offset(t, i), size = btf_member_bitfield_size(t, i);

		if (size) {                    /* a bitfield: at most 64 bits */
			size_t first = bit / 8, last = (bit + size - 1) / 8;

			if (last >= avail || size > 64 || last - first >= 8)
				continue;
			jw_u64(w, name, (get_le(p + first, (unsigned)(last - first + 1)) >>
					 (bit % 8)) & (size == 64 ? ~0ull : (1ull << size) - 1));
			continue;
		}
		if (bit % 8 || bit / 8 > avail)
			continue;
		if (!name || !*name) {         /* anonymous struct/union: its members here */
			const struct btf_type *a = btf__type_by_id(b, m->type);

			if (a && btf_is_composite(a) && depth < MAX_DEPTH)
				walk_members(w, b, a, p + bit / 8, avail - bit / 8, depth + 1);
			continue;
		}
		walk(w, name, b, m->type, p + bit / 8, avail - bit / 8, depth + 1);
	}
}

static void walk_array(struct jsonw *w, const char *key, const struct btf *b,
		       const struct btf_type *t, const uint8_t *p, size_t avail, int depth)
{
	const struct btf_array *a = btf_array(t);
	int64_t esz = btf__resolve_size(b, a->type);
	uint32_t i, n = a->nelems;

	if (esz <= 0)
		return;
	if (is_char(b, a->type) && esz == 1) {
		size_t len = n < avail ? n : avail;

		jw_strn(w, key, (const char *)p, len);   /* up to a NUL */
		return;
	}
	jw_arr_open(w, key);
	for (i = 0; i < n && i < MAX_ELEMS && (uint64_t)(i + 1) * esz <= avail; i++)
		walk(w, NULL, b, a->type, p + (size_t)i * esz, avail - (size_t)i * esz, depth + 1);
	jw_arr_close(w);
}

static void walk(struct jsonw *w, const char *key, const struct btf *b, uint32_t tid,
		 const uint8_t *p, size_t avail, int depth)
{
	const struct btf_type *t = btf__type_by_id(b, tid);
	int64_t size;

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(b, t->type);
	size = t ? btf__resolve_size(b, tid) : -1;
	if (!t || size < 0 || (uint64_t)size > avail || depth > MAX_DEPTH)
		return;                 /* what was not captured is not shown */
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		walk_int(w, key, t, p);
		break;
	case BTF_KIND_PTR:
		jw_hex(w, key, get_le(p, 8));
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		walk_enum(w, key, b, t, p);
		break;
	case BTF_KIND_ARRAY:
		walk_array(w, key, b, t, p, avail, depth);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		jw_obj_open(w, key);
		walk_members(w, b, t, p, avail, depth);
		jw_obj_close(w);
		break;
	default:                        /* floats, anything newer: the bytes */
		jw_bytes_hex(w, key, p, (size_t)size);
		break;
	}
}

static void typer_render(void *u, struct jsonw *w, const char *key, const struct bpf_call *c,
			 uint8_t tag)
{
	struct btf_values *v = u;
	const struct bpf_blob *blob = NULL;
	struct map_types *m;
	uint32_t tid, at, stride, id = 0;
	char pk[64];
	unsigned i;
	int fd;

	/* an element call names its map alone */
	if (c->nnotes == 1 && c->notes[0].kind == OBJ_MAP && c->notes[0].id &&
	    c->notes[0].id == v->untyped_id)
		return;
	fd = bpf_call_map_fd(c);
	m = fd >= 0 ? map_slot(v, fd, 0) : NULL;
	if (!m || !m->btf) {
		for (i = 0; i < c->nnotes && i < BPF_FD_NOTES; i++)
			if (c->notes[i].fd == fd && c->notes[i].kind == OBJ_MAP)
				id = c->notes[i].id;
		m = from_kernel(v, id);
		if (!m && id && c->nnotes == 1)
			v->untyped_id = id;
	}
	for (i = 0; i < c->nblobs && !blob; i++)
		if (c->blobs[i].tag == tag)
			blob = &c->blobs[i];
	if (!m || !blob || (uint32_t)blob->off + blob->len > c->blob_used)
		return;
	tid = tag == BLOB_VALUE ? m->value_tid : m->key_tid;
	if (!tid)
		return;
	stride = blob->stride;
	if (!stride || tag != BLOB_VALUE) {
		walk(w, key, m->btf, tid, c->blob_data + blob->off, blob->len, 0);
		return;
	}
	snprintf(pk, sizeof(pk), "%s_percpu", key);
	jw_arr_open(w, pk);              /* per-CPU: one value per CPU */
	for (at = 0; at < blob->len; at += stride)
		walk(w, NULL, m->btf, tid, c->blob_data + blob->off + at, blob->len - at, 0);
	jw_arr_close(w);
}

struct btf_values *btf_values_new(void)
{
	return calloc(1, sizeof(struct btf_values));
}

void btf_values_free(struct btf_values *v)
{
	if (!v)
		return;
	hook_reset(v);
	free(v);
}

void btf_values_hooks(struct btf_values *v, struct bpf_render_hooks *h)
{
	memset(h, 0, sizeof(*h));
	h->reset = hook_reset;
	h->btf = hook_btf;
	h->call = hook_call;
	h->typer.render = typer_render;
	h->typer.ctx = v;
	h->typer.gen = &v->gen;
	h->u = v;
}

struct bpf_render_ctx *btf_values_render_ctx(struct btf_values **typed, struct kfunc_names *kf)
{
	struct bpf_render_ctx *x = bpf_render_ctx_new();
	struct bpf_render_hooks hooks;

	memset(&hooks, 0, sizeof(hooks));
	*typed = x ? btf_values_new() : NULL;
	if (*typed)
		btf_values_hooks(*typed, &hooks);
	if (kf) {
		hooks.line = kfunc_names_inplace;
		hooks.lu = kf;
	}
	if (x)
		bpf_render_ctx_set_hooks(x, &hooks);
	return x;
}
