// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The buffers the kernel fills (bpf_info.c), with real kernel objects: a
 * map, a socket filter, a cgroup link, a raw tracepoint, the vmlinux BTF.
 * Each call is made here with raw bpf(2), captured into a struct bpf_call
 * as the shim does (attr before and after), rendered with
 * bpf_render_call() and read back with json-c.  Calls the kernel refuses
 * (no privilege, old kernel) are skipped with the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscall/bpf_decode.h"
#include "syscall/bpf_info.h"
#include "tap.h"
#include "testlib.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Commands and enum values used here (the newest UAPI's numbers). */
enum {
	MAP_CREATE = 0,
	PROG_LOAD = 5,
	PROG_TEST_RUN = 10,
	BTF_GET_FD_BY_ID = 19,
	OBJ_GET_INFO_BY_FD = 15,
	PROG_QUERY = 16,
	RAW_TRACEPOINT_OPEN = 17,
	TASK_FD_QUERY = 20,
	BTF_GET_NEXT_ID = 23,
	LINK_CREATE = 28,
	PROG_STREAM_READ_BY_FD = 37,

	MAP_TYPE_HASH = 1,
	PROG_TYPE_SOCKET_FILTER = 1,
	PROG_TYPE_CGROUP_SKB = 8,
	PROG_TYPE_RAW_TRACEPOINT = 17,
	CGROUP_INET_INGRESS = 0,
	TCX_INGRESS = 46,
};

#define ATTR_SIZE 168u

static char outbuf[1 << 20];
static struct decode_opts opts;
static struct bpf_call call;   /* large: not on the stack */

/* ---- helpers ----------------------------------------------------------- */

static struct json_object *render(const struct bpf_call *c)
{
	return render_call(c, &opts);
}

static bool bool_is(struct json_object *o, const char *path, bool want)
{
	struct json_object *v = jget(o, path);

	return v && json_object_is_type(v, json_type_boolean) &&
	       json_object_get_boolean(v) == want;
}

/* An array of exactly the @n numbers @want. */
static bool ints_are(struct json_object *o, const char *path, const uint32_t *want,
		     size_t n)
{
	struct json_object *v = jget(o, path);
	size_t i;

	if (!v || !json_object_is_type(v, json_type_array) ||
	    json_object_array_length(v) != n)
		return false;
	for (i = 0; i < n; i++)
		if (json_object_get_int64(json_object_array_get_idx(v, i)) != want[i])
			return false;
	return true;
}

static uint32_t get32(const uint8_t *p, unsigned off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

static long sys_bpf(int cmd, void *attr, unsigned size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

/* Make the call as the shim sees it: attr before, the call, attr after. */
static long traced_bpf(struct bpf_call *c, uint32_t cmd, uint8_t *attr, uint32_t size)
{
	memset(c, 0, sizeof(*c));
	c->cmd_raw = c->cmd = cmd;
	c->attr_addr = addr_of(attr);
	c->size = size;
	memcpy(c->pre, attr, size);
	c->pre_len = size;
	c->ret = sys_bpf((int)cmd, attr, size);
	c->err = c->ret < 0 ? errno : 0;
	memcpy(c->post, attr, size);
	c->post_len = size;
	c->have_post = true;
	return c->ret;
}

/* The value of "key:\t..." in /proc/self/fdinfo/<fd>, into @out. */
static bool fdinfo_value(int fd, const char *key, char *out, size_t cap)
{
	char path[64], line[256];
	size_t k = strlen(key);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, k) || line[k] != ':')
			continue;
		snprintf(out, cap, "%s", line + k + 1 + strspn(line + k + 1, " \t"));
		out[strcspn(out, "\n")] = 0;
		found = true;
	}
	fclose(f);
	return found;
}

static uint32_t fdinfo_u32(int fd, const char *key)
{
	char v[64];

	return fdinfo_value(fd, key, v, sizeof(v)) ? (uint32_t)strtoul(v, NULL, 10) : 0;
}

/* A BPF instruction: code, dst, src, off, imm. */
static void insn(uint8_t *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off,
		 int32_t imm)
{
	p[0] = code;
	p[1] = (uint8_t)(dst | src << 4);
	memcpy(p + 2, &off, 2);
	memcpy(p + 4, &imm, 4);
}

