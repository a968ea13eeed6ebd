// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Seed corpus for fuzz_decode: real-looking calls of the commands with
 * the most decoding (pointers, strings, logs, union arms, payload), in the
 * input layout of fuzz_format.h, plus a few packed records.
 *
 *   gen_seeds DIR      writes DIR/seed-NAME, one file per seed
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscall/bpf_decode.h"
#include "event/bpf_record.h"
#include "fuzz_format.h"

static const char *outdir;
static unsigned nseeds;

struct seed {
	struct fz_hdr h;
	uint8_t pre[BPF_ATTR_SNAP], post[BPF_ATTR_SNAP];
	uint8_t blobs[512];
	size_t blobs_len;
	uint8_t blob_data[1024];
	uint8_t notes[512];
	size_t notes_len;
	uint8_t page[4096];
	size_t page_len;
};

static void put32(uint8_t *a, unsigned off, uint32_t v) { memcpy(a + off, &v, 4); }
static void put64(uint8_t *a, unsigned off, uint64_t v) { memcpy(a + off, &v, 8); }

static void write_file(const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%s", outdir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
	nseeds++;
}

/* A call of @cmd with @size bytes of attr; ret 0. */
static void start(struct seed *s, uint32_t cmd, uint32_t size)
{
	unsigned i;

	memset(s, 0, sizeof(*s));
	s->h.cmdsel = (uint8_t)FZ_CMD_DIRECT;      /* cmd_raw as given */
	s->h.cmd_raw = cmd;
	s->h.sizesel = 6;                          /* size_raw as given */
	s->h.size_raw = size;
	s->h.outcap = 0x8000;
	s->h.seq = 7;
	s->h.ts = 1795316856787205678ull;
	s->h.pid = 4242;
	memcpy(s->h.comm, "loader", 6);
	for (i = 0; i < FZ_NPTR; i++)
		s->h.ptr[i].slot = FZ_SLOT_ATTR;
}

static void fail(struct seed *s, int err)
{
	s->h.retsel = 3;
	s->h.ret = -1;
	s->h.err = err;
}

/* Put @str (with its NUL when @nul) at @off of the page. */
static void page_str(struct seed *s, unsigned off, const char *str, int nul)
{
	size_t n = strlen(str) + (nul ? 1 : 0);

	memcpy(s->page + off, str, n);
	if (off + n > s->page_len)
		s->page_len = off + n;
}

/* Pointer #i: attr offset @attr_off, of @kind with @param. */
static void ptr(struct seed *s, unsigned i, unsigned attr_off, uint8_t kind, uint16_t param)
{
	s->h.ptr[i].slot = (uint8_t)(FZ_SLOT_ATTR | attr_off / 8);
	s->h.ptr[i].kind = kind;
	s->h.ptr[i].param = param;
	if (s->h.nptr < i + 1)
		s->h.nptr = (uint8_t)(i + 1);
}

/* Pointer #i written into the fuzz page at @page_off (a multiple of 8,
 * below 512): arrays of pointers. */
static void page_ptr(struct seed *s, unsigned i, unsigned page_off, uint8_t kind,
		     uint16_t param)
{
	ptr(s, i, 0, kind, param);
	s->h.ptr[i].slot = (uint8_t)(FZ_SLOT_PAGE | page_off / 8);
	if (page_off + 8 > s->page_len)
		s->page_len = page_off + 8;
}

static void emit(struct seed *s, const char *name)
{
	static uint8_t buf[sizeof(struct seed)];
	size_t n = 0, pre = fz_pre_len(&s->h), post = fz_post_len(&s->h);

	memcpy(buf + n, &s->h, sizeof(s->h));
	n += sizeof(s->h);
	memcpy(buf + n, s->pre, pre);
	n += pre;
	memcpy(buf + n, s->post, post);
	n += post;
	memcpy(buf + n, s->blobs, s->blobs_len);
	n += s->blobs_len;
	memcpy(buf + n, s->blob_data, fz_blob_used(&s->h));
	n += fz_blob_used(&s->h);
	memcpy(buf + n, s->notes, s->notes_len);
	n += s->notes_len;
	memcpy(buf + n, s->page, s->page_len);
	n += s->page_len;
	write_file(name, buf, n);
}

