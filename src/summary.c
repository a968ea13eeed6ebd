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

struct sum {
	struct row rows[MAX_ROWS];
	size_t n;
	unsigned long procs;
};

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
		if (strcmp(l.event, "summary"))
			continue;
		s->procs++;
		add_group(s, trace_get(l.obj, "commands"), false);
		add_group(s, trace_get(l.obj, "functions"), true);
	}
	trace_close(t);
	qsort(s->rows, s->n, sizeof(s->rows[0]), by_time);
	if (json)
		print_json(s, out);
	else
		print_text(s, out);
	free(s);
	return r < 0 ? -1 : 0;
}
