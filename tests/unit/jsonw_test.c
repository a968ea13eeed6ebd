// SPDX-License-Identifier: GPL-2.0-or-later
/* The shim's JSON writer: everything it writes must parse with json-c and
 * read back as the values written. */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonw.h"
#include "event/bpf_event.h"
#include "tap.h"

static struct json_object *parse(const char *buf, size_t len)
{
	char *copy = strndup(buf, len);
	struct json_object *o = json_tokener_parse(copy);

	free(copy);
	return o;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return json_object_get_string(v);
}

static void test_scalars(void)
{
	char buf[512];
	struct jsonw w;
	struct json_object *o, *v;

	jw_init(&w, buf, sizeof(buf));
	jw_obj_open(&w, NULL);
	jw_u64(&w, "u", UINT64_MAX);
	jw_s64(&w, "s", INT64_MIN);
	jw_s64(&w, "m1", -1);
	jw_bool(&w, "t", true);
	jw_null(&w, "n");
	jw_hex(&w, "h", 0xdeadbeef);
	jw_bytes_hex(&w, "b", "\x01\xab", 2);
	jw_arr_open(&w, "a");
	jw_u64(&w, NULL, 1);
	jw_u64(&w, NULL, 2);
	jw_arr_close(&w);
	jw_obj_open(&w, "empty");
	jw_obj_close(&w);
	jw_obj_close(&w);
	o = parse(buf, w.len);
	tap_ok(o != NULL, "scalars parse with json-c");
	if (!o)
		return;
	json_object_object_get_ex(o, "u", &v);
	tap_ok(json_object_get_uint64(v) == UINT64_MAX, "u64 max round-trips");
	json_object_object_get_ex(o, "s", &v);
	tap_ok(json_object_get_int64(v) == INT64_MIN, "s64 min round-trips");
	json_object_object_get_ex(o, "m1", &v);
	tap_ok(json_object_get_int64(v) == -1, "negative numbers");
	tap_ok(!strcmp(get_str(o, "h"), "0xdeadbeef"), "hex as a string");
	tap_ok(!strcmp(get_str(o, "b"), "01ab"), "bytes as hex digits");
	json_object_object_get_ex(o, "a", &v);
	tap_ok(json_object_array_length(v) == 2, "array of two");
	json_object_object_get_ex(o, "n", &v);
	tap_ok(v == NULL, "null");
	json_object_put(o);
}

static void test_escaping(void)
{
	char buf[512], raw[64];
	struct jsonw w;
	struct json_object *o;
	int i;

	for (i = 0; i < 31; i++)
		raw[i] = (char)(i + 1);           /* every control byte */
	raw[31] = '"';
	raw[32] = '\\';
	raw[33] = (char)0xff;                 /* invalid UTF-8 */
	memcpy(raw + 34, "\xc3\xa9", 2);      /* valid UTF-8: e acute */
	jw_init(&w, buf, sizeof(buf));
	jw_obj_open(&w, NULL);
	jw_strn(&w, "s", raw, 36);
	jw_obj_close(&w);
	o = parse(buf, w.len);
	tap_ok(o != NULL, "control bytes, quotes and bad UTF-8 still parse");
	if (o) {
		const char *s = get_str(o, "s");

		tap_ok(s && s[0] == 1 && s[9] == '\n', "control bytes read back");
		tap_ok(s && strstr(s, "\xc3\xa9") != NULL, "valid UTF-8 kept as is");
		json_object_put(o);
	}
	tap_ok(memchr(buf, '\n', w.len) == NULL, "no raw newline inside a line");

	/* DEL and the C1 controls: valid JSON raw, but binary to journald
	 * and terminals: escaped, the same characters to a JSON reader */
	jw_init(&w, buf, sizeof(buf));
	jw_obj_open(&w, NULL);
	jw_strn(&w, "s", "a\x7f\xc2\x9b" "b\xc2\xa0", 7);
	jw_obj_close(&w);
	tap_ok(w.len < sizeof(buf) && strstr(buf, "a\\u007f\\u009bb\xc2\xa0") != NULL &&
	       !memchr(buf, 0x7f, w.len),
	       "DEL and C1 escaped as \\u00HH, U+00A0 kept: %.*s", (int)w.len, buf);
}

