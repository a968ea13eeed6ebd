// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libbpf_more: libbpf calls with known, recognisable values for the
 * libbpf layer's tests (tests/bats/libbpf.bats).  One scenario per run:
 *
 *   opts        bpf_map_create with opts whose sz is right, short, long
 *               with a nonzero tail, long with a zero tail, and tiny
 *   batch       the batch calls (bpf_map_lookup_batch has 7 arguments)
 *   taskfd      bpf_task_fd_query (9 arguments) on a raw tracepoint
 *   mapops OBJ  the bpf_map__ element calls on OBJ's map "xdp_seen"
 *   missing     functions the loaded libbpf may lack, looked up with
 *               dlsym and with dlvsym (an exact version)
 *
 * Prints one line per call: "FUNC ret=R errno=E" and then NAME=VALUE
 * pairs the tests compare with the trace (addresses as 0x%lx).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void show(const char *func, long ret)
{
	printf("%s ret=%ld errno=%d", func, ret, ret < 0 ? errno : 0);
}

static void end(void)
{
	putchar('\n');
}

/* A bpf_map_create_opts inside a larger zeroed buffer, so sz can exceed
 * the struct. */
union big_opts {
	struct bpf_map_create_opts o;
	unsigned char b[128];
};

static int create(const char *name, union big_opts *u, size_t sz)
{
	u->o.sz = sz;
	return bpf_map_create(BPF_MAP_TYPE_HASH, name, 4, 8, 8, &u->o);
}

static int do_opts(void)
{
	union big_opts u;

	memset(&u, 0, sizeof(u));
	u.o.map_flags = BPF_F_NO_PREALLOC;
	show("bpf_map_create", create("lbo_normal", &u, sizeof(struct bpf_map_create_opts)));
	printf(" sz=%zu", sizeof(struct bpf_map_create_opts));
	end();
	/* sz 24: btf_fd..btf_vmlinux_value_type_id; map_flags (28) is past it */
	show("bpf_map_create", create("lbo_short", &u, 24));
	end();
	/* sz 96 with a nonzero byte at 88: past every layout, libbpf refuses */
	u.b[88] = 1;
	show("bpf_map_create", create("lbo_tail", &u, 96));
	end();
	u.b[88] = 0;
	show("bpf_map_create", create("lbo_zerotail", &u, 96));
	end();
	show("bpf_map_create", create("lbo_tiny", &u, 4));
	end();
	return 0;
}

static int do_batch(void)
{
	__u32 keys[3] = { 11, 22, 33 }, okeys[8], out_batch = 0, count = 3;
	__u64 vals[3] = { 111, 222, 333 }, ovals[8], sumk = 0, sumv = 0;
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = 0, .flags = BPF_ANY);
	LIBBPF_OPTS(bpf_map_batch_opts, tiny);
	int fd, r;
	__u32 i;

	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "lbb_hash", 4, 8, 16, NULL);
	if (fd < 0)
		return 1;
	show("bpf_map_update_batch", bpf_map_update_batch(fd, keys, vals, &count, &opts));
	printf(" count=%u", count);
	end();
	count = 8;
	r = bpf_map_lookup_batch(fd, NULL, &out_batch, okeys, ovals, &count, &opts);
	show("bpf_map_lookup_batch", r);
	for (i = 0; i < count && i < 8; i++) {
		sumk += okeys[i];
		sumv += ovals[i];
	}
	printf(" count=%u sumk=%llu sumv=%llu out_batch=%#lx keys=%#lx values=%#lx count_addr=%#lx"
	       " opts=%#lx", count, (unsigned long long)sumk, (unsigned long long)sumv,
	       (unsigned long)&out_batch, (unsigned long)okeys, (unsigned long)ovals,
	       (unsigned long)&count, (unsigned long)&opts);
	end();
	/* the 7th argument reaches libbpf: an opts with sz 4 is refused */
	tiny.sz = 4;
	count = 8;
	show("bpf_map_lookup_batch", bpf_map_lookup_batch(fd, NULL, &out_batch, okeys, ovals,
							  &count, &tiny));
	end();
	count = 8;
	show("bpf_map_lookup_and_delete_batch",
	     bpf_map_lookup_and_delete_batch(fd, NULL, &out_batch, okeys, ovals, &count, &opts));
	printf(" count=%u", count);
	end();
	count = 1;
	show("bpf_map_delete_batch", bpf_map_delete_batch(fd, keys, &count, &opts));
	printf(" count=%u", count);
	end();
	return 0;
}

