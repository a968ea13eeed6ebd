// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfspy run --summary: the "summary" lines of every process of a trace,
 * added up per bpf command and libbpf function, as a table in the manner of
 * strace -c (sorted by time) or as JSON.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "summary.h"
#include "trace_read.h"

#define MAX_ROWS 256
#define NBUCKETS 40

struct row {
	char name[48];
	bool func;
	uint64_t calls, errors, total_ns, max_ns;
	uint64_t hist[NBUCKETS];
};

struct pids {
	int64_t *v;
	size_t n, cap;
};

struct sum {
	struct row rows[MAX_ROWS];
	size_t n;
	unsigned long procs;      /* processes with a summary line */
	unsigned long uncounted;  /* traced with --summary, without one */
	struct pids summed, headed;
};

static int pids_add(struct pids *p, int64_t pid)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		int64_t *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = pid;
	return 0;
}

static int by_pid(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorted, each pid once (an image exec'd writes a line of its own). */
static void pids_unique(struct pids *p)
{
	size_t i, n = 0;

	qsort(p->v, p->n, sizeof(p->v[0]), by_pid);
	for (i = 0; i < p->n; i++)
		if (!n || p->v[n - 1] != p->v[i])
			p->v[n++] = p->v[i];
	p->n = n;
}

/* The processes: those that wrote their counts, and those whose header
 * says --summary that never did (a signal ended them first). */
static void count_procs(struct sum *s)
{
	size_t i;

	pids_unique(&s->summed);
	pids_unique(&s->headed);
	s->procs = s->summed.n;
	for (i = 0; i < s->headed.n; i++)
		if (!s->summed.n || !bsearch(&s->headed.v[i], s->summed.v, s->summed.n,
					     sizeof(s->summed.v[0]), by_pid))
			s->uncounted++;
}

static struct row *row_of(struct sum *s, const char *name, bool func)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->rows[i].func == func && !strcmp(s->rows[i].name, name))
			return &s->rows[i];
	if (s->n == MAX_ROWS)
		return NULL;
	snprintf(s->rows[s->n].name, sizeof(s->rows[0].name), "%s", name);
	s->rows[s->n].func = func;
	return &s->rows[s->n++];
}

static void add_group(struct sum *s, struct json_object *group, bool func)
{
	if (!group || !json_object_is_type(group, json_type_object))
		return;
	json_object_object_foreach(group, name, t) {
		struct row *r = row_of(s, name, func);
		struct json_object *h;
		uint64_t max = (uint64_t)trace_get_int(t, "max_ns", 0);

		if (!r)
			continue;
		r->calls += (uint64_t)trace_get_int(t, "calls", 0);
		r->errors += (uint64_t)trace_get_int(t, "errors", 0);
		r->total_ns += (uint64_t)trace_get_int(t, "total_ns", 0);
		if (max > r->max_ns)
			r->max_ns = max;
		h = trace_get(t, "hist_ns");
		if (!h || !json_object_is_type(h, json_type_object))
			continue;
		json_object_object_foreach(h, lo, cnt) {
			uint64_t v = strtoull(lo, NULL, 10);
			unsigned b = v ? 63 - (unsigned)__builtin_clzll(v) : 0;

			if (b < NBUCKETS)
				r->hist[b] += (uint64_t)json_object_get_int64(cnt);
		}
	}
}

static int by_time(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->func != y->func)
		return x->func ? 1 : -1;
	return x->total_ns < y->total_ns ? 1 : x->total_ns > y->total_ns ? -1 : 0;
}

