// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfspy diff OLD NEW: what changed between two runs of a loader.
 *
 * Pass 1 reads each trace once and keeps, per event, a hash of its normal
 * form (normalize.h: fds become the objects they name, ids, pointers,
 * times and pids are dropped), a hash of which call it is (command and
 * object), its flags and its byte offset: 40 bytes an event.  Processes
 * are paired by program name and rank.  Each pair's two sequences are
 * aligned with Myers' O((N+M)D) algorithm (linear space, middle snakes),
 * on the event hashes; the events left between two aligned ones are
 * paired by call, again with Myers, and what stays unpaired was added or
 * removed.  Pass 2 re-reads only the paired events that differ, to say
 * which fields changed.
 *
 * Processes are found by hash (pid, and name and rank for pairing), and
 * a process's per-fd names grow with the fds it uses, so memory and time
 * stay linear in events however many processes there are.
 *
 * Exit 0 when the runs are equivalent, 1 when they differ, 2 on error.
 */
#include <getopt.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "normalize.h"
#include "trace_read.h"

#define EXIT_DIFFERENT 1
#define MAX_DETAILS 2000        /* changes shown in full; the rest counted */
#define WORK_BUDGET 400000000ull /* Myers steps before giving up on alignment */
#define MAX_FD 65536

enum { F_PROBE = 1, F_FAILED = 2, F_LIBBPF = 4 };

struct dev {
	uint64_t h, key, off;
	int64_t seq;
	uint32_t flags;
};

struct fdbind {
	uint32_t idx;  /* valid from this event on */
	int32_t fd;
	uint32_t name;
};

struct dproc {
	char name[64];
	int64_t pid;
	unsigned nth;
	uint64_t start_ns;           /* its header's ts: when it was first seen */
	char *libbpf, *kernel;
	unsigned long lost;
	struct dev *v;
	size_t n, cap;
	uint32_t *fdname;            /* current name+1 per fd (pass 1) */
	uint32_t nfd;                /* fdname's length */
	struct fdbind *hist;
	size_t nhist, caphist;
	bool paired;
};

struct names {
	char **v;
	size_t n, cap;
	uint32_t *tab;               /* open addressing: index+1 */
	size_t tcap;
};

/* Processes by a 64-bit key (open addressing; the key only narrows the
 * search, a match function decides). */
struct pslot {
	uint64_t key;
	struct dproc *p;
};

struct ptab {
	struct pslot *v;
	size_t cap, n;
};

struct side {
	const char *path;
	FILE *f;
	struct dproc **procs;
	size_t n, cap;
	struct names names;
	struct ptab by_pid;          /* the newest image of each pid */
	struct ptab by_rank;         /* by name and rank, for pairing */
	struct names pnames;         /* program names... */
	unsigned *pcount;            /* ...and how many processes have each */
	size_t pcount_cap;
};

struct leaf {
	char *path, *val;
	enum norm_kind kind;
	bool outcome;
};

struct leaves {
	struct leaf *v;
	size_t n, cap;
};

struct field {
	const struct leaf *a, *b;
};

struct summary {
	unsigned long added, removed, changed, inputs, outcomes, probes, procs_added,
		procs_removed, details, context;
	struct json_object *maps, *progs;
	bool approximate;
};

struct diff {
	struct norm_opts o;
	bool json, color, libbpf;
	struct side old, new;
	struct summary s;
	struct json_object *jprocs;
	uint64_t work;
	struct norm_buf leaves;      /* pass 1: one event's leaves, serialised */
};

/* ---- names ----------------------------------------------------------------- */

static uint32_t name_id(struct names *t, const char *s)
{
	uint64_t h = norm_hash(s, strlen(s), 0);
	size_t i;

	if (t->n * 2 >= t->tcap) {
		size_t cap = t->tcap ? t->tcap * 2 : 256, j;
		uint32_t *tab = calloc(cap, sizeof(*tab));

		if (!tab)
			return 0;
		for (j = 0; j < t->tcap; j++) {
			uint32_t id = t->tab[j];

			if (!id)
				continue;
			i = norm_hash(t->v[id - 1], strlen(t->v[id - 1]), 0) & (cap - 1);
			while (tab[i])
				i = (i + 1) & (cap - 1);
			tab[i] = id;
		}
		free(t->tab);
		t->tab = tab;
		t->tcap = cap;
	}
	for (i = h & (t->tcap - 1); t->tab[i]; i = (i + 1) & (t->tcap - 1))
		if (!strcmp(t->v[t->tab[i] - 1], s))
			return t->tab[i];
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return 0;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n] = strdup(s);
	if (!t->v[t->n])
		return 0;
	t->tab[i] = (uint32_t)++t->n;
	return t->tab[i];
}

/* ---- processes by key --------------------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* The slot of the process @match accepts among those with @key, or the
 * empty slot where it would go. */
static struct pslot *ptab_slot(struct ptab *t, uint64_t key,
			       bool (*match)(const struct dproc *, const void *), const void *arg)
{
	size_t i;

	for (i = mix64(key) & (t->cap - 1); t->v[i].p; i = (i + 1) & (t->cap - 1))
		if (t->v[i].key == key && match(t->v[i].p, arg))
			break;
	return &t->v[i];
}

/* Room for one more: at most half full. */
static int ptab_reserve(struct ptab *t)
{
	struct pslot *v, *old = t->v;
	size_t cap, i, j;

	if ((t->n + 1) * 2 <= t->cap)
		return 0;
	cap = t->cap ? t->cap * 2 : 64;
	v = calloc(cap, sizeof(*v));
	if (!v)
		return -1;
	for (i = 0; i < t->cap; i++) {
		if (!old[i].p)
			continue;
		for (j = mix64(old[i].key) & (cap - 1); v[j].p; j = (j + 1) & (cap - 1))
			;
		v[j] = old[i];
	}
	free(old);
	t->v = v;
	t->cap = cap;
	return 0;
}

