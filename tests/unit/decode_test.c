// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The symbol tables and the per-command field tables, seen through the
 * walker: synthetic captured calls are rendered with bpf_render_call() and
 * the JSON read back with json-c.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "syscall/bpf_decode.h"
#include "tap.h"
#include "testlib.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Every generated table, with the value range an enum must cover
 * contiguously (lo > hi: no range check). */
static const struct {
	const struct xlat *x;
	uint64_t lo, hi;
} all_tables[] = {
	{ &xlat_bpf_cmd, 0, 38 },
	{ &xlat_bpf_map_type, 0, 35 },
	{ &xlat_bpf_prog_type, 0, 32 },
	{ &xlat_bpf_attach_type, 0, 61 },
	{ &xlat_bpf_link_type, 0, 15 },
	{ &xlat_bpf_map_flags, 1, 0 },
	{ &xlat_bpf_prog_flags, 1, 0 },
	{ &xlat_bpf_elem_flags, 1, 0 },
	{ &xlat_bpf_attach_flags, 1, 0 },
	{ &xlat_bpf_file_flags, 1, 0 },
	{ &xlat_bpf_query_flags, 1, 0 },
	{ &xlat_bpf_test_run_flags, 1, 0 },
	{ &xlat_bpf_kprobe_multi_flags, 1, 0 },
	{ &xlat_bpf_uprobe_multi_flags, 1, 0 },
	{ &xlat_bpf_netfilter_flags, 1, 0 },
	{ &xlat_bpf_btf_flags, 1, 0 },
	{ &xlat_bpf_link_update_flags, 1, 0 },
	{ &xlat_bpf_xdp_flags, 1, 0 },
	{ &xlat_bpf_stats_type, 0, 0 },
	{ &xlat_bpf_stream_id, 1, 2 },
	{ &xlat_bpf_perf_event_type, 0, 6 },
	{ &xlat_bpf_task_fd_type, 0, 5 },
	{ &xlat_bpf_log_level, 1, 0 },
	{ &xlat_errno_names, 1, 0 },
};

/* ---- helpers ------------------------------------------------------------- */

static struct decode_opts opts;

static struct json_object *render(const struct bpf_call *c)
{
	return render_call(c, &opts);
}

static void call_init(struct bpf_call *c, uint32_t cmd, uint32_t size)
{
	memset(c, 0, sizeof(*c));
	c->cmd_raw = cmd;
	c->cmd = cmd;
	c->attr_addr = (uint64_t)(uintptr_t)c->pre;
	c->size = size;
	c->pre_len = size < BPF_ATTR_SNAP ? size : BPF_ATTR_SNAP;
}

/* Give @c a post-call snapshot equal to the pre-call one. */
static void call_post(struct bpf_call *c)
{
	memcpy(c->post, c->pre, sizeof(c->post));
	c->post_len = c->pre_len;
	c->have_post = true;
}

/* ---- symbol tables ------------------------------------------------------- */

static bool is_single_bit(uint64_t v)
{
	return v && !(v & (v - 1));
}

static void test_table_shape(const struct xlat *x, uint64_t lo, uint64_t hi)
{
	bool sorted = true, found = true, names = true, bits = true;
	bool range = true;
	size_t i, j;

	for (i = 0; i < x->n; i++) {
		const struct xlat_entry *e = &x->e[i];

		if (i && x->e[i - 1].val >= e->val)
			sorted = false;
		if (xlat_find(x, e->val) != e)
			found = false;
		/* names start past the "" at 0, within the string */
		if (!e->name || !*xlat_entry_name(x, e) ||
		    xlat_value(x, xlat_entry_name(x, e)) != (int64_t)e->val)
			names = false;
		for (j = 0; j < i; j++)
			if (!strcmp(xlat_entry_name(x, &x->e[j]), xlat_entry_name(x, e)))
				names = false;
		/* BPF_ANY (0) is the one zero entry of a flags table. */
		if (x->kind == XLAT_FLAGS && !is_single_bit(e->val) &&
		    x != &xlat_bpf_elem_flags)
			bits = false;
	}
	if (lo <= hi) {
		range = x->n == hi - lo + 1;
		for (i = 0; range && i < x->n; i++)
			range = x->e[i].val == lo + i;
	}
	tap_ok(x->n > 0 && sorted && found, "%s: sorted, every value found",
	       x->name);
	tap_ok(names, "%s: names unique and found by xlat_value", x->name);
	tap_ok(bits, "%s: flags are single bits", x->name);
	tap_ok(range, "%s: covers %llu..%llu", x->name,
	       (unsigned long long)lo, (unsigned long long)hi);
}

