// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rules that judge the kernel rather than the caller (the return
 * contract, FD_CLOEXEC, next_id, a frozen STRUCT_OPS map, batch counts,
 * PROG_QUERY's fill, undocumented errnos, next_key) can't be made to fail
 * by a correct kernel: these calls are made up, with the outcome a broken
 * kernel would give, and each rule must say "fail".  The cases that pass
 * run on the real kernel in tests/bats/checks.bats.
 */
#include <errno.h>
#include <string.h>

#include "check/bpf_check.h"
#include "syscall/bpf_attr.h"
#include "libbpf/libbpf_funcs.h"
#include "tap.h"
#include "testlib.h"

static struct decode_opts opts;

static void call_init(struct bpf_call *c, uint32_t cmd, uint32_t size)
{
	memset(c, 0, sizeof(*c));
	c->cmd = c->cmd_raw = cmd;
	c->attr_addr = 0x1000;
	c->size = size;
	c->pre_len = size;
}

/* The kernel wrote back: the post snapshot starts as the pre one. */
static void post_init(struct bpf_call *c, uint32_t len)
{
	memcpy(c->post, c->pre, sizeof(c->pre));
	c->post_len = len;
	c->have_post = true;
}

/* The verdict @rule gave @c ("none" when it did not apply). */
static const char *verdict_of(const struct bpf_call *c, const char *rule, char *buf)
{
	struct json_object *o = render_call(c, &opts), *checks;
	size_t i;

	strcpy(buf, o ? "none" : "unparsable");
	checks = o ? jget(o, "checks") : NULL;
	for (i = 0; checks && i < json_object_array_length(checks); i++) {
		struct json_object *k = json_object_array_get_idx(checks, i);

		if (str_is(k, "rule", rule))
			snprintf(buf, 32, "%s", json_object_get_string(jget(k, "verdict")));
	}
	json_object_put(o);
	return buf;
}

static void expect(const struct bpf_call *c, const char *rule, const char *want,
		   const char *what)
{
	char got[32];

	verdict_of(c, rule, got);
	tap_ok(!strcmp(got, want), "%s: %s is %s (got %s)", what, rule, want, got);
}

static void test_return(void)
{
	struct bpf_call c;

	call_init(&c, XV_BPF_MAP_UPDATE_ELEM, 32);
	c.ret = 5;
	expect(&c, "return", "fail", "UPDATE_ELEM returning 5");
	c.ret = -2;
	c.err = 0;
	expect(&c, "return", "fail", "a return of -2");
	c.ret = -1;
	expect(&c, "return", "fail", "-1 without errno");
	c.err = ENOENT;
	expect(&c, "return", "pass", "-1 with errno");
}

static void test_cloexec(void)
{
	struct bpf_call c;

	call_init(&c, XV_BPF_MAP_CREATE, 72);
	c.ret = 7;
	c.facts.flags = BPF_FACT_CLOEXEC_KNOWN;
	expect(&c, "fd-cloexec", "fail", "fd without FD_CLOEXEC");
	c.facts.flags |= BPF_FACT_CLOEXEC_SET;
	expect(&c, "fd-cloexec", "pass", "fd with FD_CLOEXEC");
	c.facts.flags = 0;
	expect(&c, "fd-cloexec", "unknown", "flags not read");
}

static void test_next_id(void)
{
	struct bpf_call c;

	call_init(&c, XV_BPF_PROG_GET_NEXT_ID, 12);
	put32(c.pre, 0, 40);
	post_init(&c, 12);
	put32(c.post, 4, 40);
	expect(&c, "next-id", "fail", "next_id equal to start_id");
	put32(c.post, 4, 41);
	expect(&c, "next-id", "pass", "next_id above start_id");
}

static void with_map_note(struct bpf_call *c, int fd, uint16_t type)
{
	c->nnotes = 1;
	c->notes[0].fd = fd;
	c->notes[0].kind = OBJ_MAP;
	c->notes[0].type = type;
	c->notes[0].has_type = 1;
}