static bool same_pid(const struct dproc *p, const void *pid)
{
	return p->pid == *(const int64_t *)pid;
}

static bool same_rank(const struct dproc *p, const void *other)
{
	const struct dproc *o = other;

	return p->nth == o->nth && !strcmp(p->name, o->name);
}

static uint64_t rank_key(const struct dproc *p)
{
	return norm_hash(p->name, strlen(p->name), 0) ^ mix64(p->nth + 1);
}

/* The process of the other side with @p's name and rank, or NULL. */
static struct dproc *same_rank_in(struct side *sd, const struct dproc *p)
{
	if (!sd->by_rank.cap)
		return NULL;
	return ptab_slot(&sd->by_rank, rank_key(p), same_rank, p)->p;
}

/* How many processes named @name came before: its rank. */
static int next_rank(struct side *sd, const char *name, unsigned *nth)
{
	uint32_t id = name_id(&sd->pnames, name);

	if (!id)
		return -1;
	if (id > sd->pcount_cap) {
		size_t cap = sd->pcount_cap ? sd->pcount_cap * 2 : 64;
		unsigned *v = realloc(sd->pcount, cap * sizeof(*v));

		if (!v)
			return -1;
		memset(v + sd->pcount_cap, 0, (cap - sd->pcount_cap) * sizeof(*v));
		sd->pcount = v;
		sd->pcount_cap = cap;
	}
	*nth = sd->pcount[id - 1]++;
	return 0;
}

/* ---- pass 1 ------------------------------------------------------------------ */

static struct dproc *dproc_new(struct side *sd, int64_t pid, const char *name)
{
	struct dproc *p;
	struct pslot *slot;

	if (sd->n == sd->cap) {
		size_t cap = sd->cap ? sd->cap * 2 : 8;
		struct dproc **v = realloc(sd->procs, cap * sizeof(*v));

		if (!v)
			return NULL;
		sd->procs = v;
		sd->cap = cap;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	copy_text(p->name, sizeof(p->name), name ? name : "?");
	if (next_rank(sd, p->name, &p->nth) || ptab_reserve(&sd->by_pid) ||
	    ptab_reserve(&sd->by_rank)) {
		free(p);
		return NULL;
	}
	slot = ptab_slot(&sd->by_pid, (uint64_t)pid, same_pid, &pid);
	sd->by_pid.n += !slot->p;
	*slot = (struct pslot){ (uint64_t)pid, p };   /* a new image replaces the old */
	slot = ptab_slot(&sd->by_rank, rank_key(p), same_rank, p);
	sd->by_rank.n++;
	*slot = (struct pslot){ rank_key(p), p };
	sd->procs[sd->n++] = p;
	return p;
}

static struct dproc *dproc_of(struct side *sd, int64_t pid, const char *comm)
{
	struct dproc *p = NULL;

