// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness over the decoders: a captured bpf(2) call built from
 * the input (fuzz_format.h) is rendered with bpf_render_call() and
 * bpf_render_event(), and the raw input is fed to the packed-record path.
 *
 * Pointers inside attr point at a page of fuzz bytes, at the last bytes
 * before a PROT_NONE page, into unmapped memory, at NULL or at random
 * values, so every reader of caller memory (render_cstr, render_log and
 * whatever comes next) meets faults at every offset.
 *
 * Checks, each an abort() so libFuzzer keeps the input:
 *  - no sanitizer report (ASan, UBSan);
 *  - a complete render parses (json-c, strict, whole line) as one JSON
 *    object without duplicate keys, and is strict UTF-8 (RFC 3629: json-c's
 *    own check lets surrogates and overlong forms through);
 *  - a render into a short buffer writes nothing past it, counts the
 *    length the whole line needs and agrees with it byte for byte;
 *  - a call the shim would pack (bpf_cmd_offline_ok(), no
 *    BPF_COMMON_ATTRS) renders the same with and without opts.offline:
 *    it must not read caller memory;
 *  - the call packed (bpf_record_pack()) and rendered from the record
 *    gives the same line as rendering the call directly, offline;
 *  - the raw input fed to the record renderer, bpf_render_ctx_record(),
 *    as a stream of records and as one call record: each is rejected,
 *    absorbed as state, or renders a line that parses.
 *
 * Build and run: tests/fuzz/run-fuzz.sh.  To look at what an input renders:
 * FUZZ_DECODE_PRINT=1 fuzz_decode FILE...
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <json-c/json.h>

#include "syscall/bpf_decode.h"
#include "event/bpf_record.h"
#include "fuzz_format.h"

#define PAGE 4096u

/* [fuzz page][edge page][PROT_NONE guard][unmapped] */
static uint8_t *fuzz_page, *edge_page, *guard_page, *hole_page;
/* Where this (main) thread's stack may be: a pointer in there would make
 * memread take its no-syscall fast path and memcpy from our own frames,
 * which ASan would rightly call an overflow of the harness's stack. */
static uintptr_t stack_lo, stack_hi;
/* FUZZ_DECODE_PRINT=1: print each rendered line (to look at seeds).
 * FUZZ_DECODE_ALLOW_DUP_KEYS=1: do not fail on duplicate keys (to look
 * for other bugs while one is being fixed). */
static bool print_lines, allow_dup_keys;

static void die(const char *what, const char *line, size_t len)
{
	fprintf(stderr, "fuzz_decode: %s\n", what);
	if (line)
		fprintf(stderr, "line (%zu bytes): %.*s\n", len, (int)(len > 8192 ? 8192 : len),
			line);
	abort();
}

static void find_stack(void)
{
	char buf[512];
	FILE *f = fopen("/proc/self/maps", "r");
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);

	while (f && fgets(buf, sizeof(buf), f)) {
		unsigned long lo, hi;

		if (sscanf(buf, "%lx-%lx", &lo, &hi) == 2 && here >= lo && here < hi) {
			stack_lo = lo;
			stack_hi = hi;
		}
	}
	if (f)
		fclose(f);
	if (!stack_hi) {
		stack_lo = here & ~(uintptr_t)0xfffff;
		stack_hi = here + (64u << 20);
	}
	/* The main stack grows down: leave it room. */
	stack_lo = stack_lo > (64u << 20) ? stack_lo - (64u << 20) : 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t *m = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)argc;
	(void)argv;
	if (m == MAP_FAILED || mprotect(m + 2 * PAGE, PAGE, PROT_NONE) ||
	    munmap(m + 3 * PAGE, PAGE)) {
		perror("fuzz_decode: mmap");
		exit(1);
	}
	fuzz_page = m;
	edge_page = m + PAGE;
	guard_page = m + 2 * PAGE;
	hole_page = m + 3 * PAGE;
	find_stack();
	print_lines = getenv("FUZZ_DECODE_PRINT") != NULL;
	allow_dup_keys = getenv("FUZZ_DECODE_ALLOW_DUP_KEYS") != NULL;
	return 0;
}

/* Replace every 8-byte value that lands on our stack (any alignment). */
static void defuse_stack_ptrs(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 8 <= n; i++) {
		uint64_t v;

		memcpy(&v, p + i, 8);
		if (v >= stack_lo && v < stack_hi) {
			v ^= 1ull << 63;    /* non-canonical: never readable */
			memcpy(p + i, &v, 8);
		}
	}
}

