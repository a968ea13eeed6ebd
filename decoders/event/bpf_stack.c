// SPDX-License-Identifier: GPL-2.0-or-later
/* Call-site stacks: rendering, spool records, the drain's table. */
#include "event/bpf_stack.h"

#include <stdlib.h>
#include <string.h>

#define TAIL_HEAD 3   /* u16 n, u8 flags */
#define TAIL_TRUNCATED 0x1

static void render_frame(struct jsonw *w, const struct bpf_stack *s, uint64_t ip)
{
	struct bpf_frame_sym f;

	jw_obj_open(w, NULL);
	jw_hex(w, "addr", ip);
	if (s->sym && s->sym(s->sym_ctx, ip, &f)) {
		if (f.module) {
			jw_strn(w, "module", f.module, f.module_len);
			jw_hex(w, "module_addr", f.module_addr);
		}
		if (f.function) {
			jw_strn(w, "function", f.function, f.function_len);
			jw_u64(w, "offset", f.offset);
		}
	}
	jw_obj_close(w);
}

void bpf_render_stack(struct jsonw *w, const struct bpf_stack *s)
{
	unsigned i;

	jw_arr_open(w, "stack");
	for (i = 0; i < s->n; i++)
		render_frame(w, s, s->ip[i]);
	jw_arr_close(w);
	if (s->truncated)
		jw_bool(w, "stack_truncated", true);
}

size_t bpf_stack_tail_size(const struct bpf_stack *s)
{
	return TAIL_HEAD + (size_t)s->n * 8;
}

uint8_t *bpf_stack_tail_pack(uint8_t *p, const struct bpf_stack *s)
{
	memcpy(p, &s->n, 2);
	p[2] = s->truncated ? TAIL_TRUNCATED : 0;
	memcpy(p + TAIL_HEAD, s->ip, (size_t)s->n * 8);
	return p + bpf_stack_tail_size(s);
}

bool bpf_stack_tail_unpack(const uint8_t *p, size_t len, uint64_t *ips, struct bpf_stack *s)
{
	uint16_t n;

	if (len < TAIL_HEAD)
		return false;
	memcpy(&n, p, 2);
	if (n > BPF_STACK_MAX || len != TAIL_HEAD + (size_t)n * 8)
		return false;
	memcpy(ips, p + TAIL_HEAD, (size_t)n * 8);
	s->ip = ips;
	s->n = n;
	s->truncated = p[2] & TAIL_TRUNCATED;
	return true;
}

/* ---- BPF_REC_SYM ------------------------------------------------------------ */

static uint16_t name_len(const char *s, uint16_t len)
{
	return s ? (len > BPF_SYM_NAME_MAX ? BPF_SYM_NAME_MAX : len) : 0;
}

size_t bpf_rec_sym_size(const struct bpf_frame_sym *sym)
{
	return sizeof(struct bpf_rec_sym) + name_len(sym->module, sym->module_len) +
	       name_len(sym->function, sym->function_len);
}

void bpf_rec_sym_pack(void *dst, uint64_t ip, const struct bpf_frame_sym *sym)
{
	struct bpf_rec_sym *r = dst;

	r->ip = ip;
	r->module_addr = sym->module_addr;
	r->offset = sym->offset;
	r->module_len = name_len(sym->module, sym->module_len);
	r->function_len = name_len(sym->function, sym->function_len);
	r->flags = (sym->module ? BPF_SYM_MODULE : 0) | (sym->function ? BPF_SYM_FUNCTION : 0);
	if (sym->module)
		memcpy(r->names, sym->module, r->module_len);
	if (sym->function)
		memcpy(r->names + r->module_len, sym->function, r->function_len);
}

/* ---- the drain's table ---------------------------------------------------- */

/* Open addressing over copies of the records: a process has a few dozen
 * to a few thousand call sites. */
struct bpf_sym_table {
	struct bpf_rec_sym **slot;
	size_t cap, used;    /* cap: a power of two, or 0 */
};

struct bpf_sym_table *bpf_sym_table_new(void)
{
	return calloc(1, sizeof(struct bpf_sym_table));
}

void bpf_sym_table_reset(struct bpf_sym_table *t)
{
	size_t i;

	for (i = 0; i < t->cap && t->used; i++)
		if (t->slot[i]) {
			free(t->slot[i]);
			t->slot[i] = NULL;
			t->used--;
		}
	t->used = 0;
}

void bpf_sym_table_free(struct bpf_sym_table *t)
{
	if (!t)
		return;
	bpf_sym_table_reset(t);
	free(t->slot);
	free(t);
}

static size_t hash_ip(uint64_t ip, size_t cap)
{
	return (size_t)((ip * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

static struct bpf_rec_sym **find(struct bpf_sym_table *t, uint64_t ip)
{
	size_t i = hash_ip(ip, t->cap);

	while (t->slot[i] && t->slot[i]->ip != ip)
		i = (i + 1) & (t->cap - 1);
	return &t->slot[i];
}

static bool grow(struct bpf_sym_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 256, old = t->cap, i;
	struct bpf_rec_sym **o = t->slot;

	t->slot = calloc(cap, sizeof(*t->slot));
	if (!t->slot) {
		t->slot = o;
		return false;
	}
	t->cap = cap;
	for (i = 0; i < old; i++)
		if (o[i])
			*find(t, o[i]->ip) = o[i];
	free(o);
	return true;
}

bool bpf_sym_table_add(struct bpf_sym_table *t, const void *rec, size_t len)
{
	const struct bpf_rec_sym *r = rec;
	struct bpf_rec_sym **s, *copy;

	if (len < sizeof(*r) || r->module_len > BPF_SYM_NAME_MAX ||
	    r->function_len > BPF_SYM_NAME_MAX ||
	    len != sizeof(*r) + r->module_len + r->function_len)
		return false;
	if ((t->used + 1) * 2 > t->cap && !grow(t))
		return true;   /* no memory: the frame goes unnamed */
	copy = malloc(len);
	if (!copy)
		return true;
	memcpy(copy, rec, len);
	s = find(t, r->ip);
	if (*s)
		free(*s);      /* the same address again (after a race) */
	else
		t->used++;
	*s = copy;
	return true;
}

bool bpf_sym_table_lookup(void *ctx, uint64_t ip, struct bpf_frame_sym *out)
{
	struct bpf_sym_table *t = ctx;
	const struct bpf_rec_sym *r;

	if (!t || !t->cap)
		return false;
	r = *find(t, ip);
	if (!r)
		return false;
	memset(out, 0, sizeof(*out));
	if (r->flags & BPF_SYM_MODULE) {
		out->module = r->names;
		out->module_len = r->module_len;
		out->module_addr = r->module_addr;
	}
	if (r->flags & BPF_SYM_FUNCTION) {
		out->function = r->names + r->module_len;
		out->function_len = r->function_len;
		out->offset = r->offset;
	}
	return true;
}