static void test_freeze(void)
{
	struct bpf_call c;

	call_init(&c, XV_BPF_MAP_FREEZE, 4);
	put32(c.pre, 0, 5);
	with_map_note(&c, 5, 26 /* STRUCT_OPS */);
	expect(&c, "freeze-struct-ops", "fail", "a STRUCT_OPS map frozen");
	c.ret = -1;
	c.err = ENOTSUP;
	expect(&c, "freeze-struct-ops", "pass", "a STRUCT_OPS map refused");
}

static void test_batch_count(void)
{
	struct bpf_call c;

	call_init(&c, XV_BPF_MAP_UPDATE_BATCH, 56);
	put32(c.pre, 32, 2);
	post_init(&c, 56);
	put32(c.post, 32, 3);
	c.ret = -1;
	c.err = ENOMEM;
	expect(&c, "batch-count", "fail", "count 3 of 2 after ENOMEM");
	c.err = EFAULT;
	expect(&c, "batch-count", "none", "count after EFAULT");
}

static void test_query(void)
{
	struct bpf_call c;

	call_init(&c, XV_BPF_PROG_QUERY, 40);
	put64(c.pre, 16, 0x2000);    /* prog_ids */
	put32(c.pre, 24, 1);         /* prog_cnt: room for one */
	post_init(&c, 40);
	put32(c.post, 24, 3);        /* three attached */
	expect(&c, "query-fill", "fail", "success with 3 programs and room for 1");
	c.ret = -1;
	c.err = ENOSPC;
	expect(&c, "query-fill", "doc-drift", "ENOSPC with 3 programs and room for 1");
}

static void test_errno(void)
{
	struct bpf_call c;

	call_init(&c, XV_BPF_MAP_UPDATE_ELEM, 32);
	c.ret = -1;
	c.err = EXDEV;
	expect(&c, "errno-documented", "fail", "UPDATE_ELEM with EXDEV");
	c.err = EBADF;
	expect(&c, "errno-documented", "doc-drift", "UPDATE_ELEM with EBADF");
	c.err = EEXIST;
	expect(&c, "update-errno", "fail", "EEXIST under BPF_ANY");
}

static void test_next_key(void)
{
	struct bpf_call c;

	call_init(&c, XV_BPF_MAP_GET_NEXT_KEY, 32);
	put64(c.pre, 8, 0x3000);
	c.nblobs = 2;
	c.blobs[0] = (struct bpf_blob){ .full_len = 4, .off = 0, .len = 4, .tag = BLOB_KEY };
	c.blobs[1] = (struct bpf_blob){ .full_len = 4, .off = 4, .len = 4, .tag = BLOB_NEXT_KEY };
	c.blob_used = 8;
	memset(c.blob_data, 7, 8);
	expect(&c, "next-key", "fail", "next_key equal to key");
	c.blob_data[4] = 8;
	expect(&c, "next-key", "pass", "next_key differs");
}

static void test_probe_and_no_check(void)
{
	struct bpf_call c;
	struct json_object *o;

	call_init(&c, XV_BPF_MAP_CREATE, 72);
	memcpy(c.pre + 28, "libbpf_mmap", 11);
	c.ret = 4;
	c.facts.flags = BPF_FACT_CLOEXEC_KNOWN;   /* would fail */
	expect(&c, "fd-cloexec", "probe", "a probe's failing rule");
	opts.no_check = true;
	o = render_call(&c, &opts);
	tap_ok(o && !has(o, "checks") && !has(o, "probe"), "no_check: no checks, no probe");
	json_object_put(o);
	opts.no_check = false;

	/* libbpf_probe_bpf_map_type(): anonymous, one entry */
	call_init(&c, XV_BPF_MAP_CREATE, 72);
	put32(c.pre, ATTR_MAP_CREATE_map_type, XV_BPF_MAP_TYPE_HASH);
	put32(c.pre, ATTR_MAP_CREATE_max_entries, 1);
	c.ret = 4;
	c.facts.flags = BPF_FACT_CLOEXEC_KNOWN;
	expect(&c, "fd-cloexec", "probe", "an anonymous one-entry map");
	put32(c.pre, ATTR_MAP_CREATE_max_entries, 2);
	expect(&c, "fd-cloexec", "fail", "an anonymous two-entry map is no probe");
	put32(c.pre, ATTR_MAP_CREATE_map_type, XV_BPF_MAP_TYPE_RINGBUF);
	put32(c.pre, ATTR_MAP_CREATE_max_entries, 4096);
	expect(&c, "fd-cloexec", "probe", "an anonymous one-page ring buffer");
	put32(c.pre, ATTR_MAP_CREATE_max_entries, 1);
	memcpy(c.pre + ATTR_MAP_CREATE_map_name, "counts", 6);
	put32(c.pre, ATTR_MAP_CREATE_map_type, XV_BPF_MAP_TYPE_HASH);
	expect(&c, "fd-cloexec", "fail", "a named one-entry map is no probe");
}