/* ---- JSON checks ------------------------------------------------------ */

/* A small strict scanner, for what json-c cannot tell: duplicate keys
 * (json-c keeps the last one silently). */
struct scan {
	const char *p, *end;
	int depth;
};

static bool scan_value(struct scan *s);

static bool scan_string(struct scan *s, const char **start, size_t *len)
{
	const char *b;

	if (s->p >= s->end || *s->p != '"')
		return false;
	b = ++s->p;
	while (s->p < s->end && *s->p != '"') {
		unsigned char c = (unsigned char)*s->p;

		if (c < 0x20)
			return false;
		if (c == '\\') {
			s->p++;
			if (s->p >= s->end)
				return false;
			if (*s->p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (s->p + i >= s->end ||
					    !strchr("0123456789abcdefABCDEF", s->p[i]) || !s->p[i])
						return false;
				s->p += 4;
			} else if (!strchr("\"\\/bfnrt", *s->p) || !*s->p) {
				return false;
			}
		}
		s->p++;
	}
	if (s->p >= s->end)
		return false;
	if (start) {
		*start = b;
		*len = (size_t)(s->p - b);
	}
	s->p++;
	return true;
}

static void scan_ws(struct scan *s)
{
	while (s->p < s->end && strchr(" \t\r\n", *s->p) && *s->p)
		s->p++;
}

#define MAX_KEYS 512

static bool scan_object(struct scan *s)
{
	const char *kp[MAX_KEYS];
	size_t kl[MAX_KEYS], nk = 0, i;

	s->p++; /* '{' */
	scan_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return true;
	}
	for (;;) {
		const char *k;
		size_t l;

		scan_ws(s);
		if (!scan_string(s, &k, &l))
			return false;
		for (i = 0; i < nk && !allow_dup_keys; i++)
			if (kl[i] == l && !memcmp(kp[i], k, l)) {
				fprintf(stderr, "fuzz_decode: duplicate key \"%.*s\"\n", (int)l, k);
				return false;
			}
		if (nk < MAX_KEYS) {
			kp[nk] = k;
			kl[nk++] = l;
		}
		scan_ws(s);
		if (s->p >= s->end || *s->p++ != ':')
			return false;
		if (!scan_value(s))
			return false;
		scan_ws(s);
		if (s->p >= s->end)
			return false;
		if (*s->p == '}') {
			s->p++;
			return true;
		}
		if (*s->p++ != ',')
			return false;
	}
}

static bool scan_array(struct scan *s)
{
	s->p++; /* '[' */
	scan_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return true;
	}
	for (;;) {
		if (!scan_value(s))
			return false;
		scan_ws(s);
		if (s->p >= s->end)
			return false;
		if (*s->p == ']') {
			s->p++;
			return true;
		}
		if (*s->p++ != ',')
			return false;
	}
}

static bool scan_digits(struct scan *s)
{
	const char *b = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > b;
}

static bool scan_number(struct scan *s)
{
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (!scan_digits(s))
		return false;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (!scan_digits(s))
			return false;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!scan_digits(s))
			return false;
	}
	return true;
}

static bool scan_lit(struct scan *s, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n))
		return false;
	s->p += n;
	return true;
}

static bool scan_value(struct scan *s)
{
	bool ok;

	scan_ws(s);
	if (s->p >= s->end || s->depth > 64)
		return false;
	s->depth++;
	switch (*s->p) {
	case '{': ok = scan_object(s); break;
	case '[': ok = scan_array(s); break;
	case '"': ok = scan_string(s, NULL, NULL); break;
	case 't': ok = scan_lit(s, "true"); break;
	case 'f': ok = scan_lit(s, "false"); break;
	case 'n': ok = scan_lit(s, "null"); break;
	default: ok = scan_number(s); break;
	}
	s->depth--;
	return ok;
}

/* RFC 3629, from the table: no overlongs, surrogates or code points
 * above U+10FFFF. */
static bool strict_utf8(const unsigned char *p, size_t n)
{
	size_t i = 0, need, k;
	uint32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		need = p[i] >= 0xf0 ? 4 : p[i] >= 0xe0 ? 3 : p[i] >= 0xc0 ? 2 : 0;
		if (!need || need > n - i)
			return false;
		cp = p[i] & (0x3f >> (need - 1));
		for (k = 1; k < need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) ||
		    (need == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need;
	}
	return true;
}

