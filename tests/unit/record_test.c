// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packed calls and spool records: a call packed at call time and rendered
 * at drain time must read exactly as if rendered at call time; a spool
 * keeps whole records and drops (and counts) torn ones.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event/bpf_record.h"
#include "event/bpf_stack.h"
#include "libbpf/libbpf_funcs.h"
#include "base/spool.h"
#include "tap.h"

static void random_call(struct bpf_call *c, uint32_t cmd, uint32_t size, unsigned seed)
{
	uint32_t i;

	srand(seed);
	memset(c, 0, sizeof(*c));
	c->cmd = c->cmd_raw = cmd;
	c->size = size;
	c->attr_addr = 0x7ffd00001000ull;
	c->pre_len = size < BPF_ATTR_SNAP ? size : BPF_ATTR_SNAP;
	for (i = 0; i < c->pre_len; i++)
		c->pre[i] = (uint8_t)(rand() & 0xff);
	c->have_post = bpf_cmd_writes_attr(cmd);
	if (c->have_post) {
		c->post_len = c->pre_len;
		for (i = 0; i < c->post_len; i++)
			c->post[i] = (uint8_t)(rand() & 0xff);
	}
	c->ret = rand() & 1 ? -1 : 5;
	c->err = c->ret < 0 ? 22 : 0;
}

/* Render @c the drain's way: a fresh context that has seen the thread's
 * record, then the packed call.  Returns the line's length. */
static size_t render_packed(const struct bpf_call *c, const struct bpf_event_env *env,
			    char *out, size_t cap)
{
	static char packed[65536];
	static struct bpf_render_ctx *x;
	struct bpf_rec_thread t = { .tid = env->tid };

	if (!x)
		x = bpf_render_ctx_new();
	bpf_render_ctx_reset(x);
	memcpy(t.comm, env->comm, sizeof(t.comm));
	bpf_render_ctx_record(x, BPF_REC_THREAD, &t, sizeof(t), out, cap);
	bpf_record_pack(packed, c, env);
	return bpf_render_ctx_record(x, BPF_REC_CALL, packed, bpf_record_size(c, env), out, cap);
}

static size_t render_direct(const struct bpf_call *c, const struct bpf_event_env *env,
			    bool offline, char *out, size_t cap)
{
	struct decode_opts o;
	struct jsonw w;

	decode_opts_default(&o);
	o.offline = offline;
	jw_init(&w, out, cap);
	bpf_render_event(&w, env, c, &o);
	return w.len;
}

/* For every command that may be spooled packed: rendering it from the
 * record equals rendering it live, and needs no caller memory. */
static void test_round_trip(void)
{
	static char live[65536], packed[65536], rendered[65536];
	struct bpf_render_ctx *x = bpf_render_ctx_new();
	static const uint32_t sizes[] = { 0, 8, 32, 168, 4096 };
	struct bpf_event_env env = { 7, 1795316856787205678ull, 1234, 42, 43, "comm-of-sixteen!", 0, NULL, 0 };
	unsigned offline_ok = 0, mismatches = 0, offline_diff = 0, cmd, si, seed;
	struct bpf_call c;

	for (cmd = 0; cmd < BPF_CMD_COUNT + 3; cmd++) {
		if (!bpf_cmd_offline_ok(cmd))
			continue;
		offline_ok++;
		for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
			for (seed = 1; seed <= 20; seed++) {
				size_t a, b;

				random_call(&c, cmd, sizes[si], seed * 131 + cmd);
				a = render_direct(&c, &env, false, live, sizeof(live));
				b = render_direct(&c, &env, true, rendered, sizeof(rendered));
				if (a != b || memcmp(live, rendered, a))
					offline_diff++;
				b = render_packed(&c, &env, rendered, sizeof(rendered));
				if (a != b || memcmp(live, rendered, a))
					mismatches++;
			}
		}
	}
	tap_ok(offline_ok >= 20, "%u commands are spooled packed", offline_ok);
	tap_ok(!bpf_cmd_offline_ok(5) && !bpf_cmd_offline_ok(6) && !bpf_cmd_offline_ok(18),
	       "PROG_LOAD, OBJ_PIN and BTF_LOAD (strings, logs) need more than attr (copies_test)");
	tap_ok(bpf_cmd_offline_ok(1) && bpf_cmd_offline_ok(11),
	       "MAP_LOOKUP_ELEM and PROG_GET_NEXT_ID are spooled packed");
	tap_ok(offline_diff == 0, "offline rendering reads no caller memory (%u differ)", offline_diff);
	tap_ok(mismatches == 0, "packed then rendered == rendered live (%u differ)", mismatches);
	bpf_record_pack(packed, &c, &env);
	tap_ok(bpf_render_ctx_record(x, BPF_REC_CALL, packed, 10, rendered, sizeof(rendered)) ==
	       (size_t)-1, "a truncated record is refused");
	bpf_render_ctx_free(x);
}

/* Captured payload travels in the record: key, a per-CPU value (two
 * 8-byte slots) and an unreadable next key read back the same. */
static void test_blob_round_trip(void)
{
	static char live[8192], rendered[8192];
	struct bpf_event_env env = { 9, 10, 11, 12, 13, "blobs", 0, NULL, 0 };
	struct bpf_call c;
	size_t a, b;

	random_call(&c, 2 /* MAP_UPDATE_ELEM */, 32, 5);
	memset(c.pre + 24, 0, 8);   /* flags: BPF_ANY */
	c.ret = 0;
	c.err = 0;
	memcpy(c.blob_data, "\x01\x00\x00\x00", 4);
	memset(c.blob_data + 4, 0xab, 16);
	c.blobs[0] = (struct bpf_blob){ .full_len = 4, .off = 0, .len = 4, .tag = BLOB_KEY };
	c.blobs[1] = (struct bpf_blob){ .full_len = 16, .off = 4, .len = 16, .stride = 8,
					.tag = BLOB_VALUE };
	c.blobs[2] = (struct bpf_blob){ .full_len = 4, .off = 20, .len = 0, .fault = 1,
					.tag = BLOB_NEXT_KEY };
	c.nblobs = 3;
	c.blob_used = 20;
	a = render_direct(&c, &env, false, live, sizeof(live));
	b = render_packed(&c, &env, rendered, sizeof(rendered));
	tap_ok(a == b && !memcmp(live, rendered, a), "blobs survive packing");
	live[a] = 0;
	tap_ok(strstr(live, "\"key_data\":\"01000000\"") != NULL, "key bytes rendered");
	tap_ok(strstr(live, "\"value_data_percpu\":[\"abababababababab\",\"abababababababab\"]") != NULL,
	       "per-CPU value split in 8-byte slots, under value_data_percpu");
	c.blob_used = 10;   /* a blob past the data: refused, not read */
	a = render_direct(&c, &env, false, live, sizeof(live));
	live[a] = 0;
	tap_ok(strstr(live, "value_data") == NULL, "a blob past the captured bytes is not rendered");
}


