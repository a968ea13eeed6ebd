// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The walker: renders a captured bpf(2) call from the command's field table
 * (bpf_cmds.c).  One function for all 39 commands; what differs between
 * commands is data, plus an optional extra renderer for buffers.
 */
#include "syscall/bpf_decode.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "base/memread.h"

void decode_opts_default(struct decode_opts *o)
{
	o->log_cap = 65536;
	o->str_cap = 4096;
	o->data_cap = 64;
	o->no_data = false;
	o->insns = false;
	o->no_check = false;
	o->offline = false;
	o->libbpf_ver = 0;
	o->typer = NULL;
	o->fd_note = NULL;
}

const struct bpf_cmd_desc *bpf_cmd_desc(uint32_t cmd)
{
	if (cmd >= BPF_CMD_COUNT || !bpf_cmd_table[cmd].name)
		return NULL;
	return &bpf_cmd_table[cmd];
}

/* Per-command properties derived from the tables, computed once:
 * bit 0 valid, bit 1 the kernel writes attr back, bit 2 renders offline.
 * A benign race fills the cache with the same value. */
#define PROP_VALID        0x1
#define PROP_WRITES_ATTR  0x2
#define PROP_OFFLINE_OK   0x4

static uint8_t cmd_props(uint32_t cmd)
{
	static uint8_t cache[BPF_CMD_COUNT];
	const struct bpf_cmd_desc *d = bpf_cmd_desc(cmd);
	uint8_t v;
	unsigned i;

	if (!d)
		return 0;
	v = __atomic_load_n(&cache[cmd], __ATOMIC_RELAXED);
	if (v)
		return v;
	v = PROP_VALID | PROP_OFFLINE_OK;
	for (i = 0; i < d->nfields; i++) {
		const struct bpf_field *f = &d->fields[i];

		if (f->flags & FF_OUT)
			v |= PROP_WRITES_ATTR;
		/* the renderer reads a string, or a buffer the shim does not
		 * capture (an INOUT's is captured only as it was before) */
		if (f->kind == FK_STR_PTR ||
		    (f->to.len && (!f->to.tag || f->to.when == PT_INOUT)))
			v &= (uint8_t)~PROP_OFFLINE_OK;
	}
	__atomic_store_n(&cache[cmd], v, __ATOMIC_RELAXED);
	return v;
}

bool bpf_cmd_offline_ok(uint32_t cmd)
{
	if (!bpf_cmd_desc(cmd))
		return cmd >= BPF_CMD_COUNT;  /* unknown: rendered as raw bytes */
	return cmd_props(cmd) & PROP_OFFLINE_OK;
}

bool bpf_cmd_hot(uint32_t cmd)
{
	switch (cmd) {
	case XV_BPF_MAP_LOOKUP_ELEM:
	case XV_BPF_MAP_UPDATE_ELEM:
	case XV_BPF_MAP_DELETE_ELEM:
	case XV_BPF_MAP_GET_NEXT_KEY:
	case XV_BPF_MAP_LOOKUP_AND_DELETE_ELEM:
		return true;
	}
	return false;
}

bool bpf_call_offline_ok(const struct bpf_call *c)
{
	return bpf_cmd_offline_ok(c->cmd) && !(c->cmd_raw & BPF_COMMON_ATTRS_BIT);
}

bool bpf_cmd_writes_attr(uint32_t cmd)
{
	return cmd_props(cmd) & PROP_WRITES_ATTR;
}

uint32_t bpf_cmd_post_len(uint32_t cmd, uint32_t size, bool ok)
{
	const struct bpf_cmd_desc *d = bpf_cmd_desc(cmd);
	uint32_t n = size < BPF_ATTR_SNAP ? size : BPF_ATTR_SNAP;
	unsigned i;

	if (!d || !bpf_cmd_writes_attr(cmd))
		return 0;
	for (i = 0; ok && i < d->nfields; i++) {
		const struct bpf_field *f = &d->fields[i];

		if ((f->flags & FF_PAST_SIZE) && f->off + f->size > n)
			n = f->off + f->size;
	}
	return n;
}

