// SPDX-License-Identifier: GPL-2.0-or-later
/* Packed bpf calls and the state records around them: see bpf_record.h. */
#include "event/bpf_record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "base/memread.h"
#include "check/bpf_check.h"
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
/*
 * The checks of hot records, kept by template and outcome.  They depend
 * on the call but for its key and value bytes (unless a rule reads them
 * for its command: bpf_checks_see_payload()), that is on the template, the
 * outcome and what the fds are; a lookup's three checks were ~40% of
 * what rendering it cost (~5,500 of ~13,500 instructions, callgrind).
 */
#define MEMO_WAYS  32u
#define MEMO_BYTES 512u

struct checks_memo {
	bool valid;
	uint16_t tmpl;
	int32_t ret, err;
	uint32_t epoch;                 /* the context's fd_epoch then */
	uint32_t first_before, first_after;   /* the writer's member state */
	uint16_t len;
	char bytes[MEMO_BYTES];
};

/*
 * The call part of hot records (cmd to fds), kept the same way: it
 * depends on the template, the outcome, the fds and the payload bytes,
 * which only render_blob_typed() reads, so a call of a kept template
 * copies the bytes and renders those pieces alone (struct bpf_splices):
 * ~5,300 instructions a lookup line were the call part.
 */
#define CALL_MEMO_BYTES 1024u

struct call_memo {
	bool valid;
	uint16_t tmpl;
	int32_t ret, err;
	uint32_t epoch;
	uint32_t typer_gen;            /* the typer's then (0: none) */
	int depth;
	uint32_t first_before, first_after;
	uint16_t len;
	struct bpf_splices sp;         /* offsets from the part's start */
	/* A piece that was its payload's hex alone (no typed part, no
	 * per-CPU, fault or truncation): where the digits start in bytes[]
	 * and of how many bytes; 0 bytes: rendered afresh each time.  Such
	 * a piece is written from bytes[] and the digits, not through
	 * render_blob_typed() (~400 instructions a piece, callgrind). */
	struct {
		uint16_t hex_at, n;
	} plain[BPF_SPLICES_MAX];
	char bytes[CALL_MEMO_BYTES];
};

/*
 * The body of a packed libbpf call's line (func to checks), kept by
 * template and outcome: a BPF_REC_LIBBPF_HOT's call is its template's
 * function and arguments with the return value, errno and syscall
 * counts, and nothing else.  Rendered each time, the body was ~4,300 of
 * the ~5,000 instructions of a libbpf lookup's line (callgrind).
 */
#define LIBBPF_MEMO_BYTES 1024u

struct libbpf_memo {
	bool valid;
	uint16_t tmpl;
	int64_t ret;
	int err;
	uint64_t nsys, nfail;
	uint32_t epoch;                 /* the context's fd_epoch: a new spool bumps it */
	int depth;
	uint32_t first_before, first_after;
	uint16_t len;
	char bytes[LIBBPF_MEMO_BYTES];
};

struct bpf_render_ctx {
	const void *dict;       /* this spool's dictionary (BPF_REC_HOT), or NULL */
	size_t dict_len;
	struct checks_memo *memo;   /* MEMO_WAYS, made on first use */
	struct call_memo *cmemo;    /* likewise */
	struct libbpf_memo *lmemo;  /* likewise */
	uint32_t fd_epoch;      /* bumped with every change to fd[] */
	uint32_t fd_end;        /* fd[] is zero from here on */
	uint32_t tids;          /* tid[] entries in use */
	struct bpf_sym_table *syms;   /* BPF_REC_SYM; NULL until the first */
	struct bpf_render_hooks hooks;
	struct copies_src *copies;  /* BPF_REC_COPIES; made on first use */
	/* the fds the last hot record's template names (bpf_call_fds() of
	 * its attr, the same for every record of it): slot fds_tmpl + 1, 0
	 * none */
	uint32_t fds_tmpl;
	unsigned nfds;
	int32_t fds[BPF_FD_NOTES];
	/* The call of the last hot record, its template's part unpacked
	 * (slot hot_tmpl - 1, 0 none): the next record of that template
	 * changes its outcome and payload alone.  Unpacking a lookup's
	 * template each time was ~400 instructions of its line. */
	uint32_t hot_tmpl;
	struct bpf_call hot;
	/* The same for the last BPF_REC_LIBBPF_HOT's function and
	 * arguments (~100 instructions a libbpf line). */
	uint32_t lhot_tmpl;
	struct libbpf_call lhot;
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

/* ---- copies records ------------------------------------------------------- */

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)
#define TEXT_CHUNK 512u

/*
 * A string's bytes to keep: through its NUL, the readable prefix of one
 * that runs into unmapped memory, or all @cap (render_cstr() reads no
 * more).  Chunks of TEXT_CHUNK never cross a page.  The first goes to
 * @keep (room for TEXT_CHUNK bytes, or NULL): *@kept says whether it held
 * the whole string.
 */
static uint32_t text_len(uint64_t addr, uint32_t cap, char *keep, bool *kept)
{
	char chunk[TEXT_CHUNK];
	uint32_t done = 0;
	unsigned reads = 0;

	while (done < cap) {
		uint64_t a = addr + done;
		size_t n = 4096 - (size_t)(a & 4095), got;
		char *buf = keep && !reads ? keep : chunk, *nul;

		if (n > TEXT_CHUNK)
			n = TEXT_CHUNK;
		if (n > cap - done)
			n = cap - done;
		got = mem_read(buf, a, n, NULL);
		reads++;
		nul = memchr(buf, 0, got);
		if (nul) {
			done += (uint32_t)(nul - buf) + 1;
			break;
		}
		done += (uint32_t)got;
		if (got < n)
			break;
	}
	*kept = keep && reads == 1;
	return done;
}

void bpf_regions_measure(struct bpf_region *r, unsigned n, uint8_t *scratch, size_t cap)
{
	size_t used = 0;
	unsigned i;
	bool kept;

	for (i = 0; i < n; i++) {
		bool room = scratch && used + TEXT_CHUNK <= cap && used + TEXT_CHUNK <= UINT16_MAX;

		r[i].kept = 0;
		if (r[i].kind != BR_TEXT)
			continue;
		r[i].len = text_len(r[i].addr, r[i].len, room ? (char *)scratch + used : NULL, &kept);
		r[i].kind = BR_BYTES;
		if (!kept)
			continue;
		r[i].kept = 1;
		r[i].kept_off = (uint16_t)used;
		used += (r[i].len + 7) & ~(size_t)7;
	}
}