/* A hot call (an element command) as a template in the dictionary and a
 * BPF_REC_HOT: renders exactly as the same call packed whole, is 48 bytes
 * for a 4-byte key and an 8-byte value, and a dictionary keeps one slot
 * per distinct template until it is full. */
static char dict_area[SPOOL_DICT_SIZE];

static size_t render_hot(const struct bpf_call *c, const struct bpf_event_env *env,
			 char *out, size_t cap, size_t *rec_len)
{
	static char rec[65536];
	static struct bpf_render_ctx *x;
	struct bpf_rec_thread t = { .tid = env->tid };
	struct bpf_tmpl tm;
	int id;

	if (!x)
		x = bpf_render_ctx_new();
	bpf_render_ctx_begin(x, dict_area, sizeof(dict_area));
	memcpy(t.comm, env->comm, sizeof(t.comm));
	bpf_render_ctx_record(x, BPF_REC_THREAD, &t, sizeof(t), out, cap);
	if (!bpf_tmpl_make(&tm, c, env) || (id = bpf_dict_intern(dict_area, &tm)) < 0)
		return 0;
	bpf_hot_pack(rec, c, env, &tm, id);
	*rec_len = bpf_hot_size(&tm);
	return bpf_render_ctx_record(x, BPF_REC_HOT, rec, *rec_len, out, cap);
}

static void lookup_call(struct bpf_call *c, uint32_t key, uint64_t value)
{
	memset(c, 0, sizeof(*c));
	c->cmd = c->cmd_raw = 1;   /* MAP_LOOKUP_ELEM */
	c->size = 32;
	c->attr_addr = 0x7ffd00001000ull;
	c->pre_len = 32;
	c->pre[0] = 3;             /* map_fd */
	memcpy(c->pre + 8, "\x88\x11\x00\xfd\x7f\x00\x00\x00", 8);
	memcpy(c->pre + 16, "\x90\x11\x00\xfd\x7f\x00\x00\x00", 8);
	memcpy(c->blob_data, &key, 4);
	memcpy(c->blob_data + 4, &value, 8);
	c->blobs[0] = (struct bpf_blob){ .full_len = 4, .off = 0, .len = 4, .tag = BLOB_KEY };
	c->blobs[1] = (struct bpf_blob){ .full_len = 8, .off = 4, .len = 8, .tag = BLOB_VALUE };
	c->nblobs = 2;
	c->blob_used = 12;
}

static void test_hot_record(void)
{
	static char whole[8192], hot[8192], rec[256];
	struct bpf_event_env env = { 1000, 1795316856787205678ull, 1234, 42, 43, "hot", 0, NULL, 0 };
	unsigned differ = 0, i;
	struct bpf_tmpl tm, tm2;
	struct bpf_call c;
	size_t a, b, n = 0;
	int id0, id1, full = 0, ids = 0;

	memset(dict_area, 0, sizeof(dict_area));
	bpf_dict_init(dict_area, sizeof(dict_area), 42);
	for (i = 0; i < 50; i++) {
		lookup_call(&c, i, 0x1111111111111111ull * (i % 7));
		c.parent = i % 2 ? env.seq - 1 : 0;
		c.ret = i % 3 ? 0 : -1;
		c.err = c.ret < 0 ? ENOENT : 0;
		if (c.ret < 0) {   /* a miss captures the key alone */
			c.nblobs = 1;
			c.blob_used = 4;
		}
		env.seq++;
		a = render_packed(&c, &env, whole, sizeof(whole));
		b = render_hot(&c, &env, hot, sizeof(hot), &n);
		if (!b || a != b || memcmp(whole, hot, a)) {
			if (!differ++ && getenv("RECORD_DEBUG"))
				fprintf(stderr, "%.*s\n%.*s\n", (int)a, whole, (int)b, hot);
		}
	}
	tap_ok(differ == 0, "hot record then rendered == packed whole (%u of 50 differ)", differ);
	lookup_call(&c, 1, 2);
	n = bpf_tmpl_make(&tm, &c, &env) ? bpf_hot_size(&tm) : 0;
	tap_ok(n == 48, "an ARRAY lookup is 48 bytes (%zu), 64 in the ring", n);
	tap_ok(bpf_record_size(&c, &env) > 140, "... against %zu packed whole",
	       bpf_record_size(&c, &env));
	id0 = bpf_dict_intern(dict_area, &tm);
	lookup_call(&c, 99, 98);   /* other bytes, same template */
	bpf_tmpl_make(&tm2, &c, &env);
	id1 = bpf_dict_intern(dict_area, &tm2);
	tap_ok(id0 >= 0 && id0 == id1, "the same call site is one template (%d, %d)", id0, id1);
	tap_ok(((struct { uint32_t magic, pid, used; } *)dict_area)->used == 2,
	       "hits and misses of 50 lookups made 2 templates");
	for (i = 0; i < 2000; i++) {
		lookup_call(&c, 1, 2);
		memcpy(c.pre + 8, &i, 4);   /* another key buffer each time */
		bpf_tmpl_make(&tm, &c, &env);
		id0 = bpf_dict_intern(dict_area, &tm);
		if (id0 < 0)
			full++;
		else
			ids = id0 > ids ? id0 : ids;
	}
	tap_ok(full > 1000 && ids > 200 && ids < 400,
	       "a full dictionary refuses new templates (%d refused, last slot %d)", full, ids);
	lookup_call(&c, 1, 2);
	c.pre[BPF_TMPL_ATTR - 1] = 0;
	c.size = c.pre_len = 168;
	c.pre[100] = 1;
	tap_ok(!bpf_tmpl_make(&tm, &c, &env), "attr bytes past the template's are refused");
	lookup_call(&c, 1, 2);
	c.cmd = c.cmd_raw = 11;   /* PROG_GET_NEXT_ID */
	tap_ok(!bpf_tmpl_make(&tm, &c, &env), "id walks are not templated");
	lookup_call(&c, 1, 2);
	c.facts.flags = BPF_FACT_PRIV;
	tap_ok(!bpf_tmpl_make(&tm, &c, &env), "a call with measured facts is packed whole");
	/* a record naming a slot that is not there, or too short */
	lookup_call(&c, 1, 2);
	bpf_tmpl_make(&tm, &c, &env);
	id0 = bpf_dict_intern(dict_area, &tm);
	bpf_hot_pack(rec, &c, &env, &tm, id0);
	((struct bpf_rec_hot *)rec)->tmpl = 9999;
	{
		struct bpf_render_ctx *x = bpf_render_ctx_new();

		bpf_render_ctx_begin(x, dict_area, sizeof(dict_area));
		tap_ok(bpf_render_ctx_record(x, BPF_REC_HOT, rec, 48, hot, sizeof(hot)) ==
		       (size_t)-1, "a record naming a missing template is refused");
		((struct bpf_rec_hot *)rec)->tmpl = (uint16_t)id0;
		tap_ok(bpf_render_ctx_record(x, BPF_REC_HOT, rec, 48, hot, sizeof(hot)) > 0,
		       "... and the same record naming its own renders");
		tap_ok(bpf_render_ctx_record(x, BPF_REC_HOT, rec, 40, hot, sizeof(hot)) ==
		       (size_t)-1, "a record shorter than its template's bytes is refused");
		bpf_render_ctx_begin(x, NULL, 0);
		tap_ok(bpf_render_ctx_record(x, BPF_REC_HOT, rec, 48, hot, sizeof(hot)) ==
		       (size_t)-1, "without a dictionary, refused");
		bpf_render_ctx_free(x);
	}
}

