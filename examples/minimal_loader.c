// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * minimal_loader - a plain libbpf loader (no skeleton) for minimal.bpf.o.
 *
 * Opens the object, points target_pid at ourselves through .rodata, loads,
 * attaches the sys_enter raw tracepoint, makes a few syscalls and reads the
 * count back.  It is the "real program" bpfspy traces in its tests.
 *
 * usage: minimal_loader [-v] [--pin DIR] [OBJECT]
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#ifndef MINIMAL_BPF_OBJ
#define MINIMAL_BPF_OBJ "minimal.bpf.o"
#endif

#define NR_GETPIDS 10
#define PROBE_KEY 0xfffffffeU	/* not a syscall id: the program never uses it */

static int verbose;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Print "minimal_loader: WHAT: libbpf error" and return the exit status. */
static int fail(const char *what, int err)
{
	char buf[128];

	libbpf_strerror(err, buf, sizeof(buf));
	fprintf(stderr, "minimal_loader: %s: %s\n", what, buf);
	return 1;
}

/* Exercise the plain map commands on `seen`: update, lookup, next key. */
static int poke_seen(struct bpf_map *seen)
{
	int fd = bpf_map__fd(seen);
	__u32 key = PROBE_KEY, next;
	__u64 val = 42, out = 0;
	int err;

	err = bpf_map_update_elem(fd, &key, &val, BPF_ANY);
	if (err)
		return fail("update seen", err);
	err = bpf_map_lookup_elem(fd, &key, &out);
	if (err)
		return fail("lookup seen", err);
	if (out != val) {
		fprintf(stderr, "minimal_loader: seen[%#x]=%llu, want %llu\n",
			key, (unsigned long long)out, (unsigned long long)val);
		return 1;
	}
	err = bpf_map_get_next_key(fd, NULL, &next);
	if (err)
		return fail("next key of seen", err);
	return 0;
}

static int run(struct bpf_object *obj, const char *pin_dir)
{
	struct bpf_map *counts, *seen, *rodata;
	struct bpf_program *prog;
	struct bpf_link *link;
	__u32 pid = getpid(), zero = 0;
	__u64 count = 0;
	char pin_path[4096];
	int err, i, ret = 1;

	counts = bpf_object__find_map_by_name(obj, "counts");
	seen = bpf_object__find_map_by_name(obj, "seen");
	rodata = bpf_object__find_map_by_name(obj, ".rodata");
	prog = bpf_object__find_program_by_name(obj, "count_syscalls");
	if (!counts || !seen || !rodata || !prog)
		return fail("object lacks counts, seen, .rodata or count_syscalls",
			    -ENOENT);

	/* target_pid is the only variable in .rodata, so it is the whole map. */
	err = bpf_map__set_initial_value(rodata, &pid, sizeof(pid));
	if (err)
		return fail("set target_pid", err);

	err = bpf_object__load(obj);
	if (err)
		return fail("load", err);

	if (pin_dir) {
		snprintf(pin_path, sizeof(pin_path), "%s/counts", pin_dir);
		err = bpf_map__pin(counts, pin_path);
		if (err)
			return fail(pin_path, err);
	}

	link = bpf_program__attach(prog);
	if (!link) {
		ret = fail("attach", -errno);
		goto unpin;
	}

	for (i = 0; i < NR_GETPIDS; i++)
		getpid();

	err = bpf_map_lookup_elem(bpf_map__fd(counts), &zero, &count);
	if (err) {
		ret = fail("lookup counts[0]", err);
		goto detach;
	}
	ret = poke_seen(seen);
	if (!ret)
		printf("minimal_loader: counts[0]=%llu syscalls seen\n",
		       (unsigned long long)count);
detach:
	bpf_link__destroy(link);
unpin:
	if (pin_dir) {
		err = bpf_map__unpin(counts, NULL);
		if (err)
			ret = fail("unpin", err);
	}
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pin", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = MINIMAL_BPF_OBJ, *pin_dir = NULL;
	struct bpf_object *obj;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		switch (opt) {
		case 'v':
			verbose = 1;
			break;
		case 'p':
			pin_dir = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-v] [--pin DIR] [OBJECT]\n",
				argv[0]);
			return 2;
		}
	}
	if (optind < argc)
		path = argv[optind];

	libbpf_set_print(print_fn);

	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return fail(path, -errno);

	ret = run(obj, pin_dir);
	bpf_object__close(obj);
	return ret;
}
