// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfspy report --html FILE: one self-contained page (no script, no
 * network): the loaders' start-up as an SVG timeline, one lane per thread,
 * libbpf calls with the syscalls they made beneath them; latency
 * histograms per command and function; the failures with the rule that
 * explains them.  Failed calls are red (class "failed"), failed feature
 * probes orange (class "probe"); hovering a span shows its event.
 *
 * What is drawn is kept in memory, bounded: at most MAX_SPANS spans and
 * MAX_FAILS failures (the page says how many more there were); the
 * histograms are counts, whatever the size of the trace.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report_html.h"
#include "trace_read.h"

#define MAX_SPANS  20000
#define MAX_FAILS  500
#define MAX_LANES  64
#define MAX_NAMES  128     /* histograms: commands and functions */
#define MIN_DEPTH(d) ((d) < 6 ? (d) : 6)
#define NBUCKETS   24      /* log2(ns) from 2^8 (256 ns) */

struct span {
	uint64_t start, dur, seq, parent;
	int64_t pid;
	uint16_t lane;
	uint8_t depth, kind;   /* kind: 0 ok, 1 failed, 2 failed probe */
	bool libbpf;
	char name[40];
	char tip[200];
};

struct lane {
	int64_t pid, tid;
	char comm[32];
};

struct fail {
	uint64_t ts;
	int64_t pid;
	char call[48], err[24], why[400];
	bool probe;
};

struct hist {
	char name[48];
	unsigned long n, b[NBUCKETS];
	uint64_t max;
};

struct page {
	struct span *spans;
	size_t nspans, spans_left;
	struct lane lanes[MAX_LANES];
	size_t nlanes, lanes_left;
	struct fail *fails;
	size_t nfails, fails_left;
	struct hist hists[MAX_NAMES];
	size_t nhists;
	uint64_t t0, t1;
	bool have_t;
	unsigned long events, procs, lost;
};

/* ---- HTML text ------------------------------------------------------------ */

/* @s escaped for HTML text and attributes; control characters dropped so
 * a traced program's names cannot reach a terminal or break the page. */
static void put_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '\n': fputs("&#10;", f); break;
		default:
			if (c >= 0x20 && c != 0x7f)
				fputc(c, f);
		}
	}
}

/* ---- collecting ----------------------------------------------------------- */

static int lane_of(struct page *p, int64_t pid, int64_t tid, const char *comm)
{
	size_t i;

	for (i = 0; i < p->nlanes; i++)
		if (p->lanes[i].pid == pid && p->lanes[i].tid == tid)
			return (int)i;
	if (p->nlanes == MAX_LANES) {
		p->lanes_left++;
		return -1;
	}
	p->lanes[p->nlanes].pid = pid;
	p->lanes[p->nlanes].tid = tid;
	snprintf(p->lanes[p->nlanes].comm, sizeof(p->lanes[0].comm), "%s", comm ? comm : "");
	return (int)p->nlanes++;
}

static void add_hist(struct page *p, const char *name, uint64_t dur)
{
	struct hist *h = NULL;
	unsigned b = 0;
	size_t i;

	for (i = 0; i < p->nhists && !h; i++)
		if (!strcmp(p->hists[i].name, name))
			h = &p->hists[i];
	if (!h) {
		if (p->nhists == MAX_NAMES)
			return;
		h = &p->hists[p->nhists++];
		snprintf(h->name, sizeof(h->name), "%s", name);
	}
	while (b + 1 < NBUCKETS && dur >= (256ull << (b + 1)))
		b++;
	h->b[b]++;
	h->n++;
	if (dur > h->max)
		h->max = dur;
}

static void add_fail(struct page *p, struct json_object *ev, uint64_t ts, const char *call,
		     bool probe)
{
	struct fail *f;
	const char *why = trace_get_str(ev, "explanation.text");

	if (p->nfails == MAX_FAILS) {
		p->fails_left++;
		return;
	}
	f = &p->fails[p->nfails++];
	f->ts = ts;
	f->pid = trace_get_int(ev, "pid", 0);
	f->probe = probe;
	snprintf(f->call, sizeof(f->call), "%s", call);
	snprintf(f->err, sizeof(f->err), "%s", trace_get_str(ev, "errno") ?: "");
	snprintf(f->why, sizeof(f->why), "%s", why ? why : probe ? trace_get_str(ev, "probe") ?: "" :
		 "no rule explains it");
}