/* One context through a stream of hot records, as a collector reads them:
 * outcomes change, the map behind the fd changes half-way (its checks
 * and its "fds" with it), a next-key walk's checks read its bytes.  Each
 * line is what the same call packed whole renders in a context that saw
 * the same state records. */
static void test_hot_stream(void)
{
	static char whole[8192], hot[8192], rec[256], packed[8192];
	struct bpf_render_ctx *xh = bpf_render_ctx_new(), *xw = bpf_render_ctx_new();
	struct bpf_event_env env = { 5000, 1795316856787205678ull, 99, 42, 43, "stream", 0, NULL, 0 };
	struct bpf_fd_note note = { .fd = 3, .id = 12, .type = 2, .kind = OBJ_MAP, .has_type = 1 };
	struct bpf_rec_thread th = { .tid = 43, .comm = "stream" };
	unsigned differ = 0, i, frozen_judged = 0;
	struct bpf_tmpl tm;
	struct bpf_call c;
	size_t a, b;
	int id;

	memset(dict_area, 0, sizeof(dict_area));
	bpf_dict_init(dict_area, sizeof(dict_area), 42);
	bpf_render_ctx_begin(xh, dict_area, sizeof(dict_area));
	bpf_render_ctx_begin(xw, dict_area, sizeof(dict_area));
	bpf_render_ctx_record(xh, BPF_REC_THREAD, &th, sizeof(th), hot, sizeof(hot));
	bpf_render_ctx_record(xw, BPF_REC_THREAD, &th, sizeof(th), whole, sizeof(whole));
	for (i = 0; i < 80; i++) {
		if (i == 0 || i == 40) {
			note.type = i ? 13 : 2;   /* ARRAY, then a frozen DEVMAP */
			note.frozen = i != 0;
			bpf_render_ctx_record(xh, BPF_REC_FDOBJ, &note, sizeof(note), hot, sizeof(hot));
			bpf_render_ctx_record(xw, BPF_REC_FDOBJ, &note, sizeof(note), whole,
					      sizeof(whole));
		}
		lookup_call(&c, i, i * 3);
		if (i % 5 == 4) {
			c.cmd = c.cmd_raw = 4;   /* MAP_GET_NEXT_KEY: next key = key half the time */
			c.blobs[1].tag = BLOB_NEXT_KEY;
			c.blobs[1].full_len = c.blobs[1].len = 4;
			c.blob_used = 8;
			memcpy(c.blob_data + 4, i % 2 ? "\0\0\0\0" : "\1\0\0\0", 4);
			memcpy(c.blob_data, "\0\0\0\0", 4);
		}
		if (i % 5 == 2)
			c.cmd = c.cmd_raw = 2;   /* MAP_UPDATE_ELEM: a frozen map's is judged */
		/* updates succeed: the last one before the change and the
		 * first after it have the same outcome */
		c.ret = i % 3 == 1 && c.cmd != 2 ? -1 : 0;
		c.err = c.ret ? (i % 2 ? ENOENT : E2BIG) : 0;
		if (c.ret && c.cmd != 4 && c.cmd != 2) {
			c.nblobs = 1;
			c.blob_used = 4;
		}
		if (i % 7 == 6) {   /* nothing captured: an fd the shim knows nothing of */
			c.cmd = c.cmd_raw = 1;
			c.pre[0] = 9;
			c.nblobs = 0;
			c.blob_used = 0;
		}
		env.seq++;
		if (!bpf_tmpl_make(&tm, &c, &env) || (id = bpf_dict_intern(dict_area, &tm)) < 0) {
			differ++;
			continue;
		}
		bpf_hot_pack(rec, &c, &env, &tm, id);
		b = bpf_render_ctx_record(xh, BPF_REC_HOT, rec, bpf_hot_size(&tm), hot, sizeof(hot));
		bpf_record_pack(packed, &c, &env);
		a = bpf_render_ctx_record(xw, BPF_REC_CALL, packed, bpf_record_size(&c, &env), whole,
					  sizeof(whole));
		if (a != b || memcmp(whole, hot, a)) {
			if (!differ++ && getenv("RECORD_DEBUG"))
				fprintf(stderr, "%.*s\n%.*s\n", (int)a, whole, (int)b, hot);
		}
		if (c.cmd == 2 && strstr(hot, "\"rule\":\"frozen-map\""))
			frozen_judged += i >= 40;
	}
	tap_ok(differ == 0, "a stream of 80 hot records reads as the same calls packed whole "
	       "(%u differ)", differ);
	tap_ok(frozen_judged >= 4, "... the map frozen half-way is judged in the updates after it "
	       "(%u)", frozen_judged);
	bpf_render_ctx_free(xh);
	bpf_render_ctx_free(xw);
}