static void with_post(struct seed *s)
{
	s->h.flags |= FZ_F_POST;
	s->h.flags2 |= FZ_G_POST_PRE;
}

static void blob(struct seed *s, uint8_t tag, uint16_t len, uint32_t full_len)
{
	struct bpf_blob b;
	uint16_t used = s->h.blob_used;
	unsigned i;

	memset(&b, 0, sizeof(b));
	b.tag = tag;
	b.off = used;
	b.len = len;
	b.full_len = full_len;
	memcpy(s->blobs + s->blobs_len, &b, sizeof(b));
	s->blobs_len += sizeof(b);
	for (i = 0; i < len; i++)
		s->blob_data[used + i] = (uint8_t)(i * 37 + tag);
	s->h.blob_used = (uint16_t)(used + len);
	s->h.nblobs++;
}

static void note(struct seed *s, int32_t fd, uint8_t kind, uint32_t id, uint16_t type,
		 const char *name)
{
	struct bpf_fd_note n;

	memset(&n, 0, sizeof(n));
	n.fd = fd;
	n.kind = kind;
	n.id = id;
	n.type = type;
	n.has_type = 1;
	strncpy(n.name, name, sizeof(n.name));
	memcpy(s->notes + s->notes_len, &n, sizeof(n));
	s->notes_len += sizeof(n);
	s->h.nnotes++;
}

static void seeds_maps(void)
{
	struct seed s;

	start(&s, 0, 72);                            /* BPF_MAP_CREATE, libbpf */
	put32(s.pre, 0, 1);                          /* HASH */
	put32(s.pre, 4, 4);
	put32(s.pre, 8, 8);
	put32(s.pre, 12, 1024);
	put32(s.pre, 16, 1);                         /* BPF_F_NO_PREALLOC */
	memcpy(s.pre + 28, "counts", 6);
	put32(s.pre, 48, 3);
	put32(s.pre, 52, 2);
	put32(s.pre, 56, 5);
	s.h.retsel = 1;
	s.h.ret = 4;
	emit(&s, "map_create");

	/* A daemon with stdin closed: the new map is fd 0, which its unset
	 * fd fields (inner_map_fd, btf_fd...) also say. */
	put32(s.pre, 48, 0);
	s.h.ret = 0;
	note(&s, 0, OBJ_MAP, 12, 1, "counts");
	emit(&s, "map_create_fd0");

	start(&s, 1, 32);                            /* MAP_LOOKUP_ELEM */
	put32(s.pre, 0, 4);
	ptr(&s, 0, 8, FZ_P_PAGE, 0);
	ptr(&s, 1, 16, FZ_P_PAGE, 64);
	page_str(&s, 0, "\x01\x00\x00\x00", 0);
	fail(&s, ENOENT);
	emit(&s, "map_lookup_enoent");
	s.h.retsel = 0;
	blob(&s, BLOB_KEY, 4, 4);
	blob(&s, BLOB_VALUE, 8, 8);
	emit(&s, "map_lookup_blobs");
	note(&s, 4, OBJ_MAP, 12, 1, "counts");
	emit(&s, "map_lookup_notes");

	start(&s, 2, 32);                            /* MAP_UPDATE_ELEM */
	put32(s.pre, 0, 4);
	ptr(&s, 0, 8, FZ_P_PAGE, 0);
	ptr(&s, 1, 16, FZ_P_EDGE_NEAR, 7);
	put64(s.pre, 24, 1 | 4);                     /* NOEXIST|F_LOCK */
	blob(&s, BLOB_KEY, 4, 4);
	blob(&s, BLOB_VALUE, 64, 256);               /* capped */
	emit(&s, "map_update");

	start(&s, 2, 32);                            /* per-CPU, BPF_F_CPU */
	put32(s.pre, 0, 5);
	put64(s.pre, 24, 8 | (3ull << 32));
	fail(&s, E2BIG);
	emit(&s, "map_update_cpu");

	start(&s, 4, 24);                            /* MAP_GET_NEXT_KEY */
	put32(s.pre, 0, 4);
	ptr(&s, 0, 8, FZ_P_NULL, 0);
	ptr(&s, 1, 16, FZ_P_PAGE, 16);
	emit(&s, "map_get_next_key");

	start(&s, 24, 56);                           /* MAP_LOOKUP_BATCH */
	ptr(&s, 0, 0, FZ_P_NULL, 0);
	ptr(&s, 1, 8, FZ_P_PAGE, 0);
	ptr(&s, 2, 16, FZ_P_PAGE, 128);
	ptr(&s, 3, 24, FZ_P_PAGE, 1024);
	put32(s.pre, 32, 16);
	put32(s.pre, 36, 4);
	with_post(&s);
	emit(&s, "map_lookup_batch");

	start(&s, 12, 8);                            /* MAP_GET_NEXT_ID */
	put32(s.pre, 0, 5);
	with_post(&s);
	s.h.flags2 &= ~FZ_G_POST_PRE;
	put32(s.post, 0, 5);
	put32(s.post, 4, 9);
	emit(&s, "map_get_next_id");
}

