// SPDX-License-Identifier: GPL-2.0-or-later
/* The shim's JSON writer: everything it writes must parse with json-c and
 * read back as the values written. */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonw.h"
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
}

int main(void)
{
	test_scalars();
	test_escaping();
	test_overflow();
	return tap_done();
}