static uint64_t get_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;

	/* union bpf_attr is host-endian; every bpfspy target is little-endian
	 * except s390x/ppc64 big-endian, handled by memcpy of the exact size. */
	switch (size) {
	case 1: v = p[0]; break;
	case 2: { uint16_t t; memcpy(&t, p, 2); v = t; break; }
	case 4: { uint32_t t; memcpy(&t, p, 4); v = t; break; }
	case 8: memcpy(&v, p, 8); break;
	}
	return v;
}

static uint32_t avail_pre(const struct bpf_call *c)
{
	return c->size < c->pre_len ? c->size : c->pre_len;
}

static uint32_t avail_post(const struct bpf_call *c)
{
	if (!c->have_post)
		return 0;
	return c->size < c->post_len ? c->size : c->post_len;
}

bool bpf_attr_has(const struct bpf_call *c, unsigned off, unsigned size)
{
	return off + size <= avail_pre(c);
}

uint64_t bpf_attr_get(const struct bpf_call *c, unsigned off, unsigned size)
{
	if (off + size > avail_pre(c))
		return 0;
	return get_le(c->pre + off, size);
}

uint64_t bpf_attr_get_post(const struct bpf_call *c, unsigned off, unsigned size)
{
	if (off + size > avail_post(c))
		return 0;
	return get_le(c->post + off, size);
}

const char *errno_name(int e)
{
	return xlat_name(&xlat_errno_names, (uint64_t)e);
}

void render_enum(struct jsonw *w, const char *key, const struct xlat *x, uint64_t v)
{
	const char *n = x ? xlat_name(x, v) : NULL;
	char b[24];

	/* names are C identifiers (gen-xlat.sh refuses others): nothing to escape */
	if (n) {
		jw_plain(w, key, n, strlen(n));
		return;
	}
	/* unknown: the number, never dropped, as a string like the names */
	jw_plain(w, key, b, fmt_u64(b, v));
}

void render_flags(struct jsonw *w, const char *key, const struct xlat *x, uint64_t v)
{
	uint64_t rest = v;
	bool any = false;
	size_t i;

	jw_str_begin(w, key);
	if (x) {
		for (i = 0; i < x->n; i++) {
			uint64_t bit = x->e[i].val;

			if (!bit || (rest & bit) != bit)
				continue;
			if (any)
				jw_str_part(w, "|");
			jw_str_part(w, xlat_entry_name(x, &x->e[i]));
			rest &= ~bit;
			any = true;
		}
	}
	if (rest || !any) {
		if (any)
			jw_str_part(w, "|");
		if (rest)
			jw_str_hex_part(w, rest);
		else
			jw_str_part(w, "0");
	}
	jw_str_end(w);
}

void key_suffixed(char *out, size_t cap, const char *key, const char *suffix)
{
	size_t k = strlen(key), s = strlen(suffix);

	if (k + s + 1 > cap)
		k = cap - s - 1;
	memcpy(out, key, k);
	memcpy(out + k, suffix, s + 1);
}

/* What could not be read keeps its key's type: "<key>":null, then
 * "<key>_fault":{"addr":"0x...","error":"EFAULT"} (an array entry: null). */
void render_fault(struct jsonw *w, const char *key, uint64_t addr)
{
	char k[64];

	jw_null(w, key);
	if (!key)
		return;
	key_suffixed(k, sizeof(k), key, "_fault");
	jw_obj_open(w, k);
	jw_hex(w, "addr", addr);
	jw_str(w, "error", "EFAULT");
	jw_obj_close(w);
}

/*
 * A C string in the caller's memory, read in chunks up to str_cap bytes:
 * "key":"text", plus "key_truncated":true when no NUL came within the cap.
 * A string that runs into unmapped memory before its NUL is what the
 * kernel answers EFAULT for: null, and "key_fault" (render_fault()).
 */
