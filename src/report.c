// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfspy report TRACE...: one page per process of what it did with bpf(2)
 * and what went wrong.
 *
 * One pass over the (merged) traces.  What is kept is bounded by what the
 * report shows, not by the trace: per process and command a count, the
 * errnos, and the latencies (the first LAT_EXACT exactly, then a
 * log-linear histogram good to 1/16); the objects created (at most
 * MAX_OBJS of each kind); failures grouped by command, object, errno and
 * explanation (at most MAX_FAILS groups), feature probes grouped alike.
 * All of it grows with use: a process with one event costs a few hundred
 * bytes, and a process is found by pid through a hash table.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cause.h"
#include "cli.h"
#include "summary.h"
#include "normalize.h"
#include "report_html.h"
#include "trace_read.h"

#define LAT_EXACT 256
#define LAT_SUB   16                 /* histogram buckets per power of two */
#define LAT_BUCKETS (64 * LAT_SUB)
#define MAX_ERRS  8
#define MAX_OBJS  1024
#define MAX_FAILS 64
#define MAX_PROBES 64
#define MAX_TINY 64     /* programs small enough to be feature tests */
#define TINY_INSNS 8    /* as bpf_call_probe() has it */
#define MAX_CAUSES 64   /* libbpf calls in which bpfspy run failed a call */
#define LOG_LINES 8

struct errcount {
	char name[24];
	unsigned long n;
};

struct stat {
	char name[48];
	unsigned long count, failed;
	struct errcount errs[MAX_ERRS];
	unsigned long errs_other;
	uint64_t *exact;             /* the first samples, up to LAT_EXACT */
	unsigned exact_cap;
	uint32_t *hist;              /* past LAT_EXACT samples */
	uint64_t max;
};

enum obj_kind { O_MAP, O_PROG, O_LINK, O_PIN, O_BTF, O_KINDS };

struct obj {
	int64_t seq, id;
	char *name, *type, *a, *b, *verdict;
	int64_t n1, n2, n3;
};

struct objlist {
	struct obj *v;
	size_t n, cap;
	unsigned long dropped;
};

struct fail {
	char cmd[48], label[96], err[24];
	int64_t seq;
	char inherited[96];          /* "seq 7 BPF_PROG_LOAD, a feature probe" */
	char *fix;
	unsigned long count;
	char *explanation, *rule, *audit, *reason, *log;
	char *where;                 /* the caller's frame, with --stack */
	const char *file;
	unsigned long line;
};

struct proc {
	int64_t pid, ppid;
	int64_t host_pid;                 /* 0: unknown */
	char *comm, *exe, *argv, *libbpf, *kernel;
	char *container, *runtime;        /* the header's container_id... */
	unsigned long events, failed, probes, failed_probes, lost, libbpf_events;
	unsigned long injected, denied;   /* failures bpfspy run made */
	bool summary;                     /* --summary: counts, no events */
	bool counting;                    /* its header says --summary */
	unsigned long consequent;         /* libbpf failures they caused */
	int64_t *causes;                  /* a ring of MAX_CAUSES: their parents */
	unsigned ncauses;
	struct stat *cmds, *funcs;
	size_t ncmds, nfuncs;
	struct objlist objs[O_KINDS];
	struct fail *fails;          /* up to MAX_FAILS, grown as needed */
	size_t nfails, fails_cap;
	unsigned long fails_dropped;
	struct fail *probes_v;       /* up to MAX_PROBES */
	size_t nprobes, probes_cap;
	unsigned long probes_dropped;
	unsigned long ends;               /* documented ends of iteration */
	struct fail *ends_v;              /* up to MAX_PROBES */
	size_t nends, ends_cap;
	unsigned long ends_dropped;
	int64_t tiny[MAX_TINY];           /* ids of programs of <= 8 insns, a ring */
	unsigned ntiny;
	struct proc *next_same_hash; /* the pid table's chain */
};

/* pid -> the newest image of that pid (open hashing, chained). */
struct pid_table {
	struct proc **slot;
	size_t nslots, n;
};

struct report {
	bool json, color, full_log;
	struct causes *expl;         /* what explains each failure (cause.h) */
	struct proc **procs;
	size_t nprocs, cap;
	struct pid_table pids;
	unsigned long events, skipped;
	unsigned long summaries;     /* processes with a summary line */
	char *const *paths;          /* the traces, for the summary table */
	int npaths;
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* ---- per process ---------------------------------------------------------- */

static size_t pid_hash(int64_t pid, size_t nslots)
{
	return (size_t)(((uint64_t)pid * 0x9e3779b97f4a7c15ull) >> 32) & (nslots - 1);
}

static struct proc **pid_slot(struct pid_table *t, int64_t pid)
{
	struct proc **pp = &t->slot[pid_hash(pid, t->nslots)];

	while (*pp && (*pp)->pid != pid)
		pp = &(*pp)->next_same_hash;
	return pp;
}

/* Make @p the image its pid's events go to from now on. */
static int pid_set(struct pid_table *t, struct proc *p)
{
	struct proc **pp;

	if (t->n >= t->nslots) {   /* keep chains short: rehash at load 1 */
		size_t n = t->nslots ? t->nslots * 2 : 1024, i;
		struct proc **v = calloc(n, sizeof(*v)), *q, *next;

		if (!v)
			return -1;
		for (i = 0; i < t->nslots; i++)
			for (q = t->slot[i]; q; q = next) {
				next = q->next_same_hash;
				q->next_same_hash = v[pid_hash(q->pid, n)];
				v[pid_hash(q->pid, n)] = q;
			}
		free(t->slot);
		t->slot = v;
		t->nslots = n;
	}
	pp = pid_slot(t, p->pid);
	if (*pp) {                 /* a new image replaces the old */
		p->next_same_hash = (*pp)->next_same_hash;
		(*pp)->next_same_hash = NULL;
	} else {
		t->n++;
	}
	*pp = p;
	return 0;
}

/* The process an event belongs to: the newest image of its pid. */
static struct proc *proc_of(struct report *r, int64_t pid, bool fresh)
{
	struct proc *p;

	if (!fresh && r->pids.nslots && (p = *pid_slot(&r->pids, pid)))
		return p;
	if (r->nprocs == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct proc **v = realloc(r->procs, cap * sizeof(*v));

		if (!v)
			return NULL;
		r->procs = v;
		r->cap = cap;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	if (pid_set(&r->pids, p)) {
		free(p);
		return NULL;
	}
	r->procs[r->nprocs++] = p;
	return p;
}

static void join_argv(struct json_object *argv, char *buf, size_t cap)
{
	size_t i, n, len = 0;

	buf[0] = 0;
	if (!argv || !json_object_is_type(argv, json_type_array))
		return;
	n = json_object_array_length(argv);
	for (i = 0; i < n && len + 1 < cap; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(argv, i));

		len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? " " : "", s ? s : "");
	}
}