	if (sd->by_pid.cap)
		p = ptab_slot(&sd->by_pid, (uint64_t)pid, same_pid, &pid)->p;
	return p ? p : dproc_new(sd, pid, comm);
}

static void on_header(struct side *sd, struct json_object *o)
{
	const char *exe = trace_get_str(o, "exe"), *slash = exe ? strrchr(exe, '/') : NULL;
	struct dproc *p = dproc_new(sd, trace_get_int(o, "pid", 0), slash ? slash + 1 : exe);
	struct json_object *ts;
	const char *s;

	if (!p)
		return;
	/* the readers' parser: a float's cast of a hostile "-7961..." was
	 * undefined behaviour (fuzz_read, read-seeds/negative-header-ts) */
	if (json_object_object_get_ex(o, "ts", &ts))
		p->start_ns = trace_ts(ts);
	if ((s = trace_get_str(o, "libbpf")))
		p->libbpf = strdup(s);
	if ((s = trace_get_str(o, "kernel")))
		p->kernel = strdup(s);
}

static const char *resolve_now(void *ctx, int64_t fd)
{
	struct side *sd = ((void **)ctx)[0];
	struct dproc *p = ((void **)ctx)[1];

	if (fd < 0 || fd >= p->nfd || !p->fdname[fd])
		return NULL;
	return sd->names.v[p->fdname[fd] - 1];
}

static int bind(struct side *sd, struct dproc *p, int64_t fd, const char *name)
{
	uint32_t id;

	if (fd < 0 || fd >= MAX_FD)
		return 0;
	if (fd >= p->nfd) {          /* grown to the fds the process uses */
		uint32_t n = p->nfd ? p->nfd : 16;
		uint32_t *v;

		while (n <= fd)
			n *= 2;
		v = realloc(p->fdname, n * sizeof(*v));
		if (!v)
			return -1;
		memset(v + p->nfd, 0, (n - p->nfd) * sizeof(*v));
		p->fdname = v;
		p->nfd = n;
	}
	id = name_id(&sd->names, name);
	if (!id)
		return -1;
	if (p->fdname[fd] == id)
		return 0;
	p->fdname[fd] = id;
	if (p->nhist == p->caphist) {
		size_t cap = p->caphist ? p->caphist * 2 : 4;
		struct fdbind *h = realloc(p->hist, cap * sizeof(*h));

		if (!h)
			return -1;
		p->hist = h;
		p->caphist = cap;
	}
	p->hist[p->nhist++] = (struct fdbind){ (uint32_t)p->n, (int32_t)fd, id };
	return 0;
}

/* What the event's "fds" say the process's fds are from now on. */
static int learn_fds(struct side *sd, struct dproc *p, struct json_object *ev)
{
	struct json_object *fds = trace_get(ev, "fds");
	char name[160];

	if (!fds || !json_object_is_type(fds, json_type_object))
		return 0;
	json_object_object_foreach(fds, k, v) {
		if (norm_fd_name(v, name, sizeof(name)) && bind(sd, p, strtoll(k, NULL, 10), name))
			return -1;
	}
	return 0;
}

static int add_event(struct diff *d, struct side *sd, struct json_object *ev, uint64_t off)
{
	const char *what = trace_get_str(ev, "cmd");
	struct dproc *p;
	struct dev *e;
	char label[160];
	void *rctx[2];

	if (!what)
		what = trace_get_str(ev, "func");
	p = dproc_of(sd, trace_get_int(ev, "pid", 0), trace_get_str(ev, "comm"));
	if (!p || !what)
		return p ? 0 : -1;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 4;
		struct dev *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	rctx[0] = sd;
	rctx[1] = p;
	d->leaves.len = 0;
	norm_event(ev, &d->o, resolve_now, rctx, norm_buf_leaf, &d->leaves);
	e = &p->v[p->n];
	e->h = norm_hash(d->leaves.p, d->leaves.len, 0);
	norm_label(ev, label, sizeof(label));
	e->key = norm_hash(label, strlen(label), norm_hash(what, strlen(what), 0));
	e->off = off;
	e->seq = trace_get_int(ev, "seq", 0);
	e->flags = (trace_get(ev, "probe") ? F_PROBE : 0) | (norm_failed(ev) ? F_FAILED : 0) |
		   (trace_get_str(ev, "func") ? F_LIBBPF : 0);
	p->n++;
	return learn_fds(sd, p, ev);
}

static int by_name_start(const void *a, const void *b)
{
	const struct dproc *p = *(struct dproc *const *)a, *q = *(struct dproc *const *)b;
	int c = strcmp(p->name, q->name);

	if (c)
		return c;
	if (p->start_ns != q->start_ns)
		return p->start_ns < q->start_ns ? -1 : 1;
	return p->nth < q->nth ? -1 : p->nth > q->nth;
}

/*
 * Ranks by start, not by where a process's lines are: a collector writes
 * each process's events as they come, a post-mortem tracer at its exit,
 * and the same run must pair the same way from either.
 */
static int rerank(struct side *sd)
{
	struct dproc **v;
	size_t i;

	if (!sd->n)
		return 0;
	v = malloc(sd->n * sizeof(*v));
	if (!v)
		return -1;
	memcpy(v, sd->procs, sd->n * sizeof(*v));
	qsort(v, sd->n, sizeof(*v), by_name_start);
	for (i = 0; i < sd->n; i++)
		v[i]->nth = i && !strcmp(v[i - 1]->name, v[i]->name) ? v[i - 1]->nth + 1 : 0;
	free(v);
	if (sd->by_rank.cap)
		memset(sd->by_rank.v, 0, sd->by_rank.cap * sizeof(*sd->by_rank.v));
	sd->by_rank.n = 0;
	for (i = 0; i < sd->n; i++) {
		struct pslot *slot = ptab_slot(&sd->by_rank, rank_key(sd->procs[i]), same_rank,
					       sd->procs[i]);

		sd->by_rank.n++;
		*slot = (struct pslot){ rank_key(sd->procs[i]), sd->procs[i] };
	}
	return 0;
}

static int read_side(struct diff *d, struct side *sd, bool lenient)
{
	char *paths[1] = { (char *)sd->path };
	struct trace_set *s;
	struct trace_line l;
	int r = 0;

	sd->f = strcmp(sd->path, "-") ? fopen(sd->path, "re") : NULL;
	if (!sd->f && strcmp(sd->path, "-")) {
		die_msg("%s: %s", sd->path, errno == ENOENT ? "no such file" : strerror(errno));
		return -1;
	}
	if (!sd->f || fseeko(sd->f, 0, SEEK_SET)) {
		die_msg("%s: cannot be read twice (diff needs files, not pipes)", sd->path);
		return -1;
	}
	s = trace_open(paths, 1, lenient);
	if (!s)
		return -1;
	while (r >= 0 && (r = trace_next(s, &l)) > 0) {
		if (!strcmp(l.event, "header")) {
			on_header(sd, l.obj);
		} else if (!strcmp(l.event, "bpf") || (d->libbpf && !strcmp(l.event, "libbpf"))) {
			if (add_event(d, sd, l.obj, l.off) < 0) {
				die_msg("out of memory");
				r = -1;
			}
		} else if (!strcmp(l.event, "layer")) {
			struct dproc *p = dproc_of(sd, trace_get_int(l.obj, "pid", 0), NULL);
			char *v = p ? trace_libbpf_layer(p->libbpf, l.obj) : NULL;

			if (v) {
				free(p->libbpf);
				p->libbpf = v;
			}
		} else if (!strcmp(l.event, "lost")) {
			struct dproc *p = dproc_of(sd, trace_get_int(l.obj, "pid", 0), NULL);

			if (p)
				p->lost += (unsigned long)trace_get_int(l.obj, "count", 0);
		}
	}
	trace_close(s);
	if (r >= 0 && rerank(sd)) {
		die_msg("out of memory");
		r = -1;
	}
	return r < 0 ? -1 : 0;
}

/* True when the first line of @path is a header of a trace made with
 * --insns (every process of one run is). */
static bool made_with_insns(const char *path)
{
	char line[8192];
	FILE *f = fopen(path, "re");
	bool yes = false;

	if (f && fgets(line, sizeof(line), f))
		yes = strstr(line, "\"event\":\"header\"") && strstr(line, "\"insns\":true");
	if (f)
		fclose(f);
	return yes;
}

/* ---- alignment ----------------------------------------------------------------- */

struct seqs {
	const uint64_t *a, *b;
	int32_t *ma;                 /* ma[i]: the b matched with a[i], or -1 */
	int32_t *vf, *vb;            /* indexed by diagonal + off */
	int64_t off;
	uint64_t *work;
	bool *approx;
};

struct snake {
	int64_t x, y, u, v, d;
};

/* Myers' middle snake of a[0..n) and b[0..m) (offsets applied by the caller). */
static void middle_snake(struct seqs *s, const uint64_t *a, int64_t n, const uint64_t *b,
			 int64_t m, struct snake *out)
{
	int64_t delta = n - m, max = (n + m + 1) / 2, d, k, x, y, xs;
	bool odd = delta & 1;
	int32_t *vf = s->vf + s->off, *vb = s->vb + s->off;

	vf[1] = 0;
	vb[1] = 0;
	for (d = 0; d <= max; d++) {
		for (k = -d; k <= d; k += 2) {
			x = (k == -d || (k != d && vf[k - 1] < vf[k + 1])) ? vf[k + 1] : vf[k - 1] + 1;
			y = x - k;
			xs = x;
			while (x < n && y < m && a[x] == b[y])
				x++, y++;
			vf[k] = (int32_t)x;
			*s->work += (uint64_t)(x - xs) + 1;
			if (odd && delta - k >= -(d - 1) && delta - k <= d - 1 &&
			    vf[k] + vb[delta - k] >= n) {
				*out = (struct snake){ xs, xs - k, x, y, 2 * d - 1 };
				return;
			}
		}
		for (k = -d; k <= d; k += 2) {
			x = (k == -d || (k != d && vb[k - 1] < vb[k + 1])) ? vb[k + 1] : vb[k - 1] + 1;
			y = x - k;
			xs = x;
			while (x < n && y < m && a[n - 1 - x] == b[m - 1 - y])
				x++, y++;
			vb[k] = (int32_t)x;
			*s->work += (uint64_t)(x - xs) + 1;
			if (!odd && delta - k >= -d && delta - k <= d && vb[k] + vf[delta - k] >= n) {
				*out = (struct snake){ n - x, m - y, n - xs, m - (xs - k), 2 * d };
				return;
			}
		}
	}
	*out = (struct snake){ 0, 0, 0, 0, n + m };  /* not reached */
}

static void align(struct seqs *s, int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
	struct snake sn;
	int64_t i;

	while (a0 < a1 && b0 < b1 && s->a[a0] == s->b[b0])
		s->ma[a0++] = (int32_t)b0++;
	while (a0 < a1 && b0 < b1 && s->a[a1 - 1] == s->b[b1 - 1])
		s->ma[--a1] = (int32_t)--b1;
	if (a0 == a1 || b0 == b1)
		return;
	if (*s->work > WORK_BUDGET) {
		*s->approx = true;   /* too different: the rest is a replacement */
		return;
	}
	middle_snake(s, s->a + a0, a1 - a0, s->b + b0, b1 - b0, &sn);
	align(s, a0, a0 + sn.x, b0, b0 + sn.y);
	for (i = 0; i < sn.u - sn.x; i++)
		s->ma[a0 + sn.x + i] = (int32_t)(b0 + sn.y + i);
	align(s, a0 + sn.u, a1, b0 + sn.v, b1);
}

/* Match a[0..n) with b[0..m): ma[i] = j or -1. */
static int lcs(struct diff *d, const uint64_t *a, int64_t n, const uint64_t *b, int64_t m,
	       int32_t *ma)
{
	struct seqs s = { .a = a, .b = b, .ma = ma, .work = &d->work, .approx = &d->s.approximate };
	int64_t i;

	for (i = 0; i < n; i++)
		ma[i] = -1;
	s.off = n + m + 2;
	s.vf = calloc((size_t)(2 * s.off + 2), sizeof(int32_t));
	s.vb = calloc((size_t)(2 * s.off + 2), sizeof(int32_t));
	if (!s.vf || !s.vb) {
		free(s.vf);
		free(s.vb);
		return -1;
	}
	align(&s, 0, n, 0, m);
	free(s.vf);
	free(s.vb);
	return 0;
}

/* ---- pass 2: field by field ----------------------------------------------------- */

struct at {
	struct side *sd;
	struct dproc *p;
	uint32_t idx;
};

/* The name of @fd as of event idx: the last binding made before it. */
static const char *resolve_at(void *ctx, int64_t fd)
{
	struct at *at = ctx;
	size_t i;

	for (i = at->p->nhist; i > 0; i--) {
		const struct fdbind *b = &at->p->hist[i - 1];

		if (b->fd == fd && b->idx <= at->idx)
			return at->sd->names.v[b->name - 1];
	}
	return NULL;
}

static void collect(void *ctx, const char *path, enum norm_kind kind, const char *val,
		    size_t len, bool outcome)
{
	struct leaves *l = ctx;
	struct leaf *f;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct leaf *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return;
		l->v = v;
		l->cap = cap;
	}
	f = &l->v[l->n++];
	f->path = strdup(path);
	f->val = strndup(val, len);
	f->kind = kind;
	f->outcome = outcome;
}