/* The line must be exactly one JSON object, in strict UTF-8. */
static void check_json(const char *what, const char *line, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(64);
	struct json_object *obj;
	struct scan s = { line, line + len, 0 };
	char msg[128];

	if (!tok)
		die("json_tokener_new_ex failed", NULL, 0);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, line, (int)len);
	if (!obj || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    json_object_get_type(obj) != json_type_object) {
		snprintf(msg, sizeof(msg), "%s: not one JSON object (json-c: %s)", what,
			 json_tokener_error_desc(json_tokener_get_error(tok)));
		die(msg, line, len);
	}
	json_object_put(obj);
	json_tokener_free(tok);
	if (!strict_utf8((const unsigned char *)line, len)) {
		snprintf(msg, sizeof(msg), "%s: not strict UTF-8", what);
		die(msg, line, len);
	}
	scan_ws(&s);
	if (s.p >= s.end || *s.p != '{' || !scan_value(&s) || (scan_ws(&s), s.p != s.end)) {
		snprintf(msg, sizeof(msg), "%s: rejected by the strict scanner", what);
		die(msg, line, len);
	}
}

/* ---- building the call ------------------------------------------------ */

struct input {
	const uint8_t *p;
	size_t n;
};

static void take(struct input *in, void *dst, size_t n)
{
	size_t k = n < in->n ? n : in->n;

	memcpy(dst, in->p, k);
	memset((uint8_t *)dst + k, 0, n - k);
	in->p += k;
	in->n -= k;
}

/* Offsets of the command's pointer fields, as its table describes them. */
static unsigned ptr_offsets(uint32_t cmd, uint16_t *off, unsigned max)
{
	const struct bpf_cmd_desc *d = bpf_cmd_desc(cmd);
	unsigned i, j, n = 0;

	for (i = 0; d && i < d->nfields; i++) {
		const struct bpf_field *f = &d->fields[i];

		if (f->kind != FK_PTR && f->kind != FK_STR_PTR)
			continue;
		for (j = 0; j < n && off[j] != f->off; j++)
			;
		if (j == n && n < max)
			off[n++] = f->off;
	}
	return n;
}

static uint64_t make_ptr(const struct fz_hdr *h, const struct fz_ptr *p)
{
	uint32_t q = p->param;

	switch (p->kind % FZ_P_COUNT) {
	case FZ_P_PAGE: return (uintptr_t)fuzz_page + q % PAGE;
	case FZ_P_EDGE: return (uintptr_t)guard_page - 1 - q % PAGE;
	case FZ_P_EDGE_NEAR: return (uintptr_t)guard_page - 1 - q % 32;
	case FZ_P_GUARD: return (uintptr_t)guard_page + q % PAGE;
	case FZ_P_UNMAPPED: return (uintptr_t)hole_page + q % PAGE;
	case FZ_P_NULL: return 0;
	case FZ_P_RANDOM: return h->rand_ptr[q & 1];
	case FZ_P_LOW: return q;
	case FZ_P_WRAP: return UINT64_MAX - q;
	default: return (uintptr_t)edge_page - 1 - q % 64;   /* FZ_P_CROSS */
	}
}

static const uint32_t log_caps[8] = { 65536, 0, 1, 17, 1023, 1024, 1025, 4096 };
static const uint32_t str_caps[8] = { 4096, 0, 1, 255, 256, 257, 4095, 8192 };
static const uint32_t data_caps[4] = { 64, 0, 1, 768 };

/* Static: struct bpf_call is large and must not depend on stack garbage. */
static struct bpf_call call;
static struct fz_hdr hdr;
static struct bpf_event_env env;
static struct decode_opts opts;

/* The fd objects the shim learned, in the order it learned them. */
static struct bpf_fd_note fdobjs[BPF_FD_NOTES];
static unsigned nfdobjs;

/* As the shim and the record renderer do: one note per fd
 * bpf_call_fds() names, from the last thing learned about that fd,
 * for the fds known to be bpf objects. */
static void take_notes(struct bpf_call *c)
{
	int32_t fds[BPF_FD_NOTES];
	unsigned n = bpf_call_fds(c, fds, BPF_FD_NOTES), i, j;

	c->nnotes = 0;
	for (i = 0; i < n; i++) {
		const struct bpf_fd_note *found = NULL;

		for (j = 0; j < nfdobjs; j++)
			if (fdobjs[j].fd == fds[i] && fdobjs[j].fd >= 0 && fdobjs[j].fd < 4096)
				found = &fdobjs[j];
		if (!found || found->kind == OBJ_UNKNOWN)
			continue;
		c->notes[c->nnotes] = *found;
		c->notes[c->nnotes++].fd = fds[i];
	}
}