#define OP_MOV_IMM 0xb7   /* BPF_ALU64 | BPF_MOV | BPF_K */
#define OP_LD_IMM64 0x18  /* BPF_LD | BPF_IMM | BPF_DW */
#define OP_EXIT 0x95
#define PSEUDO_MAP_FD 1

/* Load "r0 = @ret; exit", referencing @map_fd first when >= 0. */
static int load_prog(uint32_t type, uint32_t attach_type, const char *name,
		     int map_fd, int32_t ret)
{
	uint8_t insns[4 * 8] = { 0 }, attr[ATTR_SIZE] = { 0 };
	unsigned n = 0;

	if (map_fd >= 0) {
		insn(insns, OP_LD_IMM64, 1, PSEUDO_MAP_FD, 0, map_fd);
		n = 2;
	}
	insn(insns + 8 * n++, OP_MOV_IMM, 0, 0, 0, ret);
	insn(insns + 8 * n++, OP_EXIT, 0, 0, 0, 0);
	put32(attr, 0, type);
	put32(attr, 4, n);
	put64(attr, 8, addr_of(insns));
	put64(attr, 16, addr_of("GPL"));
	memcpy(attr + 48, name, strlen(name));
	put32(attr, 68, attach_type);
	return (int)sys_bpf(PROG_LOAD, attr, 128);
}

static int create_map(const char *name)
{
	uint8_t attr[ATTR_SIZE] = { 0 };

	put32(attr, 0, MAP_TYPE_HASH);
	put32(attr, 4, 4);
	put32(attr, 8, 8);
	put32(attr, 12, 16);
	memcpy(attr + 28, name, strlen(name));
	return (int)sys_bpf(MAP_CREATE, attr, 72);
}

/* OBJ_GET_INFO_BY_FD into @info (@len bytes), traced into `call`. */
static long get_info(int fd, void *info, uint32_t len, uint8_t *attr)
{
	memset(attr, 0, 16);
	put32(attr, 0, (uint32_t)fd);
	put32(attr, 4, len);
	put64(attr, 8, addr_of(info));
	return traced_bpf(&call, OBJ_GET_INFO_BY_FD, attr, 16);
}

/* ---- fdinfo --------------------------------------------------------------- */

static void test_fdinfo_parser(void)
{
	static const struct {
		const char *text;
		enum bpf_obj_kind want;
	} cases[] = {
		{ "pos:\t0\nflags:\t02000002\nprog_type:\t1\nprog_tag:\tab\n", OBJ_PROG },
		{ "pos:\t0\nmap_type:\t1\nowner_prog_type:\t3\n", OBJ_MAP },
		/* a link names its program too: link_type decides */
		{ "prog_tag:\tab\nprog_id:\t3\nlink_type:\tcgroup\n", OBJ_LINK },
		{ "pos:\t0\nbtf_id:\t1\n", OBJ_BTF },
		{ "allowed_cmds:\tany\nallowed_maps:\tany\n", OBJ_TOKEN },
		{ "pos:\t0\nflags:\t02\nmnt_id:\t15\n", OBJ_UNKNOWN },
		/* keys only count at the start of a line */
		{ "xprog_type:\t1\n", OBJ_UNKNOWN },
		{ "map_type", OBJ_UNKNOWN },
		{ "", OBJ_UNKNOWN },
	};
	size_t i;
	bool ok = true;

	struct bpf_fdinfo fi;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bpf_fdinfo_parse(cases[i].text, strlen(cases[i].text), &fi);
		if (fi.kind != cases[i].want) {
			ok = false;
			printf("# fdinfo case %zu\n", i);
		}
	}
	tap_ok(ok, "fdinfo: the kind is read from line-leading keys, link_type first");
	bpf_fdinfo_parse("map_type:\t2\nkey_size:\t4\nvalue_size:\t8\nmax_entries:\t1\n"
			 "map_id:\t77\n", 64, &fi);
	tap_ok(fi.kind == OBJ_MAP && fi.has_type && fi.type == 2 && fi.key_size == 4 &&
	       fi.value_size == 8 && fi.id == 77, "fdinfo: a map's type, sizes and id");
	tap_ok(!fi.frozen, "fdinfo: a map without a frozen line is not frozen");
	bpf_fdinfo_parse("map_type:\t1\nfrozen:\t1\nmap_id:\t5\n",
			 strlen("map_type:\t1\nfrozen:\t1\nmap_id:\t5\n"), &fi);
	tap_ok(fi.kind == OBJ_MAP && fi.frozen && fi.id == 5, "fdinfo: frozen:\t1 is a frozen map");
	bpf_fdinfo_parse("link_type:\traw_tracepoint\nlink_id:\t9\nprog_tag:\tab\nprog_id:\t3\n",
			 strlen("link_type:\traw_tracepoint\nlink_id:\t9\nprog_tag:\tab\nprog_id:\t3\n"),
			 &fi);
	tap_ok(fi.kind == OBJ_LINK && fi.has_type && fi.type == XV_BPF_LINK_TYPE_RAW_TRACEPOINT &&
	       fi.id == 9, "fdinfo: a link's type by name and its own id, not its program's");
	bpf_fdinfo_parse("link_type:\tno_such_type\n", 24, &fi);
	tap_ok(fi.kind == OBJ_LINK && !fi.has_type, "fdinfo: an unknown link type has no type");
	tap_ok(bpf_fd_kind(0) == OBJ_UNKNOWN && bpf_fd_kind(-1) == OBJ_UNKNOWN,
	       "fdinfo: a non-bpf fd and a bad fd are of unknown kind");
	tap_ok(!strcmp(bpf_obj_kind_name(OBJ_LINK), "link") &&
	       !strcmp(bpf_obj_kind_name(OBJ_UNKNOWN), "unknown") &&
	       !strcmp(bpf_obj_kind_name((enum bpf_obj_kind)99), "unknown"),
	       "kind names");
}