static void test_xlat(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all_tables); i++)
		test_table_shape(all_tables[i].x, all_tables[i].lo,
				 all_tables[i].hi);

	tap_ok(!xlat_name(&xlat_bpf_map_type, 36) &&
	       !xlat_name(&xlat_bpf_map_type, UINT64_MAX) &&
	       !xlat_find(NULL, 0) && xlat_value(NULL, "x") == -1,
	       "unknown values and NULL tables give NULL / -1");
	tap_ok(xlat_value(&xlat_bpf_cmd, "BPF_NO_SUCH") == -1,
	       "xlat_value of an unknown name is -1");
	tap_ok(!strcmp(xlat_name(&xlat_bpf_map_type, 34), "BPF_MAP_TYPE_INSN_ARRAY") &&
	       !strcmp(xlat_name(&xlat_bpf_map_type, 35), "BPF_MAP_TYPE_RHASH"),
	       "map types 34 INSN_ARRAY and 35 RHASH");
	tap_ok(!strcmp(xlat_name(&xlat_bpf_map_type, 19), "BPF_MAP_TYPE_CGROUP_STORAGE") &&
	       !strcmp(xlat_name(&xlat_bpf_map_type, 21),
		       "BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE"),
	       "aliased map types use the non-deprecated names");
	tap_ok(!strcmp(xlat_name(&xlat_bpf_map_type, 2), "BPF_MAP_TYPE_ARRAY") &&
	       !strcmp(xlat_entry_since(&xlat_bpf_map_type, xlat_find(&xlat_bpf_map_type, 2)),
		       "3.19") &&
	       !strcmp(xlat_entry_since(&xlat_bpf_map_type, xlat_find(&xlat_bpf_map_type, 35)),
		       ""),
	       "since: \"3.19\" for ARRAY, \"\" when unknown");
	tap_ok(xlat_value(&xlat_bpf_prog_flags, "BPF_F_TOKEN_FD") == 0x10000 &&
	       xlat_value(&xlat_bpf_attach_flags, "BPF_F_LINK") == 0x2000 &&
	       xlat_value(&xlat_bpf_file_flags, "BPF_F_PATH_FD") == 0x4000 &&
	       xlat_value(&xlat_bpf_map_flags, "BPF_F_RB_OVERWRITE") == 0x80000,
	       "flag values: TOKEN_FD, LINK, PATH_FD, RB_OVERWRITE");
	tap_ok(!strcmp(xlat_name(&xlat_bpf_attach_type, 61), "BPF_TRACE_FSESSION_MULTI") &&
	       !strcmp(xlat_name(&xlat_bpf_link_type, 15), "BPF_LINK_TYPE_TRACING_MULTI") &&
	       !strcmp(xlat_name(&xlat_bpf_prog_type, 32), "BPF_PROG_TYPE_NETFILTER"),
	       "last attach, link and program types");
	tap_ok(!strcmp(errno_name(EPERM), "EPERM") &&
	       !strcmp(errno_name(95), "EOPNOTSUPP") &&
	       !strcmp(errno_name(EAGAIN), "EAGAIN") &&
	       !strcmp(errno_name(133), "EHWPOISON") &&
	       !strcmp(errno_name(524), "ENOTSUPP") &&
	       !errno_name(0) && !errno_name(134) && !errno_name(41),
	       "errno names: EPERM, EOPNOTSUPP 95, EHWPOISON 133, ENOTSUPP 524");
	tap_ok(xlat_value(&xlat_errno_names, "ENOTSUP") == -1 &&
	       xlat_value(&xlat_errno_names, "EWOULDBLOCK") == -1,
	       "errno aliases are not listed twice");
	tap_ok(xlat_errno_names.n == 131 + 18, "errno table: 131 + 18 entries");
}

/* ---- command tables ------------------------------------------------------ */

static bool kind_size_ok(const struct bpf_field *f)
{
	switch (f->kind) {
	case FK_U64:
	case FK_FLAGS64:
	case FK_PTR:
	case FK_STR_PTR:
	case FK_HEX64:
		return f->size == 8;
	case FK_CHARS:
		return f->size == 16;
	default:
		return f->size == 4;
	}
}

static size_t prefix_len(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot ? (size_t)(dot - name) : 0;
}

/* Each dotted group appears as one run of adjacent fields. */
static bool groups_adjacent(const struct bpf_cmd_desc *d)
{
	unsigned i, j;

	for (i = 1; i < d->nfields; i++) {
		const char *a = d->fields[i].name;
		size_t n = prefix_len(a);

		if (!n || (prefix_len(d->fields[i - 1].name) == n &&
			   !strncmp(d->fields[i - 1].name, a, n)))
			continue;
		/* a starts a run: no earlier field may have its prefix */
		for (j = 0; j < i; j++)
			if (prefix_len(d->fields[j].name) == n &&
			    !strncmp(d->fields[j].name, a, n))
				return false;
	}
	return true;
}

static void tap_diag_field(const struct bpf_cmd_desc *d,
			   const struct bpf_field *f)
{
	printf("# %s: bad field %s\n", d->name, f->name ? f->name : "(null)");
}

static void test_cmd_table(void)
{
	static const uint8_t fd_cmds[] = { 0, 5, 7, 13, 14, 17, 18, 19, 28,
					   30, 32, 33, 36 };
	bool names = true, shape = true, rets = true, groups = true;
	uint32_t cmd;
	unsigned i;

	for (cmd = 0; cmd < BPF_CMD_COUNT; cmd++) {
		const struct bpf_cmd_desc *d = &bpf_cmd_table[cmd];
		uint8_t want = RET_ZERO;

		if (!d->name || strcmp(d->name, xlat_name(&xlat_bpf_cmd, cmd)) ||
		    !d->since || bpf_cmd_desc(cmd) != d) {
			names = false;
			continue;
		}
		if (!d->fields || !d->nfields || !d->last_end ||
		    d->last_end > BPF_ATTR_UNION_SIZE)
			shape = false;
		for (i = 0; i < d->nfields; i++) {
			const struct bpf_field *f = &d->fields[i];

			if (!f->name || !f->since || !f->flags ||
			    f->off + f->size > BPF_ATTR_UNION_SIZE ||
			    !kind_size_ok(f) ||
			    (f->kind == FK_ENUM && !f->x)) {
				shape = false;
				tap_diag_field(d, f);
			}
		}
		if (!groups_adjacent(d))
			groups = false;
		for (i = 0; i < sizeof(fd_cmds); i++)
			if (fd_cmds[i] == cmd)
				want = RET_FD;
		if (cmd == 37)
			want = RET_COUNT;
		if (d->ret != want)
			rets = false;
	}
	tap_ok(names, "bpf_cmd_table: 39 commands named as in xlat_bpf_cmd");
	tap_ok(shape, "every field inside the 168-byte union, kind and size agree");
	tap_ok(groups, "dotted fields of one group are adjacent");
	tap_ok(rets, "RET_FD for the fd-returning commands, RET_COUNT for 37");
	tap_ok(bpf_cmd_table[0].last_end == 92 && bpf_cmd_table[3].last_end == 16 &&
	       bpf_cmd_table[5].last_end == 168 && bpf_cmd_table[10].last_end == 76 &&
	       bpf_cmd_table[28].last_end == 60 && bpf_cmd_table[38].last_end == 8,
	       "last_end: MAP_CREATE 92, DELETE 16, PROG_LOAD 168, TEST_RUN 76, "
	       "LINK_CREATE 60, ASSOC 8");
	tap_ok(bpf_cmd_writes_attr(5) && bpf_cmd_writes_attr(10) &&
	       bpf_cmd_writes_attr(11) && bpf_cmd_writes_attr(15) &&
	       bpf_cmd_writes_attr(16) && bpf_cmd_writes_attr(18) &&
	       bpf_cmd_writes_attr(20) && bpf_cmd_writes_attr(24) &&
	       !bpf_cmd_writes_attr(0) && !bpf_cmd_writes_attr(2) &&
	       !bpf_cmd_writes_attr(28),
	       "commands that write attr back are marked by FF_OUT fields");
}