static void test_overflow(void)
{
	char small[16], big[256];
	struct jsonw w;
	size_t need;

	jw_init(&w, small, sizeof(small));
	jw_obj_open(&w, NULL);
	jw_str(&w, "key", "a value longer than sixteen bytes");
	jw_obj_close(&w);
	tap_ok(jw_overflowed(&w), "overflow is reported");
	need = w.len;
	jw_init(&w, big, sizeof(big));
	jw_obj_open(&w, NULL);
	jw_str(&w, "key", "a value longer than sixteen bytes");
	jw_obj_close(&w);
	tap_ok(!jw_overflowed(&w) && w.len == need, "counted length is exact (%zu)", need);

	/* hex bytes at every room: a prefix of the whole, the length exact */
	{
		static const unsigned char b[9] = { 0x00, 0x0f, 0xf0, 0xff, 0x12, 0x9a, 0xa9, 0x7e, 0x81 };
		char whole[64], cut[64];
		size_t cap, bad = 0;

		jw_init(&w, whole, sizeof(whole));
		jw_bytes_hex(&w, NULL, b, sizeof(b));
		need = w.len;
		for (cap = 0; cap <= need; cap++) {
			memset(cut, '#', sizeof(cut));
			jw_init(&w, cut, cap);
			jw_bytes_hex(&w, NULL, b, sizeof(b));
			if (w.len != need || memcmp(cut, whole, cap) || cut[cap] != '#')
				bad++;
		}
		tap_ok(need == 20 && !memcmp(whole, "\"000ff0ff129aa97e81\"", 20) && !bad,
		       "hex bytes: whole, and cut at every room without writing past it (%zu bad)",
		       bad);
	}
}

/* Strict UTF-8 (RFC 3629), written from the table, not from jsonw.c. */
static bool strict_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], need, cp, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
		if (!need || i + need > n)
			return false;
		cp = c & (0x3f >> (need - 1));
		for (k = 1; k < need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) ||
		    (need == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need;
	}
	return true;
}

static size_t count(const char *hay, size_t n, const char *needle)
{
	size_t c = 0, l = strlen(needle), i;

	for (i = 0; i + l <= n; i++)
		if (!memcmp(hay + i, needle, l))
			c++;
	return c;
}

struct utf8_case {
	const char *bytes;
	unsigned bad;        /* bytes that must become \ufffd */
	const char *what;
};

static const struct utf8_case utf8_cases[] = {
	{ "a\xed\xa0\x80z", 3, "surrogate ED A0 80" },
	{ "a\xf4\x90\x80\x80z", 4, "above U+10FFFF: F4 90 80 80" },
	{ "a\xc0\xafz", 2, "overlong C0 AF" },
	{ "a\xe0\x80\xafz", 3, "overlong E0 80 AF" },
	{ "a\xf0\x80\x80\xafz", 4, "overlong F0 80 80 AF" },
	{ "a\xf5\x80\x80\x80z", 4, "F5: no such lead byte" },
	{ "a\xe2\x82z", 2, "a cut 3-byte sequence" },
	{ "a\x80\xbfz", 2, "lone continuation bytes" },
	{ "a\xe2\x82\xac\xf0\x9f\x98\x80\xed\x9f\xbf\xf4\x8f\xbf\xbfz", 0,
	  "euro sign, emoji, U+D7FF, U+10FFFF are kept" },
	{ "\xc3\xa9\xff\xc3\xa9", 1, "one bad byte between two good characters" },
};

/* Each case written whole (with a _raw copy) and streamed in two parts
 * cut at every byte: the output is strict UTF-8, the good characters
 * survive and each bad byte is one \ufffd. */