static void leaves_free(struct leaves *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].val);
	}
	free(l->v);
}

static struct json_object *reread(struct side *sd, uint64_t off)
{
	struct json_tokener *tok;
	struct json_object *o = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (fseeko(sd->f, (off_t)off, SEEK_SET))
		return NULL;
	n = getline(&line, &cap, sd->f);
	tok = json_tokener_new();
	if (n > 0 && tok)
		o = json_tokener_parse_ex(tok, line, (int)n);
	if (tok)
		json_tokener_free(tok);
	free(line);
	/* a line that reads as JSON but not as an event (a number, a string:
	 * fuzz_read found one) is no event to walk */
	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

/* The normal form of event @i of @p, re-read; NULL object on failure. */
static struct json_object *leaves_of(struct diff *d, struct side *sd, struct dproc *p,
				     size_t i, struct leaves *out)
{
	struct at at = { sd, p, (uint32_t)i };
	struct json_object *ev = reread(sd, p->v[i].off);

	memset(out, 0, sizeof(*out));
	if (ev)
		norm_event(ev, &d->o, resolve_at, &at, collect, out);
	return ev;
}

static const struct leaf *find_leaf(const struct leaves *l, const char *path)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].path, path))
			return &l->v[i];
	return NULL;
}

static bool same_leaf(const struct leaf *a, const struct leaf *b)
{
	return a && b && a->kind == b->kind && !strcmp(a->val, b->val);
}

