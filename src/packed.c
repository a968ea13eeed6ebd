// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packed traces: see packed.h.  A lookup is a 48-byte record: its %R line
 * is ~75 bytes where its JSON line is ~600, and the collector only
 * encodes it.  Measured (bench/README.md): with JSON most of the
 * collector's CPU was the system time of writing ~600 bytes a line.
 *
 * base64 is written out here: 30 lines, where the libraries that have it
 * (OpenSSL, GLib) would be one more dependency of bpfspy for it alone.
 */
#include "packed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonw.h"
#include "base/spool.h"
#include "btf_values.h"
#include "kfunc_names.h"
#include "event/bpf_record.h"

#define SLOTS_MAX   512u          /* more than any dictionary has */
#define STREAMS_MAX (1u << 20)

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

/*
 * Two base64 digits for each 12 bits: a group of three bytes is two
 * lookups.  Digit by digit, encoding was ~545 of the ~875 instructions
 * the collector spent on a packed lookup (callgrind, bpfspy collect
 * --format packed); with pairs, six bytes a step, ~270.
 */
static char b64_pairs[4096][2];

/* Filled from the top: entry 0, the one tested, is written last. */
static void b64_pairs_init(void)
{
	unsigned v;

	if (__atomic_load_n(&b64_pairs[0][0], __ATOMIC_ACQUIRE))
		return;
	for (v = 4096; v-- > 1;) {
		b64_pairs[v][0] = b64[v >> 6];
		b64_pairs[v][1] = b64[v & 63];
	}
	b64_pairs[0][1] = b64[0];
	__atomic_store_n(&b64_pairs[0][0], b64[0], __ATOMIC_RELEASE);
}

/* Eight bytes at @p as a big-endian number. */
static uint64_t load_be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static size_t b64_encode(char *out, const uint8_t *p, size_t n)
{
	size_t i, o = 0;

	b64_pairs_init();
	/* six bytes (eight digits) a step, from a big-endian 8-byte load */
	for (i = 0; i + 8 <= n; i += 6, o += 8) {
		uint64_t v = load_be64(p + i) >> 16;
		char q[8];

		memcpy(q, b64_pairs[v >> 36], 2);
		memcpy(q + 2, b64_pairs[(v >> 24) & 4095], 2);
		memcpy(q + 4, b64_pairs[(v >> 12) & 4095], 2);
		memcpy(q + 6, b64_pairs[v & 4095], 2);
		memcpy(out + o, q, 8);
	}
	for (; i + 2 < n; i += 3, o += 4) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		memcpy(out + o, b64_pairs[v >> 12], 2);
		memcpy(out + o + 2, b64_pairs[v & 4095], 2);
	}
	if (i < n) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);

		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	return o;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* @n base64 characters into @out (room for n / 4 * 3); the bytes, or -1. */
static long b64_decode(uint8_t *out, const char *s, size_t n)
{
	size_t i, o = 0;

	if (n % 4)
		return -1;
	for (i = 0; i < n; i += 4) {
		int a = b64_value(s[i]), b = b64_value(s[i + 1]);
		int c = s[i + 2] == '=' && i + 4 == n ? 0 : b64_value(s[i + 2]);
		int d = s[i + 3] == '=' && i + 4 == n ? 0 : b64_value(s[i + 3]);
		uint32_t v;

		if (a < 0 || b < 0 || c < 0 || d < 0 || (s[i + 2] == '=' && s[i + 3] != '='))
			return -1;
		v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
		out[o++] = (uint8_t)(v >> 16);
		if (s[i + 2] != '=')
			out[o++] = (uint8_t)(v >> 8);
		if (s[i + 3] != '=')
			out[o++] = (uint8_t)v;
	}
	return (long)o;
}

/* ---- the writer ---------------------------------------------------------- */

struct packer {
	unsigned stream;
	bool opened;                 /* its %S line is out */
	const void *dict;
	size_t dict_len;
	uint64_t sent[SLOTS_MAX / 64];   /* the slots its %D lines gave */
};