static void test_strict_utf8(void)
{
	char buf[512];
	struct jsonw w;
	size_t i, cut, n;

	for (i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
		const struct utf8_case *c = &utf8_cases[i];
		bool ok = true;

		n = strlen(c->bytes);
		jw_init(&w, buf, sizeof(buf));
		jw_obj_open(&w, NULL);
		jw_strn(&w, "name", c->bytes, n);
		jw_obj_close(&w);
		tap_ok(strict_utf8((unsigned char *)buf, w.len) &&
		       count(buf, w.len, "\\ufffd") == c->bad,
		       "jw_strn: %s (%.*s)", c->what, (int)w.len, buf);
		if (c->bad) {
			struct json_object *o = parse(buf, w.len);
			char hex[64];
			size_t k;

			for (k = 0; k < n; k++)
				sprintf(hex + 2 * k, "%02x", (unsigned char)c->bytes[k]);
			tap_ok(o && get_str(o, "name_raw") && !strcmp(get_str(o, "name_raw"), hex),
			       "jw_strn: name_raw keeps the bytes of %s", c->what);
			json_object_put(o);
		}
		for (cut = 0; cut <= n; cut++) {
			char one[512];
			size_t one_len;

			jw_init(&w, buf, sizeof(buf));
			jw_str_begin(&w, "s");
			jw_str_partn(&w, c->bytes, cut);
			jw_str_partn(&w, c->bytes + cut, n - cut);
			jw_str_end(&w);
			memcpy(one, buf, w.len);
			one_len = w.len;
			jw_init(&w, buf, sizeof(buf));
			jw_str_begin(&w, "s");
			jw_str_partn(&w, c->bytes, n);
			jw_str_end(&w);
			if (one_len != w.len || memcmp(one, buf, w.len) ||
			    !strict_utf8((unsigned char *)one, one_len))
				ok = false;
		}
		tap_ok(ok, "streamed, cut anywhere, the same strict output: %s", c->what);
	}
}

/* Each byte that must be escaped, at each place of a 20-byte string (the
 * writer skips plain runs eight bytes at a time): escaped exactly there. */
static void test_escape_positions(void)
{
	static const struct { unsigned char c; const char *esc; } sp[] = {
		{ '"', "\\\"" }, { '\\', "\\\\" }, { '\n', "\\n" }, { 0x01, "\\u0001" },
		{ 0x1f, "\\u001f" }, { 0x7f, "\\u007f" }, { 0xff, "\\ufffd" },
	};
	char s[21], out[256], want[256], buf[64];
	unsigned i, k, bad = 0;

	for (i = 0; i < sizeof(sp) / sizeof(sp[0]); i++) {
		for (k = 0; k < 20; k++) {
			struct jsonw w;

			memset(s, 'a' + (char)(k % 26), 20);
			s[20] = 0;
			s[k] = (char)sp[i].c;
			jw_init(&w, out, sizeof(out));
			jw_strn(&w, NULL, s, 20);
			snprintf(want, sizeof(want), "\"%.*s%s%s\"", (int)k, s, sp[i].esc, s + k + 1);
			if (w.len != strlen(want) || memcmp(out, want, w.len))
				bad++;
		}
	}
	tap_ok(bad == 0, "escapes land at every position of a long string (%u wrong)", bad);
	{
		struct jsonw w;

		jw_init(&w, buf, sizeof(buf));
		jw_strn(&w, NULL, "abcdefgh\0ijklmnop", 17);
		tap_ok(w.len == 10 && !memcmp(buf, "\"abcdefgh\"", 10),
		       "a NUL after eight plain bytes ends the string");
	}
}

/* Timestamps: the seconds' digits are kept between calls, the fraction
 * is nine digits always; each against snprintf(). */