/* ---- output ---------------------------------------------------------------------- */

static const char *col(const struct diff *d, const char *code)
{
	return d->color ? code : "";
}

static struct json_object *leaf_json(const struct leaf *l)
{
	if (!l)
		return NULL;
	switch (l->kind) {
	case NV_NULL:
		return NULL;
	case NV_BOOL:
		return json_object_new_boolean(!strcmp(l->val, "true"));
	case NV_NUM:
		return json_object_new_int64(strtoll(l->val, NULL, 10));
	default:
		return json_object_new_string(l->val);
	}
}

/* A value as shown: strings quoted, at most 32 characters. */
static const char *leaf_text(const struct leaf *l, char *buf, size_t cap)
{
	size_t n;

	if (!l)
		return "(absent)";
	if (l->kind != NV_STR)
		return l->val;
	n = strlen(l->val);
	if (n > 30)
		snprintf(buf, cap, "\"%.29s~\"", l->val);
	else
		snprintf(buf, cap, "\"%s\"", l->val);
	return buf;
}

static void field_out(struct diff *d, struct json_object *arr, const struct leaf *a,
		      const struct leaf *b)
{
	const char *path = a ? a->path : b->path;
	char b1[40], b2[40];

	if (d->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "field", json_object_new_string(path));
		if (a)
			json_object_object_add(o, "old", leaf_json(a));
		if (b)
			json_object_object_add(o, "new", leaf_json(b));
		json_object_array_add(arr, o);
		return;
	}
	printf("      %s: %s -> %s\n", path, leaf_text(a, b1, sizeof(b1)),
	       leaf_text(b, b2, sizeof(b2)));
}

/* Compare two lists of leaves: fills @in / @out with the changed fields. */
static void compare(struct diff *d, const struct leaves *a, const struct leaves *b,
		    struct json_object *in, struct json_object *out, int *nin, int *nout)
{
	size_t i;

	*nin = *nout = 0;
	for (i = 0; i < a->n; i++) {
		const struct leaf *x = &a->v[i], *y = find_leaf(b, x->path);

		if (same_leaf(x, y))
			continue;
		if (x->outcome)
			(*nout)++;
		else
			(*nin)++;
		field_out(d, x->outcome ? out : in, x, y);
	}
	for (i = 0; i < b->n; i++) {
		const struct leaf *y = &b->v[i];

		if (find_leaf(a, y->path))
			continue;
		if (y->outcome)
			(*nout)++;
		else
			(*nin)++;
		field_out(d, y->outcome ? out : in, NULL, y);
	}
}

static const char *what_of(struct json_object *ev)
{
	const char *s = trace_get_str(ev, "cmd");

	return s ? s : trace_get_str(ev, "func");
}

static struct json_object *change_json(const char *kind, struct json_object *ev,
				       const char *label, const struct dev *a, const struct dev *b)
{
	struct json_object *o = json_object_new_object();
	const char *w = what_of(ev);

	json_object_object_add(o, "change", json_object_new_string(kind));
	json_object_object_add(o, "call", w ? json_object_new_string(w) : NULL);
	json_object_object_add(o, "object", json_object_new_string(label));
	if (norm_failed(ev))
		json_object_object_add(o, "errno", json_object_get(trace_get(ev, "errno")));
	if (a)
		json_object_object_add(o, "old_seq", json_object_new_int64(a->seq));
	if (b)
		json_object_object_add(o, "new_seq", json_object_new_int64(b->seq));
	json_object_object_add(o, "probe", json_object_new_boolean(
		((a ? a->flags : 0) | (b ? b->flags : 0)) & F_PROBE));
	return o;
}

static void change_head(struct diff *d, const char *mark, const char *color,
			const struct dev *a, const struct dev *b, struct json_object *ev,
			const char *label)
{
	char seqs[64];
	const char *err = !(a && b) && norm_failed(ev) ? trace_get_str(ev, "errno") : NULL;

	if (a && b)
		snprintf(seqs, sizeof(seqs), "seq %" PRId64 " -> %" PRId64, a->seq, b->seq);
	else
		snprintf(seqs, sizeof(seqs), "seq %" PRId64, a ? a->seq : b->seq);
	printf("  %s%s %s %s%s%s%s%s%s%s\n", col(d, color), mark, seqs,
	       what_of(ev) ? what_of(ev) : "?", *label ? " " : "", label, err ? ": " : "",
	       err ? err : "", ((a ? a->flags : 0) | (b ? b->flags : 0)) & F_PROBE ?
	       " (feature probe)" : "", col(d, TERM_SGR("0")));
}

