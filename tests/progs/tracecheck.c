// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tracecheck: read a bpfspy trace with json-c and answer the tests'
 * questions about it.
 *
 *   tracecheck validate FILE          every line parses; prints counts
 *   tracecheck count FILE [FILTER..]  number of matching events
 *   tracecheck get FILE PATH [FILTER..]
 *                                     PATH of each matching event, one a line
 *   tracecheck seq FILE               per process image (pid, restarted by
 *                                     a header after exec), the seq of bpf
 *                                     and libbpf events runs 1..N: none
 *                                     lost or duplicated
 *
 * FILTER is PATH=VALUE, PATH!=VALUE or PATH (present).  PATH is dotted
 * (attr.map_type); a number indexes an array (stack.0.function).  Values compare as text: strings as they are, numbers
 * in decimal, null as "null".  Without an "event" filter only bpf events
 * match.  Exit 0 on success, 1 when a check fails, 2 on bad input.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct filter {
	char path[256];
	const char *value;  /* NULL: presence test */
	bool negate;
};

/* json-c represents JSON null as a NULL child: tell it apart from absent. */
static int null_marker;
#define NULL_MARKER ((struct json_object *)&null_marker)

static struct json_object *lookup(struct json_object *o, const char *path)
{
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save)) {
		struct json_object *next = NULL;

		if (json_object_is_type(o, json_type_array) && tok[0] >= '0' && tok[0] <= '9') {
			size_t i = strtoul(tok, NULL, 10);

			if (i >= json_object_array_length(o))
				return NULL;
			next = json_object_array_get_idx(o, i);
		} else if (!json_object_is_type(o, json_type_object) ||
			   !json_object_object_get_ex(o, tok, &next)) {
			return NULL;
		}
		if (!next)
			return NULL_MARKER;
		o = next;
	}
	return o;
}

static const char *as_text(struct json_object *v, char *buf, size_t cap)
{
	if (!v)
		return NULL;
	if (v == NULL_MARKER)
		return "null";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	snprintf(buf, cap, "%s", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	return buf;
}

static bool matches(struct json_object *ev, const struct filter *f, int nf)
{
	char buf[4096];
	bool want_event = false;
	int i;

	for (i = 0; i < nf; i++) {
		const char *t = as_text(lookup(ev, f[i].path), buf, sizeof(buf));
		bool ok;

		if (!strcmp(f[i].path, "event"))
			want_event = true;
		if (!f[i].value)
			ok = t != NULL;
		else
			ok = t && !strcmp(t, f[i].value);
		if (ok == f[i].negate)
			return false;
	}
	if (!want_event) {
		const char *t = as_text(lookup(ev, "event"), buf, sizeof(buf));

		return t && !strcmp(t, "bpf");
	}
	return true;
}

static int parse_filters(char **argv, int argc, struct filter *f)
{
	int i;

	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t plen;

		f[i].negate = false;
		f[i].value = NULL;
		if (!eq) {
			snprintf(f[i].path, sizeof(f[i].path), "%s", argv[i]);
			continue;
		}
		plen = (size_t)(eq - argv[i]);
		if (plen && argv[i][plen - 1] == '!') {
			f[i].negate = true;
			plen--;
		}
		snprintf(f[i].path, sizeof(f[i].path), "%.*s", (int)plen, argv[i]);
		f[i].value = eq + 1;
	}
	return argc;
}

typedef int (*line_fn)(struct json_object *o, void *ctx);

/* Parse every line; a line that is not a JSON object is an error. */
static int each_line(const char *file, line_fn fn, void *ctx)
{
	FILE *fp = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc = 0;

	if (!fp) {
		perror(file);
		return 2;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		struct json_tokener *tok = json_tokener_new();
		struct json_object *o;

		lineno++;
		if (line[n - 1] != '\n') {
			fprintf(stderr, "%s:%ld: last line is not terminated\n", file, lineno);
			rc = 2;
		}
		o = json_tokener_parse_ex(tok, line, (int)n);
		if (!o || json_tokener_get_error(tok) != json_tokener_success ||
		    !json_object_is_type(o, json_type_object) ||
		    json_tokener_get_parse_end(tok) < (size_t)n - 1) {
			fprintf(stderr, "%s:%ld: not a JSON object: %.80s\n", file, lineno, line);
			rc = 2;
		} else if (fn(o, ctx)) {
			rc = rc ? rc : 1;
		}
		json_object_put(o);
		json_tokener_free(tok);
	}
	free(line);
	fclose(fp);
	return rc;
}

struct counts {
	long lines, headers, events;
	const struct filter *f;
	int nf;
	const char *path;
};