static size_t region_size(const struct bpf_region *r)
{
	return sizeof(struct bpf_rec_region) + (r->kind == BR_DIGEST ? 8 : ALIGN8(r->len));
}


static size_t regions_size(const struct bpf_region *r, unsigned n)
{
	size_t total = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		total += region_size(&r[i]);
	return total;
}

size_t bpf_copies_size(const struct bpf_call *c, const struct bpf_event_env *env,
		       const struct bpf_region *r, unsigned n)
{
	return sizeof(struct bpf_rec_copies) + ALIGN8(bpf_record_size(c, env)) +
	       regions_size(r, n);
}

static size_t libbpf_call_len(const struct bpf_event_env *env)
{
	return sizeof(struct libbpf_record) + sizeof(struct libbpf_call) +
	       (env->stack ? bpf_stack_tail_size(env->stack) : 0);
}

size_t libbpf_copies_size(const struct bpf_event_env *env, const struct libbpf_call *c,
			  const struct bpf_region *r, unsigned n)
{
	(void)c;
	return sizeof(struct bpf_rec_copies) + ALIGN8(libbpf_call_len(env)) + regions_size(r, n);
}

/* The header, for a call of @call_len bytes; where the call goes. */
static uint8_t *copies_head(void *dst, size_t call_len, unsigned n, const struct decode_opts *o)
{
	struct bpf_rec_copies *h = dst;

	memset(h, 0, sizeof(*h));
	h->call_len = (uint32_t)call_len;
	h->nregions = (uint16_t)n;
	h->no_data = o->no_data;
	h->insns = o->insns;
	h->log_cap = o->log_cap;
	h->str_cap = o->str_cap;
	h->data_cap = o->data_cap;
	h->libbpf_ver = o->libbpf_ver;
	memset(h->bytes + call_len, 0, ALIGN8(call_len) - call_len);
	return h->bytes;
}

/* The regions, copied from the caller's memory, at @p. */
static void pack_regions(uint8_t *p, const struct bpf_region *r, unsigned n,
			 const uint8_t *scratch)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct bpf_rec_region *g = (struct bpf_rec_region *)p;
		uint64_t hash = 0;

		memset(g, 0, sizeof(*g));
		g->addr = r[i].addr;
		g->len = r[i].len;
		g->kind = r[i].kind;
		p += sizeof(*g);
		if (r[i].kind == BR_DIGEST) {
			g->got = (uint32_t)bpf_digest_compute(r[i].addr, r[i].len, &hash);
			memcpy(p, &hash, 8);
			p += 8;
			continue;
		}
		if (r[i].kept && scratch) {
			memcpy(p, scratch + r[i].kept_off, r[i].len);
			g->got = r[i].len;
		} else {
			g->got = (uint32_t)mem_read(p, r[i].addr, r[i].len, NULL);
		}
		memset(p + g->got, 0, ALIGN8(r[i].len) - g->got);
		p += ALIGN8(r[i].len);
	}
}

void bpf_copies_pack(void *dst, const struct bpf_call *c, const struct bpf_event_env *env,
		     const struct decode_opts *o, const struct bpf_region *r, unsigned n,
		     const uint8_t *scratch)
{
	size_t call_len = bpf_record_size(c, env);
	uint8_t *p = copies_head(dst, call_len, n, o);

	((struct bpf_rec_copies *)dst)->info_kind = bpf_info_kind(c);
	bpf_record_pack(p, c, env);
	pack_regions(p + ALIGN8(call_len), r, n, scratch);
}

void libbpf_copies_pack(void *dst, const struct bpf_event_env *env, const struct libbpf_call *c,
			const struct decode_opts *o, const struct bpf_region *r, unsigned n,
			const uint8_t *scratch)
{
	size_t call_len = libbpf_call_len(env);
	uint8_t *p = copies_head(dst, call_len, n, o);

	libbpf_record_pack((struct libbpf_record *)p, env, c);
	memcpy(p + sizeof(struct libbpf_record), c, sizeof(*c));
	if (env->stack)
		bpf_stack_tail_pack(p + sizeof(struct libbpf_record) + sizeof(*c), env->stack);
	pack_regions(p + ALIGN8(call_len), r, n, scratch);
}

/* The regions of a copies record being rendered: the memory source. */
struct copies_src {
	const struct bpf_rec_region *r[BPF_REGIONS_MAX];
	unsigned n;
};

static const struct bpf_rec_region *region_at(const struct copies_src *s, uint64_t a)
{
	unsigned i;

	for (i = 0; i < s->n; i++) {
		const struct bpf_rec_region *g = s->r[i];

		if (g->kind == BR_BYTES && a >= g->addr && a - g->addr < g->got)
			return g;
	}
	return NULL;
}

static size_t copies_read(void *ctx, void *dst, uint64_t addr, size_t len)
{
	const struct copies_src *s = ctx;
	size_t done = 0;

	while (done < len) {
		uint64_t a = addr + done;
		const struct bpf_rec_region *g = region_at(s, a);
		size_t n;

		if (!g)
			break;
		n = g->got - (size_t)(a - g->addr);
		if (n > len - done)
			n = len - done;
		memcpy((uint8_t *)dst + done, (const uint8_t *)(g + 1) + (a - g->addr), n);
		done += n;
	}
	return done;
}

static bool copies_digest(void *ctx, uint64_t addr, uint64_t len, uint64_t *done,
			  uint64_t *hash)
{
	const struct copies_src *s = ctx;
	unsigned i;

	for (i = 0; i < s->n; i++) {
		const struct bpf_rec_region *g = s->r[i];

		if (g->kind == BR_DIGEST && g->addr == addr && g->len == len) {
			*done = g->got;
			memcpy(hash, g + 1, 8);
			return true;
		}
	}
	return false;
}

/* The regions after the call in @h (@len bytes in all) into @s. */
static bool copies_regions(const struct bpf_rec_copies *h, size_t len, struct copies_src *s)
{
	size_t off = sizeof(*h) + ALIGN8(h->call_len);
	unsigned i;

	if (h->nregions > BPF_REGIONS_MAX)
		return false;
	s->n = 0;
	for (i = 0; i < h->nregions; i++) {
		const struct bpf_rec_region *g = (const void *)((const uint8_t *)h + off);
		size_t body;

		if (off + sizeof(*g) > len)
			return false;
		body = g->kind == BR_DIGEST ? 8 : ALIGN8(g->len);
		if ((g->kind != BR_DIGEST && g->kind != BR_BYTES) || g->got > g->len ||
		    body > len - off - sizeof(*g))
			return false;
		s->r[s->n++] = g;
		off += sizeof(*g) + body;
	}
	return true;
}