/* An event only one side has. */
static void one_sided(struct diff *d, struct side *sd, struct dproc *p, size_t i, bool added,
		      struct json_object *changes)
{
	const struct dev *e = &p->v[i];
	struct json_object *ev;
	char label[160];

	if (added)
		d->s.added++;
	else
		d->s.removed++;
	d->s.probes += (e->flags & F_PROBE) != 0;
	if (d->s.details++ >= MAX_DETAILS)
		return;
	ev = reread(sd, e->off);
	if (!ev)
		return;
	norm_label(ev, label, sizeof(label));
	if (d->json)
		json_object_array_add(changes, change_json(added ? "added" : "removed", ev, label,
							   added ? NULL : e, added ? e : NULL));
	else
		change_head(d, added ? "+" : "-", added ? TERM_SGR("32") : TERM_SGR("31"),
			    added ? NULL : e, added ? e : NULL, ev, label);
	json_object_put(ev);
}

static void note_object(struct diff *d, struct json_object *ev, const char *label,
			struct json_object *in, const struct leaves *a, const struct leaves *b)
{
	const char *cmd = trace_get_str(ev, "cmd");
	const struct leaf *x, *y;
	struct json_object *o;

	if (!cmd || trace_get(ev, "probe"))
		return;
	if (!strcmp(cmd, "BPF_MAP_CREATE")) {
		o = json_object_new_object();
		json_object_object_add(o, "object", json_object_new_string(label));
		json_object_object_add(o, "fields", json_object_get(in));
		json_object_array_add(d->s.maps, o);
		return;
	}
	if (strcmp(cmd, "BPF_PROG_LOAD"))
		return;
	x = find_leaf(a, "attr.insns_decoded");
	y = find_leaf(b, "attr.insns_decoded");
	if (!x || !y) {
		x = find_leaf(a, "attr.insns_digest");
		y = find_leaf(b, "attr.insns_digest");
	}
	if (same_leaf(x, y) || (!x && !y))
		return;
	o = json_object_new_object();
	json_object_object_add(o, "object", json_object_new_string(label));
	json_object_object_add(o, "old", leaf_json(x));
	json_object_object_add(o, "new", leaf_json(y));
	json_object_array_add(d->s.progs, o);
}

/* Two aligned events that differ. */
static void changed(struct diff *d, struct dproc *pa, size_t i, struct dproc *pb, size_t j,
		    struct json_object *changes)
{
	struct leaves la, lb;
	struct json_object *ea, *eb, *in = json_object_new_array(), *out = json_object_new_array();
	struct json_object *o;
	char label[160];
	int nin, nout;
	bool json = d->json;

	d->s.changed++;
	if (d->s.details++ >= MAX_DETAILS)
		goto done;
	ea = leaves_of(d, &d->old, pa, i, &la);
	eb = leaves_of(d, &d->new, pb, j, &lb);
	if (!ea || !eb) {
		json_object_put(ea);
		json_object_put(eb);
		goto done;
	}
	norm_label(eb, label, sizeof(label));
	d->json = true;          /* collect the fields first, print after the head */
	compare(d, &la, &lb, in, out, &nin, &nout);
	d->json = json;
	d->s.inputs += nin > 0;
	d->s.outcomes += nout > 0;
	d->s.probes += nout > 0 && (pa->v[i].flags & F_PROBE);
	note_object(d, eb, label, in, &la, &lb);
	if (json) {
		o = change_json("changed", eb, label, &pa->v[i], &pb->v[j]);
		json_object_object_add(o, "inputs", json_object_get(in));
		json_object_object_add(o, "outcome", json_object_get(out));
		json_object_array_add(changes, o);
	} else {
		change_head(d, nout ? "!" : "~", nout ? TERM_SGR("33") : TERM_SGR("36"), &pa->v[i],
			    &pb->v[j], eb, label);
		compare(d, &la, &lb, NULL, NULL, &nin, &nout);
	}
	json_object_put(ea);
	json_object_put(eb);
	leaves_free(&la);
	leaves_free(&lb);
done:
	json_object_put(in);
	json_object_put(out);
}

/* The events between two aligned ones: pair them by call, in order. */
static int gap(struct diff *d, struct dproc *pa, size_t i0, size_t i1, struct dproc *pb,
	       size_t j0, size_t j1, struct json_object *changes)
{
	size_t n = i1 - i0, m = j1 - j0, i, j, k;
	uint64_t *ka = malloc((n + 1) * sizeof(*ka)), *kb = malloc((m + 1) * sizeof(*kb));
	int32_t *ma = malloc((n + 1) * sizeof(*ma));
	int r = -1;

	if (!ka || !kb || !ma)
		goto out;
	for (i = 0; i < n; i++)
		ka[i] = pa->v[i0 + i].key;
	for (j = 0; j < m; j++)
		kb[j] = pb->v[j0 + j].key;
	if (lcs(d, ka, (int64_t)n, kb, (int64_t)m, ma))
		goto out;
	for (i = 0, j = 0; i < n || j < m;) {
		k = i < n && ma[i] >= 0 ? (size_t)ma[i] : m;
		if (i < n && ma[i] < 0) {
			one_sided(d, &d->old, pa, i0 + i++, false, changes);
		} else if (j < k) {
			one_sided(d, &d->new, pb, j0 + j++, true, changes);
		} else {
			changed(d, pa, i0 + i++, pb, j0 + j++, changes);
		}
	}
	r = 0;
out:
	free(ka);
	free(kb);
	free(ma);
	return r;
}

static void context(struct diff *d, const char *what, const char *a, const char *b,
		    struct json_object *ctx)
{
	struct json_object *o;