/* ---- rendering ----------------------------------------------------------- */

static void test_map_create(void)
{
	struct bpf_call c;
	struct json_object *o;

	call_init(&c, 0, 92);
	put32(c.pre, 0, 2);
	put32(c.pre, 4, 4);
	put32(c.pre, 16, 0x1 | 0x80000000u);
	memcpy(c.pre + 28, "hello_map", 9);
	o = render(&c);
	tap_ok(o != NULL, "MAP_CREATE renders valid JSON");
	tap_ok(str_is(o, "cmd", "BPF_MAP_CREATE") && !has(o, "cmd_num"),
	       "known cmd: name, no cmd_num");
	tap_ok(str_is(o, "attr.map_type", "BPF_MAP_TYPE_ARRAY"),
	       "map_type 2 -> \"BPF_MAP_TYPE_ARRAY\"");
	tap_ok(int_is(o, "attr.key_size", 4), "key_size 4");
	tap_ok(str_is(o, "attr.map_flags", "BPF_F_NO_PREALLOC|0x80000000"),
	       "map_flags 0x80000001 -> \"BPF_F_NO_PREALLOC|0x80000000\"");
	tap_ok(str_is(o, "attr.map_name", "hello_map"), "map_name as a string");
	tap_ok(has(o, "attr.excl_prog_hash_size") && !has(o, "attr_tail"),
	       "size 92 covers excl_prog_hash_size, no tail");
	json_object_put(o);

	put32(c.pre, 0, 999);
	put32(c.pre, 16, 0);
	o = render(&c);
	tap_ok(str_is(o, "attr.map_type", "999"), "unknown map_type -> the number 999, a string");
	tap_ok(str_is(o, "attr.map_flags", "0"), "map_flags 0 -> \"0\"");
	json_object_put(o);

	call_init(&c, 0, 20);
	put32(c.pre, 0, 1);
	put32(c.pre, 16, 4);
	put32(c.pre, 20, 7);
	o = render(&c);
	tap_ok(has(o, "attr.map_type") && str_is(o, "attr.map_flags", "BPF_F_NUMA_NODE"),
	       "size 20: fields up to byte 20 present");
	tap_ok(!has(o, "attr.inner_map_fd") && !has(o, "attr.numa_node") &&
	       !has(o, "attr.map_name") && !has(o, "attr.map_token_fd"),
	       "size 20: fields past byte 20 absent");
	json_object_put(o);

	call_init(&c, 0, 96);
	put32(c.pre, 92, 1);
	o = render(&c);
	tap_ok(int_is(o, "attr_tail.last_field_end", 92),
	       "nonzero byte past last_end 92 is reported");
	json_object_put(o);
}

static void elem_flags_case(uint32_t cmd, uint64_t flags, const char *want)
{
	struct bpf_call c;
	struct json_object *o;

	call_init(&c, cmd, 32);
	put32(c.pre, 0, 3);
	put64(c.pre, 24, flags);
	o = render(&c);
	tap_ok(str_is(o, "attr.flags", want), "%s flags %#llx -> \"%s\"",
	       bpf_cmd_table[cmd].name, (unsigned long long)flags, want);
	json_object_put(o);
}

static void test_elem(void)
{
	struct bpf_call c;
	struct json_object *o;

	elem_flags_case(2, 0, "BPF_ANY");
	elem_flags_case(2, 1, "BPF_NOEXIST");
	elem_flags_case(2, 2, "BPF_EXIST");
	elem_flags_case(2, 5, "BPF_NOEXIST|BPF_F_LOCK");
	elem_flags_case(2, 6, "BPF_EXIST|BPF_F_LOCK");
	elem_flags_case(2, 3, "0x3");
	elem_flags_case(1, 0x104, "BPF_ANY|BPF_F_LOCK|0x100");
	elem_flags_case(1, 0x10, "BPF_ANY|BPF_F_ALL_CPUS");

	call_init(&c, 1, 32);
	put64(c.pre, 24, (7ULL << 32) | 0x8);
	o = render(&c);
	tap_ok(str_is(o, "attr.flags", "BPF_ANY|BPF_F_CPU") && int_is(o, "attr.cpu", 7),
	       "BPF_F_CPU: upper 32 bits rendered as \"cpu\": 7");
	json_object_put(o);

	call_init(&c, 2, 24);
	put64(c.pre, 8, 0x7ffd1000);
	put64(c.pre, 16, 0x7ffd2000);
	o = render(&c);
	tap_ok(str_is(o, "attr.key", "0x7ffd1000") && str_is(o, "attr.value", "0x7ffd2000"),
	       "key and value are pointers in hex");
	tap_ok(!has(o, "attr.flags"), "size 24: elem flags absent");
	json_object_put(o);

	call_init(&c, 3, 32);
	put64(c.pre, 16, 0x1234);
	put64(c.pre, 24, 4);
	o = render(&c);
	tap_ok(!has(o, "attr.value") && str_is(o, "attr.flags", "BPF_ANY|BPF_F_LOCK"),
	       "MAP_DELETE_ELEM: no value, flags rendered when size covers it");
	tap_ok(int_is(o, "attr_tail.last_field_end", 16),
	       "MAP_DELETE_ELEM: value/flags past key are tail bytes");
	json_object_put(o);

	call_init(&c, 4, 24);
	put64(c.pre, 16, 0x5000);
	o = render(&c);
	tap_ok(str_is(o, "attr.next_key", "0x5000") && !has(o, "attr.value"),
	       "MAP_GET_NEXT_KEY: next_key, not value");
	json_object_put(o);

	call_init(&c, 22, 4);
	put32(c.pre, 0, 9);
	o = render(&c);
	tap_ok(int_is(o, "attr.map_fd", 9) &&
	       json_object_object_length(jget(o, "attr")) == 1,
	       "MAP_FREEZE: only map_fd");
	json_object_put(o);

	call_init(&c, 24, 56);
	put32(c.pre, 32, 10);
	put64(c.pre, 40, 4);
	call_post(&c);
	put32(c.post, 32, 3);
	o = render(&c);
	tap_ok(str_is(o, "attr.elem_flags", "BPF_ANY|BPF_F_LOCK") &&
	       str_is(o, "attr.flags", "0"),
	       "batch elem_flags 4 -> \"BPF_ANY|BPF_F_LOCK\"");
	tap_ok(int_is(o, "attr.count", 10) && int_is(o, "out.count", 3),
	       "batch.count: capacity in attr, processed count in out");
	json_object_put(o);
}