static void build(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	const struct fz_hdr *h = &hdr;
	struct bpf_call *c = &call;
	uint16_t offs[32];
	unsigned noffs, i;
	size_t rest;

	take(&in, &hdr, sizeof(hdr));
	memset(c, 0, sizeof(*c));
	c->cmd_raw = fz_cmd_raw(h);
	c->cmd = c->cmd_raw & ~BPF_COMMON_ATTRS_BIT;
	c->size = fz_size(h);
	c->attr_addr = (h->flags & FZ_F_ATTR_NULL) ? 0 : 0x7ffd12345000ull;
	if (h->cmdsel & FZ_CMD_COMMON) {
		/* struct bpf_common_attr: where, like any pointer (its
		 * log_buf then comes from the page: FZ_SLOT_PAGE) */
		struct fz_ptr cp = { 0, (uint8_t)h->common_addr, (uint16_t)(h->common_addr >> 8) };

		c->common_addr = make_ptr(h, &cp);
		c->common_size = h->common_size;
		defuse_stack_ptrs((uint8_t *)&c->common_addr, 8);
	}
	c->pre_len = fz_pre_len(h);
	c->pre_err = c->pre_len < fz_want(h) ? EFAULT : 0;
	take(&in, c->pre, c->pre_len);
	c->have_post = h->flags & FZ_F_POST;
	c->post_len = fz_post_len(h);
	take(&in, c->post, c->post_len);
	if (h->flags2 & FZ_G_POST_PRE)
		memcpy(c->post, c->pre, c->pre_len < c->post_len ? c->pre_len : c->post_len);
	switch (h->tail_off % 4) {
	case 0: c->tail_nonzero_off = 0; break;
	case 1: c->tail_nonzero_off = BPF_ATTR_SNAP + (h->tail_off >> 2) % (BPF_ATTR_PAGE - BPF_ATTR_SNAP); break;
	default: c->tail_nonzero_off = h->tail_off >> 2; break;
	}
	c->tail_unreadable = h->flags & FZ_F_TAIL_UNRD;
	switch (h->retsel % 4) {
	case 0: c->ret = 0; c->err = 0; break;
	case 1: c->ret = (uint8_t)h->ret; c->err = 0; break;
	case 2: c->ret = -1; c->err = (int)((uint32_t)h->err % 160); break;
	default: c->ret = (long)h->ret; c->err = h->err; break;
	}

	/* Blob descriptors raw, whatever their layout: the tags, offsets
	 * and lengths are the fuzzer's to find. */
	c->nblobs = (uint8_t)fz_nblobs(h);
	take(&in, c->blobs, c->nblobs * sizeof(c->blobs[0]));
	c->blob_used = (uint16_t)fz_blob_used(h);
	take(&in, c->blob_data, c->blob_used);
	/* What the shim knows of some fds, raw: the notes of the call are
	 * taken from them once attr is final (take_notes(), below). */
	nfdobjs = fz_nnotes(h);
	take(&in, fdobjs, nfdobjs * sizeof(fdobjs[0]));

	/* The rest of the input fills both readable pages: from the start of
	 * the fuzz page, and so that it ends at the edge page's end. */
	memset(fuzz_page, 0, 2 * PAGE);
	rest = in.n < PAGE ? in.n : PAGE;
	memcpy(fuzz_page, in.p, rest);
	memcpy(edge_page + PAGE - rest, in.p, rest);
	if (h->flags2 & FZ_G_PAGE_NONUL)
		for (i = 0; i < PAGE; i++)
			if (!fuzz_page[i])
				fuzz_page[i] = 'A' + i % 26;
	if (h->flags2 & FZ_G_EDGE_NONUL)
		for (i = 0; i < PAGE; i++)
			if (!edge_page[i])
				edge_page[i] = 'a' + i % 26;

	/* Pointers at the command's pointer-carrying offsets. */
	noffs = ptr_offsets(c->cmd, offs, 32);
	for (i = 0; i < h->nptr % (FZ_NPTR + 1); i++) {
		const struct fz_ptr *p = &h->ptr[i];
		uint64_t v = make_ptr(h, p);
		unsigned off;

		if (p->slot >= FZ_SLOT_PAGE && p->slot < FZ_SLOT_ATTR) {
			/* into the fuzz page: arrays of pointers (syms...) */
			memcpy(fuzz_page + (p->slot & 0x3f) * 8u, &v, 8);
			continue;
		}
		if (p->slot < FZ_SLOT_PAGE && noffs)
			off = offs[p->slot % noffs];
		else
			off = (p->slot & 0x1f) * 8u;
		if (off + 8 > BPF_ATTR_SNAP)
			continue;
		memcpy(c->pre + off, &v, 8);
		if (!(h->flags2 & FZ_G_POST_KEEP))
			memcpy(c->post + off, &v, 8);
	}
	defuse_stack_ptrs(c->pre, sizeof(c->pre));
	defuse_stack_ptrs(c->post, sizeof(c->post));
	defuse_stack_ptrs(fuzz_page, 2 * PAGE);
	take_notes(c);

	decode_opts_default(&opts);
	opts.offline = h->flags & FZ_F_OFFLINE;
	opts.no_data = h->flags & FZ_F_NODATA;
	opts.log_cap = log_caps[h->optsel & 7];
	opts.str_cap = str_caps[(h->optsel >> 3) & 7];
	opts.data_cap = data_caps[(h->optsel >> 6) & 3];

	env.seq = h->seq;
	env.ts = h->ts;
	env.dur_ns = h->ts >> 7;
	env.pid = h->pid;
	env.tid = h->pid ^ h->cmd_raw;
	env.comm = h->comm;
}