/* The envelope as a line opens it, with room for the fast way (@cap
 * large) or without (then member by member): the same bytes. */
static size_t envelope_in(char *buf, size_t cap, const char *event,
			  const struct bpf_event_env *env)
{
	struct jsonw w;

	jw_init(&w, buf, cap);
	jw_obj_open(&w, NULL);
	bpf_render_envelope(&w, event, env);
	jw_u64(&w, "after", 1);   /* the writer's state, as it left it */
	return jw_overflowed(&w) ? 0 : w.len;
}

static void test_envelope_ways(void)
{
	static const uint64_t nums[] = { 0, 1, 9, 10, 99, 1234567, 4294967296ull, UINT64_MAX };
	static const uint64_t stamps[] = { 0, 999999999, 1000000000, 1795316856787205678ull,
					   1795316857000000001ull, UINT64_MAX };
	char fast[1024], slow[190];
	unsigned i, compared = 0, differ = 0;

	for (i = 0; i < 8 * 6 * 2; i++) {
		const char *event = i % 2 ? "libbpf" : "bpf";
		struct bpf_event_env env = { nums[i % 8], stamps[(i / 8) % 6], nums[(i / 3) % 8],
					     42, 43, i % 5 ? "comm" : "", 0, NULL, 0 };
		size_t a, b;

		env.wall_ns = i % 4 == 1 ? nums[(i / 2) % 8] : 0;
		env.parent = i % 3 == 2 ? nums[(i + 3) % 8] : 0;
		a = envelope_in(fast, sizeof(fast), event, &env);
		/* less than the fast way's room: the writer's way */
		b = envelope_in(slow, sizeof(slow), event, &env);
		if (!b)
			continue;
		compared++;
		if (a != b || memcmp(fast, slow, a)) {
			if (!differ++ && getenv("RECORD_DEBUG"))
				fprintf(stderr, "%.*s\n%.*s\n", (int)a, fast, (int)b, slow);
		}
	}
	tap_ok(compared >= 40 && differ == 0,
	       "an envelope written the fast way reads as member by member (%u of %u differ)",
	       differ, compared);
}

/* A typer for test_hot_typed(): values typed while .on, as "T<on>";
 * keys never.  Its generation moves with what it would write. */
struct test_typer {
	unsigned on;
	uint32_t gen;
};

static void test_typer_render(void *ctx, struct jsonw *w, const char *key,
			      const struct bpf_call *c, uint8_t tag)
{
	const struct test_typer *t = ctx;
	char v[16];

	(void)c;
	if (!t->on || tag != BLOB_VALUE)
		return;
	snprintf(v, sizeof(v), "T%u", t->on);
	jw_str(w, key, v);
}

/* Hot records of one template while the typer starts typing the values,
 * changes what it writes, and stops: each line is the call packed whole,
 * rendered by the same typer.  The payload's hex is the same bytes as the
 * memo's only when the memo says so (its pieces are written from it). */
static void test_hot_typed(void)
{
	static char whole[8192], hot[8192], rec[256], packed[8192];
	struct bpf_render_ctx *xh = bpf_render_ctx_new(), *xw = bpf_render_ctx_new();
	struct bpf_event_env env = { 9000, 1795316856787205678ull, 99, 42, 43, "typed", 0, NULL, 0 };
	struct test_typer t = { 0, 0 };
	struct bpf_render_hooks h;
	unsigned differ = 0, typed = 0, i;
	struct bpf_tmpl tm;
	struct bpf_call c;
	size_t a, b;
	int id;

	memset(&h, 0, sizeof(h));
	h.typer.render = test_typer_render;
	h.typer.ctx = &t;
	h.typer.gen = &t.gen;
	bpf_render_ctx_set_hooks(xh, &h);
	bpf_render_ctx_set_hooks(xw, &h);
	memset(dict_area, 0, sizeof(dict_area));
	bpf_dict_init(dict_area, sizeof(dict_area), 42);
	bpf_render_ctx_begin(xh, dict_area, sizeof(dict_area));
	bpf_render_ctx_begin(xw, dict_area, sizeof(dict_area));
	for (i = 0; i < 60; i++) {
		if (i % 15 == 5) {   /* 5: typed, 20: otherwise, 35: not, 50: again */
			t.on = i == 35 ? 0 : i / 15 + 1;
			t.gen++;
		}
		lookup_call(&c, 7, i * 0x0101010101ull);
		if (i % 4 == 3)
			c.blobs[1].full_len = 16;   /* truncated: its own key after */
		env.seq++;
		if (!bpf_tmpl_make(&tm, &c, &env) || (id = bpf_dict_intern(dict_area, &tm)) < 0) {
			differ++;
			continue;
		}
		bpf_hot_pack(rec, &c, &env, &tm, id);
		b = bpf_render_ctx_record(xh, BPF_REC_HOT, rec, bpf_hot_size(&tm), hot, sizeof(hot));
		bpf_record_pack(packed, &c, &env);
		a = bpf_render_ctx_record(xw, BPF_REC_CALL, packed, bpf_record_size(&c, &env), whole,
					  sizeof(whole));
		if (a != b || memcmp(whole, hot, a)) {
			if (!differ++ && getenv("RECORD_DEBUG"))
				fprintf(stderr, "%.*s\n%.*s\n", (int)a, whole, (int)b, hot);
		}
		typed += a == b && memmem(hot, b, "\"value_typed\":\"T", 16) != NULL;
	}
	tap_ok(differ == 0, "hot records while the typer changes read as packed whole (%u differ)",
	       differ);
	tap_ok(typed == 40, "... typed while it types, not while it does not (%u of 40)", typed);
	bpf_render_ctx_free(xh);
	bpf_render_ctx_free(xw);
}

/* Packed events name their fds from the BPF_REC_FDOBJ records spooled
 * before them, the way the live path names them from the shim's table. */