/* ---- the template dictionary ---------------------------------------------- */

#define DICT_MAGIC 0x54434944u   /* "DICT", stored last by bpf_dict_init() */
#define DICT_INDEX 512u          /* a power of two, over the slots */

struct bpf_dict {
	uint32_t magic;
	uint32_t pid;
	uint32_t used;               /* slots handed out (may pass nslots) */
	uint32_t nslots;
	/* open addressing: (hash tag << 16) | (slot + 1); 0: empty */
	uint32_t index[DICT_INDEX];
	struct bpf_tmpl slot[];
};

static uint32_t dict_slots(size_t len)
{
	size_t n;

	if (len < sizeof(struct bpf_dict))
		return 0;
	n = (len - sizeof(struct bpf_dict)) / sizeof(struct bpf_tmpl);
	return n < DICT_INDEX / 2 * 3 / 2 ? (uint32_t)n : DICT_INDEX / 2 * 3 / 2;
}

void bpf_dict_init(void *area, size_t len, uint32_t pid)
{
	struct bpf_dict *d = area;

	if (!d || !dict_slots(len))
		return;
	d->pid = pid;
	d->used = 0;
	d->nslots = dict_slots(len);
	__atomic_store_n(&d->magic, DICT_MAGIC, __ATOMIC_RELEASE);
}

bool bpf_dict_head(const void *dict, size_t len, void *out)
{
	const struct bpf_dict *d = dict;

	if (!d || !dict_slots(len) || __atomic_load_n(&d->magic, __ATOMIC_ACQUIRE) != DICT_MAGIC)
		return false;
	memcpy(out, d, BPF_DICT_HEAD);
	return true;
}

const void *bpf_dict_slot(const void *dict, size_t len, uint32_t id)
{
	const struct bpf_dict *d = dict;

	if (!d || id >= dict_slots(len) || id >= d->nslots ||
	    __atomic_load_n(&d->slot[id].ready, __ATOMIC_ACQUIRE) != BPF_TMPL_READY)
		return NULL;
	return &d->slot[id];
}

bool bpf_dict_load_head(void *area, size_t len, const void *head)
{
	struct bpf_dict *d = area;
	struct bpf_dict h;

	memcpy(&h, head, BPF_DICT_HEAD);
	if (!dict_slots(len) || h.magic != DICT_MAGIC || h.nslots > dict_slots(len))
		return false;
	memcpy(d, &h, BPF_DICT_HEAD);
	return true;
}

bool bpf_dict_load_slot(void *area, size_t len, uint32_t id, const void *slot)
{
	struct bpf_dict *d = area;

	if (d->magic != DICT_MAGIC || id >= dict_slots(len) || id >= d->nslots)
		return false;
	memcpy(&d->slot[id], slot, sizeof(d->slot[id]));
	return true;
}

int bpf_record_tmpl(uint32_t type, const void *rec, size_t len)
{
	uint16_t id;

	/* a hot record without payload is only its head: 36 bytes, not
	 * sizeof() with its padding */
	if (type == BPF_REC_HOT && len >= offsetof(struct bpf_rec_hot, tmpl) + sizeof(id)) {
		memcpy(&id, (const uint8_t *)rec + offsetof(struct bpf_rec_hot, tmpl), sizeof(id));
		return id;
	}
	if (type == BPF_REC_LIBBPF_HOT &&
	    len >= offsetof(struct libbpf_rec_hot, tmpl) + sizeof(id)) {
		memcpy(&id, (const uint8_t *)rec + offsetof(struct libbpf_rec_hot, tmpl), sizeof(id));
		return id;
	}
	return -1;
}

/* Facts that are flags alone: the rest carry measured values. */
#define TMPL_FACTS (BPF_FACT_CLOEXEC_KNOWN | BPF_FACT_CLOEXEC_SET | BPF_FACT_NO_CHECK | \
		    BPF_FACT_INJECTED | BPF_FACT_DENIED | BPF_FACT_VIA_SECCOMP)

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

bool bpf_tmpl_make(struct bpf_tmpl *t, const struct bpf_call *c,
		   const struct bpf_event_env *env)
{
	const struct bpf_facts *f = &c->facts;
	uint32_t keep = c->pre_len < BPF_TMPL_ATTR ? c->pre_len : BPF_TMPL_ATTR;

	if (!bpf_cmd_hot(c->cmd) || (c->cmd_raw & BPF_COMMON_ATTRS_BIT) || env->stack ||
	    c->pre_err || c->tail_nonzero_off || c->tail_unreadable ||
	    c->pre_len > BPF_ATTR_SNAP || c->nblobs > BPF_TMPL_BLOBS ||
	    c->blob_used > BPF_BLOB_BYTES || (f->flags & ~TMPL_FACTS) || f->pin_statfs_err ||
	    f->link_prog_id || c->ret < INT32_MIN || c->ret > INT32_MAX || c->err < 0 ||
	    c->err > UINT16_MAX || env->dur_ns > UINT32_MAX ||
	    (c->parent && (c->parent > env->seq || env->seq - c->parent > UINT32_MAX)))
		return false;
	if (!all_zero(c->pre + keep, c->pre_len - keep))
		return false;
	if (c->have_post && (c->post_len != c->pre_len || memcmp(c->post, c->pre, c->pre_len)))
		return false;
	memset(t, 0, sizeof(*t));
	t->cmd_raw = c->cmd_raw;
	t->attr_addr = c->attr_addr;
	t->size = c->size;
	t->facts_flags = f->flags;
	t->pre_len = (uint16_t)c->pre_len;
	t->blob_used = c->blob_used;
	t->nblobs = c->nblobs;
	t->flags = c->have_post ? BPF_REC_HAVE_POST : 0;
	memcpy(t->blobs, c->blobs, c->nblobs * sizeof(t->blobs[0]));
	memcpy(t->pre, c->pre, keep);
	return true;
}

/* Where a hot record's payload starts (sizeof() would add padding). */
#define HOT_HEAD offsetof(struct bpf_rec_hot, data)

/* Templates compare past their ready word. */
#define TMPL_BODY offsetof(struct bpf_tmpl, cmd_raw)

static bool tmpl_equal(const struct bpf_tmpl *a, const struct bpf_tmpl *b)
{
	return !memcmp((const char *)a + TMPL_BODY, (const char *)b + TMPL_BODY,
		       sizeof(*a) - TMPL_BODY);
}