static void seeds_prog_load(void)
{
	static const uint32_t sizes[] = { 168, 128, 144, 148 };
	struct seed s;
	unsigned i;
	char name[64];

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		start(&s, 5, sizes[i]);
		put32(s.pre, 0, 1);                  /* SOCKET_FILTER */
		put32(s.pre, 4, 2);
		ptr(&s, 0, 8, FZ_P_PAGE, 512);       /* insns */
		ptr(&s, 1, 16, FZ_P_PAGE, 0);        /* license */
		put32(s.pre, 24, 1);
		put32(s.pre, 28, 4096);
		ptr(&s, 2, 32, FZ_P_PAGE, 64);       /* log_buf */
		memcpy(s.pre + 48, "xdp_prog", 8);
		put32(s.pre, 68, 37);
		page_str(&s, 0, "GPL", 1);
		page_str(&s, 64, "0: R1=ctx() R10=fp0\n0: (b7) r0 = 0\n"
			 "1: (95) exit\nprocessed 2 insns\n", 1);
		page_str(&s, 512, "\xb7\0\0\0\0\0\0\0\x95\0\0\0\0\0\0\0", 0);
		s.page_len = 600;
		s.h.flags |= FZ_F_POST;              /* post: log_true_size */
		memcpy(s.post, s.pre, sizeof(s.post));
		put32(s.post, 140, 80);
		if (i == 1)
			fail(&s, EACCES);
		if (i == 2)
			fail(&s, ENOSPC);
		if (i == 3) {
			s.h.retsel = 1;
			s.h.ret = 9;
			note(&s, 9, OBJ_PROG, 77, 6, "xdp_prog");
			note(&s, 0, OBJ_UNKNOWN, 0, 0, "");
		}
		snprintf(name, sizeof(name), "prog_load_%u", sizes[i]);
		emit(&s, name);
	}

	/* license running into a PROT_NONE page; log at the edge */
	start(&s, 5, 168);
	put32(s.pre, 0, 6);
	ptr(&s, 0, 16, FZ_P_EDGE_NEAR, 2);
	put32(s.pre, 24, 2);
	put32(s.pre, 28, 65536);
	ptr(&s, 1, 32, FZ_P_EDGE, 300);
	s.h.flags2 |= FZ_G_EDGE_NONUL;
	page_str(&s, 0, "verifier says: R2 !read_ok\n", 0);
	s.page_len = 1024;
	fail(&s, EINVAL);
	emit(&s, "prog_load_edge");

	/* license in unmapped memory, log_buf wraps */
	start(&s, 5, 168);
	ptr(&s, 0, 16, FZ_P_UNMAPPED, 0);
	put32(s.pre, 24, 1);
	put32(s.pre, 28, 1024);
	ptr(&s, 1, 32, FZ_P_WRAP, 16);
	fail(&s, EFAULT);
	emit(&s, "prog_load_fault");

	/* old libbpf, short attr, with nonzero tail bytes */
	start(&s, 5, 4096);
	put32(s.pre, 0, 2);
	ptr(&s, 0, 16, FZ_P_CROSS, 1);
	s.pre[200] = 1;
	s.h.tail_off = 1 | (1000 << 2);
	page_str(&s, 0, "Dual BSD/GPL", 1);
	fail(&s, E2BIG);
	emit(&s, "prog_load_tail");
}