static void test_unknown_cmd(void)
{
	struct bpf_call c;

	call_init(&c, 99, 168);
	c.ret = -1;
	c.err = EINVAL;
	expect(&c, "unknown-command", "pass", "bpf(99) -> EINVAL");
	c.err = ENOENT;
	expect(&c, "unknown-command", "fail", "bpf(99) -> ENOENT");
	c.err = E2BIG;
	expect(&c, "unknown-command", "pass", "bpf(99) -> E2BIG (attr checks first)");
	c.ret = 0;
	c.err = 0;
	expect(&c, "unknown-command", "doc-drift", "bpf(99) succeeding");
	call_init(&c, XV_BPF_MAP_FREEZE, 4);
	expect(&c, "unknown-command", "none", "a known command");
}

static void with_note(struct bpf_call *c, int fd, uint8_t kind, int type, uint32_t id)
{
	struct bpf_fd_note *n = &c->notes[c->nnotes++];

	memset(n, 0, sizeof(*n));
	n->fd = fd;
	n->kind = kind;
	n->id = id;
	n->type = (uint16_t)(type < 0 ? 0 : type);
	n->has_type = type >= 0;
}

static void test_fd_rules(void)
{
	struct bpf_call c;

	call_init(&c, XV_BPF_MAP_CREATE, 72);
	c.ret = 6;
	with_note(&c, 6, OBJ_MAP, XV_BPF_MAP_TYPE_HASH, 10);
	expect(&c, "fd-kind", "pass", "MAP_CREATE returning a map fd");
	c.notes[0].kind = OBJ_PROG;
	expect(&c, "fd-kind", "fail", "MAP_CREATE returning a program fd");
	c.nnotes = 0;
	expect(&c, "fd-kind", "unknown", "MAP_CREATE, fd unlearned");

	call_init(&c, XV_BPF_MAP_GET_FD_BY_ID, 12);
	put32(c.pre, ATTR_GET_ID_map_id, 77);
	c.ret = 5;
	with_note(&c, 5, OBJ_MAP, XV_BPF_MAP_TYPE_HASH, 77);
	expect(&c, "fd-by-id", "pass", "the fd of id 77");
	c.notes[0].id = 78;
	expect(&c, "fd-by-id", "fail", "the fd of another id");

	call_init(&c, XV_BPF_ITER_CREATE, 8);
	put32(c.pre, ATTR_ITER_CREATE_link_fd, 4);
	c.ret = 9;
	with_note(&c, 4, OBJ_LINK, -1, 3);
	expect(&c, "iter-link", "pass", "an iterator on a link");
	c.notes[0].kind = OBJ_MAP;
	expect(&c, "iter-link", "fail", "an iterator on a map, accepted");
	c.ret = -1;
	c.err = EINVAL;
	expect(&c, "iter-link", "pass", "an iterator on a map, refused");

	call_init(&c, XV_BPF_PROG_BIND_MAP, 12);
	put32(c.pre, ATTR_PROG_BIND_MAP_prog_fd, 4);
	put32(c.pre, ATTR_PROG_BIND_MAP_map_fd, 5);
	with_note(&c, 4, OBJ_PROG, XV_BPF_PROG_TYPE_XDP, 1);
	with_note(&c, 5, OBJ_MAP, XV_BPF_MAP_TYPE_ARRAY, 2);
	expect(&c, "bind-map", "pass", "a map bound to a program");
	c.notes[0].kind = OBJ_MAP;
	expect(&c, "bind-map", "fail", "prog_fd a map, accepted");

	call_init(&c, XV_BPF_PROG_ATTACH, 20);
	put32(c.pre, ATTR_PROG_ATTACH_attach_bpf_fd, 4);
	put32(c.pre, ATTR_PROG_ATTACH_attach_type, XV_BPF_CGROUP_INET_INGRESS);
	with_note(&c, 4, OBJ_PROG, XV_BPF_PROG_TYPE_CGROUP_SKB, 1);
	expect(&c, "attach-prog-type", "pass", "a cgroup program attached");
	expect(&c, "attach-type", "pass", "a known attach type");
	c.notes[0].type = XV_BPF_PROG_TYPE_SCHED_CLS;
	expect(&c, "attach-prog-type", "doc-drift", "a SCHED_CLS program attached (tcx)");
	c.ret = -1;
	c.err = EINVAL;
	expect(&c, "attach-prog-type", "pass", "a SCHED_CLS program refused");
	put32(c.pre, ATTR_PROG_ATTACH_attach_type, 999);
	expect(&c, "attach-type", "fail", "attach type 999");

	/* attach-target: made-up facts, a success on the wrong kind of fd */
	call_init(&c, XV_BPF_PROG_ATTACH, 20);
	put32(c.pre, ATTR_PROG_ATTACH_target_fd, 3);
	put32(c.pre, ATTR_PROG_ATTACH_attach_type, XV_BPF_CGROUP_INET_INGRESS);
	c.facts.flags = BPF_FACT_TARGET_KNOWN;
	c.facts.target_fstype = 0x63677270;
	expect(&c, "attach-target", "pass", "a cgroup program on a cgroup v2 directory");
	c.facts.target_fstype = 0xEF53;
	expect(&c, "attach-target", "fail", "a cgroup program attached to an ext4 file");
	c.facts.flags = 0;
	expect(&c, "attach-target", "unknown", "target_fd unlearned");

	call_init(&c, XV_BPF_LINK_UPDATE, 16);
	put32(c.pre, 0, 3);
	put32(c.pre, 4, 4);
	with_note(&c, 4, OBJ_PROG, XV_BPF_PROG_TYPE_XDP, 40);
	c.facts.flags = BPF_FACT_LINK_PROG;
	c.facts.link_prog_id = 40;
	expect(&c, "link-update", "pass", "the link holds the new program");
	c.facts.link_prog_id = 39;
	expect(&c, "link-update", "fail", "the link still holds the old program");

	call_init(&c, XV_BPF_RAW_TRACEPOINT_OPEN, 16);
	put32(c.pre, ATTR_RAW_TP_prog_fd, 4);
	c.ret = 7;
	with_note(&c, 4, OBJ_PROG, XV_BPF_PROG_TYPE_RAW_TRACEPOINT, 1);
	expect(&c, "raw-tp-prog-type", "pass", "a raw tracepoint program");
	c.notes[0].type = XV_BPF_PROG_TYPE_TRACING;
	expect(&c, "raw-tp-prog-type", "doc-drift", "a TRACING program");
}