/* ---- OBJ_GET_INFO_BY_FD ---------------------------------------------------- */

static void test_map_info(int map_fd)
{
	uint8_t attr[16] __attribute__((aligned(8)));
	uint8_t info[256] __attribute__((aligned(8))) = { 0 };
	struct json_object *j;
	uint32_t id = fdinfo_u32(map_fd, "map_id");

	if (get_info(map_fd, info, sizeof(info), attr) != 0) {
		tap_ok(0, "map info: OBJ_GET_INFO_BY_FD failed: %s", strerror(call.err));
		return;
	}
	j = render(&call);
	tap_ok(j && str_is(j, "out.info.kind", "map") &&
	       str_is(j, "out.info.type", "BPF_MAP_TYPE_HASH") &&
	       int_is(j, "out.info.id", id) && id != 0,
	       "map info: kind, type and id (%u, as fdinfo says)", id);
	tap_ok(j && int_is(j, "out.info.key_size", 4) && int_is(j, "out.info.value_size", 8) &&
	       int_is(j, "out.info.max_entries", 16) &&
	       str_is(j, "out.info.name", "info_test_map") &&
	       str_is(j, "out.info.map_flags", "0"),
	       "map info: sizes, max_entries, name, flags");
	tap_ok(j && int_is(j, "out.info_len", get32(attr, 4)) &&
	       (get32(attr, 4) < 104 || (has(j, "out.info.map_extra") && !has(j, "out.info.unknown_bytes"))),
	       "map info: out.info_len %u, fields up to it", get32(attr, 4));
	json_object_put(j);

	/* A short buffer: only the fields within info_len. */
	memset(info, 0, sizeof(info));
	if (get_info(map_fd, info, 16, attr) == 0) {
		j = render(&call);
		tap_ok(j && int_is(j, "out.info.value_size", 8) &&
		       !has(j, "out.info.max_entries") && !has(j, "out.info.name"),
		       "map info: info_len 16 shows the first 16 bytes' fields only");
		json_object_put(j);
	} else {
		tap_ok(0, "map info: info_len 16 failed: %s", strerror(call.err));
	}

	/* Offline rendering may not read caller memory: no info. */
	get_info(map_fd, info, sizeof(info), attr);
	opts.offline = true;
	j = render(&call);
	opts.offline = false;
	tap_ok(j && has(j, "out.info_len") && !has(j, "out.info"),
	       "map info: nothing read when rendering offline");
	json_object_put(j);
}