static void on_call(struct page *p, struct trace_line *l, bool libbpf)
{
	struct json_object *ev = l->obj;
	const char *name = trace_get_str(ev, libbpf ? "func" : "cmd") ?: "?";
	const char *err = trace_get_str(ev, "errno");
	bool probe = trace_get(ev, "probe") != NULL;
	int64_t pid = trace_get_int(ev, "pid", 0), tid = trace_get_int(ev, "tid", pid);
	uint64_t dur = (uint64_t)trace_get_int(ev, "dur_ns", 0), seq;
	int lane = lane_of(p, pid, tid, trace_get_str(ev, "comm"));
	struct span *s;

	if (!libbpf && !strncmp(name, "BPF_", 4))
		name += 4;
	p->events++;
	add_hist(p, name, dur);
	if (!p->have_t || l->ts < p->t0)
		p->t0 = l->ts;
	if (!p->have_t || l->ts + dur > p->t1)
		p->t1 = l->ts + dur;
	p->have_t = true;
	seq = (uint64_t)trace_get_int(ev, "seq", 0);
	if (err)
		add_fail(p, ev, l->ts, name, probe);
	if (lane < 0)
		return;
	if (p->nspans == MAX_SPANS) {
		p->spans_left++;
		return;
	}
	s = &p->spans[p->nspans++];
	s->start = l->ts;
	s->dur = dur;
	s->lane = (uint16_t)lane;
	s->seq = seq;
	s->parent = (uint64_t)trace_get_int(ev, "parent", 0);
	s->pid = pid;
	s->depth = UINT8_MAX;     /* nest_spans() */
	s->kind = !err ? 0 : probe ? 2 : 1;
	s->libbpf = libbpf;
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->tip, sizeof(s->tip), "%s%s%s, %" PRIu64 " ns, pid %" PRId64 " seq %" PRIu64 "%s%s",
		 name, err ? " " : "", err ? err : "", dur, pid, seq,
		 err && trace_get_str(ev, "explanation.text") ? ": " : "",
		 err ? trace_get_str(ev, "explanation.text") ?: "" : "");
}

/* ---- nesting -------------------------------------------------------------- */

/* A call's row is one below the libbpf call it was made in ("parent").  A
 * libbpf call's line is written when it returns, after the calls it made,
 * so the rows are found once everything is read: spans sorted by (pid,
 * seq), each parent found by binary search. */
static const struct span *sort_base;

static int by_seq(const void *a, const void *b)
{
	const struct span *x = &sort_base[*(const uint32_t *)a], *y = &sort_base[*(const uint32_t *)b];

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static long find_span(const struct page *p, const uint32_t *idx, int64_t pid, uint64_t seq)
{
	size_t lo = 0, hi = p->nspans;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct span *s = &p->spans[idx[mid]];

		if (s->pid < pid || (s->pid == pid && s->seq < seq))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->nspans && p->spans[idx[lo]].pid == pid && p->spans[idx[lo]].seq == seq)
		return idx[lo];
	return -1;
}

static uint8_t depth(struct page *p, const uint32_t *idx, size_t i, unsigned guard)
{
	struct span *s = &p->spans[i];
	long up;

	if (s->depth != UINT8_MAX)
		return s->depth;
	up = s->parent && guard < 8 ? find_span(p, idx, s->pid, s->parent) : -1;
	if (!s->parent)
		s->depth = 0;
	else if (up < 0 || (size_t)up == i)
		s->depth = 1;            /* its parent was not drawn */
	else
		s->depth = (uint8_t)MIN_DEPTH(depth(p, idx, (size_t)up, guard + 1) + 1);
	return s->depth;
}

static void nest_spans(struct page *p)
{
	uint32_t *idx = malloc(p->nspans * sizeof(*idx) + 1);
	size_t i;

	for (i = 0; i < p->nspans; i++) {
		if (idx)
			idx[i] = (uint32_t)i;
		else
			p->spans[i].depth = p->spans[i].parent ? 1 : 0;
	}
	if (!idx)
		return;
	sort_base = p->spans;
	qsort(idx, p->nspans, sizeof(*idx), by_seq);
	for (i = 0; i < p->nspans; i++)
		depth(p, idx, i, 0);
	free(idx);
}

/* ---- writing -------------------------------------------------------------- */

#define ROW_H    14
#define LEFT     170
#define WIDTH    1100

static const char css[] =
	"body{font:13px sans-serif;margin:16px;color:#222}"
	"h1{font-size:20px}h2{font-size:16px;margin-top:24px}h3{font-size:13px;margin:10px 0 2px}"
	"table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;"
	"vertical-align:top}"
	"rect.span{fill:#4a7bd0}rect.span.libbpf{fill:#7aa84c}rect.span.failed{fill:#d62728}"
	"rect.span.probe{fill:#ff9f1c}tr.failed td.errno{color:#d62728;font-weight:bold}"
	"text{font:11px sans-serif}.note{color:#666}";