static const char gpl[] = "Dual BSD/GPL";

static void test_prog_load(void)
{
	char log[64] = "0: R1=ctx\nprocessed 2 insns";
	struct bpf_call c;
	struct json_object *o, *v;
	uint64_t gone = unmapped_addr();

	call_init(&c, 5, 168);
	put32(c.pre, 0, 6);
	put64(c.pre, 16, addr_of(gpl));
	put32(c.pre, 40, (5 << 16) | (10 << 8));
	put32(c.pre, 44, 0x10000 | 0x1);
	memcpy(c.pre + 48, "xdp_pass", 8);
	put32(c.pre, 68, 37);
	o = render(&c);
	tap_ok(str_is(o, "attr.prog_type", "BPF_PROG_TYPE_XDP"), "prog_type XDP");
	tap_ok(str_is(o, "attr.license", gpl), "license read from memory (FK_STR_PTR)");
	tap_ok(str_is(o, "attr.kern_version", "5.10.0"), "kern_version -> \"5.10.0\"");
	tap_ok(str_is(o, "attr.prog_flags", "BPF_F_STRICT_ALIGNMENT|BPF_F_TOKEN_FD"),
	       "prog_flags with BPF_F_TOKEN_FD");
	tap_ok(str_is(o, "attr.prog_name", "xdp_pass"), "prog_name");
	tap_ok(str_is(o, "attr.expected_attach_type", "BPF_XDP"), "expected_attach_type");
	tap_ok(!has(o, "attr.log_true_size") && !has(o, "out"),
	       "log_true_size is output only; no out before the call");
	json_object_put(o);

	put64(c.pre, 16, gone);
	o = render(&c);
	v = jget(o, "attr.license");
	tap_ok(gone && !v && str_is(o, "attr.license_fault.error", "EFAULT") &&
	       has(o, "attr.license_fault.addr"),
	       "FK_STR_PTR at an unmapped page -> null and license_fault");
	json_object_put(o);

	put64(c.pre, 16, 0);
	put32(c.pre, 24, 1);
	put32(c.pre, 28, sizeof(log));
	put64(c.pre, 32, addr_of(log));
	call_post(&c);
	put32(c.post, 140, 28);
	c.ret = 4;
	o = render(&c);
	tap_ok(json_object_is_type(jget(o, "attr.license"), json_type_null),
	       "license NULL -> null");
	tap_ok(str_is(o, "attr.log_level", "BPF_LOG_LEVEL1") &&
	       int_is(o, "attr.log_size", sizeof(log)), "log_level and log_size");
	tap_ok(str_is(o, "out.log", log), "verifier log rendered in out after the call");
	tap_ok(int_is(o, "out.log_true_size", 28), "out.log_true_size");
	tap_ok(!has(o, "out.log_enospc"), "no log_enospc on success");
	json_object_put(o);

	c.ret = -1;
	c.err = ENOSPC;
	o = render(&c);
	tap_ok(str_is(o, "errno", "ENOSPC") &&
	       json_object_get_boolean(jget(o, "out.log_enospc")),
	       "ENOSPC with a log -> out.log_enospc true");
	json_object_put(o);

	put32(c.pre, 24, 0);
	o = render(&c);
	tap_ok(!has(o, "out.log") && !has(o, "out.log_enospc"),
	       "log_level 0: no log rendered");
	json_object_put(o);

	call_init(&c, 5, 144);
	put32(c.pre, 24, 2);
	put32(c.pre, 28, sizeof(log));
	put64(c.pre, 32, addr_of(log));
	put32(c.pre, 144, 5);   /* beyond size: must be ignored */
	o = render(&c);
	tap_ok(has(o, "out.log") && !has(o, "attr.prog_token_fd"),
	       "size 144: log still rendered, prog_token_fd absent");
	json_object_put(o);
}

static void test_btf_load(void)
{
	char log[32] = "magic: 0xeb9f";
	struct bpf_call c;
	struct json_object *o;

	call_init(&c, 18, 40);
	put64(c.pre, 8, addr_of(log));
	put32(c.pre, 20, sizeof(log));
	put32(c.pre, 24, 1);
	put32(c.pre, 32, 0x10000);
	call_post(&c);
	put32(c.post, 28, 14);
	c.ret = -1;
	c.err = ENOSPC;
	o = render(&c);
	tap_ok(str_is(o, "attr.btf_flags", "BPF_F_TOKEN_FD") &&
	       str_is(o, "attr.btf_log_level", "BPF_LOG_LEVEL1"),
	       "BTF_LOAD btf_flags and btf_log_level");
	tap_ok(str_is(o, "out.log", log) && int_is(o, "out.btf_log_true_size", 14) &&
	       json_object_get_boolean(jget(o, "out.log_enospc")),
	       "BTF_LOAD log, btf_log_true_size and log_enospc in out");
	json_object_put(o);
}

static void test_unknown_cmd(void)
{
	struct bpf_call c;
	struct json_object *o;

	call_init(&c, 77, 8);
	o = render(&c);
	tap_ok(str_is(o, "cmd", "BPF_CMD_77") && int_is(o, "cmd_num", 77),
	       "cmd 77 -> \"BPF_CMD_77\", cmd_num 77");
	json_object_put(o);
}