static void test_prog_info(int prog_fd, int map_fd)
{
	uint8_t attr[16] __attribute__((aligned(8)));
	uint8_t info[256] __attribute__((aligned(8))) = { 0 };
	uint32_t map_ids[4] = { 0 }, want_map = fdinfo_u32(map_fd, "map_id");
	uint32_t id = fdinfo_u32(prog_fd, "prog_id");
	char tag[64] = "";
	struct json_object *j;

	put32(info, 52, ARRAY_SIZE(map_ids));
	put64(info, 56, addr_of(map_ids));
	if (get_info(prog_fd, info, sizeof(info), attr) != 0) {
		tap_ok(0, "prog info: OBJ_GET_INFO_BY_FD failed: %s", strerror(call.err));
		return;
	}
	fdinfo_value(prog_fd, "prog_tag", tag, sizeof(tag));
	j = render(&call);
	tap_ok(j && str_is(j, "out.info.kind", "prog") &&
	       str_is(j, "out.info.type", "BPF_PROG_TYPE_SOCKET_FILTER") &&
	       str_is(j, "out.info.name", "info_prog") && int_is(j, "out.info.id", id),
	       "prog info: kind, type, name, id");
	tap_ok(j && tag[0] && str_is(j, "out.info.tag", tag),
	       "prog info: tag %s matches fdinfo's prog_tag", tag);
	tap_ok(j && int_is(j, "out.info.nr_map_ids", 1) &&
	       ints_are(j, "out.info.map_ids", &want_map, 1),
	       "prog info: map_ids read through the pointer: [%u]", want_map);
	tap_ok(j && bool_is(j, "out.info.gpl_compatible", true) &&
	       has(j, "out.info.xlated_prog_len") && has(j, "out.info.load_time"),
	       "prog info: gpl_compatible bit, lengths, load_time");
	json_object_put(j);
}

/* The info pointer is unmapped: the kernel fails the call (EFAULT, nothing
 * to show); memory gone after a successful call renders as unreadable. */
static void test_info_unmapped(int map_fd)
{
	uint8_t attr[16] __attribute__((aligned(8)));
	uint8_t info[256] __attribute__((aligned(8)));
	uint64_t bad = unmapped_addr();
	struct json_object *j;
	char want[24];

	memset(attr, 0, sizeof(attr));
	put32(attr, 0, (uint32_t)map_fd);
	put32(attr, 4, sizeof(info));
	put64(attr, 8, bad);
	traced_bpf(&call, OBJ_GET_INFO_BY_FD, attr, 16);
	j = render(&call);
	tap_ok(j && call.err == EFAULT && str_is(j, "errno", "EFAULT") && !has(j, "out.info"),
	       "unmapped info: the kernel's EFAULT, no info rendered");
	json_object_put(j);

	get_info(map_fd, info, sizeof(info), attr);
	put64(call.pre, 8, bad);
	put64(call.post, 8, bad);
	snprintf(want, sizeof(want), "0x%llx", (unsigned long long)bad);
	j = render(&call);
	tap_ok(j && str_is(j, "out.info_fault.addr", want) &&
	       str_is(j, "out.info_fault.error", "EFAULT") && !jget(j, "out.info"),
	       "unmapped info after success: null, info_fault at %s", want);
	json_object_put(j);
}

/* The kind comes from the shim's note on the fd first, then fdinfo. */
static void test_info_kind_hint(int map_fd)
{
	uint8_t attr[16] __attribute__((aligned(8)));
	uint8_t info[256] __attribute__((aligned(8))) = { 0 };
	struct json_object *j;

	if (get_info(map_fd, info, sizeof(info), attr) != 0)
		return;
	put32(call.pre, 0, 9999);   /* no such fd now: fdinfo cannot tell */
	j = render(&call);
	tap_ok(j && str_is(j, "out.info.kind", "unknown") && has(j, "out.info.bytes") &&
	       !has(j, "out.info.key_size"),
	       "kind: neither note nor fdinfo, the bytes as hex");
	json_object_put(j);

	call.nnotes = 1;
	call.notes[0].fd = 9999;
	call.notes[0].kind = OBJ_MAP;
	j = render(&call);
	tap_ok(j && str_is(j, "out.info.kind", "map") && int_is(j, "out.info.key_size", 4),
	       "kind: the shim's note on the fd decides");
	json_object_put(j);
}

static void test_info_render_unknown(void)
{
	static const uint8_t raw[4] = { 1, 2, 0xab, 0xff };
	struct json_object *j;
	struct jsonw w;

	jw_init(&w, outbuf, sizeof(outbuf));
	jw_obj_open(&w, NULL);
	bpf_info_render(&w, "info", OBJ_UNKNOWN, raw, sizeof(raw), NULL, &opts);
	jw_obj_close(&w);
	j = parse_all(outbuf, w.len);
	tap_ok(j && str_is(j, "info.kind", "unknown") && str_is(j, "info.bytes", "0102abff"),
	       "unknown kind: the bytes as hex");
	json_object_put(j);
}

