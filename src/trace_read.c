// SPDX-License-Identifier: GPL-2.0-or-later
/* Streaming trace reader: see trace_read.h. */
#include "trace_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "packed.h"

struct trace_file {
	const char *path;
	FILE *f;
	unsigned long lineno;
	uint64_t pos;                /* bytes read so far */
	uint64_t ahead_off;
	char *buf;
	size_t cap;
	char *jbuf;                  /* a packed line rendered */
	size_t jcap;
	struct json_tokener *tok;
	struct unpacker *unpack;     /* a packed trace's streams (packed.h) */
	struct json_object *ahead;   /* the next line, parsed */
	unsigned long ahead_line;
	bool eof;
};

struct trace_set {
	struct trace_file *files;
	int n;
	bool lenient;
	unsigned long skipped;
	struct json_object *current;
};

/* What is wrong with reading @f as a trace, or NULL: a directory reads
 * as nothing, and a device such as /dev/zero as an endless line. */
static const char *not_a_trace(FILE *f)
{
	struct stat st;

	if (fstat(fileno(f), &st) != 0)
		return NULL;   /* the read will say */
	if (S_ISDIR(st.st_mode))
		return "is a directory, not a trace";
	if (S_ISCHR(st.st_mode) && !isatty(fileno(f)))
		return "is a character device, not a trace (a file, pipe or terminal is)";
	if (S_ISBLK(st.st_mode))
		return "is a block device, not a trace";
	return NULL;
}

struct trace_set *trace_open(char *const *paths, int n, bool lenient)
{
	struct trace_set *s = calloc(1, sizeof(*s));
	int i;

	if (!s || !(s->files = calloc((size_t)n, sizeof(*s->files)))) {
		die_msg("out of memory");
		free(s);
		return NULL;
	}
	s->n = n;
	s->lenient = lenient;
	for (i = 0; i < n; i++) {
		struct trace_file *t = &s->files[i];

		t->path = paths[i];
		t->f = strcmp(paths[i], "-") ? fopen(paths[i], "re") : stdin;
		t->tok = json_tokener_new();
		if (!t->f || !t->tok) {
			die_msg("%s: %s", paths[i], strerror(errno));
			s->n = i + (t->f != NULL);
			trace_close(s);
			return NULL;
		}
		if (not_a_trace(t->f)) {
			die_msg("%s: %s", paths[i], not_a_trace(t->f));
			s->n = i + 1;
			trace_close(s);
			return NULL;
		}
	}
	return s;
}

static int bad_line(struct trace_set *s, struct trace_file *t, const char *what)
{
	die_msg("%s:%lu: %s%s", t->path, t->lineno, what, s->lenient ? " (skipped)" : "");
	s->skipped++;
	return s->lenient ? 0 : -1;
}

static int check_schema(struct trace_set *s, struct trace_file *t, struct json_object *o)
{
	struct json_object *v;
	char msg[96];

	if (!json_object_object_get_ex(o, "schema", &v) || !v)
		return 1;
	if (json_object_get_int64(v) <= TRACE_SCHEMA_MAX)
		return 1;
	snprintf(msg, sizeof(msg), "schema %lld is newer than this bpfspy reads (%d)",
		 (long long)json_object_get_int64(v), TRACE_SCHEMA_MAX);
	return bad_line(s, t, msg);
}

/* Strict UTF-8 (RFC 3629): what bpfspy writes, so what it reads; json-c
 * would pass other bytes on to our own output. */
