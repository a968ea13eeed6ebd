// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libbpf_calls: a few libbpf API calls with known results, for the libbpf
 * layer's tests.  Linked against the shared libbpf; bpf_map_create is also
 * called through an explicitly versioned reference, to prove a binary
 * bound to LIBBPF_0.6.0 reaches the wrapper for that version.  Prints one
 * line per call: "FUNC ret=R errno=E".
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The same function, bound to its version node by name. */
int create_v060(enum bpf_map_type, const char *, __u32, __u32, __u32,
		const struct bpf_map_create_opts *);
__asm__(".symver create_v060, bpf_map_create@LIBBPF_0.6.0");

static void show(const char *func, long ret)
{
	printf("%s ret=%ld errno=%d\n", func, ret, ret < 0 ? errno : 0);
}

/* libbpf_calls loop N: N lookups through libbpf, as a daemon polls a map */
static int loop(long n)
{
	__u32 key = 1;
	__u64 value;
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "lbc_loop", 4, 8, 4, NULL);
	long i;

	if (fd < 0)
		return 1;
	for (i = 0; i < n; i++)
		bpf_map_lookup_elem(fd, &key, &value);
	printf("lookups=%ld\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	__u32 key = 1, missing = 7;
	__u64 value = 42;
	int fd, hash;
	long r;

	if (argc == 3 && !strcmp(argv[1], "loop"))
		return loop(atol(argv[2]));

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "lbc_array", 4, 8, 4, NULL);
	show("bpf_map_create", fd);
	if (fd < 0)
		return 1;
	show("bpf_map_update_elem", bpf_map_update_elem(fd, &key, &value, BPF_ANY));
	show("bpf_map_lookup_elem", bpf_map_lookup_elem(fd, &key, &value));
	/* libbpf's convention: a negative error code, and errno the same */
	r = bpf_map_create((enum bpf_map_type)9999, "lbc_bad", 4, 8, 4, NULL);
	show("bpf_map_create", r);
	hash = create_v060(BPF_MAP_TYPE_HASH, "lbc_hash", 4, 8, 4, NULL);
	show("bpf_map_create", hash);
	show("bpf_map_lookup_elem", bpf_map_lookup_elem(hash, &missing, &value));
	return 0;
}