static void test_btf_info(void)
{
	uint8_t attr[ATTR_SIZE] __attribute__((aligned(8))) = { 0 };
	uint8_t info[64] __attribute__((aligned(8))) = { 0 };
	char name[64];
	struct json_object *j;
	uint32_t id;
	int fd;

	if (sys_bpf(BTF_GET_NEXT_ID, attr, 8) != 0) {
		tap_skip(strerror(errno), "btf info: no BTF object");
		return;
	}
	id = get32(attr, 4);
	memset(attr, 0, sizeof(attr));
	put32(attr, 0, id);
	fd = (int)sys_bpf(BTF_GET_FD_BY_ID, attr, 12);
	if (fd < 0) {
		tap_skip(strerror(errno), "btf info: BTF_GET_FD_BY_ID");
		return;
	}
	memset(name, 'x', sizeof(name));
	put64(info, 16, addr_of(name));
	put32(info, 24, sizeof(name));
	if (get_info(fd, info, sizeof(info), attr) != 0) {
		tap_ok(0, "btf info: OBJ_GET_INFO_BY_FD failed: %s", strerror(call.err));
		close(fd);
		return;
	}
	j = render(&call);
	tap_ok(j && str_is(j, "out.info.kind", "btf") && int_is(j, "out.info.id", id) &&
	       int_is(j, "out.info.btf_size", get32(info, 8)) && get32(info, 8) > 0,
	       "btf info: kind, id %u, btf_size", id);
	tap_ok(j && str_is(j, "out.info.name", name) &&
	       int_is(j, "out.info.name_len", (int64_t)strlen(name)) &&
	       bool_is(j, "out.info.kernel_btf", get32(info, 28) != 0),
	       "btf info: name \"%s\" read through its pointer", name);
	json_object_put(j);
	close(fd);
}

/* ---- PROG_TEST_RUN ------------------------------------------------------- */

static long test_run(int prog_fd, const uint8_t *in, uint32_t in_len, uint8_t *out,
		     uint32_t out_cap, uint8_t *attr)
{
	memset(attr, 0, ATTR_SIZE);
	put32(attr, 0, (uint32_t)prog_fd);
	put32(attr, 8, in_len);
	put32(attr, 12, out_cap);
	put64(attr, 16, addr_of(in));
	put64(attr, 24, addr_of(out));
	put32(attr, 32, 1);
	return traced_bpf(&call, PROG_TEST_RUN, attr, 80);
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = 0;
}

static void test_prog_test_run(int prog_fd)
{
	uint8_t attr[ATTR_SIZE] __attribute__((aligned(8)));
	uint8_t in[64], out[128] = { 0 };
	char want[2 * sizeof(in) + 1];
	struct json_object *j;
	size_t i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 3 + 1);
	if (test_run(prog_fd, in, sizeof(in), out, sizeof(out), attr) != 0) {
		tap_skip(strerror(call.err), "test run: PROG_TEST_RUN of a socket filter");
		return;
	}
	/* The packet back, its L2 header zeroed for a socket filter. */
	hex(want, out, get32(attr, 12));
	j = render(&call);
	tap_ok(j && int_is(j, "out.retval", 42) && int_is(j, "out.data_size_out", sizeof(in)) &&
	       str_is(j, "out.data_out", want) && !has(j, "out.data_out_truncated") &&
	       !memcmp(out + 14, in + 14, sizeof(in) - 14),
	       "test run: retval 42, data_out is the packet the kernel wrote (64 bytes)");
	json_object_put(j);

	opts.data_cap = 16;
	j = render(&call);
	want[32] = 0;
	tap_ok(j && str_is(j, "out.data_out", want) && bool_is(j, "out.data_out_truncated", true),
	       "test run: data_out capped at data_cap with data_out_truncated");
	json_object_put(j);
	opts.data_cap = 64;

	opts.no_data = true;
	j = render(&call);
	tap_ok(j && has(j, "out.data_size_out") && !has(j, "out.data_out"),
	       "test run: no data_out with no_data");
	json_object_put(j);
	opts.no_data = false;

	/* A short buffer: ENOSPC, and the kernel still copied what fit. */
	memset(out, 0, sizeof(out));
	test_run(prog_fd, in, sizeof(in), out, 16, attr);
	j = render(&call);
	tap_ok(j && call.err == ENOSPC && int_is(j, "out.data_size_out", sizeof(in)) &&
	       str_is(j, "out.data_out", want),
	       "test run: ENOSPC still shows the 16 bytes the kernel wrote");
	json_object_put(j);

	test_run(prog_fd, in, sizeof(in), out, sizeof(out), attr);
	put64(call.pre, 24, unmapped_addr());
	j = render(&call);
	tap_ok(j && str_is(j, "out.data_out_fault.error", "EFAULT"),
	       "test run: an unmapped data_out is null, with data_out_fault");
	json_object_put(j);
}

