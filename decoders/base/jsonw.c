// SPDX-License-Identifier: GPL-2.0-or-later
/* Allocation-free JSON writer: see jsonw.h for why it exists. */
#include "base/jsonw.h"

#include <stdbool.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";
/* Each byte's two hex digits: one load and one two-byte store a byte
 * (hexdig[] twice cost ~6 instructions a byte of a payload). */
static const char hex_pairs[513] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

#define put jw__put
#define putc1 jw__putc
#define member jw__member


static void open_container(struct jsonw *w, const char *key, char c)
{
	member(w, key);
	putc1(w, c);
	if (w->depth < JW_MAX_DEPTH - 1)
		w->depth++;
	w->first |= 1u << w->depth;
}

static void close_container(struct jsonw *w, char c)
{
	putc1(w, c);
	if (w->depth > 0)
		w->depth--;
}

void jw_obj_open(struct jsonw *w, const char *key) { open_container(w, key, '{'); }
void jw_obj_close(struct jsonw *w) { close_container(w, '}'); }
void jw_arr_open(struct jsonw *w, const char *key) { open_container(w, key, '['); }
void jw_arr_close(struct jsonw *w) { close_container(w, ']'); }

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static const uint64_t pow10s[20] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
	100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
	10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
	100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull,
};

/* From the bit length: log10(2) ~ 1233 / 4096, then one compare.  With a
 * division by 10,000 a round, a lookup line's five numbers took ~60
 * instructions each (callgrind, bpfspy collect). */
static unsigned u64_digits(uint64_t v)
{
	unsigned t = ((64u - (unsigned)__builtin_clzll(v | 1)) * 1233u) >> 12;

	return t + ((v | 1) >= pow10s[t]);   /* | 1: 0 has one digit; 10^t is even */
}

/* Written backwards in place, two digits per division: no temporary. */
size_t fmt_u64(char *out, uint64_t v)
{
	unsigned n, i;

	if (v < 10) {   /* flags, counts, a packed line's stream and type */
		out[0] = (char)('0' + v);
		return 1;
	}
	n = i = u64_digits(v);

	if (v <= UINT32_MAX) {   /* 32-bit divisions: most numbers of a line */
		uint32_t u = (uint32_t)v;

		while (u >= 100) {
			unsigned d = (u % 100) * 2;

			u /= 100;
			out[--i] = digit_pairs[d + 1];
			out[--i] = digit_pairs[d];
		}
		v = u;
	}
	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		out[--i] = digit_pairs[d + 1];
		out[--i] = digit_pairs[d];
	}
	if (v >= 10) {
		out[--i] = digit_pairs[v * 2 + 1];
		out[--i] = digit_pairs[v * 2];
	} else {
		out[--i] = (char)('0' + v);
	}
	return n;
}

void fmt_u64_fixed(char *out, uint64_t v, unsigned width)
{
	unsigned i = width;

	if (v <= UINT32_MAX) {   /* 32-bit divisions: a timestamp's nine digits */
		uint32_t u = (uint32_t)v;

		while (i >= 2) {
			unsigned d = (u % 100) * 2;

			u /= 100;
			out[--i] = digit_pairs[d + 1];
			out[--i] = digit_pairs[d];
		}
		if (i)
			out[0] = (char)('0' + u % 10);
		return;
	}
	while (i >= 2) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		out[--i] = digit_pairs[d + 1];
		out[--i] = digit_pairs[d];
	}
	if (i)
		out[0] = (char)('0' + v % 10);
}

size_t fmt_hex(char *out, uint64_t v)
{
	char tmp[16];
	size_t n = 0, i;

	do {
		tmp[n++] = hexdig[v & 0xf];
		v >>= 4;
	} while (v);
	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < n; i++)
		out[2 + i] = tmp[n - 1 - i];
	return n + 2;
}

static void esc_u(struct jsonw *w, unsigned char c)
{
	char e[6] = { '\\', 'u', '0', '0', hexdig[c >> 4], hexdig[c & 0xf] };

	put(w, e, 6);
}

/* Length of the valid UTF-8 sequence (RFC 3629) starting at s, given
 * the n bytes there; 0 when there is none, -1 when the n bytes are the
 * start of one that goes on past them. */
static int utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;   /* the second byte's range */
	size_t need, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;      /* shorter forms are overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;      /* ED A0..BF are surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		if (s[0] == 0xf0)
			lo = 0x90;      /* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;      /* above U+10FFFF */
	} else {
		return 0;
	}
	for (i = 1; i < need; i++) {
		if (i == n)
			return -1;
		if (i == 1 ? s[1] < lo || s[1] > hi : (s[i] & 0xc0) != 0x80)
			return 0;
	}
	return (int)need;
}

/* 1: the byte can be copied as is inside a JSON string.  DEL is escaped
 * like the C0 controls: JSON allows it raw, but a line that holds it is
 * binary to journald (journalctl shows the field as an array of bytes) and
 * a hazard on a terminal. */
static const uint8_t plain[256] = {
	[0x20 ... 0x21] = 1,  /* 0x22 is '"' */
	[0x23 ... 0x5b] = 1,  /* 0x5c is '\\' */
	[0x5d ... 0x7e] = 1,
};

static void replacement(struct jsonw *w)
{
	put(w, "\\ufffd", 6);
	w->bad = true;
}

/* The bytes of a sequence the previous part cut: each is one bad byte. */
static void flush_pending(struct jsonw *w)
{
	for (; w->npend; w->npend--)
		replacement(w);
}

/* Complete the sequence the previous part cut with the first bytes of
 * this one; returns how many of them it took. */
