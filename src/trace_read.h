/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading traces: JSON Lines parsed with json-c, one line at a time, so
 * memory is bounded by the longest line, not the trace.  Several files
 * merge into one stream by timestamp ("ts"; a header comes before the
 * events of its file that follow it).
 *
 * Bad input is reported with file and line: a line that is not JSON, a
 * truncated last line (a killed writer), an event of a newer schema than
 * this bpfspy reads.  Strict readers stop there (exit 2); lenient ones
 * warn and skip the line.
 */
#ifndef BPFSPY_TRACE_READ_H
#define BPFSPY_TRACE_READ_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event/bpf_event.h"

#define TRACE_SCHEMA_MAX BPF_TRACE_SCHEMA   /* the newest schema this reader knows */

/* One line read: the object is the reader's until the next call. */
struct trace_line {
	const char *file;
	unsigned long lineno;
	struct json_object *obj;
	const char *event;     /* "header", "bpf", "libbpf", "lost", ... */
	uint64_t ts;           /* 0 when the line has none */
	uint64_t off;          /* byte offset of the line in its file */
	int index;             /* which of the files given to trace_open */
};

struct trace_set;

/* Open @n files ("-" is standard input).  NULL with a message on stderr
 * when one can't be opened. */
struct trace_set *trace_open(char *const *paths, int n, bool lenient);
/* The next line in timestamp order: 1, 0 at the end, -1 on bad input
 * (reported; a lenient set reports and skips instead). */
int trace_next(struct trace_set *s, struct trace_line *out);
/* Lines skipped as bad so far (lenient). */
unsigned long trace_skipped(const struct trace_set *s);
void trace_close(struct trace_set *s);

/* Dotted lookup ("attr.map_type"); NULL when absent or JSON null. */
struct json_object *trace_get(struct json_object *o, const char *path);
const char *trace_get_str(struct json_object *o, const char *path);
int64_t trace_get_int(struct json_object *o, const char *path, int64_t dflt);
/* A "ts" value in nanoseconds, of either schema; 0 when absent. */
uint64_t trace_ts(struct json_object *v);

/* The libbpf a process had, @have (its header's "libbpf", or NULL), with
 * what a "layer" line @o announced: a new string, or NULL when out of
 * memory.  "static or absent" gives way to the announced version; a
 * version not named yet is appended ("v1.1, v1.2"). */
char *trace_libbpf_layer(const char *have, struct json_object *o);

#endif