/* ---- PROG_QUERY ------------------------------------------------------------ */

static void query_attr(uint8_t *attr, uint32_t target, uint32_t attach_type,
		       uint32_t *ids, uint32_t cap, uint32_t *flags)
{
	memset(attr, 0, ATTR_SIZE);
	put32(attr, 0, target);
	put32(attr, 4, attach_type);
	put64(attr, 16, addr_of(ids));
	put32(attr, 24, cap);
	put64(attr, 32, addr_of(flags));
}

static void test_query_lo(void)
{
	uint8_t attr[ATTR_SIZE] __attribute__((aligned(8)));
	uint32_t ids[8];
	struct json_object *j;

	/* tcx on lo (ifindex 1): no programs, revision 1. */
	query_attr(attr, 1, TCX_INGRESS, ids, ARRAY_SIZE(ids), NULL);
	if (traced_bpf(&call, PROG_QUERY, attr, 64) != 0) {
		tap_skip(strerror(call.err), "query: tcx on lo");
		return;
	}
	j = render(&call);
	tap_ok(j && int_is(j, "out.prog_cnt", 0) && ints_are(j, "out.prog_ids", NULL, 0) &&
	       !has(j, "out.prog_attach_flags"),
	       "query: tcx ingress on lo, zero programs: prog_ids []");
	json_object_put(j);
}

/* Where cgroup2 is mounted (/sys/fs/cgroup, or .../unified on hybrid
 * systems), from /proc/self/mounts. */
static bool cgroup2_root(char *out, size_t cap)
{
	char dev[64], dir[256], type[64];
	bool found = false;
	FILE *f = fopen("/proc/self/mounts", "r");

	while (f && !found && fscanf(f, "%63s %255s %63s %*[^\n]", dev, dir, type) == 3)
		found = !strcmp(type, "cgroup2");
	if (f)
		fclose(f);
	if (found)
		snprintf(out, cap, "%s", dir);
	return found;
}