	if (!a || !b || !strcmp(a, b))
		return;
	d->s.context++;
	if (!d->json) {
		printf("  %s: %s -> %s\n", what, a, b);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "field", json_object_new_string(what));
	json_object_object_add(o, "old", json_object_new_string(a));
	json_object_object_add(o, "new", json_object_new_string(b));
	json_object_array_add(ctx, o);
}

static struct json_object *proc_head(struct diff *d, struct dproc *a, struct dproc *b)
{
	struct json_object *o = json_object_new_object();
	struct dproc *p = a ? a : b;

	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "rank", json_object_new_int(p->nth));
	if (a)
		json_object_object_add(o, "old_pid", json_object_new_int64(a->pid));
	if (b)
		json_object_object_add(o, "new_pid", json_object_new_int64(b->pid));
	json_object_object_add(o, "old_calls", json_object_new_int64(a ? (int64_t)a->n : 0));
	json_object_object_add(o, "new_calls", json_object_new_int64(b ? (int64_t)b->n : 0));
	if (!d->json) {
		printf("%sprocess %s", col(d, TERM_SGR("1")), p->name);
		if (p->nth)
			printf(" #%u", p->nth + 1);
		printf(" (pid %" PRId64 " -> %" PRId64 "): %zu -> %zu calls%s\n",
		       a ? a->pid : 0, b ? b->pid : 0, a ? a->n : 0, b ? b->n : 0,
		       col(d, TERM_SGR("0")));
	}
	return o;
}

/* A process's part of the --json document; the text has been printed. */
static void keep_proc(struct diff *d, struct json_object *o)
{
	if (d->json)
		json_object_array_add(d->jprocs, o);
	else
		json_object_put(o);
}

static int diff_pair(struct diff *d, struct dproc *a, struct dproc *b)
{
	struct json_object *o = proc_head(d, a, b), *changes = json_object_new_array();
	struct json_object *ctx = json_object_new_array();
	uint64_t *ha = malloc((a->n + 1) * sizeof(*ha)), *hb = malloc((b->n + 1) * sizeof(*hb));
	int32_t *ma = malloc((a->n + 1) * sizeof(*ma));
	size_t i, j, pi = 0, pj = 0;
	int r = -1;

	context(d, "libbpf", a->libbpf, b->libbpf, ctx);
	context(d, "kernel", a->kernel, b->kernel, ctx);
	if (!ha || !hb || !ma)
		goto out;
	for (i = 0; i < a->n; i++)
		ha[i] = a->v[i].h;
	for (j = 0; j < b->n; j++)
		hb[j] = b->v[j].h;
	if (lcs(d, ha, (int64_t)a->n, hb, (int64_t)b->n, ma))
		goto out;
	for (i = 0; i <= a->n; i++) {
		if (i < a->n && ma[i] < 0)
			continue;
		j = i < a->n ? (size_t)ma[i] : b->n;
		if ((pi < i || pj < j) && gap(d, a, pi, i, b, pj, j, changes))
			goto out;
		pi = i + 1;
		pj = j + 1;
	}
	if (a->lost != b->lost && !d->json)
		printf("  lost events: %lu -> %lu\n", a->lost, b->lost);
	r = 0;
out:
	json_object_object_add(o, "context", ctx);
	json_object_object_add(o, "changes", changes);
	keep_proc(d, o);
	free(ha);
	free(hb);
	free(ma);
	return r;
}

/* A process only one run has. */
static void lone_proc(struct diff *d, struct dproc *p, bool added)
{
	struct json_object *o = proc_head(d, added ? NULL : p, added ? p : NULL);

	json_object_object_add(o, "change", json_object_new_string(added ? "added" : "removed"));
	keep_proc(d, o);
	if (added)
		d->s.procs_added++;
	else
		d->s.procs_removed++;
	if (!d->json)
		printf("  %s process %s\n", added ? "+" : "-", added ? "added" : "removed");
}

static int diff_all(struct diff *d)
{
	size_t i, j;

	for (i = 0; i < d->old.n; i++) {
		struct dproc *a = d->old.procs[i], *b = same_rank_in(&d->new, a);

		if (!b) {
			lone_proc(d, a, false);
			continue;
		}
		b->paired = true;
		if (diff_pair(d, a, b)) {
			die_msg("out of memory");
			return -1;
		}
	}
	for (j = 0; j < d->new.n; j++)
		if (!d->new.procs[j]->paired)
			lone_proc(d, d->new.procs[j], true);
	return 0;
}

static bool equivalent(const struct summary *s)
{
	return !(s->added || s->removed || s->changed || s->procs_added || s->procs_removed);
}

static void summary_text(struct diff *d)
{
	const struct summary *s = &d->s;
	size_t i, n;

	if (equivalent(s)) {
		printf("equivalent: %s and %s make the same calls\n", d->old.path, d->new.path);
		return;
	}
	printf("\n%ssummary%s: %lu added, %lu removed, %lu changed (%lu inputs, %lu outcomes)\n"
	       "  %lu feature probes behave differently", col(d, TERM_SGR("1")), col(d, TERM_SGR("0")),
	       s->added, s->removed, s->changed, s->inputs, s->outcomes, s->probes);
	if (s->procs_added || s->procs_removed)
		printf("; processes: %lu added, %lu removed", s->procs_added, s->procs_removed);
	putchar('\n');
	n = json_object_array_length(s->maps);
	for (i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(s->maps, i), *f;
		size_t k, nf;

		printf("  %s changed:", trace_get_str(m, "object"));
		f = trace_get(m, "fields");
		nf = json_object_array_length(f);
		for (k = 0; k < nf; k++) {
			struct json_object *x = json_object_array_get_idx(f, k);

			printf(" %s %s -> %s", trace_get_str(x, "field"),
			       json_object_to_json_string(trace_get(x, "old")),
			       json_object_to_json_string(trace_get(x, "new")));
		}
		putchar('\n');
	}
	n = json_object_array_length(s->progs);
	for (i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(s->progs, i);

		printf("  %s: instructions changed\n", trace_get_str(p, "object"));
	}
	if (s->details > MAX_DETAILS)
		printf("  (%lu changes not shown)\n", s->details - MAX_DETAILS);
	if (s->approximate)
		printf("  (the runs differ too much to align exactly: some changes are shown as "
		       "removed and added)\n");
}

