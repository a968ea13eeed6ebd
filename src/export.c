// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfspy export --format=chrome: a trace as the Trace Event Format that
 * Perfetto's UI and chrome://tracing open.
 *
 * Every bpf and libbpf event is a complete event ("ph":"X") on its
 * process and thread, from its start for dur_ns: a libbpf call's span
 * contains the syscalls it made (same thread, inside its time), so the
 * viewers nest them.  A failed call has its errno in its name and the
 * colour "terrible"; its "args" carry the whole event.  Processes and
 * threads are named from the headers and comm ("ph":"M"), lost events are
 * instant events ("ph":"i").  Times are microseconds from the first event,
 * with the nanoseconds as decimals, so nothing is rounded.
 *
 * The output streams: one line per event, memory bounded by the reader's
 * line, whatever the size of the trace.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "packed.h"
#include "trace_read.h"

static const char export_usage[] =
	"Usage: bpfspy export --format=chrome|jsonl [-o FILE] [--lenient] TRACE...\n"
	"\n"
	"Write TRACE as the Trace Event Format that Perfetto (ui.perfetto.dev) and\n"
	"chrome://tracing open: libbpf calls as spans with their syscalls nested,\n"
	"failed calls marked, each event's JSON in its args (chrome); or as JSON\n"
	"Lines, a packed trace (bpfspy run --format packed) rendered (jsonl).\n"
	"\n"
	"  --format=FMT     chrome or jsonl (also: --format FMT)\n"
	"  -o FILE          write to FILE instead of standard output\n"
	"  --lenient        skip malformed lines (with a warning) instead of stopping\n";

struct exporter {
	FILE *out;
	uint64_t t0;
	bool have_t0, first;
	unsigned long events;
};

/* A JSON string of @s (json-c escapes it). */
static void put_jstr(FILE *out, const char *s)
{
	struct json_object *j = json_object_new_string(s ? s : "");

	fputs(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), out);
	json_object_put(j);
}

static void sep(struct exporter *x)
{
	fputs(x->first ? "\n" : ",\n", x->out);
	x->first = false;
}

/* Microseconds from the first event, exact to the nanosecond. */
static void put_us(FILE *out, const char *key, uint64_t ns)
{
	fprintf(out, ",\"%s\":%" PRIu64 ".%03u", key, ns / 1000, (unsigned)(ns % 1000));
}

static void meta(struct exporter *x, const char *what, int64_t pid, int64_t tid,
		 const char *name)
{
	sep(x);
	fprintf(x->out, "{\"ph\":\"M\",\"name\":\"%s\",\"pid\":%" PRId64, what, pid);
	if (tid >= 0)
		fprintf(x->out, ",\"tid\":%" PRId64, tid);
	fputs(",\"args\":{\"name\":", x->out);
	put_jstr(x->out, name);
	fputs("}}", x->out);
}

static void on_header(struct exporter *x, struct json_object *ev)
{
	const char *exe = trace_get_str(ev, "exe");
	const char *base = exe ? strrchr(exe, '/') : NULL;
	int64_t pid = trace_get_int(ev, "pid", 0);
	char name[300];

	snprintf(name, sizeof(name), "%s (pid %" PRId64 ")",
		 base ? base + 1 : exe ? exe : "?", pid);
	meta(x, "process_name", pid, -1, name);
}

/* "PROG_LOAD", "bpf_object__load", with " EPERM" when it failed. */
static void span_name(struct json_object *ev, bool libbpf, char *buf, size_t cap)
{
	const char *n = trace_get_str(ev, libbpf ? "func" : "cmd");
	const char *e = trace_get_str(ev, "errno");

	if (n && !libbpf && !strncmp(n, "BPF_", 4))
		n += 4;
	if (e)
		snprintf(buf, cap, "%s %s", n ? n : "?", e);
	else
		snprintf(buf, cap, "%s", n ? n : "?");
}

static uint64_t rel(struct exporter *x, uint64_t ts)
{
	if (!x->have_t0) {
		x->t0 = ts;
		x->have_t0 = true;
	}
	return ts > x->t0 ? ts - x->t0 : 0;
}

static void on_call(struct exporter *x, struct trace_line *l, bool libbpf)
{
	struct json_object *ev = l->obj;
	int64_t pid = trace_get_int(ev, "pid", 0), tid = trace_get_int(ev, "tid", pid);
	/* a libbpf call's span is its wall time: the syscalls inside it,
	 * with the shim's recording of them, fit in it */
	uint64_t dur = (uint64_t)trace_get_int(ev, "wall_ns", trace_get_int(ev, "dur_ns", 0));
	bool failed = trace_get_str(ev, "errno") != NULL;
	char name[160];

	span_name(ev, libbpf, name, sizeof(name));
	sep(x);
	fputs("{\"ph\":\"X\",\"name\":", x->out);
	put_jstr(x->out, name);
	fprintf(x->out, ",\"cat\":\"%s\",\"pid\":%" PRId64 ",\"tid\":%" PRId64,
		libbpf ? "libbpf" : "bpf", pid, tid);
	put_us(x->out, "ts", rel(x, l->ts));
	put_us(x->out, "dur", dur);
	if (failed)
		fputs(",\"cname\":\"terrible\"", x->out);
	fputs(",\"args\":", x->out);
	fputs(json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN), x->out);
	fputc('}', x->out);
	x->events++;
}