void render_cstr(struct jsonw *w, const char *key, uint64_t addr,
		 const struct decode_opts *o)
{
	struct jsonw save = *w;
	char chunk[256], tkey[64];
	uint32_t done = 0;
	bool ended = false;

	if (!addr) {
		jw_null(w, key);
		return;
	}
	if (o->offline) {        /* a table bug: see bpf_cmd_offline_ok() */
		jw_hex(w, key, addr);
		return;
	}
	jw_str_begin(w, key);
	while (done < o->str_cap) {
		uint64_t a = addr + done;
		size_t n = sizeof(chunk) - (size_t)(a & (sizeof(chunk) - 1)), got;
		char *nul;

		if (n > o->str_cap - done)
			n = o->str_cap - done;
		got = mem_read(chunk, a, n, NULL);
		nul = memchr(chunk, 0, got);
		if (nul)
			got = (size_t)(nul - chunk);
		jw_str_partn(w, chunk, got);
		done += (uint32_t)got;
		if (nul) {
			ended = true;
			break;
		}
		if (got < n) {          /* unmapped before the NUL */
			*w = save;
			render_fault(w, key, addr);
			return;
		}
	}
	jw_str_end(w);
	/* inside an array (no key) a cut string has no sibling to flag it */
	if (!ended && key && strlen(key) + sizeof("_truncated") <= sizeof(tkey)) {
		memcpy(tkey, key, strlen(key));
		memcpy(tkey + strlen(key), "_truncated", sizeof("_truncated"));
		jw_bool(w, tkey, true);
	}
}

/* A log buffer the kernel filled: streamed in chunks, NUL-terminated. */
void render_log(struct jsonw *w, const char *key, uint64_t addr, uint32_t size,
		const struct decode_opts *o)
{
	char chunk[1024];
	uint32_t want = size < o->log_cap ? size : o->log_cap, done = 0;
	bool ended = false;

	if (!addr || !size || o->offline)
		return;
	jw_str_begin(w, key);
	while (done < want && !ended) {
		uint32_t n = want - done < sizeof(chunk) ? want - done : sizeof(chunk);
		size_t got = mem_read(chunk, addr + done, n, NULL);
		char *nul = memchr(chunk, 0, got);

		if (nul) {
			got = (size_t)(nul - chunk);
			ended = true;
		}
		jw_str_partn(w, chunk, got);
		done += (uint32_t)got;
		if (!ended && got < n)
			break; /* unreadable rest */
	}
	jw_str_end(w);
	if (!ended && done < want)
		jw_hex(w, "log_unreadable_at", addr + done);
	else if (!ended && want < size)
		jw_bool(w, "log_truncated", true);
}

#define ARRAY_SHOWN 64   /* entries of a caller's array shown at most */

/* "<key>_fault":{"addr":...,"index":N,"error":"EFAULT"}: a caller's array
 * was readable up to entry N, whose first unreadable byte is at @addr. */
void render_array_fault(struct jsonw *w, const char *key, uint64_t addr, uint32_t index)
{
	char k[64];

	key_suffixed(k, sizeof(k), key, "_fault");
	jw_obj_open(w, k);
	jw_hex(w, "addr", addr);
	jw_u64(w, "index", index);
	jw_str(w, "error", "EFAULT");
	jw_obj_close(w);
}

/*
 * The entries of a caller's array that could be read, then, when memory
 * ran out before the last one, where (render_array_fault()): an array
 * that crosses into an unmapped page shows what the kernel could read of
 * it too.  The key is an array in every case.
 */
void render_u64_array(struct jsonw *w, const char *key, uint64_t addr, uint32_t cnt,
		      unsigned elem, bool hex, const struct decode_opts *o)
{
	uint8_t buf[ARRAY_SHOWN * 8];
	uint32_t n = cnt < ARRAY_SHOWN ? cnt : ARRAY_SHOWN, i, ok;
	size_t got;

	if (!addr || !cnt || o->offline || (elem != 4 && elem != 8))
		return;
	got = mem_read(buf, addr, (size_t)n * elem, NULL);
	ok = (uint32_t)(got / elem);
	jw_arr_open(w, key);
	for (i = 0; i < ok; i++) {
		uint64_t v = get_le(buf + (size_t)i * elem, elem);

		if (hex)
			jw_hex(w, NULL, v);
		else
			jw_u64(w, NULL, v);
	}
	jw_arr_close(w);
	if (ok < n)
		render_array_fault(w, key, addr + got, ok);
}