static void summary_json(struct diff *d)
{
	const struct summary *s = &d->s;
	struct json_object *top = json_object_new_object(), *o = json_object_new_object();

	json_object_object_add(top, "equivalent", json_object_new_boolean(equivalent(s)));
	json_object_object_add(top, "old", json_object_new_string(d->old.path));
	json_object_object_add(top, "new", json_object_new_string(d->new.path));
	json_object_object_add(top, "processes", json_object_get(d->jprocs));
#define SUM(k, v) json_object_object_add(o, k, json_object_new_int64((int64_t)(v)))
	SUM("added", s->added);
	SUM("removed", s->removed);
	SUM("changed", s->changed);
	SUM("inputs_changed", s->inputs);
	SUM("outcomes_changed", s->outcomes);
	SUM("probes_changed", s->probes);
	SUM("processes_added", s->procs_added);
	SUM("processes_removed", s->procs_removed);
#undef SUM
	json_object_object_add(o, "maps_changed", json_object_get(s->maps));
	json_object_object_add(o, "programs_changed", json_object_get(s->progs));
	json_object_object_add(o, "approximate", json_object_new_boolean(s->approximate));
	json_object_object_add(top, "summary", o);
	puts(json_object_to_json_string_ext(top, JSON_C_TO_STRING_PLAIN));
	json_object_put(top);
}

/* ---- the command --------------------------------------------------------------- */

static void side_free(struct side *sd)
{
	size_t i;

	for (i = 0; i < sd->n; i++) {
		struct dproc *p = sd->procs[i];

		free(p->libbpf);
		free(p->kernel);
		free(p->v);
		free(p->fdname);
		free(p->hist);
		free(p);
	}
	free(sd->procs);
	for (i = 0; i < sd->names.n; i++)
		free(sd->names.v[i]);
	free(sd->names.v);
	free(sd->names.tab);
	for (i = 0; i < sd->pnames.n; i++)
		free(sd->pnames.v[i]);
	free(sd->pnames.v);
	free(sd->pnames.tab);
	free(sd->pcount);
	free(sd->by_pid.v);
	free(sd->by_rank.v);
	if (sd->f)
		fclose(sd->f);
}

static const char diff_usage[] =
	"Usage: bpfspy diff [--json] [--ignore FIELD]... [--libbpf] [--payload]\n"
	"                   [--lenient] OLD NEW\n"
	"\n"
	"What changed between two traces, with fds, ids, pointers, times and pids\n"
	"left out: calls added and removed, calls whose inputs or outcome changed,\n"
	"field by field.  --ignore FIELD leaves out a field (\"attr.btf_digest\", or\n"
	"a key at any depth: \"btf_digest\"); --libbpf compares libbpf's API calls\n"
	"too; --payload compares the value bytes of map elements.\n"
	"Exits 0 when the runs are equivalent, 1 when they differ, 2 on error.\n";

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "ignore", required_argument, NULL, 'i' },
		{ "libbpf", no_argument, NULL, 'b' },
		{ "payload", no_argument, NULL, 'p' },
		{ "lenient", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct diff d = { 0 };
	char **ignore = calloc((size_t)argc + 1, sizeof(*ignore));
	const char *nc = getenv("NO_COLOR");
	bool lenient = false;
	int c, ret = EXIT_USAGE;

	optind = 1;
	while (ignore && (c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': d.json = true; break;
		case 'i': ignore[d.o.nignore++] = optarg; break;
		case 'b': d.libbpf = true; break;
		case 'p': d.o.payload = true; break;
		case 'l': lenient = true; break;
		case 'h': fputs(diff_usage, stdout); free(ignore); return 0;
		default: free(ignore); return bad_option(c, argv);
		}
	}
	if (!ignore || argc - optind != 2) {
		free(ignore);
		return usage_error("takes two traces, OLD and NEW, not %d", argc - optind);
	}
	d.o.ignore = ignore;
	d.color = isatty(STDOUT_FILENO) && !(nc && *nc);
	term_safe_stdout(d.json);
	d.old.path = argv[optind];
	d.new.path = argv[optind + 1];
	/* decoded instructions compare only against decoded ones */
	d.o.digest_insns = !(made_with_insns(d.old.path) && made_with_insns(d.new.path));
	d.jprocs = json_object_new_array();
	d.s.maps = json_object_new_array();
	d.s.progs = json_object_new_array();
	if (read_side(&d, &d.old, lenient) || read_side(&d, &d.new, lenient) || diff_all(&d))
		goto out;
	if (d.json)
		summary_json(&d);
	else
		summary_text(&d);
	ret = equivalent(&d.s) ? 0 : EXIT_DIFFERENT;
out:
	fflush(stdout);
	json_object_put(d.jprocs);
	json_object_put(d.s.maps);
	json_object_put(d.s.progs);
	side_free(&d.old);
	side_free(&d.new);
	free(d.leaves.p);
	free(ignore);
	return ret;
}
