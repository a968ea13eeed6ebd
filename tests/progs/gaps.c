// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gaps: real bpf(2) calls at the edges the decoders once got wrong
 * (tests/bats/decoding.bats).  Each call is made through syscall(), so the
 * shim sees it, and its line on stdout says what the test must find in
 * the trace:
 *
 *   nextid SIZE ret=R next_id=N   BPF_MAP_GET_NEXT_ID with attr size SIZE:
 *                                 the kernel writes next_id past the size
 *   size0 attr=0xADDR             a call of size 0 with a non-NULL attr
 *   kmulti page=0xADDR            LINK_CREATE kprobe_multi whose syms,
 *                                 addrs and cookies arrays run into an
 *                                 unmapped page after 2 of 4 entries
 *   tmulti page=0xADDR            the same for tracing_multi's ids
 *   flags                         map_flags 0x4000, MAP_GET_FD_BY_ID with
 *                                 BPF_F_TOKEN_FD, BTF_GET_FD_BY_ID with it
 *   btfmap [kill]                 a hash map created with BTF (key u32,
 *                                 value struct val { u32 count; char
 *                                 comm[16]; }), key 7 set to {18, "bash"}
 *                                 and looked up; with kill, SIGKILL after;
 *                                 with hold, print "id=N" and keep the map
 *                                 until stdin closes
 *   lookupid ID                   MAP_GET_FD_BY_ID ID, look key 7 up, SIGKILL
 *   untyped                       an ARRAY map without BTF looked up three
 *                                 times, then btfmap: the second map's
 *                                 payloads are typed all the same
 */
#include <errno.h>
#include <linux/btf.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CMD_MAP_CREATE        0
#define CMD_MAP_UPDATE_ELEM   2
#define CMD_MAP_LOOKUP_ELEM   1
#define CMD_BTF_LOAD          18
#define CMD_OBJ_GET_INFO      15
#define CMD_MAP_GET_NEXT_ID   12
#define CMD_MAP_GET_FD_BY_ID  14
#define CMD_BTF_GET_FD_BY_ID  19
#define CMD_LINK_CREATE       28
#define AT_KPROBE_MULTI       42
#define AT_FENTRY_MULTI       59
#define F_TOKEN_FD            0x10000u

static long bpf(int cmd, void *attr, unsigned size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

static void put32(uint8_t *a, unsigned off, uint32_t v) { memcpy(a + off, &v, 4); }
static void put64(uint8_t *a, unsigned off, uint64_t v) { memcpy(a + off, &v, 8); }

static void nextid(unsigned size)
{
	uint8_t a[16] = { 0 };
	uint32_t next;
	long r = bpf(CMD_MAP_GET_NEXT_ID, a, size);

	memcpy(&next, a + 4, 4);
	printf("nextid %u ret=%ld next_id=%u\n", size, r, next);
}

/* Two pages: the second unmapped, an array of 4 entries of @elem bytes
 * placed so that 2 are on the first. */
static uint8_t *straddle(unsigned elem, uint8_t **page2)
{
	long ps = sysconf(_SC_PAGESIZE);
	uint8_t *p = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p + ps, ps);
	*page2 = p + ps;
	return p + ps - 2 * elem;
}

static void kmulti(void)
{
	static const char *names[2] = { "bpfspy_gap_a", "bpfspy_gap_b" };
	uint8_t a[64] = { 0 }, *page2, *syms = straddle(8, &page2);
	long r;

	if (!syms)
		return;
	memcpy(syms, &names[0], 8);
	memcpy(syms + 8, &names[1], 8);
	put32(a, 0, (uint32_t)-1);          /* prog_fd: none, EBADF */
	put32(a, 8, AT_KPROBE_MULTI);
	put32(a, 20, 4);                    /* cnt */
	put64(a, 24, (uint64_t)(uintptr_t)syms);
	put64(a, 32, (uint64_t)(uintptr_t)syms);   /* addrs: the same 2 readable */
	put64(a, 40, (uint64_t)(uintptr_t)syms);   /* cookies */
	r = bpf(CMD_LINK_CREATE, a, sizeof(a));
	printf("kmulti page=%p ret=%ld errno=%d\n", (void *)page2, r, r < 0 ? errno : 0);
}