void render_str_array(struct jsonw *w, const char *key, uint64_t addr, uint32_t cnt,
		      const struct decode_opts *o)
{
	uint64_t ptrs[ARRAY_SHOWN];
	uint32_t n = cnt < ARRAY_SHOWN ? cnt : ARRAY_SHOWN, i, ok;
	size_t got;

	if (!addr || !cnt || o->offline)
		return;
	got = mem_read(ptrs, addr, n * sizeof(ptrs[0]), NULL);
	ok = (uint32_t)(got / sizeof(ptrs[0]));
	jw_arr_open(w, key);
	for (i = 0; i < ok; i++)
		render_cstr(w, NULL, ptrs[i], o);
	jw_arr_close(w);
	if (ok < n)
		render_array_fault(w, key, addr + got, ok);
}

static void render_kver(struct jsonw *w, const char *key, uint32_t v)
{
	char b[40];
	size_t n = 0;

	n += fmt_u64(b + n, v >> 16);           /* 0 is "0.0.0": always a string */
	b[n++] = '.';
	n += fmt_u64(b + n, (v >> 8) & 0xff);
	b[n++] = '.';
	n += fmt_u64(b + n, v & 0xff);
	jw_strn(w, key, b, n);
}

static void render_value(struct jsonw *w, const char *key, const struct bpf_field *f,
			 const uint8_t *p, const struct decode_opts *o)
{
	uint64_t v = get_le(p, f->size > 8 ? 8 : f->size);

	switch (f->kind) {
	case FK_S32:
	case FK_FD:
		jw_s64(w, key, (int32_t)(uint32_t)v);
		break;
	case FK_ENUM:
		render_enum(w, key, f->x, v);
		break;
	case FK_FLAGS32:
	case FK_FLAGS64:
		render_flags(w, key, f->x, v);
		break;
	case FK_PTR:
		if (v)
			jw_hex(w, key, v);
		else
			jw_null(w, key);
		break;
	case FK_STR_PTR:
		render_cstr(w, key, v, o);
		break;
	case FK_CHARS:
		jw_strn(w, key, (const char *)p, f->size);
		break;
	case FK_KVER:
		render_kver(w, key, (uint32_t)v);
		break;
	case FK_HEX64:
		jw_hex(w, key, v);
		break;
	default:
		jw_u64(w, key, v);
		break;
	}
}

/* Length of the "group." prefix of a dotted name, 0 for a plain one. */
static size_t group_len(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot ? (size_t)(dot - name) : 0;
}

/* Render the fields with @flag from @snap (@avail bytes valid). */
static void render_fields(struct jsonw *w, const struct bpf_cmd_desc *d,
			  const struct bpf_call *c, unsigned flag,
			  const uint8_t *snap, uint32_t avail,
			  const struct decode_opts *o)
{
	const char *open_group = NULL;
	size_t open_len = 0;
	unsigned i;

	for (i = 0; i < d->nfields; i++) {
		const struct bpf_field *f = &d->fields[i];
		size_t g = group_len(f->name);
		char gname[32];

		if (!(f->flags & flag))
			continue;
		if (f->off + f->size > avail &&
		    !(flag == FF_OUT && (f->flags & FF_PAST_SIZE) && c->have_post &&
		      f->off + f->size <= c->post_len))
			continue;
		if (f->when && !f->when(c))
			continue;
		if (open_group && (g != open_len || strncmp(f->name, open_group, g))) {
			jw_obj_close(w);
			open_group = NULL;
		}
		if (g && !open_group) {
			if (g >= sizeof(gname))
				g = sizeof(gname) - 1;
			memcpy(gname, f->name, g);
			gname[g] = 0;
			jw_obj_open(w, gname);
			open_group = f->name;
			open_len = g;
		}
		render_value(w, f->name + (g ? g + 1 : 0), f, snap + f->off, o);
	}
	if (open_group)
		jw_obj_close(w);
}