static void test_value_rules(void)
{
	struct bpf_call c;

	call_init(&c, XV_BPF_MAP_UPDATE_ELEM, 32);
	put32(c.pre, 0, 5);
	with_note(&c, 5, OBJ_MAP, XV_BPF_MAP_TYPE_HASH, 9);
	expect(&c, "frozen-map", "none", "an update of a map not known frozen");
	c.notes[0].frozen = 1;
	expect(&c, "frozen-map", "fail", "an update of a frozen map that succeeded");
	c.ret = -1;
	c.err = EPERM;
	expect(&c, "frozen-map", "pass", "an update of a frozen map refused");

	call_init(&c, XV_BPF_PROG_QUERY, 40);
	put32(c.pre, ATTR_QUERY_attach_type, XV_BPF_CGROUP_INET_INGRESS);
	put32(c.pre, ATTR_QUERY_query_flags, XV_BPF_F_QUERY_EFFECTIVE);
	expect(&c, "query-flags", "pass", "BPF_F_QUERY_EFFECTIVE");
	put32(c.pre, ATTR_QUERY_query_flags, 2);
	c.ret = -1;
	c.err = EINVAL;
	expect(&c, "query-flags", "fail", "query_flags 2");

	call_init(&c, XV_BPF_MAP_DELETE_BATCH, 56);
	put64(c.pre, ATTR_BATCH_elem_flags, XV_BPF_F_LOCK);
	expect(&c, "delete-flags", "pass", "BPF_F_LOCK");
	put64(c.pre, ATTR_BATCH_elem_flags, XV_BPF_NOEXIST);
	c.ret = -1;
	c.err = EINVAL;
	expect(&c, "delete-flags", "fail", "BPF_NOEXIST on a delete");

	call_init(&c, XV_BPF_OBJ_GET_INFO_BY_FD, 16);
	put32(c.pre, ATTR_INFO_info_len, 80);
	post_init(&c, 16);
	put32(c.post, ATTR_INFO_info_len, 64);
	expect(&c, "info-len", "pass", "64 of 80 bytes");
	put32(c.post, ATTR_INFO_info_len, 96);
	expect(&c, "info-len", "fail", "96 of 80 bytes");

	call_init(&c, XV_BPF_PROG_TEST_RUN, 76);
	put32(c.pre, ATTR_TEST_data_size_out, 8);
	post_init(&c, 76);
	c.ret = -1;
	c.err = ENOSPC;
	put32(c.post, ATTR_TEST_data_size_out, 64);
	expect(&c, "test-run-enospc", "pass", "ENOSPC, 64 bytes needed");
	put32(c.post, ATTR_TEST_data_size_out, 8);
	expect(&c, "test-run-enospc", "fail", "ENOSPC, nothing too small");

	call_init(&c, XV_BPF_TASK_FD_QUERY, 48);
	post_init(&c, 48);
	put32(c.post, ATTR_TASK_FD_QUERY_prog_id, 12);
	put32(c.post, ATTR_TASK_FD_QUERY_fd_type, 1);
	expect(&c, "task-fd-query", "pass", "program 12, a tracepoint");
	put32(c.post, ATTR_TASK_FD_QUERY_fd_type, 99);
	expect(&c, "task-fd-query", "fail", "fd_type 99");
	put64(c.pre, ATTR_TASK_FD_QUERY_buf, 0x7000);
	put32(c.pre, ATTR_TASK_FD_QUERY_buf_len, 16);
	put32(c.post, ATTR_TASK_FD_QUERY_buf_len, 9);
	expect(&c, "task-fd-buf", "pass", "a 9-byte name in 16 bytes");
	put32(c.post, ATTR_TASK_FD_QUERY_buf_len, 20);
	expect(&c, "task-fd-buf", "fail", "success with a 20-byte name in 16 bytes");
	c.ret = -1;
	c.err = ENOSPC;
	expect(&c, "task-fd-buf", "pass", "ENOSPC for a 20-byte name in 16 bytes");

	call_init(&c, XV_BPF_BTF_LOAD, 40);
	put64(c.pre, ATTR_BTF_LOAD_btf, 0x5000);
	put32(c.pre, ATTR_BTF_LOAD_btf_size, 400);
	c.ret = 5;
	expect(&c, "btf-buffer", "pass", "400 bytes of BTF");
	put64(c.pre, ATTR_BTF_LOAD_btf, 0);
	c.ret = -1;
	c.err = EFAULT;
	expect(&c, "btf-buffer", "fail", "btf NULL");
}