static void on_header(struct report *r, struct json_object *o)
{
	struct proc *p = proc_of(r, trace_get_int(o, "pid", 0), true);
	const char *exe = trace_get_str(o, "exe"), *slash;
	char argv[1024];

	if (!p)
		return;
	p->ppid = trace_get_int(o, "ppid", 0);
	p->exe = dup_or_null(exe);
	join_argv(trace_get(o, "argv"), argv, sizeof(argv));
	p->argv = strdup(argv);
	p->libbpf = dup_or_null(trace_get_str(o, "libbpf"));
	p->kernel = dup_or_null(trace_get_str(o, "kernel"));
	p->host_pid = trace_get_int(o, "host_pid", 0);
	p->container = dup_or_null(trace_get_str(o, "container_id"));
	p->runtime = dup_or_null(trace_get_str(o, "container_runtime"));
	p->counting = trace_get(o, "summary") && json_object_get_boolean(trace_get(o, "summary"));
	slash = exe ? strrchr(exe, '/') : NULL;
	p->comm = dup_or_null(slash ? slash + 1 : exe);
}

static struct stat *stat_of(struct stat **v, size_t *n, const char *name)
{
	struct stat *s;
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i].name, name))
			return &(*v)[i];
	s = realloc(*v, (*n + 1) * sizeof(**v));
	if (!s)
		return NULL;
	*v = s;
	s = &s[(*n)++];
	memset(s, 0, sizeof(*s));
	copy_text(s->name, sizeof(s->name), name);
	return s;
}

static unsigned lat_bucket(uint64_t v)
{
	unsigned e;

	if (v < LAT_SUB)
		return (unsigned)v;
	e = 63 - (unsigned)__builtin_clzll(v);
	return (e - 3) * LAT_SUB + (unsigned)((v >> (e - 4)) & (LAT_SUB - 1));
}

/* The middle of bucket @b. */
static uint64_t lat_value(unsigned b)
{
	unsigned e = b / LAT_SUB + 3, sub = b % LAT_SUB;

	if (b < LAT_SUB)
		return b;
	return ((uint64_t)(LAT_SUB + sub) << (e - 4)) + ((1ull << (e - 4)) >> 1);
}