/* A slot for @t, published (ready) before any index entry names it. */
static int dict_add(struct bpf_dict *d, const struct bpf_tmpl *t)
{
	uint32_t id;
	struct bpf_tmpl *s;

	/* full: no more counting (used must not wrap round to slot 0) */
	if (__atomic_load_n(&d->used, __ATOMIC_RELAXED) >= d->nslots)
		return -1;
	id = __atomic_fetch_add(&d->used, 1, __ATOMIC_RELAXED);
	if (id >= d->nslots)
		return -1;
	s = &d->slot[id];
	memcpy((char *)s + TMPL_BODY, (const char *)t + TMPL_BODY, sizeof(*t) - TMPL_BODY);
	__atomic_store_n(&s->ready, BPF_TMPL_READY, __ATOMIC_RELEASE);
	return (int)id;
}

static int dict_intern(void *area, const struct bpf_tmpl *t)
{
	struct bpf_dict *d = area;
	uint64_t h;
	uint32_t tag, i = 0;
	int mine = -1;

	if (!d || __atomic_load_n(&d->magic, __ATOMIC_ACQUIRE) != DICT_MAGIC)
		return -1;
	h = XXH3_64bits((const char *)t + TMPL_BODY, sizeof(*t) - TMPL_BODY);
	tag = (uint32_t)(h >> 48);
	while (i < DICT_INDEX) {
		uint32_t *e = &d->index[(h + i) & (DICT_INDEX - 1)];
		uint32_t v = __atomic_load_n(e, __ATOMIC_ACQUIRE), id;

		if (v && (v >> 16) == tag) {
			id = (v & 0xffff) - 1;
			if (id < d->nslots && tmpl_equal(&d->slot[id], t))
				return (int)id;   /* (a slot of ours, if any, goes unused) */
		}
		if (v) {
			i++;
			continue;
		}
		if (mine < 0 && (mine = dict_add(d, t)) < 0)
			return -1;
		if (__atomic_compare_exchange_n(e, &v, tag << 16 | (uint32_t)(mine + 1), false,
						__ATOMIC_RELEASE, __ATOMIC_RELAXED))
			return mine;
		/* another thread took the entry: look at what it put there */
	}
	return -1;
}

int bpf_dict_intern(void *area, const struct bpf_tmpl *t)
{
	return t->cmd_raw & LIBBPF_TMPL_TAG ? -1 : dict_intern(area, t);
}

_Static_assert(sizeof(struct libbpf_tmpl) == sizeof(struct bpf_tmpl), "one slot size");

int libbpf_dict_intern(void *area, const struct libbpf_tmpl *t)
{
	struct bpf_tmpl slot;

	memcpy(&slot, t, sizeof(slot));
	return dict_intern(area, &slot);
}

bool libbpf_hot_fits(const struct bpf_event_env *env, const struct libbpf_call *c)
{
	return c->ret >= INT32_MIN && c->ret <= INT32_MAX && c->err >= 0 && c->err <= UINT16_MAX &&
	       c->nsys <= UINT16_MAX && c->nfail <= UINT16_MAX && env->dur_ns <= UINT32_MAX &&
	       env->wall_ns <= UINT32_MAX &&
	       (!env->parent || (env->parent <= env->seq && env->seq - env->parent <= UINT32_MAX));
}

bool libbpf_hot_ok(const struct bpf_event_env *env, const struct libbpf_call *c)
{
	return !env->stack && c->id < LF_COUNT && libbpf_func_offline_ok(c->id) && !c->missing &&
	       !c->injected && libbpf_hot_fits(env, c);
}

bool libbpf_tmpl_make(struct libbpf_tmpl *t, const struct bpf_event_env *env,
		      const struct libbpf_call *c)
{
	unsigned n;

	if (!libbpf_hot_ok(env, c))
		return false;
	memset(t, 0, sizeof(*t));
	t->tag = LIBBPF_TMPL_TAG | c->id;
	/* The function's own arguments only: the shim's wrappers take six
	 * registers, and past a function's last argument they hold whatever
	 * the caller left there.  A template with them missed its thread's
	 * cache and the dictionary on 2 calls in 3 of lookup_bench --libbpf
	 * (and took a new slot each time). */
	n = libbpf_func_nargs(c->id);
	memcpy(t->args, c->args, (n < 6 ? n : 6) * sizeof(t->args[0]));
	return true;
}

void libbpf_hot_pack(struct libbpf_rec_hot *r, const struct bpf_event_env *env,
		     const struct libbpf_call *c, int id)
{
	r->seq = env->seq;
	r->ts = env->ts;
	r->dur_ns = (uint32_t)env->dur_ns;
	r->wall_ns = (uint32_t)env->wall_ns;
	r->parent_back = env->parent ? (uint32_t)(env->seq - env->parent) : 0;
	r->tid = env->tid;
	r->ret = (int32_t)c->ret;
	r->tmpl = (uint16_t)id;
	r->err = (uint16_t)c->err;
	r->nsys = (uint16_t)c->nsys;
	r->nfail = (uint16_t)c->nfail;
}

/* The dictionary slot @id of a hot record, copied out (the file is shared
 * memory), or false when it is not there. */
static bool dict_slot(const struct bpf_render_ctx *x, uint32_t id, struct bpf_tmpl *t)
{
	const struct bpf_dict *d = x->dict;

	if (!d || __atomic_load_n(&d->magic, __ATOMIC_ACQUIRE) != DICT_MAGIC ||
	    id >= dict_slots(x->dict_len) || id >= d->nslots ||
	    __atomic_load_n(&d->slot[id].ready, __ATOMIC_ACQUIRE) != BPF_TMPL_READY)
		return false;
	*t = d->slot[id];
	return true;
}

/* A BPF_REC_LIBBPF_HOT into @env and @c; false when malformed. */
/* The function and arguments of libbpf template @id into @c, the rest
 * zero; false when the slot is no libbpf template. */
static bool unpack_libbpf_tmpl(struct bpf_render_ctx *x, uint16_t id, struct libbpf_call *c)
{
	struct libbpf_tmpl t;
	struct bpf_tmpl slot;

	if (!dict_slot(x, id, &slot))
		return false;
	memcpy(&t, &slot, sizeof(t));
	if (!(t.tag & LIBBPF_TMPL_TAG) || (t.tag & ~LIBBPF_TMPL_TAG) >= LF_COUNT)
		return false;
	memset(c, 0, sizeof(*c));
	c->id = t.tag & ~LIBBPF_TMPL_TAG;
	memcpy(c->args, t.args, sizeof(t.args));
	return true;
}