/* Every statement of the texts is checked by a rule that exists or has a
 * reason it cannot be; every rule checks some statement; 80% are checked. */
static void test_inventory(void)
{
	size_t i, r, checked = 0, todo = 0;
	bool found;

	for (i = 0; i < bpf_inventory_count; i++) {
		const struct bpf_stmt *s = &bpf_inventory[i];
		enum bpf_stmt_state st = bpf_stmt_state(s);

		if (st == STMT_TODO) {
			todo++;
			printf("# not yet done: %s %s \"%.60s\"%s%s\n", s->text, s->where, s->phrase,
				 s->rule ? ", unknown rule " : "", s->rule ? s->rule : "");
		}
		checked += st == STMT_CHECKED;
		if (st == STMT_CHECKED && (!s->verdicts || !*s->verdicts))
			printf("# checked without verdicts: %s %s\n", s->where, s->phrase);
	}
	tap_ok(!todo, "inventory: every statement checked or given a reason (%zu not)", todo);
	tap_ok(checked * 100 >= bpf_inventory_count * 80, "inventory: %zu of %zu statements checked",
	       checked, bpf_inventory_count);
	for (r = 0; r < bpf_rules_count + libbpf_rules_count; r++) {
		const char *id = r < bpf_rules_count ? bpf_rules[r].id
						     : libbpf_rules[r - bpf_rules_count].id;

		for (i = 0, found = false; i < bpf_inventory_count && !found; i++)
			found = bpf_inventory[i].rule && !strcmp(bpf_inventory[i].rule, id);
		if (!found && strcmp(id, "capability") && strcmp(id, "log-enospc"))
			tap_ok(false, "inventory: rule %s checks no statement", id);
	}
}