static void tmulti(void)
{
	uint8_t a[64] = { 0 }, *page2, *ids = straddle(4, &page2);
	long r;

	if (!ids)
		return;
	put32(ids, 0, 11);
	put32(ids, 4, 12);
	put32(a, 0, (uint32_t)-1);
	put32(a, 8, AT_FENTRY_MULTI);
	put64(a, 16, (uint64_t)(uintptr_t)ids);
	put32(a, 32, 4);                    /* cnt */
	r = bpf(CMD_LINK_CREATE, a, sizeof(a));
	printf("tmulti page=%p ret=%ld errno=%d\n", (void *)page2, r, r < 0 ? errno : 0);
}

static void flags(void)
{
	uint8_t a[128] = { 0 };
	long r;

	put32(a, 0, 2);                     /* BPF_MAP_TYPE_ARRAY */
	put32(a, 4, 4);
	put32(a, 8, 4);
	put32(a, 12, 1);
	put32(a, 16, 0x4000);               /* bit 14: no map flag */
	r = bpf(CMD_MAP_CREATE, a, 72);
	printf("flags map_create ret=%ld\n", r);
	memset(a, 0, sizeof(a));
	put32(a, 0, 0x7ffffff0);            /* an id nobody has */
	put32(a, 8, F_TOKEN_FD);
	r = bpf(CMD_MAP_GET_FD_BY_ID, a, 16);
	printf("flags map_get_fd_by_id ret=%ld\n", r);
	r = bpf(CMD_BTF_GET_FD_BY_ID, a, 16);
	printf("flags btf_get_fd_by_id ret=%ld\n", r);
}

/* A BTF blob: 1 u32, 2 char, 3 char[16], 4 struct val { u32 count; char comm[16]; } */
static size_t make_btf(uint8_t *out)
{
	static const char strs[] = "\0unsigned int\0char\0val\0count\0comm";
	uint32_t types[] = {
		1, BTF_KIND_INT << 24, 4, 32,                             /* 1 */
		14, BTF_KIND_INT << 24, 1, BTF_INT_SIGNED << 24 | 8,      /* 2 */
		0, BTF_KIND_ARRAY << 24, 0, 2, 1, 16,                     /* 3 */
		19, BTF_KIND_STRUCT << 24 | 2, 20, 23, 1, 0, 29, 3, 32,   /* 4 */
	};
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = sizeof(types),
		.str_off = sizeof(types), .str_len = sizeof(strs),
	};

	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), types, sizeof(types));
	memcpy(out + sizeof(h) + sizeof(types), strs, sizeof(strs));
	return sizeof(h) + sizeof(types) + sizeof(strs);
}

/* Lookups of a map without types, before a map with them. */
static int untyped(void)
{
	uint8_t a[72] = { 0 }, val[8];
	uint32_t key = 0;
	long map;
	int i;

	put32(a, 0, 2);                     /* BPF_MAP_TYPE_ARRAY */
	put32(a, 4, 4);
	put32(a, 8, sizeof(val));
	put32(a, 12, 1);
	map = bpf(CMD_MAP_CREATE, a, 72);
	if (map < 0) {
		printf("untyped map_create errno=%d\n", errno);
		return 1;
	}
	memset(a, 0, sizeof(a));
	put32(a, 0, (uint32_t)map);
	put64(a, 8, (uint64_t)(uintptr_t)&key);
	put64(a, 16, (uint64_t)(uintptr_t)val);
	for (i = 0; i < 3; i++)
		if (bpf(CMD_MAP_LOOKUP_ELEM, a, 32) < 0)
			return 1;
	return 0;
}