static void test_link_create(void)
{
	static const char path[] = "/usr/lib/libc.so.6";
	struct bpf_call c;
	struct json_object *o;

	call_init(&c, 28, 64);
	put32(c.pre, 0, 5);
	put32(c.pre, 4, 6);
	put32(c.pre, 8, 41);
	put64(c.pre, 16, 0x1122334455667788ULL);
	o = render(&c);
	tap_ok(str_is(o, "attr.attach_type", "BPF_PERF_EVENT") &&
	       int_is(o, "attr.prog_fd", 5) && int_is(o, "attr.target_fd", 6),
	       "LINK_CREATE perf_event: prog_fd, target_fd, attach_type");
	tap_ok(str_is(o, "attr.perf_event.bpf_cookie", "0x1122334455667788"),
	       "BPF_PERF_EVENT -> perf_event.bpf_cookie");
	tap_ok(!has(o, "attr.target_btf_id") && !has(o, "attr.kprobe_multi") &&
	       !has(o, "attr.tracing"), "other union arms absent");
	json_object_put(o);

	call_init(&c, 28, 64);
	put32(c.pre, 8, 42);
	put32(c.pre, 16, 1);
	put32(c.pre, 20, 3);
	put64(c.pre, 24, 0x1000);
	o = render(&c);
	tap_ok(str_is(o, "attr.kprobe_multi.flags", "BPF_F_KPROBE_MULTI_RETURN") &&
	       int_is(o, "attr.kprobe_multi.cnt", 3) &&
	       str_is(o, "attr.kprobe_multi.syms", "0x1000") &&
	       json_object_is_type(jget(o, "attr.kprobe_multi.addrs"), json_type_null),
	       "BPF_TRACE_KPROBE_MULTI -> kprobe_multi object");
	json_object_put(o);

	call_init(&c, 28, 64);
	put32(c.pre, 8, 48);
	put64(c.pre, 16, addr_of(path));
	put32(c.pre, 48, 2);
	put32(c.pre, 52, 2);
	put32(c.pre, 56, 1234);
	put32(c.pre, 60, 7);
	o = render(&c);
	tap_ok(str_is(o, "attr.uprobe_multi.path", path) &&
	       str_is(o, "attr.uprobe_multi.flags", "BPF_F_UPROBE_MULTI_PATH_FD") &&
	       int_is(o, "attr.uprobe_multi.pid", 1234) &&
	       int_is(o, "attr.uprobe_multi.path_fd", 7),
	       "BPF_TRACE_UPROBE_MULTI -> uprobe_multi with path string and path_fd");
	json_object_put(o);

	call_init(&c, 28, 64);
	put32(c.pre, 4, 2);
	put32(c.pre, 8, 46);
	put32(c.pre, 12, 0x20 | 0x8);
	put32(c.pre, 16, 77);
	put64(c.pre, 24, 5);
	o = render(&c);
	tap_ok(int_is(o, "attr.target_ifindex", 2) && !has(o, "attr.target_fd"),
	       "TCX: target_ifindex, not target_fd");
	tap_ok(str_is(o, "attr.flags", "BPF_F_BEFORE|BPF_F_ID") &&
	       int_is(o, "attr.tcx.relative_id", 77) && !has(o, "attr.tcx.relative_fd") &&
	       int_is(o, "attr.tcx.expected_revision", 5),
	       "TCX with BPF_F_ID -> tcx.relative_id");
	json_object_put(o);

	call_init(&c, 28, 64);
	put32(c.pre, 8, 2);
	put32(c.pre, 16, 9);
	o = render(&c);
	tap_ok(int_is(o, "attr.cgroup.relative_fd", 9) && int_is(o, "attr.target_fd", 0),
	       "cgroup attach type -> cgroup.relative_fd");
	json_object_put(o);

	call_init(&c, 28, 64);
	put32(c.pre, 4, 3);
	put32(c.pre, 8, 37);
	put32(c.pre, 12, 2);
	o = render(&c);
	tap_ok(int_is(o, "attr.target_ifindex", 3) &&
	       str_is(o, "attr.flags", "XDP_FLAGS_SKB_MODE") &&
	       int_is(o, "attr.target_btf_id", 0),
	       "BPF_XDP: target_ifindex, XDP flags, target_btf_id");
	json_object_put(o);

	call_init(&c, 28, 64);
	put32(c.pre, 0, 11);
	put32(c.pre, 8, 44);
	o = render(&c);
	tap_ok(int_is(o, "attr.map_fd", 11) && !has(o, "attr.prog_fd"),
	       "BPF_STRUCT_OPS: map_fd, not prog_fd");
	json_object_put(o);

	call_init(&c, 28, 64);
	put32(c.pre, 8, 28);
	put64(c.pre, 16, 0xabc0);
	put32(c.pre, 24, 8);
	o = render(&c);
	tap_ok(str_is(o, "attr.iter_info", "0xabc0") && int_is(o, "attr.iter_info_len", 8),
	       "BPF_TRACE_ITER -> iter_info, iter_info_len");
	json_object_put(o);

	call_init(&c, 28, 64);
	put32(c.pre, 8, 24);
	put32(c.pre, 16, 100);
	put64(c.pre, 24, 0xc00c1e);
	o = render(&c);
	tap_ok(int_is(o, "attr.tracing.target_btf_id", 100) &&
	       str_is(o, "attr.tracing.cookie", "0xc00c1e"),
	       "BPF_TRACE_FENTRY -> tracing.target_btf_id, tracing.cookie");
	json_object_put(o);

	call_init(&c, 28, 64);
	put32(c.pre, 8, 45);
	put32(c.pre, 16, 2);
	put32(c.pre, 24, (uint32_t)-128);
	put32(c.pre, 28, 1);
	o = render(&c);
	tap_ok(int_is(o, "attr.netfilter.pf", 2) && int_is(o, "attr.netfilter.priority", -128) &&
	       str_is(o, "attr.netfilter.flags", "BPF_F_NETFILTER_IP_DEFRAG"),
	       "BPF_NETFILTER -> netfilter object, signed priority");
	json_object_put(o);

	call_init(&c, 28, 64);
	put32(c.pre, 8, 59);
	put32(c.pre, 32, 4);
	o = render(&c);
	tap_ok(int_is(o, "attr.tracing_multi.cnt", 4), "FENTRY_MULTI -> tracing_multi");
	json_object_put(o);
}