/* The verdict @rule gave libbpf call @c. */
static const char *libbpf_verdict(const struct libbpf_call *c, const char *rule, char *buf)
{
	static char out[1 << 16];
	struct bpf_event_env env = { .seq = 1, .comm = "t" };
	struct json_object *o, *checks;
	struct jsonw w;
	size_t i;

	jw_init(&w, out, sizeof(out));
	libbpf_render_event(&w, &env, c, &opts);
	o = parse_all(out, w.len);
	strcpy(buf, o ? "none" : "unparsable");
	checks = o ? jget(o, "checks") : NULL;
	for (i = 0; checks && i < json_object_array_length(checks); i++) {
		struct json_object *k = json_object_array_get_idx(checks, i);

		if (str_is(k, "rule", rule))
			snprintf(buf, 32, "%s", json_object_get_string(jget(k, "verdict")));
	}
	json_object_put(o);
	return buf;
}

static void test_libbpf(void)
{
	struct libbpf_call c;
	char got[32];

	memset(&c, 0, sizeof(c));
	c.id = LF_bpf_map_create;
	c.ret = -EINVAL;
	c.err = EPERM;
	tap_ok(!strcmp(libbpf_verdict(&c, "libbpf-return", got), "fail"),
	       "libbpf: -EINVAL with errno EPERM fails libbpf-return (got %s)", got);
	c.err = EINVAL;
	tap_ok(!strcmp(libbpf_verdict(&c, "libbpf-return", got), "pass"),
	       "libbpf: -EINVAL with errno EINVAL passes (got %s)", got);
	c.ret = 1;
	c.err = 0;
	tap_ok(!strcmp(libbpf_verdict(&c, "libbpf-fd-range", got), "fail"),
	       "libbpf: fd 1 fails libbpf-fd-range (got %s)", got);
	c.ret = 0xffffffff00000007ll;   /* an int 7 in a dirty register */
	tap_ok(!strcmp(libbpf_verdict(&c, "libbpf-fd-range", got), "pass"),
	       "libbpf: fd 7 passes, upper half ignored (got %s)", got);
	c.id = LF_bpf_prog_attach;
	c.ret = -EBADF;
	c.err = EBADF;
	tap_ok(!strcmp(libbpf_verdict(&c, "libbpf-errno-doc", got), "doc-drift"),
	       "libbpf: EBADF from bpf_prog_attach is doc-drift (got %s)", got);
	c.ret = -EINVAL;
	c.err = EINVAL;
	tap_ok(!strcmp(libbpf_verdict(&c, "libbpf-errno-doc", got), "pass"),
	       "libbpf: EINVAL from bpf_prog_attach is documented (got %s)", got);
	c.id = LF_bpf_map_create;
	c.ret = 1;
	c.err = 0;
	c.opts_addr = 0x4000;
	c.opts_sz = 4;
	c.opts_sz_small = true;
	tap_ok(!strcmp(libbpf_verdict(&c, "libbpf-opts-sz", got), "fail"),
	       "libbpf: a tiny opts accepted fails libbpf-opts-sz (got %s)", got);

	memset(&c, 0, sizeof(c));
	c.id = LF_bpf_map_create;
	c.ret = 5;
	c.nsys = 1;
	c.cmds = 1ull << XV_BPF_MAP_CREATE;
	tap_ok(!strcmp(libbpf_verdict(&c, "libbpf-wraps", got), "pass"),
	       "libbpf: bpf_map_create made BPF_MAP_CREATE (got %s)", got);
	c.cmds = 1ull << XV_BPF_PROG_LOAD;
	tap_ok(!strcmp(libbpf_verdict(&c, "libbpf-wraps", got), "fail"),
	       "libbpf: bpf_map_create making only BPF_PROG_LOAD fails (got %s)", got);
	c.cmds = 0;
	tap_ok(!strcmp(libbpf_verdict(&c, "libbpf-wraps", got), "none"),
	       "libbpf: no command known, no verdict (got %s)", got);
	/* libbpf before 1.0 returns -1 and sets errno */
	c.ret = -1;
	c.err = EINVAL;
	opts.libbpf_ver = 0x0007;
	tap_ok(!strcmp(libbpf_verdict(&c, "libbpf-return", got), "pass"),
	       "libbpf 0.7: -1 with errno EINVAL passes (got %s)", got);
	opts.libbpf_ver = 0x0101;
	tap_ok(!strcmp(libbpf_verdict(&c, "libbpf-return", got), "fail"),
	       "libbpf 1.1: -1 with errno EINVAL fails (got %s)", got);
	opts.libbpf_ver = 0;
	tap_ok(!strcmp(libbpf_verdict(&c, "libbpf-return", got), "unknown"),
	       "libbpf of unknown version: -1 with errno EINVAL is unknown (got %s)", got);
	c.id = LF_bpf_map_get_next_id;
	c.ret = 0;
	c.err = 0;
	c.cmds = 1ull << XV_BPF_MAP_GET_NEXT_ID;
	tap_ok(!strcmp(libbpf_verdict(&c, "libbpf-wraps", got), "doc-drift"),
	       "libbpf: bpf_map_get_next_id's text names BPF_OBJ_GET_NEXT_ID (got %s)", got);
}