static void seeds_misc(void)
{
	struct seed s;

	start(&s, 18, 40);                           /* BTF_LOAD */
	ptr(&s, 0, 0, FZ_P_PAGE, 512);
	ptr(&s, 1, 8, FZ_P_PAGE, 0);
	put32(s.pre, 16, 400);
	put32(s.pre, 20, 256);
	put32(s.pre, 24, 1);
	page_str(&s, 0, "magic: 0xeb9f\nversion: 1\nInvalid name\n", 1);
	s.page_len = 1000;
	fail(&s, EINVAL);
	with_post(&s);
	emit(&s, "btf_load");

	start(&s, 6, 20);                            /* OBJ_PIN */
	ptr(&s, 0, 0, FZ_P_PAGE, 100);
	put32(s.pre, 8, 5);
	page_str(&s, 100, "/sys/fs/bpf/tc/globals/counts", 1);
	emit(&s, "obj_pin");

	start(&s, 7, 20);                            /* OBJ_GET, in guard page */
	ptr(&s, 0, 0, FZ_P_GUARD, 0);
	put32(s.pre, 12, 1);
	fail(&s, EFAULT);
	emit(&s, "obj_get_fault");

	start(&s, 7, 16);                            /* OBJ_GET, NULL */
	fail(&s, EFAULT);
	emit(&s, "obj_get_null");

	start(&s, 17, 24);                           /* RAW_TRACEPOINT_OPEN */
	ptr(&s, 0, 0, FZ_P_PAGE, 0);
	put32(s.pre, 8, 7);
	put64(s.pre, 16, 0xdeadbeefcafeull);
	page_str(&s, 0, "sched_switch", 1);
	emit(&s, "raw_tp_open");

	start(&s, 8, 16);                            /* PROG_ATTACH, cgroup */
	put32(s.pre, 0, 3);
	put32(s.pre, 4, 4);
	put32(s.pre, 8, 0);
	put32(s.pre, 12, 2);
	emit(&s, "prog_attach");

	start(&s, 16, 64);                           /* PROG_QUERY, XDP ifindex */
	put32(s.pre, 0, 1);
	put32(s.pre, 4, 37);
	ptr(&s, 0, 16, FZ_P_PAGE, 0);
	put32(s.pre, 24, 8);
	with_post(&s);
	emit(&s, "prog_query");

	start(&s, 15, 16);                           /* OBJ_GET_INFO_BY_FD */
	put32(s.pre, 0, 3);
	put32(s.pre, 4, 232);
	ptr(&s, 0, 8, FZ_P_PAGE, 0);
	with_post(&s);
	emit(&s, "obj_get_info");

	start(&s, 10, 80);                           /* PROG_TEST_RUN */
	put32(s.pre, 0, 5);
	put32(s.pre, 8, 64);
	ptr(&s, 0, 16, FZ_P_PAGE, 0);
	ptr(&s, 1, 24, FZ_P_PAGE, 128);
	put32(s.pre, 32, 1000);
	put32(s.pre, 64, 1);
	with_post(&s);
	emit(&s, "prog_test_run");

	start(&s, 20, 48);                           /* TASK_FD_QUERY */
	put32(s.pre, 0, 1);
	put32(s.pre, 4, 9);
	put32(s.pre, 12, 64);
	ptr(&s, 0, 16, FZ_P_PAGE, 0);
	with_post(&s);
	emit(&s, "task_fd_query");

	start(&s, 45, 4096);                         /* unknown, common attrs */
	s.h.cmdsel = 45 | FZ_CMD_COMMON;
	s.h.cmd_raw = 45;
	s.h.common_addr = FZ_P_UNMAPPED;
	s.h.common_size = BPF_COMMON_ATTR_SIZE;
	memset(s.pre, 0xa5, sizeof(s.pre));
	fail(&s, EINVAL);
	emit(&s, "unknown_common");

	/* BTF_LOAD, 5-argument form: struct bpf_common_attr at the start of
	 * the page (log_buf 0, log_size 8, log_level 12, log_true_size 16),
	 * its log further on. */
	start(&s, 18, 40);
	s.h.cmdsel = 18 | FZ_CMD_COMMON;
	s.h.common_addr = FZ_P_PAGE;                 /* page + 0 */
	s.h.common_size = BPF_COMMON_ATTR_SIZE;
	ptr(&s, 0, 0, FZ_P_PAGE, 512);               /* btf */
	put32(s.pre, 16, 64);
	page_ptr(&s, 1, 0, FZ_P_PAGE, 128);          /* common log_buf */
	put32(s.page, 8, 256);
	put32(s.page, 12, 1);
	put32(s.page, 16, 60);
	page_str(&s, 128, "[1] STRUCT foo size=4 vlen=1\n\tbar type_id=99 Invalid\n", 1);
	s.page_len = 600;
	fail(&s, EINVAL);
	emit(&s, "btf_load_common");

	start(&s, 39, 8);
	s.h.cmdsel = 39;                             /* first unknown */
	fail(&s, 524);                               /* ENOTSUPP */
	emit(&s, "unknown_39");

	start(&s, 0, 0);
	s.h.cmdsel = 0;
	s.h.sizesel = 0;
	fail(&s, EINVAL);
	emit(&s, "size_zero");

	start(&s, 1, 32);                            /* attr NULL */
	s.h.flags |= FZ_F_ATTR_NULL | FZ_F_SHORT;
	fail(&s, EFAULT);
	emit(&s, "attr_null");

	start(&s, 28, 8192);                         /* LINK_CREATE over a page */
	s.h.flags |= FZ_F_TAIL_UNRD;
	fail(&s, E2BIG);
	emit(&s, "size_over_page");
}