static void test_fd_notes_from_state(void)
{
	static char live[8192], rendered[8192], packed[8192];
	struct bpf_event_env env = { 1, 2, 3, 4, 5, "notes", 0, NULL, 0 };
	struct bpf_fd_note note = { .fd = 7, .id = 12, .type = 2, .kind = OBJ_MAP,
				    .has_type = 1, .name = "counts" };
	struct bpf_render_ctx *x = bpf_render_ctx_new();
	struct bpf_rec_thread t = { .tid = 5, .comm = "notes" };
	struct bpf_call c;
	size_t a, b;

	random_call(&c, 1 /* LOOKUP */, 32, 9);
	memset(c.pre, 0, 32);
	c.pre[0] = 7;                      /* map_fd 7 */
	c.ret = 0;
	c.err = 0;
	c.notes[0] = note;
	c.nnotes = 1;
	a = render_direct(&c, &env, false, live, sizeof(live));
	live[a] = 0;
	tap_ok(strstr(live, "\"fds\":{\"7\":{\"kind\":\"map\",\"id\":12,"
			    "\"type\":\"BPF_MAP_TYPE_ARRAY\",\"name\":\"counts\"}}") != NULL,
	       "live: map_fd 7 is the map counts");
	bpf_render_ctx_reset(x);
	bpf_render_ctx_record(x, BPF_REC_THREAD, &t, sizeof(t), rendered, sizeof(rendered));
	bpf_render_ctx_record(x, BPF_REC_FDOBJ, &note, sizeof(note), rendered, sizeof(rendered));
	c.nnotes = 0;                      /* packed events carry no notes */
	bpf_record_pack(packed, &c, &env);
	b = bpf_render_ctx_record(x, BPF_REC_CALL, packed, bpf_record_size(&c, &env), rendered,
				  sizeof(rendered));
	tap_ok(a == b && !memcmp(live, rendered, a), "packed: the same line from the state records");
	bpf_render_ctx_reset(x);           /* another spool: nothing known */
	b = bpf_render_ctx_record(x, BPF_REC_CALL, packed, bpf_record_size(&c, &env), rendered,
				  sizeof(rendered));
	rendered[b] = 0;
	tap_ok(!strstr(rendered, "\"fds\"") && strstr(rendered, "\"comm\":\"\""),
	       "a new spool starts with no fds and no thread names");
	bpf_render_ctx_free(x);
}

/* A libbpf element call packed and rendered at drain reads as rendered
 * live; calls whose arguments need the caller's memory are not packed. */
static void test_libbpf_record(void)
{
	static char live[4096], rendered[4096];
	struct bpf_event_env env = { 11, 12, 13, 14, 15, "lb", 10, NULL, 0 };
	struct bpf_rec_thread t = { .tid = 15, .comm = "lb" };
	struct bpf_render_ctx *x = bpf_render_ctx_new();
	struct libbpf_call c = { .id = LF_bpf_map_lookup_elem, .args = { 3, 0x1000, 0x2000 },
				 .ret = -2, .err = 2, .nsys = 1, .nfail = 1 };
	struct libbpf_record r;
	struct decode_opts o;
	struct jsonw w;
	size_t b;

	decode_opts_default(&o);
	jw_init(&w, live, sizeof(live));
	libbpf_render_event(&w, &env, &c, &o);
	libbpf_record_pack(&r, &env, &c);
	bpf_render_ctx_record(x, BPF_REC_THREAD, &t, sizeof(t), rendered, sizeof(rendered));
	b = bpf_render_ctx_record(x, BPF_REC_LIBBPF, &r, sizeof(r), rendered, sizeof(rendered));
	tap_ok(b == w.len && !memcmp(live, rendered, b), "libbpf: packed then rendered == live");
	live[w.len] = 0;
	tap_ok(strstr(live, "\"parent\":10") && strstr(live, "\"errno\":\"ENOENT\""),
	       "libbpf: parent and errno rendered");
	tap_ok(libbpf_func_offline_ok(LF_bpf_map_lookup_elem) &&
	       !libbpf_func_offline_ok(LF_bpf_map_create) &&
	       !libbpf_func_offline_ok(LF_bpf_object__load),
	       "libbpf: element calls packed, strings/opts/objects rendered live");
	r.id = 9999;
	tap_ok(bpf_render_ctx_record(x, BPF_REC_LIBBPF, &r, sizeof(r), rendered, sizeof(rendered)) ==
	       (size_t)-1, "libbpf: an unknown function id is refused");
	bpf_render_ctx_free(x);
}

/* A packed libbpf call after its template: reads as the whole record
 * does, is 48 bytes, and a record naming a bpf call's template (or one
 * naming a libbpf template as a bpf call) is refused. */