/* A BPF_REC_LIBBPF_HOT as its call (the context's, until the next) and
 * @env; NULL when malformed. */
static struct libbpf_call *unpack_libbpf_hot(struct bpf_render_ctx *x, const void *rec,
					     size_t len, struct bpf_event_env *env)
{
	const struct libbpf_rec_hot *r = rec;
	struct libbpf_call *c = &x->lhot;

	if (len < sizeof(*r))
		return NULL;
	if (x->lhot_tmpl != r->tmpl + 1u) {
		x->lhot_tmpl = 0;
		if (!unpack_libbpf_tmpl(x, r->tmpl, c))
			return NULL;
		x->lhot_tmpl = r->tmpl + 1u;
	}
	c->ret = r->ret;
	c->err = r->err;
	c->nsys = r->nsys;
	c->nfail = r->nfail;
	env->seq = r->seq;
	env->ts = r->ts;
	env->dur_ns = r->dur_ns;
	env->wall_ns = r->wall_ns;
	env->parent = r->parent_back ? r->seq - r->parent_back : 0;
	env->pid = ((const struct bpf_dict *)x->dict)->pid;
	env->tid = r->tid;
	env->comm = "";
	env->stack = NULL;
	return c;
}

size_t bpf_hot_size(const struct bpf_tmpl *t)
{
	return HOT_HEAD + t->blob_used;
}

void bpf_hot_pack_parts(void *dst, const struct bpf_event_env *env, int64_t ret, int err,
			uint64_t parent, int id, const void *data, size_t len)
{
	struct bpf_rec_hot *r = dst;

	r->seq = env->seq;
	r->ts = env->ts;
	r->dur_ns = (uint32_t)env->dur_ns;
	r->tid = env->tid;
	r->ret = (int32_t)ret;
	r->tmpl = (uint16_t)id;
	r->err = (uint16_t)err;
	r->parent_back = parent ? (uint32_t)(env->seq - parent) : 0;
	if (len)
		memcpy(r->data, data, len);
}

void bpf_hot_pack(void *dst, const struct bpf_call *c, const struct bpf_event_env *env,
		  const struct bpf_tmpl *t, int id)
{
	bpf_hot_pack_parts(dst, env, c->ret, c->err, c->parent, id, c->blob_data, t->blob_used);
}

/* The template's part of a hot record's call: @c as every record of
 * template @id has it; false when the template is malformed or absent. */
static bool unpack_tmpl(struct bpf_render_ctx *x, uint16_t id, struct bpf_call *c)
{
	struct bpf_tmpl t;
	uint32_t i;

	if (!dict_slot(x, id, &t))
		return false;
	if ((t.cmd_raw & LIBBPF_TMPL_TAG) || t.pre_len > BPF_ATTR_SNAP || t.nblobs > BPF_TMPL_BLOBS ||
	    t.blob_used > BPF_BLOB_BYTES)
		return false;
	for (i = 0; i < t.nblobs; i++)
		if ((uint32_t)t.blobs[i].off + t.blobs[i].len > t.blob_used)
			return false;
	memset(c, 0, offsetof(struct bpf_call, pre));
	c->cmd_raw = t.cmd_raw;
	c->cmd = t.cmd_raw & ~BPF_COMMON_ATTRS_BIT;
	c->attr_addr = t.attr_addr;
	c->size = t.size;
	c->pre_len = t.pre_len;
	c->pre_err = 0;
	c->tail_nonzero_off = 0;
	c->tail_unreadable = false;
	memset(c->pre, 0, t.pre_len);
	memcpy(c->pre, t.pre, t.pre_len < BPF_TMPL_ATTR ? t.pre_len : BPF_TMPL_ATTR);
	c->have_post = t.flags & BPF_REC_HAVE_POST;
	c->post_len = c->have_post ? t.pre_len : 0;
	memcpy(c->post, c->pre, c->post_len);
	c->nblobs = t.nblobs;
	c->blob_used = t.blob_used;
	memcpy(c->blobs, t.blobs, t.nblobs * sizeof(t.blobs[0]));
	memset(&c->facts, 0, sizeof(c->facts));
	c->facts.flags = t.facts_flags;
	c->info_kind = 0;
	return true;
}

/* A BPF_REC_HOT as its call (the context's, until the next) and @env;
 * NULL when either is malformed (or the template is not there). */
static struct bpf_call *unpack_hot(struct bpf_render_ctx *x, const void *rec, size_t len,
				   struct bpf_event_env *env)
{
	const struct bpf_rec_hot *r = rec;
	const struct bpf_dict *d = x->dict;
	struct bpf_call *c = &x->hot;

	if (len < HOT_HEAD)
		return NULL;
	if (x->hot_tmpl != r->tmpl + 1u) {
		x->hot_tmpl = 0;
		if (!unpack_tmpl(x, r->tmpl, c))
			return NULL;
		x->hot_tmpl = r->tmpl + 1u;
	}
	if (len < HOT_HEAD + c->blob_used)
		return NULL;
	c->ret = r->ret;
	c->err = r->err;
	memcpy(c->blob_data, r->data, c->blob_used);
	c->nnotes = 0;
	env->seq = r->seq;
	env->ts = r->ts;
	env->dur_ns = r->dur_ns;
	env->wall_ns = 0;
	env->parent = r->parent_back ? r->seq - r->parent_back : 0;
	env->pid = d->pid;
	env->tid = r->tid;
	env->comm = "";
	env->stack = NULL;
	return c;
}

struct bpf_render_ctx *bpf_render_ctx_new(void)
{
	return calloc(1, sizeof(struct bpf_render_ctx));
}

void bpf_render_ctx_free(struct bpf_render_ctx *x)
{
	if (x) {
		bpf_sym_table_free(x->syms);
		free(x->memo);
		free(x->cmemo);
		free(x->lmemo);
		free(x->copies);
	}
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
	x->fds_tmpl = 0;   /* another spool, another dictionary */
	x->hot_tmpl = 0;
	x->lhot_tmpl = 0;
	x->fd_epoch++;   /* what the memo kept was another spool's */
	if (x->syms)
		bpf_sym_table_reset(x->syms);
	if (x->hooks.reset)
		x->hooks.reset(x->hooks.u);
}