static void test_attach_query(void)
{
	struct bpf_call c;
	struct json_object *o;

	call_init(&c, 8, 32);
	put32(c.pre, 0, 4);
	put32(c.pre, 8, 54);
	put32(c.pre, 12, 0x20);
	put32(c.pre, 20, 42);
	o = render(&c);
	tap_ok(int_is(o, "attr.target_ifindex", 4) && int_is(o, "attr.relative_id", 42) &&
	       !has(o, "attr.target_fd") && !has(o, "attr.relative_fd"),
	       "PROG_ATTACH netkit with BPF_F_ID: target_ifindex, relative_id");
	json_object_put(o);

	call_init(&c, 9, 32);
	put32(c.pre, 0, 4);
	put32(c.pre, 8, 1);
	put32(c.pre, 20, 6);
	o = render(&c);
	tap_ok(int_is(o, "attr.target_fd", 4) && int_is(o, "attr.relative_fd", 6) &&
	       str_is(o, "attr.attach_type", "BPF_CGROUP_INET_EGRESS"),
	       "PROG_DETACH cgroup: target_fd, relative_fd");
	json_object_put(o);

	call_init(&c, 16, 64);
	put32(c.pre, 0, 3);
	put32(c.pre, 4, 0);
	put32(c.pre, 8, 1);
	put32(c.pre, 24, 8);
	call_post(&c);
	put32(c.post, 12, 2);
	put32(c.post, 24, 1);
	o = render(&c);
	tap_ok(str_is(o, "attr.query_flags", "BPF_F_QUERY_EFFECTIVE") &&
	       int_is(o, "attr.prog_cnt", 8) && int_is(o, "out.prog_cnt", 1) &&
	       str_is(o, "out.attach_flags", "BPF_F_ALLOW_MULTI") &&
	       !has(o, "attr.attach_flags") && has(o, "out.revision"),
	       "PROG_QUERY: prog_cnt in and out, attach_flags and revision out");
	json_object_put(o);
}

static void test_outputs(void)
{
	struct bpf_call c;
	struct json_object *o;

	call_init(&c, 11, 8);
	put32(c.pre, 0, 5);
	call_post(&c);
	put32(c.post, 4, 9);
	o = render(&c);
	tap_ok(int_is(o, "attr.start_id", 5) && !has(o, "attr.next_id") &&
	       int_is(o, "out.next_id", 9),
	       "PROG_GET_NEXT_ID: start_id in, next_id out");
	json_object_put(o);

	call_init(&c, 19, 16);
	put32(c.pre, 0, 12);
	put32(c.pre, 8, 0x10000);
	put32(c.pre, 12, 8);
	o = render(&c);
	tap_ok(int_is(o, "attr.btf_id", 12) && str_is(o, "attr.open_flags", "BPF_F_TOKEN_FD") &&
	       int_is(o, "attr.fd_by_id_token_fd", 8) && !has(o, "attr.next_id"),
	       "BTF_GET_FD_BY_ID: btf_id, open_flags, fd_by_id_token_fd");
	json_object_put(o);

	call_init(&c, 10, 80);
	put32(c.pre, 0, 3);
	put32(c.pre, 12, 128);
	put32(c.pre, 64, 1);
	call_post(&c);
	put32(c.post, 4, 2);
	put32(c.post, 12, 60);
	put32(c.post, 36, 1000);
	o = render(&c);
	tap_ok(int_is(o, "attr.data_size_out", 128) && int_is(o, "out.data_size_out", 60) &&
	       int_is(o, "out.retval", 2) && int_is(o, "out.duration", 1000) &&
	       !has(o, "attr.retval") && str_is(o, "attr.flags", "BPF_F_TEST_RUN_ON_CPU"),
	       "PROG_TEST_RUN: retval/duration out, data_size_out in and out");
	json_object_put(o);

	call_init(&c, 20, 48);
	call_post(&c);
	put32(c.post, 24, 17);
	put32(c.post, 28, 2);
	put64(c.post, 40, 0xffffffff81000000ULL);
	o = render(&c);
	tap_ok(int_is(o, "out.prog_id", 17) && str_is(o, "out.fd_type", "BPF_FD_TYPE_KPROBE") &&
	       str_is(o, "out.probe_addr", "0xffffffff81000000") && !has(o, "attr.prog_id"),
	       "TASK_FD_QUERY: prog_id, fd_type, probe_addr out");
	json_object_put(o);

	call_init(&c, 32, 4);
	o = render(&c);
	tap_ok(str_is(o, "attr.type", "BPF_STATS_RUN_TIME"), "ENABLE_STATS type");
	json_object_put(o);

	call_init(&c, 37, 20);
	put32(c.pre, 12, 2);
	o = render(&c);
	tap_ok(str_is(o, "attr.stream_id", "BPF_STREAM_STDERR"), "stream_id 2");
	json_object_put(o);

	{
		/* the kernel copied 9 bytes with a NUL inside, into a buffer of
		 * 7: a byte count, not a C string, and capped at the buffer */
		static const char text[] = "bPf\0daTum";
		struct json_object *v;

		call_init(&c, 37, 20);
		put64(c.pre, 0, (uint64_t)(uintptr_t)text);
		put32(c.pre, 8, 7);
		c.ret = 9;
		o = render(&c);
		v = jget(o, "out.stream_buf");
		tap_ok(v && json_object_get_string_len(v) == 7 &&
		       !memcmp(json_object_get_string(v), "bPf\0daT", 7),
		       "PROG_STREAM_READ_BY_FD: stream_buf keeps its NUL, capped at stream_buf_len");
		json_object_put(o);
		put32(c.pre, 8, 64);
		o = render(&c);
		v = jget(o, "out.stream_buf");
		tap_ok(v && json_object_get_string_len(v) == 9, "... and shows ret bytes when they fit");
		json_object_put(o);
	}

	call_init(&c, 6, 20);
	put32(c.pre, 12, 0x4000);
	put32(c.pre, 16, (uint32_t)-100);
	o = render(&c);
	tap_ok(str_is(o, "attr.file_flags", "BPF_F_PATH_FD") &&
	       int_is(o, "attr.path_fd", -100) &&
	       json_object_is_type(jget(o, "attr.pathname"), json_type_null),
	       "OBJ_PIN: file_flags, negative path_fd, NULL pathname");
	json_object_put(o);
}