static size_t finish_pending(struct jsonw *w, const unsigned char *p, size_t n)
{
	unsigned char seq[4];
	size_t have = w->npend, take = 0;
	int u = -1;

	memcpy(seq, w->pend, have);
	while (u < 0 && take < n && p[take]) {
		seq[have++] = p[take++];
		u = utf8_len(seq, have);
	}
	if (u > 0) {
		put(w, (const char *)seq, (size_t)u);
		w->npend = 0;
		return take;
	}
	if (u < 0 && take == n) {       /* cut again: wait for more */
		memcpy(w->pend, seq, have);
		w->npend = (uint8_t)have;
		return take;
	}
	/* No sequence after all: its bytes are bad, except the one that broke
	 * it, which is read again on its own. */
	if (u == 0) {
		have--;
		take--;
	}
	w->npend = (uint8_t)have;
	flush_pending(w);
	return take;
}

/* Eight bytes at once: all plain (as plain[] says) or not.  Each test is
 * the exact "some byte is below N" / "some byte is zero" word trick.  The
 * byte loop alone cost ~6 instructions a byte, and strings are most of
 * what the collector writes (callgrind: str_body was 23% of rendering a
 * lookup); this is ~2.5. */
static inline bool plain8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t x, q, b, d;

	memcpy(&x, p, 8);
	q = x ^ (ones * 0x22);   /* '"' */
	b = x ^ (ones * 0x5c);   /* '\\' */
	d = x ^ (ones * 0x7f);   /* DEL */
	return !((x & high) | ((x - ones * 0x20) & ~x & high) | ((q - ones) & ~q & high) |
		 ((b - ones) & ~b & high) | ((d - ones) & ~d & high));
}

/* @more: another part follows, so a sequence cut at the end may go on. */
static void str_body(struct jsonw *w, const char *s, size_t n, bool more)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	if (w->npend)
		i = finish_pending(w, p, n);
	while (i < n && p[i]) {
		unsigned char c = p[i];
		int u;

		if (n - i >= 8 && plain8(p + i)) {
			run += 8;
			i += 8;
			continue;
		}
		if (plain[c]) {
			run++;
			i++;
			continue;
		}
		put(w, s + i - run, run);
		run = 0;
		if (c >= 0x80) {
			u = utf8_len(p + i, n - i);
			if (u == 2 && c == 0xc2 && p[i + 1] < 0xa0) {
				/* the C1 controls U+0080..U+009F, escaped as DEL is */
				esc_u(w, p[i + 1]);
				i += 2;
				continue;
			}
			if (u > 0) {
				put(w, s + i, (size_t)u);
				i += (size_t)u;
				continue;
			}
			if (u < 0 && more) {
				w->npend = (uint8_t)(n - i);
				memcpy(w->pend, p + i, n - i);
				return;
			}
			replacement(w);
		} else if (c == '"' || c == '\\') {
			putc1(w, '\\');
			putc1(w, (char)c);
		} else if (c == '\n') {
			put(w, "\\n", 2);
		} else if (c == '\t') {
			put(w, "\\t", 2);
		} else {
			esc_u(w, c);
		}
		i++;
	}
	put(w, s + i - run, run);
}

void jw_strn(struct jsonw *w, const char *key, const char *s, size_t n)
{
	char raw_key[64];
	size_t kl;

	member(w, key);
	putc1(w, '"');
	w->bad = false;
	w->npend = 0;
	str_body(w, s, n, false);
	putc1(w, '"');
	if (!w->bad || !key || (kl = strlen(key)) + sizeof("_raw") > sizeof(raw_key))
		return;
	/* The bytes as they were, for names that must be matched exactly. */
	memcpy(raw_key, key, kl);
	memcpy(raw_key + kl, "_raw", sizeof("_raw"));
	jw_bytes_hex(w, raw_key, s, strnlen(s, n));
}

void jw_hex(struct jsonw *w, const char *key, uint64_t v)
{
	char b[20];

	member(w, key);
	putc1(w, '"');
	put(w, b, fmt_hex(b, v));
	putc1(w, '"');
}

void jw_hex_digits(struct jsonw *w, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	if (w->len + 2 * n <= w->cap) {   /* room: no test per digit */
		char *o = w->buf + w->len;

		for (i = 0; i < n; i++)
			memcpy(o + 2 * i, hex_pairs + 2 * b[i], 2);
		w->len += 2 * n;
		return;
	}
	for (i = 0; i < n; i++) {
		putc1(w, hexdig[b[i] >> 4]);
		putc1(w, hexdig[b[i] & 0xf]);
	}
}

void jw_bytes_hex(struct jsonw *w, const char *key, const void *p, size_t n)
{
	member(w, key);
	putc1(w, '"');
	jw_hex_digits(w, p, n);
	putc1(w, '"');
}

void jw_str_begin(struct jsonw *w, const char *key)
{
	member(w, key);
	putc1(w, '"');
	w->bad = false;
	w->npend = 0;
}

void jw_str_part(struct jsonw *w, const char *s)
{
	str_body(w, s, strlen(s), true);
}

void jw_str_partn(struct jsonw *w, const char *s, size_t n)
{
	str_body(w, s, n, true);
}

void jw_str_hex_part(struct jsonw *w, uint64_t v)
{
	char b[20];

	put(w, b, fmt_hex(b, v));
}

void jw_str_end(struct jsonw *w)
{
	flush_pending(w);
	putc1(w, '"');
}

void jw_raw(struct jsonw *w, const char *s, size_t n)
{
	put(w, s, n);
}