/* Nonzero bytes after the command's last field: the kernel's CHECK_ATTR
 * answers EINVAL for them (E2BIG past its own union).  Facts only here;
 * the checker judges. */
static void render_tail(struct jsonw *w, const struct bpf_cmd_desc *d,
			const struct bpf_call *c)
{
	uint32_t avail = avail_pre(c), off, n = 0;
	bool open = false;

	for (off = d->last_end; off < avail; off++) {
		if (!c->pre[off])
			continue;
		if (!open) {
			jw_obj_open(w, "attr_tail");
			jw_u64(w, "last_field_end", d->last_end);
			jw_arr_open(w, "nonzero");
			open = true;
		}
		if (n++ < 16)
			jw_u64(w, NULL, off);
	}
	if (!open && !c->tail_nonzero_off)
		return;
	if (!open) {
		jw_obj_open(w, "attr_tail");
		jw_u64(w, "last_field_end", d->last_end);
		jw_arr_open(w, "nonzero");
	}
	if (c->tail_nonzero_off && n < 16)
		jw_u64(w, NULL, c->tail_nonzero_off);
	jw_arr_close(w);
	if (n > 16)
		jw_u64(w, "nonzero_count", n);
	jw_obj_close(w);
}

static void render_cmd(struct jsonw *w, const struct bpf_call *c,
		       const struct bpf_cmd_desc *d)
{
	char b[32] = "BPF_CMD_";

	if (d) {
		jw_str(w, "cmd", d->name);
		return;
	}
	b[8 + fmt_u64(b + 8, c->cmd)] = 0;
	jw_str(w, "cmd", b);
	jw_u64(w, "cmd_num", c->cmd);
}

static void render_errno(struct jsonw *w, int e)
{
	char b[32] = "ERRNO_";
	const char *n;

	if (!e) {
		jw_null(w, "errno");
		return;
	}
	n = errno_name(e);
	if (n) {
		jw_str(w, "errno", n);
		return;
	}
	b[6 + fmt_u64(b + 6, (uint64_t)e)] = 0;
	jw_str(w, "errno", b);
	jw_u64(w, "errno_num", (uint64_t)e);
}

static void render_attr(struct jsonw *w, const struct bpf_call *c,
			const struct bpf_cmd_desc *d, const struct decode_opts *o)
{
	uint32_t want = c->size < BPF_ATTR_SNAP ? c->size : BPF_ATTR_SNAP;

	if (!c->size) {
		/* nothing of attr was read: the pointer is all there is */
		if (c->attr_addr)
			jw_hex(w, "attr_addr", c->attr_addr);
		else
			jw_null(w, "attr_addr");
	}
	/* an object always: a NULL attr is an empty one, with attr_fault */
	jw_obj_open(w, "attr");
	if (d)
		render_fields(w, d, c, FF_IN, c->pre, avail_pre(c), o);
	if (d && d->in_extra)
		d->in_extra(w, c, o);
	jw_obj_close(w);
	if (c->pre_len < want || (!c->attr_addr && c->size)) {
		jw_obj_open(w, "attr_fault");
		jw_hex(w, "addr", c->attr_addr + c->pre_len);
		jw_u64(w, "offset", c->pre_len);
		jw_str(w, "error", "EFAULT");
		jw_obj_close(w);
	}
	if (!d) {
		/* Unknown command: keep the bytes so nothing is lost. */
		jw_bytes_hex(w, "attr_raw", c->pre, c->pre_len);
		return;
	}
	render_tail(w, d, c);
	if (c->tail_unreadable)
		jw_bool(w, "attr_tail_unreadable", true);
}