static void test_ts(void)
{
	static const uint64_t ns[] = {
		0, 1, 999999999, 1000000000, 1796128135342495518ull, 1796128135000000007ull,
		1796128136000000000ull, 1796128135999999999ull, 5000000001ull,
		18446744073709551615ull,
	};
	char buf[64], want[64], d[16];
	unsigned i, bad = 0, round;
	struct jsonw w;

	for (round = 0; round < 2; round++)
		for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
			jw_init(&w, buf, sizeof(buf));
			bpf_render_ts(&w, NULL, ns[i]);
			snprintf(want, sizeof(want), "\"%llu.%09llu\"",
				 (unsigned long long)(ns[i] / 1000000000u),
				 (unsigned long long)(ns[i] % 1000000000u));
			if (w.len != strlen(want) || memcmp(buf, want, w.len)) {
				if (bad++ < 3)
					printf("# ts %llu: %.*s, want %s\n", (unsigned long long)ns[i],
					       (int)w.len, buf, want);
			}
		}
	tap_ok(bad == 0, "timestamps as seconds and nine digits, a second kept or not (%u wrong)",
	       bad);
	{
		unsigned k, wrong = 0, tried = 0;
		uint64_t p = 1;

		/* each power of ten and its neighbours, both sides of 2^32 */
		for (k = 0; k < 20; k++, p *= 10) {
			const uint64_t vs[] = { p - 1, p, p + 1, p * 2 - 1, p | 1 };
			unsigned j;

			for (j = 0; j < sizeof(vs) / sizeof(vs[0]); j++) {
				char got[24], ref[24];
				size_t n = fmt_u64(got, vs[j]);

				snprintf(ref, sizeof(ref), "%llu", (unsigned long long)vs[j]);
				tried++;
				wrong += n != strlen(ref) || memcmp(got, ref, n);
			}
		}
		for (k = 0; k < 64; k++) {
			uint64_t v = (1ull << k) - 1 + (k & 1);
			char got[24], ref[24];
			size_t n = fmt_u64(got, v);

			snprintf(ref, sizeof(ref), "%llu", (unsigned long long)v);
			tried++;
			wrong += n != strlen(ref) || memcmp(got, ref, n);
		}
		tap_ok(wrong == 0, "u64 digits at every power of ten and of two (%u of %u wrong)",
		       wrong, tried);
	}
	fmt_u64_fixed(d, 1234, 9);
	tap_ok(!memcmp(d, "000001234", 9), "fixed width: zero-padded");
	fmt_u64_fixed(d, 12345678901ull, 4);
	tap_ok(!memcmp(d, "8901", 4), "fixed width: the low digits");
	fmt_u64_fixed(d, 7, 1);
	tap_ok(d[0] == '7', "fixed width: one digit");
}

/* The envelope's pid, tid and comm, kept between lines of one thread:
 * each line as the whole rendering would have it, when the thread, its
 * name or the process change, a name needs escaping or fills all 16. */
static void test_envelope(void)
{
	static const struct { uint32_t pid, tid; const char *comm; const char *want; } e[] = {
		{ 7, 8, "a", "\"pid\":7,\"tid\":8,\"comm\":\"a\"" },
		{ 7, 8, "a", "\"pid\":7,\"tid\":8,\"comm\":\"a\"" },
		{ 7, 9, "a", "\"pid\":7,\"tid\":9,\"comm\":\"a\"" },
		{ 7, 9, "b\"c\\", "\"pid\":7,\"tid\":9,\"comm\":\"b\\\"c\\\\\"" },
		{ 6, 9, "b\"c\\", "\"pid\":6,\"tid\":9,\"comm\":\"b\\\"c\\\\\"" },
		{ 6, 9, "0123456789abcdefXYZ", "\"pid\":6,\"tid\":9,\"comm\":\"0123456789abcdef\"" },
		{ 6, 9, "0123456789abcdeX", "\"pid\":6,\"tid\":9,\"comm\":\"0123456789abcdeX\"" },
	};
	char buf[512], want[512];
	unsigned i, bad = 0;
	struct jsonw w;

	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		struct bpf_event_env env = { .seq = i + 1, .ts = 5000000001ull, .dur_ns = 3,
					     .pid = e[i].pid, .tid = e[i].tid, .comm = e[i].comm };

		jw_init(&w, buf, sizeof(buf));
		jw_obj_open(&w, NULL);
		bpf_render_envelope(&w, "bpf", &env);
		jw_obj_close(&w);
		snprintf(want, sizeof(want),
			 "{\"event\":\"bpf\",\"seq\":%u,\"ts\":\"5.000000001\",\"dur_ns\":3,%s}",
			 i + 1, e[i].want);
		if (w.len != strlen(want) || memcmp(buf, want, w.len)) {
			bad++;
			printf("# %.*s\n# want %s\n", (int)w.len, buf, want);
		}
	}
	tap_ok(bad == 0, "envelopes of changing threads, names and processes (%u wrong)", bad);
}

int main(void)
{
	test_ts();
	test_envelope();
	test_scalars();
	test_escaping();
	test_escape_positions();
	test_overflow();
	test_strict_utf8();
	return tap_done();
}