static void seeds_link_create(void)
{
	struct seed s;

	start(&s, 28, 64);                           /* uprobe_multi */
	put32(s.pre, 0, 5);
	put32(s.pre, 4, 0);
	put32(s.pre, 8, 48);
	ptr(&s, 0, 16, FZ_P_PAGE, 0);
	ptr(&s, 1, 24, FZ_P_PAGE, 256);
	ptr(&s, 2, 40, FZ_P_NULL, 0);
	put32(s.pre, 48, 2);
	put32(s.pre, 56, 1234);
	page_str(&s, 0, "/usr/lib/x86_64-linux-gnu/libc.so.6", 1);
	s.page_len = 300;
	emit(&s, "link_uprobe_multi");

	start(&s, 28, 48);                           /* kprobe_multi */
	put32(s.pre, 0, 5);
	put32(s.pre, 8, 42);
	put32(s.pre, 16, 1);
	put32(s.pre, 20, 3);
	ptr(&s, 0, 24, FZ_P_PAGE, 0);                /* syms: char *[3] */
	page_ptr(&s, 1, 0, FZ_P_PAGE, 256);
	page_ptr(&s, 2, 8, FZ_P_PAGE, 272);
	page_ptr(&s, 3, 16, FZ_P_EDGE_NEAR, 3);      /* runs into PROT_NONE */
	page_str(&s, 256, "do_sys_open", 1);
	page_str(&s, 272, "vfs_read", 1);
	s.h.flags2 |= FZ_G_EDGE_NONUL;
	emit(&s, "link_kprobe_multi");

	start(&s, 28, 32);                           /* tcx, relative id */
	put32(s.pre, 0, 5);
	put32(s.pre, 4, 2);
	put32(s.pre, 8, 46);
	put32(s.pre, 12, 0x20 | 0x8);
	put32(s.pre, 16, 77);
	put64(s.pre, 24, 3);
	emit(&s, "link_tcx");

	start(&s, 28, 32);                           /* iter */
	put32(s.pre, 0, 5);
	put32(s.pre, 8, 28);
	ptr(&s, 0, 16, FZ_P_PAGE, 0);
	put32(s.pre, 24, 8);
	emit(&s, "link_iter");

	start(&s, 28, 32);                           /* fentry, cookie */
	put32(s.pre, 0, 5);
	put32(s.pre, 8, 24);
	put32(s.pre, 16, 1234);
	put64(s.pre, 24, 0x1122334455667788ull);
	emit(&s, "link_tracing");

	start(&s, 28, 64);                           /* netfilter */
	put32(s.pre, 0, 5);
	put32(s.pre, 8, 45);
	put32(s.pre, 16, 2);
	put32(s.pre, 20, 1);
	put32(s.pre, 24, (uint32_t)-100);
	emit(&s, "link_netfilter");
}