static unsigned next_stream;

struct packer *packer_new(void)
{
	return calloc(1, sizeof(struct packer));
}

void packer_free(struct packer *p)
{
	free(p);
}

void packer_begin(void *ctx, const void *dict, size_t len)
{
	struct packer *p = ctx;

	p->stream = ++next_stream;
	p->dict = dict;
	p->dict_len = len;
	packer_undo(p);
}

void packer_undo(void *ctx)
{
	struct packer *p = ctx;

	p->opened = false;
	memset(p->sent, 0, sizeof(p->sent));
}

/* "%T STREAM ARG " at @o.  fmt_u64(), not sprintf(): sprintf() was most
 * of the collector's time writing a lookup a line (perf, 1M lookups). */
static size_t head_line(char *o, char tag, unsigned stream, uint64_t arg)
{
	size_t n = 0;

	o[n++] = '%';
	o[n++] = tag;
	o[n++] = ' ';
	n += fmt_u64(o + n, stream);
	o[n++] = ' ';
	n += fmt_u64(o + n, arg);
	o[n++] = ' ';
	return n;
}

size_t packer_record(void *ctx, uint32_t type, const void *rec, size_t len, char *out,
		     size_t cap)
{
	struct packer *p = ctx;
	uint8_t head[BPF_DICT_HEAD] = { 0 };
	const void *slot = NULL;
	int id = bpf_record_tmpl(type, rec, len);
	bool open = !p->opened, give;
	char pre[64];
	size_t need = 0, o = 0;
	uint32_t pid = 0;

	if (open && !bpf_dict_head(p->dict, p->dict_len, head))
		memset(head, 0, sizeof(head));   /* no templates: %D lines never come */
	memcpy(&pid, head + 4, 4);           /* struct bpf_dict: magic, pid, ... */
	give = id >= 0 && (unsigned)id < SLOTS_MAX && !(p->sent[id / 64] & (1ull << (id % 64))) &&
	       (slot = bpf_dict_slot(p->dict, p->dict_len, (uint32_t)id));
	if (open)
		need += head_line(pre, 'S', p->stream, pid) + b64_len(sizeof(head)) + 1;
	if (give)
		need += head_line(pre, 'D', p->stream, (uint64_t)id) +
			b64_len(sizeof(struct bpf_tmpl)) + 1;
	need += head_line(pre, 'R', p->stream, type) + b64_len(len);
	if (need > cap)
		return need;
	if (open) {
		o += head_line(out + o, 'S', p->stream, pid);
		o += b64_encode(out + o, head, sizeof(head));
		out[o++] = '\n';
		p->opened = true;
	}
	if (give) {
		o += head_line(out + o, 'D', p->stream, (uint64_t)id);
		o += b64_encode(out + o, slot, sizeof(struct bpf_tmpl));
		out[o++] = '\n';
		p->sent[id / 64] |= 1ull << (id % 64);
	}
	o += head_line(out + o, 'R', p->stream, type);
	o += b64_encode(out + o, rec, len);
	return o;
}

/* ---- the reader ---------------------------------------------------------- */

struct stream {
	struct bpf_render_ctx *ctx;
	struct btf_values *typed;
	uint8_t *dict;               /* SPOOL_DICT_SIZE bytes */
};

struct unpacker {
	struct stream *s;
	size_t n;
	struct kfunc_names *kfuncs;  /* names kfunc calls, as the collector does */
	uint8_t *bin;
	size_t bincap;
	char *out;
	size_t cap;
};

struct unpacker *unpacker_new(void)
{
	struct unpacker *u = calloc(1, sizeof(struct unpacker));

	if (u)
		u->kfuncs = kfunc_names_new();
	return u;
}

static void stream_free(struct stream *s)
{
	bpf_render_ctx_free(s->ctx);
	btf_values_free(s->typed);
	free(s->dict);
	memset(s, 0, sizeof(*s));
}

void unpacker_free(struct unpacker *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->n; i++)
		stream_free(&u->s[i]);
	free(u->s);
	kfunc_names_free(u->kfuncs);
	free(u->bin);
	free(u->out);
	free(u);
}