/* A call --inject failed: marked, not judged, and nothing read back
 * from what libbpf would have written. */
static void test_libbpf_injected(void)
{
	static char out[1 << 16];
	struct bpf_event_env env = { .seq = 1, .comm = "t" };
	uint32_t info_len = 80;
	struct libbpf_call c;
	struct json_object *o;
	struct jsonw w;

	memset(&c, 0, sizeof(c));
	c.id = LF_bpf_obj_get_info_by_fd;
	c.args[0] = 5;
	c.args[2] = (uint64_t)(uintptr_t)&info_len;
	libbpf_args_probe(&c);
	c.ret = -EPERM;
	c.err = EPERM;
	c.injected = true;
	jw_init(&w, out, sizeof(out));
	libbpf_render_event(&w, &env, &c, &opts);
	o = parse_all(out, w.len);
	tap_ok(o && json_object_get_boolean(jget(o, "injected")) && str_is(o, "errno", "EPERM") &&
		       !has(o, "checks"),
	       "libbpf: an injected call is marked and has no checks");
	tap_ok(o && json_object_get_int64(jget(o, "args.info_len.in")) == 80 &&
		       !has(o, "args.info_len.out"),
	       "libbpf: an injected call shows its inputs, no outputs");
	json_object_put(o);
	c.injected = false;
	jw_init(&w, out, sizeof(out));
	libbpf_render_event(&w, &env, &c, &opts);
	o = parse_all(out, w.len);
	tap_ok(o && !has(o, "injected") && has(o, "checks") && has(o, "args.info_len.out"),
	       "libbpf: the same call made has checks and outputs, no mark");
	json_object_put(o);
}

int main(void)
{
	decode_opts_default(&opts);
	opts.offline = true;
	test_return();
	test_cloexec();
	test_next_id();
	test_freeze();
	test_batch_count();
	test_query();
	test_errno();
	test_next_key();
	test_probe_and_no_check();
	test_unknown_cmd();
	test_fd_rules();
	test_inventory();
	test_value_rules();
	test_libbpf();
	test_libbpf_injected();
	return tap_done();
}