static int do_taskfd(void)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_prog_info info;
	__u32 len = sizeof(info), buf_len = 64, prog_id = 0x11111111, fd_type = 0x22222222;
	__u64 off = 0x3333333333333333ULL, addr = 0x4444444444444444ULL;
	char buf[64] = "";
	int prog, tp, r;

	prog = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "lbt_rawtp", "GPL", insns, 2, NULL);
	tp = bpf_raw_tracepoint_open("sys_enter", prog);
	memset(&info, 0, sizeof(info));
	if (prog < 0 || tp < 0 || bpf_obj_get_info_by_fd(prog, &info, &len))
		return 1;
	r = bpf_task_fd_query(getpid(), tp, 0, buf, &buf_len, &prog_id, &fd_type, &off, &addr);
	show("bpf_task_fd_query", r);
	printf(" pid=%d fd=%d buf=%s buf_len=%u prog_id=%u want_id=%u fd_type=%u"
	       " probe_offset=%llu probe_addr=%llu fd_type_addr=%#lx probe_offset_addr=%#lx"
	       " probe_addr_addr=%#lx", getpid(), tp, buf, buf_len, prog_id, info.id, fd_type,
	       (unsigned long long)off, (unsigned long long)addr, (unsigned long)&fd_type,
	       (unsigned long)&off, (unsigned long)&addr);
	end();
	return 0;
}

static int do_mapops(const char *path)
{
	__u32 key = 5, next = 0;
	__u64 val = 55, out = 0;
	struct bpf_object *obj;
	struct bpf_map *map;

	obj = bpf_object__open_file(path, NULL);
	if (!obj || bpf_object__load(obj))
		return 1;
	map = bpf_object__find_map_by_name(obj, "xdp_seen");
	if (!map)
		return 1;
	show("bpf_map__update_elem", bpf_map__update_elem(map, &key, 4, &val, 8, BPF_ANY));
	end();
	show("bpf_map__lookup_elem", bpf_map__lookup_elem(map, &key, 4, &out, 8, 0));
	printf(" value=%llu", (unsigned long long)out);
	end();
	show("bpf_map__get_next_key", bpf_map__get_next_key(map, NULL, &next, 4));
	printf(" next=%u", next);
	end();
	out = 0;
	show("bpf_map__lookup_and_delete_elem",
	     bpf_map__lookup_and_delete_elem(map, &key, 4, &out, 8, 0));
	printf(" value=%llu", (unsigned long long)out);
	end();
	show("bpf_map__delete_elem", bpf_map__delete_elem(map, &key, 4, 0));
	end();
	/* a key size that is not the map's: libbpf refuses, no syscall */
	show("bpf_map__lookup_elem", bpf_map__lookup_elem(map, &key, 3, &out, 8, 0));
	end();
	bpf_object__close(obj);
	return 0;
}

static int do_missing(void)
{
	void *setrl = dlsym(RTLD_DEFAULT, "libbpf_set_memlock_rlim");
	int (*info)(int, void *, __u32 *) = (int (*)(int, void *, __u32 *))
		dlvsym(RTLD_DEFAULT, "bpf_prog_get_info_by_fd", "LIBBPF_1.2.0");
	__u32 len = 8;
	char buf[8];

	printf("dlsym %s\n", setrl ? "found" : "absent");
	if (!info) {
		printf("dlvsym absent\n");
		return 0;
	}
	errno = 0;
	show("bpf_prog_get_info_by_fd", info(-1, buf, &len));
	end();
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "opts"))
		return do_opts();
	if (argc >= 2 && !strcmp(argv[1], "batch"))
		return do_batch();
	if (argc >= 2 && !strcmp(argv[1], "taskfd"))
		return do_taskfd();
	if (argc >= 3 && !strcmp(argv[1], "mapops"))
		return do_mapops(argv[2]);
	if (argc >= 2 && !strcmp(argv[1], "missing"))
		return do_missing();
	fprintf(stderr, "usage: libbpf_more opts|batch|taskfd|mapops OBJ|missing\n");
	return 2;
}