static void test_libbpf_hot(void)
{
	static char whole[4096], hot[4096];
	struct bpf_event_env env = { 100, 12, 13, 42, 15, "lb", 0, NULL, 0 };
	struct bpf_rec_thread th = { .tid = 15, .comm = "lb" };
	struct bpf_render_ctx *x = bpf_render_ctx_new();
	struct libbpf_call c = { .id = LF_bpf_map_lookup_elem, .args = { 3, 0x1000, 0x2000 } };
	struct libbpf_rec_hot h;
	struct libbpf_record r;
	struct libbpf_tmpl lt;
	struct bpf_tmpl bt;
	struct bpf_call bc;
	unsigned i, differ = 0;
	int id = -1, bid;
	size_t a, b;

	memset(dict_area, 0, sizeof(dict_area));
	bpf_dict_init(dict_area, sizeof(dict_area), 42);
	bpf_render_ctx_begin(x, dict_area, sizeof(dict_area));
	bpf_render_ctx_record(x, BPF_REC_THREAD, &th, sizeof(th), hot, sizeof(hot));
	for (i = 0; i < 12; i++) {
		c.ret = i % 3 ? 0 : -2;
		c.err = c.ret ? 2 : 0;
		c.nsys = 1 + i % 2;
		c.nfail = c.ret != 0;
		env.seq++;
		env.parent = i % 2 ? env.seq - 3 : 0;
		env.wall_ns = i % 4 ? 0 : 5000;
		/* past the function's arguments: what the caller's registers
		 * held, which is no part of the call */
		c.args[libbpf_func_nargs(c.id)] = 0x5eed0000u + i;
		if (!libbpf_tmpl_make(&lt, &env, &c) || (id = libbpf_dict_intern(dict_area, &lt)) < 0) {
			differ++;
			continue;
		}
		libbpf_hot_pack(&h, &env, &c, id);
		libbpf_record_pack(&r, &env, &c);
		a = bpf_render_ctx_record(x, BPF_REC_LIBBPF, &r, sizeof(r), whole, sizeof(whole));
		b = bpf_render_ctx_record(x, BPF_REC_LIBBPF_HOT, &h, sizeof(h), hot, sizeof(hot));
		if (a != b || memcmp(whole, hot, a))
			differ++;
	}
	tap_ok(differ == 0, "libbpf: hot records read as whole ones (%u of 12 differ)", differ);
	/* runs of one outcome, then another: what a kept body is kept by */
	for (i = 0, differ = 0; i < 40; i++) {
		c.ret = (i / 4) % 3 == 2 ? -2 : 0;
		c.err = c.ret ? ((i / 4) % 2 ? 2 : 7) : 0;
		c.nsys = 1 + (i / 8) % 2;
		c.nfail = c.ret ? c.nsys : 0;
		env.seq++;
		env.parent = 0;
		env.wall_ns = 0;
		libbpf_hot_pack(&h, &env, &c, id);
		libbpf_record_pack(&r, &env, &c);
		a = bpf_render_ctx_record(x, BPF_REC_LIBBPF, &r, sizeof(r), whole, sizeof(whole));
		b = bpf_render_ctx_record(x, BPF_REC_LIBBPF_HOT, &h, sizeof(h), hot, sizeof(hot));
		if (a != b || memcmp(whole, hot, a)) {
			if (!differ++ && getenv("RECORD_DEBUG"))
				fprintf(stderr, "%.*s\n%.*s\n", (int)a, whole, (int)b, hot);
		}
	}
	tap_ok(differ == 0, "libbpf: runs of outcomes read as whole records (%u of 40 differ)",
	       differ);
	tap_ok(sizeof(h) == 48 && ((struct { uint32_t m, p, used; } *)dict_area)->used == 1,
	       "libbpf: 48 bytes a call (%zu), one template for the call site", sizeof(h));
	lookup_call(&bc, 1, 2);
	bid = bpf_tmpl_make(&bt, &bc, &env) ? bpf_dict_intern(dict_area, &bt) : -1;
	h.tmpl = (uint16_t)bid;
	tap_ok(bid >= 0 && bpf_render_ctx_record(x, BPF_REC_LIBBPF_HOT, &h, sizeof(h), hot,
						 sizeof(hot)) == (size_t)-1,
	       "libbpf: a record naming a bpf call's template is refused");
	{
		char rec[256];

		bpf_hot_pack(rec, &bc, &env, &bt, id);   /* id: the libbpf template */
		tap_ok(bpf_render_ctx_record(x, BPF_REC_HOT, rec, bpf_hot_size(&bt), hot,
					     sizeof(hot)) == (size_t)-1,
		       "... and a bpf record naming a libbpf template");
	}
	c.missing = true;
	tap_ok(!libbpf_tmpl_make(&lt, &env, &c), "libbpf: a missing function is packed whole");
	bpf_render_ctx_free(x);
}

/* ---- call-site stacks --------------------------------------------------- */

/* What the shim would know of three addresses: one named, one in a
 * module without a symbol for it, one in no module at all. */
static const struct {
	uint64_t ip;
	struct bpf_frame_sym f;
} known[] = {
	{ 0x55550000123aull, { "minimal_loader", "run", 14, 3, 0x123a, 42 } },
	{ 0x7f0000001000ull, { "libbpf.so.1", NULL, 11, 0, 0xb277, 0 } },
};

static bool test_sym(void *ctx __maybe_unused, uint64_t ip, struct bpf_frame_sym *out)
{
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].ip == ip) {
			*out = known[i].f;
			return true;
		}
	return false;
}

/* The names the shim spools for the addresses of @s. */
static void feed_syms(struct bpf_render_ctx *x, char *out, size_t cap)
{
	char rec[512];
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		bpf_rec_sym_pack(rec, known[i].ip, &known[i].f);
		tap_ok(bpf_render_ctx_record(x, BPF_REC_SYM, rec, bpf_rec_sym_size(&known[i].f),
					     out, cap) == 0, "stack: BPF_REC_SYM %zu is state", i);
	}
}

/* A packed call with a stack, its names spooled before it, renders as
 * it would live; without the names the frames keep their addresses. */
static void test_stack_record(void)
{
	static char live[65536], rendered[65536], packed[65536];
	uint64_t ips[3] = { 0x55550000123aull, 0x7f0000001000ull, 0x1234 };
	struct bpf_stack s = { ips, 3, true, test_sym, NULL };
	struct bpf_event_env env = { 21, 22, 23, 24, 25, "", 0, &s, 0 };
	struct bpf_render_ctx *x = bpf_render_ctx_new();
	struct bpf_call c;
	size_t n, b, l;

	random_call(&c, 1, 32, 11);
	l = render_direct(&c, &env, true, live, sizeof(live));
	live[l] = 0;
	tap_ok(strstr(live, "\"stack\":[{\"addr\":\"0x55550000123a\",\"module\":\"minimal_loader\","
			    "\"module_addr\":\"0x123a\",\"function\":\"run\",\"offset\":42},"
			    "{\"addr\":\"0x7f0000001000\",\"module\":\"libbpf.so.1\","
			    "\"module_addr\":\"0xb277\"},{\"addr\":\"0x1234\"}],"
			    "\"stack_truncated\":true}") != NULL,
	       "stack: rendered last, frames with what is known of them");
	bpf_render_ctx_reset(x);
	feed_syms(x, rendered, sizeof(rendered));
	n = bpf_record_size(&c, &env);
	bpf_record_pack(packed, &c, &env);
	b = bpf_render_ctx_record(x, BPF_REC_CALL, packed, n, rendered, sizeof(rendered));
	tap_ok(b == l && !memcmp(live, rendered, b), "stack: packed then rendered == live");
	tap_ok(bpf_render_ctx_record(x, BPF_REC_CALL, packed, n - 1, rendered, sizeof(rendered)) ==
	       (size_t)-1, "stack: a record cut short is refused");
	tap_ok(bpf_render_ctx_record(x, BPF_REC_CALL, packed, n + 8, rendered, sizeof(rendered)) ==
	       (size_t)-1, "stack: a stack longer than it says is refused");

	/* a new spool: names of the last one are gone */
	bpf_render_ctx_reset(x);
	b = bpf_render_ctx_record(x, BPF_REC_CALL, packed, n, rendered, sizeof(rendered));
	rendered[b < sizeof(rendered) ? b : 0] = 0;
	tap_ok(strstr(rendered, "\"stack\":[{\"addr\":\"0x55550000123a\"},{\"addr\":"
				"\"0x7f0000001000\"},{\"addr\":\"0x1234\"}]") != NULL,
	       "stack: without BPF_REC_SYM the frames keep their addresses");

	/* a copy of the same names (two threads raced) replaces the first */
	feed_syms(x, rendered, sizeof(rendered));
	feed_syms(x, rendered, sizeof(rendered));
	b = bpf_render_ctx_record(x, BPF_REC_CALL, packed, n, rendered, sizeof(rendered));
	tap_ok(b == l && !memcmp(live, rendered, b), "stack: names spooled twice read the same");
	bpf_render_ctx_free(x);
}