/* The lanes of process @pid and the time its spans cover. */
static size_t proc_extent(const struct page *p, int64_t pid, uint64_t *t0, uint64_t *t1,
			  uint8_t *rows)
{
	size_t i, n = 0;

	*t0 = UINT64_MAX;
	*t1 = 0;
	*rows = 1;
	for (i = 0; i < p->nspans; i++) {
		const struct span *s = &p->spans[i];

		if (p->lanes[s->lane].pid != pid)
			continue;
		if (s->start < *t0)
			*t0 = s->start;
		if (s->start + s->dur > *t1)
			*t1 = s->start + s->dur;
		if (s->depth + 1 > *rows)
			*rows = (uint8_t)(s->depth + 1);
		n++;
	}
	return n;
}

/* One process: its threads as lanes on a time axis of its own, from its
 * first call to the end of its last. */
static void write_proc(FILE *f, const struct page *p, int64_t pid)
{
	uint64_t t0, t1, span;
	uint8_t rows;
	unsigned lane_h, h, t, nl = 0, y;
	size_t i, l;

	if (!proc_extent(p, pid, &t0, &t1, &rows))
		return;
	span = t1 > t0 ? t1 - t0 : 1;
	lane_h = rows * ROW_H + 24;
	for (l = 0; l < p->nlanes; l++)
		nl += p->lanes[l].pid == pid;
	h = nl * lane_h + 24;
	fprintf(f, "<h3>pid %" PRId64 "</h3>\n<svg class=\"timeline\" data-pid=\"%" PRId64 "\" "
		"xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\">\n",
		pid, pid, WIDTH + LEFT + 60, h);
	for (t = 0; t <= 10; t++) {
		unsigned x = LEFT + t * WIDTH / 10;

		fprintf(f, "<line x1=\"%u\" y1=\"0\" x2=\"%u\" y2=\"%u\" stroke=\"#eee\"/>"
			"<text x=\"%u\" y=\"%u\">%.3f ms</text>\n", x, x, h - 18, x, h - 4,
			(double)span * t / 10 / 1e6);
	}
	for (l = 0, y = 0; l < p->nlanes; l++) {
		if (p->lanes[l].pid != pid)
			continue;
		fprintf(f, "<text x=\"4\" y=\"%u\">", y * lane_h + 16);
		put_esc(f, p->lanes[l].comm);
		fprintf(f, " tid %" PRId64 "</text>\n", p->lanes[l].tid);
		for (i = 0; i < p->nspans; i++) {
			const struct span *s = &p->spans[i];
			double x, w;

			if (s->lane != l)
				continue;
			x = LEFT + (double)(s->start - t0) * WIDTH / span;
			w = (double)s->dur * WIDTH / span;
			fprintf(f, "<rect class=\"span%s%s\" x=\"%.2f\" y=\"%u\" width=\"%.2f\" "
				"height=\"%u\"><title>", s->libbpf ? " libbpf" : "",
				s->kind == 1 ? " failed" : s->kind == 2 ? " probe" : "",
				x, y * lane_h + 20 + s->depth * ROW_H, w < 1 ? 1.0 : w, ROW_H - 2);
			put_esc(f, s->tip);
			fputs("</title></rect>\n", f);
		}
		y++;
	}
	fputs("</svg>\n", f);
}

static void write_timeline(FILE *f, const struct page *p)
{
	size_t l, m;

	fputs("<h2>Timeline</h2>\n<p class=\"note\">libbpf calls (green) with the bpf(2) "
	      "calls they made beneath them (blue); failed calls red, failed feature probes "
	      "orange.  Hover a call for its result.</p>\n", f);
	for (l = 0; l < p->nlanes; l++) {
		for (m = 0; m < l && p->lanes[m].pid != p->lanes[l].pid; m++)
			;
		if (m == l)
			write_proc(f, p, p->lanes[l].pid);
	}
	if (p->spans_left || p->lanes_left)
		fprintf(f, "<p class=\"note\">%zu more calls and %zu more threads are not drawn.</p>\n",
			p->spans_left, p->lanes_left);
}