static void test_cgroup(int skb_fd)
{
	uint8_t attr[ATTR_SIZE] __attribute__((aligned(8)));
	uint8_t info[128] __attribute__((aligned(8))) = { 0 };
	uint32_t ids[8] = { 0 }, flags[8] = { 0 }, prog_id = fdinfo_u32(skb_fd, "prog_id");
	char root[256], dir[320];
	struct json_object *j;
	struct stat st;
	int cg, lfd;

	if (!cgroup2_root(root, sizeof(root))) {
		tap_skip("no cgroup2 mount", "cgroup: a cgroup to attach to");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/bpfspy-info-test.%d", root, (int)getpid());
	if (mkdir(dir, 0755) != 0) {
		tap_skip(strerror(errno), "cgroup: mkdir in %s", root);
		return;
	}
	cg = open(dir, O_RDONLY | O_DIRECTORY);
	if (cg < 0) {
		tap_skip(strerror(errno), "cgroup: open");
		goto out_rmdir;
	}
	if (fstat(cg, &st) != 0) {
		tap_skip(strerror(errno), "cgroup: fstat");
		goto out_close;
	}
	memset(attr, 0, sizeof(attr));
	put32(attr, 0, (uint32_t)skb_fd);
	put32(attr, 4, (uint32_t)cg);
	put32(attr, 8, CGROUP_INET_INGRESS);
	lfd = (int)sys_bpf(LINK_CREATE, attr, 64);
	if (lfd < 0) {
		tap_skip(strerror(errno), "cgroup: LINK_CREATE");
		goto out_close;
	}

	query_attr(attr, (uint32_t)cg, CGROUP_INET_INGRESS, ids, ARRAY_SIZE(ids), flags);
	if (traced_bpf(&call, PROG_QUERY, attr, 64) == 0) {
		j = render(&call);
		tap_ok(j && int_is(j, "out.prog_cnt", 1) && ints_are(j, "out.prog_ids", &prog_id, 1) &&
		       has(j, "out.prog_attach_flags") &&
		       json_object_array_length(jget(j, "out.prog_attach_flags")) == 1,
		       "query: cgroup with one link: prog_ids [%u], prog_attach_flags", prog_id);
		json_object_put(j);

		put64(call.pre, 16, unmapped_addr());
		j = render(&call);
		tap_ok(j && json_object_array_length(jget(j, "out.prog_ids")) == 0 &&
		       str_is(j, "out.prog_ids_fault.error", "EFAULT") &&
		       int_is(j, "out.prog_ids_fault.index", 0),
		       "query: an unmapped prog_ids is empty, with where it failed");
		json_object_put(j);
	} else {
		tap_ok(0, "query: cgroup PROG_QUERY failed: %s", strerror(call.err));
	}

	if (get_info(lfd, info, sizeof(info), attr) == 0) {
		j = render(&call);
		tap_ok(j && str_is(j, "out.info.kind", "link") &&
		       str_is(j, "out.info.type", "BPF_LINK_TYPE_CGROUP") &&
		       int_is(j, "out.info.prog_id", prog_id) &&
		       int_is(j, "out.info.cgroup.cgroup_id", (int64_t)st.st_ino) &&
		       str_is(j, "out.info.cgroup.attach_type", "BPF_CGROUP_INET_INGRESS"),
		       "link info: cgroup link, its program, cgroup id and attach type");
		json_object_put(j);
	} else {
		tap_ok(0, "link info: failed: %s", strerror(call.err));
	}
	close(lfd);
out_close:
	close(cg);
out_rmdir:
	rmdir(dir);
}

/* ---- TASK_FD_QUERY and the raw tracepoint link ----------------------------- */

static void test_raw_tp(int rtp_prog)
{
	uint8_t attr[ATTR_SIZE] __attribute__((aligned(8)));
	uint8_t info[128] __attribute__((aligned(8))) = { 0 };
	char buf[64], tp[32];
	struct json_object *j;
	int fd;

	memset(attr, 0, sizeof(attr));
	put64(attr, 0, addr_of("sys_enter"));
	put32(attr, 8, (uint32_t)rtp_prog);
	fd = (int)sys_bpf(RAW_TRACEPOINT_OPEN, attr, 16);
	if (fd < 0) {
		tap_skip(strerror(errno), "raw tracepoint: RAW_TRACEPOINT_OPEN");
		return;
	}

	memset(attr, 0, sizeof(attr));
	put32(attr, 0, (uint32_t)getpid());
	put32(attr, 4, (uint32_t)fd);
	put32(attr, 12, sizeof(buf));
	put64(attr, 16, addr_of(buf));
	if (traced_bpf(&call, TASK_FD_QUERY, attr, 48) == 0) {
		j = render(&call);
		tap_ok(j && str_is(j, "out.buf", "sys_enter") && !has(j, "out.buf_truncated") &&
		       str_is(j, "out.fd_type", "BPF_FD_TYPE_RAW_TRACEPOINT"),
		       "task fd query: buf \"sys_enter\"");
		json_object_put(j);
	} else {
		tap_ok(0, "task fd query failed: %s", strerror(call.err));
	}
	put32(attr, 12, 4);
	traced_bpf(&call, TASK_FD_QUERY, attr, 48);
	j = render(&call);
	tap_ok(j && call.err == ENOSPC && str_is(j, "out.buf", "sys") &&
	       bool_is(j, "out.buf_truncated", true) && int_is(j, "out.buf_len", 9),
	       "task fd query: ENOSPC shows the cut name \"sys\"");
	json_object_put(j);

	put64(info, 16, addr_of(tp));
	put32(info, 24, sizeof(tp));
	if (get_info(fd, info, sizeof(info), attr) == 0) {
		j = render(&call);
		tap_ok(j && str_is(j, "out.info.kind", "link") &&
		       str_is(j, "out.info.type", "BPF_LINK_TYPE_RAW_TRACEPOINT") &&
		       str_is(j, "out.info.raw_tracepoint.tp_name", "sys_enter") &&
		       int_is(j, "out.info.raw_tracepoint.tp_name_len", 10),
		       "link info: raw tracepoint name read through tp_name");
		json_object_put(j);
	} else {
		tap_ok(0, "link info: raw tracepoint failed: %s", strerror(call.err));
	}
	close(fd);
}

/* ---- PROG_STREAM_READ_BY_FD, from synthetic calls ----------------------------- */

static void stream_call(const void *buf, long ret)
{
	memset(&call, 0, sizeof(call));
	call.cmd_raw = call.cmd = PROG_STREAM_READ_BY_FD;
	call.attr_addr = addr_of(call.pre);
	call.size = 20;
	call.pre_len = 20;
	put64(call.pre, 0, addr_of(buf));
	put32(call.pre, 8, 64);
	put32(call.pre, 12, 2);
	call.ret = ret;
}

static void test_stream_read(int prog_fd)
{
	static const char text[] = "hello\nworld";
	uint8_t attr[ATTR_SIZE] __attribute__((aligned(8))) = { 0 };
	char buf[64];
	struct json_object *j;

	stream_call(text, 6);
	j = render(&call);
	tap_ok(j && str_is(j, "out.stream_buf", "hello\n") && int_is(j, "ret", 6),
	       "stream read: ret bytes of stream_buf");
	json_object_put(j);

	opts.log_cap = 3;
	j = render(&call);
	tap_ok(j && str_is(j, "out.stream_buf", "hel") &&
	       bool_is(j, "out.stream_buf_truncated", true),
	       "stream read: capped at log_cap");
	json_object_put(j);
	opts.log_cap = 65536;

	stream_call((void *)(uintptr_t)unmapped_addr(), 6);
	j = render(&call);
	tap_ok(j && str_is(j, "out.stream_buf_fault.error", "EFAULT"),
	       "stream read: an unmapped stream_buf is null, with stream_buf_fault");
	json_object_put(j);

	stream_call(text, 0);
	j = render(&call);
	tap_ok(j && !has(j, "out"), "stream read: nothing read, no out");
	json_object_put(j);

	/* The real call on this kernel: an empty stream (or ENOSYS/EINVAL). */
	put64(attr, 0, addr_of(buf));
	put32(attr, 8, sizeof(buf));
	put32(attr, 12, 2);
	put32(attr, 16, (uint32_t)prog_fd);
	traced_bpf(&call, PROG_STREAM_READ_BY_FD, attr, 20);
	j = render(&call);
	tap_ok(j != NULL, "stream read: real call (ret %ld, %s) renders",
	       call.ret, call.ret < 0 ? strerror(call.err) : "ok");
	json_object_put(j);
}

int main(void)
{
	int map_fd, prog_fd, skb_fd, rtp_fd;

	decode_opts_default(&opts);
	test_fdinfo_parser();
	test_info_render_unknown();

	map_fd = create_map("info_test_map");
	if (map_fd < 0) {
		tap_skip(strerror(errno), "bpf(BPF_MAP_CREATE) refused: no kernel tests");
		return tap_done();
	}
	prog_fd = load_prog(PROG_TYPE_SOCKET_FILTER, 0, "info_prog", map_fd, 42);
	if (prog_fd < 0) {
		tap_skip(strerror(errno), "bpf(BPF_PROG_LOAD) refused: no program tests");
		test_map_info(map_fd);
		test_info_unmapped(map_fd);
		return tap_done();
	}
	test_map_info(map_fd);
	test_info_unmapped(map_fd);
	test_info_kind_hint(map_fd);
	test_prog_info(prog_fd, map_fd);
	test_btf_info();
	test_prog_test_run(prog_fd);
	test_query_lo();

	skb_fd = load_prog(PROG_TYPE_CGROUP_SKB, CGROUP_INET_INGRESS, "info_skb", -1, 1);
	if (skb_fd >= 0) {
		test_cgroup(skb_fd);
		close(skb_fd);
	} else {
		tap_skip(strerror(errno), "cgroup: CGROUP_SKB program");
	}
	rtp_fd = load_prog(PROG_TYPE_RAW_TRACEPOINT, 0, "info_rtp", -1, 0);
	if (rtp_fd >= 0) {
		test_raw_tp(rtp_fd);
		close(rtp_fd);
	} else {
		tap_skip(strerror(errno), "raw tracepoint: RAW_TRACEPOINT program");
	}
	test_stream_read(prog_fd);
	close(prog_fd);
	close(map_fd);
	return tap_done();
}