/* ---- rendering -------------------------------------------------------- */

static size_t render(char *buf, size_t cap, const struct decode_opts *o, bool event)
{
	struct jsonw w;

	jw_init(&w, buf, cap);
	if (event) {
		bpf_render_event(&w, &env, &call, o);
	} else {
		jw_obj_open(&w, NULL);
		bpf_render_call_checked(&w, &call, o);
		jw_obj_close(&w);
	}
	return w.len;
}

/* Render into an exactly sized heap buffer, so ASan sees any write past
 * @cap.  Returns the buffer (caller frees) and the length needed. */
static char *render_heap(size_t cap, const struct decode_opts *o, bool event, size_t *len)
{
	char *b = malloc(cap ? cap : 1);

	if (!b)
		die("out of memory", NULL, 0);
	*len = render(b, cap, o, event);
	return b;
}

/* The complete line for @o: rendered again with the length the first
 * render counted.  NULL when the two renders disagree on the length,
 * which only a random pointer into memory we change (our heap) causes:
 * nothing to check then. */
static char *render_full(const struct decode_opts *o, bool event, size_t *len)
{
	size_t need, cap = 1u << 16;
	char *b = render_heap(cap, o, event, &need);

	if (need > cap) {
		free(b);
		b = render_heap(need, o, event, &cap);
		if (cap != need) {
			free(b);
			return NULL;
		}
	}
	*len = need;
	return b;
}

/* What the shim packs and renders later, offline (shim.c: record()). */
static bool offline_ok(const struct bpf_call *c)
{
	return bpf_call_offline_ok(c);   /* the shim's rule */
}

static void check_call(void)
{
	bool event = hdr.flags & FZ_F_EVENT;
	size_t full_len, cap, short_len, olen;
	char *full, *part, *o;
	struct decode_opts other;

	full = render_full(&opts, event, &full_len);
	if (!full)
		return;
	check_json("bpf_render_call", full, full_len);
	if (print_lines)
		fprintf(stderr, "%.*s\n", (int)full_len, full);

	/* A short buffer: ASan checks the writes; the writer must count the
	 * whole line and what it wrote must be its beginning. */
	cap = (hdr.outcap & 0x8000) ? full_len + 64 : hdr.outcap % 8192;
	part = render_heap(cap, &opts, event, &short_len);
	if (short_len != full_len || memcmp(part, full, cap < full_len ? cap : full_len)) {
		/* Same input twice: differs only if memory changed. */
		size_t again_len;
		char *again = render_full(&opts, event, &again_len);
		bool stable = again && again_len == full_len && !memcmp(again, full, full_len);

		free(again);
		if (stable) {
			fprintf(stderr, "cap %zu: needed %zu, full line %zu: %.*s\n", cap,
				short_len, full_len, (int)(cap < short_len ? cap : short_len),
				part);
			die("a short buffer renders a different line", full, full_len);
		}
	}
	free(part);

	/* Offline-renderable commands must not depend on caller memory;
	 * the others must render valid lines both ways. */
	other = opts;
	other.offline = !opts.offline;
	o = render_full(&other, event, &olen);
	if (o && offline_ok(&call)) {
		if (olen != full_len || memcmp(o, full, olen)) {
			fprintf(stderr, "offline=%d: %.*s\n", (int)other.offline, (int)olen, o);
			die("a call the shim packs renders differently offline", full,
			    full_len);
		}
	} else if (o) {
		check_json("bpf_render_call (offline flipped)", o, olen);
	}
	free(o);
	free(full);
}