unsigned bpf_call_fds(const struct bpf_call *c, int32_t *fds, unsigned max)
{
	const struct bpf_cmd_desc *d = bpf_cmd_desc(c->cmd);
	unsigned i, j, n = 0;

	if (!d)
		return 0;
	for (i = 0; i < d->nfields && n < max; i++) {
		const struct bpf_field *f = &d->fields[i];
		int32_t fd;

		if (f->kind != FK_FD || !(f->flags & FF_IN) || !bpf_attr_has(c, f->off, 4) ||
		    (f->when && !f->when(c)))
			continue;
		fd = (int32_t)bpf_attr_get(c, f->off, 4);
		for (j = 0; j < n && fds[j] != fd; j++)
			;
		if (fd >= 0 && j == n)
			fds[n++] = fd;
	}
	if (d->ret == RET_FD && c->ret >= 0 && c->ret <= INT32_MAX && n < max) {
		/* the fd returned can equal an fd argument (both 0 when the
		 * program closed stdin): one key per fd */
		for (j = 0; j < n && fds[j] != (int32_t)c->ret; j++)
			;
		if (j == n)
			fds[n++] = (int32_t)c->ret;
	}
	return n;
}

static const char *const obj_kind_names[] = {
	[OBJ_MAP] = "map", [OBJ_PROG] = "prog", [OBJ_LINK] = "link",
	[OBJ_BTF] = "btf", [OBJ_TOKEN] = "token",
};

/* "fds": {"7":{"kind":"map","id":12,"type":...,"name":"counts"}}, for the
 * fds the shim could tell apart; omitted when none. */
static void render_fd_notes(struct jsonw *w, const struct bpf_call *c)
{
	bool open = false;
	unsigned i;

	for (i = 0; i < c->nnotes && i < BPF_FD_NOTES; i++) {
		const struct bpf_fd_note *n = &c->notes[i];
		char key[16];

		unsigned j;

		if (n->kind == OBJ_UNKNOWN || n->kind > OBJ_TOKEN)
			continue;
		/* a malformed record may repeat an fd: JSON keys must not */
		for (j = 0; j < i && c->notes[j].fd != n->fd; j++)
			;
		if (j < i)
			continue;
		if (!open) {
			jw_obj_open(w, "fds");
			open = true;
		}
		if (n->fd < 0)
			continue;
		key[fmt_u64(key, (uint64_t)n->fd)] = 0;
		jw_obj_open(w, key);
		jw_str(w, "kind", obj_kind_names[n->kind]);
		if (n->id)
			jw_u64(w, "id", n->id);
		if (n->has_type && n->kind == OBJ_MAP)
			render_enum(w, "type", &xlat_bpf_map_type, n->type);
		else if (n->has_type && n->kind == OBJ_PROG)
			render_enum(w, "type", &xlat_bpf_prog_type, n->type);
		else if (n->has_type && n->kind == OBJ_LINK)
			render_enum(w, "type", &xlat_bpf_link_type, n->type);
		if (n->name[0])
			jw_strn(w, "name", n->name, sizeof(n->name));
		if (n->frozen && n->kind == OBJ_MAP)
			jw_bool(w, "frozen", true);
		jw_obj_close(w);
	}
	if (open)
		jw_obj_close(w);
}

/* "out": what the kernel wrote back.  Omitted when empty. */
static void render_out(struct jsonw *w, const struct bpf_call *c,
		       const struct bpf_cmd_desc *d, const struct decode_opts *o)
{
	struct jsonw save = *w;
	size_t inner;

	if (!d)
		return;
	jw_obj_open(w, "out");
	inner = w->len;
	if (c->have_post)
		render_fields(w, d, c, FF_OUT, c->post, avail_post(c), o);
	if (d->out_extra)
		d->out_extra(w, c, o);
	if (w->len == inner) {
		*w = save;  /* nothing written: drop the empty object */
		return;
	}
	jw_obj_close(w);
}

/*
 * The 5-argument form (cmd | BPF_COMMON_ATTRS): struct bpf_common_attr at
 * the 4th argument, its size the 5th.  log_buf @0, log_size @8, log_level
 * @12, log_true_size @16 (written back by the kernel).  Read after the
 * call, so log_true_size and the log text are what the kernel left; calls
 * with the bit are rendered from a copies record (bpf_common_regions()).
 */
#define COMMON_LOG_BUF   0
#define COMMON_LOG_SIZE  8
#define COMMON_LOG_LEVEL 12
#define COMMON_TRUE_SIZE 16