static void write_hists(FILE *f, const struct page *p)
{
	size_t i;
	unsigned b;

	fputs("<h2>Latency</h2>\n<table id=\"latency\"><tr><th>call</th><th>calls</th>"
	      "<th>max</th><th>distribution (256 ns to 2 s, log2)</th></tr>\n", f);
	for (i = 0; i < p->nhists; i++) {
		const struct hist *h = &p->hists[i];
		unsigned long top = 1;

		for (b = 0; b < NBUCKETS; b++)
			if (h->b[b] > top)
				top = h->b[b];
		fputs("<tr><td>", f);
		put_esc(f, h->name);
		fprintf(f, "</td><td>%lu</td><td>%.1f us</td><td><svg width=\"%u\" height=\"24\">",
			h->n, (double)h->max / 1e3, NBUCKETS * 8);
		for (b = 0; b < NBUCKETS; b++) {
			unsigned bh = (unsigned)(h->b[b] * 22 / top);

			if (h->b[b])
				fprintf(f, "<rect x=\"%u\" y=\"%u\" width=\"7\" height=\"%u\" fill=\"#4a7bd0\">"
					"<title>%lu calls of %llu ns or more</title></rect>",
					b * 8, 23 - (bh ? bh : 1), bh ? bh : 1, h->b[b],
					256ull << b);
		}
		fputs("</svg></td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void write_fails(FILE *f, const struct page *p)
{
	size_t i, real = 0;

	for (i = 0; i < p->nfails; i++)
		real += !p->fails[i].probe;
	fprintf(f, "<h2>Failures</h2>\n<p>%zu failed calls, %zu of them feature probes.</p>\n"
		"<table id=\"failures\"><tr><th>ms</th><th>pid</th><th>call</th><th>errno</th>"
		"<th>why</th></tr>\n", p->nfails, p->nfails - real);
	for (i = 0; i < p->nfails; i++) {
		const struct fail *x = &p->fails[i];

		fprintf(f, "<tr class=\"%s\"><td>%.3f</td><td>%" PRId64 "</td><td>",
			x->probe ? "probe" : "failed", (double)(x->ts - p->t0) / 1e6, x->pid);
		put_esc(f, x->call);
		fputs("</td><td class=\"errno\">", f);
		put_esc(f, x->err);
		fputs("</td><td class=\"why\">", f);
		put_esc(f, x->why);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	if (p->fails_left)
		fprintf(f, "<p class=\"note\">%zu more failures are not listed.</p>\n", p->fails_left);
}

static void write_page(FILE *f, const struct page *p, char *const *paths, int n)
{
	int i;

	fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		"<title>bpfspy report</title><style>%s</style></head><body>\n"
		"<h1>bpfspy report</h1>\n<p>", css);
	for (i = 0; i < n; i++) {
		put_esc(f, paths[i]);
		fputs(i + 1 < n ? ", " : "", f);
	}
	fprintf(f, ": %lu processes, %lu calls over %.3f s%s</p>\n", p->procs, p->events,
		p->have_t ? (double)(p->t1 - p->t0) / 1e9 : 0.0,
		p->lost ? ", some events lost (see the trace's lost lines)" : "");
	write_timeline(f, p);
	write_hists(f, p);
	write_fails(f, p);
	fputs("</body></html>\n", f);
}

int report_html(char *const *paths, int n, bool lenient, const char *out)
{
	struct page *p = calloc(1, sizeof(*p));
	struct trace_set *s;
	struct trace_line l;
	FILE *f;
	int r = EXIT_USAGE;

	if (p) {
		p->spans = calloc(MAX_SPANS, sizeof(*p->spans));
		p->fails = calloc(MAX_FAILS, sizeof(*p->fails));
	}
	if (!p || !p->spans || !p->fails) {
		die_msg("out of memory");
		goto out;
	}
	s = trace_open(paths, n, lenient);
	if (!s)
		goto out;
	while ((r = trace_next(s, &l)) > 0) {
		if (!strcmp(l.event, "header"))
			p->procs++;
		else if (!strcmp(l.event, "bpf") || !strcmp(l.event, "libbpf"))
			on_call(p, &l, !strcmp(l.event, "libbpf"));
		else if (!strcmp(l.event, "lost"))
			p->lost++;
	}
	trace_close(s);
	if (r < 0) {
		r = EXIT_USAGE;
		goto out;
	}
	nest_spans(p);
	if (strcmp(out, "-")) {
		const char *why;

		f = open_output_file(out, &why);
		if (!f) {
			die_msg("%s: %s", out, why);
			r = EXIT_USAGE;
			goto out;
		}
	} else {
		term_safe_stdout(true);   /* the program's strings, on a terminal */
		f = stdout;
	}
	write_page(f, p, paths, n);
	r = 0;
	if (fflush(f) || (f != stdout && fclose(f))) {
		die_msg("%s: %s", out, strerror(errno));
		r = EXIT_USAGE;
	}
out:
	if (p) {
		free(p->spans);
		free(p->fails);
	}
	free(p);
	return r;
}
