/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An allocation-free JSON writer into a caller-supplied buffer.
 *
 * Why not json-c here: building a json-c tree and serialising it cost ~4 us
 * per event on the development machine, three times the ~1.4 us a
 * BPF_MAP_LOOKUP_ELEM takes, and it allocates, which the shim must not do
 * inside other people's processes (signal handlers, after fork).  This
 * writer formats straight into a buffer: no allocation, no locks, no libc
 * stdio, so it is async-signal-safe.  json-c is still what reads and
 * verifies traces (src/ and the tests).
 *
 * When the buffer is too small the writer keeps counting: w->len is the
 * length the full document needs, so the caller can retry with a larger
 * buffer (see jw_overflowed()).
 */
#ifndef BPFSPY_JSONW_H
#define BPFSPY_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH 32

struct jsonw {
	char *buf;
	size_t cap;
	size_t len;     /* bytes the document needs so far (may exceed cap) */
	int depth;
	uint32_t first; /* bit d set: no member written yet at depth d */
};

void jw_init(struct jsonw *w, char *buf, size_t cap);
static inline bool jw_overflowed(const struct jsonw *w) { return w->len > w->cap; }

/* Containers.  @key is NULL inside arrays and at top level. */
void jw_obj_open(struct jsonw *w, const char *key);
void jw_obj_close(struct jsonw *w);
void jw_arr_open(struct jsonw *w, const char *key);
void jw_arr_close(struct jsonw *w);

/* Scalars. */
void jw_u64(struct jsonw *w, const char *key, uint64_t v);
void jw_s64(struct jsonw *w, const char *key, int64_t v);
void jw_bool(struct jsonw *w, const char *key, bool v);
void jw_null(struct jsonw *w, const char *key);
/* A JSON string from @s (NUL-terminated), escaped. */
void jw_str(struct jsonw *w, const char *key, const char *s);
/* A JSON string from @n bytes of @s; stops at a NUL.  Invalid UTF-8 and
 * control bytes are escaped as \u00XX so the line always parses. */
void jw_strn(struct jsonw *w, const char *key, const char *s, size_t n);
/* "0x1a2b": pointers and other values best read in hex. */
void jw_hex(struct jsonw *w, const char *key, uint64_t v);
/* Lower-case hex digits of @n bytes, as a string. */
void jw_bytes_hex(struct jsonw *w, const char *key, const void *p, size_t n);
/* A string built from several parts, e.g. a flags expression "A|B|0x40". */
void jw_str_begin(struct jsonw *w, const char *key);
void jw_str_part(struct jsonw *w, const char *s);
void jw_str_partn(struct jsonw *w, const char *s, size_t n);
void jw_str_hex_part(struct jsonw *w, uint64_t v);
void jw_str_end(struct jsonw *w);
/* Raw bytes appended as they are (caller guarantees valid JSON). */
void jw_raw(struct jsonw *w, const char *s, size_t n);

/* Format helpers usable without a writer (async-signal-safe). */
size_t fmt_u64(char *out, uint64_t v);      /* decimal, returns length */
size_t fmt_hex(char *out, uint64_t v);      /* "0x..." */

#endif