static int btfmap(bool kill_after, bool hold)
{
	uint8_t blob[512], a[128] = { 0 }, val[20] = { 0 }, out[20];
	uint32_t key = 7, count = 18;
	long btf, map, r;

	put64(a, 0, (uint64_t)(uintptr_t)blob);
	put32(a, 16, (uint32_t)make_btf(blob));
	btf = bpf(CMD_BTF_LOAD, a, 32);
	if (btf < 0) {
		printf("btfmap btf_load errno=%d\n", errno);
		return 1;
	}
	memset(a, 0, sizeof(a));
	put32(a, 0, 1);                     /* BPF_MAP_TYPE_HASH */
	put32(a, 4, 4);
	put32(a, 8, sizeof(val));
	put32(a, 12, 4);
	put32(a, 48, (uint32_t)btf);        /* btf_fd */
	put32(a, 52, 1);                    /* btf_key_type_id: u32 */
	put32(a, 56, 4);                    /* btf_value_type_id: struct val */
	map = bpf(CMD_MAP_CREATE, a, 72);
	if (map < 0) {
		printf("btfmap map_create errno=%d\n", errno);
		return 1;
	}
	memcpy(val, &count, 4);
	memcpy(val + 4, "bash", 5);
	memset(a, 0, sizeof(a));
	put32(a, 0, (uint32_t)map);
	put64(a, 8, (uint64_t)(uintptr_t)&key);
	put64(a, 16, (uint64_t)(uintptr_t)val);
	r = bpf(CMD_MAP_UPDATE_ELEM, a, 32);
	put64(a, 16, (uint64_t)(uintptr_t)out);
	r = r ? r : bpf(CMD_MAP_LOOKUP_ELEM, a, 32);
	printf("btfmap ret=%ld\n", r);
	if (kill_after)
		raise(SIGKILL);
	if (hold) {
		uint8_t info[64] = { 0 };
		uint32_t id;
		char c;

		memset(a, 0, sizeof(a));
		put32(a, 0, (uint32_t)map);
		put32(a, 4, sizeof(info));
		put64(a, 8, (uint64_t)(uintptr_t)info);
		if (bpf(CMD_OBJ_GET_INFO, a, 16))
			return 1;
		memcpy(&id, info + 4, 4);      /* bpf_map_info.id */
		printf("id=%u\n", id);
		while (read(0, &c, 1) > 0)
			;
	}
	return r ? 1 : 0;
}

static int lookupid(uint32_t id)
{
	uint8_t a[32] = { 0 }, out[20];
	uint32_t key = 7;
	long fd, r;

	put32(a, 0, id);
	fd = bpf(CMD_MAP_GET_FD_BY_ID, a, 12);
	if (fd < 0)
		return 1;
	memset(a, 0, sizeof(a));
	put32(a, 0, (uint32_t)fd);
	put64(a, 8, (uint64_t)(uintptr_t)&key);
	put64(a, 16, (uint64_t)(uintptr_t)out);
	r = bpf(CMD_MAP_LOOKUP_ELEM, a, 32);
	printf("lookupid ret=%ld\n", r);
	raise(SIGKILL);
	return 1;
}

int main(int argc, char **argv)
{
	uint8_t a[8] = { 0 };

	if (argc < 2) {
		fprintf(stderr, "usage: gaps nextid|size0|kmulti|tmulti|flags\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "nextid")) {
		uint8_t m[32] = { 0 };

		/* one map at least, so that there is a next id */
		put32(m, 0, 2);
		put32(m, 4, 4);
		put32(m, 8, 4);
		put32(m, 12, 1);
		if (bpf(CMD_MAP_CREATE, m, sizeof(m)) < 0)
			return 1;
		nextid(0);
		nextid(4);
		nextid(8);
	} else if (!strcmp(argv[1], "size0")) {
		bpf(CMD_MAP_GET_NEXT_ID, a, 0);
		printf("size0 attr=%p\n", (void *)a);
	} else if (!strcmp(argv[1], "kmulti")) {
		kmulti();
	} else if (!strcmp(argv[1], "tmulti")) {
		tmulti();
	} else if (!strcmp(argv[1], "flags")) {
		flags();
	} else if (!strcmp(argv[1], "btfmap")) {
		return btfmap(argc > 2 && !strcmp(argv[2], "kill"),
			      argc > 2 && !strcmp(argv[2], "hold"));
	} else if (!strcmp(argv[1], "untyped")) {
		return untyped() ? 1 : btfmap(false, false);
	} else if (!strcmp(argv[1], "lookupid") && argc > 2) {
		return lookupid((uint32_t)strtoul(argv[2], NULL, 10));
	} else {
		return 2;
	}
	return 0;
}