static void print_text(const struct sum *s, FILE *out)
{
	uint64_t total[2] = { 0, 0 };
	size_t i;
	int last = -1;

	for (i = 0; i < s->n; i++)
		total[s->rows[i].func] += s->rows[i].total_ns;
	fprintf(out, "bpfspy: summary of %lu process%s\n", s->procs, s->procs == 1 ? "" : "es");
	if (s->uncounted)
		fprintf(out, "bpfspy: %lu process%s ended before writing %s counts (killed by a "
			"signal?): %s calls are not in this table\n", s->uncounted,
			s->uncounted == 1 ? "" : "es", s->uncounted == 1 ? "its" : "their",
			s->uncounted == 1 ? "its" : "their");
	for (i = 0; i < s->n; i++) {
		const struct row *r = &s->rows[i];

		if ((int)r->func != last) {
			fprintf(out, "%s%% time   total ms    avg us    max us      calls   errors  %s\n",
				last < 0 ? "" : "\n", r->func ? "libbpf function" : "bpf command");
			last = r->func;
		}
		fprintf(out, "%6.2f %10.3f %9.2f %9.2f %10" PRIu64 " %8" PRIu64 "  %s\n",
			total[r->func] ? 100.0 * (double)r->total_ns / (double)total[r->func] : 0.0,
			(double)r->total_ns / 1e6, r->calls ? (double)r->total_ns / 1e3 / (double)r->calls : 0.0,
			(double)r->max_ns / 1e3, r->calls, r->errors, r->name);
	}
}

static void print_json(const struct sum *s, FILE *out)
{
	struct json_object *o = json_object_new_object(), *g[2];
	size_t i;
	unsigned b;
	char lo[24];

	g[0] = json_object_new_object();
	g[1] = json_object_new_object();
	json_object_object_add(o, "processes", json_object_new_int64((int64_t)s->procs));
	json_object_object_add(o, "uncounted", json_object_new_int64((int64_t)s->uncounted));
	for (i = 0; i < s->n; i++) {
		const struct row *r = &s->rows[i];
		struct json_object *t = json_object_new_object(), *h = json_object_new_object();

		json_object_object_add(t, "calls", json_object_new_int64((int64_t)r->calls));
		json_object_object_add(t, "errors", json_object_new_int64((int64_t)r->errors));
		json_object_object_add(t, "total_ns", json_object_new_int64((int64_t)r->total_ns));
		json_object_object_add(t, "max_ns", json_object_new_int64((int64_t)r->max_ns));
		for (b = 0; b < NBUCKETS; b++) {
			if (!r->hist[b])
				continue;
			snprintf(lo, sizeof(lo), "%llu", 1ull << b);
			json_object_object_add(h, lo, json_object_new_int64((int64_t)r->hist[b]));
		}
		json_object_object_add(t, "hist_ns", h);
		json_object_object_add(g[r->func], r->name, t);
	}
	json_object_object_add(o, "commands", g[0]);
	json_object_object_add(o, "functions", g[1]);
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

int summary_print(char *const *paths, int n, bool json, FILE *out)
{
	struct sum *s = calloc(1, sizeof(*s));
	struct trace_set *t;
	struct trace_line l;
	int r;

	if (!s)
		return -1;
	t = trace_open((char **)paths, n, true);
	if (!t) {
		free(s);
		return -1;
	}
	while ((r = trace_next(t, &l)) > 0) {
		int64_t pid = trace_get_int(l.obj, "pid", -1);

		if (!strcmp(l.event, "header")) {
			struct json_object *m = trace_get(l.obj, "summary");

			if (m && json_object_get_boolean(m) && pids_add(&s->headed, pid))
				r = -1;
			continue;
		}
		if (strcmp(l.event, "summary"))
			continue;
		if (pids_add(&s->summed, pid))
			r = -1;
		add_group(s, trace_get(l.obj, "commands"), false);
		add_group(s, trace_get(l.obj, "functions"), true);
	}
	trace_close(t);
	count_procs(s);
	qsort(s->rows, s->n, sizeof(s->rows[0]), by_time);
	if (json)
		print_json(s, out);
	else
		print_text(s, out);
	free(s->summed.v);
	free(s->headed.v);
	free(s);
	return r < 0 ? -1 : 0;
}