static void test_stack_malformed(void)
{
	struct bpf_frame_sym f = { "m", "f", 1, 1, 1, 1 };
	struct bpf_render_ctx *x = bpf_render_ctx_new();
	char rec[512], out[4096];
	uint8_t tail[3 + 8] = { 0 };
	uint64_t ips[BPF_STACK_MAX];
	struct bpf_stack s;
	uint16_t n;

	bpf_rec_sym_pack(rec, 1, &f);
	tap_ok(bpf_render_ctx_record(x, BPF_REC_SYM, rec, bpf_rec_sym_size(&f) + 1, out,
				     sizeof(out)) == (size_t)-1 &&
	       bpf_render_ctx_record(x, BPF_REC_SYM, rec, 8, out, sizeof(out)) == (size_t)-1,
	       "stack: a BPF_REC_SYM of the wrong length is refused");
	n = 1;
	memcpy(tail, &n, 2);
	tap_ok(bpf_stack_tail_unpack(tail, sizeof(tail), ips, &s) && s.n == 1 && !s.truncated,
	       "stack: a tail of one frame");
	n = BPF_STACK_MAX + 1;
	memcpy(tail, &n, 2);
	tap_ok(!bpf_stack_tail_unpack(tail, sizeof(tail), ips, &s) &&
	       !bpf_stack_tail_unpack(tail, 2, ips, &s),
	       "stack: a tail over BPF_STACK_MAX or shorter than its head is refused");
	bpf_render_ctx_free(x);
}

/* A packed libbpf call carries its stack after the record. */
static void test_libbpf_stack(void)
{
	static char live[8192], rendered[8192];
	uint64_t ips[2] = { 0x55550000123aull, 0x99 };
	struct bpf_stack s = { ips, 2, false, test_sym, NULL };
	struct bpf_event_env env = { 31, 32, 33, 34, 35, "", 0, &s, 0 };
	struct bpf_render_ctx *x = bpf_render_ctx_new();
	struct libbpf_call c = { .id = LF_bpf_map_lookup_elem, .args = { 3, 0x1000, 0x2000 } };
	uint8_t r[sizeof(struct libbpf_record) + 3 + 16] __attribute__((aligned(8)));
	struct decode_opts o;
	struct jsonw w;
	size_t b;

	decode_opts_default(&o);
	jw_init(&w, live, sizeof(live));
	libbpf_render_event(&w, &env, &c, &o);
	libbpf_record_pack((struct libbpf_record *)r, &env, &c);
	bpf_stack_tail_pack(r + sizeof(struct libbpf_record), &s);
	feed_syms(x, rendered, sizeof(rendered));
	b = bpf_render_ctx_record(x, BPF_REC_LIBBPF, r, sizeof(r), rendered, sizeof(rendered));
	tap_ok(b == w.len && !memcmp(live, rendered, b), "stack: libbpf packed then rendered == live");
	live[w.len] = 0;
	tap_ok(strstr(live, "\"function\":\"run\"") != NULL, "stack: libbpf event has its stack");
	tap_ok(bpf_render_ctx_record(x, BPF_REC_LIBBPF, r, sizeof(r) - 1, rendered,
				     sizeof(rendered)) == (size_t)-1,
	       "stack: libbpf record with a torn stack is refused");
	bpf_render_ctx_free(x);
}

static char *slurp(const char *path, size_t *n)
{
	static char buf[1 << 20];
	int fd = open(path, O_RDONLY);
	ssize_t r = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	*n = r > 0 ? (size_t)r : 0;
	buf[*n] = 0;
	return buf;
}

/* Records committed, one torn (payload written, header never), one
 * reserved and never written, one of a type the drainer cannot decode. */
static void test_spool_framing(void)
{
	char dir[] = "/tmp/bpfspy-rec-XXXXXX", out[64], *text;
	struct bpf_event_env env = { 1, 2, 3, 4, 5, "t", 0, NULL, 0 };
	struct drain_stats st = { 0 };
	struct spool_renderer r = { 0 };
	struct spool s;
	struct bpf_call c;
	size_t n;
	void *p;
	int fd, dfd;

	tap_ok(mkdtemp(dir) != NULL, "temp dir");
	dfd = spool_dir_open(dir, false, 0);
	tap_ok(dfd >= 0, "temp dir trusted");
	tap_ok(spool_create(&s, dfd, 0, 0) == 0, "spool created");
	p = spool_begin(&s, 9, 0);
	memcpy(p, "{\"a\":1}xx", 9);
	spool_commit(p, SPOOL_JSON, 7);
	p = spool_begin(&s, 40, 0);
	memset(p, 'z', 40);                     /* torn: never committed */
	spool_begin(&s, 24, 0);                    /* reserved, never written */
	random_call(&c, 1, 32, 3);
	n = bpf_record_size(&c, &env);
	p = spool_begin(&s, n, 0);
	bpf_record_pack(p, &c, &env);
	spool_commit(p, BPF_REC_CALL, n);
	p = spool_begin(&s, 8, 0);
	memset(p, 1, 8);
	spool_commit(p, BPF_REC_CALL, 8);       /* too short to be a record */
	p = spool_begin(&s, 7, 0);
	memcpy(p, "{\"b\":2}", 7);
	spool_commit(p, SPOOL_JSON, 7);

	snprintf(out, sizeof(out), "%s/out", dir);
	fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0600);
	r.ctx = bpf_render_ctx_new();
	r.begin_file = bpf_render_ctx_begin;
	r.render = bpf_render_ctx_record;
	tap_ok(spool_drain_own(&s, fd, &r, &st) == 0, "drained");
	bpf_render_ctx_free(r.ctx);
	close(fd);
	text = slurp(out, &n);
	tap_ok(n > 31 && !memcmp(text, "{\"a\":1}\n{\"event\":\"bpf\",\"seq\":1,", 31),
	       "JSON record, then the packed call rendered");
	tap_ok(n > 8 && !strcmp(text + n - 8, "{\"b\":2}\n"), "the record after the torn ones survives");
	tap_ok(st.torn == 1, "one torn record counted (%llu)", (unsigned long long)st.torn);
	tap_ok(st.bad == 1, "one undecodable record counted (%llu)", (unsigned long long)st.bad);
	tap_ok(faccessat(dfd, s.name, F_OK, 0) != 0, "the drained spool is removed");
	close(dfd);
	unlink(out);
	rmdir(dir);
}