static int count_line(struct json_object *o, void *ctx)
{
	struct counts *c = ctx;
	char buf[64];
	const char *ev = as_text(lookup(o, "event"), buf, sizeof(buf));

	c->lines++;
	if (ev && !strcmp(ev, "header"))
		c->headers++;
	if (matches(o, c->f, c->nf))
		c->events++;
	return 0;
}

static int get_line(struct json_object *o, void *ctx)
{
	struct counts *c = ctx;
	char buf[65536];
	const char *t;

	if (!matches(o, c->f, c->nf))
		return 0;
	t = as_text(lookup(o, c->path), buf, sizeof(buf));
	printf("%s\n", t ? t : "<absent>");
	return 0;
}

#define MAXPID 4096
/* Per pid, a bitmap of the seq numbers seen: each must appear once and
 * together they must be 1..max. */
struct seqs {
	long pid[MAXPID], n[MAXPID], max[MAXPID];
	unsigned char *seen[MAXPID];
	size_t cap[MAXPID];
	int npid, bad;
};

static int seq_line(struct json_object *o, void *ctx)
{
	struct seqs *s = ctx;
	struct json_object *v;
	long pid, seq;
	int i;

	/* A header starts a process image; after exec the same pid starts
	 * again from seq 1, so it counts as a new image. */
	if (json_object_object_get_ex(o, "event", &v) &&
	    !strcmp(json_object_get_string(v), "header")) {
		if (!json_object_object_get_ex(o, "pid", &v))
			return 1;
		pid = json_object_get_int64(v);
		for (i = 0; i < s->npid; i++)
			if (s->pid[i] == pid)
				s->pid[i] = -s->pid[i] - 1;  /* retire the old image */
		return 0;
	}
	/* bpf and libbpf events share one seq per process image */
	if (!json_object_object_get_ex(o, "event", &v) ||
	    (strcmp(json_object_get_string(v), "bpf") && strcmp(json_object_get_string(v), "libbpf")))
		return 0;
	if (!json_object_object_get_ex(o, "pid", &v))
		return 1;
	pid = json_object_get_int64(v);
	if (!json_object_object_get_ex(o, "seq", &v))
		return 1;
	seq = json_object_get_int64(v);
	for (i = 0; i < s->npid && s->pid[i] != pid; i++)
		;
	if (i == s->npid) {
		if (s->npid == MAXPID)
			return 1;
		s->pid[s->npid++] = pid;
	}
	if (seq < 1 || seq > 100000000) {
		fprintf(stderr, "pid %ld: seq %ld out of range\n", pid, seq);
		s->bad = 1;
		return 0;
	}
	if ((size_t)seq >= s->cap[i]) {
		size_t nc = (size_t)seq * 2 + 1024;

		s->seen[i] = realloc(s->seen[i], nc);
		memset(s->seen[i] + s->cap[i], 0, nc - s->cap[i]);
		s->cap[i] = nc;
	}
	if (s->seen[i][seq]++) {
		fprintf(stderr, "pid %ld: seq %ld duplicated\n", pid, seq);
		s->bad = 1;
	}
	s->n[i]++;
	if (seq > s->max[i])
		s->max[i] = seq;
	return 0;
}

int main(int argc, char **argv)
{
	struct filter f[32];
	struct counts c = { 0 };
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: tracecheck validate|count|get|seq FILE ...\n");
		return 2;
	}
	if (!strcmp(argv[1], "validate")) {
		rc = each_line(argv[2], count_line, &c);
		printf("lines=%ld headers=%ld events=%ld\n", c.lines, c.headers, c.events);
		return rc;
	}
	if (!strcmp(argv[1], "count")) {
		c.nf = parse_filters(argv + 3, argc - 3 > 32 ? 32 : argc - 3, f);
		c.f = f;
		rc = each_line(argv[2], count_line, &c);
		printf("%ld\n", c.events);
		return rc;
	}
	if (!strcmp(argv[1], "get") && argc >= 4) {
		c.path = argv[3];
		c.nf = parse_filters(argv + 4, argc - 4 > 32 ? 32 : argc - 4, f);
		c.f = f;
		return each_line(argv[2], get_line, &c);
	}
	if (!strcmp(argv[1], "seq")) {
		static struct seqs s;
		int i;

		rc = each_line(argv[2], seq_line, &s);
		for (i = 0; i < s.npid; i++) {
			long pid = s.pid[i] < 0 ? -s.pid[i] - 1 : s.pid[i];

			printf("pid=%ld events=%ld\n", pid, s.n[i]);
			if (s.n[i] != s.max[i]) {
				fprintf(stderr, "pid %ld: %ld events but seq reaches %ld\n",
					pid, s.n[i], s.max[i]);
				s.bad = 1;
			}
		}
		return rc ? rc : s.bad;
	}
	fprintf(stderr, "tracecheck: unknown check '%s'\n", argv[1]);
	return 2;
}