/* Packed records as the spool holds them. */
/* The harness reads records as a stream of [u8 type][u16 len][bytes]. */
static uint8_t stream[65536];
static size_t stream_len;

static void rec_add(uint8_t type, const void *p, size_t n)
{
	uint16_t len = (uint16_t)n;

	stream[stream_len] = type == BPF_REC_CALL ? 0 : type == BPF_REC_FDOBJ ? 1 : 2;
	memcpy(stream + stream_len + 1, &len, 2);
	memcpy(stream + stream_len + 3, p, n);
	stream_len += 3 + n;
}

static void rec_call(const struct bpf_call *c, const struct bpf_event_env *env)
{
	static uint8_t rec[sizeof(struct bpf_record) + sizeof(struct bpf_call)];

	bpf_record_pack(rec, c, env);
	rec_add(BPF_REC_CALL, rec, bpf_record_size(c, env));
}

static void rec_emit(const char *name)
{
	write_file(name, stream, stream_len);
	stream_len = 0;
}

static void seeds_records(void)
{
	static struct bpf_call c;
	static const char comm[16] = "comm-of-sixteen!";
	struct bpf_event_env env = { 1, 1795316856787205678ull, 900, 42, 43, comm };

	{
		struct bpf_rec_thread t = { 43, "comm-of-sixteen!" };
		struct bpf_fd_note n;

		memset(&n, 0, sizeof(n));
		n.fd = 4;
		n.kind = OBJ_MAP;
		n.id = 12;
		n.type = 1;
		n.has_type = 1;
		memcpy(n.name, "counts", 6);
		rec_add(BPF_REC_THREAD, &t, sizeof(t));
		rec_add(BPF_REC_FDOBJ, &n, sizeof(n));
	}
	memset(&c, 0, sizeof(c));
	c.cmd = c.cmd_raw = 1;
	c.size = 32;
	c.attr_addr = 0x7ffd00001000ull;
	c.pre_len = 32;
	put32(c.pre, 0, 4);
	put64(c.pre, 8, 0x7ffd00001100ull);
	put64(c.pre, 16, 0x7ffd00001200ull);
	c.ret = -1;
	c.err = ENOENT;
	rec_call(&c, &env);
	rec_emit("record_lookup");

	c.cmd = c.cmd_raw = 12;
	c.size = 12;
	c.pre_len = 12;
	c.have_post = true;
	c.post_len = 12;
	put32(c.post, 4, 17);
	c.ret = 0;
	c.err = 0;
	rec_call(&c, &env);
	rec_emit("record_next_id");

	c.cmd_raw = 50 | BPF_COMMON_ATTRS_BIT;
	c.cmd = 50;
	c.size = 300;
	c.common_addr = 0x7ffd00003000ull;
	c.common_size = 24;
	c.pre_len = BPF_ATTR_SNAP;
	c.have_post = false;
	c.post_len = 0;
	c.tail_nonzero_off = 290;
	memset(c.pre, 0x5a, sizeof(c.pre));
	rec_call(&c, &env);
	rec_emit("record_unknown");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds DIR\n");
		return 2;
	}
	outdir = argv[1];
	seeds_maps();
	seeds_prog_load();
	seeds_misc();
	seeds_link_create();
	seeds_records();
	printf("%u seeds in %s\n", nseeds, outdir);
	return 0;
}