/*
 * Spooled records, rendered by a context that keeps the state records
 * (thread names, fd objects) between calls.
 */
static struct bpf_render_ctx *ctx;

/* One record, copied to a buffer of its exact size (ASan sees overreads);
 * a rendered line must parse. */
static size_t feed(uint32_t type, const void *rec, size_t len, char *line, size_t cap)
{
	void *copy = malloc(len ? len : 1);
	size_t n;

	if (!copy)
		die("out of memory", NULL, 0);
	memcpy(copy, rec, len);
	n = bpf_render_ctx_record(ctx, type, copy, len, line, cap);
	free(copy);
	if (n && n != (size_t)-1 && n <= cap)
		check_json("bpf_render_ctx_record", line, n);
	return n;
}

/* Pack the call with its state records, render it, compare with the
 * direct render. */
static void check_pack(void)
{
	static char line[1u << 16];
	struct bpf_rec_thread t = { 0 };
	struct decode_opts o;
	size_t n = bpf_record_size(&call, &env), direct_len, rec_len;
	void *rec = calloc(1, n);
	char *direct;
	unsigned i;

	if (!rec)
		die("out of memory", NULL, 0);
	if (!ctx)
		ctx = bpf_render_ctx_new();
	if (!ctx)
		die("out of memory", NULL, 0);
	bpf_render_ctx_reset(ctx);
	t.tid = env.tid;
	memcpy(t.comm, env.comm, sizeof(t.comm));
	if (feed(BPF_REC_THREAD, &t, sizeof(t), line, sizeof(line)))
		die("a thread record rendered a line", line, 0);
	for (i = 0; i < nfdobjs; i++)
		if (feed(BPF_REC_FDOBJ, &fdobjs[i], sizeof(fdobjs[i]), line, sizeof(line)))
			die("an fd record rendered a line", line, 0);
	bpf_record_pack(rec, &call, &env);
	rec_len = feed(BPF_REC_CALL, rec, n, line, sizeof(line));
	free(rec);

	decode_opts_default(&o);
	o.offline = true;
	direct = render_full(&o, true, &direct_len);
	if (direct && (rec_len != direct_len ||
		       (rec_len <= sizeof(line) && memcmp(line, direct, rec_len)))) {
		fprintf(stderr, "record (%zu): %.*s\n", rec_len,
			(int)(rec_len < sizeof(line) ? rec_len : sizeof(line)), line);
		die("packed record renders differently from the call", direct, direct_len);
	}
	free(direct);
}

/* The raw input as a stream of records, [u8 type][u16 len][len bytes]:
 * each is rejected, absorbed, or renders a line that parses. */
static void check_raw_record(const uint8_t *data, size_t size)
{
	static const uint32_t types[8] = {
		BPF_REC_CALL, BPF_REC_FDOBJ, BPF_REC_THREAD, BPF_REC_LIBBPF,
		BPF_REC_SYM, BPF_REC_CALL, BPF_REC_SYM, 0,
	};
	static char line[1u << 16];
	struct input in = { data, size };

	bpf_render_ctx_reset(ctx);
	while (in.n >= 3) {
		uint8_t t;
		uint16_t len;
		uint32_t type;

		take(&in, &t, 1);
		take(&in, &len, 2);
		type = types[t & 7] ? types[t & 7] : t;
		if (len > in.n)
			len = (uint16_t)in.n;
		feed(type, in.p, len, line, sizeof(line));
		in.p += len;
		in.n -= len;
	}
	/* And the whole input as one call record. */
	feed(BPF_REC_CALL, data, size, line, sizeof(line));
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	build(data, size);
	check_call();
	check_pack();
	check_raw_record(data, size);
	return 0;
}