void bpf_render_ctx_begin(void *vx, const void *dict, size_t len)
{
	struct bpf_render_ctx *x = vx;

	bpf_render_ctx_reset(x);
	x->dict = dict;
	x->dict_len = dict ? len : 0;
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
	c->info_kind = 0;
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

/* The notes the shim would have taken live, from the fds spooled so far;
 * @tmpl: a hot record's template slot + 1 (0: none), whose fds are kept
 * (bpf_call_fds() took ~125 instructions a lookup's line). */
static void notes_from_ctx(struct bpf_render_ctx *x, struct bpf_call *c, uint32_t tmpl)
{
	int32_t own[BPF_FD_NOTES];
	const int32_t *fds = own;
	unsigned n, i;

	if (tmpl && x->fds_tmpl == tmpl) {
		fds = x->fds;
		n = x->nfds;
	} else {
		n = bpf_call_fds(c, own, BPF_FD_NOTES);
		if (tmpl) {
			memcpy(x->fds, own, n * sizeof(own[0]));
			x->nfds = n;
			x->fds_tmpl = tmpl;
		}
	}
	for (i = 0; i < n; i++) {
		if (fds[i] < 0 || fds[i] >= CTX_FDS || x->fd[fds[i]].kind == OBJ_UNKNOWN)
			continue;
		c->notes[c->nnotes] = x->fd[fds[i]];
		c->notes[c->nnotes++].fd = fds[i];
	}
}

struct libbpf_memo_call {
	struct libbpf_memo *m;
	uint16_t tmpl;
	uint32_t epoch;
};

static void memo_libbpf_body(void *ctx, struct jsonw *w, const struct libbpf_call *c,
			     const struct decode_opts *o)
{
	const struct libbpf_memo_call *mc = ctx;
	struct libbpf_memo *m = mc->m;
	size_t before = w->len, n;
	uint32_t first = w->first;
	int depth = w->depth;

	if (m->valid && m->tmpl == mc->tmpl && m->ret == c->ret && m->err == c->err &&
	    m->nsys == c->nsys && m->nfail == c->nfail && m->epoch == mc->epoch &&
	    m->first_before == first &&
	    m->depth == depth && !w->bad && !w->npend) {
		jw_raw(w, m->bytes, m->len);
		w->first = m->first_after;
		return;
	}
	libbpf_render_body(w, c, o);
	n = w->len - before;
	m->valid = !jw_overflowed(w) && !w->bad && !w->npend && w->depth == depth &&
		   n <= LIBBPF_MEMO_BYTES;
	if (!m->valid)
		return;
	memcpy(m->bytes, w->buf + before, n);
	m->len = (uint16_t)n;
	m->tmpl = mc->tmpl;
	m->ret = c->ret;
	m->err = c->err;
	m->nsys = c->nsys;
	m->nfail = c->nfail;
	m->epoch = mc->epoch;
	m->depth = depth;
	m->first_before = first;
	m->first_after = w->first;
}

/* The way of the libbpf memo for template @tmpl and @c's outcome. */
static struct libbpf_memo *libbpf_way(struct bpf_render_ctx *x, uint16_t tmpl,
				      const struct libbpf_call *c)
{
	unsigned k = c->ret >= 0 ? 0 : c->err == ENOENT ? 1 : 2;

	if (!x->lmemo)
		x->lmemo = calloc(MEMO_WAYS, sizeof(*x->lmemo));
	return x->lmemo ? &x->lmemo[(tmpl * 3u + k) & (MEMO_WAYS - 1)] : NULL;
}

static size_t render_libbpf(struct bpf_render_ctx *x, uint32_t type, const void *rec,
			    size_t len, char *out, size_t cap)
{
	struct libbpf_memo_call mc = { NULL, 0, x->fd_epoch };
	const size_t fixed = sizeof(struct libbpf_record);
	struct unpacked_stack u;
	struct bpf_rec_thread *t;
	struct bpf_event_env env;
	struct libbpf_call own, *c = &own;
	struct decode_opts o;
	struct jsonw w;

	if (type == BPF_REC_LIBBPF_HOT) {
		if (!(c = unpack_libbpf_hot(x, rec, len, &env)) || !libbpf_func_offline_ok(c->id))
			return REC_BAD;
	} else {
		if (!libbpf_record_unpack(rec, len, &env, c) || !libbpf_func_offline_ok(c->id))
			return REC_BAD;
		env.stack = NULL;
		if (len > fixed &&
		    !unpack_stack(x, (const uint8_t *)rec + fixed, len - fixed, &u, &env))
			return REC_BAD;
	}
	t = tid_slot(x, env.tid, false);
	if (t)
		env.comm = t->comm;
	decode_opts_default(&o);
	o.offline = true;
	jw_init(&w, out, cap);
	if (type == BPF_REC_LIBBPF_HOT) {
		mc.tmpl = ((const struct libbpf_rec_hot *)rec)->tmpl;
		mc.m = libbpf_way(x, mc.tmpl, c);
	}
	libbpf_render_event_with(&w, &env, c, &o, mc.m ? memo_libbpf_body : NULL, &mc);
	return w.len;
}

/* --insns names maps by what their fds are: as the context knows them
 * (the shim learned every fd the instructions load before it spooled the
 * call), for the copies record being rendered on this thread. */
static __thread const struct bpf_render_ctx *t_notes;

static bool ctx_fd_note(int32_t fd, struct bpf_fd_note *out)
{
	const struct bpf_render_ctx *x = t_notes;

	if (!x || fd < 0 || fd >= CTX_FDS || x->fd[fd].kind == OBJ_UNKNOWN)
		return false;
	*out = x->fd[fd];
	out->fd = fd;
	return true;
}

/* The decode options a copies record was made under. */
static void copies_opts(const struct bpf_rec_copies *h, struct bpf_render_ctx *x,
			struct decode_opts *o)
{
	decode_opts_default(o);
	o->insns = h->insns;
	o->fd_note = h->insns ? ctx_fd_note : NULL;
	o->log_cap = h->log_cap;
	o->str_cap = h->str_cap;
	o->data_cap = h->data_cap;
	o->no_data = h->no_data;
	o->libbpf_ver = h->libbpf_ver;
	if (x->hooks.typer.render)
		o->typer = &x->hooks.typer;
}

/* The libbpf call of a BPF_REC_LIBBPF_COPIES (@len bytes at @p). */
static bool unpack_libbpf_copies(struct bpf_render_ctx *x, const uint8_t *p, size_t len,
				 struct bpf_event_env *env, struct libbpf_call *c,
				 struct unpacked_stack *u)
{
	const size_t fixed = sizeof(struct libbpf_record) + sizeof(*c);

	if (len < fixed || !libbpf_record_unpack(p, len, env, c))
		return false;
	memcpy(c, p + sizeof(struct libbpf_record), sizeof(*c));
	if (c->id >= LF_COUNT)
		return false;
	c->name[sizeof(c->name) - 1] = 0;
	return len == fixed || unpack_stack(x, p + fixed, len - fixed, u, env);
}

/*
 * A call rendered as the shim would have rendered it live, its reads of
 * the caller's memory answered from the record's copies (@type
 * BPF_REC_COPIES or BPF_REC_LIBBPF_COPIES).
 */
static size_t render_copies(struct bpf_render_ctx *x, uint32_t type, const void *rec,
			    size_t len, char *out, size_t cap)
{
	const struct bpf_rec_copies *h = rec;
	struct copies_src *s;
	struct unpacked_stack u;
	struct bpf_rec_thread *t;
	struct bpf_event_env env;
	struct libbpf_call lc;
	struct decode_opts o;
	struct bpf_call c;
	struct jsonw w;

	if (len < sizeof(*h) || h->call_len > len - sizeof(*h))
		return REC_BAD;
	if (type == BPF_REC_COPIES ? !unpack(x, h->bytes, h->call_len, &c, &env, &u) :
				     !unpack_libbpf_copies(x, h->bytes, h->call_len, &env, &lc, &u))
		return REC_BAD;
	s = x->copies;
	if (!s && !(s = x->copies = malloc(sizeof(*s))))
		return REC_BAD;
	if (!copies_regions(h, len, s))
		return REC_BAD;
	t = tid_slot(x, env.tid, false);
	if (t)
		env.comm = t->comm;
	copies_opts(h, x, &o);
	jw_init(&w, out, cap);
	mem_read_set_source(copies_read, s);
	mem_read_set_digest_source(copies_digest);
	t_notes = x;
	if (type == BPF_REC_COPIES) {
		notes_from_ctx(x, &c, 0);
		c.info_kind = h->info_kind;
		if (x->hooks.call)
			x->hooks.call(x->hooks.u, &c);
		o.no_check = c.facts.flags & BPF_FACT_NO_CHECK;
		bpf_render_event(&w, &env, &c, &o);
	} else {
		libbpf_render_event(&w, &env, &lc, &o);
	}
	t_notes = NULL;
	mem_read_set_source(NULL, NULL);
	if (type == BPF_REC_COPIES && x->hooks.line && !jw_overflowed(&w))
		return x->hooks.line(x->hooks.lu, out, w.len, cap);
	return w.len;
}

/* The way of the checks and call memos for template @tmpl and @c's
 * outcome (a hash map's lookups alternate hits and misses). */
static unsigned memo_index(uint16_t tmpl, const struct bpf_call *c)
{
	unsigned k = c->ret >= 0 ? 0 : c->err == ENOENT ? 1 : 2;

	return (tmpl * 3u + k) & (MEMO_WAYS - 1);
}

static struct checks_memo *memo_way(struct bpf_render_ctx *x, uint16_t tmpl,
				    const struct bpf_call *c)
{
	if (!x->memo)
		x->memo = calloc(MEMO_WAYS, sizeof(*x->memo));
	return x->memo ? &x->memo[memo_index(tmpl, c)] : NULL;
}

struct memo_call {
	struct checks_memo *m;      /* NULL: checks rendered afresh */
	struct call_memo *cm;
	uint16_t tmpl;
	uint32_t epoch;
};

static struct call_memo *call_way(struct bpf_render_ctx *x, uint16_t tmpl,
				  const struct bpf_call *c)
{
	if (!x->cmemo)
		x->cmemo = calloc(MEMO_WAYS, sizeof(*x->cmemo));
	return x->cmemo ? &x->cmemo[memo_index(tmpl, c)] : NULL;
}

/* Blob @tag of @c when render_blob() writes it as its hex alone. */
static const struct bpf_blob *plain_blob(const struct bpf_call *c, uint8_t tag)
{
	unsigned i;

	for (i = 0; i < c->nblobs && i < BPF_BLOB_MAX; i++) {
		const struct bpf_blob *b = &c->blobs[i];

		if (b->tag != tag)
			continue;
		if (b->stride || b->fault || b->len != b->full_len ||
		    (uint32_t)b->off + b->len > c->blob_used)
			return NULL;
		return b;
	}
	return NULL;
}

static uint32_t typer_gen(const struct decode_opts *o)
{
	return o->typer && o->typer->gen ? *o->typer->gen + 1 : 0;
}

/* Which pieces of a part just kept were their payload's hex alone: the
 * bytes render_blob() wrote end in `"` the digits `"`, and the typer
 * wrote nothing after them. */
static void find_plain(struct call_memo *m, const struct bpf_call *c)
{
	unsigned i;

	for (i = 0; i < m->sp.n; i++) {
		const struct bpf_splice *s = &m->sp.s[i];
		const struct bpf_blob *b = plain_blob(c, s->tag);
		size_t digits = b ? 2u * b->len : 0, at;
		char hex[2 * BPF_BLOB_BYTES + 1];
		struct jsonw h;

		m->plain[i].n = 0;
		if (!b || !b->len || s->mid != s->end || s->end - s->start < digits + 2)
			continue;
		at = s->end - 1 - digits;
		if (m->bytes[s->end - 1] != '"' || m->bytes[at - 1] != '"')
			continue;
		jw_init(&h, hex, sizeof(hex));
		jw_hex_digits(&h, c->blob_data + b->off, b->len);
		if (h.len != digits || memcmp(m->bytes + at, hex, digits))
			continue;
		m->plain[i].hex_at = (uint16_t)at;
		m->plain[i].n = b->len;
	}
}

/* The kept call part with this call's payload pieces; false when one of
 * them left the writer other than it found it (then rendered afresh). */
static bool replay_call(const struct call_memo *m, struct jsonw *w, const struct bpf_call *c,
			const struct decode_opts *o)
{
	size_t pos = 0;
	unsigned i;

	for (i = 0; i < m->sp.n; i++) {
		const struct bpf_splice *s = &m->sp.s[i];
		const struct bpf_blob *b;

		if (m->plain[i].n && (b = plain_blob(c, s->tag)) && b->len == m->plain[i].n) {
			/* the same key and writer state: only the digits differ */
			jw_raw(w, m->bytes + pos, m->plain[i].hex_at - pos);
			jw_hex_digits(w, c->blob_data + b->off, b->len);
			jw_raw(w, "\"", 1);
			w->depth = s->depth;
			w->first = s->first_after;
			pos = s->end;
			continue;
		}
		jw_raw(w, m->bytes + pos, s->start - pos);
		w->depth = s->depth;
		w->first = s->first_before;
		render_blob_typed(w, s->name, c, s->tag, o);
		if (w->first != s->first_after || w->depth != s->depth)
			return false;
		pos = s->end;
	}
	jw_raw(w, m->bytes + pos, m->len - pos);
	w->depth = m->depth;
	w->first = m->first_after;
	return true;
}

/*
 * Splices in order, within the part and each of them written: a writer
 * that took back what it wrote (an object left empty is dropped, struct
 * jsonw rewound) leaves splices that point past or into other bytes, and
 * only an empty one can be inside what is dropped.
 */
static bool splices_sound(const struct bpf_splices *sp, size_t from, size_t to)
{
	size_t at = from;
	unsigned i;

	for (i = 0; i < sp->n; i++) {
		const struct bpf_splice *s = &sp->s[i];

		if (s->start < at || s->end <= s->start || s->end > to || s->mid < s->start ||
		    s->mid > s->end)
			return false;
		at = s->end;
	}
	return true;
}

static void memo_call_part(void *ctx, struct jsonw *w, const struct bpf_call *c,
			   const struct decode_opts *o)
{
	const struct memo_call *mc = ctx;
	struct call_memo *m = mc->cm;
	struct jsonw save = *w;
	struct bpf_splices sp;
	size_t n;
	unsigned i;

	if (m->valid && m->tmpl == mc->tmpl && m->ret == c->ret && m->err == c->err &&
	    m->epoch == mc->epoch && m->typer_gen == typer_gen(o) &&
	    m->first_before == w->first && m->depth == w->depth) {
		if (replay_call(m, w, c, o))
			return;
		*w = save;
	}
	sp.n = 0;
	sp.bad = false;
	bpf_splices_record(&sp);
	bpf_render_call(w, c, o);
	bpf_splices_record(NULL);
	n = w->len - save.len;
	m->valid = !sp.bad && !jw_overflowed(w) && n <= CALL_MEMO_BYTES && w->depth == save.depth &&
		   splices_sound(&sp, save.len, w->len);
	if (!m->valid)
		return;
	memcpy(m->bytes, w->buf + save.len, n);
	m->len = (uint16_t)n;
	m->sp = sp;
	for (i = 0; i < sp.n; i++) {
		m->sp.s[i].start -= save.len;
		m->sp.s[i].mid -= save.len;
		m->sp.s[i].end -= save.len;
	}
	m->tmpl = mc->tmpl;
	m->ret = (int32_t)c->ret;
	m->err = c->err;
	m->epoch = mc->epoch;
	m->typer_gen = typer_gen(o);
	m->depth = save.depth;
	m->first_before = save.first;
	m->first_after = w->first;
	find_plain(m, c);
}

/* The checks of a hot call: the bytes kept from its template's last call
 * with the same outcome and fds, else rendered and kept. */
static void memo_checks(void *ctx, struct jsonw *w, const struct bpf_call *c,
			const struct decode_opts *o)
{
	const struct memo_call *mc = ctx;
	struct checks_memo *m = mc->m;
	uint32_t first = w->first;
	size_t before = w->len, n;

	if (m->valid && m->tmpl == mc->tmpl && m->ret == c->ret && m->err == c->err &&
	    m->epoch == mc->epoch && m->first_before == first) {
		jw_raw(w, m->bytes, m->len);
		w->first = m->first_after;
		return;
	}
	bpf_render_checks(w, c, o);
	n = w->len - before;
	m->valid = !jw_overflowed(w) && n <= MEMO_BYTES;
	if (!m->valid)
		return;
	memcpy(m->bytes, w->buf + before, n);
	m->len = (uint16_t)n;
	m->tmpl = mc->tmpl;
	m->ret = (int32_t)c->ret;
	m->err = c->err;
	m->epoch = mc->epoch;
	m->first_before = first;
	m->first_after = w->first;
}

size_t bpf_render_ctx_record(void *vx, uint32_t type, const void *rec, size_t len,
			     char *out, size_t cap)
{
	struct bpf_render_ctx *x = vx;
	struct unpacked_stack u;
	struct bpf_event_env env;
	struct memo_call mc;
	struct decode_opts o;
	struct bpf_call own, *c = &own;
	struct jsonw w;
	bool hot;

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
		x->fd_epoch++;
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
	if (type == BPF_REC_LIBBPF || type == BPF_REC_LIBBPF_HOT)
		return render_libbpf(x, type, rec, len, out, cap);
	if (type == BPF_REC_COPIES || type == BPF_REC_LIBBPF_COPIES)
		return render_copies(x, type, rec, len, out, cap);
	if (type == BPF_REC_HOT) {
		if (!(c = unpack_hot(x, rec, len, &env)))
			return REC_BAD;
	} else if (type != BPF_REC_CALL || !unpack(x, rec, len, c, &env, &u)) {
		return REC_BAD;
	}
	hot = type == BPF_REC_HOT;
	{
		struct bpf_rec_thread *t = tid_slot(x, env.tid, false);

		if (t)
			env.comm = t->comm;
	}
	notes_from_ctx(x, c, type == BPF_REC_HOT ? ((const struct bpf_rec_hot *)rec)->tmpl + 1u : 0);
	if (x->hooks.call)
		x->hooks.call(x->hooks.u, c);
	decode_opts_default(&o);
	o.offline = true;
	o.no_check = c->facts.flags & BPF_FACT_NO_CHECK;
	if (x->hooks.typer.render)
		o.typer = &x->hooks.typer;
	jw_init(&w, out, cap);
	if (hot) {
		mc.tmpl = ((const struct bpf_rec_hot *)rec)->tmpl;
		mc.epoch = x->fd_epoch;
		mc.m = !o.no_check && !bpf_checks_see_payload(c) ? memo_way(x, mc.tmpl, c) : NULL;
		mc.cm = call_way(x, mc.tmpl, c);
	}
	if (hot && mc.cm)
		bpf_render_event_hooks(&w, &env, c, &o, memo_call_part,
				       mc.m ? memo_checks : NULL, &mc);
	else if (hot && mc.m)
		bpf_render_event_with(&w, &env, c, &o, memo_checks, &mc);
	else
		bpf_render_event(&w, &env, c, &o);
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