static void on_lost(struct exporter *x, struct trace_line *l)
{
	int64_t pid = trace_get_int(l->obj, "pid", 0);

	sep(x);
	fprintf(x->out, "{\"ph\":\"i\",\"s\":\"p\",\"name\":\"lost %" PRId64 " events\","
		"\"cat\":\"lost\",\"pid\":%" PRId64 ",\"tid\":%" PRId64,
		trace_get_int(l->obj, "count", 0), pid, pid);
	put_us(x->out, "ts", rel(x, l->ts));
	fputs(",\"args\":", x->out);
	fputs(json_object_to_json_string_ext(l->obj, JSON_C_TO_STRING_PLAIN), x->out);
	fputc('}', x->out);
}

/* Threads named once, from the first event of each (pid, tid): an open
 * addressing set of pid << 32 | tid, kept at most half full. */
struct seen {
	uint64_t *v;           /* 0: empty slot (keys are never 0: pid > 0) */
	size_t n, cap;
};

static size_t slot(const struct seen *s, uint64_t key)
{
	size_t i = (size_t)(key * 0x9e3779b97f4a7c15ull >> 17) & (s->cap - 1);

	while (s->v[i] && s->v[i] != key)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static bool first_time(struct seen *s, int64_t pid, int64_t tid)
{
	uint64_t key = (uint64_t)pid << 32 | (uint32_t)tid;
	size_t i;

	if (!key)
		key = 1;
	if (2 * (s->n + 1) > s->cap) {
		struct seen t = { calloc(s->cap ? s->cap * 2 : 256, sizeof(uint64_t)), 0,
				  s->cap ? s->cap * 2 : 256 };

		if (!t.v)
			return false;      /* the thread stays unnamed */
		for (i = 0; i < s->cap; i++)
			if (s->v[i])
				t.v[slot(&t, s->v[i])] = s->v[i];
		t.n = s->n;
		free(s->v);
		*s = t;
	}
	i = slot(s, key);
	if (s->v[i])
		return false;
	s->v[i] = key;
	s->n++;
	return true;
}

static int export_chrome(char *const *paths, int n, bool lenient, FILE *out)
{
	struct exporter x = { .out = out, .first = true };
	struct seen threads = { 0 };
	struct trace_set *s = trace_open(paths, n, lenient);
	struct trace_line l;
	int r;

	if (!s)
		return EXIT_USAGE;
	fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":\"bpfspy " BPFSPY_VERSION
	      "\"},\"traceEvents\":[", out);
	while ((r = trace_next(s, &l)) > 0) {
		bool libbpf = !strcmp(l.event, "libbpf");

		if (!strcmp(l.event, "header")) {
			on_header(&x, l.obj);
		} else if (libbpf || !strcmp(l.event, "bpf")) {
			int64_t pid = trace_get_int(l.obj, "pid", 0);
			int64_t tid = trace_get_int(l.obj, "tid", pid);

			if (first_time(&threads, pid, tid))
				meta(&x, "thread_name", pid, tid, trace_get_str(l.obj, "comm"));
			on_call(&x, &l, libbpf);
		} else if (!strcmp(l.event, "lost")) {
			on_lost(&x, &l);
		}
	}
	fputs("\n]}\n", out);
	trace_close(s);
	free(threads.v);
	return r < 0 ? EXIT_USAGE : 0;
}

/* --format=jsonl: every line as JSON, a packed trace's rendered (the
 * bytes the collector would have written), the others as they are.  A
 * malformed packed line stops it with its line number, or is skipped with
 * a warning (--lenient). */
static int export_jsonl_file(const char *path, bool lenient, FILE *out, struct unpacker *u)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	unsigned long lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;

	if (!f) {
		die_msg("%s: %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		const char *json, *why;
		size_t jn;
		int r;

		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = 0;
		if (!packed_line(line, (size_t)n)) {
			fwrite(line, 1, (size_t)n, out);
			fputc('\n', out);
			continue;
		}
		r = unpacker_line(u, line, (size_t)n, &json, &jn, &why);
		if (r > 0) {
			fwrite(json, 1, jn, out);
			fputc('\n', out);
		} else if (r < 0) {
			die_msg("%s:%lu: %s", path, lineno, why);
			if (!lenient) {
				ret = EXIT_USAGE;
				break;
			}
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

static int export_jsonl(char *const *paths, int n, bool lenient, FILE *out)
{
	struct unpacker *u = unpacker_new();
	int i, ret = 0;

	if (!u) {
		die_msg("%s", strerror(ENOMEM));
		return EXIT_USAGE;
	}
	for (i = 0; i < n && !ret; i++)
		ret = export_jsonl_file(paths[i], lenient, out, u);
	unpacker_free(u);
	return ret;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "lenient", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *format = NULL, *path = NULL;
	bool lenient = false;
	FILE *out = stdout;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+:ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'o': path = optarg; break;
		case 'l': lenient = true; break;
		case 'h': fputs(export_usage, stdout); return 0;
		default: return bad_option(c, argv);
		}
	}
	if (!format || (strcmp(format, "chrome") && strcmp(format, "jsonl")))
		return usage_error("%s (the formats: chrome, jsonl)",
				   format ? "unknown --format" : "--format is required");
	if (optind >= argc)
		return usage_error("no TRACE given (bpfspy export --format=%s TRACE...)", format);
	if (path && strcmp(path, "-")) {
		const char *why;

		out = open_output_file(path, &why);
		if (!out) {
			die_msg("%s: %s", path, why);
			return EXIT_USAGE;
		}
	} else {
		term_safe_stdout(true);   /* the program's strings, on a terminal */
		out = stdout;
	}
	if (!strcmp(format, "jsonl"))
		ret = export_jsonl(argv + optind, argc - optind, lenient, out);
	else
		ret = export_chrome(argv + optind, argc - optind, lenient, out);
	if (fflush(out) || (out != stdout && fclose(out))) {
		die_msg("%s: %s", path ? path : "standard output", strerror(errno));
		ret = EXIT_USAGE;
	}
	return ret;
}