static int count_lines(const char *text, size_t n, const char *needle)
{
	int k = 0;
	const char *p = text, *end = text + n;

	while (p < end && (p = memmem(p, (size_t)(end - p), needle, strlen(needle)))) {
		k++;
		p++;
	}
	return k;
}

/* The ring: a full one counts what does not fit (with the seqs), never
 * waits; consumed space is reused across the wrap; a live reader stops at
 * a record being written; positions outlive the reader that made them. */
static void test_ring(void)
{
	char dir[] = "/tmp/bpfspy-ring-XXXXXX", out[64], line[64], *text;
	struct drain_stats st = { 0 };
	struct spool_out so = { .fd = -1 };
	struct spool_reader *rd, *rd2;
	struct spool s;
	unsigned i, kept = 0, lost = 0, round;
	size_t n;
	void *p, *held;
	int fd, dfd;

	tap_ok(mkdtemp(dir) != NULL, "temp dir");
	dfd = spool_dir_open(dir, false, 0);
	tap_ok(spool_create(&s, dfd, 0, 64 << 10) == 0, "a 64 KiB ring");
	snprintf(out, sizeof(out), "%s/out", dir);
	fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0600);
	so.fd = fd;
	tap_ok(spool_reader_open(dfd, s.name, NULL, &st, &rd) == 0, "a reader takes it");
	tap_ok(spool_reader_open(dfd, s.name, NULL, &st, &rd2) == -EBUSY,
	       "a second reader is refused while the first has it");
	/* 3 rounds of 4000 events of 40 bytes (56 in the ring): each round
	 * overflows the ring, the reader empties it between rounds */
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 4000; i++) {
			uint64_t seq = round * 4000 + i + 1;

			n = (size_t)snprintf(line, sizeof(line), "{\"seq\":%08llu,\"pad\":\"xxxxxxxx\"}",
					     (unsigned long long)seq);
			p = spool_begin(&s, n, seq);
			if (!p) {
				lost++;
				continue;
			}
			memcpy(p, line, n);
			spool_commit(p, SPOOL_JSON, n);
			kept++;
		}
		tap_ok(spool_reader_pump(rd, &so, false, &st) == 0, "round %u pumped", round);
	}
	tap_ok(lost > 0 && kept >= 1170 * 3, "a full ring drops: %u kept, %u lost", kept, lost);
	tap_ok(spool_lost_count(&s) == lost, "every drop counted (%llu)",
	       (unsigned long long)spool_lost_count(&s));
	held = spool_begin(&s, 7, 99999);   /* being written */
	p = spool_begin(&s, 7, 100000);
	memcpy(p, "{\"z\":1}", 7);
	spool_commit(p, SPOOL_JSON, 7);
	spool_reader_pump(rd, &so, false, &st);
	spool_reader_close(rd);
	text = slurp(out, &n);
	tap_ok(count_lines(text, n, "{\"seq\":") == (int)kept, "each kept event written once");
	tap_ok(count_lines(text, n, "{\"z\":1}") == 0, "nothing past a record being written");
	tap_ok(count_lines(text, n, "\"event\":\"lost\"") == 3, "a lost line per round");
	tap_ok(strstr(text, "\"seq_first\":") && strstr(text, "\"seq_last\":12000"),
	       "lost lines name the seqs");

	memcpy(held, "{\"h\":1}", 7);
	spool_commit(held, SPOOL_JSON, 7);
	tap_ok(spool_reader_open(dfd, s.name, NULL, &st, &rd2) == 0, "a new reader takes over");
	tap_ok(spool_state_wanted(&s) == 1, "and asks the writer for its state again");
	spool_reader_pump(rd2, &so, false, &st);
	spool_reader_close(rd2);
	text = slurp(out, &n);
	tap_ok(count_lines(text, n, "{\"seq\":") == (int)kept &&
	       count_lines(text, n, "{\"h\":1}") == 1 && count_lines(text, n, "{\"z\":1}") == 1,
	       "it continues where the first stopped: nothing twice, nothing missed");

	snprintf(line, sizeof(line), "%s", s.name);
	tap_ok(spool_drain_file(dfd, line, fd, NULL, &st) == -EBUSY,
	       "its writer alive, a spool is not finished");
	spool_forget(&s);
	tap_ok(spool_drain_file(dfd, line, fd, NULL, &st) == 0 && faccessat(dfd, line, F_OK, 0) != 0,
	       "its writer gone, it is finished and removed");
	close(fd);
	unlink(out);
	close(dfd);
	rmdir(dir);
}

int main(void)
{
	test_round_trip();
	test_blob_round_trip();
	test_hot_record();
	test_hot_stream();
	test_hot_typed();
	test_envelope_ways();
	test_fd_notes_from_state();
	test_libbpf_record();
	test_libbpf_hot();
	test_stack_record();
	test_stack_malformed();
	test_libbpf_stack();
	test_spool_framing();
	test_ring();
	return tap_done();
}
