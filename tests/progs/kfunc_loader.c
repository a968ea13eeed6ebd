// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kfunc_loader OBJECT: load each program of OBJECT on its own (the others'
 * autoload off, the object opened again each time) with the verifier's
 * log at level 2, which prints every instruction it checks.  For each
 * program, one line "load NAME ret=R" (0 or a negative errno), then the
 * log's lines as "log NAME: LINE" (tests/bats/insns.bats).  Exits 0 when
 * the object opens, whatever the kernel said to each program.
 */
#include <bpf/libbpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char log_buf[1 << 16];

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

static void print_log(const char *name)
{
	char *line, *save = NULL;

	for (line = strtok_r(log_buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		printf("log %s: %s\n", name, line);
}

/* Load program number @want of @path alone; false when there is none. */
static int load_one(const char *path, int want)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *p, *mine = NULL;
	int i = 0, err;

	if (!obj) {
		fprintf(stderr, "kfunc_loader: cannot open %s\n", path);
		return -1;
	}
	bpf_object__for_each_program(p, obj) {
		bpf_program__set_autoload(p, i == want);
		if (i++ == want)
			mine = p;
	}
	if (!mine) {
		bpf_object__close(obj);
		return 0;
	}
	log_buf[0] = 0;
	bpf_program__set_log_buf(mine, log_buf, sizeof(log_buf));
	bpf_program__set_log_level(mine, 2);
	err = bpf_object__load(obj);
	printf("load %s ret=%d\n", bpf_program__name(mine), err);
	print_log(bpf_program__name(mine));
	fflush(stdout);
	bpf_object__close(obj);
	return 1;
}

int main(int argc, char **argv)
{
	int i, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: kfunc_loader OBJECT\n");
		return 2;
	}
	libbpf_set_print(quiet);
	for (i = 0; (rc = load_one(argv[1], i)) > 0; i++)
		;
	return rc < 0 ? 1 : 0;
}