static void stat_add(struct stat *s, const char *err, uint64_t dur)
{
	size_t i;

	if (s->count < LAT_EXACT) {
		if (s->count == s->exact_cap) {
			unsigned cap = s->exact_cap ? s->exact_cap * 4 : 4;
			uint64_t *v;

			if (cap > LAT_EXACT)
				cap = LAT_EXACT;
			v = realloc(s->exact, cap * sizeof(*v));

			if (!v)
				return;
			s->exact = v;
			s->exact_cap = cap;
		}
		s->exact[s->count] = dur;
	} else {
		if (!s->hist)
			s->hist = calloc(LAT_BUCKETS, sizeof(*s->hist));
		if (s->hist)
			s->hist[lat_bucket(dur)]++;
	}
	s->count++;
	if (dur > s->max)
		s->max = dur;
	if (!err)
		return;
	s->failed++;
	for (i = 0; i < MAX_ERRS && s->errs[i].n; i++) {
		if (!strcmp(s->errs[i].name, err)) {
			s->errs[i].n++;
			return;
		}
	}
	if (i == MAX_ERRS) {
		s->errs_other++;
		return;
	}
	copy_text(s->errs[i].name, sizeof(s->errs[i].name), err);
	s->errs[i].n = 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The @pct percentile (nearest rank). */
static uint64_t stat_pct(struct stat *s, unsigned pct)
{
	unsigned long rank = (s->count * pct + 99) / 100, seen;
	size_t n = s->count < LAT_EXACT ? s->count : LAT_EXACT;
	uint64_t tmp[LAT_EXACT];
	unsigned b;

	if (!s->count)
		return 0;
	if (!rank)
		rank = 1;
	if (n)
		memcpy(tmp, s->exact, n * sizeof(*tmp));
	qsort(tmp, n, sizeof(*tmp), cmp_u64);
	if (s->count <= LAT_EXACT)
		return tmp[rank - 1];
	/* the exact samples join the histogram */
	seen = 0;
	for (b = 0; b < LAT_BUCKETS; b++) {
		unsigned long here = s->hist ? s->hist[b] : 0;
		size_t i;

		for (i = 0; i < n; i++)
			here += lat_bucket(tmp[i]) == b;
		seen += here;
		if (seen >= rank)
			return lat_value(b) < s->max ? lat_value(b) : s->max;
	}
	return s->max;
}

static struct obj *obj_add(struct objlist *l)
{
	if (l->n == MAX_OBJS) {
		l->dropped++;
		return NULL;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 2;
		struct obj *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

/* The fds entry of the fd in field @key ("ret", "attr.prog_fd"). */
static struct json_object *fd_entry(struct json_object *ev, const char *key)
{
	struct json_object *fds = trace_get(ev, "fds"), *o;
	char num[24];

	if (!fds || !trace_get(ev, key))
		return NULL;
	snprintf(num, sizeof(num), "%" PRId64, trace_get_int(ev, key, -1));
	return json_object_object_get_ex(fds, num, &o) ? o : NULL;
}

static void add_map(struct proc *p, struct json_object *ev)
{
	struct obj *o = obj_add(&p->objs[O_MAP]);

	if (!o)
		return;
	o->seq = trace_get_int(ev, "seq", 0);
	o->id = trace_get_int(fd_entry(ev, "ret"), "id", 0);
	o->name = dup_or_null(trace_get_str(ev, "attr.map_name"));
	o->type = dup_or_null(trace_get_str(ev, "attr.map_type"));
	o->a = dup_or_null(trace_get_str(ev, "attr.map_flags"));
	o->n1 = trace_get_int(ev, "attr.key_size", 0);
	o->n2 = trace_get_int(ev, "attr.value_size", 0);
	o->n3 = trace_get_int(ev, "attr.max_entries", 0);
}

static void add_prog(struct proc *p, struct json_object *ev)
{
	struct obj *o = obj_add(&p->objs[O_PROG]);
	const char *err = trace_get_str(ev, "errno");

	if (!o)
		return;
	o->seq = trace_get_int(ev, "seq", 0);
	o->id = trace_get_int(fd_entry(ev, "ret"), "id", 0);
	o->name = dup_or_null(trace_get_str(ev, "attr.prog_name"));
	o->type = dup_or_null(trace_get_str(ev, "attr.prog_type"));
	o->a = dup_or_null(trace_get_str(ev, "attr.insns_digest"));
	o->n1 = trace_get_int(ev, "attr.insn_cnt", 0);
	o->verdict = strdup(norm_failed(ev) && err ? err : "ok");
}

static void add_link(struct proc *p, struct json_object *ev, const char *cmd)
{
	struct obj *o = obj_add(&p->objs[O_LINK]);
	char prog[128] = "";
	const char *target;

	if (!o)
		return;
	o->seq = trace_get_int(ev, "seq", 0);
	o->id = trace_get_int(fd_entry(ev, "ret"), "id", 0);
	o->type = dup_or_null(trace_get_str(fd_entry(ev, "ret"), "type"));
	norm_fd_name(fd_entry(ev, "attr.prog_fd"), prog, sizeof(prog));
	o->name = strdup(prog);
	if (!strcmp(cmd, "BPF_RAW_TRACEPOINT_OPEN"))
		target = trace_get_str(ev, "attr.name");
	else
		target = trace_get_str(ev, "attr.attach_type");
	o->a = dup_or_null(target);
}

static void add_pin(struct proc *p, struct json_object *ev)
{
	struct obj *o = obj_add(&p->objs[O_PIN]);
	char what[128] = "";

	if (!o)
		return;
	o->seq = trace_get_int(ev, "seq", 0);
	norm_fd_name(fd_entry(ev, "attr.bpf_fd"), what, sizeof(what));
	o->name = strdup(what);
	o->a = dup_or_null(trace_get_str(ev, "attr.pathname"));
}

static void add_btf(struct proc *p, struct json_object *ev)
{
	struct obj *o = obj_add(&p->objs[O_BTF]);

	if (!o)
		return;
	o->seq = trace_get_int(ev, "seq", 0);
	o->id = trace_get_int(fd_entry(ev, "ret"), "id", 0);
	o->n1 = trace_get_int(ev, "attr.btf_size", 0);
	o->a = dup_or_null(trace_get_str(ev, "attr.btf_digest"));
}

static void objects(struct proc *p, struct json_object *ev, const char *cmd, bool failed)
{
	if (!strcmp(cmd, "BPF_PROG_LOAD"))
		return add_prog(p, ev);
	if (failed)
		return;
	if (!strcmp(cmd, "BPF_MAP_CREATE"))
		add_map(p, ev);
	else if (!strcmp(cmd, "BPF_LINK_CREATE") || !strcmp(cmd, "BPF_RAW_TRACEPOINT_OPEN"))
		add_link(p, ev, cmd);
	else if (!strcmp(cmd, "BPF_OBJ_PIN"))
		add_pin(p, ev);
	else if (!strcmp(cmd, "BPF_BTF_LOAD"))
		add_btf(p, ev);
}

/* Failures and probes are grouped: the same failure repeats.  *vp grows
 * as groups are added, up to @max. */
static struct fail *group(struct fail **vp, size_t *n, size_t *cap, size_t max,
			  unsigned long *dropped, const char *cmd, const char *label,
			  const char *err, const char *rule, bool *fresh)
{
	struct fail *f, *v = *vp;
	size_t i;

	for (i = 0; i < *n; i++) {
		f = &v[i];
		if (!strcmp(f->cmd, cmd) && !strcmp(f->label, label) && !strcmp(f->err, err) &&
		    !strcmp(f->rule ? f->rule : "", rule ? rule : "")) {
			f->count++;
			*fresh = false;
			return f;
		}
	}
	if (*n == max) {
		(*dropped)++;
		return NULL;
	}
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 2;

		v = realloc(v, c * sizeof(*v));
		if (!v)
			return NULL;
		*vp = v;
		*cap = c;
	}
	f = &v[(*n)++];
	memset(f, 0, sizeof(*f));
	*fresh = true;
	copy_text(f->cmd, sizeof(f->cmd), cmd);
	copy_text(f->label, sizeof(f->label), label);
	copy_text(f->err, sizeof(f->err), err);
	f->rule = dup_or_null(rule);
	f->count = 1;
	return f;
}

/* The first log of a group that yields a reason is kept; one without a
 * reason may come first (an empty log), so each is set only once. */
static void failure_log(struct report *r, struct fail *f, const char *log)
{
	char reason[2048];

	if (!log)
		return;
	if (!f->reason && norm_log_reason(log, reason, sizeof(reason), LOG_LINES))
		f->reason = strdup(reason);
	if (!f->log && r->full_log)
		f->log = strdup(log);
}

/* Where the program made the call (bpfspy run --stack): its innermost
 * frame outside libbpf, as "run+191 (minimal_loader)", or
 * "minimal_loader+0x14df" without a symbol.  NULL without a stack. */
static char *where(struct json_object *ev)
{
	struct json_object *stack = trace_get(ev, "stack");
	char buf[320];
	size_t i, n;

	if (!stack || !json_object_is_type(stack, json_type_array))
		return NULL;
	n = json_object_array_length(stack);
	for (i = 0; i < n; i++) {
		struct json_object *f = json_object_array_get_idx(stack, i);
		const char *mod = trace_get_str(f, "module"), *fn = trace_get_str(f, "function");

		if (mod && !strncmp(mod, "libbpf.so", 9) && i + 1 < n)
			continue;
		if (fn && mod)
			snprintf(buf, sizeof(buf), "%s+%" PRId64 " (%s)", fn,
				 trace_get_int(f, "offset", 0), mod);
		else if (mod)
			snprintf(buf, sizeof(buf), "%s+%s", mod,
				 trace_get_str(f, "module_addr") ? trace_get_str(f, "module_addr") : "?");
		else
			snprintf(buf, sizeof(buf), "%s",
				 trace_get_str(f, "addr") ? trace_get_str(f, "addr") : "?");
		return strdup(buf);
	}
	return NULL;
}

static void inherit(struct fail *f, const struct call_cause *c)
{
	snprintf(f->inherited, sizeof(f->inherited), "seq %" PRId64 " %s %s%s", c->seq, c->call,
		 c->err, c->probe[0] ? ", a feature probe" : "");
	free(f->rule);
	f->rule = strdup(c->rule);
	f->explanation = strdup(c->text);
	f->audit = c->audit[0] ? strdup(c->audit) : NULL;
	f->fix = c->fix[0] ? strdup(c->fix) : NULL;
}

static void failure(struct report *r, struct proc *p, const struct trace_line *l,
		    const char *what, const struct call_cause *inh)
{
	struct json_object *ev = l->obj;
	const char *err = trace_get_str(ev, "errno"), *log = trace_get_str(ev, "out.log");
	char label[96];
	struct fail *f;
	bool fresh;

	norm_label(ev, label, sizeof(label));
	f = group(&p->fails, &p->nfails, &p->fails_cap, MAX_FAILS, &p->fails_dropped, what, label,
		  err ? err : "?", inh ? inh->rule : trace_get_str(ev, "explanation.rule"), &fresh);
	if (!f)
		return;
	/* libbpf loads again with a log after a load without one fails */
	if (!fresh && (f->reason || !log))
		return;
	if (!fresh)
		return failure_log(r, f, log);
	f->seq = trace_get_int(ev, "seq", 0);
	f->file = l->file;
	f->line = l->lineno;
	if (inh) {
		inherit(f, inh);
	} else {
		f->explanation = dup_or_null(trace_get_str(ev, "explanation.text"));
		f->audit = dup_or_null(trace_get_str(ev, "audit.verdict"));
		f->fix = dup_or_null(trace_get_str(ev, "audit.fix"));
	}
	f->where = where(ev);
	failure_log(r, f, log);
}

static void probe(struct proc *p, struct json_object *ev, const char *cmd, bool failed,
		  const char *test)
{
	const char *err = failed ? trace_get_str(ev, "errno") : "ok";
	const char *why = test ? test : trace_get_str(ev, "probe");
	struct fail *f;
	bool fresh;

	p->probes++;
	p->failed_probes += failed;
	/* the ones that worked are counted per command, the others shown */
	f = group(&p->probes_v, &p->nprobes, &p->probes_cap, MAX_PROBES, &p->probes_dropped, cmd,
		  failed && why ? why : "", err ? err : "?", NULL, &fresh);
	if (f && fresh)
		f->seq = trace_get_int(ev, "seq", 0);
}

/* The libbpf call @ev was made in (its "parent"), if it fails, fails
 * because bpfspy run failed @ev: remember it. */
static void note_cause(struct proc *p, struct json_object *ev)
{
	int64_t parent = trace_get_int(ev, "parent", 0);

	if (!parent)
		return;
	if (!p->causes)
		p->causes = calloc(MAX_CAUSES, sizeof(*p->causes));
	if (p->causes)
		p->causes[p->ncauses++ % MAX_CAUSES] = parent;
}

/* A libbpf call returns after the calls made in it, so a failure bpfspy
 * run made inside it is already noted. */
static bool caused(const struct proc *p, struct json_object *ev)
{
	int64_t seq = trace_get_int(ev, "seq", 0);
	unsigned i, n = p->ncauses < MAX_CAUSES ? p->ncauses : MAX_CAUSES;

	for (i = 0; seq && i < n; i++)
		if (p->causes[i] == seq)
			return true;
	return false;
}

/* A documented end of iteration: counted per call, not a failure. */
static void iteration_end(struct proc *p, struct json_object *ev, const char *what)
{
	struct fail *f;
	bool fresh;

	p->ends += trace_get_str(ev, "cmd") != NULL;
	f = group(&p->ends_v, &p->nends, &p->ends_cap, MAX_PROBES, &p->ends_dropped, what,
		  "after the last element", "ENOENT", NULL, &fresh);
	if (f && fresh)
		f->seq = trace_get_int(ev, "seq", 0);
}

/* Remember a program small enough to be a feature test (bpftrace's
 * kprobe_multi and similar tests load a 2-instruction program named after
 * the function, then try to attach it). */
static void note_tiny(struct proc *p, struct json_object *ev, const char *cmd)
{
	int64_t ret = trace_get_int(ev, "ret", -1), insns = trace_get_int(ev, "attr.insn_cnt", -1);
	char key[48];

	if (strcmp(cmd, "BPF_PROG_LOAD") || ret < 0 || insns < 0 || insns > TINY_INSNS)
		return;
	snprintf(key, sizeof(key), "fds.%lld.id", (long long)ret);
	if (trace_get_int(ev, key, 0) > 0)
		p->tiny[p->ntiny++ % MAX_TINY] = trace_get_int(ev, key, 0);
}

/* Why failed @ev is a feature test: an attach of a tiny program. */
static const char *feature_test(const struct proc *p, struct json_object *ev, const char *cmd,
				char *buf, size_t cap)
{
	struct json_object *fds = trace_get(ev, "fds");
	unsigned i, n = p->ntiny < MAX_TINY ? p->ntiny : MAX_TINY;

	if (!fds || !json_object_is_type(fds, json_type_object) ||
	    (strcmp(cmd, "BPF_LINK_CREATE") && strcmp(cmd, "BPF_PROG_ATTACH") &&
	     strcmp(cmd, "BPF_RAW_TRACEPOINT_OPEN")))
		return NULL;
	json_object_object_foreach(fds, k, v) {
		int64_t id = trace_get_int(v, "id", 0);
		const char *kind = trace_get_str(v, "kind");

		(void)k;
		if (!kind || strcmp(kind, "prog"))
			continue;
		for (i = 0; i < n; i++) {
			if (p->tiny[i] != id)
				continue;
			snprintf(buf, cap, "attaching a program of <= %d insns", TINY_INSNS);
			return buf;
		}
	}
	return NULL;
}

static void on_bpf(struct report *r, struct proc *p, const struct trace_line *l)
{
	struct json_object *ev = l->obj;
	const char *cmd = trace_get_str(ev, "cmd");
	bool failed = norm_failed(ev), inherited;
	struct call_cause cause;
	const char *test;
	char tbuf[80];
	struct stat *s;

	if (!cmd)
		return;
	p->events++;
	p->failed += failed;
	s = stat_of(&p->cmds, &p->ncmds, cmd);
	if (s)
		stat_add(s, failed ? trace_get_str(ev, "errno") : NULL,
			 (uint64_t)trace_get_int(ev, "dur_ns", 0));
	if (failed && (trace_get(ev, "injected") || trace_get(ev, "denied"))) {
		/* --inject and --deny failures: kept apart, not the loader's */
		p->failed--;
		if (trace_get(ev, "injected"))
			p->injected++;
		else
			p->denied++;
		note_cause(p, ev);
		return;
	}
	test = failed ? feature_test(p, ev, cmd, tbuf, sizeof(tbuf)) : NULL;
	if (failed)
		causes_add(r->expl, ev, test, &cause, &inherited);
	else
		causes_success(r->expl, ev);
	note_tiny(p, ev, cmd);
	if (failed && causes_iteration_end(ev))
		return iteration_end(p, ev, cmd);
	if (trace_get(ev, "probe") || test)
		return probe(p, ev, cmd, failed, test);
	objects(p, ev, cmd, failed);
	if (failed)
		failure(r, p, l, cmd, NULL);
}

static void on_libbpf(struct report *r, struct proc *p, const struct trace_line *l)
{
	struct json_object *ev = l->obj;
	const char *func = trace_get_str(ev, "func");
	bool failed = norm_failed(ev), inherited = false, has = false;
	struct call_cause cause;
	char what[64];
	struct stat *s;

	if (!func)
		return;
	p->libbpf_events++;
	s = stat_of(&p->funcs, &p->nfuncs, func);
	if (s)
		stat_add(s, failed ? trace_get_str(ev, "errno") : NULL,
			 (uint64_t)trace_get_int(ev, "dur_ns", 0));
	/* --inject failed it, or a call bpfspy run failed in it: kept apart */
	if (failed && (trace_get(ev, "injected") || caused(p, ev))) {
		if (trace_get(ev, "injected"))
			p->injected++;
		else
			p->consequent++;
		note_cause(p, ev);
		return;
	}
	if (failed)
		has = causes_add(r->expl, ev, NULL, &cause, &inherited);
	if (failed && !trace_get(ev, "parent") && causes_iteration_end(ev)) {
		snprintf(what, sizeof(what), "%s()", func);
		return iteration_end(p, ev, what);
	}
	/* a top-level call that failed because a feature test made in it
	 * did: shown with the test */
	if (failed && !trace_get(ev, "parent") && inherited && !has && cause.probe[0])
		return;
	/* a failed top-level API call: what the loader saw */
	if (failed && !trace_get(ev, "parent")) {
		snprintf(what, sizeof(what), "%s()", func);
		failure(r, p, l, what, has && inherited ? &cause : NULL);
	}
}

static int one_line(struct report *r, const struct trace_line *l)
{
	struct proc *p;

	if (!strcmp(l->event, "header")) {
		on_header(r, l->obj);
		return 0;
	}
	if (!strcmp(l->event, "exit")) {
		causes_exit(r->expl, l->obj);
		return 0;
	}
	p = proc_of(r, trace_get_int(l->obj, "pid", 0), false);
	if (!p)
		return -1;
	if (!strcmp(l->event, "layer")) {   /* a libbpf loaded after the header */
		char *v = trace_libbpf_layer(p->libbpf, l->obj);

		if (v) {
			free(p->libbpf);
			p->libbpf = v;
		}
		return 0;
	}
	if (!p->comm)
		p->comm = dup_or_null(trace_get_str(l->obj, "comm"));
	r->events++;
	if (!strcmp(l->event, "bpf"))
		on_bpf(r, p, l);
	else if (!strcmp(l->event, "libbpf"))
		on_libbpf(r, p, l);
	else if (!strcmp(l->event, "lost"))
		p->lost += (unsigned long)trace_get_int(l->obj, "count", 0);
	else if (!strcmp(l->event, "summary") && !p->summary) {
		p->summary = true;
		r->summaries++;
	}

	return 0;
}

/* ---- JSON output ----------------------------------------------------------- */

#define J_STR(o, k, v) json_object_object_add(o, k, (v) ? json_object_new_string(v) : NULL)
#define J_INT(o, k, v) json_object_object_add(o, k, json_object_new_int64((int64_t)(v)))

static struct json_object *stats_json(struct stat *v, size_t n, const char *key)
{
	struct json_object *a = json_object_new_array();
	size_t i, j;

	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object(), *e = json_object_new_object();

		J_STR(o, key, v[i].name);
		J_INT(o, "count", v[i].count);
		J_INT(o, "failed", v[i].failed);
		for (j = 0; j < MAX_ERRS && v[i].errs[j].n; j++)
			J_INT(e, v[i].errs[j].name, v[i].errs[j].n);
		if (v[i].errs_other)
			J_INT(e, "other", v[i].errs_other);
		json_object_object_add(o, "errors", e);
		J_INT(o, "p50_ns", stat_pct(&v[i], 50));
		J_INT(o, "p99_ns", stat_pct(&v[i], 99));
		J_INT(o, "max_ns", v[i].max);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *obj_json(enum obj_kind k, const struct obj *o)
{
	struct json_object *j = json_object_new_object();

	J_INT(j, "seq", o->seq);
	if (k != O_PIN)
		J_INT(j, "id", o->id);
	switch (k) {
	case O_MAP:
		J_STR(j, "name", o->name);
		J_STR(j, "type", o->type);
		J_INT(j, "key_size", o->n1);
		J_INT(j, "value_size", o->n2);
		J_INT(j, "max_entries", o->n3);
		J_STR(j, "flags", o->a);
		break;
	case O_PROG:
		J_STR(j, "name", o->name);
		J_STR(j, "type", o->type);
		J_INT(j, "insn_cnt", o->n1);
		J_STR(j, "insns_digest", o->a);
		J_STR(j, "verifier", o->verdict);
		break;
	case O_LINK:
		J_STR(j, "type", o->type);
		J_STR(j, "prog", o->name);
		J_STR(j, "target", o->a);
		break;
	case O_PIN:
		J_STR(j, "path", o->a);
		J_STR(j, "object", o->name);
		break;
	default:
		J_INT(j, "size", o->n1);
		J_STR(j, "digest", o->a);
	}
	return j;
}

static struct json_object *fails_json(const struct fail *v, size_t n, bool probes)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		const struct fail *f = &v[i];

		J_INT(o, "seq", f->seq);
		J_STR(o, "call", f->cmd);
		J_STR(o, probes ? "probe" : "object", f->label);
		J_STR(o, probes ? "result" : "errno", f->err);
		J_INT(o, "count", f->count);
		if (!probes) {
			J_STR(o, "file", f->file);
			J_INT(o, "line", f->line);
			if (f->where)
				J_STR(o, "where", f->where);
			J_STR(o, "rule", f->rule);
			J_STR(o, "explanation", f->explanation);
			if (f->inherited[0])
				J_STR(o, "inherited_from", f->inherited);
			if (f->fix)
				J_STR(o, "fix", f->fix);
			J_STR(o, "audit", f->audit);
			J_STR(o, "verifier_reason", f->reason);
			if (f->log)
				J_STR(o, "verifier_log", f->log);
		}
		json_object_array_add(a, o);
	}
	return a;
}

/* The probe whose failure ended the load of @p, if one did. */
static const struct call_cause *ending_probe(const struct report *r, const struct proc *p)
{
	const struct loader_failure *f = causes_loader_of(r->expl, p->pid);

	return f && f->explained && f->inherited && f->cause.probe[0] ? &f->cause : NULL;
}

static void loader_json(const struct report *r, struct json_object *o, const struct proc *p)
{
	const struct loader_failure *f = causes_loader_of(r->expl, p->pid);
	struct json_object *lf;
	char sentence[1280];

	if (!f) {
		json_object_object_add(o, "loader_failure", NULL);
		return;
	}
	lf = json_object_new_object();
	causes_sentence(f, sentence, sizeof(sentence));
	J_INT(lf, "seq", f->seq);
	J_STR(lf, "call", f->call);
	J_STR(lf, "errno", f->err);
	if (f->explained) {
		J_STR(lf, "rule", f->cause.rule);
		J_STR(lf, "explanation", f->cause.text);
		if (f->inherited)
			J_INT(lf, "inherited_from_seq", f->cause.seq);
		if (f->cause.fix[0])
			J_STR(lf, "fix", f->cause.fix);
	}
	if (ending_probe(r, p))
		J_INT(lf, "ending_probe_seq", f->cause.seq);
	json_object_object_add(lf, "sentence", json_object_new_string(sentence));
	json_object_object_add(o, "loader_failure", lf);
}

static void print_json(struct report *r)
{
	static const char *const kinds[] = { "maps", "programs", "links", "pins", "btf" };
	struct json_object *top = json_object_new_object(), *procs = json_object_new_array();
	size_t i, j;
	int k;

	for (i = 0; i < r->nprocs; i++) {
		struct proc *p = r->procs[i];
		struct json_object *o = json_object_new_object(), *pr = json_object_new_object();

		J_INT(o, "pid", p->pid);
		J_INT(o, "ppid", p->ppid);
		J_STR(o, "comm", p->comm);
		J_STR(o, "exe", p->exe);
		J_STR(o, "argv", p->argv);
		J_STR(o, "libbpf", p->libbpf);
		J_STR(o, "kernel", p->kernel);
		if (p->host_pid)
			J_INT(o, "host_pid", p->host_pid);
		if (p->container)
			J_STR(o, "container_id", p->container);
		J_INT(o, "bpf_calls", p->events);
		J_INT(o, "failed", p->failed);
		J_INT(o, "libbpf_calls", p->libbpf_events);
		J_INT(o, "lost", p->lost);
		J_INT(o, "injected", p->injected);
		J_INT(o, "denied", p->denied);
		J_INT(o, "libbpf_consequent", p->consequent);
		json_object_object_add(o, "commands", stats_json(p->cmds, p->ncmds, "cmd"));
		json_object_object_add(o, "libbpf_functions", stats_json(p->funcs, p->nfuncs, "func"));
		for (k = 0; k < O_KINDS; k++) {
			struct json_object *a = json_object_new_array();

			for (j = 0; j < p->objs[k].n; j++)
				json_object_array_add(a, obj_json(k, &p->objs[k].v[j]));
			json_object_object_add(o, kinds[k], a);
		}
		loader_json(r, o, p);
		json_object_object_add(o, "failures", fails_json(p->fails, p->nfails, false));
		J_INT(pr, "calls", p->probes);
		J_INT(pr, "failed", p->failed_probes);
		json_object_object_add(pr, "groups", fails_json(p->probes_v, p->nprobes, true));
		json_object_object_add(o, "probes", pr);
		pr = json_object_new_object();
		J_INT(pr, "calls", p->ends);
		json_object_object_add(pr, "groups", fails_json(p->ends_v, p->nends, true));
		json_object_object_add(o, "iteration_ends", pr);
		json_object_array_add(procs, o);
	}
	json_object_object_add(top, "processes", procs);
	J_INT(top, "events", r->events);
	J_INT(top, "skipped_lines", r->skipped);
	puts(json_object_to_json_string_ext(top, JSON_C_TO_STRING_PLAIN));
	json_object_put(top);
}

/* ---- text output ------------------------------------------------------------ */

#define WIDTH 80

static const char *c_on(const struct report *r, const char *code)
{
	return r->color ? code : "";
}

#define BOLD(r) c_on(r, TERM_SGR("1"))
#define RED(r)  c_on(r, TERM_SGR("31"))
#define GREEN(r) c_on(r, TERM_SGR("32"))
#define OFF(r)  c_on(r, TERM_SGR("0"))

/* "1.2ms", "870ns": at most 7 characters. */
static const char *dur(uint64_t ns, char *buf, size_t cap)
{
	if (ns < 10000)
		snprintf(buf, cap, "%" PRIu64 "ns", ns);
	else if (ns < 10000000)
		snprintf(buf, cap, "%" PRIu64 "us", ns / 1000);
	else if (ns < 10000000000ull)
		snprintf(buf, cap, "%" PRIu64 "ms", ns / 1000000);
	else
		snprintf(buf, cap, "%" PRIu64 "s", ns / 1000000000);
	return buf;
}

/* How many of the first @n bytes of @s to print so that no UTF-8
 * character is cut in two. */
static int utf8_cut(const char *s, int n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* @s cut to @w columns (with "~" at the cut). */
static const char *fit(const char *s, int w, char *buf)
{
	size_t n = s ? strlen(s) : 0;
	int cut;

	if (!s)
		return "-";
	if ((int)n <= w)
		return s;
	cut = utf8_cut(s, w - 1);
	memcpy(buf, s, (size_t)cut);
	buf[cut] = '~';
	buf[cut + 1] = 0;
	return buf;
}

/* Print @text wrapped at WIDTH, each line indented by @indent. */
/* Print @text within WIDTH columns, breaking at spaces, every line indented
 * by @indent; the first line starts with @label in place of the indent. */
static void wrap_label(const char *label, const char *text, int indent)
{
	int avail = WIDTH - indent;

	while (text && *text) {
		int n = (int)strcspn(text, "\n"), cut = n;

		if (n > avail) {
			for (cut = avail; cut > 0 && text[cut] != ' '; cut--)
				;
			if (text[cut] != ' ')
				cut = utf8_cut(text, avail);
			if (!cut)
				cut = avail;   /* not UTF-8: no character to keep whole */
		}
		printf("%-*s%.*s\n", indent, label ? label : "", cut, text);
		label = NULL;
		text += cut;
		while (*text == ' ' || *text == '\n')
			text++;
	}
}

static void wrap(const char *text, int indent)
{
	wrap_label(NULL, text, indent);
}

static void errs_text(const struct stat *s, char *buf, size_t cap)
{
	size_t i, len = 0;

	buf[0] = 0;
	for (i = 0; i < MAX_ERRS && s->errs[i].n && len + 1 < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s:%lu", i ? " " : "",
					s->errs[i].name, s->errs[i].n);
	if (s->errs_other && len + 1 < cap)
		snprintf(buf + len, cap - len, " +%lu", s->errs_other);
}

static void stats_text(const struct report *r, struct stat *v, size_t n, const char *title,
		       const char *prefix)
{
	char b1[16], b2[16], b3[16], e[128], cut[64];
	size_t i;

	if (!n)
		return;
	printf("\n%s%-27s %6s %6s %6s %6s %6s  %s%s\n", BOLD(r), title, "calls", "failed", "p50",
	       "p99", "max", "errors", OFF(r));
	for (i = 0; i < n; i++) {
		errs_text(&v[i], e, sizeof(e));
		printf("%-27s %6lu %6lu %6s %6s %6s  %s%s%s\n",
		       fit(norm_short(v[i].name, prefix), 27, cut), v[i].count, v[i].failed,
		       dur(stat_pct(&v[i], 50), b1, sizeof(b1)),
		       dur(stat_pct(&v[i], 99), b2, sizeof(b2)), dur(v[i].max, b3, sizeof(b3)),
		       RED(r), fit(e, WIDTH - 64, cut + 32), OFF(r));
	}
}

/* "BPF_F_RDONLY_PROG|BPF_F_MMAPABLE" -> "RDONLY_PROG|MMAPABLE" */
static const char *flags_short(const char *f, char *buf, size_t cap)
{
	size_t len = 0;

	if (!f)
		return NULL;
	while (*f && len + 1 < cap) {
		if (!strncmp(f, "BPF_F_", 6))
			f += 6;
		while (*f && *f != '|' && len + 1 < cap)
			buf[len++] = *f++;
		if (*f == '|' && len + 1 < cap)
			buf[len++] = *f++;
	}
	buf[len] = 0;
	return buf;
}

static void maps_text(const struct report *r, const struct objlist *l)
{
	char c1[32], c2[32], c3[32], c4[128];
	size_t i;

	if (!l->n)
		return;
	printf("\n%s%-15s %-15s %5s %6s %11s  %s%s\n", BOLD(r), "maps", "type", "key", "value",
	       "max_entries", "flags", OFF(r));
	for (i = 0; i < l->n; i++) {
		const struct obj *o = &l->v[i];

		printf("%-15s %-15s %5" PRId64 " %6" PRId64 " %11" PRId64 "  %s\n",
		       fit(o->name, 15, c1), fit(norm_short(o->type, "BPF_MAP_TYPE_"), 15, c2), o->n1,
		       o->n2, o->n3, fit(flags_short(o->a, c4, sizeof(c4)), 20, c3));
	}
	if (l->dropped)
		printf("(%lu more maps)\n", l->dropped);
}

static void progs_text(const struct report *r, const struct objlist *l)
{
	char c1[32], c2[32], c3[32];
	size_t i;

	if (!l->n)
		return;
	printf("\n%s%-15s %-16s %6s %-21s %s%s\n", BOLD(r), "programs", "type", "insns",
	       "digest", "verifier", OFF(r));
	for (i = 0; i < l->n; i++) {
		const struct obj *o = &l->v[i];
		bool ok = o->verdict && !strcmp(o->verdict, "ok");

		printf("%-15s %-16s %6" PRId64 " %-21s %s%s%s\n",
		       fit(o->name && *o->name ? o->name : "(anonymous)", 15, c1),
		       fit(norm_short(o->type, "BPF_PROG_TYPE_"), 16, c2), o->n1,
		       fit(o->a, 21, c3), ok ? GREEN(r) : RED(r), o->verdict, OFF(r));
	}
	if (l->dropped)
		printf("(%lu more programs)\n", l->dropped);
}

static void links_text(const struct report *r, const struct proc *p)
{
	const struct objlist *l = &p->objs[O_LINK], *pins = &p->objs[O_PIN];
	char c1[40], c2[40], c3[64];
	size_t i;

	if (l->n)
		printf("\n%s%-22s %-27s %s%s\n", BOLD(r), "links", "program", "target", OFF(r));
	for (i = 0; i < l->n; i++)
		printf("%-22s %-27s %s\n", fit(norm_short(l->v[i].type, "BPF_LINK_TYPE_"), 22, c1),
		       fit(l->v[i].name, 27, c2), fit(l->v[i].a, 29, c3));
	if (pins->n)
		printf("\n%s%-50s %s%s\n", BOLD(r), "pins", "object", OFF(r));
	for (i = 0; i < pins->n; i++)
		printf("%-50s %s\n", fit(pins->v[i].a, 50, c3), fit(pins->v[i].name, 29, c2));
}

/* A log, line by line; @cut: lines cut to fit WIDTH. */
static void log_text(const char *log, bool cut)
{
	const char *nl;
	int n;

	while (log && *log) {
		nl = strchr(log, '\n');
		n = nl ? (int)(nl - log) : (int)strlen(log);
		if (cut && n > WIDTH - 8)
			printf("      | %.*s~\n", utf8_cut(log, WIDTH - 9), log);
		else
			printf("      | %.*s\n", n, log);
		if (!nl)
			break;
		log = nl + 1;
	}
}

static void fails_text(const struct report *r, const struct proc *p)
{
	size_t i;

	if (!p->nfails)
		return;
	printf("\n%sfailures%s\n", BOLD(r), OFF(r));
	for (i = 0; i < p->nfails; i++) {
		const struct fail *f = &p->fails[i];

		printf("  seq %" PRId64 " %s%s%s: %s%s%s", f->seq, f->cmd, *f->label ? " " : "",
		       f->label, RED(r), f->err, OFF(r));
		if (f->count > 1)
			printf(" (%lu calls)", f->count);
		putchar('\n');
		if (f->where)
			printf("    called from %s\n", f->where);
		if (f->explanation && f->inherited[0]) {
			printf("    explanation (%s, inherited from %s):\n", f->rule ? f->rule : "?",
			       f->inherited);
			wrap(f->explanation, 6);
		} else if (f->explanation) {
			printf("    explanation (%s):\n", f->rule ? f->rule : "?");
			wrap(f->explanation, 6);
		}
		if (f->audit && (!f->explanation || !strstr(f->explanation, f->audit))) {
			printf("    audit:\n");
			wrap(f->audit, 6);
		}
		if (f->fix)
			printf("    to pass: %s\n", f->fix);
		if (f->log) {
			printf("    verifier log:\n");
			log_text(f->log, false);
		} else if (f->reason) {
			printf("    verifier log, last lines (--full-log for all):\n");
			log_text(f->reason, true);
		}
	}
	if (p->fails_dropped)
		printf("  (%lu more failures of other kinds)\n", p->fails_dropped);
}

static void probes_text(const struct report *r, const struct proc *p)
{
	const struct call_cause *end = ending_probe(r, p);
	char c1[64];
	size_t i;

	if (!p->probes)
		return;
	if (end)
		printf("\n%sfeature probes%s: %lu calls, %lu failed; the failure of seq %" PRId64
		       " ended the load, the others are not failures of the loader\n",
		       BOLD(r), OFF(r), p->probes, p->failed_probes, end->seq);
	else
		printf("\n%sfeature probes%s: %lu calls, %lu failed (not failures of the loader)\n",
		       BOLD(r), OFF(r), p->probes, p->failed_probes);
	for (i = 0; i < p->nprobes; i++) {
		const struct fail *f = &p->probes_v[i];
		bool ok = !strcmp(f->err, "ok");
		bool ends = end && !strcmp(f->cmd, end->call) && !strcmp(f->err, end->err) &&
			    !strcmp(f->label, end->probe);

		printf("  %s%-10s%s %5lu  %-22s %s%s\n", ok ? "" : RED(r), f->err, ok ? "" : OFF(r),
		       f->count, norm_short(f->cmd, "BPF_"), fit(f->label, 36, c1),
		       ends ? " (one ended the load)" : "");
	}
	if (p->probes_dropped)
		printf("  (%lu more)\n", p->probes_dropped);
}

static void ends_text(const struct report *r, const struct proc *p)
{
	size_t i;

	if (!p->nends)
		return;
	printf("\n%send of iteration%s: ENOENT after the last element, as the texts document "
	       "(not failures)\n", BOLD(r), OFF(r));
	for (i = 0; i < p->nends; i++)
		printf("  %-10s %5lu  %s\n", p->ends_v[i].err, p->ends_v[i].count,
		       norm_short(p->ends_v[i].cmd, "BPF_"));
	if (p->ends_dropped)
		printf("  (%lu more)\n", p->ends_dropped);
}

static void proc_text(const struct report *r, const struct proc *p)
{
	unsigned long real = p->failed - p->failed_probes - p->ends;
	char rule[WIDTH + 1];
	int n;

	n = snprintf(rule, sizeof(rule), "== process %" PRId64 " %s ", p->pid,
		     p->comm ? p->comm : "?");
	if (n < WIDTH) {
		memset(rule + n, '=', (size_t)(WIDTH - n));
		rule[WIDTH] = 0;
	}
	printf("%s%s%s\n", BOLD(r), rule, OFF(r));
	wrap_label("argv", p->argv, 8);
	printf("libbpf  %s, kernel %s, parent %" PRId64 "\n", p->libbpf ? p->libbpf : "?",
	       p->kernel ? p->kernel : "?", p->ppid);
	/* In a pid namespace every process may be "process 1". */
	if ((p->host_pid && p->host_pid != p->pid) || p->container) {
		fputs("host   ", stdout);
		if (p->host_pid && p->host_pid != p->pid)
			printf(" pid %" PRId64 "%s", p->host_pid, p->container ? "," : "");
		if (p->container)
			printf(" container %.12s%s%s%s", p->container, p->runtime ? " (" : "",
			       p->runtime ? p->runtime : "", p->runtime ? ")" : "");
		putchar('\n');
	}
	if (p->summary && !p->events && !p->libbpf_events) {
		puts("calls   counted, not recorded (bpfspy run --summary): see the table below");
		return;
	}
	if (p->counting && !p->events && !p->libbpf_events) {
		puts("calls   not counted: the process ended before writing its --summary counts"
		     " (killed by a signal?)");
		return;
	}
	printf("calls   %lu bpf: %s%lu failed%s, %lu feature probes (%lu failed)",
	       p->events, real ? RED(r) : "", real, real ? OFF(r) : "", p->probes,
	       p->failed_probes);
	if (p->ends)
		printf(", %lu iteration ends", p->ends);
	printf("; %lu libbpf", p->libbpf_events);
	if (p->lost)
		printf(", %s%lu lost%s", RED(r), p->lost, OFF(r));
	putchar('\n');
	if (p->injected || p->denied)
		printf("        bpfspy run failed %lu (%lu injected, %lu denied); %lu libbpf calls "
		       "failed from them\n",
		       p->injected + p->denied, p->injected, p->denied, p->consequent);
}

/* The loaders' failures first, one sentence each. */
static void loaders_text(const struct report *r)
{
	const struct loader_failure *f;
	char sentence[1280];
	size_t i;

	for (i = 0; (f = causes_loader(r->expl, i)); i++) {
		causes_sentence(f, sentence, sizeof(sentence));
		printf("%sloader failure%s (pid %" PRId64 "): ", BOLD(r), OFF(r), f->pid);
		puts(sentence);
	}
	if (i)
		putchar('\n');
}

/* The processes traced with --summary: their counts as one table, as
 * bpfspy run printed it (the traces are read again: files only). */
static void summary_text(struct report *r)
{
	int i;

	putchar('\n');
	for (i = 0; i < r->npaths; i++)
		if (!strcmp(r->paths[i], "-")) {
			puts("(the --summary table needs the trace as a file, not standard input)");
			return;
		}
	fflush(stdout);
	summary_print(r->paths, r->npaths, false, stdout);
}

static void print_text(struct report *r)
{
	size_t i;

	loaders_text(r);
	for (i = 0; i < r->nprocs; i++) {
		struct proc *p = r->procs[i];

		if (i)
			putchar('\n');
		proc_text(r, p);
		stats_text(r, p->cmds, p->ncmds, "bpf commands", "BPF_");
		stats_text(r, p->funcs, p->nfuncs, "libbpf functions", "");
		maps_text(r, &p->objs[O_MAP]);
		progs_text(r, &p->objs[O_PROG]);
		links_text(r, p);
		fails_text(r, p);
		probes_text(r, p);
		ends_text(r, p);
	}
	if (r->summaries)
		summary_text(r);
	if (r->skipped)
		printf("\n%lu bad lines skipped\n", r->skipped);
}

/* ---- the command ---------------------------------------------------------------- */

static void proc_free(struct proc *p)
{
	size_t i, j;
	int k;

	free(p->comm);
	free(p->exe);
	free(p->argv);
	free(p->libbpf);
	free(p->kernel);
	free(p->container);
	free(p->runtime);
	for (i = 0; i < p->ncmds; i++) {
		free(p->cmds[i].hist);
		free(p->cmds[i].exact);
	}
	for (i = 0; i < p->nfuncs; i++) {
		free(p->funcs[i].hist);
		free(p->funcs[i].exact);
	}
	free(p->cmds);
	free(p->funcs);
	for (k = 0; k < O_KINDS; k++) {
		for (j = 0; j < p->objs[k].n; j++) {
			struct obj *o = &p->objs[k].v[j];

			free(o->name);
			free(o->type);
			free(o->a);
			free(o->b);
			free(o->verdict);
		}
		free(p->objs[k].v);
	}
	for (i = 0; i < p->nfails; i++) {
		struct fail *f = &p->fails[i];

		free(f->explanation);
		free(f->rule);
		free(f->audit);
		free(f->reason);
		free(f->log);
		free(f->where);
		free(f->fix);
	}
	for (i = 0; i < p->nprobes; i++)
		free(p->probes_v[i].rule);
	for (i = 0; i < p->nends; i++)
		free(p->ends_v[i].rule);
	free(p->ends_v);
	free(p->fails);
	free(p->probes_v);
	free(p->causes);
	free(p);
}

static const char report_usage[] =
	"Usage: bpfspy report [--json] [--full-log] [--lenient] [--html FILE] TRACE...\n"
	"\n"
	"What each traced process did with bpf(2): the commands it issued (count,\n"
	"errors, latency), the maps, programs, links and pins it made, its failures\n"
	"with their explanation, privilege audit and verifier log, and its feature\n"
	"probes.  Several traces merge by time.  Exits 0, or 2 when a trace can't\n"
	"be read.\n"
	"\n"
	"  --html FILE  write one self-contained page instead: a timeline of the\n"
	"               calls, latency histograms, the failures and their causes\n";

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "full-log", no_argument, NULL, 'f' },
		{ "lenient", no_argument, NULL, 'l' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *html = NULL;
	struct report r = { 0 };
	bool lenient = false;
	struct trace_set *s;
	struct trace_line l;
	const char *nc = getenv("NO_COLOR");
	size_t i;
	int c, ret = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': r.json = true; break;
		case 'f': r.full_log = true; break;
		case 'l': lenient = true; break;
		case 'H': html = optarg; break;
		case 'h': fputs(report_usage, stdout); return 0;
		default: return bad_option(c, argv);
		}
	}
	if (optind >= argc)
		return usage_error("no TRACE given (bpfspy report [--json] TRACE...)");
	if (html)
		return report_html(argv + optind, argc - optind, lenient, html);
	r.color = isatty(STDOUT_FILENO) && !(nc && *nc);
	term_safe_stdout(r.json);
	r.expl = causes_new();
	r.paths = argv + optind;
	r.npaths = argc - optind;
	s = r.expl ? trace_open(argv + optind, argc - optind, lenient) : NULL;
	if (!s) {
		causes_free(r.expl);
		return EXIT_USAGE;
	}
	while ((c = trace_next(s, &l)) > 0)
		if (one_line(&r, &l) < 0) {
			die_msg("out of memory");
			c = -1;
			break;
		}
	r.skipped = trace_skipped(s);
	if (c < 0)
		ret = EXIT_USAGE;
	else if (r.json)
		print_json(&r);
	else
		print_text(&r);
	trace_close(s);
	for (i = 0; i < r.nprocs; i++)
		proc_free(r.procs[i]);
	free(r.procs);
	causes_free(r.expl);
	free(r.pids.slot);
	fflush(stdout);
	return ret;
}