/* ---- random attrs -------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	/* xorshift64*: reproducible from the fixed seed above. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void fill_random(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rng();
}

static void test_random(void)
{
	static const uint32_t sizes[] = { 0, 8, 168, 4096 };
	const int rounds = 40;
	uint32_t cmd;
	unsigned s;
	int r;

	for (cmd = 0; cmd < BPF_CMD_COUNT; cmd++) {
		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
			int good = 0;

			for (r = 0; r < rounds; r++) {
				struct bpf_call c;
				struct json_object *o;

				call_init(&c, cmd, sizes[s]);
				fill_random(c.pre, sizeof(c.pre));
				fill_random(c.post, sizeof(c.post));
				c.post_len = c.pre_len;
				c.have_post = r & 1;
				c.ret = r & 2 ? -1 : (long)(rng() & 0xff);
				c.err = r & 2 ? (int)(rng() % 140) : 0;
				if (sizes[s] > BPF_ATTR_SNAP)
					c.tail_nonzero_off = 300;
				o = render(&c);
				if (o && str_is(o, "cmd", bpf_cmd_table[cmd].name))
					good++;
				json_object_put(o);
			}
			tap_ok(good == rounds, "%s size %u: %d/%d random attrs give valid JSON",
			       bpf_cmd_table[cmd].name, sizes[s], good, rounds);
		}
	}
}

/* cmd | BPF_COMMON_ATTRS: the 4th/5th arguments' struct bpf_common_attr
 * and the log it points to are decoded; the bit is not part of the name. */
static void test_common_attrs(void)
{
	static struct bpf_call c;
	static char log[64] = "common log text";
	struct {
		uint64_t log_buf;
		uint32_t log_size, log_level, log_true_size, pad;
	} ca = { addr_of(log), sizeof(log), 1, 16, 0 };
	struct json_object *o;

	call_init(&c, 0, 72);
	c.cmd_raw = 0x10000;          /* BPF_MAP_CREATE | BPF_COMMON_ATTRS */
	c.common_addr = addr_of(&ca);
	c.common_size = sizeof(ca);
	o = render(&c);
	tap_ok(o && str_is(o, "cmd", "BPF_MAP_CREATE"), "common attrs: the command keeps its name");
	tap_ok(o && int_is(o, "common_attrs.size", 24) &&
	       int_is(o, "common_attrs.log_size", 64) &&
	       str_is(o, "common_attrs.log_level", "BPF_LOG_LEVEL1") &&
	       int_is(o, "common_attrs.log_true_size", 16),
	       "common attrs: log_size, log_level, log_true_size decoded");
	tap_ok(o && str_is(o, "common_attrs.log", "common log text"), "common attrs: the log text");
	json_object_put(o);
	c.common_addr = unmapped_addr();
	o = render(&c);
	tap_ok(o && has(o, "common_attrs.unreadable") && !has(o, "common_attrs.log_size"),
	       "common attrs: an unmapped struct is reported, not read");
	json_object_put(o);
	opts.offline = true;
	c.common_addr = addr_of(&ca);
	o = render(&c);
	tap_ok(o && int_is(o, "common_attrs.size", 24) && !has(o, "common_attrs.log"),
	       "common attrs: offline, only the pointer and size");
	opts.offline = false;
	json_object_put(o);
}

/* LINK_CREATE kprobe_multi/uprobe_multi: the arrays behind the pointers. */
static void test_link_arrays(void)
{
	static struct bpf_call c;
	static const char *syms[2] = { "vfs_read", "vfs_write" };
	static uint64_t addrs[2] = { 0xffffffff81000000ull, 0xffffffff81000100ull };
	static uint64_t offs[3] = { 0x10, 0x20, 0x30 };
	struct json_object *o;

	call_init(&c, 28, 64);
	put32(c.pre, 8, 42);            /* BPF_TRACE_KPROBE_MULTI */
	put32(c.pre, 20, 2);            /* cnt */
	put64(c.pre, 24, addr_of(syms));
	put64(c.pre, 32, addr_of(addrs));
	put64(c.pre, 40, unmapped_addr());  /* cookies: unreadable */
	o = render(&c);
	tap_ok(o && json_object_array_length(jget(o, "attr.kprobe_multi_data.syms")) == 2 &&
	       !strcmp(json_object_get_string(json_object_array_get_idx(
			jget(o, "attr.kprobe_multi_data.syms"), 0)), "vfs_read"),
	       "kprobe_multi: two symbols");
	tap_ok(o && !strcmp(json_object_get_string(json_object_array_get_idx(
			jget(o, "attr.kprobe_multi_data.syms"), 1)), "vfs_write"),
	       "kprobe_multi: symbol names read through the pointer array");
	tap_ok(o && !strcmp(json_object_get_string(json_object_array_get_idx(
			jget(o, "attr.kprobe_multi_data.addrs"), 0)), "0xffffffff81000000"),
	       "kprobe_multi: addresses in hex");
	tap_ok(o && json_object_array_length(jget(o, "attr.kprobe_multi_data.cookies")) == 0 &&
	       int_is(o, "attr.kprobe_multi_data.cookies_fault.index", 0) &&
	       str_is(o, "attr.kprobe_multi_data.cookies_fault.error", "EFAULT"),
	       "kprobe_multi: an unmapped cookies array is an empty array and where it failed");
	json_object_put(o);

	call_init(&c, 28, 64);
	put32(c.pre, 8, 48);            /* BPF_TRACE_UPROBE_MULTI */
	put64(c.pre, 16, addr_of("/bin/true"));
	put64(c.pre, 24, addr_of(offs));
	put32(c.pre, 48, 3);            /* cnt */
	o = render(&c);
	tap_ok(o && str_is(o, "attr.uprobe_multi.path", "/bin/true") &&
	       json_object_array_length(jget(o, "attr.uprobe_multi_data.offsets")) == 3 &&
	       !strcmp(json_object_get_string(json_object_array_get_idx(
			jget(o, "attr.uprobe_multi_data.offsets"), 2)), "0x30"),
	       "uprobe_multi: path and the offsets array");
	json_object_put(o);
}

