/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers the C unit tests share: strict JSON parsing and lookup by
 * dotted path, attr byte packing, and addresses that are not mapped. */
#ifndef BPFSPY_TESTLIB_H
#define BPFSPY_TESTLIB_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "event/bpf_event.h"
#include "syscall/bpf_decode.h"

/* Strict parse: the whole buffer must be exactly one JSON value. */
static inline struct json_object *parse_all(const char *buf, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = json_tokener_parse_ex(tok, buf, (int)len);

	if (o && (json_tokener_get_error(tok) != json_tokener_success ||
		  (size_t)json_tokener_get_parse_end(tok) != len)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* The member at a dotted path ("attr.perf_event.bpf_cookie"), or NULL. */
static inline struct json_object *jget(struct json_object *o, const char *path)
{
	char key[64];

	while (o && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (n >= sizeof(key) || !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(key, path, n);
		key[n] = 0;
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path += n + (dot ? 1 : 0);
	}
	return o;
}

/* Render @c as one JSON object with @o; NULL when it does not parse.
 * BPFSPY_TEST_VERBOSE=1 prints each rendered object on stderr. */
static inline struct json_object *render_call(const struct bpf_call *c,
					      const struct decode_opts *o)
{
	static char buf[1 << 20];
	struct jsonw w;

	jw_init(&w, buf, sizeof(buf));
	jw_obj_open(&w, NULL);
	bpf_render_call_checked(&w, c, o);
	jw_obj_close(&w);
	if (jw_overflowed(&w))
		return NULL;
	if (getenv("BPFSPY_TEST_VERBOSE"))
		fprintf(stderr, "%.*s\n", (int)w.len, buf);
	return parse_all(buf, w.len);
}

static inline bool has(struct json_object *o, const char *path)
{
	return jget(o, path) != NULL;
}

static inline bool str_is(struct json_object *o, const char *path, const char *want)
{
	struct json_object *v = jget(o, path);

	return v && json_object_is_type(v, json_type_string) &&
	       !strcmp(json_object_get_string(v), want);
}

static inline bool int_is(struct json_object *o, const char *path, int64_t want)
{
	struct json_object *v = jget(o, path);

	return v && json_object_is_type(v, json_type_int) &&
	       json_object_get_int64(v) == want;
}

static inline void put32(uint8_t *p, unsigned off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

static inline void put64(uint8_t *p, unsigned off, uint64_t v)
{
	memcpy(p + off, &v, 8);
}

static inline uint64_t addr_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* An address that was mapped a moment ago and is not any more. */
static inline uint64_t unmapped_addr(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 0;
	munmap(p, pg);
	return addr_of(p);
}

#endif