static bool utf8_ok(const unsigned char *p, size_t n)
{
	size_t i = 0, need, k;

	while (i < n) {
		unsigned char c = p[i], lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 2;
		else if (c >= 0xe0 && c <= 0xef)
			need = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 4;
		else
			return false;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		else if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		if (n - i < need || p[i + 1] < lo || p[i + 1] > hi)
			return false;
		for (k = 2; k < need; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		i += need;
	}
	return true;
}

/* What a line holds besides one JSON object, or NULL: the object must be
 * the whole line, so that nothing on it goes unread. */
static const char *line_fault(const char *buf, size_t n, size_t end)
{
	if (memchr(buf, 0, n))
		return "a NUL byte in the line";
	if (!utf8_ok((const unsigned char *)buf, n))
		return "not valid UTF-8";
	for (; end < n; end++) {
		char c = buf[end];

		if (c == '{' || c == '[')
			return "a second JSON value after the object";
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return "text after the JSON object";
	}
	return NULL;
}

/* A packed trace's line (@n bytes with its newline) rendered: 1 with the
 * JSON line and its newline in *@text, *@tn bytes; 0 a state line; -1 bad. */
static int unpacked(struct trace_file *t, ssize_t n, const char **text, ssize_t *tn,
		    const char **why)
{
	const char *json;
	size_t jn;
	int r;

	if (!t->unpack && !(t->unpack = unpacker_new())) {
		*why = strerror(ENOMEM);
		return -1;
	}
	if (t->buf[n - 1] != '\n') {
		*why = "truncated last line";
		return -1;
	}
	r = unpacker_line(t->unpack, t->buf, (size_t)n - 1, &json, &jn, why);
	if (r <= 0)
		return r;
	if (t->jcap < jn + 1) {
		char *nb = realloc(t->jbuf, jn + 1);

		if (!nb) {
			*why = strerror(ENOMEM);
			return -1;
		}
		t->jbuf = nb;
		t->jcap = jn + 1;
	}
	memcpy(t->jbuf, json, jn);
	t->jbuf[jn] = '\n';
	*text = t->jbuf;
	*tn = (ssize_t)jn + 1;
	return 1;
}

/* Parse @t's next line into t->ahead: 1 read, 0 end, -1 bad (strict). */
static int fill(struct trace_set *s, struct trace_file *t)
{
	struct json_object *o;
	const char *fault, *text;
	ssize_t n;
	int r;

	while (!t->ahead && !t->eof) {
		n = getline(&t->buf, &t->cap, t->f);
		if (n < 0) {
			t->eof = true;
			break;
		}
		t->lineno++;
		t->pos += (uint64_t)n;
		if (n == 1 && t->buf[0] == '\n')
			continue;
		text = t->buf;
		if (packed_line(t->buf, (size_t)n)) {
			r = unpacked(t, n, &text, &n, &fault);
			if (r < 0) {
				if (bad_line(s, t, fault) < 0)
					return -1;
				continue;
			}
			if (!r)
				continue;
		}
		json_tokener_reset(t->tok);
		o = json_tokener_parse_ex(t->tok, text, n > INT32_MAX ? INT32_MAX : (int)n);
		fault = NULL;
		if (!o || json_tokener_get_error(t->tok) != json_tokener_success ||
		    !json_object_is_type(o, json_type_object))
			fault = memchr(text, 0, (size_t)n) ? "a NUL byte in the line" :
				text[n - 1] != '\n' ? "truncated last line" : "not a JSON object";
		else
			fault = line_fault(text, (size_t)n, json_tokener_get_parse_end(t->tok));
		if (fault) {
			json_object_put(o);
			if (bad_line(s, t, fault) < 0)
				return -1;
			continue;
		}
		r = check_schema(s, t, o);
		if (r <= 0) {
			json_object_put(o);
			if (r < 0)
				return -1;
			continue;
		}
		t->ahead = o;
		t->ahead_line = t->lineno;
		t->ahead_off = t->pos - (uint64_t)n;
	}
	return t->ahead != NULL;
}

/* "ts": nanoseconds as a number (schema 1), or "S.NNNNNNNNN" (schema 2). */
uint64_t trace_ts(struct json_object *v)
{
	const char *s, *dot;
	uint64_t sec = 0, frac = 0;
	int digits = 0;

	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return (uint64_t)json_object_get_int64(v);
	s = json_object_get_string(v);
	for (; *s >= '0' && *s <= '9'; s++)
		sec = sec * 10 + (uint64_t)(*s - '0');
	dot = *s == '.' ? s + 1 : NULL;
	for (s = dot; s && *s >= '0' && *s <= '9' && digits < 9; s++, digits++)
		frac = frac * 10 + (uint64_t)(*s - '0');
	while (digits++ < 9)
		frac *= 10;
	return sec * 1000000000u + frac;
}

static uint64_t ts_of(struct json_object *o)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, "ts", &v) || !v)
		return 0;
	return trace_ts(v);
}

int trace_next(struct trace_set *s, struct trace_line *out)
{
	int i, best = -1;
	uint64_t best_ts = 0;

	json_object_put(s->current);
	s->current = NULL;
	for (i = 0; i < s->n; i++) {
		struct trace_file *t = &s->files[i];
		uint64_t ts;

		if (fill(s, t) < 0)
			return -1;
		if (!t->ahead)
			continue;
		ts = ts_of(t->ahead);
		/* lines without a time go first: they open what follows */
		if (best < 0 || ts < best_ts) {
			best = i;
			best_ts = ts;
		}
	}
	if (best < 0)
		return 0;
	s->current = s->files[best].ahead;
	s->files[best].ahead = NULL;
	out->file = s->files[best].path;
	out->lineno = s->files[best].ahead_line;
	out->obj = s->current;
	out->event = trace_get_str(s->current, "event");
	if (!out->event)
		out->event = "";
	out->ts = best_ts;
	out->off = s->files[best].ahead_off;
	out->index = best;
	return 1;
}

unsigned long trace_skipped(const struct trace_set *s)
{
	return s->skipped;
}

void trace_close(struct trace_set *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		struct trace_file *t = &s->files[i];

		if (t->f && t->f != stdin)
			fclose(t->f);
		if (t->tok)
			json_tokener_free(t->tok);
		json_object_put(t->ahead);
		free(t->buf);
		free(t->jbuf);
		unpacker_free(t->unpack);
	}
	json_object_put(s->current);
	free(s->files);
	free(s);
}

struct json_object *trace_get(struct json_object *o, const char *path)
{
	char key[128];
	const char *dot;
	size_t n;

	while (o && *path) {
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(key) || !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(key, path, n);
		key[n] = 0;
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path += n + (dot != NULL);
	}
	return o;
}

const char *trace_get_str(struct json_object *o, const char *path)
{
	struct json_object *v = trace_get(o, path);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

int64_t trace_get_int(struct json_object *o, const char *path, int64_t dflt)
{
	struct json_object *v = trace_get(o, path);

	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : dflt;
}

char *trace_libbpf_layer(const char *have, struct json_object *o)
{
	const char *ver = trace_get_str(o, "libbpf");
	size_t n;
	char *s;

	if (!ver || (have && strstr(have, ver)))
		return have ? strdup(have) : NULL;
	if (!have || !strcmp(have, "static or absent"))
		return strdup(ver);
	n = strlen(have) + strlen(ver) + 3;
	s = malloc(n);
	if (s)
		snprintf(s, n, "%s, %s", have, ver);
	return s;
}