/* A new spool as stream @k: rendered as the collector renders one
 * (collect.c's slot_open), payloads typed by the BTF it loaded. */
static const char *stream_open(struct unpacker *u, unsigned long k, const uint8_t *head, long n)
{
	struct stream *s;

	if (k >= STREAMS_MAX || n != BPF_DICT_HEAD)
		return "a stream number or dictionary head out of range";
	if (k >= u->n) {
		struct stream *ns = realloc(u->s, (k + 1) * sizeof(*ns));

		if (!ns)
			return strerror(ENOMEM);
		memset(ns + u->n, 0, (k + 1 - u->n) * sizeof(*ns));
		u->s = ns;
		u->n = k + 1;
	}
	s = &u->s[k];
	stream_free(s);
	s->ctx = btf_values_render_ctx(&s->typed, u->kfuncs);
	s->dict = calloc(1, SPOOL_DICT_SIZE);
	if (!s->ctx || !s->dict)
		return strerror(ENOMEM);
	/* a spool without a dictionary (all zero head) has no templates */
	bpf_dict_load_head(s->dict, SPOOL_DICT_SIZE, head);
	bpf_render_ctx_begin(s->ctx, s->dict, SPOOL_DICT_SIZE);
	return NULL;
}

static const char *render(struct unpacker *u, struct stream *s, uint32_t type, long n,
			  const char **json, size_t *jn)
{
	size_t got;

	for (;;) {
		got = bpf_render_ctx_record(s->ctx, type, u->bin, (size_t)n, u->out, u->cap);
		if (got == (size_t)-1)
			return "a malformed record";
		if (got <= u->cap)
			break;
		free(u->out);
		u->cap = got + 4096;
		u->out = malloc(u->cap);
		if (!u->out) {
			u->cap = 0;
			return strerror(ENOMEM);
		}
	}
	*json = u->out;
	*jn = got;
	return NULL;
}

int unpacker_line(struct unpacker *u, const char *line, size_t len, const char **json, size_t *jn,
		  const char **why)
{
	unsigned long k, arg;
	char kind, *end;
	const char *p = line + 3;
	struct stream *s;
	long n;

	*why = "not a packed line (%S, %D or %R, a stream, a number and base64)";
	if (len < 8 || line[0] != '%' || line[2] != ' ' || !strchr("SDR", line[1]))
		return -1;
	kind = line[1];
	k = strtoul(p, &end, 10);
	if (end == p || *end != ' ')
		return -1;
	p = end + 1;
	arg = strtoul(p, &end, 10);
	if (end == p || *end != ' ')
		return -1;
	p = end + 1;
	if (u->bincap < (len - (size_t)(p - line)) / 4 * 3 + 3) {
		free(u->bin);
		u->bincap = (len - (size_t)(p - line)) / 4 * 3 + 3;
		u->bin = malloc(u->bincap);
		if (!u->bin) {
			u->bincap = 0;
			*why = strerror(ENOMEM);
			return -1;
		}
	}
	n = b64_decode(u->bin, p, len - (size_t)(p - line));
	if (n < 0) {
		*why = "bad base64";
		return -1;
	}
	if (kind == 'S')
		return (*why = stream_open(u, k, u->bin, n)) ? -1 : 0;
	if (k >= u->n || !u->s[k].ctx) {
		*why = "a stream no %S line began";
		return -1;
	}
	s = &u->s[k];
	if (kind == 'D') {
		if (n != (long)sizeof(struct bpf_tmpl) ||
		    !bpf_dict_load_slot(s->dict, SPOOL_DICT_SIZE, (uint32_t)arg, u->bin)) {
			*why = "a template out of its dictionary";
			return -1;
		}
		return 0;
	}
	if (arg > UINT32_MAX) {
		*why = "a record type out of range";
		return -1;
	}
	if ((*why = render(u, s, (uint32_t)arg, n, json, jn)))
		return -1;
	return *jn ? 1 : 0;
}