unsigned bpf_common_regions(const struct bpf_call *c, const struct decode_opts *o,
			    struct bpf_region *out, unsigned n, unsigned max)
{
	uint8_t a[BPF_COMMON_ATTR_SIZE] = { 0 };
	uint32_t want = c->common_size < sizeof(a) ? c->common_size : sizeof(a), size, level;
	uint64_t buf;

	n = bpf_region_add(out, n, max, c->common_addr, want, BR_BYTES);
	if (n > max || !c->common_addr || !want ||
	    mem_read(a, c->common_addr, want, NULL) < COMMON_LOG_LEVEL + 4)
		return n;
	memcpy(&buf, a + COMMON_LOG_BUF, 8);
	memcpy(&size, a + COMMON_LOG_SIZE, 4);
	memcpy(&level, a + COMMON_LOG_LEVEL, 4);
	if (!level)
		return n;
	/* render_log() stops at the NUL */
	return bpf_region_add(out, n, max, buf, size < o->log_cap ? size : o->log_cap, BR_TEXT);
}

void render_common_attrs(struct jsonw *w, const struct bpf_call *c,
			 const struct decode_opts *o)
{
	uint8_t a[BPF_COMMON_ATTR_SIZE] = { 0 };
	uint32_t want = c->common_size < sizeof(a) ? c->common_size : sizeof(a), level = 0;
	uint64_t buf = 0;
	uint32_t size = 0;
	size_t got;

	jw_obj_open(w, "common_attrs");
	jw_hex(w, "addr", c->common_addr);
	jw_u64(w, "size", c->common_size);
	if (o->offline || !c->common_addr || !want) {
		jw_obj_close(w);
		return;
	}
	got = mem_read(a, c->common_addr, want, NULL);
	if (got < want)
		jw_hex(w, "unreadable", c->common_addr + got);
	if (got >= COMMON_LOG_BUF + 8) {
		memcpy(&buf, a + COMMON_LOG_BUF, 8);
		if (buf)
			jw_hex(w, "log_buf", buf);
		else
			jw_null(w, "log_buf");
	}
	if (got >= COMMON_LOG_SIZE + 4) {
		memcpy(&size, a + COMMON_LOG_SIZE, 4);
		jw_u64(w, "log_size", size);
	}
	if (got >= COMMON_LOG_LEVEL + 4) {
		memcpy(&level, a + COMMON_LOG_LEVEL, 4);
		render_flags(w, "log_level", &xlat_bpf_log_level, level);
	}
	if (got >= COMMON_TRUE_SIZE + 4)
		jw_u64(w, "log_true_size", get_le(a + COMMON_TRUE_SIZE, 4));
	if (buf && size && level)
		render_log(w, "log", buf, size, o);
	jw_obj_close(w);
}

void bpf_render_call(struct jsonw *w, const struct bpf_call *c,
		     const struct decode_opts *o)
{
	const struct bpf_cmd_desc *d = bpf_cmd_desc(c->cmd);

	render_cmd(w, c, d);
	if (c->cmd_raw & BPF_COMMON_ATTRS_BIT)
		render_common_attrs(w, c, o);
	jw_u64(w, "size", c->size);
	if (c->size > BPF_ATTR_PAGE)
		jw_bool(w, "size_over_page", true);
	render_attr(w, c, d, o);
	jw_s64(w, "ret", c->ret);
	render_errno(w, c->err);
	if (c->facts.flags & BPF_FACT_INJECTED)
		jw_bool(w, "injected", true);
	if (c->facts.flags & BPF_FACT_DENIED)
		jw_bool(w, "denied", true);
	if (c->facts.flags & BPF_FACT_VIA_SECCOMP)
		jw_str(w, "via", "seccomp");
	else if (c->facts.flags & BPF_FACT_VIA_KERNEL)
		jw_str(w, "via", "kernel");
	if (c->facts.flags & BPF_FACT_COPY_LOST)
		jw_bool(w, "copies_lost", true);
	if (c->facts.flags & BPF_FACT_INPUTS_LATE)
		jw_bool(w, "inputs_late", true);
	render_out(w, c, d, o);
	render_fd_notes(w, c);
}
