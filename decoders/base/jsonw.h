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
#include <string.h>

#define JW_MAX_DEPTH 32

struct jsonw {
	char *buf;
	size_t cap;
	size_t len;     /* bytes the document needs so far (may exceed cap) */
	int depth;
	uint32_t first; /* bit d set: no member written yet at depth d */
	bool bad;       /* the string being written had invalid UTF-8 */
	uint8_t npend;  /* bytes of a UTF-8 sequence cut by a part's end */
	unsigned char pend[3];
};

static inline bool jw_overflowed(const struct jsonw *w) { return w->len > w->cap; }

/*
 * The core is inline: call sites pass literal keys, so the compiler folds
 * strlen(key) and turns the copies into a few moves.  Out of line, key
 * handling was half of an event's ~380 ns rendering cost (measured with
 * perf on the lookup benchmark).
 */
static inline void jw__put(struct jsonw *w, const char *s, size_t n)
{
	if (__builtin_expect(w->len + n <= w->cap, 1)) {
		__builtin_memcpy(w->buf + w->len, s, n);
	} else if (w->len < w->cap) {
		__builtin_memcpy(w->buf + w->len, s, w->cap - w->len);
	}
	w->len += n;
}

static inline void jw__putc(struct jsonw *w, char c)
{
	if (__builtin_expect(w->len < w->cap, 1))
		w->buf[w->len] = c;
	w->len++;
}

/* Separator and key before a member.  Keys are bpfspy's own identifiers
 * (UAPI field names): no byte of them needs escaping. */
static inline void jw__member(struct jsonw *w, const char *key)
{
	uint32_t bit = 1u << w->depth;

	if (w->first & bit)
		w->first &= ~bit;
	else
		jw__putc(w, ',');
	if (!key)
		return;
	jw__putc(w, '"');
	jw__put(w, key, __builtin_strlen(key));
	jw__put(w, "\":", 2);
}

static inline void jw_init(struct jsonw *w, char *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->depth = 0;
	w->first = 1;
	w->bad = false;
	w->npend = 0;
}

/* Containers.  @key is NULL inside arrays and at top level. */
void jw_obj_open(struct jsonw *w, const char *key);
void jw_obj_close(struct jsonw *w);
void jw_arr_open(struct jsonw *w, const char *key);
void jw_arr_close(struct jsonw *w);

/* Scalars. */
size_t fmt_u64(char *out, uint64_t v);      /* decimal, returns length */
/* The low @width decimal digits of @v, zero-padded: "000001234" for 1234
 * in 9. */
void fmt_u64_fixed(char *out, uint64_t v, unsigned width);
size_t fmt_hex(char *out, uint64_t v);      /* "0x..." */

static inline void jw_u64(struct jsonw *w, const char *key, uint64_t v)
{
	char b[24];

	jw__member(w, key);
	if (__builtin_expect(w->len + 20 <= w->cap, 1)) {
		w->len += fmt_u64(w->buf + w->len, v);
		return;
	}
	jw__put(w, b, fmt_u64(b, v));
}

static inline void jw_s64(struct jsonw *w, const char *key, int64_t v)
{
	char b[24];

	jw__member(w, key);
	if (v < 0) {
		jw__putc(w, '-');
		jw__put(w, b, fmt_u64(b, (uint64_t)0 - (uint64_t)v));
		return;
	}
	jw__put(w, b, fmt_u64(b, (uint64_t)v));
}

static inline void jw_bool(struct jsonw *w, const char *key, bool v)
{
	jw__member(w, key);
	if (v)
		jw__put(w, "true", 4);
	else
		jw__put(w, "false", 5);
}

static inline void jw_null(struct jsonw *w, const char *key)
{
	jw__member(w, key);
	jw__put(w, "null", 4);
}

void jw_strn(struct jsonw *w, const char *key, const char *s, size_t n);
/* A JSON string from @s (NUL-terminated), escaped. */
static inline void jw_str(struct jsonw *w, const char *key, const char *s)
{
	jw_strn(w, key, s, __builtin_strlen(s));
}
/* jw_strn: a JSON string from @n bytes of @s; stops at a NUL.  Control
 * bytes are escaped as \u00XX; each byte that is not part of valid UTF-8
 * (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF)
 * becomes \ufffd, so every line is strict UTF-8.  With a @key, such a
 * string is followed by "@key_raw": its bytes in hex. */
/* "0x1a2b": pointers and other values best read in hex. */
void jw_hex(struct jsonw *w, const char *key, uint64_t v);
/* Lower-case hex digits of @n bytes, as a string. */
void jw_bytes_hex(struct jsonw *w, const char *key, const void *p, size_t n);
/* Those digits alone, inside a string the caller opened. */
void jw_hex_digits(struct jsonw *w, const void *p, size_t n);
/* A string built from several parts, e.g. a flags expression "A|B|0x40". */
void jw_str_begin(struct jsonw *w, const char *key);
void jw_str_part(struct jsonw *w, const char *s);
void jw_str_partn(struct jsonw *w, const char *s, size_t n);
void jw_str_hex_part(struct jsonw *w, uint64_t v);
void jw_str_end(struct jsonw *w);
/* A string of @n bytes the caller made itself and knows needs no escaping
 * (printable ASCII, no '"' or '\\': digits, a fixed word): no scan. */
static inline void jw_plain(struct jsonw *w, const char *key, const char *s, size_t n)
{
	jw__member(w, key);
	jw__putc(w, '"');
	jw__put(w, s, n);
	jw__putc(w, '"');
}
/* Raw bytes appended as they are (caller guarantees valid JSON). */
void jw_raw(struct jsonw *w, const char *s, size_t n);

#endif