/* ---- instruction text ----------------------------------------------------- */

static bool note_counts(int32_t fd, struct bpf_fd_note *out)
{
	memset(out, 0, sizeof(*out));
	if (fd != 5)
		return false;
	out->fd = fd;
	out->kind = OBJ_MAP;
	out->id = 42;
	memcpy(out->name, "counts", 6);
	return true;
}

#define INSN(code, dst, src, off, imm) \
	{ (code), (uint8_t)((dst) | (src) << 4), (uint8_t)((off) & 0xff), \
	  (uint8_t)(((off) >> 8) & 0xff), (uint8_t)((imm) & 0xff), \
	  (uint8_t)(((uint32_t)(imm) >> 8) & 0xff), (uint8_t)(((uint32_t)(imm) >> 16) & 0xff), \
	  (uint8_t)(((uint32_t)(imm) >> 24) & 0xff) }

static void test_insn_text(void)
{
	static const uint8_t prog[][8] = {
		INSN(0xbf, 6, 1, 0, 0),          /* r6 = r1 */
		INSN(0xb4, 1, 0, 0, -3),         /* w1 = -3 */
		INSN(0x07, 10, 0, 0, -8),        /* r10 += -8 */
		INSN(0xbf, 2, 3, 8, 0),          /* movsx r2 = (s8)r3 */
		INSN(0x3f, 1, 2, 1, 0),          /* sdiv r1 s/= r2 */
		INSN(0x87, 0, 0, 0, 0),          /* r0 = -r0 */
		INSN(0xdc, 1, 0, 0, 16),         /* r1 = be16 r1 */
		INSN(0x63, 10, 1, -4, 0),        /* *(u32 *)(r10 -4) = r1 */
		INSN(0x7a, 10, 0, -16, 7),       /* *(u64 *)(r10 -16) = 7 */
		INSN(0x79, 1, 6, 8, 0),          /* r1 = *(u64 *)(r6 +8) */
		INSN(0x91, 1, 6, 2, 0),          /* r1 = *(s8 *)(r6 +2) */
		INSN(0x18, 1, 1, 0, 5), INSN(0, 0, 0, 0, 0),   /* r1 = map[id:42 counts] */
		INSN(0x18, 2, 0, 0, 0x10), INSN(0, 0, 0, 0, 1), /* r2 = 0x100000010 */
		INSN(0x85, 0, 0, 0, 1),          /* call bpf_map_lookup_elem#1 */
		INSN(0x85, 0, 1, 0, 4),          /* call pc+4 */
		INSN(0x15, 0, 0, 2, 0),          /* if r0 == 0x0 goto pc+2 */
		INSN(0x2e, 1, 2, -3, 0),         /* if w1 > w2 goto pc-3 */
		INSN(0xdb, 0, 1, 0, 0x00),       /* lock *(u64 *)(r0 +0) += r1 */
		INSN(0xdb, 0, 1, 0, 0x01),       /* r1 = atomic64_fetch_add((u64 *)(r0 +0), r1) */
		INSN(0xc3, 0, 1, 4, 0xf1),       /* r0 = atomic_cmpxchg((u32 *)(r0 +4), r0, r1) */
		INSN(0x30, 0, 0, 0, 12),         /* r0 = *(u8 *)skb[12] */
		INSN(0x06, 0, 0, 0, 9),          /* gotol pc+9 */
		INSN(0x95, 0, 0, 0, 0),          /* exit */
	};
	static const char *const want[] = {
		"(bf) r6 = r1", "(b4) w1 = -3", "(07) r10 += -8", "(bf) r2 = (s8)r3",
		"(3f) r1 s/= r2", "(87) r0 = -r0", "(dc) r1 = be16 r1",
		"(63) *(u32 *)(r10 -4) = r1", "(7a) *(u64 *)(r10 -16) = 7",
		"(79) r1 = *(u64 *)(r6 +8)", "(91) r1 = *(s8 *)(r6 +2)",
		"(18) r1 = map[id:42 counts]", "(18) r2 = 0x100000010",
		"(85) call bpf_map_lookup_elem#1", "(85) call pc+4",
		"(15) if r0 == 0x0 goto pc+2", "(2e) if w1 > w2 goto pc-3",
		"(db) lock *(u64 *)(r0 +0) += r1",
		"(db) r1 = atomic64_fetch_add((u64 *)(r0 +0), r1)",
		"(c3) r0 = atomic_cmpxchg((u32 *)(r0 +4), r0, r1)",
		"(30) r0 = *(u8 *)skb[12]", "(06) gotol pc+9", "(95) exit",
	};
	static struct bpf_call c;
	struct decode_opts o = opts;
	struct json_object *j, *arr;
	size_t i, n;
	bool ok = true;

	o.insns = true;
	o.fd_note = note_counts;
	call_init(&c, 5, 128);
	put32(c.pre, 4, (uint32_t)(sizeof(prog) / 8));
	put64(c.pre, 8, (uint64_t)(uintptr_t)prog);
	j = render_call(&c, &o);
	arr = jget(j, "attr.insns_decoded");
	n = arr ? json_object_array_length(arr) : 0;
	tap_ok(n == sizeof(want) / sizeof(want[0]), "insns: %zu decoded", n);
	for (i = 0; i < n && i < sizeof(want) / sizeof(want[0]); i++) {
		const char *t = json_object_get_string(jget(json_object_array_get_idx(arr, i), "text"));

		if (!t || strcmp(t, want[i])) {
			printf("# insn %zu: got [%s], want [%s]\n", i, t ? t : "(none)", want[i]);
			ok = false;
		}
	}
	tap_ok(ok, "insns: the verifier's text, helpers and maps named");
	json_object_put(j);
}

int main(void)
{
	decode_opts_default(&opts);
	test_insn_text();
	test_xlat();
	test_cmd_table();
	test_map_create();
	test_elem();
	test_prog_load();
	test_btf_load();
	test_unknown_cmd();
	test_link_create();
	test_attach_query();
	test_outputs();
	test_common_attrs();
	test_link_arrays();
	test_random();
	return tap_done();
}
