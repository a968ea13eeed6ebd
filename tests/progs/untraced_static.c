// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A loader no shim can enter: tests/bats/untraced.bats builds it with
 * gcc -static.  One BPF_MAP_CREATE by syscall(2), its result on stdout.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	union bpf_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	printf("static map_create ok=%d\n", fd >= 0 || errno == EPERM);
	return 0;
}
